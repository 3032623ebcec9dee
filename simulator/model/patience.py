"""Waitlist patience: when each waiting client gives up, with one alarm for the whole waitlist.

Every client who joins the waitlist draws an exponential patience and gives up at ``joined + patience`` unless
assigned first. Most are assigned first (in the baseline about 3,700 of 32,000 joins end in giving up), so a
SimPy timer per join would be an event that usually does nothing: a third of a run's events. Instead the
deadlines wait in a heap, and one alarm is set for the earliest deadline of a client still waiting; stale
entries (clients assigned since, or back on the list with a new deadline) are dropped when they reach the top.

A client gives up at exactly the deadline a per-client timer would have fired at, and the log records that
time, so the results are those of one timer per join. (The alarm itself may ring a rounding error away from the
deadline, because SimPy schedules by delay, not by time; the deadline, not the clock, is what counts.)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from functools import partial
from typing import Final

import simpy

from simulator.model.clients import Client, Status

__all__ = ["Patience"]

# Final: compiled, read directly rather than looked up in the module's dict at every call.
_heappush: Final = heapq.heappush
_heappop: Final = heapq.heappop


class Patience:
    """Deadlines of waiting clients, and the one alarm for the earliest that still counts.

    The heap holds bare deadlines, with the clients due at each in a dict beside it: a heap of floats compares
    floats, where a heap of (deadline, order, client, token) tuples compared tuples, several times slower, at every
    step of every push and pop (a third of this class's cost). Clients with the same deadline keep their order of
    joining, as the tuples did.
    """

    __slots__ = ("_alarm_at", "_alarms", "_due", "_env", "_give_up", "_heap")

    def __init__(self, env: simpy.Environment, give_up: Callable[[Client, float], None]) -> None:
        self._env = env
        self._give_up = give_up  # called at a deadline with the client and the deadline
        self._heap: list[float] = []  # deadlines, each once
        self._due: dict[float, list[tuple[Client, int]]] = {}  # deadline -> (client, its token), in order of joining
        self._alarm_at = math.inf  # the deadline the next alarm is for
        self._alarms: set[float] = set()  # deadlines with an alarm already pending in SimPy's queue

    def wait(self, client: Client, deadline: float) -> None:
        """``client`` (just put on the waitlist) gives up at ``deadline`` unless it leaves the list before."""
        due = self._due.get(deadline)
        if due is None:
            self._due[deadline] = [(client, client.token)]
            _heappush(self._heap, deadline)
        else:
            due.append((client, client.token))
        if deadline < self._alarm_at:
            self._set_alarm()

    def _set_alarm(self) -> None:
        heap, due = self._heap, self._due
        while heap and not any(_still_waiting(entry) for entry in due[heap[0]]):
            del due[_heappop(heap)]
        if not heap:
            self._alarm_at = math.inf
            return
        deadline = heap[0]
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
        heap, due = self._heap, self._due
        while heap and heap[0] <= deadline:
            at = _heappop(heap)
            for entry in due.pop(at):
                if _still_waiting(entry):
                    self._give_up(entry[0], at)
        self._alarm_at = math.inf
        self._set_alarm()


def _still_waiting(entry: tuple[Client, int]) -> bool:
    client, token = entry
    return client.token == token and client.status is Status.WAITING
