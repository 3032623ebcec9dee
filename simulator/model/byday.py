"""Values by day, held in a list indexed by day: a clinician's diary, the desk's accepting buckets, the calendar's
later days.

A workday looks up its appointments, its plan reviews and its intake minutes by day, a task the bucket of its due
day, and a booking adds to a day a few weeks ahead. Keyed by day in a dict, each of those operations hashes a
freshly boxed integer (days past 256 are not cached by Python) and probes the table; indexed by ``day - first`` in
a list, it is one bounds check. Days already taken are dropped from the front now and then, so a diary holds the
weeks ahead, not the whole run.
"""

from __future__ import annotations

from typing import Final, Generic, TypeVar

__all__ = ["ByDay", "DayLists", "DayMinutes"]

_KEEP: Final = 256  # days behind the latest day taken before the front of the list is dropped

V = TypeVar("V")
T = TypeVar("T")


class ByDay(Generic[V]):
    """At most one value per day, None where there is none (what a ``dict[int, V]`` did)."""

    __slots__ = ("_first", "_values")

    def __init__(self, first: int = 0) -> None:
        self._first = first  # the day at index 0
        self._values: list[V | None] = []

    def get(self, day: int) -> V | None:
        i = day - self._first
        if 0 <= i < len(self._values):
            return self._values[i]
        return None

    def set(self, day: int, value: V | None) -> None:
        i = day - self._first
        if i < 0:  # before the front that was dropped, or anything held so far: rare, so simply shifted
            self._values[:0] = [None] * -i
            self._first = day
            i = 0
        values = self._values
        if i >= len(values):
            values.extend([None] * (i + 1 - len(values) + 32))
        values[i] = value

    def take(self, day: int) -> V | None:
        """Remove and return the value of ``day`` (None if it had none); the days before it are dropped once they
        are many (nothing is kept for them: callers take days in order)."""
        i = day - self._first
        values = self._values
        if i < 0 or i >= len(values):
            return None
        value = values[i]
        values[i] = None
        if i >= _KEEP:
            del values[:i]
            self._first = day
        return value

    def drop_before(self, day: int) -> None:
        """Forget the days before ``day`` (the caller holds nothing for them any more), once they are many."""
        i = day - self._first
        if i >= _KEEP:
            del self._values[:i]
            self._first = day

    def clear(self) -> None:
        self._values.clear()

    def end(self) -> int:
        """One past the last day that may hold a value."""
        return self._first + len(self._values)


class DayLists(ByDay[list[T]]):
    """Items by day, each day's in the order they were added (what a ``dict[int, list]`` with ``setdefault`` and
    ``pop`` did)."""

    __slots__ = ()

    def on(self, day: int) -> list[T]:
        """The day's list, to append to (created empty if need be)."""
        i = day - self._first
        if 0 <= i < len(self._values):  # the common case, written out: this runs for every booking
            items = self._values[i]
            if items is not None:
                return items
        items = []
        self.set(day, items)
        return items


class DayMinutes(ByDay[float]):
    """Minutes booked by day, 0 where nothing is (what a ``dict[int, float]`` read with ``get(day, 0.0)`` did)."""

    __slots__ = ()

    def minutes(self, day: int) -> float:
        i = day - self._first
        if 0 <= i < len(self._values):
            minutes = self._values[i]
            if minutes is not None:
                return minutes
        return 0.0

    def add(self, day: int, minutes: float) -> None:
        self.set(day, self.minutes(day) + minutes)
