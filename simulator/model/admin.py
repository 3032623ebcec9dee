"""The admin/intake pool: ``capacity`` people who process referrals first come, first served.

It behaves as a SimPy ``Resource`` of ``capacity`` units, each referral holding one for the same service time: a
referral that finds a worker free is served at once, the others queue in order of arrival, and each finish hands
the worker the next referral in the queue. A finish is a one-off action on the calendar (``Schedule.at``) rather
than a process per referral, which is all a referral's stay here needs.

Two things a ``Resource`` does not do, both of the front door of an agency: the queue may be bounded (``limit``
referrals queued; a referral that finds every worker busy and the queue full is turned away, as a full store
refuses a ``put``), and a queued referral may give up (``renege``), removed lazily as the waitlist removes its own.
A referral being processed does not give up: the agency decides what happens to it when processing ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.model.clients import Status
from simulator.model.fifo import Fifo

if TYPE_CHECKING:
    from simulator.model.clients import Client
    from simulator.model.schedule import Schedule

__all__ = ["AdminPool"]


class AdminPool:
    """Admin workers serving referrals FIFO; ``done(client)`` is called when a referral's processing ends."""

    __slots__ = ("_done", "_queue", "_schedule", "busy", "capacity", "limit", "service_days", "waiting")

    def __init__(self, schedule: Schedule, done: Callable[[Client], None], *, capacity: int,
                 service_days: float, limit: int | None = None) -> None:
        self._schedule = schedule
        self._done = done
        self._queue: Fifo[Client] = Fifo()  # may still hold referrals that gave up, skipped when they reach the head
        self.capacity = capacity
        self.service_days = service_days
        self.limit = limit  # most referrals queued (not being processed); None: no limit
        self.busy = 0  # workers serving a referral now
        self.waiting = 0  # referrals queued for a worker

    def __len__(self) -> int:
        """Referrals at the pool: queued or being served."""
        return self.waiting + self.busy

    def arrive(self, client: Client) -> bool:
        """Take a referral, or turn it away (False, the client lost) when every worker is busy and the queue is
        full."""
        if self.limit is not None and self.busy >= self.capacity and self.waiting >= self.limit:
            client.status = Status.LOST
            return False
        client.status = Status.ADMIN
        self._queue.append(client)
        self.waiting += 1
        self._serve()
        return True

    def renege(self, client: Client) -> bool:
        """A queued referral gives up (lazily: it stays in the queue, marked); False if it is not queued."""
        if client.status is not Status.ADMIN:
            return False
        client.status = Status.LOST
        self.waiting -= 1
        return True

    def resize(self, capacity: int, service_days: float, limit: int | None) -> None:
        """A policy changes the staff, the time per referral or the queue's limit: referrals already being served
        finish as planned, referrals already queued stay queued, and the new figures apply to the next ones."""
        self.capacity = capacity
        self.service_days = service_days
        self.limit = limit
        self._serve()

    def _serve(self) -> None:
        while self.busy < self.capacity and self.waiting:
            client = self._queue.popleft()
            assert client is not None
            if client.status is not Status.ADMIN:  # gave up while queued
                continue
            client.status = Status.PROCESSING
            self.waiting -= 1
            self.busy += 1
            self._schedule.at(self._schedule.now + self.service_days, self._finish, client)

    def _finish(self, client: Client) -> None:
        self.busy -= 1
        self._serve()  # the worker takes the next referral before this one moves on, as a Resource would
        self._done(client)
