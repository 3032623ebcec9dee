"""The app's charts: valid Vega-Lite with tooltips, titles, subtitles and descriptions; the story from the first week to
the last; noise said in shape and words; the tornado coloured better or worse by each metric's direction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import altair as alt
import pandas as pd
import pytest

from simulator.experiments.experiment import ExperimentResult, compare, run_experiment
from simulator.inputs.scenario import Scenario
from simulator.outputs import charts, storycharts
from simulator.outputs.story import as_drawn, pick_clinician, week_trace

SMALL = {"staff.clinicians": 6, "demand.referrals_per_week": 20.0, "horizon_weeks": 20, "warmup_weeks": 4}


@pytest.fixture(scope="module")
def trace() -> pd.DataFrame:
    return week_trace(Scenario().with_changes(SMALL), seed=3)


@pytest.fixture(scope="module")
def small_runs() -> tuple[ExperimentResult, ExperimentResult]:
    base = Scenario().with_changes(SMALL)
    return (run_experiment(base, replications=2, seed=5),
            run_experiment(base.with_changes({"paperwork.offload_share": 0.5}), replications=2, seed=5))


def _spec(chart: alt.TopLevelMixin | alt.TopLevelSpec) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()  # validates against the Vega-Lite schema
    return spec


def _tooltips(spec: object) -> Iterator[object]:
    if isinstance(spec, dict):
        if "tooltip" in spec:
            yield spec["tooltip"]
        for value in spec.values():
            yield from _tooltips(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _tooltips(item)


def _rows(spec: dict[str, Any], column: str) -> pd.DataFrame:
    return pd.DataFrame(next(d for d in spec["datasets"].values() if d and column in d[0]))


def test_every_chart_is_valid_vega_lite_with_tooltips_a_title_and_a_description(
        small_runs: tuple[ExperimentResult, ExperimentResult], trace: pd.DataFrame) -> None:
    base, policy = small_runs
    weekly = pd.concat([base.weekly.assign(scenario="base"), policy.weekly.assign(scenario="policy")])
    table = compare(base, policy)
    table["label"] = table.metric
    story = storycharts.story_table([("policy", "policy", policy.weekly), ("base", "reference", base.weekly)], 0,
                                    means=True)
    values = base.intervals().rename(columns={"ci_low": "low", "ci_high": "high"}).assign(name="base", role="run")
    drawn: list[Any] = [
        charts.time_split(weekly), charts.change_forest(table, width="container"),
        storycharts.story_panel(story, storycharts.STORY_PANELS[0], horizon=20, warmup=4, marks=[(10, "week 10")]),
        storycharts.clinician_week(as_drawn(trace), int(pick_clinician(trace) or 0), 1),
        charts.interval_panel(values[values.metric == "net_margin"], "net_margin")]
    for chart in drawn:
        spec = _spec(charts.titled(chart, "A title", ["scenario X against Y", "seed 5"]))
        assert list(_tooltips(spec)), type(chart).__name__
        assert spec["title"]["subtitle"] == ["scenario X against Y", "seed 5"]
        assert "seed 5" in spec["description"]  # what Streamlit gives screen readers as the chart's name


def test_the_story_panel_runs_from_the_first_week_to_the_last_and_headcount_starts_near_its_values(
        small_runs: tuple[ExperimentResult, ExperimentResult]) -> None:
    base, policy = small_runs
    story = storycharts.story_table([("policy", "policy", policy.weekly), ("base", "reference", base.weekly)], 1,
                                    means=False)
    assert set(story.role) == {"policy", "reference"}  # the policy beside its reference, in the same chart
    spec = _spec(storycharts.story_panel(story, storycharts.STORY_PANELS[0], horizon=20, marks=[(12, "week 12")]))
    line = spec["layer"][0]["encoding"]
    assert line["x"]["scale"]["domain"] == [0, 19]
    low, high = line["y"]["scale"]["domain"]
    assert 0 < low <= story.headcount.min() <= story.headcount.max() <= high
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"] if isinstance(layer["mark"], dict))


def test_the_change_chart_is_in_percent_of_the_reference_and_says_noise_in_shape_and_words() -> None:
    table = pd.DataFrame({"metric": ["a", "b"], "label": ["A", "B"], "base_mean": [10.0, 4.0],
                          "other_mean": [8.0, 4.2], "diff_mean": [-2.0, 0.2], "ci_low": [-3.0, -0.4],
                          "ci_high": [-1.0, 0.8], "significant": [True, False]})
    spec = _spec(charts.change_forest(table))
    rows = _rows(spec, "change_pct")
    assert rows.change_pct.tolist() == pytest.approx([-20.0, 5.0])
    assert rows.low_pct.tolist() == pytest.approx([-30.0, -10.0])
    assert rows.axis_label.tolist() == ["A · stands out", "B · within noise"]
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert points["encoding"]["shape"]["scale"]["range"] == ["diamond", "circle"]  # not fill alone


def test_the_tornado_colours_better_and_worse_by_the_metrics_direction_and_marks_noise() -> None:
    rows = pd.DataFrame({
        "metric": "ee_high_share", "unit": "share", "lever": ["notes", "scribe", "climate"],
        "base_value": [15.0, 0.0, 0.5], "low_value": [5.0, 0.0, 0.0], "high_value": [30.0, 0.5, 1.0],
        "base_mean": 0.35, "low_mean": [0.20, 0.35, 0.36], "high_mean": [0.55, 0.25, 0.34],
        "low_effect": [-0.15, 0.0, 0.01], "low_half_width": [0.02, 0.0, 0.03],
        "high_effect": [0.20, -0.10, -0.01], "high_half_width": [0.03, 0.02, 0.03], "swing": [0.35, 0.10, 0.02]})
    spec = _spec(charts.tornado_panel(rows, names={"notes": "Minutes per note"}))
    tidy = _rows(spec, "status").set_index(["lever", "side"])
    # lower is better for the share with high exhaustion: shorter notes are better, longer worse
    assert tidy.loc[("notes", "low"), "status"] == "better"
    assert tidy.loc[("notes", "high"), "status"] == "worse"
    assert tidy.loc[("scribe", "high"), "status"] == "better"
    assert tidy.loc[("climate", "low"), "status"] == "within noise"  # effect 0.01 inside ±0.03
    assert tidy.loc[("notes", "high"), "end_low"] == pytest.approx(0.52)  # the interval at the bar's end
    assert tidy.loc[("notes", "high"), "label"] == "Minutes per note (5 to 30)"
    assert str(tidy.loc[("climate", "high"), "label"]).endswith("· within noise")


