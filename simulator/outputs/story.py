"""The trainer's story: "a clinician's week", minute by minute, early in a run and late.

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

__all__ = ["WEEKDAYS", "pick_clinician", "story_weeks", "week_trace"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def story_weeks(scenario: Scenario) -> tuple[int, int]:
    """An early week (the second, once the first appointments are booked) and the last full week."""
    return min(1, scenario.horizon_weeks - 1), scenario.horizon_weeks - 1


def week_trace(scenario: Scenario, *, replication: int = 0, seed: int | None = None,
               weeks: Sequence[int] | None = None) -> pd.DataFrame:
    """Every traced block of the chosen weeks, with the clinician's end-of-day EE and caseload.

    Columns: clinician, week, day, weekday, start_h, end_h, minutes, activity, detail, ee, caseload.
    """
    chosen = list(story_weeks(scenario) if weeks is None else weeks)
    log = simulate(scenario, replication=replication, seed=seed, trace_weeks=set(chosen))
    blocks = pd.DataFrame(log.trace, columns=list(TraceSegment._fields))
    days = days_frame(log)[["day", "clinician", "ee", "caseload"]]
    blocks = blocks.merge(days, on=["day", "clinician"], how="left")
    blocks.insert(1, "week", blocks.day // 7)
    blocks.insert(3, "weekday", [WEEKDAYS[d % 7] for d in blocks.day])
    blocks["start_h"] = blocks.start / 60
    blocks["end_h"] = blocks.end / 60
    blocks["minutes"] = blocks.end - blocks.start
    return blocks[["clinician", "week", "day", "weekday", "start_h", "end_h", "minutes", "activity", "detail",
                   "ee", "caseload"]]


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
