"""The model's one clock: SimPy's environment, with a calendar of one-off actions kept beside its event queue.

Behaviours that recur or wait are SimPy processes, as in any SimPy model: the agency's workdays, the referrals of
each week, audits, timed policies, a resignation's notice, a recruitment. Actions that happen once to one client at
one moment (a referral arriving, the admin pool finishing an intake, a waiting client's patience running out, a
time-limited episode ending) are tens of thousands a run; as SimPy timeouts each would cost several thousand
instructions of interpreted SimPy, so they wait in a calendar instead, which ``Schedule.run`` merges with SimPy's
queue. Either way ``now`` is the time of whatever is being done, and
model code reads the time there and nowhere else; no other module touches SimPy's clock.

Ties: at one moment, calendar actions run before SimPy's events, and each in the order it was scheduled. So a
departure at 08:00 (a SimPy process) and a workday at 08:00 keep the order they were scheduled in, and times are
exact: ``until(time)`` fires at ``time`` to the last bit, not at SimPy's ``now + (time - now)``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Generator
from typing import Any

import simpy

from simulator.model.byday import DayLists

__all__ = ["Schedule"]

Action = Callable[..., object]


class Schedule:
    """SimPy's environment and the calendar, under one clock (``now``, in days)."""

    __slots__ = ("_calendar", "_order", "env", "now", "steps")

    def __init__(self) -> None:
        self.env = simpy.Environment()
        self.now = 0.0
        self._calendar = _Calendar()
        self._order = 0  # ties on the calendar keep the order of scheduling
        self.steps = 0  # SimPy events and calendar actions processed

    def at(self, time: float, action: Action, *args: Any) -> None:
        """Call ``action(*args)`` at ``time`` (now or later)."""
        if time < self.now:
            raise ValueError(f"cannot schedule an action at {time} before now ({self.now})")
        self._calendar.push((time, self._order, action, args))
        self._order += 1

    def process(self, generator: Generator[simpy.Event, Any, None]) -> simpy.Process:
        """Start a SimPy process now."""
        return self.env.process(generator)

    def until(self, time: float) -> simpy.Event:
        """A SimPy timeout that fires at exactly ``time``: ``yield schedule.until(t)`` in a process."""
        return self.env.timeout(_delay_to(self.now, max(time, self.now)))

    def after(self, delay: float) -> simpy.Event:
        """A SimPy timeout that fires ``delay`` days from now."""
        return self.until(self.now + delay)

    def run(self, end: float) -> None:
        """Do everything scheduled before ``end``, in time order."""
        env, calendar = self.env, self._calendar
        while True:
            next_event = env.peek()
            first = calendar.first_time()
            if first <= next_event:
                if first >= end:
                    return
                time, _, action, args = calendar.pop()
                self.now = time
                # SimPy's clock moves with ours, as its own step() moves it, so that anything the action schedules
                # in SimPy is timed from this moment. No SimPy event is pending before ``time`` (it was next), so
                # the clock never passes one.
                env._now = time
                action(*args)
            else:
                if next_event >= end:
                    return
                self.now = next_event
                env.step()
            self.steps += 1


Entry = tuple[float, int, Action, tuple[Any, ...]]  # (time, order of scheduling, action, its arguments)


class _Calendar:
    """One-off actions in time order, kept as a calendar queue (Brown 1988): the actions of the day being worked
    through in a list sorted by time, those of later days unsorted in one list per day until their day comes.

    A run's actions cluster in days and are mostly scheduled for a later day, so most cost one append and a share of
    one sort; a heap compares every entry a dozen times on the way in and out, which cost more than the actions.
    Equal times keep the order of scheduling (the sort and the insertion are stable).
    """

    __slots__ = ("_day", "_head", "_later", "_times", "_today")

    def __init__(self) -> None:
        self._today: list[Entry] = []  # every action due by the end of day ``_day``, sorted; done before ``_head``
        self._times: list[float] = []  # their times, searched when an action is added to the day being worked
        self._head = 0
        self._day = -1
        self._later: DayLists[Entry] = DayLists(0)  # actions of each later day, as scheduled

    def push(self, entry: Entry) -> None:
        day = int(entry[0])  # times are never negative
        if day <= self._day:
            # After every action due at its time or earlier, as a stable sort by time puts it; searched among the
            # bare times, because a search with a key function calls back into Python at every comparison.
            i = bisect_right(self._times, entry[0], self._head)
            self._times.insert(i, entry[0])
            self._today.insert(i, entry)
        else:
            self._later.on(day).append(entry)

    def first_time(self) -> float:
        """When the next action is due (infinity when none is)."""
        if self._head == len(self._today) and not self._next_day():
            return math.inf
        return self._times[self._head]

    def pop(self) -> Entry:
        """The next action, removed (``first_time`` must have found one)."""
        entry = self._today[self._head]
        self._head += 1
        return entry

    def _next_day(self) -> bool:
        """Load the next day that has actions; False if none has."""
        later = self._later
        day, end = self._day + 1, later.end()
        while day < end:
            entries = later.take(day)
            if entries:
                entries.sort(key=_time)
                self._today, self._times, self._head, self._day = entries, [entry[0] for entry in entries], 0, day
                return True
            day += 1
        self._today, self._times, self._head = [], [], 0
        return False


def _time(entry: Entry) -> float:
    return entry[0]


def _delay_to(now: float, time: float) -> float:
    """The delay SimPy needs to fire at exactly ``time``: it adds the delay to ``now``, which can round an ulp away
    from ``time`` when ``time`` is more than twice ``now``, so the delay is nudged until the sum is exact."""
    delay = time - now
    for _ in range(4):
        landed = now + delay
        if landed == time:
            break
        delay = math.nextafter(delay, math.inf if landed < time else -math.inf)
    return delay
