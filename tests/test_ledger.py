"""The event log's tables: what is appended is read back, field by field; what cannot be stored is refused."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.events import (
    DAY_FIELDS,
    DAY_INT_FIELDS,
    STATUSES,
    DayRecord,
    Event,
    EventLog,
    Kind,
    day_table,
    event_table,
)
from simulator.model.ledger import CHUNK

_whole = st.integers(-(2**31), 2**31 - 1)
_real = st.floats(allow_nan=False, allow_infinity=True, width=64)
_events = st.builds(Event, _real, st.sampled_from([kind.value for kind in Kind]), _whole, _whole, _real)


@given(st.lists(_events, max_size=40))
def test_events_read_back_as_appended_whole_numbers_as_int(records: list[Event]) -> None:
    table = event_table()
    for record in records:
        table.append(record)
    assert len(table) == len(records)
    assert list(table) == records
    assert [table[i] for i in range(-len(records), 0)] == records
    assert all(type(read.clinician) is int and type(read.time) is float for read in table)
    if records:
        np.testing.assert_array_equal(table.column("time"), [r.time for r in records])
        np.testing.assert_array_equal(table.column_view("client"), [r.client for r in records])
        assert table.column_view("client").dtype == np.int32
        assert list(table.texts()) == [r.kind for r in records]


def _day(**changes: object) -> DayRecord:
    values: dict[str, object] = {name: (2 if name in DAY_INT_FIELDS else 1.5) for name in DAY_FIELDS}
    values |= {"day": 3, "clinician": 7, "status": "notice", "caseload": 12, "scheduled": 6, "attended": 5,
               "intakes": 1, "no_shows": 1, "notes_done": 4, "notes_late": 2, "late_new": 0}
    return DayRecord(**(values | changes))  # type: ignore[arg-type]


def test_a_day_record_round_trips_and_its_columns_keep_their_types() -> None:
    table = day_table()
    records = [_day(), _day(day=4, ee=math.pi, status="leave"), _day(day=5, status="work", capacity=0.25)]
    for record in records:
        table.append(record)
    assert list(table) == records
    assert table[1].ee == math.pi  # floats are stored as doubles, not rounded
    assert table.column_view("day").dtype == np.int32
    assert table.column_view("ee").dtype == np.float64
    np.testing.assert_array_equal(table.codes(), [STATUSES.index(r.status) for r in records])
    with pytest.raises(ValueError, match="text field"):
        table.column("status")


@pytest.mark.parametrize("bad", [{"day": 2.5}, {"caseload": 2**31}, {"notes_done": -(2**31) - 1}])
def test_a_whole_number_field_refuses_a_fraction_or_a_number_beyond_32_bits(bad: dict[str, object]) -> None:
    table = day_table()
    table.append(_day())
    with pytest.raises(ValueError, match="whole-number field"):
        table.append(_day(**bad))
    assert list(table) == [_day()]  # the refused record left nothing behind


def test_tables_compare_by_content() -> None:
    first, second = event_table(), event_table()
    for table in (first, second):
        table.append(Event(1.0, "referral", -1, 4, 0.0))
    assert first == second
    assert first == [Event(1.0, "referral", -1, 4, 0.0)]
    second.append(Event(2.0, "assign", 0, 4, 1.0))
    assert first != second


def test_a_column_view_is_read_only_and_holds_the_table_while_it_lives() -> None:
    table = event_table()
    table.append(Event(1.0, "referral", -1, 4, 0.0))
    view = table.column_view("time")
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 2.0
    table.append(Event(2.0, "referral", -1, 5, 0.0))  # waits in the writer (``CHUNK``)
    assert len(table) == 2
    with pytest.raises(BufferError):  # reading it would move it into the buffer the view holds
        table.column_view("time")
    del view
    np.testing.assert_array_equal(table.column_view("time"), [1.0, 2.0])


def test_rows_move_to_the_table_in_chunks_and_read_back_whole() -> None:
    """Past ``CHUNK`` bytes the writer's rows move to the table; reading sees every row, moved or not."""
    log = EventLog()
    rows = 0
    while len(log.events.out) < CHUNK - 100:  # the writer fills to just short of a chunk...
        log.add(float(rows), Kind.REFERRAL, -1, rows, 0.0)
        rows += 1
    for _ in range(20):  # ...the event that completes it moves it, and the ones after wait in the writer
        log.add(float(rows), Kind.REFERRAL, -1, rows, 0.0)
        rows += 1
    assert 0 < len(log.events.out) < CHUNK
    assert len(log.events) == rows
    np.testing.assert_array_equal(log.events.column_view("client"), np.arange(rows))
    assert log.events[rows - 1] == Event(float(rows - 1), "referral", -1, rows - 1, 0.0)


@given(st.lists(_events, max_size=40))
def test_the_log_writes_rows_as_the_tables_do(records: list[Event]) -> None:
    """``EventLog.add`` and ``add_day`` (the model's fast path, fields packed as arguments) store the same bytes as
    appending the records to the tables."""
    log, events = EventLog(), event_table()
    for record in records:
        log.add(record.time, Kind(record.kind), record.clinician, record.client, record.value)
        events.append(record)
    assert log.events == events
    days = day_table()
    for day in (_day(), _day(day=4, ee=math.pi, status="leave")):
        fields: dict[str, Any] = day._asdict() | {"status": STATUSES.index(day.status)}
        log.add_day(**fields)
        days.append(day)
    assert log.days == days
    assert list(log.days) == list(days)


def test_the_log_refuses_an_id_beyond_32_bits_and_keeps_what_it_had() -> None:
    log = EventLog()
    log.add(1.0, Kind.REFERRAL, -1, 4)
    with pytest.raises(ValueError, match="32 bits"):
        log.add(2.0, Kind.ASSIGN, 2**31, 4)
    fields: dict[str, Any] = _day()._asdict() | {"status": 0, "caseload": 2**31}
    with pytest.raises(ValueError, match="does not fit"):
        log.add_day(**fields)
    assert list(log.events) == [Event(1.0, "referral", -1, 4, 0.0)]
    assert len(log.days) == 0


def test_a_day_record_is_written_by_field_name_and_read_back_field_for_field() -> None:
    # Every field a value of its own, so a swapped pair inside add_day would show; callers must name every field.
    integers = iter(range(3, 100))
    values: dict[str, Any] = {name: next(integers) if name in DAY_INT_FIELDS else next(integers) + 0.5
                              for name in DAY_FIELDS if name != "status"}
    log = EventLog()
    add_day: Any = log.add_day  # the fields come from a dict here, which mypy cannot match to the keywords
    add_day(status=STATUSES.index("notice"), **values)
    assert log.days[0]._asdict() == {**values, "status": "notice"}
    with pytest.raises(TypeError):
        add_day(*range(len(DAY_FIELDS)))  # positional rows are not accepted
