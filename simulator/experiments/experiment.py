"""Replications, experiments and paired comparisons.

Replication ``k`` of any scenario draws from the same named random streams (seed, k), so two experiments with the
same seed and replication count are paired: their difference replication by replication is a common-random-numbers
comparison. Results never depend on ``jobs``: each replication is computed from (scenario, seed, k) alone, and rows
are put back in replication order.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from simulator.experiments.bounds import CI_RULES, DIFFERENCE_RULES, bounded_difference, bounded_interval
from simulator.experiments.executors import imap_unordered, open_executor
from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.outputs.metrics import METRICS, days_frame, events_frame, summarize, weekly

__all__ = [
    "ExperimentResult",
    "ReplicationResult",
    "compare",
    "confidence_intervals",
    "run_experiment",
    "run_replication",
    "t_quantile",
]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReplicationResult:
    """One replication reduced to tables (``run_replication``). Column units: ``docs/outputs.md``.

    Attributes:
        replication: the replication index k; with the seed it fixes every random draw.
        summary: metric name -> value for the measured window (after the warm-up), in the unit
            ``simulator.METRICS`` gives (clinicians, shares 0-1, days, USD/year, ...): one row of ``summary.csv``.
        weekly: one row per week of the whole run, warm-up included and flagged: ``replication``, ``week``,
            ``warmup``, ``headcount`` (clinicians), ``vacancies`` (positions), ``ee_mean`` (MBI-EE points 0-54),
            ``ee_high_share`` (share), ``session_hours`` / ``paperwork_hours`` / ``after_hours_hours``
            (hours per clinician-week), ``backlog_hours`` (hours per clinician), ``strain_mean`` (MBI-EE points),
            ``caseload_mean`` (clients), ``hours_worked`` (hours per clinician-week), ``written_off`` (tasks),
            ``sessions_attended``, ``waitlist`` (clients), ``departures``, ``referrals``, ``hires`` (counts per
            week); ``docs/outputs.md`` says each.
        events: with ``events=True``, the event log: ``replication``, ``time`` (days from the start), ``kind``,
            ``clinician`` and ``client`` (ids, -1 for none), ``value`` (its meaning depends on the kind);
            otherwise ``None``.
        sim_events: SimPy events processed (a measure of work, for benchmarks).
        wall_seconds: time the replication took, in seconds.
        days: with ``events=True``, the day records: ``replication`` and one row per clinician per workday with
            the fields of ``simulator.model.events.DAY_FIELDS`` (minutes, counts, end-of-day EE); else ``None``.
    """

    replication: int
    summary: dict[str, float]
    weekly: pd.DataFrame
    events: pd.DataFrame | None
    sim_events: int
    wall_seconds: float
    days: pd.DataFrame | None = None


def run_replication(scenario: Scenario, replication: int, *, seed: int | None = None, events: bool = False,
                    trace_weeks: Collection[int] = ()) -> ReplicationResult:
    """Simulate one replication and reduce its event log to tables (``events=True`` keeps the log and the day
    records as tables too)."""
    start = time.perf_counter()
    log = simulate(scenario, replication=replication, seed=seed, trace_weeks=trace_weeks)
    frame = weekly(log, scenario)
    frame.insert(0, "replication", replication)
    event_table = day_table = None
    if events:
        event_table, day_table = events_frame(log), days_frame(log)
        event_table.insert(0, "replication", replication)
        day_table.insert(0, "replication", replication)
    return ReplicationResult(replication, summarize(log, scenario), frame, event_table, log.sim_events,
                             time.perf_counter() - start, day_table)


@dataclass(frozen=True)
class ExperimentResult:
    """Replications 0..n-1 of one scenario with one seed (``run_experiment``). Every column with its unit and
    meaning: ``docs/outputs.md``.

    Attributes:
        scenario: the resolved scenario that was run (frozen; ``dump_scenario`` writes it as YAML).
        seed: the root seed; replication k of any scenario with this seed draws the same random numbers.
        summary: one row per replication, ``replication`` then every metric of ``simulator.METRICS`` in its unit
            (e.g. ``departures`` clinicians, ``ee_high_share`` share 0-1, ``wait_days_first_session_mean`` days,
            ``net_margin`` USD/year), measured after the warm-up. Written as ``summary.csv``.
        weekly: the weekly series of every replication (``ReplicationResult.weekly``), stacked; ``weekly.csv``.
        events: with ``events=True``, every replication's event log stacked (``ReplicationResult.events``).
        wall_seconds: time the whole experiment took, in seconds.
        sim_events: SimPy events processed over all replications.
        days: with ``events=True``, every replication's day records stacked (``ReplicationResult.days``).

    ``intervals()`` gives each metric's mean and 95% confidence interval (``confidence_intervals``).
    """

    scenario: Scenario
    seed: int
    summary: pd.DataFrame
    weekly: pd.DataFrame
    events: pd.DataFrame | None
    wall_seconds: float
    sim_events: int
    days: pd.DataFrame | None = None

    def intervals(self, level: float = 0.95) -> pd.DataFrame:
        """``confidence_intervals(self.summary, level)``: one row per metric."""
        return confidence_intervals(self.summary, level)


def run_experiment(scenario: Scenario, *, replications: int | None = None, seed: int | None = None, jobs: int = 1,
                   events: bool = False, progress: Progress | None = None,
                   executor: Executor | None = None) -> ExperimentResult:
    """Run replications 0..n-1 of ``scenario`` and gather their tables into an ``ExperimentResult``.

    ``replications`` and ``seed`` default to the scenario's own. ``jobs`` > 1 runs them in that many local worker
    processes (the results are the same bit for bit; a plain script needs no ``if __name__ == "__main__":``
    guard, see ``docs/python-api.md``); ``executor`` runs them elsewhere (e.g. a Dask cluster). ``events=True``
    also keeps every event and day record (``ExperimentResult.events`` / ``.days``; large for long runs).
    ``progress(done, total)`` is called as replications finish.
    """
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    start = time.perf_counter()
    results = _map_replications(scenario, range(n), seed, events, jobs, progress, executor)
    summary = pd.DataFrame([{"replication": r.replication, **r.summary} for r in results])
    weekly_table = pd.concat([r.weekly for r in results], ignore_index=True)
    return ExperimentResult(scenario, seed, summary, weekly_table, _stacked([r.events for r in results]),
                            time.perf_counter() - start, sum(r.sim_events for r in results),
                            _stacked([r.days for r in results]))


def _stacked(tables: Sequence[pd.DataFrame | None]) -> pd.DataFrame | None:
    kept = [table for table in tables if table is not None]
    return pd.concat(kept, ignore_index=True) if kept else None


def _map_replications(scenario: Scenario, reps: Sequence[int], seed: int, events: bool, jobs: int,
                      progress: Progress | None, executor: Executor | None) -> list[ReplicationResult]:
    """Results in replication order, whatever order the executor finishes them in."""
    calls = [(scenario, k, seed, events) for k in reps]
    with contextlib.ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(open_executor("local", jobs=jobs))
        by_index: dict[int, ReplicationResult] = {}
        finished = stack.enter_context(contextlib.closing(imap_unordered(_replicate, calls, executor)))
        for done, (index, result) in enumerate(finished, start=1):
            by_index[index] = result
            if progress:
                progress(done, len(calls))
    return [by_index[index] for index in range(len(calls))]


def _replicate(scenario: Scenario, replication: int, seed: int, events: bool) -> ReplicationResult:
    # Positional arguments only: every executor's submit passes them through the same way.
    return run_replication(scenario, replication, seed=seed, events=events)


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t: exact for df 1 and 2, a Cornish-Fisher expansion beyond (for p <= 0.975 within 0.2%
    at df 3 and within 1e-3 from df 4; the tests pin this against scipy)."""
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) * math.sqrt(2 / (4 * p * (1 - p)))
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _interval(values: np.ndarray, level: float) -> tuple[float, float, float]:
    """(mean, half-width, sd) of a t confidence interval, ignoring NaN."""
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if n == 1:
        return mean, float("nan"), float("nan")
    sd = float(values.std(ddof=1))
    return mean, t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n), sd


