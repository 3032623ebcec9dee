"""Pure functions from an event log to tidy tables: the replication summary (spec 4) and weekly series.

Nothing here touches SimPy. The warm-up is a filter on time, as in SimPy's monitoring guide and Ciw's records:
metrics count what happened in ``[warmup, horizon)``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from simulator.inputs.scenario import Scenario
from simulator.model.events import DAY_FIELDS, DAY_INT_FIELDS, KIND_CODES, STATUSES, EventLog, Kind

__all__ = [
    "METRICS",
    "Metric",
    "Scale",
    "client_census",
    "days_frame",
    "events_frame",
    "params_at",
    "summarize",
    "weekly",
]

WORKDAYS_PER_YEAR = 5 * 365.25 / 7


#: What kind of quantity a metric is, which fixes its possible range (``simulator.experiments.bounds``) and how it is
#: formatted: a share in [0, 1], a positive ratio, a whole-number count, a rate or duration (>= 0), an MBI-EE score
#: (0-54), an amount of money that cannot be negative, or a balance that can.
Scale = Literal["share", "ratio", "count", "rate", "duration", "score", "money", "balance"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    label: str
    better: str  # "lower", "higher" or "" (neither)
    scale: Scale


METRICS: tuple[Metric, ...] = (
    Metric("departures", "clinicians", "Departures in the measured window", "lower", "count"),
    Metric("departures_per_year", "clinicians/year", "Departures per year", "lower", "rate"),
    Metric("turnover_rate_annual", "per clinician-year", "Annual turnover rate", "lower", "rate"),
    Metric("ee_mean", "MBI-EE points (0-54)", "Mean emotional exhaustion", "lower", "score"),
    Metric("ee_high_share", "share", "Share with EE >= 27 (high exhaustion)", "lower", "share"),
    Metric("ee_high21_share", "share", "Share with EE >= 21", "lower", "share"),
    Metric("burned_out_exit_ratio", "ratio", "Resignation hazard, high EE vs not", "", "ratio"),
    Metric("paperwork_share", "share of worked hours", "Paperwork share of worked hours", "lower", "share"),
    Metric("after_hours_hours_per_clinician_week", "h/clinician-week", "After-hours work", "lower", "duration"),
    Metric("late_note_share", "share", "Progress notes finished late", "lower", "share"),
    Metric("sessions_attended", "sessions", "Sessions delivered in the measured window", "higher", "count"),
    Metric("sessions_per_week", "sessions/week", "Sessions delivered per week", "higher", "rate"),
    Metric("no_show_rate", "share", "No-show rate", "", "share"),
    Metric("wait_days_assignment_mean", "days", "Wait for a caseload slot", "lower", "duration"),
    Metric("prob_wait", "share", "Share of referrals that waited for a slot", "lower", "share"),
    Metric("wait_days_first_session_mean", "days", "Wait from referral to first session", "lower", "duration"),
    Metric("waitlist_end", "clients", "Waitlist at the end", "lower", "count"),
    Metric("clients_lost", "clients", "Clients lost (reneged or left at a transfer)", "lower", "count"),
    Metric("continuity_disruption_share", "per client-year in care", "Clients whose clinician left", "lower", "rate"),
    Metric("vacancy_rate", "share of positions", "Vacancy rate", "lower", "share"),
    Metric("turnover_cost", "USD/year", "Replacement cost of departures", "lower", "money"),
    Metric("revenue", "USD/year", "Revenue from sessions and intakes", "higher", "money"),
    Metric("net_margin", "USD/year", "Net margin (revenue - salaries - turnover - tools)", "higher", "balance"),
)


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


def _per_day(scenario: Scenario, times: np.ndarray, value: str) -> np.ndarray:
    """A parameter (dotted path) looked up at each time (in days) under the policy timeline."""
    starts, states = _timeline(scenario)
    values = np.array([_get(state, value) for state in states], dtype=float)
    return values[np.searchsorted(np.array(starts), times, side="right") - 1]


def _workday_times(days: np.ndarray) -> np.ndarray:
    """When a day record's work happened (08:00), so a policy starting that morning applies to it."""
    return days + 8 / 24


def _get(scenario: Scenario, path: str) -> float:
    node: object = scenario
    for key in path.split("."):
        node = getattr(node, key)
    return float(node)  # type: ignore[arg-type]


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else float("nan")


