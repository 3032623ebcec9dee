"""The kinds of paperwork task: one table saying, for each, what creates it, how long it takes, when it is due,
whether a scribe can take it over, and the random stream its minutes are drawn from.

Adding a kind of task is a row here and one call where its trigger happens (``clinician.add_task(kind, day)``);
its own stream means its draws never shift those of any other kind or mechanism.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Final

from simulator.inputs.scenario import Distribution, Scenario
from simulator.model.streams import lognormal_params

__all__ = ["TASKS", "TaskKind", "TaskSpec", "TaskType", "task_specs"]


class TaskKind(IntEnum):
    """A kind of task; the value indexes ``TASKS`` and the specs ``task_specs`` returns."""

    NOTE = 0
    NO_SHOW_NOTE = 1
    INTAKE_ASSESSMENT = 2
    TREATMENT_PLAN = 3
    PLAN_REVIEW = 4
    DISCHARGE_SUMMARY = 5
    INTAKE_ADMIN = 6
    DAILY_ADMIN = 7
    COMPLIANCE = 8
    REMEDIATION = 9
    HANDOVER = 10


@dataclass(frozen=True)
class TaskType:
    kind: TaskKind
    name: str  # as shown in the clinician's week chart
    created: str  # what creates it (documentation: the trigger is where ``add_task`` is called)
    minutes: str  # dotted path of its size: a distribution of minutes, or a number ("": the trigger sizes it)
    due: str | int  # dotted path of its due time in days after creation, or a fixed number of days
    documentation: bool  # clinical documentation, part of which paperwork.offload_share removes
    stream: str  # the random stream its minutes are drawn from ("": none, the trigger sizes it)
    scale: float = 1.0  # minutes per unit of the size parameter (60 for a size in hours)


_NOTE_DUE: Final = "paperwork.note_due_days"
_DOC_DUE: Final = "paperwork.document_due_days"

#: Every kind of task, in ``TaskKind`` order.
TASKS: Final[tuple[TaskType, ...]] = (
    TaskType(TaskKind.NOTE, "note", "each attended session", "paperwork.note_minutes", _NOTE_DUE, True,
             "note_minutes"),
    TaskType(TaskKind.NO_SHOW_NOTE, "no_show_note", "each no-show", "paperwork.no_show_note_minutes", _NOTE_DUE,
             True, "no_show_note_minutes"),
    TaskType(TaskKind.INTAKE_ASSESSMENT, "intake_assessment", "an attended intake",
             "paperwork.intake_assessment_minutes", _DOC_DUE, True, "intake_assessment_minutes"),
    TaskType(TaskKind.TREATMENT_PLAN, "treatment_plan", "an attended intake", "paperwork.treatment_plan_minutes",
             _DOC_DUE, True, "treatment_plan_minutes"),
    TaskType(TaskKind.PLAN_REVIEW, "plan_review", "a plan review falling due, or a transferred client's first "
             "session", "paperwork.plan_review_minutes", _DOC_DUE, True, "plan_review_minutes"),
    TaskType(TaskKind.DISCHARGE_SUMMARY, "discharge_summary", "a discharge or a dropout",
             "paperwork.discharge_summary_minutes", _DOC_DUE, True, "discharge_summary_minutes"),
    TaskType(TaskKind.INTAKE_ADMIN, "intake_admin", "an assignment when the agency has no admin staff",
             "demand.intake_admin_minutes", _DOC_DUE, False, "intake_admin_minutes"),
    TaskType(TaskKind.DAILY_ADMIN, "daily_admin", "each workday", "paperwork.admin_minutes_per_day", 0, False,
             "daily_admin_minutes"),
    TaskType(TaskKind.COMPLIANCE, "compliance", "the first workday of each month",
             "paperwork.compliance_hours_per_month", 30, False, "compliance_minutes", scale=60.0),
    TaskType(TaskKind.REMEDIATION, "remediation", "each audit finding", "paperwork.remediation_minutes", _DOC_DUE,
             False, "remediation_minutes"),
    TaskType(TaskKind.HANDOVER, "handover", "a colleague's departure: each task left open on the leaver's desk, "
             "with the minutes it still needed", "", _DOC_DUE, False, ""),
)


class TaskSpec:
    """One kind's size and deadline under the parameters in force: minutes are ``exp(mu + sigma z) * factor``
    (``mu`` itself when ``sigma`` is 0), due ``due_days`` after the day the task is created; a clinician's writing
    speed scales ``documentation``."""

    __slots__ = ("documentation", "due_days", "factor", "mu", "sigma", "stream")

    def __init__(self, mu: float, sigma: float, factor: float, due_days: int, stream: str, documentation: bool) -> None:
        self.mu = mu
        self.sigma = sigma
        self.factor = factor
        self.due_days = due_days
        self.stream = stream
        self.documentation = documentation


def task_specs(s: Scenario) -> list[TaskSpec] | None:
    """The spec of every kind, by ``TaskKind``; None when paperwork is switched off."""
    if not s.paperwork.enabled:
        return None
    specs = []
    for task in TASKS:
        size = _read(s, task.minutes) if task.minutes else 0.0
        if isinstance(size, Distribution):
            mu, sigma = _lognormal(size.mean * task.scale, size.sd * task.scale)
        else:
            mu, sigma = float(size) * task.scale, 0.0
        due = task.due if isinstance(task.due, int) else math.ceil(float(_read(s, task.due)))
        factor = 1.0 - s.paperwork.offload_share if task.documentation else 1.0
        specs.append(TaskSpec(mu, sigma, factor, due, task.stream, task.documentation))
    return specs


def _read(s: Scenario, path: str) -> Any:
    node: Any = s
    for key in path.split("."):
        node = getattr(node, key)
    return node


def _lognormal(mean: float, sd: float) -> tuple[float, float]:
    if sd <= 0 or mean <= 0:
        return mean, 0.0
    return lognormal_params(mean, sd)
