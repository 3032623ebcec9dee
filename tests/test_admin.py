"""The admin (intake) step against the arithmetic of a FIFO pool of identical workers with a fixed service time.

With ``c`` workers who each take the same ``d`` days per referral, first come first served, referral ``k`` starts
when it arrives or when referral ``k - c`` is done, whichever is later, so it joins the waitlist at
``max(arrival[k], joined[k - c]) + d`` (Lindley's recursion for c = 1). The model handles a week's referrals when
it draws them, ahead of the clock (``Agency.referrals``); these tests check, from the log alone, that each one still
arrives at its own time, is processed in order and joins the waitlist exactly when the recursion says, also when a
policy switches the admin step on or off in the middle of a week.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.admin import Finishes
from simulator.model.clients import Client
from simulator.model.events import Kind

_ADMIN_DAYS_PER_MINUTE = 1 / 480 * 7 / 5  # an admin worker's 480 minutes a day, spread over a 7-day week


def _scenario(**changes: object) -> Scenario:
    return Scenario().with_changes({"horizon_weeks": 30, "warmup_weeks": 2, "staff.clinicians": 10,
                                    "demand.referrals_per_week": 100.0, **changes})


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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(0.0, 50.0)), max_size=3000))
def test_finishes_pop_in_the_order_of_a_heap(steps: list[tuple[bool, float]]) -> None:
    """``Finishes`` against ``heapq`` of (finish, order queued): the same referrals in the same order, the same
    answer to "is the new one first?", through runs of in-order appends, out-of-order inserts and compactions."""
    queue = Finishes()
    heap: list[tuple[float, int, Client]] = []
    last = 0.0
    for order, (pop, value) in enumerate(steps):
        if pop and heap:
            _, _, expected = heapq.heappop(heap)
            assert queue.pop() is expected
        else:
            # Mostly in order, as a FIFO pool with one service time finishes; now and then earlier, or a tie.
            finish = last + value if value > 5.0 else (last if value < 1.0 else max(0.0, last - value))
            last = max(last, finish)
            client = Client(order, 0.0)
            heapq.heappush(heap, (finish, order, client))
            assert queue.push(finish, client) == (heap[0][2] is client)
        assert len(queue) == len(heap)
        if heap:
            assert queue.first() == heap[0][0]


def test_finishes_keep_their_order_through_a_long_backlog() -> None:
    """A backlog that never empties: finished entries are dropped from the front (compaction) without losing or
    reordering the rest, including an out-of-order insert after the drop."""
    queue = Finishes()
    clients = [Client(k, 0.0) for k in range(5001)]
    for k in range(5000):
        queue.push(float(k), clients[k])
    popped = [queue.pop().id for _ in range(3000)]
    assert popped == list(range(3000))
    assert len(queue) == 2000
    assert queue.push(3500.5, clients[5000]) is False  # lands between 3500 and 3501
    rest = [queue.pop().id for _ in range(2001)]
    assert rest == [*range(3000, 3501), 5000, *range(3501, 5000)]
    assert len(queue) == 0
