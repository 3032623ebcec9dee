"""The money of a paired comparison: cost, savings, net and net per dollar (``policy_economics``)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simulator.experiments.economics import policy_economics


def summaries(**columns: list[float]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"replication": range(n), **columns})


def test_cost_savings_and_net_add_up_pair_by_pair() -> None:
    base = summaries(spending=[100.0, 110.0, 90.0], turnover_cost=[20.0, 25.0, 15.0], revenue=[200.0, 210.0, 190.0])
    # The policy spends 30 more on itself, 5 less on replacements, and bills 40 more.
    other = summaries(spending=[125.0, 135.0, 115.0], turnover_cost=[15.0, 20.0, 10.0], revenue=[240.0, 250.0, 230.0])
    table = policy_economics(base, other).set_index("item")
    assert table.loc["cost", "mean"] == pytest.approx(30.0)
    assert table.loc["savings", "mean"] == pytest.approx(45.0)
    assert table.loc["net", "mean"] == pytest.approx(15.0)
    assert table.loc["net_per_dollar", "mean"] == pytest.approx(0.5)
    # Identical differences in every pair: no spread, so the intervals close on the means.
    assert table.loc["net", "ci_low"] == pytest.approx(15.0)
    assert table.loc["net_per_dollar", "ci_low"] == pytest.approx(0.5)
    assert (table["replications"] == 3).all()


def test_a_policy_that_costs_nothing_has_no_return_per_dollar() -> None:
    base = summaries(spending=[100.0, 100.0], turnover_cost=[20.0, 20.0], revenue=[200.0, 200.0])
    other = summaries(spending=[90.0, 95.0], turnover_cost=[10.0, 15.0], revenue=[210.0, 200.0])
    table = policy_economics(base, other).set_index("item")
    assert table.loc["cost", "mean"] == pytest.approx(0.0)
    assert math.isnan(table["mean"].astype(float)["net_per_dollar"])


def test_the_interval_widens_with_the_spread_of_the_pairs() -> None:
    base = summaries(spending=[100.0] * 4, turnover_cost=[0.0] * 4, revenue=[200.0] * 4)
    other = summaries(spending=[110.0] * 4, turnover_cost=[0.0] * 4, revenue=[200.0, 230.0, 190.0, 240.0])
    net = policy_economics(base, other).set_index("item").loc["net"]
    assert net["mean"] == pytest.approx(5.0)
    assert net["ci_low"] < net["mean"] < net["ci_high"]
