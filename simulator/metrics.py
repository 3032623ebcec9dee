"""Pure functions from an event log to tidy tables: the replication summary (spec 4) and weekly series.

Nothing here touches SimPy. The warm-up is a filter on time, as in SimPy's monitoring guide and Ciw's records:
metrics count what happened in ``[warmup, horizon)``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.events import DAY_FIELDS, EventLog, Kind
from simulator.scenario import Scenario

__all__ = [
    "METRICS",
    "Metric",
    "client_census",
    "days_frame",
    "events_frame",
    "params_at",
    "summarize",
    "weekly",
]

WORKDAYS_PER_YEAR = 5 * 365.25 / 7


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    label: str
    better: str  # "lower", "higher" or "" (neither)


METRICS: tuple[Metric, ...] = (
    Metric("departures", "clinicians", "Departures in the measured window", "lower"),
    Metric("departures_per_year", "clinicians/year", "Departures per year", "lower"),
    Metric("turnover_rate_annual", "per clinician-year", "Annual turnover rate", "lower"),
    Metric("ee_mean", "MBI-EE points (0-54)", "Mean emotional exhaustion", "lower"),
    Metric("ee_high_share", "share", "Share with EE >= 27 (high exhaustion)", "lower"),
    Metric("ee_high21_share", "share", "Share with EE >= 21", "lower"),
    Metric("burned_out_exit_ratio", "ratio", "Resignation hazard, high EE vs not", ""),
    Metric("paperwork_share", "share of worked hours", "Paperwork share of worked hours", "lower"),
    Metric("after_hours_hours_per_clinician_week", "h/clinician-week", "After-hours work", "lower"),
    Metric("late_note_share", "share", "Progress notes finished late", "lower"),
    Metric("sessions_attended", "sessions", "Sessions delivered in the measured window", "higher"),
    Metric("sessions_per_week", "sessions/week", "Sessions delivered per week", "higher"),
    Metric("no_show_rate", "share", "No-show rate", ""),
    Metric("wait_days_assignment_mean", "days", "Wait for a caseload slot", "lower"),
    Metric("prob_wait", "share", "Share of referrals that waited for a slot", "lower"),
    Metric("wait_days_first_session_mean", "days", "Wait from referral to first session", "lower"),
    Metric("waitlist_end", "clients", "Waitlist at the end", "lower"),
    Metric("clients_lost", "clients", "Clients lost (reneged or left at a transfer)", "lower"),
    Metric("continuity_disruption_share", "per client-year in care", "Clients whose clinician left", "lower"),
    Metric("vacancy_rate", "share of positions", "Vacancy rate", "lower"),
    Metric("turnover_cost", "USD/year", "Replacement cost of departures", "lower"),
    Metric("revenue", "USD/year", "Revenue from sessions and intakes", "higher"),
    Metric("net_margin", "USD/year", "Net margin (revenue - salaries - turnover - tools)", "higher"),
)


def events_frame(log: EventLog) -> pd.DataFrame:
    frame = pd.DataFrame(log.events, columns=["time", "kind", "clinician", "client", "value"])
    return frame.astype({"time": "float64", "kind": "string", "clinician": "int64", "client": "int64",
                         "value": "float64"})


def days_frame(log: EventLog) -> pd.DataFrame:
    return pd.DataFrame(log.days, columns=list(DAY_FIELDS))


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


def _per_day(scenario: Scenario, times: pd.Series, value: str) -> np.ndarray:
    """A parameter (dotted path) looked up at each time (in days) under the policy timeline."""
    starts, states = _timeline(scenario)
    values = np.array([_get(state, value) for state in states], dtype=float)
    return values[np.searchsorted(np.array(starts), times.to_numpy(dtype=float), side="right") - 1]


def _workday_times(days: pd.Series) -> pd.Series:
    """When a day record's work happened (08:00), so a policy starting that morning applies to it."""
    return days + 8 / 24


def _get(scenario: Scenario, path: str) -> float:
    node: object = scenario
    for key in path.split("."):
        node = getattr(node, key)
    return float(node)  # type: ignore[arg-type]


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else float("nan")


