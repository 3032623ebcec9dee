"""Command-line inputs that used to be accepted and mislead: impossible replication bounds, "None" for a target not
met, unpaired comparisons, and values far outside their evidence range (warned about, not refused)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.experiments.advice import Target, estimate_replications, half_width
from simulator.experiments.experiment import t_quantile


def invoke(*args: object) -> Result:
    return runner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


def runner() -> CliRunner:
    """A runner that keeps stderr apart (Click 8.2 always does; 8.1 needs asking, and 8.2 refuses the question)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg,unused-ignore]
    except TypeError:
        return CliRunner()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def assert_clean_failure(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, text


# --- 6. replications: bounds, blanks, and an estimate -------------------------------------------------------------


def test_min_above_max_is_refused_before_anything_runs(tiny: Path) -> None:
    result = invoke("replications", tiny, "--target", "departures=1", "--min", 8, "--max", 4)
    assert_clean_failure(result, "<command line>: --min: 8 is more than --max 4")
    assert "replications" not in result.stdout  # no table: nothing ran


def test_a_target_not_met_is_blank_with_an_estimate_of_the_replications_needed(tiny: Path) -> None:
    result = invoke("replications", tiny, "--target", "ee_mean=0.0001", "--target", "sessions_attended=1e9",
                    "--max", 3)
    assert result.exit_code == 0, result.output
    assert "None" not in result.stdout
    unmet = next(line for line in result.stdout.splitlines() if " ee_mean " in line)
    cells = [cell.strip() for cell in unmet.split("│")[1:-1]]
    assert cells[3] == ""  # replications_needed: blank, as promised
    assert int(cells[-1]) > 3  # replications_estimated: more than were run
    met = next(line for line in result.stdout.splitlines() if " sessions_attended " in line)
    assert [cell.strip() for cell in met.split("│")[1:-1]][-1] == ""  # met: nothing to estimate


def test_the_estimate_is_the_t_s_over_h_squared_rule() -> None:
    values = np.array([3.0, 5.0, 4.0, 8.0, 6.0])
    s, t = float(values.std(ddof=1)), t_quantile(0.975, 4)
    assert estimate_replications(values, Target("departures", 0.5)) == math.ceil((t * s / 0.5) ** 2)
    # the same as scaling the current half-width: n * (h / target)^2
    assert estimate_replications(values, Target("departures", 0.5)) == math.ceil(5 * (half_width(values) / 0.5) ** 2)
    relative = Target("departures", 0.05, relative=True)  # 5% of the mean, 5.2
    assert estimate_replications(values, relative) == math.ceil((t * s / (0.05 * 5.2)) ** 2)
    assert estimate_replications(values[:1], relative) is None


# --- 3. compare refuses what it cannot pair --------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "field", "mine", "theirs"), [
    ("horizon_weeks: 20", "horizon_weeks", "30", "20"), ("warmup_weeks: 4", "warmup_weeks", "6", "4")])
def test_compare_of_different_measured_windows_is_refused_naming_both(tiny: Path, change: str, field: str,
                                                                       mine: str, theirs: str) -> None:
    other = tiny.with_name("other.yaml")
    other.write_text(TINY.replace(change, f"{field}: {mine}"))
    line = TINY.splitlines().index(change) + 1
    result = invoke("compare", tiny, other)
    assert_clean_failure(result, f"{other}:{line}: {field}: {mine} here but {theirs} in {tiny}:{line}")
    assert "paired" not in result.stdout


def test_compare_pairs_once_set_makes_the_windows_equal(tiny: Path) -> None:
    other = tiny.with_name("other.yaml")
    other.write_text(TINY.replace("horizon_weeks: 20", "horizon_weeks: 30"))
    result = invoke("compare", tiny, other, "--reps", 1, "--set", "horizon_weeks=24")
    assert result.exit_code == 0, result.output
    assert "1 paired replications" in result.stdout


def test_a_default_window_is_named_as_the_default(tiny: Path) -> None:
    other = tiny.with_name("other.yaml")
    other.write_text("name: other\nreplications: 2\n")  # the default 208 weeks
    assert_clean_failure(invoke("compare", tiny, other), f"{other}: horizon_weeks: 208 here but 20 in {tiny}:2",
                         f"{other}: warmup_weeks: 52 here but 4 in {tiny}:3")


# --- 9. unit slips: warned about on stderr, and the run goes on --------------------------------------------------


def test_a_value_far_outside_its_evidence_range_is_warned_about_with_file_line_and_unit(tiny: Path) -> None:
    slip = tiny.with_name("slip.yaml")
    slip.write_text(TINY + "paperwork:\n  note_minutes: {mean: 0.25}\n")
    expected = (f"{slip}:8: paperwork.note_minutes.mean: warning: 0.25 min/note is far below the evidence range "
                "5-30 min/note (given in hours? 0.25 hours = 15 min/note)")
    for args in (["validate", slip], ["run", slip, "--reps", 1]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert expected in result.stderr
    compared = invoke("compare", tiny, slip, "--reps", 1)
    assert compared.exit_code == 0
    assert expected in compared.stderr
    assert "warning" not in invoke("validate", tiny).stderr


def test_set_and_a_sweep_base_are_warned_about_too(tiny: Path) -> None:
    result = invoke("validate", tiny)
    assert result.exit_code == 0
    run = invoke("run", tiny, "--reps", 1, "--set", "turnover.time_to_fill_weeks.mean=200")
    assert run.exit_code == 0, run.output
    assert ("<command line>: turnover.time_to_fill_weeks.mean: warning: 200 weeks is far above the evidence range "
            "8.7-39 weeks (given in days? 200 days = 28.6 weeks)") in run.stderr
    sweep = tiny.with_name("sweep.yaml")
    sweep.write_text("name: s\nbase: tiny.yaml\nset: {workload.caseload_cap: 400}\ndesign: grid\nreplications: 1\n"
                     "parameters:\n  paperwork.offload_share: [0.1]\n")
    swept = invoke("sweep", sweep, "--out", tiny.with_name("out"))
    assert swept.exit_code == 0, swept.output
    assert f"{sweep}:3: workload.caseload_cap: warning: 400 clients is far above" in swept.stderr
