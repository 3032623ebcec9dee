"""The admin/intake pool: ``capacity`` people who process referrals first-come, first-served.

It behaves as a SimPy ``Resource`` of ``capacity`` units held for a fixed service time each, but it is cheaper to
run. With FIFO service and the same duration for every job, a referral's finish time is known when it arrives: it
starts when the first of the workers becomes free (or at once), and ends one service time later. So the finish
time replaces the request, grant, hold and release events of a process at a ``Resource``. Because it needs nothing
but the arrival time, a referral can be queued before the clock reaches its arrival (``Agency.referrals`` queues a
week's referrals when it draws them), as long as they are queued in order of arrival; the agency hands each finished
referral to the waitlist at its finish time (``Agency.intake_done``).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Final

from simulator.model.fifo import Fifo

if TYPE_CHECKING:
    from simulator.model.clients import Client

__all__ = ["AdminPool", "Finishes"]

_heapreplace: Final = heapq.heapreplace  # Final: compiled, read directly, not looked up in the module's dict


class AdminPool:
    """``capacity`` workers, first come first served, each referral taking the same time."""

    __slots__ = ("_free_at", "capacity")

    def __init__(self, capacity: int, now: float) -> None:
        self.capacity = capacity
        self._free_at = [now] * capacity  # a heap: when each worker finishes what they hold

    def finish(self, arrival: float, duration: float) -> float:
        """Queue one referral arriving at ``arrival`` (now or later, in order of arrival): when its processing
        ends."""
        start = max(arrival, self._free_at[0])
        _heapreplace(self._free_at, start + duration)
        return start + duration


class Finishes:
    """Referrals in admin processing, in the order they finish: by finish time, then by order of queuing, the
    order in which a SimPy timeout per referral would fire.

    A pool that serves first come, first served with one service time finishes its referrals in the order they
    arrive (each starts no earlier than the one before it), so finishes mostly come in order: the queue is a
    ``Fifo``, appended to at the end, with none of a heap's sifting (a heappop of a week's referrals cost about 1,000
    instructions). A referral that finishes before one queued earlier, after a policy shortens the service time or
    replaces the pool, is inserted in its place. Its length is the number of referrals in admin processing, at every
    pool the agency has had.
    """

    __slots__ = ("_entries", "_queued")

    def __init__(self) -> None:
        self._entries: Fifo[tuple[float, int, Client]] = Fifo()  # (finish, order queued, client)
        self._queued = 0

    def __len__(self) -> int:
        return len(self._entries)

    def push(self, finish: float, client: Client) -> bool:
        """Queue a referral; True if it is now the first to finish."""
        order = self._queued
        self._queued += 1
        entries = self._entries
        if not len(entries) or finish >= entries.last()[0]:
            entries.append((finish, order, client))
        else:
            entries.insort((finish, order, client), key=_finish_order)
        # By order number, not identity: compiled, a tuple is rebuilt each time it is stored or read.
        return entries.first()[1] == order

    def first(self) -> float:
        """When the first referral finishes (the queue must not be empty)."""
        return self._entries.first()[0]

    def pop(self) -> Client:
        """Take the first referral to finish (the queue must not be empty)."""
        entry = self._entries.popleft()
        assert entry is not None
        return entry[2]


def _finish_order(entry: tuple[float, int, Client]) -> tuple[float, int]:
    return entry[0], entry[1]  # order numbers differ, so clients are never compared
