"""The trainer's views of a run: the story over time, a clinician's week and the time split, each with the policy
beside its reference. Panels are separate charts in columns, so they stack on a phone instead of running off it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.outputs import charts, storycharts
from simulator.outputs.narrative import audit_note, story_caption
from simulator.outputs.story import as_drawn, pick_clinician, policy_marks, story_weeks
from ui.answer import md
from ui.look import draw
from ui.runs import AppRun

__all__ = ["clinician_week", "story", "story_panels", "time_split"]


def _marks(run: AppRun) -> list[tuple[int, str]]:
    """Where the scenario's timed policies take effect, and the reference's own where they differ."""
    marks = policy_marks(run.scenario)
    weeks = {week for week, _ in marks}
    if not run.same_as_reference:
        marks += [(week, f"{text} ({run.reference_label})") for week, text in policy_marks(run.reference)
                  if week not in weeks]
    return marks


def story_panels(runs: list[tuple[str, str, pd.DataFrame]], *, replay: int | None, means: bool, horizon: int,
                 warmup: int, marks: list[tuple[int, str]], subtitle: list[str], panels: tuple[storycharts.Panel, ...],
                 big: bool = False) -> None:
    """Each panel its own chart, two to a row on a wide screen, one under another on a phone."""
    table = storycharts.story_table(runs, replay, means=means, panels=panels)
    for start in range(0, len(panels), 2):
        columns = st.columns(2)
        for column, panel in zip(columns, panels[start:start + 2], strict=False):
            chart = storycharts.story_panel(table, panel, horizon=horizon, warmup=warmup, marks=marks,
                                            height=380 if big else 280)
            titled = charts.titled(chart, panel.title, subtitle,
                                   description=f"{panel.title}, week by week. {' '.join(subtitle)}")
            draw(titled, column, big=big)


def story(run: AppRun) -> None:
    """The exodus cascade over time, one replication at a time, the policy against its reference."""
    reps = run.replications
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    replay = left.slider("Replication to replay", 0, reps - 1, 0, key="replay",
                         help="Each replication is one possible future. The same seed always replays the same "
                              "stories; press New seed in the sidebar to see others.") if reps > 1 else 0
    means = right.checkbox(f"Also draw the mean of all {reps} replications (dashed)", key="story_means")
    runs = [(run.label, "policy", run.policy.weekly)]
    if not run.same_as_reference:
        runs.append((run.reference_label, "reference", run.baseline.weekly))
    marks = _marks(run)
    st.markdown(md(story_caption(run.policy.weekly, None if run.same_as_reference else run.baseline.weekly,
                                 replay=replay, names=(run.label, run.reference_label),
                                 horizon=run.scenario.horizon_weeks, warmup=run.scenario.warmup_weeks,
                                 policy_weeks=[week for week, _ in marks])))
    key = f":blue[**━━ {run.label}**]"
    if not run.same_as_reference:
        key += f" against :gray[**━━ {run.reference_label}**]"
    st.markdown(md(f"{key}, replication {replay}" + (", dashed: the mean of all replications" if means else "")
                   + ". The shaded weeks are the warm-up, left out of every figure; a purple dashed line marks a "
                     "timed policy; ▼ marks a week with departures. "
                   + audit_note(run.scenario.paperwork.audit_interval_weeks)))
    subtitle = [f"blue: {run.label}", *([] if run.same_as_reference else [f"grey: {run.reference_label}"]),
                f"replication {replay}{' (solid), mean (dashed)' if means else ''} · seed {run.seed}"]
    story_panels(runs, replay=replay, means=means, horizon=run.scenario.horizon_weeks,
                 warmup=run.scenario.warmup_weeks, marks=marks, subtitle=subtitle, panels=storycharts.STORY_PANELS)


def _week_chart(column: st.delta_generator.DeltaGenerator, trace: pd.DataFrame, clinician: int, week: int,
                name: str, seed: int) -> None:
    mine = trace[(trace["clinician"] == clinician) & (trace["week"] == week)]
    if mine.empty:
        column.info(md(f"Clinician {clinician} was not in post in week {week} under {name}."))
        return
    heading = f"Week {week}: caseload {mine['caseload'].mean():.0f}, EE {mine['ee'].mean():.0f}/54"
    chart = charts.titled(storycharts.clinician_week(trace, clinician, week), heading,
                          [name, f"clinician {clinician}, replication 0, seed {seed}"],
                          description=f"{heading}. {name}, clinician {clinician}, hour by hour, seed {seed}.")
    draw(chart, column)


def clinician_week(run: AppRun) -> None:
    """Gantt charts of one clinician's early and late week, under the policy and under its reference."""
    if run.trace is None or run.trace.empty:
        st.info("No clinician worked through both traced weeks in this run.")
        return
    traces = [(run.label, as_drawn(run.trace))]
    if not run.same_as_reference and run.reference_trace is not None:
        traces.append((run.reference_label, as_drawn(run.reference_trace)))
    early, late = story_weeks(run.scenario)
    weeks_present = run.trace.groupby("clinician")["week"].nunique()
    stayers = sorted(int(c) for c in weeks_present[weeks_present == 2].index)
    if not stayers:
        st.info(f"No clinician was in post in both week {early} and week {late} of replication 0.")
        return
    default = pick_clinician(run.trace)
    clinician = st.selectbox("Clinician", stayers, index=stayers.index(default) if default in stayers else 0,
                             key=f"week_clinician:{id(run)}",
                             help="Preselected: the clinician whose exhaustion rose most. Clinician k is the same "
                                  "person at the start of both runs (the runs are paired).")
    st.markdown(md(f"Replication 0, week {early} and week {late}: **{run.label}**"
                   + ("" if len(traces) == 1 else f" on the left, **{run.reference_label}** on the right") + ". "
                   "Blue is therapy, orange paperwork (light orange: paperwork done in the slot of a session the "
                   "client missed, which the time split counts as paperwork too), red paperwork after hours."))
    for week in (early, late):
        columns = st.columns(len(traces))
        for column, (name, trace) in zip(columns, traces, strict=True):
            _week_chart(column, trace, clinician, week, name, run.seed)


def time_split(run: AppRun) -> None:
    weekly = [run.baseline.weekly.assign(scenario=run.reference_label)] if not run.same_as_reference else []
    weekly.append(run.policy.weekly.assign(scenario=run.label))
    chart = charts.titled(charts.time_split(pd.concat(weekly, ignore_index=True), width="container"),
                          "Hours per clinician-week", f"{run.reference_label} above {run.label} · seed {run.seed}",
                          description="Hours per clinician-week in sessions, paperwork in working hours and after "
                                      f"hours: {run.reference_label} and {run.label}, seed {run.seed}.")
    draw(chart)
    st.caption("Hours per clinician-week after warm-up, the reference above the scenario: where a policy frees "
               "time, it shows as less orange and red. Paperwork in working hours includes the slots of missed "
               "sessions that paperwork filled, as in a clinician's week.")
