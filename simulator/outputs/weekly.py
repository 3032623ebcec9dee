"""Weekly series of one replication, warm-up included and flagged: what the story over time draws.

Pure functions of the event log, like the summary (``simulator.outputs.metrics``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.inputs.scenario import Scenario
from simulator.model.events import KIND_CODES, EventLog, Kind
from simulator.outputs.logcolumns import LEAVE, DayColumns, EventColumns, step_values

__all__ = ["weekly"]


def weekly(log: EventLog, scenario: Scenario) -> pd.DataFrame:
    """Weekly series (whole run, warm-up included and flagged) for the story over time."""
    days = DayColumns.of(log)
    events = EventColumns.of(log)
    n = scenario.horizon_weeks
    weeks = np.arange(n)
    week = (days.day // 7).astype(np.int64)
    count = np.bincount(week, minlength=n)[:n]
    worked_weeks = np.bincount(week, weights=days.status != LEAVE, minlength=n)[:n] / 5

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(week, weights=values, minlength=n)[:n]

    # Columns gathered first and framed once: inserting them one by one into a frame cost a third of this function.
    out: dict[str, np.ndarray] = {"week": weeks, "warmup": weeks < scenario.warmup_weeks}
    out["headcount"] = _distinct_per_week(week, days.clinician, n)
    changes = events.of_kind(Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE)
    out["vacancies"] = step_values(events.time[changes], events.value[changes], 7.0 * (weeks + 1))
    out["ee_mean"] = _per(total(days.ee), count)
    out["ee_high_share"] = _per(total(days.ee >= scenario.burnout.high_ee_threshold), count)
    for column, source in (("session_hours", "session_min"), ("paperwork_hours", "desk_min"),
                           ("after_hours_hours", "after_min")):
        out[column] = _per(total(days.columns[source]) / 60, worked_weeks, absent=count == 0)
    out["backlog_hours"] = _per(total(days.backlog_min), count) / 60
    out["strain_mean"] = _per(total(days.strain), count)
    out["caseload_mean"] = _per(total(days.caseload), count)
    worked = total(days.session_min + days.desk_min + days.after_min) / 60
    out["hours_worked"] = _per(worked, worked_weeks, absent=count == 0)  # per clinician-week at work
    out["written_off"] = total(days.written_off).astype(np.int64)
    out["sessions_attended"] = total(days.attended).astype(np.int64)
    out["waitlist"] = _waitlist_at(events, 7.0 * (weeks + 1))
    for column, kind in (("departures", Kind.DEPART), ("referrals", Kind.REFERRAL), ("hires", Kind.HIRE)):
        times = events.time[events.of_kind(kind)]
        out[column] = np.bincount((times // 7).astype(int), minlength=n)[:n]
    return pd.DataFrame(out)


def _per(numerator: np.ndarray, denominator: np.ndarray, absent: np.ndarray | None = None) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (a week without records, or ``absent``)."""
    out = np.full(len(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    if absent is not None:
        out[absent] = np.nan
    return out


def _distinct_per_week(week: np.ndarray, clinician: np.ndarray, n: int) -> np.ndarray:
    """How many different clinicians have a day record in each week."""
    ids = int(clinician.max(initial=0)) + 1
    weeks = max(n, int(week.max(initial=0)) + 1)
    # A table of (week, clinician) seen, by counting, rather than np.unique's sort or hash of the pairs.
    seen = np.bincount(week * ids + clinician.astype(np.int64), minlength=weeks * ids) > 0
    per_week: np.ndarray = seen.reshape(weeks, ids).sum(axis=1)[:n]
    return per_week


def _waitlist_at(events: EventColumns, at: np.ndarray) -> np.ndarray:
    moves = events.of_kind(Kind.WAITLIST_JOIN, Kind.ASSIGN, Kind.REASSIGN, Kind.RENEGE)
    step = np.where(events.kind[moves] == KIND_CODES[Kind.WAITLIST_JOIN], np.int8(1), np.int8(-1))
    level = np.cumsum(step, dtype=float)  # whole numbers, exact in float: no int64 copy of a long log's moves
    return step_values(events.time[moves], level, at)