class _Events:
    """The event log as numpy columns; ``kind`` holds codes (``KIND_CODES``), so a filter is one comparison.

    ``window`` restricts every ``of_kind`` mask to some events (the measured window) without copying the columns.
    """

    def __init__(self, time: np.ndarray, kind: np.ndarray, client: np.ndarray, value: np.ndarray,
                 window: np.ndarray | None = None) -> None:
        self.time, self.kind, self.client, self.value = time, kind, client, value
        self.window = window

    @classmethod
    def of(cls, log: EventLog) -> _Events:
        table = log.events  # views, not copies: a long run's log is tens of megabytes
        return cls(table.column_view("time"), table.codes(), table.column_view("client"), table.column_view("value"))

    def of_kind(self, *kinds: Kind) -> np.ndarray:
        """A boolean mask of the events of these kinds (within the window, if any)."""
        if len(kinds) == 1:
            mask: np.ndarray = self.kind == _KIND_CODE[kinds[0]]
        else:
            # A lookup table over the byte codes: np.isin would sort the whole column (tens of MB of temporaries
            # for a long run's log) to test membership in a handful of kinds.
            member = np.zeros(256, dtype=bool)
            member[[_KIND_CODE[k] for k in kinds]] = True
            mask = member[self.kind.view(np.uint8)]
        return mask if self.window is None else mask & self.window

    def where(self, mask: np.ndarray) -> _Events:
        return _Events(self.time, self.kind, self.client, self.value, mask)


_KIND_CODE = KIND_CODES
_LEAVE, _NOTICE = STATUSES.index("leave"), STATUSES.index("notice")


class _Days:
    """The day ledger as numpy columns (only those the metrics read); ``status`` holds codes into ``STATUSES``."""

    _COLUMNS = ("day", "clinician", "caseload", "scheduled", "attended", "intakes", "no_shows", "session_min",
                "desk_min", "supervision_min", "after_min", "backlog_min", "notes_done", "notes_late", "ee")

    def __init__(self, columns: dict[str, np.ndarray], status: np.ndarray) -> None:
        self.columns = columns
        self.status = status

    @classmethod
    def of(cls, log: EventLog) -> _Days:
        return cls({name: log.days.column_view(name) for name in cls._COLUMNS}, log.days.codes())

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.columns[name]
        except KeyError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return len(self.status)

    def where(self, mask: np.ndarray) -> _Days:
        return _Days({name: column[mask] for name, column in self.columns.items()}, self.status[mask])

    def between(self, lo: float, hi: float) -> _Days:
        """The records of days in [lo, hi): a slice (no copy) when the days are in order, as the model writes them."""
        day = self.day
        if len(day) and bool(np.all(day[1:] >= day[:-1])):
            start, stop = np.searchsorted(day, [lo, hi])
            return _Days({name: column[start:stop] for name, column in self.columns.items()}, self.status[start:stop])
        return self.where((day >= lo) & (day < hi))


def summarize(log: EventLog, scenario: Scenario) -> dict[str, float]:
    """One row of ``summary.csv``: every output of spec 4 for the window after the warm-up."""
    events = _Events.of(log)
    days = _Days.of(log)
    lo, hi = log.warmup_days, log.horizon_days
    win_events = events.where((events.time >= lo) & (events.time < hi))
    win_days = days.between(lo, hi)
    years = (hi - lo) / 365.25
    out: dict[str, float] = {}
    out.update(_workforce(win_events, win_days, scenario, years))
    out.update(_time_use(win_days))
    out.update(_access(events, win_events, win_days, lo))
    out.update(_money(win_events, win_days, scenario, lo, hi, years))
    out["vacancy_rate"] = _vacancy_rate(events, scenario, lo, hi)
    return out


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def _workforce(ev: _Events, days: _Days, scenario: Scenario, years: float) -> dict[str, float]:
    threshold = scenario.burnout.high_ee_threshold
    departures = int(ev.of_kind(Kind.DEPART).sum())
    clinician_years = len(days) / WORKDAYS_PER_YEAR
    working_ee = days.ee[days.status != _NOTICE]  # resignation is drawn every workday, leave included, until notice
    resign_ee = ev.value[ev.of_kind(Kind.RESIGN)]
    high_rate = _ratio(float((resign_ee >= threshold).sum()), float((working_ee >= threshold).sum()))
    low_rate = _ratio(float((resign_ee < threshold).sum()), float((working_ee < threshold).sum()))
    return {
        "departures": departures,
        "departures_per_year": departures / years,
        "turnover_rate_annual": _ratio(departures, clinician_years),
        "ee_mean": _mean(days.ee),
        "ee_high_share": _mean(days.ee >= threshold),
        "ee_high21_share": _mean(days.ee >= 21),
        "burned_out_exit_ratio": _ratio(high_rate, low_rate),
    }


