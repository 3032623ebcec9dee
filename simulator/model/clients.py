"""Clients and the waitlist.

A client is plain data: the clinician who holds it, where it is in its episode, when its next session is. The
waitlist is two FIFO queues, transferred clients ahead of new referrals (spec 2), with lazy removal: a client who
reneges is marked and skipped when it reaches the head, so reneging costs O(1) however long the list is.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING

from simulator.model.fifo import Fifo

if TYPE_CHECKING:
    from simulator.model.clinician import Clinician

__all__ = ["Client", "Status", "Waitlist"]


class Status(IntEnum):
    ADMIN = 0  # queued for intake processing by admin staff
    WAITING = 1  # on the waitlist
    IN_CARE = 2
    DISCHARGED = 3
    DROPPED_OUT = 4
    LOST = 5  # turned away, gave up waiting (for intake or on the waitlist), or left care at a transfer
    PROCESSING = 6  # an admin worker is processing its intake: committed until it is done


class Client:
    __slots__ = ("clinician", "id", "joined_at", "kind", "needs_intake", "patience_end", "priority", "referred_at",
                 "sessions_done", "sessions_needed", "status", "token", "weekday")

    def __init__(self, client_id: int, referred_at: float, kind: int = 0) -> None:
        self.id = client_id
        self.kind = kind  # index of its kind in ``Rules.kinds`` (demand.client_mix)
        self.referred_at = referred_at
        self.joined_at = referred_at  # when it last joined the waitlist
        self.patience_end = math.inf  # a new referral gives up at this time if it is still waiting for care
        self.status = Status.ADMIN
        self.clinician: Clinician | None = None
        self.needs_intake = True
        self.sessions_done = 0
        self.sessions_needed = 0  # geometric episodes: attended sessions to discharge (0 = time-limited)
        self.priority = False  # a transferred client waiting for a new clinician
        self.weekday = -1  # regular session weekday (0 = Monday), -1 until the first regular session
        self.token = 0  # bumped at every move, so timers set for an earlier stay see they are stale


class Waitlist:
    """Transferred clients first, then new referrals, each FIFO."""

    __slots__ = ("_new", "_transfers", "size")

    def __init__(self) -> None:
        self._transfers: Fifo[Client] = Fifo()
        self._new: Fifo[Client] = Fifo()
        self.size = 0

    def put(self, client: Client, *, now: float) -> None:
        client.status = Status.WAITING
        client.joined_at = now
        (self._transfers if client.priority else self._new).append(client)
        self.size += 1

    def get(self) -> Client | None:
        """The head of the waitlist, or None when nobody is waiting."""
        client = self._first_waiting(self._transfers)
        return client if client is not None else self._first_waiting(self._new)

    def get_transfer(self) -> Client | None:
        """The first transferred client waiting, or None when none is."""
        return self._first_waiting(self._transfers)

    def _first_waiting(self, queue: Fifo[Client]) -> Client | None:
        client = queue.popleft()
        while client is not None:  # clients who gave up are skipped here, lazily
            if client.status is Status.WAITING:
                self.size -= 1
                return client
            client = queue.popleft()
        return None

    def renege(self, client: Client) -> bool:
        """Take a waiting client off the list (lazily); False if it was no longer waiting."""
        if client.status is not Status.WAITING:
            return False
        client.status = Status.LOST
        self.size -= 1
        return True
