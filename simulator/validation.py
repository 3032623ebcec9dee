"""Analytic benchmarks the model must reproduce: Erlang C for the M/M/c reduction (spec 5)."""

from __future__ import annotations

import math

from simulator.model.caseload import target_caseload
from simulator.scenario import Scenario

__all__ = ["erlang_c", "mmc_expectations"]


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C), for offered load a = lambda/mu < c."""
    if offered_load >= servers:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < c (computed iteratively to avoid overflow)
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    top = term * offered_load / servers / (1 - offered_load / servers)
    return top / (total + top)


def mmc_expectations(scenario: Scenario) -> dict[str, float]:
    """Erlang C predictions for a scenario set up as an M/M/c queue: c servers = clinicians x caseload slots."""
    servers = scenario.staff.clinicians * target_caseload(scenario)
    service_days = 7.0 * scenario.demand.mean_sessions_per_episode / scenario.demand.sessions_per_week
    arrivals_per_day = scenario.demand.referrals_per_week / 7.0
    load = arrivals_per_day * service_days
    p_wait = erlang_c(servers, load)
    return {
        "servers": servers,
        "utilisation": load / servers,
        "prob_wait": p_wait,
        "wait_days_assignment_mean": p_wait * service_days / (servers - load) if load < servers else math.inf,
    }
