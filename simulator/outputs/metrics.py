"""Pure functions from an event log to the replication summary (spec 4): one row of ``summary.csv``.

Nothing here touches SimPy. The warm-up is a filter on time, as in SimPy's monitoring guide and Ciw's records:
metrics count what happened in ``[warmup, horizon)``. The weekly series are in ``simulator.outputs.weekly``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from simulator.inputs.scenario import Scenario
from simulator.model.events import KIND_CODES, EventLog, Kind
from simulator.outputs.logcolumns import (
    LEAVE,
    NOTICE,
    WORKDAYS_PER_YEAR,
    DayColumns,
    EventColumns,
    days_frame,
    events_frame,
    mean,
    params_at,
    per_day,
    ratio,
    step_values,
    workday_times,
)
from simulator.outputs.weekly import weekly

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
    Metric("ee_sd", "MBI-EE points", "Spread of exhaustion between clinicians (SD)", "", "score"),
    Metric("ee_high_share", "share", "Share with EE >= 27 (high exhaustion)", "lower", "share"),
    Metric("ee_high21_share", "share", "Share with EE >= 21", "lower", "share"),
    Metric("burned_out_exit_ratio", "ratio", "Risk of resigning within a year, high EE vs not (snapshots)", "",
           "ratio"),
    Metric("caseload_mean", "clients per clinician", "Caseload of a clinician at work", "", "rate"),
    Metric("written_off_per_clinician_year", "tasks/clinician-year", "Late work written off, never done", "lower",
           "rate"),
    Metric("paperwork_share", "share of worked hours", "Paperwork share of worked hours", "lower", "share"),
    Metric("after_hours_hours_per_clinician_week", "h/clinician-week", "After-hours work", "lower", "duration"),
    Metric("late_note_share", "share", "Progress notes finished late or never", "lower", "share"),
    Metric("sessions_attended", "sessions", "Sessions delivered in the measured window", "higher", "count"),
    Metric("sessions_per_week", "sessions/week", "Sessions delivered per week", "higher", "rate"),
    Metric("no_show_rate", "share", "No-show rate", "", "share"),
    Metric("below_target_share", "share of monthly reviews", "Reviews that found a clinician below target",
           "lower", "share"),
    Metric("blocked_session_share", "share", "Sessions given up to catch up on paperwork", "lower", "share"),
    Metric("wait_days_assignment_mean", "days", "Wait from referral to a clinician", "lower", "duration"),
    Metric("prob_wait_assignment", "share", "Share of referrals not given a clinician at once", "lower", "share"),
    Metric("prob_wait", "share", "Share of referrals not seen within the access standard", "lower", "share"),
    Metric("wait_days_first_session_mean", "days", "Wait from referral to first session", "lower", "duration"),
    Metric("started_care_share", "share", "Share of referrals who started care", "higher", "share"),
    Metric("lost_before_care_share", "share", "Share of referrals turned away or who gave up before care", "lower",
           "share"),
    Metric("turned_away", "clients", "Referrals turned away at a full intake queue", "lower", "count"),
    Metric("intake_queue_end", "clients", "Referrals at intake at the end", "lower", "count"),
    Metric("waitlist_end", "clients", "Waitlist at the end", "lower", "count"),
    Metric("clients_lost", "clients", "Clients lost (turned away, gave up waiting, or left at a transfer)", "lower",
           "count"),
    Metric("continuity_disruption_share", "per client-year in care", "Clients whose clinician left", "lower", "rate"),
    Metric("vacancy_rate", "share of positions", "Vacancy rate", "lower", "share"),
    Metric("turnover_cost", "USD/year", "Replacement cost of departures", "lower", "money"),
    Metric("revenue", "USD/year", "Revenue: sessions billed on finished notes, less denials", "higher", "money"),
    Metric("revenue_unbilled", "USD/year", "Sessions never billed: notes written off or too late", "lower", "money"),
    Metric("clinician_pay", "USD/year", "Clinicians' pay", "", "money"),
    Metric("admin_pay", "USD/year", "Admin staff pay", "", "money"),
    Metric("tool_cost", "USD/year", "Documentation tools", "", "money"),
    Metric("overhead_cost", "USD/year", "Overhead of the funded posts, filled or vacant", "", "money"),
    Metric("spending", "USD/year", "Spending (pay, tools, overhead, replacement)", "lower", "money"),
    Metric("net_margin", "USD/year", "Net margin (revenue - spending)", "higher", "balance"),
    Metric("unpaid_after_hours_value", "USD/year", "Unpaid after-hours work, at the contracted hourly rate",
           "lower", "money"),
)


def summarize(log: EventLog, scenario: Scenario) -> dict[str, float]:
    """One row of ``summary.csv``: every output of spec 4 for the window after the warm-up."""
    events = EventColumns.of(log)
    days = DayColumns.of(log)
    lo, hi = log.warmup_days, log.horizon_days
    win_events = events.where((events.time >= lo) & (events.time < hi))
    win_days = days.between(lo, hi)
    years = (hi - lo) / 365.25
    out: dict[str, float] = {}
    out.update(_workforce(win_events, win_days, scenario, years))
    out.update(_time_use(win_days))
    out.update(_access(events, win_events, win_days))
    out.update(_from_referral(events, scenario.demand.access_standard_days, lo, hi))
    out.update(_money(win_events, win_days, scenario, lo, hi, years))
    out["vacancy_rate"] = _vacancy_rate(events, scenario, lo, hi)
    out["below_target_share"] = _below_target_share(win_events, scenario)
    return out


def _below_target_share(ev: EventColumns, scenario: Scenario) -> float:
    """The share of monthly productivity reviews that found a clinician short of the target by more than the
    tolerance (and so under pressure for the next month)."""
    reviews = ev.of_kind(Kind.PRODUCTIVITY_REVIEW)
    tolerance = per_day(scenario, ev.time[reviews], "workload.productivity_tolerance")
    return mean(ev.value[reviews] < 1.0 - tolerance)


def _workforce(ev: EventColumns, days: DayColumns, scenario: Scenario, years: float) -> dict[str, float]:
    threshold = scenario.burnout.high_ee_threshold
    departures = int(ev.of_kind(Kind.DEPART).sum())
    clinician_years = len(days) / WORKDAYS_PER_YEAR
    return {
        "departures": departures,
        "departures_per_year": departures / years,
        "turnover_rate_annual": ratio(departures, clinician_years),
        "ee_mean": mean(days.ee),
        "ee_sd": float(days.ee.std(ddof=1)) if len(days) > 1 else float("nan"),
        "ee_high_share": mean(days.ee >= threshold),
        "ee_high21_share": mean(days.ee >= 21),
        "burned_out_exit_ratio": burned_out_exit_ratio(ev, days, threshold),
        "caseload_mean": mean(days.caseload[days.status != LEAVE]),
        "written_off_per_clinician_year": ratio(float(days.written_off.sum()), clinician_years),
    }


WEEKS_PER_YEAR = 365.25 / 7
SNAPSHOT_DAYS = 91.0  # quarterly staff surveys
FOLLOW_UP_DAYS = 364.0  # and whether each respondent resigned within the next 52 weeks


def burned_out_exit_ratio(ev: EventColumns, days: DayColumns, threshold: float) -> float:
    """The relative risk the studies report (Hamidi 2018, Willard-Grace 2019): at quarterly snapshots from the start
    of the window, each with a full 52 weeks of follow-up inside it, the share of clinicians in post (not on notice)
    with EE at or above ``threshold`` who resign within the next 52 weeks, over the same share for those below it,
    the snapshots pooled. NaN when the window is shorter than 52 weeks or a group is empty."""
    if not len(days):
        return float("nan")
    resigned = ev.of_kind(Kind.RESIGN)
    resign_at = np.full(int(max(days.clinician.max(), ev.clinician.max(initial=0))) + 1, np.inf)
    resign_at[ev.clinician[resigned].astype(np.int64)] = ev.time[resigned]
    counts = np.zeros((2, 2))  # [high?][resigned?]
    first, last = float(days.day[0]), float(days.day[-1])
    snapshot = first
    while snapshot + FOLLOW_UP_DAYS <= last + 1:
        day = days.day[np.searchsorted(days.day, snapshot)]  # the first workday on or after the snapshot
        here = (days.day == day) & (days.status != NOTICE)
        who = days.clinician[here].astype(np.int64)
        high = days.ee[here] >= threshold
        left = (resign_at[who] > day) & (resign_at[who] <= day + FOLLOW_UP_DAYS)
        np.add.at(counts, (high.astype(int), left.astype(int)), 1)
        snapshot += SNAPSHOT_DAYS
    risk_high = ratio(counts[1, 1], counts[1].sum())
    risk_low = ratio(counts[0, 1], counts[0].sum())
    return ratio(risk_high, risk_low) if risk_low == risk_low else float("nan")


def _time_use(days: DayColumns) -> dict[str, float]:
    session, desk, after = days.session_min.sum(), days.desk_min.sum(), days.after_min.sum()
    worked = session + desk + after + days.supervision_min.sum()
    worked_weeks = float((days.status != LEAVE).sum()) / 5
    return {
        "paperwork_share": ratio(desk + after, worked),
        "after_hours_hours_per_clinician_week": ratio(after / 60, worked_weeks),
        "late_note_share": ratio(float(days.notes_late.sum() + days.notes_written_off.sum()),
                                 float(days.notes_done.sum() + days.notes_written_off.sum())),
        "sessions_attended": int(days.attended.sum()),
        "no_show_rate": ratio(days.no_shows.sum(), days.scheduled.sum()),
        "blocked_session_share": ratio(float(days.blocked.sum()), float(days.scheduled.sum() + days.blocked.sum())),
    }


#: The ways a client is lost to care: turned away at a full intake queue, gave up waiting (for intake processing or
#: on the waitlist), or left care when its clinician left.
LOST: tuple[Kind, ...] = (Kind.TURNED_AWAY, Kind.INTAKE_RENEGE, Kind.RENEGE, Kind.TRANSFER_LOST)


def _access(events: EventColumns, ev: EventColumns, days: DayColumns) -> dict[str, float]:
    """Sessions, the stocks at the horizon (over the whole run) and the losses and disruptions in the window."""
    new_joins = events.of_kind(Kind.WAITLIST_JOIN) & (events.value == 0)
    left_intake = events.of_kind(Kind.TURNED_AWAY, Kind.INTAKE_RENEGE).sum()
    left_list = events.of_kind(Kind.ASSIGN, Kind.REASSIGN, Kind.RENEGE).sum()
    weeks = len(np.unique(days.day)) / 5 if len(days) else float("nan")
    return {
        "sessions_per_week": ratio(days.attended.sum(), weeks),
        "turned_away": int(ev.of_kind(Kind.TURNED_AWAY).sum()),
        "intake_queue_end": int(events.of_kind(Kind.REFERRAL).sum() - new_joins.sum() - left_intake),
        "waitlist_end": int(events.of_kind(Kind.WAITLIST_JOIN).sum() - left_list),
        "clients_lost": int(ev.of_kind(*LOST).sum()),
        "continuity_disruption_share": ratio(float(ev.of_kind(Kind.TRANSFER).sum()),
                                              days.caseload.sum() / WORKDAYS_PER_YEAR),
    }


def _from_referral(events: EventColumns, standard: float, lo: float, hi: float) -> dict[str, float]:
    """Access as the clients referred in the window experience it, each followed from its referral to the end of
    the run: every wait counts from referral (intake processing, the waitlist, the diary), and the shares are of
    everyone referred (turned away, gave up, still waiting included). ``prob_wait`` judges only the referrals with
    ``standard`` days left before the horizon, so that every one of them had its chance to be seen in time."""
    referrals = events.of_kind(Kind.REFERRAL)
    ids = events.client[referrals].astype(np.int64)
    at = events.time[referrals]
    cohort = ids[at >= lo]
    referred_at = np.full(int(events.client.max(initial=0)) + 1, np.nan)  # by client id
    referred_at[ids] = at
    mine = _members(events.client, cohort)
    assign = events.of_kind(Kind.ASSIGN) & mine
    waits = events.time[assign] - referred_at[events.client[assign].astype(np.int64)]
    first = events.of_kind(Kind.FIRST_SESSION) & mine  # once per client: the attended intake
    judged = _members(events.client, ids[(at >= lo) & (at < hi - standard)])
    seen_in_time = float((first & judged & (events.value <= standard)).sum())
    # Gave up on the waitlist before any clinician: a RENEGE of a client never assigned (a transferred one was).
    reneged = events.client[events.of_kind(Kind.RENEGE) & mine]
    never_assigned = int((~_members(reneged, events.client[assign])).sum())
    before_care = float((events.of_kind(Kind.TURNED_AWAY, Kind.INTAKE_RENEGE) & mine).sum() + never_assigned)
    n = float(len(cohort))
    return {
        "wait_days_assignment_mean": mean(waits),
        "prob_wait_assignment": 1.0 - ratio(float((waits <= 1e-9).sum()), n),
        "prob_wait": 1.0 - ratio(seen_in_time, float(judged[referrals].sum())),
        "wait_days_first_session_mean": mean(events.value[first]),
        "started_care_share": ratio(float(first.sum()), n),
        "lost_before_care_share": ratio(before_care, n),
    }


def _members(ids: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``np.isin(ids, members)`` for small non-negative ids (-1 for none) by a lookup table, without isin's sort
    of a million-entry concatenation."""
    table = np.zeros(int(max(ids.max(initial=0), members.max(initial=0))) + 2, dtype=bool)
    table[members.astype(np.int64)] = True  # the last entry stays False: it is where id -1 looks
    found: np.ndarray = table[ids.astype(np.int32)]  # half the temporary of int64 indices (ids are small)
    return found


