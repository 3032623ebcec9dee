"""The paperwork desk on tiny, exact cases: EDF order, budgets, slowdown, deadlines, lateness, leave, backlog."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.inputs.scenario import Scenario
from simulator.model.desk import DeskQueue
from simulator.model.paperwork import TASKS, TaskKind, task_specs
from simulator.model.streams import STREAM_NAMES

NOTE, PLAN, ADMIN = TaskKind.NOTE, TaskKind.TREATMENT_PLAN, TaskKind.DAILY_ADMIN


def _open(desk: DeskQueue) -> list[tuple[str, float]]:
    """What is left on the desk (drains it), in a stable order."""
    return sorted((TASKS[kind].name, minutes) for kind, minutes in desk.drain())


def test_tasks_are_worked_earliest_deadline_first() -> None:
    desk = DeskQueue()
    desk.add(PLAN, 40, 5)
    desk.add(NOTE, 10, 2)
    desk.add(ADMIN, 20, 3)
    done = desk.work(30, slowdown=1.0, today=0)  # exactly the two earliest: 10 (due 2) + 20 (due 3)
    assert done.minutes == 30
    assert done.notes_done == 1
    assert _open(desk) == [("treatment_plan", 40.0)]


def test_equal_deadlines_are_worked_in_arrival_order() -> None:
    desk = DeskQueue()
    desk.add(PLAN, 25, 4)
    desk.add(NOTE, 15, 4)
    desk.work(25, slowdown=1.0, today=0)
    assert _open(desk) == [("note", 15.0)]


def test_a_budget_that_runs_out_leaves_the_task_partly_done() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 30, 1)
    desk.add(PLAN, 10, 2)
    first = desk.work(12, slowdown=1.0, today=0)
    assert first.minutes == 12
    assert first.notes_done == 0
    assert desk.backlog_minutes == pytest.approx(28)
    second = desk.work(100, slowdown=1.0, today=0)  # finishes the note's 18 minutes, then the plan's 10
    assert second.minutes == pytest.approx(28)
    assert second.notes_done == 1
    assert len(desk) == 0
    assert desk.backlog_minutes == pytest.approx(0, abs=1e-9)


def test_slowdown_stretches_clock_minutes_not_task_minutes() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 20, 1)
    partial = desk.work(15, slowdown=1.5, today=0)  # 15 clock minutes at 1.5x do 10 task minutes
    assert partial.minutes == 15
    assert desk.backlog_minutes == pytest.approx(10)
    rest = desk.work(100, slowdown=1.5, today=0)  # the remaining 10 task minutes take 15 clock minutes
    assert rest.minutes == pytest.approx(15)
    assert rest.notes_done == 1


def test_until_due_works_only_on_tasks_due_by_that_day() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 10, 1)
    desk.add(ADMIN, 5, 2)
    desk.add(PLAN, 30, 5)
    evening = desk.work(1000, slowdown=1.0, today=0, until_due=2)
    assert evening.minutes == 15
    assert _open(desk) == [("treatment_plan", 30.0)]


def test_has_due_by() -> None:
    desk = DeskQueue()
    assert not desk.has_due_by(10)
    desk.add(PLAN, 30, 5)
    assert not desk.has_due_by(4)
    assert desk.has_due_by(5)


def test_close_day_counts_each_late_task_once() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 10, 1)
    desk.add(PLAN, 10, 1)
    desk.add(ADMIN, 10, 3)
    desk.work(10, slowdown=1.0, today=0)  # the note is done on time; the plan is not
    assert desk.close_day(0) == 0
    assert desk.close_day(1) == 1
    assert desk.close_day(2) == 0  # still open, but already counted
    assert desk.close_day(3) == 1  # the admin task's own deadline
    assert desk.close_day(4) == 0
    assert desk.late_since_audit == 2


def test_close_day_catches_up_over_skipped_days() -> None:
    desk = DeskQueue()
    for due in (1, 2, 3):
        desk.add(ADMIN, 5, due)
    assert desk.close_day(3) == 3
    assert desk.close_day(3) == 0


def test_a_note_finished_after_its_due_day_is_a_late_note() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 10, 1)
    desk.add(NOTE, 10, 3)
    desk.add(PLAN, 10, 1)
    assert desk.close_day(1) == 2  # the first note and the plan are late
    done = desk.work(100, slowdown=1.0, today=2)
    assert done.notes_done == 2
    assert done.notes_late == 1  # the plan was late too, but it is not a progress note


def test_postpone_pauses_deadlines_during_leave() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 10, 1)
    desk.add(PLAN, 10, 2)
    desk.work(10, slowdown=1.0, today=0)  # the note is finished before the leave
    desk.postpone(7)
    assert sum(desk.close_day(day) for day in range(0, 9)) == 0  # the plan is now due on day 9
    assert desk.close_day(9) == 1
    assert _open(desk) == [("treatment_plan", 10.0)]


def test_postpone_does_not_recount_a_task_that_was_already_late() -> None:
    desk = DeskQueue()
    desk.add(PLAN, 10, 1)
    assert desk.close_day(1) == 1
    desk.postpone(7)
    assert sum(desk.close_day(day) for day in range(2, 20)) == 0
    assert desk.late_since_audit == 1


def test_backlog_minutes_track_open_task_minutes() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 10, 1)
    desk.add(PLAN, 20, 2)
    desk.add(ADMIN, 0, 1)  # nothing to do: never enters the desk
    desk.add(ADMIN, -5, 1)
    assert len(desk) == 2
    assert desk.backlog_minutes == 30
    desk.work(15, slowdown=1.0, today=0)
    assert desk.backlog_minutes == pytest.approx(15)
    desk.work(10, slowdown=2.0, today=0)  # 10 clock minutes at 2x: 5 task minutes
    assert desk.backlog_minutes == pytest.approx(10)
    left = desk.drain()
    assert sum(minutes for _, minutes in left) == pytest.approx(10)
    assert desk.backlog_minutes == 0
    assert len(desk) == 0
    assert desk.close_day(5) == 0  # drained tasks are never late


def test_traced_work_reports_its_chunks() -> None:
    desk = DeskQueue()
    desk.add(NOTE, 10, 1)
    desk.add(PLAN, 20, 2)
    done = desk.work(25, slowdown=1.0, today=0, trace=True)
    assert done.chunks == [("note", 10.0), ("treatment_plan", 15.0)]
    assert desk.work(5, slowdown=1.0, today=0).chunks == []


def test_task_specs_offload_only_documentation() -> None:
    s = Scenario().with_changes({"paperwork.offload_share": 0.25, "paperwork.compliance_hours_per_month": 3,
                                 "paperwork.note_due_days": 1.5, "paperwork.document_due_days": 7})
    specs = task_specs(s)
    assert specs is not None
    assert len(specs) == len(TaskKind) == len(TASKS)
    for task in TASKS:
        assert specs[task.kind].factor == (0.75 if task.documentation else 1.0), task.name
    compliance = specs[TaskKind.COMPLIANCE]
    assert (compliance.mu, compliance.sigma, compliance.due_days) == (180.0, 0.0, 30)
    assert specs[TaskKind.DAILY_ADMIN].due_days == 0
    assert specs[TaskKind.NOTE].due_days == math.ceil(1.5) == 2
    assert specs[TaskKind.REMEDIATION].due_days == 7
    note = specs[TaskKind.NOTE]  # lognormal of mean 15, sd 6
    assert math.exp(note.mu + note.sigma**2 / 2) == pytest.approx(15)
    assert task_specs(s.with_changes({"paperwork.enabled": False})) is None


def test_the_task_table_has_one_row_per_kind_each_with_a_stream_of_its_own() -> None:
    assert [task.kind for task in TASKS] == list(TaskKind)
    streams = [task.stream for task in TASKS if task.stream]  # a kind the trigger sizes draws nothing
    assert len(set(streams)) == len(streams)
    assert set(streams) <= set(STREAM_NAMES)
    assert all(task.minutes for task in TASKS if task.stream)
    assert len({task.name for task in TASKS}) == len(TASKS)


@dataclass
class _Task:
    due: int
    arrival: int
    kind: TaskKind
    minutes: float
    bills: float = 0.0  # sessions a note bills once done
    late: bool = False


class _ReferenceDesk:
    """The desk's rules stated plainly, one task at a time: the tasks not yet late are worked in order of (due day,
    arrival), then (unless only on-time work is wanted) the late ones in the same order; a task is late once a day
    closes at or after its due day; leave shifts every open due day; a write-off drops every task due before a day."""

    def __init__(self) -> None:
        self.tasks: list[_Task] = []
        self.arrivals = itertools.count()

    def add(self, kind: TaskKind, minutes: float, due: int, bills: float = 0.0) -> None:
        if minutes > 0:
            self.tasks.append(_Task(due, next(self.arrivals), kind, minutes, bills))

    def work(self, budget: float, slowdown: float, until_due: int | None,
             on_time_only: bool) -> tuple[float, int, int, float]:
        spent, done, late, billed = 0.0, 0, 0, 0.0
        ordered = sorted(self.tasks, key=lambda t: (t.late, t.due, t.arrival))
        for task in ordered:
            if budget <= 1e-9 or (on_time_only and task.late):
                break
            if until_due is not None and task.due > until_due:
                continue
            need = task.minutes * slowdown
            if need > budget:
                task.minutes -= budget / slowdown
                spent += budget
                break
            budget -= need
            spent += need
            self.tasks.remove(task)
            if task.kind is TaskKind.NOTE:
                done += 1
                late += task.late
                billed += task.bills
        return spent, done, late, billed

    def close_day(self, today: int) -> int:
        newly = [task for task in self.tasks if task.due <= today and not task.late]
        for task in newly:
            task.late = True
        return len(newly)

    def postpone(self, days: int) -> None:
        for task in self.tasks:
            task.due += days

    def write_off(self, due_before: int) -> tuple[int, int, float]:
        gone = [task for task in self.tasks if task.due < due_before]
        self.tasks = [task for task in self.tasks if task.due >= due_before]
        notes = [task for task in gone if task.kind is TaskKind.NOTE]
        return len(gone), len(notes), sum(task.bills for task in notes)

    def due_minutes(self, day: int) -> float:
        return sum(task.minutes for task in self.tasks if task.due <= day and not task.late)

    def late_minutes(self) -> float:
        return sum(task.minutes for task in self.tasks if task.late)


@dataclass
class _Add:
    kind: TaskKind
    minutes: int
    offset: int  # due day, from today
    bills: float  # sessions billed once done (a note of a client kind; ignored for other tasks)


@dataclass
class _Work:
    budget: float
    slowdown: float
    evening: bool  # only tasks due by tomorrow, and not late yet


@dataclass
class _WriteOff:
    days: int  # write off what is due more than this many days ago


@dataclass
class _Close:
    skip: int  # then advance 1 + 30 * skip days


@dataclass
class _Leave:
    pass


_DESK_STEPS = st.lists(st.one_of(
    st.builds(_Add, st.sampled_from([NOTE, PLAN, ADMIN]), st.integers(1, 60),
              st.one_of(st.integers(-2, 4), st.integers(5, 40)),  # due days mostly close: they recur
              st.sampled_from([0.5, 1.0, 1.25])),  # a client kind's session bills in proportion to its length
    st.builds(_Work, st.floats(0.0, 200.0), st.sampled_from([1.0, 1.25]), st.booleans()),
    st.builds(_Close, st.integers(0, 3)),
    st.builds(_Leave),
    st.builds(_WriteOff, st.integers(0, 10)),
), max_size=300)


@settings(max_examples=400, deadline=None)
@given(steps=_DESK_STEPS)
def test_the_desk_follows_the_plain_rules(steps: list[_Add | _Work | _Close | _Leave | _WriteOff]) -> None:
    """Any sequence of tasks, spells of work, day closes and leave gives what the plain rules give, including tasks
    due before the days already closed and long runs of days (the desk's bookkeeping by due day drops its past)."""
    desk, reference, today = DeskQueue(), _ReferenceDesk(), 0
    for step in steps:
        if isinstance(step, _Add):
            bills = step.bills if step.kind is TaskKind.NOTE else 0.0
            desk.add(step.kind, float(step.minutes), today + step.offset, bills)
            reference.add(step.kind, float(step.minutes), today + step.offset, bills)
        elif isinstance(step, _Work):
            until = today + 1 if step.evening else None
            result = desk.work(step.budget, slowdown=step.slowdown, today=today, until_due=until,
                               on_time_only=step.evening)
            spent, done, late, billed = reference.work(step.budget, step.slowdown, until, step.evening)
            assert result.minutes == pytest.approx(spent, abs=1e-9)
            assert (result.notes_done, result.notes_late) == (done, late)
            assert result.billed_sessions == pytest.approx(billed, abs=1e-9)
        elif isinstance(step, _Close):
            assert desk.close_day(today) == reference.close_day(today)
            today += 1 + 30 * step.skip  # now and then a long jump, past the desk's dropped days
        elif isinstance(step, _WriteOff):
            count, notes, sessions = desk.write_off(today - step.days)
            expected = reference.write_off(today - step.days)
            assert (count, notes) == expected[:2]
            assert sessions == pytest.approx(expected[2], abs=1e-9)
        else:
            desk.postpone(7)
            reference.postpone(7)
        assert desk.backlog_minutes == pytest.approx(sum(t.minutes for t in reference.tasks), abs=1e-6)
        assert len(desk) == len(reference.tasks)
        assert desk.due_minutes(today + 1) == pytest.approx(reference.due_minutes(today + 1), abs=1e-6)
        assert desk.late_minutes() == pytest.approx(reference.late_minutes(), abs=1e-6)
