"""The waitlist's order against a plain reference: transferred clients first, then new referrals, each first come,
first served, with clients who gave up skipped; through long backlogs (the queues drop their served front)."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.clients import Client, Status, Waitlist

# put (transferred or not), get, or the k-th waiting client gives up; runs of puts make long backlogs
_STEPS = st.lists(st.one_of(st.tuples(st.just("put"), st.booleans(), st.integers(1, 1500)),
                            st.tuples(st.just("get"), st.booleans(), st.integers(1, 1200)),
                            st.tuples(st.just("renege"), st.booleans(), st.integers(0, 50))), max_size=40)


@settings(max_examples=100, deadline=None)
@given(steps=_STEPS)
def test_the_waitlist_serves_in_the_plain_order(steps: list[tuple[str, bool, int]]) -> None:
    waitlist, transfers, new = Waitlist(), deque[Client](), deque[Client]()
    made = 0
    for action, priority, count in steps:
        for _ in range(count):
            if action == "put":
                client = Client(made, 0.0)
                client.priority = priority
                made += 1
                waitlist.put(client, now=1.0)
                (transfers if priority else new).append(client)
            elif action == "get":
                queue = transfers or new
                assert waitlist.get() is (queue.popleft() if queue else None)
            else:
                waiting = [*transfers, *new]
                if waiting:
                    gone = waiting[count % len(waiting)]
                    assert waitlist.renege(gone)
                    (transfers if gone in transfers else new).remove(gone)
                break
        assert waitlist.size == len(transfers) + len(new)
        assert all(client.status is Status.WAITING for client in [*transfers, *new])


def test_a_long_backlog_keeps_its_order() -> None:
    """Thousands waiting while thousands are served: the served front is dropped without losing anyone."""
    waitlist = Waitlist()
    clients = [Client(k, 0.0) for k in range(5000)]
    for client in clients[:3000]:
        waitlist.put(client, now=0.0)
    assert [waitlist.get() for _ in range(2000)] == clients[:2000]
    assert waitlist.renege(clients[2500])
    for client in clients[3000:]:
        waitlist.put(client, now=1.0)
    rest = [waitlist.get() for _ in range(2999)]
    assert rest == [c for c in clients[2000:] if c.id != 2500]
    assert waitlist.get() is None
    assert waitlist.size == 0