def summarize(log: EventLog, scenario: Scenario) -> dict[str, float]:
    """One row of ``summary.csv``: every output of spec 4 for the window after the warm-up."""
    events = events_frame(log)
    days = days_frame(log)
    lo, hi = log.warmup_days, log.horizon_days
    win_events = events[(events.time >= lo) & (events.time < hi)]
    win_days = days[(days.day >= lo) & (days.day < hi)]
    years = (hi - lo) / 365.25
    out: dict[str, float] = {}
    out.update(_workforce(win_events, win_days, scenario, years))
    out.update(_time_use(win_days))
    out.update(_access(events, win_events, win_days, lo))
    out.update(_money(win_events, win_days, scenario, lo, hi, years))
    out["vacancy_rate"] = _vacancy_rate(events, scenario, lo, hi)
    return out


def _workforce(ev: pd.DataFrame, days: pd.DataFrame, scenario: Scenario, years: float) -> dict[str, float]:
    threshold = scenario.burnout.high_ee_threshold
    departures = int((ev.kind == Kind.DEPART).sum())
    clinician_years = len(days) / WORKDAYS_PER_YEAR
    working = days[days.status != "notice"]  # resignation is drawn every workday, leave included, until notice
    resign_ee = ev.loc[ev.kind == Kind.RESIGN, "value"]
    high_rate = _ratio(float((resign_ee >= threshold).sum()), float((working.ee >= threshold).sum()))
    low_rate = _ratio(float((resign_ee < threshold).sum()), float((working.ee < threshold).sum()))
    return {
        "departures": departures,
        "departures_per_year": departures / years,
        "turnover_rate_annual": _ratio(departures, clinician_years),
        "ee_mean": float(days.ee.mean()),
        "ee_high_share": float((days.ee >= threshold).mean()),
        "ee_high21_share": float((days.ee >= 21).mean()),
        "burned_out_exit_ratio": _ratio(high_rate, low_rate),
    }


def _time_use(days: pd.DataFrame) -> dict[str, float]:
    session, desk, after = days.session_min.sum(), days.desk_min.sum(), days.after_min.sum()
    worked = session + desk + after + days.supervision_min.sum()
    worked_weeks = float((days.status != "leave").sum()) / 5
    return {
        "paperwork_share": _ratio(desk + after, worked),
        "after_hours_hours_per_clinician_week": _ratio(after / 60, worked_weeks),
        "late_note_share": _ratio(days.notes_late.sum(), days.notes_done.sum()),
        "sessions_attended": int(days.attended.sum()),
        "no_show_rate": _ratio(days.no_shows.sum(), days.scheduled.sum()),
    }


def _access(events: pd.DataFrame, ev: pd.DataFrame, days: pd.DataFrame, lo: float) -> dict[str, float]:
    referred = events.loc[events.kind == Kind.REFERRAL, ["client", "time"]]
    new_clients = set(referred.loc[referred.time >= lo, "client"])
    joins = events[(events.kind == Kind.WAITLIST_JOIN) & (events.value == 0) & events.client.isin(new_clients)]
    assigns = events[(events.kind == Kind.ASSIGN) & events.client.isin(new_clients)]
    first = events[(events.kind == Kind.FIRST_SESSION) & events.client.isin(new_clients)]
    left_list = events.kind.isin([Kind.ASSIGN, Kind.REASSIGN, Kind.RENEGE]).sum()
    weeks = len(days.day.unique()) / 5 if len(days) else float("nan")
    return {
        "sessions_per_week": _ratio(days.attended.sum(), weeks),
        "wait_days_assignment_mean": float(assigns.value.mean()) if len(assigns) else float("nan"),
        "prob_wait": 1.0 - _ratio(float((assigns.value <= 1e-9).sum()), float(len(joins))),
        "wait_days_first_session_mean": float(first.value.mean()) if len(first) else float("nan"),
        "waitlist_end": int((events.kind == Kind.WAITLIST_JOIN).sum() - left_list),
        "clients_lost": int(ev.kind.isin([Kind.RENEGE, Kind.TRANSFER_LOST]).sum()),
        "continuity_disruption_share": _ratio(float((ev.kind == Kind.TRANSFER).sum()),
                                              days.caseload.sum() / WORKDAYS_PER_YEAR),
    }


