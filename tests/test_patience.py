"""One alarm for the whole waitlist gives up the same clients at the same times as one timer per join would.

The reference is the rule itself: a client who joins at ``t`` with patience ``p`` gives up at ``t + p`` exactly,
unless it left the list (was assigned) before then; a client who joins again starts afresh.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.clients import Client, Status
from simulator.model.patience import Patience

# (join time, patience, time assigned after joining or None if never): one stay on the list each
Stay = tuple[float, float, float | None]


def _run(stays: list[Stay]) -> tuple[list[tuple[int, float, float]], int]:
    """Who gave up, at which deadline and at which clock; and how many SimPy events the run processed."""
    env = simpy.Environment()
    gave_up: list[tuple[int, float, float]] = []

    def give_up(client: Client, deadline: float) -> None:  # the agency's renege, reduced to the waitlist's part
        assert client.status is Status.WAITING  # Patience only calls on clients still waiting
        client.status = Status.LOST
        gave_up.append((client.id, deadline, env.now))

    patience = Patience(env, give_up)

    def stay(client: Client, join: float, wait: float, assigned: float | None) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(join)
        client.token += 1
        client.status = Status.WAITING
        patience.wait(client, env.now + wait)
        if assigned is not None:
            yield env.timeout(assigned)
            if client.status is Status.WAITING:
                client.status = Status.IN_CARE
                client.token += 1

    for number, (join, wait, assigned) in enumerate(stays):
        env.process(stay(Client(number, join), join, wait, assigned))
    steps = 0
    while env.peek() < float("inf"):
        env.step()
        steps += 1
    return sorted(gave_up), steps


def _by_the_rule(stays: list[Stay]) -> list[tuple[int, float]]:
    return sorted((number, join + wait) for number, (join, wait, assigned) in enumerate(stays)
                  if assigned is None or assigned >= wait)


times = st.floats(0.0, 50.0, allow_nan=False)
patience_times = st.floats(0.01, 30.0, allow_nan=False)
stays = st.lists(st.tuples(times, patience_times, st.none() | times), max_size=60)


@settings(max_examples=150, deadline=None)
@given(stays)
def test_the_same_clients_give_up_at_the_same_deadlines_as_with_a_timer_each(stays: list[Stay]) -> None:
    # Ties (assigned at the very instant the patience runs out) are measure-zero in the model and left out here.
    stays = [(join, wait, assigned) for join, wait, assigned in stays if assigned is None or assigned != wait]
    gave_up, _ = _run(stays)
    assert [(number, deadline) for number, deadline, _ in gave_up] == _by_the_rule(stays)
    for _, deadline, clock in gave_up:  # the alarm rings at the deadline, give or take SimPy's rounding
        assert abs(clock - deadline) <= 1e-9 * max(1.0, deadline)


def test_clients_assigned_in_time_cost_no_events_of_their_own() -> None:
    # 200 clients who are all assigned a day after joining, long before their patience of 10 days runs out
    stays: list[Stay] = [(0.01 * k, 10.0, 1.0) for k in range(200)]
    gave_up, steps = _run(stays)
    assert gave_up == []
    # Each client's own events: its process starting, the timeout to its join, the timeout to its assignment and
    # its process ending. Beyond those, one alarm, set at the first join for the first deadline; it finds that
    # client gone and every other deadline stale, so it sets no other. One timer per join would have added 200.
    assert steps == 4 * 200 + 1


def test_a_client_back_on_the_list_keeps_only_its_new_deadline() -> None:
    env = simpy.Environment()
    gave_up: list[tuple[int, float]] = []
    patience = Patience(env, lambda client, deadline: gave_up.append((client.id, deadline)))
    client = Client(7, 0.0)

    def story() -> Generator[simpy.Event, Any, None]:
        client.status, client.token = Status.WAITING, 1
        patience.wait(client, 5.0)  # first stay: would give up at 5
        yield env.timeout(2.0)
        client.status, client.token = Status.IN_CARE, 2  # assigned at 2
        yield env.timeout(1.0)
        client.status, client.token = Status.WAITING, 3  # back on the list at 3 (its clinician left)
        patience.wait(client, 9.0)

    env.process(story())
    env.run()
    assert gave_up == [(7, 9.0)]


def test_equal_deadlines_give_up_in_order_of_joining_and_far_deadlines_still_ring() -> None:
    """Clients with the very same deadline give up in the order they joined, and a deadline beyond the day bins
    (180 years on) rings as well, in its turn."""
    env = simpy.Environment()
    gave_up: list[tuple[int, float]] = []
    patience = Patience(env, lambda client, deadline: gave_up.append((client.id, deadline)))
    far = 70_000.0 * 1.5  # past the last day with a bin of its own (2**16)

    def join(client: Client, at: float, deadline: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        client.status, client.token = Status.WAITING, 1
        patience.wait(client, deadline)

    for number, (at, deadline) in enumerate([(0.0, 5.0), (1.0, far + 1.0), (2.0, 5.0), (3.0, far), (4.0, 5.0)]):
        env.process(join(Client(number, at), at, deadline))
    env.run()
    assert gave_up == [(0, 5.0), (2, 5.0), (4, 5.0), (3, far), (1, far + 1.0)]
