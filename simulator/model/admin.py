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

__all__ = ["AdminPool"]


class AdminPool:
    """``capacity`` workers, first come first served, each referral taking the same time."""

    __slots__ = ("_free_at", "capacity", "holding")

    def __init__(self, capacity: int, now: float) -> None:
        self.capacity = capacity
        self._free_at = [now] * capacity  # a heap: when each worker finishes what they hold
        self.holding = 0  # referrals queued or being processed (the agency counts them out)

    def finish(self, arrival: float, duration: float) -> float:
        """Queue one referral arriving at ``arrival`` (now or later, in order of arrival): when its processing
        ends."""
        start = max(arrival, self._free_at[0])
        heapq.heapreplace(self._free_at, start + duration)
        self.holding += 1
        return start + duration
