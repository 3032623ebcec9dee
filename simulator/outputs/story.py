"""The trainer's story: "a clinician's week", minute by minute, early in a run and late; and the story over time
told in words from the data.

One replication is re-simulated with the minute-level trace switched on for the chosen weeks. The trace does not
consume random numbers, so the traced replication is the same replication the summary tables describe.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.events import TraceSegment
from simulator.outputs.metrics import days_frame

__all__ = ["SLOT_ACTIVITIES", "WEEKDAYS", "as_drawn", "pick_clinician", "policy_marks", "story_weeks", "week_trace"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Appointments that did not happen: a no-show, or a session given up to catch up on paperwork.
SLOT_ACTIVITIES = ("no_show", "blocked")


def story_weeks(scenario: Scenario) -> tuple[int, int]:
    """An early week (the second, once the first appointments are booked) and the last full week."""
    return min(1, scenario.horizon_weeks - 1), scenario.horizon_weeks - 1


def week_trace(scenario: Scenario, *, replication: int = 0, seed: int | None = None,
               weeks: Sequence[int] | None = None) -> pd.DataFrame:
    """Every traced block of the chosen weeks, with the clinician's end-of-day EE, caseload and minutes at the desk.

    Columns: clinician, week, day, weekday, start_h, end_h, minutes, activity, detail, ee, caseload, desk_min.
    """
    chosen = list(story_weeks(scenario) if weeks is None else weeks)
    log = simulate(scenario, replication=replication, seed=seed, trace_weeks=set(chosen))
    blocks = pd.DataFrame(log.trace, columns=list(TraceSegment._fields))
    days = days_frame(log)[["day", "clinician", "ee", "caseload", "desk_min"]]
    blocks = blocks.merge(days, on=["day", "clinician"], how="left")
    blocks.insert(1, "week", blocks.day // 7)
    blocks.insert(3, "weekday", [WEEKDAYS[d % 7] for d in blocks.day])
    blocks["start_h"] = blocks.start / 60
    blocks["end_h"] = blocks.end / 60
    blocks["minutes"] = blocks.end - blocks.start
    return blocks[["clinician", "week", "day", "weekday", "start_h", "end_h", "minutes", "activity", "detail",
                   "ee", "caseload", "desk_min"]]


def as_drawn(trace: pd.DataFrame) -> pd.DataFrame:
    """The trace as the accounting counts it: a missed or given-up appointment's slot split into the paperwork done
    in it (``slot_paperwork``) and, when there was no more paperwork to do, free time (``slot_idle``).

    The day records count a slot that no client came to as desk time whenever paperwork filled it; the trace draws
    the slot as an appointment. Drawn so, "a clinician's week" would show less paperwork than the time split counts.
    The paperwork done in slots is the day's desk minutes less the paperwork blocks drawn, given to the day's slots
    in the order they fall (the model fills them with desk work in that order).
    """
    if trace.empty:
        return trace
    paperwork = trace[trace["activity"] == "paperwork"]
    drawn: dict[tuple[int, int], float] = {}
    for clinician, day, minutes in zip(paperwork["clinician"], paperwork["day"], paperwork["minutes"], strict=True):
        drawn[(int(clinician), int(day))] = drawn.get((int(clinician), int(day)), 0.0) + float(minutes)
    rows = []
    for row in trace.sort_values(["clinician", "day", "start_h"]).to_dict("records"):
        if row["activity"] not in SLOT_ACTIVITIES:
            rows.append(row)
            continue
        key = (int(row["clinician"]), int(row["day"]))
        left = max(0.0, float(row["desk_min"]) - drawn.get(key, 0.0))
        used = min(left, float(row["minutes"]))
        drawn[key] = drawn.get(key, 0.0) + used  # this slot's share is spoken for
        middle = row["start_h"] + used / 60
        what = "missed session" if row["activity"] == "no_show" else "session given up"
        if used > 1e-9:
            rows.append({**row, "end_h": middle, "minutes": used, "activity": "slot_paperwork",
                         "detail": f"paperwork in a {what}'s slot"})
        if row["minutes"] - used > 1e-9:
            rows.append({**row, "start_h": middle, "minutes": row["minutes"] - used, "activity": "slot_idle",
                         "detail": f"free time in a {what}'s slot"})
    return pd.DataFrame(rows, columns=trace.columns)


def pick_clinician(trace: pd.DataFrame) -> int | None:
    """The clinician present in every traced week whose exhaustion rose most between the first and the last.

    That is the story a room should see. Clinicians on leave in a traced week are passed over while anyone else
    qualifies (a week of leave shows nothing of the desk); ``None`` when nobody worked through all the weeks.
    """
    if trace.empty:
        return None
    weeks = sorted(trace.week.unique())
    present = trace.groupby("clinician").week.nunique()
    stayers = present[present == len(weeks)].index
    if len(stayers) == 0:
        return None
    if "activity" in trace:
        on_leave = pd.Index(trace.loc[trace.activity == "leave", "clinician"].unique())
        working = stayers.difference(on_leave)
        stayers = working if len(working) else stayers
    ee = trace[trace.clinician.isin(stayers)].groupby(["clinician", "week"]).ee.mean().unstack()
    rise = ee[weeks[-1]] - ee[weeks[0]]
    return int(rise.idxmax())


def policy_marks(scenario: Scenario) -> list[tuple[int, str]]:
    """The weeks where a timed policy takes effect, with a short label, for markers on the story's charts."""
    marks = []
    for policy in scenario.policies:
        name = "the lever changes" if policy.name == "levers" else policy.name
        marks.append((int(policy.at_week), f"week {policy.at_week:g}: {name}"))
    return marks
