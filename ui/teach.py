"""Teach mode: a guided lesson in five steps, for a trainer at a projector.

Each step is a prepared comparison (a policy against its reference, the same seed and replications), a sentence of
narration and a question for the room, in large type, with the policy and its reference in the same chart. Runs come
from the server's replication cache, so once a step has been shown (or "Prepare every step" pressed before class)
it appears again in moments, for this trainer and anyone else on the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import streamlit as st

from simulator.experiments.experiment import ExperimentResult
from simulator.inputs.levers import apply_levers
from simulator.inputs.scenario import Scenario
from simulator.outputs import charts, storycharts
from simulator.outputs.story import as_drawn, pick_clinician, policy_marks, story_weeks
from ui.answer import md
from ui.look import draw
from ui.story_view import story_panels

__all__ = ["LESSON", "LESSON_REPLICATIONS", "LESSON_SEED", "LessonRun", "Step", "step_scenarios", "teach"]

LESSON_SEED = 20261128
LESSON_REPLICATIONS = 6  # enough for smooth means on a projector, few enough to prepare in under a minute

View = Literal["week", "story"]
_P = {p.column: p for p in storycharts.STORY_PANELS}
_PAPERWORK = storycharts.Panel("paperwork_hours", "Paperwork in working hours", "h per clinician-week", ".1f")


@dataclass(frozen=True)
class Step:
    title: str
    narration: str
    question: str
    scenario: str  # a bundled file
    reference: str
    view: View
    panels: tuple[storycharts.Panel, ...] = ()
    changes: Mapping[str, Any] = field(default_factory=dict)  # lever changes applied to ``scenario``
    name: str = ""  # the policy side's name on the charts (the file name when empty)
    weeks: int | None = None  # a run length for both sides (the scenario file's when None)


LESSON: tuple[Step, ...] = (
    Step("A clinician's ordinary week",
         "One clinician in a 50-clinician clinic, early in the run and a few years on. Blue is therapy with clients; "
         "orange is paperwork in working hours (light orange: paperwork in the slot of a session the client missed); "
         "red is paperwork after hours.",
         "How much of this week would you call care? Where does the paperwork go when the day is full?",
         "baseline.yaml", "baseline.yaml", "week"),
    Step("Paperwork grows and moves into the evening",
         "Now every progress note takes 25 minutes instead of 15. The sessions stay where they are: the extra "
         "paperwork fills every gap in the day, then spills into the evening.",
         "What would you cut first: sessions, notes or evenings? What do clinicians cut?",
         "baseline.yaml", "baseline.yaml", "story", (_PAPERWORK, _P["after_hours_hours"]),
         {"paperwork.note_minutes.mean": 25.0}, "25-minute notes"),
    Step("Exhaustion and the first departures",
         "Evenings at the desk wear people down. Exhaustion follows the strain over months: the share of clinicians "
         "with high exhaustion climbs, and the exhausted leave first.",
         "Who leaves first, and who picks up their clients on Monday morning?",
         "baseline.yaml", "baseline.yaml", "story", (_P["ee_high_share"], _P["cumulative_departures"]),
         {"paperwork.note_minutes.mean": 25.0}, "25-minute notes"),
    Step("The cascade",
         "Week 78: a new documentation standard adds five minutes to every note, and recruiting slows from four "
         "months to nine. Colleagues cover the empty posts with bigger caseloads, paperwork falls behind, and empty "
         "posts make others want to leave: departures beget departures.",
         "When would you have noticed? What would you have done in week 90?",
         "exodus.yaml", "baseline.yaml", "story",
         (_P["vacancies"], _P["caseload_mean"], _P["cumulative_departures"], _P["waitlist"]), weeks=234),
    Step("A policy and the recovery",
         "Week 130: the agency acts. Recruiting back to about four months, an AI scribe takes a quarter of the "
         "documentation, and two posts are recruited ahead of need. Same squeeze, same dice; only the response "
         "differs.",
         "Which of the three changes matters most? Why does the waitlist come down so slowly?",
         "exodus_relief.yaml", "exodus.yaml", "story",
         (_P["ee_high_share"], _P["cumulative_departures"], _P["vacancies"], _P["waitlist"])),
)


@dataclass(frozen=True)
class LessonRun:
    """A step's comparison, run: the policy and the reference results, and the traced week for a week step."""

    policy: ExperimentResult
    reference: ExperimentResult
    trace: pd.DataFrame | None = None


