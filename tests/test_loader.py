"""The loader: YAML scenario files to a validated Scenario, with every problem pinned to file, line and field."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.loader import (
    COMMAND_LINE,
    apply_overrides,
    dump_scenario,
    load_scenario,
    load_scenario_text,
    parse_override,
)
from simulator.inputs.scenario import Scenario
from simulator.inputs.yamlsource import MAX_DEPTH, MAX_NODES

BAD = Path(__file__).resolve().parent / "bad_scenarios"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def problems_of(error: pytest.ExceptionInfo[ScenarioError]) -> tuple[Problem, ...]:
    return error.value.problems


def only_problem(error: pytest.ExceptionInfo[ScenarioError]) -> Problem:
    assert len(error.value.problems) == 1, str(error.value)
    return error.value.problems[0]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- bad files: file, line, field and reason -----------------------------------------------------------------

BAD_FILES = [
    ("unknown_key.yaml", "unknown_key.yaml", 4, "paperwork.note_minuts",
     "unknown key 'note_minuts'; did you mean 'note_minutes'?"),
    ("duplicate_key.yaml", "duplicate_key.yaml", 6, "staff.clinicians",
     "duplicate key 'clinicians' (first at line 4)"),
    ("wrong_type.yaml", "wrong_type.yaml", 4, "staff.clinicians", "must be a whole number (got 'fifty')"),
    ("negative.yaml", "negative.yaml", 4, "demand.referrals_per_week", "must be ≥ 0 referrals/week (got -10)"),
    ("probability.yaml", "probability.yaml", 4, "demand.no_show_rate", "must be ≤ 1 probability (got 1.2)"),
    ("warmup.yaml", "warmup.yaml", 4, "warmup_weeks", "must be less than horizon_weeks"),
    ("syntax_error.yaml", "syntax_error.yaml", 5, "", "YAML syntax error"),
    ("empty.yaml", "empty.yaml", None, "", "the file is empty"),
    ("top_list.yaml", "top_list.yaml", 2, "", "must be a mapping of keys"),
    ("merge_key.yaml", "merge_key.yaml", 6, "staff.<<", "merge keys ('<<') are not supported"),
    ("cycle_a.yaml", "cycle_b.yaml", 3, "extends", "extends cycle: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml"),
    ("cycle_b.yaml", "cycle_a.yaml", 2, "extends", "extends cycle: cycle_b.yaml -> cycle_a.yaml -> cycle_b.yaml"),
    ("extends_missing.yaml", "extends_missing.yaml", 3, "extends", "no_such_parent.yaml': no such file"),
    ("bad_policy_value.yaml", "bad_policy_value.yaml", 7, "policies.0.set.paperwork.offload_share",
     "must be ≤ 0.95 (got 1.5)"),
    ("unknown_policy_path.yaml", "unknown_policy_path.yaml", 7, "policies.0.set.paperwork.ofload_share",
     "unknown parameter 'paperwork.ofload_share'; did you mean 'paperwork.offload_share'?"),
]


@pytest.mark.parametrize(("fixture", "file", "line", "field", "fragment"), BAD_FILES,
                         ids=[row[0] for row in BAD_FILES])
def test_bad_file_names_file_line_field_and_reason(fixture: str, file: str, line: int | None, field: str,
                                                   fragment: str) -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario(BAD / fixture)
    problem = only_problem(error)
    assert Path(problem.file).name == file
    assert problem.line == line
    assert problem.field == field
    assert fragment in problem.message


def test_every_bad_fixture_is_in_the_table() -> None:
    assert {path.name for path in BAD.glob("*.yaml")} == {row[0] for row in BAD_FILES}


def test_non_utf8_bytes_are_a_problem_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\ndescription: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "")
    assert "not valid UTF-8" in problem.message


def test_missing_top_level_file_is_a_problem_not_oserror(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario(tmp_path / "nope.yaml")
    problem = only_problem(error)
    assert (problem.file, problem.line) == (str(tmp_path / "nope.yaml"), None)
    assert "no such file" in problem.message


def test_all_problems_are_reported_not_just_the_first() -> None:
    text = "staff:\n  clinicians: 0\ndemand:\n  no_show_rate: 2\nworkload:\n  caseload_kap: 3\n"
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, name="many.yaml", overrides=["seed=-1", "staf.clinicians=3"])
    located = {(p.file, p.line, p.field) for p in problems_of(error)}
    assert located == {("many.yaml", 2, "staff.clinicians"), ("many.yaml", 4, "demand.no_show_rate"),
                       ("many.yaml", 6, "workload.caseload_kap"), (COMMAND_LINE, None, "seed"),
                       (COMMAND_LINE, None, "staf.clinicians")}


def test_error_prints_one_line_per_problem() -> None:
    error = ScenarioError([Problem("a.yaml", 3, "staff.clinicians", "must be ≥ 1 (got 0)"),
                           Problem("a.yaml", None, "", "two\nlines")])
    assert str(error).splitlines() == ["a.yaml:3: staff.clinicians: must be ≥ 1 (got 0)", "a.yaml: two lines"]


def test_error_survives_pickling() -> None:
    error = ScenarioError([Problem("a.yaml", 3, "seed", "bad")])
    assert pickle.loads(pickle.dumps(error)).problems == error.problems


def test_missing_key_is_reported_at_its_parent_line() -> None:
    text = "name: x\npolicies:\n  - at_week: 3\n    set: {seed: 1}\n"
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text)
    problem = only_problem(error)
    assert (problem.line, problem.field, problem.message) == (3, "policies.0.name", "is required but missing")


def test_key_in_the_wrong_section_points_to_the_right_one() -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("paperwork:\n  caseload_cap: 30\n")
    assert "did you mean 'workload.caseload_cap'?" in only_problem(error).message


def test_distribution_given_as_a_number_says_what_it_needs() -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("paperwork:\n  note_minutes: 20\n")
    assert only_problem(error).message == "must be a mapping of keys such as mean, sd (got 20)"


@pytest.mark.parametrize(("text", "line", "field", "fragment"), [
    ("yes: 1\n", 1, "yes", "read as true/false"),
    ("name: x\n[a, b]: 1\n", 2, "", "a key must be a plain name"),
    ("name: !!python/object:os.system x\n", 1, "name", "cannot read this value"),
    ("staff: !!set {a}\n", 1, "staff", "tag 'tag:yaml.org,2002:set' is not supported"),
    ("name: 2024-13-45\n", 1, "name", "month must be in 1..12"),
    ("name: x\n---\nname: y\n", 2, "", "a second YAML document"),
    ("name: \x07\n", 1, "", "#x0007 is not allowed"),
    ("a: *nowhere\n", 1, "", "undefined alias"),
    ("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", 1, "", f"more than {MAX_DEPTH} levels"),
    ("a: &a [*a]\n", 1, "a", "the alias '*a' is inside the collection '&a' it names"),
])
def test_unsafe_or_odd_yaml_is_a_problem(text: str, line: int, field: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, name="odd.yaml")
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == ("odd.yaml", line, field)
    assert fragment in problem.message


def test_alias_bomb_is_stopped() -> None:
    levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("\n".join(levels) + "\n")
    problem = only_problem(error)
    assert (problem.line, problem.field) == (4, "l3")  # the alias whose expansion goes over the budget
    assert f"the alias '*l2' repeats the 1,111 values of '&l2', taking the document past {MAX_NODES:,} values" \
        in problem.message


def test_a_few_aliases_are_fine() -> None:
    text = "name: &n shared\ndescription: *n\n"
    assert load_scenario_text(text).description == "shared"


def test_byte_order_mark_is_accepted() -> None:
    assert load_scenario_text(b"\xef\xbb\xbfname: bom\n").name == "bom"


# --- extends ---------------------------------------------------------------------------------------------------

PARENT = """\
name: parent
staff:
  clinicians: 30
  admin_staff: 2
