"""Confidence intervals that stay within what a metric can be.

A t interval is symmetric about the mean, so near a bound it leaves the possible range: a share's interval can end
above 1, a ratio's below 0. Each metric's ``Scale`` (``simulator.outputs.metrics.METRICS``) fixes its range, and the
interval is built where that range is open, then mapped back (the delta method, as for a proportion or an odds
ratio):

* a **share** (0 < mean < 1): on the logit scale, ``logit(mean) ± h / (mean (1 - mean))``, mapped back with the
  logistic function, so the interval lies inside (0, 1);
* a **ratio** (mean > 0): on the log scale, ``mean × exp(± h / mean)``, so it stays above 0;
* everything else: the t interval, clipped to the range (counts, rates, durations and money never below 0, an
  MBI-EE score within 0-54; a balance such as the net margin is not bounded).

``h`` is the t half-width of the mean. The mapped interval contains the mean but is no longer symmetric about it.
A share whose mean is 0 or 1 (every replication at the bound) or a ratio whose mean is 0 is clipped instead.
Paired differences are t intervals clipped to the range a difference can take (-1 to 1 for shares).
"""

from __future__ import annotations

import math
from typing import Final

from simulator.outputs.metrics import Scale

__all__ = ["CI_RULES", "DIFFERENCE_RULES", "SCALE_RANGES", "bounded_difference", "bounded_interval"]

INF = math.inf

#: The possible range of each kind of metric.
SCALE_RANGES: Final[dict[Scale, tuple[float, float]]] = {
    "share": (0.0, 1.0), "ratio": (0.0, INF), "count": (0.0, INF), "rate": (0.0, INF), "duration": (0.0, INF),
    "score": (0.0, 54.0), "money": (0.0, INF), "balance": (-INF, INF),
}

#: How the interval of a mean is built, as written in the ``ci_method`` column of intervals.csv.
CI_RULES: Final[dict[Scale, str]] = {
    "share": "logit scale (delta method), inside 0-1", "ratio": "log scale (delta method), above 0",
    "count": "t, clipped at 0", "rate": "t, clipped at 0", "duration": "t, clipped at 0",
    "score": "t, clipped to 0-54", "money": "t, clipped at 0", "balance": "t",
}

#: How the interval of a paired difference is built, as written in the ``ci_method`` column of comparison.csv.
DIFFERENCE_RULES: Final[dict[Scale, str]] = {
    scale: (f"t, clipped to ±{high - low:g}" if math.isfinite(high - low) else "t")
    for scale, (low, high) in SCALE_RANGES.items()
}


def bounded_interval(mean: float, half: float, scale: Scale) -> tuple[float, float]:
    """The (low, high) interval of a mean with t half-width ``half``, kept within the range of ``scale``."""
    if math.isnan(mean) or math.isnan(half):
        return math.nan, math.nan
    if scale == "share" and 0.0 < mean < 1.0:
        centre, spread = _logit(mean), half / (mean * (1.0 - mean))
        return _logistic(centre - spread), _logistic(centre + spread)
    if scale == "ratio" and mean > 0.0:
        spread = min(half / mean, 700.0)  # exp(700) is near the largest float; a wider interval is (0, inf) anyway
        return mean * math.exp(-spread), mean * math.exp(spread)
    low, high = SCALE_RANGES[scale]
    return max(mean - half, low), min(mean + half, high)


def bounded_difference(diff: float, half: float, scale: Scale) -> tuple[float, float]:
    """The (low, high) interval of a mean paired difference, within the range a difference of ``scale`` can take."""
    if math.isnan(diff) or math.isnan(half):
        return math.nan, math.nan
    low, high = SCALE_RANGES[scale]
    width = high - low
    return max(diff - half, -width), min(diff + half, width)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _logistic(x: float) -> float:
    # Written for both signs so that a large |x| neither overflows exp nor rounds a small share to 0 or 1 early.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
