"""The pieces behind the app: levers, limits, the story trace, the charts and the shared runner."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import cast

import altair as alt
import pandas as pd
import pytest

from simulator.experiments.experiment import ExperimentResult, compare, run_experiment
from simulator.inputs.levers import LEVERS, apply_levers, lever_help, lever_value
from simulator.inputs.limits import APP_LIMITS, NO_LIMITS, Limits, limit_problems
from simulator.inputs.scenario import Policy, Scenario
from simulator.outputs import charts
from simulator.outputs.metrics import params_at
from simulator.outputs.story import pick_clinician, story_weeks, week_trace
from ui.runner import Runner, WorkerCrashError, experiment_from, scenario_key
from ui.views import AppRun, keep_run

SMALL = {"staff.clinicians": 6, "demand.referrals_per_week": 20.0, "horizon_weeks": 20, "warmup_weeks": 4}


# --- levers ---

@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.path)
def test_each_lever_is_a_documented_parameter_its_widget_can_reach(lever: object) -> None:
    from simulator.inputs.levers import Lever

    assert isinstance(lever, Lever)
    default = lever_value(Scenario(), lever.path)
    if default is not None:
        assert lever.low <= default <= lever.high
    if lever.evidence is not None:
        assert lever.low <= lever.evidence.low <= lever.evidence.high <= lever.high
    text = lever_help(lever)
    assert "Unit:" in text
    assert "source" in text.lower()
    # every widget value is one the schema accepts
    for value in (lever.low, lever.high):
        Scenario().with_changes({lever.path: int(value) if lever.integer else value})


def test_levers_that_do_not_change_anything_leave_the_scenario_as_it_is() -> None:
    base = Scenario()
    values = {lever.path: lever_value(base, lever.path) for lever in LEVERS}
    assert apply_levers(base, values) is base


def test_levers_apply_from_the_start_or_from_a_week() -> None:
    base = Scenario()
    now = apply_levers(base, {"paperwork.offload_share": 0.3, "staff.clinicians": 50})
    assert now.paperwork.offload_share == 0.3
    assert now.policies == ()
    later = apply_levers(base, {"paperwork.offload_share": 0.3}, from_week=40)
    assert later.paperwork.offload_share == 0.0
    assert later.policies == (Policy(at_week=40, name="levers", set={"paperwork.offload_share": 0.3}),)
    assert params_at(later, 7 * 40 - 1).paperwork.offload_share == 0.0
    assert params_at(later, 7 * 40).paperwork.offload_share == 0.3


def test_a_timed_lever_keeps_the_scenarios_own_policies() -> None:
    base = Scenario().with_changes({"policies": ({"at_week": 10, "name": "own", "set": {"staff.admin_staff": 6}},)})
    both = apply_levers(base, {"workload.caseload_cap": 32}, from_week=20)
    assert [p.name for p in both.policies] == ["own", "levers"]


# --- limits ---

def test_the_baseline_fits_the_app_limits() -> None:
    assert limit_problems(Scenario(), 30) == []


def test_limits_name_the_field_that_is_too_big() -> None:
    assert APP_LIMITS.clinicians is not None
    assert APP_LIMITS.replications is not None
    big = Scenario().with_changes({"staff.clinicians": APP_LIMITS.clinicians + 1})
    assert limit_problems(big, 1)[0].startswith("staff.clinicians:")
    assert limit_problems(Scenario(), APP_LIMITS.replications + 1)[0].startswith("replications:")
    assert limit_problems(big, 10**6, NO_LIMITS) == []
    tight = Limits(clinicians=60, horizon_weeks=100, replications=5, sweep_points=1, sweep_runs=1)
    assert any(p.startswith("horizon_weeks:") for p in limit_problems(Scenario(), 1, tight))


def test_a_timed_policy_cannot_smuggle_in_a_larger_agency() -> None:
    grows = Scenario().with_changes({"policies": (
        {"at_week": 30, "name": "grow", "set": {"staff.clinicians": 250}},
        {"at_week": 60, "name": "ahead", "set": {"turnover.hire_ahead_positions": 60}})})
    problems = limit_problems(grows, 1)
    assert problems
    assert "310 positions" in problems[0]
    assert problems[0].startswith("policies.1.set:"), "the policy that grows the agency past the limit is named"


# --- the story ---

@pytest.fixture(scope="module")
def trace() -> pd.DataFrame:
    return week_trace(Scenario().with_changes(SMALL), seed=3)


def test_the_trace_covers_an_early_and_a_late_week_of_working_days(trace: pd.DataFrame) -> None:
    early, late = story_weeks(Scenario().with_changes(SMALL))
    assert (early, late) == (1, 19)
    assert set(trace.week) == {early, late}
    assert set(trace.weekday) <= {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert (trace.end_h >= trace.start_h).all()
    assert trace.minutes.sum() == pytest.approx(((trace.end_h - trace.start_h) * 60).sum())
    assert trace.ee.between(0, 54).all()


def test_the_preselected_clinician_is_the_one_whose_exhaustion_rose_most() -> None:
    blocks = pd.DataFrame({"clinician": [1, 1, 2, 2, 3], "week": [1, 9, 1, 9, 1], "ee": [10, 30, 20, 25, 5.0]})
    assert pick_clinician(blocks) == 1  # clinician 3 left before week 9
    nobody_stayed = pd.DataFrame({"clinician": [3, 4], "week": [1, 9], "ee": [5.0, 6.0]})
    assert pick_clinician(nobody_stayed) is None
    assert pick_clinician(blocks.iloc[:0]) is None
    # a week of leave shows nothing of the desk: the next-largest rise is chosen, unless everyone was on leave
    activity = blocks.assign(activity=["leave", "session", "session", "session", "session"])
    assert pick_clinician(activity) == 2
    assert pick_clinician(activity.assign(activity="leave")) == 1


# --- charts ---

@pytest.fixture(scope="module")
def small_runs() -> tuple[ExperimentResult, ExperimentResult]:
    base = Scenario().with_changes(SMALL)
    return (run_experiment(base, replications=2, seed=5),
            run_experiment(base.with_changes({"paperwork.offload_share": 0.5}), replications=2, seed=5))


def _spec(chart: alt.TopLevelMixin | alt.TopLevelSpec) -> dict[str, object]:
    spec: dict[str, object] = chart.to_dict()  # validates against the Vega-Lite schema
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


def test_every_chart_is_valid_vega_lite_with_tooltips(small_runs: tuple[ExperimentResult, ExperimentResult],
                                                      trace: pd.DataFrame) -> None:
    base, policy = small_runs
    weekly = pd.concat([base.weekly.assign(scenario="base"), policy.weekly.assign(scenario="policy")])
    table = compare(base, policy)
    table["label"] = table.metric
    intervals = pd.concat([base.intervals().assign(scenario="base"), policy.intervals().assign(scenario="policy")])
    intervals["label"] = intervals.metric
    drawn: list[alt.TopLevelMixin] = [charts.time_split(weekly), charts.story_over_time(base.weekly, warmup_weeks=4),
             charts.clinician_week(trace, int(pick_clinician(trace) or 0)), charts.change_forest(table),
             charts.interval_bars(intervals)]
    for chart in drawn:
        assert list(_tooltips(_spec(chart))), type(chart).__name__


def test_the_time_split_shows_mean_hours_after_warm_up(small_runs: tuple[ExperimentResult, ExperimentResult]) -> None:
    base, _ = small_runs
    weekly = base.weekly.assign(scenario="base")
    spec = _spec(charts.time_split(weekly))
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))  # type: ignore[attr-defined]
    measured = weekly[~weekly.warmup]
    shown = rows.set_index("activity")["hours"]
    assert shown["Sessions"] == pytest.approx(measured.session_hours.mean())
    assert shown["After hours"] == pytest.approx(measured.after_hours_hours.mean())


def test_the_change_chart_is_in_percent_of_the_reference_and_marks_noise() -> None:
    table = pd.DataFrame({"metric": ["a", "b"], "label": ["A", "B"], "base_mean": [10.0, 4.0],
                          "other_mean": [8.0, 4.2], "diff_mean": [-2.0, 0.2], "ci_low": [-3.0, -0.4],
                          "ci_high": [-1.0, 0.8], "significant": [True, False]})
    spec = _spec(charts.change_forest(table))
    rows = pd.DataFrame(next(d for d in spec["datasets"].values() if "change_pct" in d[0]))  # type: ignore[attr-defined]
    assert rows.change_pct.tolist() == pytest.approx([-20.0, 5.0])
    assert rows.low_pct.tolist() == pytest.approx([-30.0, -10.0])
    assert rows.verdict.tolist() == ["stands out from noise", "within noise"]


# --- the runner ---

def test_the_scenario_key_ignores_labels_but_not_parameters() -> None:
    base = Scenario()
    assert scenario_key(base) == scenario_key(base.with_changes({"name": "other", "description": "x",
                                                                  "replications": 3}))
    assert scenario_key(base) != scenario_key(base.with_changes({"paperwork.offload_share": 0.1}))


def test_the_runner_gives_the_experiments_own_results_and_caches_them() -> None:
    base = Scenario().with_changes(SMALL)
    policy = base.with_changes({"workload.caseload_cap": 20})
    runner = Runner(workers=2)
    try:
        steps = list(runner.paired(policy, base, 3, seed=9))
        assert [s.done for s in steps] == sorted({s.done for s in steps})  # progress only moves forward
        final = steps[-1]
        assert [r.replication for r in final.policy] == [0, 1, 2]
        direct = run_experiment(policy, replications=3, seed=9)
        assert experiment_from(policy, 9, final.policy).summary.equals(direct.summary)
        assert experiment_from(base, 9, final.reference).summary.equals(
            run_experiment(base, replications=3, seed=9).summary)
        assert runner.computed == 6
        # asked again, every replication comes from the cache
        again = list(runner.paired(policy, base, 3, seed=9))
        assert again[-1].policy == final.policy
        assert runner.computed == 6
        # more replications compute only the new pair
        more = list(runner.paired(policy, base, 4, seed=9))
        assert more[-1].policy[:3] == final.policy
        assert runner.computed == 8
    finally:
        runner.shutdown()


def test_a_killed_worker_is_reported_and_the_next_run_works() -> None:
    base = Scenario().with_changes(SMALL)
    runner = Runner(workers=2)
    try:
        steps = runner.paired(base, None, 6, seed=1)
        next(steps)  # the pool is up and working
        for process in list(runner._pool._processes.values()):
            assert process.pid is not None
            os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(WorkerCrashError):
            list(steps)
        again = list(runner.paired(base, None, 2, seed=1))
        assert experiment_from(base, 1, again[-1].policy).summary.equals(
            run_experiment(base, replications=2, seed=1).summary)
    finally:
        runner.shutdown()


def test_a_session_keeps_its_last_runs_only() -> None:
    runs: dict[str, AppRun] = {}
    stand_in = cast(AppRun, object())  # keep_run only files runs; it never reads them
    dropped = [keep_run(runs, f"#{n} run", stand_in, cap=3) for n in range(1, 6)]
    assert list(runs) == ["#3 run", "#4 run", "#5 run"]
    assert dropped == [[], [], [], ["#1 run"], ["#2 run"]]
