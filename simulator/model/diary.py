"""A clinician's diary: who is booked on which day, when plan reviews fall due, and the weeks of leave.

Bookings follow a clinician's week the way a practice runs it: a new client's intake goes on the first workday with
room for it; after that each client has a regular weekday (the one with the fewest regular clients at the time) and
comes back at its kind's session cadence; every treatment plan is reviewed at a fixed interval.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from simulator.model.byday import DayLists, DayMinutes

if TYPE_CHECKING:
    from simulator.model.clients import Client
    from simulator.model.rules import Rules

__all__ = ["DAY_START", "Diary", "first_workday_after", "is_workday", "next_workday"]

DAY_START: Final = 8 / 24  # workdays start at 08:00
_SEARCH_DAYS: Final = 20  # workdays searched for room for a first appointment


def is_workday(day: int) -> bool:
    return day % 7 < 5


def next_workday(day: int) -> int:
    day += 1
    while not is_workday(day):
        day += 1
    return day


def first_workday_after(time: float) -> int:
    """The first workday whose 08:00 start is strictly after ``time``."""
    day = math.floor(time)
    if day + DAY_START <= time or not is_workday(day):
        day = next_workday(day)
    return day


class Diary:
    __slots__ = ("_away", "agenda", "booked", "reviews", "weekday_load")

    def __init__(self, start_day: int, leave_weeks: frozenset[int], kinds: int) -> None:
        self.agenda: DayLists[Client] = DayLists(start_day)  # clients booked each day
        self.reviews: DayLists[Client] = DayLists(start_day)  # clients whose plan review falls due each day
        self.booked = DayMinutes(start_day)  # first-appointment minutes booked on top of regular sessions
        # Regular clients per weekday, by kind: their minutes are read under the parameters in force (``_load``).
        self.weekday_load = [[0, 0, 0, 0, 0] for _ in range(kinds)]
        # Leave weeks as flags by week: asked for every workday and every day a booking looks at.
        self._away: list[bool] = [False] * (max(leave_weeks, default=-1) + 1)
        for week in leave_weeks:
            self._away[week] = True

    def on_leave(self, day: int) -> bool:
        week = day // 7
        return 0 <= week < len(self._away) and self._away[week]

    def book_first(self, client: Client, now: float, rules: Rules) -> None:
        """Book an intake (or a transferred client's first session) on the next workday with room for it."""
        minutes = rules.intake_minutes if client.needs_intake else rules.kinds[client.kind].session_minutes
        day = self._free_day(first_workday_after(now), minutes, rules)
        self.agenda.on(day).append(client)
        self.booked.add(day, minutes)

    def _free_day(self, day: int, minutes: float, rules: Rules) -> int:
        """The first workday (not on leave) with room for ``minutes`` more; the first day not on leave if no day in
        the next few weeks has room."""
        first = None
        for _ in range(_SEARCH_DAYS):
            if not self.on_leave(day):
                first = day if first is None else first
                used = self._load(day % 7, rules) + self.booked.minutes(day)
                if rules.available - used >= minutes:
                    return day
            day = next_workday(day)
        return first if first is not None else day

    def book_next(self, client: Client, day: int, rules: Rules) -> None:
        """Book the client's next regular session after ``day``, at its kind's cadence (on its regular weekday at a
        weekly or longer cadence)."""
        if client.needs_intake:  # a missed intake is rebooked like a first appointment
            self.book_first(client, day + 1, rules)
            return
        kind = rules.kinds[client.kind]
        if client.weekday < 0:
            client.weekday = self._quietest_weekday(rules)
            self.weekday_load[client.kind][client.weekday] += 1
        target = day + kind.cadence_days
        if kind.weekly:  # the client's weekday nearest one cadence on, strictly after today
            target += (client.weekday - target % 7 + 3) % 7 - 3
            target = target if target > day else target + 7
        elif not is_workday(target):
            target = next_workday(target)
        self.agenda.on(target).append(client)

    def _load(self, weekday: int, rules: Rules) -> float:
        """Minutes of regular sessions on a weekday, averaged over weeks (a fortnightly client counts half)."""
        # A float total from the start: compiled, ``sum`` would start from the integer 0 and add each term as an
        # object.
        total = 0.0
        for kind, counts in enumerate(self.weekday_load):
            total += counts[weekday] * rules.kinds[kind].week_minutes
        return total

    def _quietest_weekday(self, rules: Rules) -> int:
        weekday, least = 0, self._load(0, rules)
        for other in range(1, 5):
            load = self._load(other, rules)
            if load < least:
                weekday, least = other, load
        return weekday

    def book_review(self, client: Client, day: int, rules: Rules, interval: float | None = None) -> None:
        """Book the client's next treatment-plan review (by default one review interval after ``day``)."""
        due = day + (rules.review_days if interval is None else max(1, round(interval)))
        self.reviews.on(due if is_workday(due) else next_workday(due)).append(client)

    def release(self, client: Client) -> None:
        """Forget a client who left this caseload (its bookings are skipped when their day comes)."""
        if client.weekday >= 0:
            self.weekday_load[client.kind][client.weekday] -= 1
            client.weekday = -1
