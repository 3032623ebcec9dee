"""Inputs a new user gets wrong without noticing: each must be refused (or warned about) at its file, line and field.

Booleans where numbers belong, policies after the end of the run, files that are not files, alias bombs reported
at the alias, and values in the wrong unit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tiny import TINY
from typer.testing import CliRunner

from simulator import cli
from simulator.inputs.diff import ABSENT, Difference, scenario_diff
from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.loader import COMMAND_LINE, load_scenario, load_scenario_text, read_scenario
from simulator.inputs.sweepfile import load_sweep
from simulator.inputs.units import far_outside


def only_problem(error: pytest.ExceptionInfo[ScenarioError]) -> Problem:
    assert len(error.value.problems) == 1, str(error.value)
    return error.value.problems[0]


def refused(text: str, overrides: tuple[str, ...] = ()) -> Problem:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, name="in.yaml", overrides=overrides)
    return only_problem(error)


# --- 1. booleans where numbers belong ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "field"), [
    ("name: b\ndemand:\n  no_show_rate: yes\n", 3, "demand.no_show_rate"),
    ("name: b\nstaff: {clinicians: true}\n", 2, "staff.clinicians"),
    ("name: b\npaperwork:\n  note_minutes: {mean: on, sd: 1}\n", 3, "paperwork.note_minutes.mean"),
    ("name: b\ndemand:\n  patience_weeks: no\n", 3, "demand.patience_weeks"),  # a number or null, never false
    ("name: b\nseed: false\n", 2, "seed"),
])
def test_a_boolean_where_a_number_belongs_is_refused(text: str, line: int, field: str) -> None:
    problem = refused(text)
    assert (problem.file, problem.line, problem.field) == ("in.yaml", line, field)
    assert problem.message.startswith("must be a number, not true/false")


def test_a_boolean_inside_a_list_of_numbers_is_refused_naming_the_item() -> None:
    problem = refused("name: b\ndemand:\n  weekly_profile: [1, 1.2, yes]\n")
    assert (problem.line, problem.field) == (3, "demand.weekly_profile")
    assert "item 2 is true" in problem.message


def test_a_boolean_in_set_or_in_a_policy_is_refused() -> None:
    problem = refused("name: b\n", ("demand.no_show_rate=yes",))
    assert (problem.file, problem.line, problem.field) == (COMMAND_LINE, None, "demand.no_show_rate")
    assert "not true/false" in problem.message
    policy = refused("name: b\npolicies:\n  - at_week: 3\n    name: p\n    set: {staff.clinicians: true}\n")
    assert (policy.line, policy.field) == (5, "policies.0.set.staff.clinicians")
    assert "not true/false" in policy.message


def test_booleans_still_switch_the_switches_and_numbers_still_count() -> None:
    scenario = load_scenario_text("name: b\npaperwork: {enabled: false}\nstaff: {clinicians: 1}\n"
                                  "demand: {no_show_rate: 1, weekly_profile: [1, 0]}\n")
    assert scenario.paperwork.enabled is False
    assert (scenario.staff.clinicians, scenario.demand.no_show_rate) == (1, 1.0)


def test_a_boolean_in_a_sweep_file_is_refused_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY)
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("name: s\nbase: tiny.yaml\ndesign: oat\nreplications: 1\nparameters:\n"
                     "  workload.caseload_cap: [true, 35]\n  paperwork.offload_share: {low: no, high: 0.3}\n")
    with pytest.raises(ScenarioError) as error:
        load_sweep(sweep)
    located = {(p.line, p.field) for p in error.value.problems}
    assert located == {(6, "parameters.workload.caseload_cap.values"), (7, "parameters.paperwork.offload_share.low")}
    assert all("true/false" in p.message for p in error.value.problems)


# --- 4. policies that never happen -------------------------------------------------------------------------------

POLICY = "name: p\nhorizon_weeks: 30\nwarmup_weeks: 4\npolicies:\n  - name: late\n    at_week: {week}\n" \
         "    set: {{paperwork.offload_share: 0.3}}\n"


@pytest.mark.parametrize("week", [30, 31.5, 5000])
def test_a_policy_at_or_after_the_horizon_is_refused_at_its_line(week: float) -> None:
    problem = refused(POLICY.format(week=week))
    assert (problem.file, problem.line, problem.field) == ("in.yaml", 6, "policies.0.at_week")
    assert "horizon_weeks 30" in problem.message
    assert "never take effect" in problem.message


def test_a_policy_in_the_last_week_runs_and_a_shorter_horizon_from_the_command_line_is_refused() -> None:
    assert load_scenario_text(POLICY.format(week=29.5)).policies[0].at_week == 29.5
    problem = refused(POLICY.format(week=20), ("horizon_weeks=20",))
    assert (problem.line, problem.field) == (6, "policies.0.at_week")


# --- 7. things that are not scenario files; where extends looked; budgets worded by what happened ---------------


def test_a_directory_is_called_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario(tmp_path)
    assert only_problem(error).message == f"cannot read '{tmp_path}': is a directory, not a scenario file"


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX FIFOs and devices")
def test_a_fifo_or_a_device_is_refused_at_once_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait forever
    for path, what in ((fifo, "a named pipe (FIFO)"), (Path("/dev/zero"), "a device")):
        with pytest.raises(ScenarioError) as error:
            load_scenario(path)
        assert only_problem(error).message == f"cannot read '{path}': is not a regular file but {what}"
    sweep = tmp_path / "sweep.yaml"
    os.mkfifo(sweep)
    with pytest.raises(ScenarioError, match="named pipe"):
        load_sweep(sweep)


def test_a_missing_file_says_the_full_path_it_tried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as error:
        load_scenario("nowhere.yaml")
    assert only_problem(error).message.endswith(f"no such file (looked for {tmp_path / 'nowhere.yaml'})")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
def test_a_symlinked_scenario_says_where_it_looked_for_its_base(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "base.yaml").write_text("name: base\n")
    (tmp_path / "real" / "child.yaml").write_text("name: child\nextends: base.yaml\n")
    (tmp_path / "work").mkdir()
    link = tmp_path / "work" / "child.yaml"
    link.symlink_to(tmp_path / "real" / "child.yaml")
    with pytest.raises(ScenarioError) as error:
        load_scenario(link)
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == (str(link), 2, "extends")
    assert f"looked for {tmp_path / 'work' / 'base.yaml'}" in problem.message
    assert f"beside the link '{link}', not beside its target {tmp_path / 'real' / 'child.yaml'}" in problem.message


def test_a_long_list_without_aliases_is_too_many_values_at_its_line() -> None:
    problem = refused("name: big\ndemand:\n  weekly_profile: [" + ", ".join(["1"] * 20_000) + "]\n")
    assert (problem.line, problem.field) == (3, "demand")
    assert "more than 10,000 values" in problem.message
    assert "alias" not in problem.message


def test_nesting_through_aliases_is_too_deep_at_the_alias() -> None:
    lines = ["x0: &x0 1"] + [f"x{i}: &x{i} " + "[" * 9 + f"*x{i - 1}" + "]" * 9 for i in range(1, 10)]
    problem = refused("\n".join(lines) + "\n")
    assert (problem.line, problem.field) == (9, "x8")  # x7 holds 63 levels; inside 10 more it passes 64
    assert "the alias '*x7' stands for 63 levels of nesting" in problem.message
    assert "past 64 levels" in problem.message


# --- 9. unit slips, as the loader exposes them to the app ----------------------------------------------------------

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_the_loader_returns_warnings_for_far_outside_values_without_refusing(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("name: base\nturnover:\n  onboarding_weeks: 1\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: c\npaperwork: {note_minutes: {mean: 0.25}}\npolicies:\n"
                     "  - {at_week: 3, name: p, set: {workload.caseload_cap: 400}}\n")
    loaded = read_scenario(child, ["paperwork.offload_share=0.3"])
    assert loaded.scenario.paperwork.note_minutes.mean == 0.25  # a warning, not a refusal
    assert loaded.files == (child.resolve(), (tmp_path / "base.yaml").resolve())
    located = [(Path(w.file).name, w.line, w.field) for w in loaded.warnings]
    assert located == [("child.yaml", 3, "paperwork.note_minutes.mean"), ("base.yaml", 3, "turnover.onboarding_weeks"),
                       ("child.yaml", 5, "policies.0.set.workload.caseload_cap")]
    assert all(w.message.startswith("warning: ") for w in loaded.warnings)
    assert "1 weeks is far below the evidence range 8-26 weeks" in loaded.warnings[1].message


@pytest.mark.parametrize(("path", "value", "fragment"), [
    ("paperwork.note_minutes.mean", 0.99, "far below"), ("paperwork.note_minutes.mean", 151, "far above"),
    ("paperwork.plan_review_days", 3, "given in months? 3 months = 91.2 days"),
])
def test_far_outside_means_beyond_a_fifth_or_five_times_the_evidence_range(path: str, value: float,
                                                                             fragment: str) -> None:
    assert fragment in str(far_outside(path, value))
    for inside in (1.0, 150.0, 10.0):  # a fifth of 5 min, five times 30 min, a bold but plausible what-if
        assert far_outside("paperwork.note_minutes.mean", inside) is None
    assert far_outside("paperwork.offload_share", 0.0) is None  # a range starting at 0 has no "far below"
    assert far_outside("paperwork.after_hours_max_minutes_per_day", 0) is None  # 0 is "none" in any unit
    assert far_outside("staff.clinicians", 1_000) is None  # no evidence range, no opinion


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scenarios_have_no_unit_warnings(path: Path) -> None:
    assert read_scenario(path).warnings == ()


# --- 11. what differs between two scenarios -----------------------------------------------------------------------


def test_scenario_diff_lists_resolved_differences_with_units_in_schema_order() -> None:
    base = load_scenario(SCENARIOS / "baseline.yaml")
    scribe = load_scenario(SCENARIOS / "ai_scribe.yaml")
    assert scenario_diff(base, scribe) == [
        Difference("paperwork.offload_share", 0.0, 0.25, "share"),
        Difference("costs.tool_cost_per_clinician_month", 0.0, 150.0, "USD/clinician-month")]
    assert scenario_diff(base, base) == []
    changed = base.with_changes({"paperwork.note_minutes.sd": 2, "demand.patience_weeks": None,
                                 "policies": [{"at_week": 30, "name": "cap", "set": {"workload.caseload_cap": 30}}]})
    assert [(d.path, d.a, d.b, d.unit) for d in scenario_diff(base, changed)] == [
        ("demand.patience_weeks", 12.0, None, "weeks"), ("paperwork.note_minutes.sd", 6.0, 2.0, "min/note"),
        ("policies.0", ABSENT, "week 30, 'cap': workload.caseload_cap=30", "")]
    assert scenario_diff(base, base.with_changes({"name": "x", "description": "y"})) == []  # labels, not parameters


def test_diff_command_prints_each_difference_and_exits_0(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["diff", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "ai_scribe.yaml")],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "paperwork.offload_share" in line)
    assert [cell.strip() for cell in row.split("│")[1:-1]] == ["paperwork.offload_share", "0", "0.25", "share"]
    same = CliRunner().invoke(cli.app, ["diff", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "baseline.yaml")])
    assert (same.exit_code, "no parameter differs" in same.stdout) == (0, True)


# --- 11. what extends inherits ----------------------------------------------------------------------------------


def test_a_description_is_not_inherited_through_extends(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("name: base\ndescription: The calibrated clinic.\nseed: 7\n")
    (tmp_path / "middle.yaml").write_text("extends: base.yaml\nname: middle\n")
    (tmp_path / "own.yaml").write_text("extends: middle.yaml\nname: own\ndescription: Mine.\n")
    (tmp_path / "bottom.yaml").write_text("extends: own.yaml\nname: bottom\n")
    middle, own, bottom = (load_scenario(tmp_path / f"{n}.yaml") for n in ("middle", "own", "bottom"))
    assert (middle.description, middle.seed) == ("", 7)  # everything else is inherited
    assert (own.description, bottom.description) == ("Mine.", "")
    assert load_scenario(tmp_path / "base.yaml").description == "The calibrated clinic."
