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
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def assert_clean_failure(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


# --- 6. replications: bounds, blanks, and an estimate -------------------------------------------------------------


def test_min_above_max_is_refused_before_anything_runs(tiny: Path) -> None:
    result = invoke("replications", tiny, "--target", "departures=1", "--min", 8, "--max", 4)
    assert_clean_failure(result, "<command line>: --min: 8 is more than --max 4")
    assert "replications" not in result.stdout  # no table: nothing ran


def test_a_target_not_met_is_blank_with_an_estimate_of_the_replications_needed(tiny: Path) -> None:
    result = invoke("replications", tiny, "--target", "departures=0.01", "--target", "sessions_attended=1e9",
                    "--max", 3)
    assert result.exit_code == 0, result.output
    assert "None" not in result.stdout
    unmet = next(line for line in result.stdout.splitlines() if " departures " in line)
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