def step_scenarios(step: Step, bundled: Mapping[str, Scenario]) -> tuple[Scenario, Scenario]:
    """The step's policy and reference scenarios, as the lesson runs them."""
    settings = {"horizon_weeks": step.weeks} if step.weeks else {}
    policy = apply_levers(bundled[step.scenario].with_changes(settings), step.changes)
    return policy, bundled[step.reference].with_changes(settings)


Prepare = Callable[[Step], LessonRun]

_STYLE = """<style>
.st-key-lesson p, .st-key-lesson li { font-size: 1.55rem; line-height: 1.45; }
.st-key-lesson h2 { font-size: 2.6rem; }
</style>"""


def _week(run: LessonRun, step: Step, scenario: Scenario) -> None:
    if run.trace is None or run.trace.empty:
        st.info("No clinician worked through both traced weeks.")
        return
    clinician = pick_clinician(run.trace)
    if clinician is None:
        st.info("No clinician worked through both traced weeks.")
        return
    drawn = as_drawn(run.trace)
    columns = st.columns(2)
    for column, week in zip(columns, story_weeks(scenario), strict=True):
        mine = drawn[(drawn["clinician"] == clinician) & (drawn["week"] == week)]
        heading = f"Week {week}: caseload {mine['caseload'].mean():.0f}, EE {mine['ee'].mean():.0f}/54"
        chart = charts.titled(storycharts.clinician_week(drawn, clinician, week, height=460), heading,
                              [step.scenario, f"clinician {clinician}, replication 0, seed {LESSON_SEED}"],
                              description=f"{heading}: one clinician's week hour by hour.")
        draw(chart, column, big=True)


def _story(run: LessonRun, step: Step, scenario: Scenario, reference: Scenario) -> None:
    name = step.name or step.scenario
    marks = policy_marks(scenario) + [(w, f"{t} ({step.reference})") for w, t in policy_marks(reference)
                                      if w not in {m for m, _ in policy_marks(scenario)}]
    st.markdown(md(f":blue[**━━ {name}**] against :gray[**━━ {step.reference}**], each the mean of "
                   f"{LESSON_REPLICATIONS} paired replications"))
    story_panels([(name, "policy", run.policy.weekly), (step.reference, "reference", run.reference.weekly)],
                 replay=None, means=True, horizon=scenario.horizon_weeks, warmup=scenario.warmup_weeks, marks=marks,
                 subtitle=[f"blue: {name}; grey: {step.reference}",
                           f"mean of {LESSON_REPLICATIONS} paired replications · seed {LESSON_SEED}"],
                 panels=step.panels, big=True)


def _move(by: int) -> None:
    # a callback, so the step moves before the page is drawn and Back/Next are enabled for the step shown
    st.session_state["step"] = min(max(1, int(st.session_state.get("step", 1)) + by), len(LESSON))


def _navigation(count: int) -> int:
    st.session_state.setdefault("step", 1)
    step = int(st.session_state["step"])
    back, picker, forward = st.columns([1, 6, 1], vertical_alignment="center")
    back.button("◀ Back", key="lesson_back", disabled=step <= 1, width="stretch", on_click=_move, args=(-1,))
    forward.button("Next ▶", key="lesson_next", disabled=step >= count, width="stretch", on_click=_move, args=(1,))
    picker.markdown(f"**Step {step} of {count}** · " + " · ".join(
        f"**{i}. {s.title}**" if i == step else f"{i}. {s.title}" for i, s in enumerate(LESSON, start=1)))
    return step


def teach(bundled: Mapping[str, Scenario], prepare: Prepare) -> int:
    """The lesson: navigation, the step's narration, question and charts. Returns the step shown (1-based)."""
    st.html(_STYLE)
    number = _navigation(len(LESSON))
    step = LESSON[number - 1]
    scenario, reference = step_scenarios(step, bundled)
    with st.container(key="lesson"):
        st.header(f"{number}. {step.title}")
        st.markdown(md(step.narration))
        st.markdown(md(f"**Question for the room:** {step.question}"))
        run = prepare(step)
        if step.view == "week":
            _week(run, step, scenario)
        else:
            _story(run, step, scenario, reference)
    return number
