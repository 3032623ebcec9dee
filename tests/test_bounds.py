"""Confidence intervals never leave the range a metric can take: shares within 0-1 (logit scale), ratios above 0
(log scale), counts, durations and money never below 0; and every table says how its interval was built."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.experiments.bounds import SCALE_RANGES, bounded_interval
from simulator.experiments.experiment import compare, confidence_intervals
from simulator.outputs.metrics import METRICS


def summary(**columns: list[float]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"replication": range(n), **columns})


def row(table: pd.DataFrame, metric: str) -> pd.Series:
    found = table.set_index("metric").loc[metric]
    assert isinstance(found, pd.Series)
    return found


def test_a_share_near_1_stays_below_1_and_a_ratio_stays_above_0() -> None:
    # The cases of the issue: a share's t interval 0.998 to 1.001, a ratio's from -0.175.
    table = confidence_intervals(summary(prob_wait=[1.0, 0.997, 1.0, 0.999, 1.0],
                                         burned_out_exit_ratio=[0.1, 2.9, 0.2, 0.05, 3.1]))
    share, ratio = row(table, "prob_wait"), row(table, "burned_out_exit_ratio")
    assert share["mean"] + share["half_width"] > 1  # the t interval would have left the range
    assert 0 < share["ci_low"] < share["mean"] < share["ci_high"] < 1
    assert ratio["mean"] - ratio["half_width"] < 0
    assert 0 < ratio["ci_low"] < ratio["mean"] < ratio["ci_high"]
    assert "logit" in share["ci_method"]
    assert "log scale" in ratio["ci_method"]


def test_counts_durations_and_money_are_clipped_at_0_but_a_balance_is_not() -> None:
    table = confidence_intervals(summary(departures=[0, 0, 3], wait_days_assignment_mean=[0.0, 0.1, 6.0],
                                         turnover_cost=[0.0, 0.0, 90_000.0], net_margin=[-5e5, 1e5, -9e5]))
    for metric in ("departures", "wait_days_assignment_mean", "turnover_cost"):
        assert row(table, metric)["ci_low"] == 0.0, metric
        assert "clipped at 0" in row(table, metric)["ci_method"]
    assert row(table, "net_margin")["ci_low"] < -5e5


def test_a_score_stays_within_0_to_54() -> None:
    assert bounded_interval(53.5, 2.0, "score") == (51.5, 54.0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=30))
def test_every_share_interval_lies_in_0_1_and_holds_the_mean(values: list[float]) -> None:
    found = row(confidence_intervals(summary(ee_high_share=values)), "ee_high_share")
    assert 0.0 <= found["ci_low"] <= found["mean"] + 1e-12
    assert found["mean"] - 1e-12 <= found["ci_high"] <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=2, max_size=30), st.sampled_from(sorted(SCALE_RANGES)))
def test_every_interval_lies_in_its_scales_range(values: list[float], scale: str) -> None:
    array = np.asarray(values)
    low, high = SCALE_RANGES[scale]  # type: ignore[index]
    array = np.clip(array, low, high)
    half = 2.0 * float(array.std(ddof=1)) / math.sqrt(len(array))
    found = bounded_interval(float(array.mean()), half, scale)  # type: ignore[arg-type]
    assert low <= found[0] <= found[1] <= high


def test_a_paired_difference_of_shares_stays_within_minus_1_to_1() -> None:
    base = summary(prob_wait=[0.0, 0.0, 0.0])
    other = summary(prob_wait=[1.0, 1.0, 0.01])
    found = row(compare(base, other), "prob_wait")
    assert -1.0 <= found["ci_low"] < found["diff_mean"] < found["ci_high"] <= 1.0
    assert found["ci_high"] == 1.0


def test_every_metric_has_a_kind_with_a_range() -> None:
    assert all(m.scale in SCALE_RANGES for m in METRICS)


@pytest.mark.parametrize("metric", [m.name for m in METRICS if m.scale == "share"])
def test_share_metrics_are_the_ones_measured_in_shares(metric: str) -> None:
    assert "share" in next(m.unit for m in METRICS if m.name == metric)
