"""The diary's day-indexed lists against the dicts they replace: the same answers through any sequence of bookings
and days taken, including bookings before the first day and the trimming of days already taken."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.byday import DayLists, DayMinutes
from simulator.model.clients import Client

# (operation, day offset): bookings land from a little before today to months ahead; days are taken in order.
_STEPS = st.lists(st.tuples(st.sampled_from(["book", "take", "next_day"]), st.integers(-3, 400)), max_size=600)


@settings(max_examples=150, deadline=None)
@given(start=st.integers(0, 50), steps=_STEPS)
def test_day_lists_behave_as_a_dict_of_lists(start: int, steps: list[tuple[str, int]]) -> None:
    diary, reference = DayLists[Client](start), dict[int, list[Client]]()
    today = start
    for serial, (operation, offset) in enumerate(steps):
        if operation == "book":
            day = today + offset
            client = Client(serial, 0.0)
            diary.on(day).append(client)
            reference.setdefault(day, []).append(client)
        elif operation == "take":
            assert diary.take(today) == reference.pop(today, None)
        else:
            today += 1 + offset % 3
    for day in range(today, today + 420):  # what is still ahead is intact, in booking order
        assert diary.take(day) == reference.pop(day, None)


@settings(max_examples=150, deadline=None)
@given(start=st.integers(0, 50), steps=_STEPS, minutes=st.floats(0.5, 90.0))
def test_day_minutes_behave_as_a_dict_of_floats(start: int, steps: list[tuple[str, int]], minutes: float) -> None:
    diary, reference = DayMinutes(start), dict[int, float]()
    today = start
    for operation, offset in steps:
        if operation == "book":
            day = today + offset
            diary.add(day, minutes)
            reference[day] = reference.get(day, 0.0) + minutes
            assert diary.minutes(day) == reference[day]
        elif operation == "take":
            diary.take(today)
            reference.pop(today, None)
        else:
            today += 1 + offset % 3
    for day in range(today, today + 420):
        assert diary.minutes(day) == reference.get(day, 0.0)


def test_taking_days_in_turn_keeps_the_diary_short() -> None:
    """Days already worked are dropped from the front: a year of daily bookings a month ahead stays bounded."""
    diary = DayLists[Client](0)
    for day in range(2000):
        diary.on(day + 30).append(Client(day, 0.0))
        taken = diary.take(day)
        assert [c.id for c in taken or ()] == ([] if day < 30 else [day - 30])
    assert diary.end() - day < 400