def _money(ev: EventColumns, days: DayColumns, scenario: Scenario, lo: float, hi: float,
           years: float) -> dict[str, float]:
    """The agency's money in the window, per year. Revenue follows the paperwork: a session is billed on the day
    its documentation is done within the claim window (a progress note; an intake: its assessment), and the payer
    denies a share of the claims; a session whose note was written off or came too late earns nothing. Costs:
    clinicians' pay while on the roster (leave and notice included), admin staff, documentation tools, overhead
    for every funded post whether filled or vacant, and the replacement cost of each departure. After-hours work is
    unpaid: it is valued at the clinician's contracted hourly rate but not paid."""
    at = workday_times(days.day)
    per_session = per_day(scenario, at, "costs.revenue_per_session")
    per_intake = per_day(scenario, at, "costs.revenue_per_intake")
    paid = 1.0 - per_day(scenario, at, "costs.claim_denial_rate")
    # Sessions in units of one of workload.session_minutes: a client kind's shorter session bills less.
    billed_assessments = days.assessments_done - days.unbilled_assessments
    revenue = float(((days.billed_sessions * per_session + billed_assessments * per_intake) * paid).sum())
    unbilled = float((days.unbilled_sessions * per_session + days.unbilled_assessments * per_intake).sum())
    salary = per_day(scenario, at, "costs.clinician_salary_annual")
    clinicians = float(salary.sum()) / WORKDAYS_PER_YEAR
    tools = float((12 * per_day(scenario, at, "costs.tool_cost_per_clinician_month")).sum()) / WORKDAYS_PER_YEAR
    hourly = salary / (per_day(scenario, at, "staff.contract_hours_per_week") * WEEKS_PER_YEAR)
    unpaid = float((days.after_min / 60 * hourly).sum())
    departs = ev.time[ev.of_kind(Kind.DEPART)]
    turnover = float((per_day(scenario, departs, "costs.replacement_cost_share")
                      * per_day(scenario, departs, "costs.clinician_salary_annual")).sum())
    grid = np.arange(lo, hi)
    admin = float((per_day(scenario, grid, "staff.admin_staff")
                   * per_day(scenario, grid, "costs.admin_salary_annual")).sum()) / 365.25
    overhead = float((per_day(scenario, grid, "staff.clinicians")
                      * per_day(scenario, grid, "costs.overhead_per_position_annual")).sum()) / 365.25
    spending = clinicians + tools + admin + overhead + turnover
    return {
        "turnover_cost": turnover / years,
        "revenue": revenue / years,
        "revenue_unbilled": unbilled / years,
        "clinician_pay": clinicians / years,
        "admin_pay": admin / years,
        "tool_cost": tools / years,
        "overhead_cost": overhead / years,
        "spending": spending / years,
        "net_margin": (revenue - spending) / years,
        "unpaid_after_hours_value": unpaid / years,
    }