def _money(ev: pd.DataFrame, days: pd.DataFrame, scenario: Scenario, lo: float, hi: float,
           years: float) -> dict[str, float]:
    at = _workday_times(days.day)
    per_session = _per_day(scenario, at, "costs.revenue_per_session")
    per_intake = _per_day(scenario, at, "costs.revenue_per_intake")
    revenue = float(((days.attended - days.intakes) * per_session + days.intakes * per_intake).sum())
    salary = _per_day(scenario, at, "costs.clinician_salary_annual")
    tools = _per_day(scenario, at, "costs.tool_cost_per_clinician_month")
    payroll = float((salary + 12 * tools).sum()) / WORKDAYS_PER_YEAR
    departs = ev[ev.kind == Kind.DEPART]
    turnover = float((_per_day(scenario, departs.time, "costs.replacement_cost_share")
                      * _per_day(scenario, departs.time, "costs.clinician_salary_annual")).sum())
    grid = pd.Series(np.arange(lo, hi))
    admin = float((_per_day(scenario, grid, "staff.admin_staff")
                   * _per_day(scenario, grid, "costs.admin_salary_annual")).sum()) / 365.25
    return {
        "turnover_cost": turnover / years,
        "revenue": revenue / years,
        "net_margin": (revenue - payroll - admin - turnover) / years,
    }


def _vacancy_rate(events: pd.DataFrame, scenario: Scenario, lo: float, hi: float) -> float:
    grid = pd.Series(np.arange(lo, hi) + 0.5)
    changes = events[events.kind.isin([Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE])]
    open_now = _step_values(changes.time.to_numpy(), changes.value.to_numpy(), grid.to_numpy())
    positions = (_per_day(scenario, grid, "staff.clinicians")
                 + _per_day(scenario, grid, "turnover.hire_ahead_positions"))
    return float(np.mean(open_now / positions))


def _step_values(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The value of a step function (0 before the first change) at each time in ``at``."""
    index = np.searchsorted(times, at, side="right") - 1
    padded = np.concatenate([[0.0], values])
    return padded[index + 1]


def client_census(log: EventLog) -> dict[str, int]:
    """Where every client is at the end: conservation says these add up to everyone ever referred."""
    counts = pd.Series([e.kind for e in log.events]).value_counts()

    def n(kind: Kind) -> int:
        return int(counts.get(kind.value, 0))

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
    days = days_frame(log)
    events = events_frame(log)
    weeks = np.arange(scenario.horizon_weeks)
    days["week"] = days.day // 7
    days["high"] = days.ee >= scenario.burnout.high_ee_threshold
    days["worked"] = days.status != "leave"
    grouped = days.groupby("week")
    worked_weeks = grouped.worked.sum().reindex(weeks) / 5
    out = pd.DataFrame({"week": weeks, "warmup": weeks < scenario.warmup_weeks})
    out["headcount"] = grouped.clinician.nunique().reindex(weeks).fillna(0).to_numpy()
    changes = events[events.kind.isin([Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE])]
    out["vacancies"] = _step_values(changes.time.to_numpy(), changes.value.to_numpy(), 7.0 * (weeks + 1))
    out["ee_mean"] = grouped.ee.mean().reindex(weeks).to_numpy()
    out["ee_high_share"] = grouped.high.mean().reindex(weeks).to_numpy()
    for column, source in (("session_hours", "session_min"), ("paperwork_hours", "desk_min"),
                           ("after_hours_hours", "after_min")):
        out[column] = (grouped[source].sum().reindex(weeks) / 60 / worked_weeks).to_numpy()
    out["backlog_hours"] = (grouped.backlog_min.mean().reindex(weeks) / 60).to_numpy()
    out["sessions_attended"] = grouped.attended.sum().reindex(weeks).fillna(0).to_numpy()
    out["waitlist"] = _waitlist_at(events, 7.0 * (weeks + 1))
    for column, kind in (("departures", Kind.DEPART), ("referrals", Kind.REFERRAL), ("hires", Kind.HIRE)):
        times = events.loc[events.kind == kind, "time"]
        out[column] = np.bincount((times // 7).astype(int), minlength=len(weeks))[: len(weeks)]
    return out


def _waitlist_at(events: pd.DataFrame, at: np.ndarray) -> np.ndarray:
    moves = events[events.kind.isin([Kind.WAITLIST_JOIN, Kind.ASSIGN, Kind.REASSIGN, Kind.RENEGE])]
    step = np.where(moves.kind == Kind.WAITLIST_JOIN, 1, -1)
    level = np.cumsum(step)
    return _step_values(moves.time.to_numpy(), level.astype(float), at)
