"""The pieces behind the app: levers and run names, the question in the URL, limits, the story trace and its words,
verdicts, the charts, downloads, comparisons between runs, and the shared runner."""

from __future__ import annotations

import io
import os
import signal
import zipfile
from typing import Any, cast

import pandas as pd
import pytest

from simulator.experiments.experiment import ExperimentResult, compare, run_experiment
from simulator.inputs.levers import LEVERS, apply_levers, lever_help, lever_value
from simulator.inputs.limits import APP_LIMITS, NO_LIMITS, Limits, limit_problems
from simulator.inputs.loader import load_scenario_text
from simulator.inputs.scenario import Policy, Scenario, parameter_table
from simulator.outputs.metrics import params_at
from simulator.outputs.story import as_drawn, pick_clinician, policy_marks, story_weeks, week_trace
from ui.about import parameter_rows, plain_value
from ui.compare import Entry, entries, paired_differences, unpaired_reason
from ui.downloads import bundle, comparison_csv, replications_csv
from ui.levers import APP_LEVERS, change_text, run_name
from ui.question import Question, lever_key, restore
from ui.runner import Runner, WorkerCrashError, experiment_from, scenario_key
from ui.runs import AppRun, keep_run

SMALL = {"staff.clinicians": 6, "demand.referrals_per_week": 20.0, "horizon_weeks": 20, "warmup_weeks": 4}


# --- levers and run names ---

@pytest.mark.parametrize("lever", APP_LEVERS, ids=lambda lever: lever.path)
def test_each_lever_is_a_documented_parameter_its_widget_can_reach(lever: Any) -> None:
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


def test_every_cost_input_is_a_lever() -> None:
    costs = {str(row["path"]) for row in parameter_table() if str(row["path"]).startswith("costs.")}
    assert costs <= {lever.path for lever in APP_LEVERS}, costs - {lever.path for lever in LEVERS}


def test_levers_that_do_not_change_anything_leave_the_scenario_as_it_is() -> None:
    base = Scenario()
    values = {lever.path: lever_value(base, lever.path) for lever in APP_LEVERS}
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


def test_runs_are_named_by_what_differs() -> None:
    assert run_name("ai_scribe.yaml", {"paperwork.note_minutes.mean": 20.0}, from_week=78) == \
        "ai_scribe.yaml, note minutes 20, from week 78"
    assert run_name("ai_scribe.yaml", {}) == "ai_scribe.yaml"
    assert run_name("baseline.yaml", {"paperwork.offload_share": 0.25, "costs.admin_salary_annual": 50000},
                    weeks=(30, 5)) == "baseline.yaml, offloaded 25%, admin salary $50,000, 30 weeks (5 warm-up)"
    assert change_text("paperwork.audit_interval_weeks", None) == "no chart audits"
    # two runs with different lever changes never share a name
    names = {run_name("ai_scribe.yaml", changes, from_week=week) for changes, week in (
        ({"paperwork.note_minutes.mean": 20.0}, None), ({"paperwork.note_minutes.mean": 20.0}, 78),
        ({"paperwork.note_minutes.mean": 25.0}, 78), ({"workload.caseload_cap": 30}, 78))}
    assert len(names) == 4


# --- the question in the URL ---

def test_a_question_survives_the_address_bar() -> None:
    question = Question("baseline.yaml", "ai_scribe.yaml", 12, 4242, {"paperwork.note_minutes.mean": 20.5,
                                                                     "workload.caseload_cap": 30,
                                                                     "paperwork.audit_interval_weeks": None,
                                                                     "costs.clinician_salary_annual": 123456.5},
                        from_week=78, weeks=(120, 20))
    params = question.query()
    assert params["costs.clinician_salary_annual"] == "123456.5"  # exact: :g would write 123457
    state: dict[str, Any] = {}
    choices = {"baseline.yaml": Scenario(), "ai_scribe.yaml": Scenario()}
    assert restore(params, choices, state) == []
    assert state["chosen"] == "baseline.yaml"
    assert state["reference"] == "ai_scribe.yaml"
    assert (state["replications"], state["seed"], state["from_week"], state["timed"]) == (12, 4242, 78, True)
    assert (state["horizon:baseline.yaml"], state["warmup:baseline.yaml"]) == (120, 20)
    assert state[lever_key("baseline.yaml", "paperwork.note_minutes.mean")] == 20.5
    assert state[lever_key("baseline.yaml", "workload.caseload_cap")] == 30
    assert state[lever_key("baseline.yaml", "paperwork.audit_interval_weeks") + ":off"] is True
    assert state[lever_key("baseline.yaml", "costs.clinician_salary_annual")] == 123456.5


def test_a_link_with_values_no_widget_can_hold_says_which_were_left_out() -> None:
    state: dict[str, Any] = {}
    choices = {"baseline.yaml": Scenario()}
    problems = restore({"scenario": "baseline.yaml", "reps": "900", "seed": "x", "workload.caseload_cap": "9999",
                        "nonsense.path": "1", "reference": "gone.yaml"}, choices, state)
    assert len(problems) == 5
    assert not {"replications", "seed", "reference"} & set(state)
    assert restore({"scenario": "uploaded: mine.yaml"}, choices, {})[0].endswith("upload it again")


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


