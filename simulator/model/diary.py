"""Things by day, held in lists indexed by day: a clinician's diary, and the waitlist's patience deadlines.

A workday looks up its appointments, its plan reviews and its intake minutes by day, and a booking adds to a day a
few weeks ahead. Keyed by day in a dict, each of those operations hashes a freshly boxed integer (days past 256 are
not cached by Python) and probes the table; indexed by ``day - first`` in a list, it is one bounds check. The days
already taken are dropped from the front now and then, so a diary holds the weeks ahead, not the whole run.
"""

from __future__ import annotations

from typing import Final, Generic, TypeVar

__all__ = ["DayLists", "DayMinutes"]

_KEEP: Final = 256  # days behind the latest day taken before the front of the list is dropped

T = TypeVar("T")


class DayLists(Generic[T]):
    """Items by day, each day's in the order they were added (what a ``dict[int, list]`` with ``setdefault``
    and ``pop`` did)."""

    __slots__ = ("_days", "_first")

    def __init__(self, first: int) -> None:
        self._first = first  # the day at index 0
        self._days: list[list[T] | None] = []

    def end(self) -> int:
        """One past the last day that may hold items."""
        return self._first + len(self._days)

    def get(self, day: int) -> list[T] | None:
        """The day's items, left in place (None if there are none)."""
        i = day - self._first
        if 0 <= i < len(self._days):
            return self._days[i]
        return None

    def put(self, day: int, items: list[T] | None) -> None:
        """Replace the items of a day that ``on`` has created."""
        self._days[day - self._first] = items

    def on(self, day: int) -> list[T]:
        """The day's list, to append to (created empty if need be)."""
        i = day - self._first
        if i < 0:
            self._days[:0] = [None] * -i  # earlier than anything booked so far: rare, so simply shifted
            self._first = day
            i = 0
        days = self._days
        if i >= len(days):
            days.extend([None] * (i + 1 - len(days) + 32))
        items = days[i]
        if items is None:
            items = []
            days[i] = items
        return items

    def take(self, day: int) -> list[T] | None:
        """Remove and return the items of ``day`` (None if there were none)."""
        i = day - self._first
        days = self._days
        if i < 0 or i >= len(days):
            return None
        items = days[i]
        days[i] = None
        if i >= _KEEP:
            del days[:i]
            self._first = day
        return items


class DayMinutes:
    """Minutes booked by day, 0 where nothing is (what a ``dict[int, float]`` read with ``get(day, 0.0)`` did)."""

    __slots__ = ("_days", "_first")

    def __init__(self, first: int) -> None:
        self._first = first
        self._days: list[float] = []

    def get(self, day: int) -> float:
        i = day - self._first
        if i < 0 or i >= len(self._days):
            return 0.0
        return self._days[i]

    def add(self, day: int, minutes: float) -> None:
        i = day - self._first
        if i < 0:
            self._days[:0] = [0.0] * -i
            self._first = day
            i = 0
        days = self._days
        if i >= len(days):
            days.extend([0.0] * (i + 1 - len(days) + 32))
        days[i] = days[i] + minutes

    def clear(self, day: int) -> None:
        """Forget ``day`` (worked); also drops the front of the list once it is long."""
        i = day - self._first
        days = self._days
        if i < 0 or i >= len(days):
            return
        days[i] = 0.0
        if i >= _KEEP:
            del days[:i]
            self._first = day