def _time_use(days: _Days) -> dict[str, float]:
    session, desk, after = days.session_min.sum(), days.desk_min.sum(), days.after_min.sum()
    worked = session + desk + after + days.supervision_min.sum()
    worked_weeks = float((days.status != _LEAVE).sum()) / 5
    return {
        "paperwork_share": _ratio(desk + after, worked),
        "after_hours_hours_per_clinician_week": _ratio(after / 60, worked_weeks),
        "late_note_share": _ratio(days.notes_late.sum(), days.notes_done.sum()),
        "sessions_attended": int(days.attended.sum()),
        "no_show_rate": _ratio(days.no_shows.sum(), days.scheduled.sum()),
    }


def _access(events: _Events, ev: _Events, days: _Days, lo: float) -> dict[str, float]:
    referred = events.of_kind(Kind.REFERRAL)
    new_clients = _members(events.client, events.client[referred & (events.time >= lo)])
    joins = events.of_kind(Kind.WAITLIST_JOIN) & (events.value == 0) & new_clients
    assigned = events.value[events.of_kind(Kind.ASSIGN) & new_clients]
    first = events.value[events.of_kind(Kind.FIRST_SESSION) & new_clients]
    left_list = events.of_kind(Kind.ASSIGN, Kind.REASSIGN, Kind.RENEGE).sum()
    weeks = len(np.unique(days.day)) / 5 if len(days) else float("nan")
    return {
        "sessions_per_week": _ratio(days.attended.sum(), weeks),
        "wait_days_assignment_mean": _mean(assigned),
        "prob_wait": 1.0 - _ratio(float((assigned <= 1e-9).sum()), float(joins.sum())),
        "wait_days_first_session_mean": _mean(first),
        "waitlist_end": int(events.of_kind(Kind.WAITLIST_JOIN).sum() - left_list),
        "clients_lost": int(ev.of_kind(Kind.RENEGE, Kind.TRANSFER_LOST).sum()),
        "continuity_disruption_share": _ratio(float(ev.of_kind(Kind.TRANSFER).sum()),
                                              days.caseload.sum() / WORKDAYS_PER_YEAR),
    }


