"""The event log as numpy columns, and the parameters in force over time: what every metric reads.

Nothing here touches SimPy. Views, not copies, wherever the log allows: a long run's log is tens of megabytes.
"""

from __future__ import annotations

import bisect

import numpy as np
import pandas as pd

from simulator.inputs.scenario import Scenario
from simulator.model.events import DAY_FIELDS, DAY_INT_FIELDS, KIND_CODES, STATUSES, EventLog, Kind

__all__ = ["LEAVE", "NOTICE", "WORKDAYS_PER_YEAR", "DayColumns", "EventColumns", "days_frame", "events_frame",
           "mean", "params_at", "per_day", "ratio", "step_values", "workday_times"]

WORKDAYS_PER_YEAR = 5 * 365.25 / 7
LEAVE, NOTICE = STATUSES.index("leave"), STATUSES.index("notice")


def events_frame(log: EventLog) -> pd.DataFrame:
    table = log.events
    return pd.DataFrame({
        "time": table.column("time"), "kind": pd.array(table.texts(), dtype="string"),
        "clinician": table.column("clinician").astype("int64"), "client": table.column("client").astype("int64"),
        "value": table.column("value")})


def days_frame(log: EventLog) -> pd.DataFrame:
    table = log.days
    return pd.DataFrame({name: table.texts() if name == "status" else
                         table.column(name).astype("int64" if name in DAY_INT_FIELDS else "float64")
                         for name in DAY_FIELDS})


def params_at(scenario: Scenario, day: float) -> Scenario:
    """The parameters in force on ``day``, after the timed policies that took effect by then."""
    starts, states = _timeline(scenario)
    return states[bisect.bisect_right(starts, day) - 1]


def _timeline(scenario: Scenario) -> tuple[list[float], list[Scenario]]:
    starts, states = [0.0], [scenario]
    for policy in sorted(scenario.policies, key=lambda p: p.at_week):
        starts.append(7.0 * policy.at_week)
        states.append(states[-1].after_policy(policy.set))
    return starts, states


def per_day(scenario: Scenario, times: np.ndarray, value: str) -> np.ndarray:
    """A parameter (dotted path) looked up at each time (in days) under the policy timeline."""
    starts, states = _timeline(scenario)
    values = np.array([_get(state, value) for state in states], dtype=float)
    return values[np.searchsorted(np.array(starts), times, side="right") - 1]


def workday_times(days: np.ndarray) -> np.ndarray:
    """When a day record's work happened (08:00), so a policy starting that morning applies to it."""
    return days + 8 / 24


def _get(scenario: Scenario, path: str) -> float:
    node: object = scenario
    for key in path.split("."):
        node = getattr(node, key)
    return float(node)  # type: ignore[arg-type]


def ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else float("nan")


def mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


class EventColumns:
    """The event log as numpy columns; ``kind`` holds codes (``KIND_CODES``), so a filter is one comparison.

    ``window`` restricts every ``of_kind`` mask to some events (the measured window) without copying the columns.
    """

    def __init__(self, time: np.ndarray, kind: np.ndarray, clinician: np.ndarray, client: np.ndarray,
                 value: np.ndarray, window: np.ndarray | None = None) -> None:
        self.time, self.kind, self.clinician, self.client, self.value = time, kind, clinician, client, value
        self.window = window

    @classmethod
    def of(cls, log: EventLog) -> EventColumns:
        table = log.events  # views, not copies: a long run's log is tens of megabytes
        return cls(table.column_view("time"), table.codes(), table.column_view("clinician"),
                   table.column_view("client"), table.column_view("value"))

    def of_kind(self, *kinds: Kind) -> np.ndarray:
        """A boolean mask of the events of these kinds (within the window, if any)."""
        if len(kinds) == 1:
            mask: np.ndarray = self.kind == KIND_CODES[kinds[0]]
        else:
            # A lookup table over the byte codes: np.isin would sort the whole column (tens of MB of temporaries
            # for a long run's log) to test membership in a handful of kinds.
            member = np.zeros(256, dtype=bool)
            member[[KIND_CODES[k] for k in kinds]] = True
            mask = member[self.kind.view(np.uint8)]
        return mask if self.window is None else mask & self.window

    def where(self, mask: np.ndarray) -> EventColumns:
        return EventColumns(self.time, self.kind, self.clinician, self.client, self.value, mask)


class DayColumns:
    """The day ledger as numpy columns (only those the metrics read); ``status`` holds codes into ``STATUSES``."""

    _COLUMNS = ("day", "clinician", "caseload", "capacity", "scheduled", "attended", "intakes", "no_shows", "blocked",
                "session_min", "desk_min", "supervision_min", "after_min", "backlog_min", "notes_done", "notes_late",
                "written_off", "notes_written_off", "assessments_done", "unbilled_notes", "unbilled_assessments",
                "billed_sessions", "unbilled_sessions", "strain", "ee")

    def __init__(self, columns: dict[str, np.ndarray], status: np.ndarray) -> None:
        self.columns = columns
        self.status = status

    @classmethod
    def of(cls, log: EventLog) -> DayColumns:
        return cls({name: log.days.column_view(name) for name in cls._COLUMNS}, log.days.codes())

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.columns[name]
        except KeyError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return len(self.status)

    def where(self, mask: np.ndarray) -> DayColumns:
        return DayColumns({name: column[mask] for name, column in self.columns.items()}, self.status[mask])

    def between(self, lo: float, hi: float) -> DayColumns:
        """The records of days in [lo, hi): a slice (no copy) when the days are in order, as the model writes them."""
        day = self.day
        if len(day) and bool(np.all(day[1:] >= day[:-1])):
            start, stop = np.searchsorted(day, [lo, hi])
            return DayColumns({name: column[start:stop] for name, column in self.columns.items()},
                              self.status[start:stop])
        return self.where((day >= lo) & (day < hi))


def step_values(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The value of a step function (0 before the first change) at each time in ``at``."""
    index = np.searchsorted(times, at, side="right") - 1
    return np.where(index >= 0, values[index], 0.0) if len(values) else np.zeros(len(at))