def _vacancy_rate(events: EventColumns, scenario: Scenario, lo: float, hi: float) -> float:
    grid = np.arange(lo, hi) + 0.5
    changes = events.of_kind(Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE)
    open_now = step_values(events.time[changes], events.value[changes], grid)
    positions = (per_day(scenario, grid, "staff.clinicians")
                 + per_day(scenario, grid, "turnover.hire_ahead_positions"))
    return float(np.mean(open_now / positions))


def client_census(log: EventLog) -> dict[str, int]:
    """Where every client is at the end: conservation says these add up to everyone ever referred."""
    counts = np.bincount(log.events.codes(), minlength=len(KIND_CODES))

    def n(kind: Kind) -> int:
        return int(counts[KIND_CODES[kind]])

    assigned = n(Kind.ASSIGN) + n(Kind.REASSIGN) + n(Kind.INITIAL)
    waitlisted = n(Kind.WAITLIST_JOIN) - n(Kind.ASSIGN) - n(Kind.REASSIGN) - n(Kind.RENEGE)
    # Every transferred client either joins the waitlist again or is lost, so the joins of new referrals are:
    new_joins = n(Kind.WAITLIST_JOIN) - (n(Kind.TRANSFER) - n(Kind.TRANSFER_LOST))
    return {
        "referred": n(Kind.REFERRAL) + n(Kind.INITIAL),
        "in_admin": n(Kind.REFERRAL) - new_joins - n(Kind.TURNED_AWAY) - n(Kind.INTAKE_RENEGE),
        "waiting": waitlisted,
        "in_care": assigned - n(Kind.DISCHARGE) - n(Kind.DROPOUT) - n(Kind.TRANSFER),
        "discharged": n(Kind.DISCHARGE),
        "dropped_out": n(Kind.DROPOUT),
        "lost": sum(n(kind) for kind in LOST),
    }
