"""Sensitivity analysis of sweep results: one-way (tornado) and global (Morris elementary effects, Sobol indices).

All functions take the tidy table of ``simulator.experiments.sweep.run_sweep`` (one row per point x replication). The
one-way effects are paired by replication: point and base share replication k's random numbers, so the
difference is the parameter's effect with the luck of the draw cancelled. The global methods average the
replications of each point first (the response SALib analyses), then call SALib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from simulator.experiments.design import BASE_POINT
from simulator.experiments.design import morris as morris_design
from simulator.experiments.experiment import t_quantile
from simulator.experiments.sweep import Sweep
from simulator.outputs.metrics import METRICS

__all__ = ["TORNADO_METRICS", "analyse", "morris_analysis", "morris_indices", "point_means", "sobol_analysis",
           "sobol_indices", "tornado_table"]

#: The three outcomes the issue asks a tornado to show: departures, high-exhaustion share, the client's wait.
TORNADO_METRICS: tuple[str, ...] = ("departures", "ee_high_share", "wait_days_first_session_mean")
_UNITS = {m.name: m.unit for m in METRICS}


def analyse(sweep: Sweep, results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables a sweep's design supports, by file stem: point means always, plus the tornado (oat), the
    Morris indices (morris) or the Sobol indices (sobol)."""
    tables = {"points": point_means(results)}
    if sweep.kind == "oat":
        tables["tornado"] = tornado_table(results)
    elif sweep.kind == "morris":
        tables["morris"] = morris_indices(sweep, results)
    elif sweep.kind == "sobol":
        tables["sobol"] = sobol_indices(sweep, results)
    return tables


def point_means(results: pd.DataFrame) -> pd.DataFrame:
    """Mean of every metric per point (with the point's parameter values)."""
    metrics = [m.name for m in METRICS if m.name in results]
    keys = [c for c in results.columns if c not in metrics and c != "replication"]
    return results.groupby(keys, sort=True, dropna=False)[metrics].mean().reset_index()


def tornado_table(results: pd.DataFrame, metrics: Sequence[str] = TORNADO_METRICS,
                  level: float = 0.95) -> pd.DataFrame:
    """One row per (metric, lever): the effect of moving the lever to its low and its high value from the base.

    ``results`` comes from a one-at-a-time sweep (``design: oat`` or ``simulator.experiments.sweep.one_way``).
    Effects are paired mean differences from the base point with their t half-widths; ``swing`` = |high_mean - low_mean|
    orders the bars. A lever whose range ends at the base value (e.g. a cap at its default) has that side at
    the base, with effect 0.
    """
    if "varied" not in results:
        raise ValueError("a tornado needs a one-at-a-time sweep (design: oat), whose table has a 'varied' column")
    base = results[results["varied"] == BASE_POINT]
    rows = [_tornado_row(results, base, lever, metric, level)
            for metric in metrics for lever in results.loc[results["varied"] != BASE_POINT, "varied"].unique()]
    table = pd.DataFrame(rows)
    return table.sort_values(["metric", "swing"], ascending=[True, False], ignore_index=True,
                             key=lambda column: column.map(list(metrics).index) if column.name == "metric"
                             else column)


def _tornado_row(results: pd.DataFrame, base: pd.DataFrame, lever: str, metric: str,
                 level: float) -> dict[str, Any]:
    moved = results[results["varied"] == lever]
    base_value = float(base[lever].iloc[0])
    values = sorted({*moved[lever].astype(float), base_value})
    sides = {}
    for side, value in (("low", values[0]), ("high", values[-1])):
        rows = base if value == base_value else moved[moved[lever].astype(float) == value]
        paired = rows.merge(base, on="replication", suffixes=("", "_base"))
        diff = (paired[metric] - paired[f"{metric}_base"]).to_numpy(dtype=float)
        sides[side] = (value, float(np.nanmean(rows[metric])), *_mean_half_width(diff, level))
    (low, low_mean, low_effect, low_half), (high, high_mean, high_effect, high_half) = sides["low"], sides["high"]
    return {"metric": metric, "unit": _UNITS.get(metric, ""), "lever": lever, "base_value": base_value,
            "low_value": low, "high_value": high, "base_mean": float(np.nanmean(base[metric])),
            "low_mean": low_mean, "high_mean": high_mean, "low_effect": low_effect, "low_half_width": low_half,
            "high_effect": high_effect, "high_half_width": high_half, "swing": abs(high_mean - low_mean)}


