"""Pure formulas for strain and emotional exhaustion, on two time scales.

**Daily strain** is how worn out a clinician is by the work of the last days. It follows the job demands-resources
reading of the evidence (calibration notes c.3-c.6): each workday adds a weighted sum of the hours worked, where an
hour of paperwork weighs more than an hour of sessions and an after-hours hour weighs most, plus the strain of
events (tasks falling late, audit findings, conflicts, inherited clients); rest removes a share of it, over the
evening left after any after-hours work (Homer 1985: hours worked both drain energy and suppress recovery), and over
weekends and leave. Strain recovers within days, so a vacation's relief fades within weeks of return (de Bloom
2009). It is measured on the MBI-EE scale, 0-54.

**Emotional exhaustion** (EE, MBI-EE 0-54) is the chronic state the MBI measures: every calendar day it moves a
small step toward the day's strain, so it follows strain with a time constant of months
(``burnout.ee_time_constant_weeks``). A bad week, an audit or a vacation moves it little; months of overload, or
months of relief, move it a lot. EE is what slows desk work (the loss cycle) and what the resignation hazard and
the prevalence of high exhaustion read.

No SimPy here: every function is a plain computation, tested against hand-computed values. ``Strain`` holds the
parameters a workday reads as plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from simulator.inputs.scenario import Burnout, Climate

__all__ = ["EE_MAX", "WORKDAYS_PER_YEAR", "Strain", "clip_ee", "control_multiplier", "recovery_multiplier"]

EE_MAX: Final = 54.0
WORKDAYS_PER_YEAR: Final = 5 * 365.25 / 7


@dataclass(frozen=True, slots=True)
class Strain:
    """How a day's work turns into strain, strain into exhaustion, and exhaustion into slower paperwork."""

    session_weight: float
    paperwork_weight: float
    after_hours_weight: float
    per_load_hour: float  # strain points per weighted hour
    late_task: float  # strain points per task falling late
    evening_rest_hours: float
    evening_recovery_rate: float  # share of strain recovered per rest hour, support included
    rest_day_factor: float  # share of strain left after a day off
    ee_step: float  # share of the gap between EE and strain closed in a day
    efficiency_loss: float

    @classmethod
    def of(cls, b: Burnout, c: Climate | None = None, *, climate: float | None = None) -> Strain:
        """``c`` sets the speed of recovery (from the support of ``climate``, the agency's climate today, or else
        leadership's level, ``c.supervisor_support``) and how much job control buffers a day's load; without it,
        the neutral climate's (multipliers 1)."""
        rate = b.recovery_per_rest_hour * (1.0 if c is None else recovery_multiplier(c, climate))
        per_load_hour = b.ee_per_load_hour * (1.0 if c is None else control_multiplier(c))
        return cls(session_weight=b.session_weight, paperwork_weight=b.paperwork_weight,
                   after_hours_weight=b.after_hours_weight, per_load_hour=per_load_hour,
                   late_task=b.late_task_ee, evening_rest_hours=b.evening_rest_hours, evening_recovery_rate=rate,
                   rest_day_factor=math.exp(-rate * b.rest_day_hours),
                   ee_step=-math.expm1(-1.0 / (7.0 * b.ee_time_constant_weeks)), efficiency_loss=b.efficiency_loss)

    def load_hours(self, session_min: float, desk_min: float, after_min: float) -> float:
        """Weighted hours of work in one day."""
        return (self.session_weight * session_min + self.paperwork_weight * desk_min
                + self.after_hours_weight * after_min) / 60.0

    def after_workday(self, strain: float, load_hours: float, late_tasks: int, after_min: float,
                      susceptibility: float) -> float:
        """Strain at the end of a workday: the day's load and late tasks added, then the evening's rest."""
        accrued = strain + susceptibility * self.per_load_hour * load_hours + self.late_task * late_tasks
        rest_hours = max(0.0, self.evening_rest_hours - after_min / 60.0)
        return clip_ee(accrued * math.exp(-self.evening_recovery_rate * rest_hours))

    def after_rest_day(self, strain: float) -> float:
        """Strain after a weekend or leave day."""
        return strain * self.rest_day_factor

    def ee_toward(self, ee: float, strain: float) -> float:
        """EE after one more day at this strain: a step of the gap, so EE follows strain over months."""
        return ee + (strain - ee) * self.ee_step

    def desk_slowdown(self, ee: float) -> float:
        """Multiplier on desk minutes: exhaustion makes paperwork slower (the loss cycle)."""
        return 1.0 + self.efficiency_loss * ee / EE_MAX


def recovery_multiplier(c: Climate, climate: float | None = None) -> float:
    """Support speeds recovery; 0.5 is the neutral point of the 0-1 scale. ``climate`` is the agency's climate
    today (``Agency.update_climate``); by default, the level leadership sets, ``c.supervisor_support``."""
    level = c.supervisor_support if climate is None else climate
    return max(0.0, 1.0 + c.support_recovery_gain * (level - 0.5))


def control_multiplier(c: Climate) -> float:
    """Job control buffers strain (Aronsson et al. 2017): a day's load strains less where clinicians decide their
    own schedule and workflow, more where non-clinical staff do; 0.5 is neutral."""
    return max(0.0, 1.0 - c.control_strain_buffer * (c.job_control - 0.5))


def clip_ee(ee: float) -> float:
    """Keep a score on the MBI-EE scale, 0 to 54."""
    return min(EE_MAX, max(0.0, ee))
