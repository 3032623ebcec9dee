"""Waitlist patience: when each waiting client gives up, with one alarm for the whole waitlist.

Every client who joins the waitlist draws an exponential patience and gives up at ``joined + patience`` unless
assigned first. Most are assigned first (in the baseline about 3,700 of 32,000 joins end in giving up), so a
SimPy timer per join would be an event that usually does nothing: a third of a run's events. Instead the
deadlines wait in bins by day, and one alarm is set for the earliest deadline of a client still waiting; stale
entries (clients assigned since, or back on the list with a new deadline) are dropped when their day's bin is
searched for that deadline.

A client gives up at exactly the deadline a per-client timer would have fired at, and the log records that
time, so the results are those of one timer per join. (The alarm itself may ring a rounding error away from the
deadline, because SimPy schedules by delay, not by time; the deadline, not the clock, is what counts.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Final

import simpy

from simulator.model.byday import DayLists
from simulator.model.clients import Client, Status

__all__ = ["Patience"]

_DAYS: Final = 1 << 16  # days with a bin of their own (180 years); later deadlines share one last bin

Entry = tuple[float, Client, int]  # (deadline, client, the client's token when it joined)


class Patience:
    """Deadlines of waiting clients, and the one alarm for the earliest that still counts.

    The deadlines sit in bins by day (a list indexed by day), each in order of joining. The earliest deadline of a
    client still waiting is the smallest in the first bin that holds one, so finding it means searching one small
    bin (a day's joins) rather than popping a heap whose stale entries (most of them: the clients assigned in time)
    stayed in it until their deadline, each pop some 1,700 instructions compiled. Every alarm is set at the same
    moment and for the same deadline as with the heap this replaced (2026-11-29), so the results are identical.
    """

    __slots__ = ("_alarm_at", "_alarms", "_bins", "_env", "_front", "_give_up")

    def __init__(self, env: simpy.Environment, give_up: Callable[[Client, float], None]) -> None:
        self._env = env
        self._give_up = give_up  # called at a deadline with the client and the deadline
        self._bins: DayLists[Entry] = DayLists(0)  # by day of the deadline; day _DAYS holds all later ones
        self._front = 0  # no bin before it holds a client still waiting
        self._alarm_at = math.inf  # the deadline the next alarm is for
        self._alarms: set[float] = set()  # deadlines with an alarm already pending in SimPy's queue

    def wait(self, client: Client, deadline: float) -> None:
        """``client`` (just put on the waitlist) gives up at ``deadline`` unless it leaves the list before."""
        day = min(int(deadline), _DAYS)  # deadlines are never negative
        self._bins.on(day).append((deadline, client, client.token))
        if day < self._front:
            self._front = day
        if deadline < self._alarm_at:
            self._set_alarm()

    def _set_alarm(self) -> None:
        """Set the alarm for the earliest deadline of a client still waiting, dropping stale entries on the way."""
        bins = self._bins
        day, end = self._front, bins.end()
        entries = None
        while day < end:
            entries = bins.get(day)
            if entries is not None:
                entries = [entry for entry in entries if _still_waiting(entry)]
                bins.set(day, entries if entries else None)
                if entries:
                    break
            day += 1
        self._front = day
        if day >= end or not entries:
            self._alarm_at = math.inf
            return
        deadline = entries[0][0]
        for entry in entries:
            if entry[0] < deadline:
                deadline = entry[0]
        self._alarm_at = deadline
        if deadline not in self._alarms:
            self._alarms.add(deadline)
            # never negative: after an alarm that rang a rounding error late, the next deadline may be that close
            alarm = self._env.timeout(max(0.0, deadline - self._env.now))
            alarm.callbacks.append(partial(self._ring, deadline))

    def _ring(self, deadline: float, _: simpy.Event) -> None:
        self._alarms.discard(deadline)
        if deadline != self._alarm_at:
            return  # an earlier deadline took over the alarm, and this one is handled when it is due
        # Every client still waiting has a deadline at or after this one (the alarm is always for the earliest), so
        # those due now are the ones of this deadline, in its day's bin, in order of joining.
        day = min(int(deadline), _DAYS)
        entries = self._bins.get(day)
        if entries is not None:
            due = [entry for entry in entries if entry[0] <= deadline]
            if due:
                later = [entry for entry in entries if entry[0] > deadline]
                self._bins.set(day, later if later else None)
                for entry in due:
                    if _still_waiting(entry):
                        self._give_up(entry[1], entry[0])
        self._alarm_at = math.inf
        self._set_alarm()


def _still_waiting(entry: Entry) -> bool:
    _, client, token = entry
    return client.token == token and client.status is Status.WAITING
