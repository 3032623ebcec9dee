"""What a policy costs, what it saves and what it returns per dollar: the money of a paired comparison.

A policy's **cost** is the extra the agency spends on running itself: pay (clinicians and admin staff), tools and
overhead (``spending`` less the replacement cost of departures). Its **savings** are what comes back: revenue
gained (more sessions billed, fewer notes written off) and replacement costs avoided. The **net** effect is savings
less cost, which is the change in net margin; the **net per dollar** is the net effect over the cost, when the
policy costs anything. All per year, paired by replication (common random numbers), with 95% intervals: t for the
three amounts, and a paired bootstrap for the ratio (whose sampling distribution is skewed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.experiments.experiment import ExperimentResult, t_quantile

__all__ = ["ECONOMICS_ITEMS", "policy_economics"]

#: (item, meaning) in the order of the table.
ECONOMICS_ITEMS: tuple[tuple[str, str], ...] = (
    ("cost", "extra spending on pay, tools and overhead (USD/year)"),
    ("savings", "revenue gained plus replacement costs avoided (USD/year)"),
    ("net", "savings - cost: the change in net margin (USD/year)"),
    ("net_per_dollar", "net effect per dollar of cost (empty when the policy costs nothing)"),
)
_BOOTSTRAP = 2000


def policy_economics(base: ExperimentResult | pd.DataFrame, other: ExperimentResult | pd.DataFrame,
                     level: float = 0.95) -> pd.DataFrame:
    """One row per item of ``ECONOMICS_ITEMS``: ``item``, ``meaning``, ``mean``, ``ci_low``, ``ci_high``,
    ``replications`` (pairs)."""
    a = base.summary if isinstance(base, ExperimentResult) else base
    b = other.summary if isinstance(other, ExperimentResult) else other
    paired = a.merge(b, on="replication", suffixes=("_base", "_other"))

    def delta(metric: str) -> np.ndarray:
        change: np.ndarray = (paired[f"{metric}_other"] - paired[f"{metric}_base"]).to_numpy(dtype=float)
        return change

    turnover = delta("turnover_cost")
    cost = delta("spending") - turnover
    savings = delta("revenue") - turnover
    net = savings - cost
    n = len(paired)
    rows = [_row("cost", cost, level), _row("savings", savings, level), _row("net", net, level)]
    ratio = low = high = float("nan")
    if n and cost.mean() > 0:
        ratio = float(net.mean() / cost.mean())
        if n > 1:
            rng = np.random.default_rng(20261203)  # fixed: the same results give the same interval
            picks = rng.integers(0, n, size=(_BOOTSTRAP, n))
            costs = cost[picks].mean(axis=1)
            ratios = net[picks].mean(axis=1)[costs > 0] / costs[costs > 0]
            tail = 100 * (1 - level) / 2
            low, high = (float(v) for v in np.percentile(ratios, [tail, 100 - tail]))
    rows.append({"item": "net_per_dollar", "mean": ratio, "ci_low": low, "ci_high": high, "replications": n})
    meanings = dict(ECONOMICS_ITEMS)
    table = pd.DataFrame(rows)
    table.insert(1, "meaning", table["item"].map(meanings))
    return table


def _row(item: str, values: np.ndarray, level: float) -> dict[str, object]:
    n = len(values)
    mean = float(values.mean()) if n else float("nan")
    half = float(t_quantile(0.5 + level / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return {"item": item, "mean": mean, "ci_low": mean - half, "ci_high": mean + half, "replications": n}
