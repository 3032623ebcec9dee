"""The admin/intake pool: ``capacity`` people who process referrals first come, first served.

It behaves as a SimPy ``Resource`` of ``capacity`` units, each referral holding one for the same service time: a
referral that finds a worker free is served at once, the others queue in order of arrival, and each finish hands
the worker the next referral in the queue. A finish is a one-off action on the calendar (``Schedule.at``) rather
than a process per referral, which is all a referral's stay here needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.model.fifo import Fifo

if TYPE_CHECKING:
    from simulator.model.clients import Client
    from simulator.model.schedule import Schedule

__all__ = ["AdminPool"]


class AdminPool:
    """Admin workers serving referrals FIFO; ``done(client)`` is called when a referral's processing ends."""

    __slots__ = ("_done", "_queue", "_schedule", "busy", "capacity", "service_days")

    def __init__(self, schedule: Schedule, done: Callable[[Client], None], *, capacity: int,
                 service_days: float) -> None:
        self._schedule = schedule
        self._done = done
        self._queue: Fifo[Client] = Fifo()
        self.capacity = capacity
        self.service_days = service_days
        self.busy = 0  # workers serving a referral now

    def __len__(self) -> int:
        """Referrals at the pool: queued or being served."""
        return len(self._queue) + self.busy

    def arrive(self, client: Client) -> None:
        self._queue.append(client)
        self._serve()

    def resize(self, capacity: int, service_days: float) -> None:
        """A policy changes the staff or the time per referral: referrals already being served finish as planned,
        and the new figures apply to the next ones."""
        self.capacity = capacity
        self.service_days = service_days
        self._serve()

    def _serve(self) -> None:
        while self.busy < self.capacity and len(self._queue):
            client = self._queue.popleft()
            assert client is not None
            self.busy += 1
            self._schedule.at(self._schedule.now + self.service_days, self._finish, client)

    def _finish(self, client: Client) -> None:
        self.busy -= 1
        self._serve()  # the worker takes the next referral before this one moves on, as a Resource would
        self._done(client)
