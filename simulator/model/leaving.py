"""The resignation hazard: who is likely to hand in notice, and when.

A clinician's hazard is a base annual rate times three multipliers, each from the evidence on who leaves:
- **tenure**: higher in the first year at the agency (Fukui 2020: fewer years in the field predicts exit);
- **burnout**: higher at or above the high-EE threshold (Hamidi 2018, Willard-Grace 2019), its excess buffered by
  supervisory support (Fukui 2019, Green 2013, Dishop 2019);
- **contagion**: higher while colleagues' posts stand empty (Felps 2009: co-workers' leaving raises one's own
  quitting), in proportion to the share of the funded posts without a clinician who is staying: posts whose
  holders left and are not yet replaced, or are working out their notice (posts a policy adds count too, and
  hire-ahead recruits fill the gap); it fades as the posts are filled.

Resignations are drawn every workday, leave included, so the annual rate is spread over workdays. Pure formulas; no
SimPy here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.inputs.scenario import Scenario
from simulator.model.burnout import WORKDAYS_PER_YEAR

__all__ = ["Hazard", "effective_burnout_ratio"]

_FIRST_YEAR_DAYS = 365.25


def effective_burnout_ratio(s: Scenario) -> float:
    """The burnout hazard ratio after support buffers part of its excess (never below 1)."""
    c = s.climate
    buffer = 1.0 - c.support_turnover_buffer * (c.supervisor_support - 0.5)
    return max(1.0, 1.0 + (s.turnover.burnout_hazard_ratio - 1.0) * buffer)


@dataclass(frozen=True, slots=True)
class Hazard:
    base_rate: float  # resignations per clinician-year, before the multipliers
    burnout_ratio: float  # at or above ``high_ee``, support's buffer included
    high_ee: float
    first_year_ratio: float
    contagion: float  # hazard increase per share of posts left empty

    @classmethod
    def of(cls, s: Scenario) -> Hazard:
        t = s.turnover
        return cls(base_rate=t.base_annual_rate if t.enabled else 0.0, burnout_ratio=effective_burnout_ratio(s),
                   high_ee=s.burnout.high_ee_threshold, first_year_ratio=t.first_year_hazard_ratio,
                   contagion=t.contagion)

    def annual_rate(self, ee: float, tenure_days: float, empty_share: float) -> float:
        """Resignations per clinician-year for this clinician today; ``empty_share`` is the share of the funded
        posts left empty by departures or notice."""
        rate = self.base_rate * (1.0 + self.contagion * empty_share)
        if ee >= self.high_ee:
            rate *= self.burnout_ratio
        if tenure_days < _FIRST_YEAR_DAYS:
            rate *= self.first_year_ratio
        return rate

    def daily_probability(self, ee: float, tenure_days: float, empty_share: float) -> float:
        """Probability of resigning on one workday."""
        return -math.expm1(-self.annual_rate(ee, tenure_days, empty_share) / WORKDAYS_PER_YEAR)
