"""The admin (intake) step against the arithmetic of a FIFO pool of identical workers with a fixed service time.

With ``c`` workers who each take the same ``d`` days per referral, first come first served, referral ``k`` starts
when it arrives or when referral ``k - c`` is done, whichever is later, so it joins the waitlist at
``max(arrival[k], joined[k - c]) + d`` (Lindley's recursion for c = 1).
These tests check, from the log alone, that each referral arrives at its own time, is processed in order and joins
the waitlist exactly when the recursion says, also when a policy switches the admin step on or off in the middle of
a week; and that the pool itself serves as a SimPy ``Resource`` of as many units would.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.admin import AdminPool
from simulator.model.clients import Client
from simulator.model.events import Kind
from simulator.model.schedule import Schedule

_ADMIN_DAYS_PER_MINUTE = 1 / 480 * 7 / 5  # an admin worker's 480 minutes a day, spread over a 7-day week


def _scenario(**changes: object) -> Scenario:
    """A small agency whose referrals never give up, so every one goes through the pool (test_front_door.py has
    the pool with patience and a limit)."""
    return Scenario().with_changes({"horizon_weeks": 30, "warmup_weeks": 2, "staff.clinicians": 10,
                                    "demand.referrals_per_week": 100.0, "demand.patience_weeks": None, **changes})


def _arrivals_and_joins(scenario: Scenario, replication: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Each referred client's referral time and first waitlist join, in order of referral (NaN: not yet joined)."""
    log = simulate(scenario, replication=replication)
    referred: dict[int, float] = {}
    joined: dict[int, float] = {}
    for event in log.events:
        if event.kind == Kind.REFERRAL:
            referred[event.client] = event.time
        elif event.kind == Kind.WAITLIST_JOIN and event.value == 0.0 and event.client in referred:
            joined.setdefault(event.client, event.time)
    ids = sorted(referred, key=lambda client: (referred[client], client))
    return (np.array([referred[c] for c in ids]), np.array([joined.get(c, np.nan) for c in ids]))


def _pool(arrivals: np.ndarray, workers: int, days: float) -> np.ndarray:
    done = np.empty_like(arrivals)
    for k, arrival in enumerate(arrivals):
        done[k] = max(arrival, done[k - workers] if k >= workers else -np.inf) + days
    return done


@pytest.mark.parametrize(("workers", "minutes"), [(1, 20.0), (3, 55.0)])
def test_referrals_join_the_waitlist_when_a_fifo_pool_of_equal_workers_finishes_them(workers: int,
                                                                                     minutes: float) -> None:
    days = minutes * _ADMIN_DAYS_PER_MINUTE
    arrivals, joins = _arrivals_and_joins(_scenario(**{"staff.admin_staff": workers,
                                                       "demand.intake_admin_minutes": minutes}))
    expected = _pool(arrivals, workers, days)
    done = ~np.isnan(joins)
    assert done.sum() > 2500
    assert (~done).sum() <= workers + 5  # only the last few are still being processed at the horizon
    np.testing.assert_allclose(joins[done], expected[done], rtol=0, atol=1e-9)
    # The pool is busy enough that the recursion matters: many referrals wait for a worker, and arrivals are spread
    # over the week rather than stamped at its start.
    assert np.mean(joins[done] - arrivals[done] > days + 1e-9) > 0.2
    assert np.mean(arrivals % 7.0 > 1e-9) > 0.99


@pytest.mark.parametrize("switch", ["off", "on"])
def test_a_policy_in_mid_week_changes_the_admin_step_for_the_referrals_that_arrive_after_it(switch: str) -> None:
    minutes, at_week = 20.0, 10.5
    before, after = (minutes, 0.0) if switch == "off" else (0.0, minutes)
    scenario = _scenario(**{"staff.admin_staff": 1, "demand.intake_admin_minutes": before,
                            "policies": ({"at_week": at_week, "name": "switch",
                                          "set": {"demand.intake_admin_minutes": after}},)})
    arrivals, joins = _arrivals_and_joins(scenario)
    policy = 7.0 * at_week
    processed = arrivals < policy if switch == "off" else arrivals >= policy
    assert 300 < processed.sum() < len(arrivals) - 300
    # Straight onto the waitlist on arrival without the admin step...
    np.testing.assert_array_equal(joins[~processed], arrivals[~processed])
    # ... and through the pool with it, the pool's recursion restarting with the first referral it sees.
    expected = _pool(arrivals[processed], 1, minutes * _ADMIN_DAYS_PER_MINUTE)
    done = ~np.isnan(joins[processed])
    np.testing.assert_allclose(joins[processed][done], expected[done], rtol=0, atol=1e-9)


def _simpy_resource(arrivals: list[float], workers: int, days: float) -> list[tuple[float, int]]:
    """(finish, referral) of each referral served by a SimPy Resource of ``workers`` units, ``days`` each."""
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=workers)
    finished: list[tuple[float, int]] = []

    def referral(k: int, arrival: float):  # type: ignore[no-untyped-def]  # a SimPy process
        yield env.timeout(arrival)
        with desk.request() as turn:
            yield turn
            yield env.timeout(days)
            finished.append((env.now, k))

    for k, arrival in enumerate(arrivals):
        env.process(referral(k, arrival))
    env.run()
    return finished


@settings(max_examples=100, deadline=None)
@given(arrivals=st.lists(st.floats(0.0, 30.0), max_size=120), workers=st.integers(1, 4),
       days=st.floats(0.01, 2.0))
def test_the_pool_serves_referrals_as_a_simpy_resource_would(arrivals: list[float], workers: int,
                                                             days: float) -> None:
    arrivals = sorted(arrivals)
    schedule, finished = Schedule(), []
    pool = AdminPool(schedule, lambda client: finished.append((schedule.now, client.id)), capacity=workers,
                     service_days=days)
    for k, arrival in enumerate(arrivals):
        schedule.at(arrival, pool.arrive, Client(k, arrival))
    schedule.run(math.inf)
    expected = _simpy_resource(arrivals, workers, days)
    assert len(finished) == len(expected) == len(arrivals)
    assert len(pool) == 0
    for (time, _), (want, _) in zip(sorted(finished), sorted(expected), strict=True):
        assert time == pytest.approx(want, abs=1e-9)
    # first come, first served: referrals finish in the order they arrived
    assert [k for _, k in finished] == sorted(k for _, k in finished)


def test_a_larger_pool_takes_queued_referrals_at_once() -> None:
    schedule, finished = Schedule(), []
    pool = AdminPool(schedule, lambda client: finished.append(schedule.now), capacity=1, service_days=1.0)
    for k in range(4):
        schedule.at(0.0, pool.arrive, Client(k, 0.0))
    schedule.at(0.5, pool.resize, 3, 1.0, None)  # two more workers arrive half-way through the first referral
    schedule.run(math.inf)
    assert finished == [1.0, 1.5, 1.5, 2.0]
