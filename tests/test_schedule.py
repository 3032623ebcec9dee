"""The model's one clock: SimPy processes and calendar actions on one time line, with exact times and a fixed order
at ties; and named streams, so that a new mechanism's draws move nothing else."""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st

from simulator.inputs.scenario import Scenario
from simulator.model.agency import Agency
from simulator.model.paperwork import TaskKind
from simulator.model.schedule import Schedule
from simulator.model.streams import STREAM_NAMES, Streams


@given(start=st.floats(0.0, 5000.0), gap=st.floats(0.0, 5000.0))
def test_a_process_wakes_at_exactly_the_time_it_asked_for(start: float, gap: float) -> None:
    schedule, woke = Schedule(), []
    wanted = start + gap

    def sleeper() -> Generator[simpy.Event, Any, None]:
        yield schedule.until(start)
        yield schedule.until(wanted)
        woke.append(schedule.now)

    schedule.process(sleeper())
    schedule.run(math.inf)
    assert woke == [wanted]  # to the last bit, where SimPy alone would add a rounded delay
    assert schedule.env.now == wanted


def test_calendar_actions_and_processes_share_one_time_line() -> None:
    schedule, seen = Schedule(), []

    def note(label: str) -> None:
        seen.append((schedule.now, label))

    def process() -> Generator[simpy.Event, Any, None]:
        yield schedule.until(2.0)
        note("process at 2")
        schedule.at(2.0, note, "action scheduled by the process at 2")
        yield schedule.until(3.0)
        note("process at 3")

    schedule.process(process())
    schedule.at(3.0, note, "action at 3")  # scheduled before the process's timeout for 3: calendar first at ties
    schedule.at(1.5, note, "action at 1.5")
    schedule.at(2.5, lambda: schedule.at(2.5, note, "action scheduled at 2.5 for 2.5"))
    schedule.run(math.inf)
    assert seen == [(1.5, "action at 1.5"), (2.0, "process at 2"), (2.0, "action scheduled by the process at 2"),
                    (2.5, "action scheduled at 2.5 for 2.5"), (3.0, "action at 3"), (3.0, "process at 3")]


def test_a_process_started_by_a_calendar_action_starts_then() -> None:
    schedule, seen = Schedule(), []

    def later() -> Generator[simpy.Event, Any, None]:
        seen.append(("started", schedule.now, schedule.env.now))
        yield schedule.after(1.0)
        seen.append(("woke", schedule.now, schedule.env.now))

    schedule.at(4.25, lambda: schedule.process(later()))
    schedule.run(math.inf)
    assert seen == [("started", 4.25, 4.25), ("woke", 5.25, 5.25)]


def test_run_stops_before_the_end_and_the_past_cannot_be_scheduled() -> None:
    schedule, seen = Schedule(), list[float]()
    for time in (1.0, 2.0, 3.0):
        schedule.at(time, seen.append, time)
    schedule.run(2.0)
    assert seen == [1.0]
    schedule.run(10.0)
    assert seen == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="before now"):
        schedule.at(2.5, seen.append, 2.5)


# -- named streams: a new mechanism moves no other mechanism's draws -----------------------------------------------

SMALL = Scenario().with_changes({"staff.clinicians": 12, "demand.referrals_per_week": 40, "horizon_weeks": 14,
                                 "warmup_weeks": 2})


def _days_by_clinician(agency: Agency) -> dict[int, list[tuple[Any, ...]]]:
    records: dict[int, list[tuple[Any, ...]]] = {}
    for record in agency.log.days:
        records.setdefault(record.clinician, []).append(tuple(record))
    return records


def _run(*, training: bool) -> Agency:
    """The small agency; with ``training``, a mechanism of the test's own: every Monday, each even-numbered
    clinician gets a training write-up whose minutes come from a stream of its own."""
    agency = Agency(SMALL, Streams(SMALL.seed, 0, names=(*STREAM_NAMES, "training")))
    agency.start()
    if training:
        def mondays() -> Generator[simpy.Event, Any, None]:
            stream = agency.streams["training"]
            for week in range(SMALL.horizon_weeks):
                yield agency.schedule.until(7.0 * week + 0.1)
                for clinician in list(agency.clinicians.values()):
                    if clinician.id % 2 == 0:
                        clinician.desk.add(TaskKind.COMPLIANCE, stream.lognormal(40.0, 20.0), 7 * week + 4)

        agency.schedule.process(mondays())
    agency.run(until=60.0)
    return agency


def test_a_new_mechanism_with_its_own_stream_leaves_the_clinicians_it_never_touches_unchanged() -> None:
    before, after = _days_by_clinician(_run(training=False)), _days_by_clinician(_run(training=True))
    touched = [who for who in before if who % 2 == 0]
    untouched = [who for who in before if who % 2 == 1]
    assert len(untouched) >= 5
    assert any(before[who] != after[who] for who in touched)  # the mechanism did change the days it touched
    for who in untouched:
        assert before[who] == after[who], who
