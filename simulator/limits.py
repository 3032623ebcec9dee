"""Size limits on what one request may ask the simulator to do.

The web app enforces them on every run and upload, so one scenario cannot take a shared server down; the CLI
applies none unless asked (modelers on their own machines may run as big a study as they like).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.scenario import Scenario

__all__ = ["APP_LIMITS", "Limits", "limit_problems"]


@dataclass(frozen=True)
class Limits:
    clinicians: int
    horizon_weeks: int
    replications: int
    sweep_points: int


# Assumption: sized so the largest allowed run takes minutes, not hours, on a 2-core server.
APP_LIMITS = Limits(clinicians=300, horizon_weeks=520, replications=50, sweep_points=40)


def limit_problems(scenario: Scenario, replications: int, limits: Limits = APP_LIMITS) -> list[str]:
    """Why this run is too big for these limits (empty when it fits). Timed policies count too."""
    problems = []
    positions = {"staff.clinicians": scenario.staff.clinicians,
                 "turnover.hire_ahead_positions": scenario.turnover.hire_ahead_positions}
    peak = sum(positions.values())
    for policy in sorted(scenario.policies, key=lambda p: p.at_week):
        positions.update({k: int(v) for k, v in policy.set.items() if k in positions})
        peak = max(peak, sum(positions.values()))
    if peak > limits.clinicians:
        problems.append(f"staff.clinicians: {peak} positions (with hire-ahead and timed policies) is more than "
                        f"this server allows ({limits.clinicians})")
    if scenario.horizon_weeks > limits.horizon_weeks:
        problems.append(f"horizon_weeks: {scenario.horizon_weeks} is more than this server allows "
                        f"({limits.horizon_weeks})")
    if replications > limits.replications:
        problems.append(f"replications: {replications} is more than this server allows ({limits.replications})")
    return problems
