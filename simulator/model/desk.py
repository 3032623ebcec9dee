"""A clinician's paperwork: typed tasks with due days, worked earliest-deadline-first.

Like a SimPy ``Store`` that is drained by a budget of minutes rather than by processes: the workday hands the
desk a number of minutes, the desk spends them on the most urgent tasks and reports what got done. A task due on
day ``D`` is on time if finished by the end of day ``D``; once a day ends with it still open, it is late.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from enum import StrEnum

from simulator.scenario import Distribution, Scenario
from simulator.streams import lognormal_params

__all__ = ["DOCUMENTATION", "DeskQueue", "DeskResult", "TaskKind", "TaskSpec", "task_specs"]


class TaskKind(StrEnum):
    NOTE = "note"
    NO_SHOW_NOTE = "no_show_note"
    INTAKE_ASSESSMENT = "intake_assessment"
    TREATMENT_PLAN = "treatment_plan"
    PLAN_REVIEW = "plan_review"
    DISCHARGE_SUMMARY = "discharge_summary"
    INTAKE_ADMIN = "intake_admin"
    DAILY_ADMIN = "daily_admin"
    COMPLIANCE = "compliance"
    REMEDIATION = "remediation"


#: Clinical documentation, the part a scribe or AI assistant can take over (``paperwork.offload_share``).
DOCUMENTATION = frozenset({TaskKind.NOTE, TaskKind.NO_SHOW_NOTE, TaskKind.INTAKE_ASSESSMENT,
                           TaskKind.TREATMENT_PLAN, TaskKind.PLAN_REVIEW, TaskKind.DISCHARGE_SUMMARY})


#: (mu, sigma, offload factor, due in days): a lognormal with sigma 0 is the constant mu minutes.
TaskSpec = tuple[float, float, float, int]


def task_specs(s: Scenario) -> dict[TaskKind, TaskSpec]:
    """How long each kind of task takes and when it is due, precomputed once per parameter set."""
    if not s.paperwork.enabled:
        return {}
    w = s.paperwork
    sized: dict[TaskKind, Distribution | float] = {
        TaskKind.NOTE: w.note_minutes, TaskKind.NO_SHOW_NOTE: w.no_show_note_minutes,
        TaskKind.INTAKE_ASSESSMENT: w.intake_assessment_minutes, TaskKind.TREATMENT_PLAN: w.treatment_plan_minutes,
        TaskKind.PLAN_REVIEW: w.plan_review_minutes, TaskKind.DISCHARGE_SUMMARY: w.discharge_summary_minutes,
        TaskKind.REMEDIATION: w.remediation_minutes, TaskKind.INTAKE_ADMIN: s.demand.intake_admin_minutes,
        TaskKind.DAILY_ADMIN: w.admin_minutes_per_day, TaskKind.COMPLIANCE: 60 * w.compliance_hours_per_month,
    }
    due = {TaskKind.NOTE: w.note_due_days, TaskKind.NO_SHOW_NOTE: w.note_due_days, TaskKind.DAILY_ADMIN: 0,
           TaskKind.COMPLIANCE: 30}
    specs: dict[TaskKind, TaskSpec] = {}
    for kind, size in sized.items():
        mu, sigma = (size, 0.0) if not isinstance(size, Distribution) else _lognormal(size)
        factor = 1.0 - w.offload_share if kind in DOCUMENTATION else 1.0
        specs[kind] = (mu, sigma, factor, math.ceil(due.get(kind, w.document_due_days)))
    return specs


def _lognormal(d: Distribution) -> tuple[float, float]:
    if d.sd <= 0 or d.mean <= 0:
        return d.mean, 0.0
    return lognormal_params(d.mean, d.sd)


@dataclass
class DeskResult:
    minutes: float = 0.0  # clock minutes spent
    notes_done: int = 0
    notes_late: int = 0
    chunks: list[tuple[str, float]] = field(default_factory=list)  # (kind, clock minutes), only when traced


class DeskQueue:
    """Open tasks as a heap of ``[due_day, seq, kind, minutes_left, late]``."""

    __slots__ = ("_deadlines", "_heap", "_seq", "backlog_minutes", "late_since_audit")

    def __init__(self) -> None:
        self._heap: list[list[object]] = []
        # The same tasks ordered by due day only, so the end of a day finds newly late tasks without scanning
        # the whole desk. Finished tasks stay here until their due day passes (minutes_left is set to -1).
        self._deadlines: list[tuple[int, int, list[object]]] = []
        self._seq = 0
        self.backlog_minutes = 0.0  # task minutes still open (at normal speed)
        self.late_since_audit = 0  # tasks that became late since the last audit

    def __len__(self) -> int:
        return len(self._heap)

    def add(self, kind: TaskKind, minutes: float, due_day: int) -> None:
        if minutes <= 0.0:
            return
        self._seq += 1
        task: list[object] = [due_day, self._seq, kind, minutes, False]
        heapq.heappush(self._heap, task)
        heapq.heappush(self._deadlines, (due_day, self._seq, task))
        self.backlog_minutes += minutes

    def work(self, budget: float, *, slowdown: float, today: int, until_due: int | None = None,
             trace: bool = False) -> DeskResult:
        """Spend up to ``budget`` clock minutes EDF; with ``until_due``, only on tasks due by that day."""
        result = DeskResult()
        heap = self._heap
        while heap and budget > 1e-9:
            task = heap[0]
            if until_due is not None and task[0] > until_due:  # type: ignore[operator]
                break
            need = task[3] * slowdown  # type: ignore[operator]
            spent = min(need, budget)
            budget -= spent
            result.minutes += spent
            if trace:
                result.chunks.append((str(task[2]), spent))
            if spent < need:
                task[3] -= spent / slowdown  # type: ignore[operator]
                self.backlog_minutes -= spent / slowdown
                break
            heapq.heappop(heap)
            self.backlog_minutes -= task[3]  # type: ignore[operator]
            task[3] = -1.0
            if task[2] is TaskKind.NOTE:
                result.notes_done += 1
                result.notes_late += task[4] is True
        return result

    def close_day(self, today: int) -> int:
        """Flag open tasks whose due day has ended; return how many became late now."""
        newly = 0
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= today:
            task = heapq.heappop(deadlines)[2]
            if task[3] >= 0.0:  # type: ignore[operator]
                task[4] = True
                newly += 1
        self.late_since_audit += newly
        return newly

    def postpone(self, days: int) -> None:
        """Push every open due day back (deadlines pause while the clinician is on leave)."""
        for task in self._heap:
            task[0] += days  # type: ignore[operator]
        # A uniform shift keeps both heaps ordered; finished tasks drop out of the deadline heap here.
        self._deadlines = [(t[0], t[1], t) for _, _, t in self._deadlines if t[3] >= 0.0]  # type: ignore[misc,operator]
        heapq.heapify(self._deadlines)

    def has_due_by(self, day: int) -> bool:
        return bool(self._heap) and self._heap[0][0] <= day  # type: ignore[operator]

    def drain(self) -> list[tuple[str, float]]:
        """Remove every open task (a departing clinician's desk); returns (kind, minutes) left undone."""
        left = [(str(t[2]), float(t[3])) for t in self._heap]  # type: ignore[arg-type]
        self._heap.clear()
        self._deadlines.clear()
        self.backlog_minutes = 0.0
        return left