paperwork:
  note_minutes: {mean: 10, sd: 2}
policies:
  - {at_week: 10, name: one, set: {paperwork.offload_share: 0.1}}
  - {at_week: 20, name: two, set: {paperwork.offload_share: 0.2}}
"""


def test_child_overrides_parent_and_inherits_the_rest(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", PARENT)
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\nname: child\nstaff:\n  clinicians: 35\n"
                  "paperwork:\n  note_minutes: {mean: 12}\npolicies:\n  - {at_week: 5, name: only, set: {}}\n")
    scenario = load_scenario(child)
    assert (scenario.name, scenario.staff.clinicians, scenario.staff.admin_staff) == ("child", 35, 2)
    assert (scenario.paperwork.note_minutes.mean, scenario.paperwork.note_minutes.sd) == (12, 2)
    assert [policy.name for policy in scenario.policies] == ["only"]  # lists replace, they do not merge


def test_error_in_parent_names_the_parent_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", PARENT.replace("clinicians: 30", "clinicians: 0"))
    child = write(tmp_path / "child.yaml", "name: child\nextends: parent.yaml\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == (str(tmp_path / "parent.yaml"), 3, "staff.clinicians")


def test_child_value_overriding_a_bad_parent_value_is_reported_in_the_child(tmp_path: Path) -> None:
    write(tmp_path / "parent.yaml", "name: parent\nstaff:\n  clinicians: 10\n")
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\n\nstaff:\n  clinicians: -1\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(child)
    assert (only_problem(error).file, only_problem(error).line) == (str(child), 4)


def test_extends_resolves_relative_to_the_file_that_says_it(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "shared" / "common.yaml", "name: common\nseed: 7\nstaff:\n  clinicians: 0\n")
    write(tmp_path / "base.yaml", "extends: shared/common.yaml\nstaff:\n  admin_staff: 1\n")
    write(tmp_path / "sub" / "child.yaml", "extends: ../base.yaml\nname: child\n")
    monkeypatch.chdir(tmp_path / "shared")  # the working directory must not matter
    with pytest.raises(ScenarioError) as error:
        load_scenario(tmp_path / "sub" / "child.yaml")
    assert only_problem(error).file == str(tmp_path / "shared" / "common.yaml")
    write(tmp_path / "shared" / "common.yaml", "name: common\nseed: 7\n")
    scenario = load_scenario(tmp_path / "sub" / "child.yaml")
    assert (scenario.name, scenario.seed, scenario.staff.admin_staff) == ("child", 7, 1)


def test_relative_path_as_given_labels_inherited_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "base.yaml", "seed: -3\n")
    write(tmp_path / "sub" / "child.yaml", "extends: ../base.yaml\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as error:
        load_scenario("sub/child.yaml")
    assert (only_problem(error).file, only_problem(error).line) == ("base.yaml", 1)


def test_allowed_root_rejects_targets_outside_it(tmp_path: Path) -> None:
    root = tmp_path / "scenarios"
    write(root / "base.yaml", "name: base\n")
    write(tmp_path / "secret.yaml", "name: secret\n")
    assert load_scenario_text("extends: base.yaml\n", allowed_root=root).name == "base"
    for target in ("../secret.yaml", str(tmp_path / "secret.yaml")):
        with pytest.raises(ScenarioError) as error:
            load_scenario_text(f"name: upload\nextends: {target}\n", allowed_root=root)
        problem = only_problem(error)
        assert (problem.file, problem.line, problem.field) == ("<upload>", 2, "extends")
        assert "outside the folder" in problem.message


def test_allowed_root_applies_to_grandparents(tmp_path: Path) -> None:
    root = tmp_path / "scenarios"
    write(root / "base.yaml", "extends: ../secret.yaml\n")
    write(tmp_path / "secret.yaml", "name: secret\n")
    child = write(root / "child.yaml", "extends: base.yaml\n")
    with pytest.raises(ScenarioError) as error:
        load_scenario(child, allowed_root=root)
    assert (Path(only_problem(error).file).name, only_problem(error).line) == ("base.yaml", 1)


def test_extends_must_be_a_path(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("extends: [a.yaml]\n", base_dir=tmp_path)
    assert (only_problem(error).field, only_problem(error).line) == ("extends", 1)


def test_extends_of_a_directory_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("extends: folder\n", base_dir=tmp_path)
    assert "is a directory" in only_problem(error).message


# --- overrides ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("paperwork.note_minutes.mean=20", ("paperwork.note_minutes.mean", 20)),
    ("paperwork.offload_share=0.2", ("paperwork.offload_share", 0.2)),
    ("demand.patience_weeks=null", ("demand.patience_weeks", None)),
    ("paperwork.enabled=false", ("paperwork.enabled", False)),
    ("name=a=b", ("name", "a=b")),
    ("name='20'", ("name", "20")),
    (" seed = 7", ("seed", 7)),
    ("paperwork.note_minutes={mean: 20, sd: 5}", ("paperwork.note_minutes", {"mean": 20, "sd": 5})),
    ("demand.weekly_profile=[1, 1.5]", ("demand.weekly_profile", [1, 1.5])),
])
def test_parse_override_reads_values_as_yaml(text: str, expected: tuple[str, Any]) -> None:
    path, value = parse_override(text)
    assert (path, value) == expected
    assert type(value) is type(expected[1])


@pytest.mark.parametrize("text", ["seed", "=3", "a..b=1", "seed=[1", "seed=!!python/name:os.system ''"])
def test_malformed_override_is_a_command_line_problem(text: str) -> None:
    with pytest.raises(ScenarioError) as error:
        parse_override(text)
    assert (only_problem(error).file, only_problem(error).line) == (COMMAND_LINE, None)


def test_unknown_override_path_suggests_the_right_name() -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("name: x\n", overrides=["paperwork.note_minuts.mean=20"])
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == (COMMAND_LINE, None, "paperwork.note_minuts.mean")
    assert problem.message == ("unknown parameter 'paperwork.note_minuts.mean'; "
                               "did you mean 'paperwork.note_minutes.mean'?")


def test_override_cannot_reach_inside_a_list() -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("name: x\n", overrides=["policies.0.at_week=3"])
    assert "'policies' has no parts to set" in only_problem(error).message


def test_bad_override_value_is_rejected_with_its_field() -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario(SCENARIOS / "baseline.yaml", ["paperwork.offload_share=2"])
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == (COMMAND_LINE, None, "paperwork.offload_share")
    assert problem.message == "must be ≤ 0.95 share (got 2)"


def test_overrides_apply_over_the_file_and_keep_sibling_values() -> None:
    text = "name: x\npaperwork:\n  note_minutes: {mean: 15, sd: 3}\n"
    scenario = load_scenario_text(text, overrides=["paperwork.note_minutes.mean=20", "staff.clinicians=7"])
    assert (scenario.paperwork.note_minutes.mean, scenario.paperwork.note_minutes.sd) == (20, 3)
    assert scenario.staff.clinicians == 7


def test_override_of_an_unwritten_distribution_keeps_its_default_sd() -> None:
    scenario = load_scenario_text("name: x\n", overrides=["paperwork.note_minutes.mean=20"])
    assert scenario.paperwork.note_minutes.sd == Scenario().paperwork.note_minutes.sd


def test_apply_overrides_keeps_policies_and_accepts_mappings() -> None:
    base = load_scenario_text(PARENT)
    changed = apply_overrides(base, {"staff.clinicians": 12, "paperwork.note_minutes.sd": 1})
    assert changed.policies == base.policies
    assert (changed.staff.clinicians, changed.paperwork.note_minutes) == (12, base.paperwork.note_minutes
                                                                          .model_copy(update={"sd": 1.0}))
    assert apply_overrides(base, ["seed=5"]).seed == 5


def test_apply_overrides_reports_bad_values_on_the_command_line() -> None:
    with pytest.raises(ScenarioError) as error:
        apply_overrides(Scenario(), ["warmup_weeks=500"])
    problem = only_problem(error)
    assert (problem.file, problem.line, problem.field) == (COMMAND_LINE, None, "warmup_weeks")


# --- dump ----------------------------------------------------------------------------------------------------------


def test_dump_is_plain_yaml_in_schema_order() -> None:
    text = dump_scenario(load_scenario_text(PARENT))
    assert "!!" not in text
    data = yaml.safe_load(text)
    assert list(data) == list(Scenario.model_fields)
    assert list(data["paperwork"]) == list(Scenario.model_fields["paperwork"].annotation.model_fields)  # type: ignore[union-attr]


@pytest.mark.parametrize("path", sorted(p for p in SCENARIOS.rglob("*.yaml") if "sweeps" not in p.parts),
                         ids=lambda path: path.name)
def test_dump_round_trips_shipped_scenarios(path: Path) -> None:
    scenario = load_scenario(path)
    assert load_scenario_text(dump_scenario(scenario)) == scenario


@settings(max_examples=100, deadline=None)
@given(clinicians=st.integers(1, 2000), share=st.floats(0, 0.95), mean=st.floats(0, 1e6),
       profile=st.none() | st.lists(st.floats(0, 10), min_size=1, max_size=5), name=st.text(max_size=30),
       policy_share=st.floats(0, 0.95))
def test_dump_round_trips(clinicians: int, share: float, mean: float, profile: list[float] | None, name: str,
                          policy_share: float) -> None:
    scenario = Scenario.model_validate({
        "name": name, "staff": {"clinicians": clinicians}, "demand": {"weekly_profile": profile},
        "paperwork": {"offload_share": share, "note_minutes": {"mean": mean, "sd": 1}},
        "policies": [{"at_week": 3, "name": "p", "set": {"paperwork.offload_share": policy_share}}]})
    assert load_scenario_text(dump_scenario(scenario)) == scenario


# --- nothing but ScenarioError ----------------------------------------------------------------------------------

TOKENS = ["name:", "staff:", "clinicians:", "extends:", "policies:", "set:", "paperwork.offload_share:",
          "<<:", "&a", "*a", "- ", "  ", "\n", "---", "[", "]", "{", "}", ",", ":", "'", '"', "!!python/tuple",
          "!!binary", "!!set", "1e999", "-1", "0.5", "null", "yes", "2024-13-45", "cycle_a.yaml", "x", "\t",
          "?", "|", ">", "#", "\x00", "é", "%YAML 1.1"]
yamlish = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


def outcome(source: str | bytes, overrides: list[str]) -> Scenario | ScenarioError:
    """The scenario, or the ScenarioError; any other exception escapes and fails the test."""
    try:
        return load_scenario_text(source, base_dir=BAD, allowed_root=BAD, overrides=overrides)
    except ScenarioError as error:
        return error


@settings(max_examples=200, deadline=None)
@given(source=st.text(max_size=200) | st.binary(max_size=200) | yamlish)
def test_any_input_gives_a_scenario_or_scenario_error(source: str | bytes) -> None:
    result = outcome(source, [])
    assert isinstance(result, Scenario) or (result.problems and all(isinstance(p, Problem) for p in result.problems))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60) | yamlish.map(lambda tokens: "staff.clinicians=" + tokens))
def test_any_override_gives_a_scenario_or_scenario_error(text: str) -> None:
    result = outcome("name: x\n", [text])
    assert isinstance(result, Scenario) or result.problems
