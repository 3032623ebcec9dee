"""What one parameter set means for a workday and for the client flow, worked out once instead of at every event.

A workday reads a dozen parameters per session (session length, no-show rate, cadence, the note's size) and a few
derived figures per day (contracted minutes, the resignation probability at low and high EE, the burnout formula's
weights). Reading them through three levels of frozen models, and recomputing the derived ones, cost as much as the
model's own logic; so did the half-dozen a referral reads on its way to a caseload. ``DayRules`` and ``FlowRules``
hold them flat; the agency builds them at the start and again whenever a timed policy swaps the parameters. The
values are computed by the same expressions the model used per event, so the results are unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from simulator.inputs.scenario import Scenario
from simulator.model import burnout as bo
from simulator.model.caseload import daily_minutes
from simulator.model.streams import geometric_log_q

__all__ = ["DayRules", "FlowRules"]


@dataclass(frozen=True, slots=True)
class DayRules:
    contract: float  # contracted minutes per workday
    supervision: float
    available: float  # contracted minutes less supervision: sessions and desk work
    session_minutes: float
    intake_minutes: float
    no_show_rate: float
    dropout_rate: float
    cadence_days: int  # days from one regular session to the next
    weekly: bool  # the cadence keeps the client's weekday
    repeat_days: int  # the cadence when it is whole weeks (a client seen on its weekday comes back then), else 0
    review_days: int  # days from one plan review to the next
    after_hours_cap: float
    burnout: bool
    rest_day_factor: float  # EE multiplier of a day off
    conflict_probability: float  # per worked day
    conflict_shock: float
    turnover: bool
    resign_low: float  # daily resignation probability below the high-EE threshold
    resign_high: float  # and at or above it
    high_ee: float
    strain: bo.Strain  # how the day's hours turn into exhaustion
    onboarding_weeks: float  # a new hire's ramp to a full caseload

    @classmethod
    def of(cls, s: Scenario) -> DayRules:
        contract, supervision = daily_minutes(s)
        interval = 7 / s.demand.sessions_per_week
        # Incidents happen at work: the annual rate is spread over the days actually worked in a year.
        worked_days = bo.WORKDAYS_PER_YEAR * max(0.1, 1 - s.staff.vacation_weeks_per_year / 52.18)
        return cls(
            contract=contract, supervision=supervision, available=contract - supervision,
            session_minutes=s.workload.session_minutes, intake_minutes=s.workload.intake_session_minutes,
            no_show_rate=s.demand.no_show_rate, dropout_rate=s.demand.dropout_after_no_show,
            cadence_days=max(1, round(interval)), weekly=interval >= 7,
            repeat_days=max(1, round(interval)) if interval >= 7 and round(interval) % 7 == 0 else 0,
            review_days=max(1, round(s.paperwork.plan_review_days)),
            after_hours_cap=s.paperwork.after_hours_max_minutes_per_day, burnout=s.burnout.enabled,
            rest_day_factor=bo.rest_day_factor(s.burnout, s.climate),
            conflict_probability=s.climate.conflict_incidents_per_year / worked_days,
            conflict_shock=s.climate.conflict_ee_shock, turnover=s.turnover.enabled,
            resign_low=_daily_resignation(s, 0.0), resign_high=_daily_resignation(s, math.inf),
            high_ee=s.burnout.high_ee_threshold, strain=bo.Strain.of(s.burnout, s.climate),
            onboarding_weeks=s.turnover.onboarding_weeks,
        )


_ADMIN_MINUTES_PER_DAY: Final = 480.0  # an admin worker's working minutes in a day, spread over a 7-day week below


@dataclass(frozen=True, slots=True)
class FlowRules:
    admin_step: bool  # referrals are processed by the admin pool before they join the waitlist
    admin_days: float  # one referral's processing time (0 without the admin step)
    intake_paperwork_on_clinician: bool  # no admin pool: the intake paperwork lands on the clinician
    patience_days: float | None  # mean waitlist patience (None: nobody gives up)
    geometric: bool  # episodes end after a geometric count of sessions, else after an exponential time
    mean_sessions: float
    sessions_log_q: float  # log1p(-1 / mean_sessions), the geometric draw's divisor (0 when the mean is 1 or less)
    episode_days: float  # mean length of a time-limited episode
    transfer_ee: float  # EE shock to a clinician who takes over a transferred client

    @classmethod
    def of(cls, s: Scenario) -> FlowRules:
        demand = s.demand
        admin_step = s.staff.admin_staff > 0 and demand.intake_admin_minutes > 0
        return cls(
            admin_step=admin_step,
            admin_days=demand.intake_admin_minutes / _ADMIN_MINUTES_PER_DAY * 7 / 5 if admin_step else 0.0,
            intake_paperwork_on_clinician=s.staff.admin_staff == 0,
            patience_days=None if demand.patience_weeks is None else 7.0 * demand.patience_weeks,
            geometric=demand.episode_distribution == "geometric", mean_sessions=demand.mean_sessions_per_episode,
            sessions_log_q=geometric_log_q(demand.mean_sessions_per_episode),
            episode_days=7.0 * demand.mean_sessions_per_episode / demand.sessions_per_week,
            transfer_ee=s.burnout.transfer_client_ee,
        )


def _daily_resignation(s: Scenario, ee: float) -> float:
    if not s.turnover.enabled:
        return 0.0
    rate = bo.annual_resignation_rate(ee, threshold=s.burnout.high_ee_threshold, t=s.turnover, c=s.climate)
    return bo.resignation_probability(rate)
