"""Size limits on what one request may ask the simulator to do.

The web app enforces ``APP_LIMITS`` on every run, upload and sweep, so one scenario cannot take a shared server
down. The CLI applies none unless asked (``--max-clinicians`` and friends, or ``--app-limits``; see
``paperwork-sim --help``): modelers on their own machines may run as big a study as they like, and a server that
runs strangers' files from a script can cap them.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.inputs.scenario import Scenario

__all__ = ["APP_LIMITS", "NO_LIMITS", "Limits", "limit_problems", "limit_violations", "sweep_violations"]


@dataclass(frozen=True)
class Limits:
    """The largest request allowed; None means no limit."""

    clinicians: int | None = None  # funded positions, counting hire-ahead positions and timed policies
    horizon_weeks: int | None = None
    replications: int | None = None
    sweep_points: int | None = None
    sweep_runs: int | None = None  # points x replications of one sweep

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.clinicians, self.horizon_weeks, self.replications,
                                                    self.sweep_points, self.sweep_runs))


NO_LIMITS = Limits()

# Assumption: sized so the largest allowed run takes minutes, not hours, on a 2-core server.
APP_LIMITS = Limits(clinicians=300, horizon_weeks=520, replications=50, sweep_points=40, sweep_runs=120)


def _over(value: int, limit: int | None) -> bool:
    return limit is not None and value > limit


def limit_violations(scenario: Scenario, replications: int, limits: Limits = APP_LIMITS) -> list[tuple[str, str]]:
    """(field, reason) for each way this run is too big for these limits; empty when it fits."""
    problems = []
    positions = {"staff.clinicians": scenario.staff.clinicians,
                 "turnover.hire_ahead_positions": scenario.turnover.hire_ahead_positions}
    peak, where = sum(positions.values()), "staff.clinicians"
    for index, policy in sorted(enumerate(scenario.policies), key=lambda item: item[1].at_week):
        positions.update({k: int(v) for k, v in policy.set.items() if k in positions})
        if sum(positions.values()) > peak:  # name the policy that grows the agency past the limit
            peak, where = sum(positions.values()), f"policies.{index}.set"
    if _over(peak, limits.clinicians):
        problems.append((where, f"{peak} positions (with hire-ahead and timed policies) is more than this server "
                                f"allows ({limits.clinicians})"))
    if _over(scenario.horizon_weeks, limits.horizon_weeks):
        problems.append(("horizon_weeks", f"{scenario.horizon_weeks} is more than this server allows "
                                          f"({limits.horizon_weeks})"))
    if _over(replications, limits.replications):
        problems.append(("replications", f"{replications} is more than this server allows ({limits.replications})"))
    return problems


def limit_problems(scenario: Scenario, replications: int, limits: Limits = APP_LIMITS) -> list[str]:
    """Why this run is too big for these limits, as "field: reason" lines (empty when it fits)."""
    return [f"{field}: {reason}" for field, reason in limit_violations(scenario, replications, limits)]


def sweep_violations(points: int, replications: int, limits: Limits) -> list[tuple[str, str]]:
    """(field, reason) for a sweep of ``points`` x ``replications`` runs that is too big for these limits."""
    problems = []
    if _over(points, limits.sweep_points):
        problems.append(("parameters", f"the design has {points} points, more than this server allows "
                                       f"({limits.sweep_points})"))
    if _over(points * replications, limits.sweep_runs):
        problems.append(("replications", f"{points} points x {replications} replications = {points * replications} "
                                         f"runs, more than this server allows ({limits.sweep_runs})"))
    return problems
