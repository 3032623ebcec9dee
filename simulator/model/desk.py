"""A clinician's paperwork: typed tasks with due days, the ones not yet late worked earliest-deadline-first.

Like a SimPy ``Store`` that is drained by a budget of minutes rather than by processes: the workday hands the
desk a number of minutes, the desk spends them on the most urgent tasks and reports what got done. A task due on
day ``D`` is on time if finished by the end of day ``D``; once a day ends with it still open, it is late.
"""

from __future__ import annotations

from typing import Final

from simulator.model.byday import ByDay
from simulator.model.paperwork import TASKS, TaskKind

__all__ = ["UNTRACED", "ClaimCutoffs", "DeskQueue", "DeskResult"]


#: The trace list shared by everything untraced (spells at the desk, day plans), which never appends to it: a list
#: of its own is made only for traced days.
UNTRACED: Final[list[tuple[str, float]]] = []


class DeskResult:
    """What a spell at the desk got done. (A plain class, not a dataclass: compiled, a dataclass is built through
    its generated Python ``__init__``, which cost more than the desk work of a typical day.)"""

    __slots__ = ("assessments_done", "billed_sessions", "chunks", "minutes", "notes_done", "notes_late",
                 "unbilled_assessments", "unbilled_notes", "unbilled_sessions")

    def __init__(self) -> None:
        self.minutes = 0.0  # clock minutes spent
        self.notes_done = 0
        self.notes_late = 0
        self.assessments_done = 0  # intake assessments, the documentation an intake is billed on
        self.unbilled_notes = 0  # progress notes finished too late to bill (past the claim window)
        self.unbilled_assessments = 0
        # Sessions whose progress note was finished, in time to bill and too late, in units of a session of
        # workload.session_minutes (a shorter kind of session bills less: ``KindRules.bills``).
        self.billed_sessions = 0.0
        self.unbilled_sessions = 0.0
        self.chunks: list[tuple[str, float]] = UNTRACED  # (kind, clock minutes): a list of its own when traced


class ClaimCutoffs:
    """Today's claim windows as due days: a progress note (an intake assessment) in a bucket due before
    ``note_due`` (``assessment_due``) is finished more than the claim window after its session, too late to bill.
    (The session day is the due day less the kind's due time; a vacation's pause of the deadlines pauses this too.)"""

    __slots__ = ("assessment_due", "note_due")

    def __init__(self, note_due: int, assessment_due: int) -> None:
        self.note_due = note_due
        self.assessment_due = assessment_due


class _Bucket:
    """The open tasks that share a due day, in arrival order; ``head`` is the first one not yet finished.

    All tasks of a bucket fall late at the same moment, so lateness is a flag on the bucket, not on each task.
    """

    __slots__ = ("bills", "due", "head", "kinds", "late", "left", "minutes")

    def __init__(self, due: int) -> None:
        self.due = due
        self.head = 0
        self.kinds: list[int] = []  # TaskKind values
        self.minutes: list[float] = []  # task minutes left (at normal speed)
        self.bills: list[float] = []  # sessions each task bills when done (a progress note's session; else 0)
        self.left = 0.0  # their sum, from the head on
        self.late = False

    def restart(self, due: int) -> None:
        """Empty the bucket for another due day (a finished bucket used again: ``DeskQueue._spare``)."""
        self.due = due
        self.head = 0
        self.kinds.clear()
        self.minutes.clear()
        self.bills.clear()
        self.left = 0.0
        self.late = False


