"""Designs and the analyses that read them, on cheap analytic functions whose answers are known exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from simulator.experiments.advice import Target, half_width, moving_average, replications_needed, suggest_warmup, welch
from simulator.experiments.design import Factor, grid, latin_hypercube, morris, one_at_a_time, salib_problem, sobol
from simulator.experiments.sensitivity import morris_analysis, sobol_analysis, tornado_table
from simulator.experiments.sweep import factor
from simulator.inputs.levers import EVIDENCE_RANGES
from simulator.inputs.scenario import Scenario

A = Factor("a", (1.0, 2.0, 3.0), 0.0, 2.0)
B = Factor("b", (10.0, 20.0), 10.0, 20.0)
C = Factor("c", (0.0, 1.0), 0.0, 1.0)


def test_grid_has_every_combination_once() -> None:
    table = grid([A, B, C])
    assert len(table) == 3 * 2 * 2
    assert table["point"].tolist() == list(range(12))
    combos = set(map(tuple, table[["a", "b", "c"]].to_numpy()))
    assert combos == set(itertools.product(A.values, B.values, C.values))


def test_one_at_a_time_moves_one_factor_from_the_base() -> None:
    table = one_at_a_time([A, B], {"a": 2.0, "b": 10.0})
    assert table.iloc[0][["varied", "a", "b"]].tolist() == ["base", 2.0, 10.0]
    moved = table.iloc[1:]
    # each factor at each of its values except the base one, everything else at base
    assert list(zip(moved["varied"], moved["a"], moved["b"], strict=True)) == [
        ("a", 1.0, 10.0), ("a", 3.0, 10.0), ("b", 2.0, 20.0)]


@pytest.mark.parametrize("samples", [7, 20])
def test_latin_hypercube_puts_one_point_in_each_stratum_of_each_range(samples: int) -> None:
    table = latin_hypercube([A, B, C], samples, seed=2**40 + 1)  # a 63-bit scenario seed must work too
    assert len(table) == samples
    for f in (A, B, C):
        strata = np.floor((table[f.path] - f.low) / (f.high - f.low) * samples).astype(int)
        assert sorted(strata) == list(range(samples))


def test_sampled_designs_are_reproducible_from_the_seed() -> None:
    pd.testing.assert_frame_equal(latin_hypercube([A, B], 5, 3), latin_hypercube([A, B], 5, 3))
    assert not latin_hypercube([A, B], 5, 3).equals(latin_hypercube([A, B], 5, 4))


def test_integer_factors_are_rounded() -> None:
    cap = Factor("workload.caseload_cap", (), 30, 40, integer=True)
    assert (latin_hypercube([cap], 9, 1)["workload.caseload_cap"] % 1 == 0).all()


def test_morris_recovers_linear_effects_over_each_range() -> None:
    # y = 3a + 0.5b: moving a over its range (2) changes y by 6, b over its range (10) by 5, c not at all.
    table = morris([A, B, C], trajectories=10, levels=4, seed=3)
    assert len(table) == 10 * (3 + 1)
    x = table[["a", "b", "c"]].to_numpy()
    found = morris_analysis(salib_problem([A, B, C]), x, 3 * x[:, 0] + 0.5 * x[:, 1], levels=4).set_index(
        "parameter")
    assert found.loc["a", "mu_star"] == pytest.approx(6.0)
    assert found.loc["b", "mu_star"] == pytest.approx(5.0)
    assert found.loc["c", "mu_star"] == pytest.approx(0.0)
    assert found["sigma"].max() == pytest.approx(0.0, abs=1e-9)  # linear: no interactions


def test_sobol_indices_of_an_additive_function() -> None:
    # y = a + 2c with a ~ U(0, 2) and c ~ U(0, 1): Var(a) = 4/12 = Var(2c), so S1 = ST = 1/2 for each, 0 for b.
    table = sobol([A, B, C], samples=1024, seed=3)
    assert len(table) == 1024 * (3 + 2)
    x = table[["a", "b", "c"]].to_numpy()
    found = sobol_analysis(salib_problem([A, B, C]), x[:, 0] + 2 * x[:, 2]).set_index("parameter")
    assert found.loc["a", "S1"] == pytest.approx(0.5, abs=0.05)
    assert found.loc["c", "ST"] == pytest.approx(0.5, abs=0.05)
    assert found.loc["b", "ST"] == pytest.approx(0.0, abs=1e-9)


def test_tornado_table_pairs_by_replication_and_ranks_by_swing() -> None:
    # Replication noise (+-5) is shared by every point (common random numbers), so paired effects are exact.
    noise = {0: -5.0, 1: 0.0, 2: 5.0}
    points = [("base", 1.0, 10.0, 100.0), ("a", 0.0, 10.0, 98.0), ("a", 2.0, 10.0, 103.0), ("b", 1.0, 20.0, 120.0)]
    rows = [{"point": p, "replication": k, "varied": varied, "a": a, "b": b, "departures": level + shift}
            for p, (varied, a, b, level) in enumerate(points) for k, shift in noise.items()]
    table = tornado_table(pd.DataFrame(rows), metrics=["departures"]).set_index("lever")
    assert list(table.index) == ["b", "a"]  # swing 20 before swing 5
    assert list(table.loc["a", ["low_value", "high_value"]]) == [0.0, 2.0]
    assert list(table.loc["a", ["low_effect", "high_effect"]]) == pytest.approx([-2.0, 3.0])
    assert table.loc["a", "high_half_width"] == 0.0  # the noise cancels in the paired difference
    # b's range starts at its base value, so its low side is the base point itself
    assert list(table.loc["b", ["low_value", "low_effect", "high_effect"]]) == pytest.approx([10.0, 0.0, 20.0])


def test_every_evidence_range_is_a_valid_range_of_a_numeric_parameter() -> None:
    base = Scenario()
    for path, evidence in EVIDENCE_RANGES.items():
        made = factor(base, path)  # raises on an unknown path or a value the schema rejects
        assert (made.low, made.high) == (evidence.low, evidence.high)
        assert evidence.source


def test_factor_explains_what_is_wrong() -> None:
    base = Scenario()
    with pytest.raises(ValueError, match=r"did you mean 'paperwork\.note_minutes\.mean'"):
        factor(base, "paperwork.note_minuts.mean")
    with pytest.raises(ValueError, match="no evidence range"):
        factor(base, "climate.conflict_ee_shock")
    with pytest.raises(ValueError, match="not a number"):
        factor(base, "demand.episode_distribution")
    with pytest.raises(ValueError, match="out of range"):
        factor(base, "paperwork.offload_share", low=0, high=2)


# replication advice


def test_sequential_rule_on_data_of_known_variance() -> None:
    # sd 2, target half-width 0.2: the normal approximation asks for (1.96 * 2 / 0.2)^2 = 384 replications.
    values = np.random.default_rng(1).normal(10, 2, 3000)
    n = replications_needed(values, Target("departures", 0.2), minimum=10)
    assert n is not None
    assert 0.75 * 384 <= n <= 1.25 * 384
    assert half_width(values[:n]) <= 0.2 < half_width(values[: n - 1])  # the first n that meets it
    assert replications_needed(values[:50], Target("departures", 0.2)) is None  # 50 are not enough


def test_relative_target_scales_with_the_mean() -> None:
    values = np.random.default_rng(2).normal(100, 10, 500)
    absolute = replications_needed(values, Target("departures", 2.0))
    relative = replications_needed(values, Target.parse("departures=2%"))
    assert absolute is not None
    assert relative is not None
    assert abs(relative - absolute) <= 3  # 2% of a mean of about 100 is about 2


def test_target_parse_rejects_unknown_metrics_and_bad_numbers() -> None:
    assert Target.parse("ee_high_share=5%") == Target("ee_high_share", 0.05, relative=True)
    for text in ("departurez=2", "departures", "departures=-1"):
        with pytest.raises(ValueError, match=r"departur"):
            Target.parse(text)


def test_welch_moving_average_matches_its_definition() -> None:
    y = np.arange(10, dtype=float) ** 2
    smoothed = moving_average(y, 2)
    assert len(smoothed) == 8
    assert smoothed[0] == y[0]
    assert smoothed[1] == pytest.approx(y[:3].mean())
    assert smoothed[5] == pytest.approx(y[3:8].mean())


def _transient(time_constant: float, replications: int, seed: int) -> pd.DataFrame:
    # EE rises from 10 towards 20 with the given time constant (weeks), plus noise of sd 1 each week.
    rng = np.random.default_rng(seed)
    weeks = np.arange(150)
    return pd.concat([pd.DataFrame({"replication": r, "week": weeks, "ee_mean": 20 - 10 * np.exp(
        -weeks / time_constant) + rng.normal(0, 1, len(weeks))}) for r in range(replications)])


def test_warmup_suggestion_cuts_a_known_transient_and_grows_with_it() -> None:
    # With a time constant of 8 weeks the bias is below the weekly noise of a 20-replication mean (0.22) after
    # 8 ln(10 / 0.22) = 31 weeks; MSER-5 truncates where bias and noise balance, in batches of 5.
    smoothed, short = welch(_transient(8, 20, 4), ["ee_mean"], window=5)
    assert 15 <= short["ee_mean"] <= 45
    _, long = welch(_transient(16, 20, 4), ["ee_mean"], window=5)
    assert long["ee_mean"] > short["ee_mean"]
    assert set(smoothed.columns) == {"week", "series", "mean", "smoothed"}
    assert len(smoothed) == 150 - 5  # Welch's average stops a window short of the end
    assert suggest_warmup(np.full(50, 3.0)) == 0  # no transient, no warm-up