def _members(ids: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``np.isin(ids, members)`` for small non-negative ids (-1 for none) by a lookup table, without isin's sort
    of a million-entry concatenation."""
    table = np.zeros(int(max(ids.max(initial=0), members.max(initial=0))) + 2, dtype=bool)
    table[members.astype(np.int64)] = True  # the last entry stays False: it is where id -1 looks
    found: np.ndarray = table[ids.astype(np.int32)]  # half the temporary of int64 indices (ids are small)
    return found


def _money(ev: _Events, days: _Days, scenario: Scenario, lo: float, hi: float,
           years: float) -> dict[str, float]:
    at = _workday_times(days.day)
    per_session = _per_day(scenario, at, "costs.revenue_per_session")
    per_intake = _per_day(scenario, at, "costs.revenue_per_intake")
    revenue = float(((days.attended - days.intakes) * per_session + days.intakes * per_intake).sum())
    salary = _per_day(scenario, at, "costs.clinician_salary_annual")
    tools = _per_day(scenario, at, "costs.tool_cost_per_clinician_month")
    payroll = float((salary + 12 * tools).sum()) / WORKDAYS_PER_YEAR
    departs = ev.time[ev.of_kind(Kind.DEPART)]
    turnover = float((_per_day(scenario, departs, "costs.replacement_cost_share")
                      * _per_day(scenario, departs, "costs.clinician_salary_annual")).sum())
    grid = np.arange(lo, hi)
    admin = float((_per_day(scenario, grid, "staff.admin_staff")
                   * _per_day(scenario, grid, "costs.admin_salary_annual")).sum()) / 365.25
    return {
        "turnover_cost": turnover / years,
        "revenue": revenue / years,
        "net_margin": (revenue - payroll - admin - turnover) / years,
    }


def _vacancy_rate(events: _Events, scenario: Scenario, lo: float, hi: float) -> float:
    grid = np.arange(lo, hi) + 0.5
    changes = events.of_kind(Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE)
    open_now = _step_values(events.time[changes], events.value[changes], grid)
    positions = (_per_day(scenario, grid, "staff.clinicians")
                 + _per_day(scenario, grid, "turnover.hire_ahead_positions"))
    return float(np.mean(open_now / positions))


def _step_values(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The value of a step function (0 before the first change) at each time in ``at``."""
    index = np.searchsorted(times, at, side="right") - 1
    return np.where(index >= 0, values[index], 0.0) if len(values) else np.zeros(len(at))


def client_census(log: EventLog) -> dict[str, int]:
    """Where every client is at the end: conservation says these add up to everyone ever referred."""
    counts = np.bincount(log.events.codes(), minlength=len(KIND_CODES))

    def n(kind: Kind) -> int:
        return int(counts[KIND_CODES[kind]])

    assigned = n(Kind.ASSIGN) + n(Kind.REASSIGN) + n(Kind.INITIAL)
    waitlisted = n(Kind.WAITLIST_JOIN) - n(Kind.ASSIGN) - n(Kind.REASSIGN) - n(Kind.RENEGE)
    return {
        "referred": n(Kind.REFERRAL) + n(Kind.INITIAL),
        "in_admin": n(Kind.REFERRAL) - (n(Kind.WAITLIST_JOIN) - n(Kind.TRANSFER) + n(Kind.TRANSFER_LOST)),
        "waiting": waitlisted,
        "in_care": assigned - n(Kind.DISCHARGE) - n(Kind.DROPOUT) - n(Kind.TRANSFER),
        "discharged": n(Kind.DISCHARGE),
        "dropped_out": n(Kind.DROPOUT),
        "lost": n(Kind.RENEGE) + n(Kind.TRANSFER_LOST),
    }


def weekly(log: EventLog, scenario: Scenario) -> pd.DataFrame:
    """Weekly series (whole run, warm-up included and flagged) for the story over time."""
    days = _Days.of(log)
    events = _Events.of(log)
    n = scenario.horizon_weeks
    weeks = np.arange(n)
    week = (days.day // 7).astype(np.int64)
    count = np.bincount(week, minlength=n)[:n]
    worked_weeks = np.bincount(week, weights=days.status != _LEAVE, minlength=n)[:n] / 5

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(week, weights=values, minlength=n)[:n]

    # Columns gathered first and framed once: inserting them one by one into a frame cost a third of this function.
    out: dict[str, np.ndarray] = {"week": weeks, "warmup": weeks < scenario.warmup_weeks}
    out["headcount"] = _distinct_per_week(week, days.clinician, n)
    changes = events.of_kind(Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE)
    out["vacancies"] = _step_values(events.time[changes], events.value[changes], 7.0 * (weeks + 1))
    out["ee_mean"] = _per(total(days.ee), count)
    out["ee_high_share"] = _per(total(days.ee >= scenario.burnout.high_ee_threshold), count)
    for column, source in (("session_hours", "session_min"), ("paperwork_hours", "desk_min"),
                           ("after_hours_hours", "after_min")):
        out[column] = _per(total(days.columns[source]) / 60, worked_weeks, absent=count == 0)
    out["backlog_hours"] = _per(total(days.backlog_min), count) / 60
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


def _waitlist_at(events: _Events, at: np.ndarray) -> np.ndarray:
    moves = events.of_kind(Kind.WAITLIST_JOIN, Kind.ASSIGN, Kind.REASSIGN, Kind.RENEGE)
    step = np.where(events.kind[moves] == _KIND_CODE[Kind.WAITLIST_JOIN], np.int8(1), np.int8(-1))
    level = np.cumsum(step, dtype=float)  # whole numbers, exact in float: no int64 copy of a long log's moves
    return _step_values(events.time[moves], level, at)