def test_a_clinicians_week_draws_paperwork_as_the_time_split_counts_it() -> None:
    traced = week_trace(Scenario(), seed=11)  # 50 clinicians: hundreds of no-show slots
    assert (traced.activity == "no_show").sum() > 50
    drawn = as_drawn(traced)
    assert not drawn.activity.isin(["no_show", "blocked"]).any()
    assert drawn.minutes.sum() == pytest.approx(traced.minutes.sum())  # split, never lost or added
    desk = drawn[drawn.activity.isin(["paperwork", "slot_paperwork"])].groupby(["clinician", "day"]).minutes.sum()
    days = traced.groupby(["clinician", "day"]).desk_min.first()
    worked = days[days.index.isin(desk.index)]
    # the day records' desk minutes, which the time split sums, are exactly the paperwork drawn each day
    assert desk.reindex(worked.index).to_numpy() == pytest.approx(worked.to_numpy())
    assert (drawn.activity == "slot_paperwork").any()


def test_the_preselected_clinician_is_the_one_whose_exhaustion_rose_most() -> None:
    blocks = pd.DataFrame({"clinician": [1, 1, 2, 2, 3], "week": [1, 9, 1, 9, 1], "ee": [10, 30, 20, 25, 5.0]})
    assert pick_clinician(blocks) == 1  # clinician 3 left before week 9
    nobody_stayed = pd.DataFrame({"clinician": [3, 4], "week": [1, 9], "ee": [5.0, 6.0]})
    assert pick_clinician(nobody_stayed) is None
    assert pick_clinician(blocks.iloc[:0]) is None
    activity = blocks.assign(activity=["leave", "session", "session", "session", "session"])
    assert pick_clinician(activity) == 2
    assert pick_clinician(activity.assign(activity="leave")) == 1


def test_a_timed_policy_is_marked_where_it_takes_effect() -> None:
    timed = apply_levers(Scenario(), {"paperwork.offload_share": 0.3}, from_week=78)
    assert policy_marks(timed) == [(78, "week 78: the lever changes")]
    assert policy_marks(Scenario()) == []


# --- downloads and comparisons ---

@pytest.fixture(scope="module")
def small_runs() -> tuple[ExperimentResult, ExperimentResult]:
    base = Scenario().with_changes(SMALL)
    return (run_experiment(base, replications=2, seed=5),
            run_experiment(base.with_changes({"paperwork.offload_share": 0.5}), replications=2, seed=5))


def _app_run(policy: ExperimentResult, base: ExperimentResult, label: str = "policy") -> AppRun:
    return AppRun(label, policy.scenario, "base", base.scenario, policy, base, None)


def test_the_downloads_reproduce_the_run(small_runs: tuple[ExperimentResult, ExperimentResult]) -> None:
    base, policy = small_runs
    run = _app_run(policy, base, "small, offloaded 50%")
    with zipfile.ZipFile(io.BytesIO(bundle(run))) as archive:
        names = set(archive.namelist())
        scenario_file = next(n for n in names if n.endswith(".yaml") and not n.startswith("reference"))
        reference_file = next(n for n in names if n.startswith("reference"))
        scenario = load_scenario_text(archive.read(scenario_file), name=scenario_file)
        reference = load_scenario_text(archive.read(reference_file), name=reference_file)
        assert f"paperwork-sim compare {reference_file} {scenario_file}" in archive.read("README.txt").decode()
    assert names >= {"replications.csv", "comparison.csv", "README.txt"}
    assert (scenario.seed, scenario.replications, reference.seed) == (5, 2, 5)
    assert scenario.name == "small, offloaded 50%"
    # the files alone, with their own seed and replications, give the figures on the screen
    assert run_experiment(scenario).summary.equals(policy.summary)
    assert run_experiment(reference).summary.equals(base.summary)
    table = pd.read_csv(io.StringIO(replications_csv(run)))
    assert set(table.seed) == {5}
    assert set(table.scenario) == {"small, offloaded 50%", "base"}
    assert set(pd.read_csv(io.StringIO(comparison_csv(run))).seed) == {5}


def test_compare_runs_lists_references_and_subtracts_only_paired_runs(
        small_runs: tuple[ExperimentResult, ExperimentResult]) -> None:
    base, policy = small_runs
    other_seed = run_experiment(base.scenario, replications=2, seed=6)
    runs = {"#1 policy": _app_run(policy, base), "#2 base": _app_run(base, base),
            "#3 other": _app_run(other_seed, other_seed)}
    rows = entries(runs, list(runs))
    assert [(row.name, row.role) for row in rows] == [("#1 policy", "run"), ("reference base (of #1)", "reference"),
                                                      ("#2 base", "run"), ("#3 other", "run")]
    assert unpaired_reason(base, other_seed) == "seed 6, not 5"
    differences, left_out = paired_differences(rows[1], [rows[0], rows[3]])
    assert left_out == ["#3 other: seed 6, not 5"]
    mine = differences.set_index("metric")
    assert mine.loc["after_hours_hours_per_clinician_week", "diff_mean"] == pytest.approx(
        compare(base, policy).set_index("metric").loc["after_hours_hours_per_clinician_week", "diff_mean"])
    assert set(differences.name) == {"#1 policy"}
    assert isinstance(rows[0], Entry)


def test_the_parameter_table_reads_as_words() -> None:
    rows = parameter_rows()
    assert len(rows) > 60
    for row in rows:
        assert "." not in row["parameter"], row
        assert "None" not in row["default"], row
        assert "_" not in row["parameter"], row
    note = next(row for row in rows if row["parameter"] == "note minutes")
    assert (note["section"], note["default"]) == ("Paperwork", "mean 15, sd 6")
    assert plain_value(None) == "none (switched off)"
    assert plain_value(60000.0) == "60,000"


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
        again = list(runner.paired(policy, base, 3, seed=9))
        assert again[-1].policy == final.policy
        assert runner.computed == 6
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
