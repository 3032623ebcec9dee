"""Inputs a new user gets wrong without noticing: each must be refused (or warned about) at its file, line and field.

Booleans where numbers belong, policies after the end of the run, files that are not files, alias bombs reported
at the alias, and values in the wrong unit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny import TINY

from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.loader import COMMAND_LINE, load_scenario_text
from simulator.inputs.sweepfile import load_sweep


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