def _mean_half_width(values: np.ndarray, level: float) -> tuple[float, float]:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float("nan"), float("nan")
    if len(values) == 1 or np.all(values == values[0]):
        return float(values.mean()), 0.0 if len(values) > 1 else float("nan")
    half = t_quantile(0.5 + level / 2, len(values) - 1) * float(values.std(ddof=1)) / math.sqrt(len(values))
    return float(values.mean()), half


# --- global methods (SALib) ----------------------------------------------------------------------------------


def morris_analysis(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, *, levels: int,
                    seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects of one response: ``mu``, ``mu_star`` (mean |effect|), ``sigma``, ``mu_star_conf``.

    Effects are per unit of the input scaled to [0, 1] over its range, i.e. the change in the response when the
    input moves by its whole range, so inputs with different units compare directly.
    """
    from SALib.analyze import morris as salib_morris  # imported late: it pulls in scipy.stats (seconds)

    found = salib_morris.analyze(problem, x, y, num_levels=levels, seed=seed)
    return pd.DataFrame({"parameter": problem["names"], "mu": found["mu"], "mu_star": found["mu_star"],
                         "sigma": found["sigma"], "mu_star_conf": found["mu_star_conf"]})


def sobol_analysis(problem: dict[str, Any], y: np.ndarray, *, seed: int = 0) -> pd.DataFrame:
    """First-order (``S1``) and total (``ST``) Sobol indices of one response, with bootstrap half-widths."""
    from SALib.analyze import sobol as salib_sobol

    found = salib_sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    return pd.DataFrame({"parameter": problem["names"], "S1": found["S1"], "S1_conf": found["S1_conf"],
                         "ST": found["ST"], "ST_conf": found["ST_conf"]})


def morris_indices(sweep: Sweep, results: pd.DataFrame, metrics: Sequence[str] = TORNADO_METRICS) -> pd.DataFrame:
    """Morris indices of each metric (a ``design: morris`` sweep); rows ordered by ``mu_star``."""
    # The analysis needs the design before integer parameters were rounded: a step that rounding erased would
    # leave SALib no input change to divide by. Same seed, same trajectories.
    raw = morris_design([replace(f, integer=False) for f in sweep.factors], _samples(sweep), sweep.levels,
                        sweep.seed)
    x = raw[sweep.parameters].to_numpy(dtype=float)
    return _per_metric(results, metrics, "mu_star",
                       lambda y: morris_analysis(sweep.problem(), x, y, levels=sweep.levels, seed=_seed(sweep)))


def sobol_indices(sweep: Sweep, results: pd.DataFrame, metrics: Sequence[str] = TORNADO_METRICS) -> pd.DataFrame:
    """Sobol indices of each metric (a ``design: sobol`` sweep); rows ordered by ``ST``."""
    return _per_metric(results, metrics, "ST", lambda y: sobol_analysis(sweep.problem(), y, seed=_seed(sweep)))


def _per_metric(results: pd.DataFrame, metrics: Sequence[str], order: str,
                analyse: Any) -> pd.DataFrame:
    means = results.groupby("point", sort=True)[list(metrics)].mean()
    tables = []
    for metric in metrics:
        y = means[metric].to_numpy(dtype=float)
        if np.isnan(y).any():  # e.g. no one waited at some point: the index is undefined, not zero
            continue
        table = analyse(y)
        table.insert(0, "metric", metric)
        tables.append(table.sort_values(order, ascending=False))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def _samples(sweep: Sweep) -> int:
    if sweep.samples is None:
        raise ValueError("the sweep has no 'samples'")
    return sweep.samples


def _seed(sweep: Sweep) -> int:
    return sweep.seed % 2**32  # SALib's bootstrap takes a 32-bit seed
