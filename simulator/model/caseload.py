"""How many clients a clinician should carry: the target the productivity target sets, the goal when colleagues
cover for vacant posts or the waitlist presses, and a new hire's ramp up to it."""

from __future__ import annotations

import math

from simulator.inputs.scenario import Scenario
from simulator.model.kinds import client_kinds

__all__ = ["caseload_goal", "daily_minutes", "ramp", "target_caseload"]


def daily_minutes(s: Scenario) -> tuple[float, float]:
    """(contracted minutes, supervision minutes) in one workday."""
    return s.staff.contract_hours_per_week * 60 / 5, s.staff.supervision_hours_per_week * 60 / 5


def target_caseload(s: Scenario) -> int:
    """Caseload that meets the productivity target, bounded by the cap.

    The target is a share of contracted hours in *attended* sessions, so the agency books more clients than the
    hours hold, to cover the sessions no-shows leave empty: billable minutes per week / (session minutes x sessions
    per week x (1 - no-show rate x overbooking)). With ``workload.overbooking`` 1 the caseload covers the expected
    no-shows exactly; with 0 it is sized as if everyone came, and the clinician falls short of the target by the
    no-show rate.
    """
    billable = s.workload.productivity_target * s.staff.contract_hours_per_week * 60
    attending = max(0.05, 1 - s.demand.no_show_rate * s.workload.overbooking)
    # A mix of kinds: the session minutes a week of the average client in care (``client_kinds``).
    per_client = sum(kind.care_share * (kind.session_minutes * kind.sessions_per_week)
                     for kind in client_kinds(s)) * attending
    if per_client <= 0:
        return s.workload.caseload_cap
    return max(1, min(s.workload.caseload_cap, math.floor(billable / per_client + 1e-9)))


def ramp(days_employed: float, onboarding_weeks: float) -> float:
    """Share of full caseload a new hire carries after ``days_employed`` calendar days (linear ramp)."""
    if onboarding_weeks <= 0:
        return 1.0
    return min(1.0, max(0.0, days_employed / (onboarding_weeks * 7)))


def caseload_goal(target: int, *, cap: int, overload: float, cover: float, pressure: float) -> int:
    """The caseload a clinician is asked to carry today: the target, raised to cover vacant posts (``cover``: the
    caseload of the posts not staffed, as a share of what the staff in post carry) or under waitlist pressure
    (``pressure``, a share of the overload limit), whichever asks more, but never beyond the overload limit or the
    cap."""
    extra = min(overload, max(cover, pressure * overload))
    return max(target, min(cap, math.floor(target * (1.0 + extra) + 1e-9))) if target < cap else target
