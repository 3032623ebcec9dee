"""The admin/intake pool: ``capacity`` people who process referrals first-come, first-served.

It behaves as a SimPy ``Resource`` of ``capacity`` units held for a fixed service time each, but it is cheaper to
run. With FIFO service and the same duration for every job, a referral's finish time is known when it arrives: it
starts when the first of the workers becomes free (or at once), and ends one service time later. So one timeout
per referral replaces the request, grant, hold and release events of a process at a ``Resource``; referrals are a
sixth of a run's events, and the bookkeeping around them was half of SimPy's work. Because the finish time needs
nothing but the arrival time, a referral can be queued before the clock reaches its arrival (``Agency.referrals``
queues a week's referrals when it draws them), as long as they are queued in order of arrival.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import simpy

__all__ = ["AdminPool"]


class AdminPool:
    __slots__ = ("_env", "_free_at", "capacity", "holding")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self._env = env
        self.capacity = capacity
        self._free_at = [float(env.now)] * capacity  # a heap: when each worker finishes what they hold
        self.holding = 0  # referrals queued or being processed

    def process(self, arrival: float, duration: float, done: Callable[[], None]) -> None:
        """Queue one referral arriving at ``arrival`` (now or later, in order of arrival); ``done`` is called when
        its processing ends."""
        start = max(arrival, self._free_at[0])
        heapq.heapreplace(self._free_at, start + duration)
        self.holding += 1
        timer = self._env.timeout(start + duration - self._env.now)
        timer.callbacks.append(lambda _: self._finish(done))

    def _finish(self, done: Callable[[], None]) -> None:
        self.holding -= 1
        done()