def _nanmean(values: np.ndarray) -> float:
    """Mean ignoring NaN; NaN (without numpy's empty-slice warning) when every value is NaN."""
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if len(kept) else float("nan")


def confidence_intervals(summary: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and confidence interval of every metric across replications: one row per metric of ``summary``.

    Columns: ``metric``, ``unit`` (the metric's, as in ``METRICS``), ``mean``, ``sd`` (standard deviation across
    replications) and ``ci_low`` / ``ci_high`` in that unit; ``half_width`` (the t half-width of the mean, the
    precision ``paperwork-sim replications`` aims at), ``replications`` (replications with a value: a ratio
    with no denominator is NaN) and ``ci_method``. The interval never leaves the metric's possible range: a share's
    is computed on the logit scale, a ratio's on the log scale, the rest are t intervals clipped to the range
    (``simulator.experiments.bounds``), so ``ci_low``/``ci_high`` need not be symmetric about the mean.
    """
    rows = []
    for metric in METRICS:
        if metric.name not in summary:
            continue
        mean, half, sd = _interval(summary[metric.name].to_numpy(dtype=float), level)
        low, high = bounded_interval(mean, half, metric.scale)
        rows.append({"metric": metric.name, "unit": metric.unit, "mean": mean, "sd": sd,
                     "ci_low": low, "ci_high": high, "half_width": half,
                     "replications": int(summary[metric.name].notna().sum()), "ci_method": CI_RULES[metric.scale]})
    return pd.DataFrame(rows)


def compare(base: ExperimentResult | pd.DataFrame, other: ExperimentResult | pd.DataFrame,
            level: float = 0.95) -> pd.DataFrame:
    """Paired differences (other - base) per metric, replication by replication (common random numbers).

    ``base`` and ``other`` are results (or their ``summary`` tables) with the same seed, so replication k of
    each saw the same random numbers. One row per metric: ``metric``, ``unit``, ``better`` ("lower", "higher"
    or "" when neither is better), ``base_mean`` and ``other_mean`` (in the unit), ``diff_mean`` (other - base,
    in the unit) with its t interval ``ci_low`` / ``ci_high`` (a difference of shares kept within -1 to 1, of
    scores within ±54; ``ci_method`` says which), ``significant`` (the interval excludes zero: the change stands
    out from noise) and ``replications`` (pairs).
    """
    a = base.summary if isinstance(base, ExperimentResult) else base
    b = other.summary if isinstance(other, ExperimentResult) else other
    paired = a.merge(b, on="replication", suffixes=("_base", "_other"))
    rows = []
    for metric in METRICS:
        if f"{metric.name}_base" not in paired:
            continue
        x = paired[f"{metric.name}_base"].to_numpy(dtype=float)
        y = paired[f"{metric.name}_other"].to_numpy(dtype=float)
        diff, half, _ = _interval(y - x, level)
        low, high = bounded_difference(diff, half, metric.scale)
        rows.append({"metric": metric.name, "unit": metric.unit, "better": metric.better,
                     "base_mean": _nanmean(x), "other_mean": _nanmean(y),
                     "diff_mean": diff, "ci_low": low, "ci_high": high,
                     "significant": bool(half == half and abs(diff) > half), "replications": len(paired),
                     "ci_method": DIFFERENCE_RULES[metric.scale]})
    return pd.DataFrame(rows)
