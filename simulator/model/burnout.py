"""Pure formulas for emotional exhaustion (EE, MBI-EE scale 0-54) and the resignation hazard.

The form follows the job demands-resources reading of the evidence (calibration notes c.3-c.6): demands accrue
exhaustion, rest removes a fraction of it. Accrual is a weighted sum of the hours worked in the day, where an hour
of paperwork weighs more than an hour of sessions and an after-hours hour weighs most, plus strain from tasks
that fell late. Recovery is exponential in the rest hours, and after-hours work eats into the evening's rest
(Homer 1985: hours worked both drain energy and suppress recovery). Because recovery is proportional, EE
settles at a set-point that rises with demand, and a vacation's gain fades within weeks of return.

No SimPy here: every function is a plain computation, tested against hand-computed values. ``Strain`` holds the
burnout parameters a workday reads as plain floats, because reading them from the frozen scenario at every
clinician-day cost more than the arithmetic; the functions that take the scenario's models compute through it, so
there is one implementation of each formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from simulator.inputs.scenario import Burnout, Climate, Turnover

__all__ = [
    "EE_MAX",
    "WORKDAYS_PER_YEAR",
    "Strain",
    "annual_resignation_rate",
    "clip_ee",
    "desk_slowdown",
    "ee_after_rest_day",
    "ee_after_workday",
    "effective_hazard_ratio",
    "recovery_multiplier",
    "resignation_probability",
    "rest_day_factor",
    "workday_load_hours",
]

EE_MAX: Final = 54.0
WORKDAYS_PER_YEAR: Final = 5 * 365.25 / 7


@dataclass(frozen=True, slots=True)
class Strain:
    """How a workday's hours turn into exhaustion, and exhaustion into slower paperwork: the burnout parameters,
    and the climate's effect on recovery, as plain numbers."""

    session_weight: float
    paperwork_weight: float
    after_hours_weight: float
    ee_per_load_hour: float
    late_task_ee: float
    evening_rest_hours: float
    recovery_per_rest_hour: float
    recovery_multiplier: float  # the climate's: support speeds recovery
    efficiency_loss: float

    @classmethod
    def of(cls, b: Burnout, c: Climate | None = None) -> Strain:
        """``c`` only sets the speed of recovery; without it, the neutral climate's (multiplier 1)."""
        return cls(session_weight=b.session_weight, paperwork_weight=b.paperwork_weight,
                   after_hours_weight=b.after_hours_weight, ee_per_load_hour=b.ee_per_load_hour,
                   late_task_ee=b.late_task_ee, evening_rest_hours=b.evening_rest_hours,
                   recovery_per_rest_hour=b.recovery_per_rest_hour,
                   recovery_multiplier=1.0 if c is None else recovery_multiplier(c), efficiency_loss=b.efficiency_loss)

    def load_hours(self, session_min: float, desk_min: float, after_min: float) -> float:
        """Weighted hours of strain in one workday."""
        return (self.session_weight * session_min + self.paperwork_weight * desk_min
                + self.after_hours_weight * after_min) / 60.0

    def ee_after_workday(self, ee: float, load_hours: float, late_tasks: int, after_min: float,
                         susceptibility: float) -> float:
        """EE at the end of a workday: accrue the day's strain, then recover over the evening that is left."""
        accrued = ee + susceptibility * self.ee_per_load_hour * load_hours + self.late_task_ee * late_tasks
        rest_hours = max(0.0, self.evening_rest_hours - after_min / 60.0)
        return clip_ee(accrued * math.exp(-self.recovery_per_rest_hour * self.recovery_multiplier * rest_hours))

    def desk_slowdown(self, ee: float) -> float:
        """Multiplier on desk minutes: exhaustion makes paperwork slower (the loss cycle)."""
        return 1.0 + self.efficiency_loss * ee / EE_MAX


def workday_load_hours(session_min: float, desk_min: float, after_min: float, b: Burnout) -> float:
    """Weighted hours of strain in one workday."""
    return Strain.of(b).load_hours(session_min, desk_min, after_min)


def recovery_multiplier(c: Climate) -> float:
    """Support speeds recovery; 0.5 is the neutral point of the 0-1 support scale."""
    return max(0.0, 1.0 + c.support_recovery_gain * (c.supervisor_support - 0.5))


def clip_ee(ee: float) -> float:
    """Keep a score on the MBI-EE scale, 0 to 54."""
    return min(EE_MAX, max(0.0, ee))


def ee_after_workday(ee: float, *, load_hours: float, late_tasks: int, after_min: float, susceptibility: float,
                     b: Burnout, c: Climate) -> float:
    """EE at the end of a workday: accrue the day's strain, then recover over the evening that is left."""
    return Strain.of(b, c).ee_after_workday(ee, load_hours, late_tasks, after_min, susceptibility)


def ee_after_rest_day(ee: float, *, b: Burnout, c: Climate) -> float:
    """EE after a weekend or vacation day."""
    return clip_ee(ee * rest_day_factor(b, c))


def rest_day_factor(b: Burnout, c: Climate) -> float:
    """The share of EE left after a day off (recovery is proportional, so a day off multiplies EE)."""
    return math.exp(-b.recovery_per_rest_hour * recovery_multiplier(c) * b.rest_day_hours)


def desk_slowdown(ee: float, b: Burnout) -> float:
    """Multiplier on desk minutes: exhaustion makes paperwork slower (the loss cycle)."""
    return Strain.of(b).desk_slowdown(ee)


def effective_hazard_ratio(t: Turnover, c: Climate) -> float:
    """The burnout hazard ratio after support buffers part of its excess (never below 1)."""
    buffer = 1.0 - c.support_turnover_buffer * (c.supervisor_support - 0.5)
    return max(1.0, 1.0 + (t.burnout_hazard_ratio - 1.0) * buffer)


def annual_resignation_rate(ee: float, *, threshold: float, t: Turnover, c: Climate) -> float:
    """Resignations per clinician-year at this EE: the base rate, times the hazard ratio when burned out."""
    if ee >= threshold:
        return t.base_annual_rate * effective_hazard_ratio(t, c)
    return t.base_annual_rate


def resignation_probability(annual_rate: float, days: float = 1.0) -> float:
    """Probability of resigning within ``days`` workdays at a constant annual hazard rate."""
    return -math.expm1(-annual_rate * days / WORKDAYS_PER_YEAR)