class DeskQueue:
    """Open tasks in buckets by due day: the tasks not yet late earliest-deadline-first and, within a due day,
    first-come; then the late ones in the same order (``work``).

    A heap of single tasks would keep the same order, but a clinician creates hundreds of thousands of tasks in a
    run and almost all of them share one of a few due days: appending to a bucket is far cheaper than a heap push,
    and the end of a day marks whole buckets late instead of popping every task. Within each pass the order is a
    heap's, (due day, arrival): a bucket only takes new tasks until it falls late or its due day is postponed;
    after that a new bucket with the same due day is queued behind it.
    """

    __slots__ = ("_accepting", "_buckets", "_spare", "added_since_audit", "backlog_minutes", "late_since_audit")

    def __init__(self) -> None:
        self._buckets: list[_Bucket] = []  # ordered by (due day, creation); a handful at a time
        # The bucket new tasks due on a day join, by due day (each task looks it up: ``byday`` for why by index).
        self._accepting: ByDay[_Bucket] = ByDay()
        # Finished buckets, emptied, to be used again: a desk opens one or two buckets a day, and building and
        # freeing one (the object and its two lists) cost more than emptying it.
        self._spare: list[_Bucket] = []
        self.backlog_minutes = 0.0  # task minutes still open (at normal speed)
        self.late_since_audit = 0  # tasks that became late since the last audit
        self.added_since_audit = 0  # tasks added since the last audit

    def __len__(self) -> int:
        return sum(len(b.minutes) - b.head for b in self._buckets)

    def add(self, kind: int, minutes: float, due_day: int, bills: float = 0.0) -> None:
        """Put a task on the desk; ``bills``: the sessions it bills once done (a progress note's)."""
        if minutes <= 0.0:
            return
        bucket = self._accepting.get(due_day)
        if bucket is None:
            bucket = self._open_bucket(due_day)
            self._accepting.set(due_day, bucket)
        bucket.kinds.append(kind)
        bucket.minutes.append(minutes)
        bucket.bills.append(bills)
        bucket.left += minutes
        self.backlog_minutes += minutes
        self.added_since_audit += 1

    def _open_bucket(self, due_day: int) -> _Bucket:
        if self._spare:
            bucket = self._spare.pop()
            bucket.restart(due_day)
        else:
            bucket = _Bucket(due_day)
        buckets = self._buckets
        i = len(buckets)
        while i and buckets[i - 1].due > due_day:  # new due days are mostly the latest: scan from the end
            i -= 1
        buckets.insert(i, bucket)
        return bucket

    def work(self, budget: float, *, slowdown: float, today: int, until_due: int | None = None,
             on_time_only: bool = False, trace: bool = False, claims: ClaimCutoffs | None = None) -> DeskResult:
        """Spend up to ``budget`` clock minutes on the tasks not yet late, earliest deadline first, and then, unless
        ``on_time_only``, on late ones, oldest first; with ``until_due``, only on tasks due by that day. A late note
        or intake assessment finished past its claim window (``claims``) is counted as unbilled.

        Work that is not late yet comes first because doing it keeps it on time, while late work is late whenever
        it is done: plain earliest-deadline-first would, under overload, spend every minute on the oldest backlog
        and make every new task late too.
        """
        result = DeskResult()
        if trace:
            result.chunks = []
        budget = self._work_pass(budget, slowdown, until_due, result, trace, None, late=False)
        if not on_time_only:
            self._work_pass(budget, slowdown, until_due, result, trace, claims, late=True)
        return result

    def _work_pass(self, budget: float, slowdown: float, until_due: int | None, result: DeskResult, trace: bool,
                   claims: ClaimCutoffs | None, *, late: bool) -> float:
        """Work the late buckets, or the others, in order; returns the budget left."""
        buckets = self._buckets
        i = 0
        while i < len(buckets) and budget > 1e-9:
            bucket = buckets[i]
            if until_due is not None and bucket.due > until_due:
                break
            if bucket.late != late:
                i += 1
                continue
            budget = self._work_bucket(bucket, budget, slowdown, result, trace, claims)
            if bucket.head < len(bucket.minutes):
                break  # the budget ran out inside this bucket
            buckets.pop(i)  # compiled, cheaper than ``del buckets[i]`` (a generic slice deletion)
            self._stop_accepting(bucket)
            if len(self._spare) < 4:
                self._spare.append(bucket)
        return budget

    def _work_bucket(self, bucket: _Bucket, budget: float, slowdown: float, result: DeskResult,
                     trace: bool, claims: ClaimCutoffs | None) -> float:
        """Work one bucket's tasks in order until done or out of budget; returns the budget left.

        Totals are kept in locals and written back once (the same additions in the same order).
        """
        kinds, minutes, bills = bucket.kinds, bucket.minutes, bucket.bills
        i, n = bucket.head, len(minutes)
        spent, backlog, notes, assessments, billed = result.minutes, self.backlog_minutes, 0, 0, 0.0
        note: int = TaskKind.NOTE
        assessment: int = TaskKind.INTAKE_ASSESSMENT
        while i < n and budget > 1e-9:
            need = minutes[i] * slowdown
            if need > budget:  # partly done: the task stays at the head with fewer minutes
                done = budget / slowdown
                minutes[i] -= done
                backlog -= done
                spent += budget
                if trace:
                    result.chunks.append((TASKS[kinds[i]].name, budget))
                budget = 0.0
                break
            budget -= need
            spent += need
            backlog -= minutes[i]
            if trace:
                result.chunks.append((TASKS[kinds[i]].name, need))
            if kinds[i] == note:
                notes += 1
                billed += bills[i]
            elif kinds[i] == assessment:
                assessments += 1
            i += 1
        bucket.head = i
        bucket.left -= self.backlog_minutes - backlog
        result.minutes, self.backlog_minutes = spent, backlog
        result.notes_done += notes
        result.assessments_done += assessments
        if bucket.late:
            result.notes_late += notes
        # Only late work can miss a claim window (a window is longer than a due time).
        if bucket.late and claims is not None and bucket.due < claims.note_due:
            result.unbilled_notes += notes
            result.unbilled_sessions += billed
        else:
            result.billed_sessions += billed
        if bucket.late and claims is not None and bucket.due < claims.assessment_due:
            result.unbilled_assessments += assessments
        return budget

    def _stop_accepting(self, bucket: _Bucket) -> None:
        """New tasks due on ``bucket``'s day go to a new bucket from now on (if they did not already)."""
        if self._accepting.get(bucket.due) is bucket:
            self._accepting.set(bucket.due, None)

    def close_day(self, today: int) -> int:
        """Flag open tasks whose due day has ended; return how many became late now."""
        newly = 0
        for bucket in self._buckets:
            if bucket.due > today:
                break
            if not bucket.late:
                bucket.late = True
                newly += len(bucket.minutes) - bucket.head
                self._stop_accepting(bucket)  # a task added later with this due day is not late yet
        self._accepting.drop_before(today + 1)
        self.late_since_audit += newly
        return newly

    def postpone(self, days: int) -> None:
        """Push every open due day back (deadlines pause while the clinician is on leave)."""
        for bucket in self._buckets:  # a uniform shift keeps the buckets in order
            bucket.due += days
        self._accepting.clear()  # tasks created from now on queue behind every postponed task of their due day

    def has_due_by(self, day: int) -> bool:
        return bool(self._buckets) and self._buckets[0].due <= day

    def due_minutes(self, day: int) -> float:
        """Minutes of work (at normal speed) still open, not yet late, and due by ``day``."""
        total = 0.0
        for bucket in self._buckets:
            if bucket.due > day:
                break
            if not bucket.late:
                total += bucket.left
        return max(0.0, total)

    def late_minutes(self) -> float:
        """Minutes of work (at normal speed) still open and already late."""
        total = 0.0
        for bucket in self._buckets:
            if bucket.late:
                total += bucket.left
        return max(0.0, total)

    def write_off(self, due_before: int) -> tuple[int, int, float]:
        """Give up on every open task due before ``due_before`` (long-late work that will never be done); returns
        how many tasks were written off, how many of them were progress notes, and the sessions those notes would
        have billed."""
        count = notes = 0
        sessions = 0.0
        note: int = TaskKind.NOTE
        buckets = self._buckets
        while buckets and buckets[0].due < due_before:
            bucket = buckets.pop(0)
            count += len(bucket.minutes) - bucket.head
            for i in range(bucket.head, len(bucket.kinds)):
                if bucket.kinds[i] == note:
                    notes += 1
                    sessions += bucket.bills[i]
            self.backlog_minutes -= bucket.left
            self._stop_accepting(bucket)
        if count and not buckets:
            self.backlog_minutes = 0.0  # no rounding error left behind on an empty desk
        return count, notes, sessions

    def drain(self) -> list[tuple[int, float]]:
        """Remove every open task (a departing clinician's desk); returns (kind, minutes) of each, in order."""
        left = [(b.kinds[i], b.minutes[i]) for b in self._buckets for i in range(b.head, len(b.minutes))]
        self._buckets.clear()
        self._accepting.clear()
        self.backlog_minutes = 0.0
        return left
