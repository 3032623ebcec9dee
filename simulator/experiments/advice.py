"""How many replications, and how long a warm-up: the two questions to settle before trusting an experiment.

Replications, by the sequential procedure (Law & Kelton, *Simulation Modeling and Analysis*, section 9.4.1): run
replications one after another and stop at the first n (at least ``minimum``) whose t confidence interval
half-width is within the target, absolute or relative to the mean. The answer for a metric depends only on the
ordered replication results, so running them in batches on many workers changes how many extra replications are
run past the answer, never the answer.

Warm-up, by Welch's graphical method (Law & Kelton, section 9.5.1): average each weekly series across
replications and smooth it with a centred moving average of half-width ``window`` weeks; the plot shows where
the start-up transient ends. The suggested ``warmup_weeks`` reads the same averaged series with MSER-5 (White,
Cobb & Spratt 2000), the automated rule Hoad, Robinson & Davies (2010) recommend: cut the series into
batches of 5 weeks and truncate where the standard error of the remaining batch means is smallest (searching the
first half only). A rule that waits for the smoothed curve to "stay within a band" is fooled by the ordinary
wiggles of a few replications; MSER-5 weighs those against the bias the transient adds.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.experiments.executors import imap_unordered, open_executor
from simulator.experiments.experiment import run_replication, t_quantile
from simulator.inputs.scenario import Scenario
from simulator.outputs.metrics import METRICS

__all__ = ["WELCH_SERIES", "Target", "estimate_replications", "half_width", "moving_average", "replications_needed",
           "sequential_replications", "suggest_warmup", "welch"]

WELCH_SERIES: tuple[str, ...] = ("ee_mean", "headcount")


@dataclass(frozen=True)
class Target:
    """The precision wanted for one metric: CI half-width <= ``value`` (or <= ``value`` x |mean| if relative)."""

    metric: str
    value: float
    relative: bool = False

    @classmethod
    def parse(cls, text: str) -> Target:
        """``"departures=2"`` (absolute, in the metric's unit) or ``"ee_high_share=5%"`` (relative)."""
        metric, equals, value = text.partition("=")
        if not equals or metric.strip() not in {m.name for m in METRICS}:
            raise ValueError(f"expected METRIC=HALF_WIDTH or METRIC=PERCENT% with a metric from the summary, "
                             f"e.g. departures=2 or ee_high_share=5% (got {text!r})")
        relative = value.strip().endswith("%")
        number = float(value.strip().rstrip("%"))
        if not number > 0:
            raise ValueError(f"the half-width must be positive (got {text!r})")
        return cls(metric.strip(), number / 100 if relative else number, relative)


def half_width(values: Sequence[float] | np.ndarray, level: float = 0.95) -> float:
    """Half-width of the t confidence interval of the mean (NaN for fewer than two values)."""
    array = np.asarray(values, dtype=float)
    if len(array) < 2:
        return float("nan")
    return t_quantile(0.5 + level / 2, len(array) - 1) * float(array.std(ddof=1)) / math.sqrt(len(array))


def replications_needed(values: Sequence[float] | np.ndarray, target: Target, *, level: float = 0.95,
                        minimum: int = 3) -> int | None:
    """The sequential rule on results in replication order: the first n >= ``minimum`` that meets the target.

    ``None`` if no prefix of ``values`` does (more replications are needed than were run).
    """
    array = np.asarray(values, dtype=float)
    for n in range(max(minimum, 2), len(array) + 1):
        head = array[:n]
        limit = target.value * abs(float(head.mean())) if target.relative else target.value
        if half_width(head, level) <= limit:
            return n
    return None


Progress = Callable[[int, int], None]


def sequential_replications(scenario: Scenario, targets: Sequence[Target], *, level: float = 0.95,
                            minimum: int = 3, maximum: int = 100, batch: int = 1, jobs: int = 1,
                            executor: Executor | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """Run replications 0, 1, ... in batches until every target is met (or ``maximum``); one row per target."""
    if minimum > maximum:
        raise ValueError(f"the minimum ({minimum}) is more than the maximum ({maximum}) number of replications")
    rows: list[dict[str, float]] = []
    with contextlib.ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(open_executor("local", jobs=jobs))
        while len(rows) < maximum:
            start = len(rows)
            stop = min(maximum, max(start + batch, minimum))
            rows += _batch(scenario, range(start, stop), executor)
            if progress:
                progress(len(rows), maximum)
            frame = pd.DataFrame(rows)
            if all(replications_needed(frame[t.metric].to_numpy(dtype=float), t, level=level, minimum=minimum)
                   for t in targets):
                break
    return _advice_table(pd.DataFrame(rows), targets, level, minimum)


def _batch(scenario: Scenario, reps: range, executor: Executor | None) -> list[dict[str, float]]:
    calls = [(scenario, k, scenario.seed) for k in reps]
    found: dict[int, dict[str, float]] = {}
    with contextlib.closing(imap_unordered(_summary, calls, executor)) as results:
        for index, summary in results:
            found[index] = summary
    return [found[i] for i in range(len(calls))]


def _summary(scenario: Scenario, replication: int, seed: int) -> dict[str, float]:
    return run_replication(scenario, replication, seed=seed).summary


def _advice_table(summary: pd.DataFrame, targets: Sequence[Target], level: float, minimum: int) -> pd.DataFrame:
    units = {m.name: m.unit for m in METRICS}
    rows = []
    for target in targets:
        values = summary[target.metric].to_numpy(dtype=float)
        needed = replications_needed(values, target, level=level, minimum=minimum)
        at = values[:needed] if needed else values
        rows.append({"metric": target.metric, "unit": units[target.metric],
                     "target": f"{target.value:.0%} of the mean" if target.relative else f"{target.value:g}",
                     "replications_needed": needed, "mean": float(at.mean()), "half_width": half_width(at, level),
                     "replications_run": len(values),
                     "replications_estimated": None if needed else estimate_replications(values, target, level)})
    # Nullable integers: a target not met is missing (blank), not NaN printed as a float
    return pd.DataFrame(rows).astype({"replications_needed": "Int64", "replications_estimated": "Int64"})


def estimate_replications(values: Sequence[float] | np.ndarray, target: Target, level: float = 0.95) -> int | None:
    """How many replications the target likely needs, from those run: n = (t * s / h)^2, rounded up.

    The usual planning rule (Law & Kelton, section 9.4.1) with the sample's sd ``s`` and t quantile, ``h`` the
    target half-width (relative targets against the sample mean). An estimate only: ``s`` itself is uncertain
    from few replications, so the sequential rule should confirm it. ``None`` if fewer than two values, or a
    relative target of a metric whose mean is 0.
    """
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if len(array) < 2:
        return None
    wanted = target.value * abs(float(array.mean())) if target.relative else target.value
    if not wanted > 0:
        return None
    spread = t_quantile(0.5 + level / 2, len(array) - 1) * float(array.std(ddof=1))
    return max(len(array) + 1, math.ceil((spread / wanted) ** 2))


# --- warm-up -------------------------------------------------------------------------------------------------


def moving_average(y: np.ndarray, window: int) -> np.ndarray:
    """Welch's moving average: centred over 2w+1 weeks, shrinking near the start; length len(y) - window."""
    out = np.empty(max(len(y) - window, 0))
    for i in range(len(out)):
        half = min(i, window)
        out[i] = y[i - half: i + half + 1].mean()
    return out


def suggest_warmup(series: np.ndarray, *, batch: int = 5) -> int:
    """MSER-5: the truncation (in weeks, a multiple of ``batch``) minimising the squared standard error of the
    mean of what remains, over the first half of the series."""
    batches = series[: len(series) // batch * batch].reshape(-1, batch).mean(axis=1)
    n = len(batches)
    if n < 2:
        return 0
    scores = [float(batches[d:].var()) / (n - d) for d in range(n // 2)]
    return batch * int(np.argmin(scores))


def welch(weekly: pd.DataFrame, columns: Sequence[str] = WELCH_SERIES, *,
          window: int = 5) -> tuple[pd.DataFrame, Mapping[str, int]]:
    """Welch's plot data (week, series, mean across replications, smoothed) and each series' suggested warm-up.

    The suggestion for the scenario is the largest of them: every series must have settled.
    """
    tables, suggestions = [], {}
    for column in columns:
        mean = weekly.groupby("week", sort=True)[column].mean()
        smoothed = moving_average(mean.to_numpy(dtype=float), window)
        suggestions[column] = suggest_warmup(mean.to_numpy(dtype=float))
        weeks = mean.index.to_numpy()[: len(smoothed)]
        tables.append(pd.DataFrame({"week": weeks, "series": column, "mean": mean.to_numpy()[: len(smoothed)],
                                    "smoothed": smoothed}))
    return pd.concat(tables, ignore_index=True), suggestions
