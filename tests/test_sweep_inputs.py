"""Sweep files and sweep options a new user gets wrong: names that leave results/, fractions for whole numbers, and
the --reps and --set of a quick sweep (which must count as a different sweep when resumed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.inputs.errors import ScenarioError
from simulator.inputs.loader import COMMAND_LINE, load_scenario
from simulator.inputs.scenario import Scenario
from simulator.inputs.sweepfile import load_sweep

SWEEP = """\
name: {name}
base: tiny.yaml
design: oat
replications: 2
parameters:
  workload.caseload_cap: {values}
"""


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY)
    return tmp_path


def sweep_file(folder: Path, *, name: str = "quick", values: str = "[30, 36]") -> Path:
    path = folder / "sweep.yaml"
    path.write_text(SWEEP.format(name=name, values=values))
    return path


# --- 5. a sweep's name is a plain file name ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", ".hidden", "'..'", "'a b'", "'-rf'"])
def test_a_name_that_is_not_a_plain_word_is_refused_at_its_line(folder: Path, name: str) -> None:
    with pytest.raises(ScenarioError) as error:
        load_sweep(sweep_file(folder, name=name))
    (problem,) = error.value.problems
    assert (problem.line, problem.field) == (1, "name")
    assert problem.message.startswith("must be a plain name of letters, digits")


def test_a_bad_name_writes_nothing_anywhere(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = folder / "deep" / "er"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = invoke("sweep", sweep_file(folder, name="../../escaped"))
    assert result.exit_code == 2, result.output
    assert f"{folder / 'sweep.yaml'}:1: name: must be a plain name" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["deep", "sweep.yaml", "tiny.yaml"]
    assert not list(work.iterdir())


@pytest.mark.parametrize("name", ["notes_by_target", "run-2.v3", "A1"])
def test_plain_names_are_kept(folder: Path, name: str) -> None:
    assert load_sweep(sweep_file(folder, name=name)).name == name


# --- 8. whole-number parameters take whole values -------------------------------------------------------------


@pytest.mark.parametrize(("values", "bad"), [("[30.5, 35.7]", "30.5"), ("{low: 30, high: 35.5}", "35.5")])
def test_fractions_for_a_whole_number_parameter_are_refused_not_rounded(folder: Path, values: str, bad: str) -> None:
    with pytest.raises(ScenarioError) as error:
        load_sweep(sweep_file(folder, values=values))
    (problem,) = error.value.problems
    assert (problem.line, problem.field) == (6, "parameters.workload.caseload_cap")
    assert f"'workload.caseload_cap' takes whole numbers, so {bad} cannot be used" in problem.message


def test_whole_values_and_generated_levels_still_work(folder: Path) -> None:
    cap = Scenario().workload.caseload_cap  # the base point's value
    assert sorted(load_sweep(sweep_file(folder, values="[30.0, 36]")).design["workload.caseload_cap"]) == [30, 36, cap]
    levels = load_sweep(sweep_file(folder, values="{low: 30, high: 40, levels: 4}")).design
    assert sorted(levels["workload.caseload_cap"]) == sorted({30, 33, 37, 40, cap})  # generated levels rounded


# --- 12. --reps and --set for a quick sweep, part of the sweep's identity --------------------------------------------


def test_reps_and_set_change_the_loaded_sweep(folder: Path) -> None:
    path = sweep_file(folder)
    sweep = load_sweep(path, replications=1, overrides=["staff.clinicians=6"])
    assert (sweep.replications, sweep.base.staff.clinicians) == (1, 6)
    plain, tiny = load_sweep(path), load_scenario(folder / "tiny.yaml")
    assert (plain.replications, plain.base.staff.clinicians) == (2, tiny.staff.clinicians)
    assert len({sweep.fingerprint(), plain.fingerprint(), load_sweep(path, replications=1).fingerprint()}) == 3
    with pytest.raises(ScenarioError) as error:
        load_sweep(path, overrides=["staff.clinicianz=6"])
    assert (error.value.problems[0].file, error.value.problems[0].field) == (COMMAND_LINE, "staff.clinicianz")


def test_cli_sweep_with_reps_and_set_and_a_resume_with_other_values_is_refused(folder: Path) -> None:
    path, out = sweep_file(folder), folder / "out"
    first = invoke("sweep", path, "--out", out, "--reps", 1, "--set", "staff.clinicians=6")
    assert first.exit_code == 0, first.output
    table = pd.read_parquet(out / "results.parquet")
    assert table["replication"].tolist() == [0, 0, 0]  # 3 points x 1 replication, not 2
    assert load_scenario(out / "base.yaml").staff.clinicians == 6
    for other in (["--reps", 2, "--set", "staff.clinicians=6"], ["--reps", 1], []):
        again = invoke("sweep", path, "--out", out, *other)
        assert again.exit_code == 2, again.output
        assert "holds the results of a different sweep" in again.output
    same = invoke("sweep", path, "--out", out, "--reps", 1, "--set", "staff.clinicians=6")
    assert same.exit_code == 0, same.output
