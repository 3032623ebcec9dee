"""The command line, driven through typer's CliRunner, and once as a real ``python -m simulator`` process.

Runs use a tiny self-contained agency (5 clinicians, 20 weeks) that takes about a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.inputs.loader import apply_overrides, load_scenario
from simulator.model.events import DAY_FIELDS
from simulator.outputs.files import atomic_write_frame, atomic_write_text
from simulator.outputs.metrics import METRICS

METRIC_NAMES = [m.name for m in METRICS]


def invoke(*args: object) -> Result:
    # A wide terminal so rich never wraps a metric name across lines.
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write(tmp_path / "tiny.yaml", TINY)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the tiny agency with 3 replications and seed 11, written to a directory (shared: it costs ~1 s)."""
    root = tmp_path_factory.mktemp("run")
    result = invoke("run", write(root / "tiny.yaml", TINY), "--reps", 3, "--seed", 11, "--out", root / "out")
    assert result.exit_code == 0, result.output
    return root


def summary(directory: Path) -> pd.DataFrame:
    return pd.read_csv(directory / "summary.csv")


def assert_clean_failure(result: Result, *fragments: str) -> None:
    """Exit code 2, every fragment in the message, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an exception escaping the command
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


# run


def test_run_prints_each_metric_with_its_interval_and_unit(tiny: Path) -> None:
    result = invoke("run", tiny)
    assert result.exit_code == 0, result.output
    for metric in METRICS:
        line = next(line for line in result.stdout.splitlines() if f" {metric.name} " in line)
        assert metric.unit in line
        assert " to " in line  # the 95% CI, "low to high"
    assert "tiny: 2 replications" in result.stdout  # --reps defaults to the scenario's replications


def test_summary_has_one_row_per_replication_and_exactly_the_metric_columns(tiny_run: Path) -> None:
    table = summary(tiny_run / "out")
    assert list(table.columns) == ["replication", *METRIC_NAMES]
    assert table["replication"].tolist() == [0, 1, 2]
    assert table["sessions_attended"].gt(0).all()


def test_run_writes_weekly_and_intervals_tables(tiny_run: Path) -> None:
    weekly = pd.read_csv(tiny_run / "out" / "weekly.csv")
    assert sorted(weekly["replication"].unique()) == [0, 1, 2]
    assert len(weekly) >= 3 * 16  # at least the measured weeks of every replication
    intervals = pd.read_csv(tiny_run / "out" / "intervals.csv")
    assert intervals["metric"].tolist() == METRIC_NAMES
    assert (intervals["replications"] <= 3).all()
    assert not [p.name for p in (tiny_run / "out").glob("*") if p.name.startswith(("events", "days"))]  # --events


def test_manifest_records_seed_replications_hash_and_version(tiny_run: Path) -> None:
    out = tiny_run / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11
    assert manifest["replications"] == 3
    assert manifest["scenario"] == "tiny"
    assert manifest["scenario_sha256"] == hashlib.sha256((out / "scenario.yaml").read_bytes()).hexdigest()
    assert isinstance(manifest["version"], str)
    assert manifest["version"]
    assert manifest["sim_events"] > 0
    assert "--seed 11" in manifest["command"]
    assert {"summary.csv", "weekly.csv", "intervals.csv", "scenario.yaml"} <= set(manifest["files"])
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_resolved_scenario_round_trips_and_reproduces_the_run(tiny_run: Path, tmp_path: Path) -> None:
    resolved = load_scenario(tiny_run / "out" / "scenario.yaml")
    expected = apply_overrides(load_scenario(tiny_run / "tiny.yaml"), ["replications=3", "seed=11"])
    assert resolved == expected
    # --reps and --seed are part of the resolved scenario, so running the file alone repeats the run.
    again = invoke("run", tiny_run / "out" / "scenario.yaml", "--out", tmp_path / "again")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again" / "summary.csv").read_bytes() == (tiny_run / "out" / "summary.csv").read_bytes()


def test_set_changes_the_resolved_scenario(tiny: Path, tmp_path: Path) -> None:
    default = load_scenario(tiny)
    assert default.paperwork.offload_share != 0.3
    result = invoke("run", tiny, "--reps", 1, "--set", "paperwork.offload_share=0.3",
                    "--set", "staff.clinicians=6", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    resolved = load_scenario(tmp_path / "out" / "scenario.yaml")
    assert resolved.paperwork.offload_share == 0.3
    assert resolved.staff.clinicians == 6


def test_same_seed_gives_identical_summary_and_another_seed_does_not(tiny_run: Path, tmp_path: Path) -> None:
    for seed in (11, 12):
        result = invoke("run", tiny_run / "tiny.yaml", "--reps", 3, "--seed", seed, "--out", tmp_path / str(seed))
        assert result.exit_code == 0, result.output
    first = (tiny_run / "out" / "summary.csv").read_bytes()
    assert (tmp_path / "11" / "summary.csv").read_bytes() == first
    assert (tmp_path / "12" / "summary.csv").read_bytes() != first


def test_parallel_run_equals_serial_run(tiny_run: Path, tmp_path: Path) -> None:
    result = invoke("run", tiny_run / "tiny.yaml", "--reps", 3, "--seed", 11, "--jobs", 2, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(summary(tmp_path), summary(tiny_run / "out"))


def test_events_flag_writes_the_event_log_and_the_day_records(tiny: Path, tmp_path: Path) -> None:
    result = invoke("run", tiny, "--reps", 1, "--events", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    events = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert {"replication", "time", "kind"} <= set(events.columns)
    assert (events["kind"] == "referral").sum() > 0
    days = pd.read_parquet(tmp_path / "out" / "days.parquet")
    assert list(days.columns) == ["replication", *DAY_FIELDS]
    assert days["session_min"].sum() > 0


def test_interrupt_exits_130_with_a_message(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.runs, "run_experiment", interrupted)  # stands in for Ctrl-C during the replications
    result = invoke("run", tiny)
    assert result.exit_code == 130
    assert "interrupted; no partial files were written" in result.output


# compare


def test_compare_prints_paired_table_and_writes_files(tiny: Path, tmp_path: Path) -> None:
    # OTHER asks for 3 replications and another seed; both sides must still use BASE's 2 and BASE's seed.
    other = write(tmp_path / "scribe.yaml", TINY.replace("tiny", "scribe").replace("replications: 2", "replications: 3")
                  + "seed: 99\npaperwork: {offload_share: 0.5}\n")
    result = invoke("compare", tiny, other, "--out", tmp_path / "cmp")
    assert result.exit_code == 0, result.output
    assert "scribe - tiny: 2 paired replications" in result.stdout
    assert all(name in result.stdout for name in METRIC_NAMES)
    comparison = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert comparison["metric"].tolist() == METRIC_NAMES
    base, scribe = summary(tmp_path / "cmp" / "base"), summary(tmp_path / "cmp" / "other")
    assert len(base) == len(scribe) == 2
    row = comparison.set_index("metric").loc["paperwork_share"]
    assert row["diff_mean"] == pytest.approx(scribe["paperwork_share"].mean() - base["paperwork_share"].mean())
    seeds = {json.loads((tmp_path / "cmp" / side / "manifest.json").read_text())["seed"] for side in ("base", "other")}
    assert seeds == {load_scenario(tiny).seed}


def test_compare_marks_only_differences_whose_interval_excludes_zero(tiny: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "scribe.yaml", TINY + "paperwork: {offload_share: 0.9}\n")
    changed = invoke("compare", tiny, other, "--reps", 3)
    same = invoke("compare", tiny, tiny, "--reps", 3)
    assert changed.exit_code == same.exit_code == 0, changed.output + same.output

    def marked(output: str, metric: str) -> bool:
        line = next(line for line in output.splitlines() if f" {metric} " in line)
        return "*" in line

    assert marked(changed.stdout, "paperwork_share")  # 90% of documentation removed: a certain drop
    assert not marked(changed.stdout, "sessions_attended")  # paperwork does not move the session count here
    assert not any(marked(same.stdout, name) for name in METRIC_NAMES)


# validate


def test_validate_accepts_good_files(tiny: Path, tmp_path: Path) -> None:
    second = write(tmp_path / "second.yaml", TINY.replace("tiny", "second"))
    result = invoke("validate", tiny, second)
    assert result.exit_code == 0, result.output
    assert f"ok {tiny}" in result.stdout
    assert f"ok {second}" in result.stdout


def test_validate_reports_every_problem_with_file_and_line(tiny: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", "name: bad\nstaff:\n  clinicians: -3\ndemand:\n  referals_per_week: 5\n")
    result = invoke("validate", tiny, bad, tmp_path / "missing.yaml")
    assert_clean_failure(result, f"ok {tiny}", f"{bad}:3:", "staff.clinicians", f"{bad}:5:", "referals_per_week",
                         "missing.yaml")


# bad input


@pytest.mark.parametrize(("args", "fragment"), [
    (["--set", "staff.clinicianz=3"], "staff.clinicianz"),
    (["--set", "staff.clinicians=-1"], "staff.clinicians"),
    (["--set", "no_equals_sign"], "no_equals_sign"),
    (["--reps", "0"], "--reps"),
    (["--jobs", "0"], "--jobs"),
])
def test_bad_options_exit_2_naming_the_culprit(tiny: Path, args: list[str], fragment: str) -> None:
    assert_clean_failure(invoke("run", tiny, *args), fragment)


def test_bad_yaml_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", "name: bad\nstaff: {clinicians: 5\n")
    assert_clean_failure(invoke("run", bad), f"{bad}:")


def test_missing_scenario_exits_2(tmp_path: Path) -> None:
    assert_clean_failure(invoke("run", tmp_path / "nowhere.yaml"), "nowhere.yaml")
    assert_clean_failure(invoke("compare", tmp_path / "a.yaml", tmp_path / "b.yaml"), "a.yaml")


def test_out_that_is_a_file_exits_2(tiny: Path) -> None:
    assert_clean_failure(invoke("run", tiny, "--out", tiny), "--out")


# schema


def test_schema_is_json_with_the_paperwork_section(tmp_path: Path) -> None:
    result = invoke("schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert "paperwork" in schema["properties"]
    assert invoke("schema", "--out", tmp_path / "schema.json").exit_code == 0
    assert json.loads((tmp_path / "schema.json").read_text()) == schema


# output


def test_atomic_write_replaces_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "a.txt", "old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    atomic_write_frame(tmp_path / "f.csv.gz", pd.DataFrame({"x": [1, 2]}))
    assert pd.read_csv(tmp_path / "f.csv.gz")["x"].tolist() == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "f.csv.gz"]


def test_interrupted_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    class Interrupting(pd.DataFrame):
        def to_csv(self, path: object = None, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            Path(str(path)).write_text("half a fi")
            raise KeyboardInterrupt

    target = atomic_write_text(tmp_path / "summary.csv", "x\n1\n")
    with pytest.raises(KeyboardInterrupt):
        atomic_write_frame(target, Interrupting({"x": [2]}))
    assert target.read_text() == "x\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


# python -m simulator


def test_module_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    shown = subprocess.run([sys.executable, "-m", "simulator", "--help"], capture_output=True, text=True, env=env,
                           check=False)
    assert shown.returncode == 0, shown.stderr
    assert all(command in shown.stdout for command in ("run", "compare", "validate", "schema"))
    bad = subprocess.run([sys.executable, "-m", "simulator", "run", str(tmp_path / "missing.yaml")],
                         capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2
    assert "missing.yaml" in bad.stderr
    assert "Traceback" not in bad.stderr


# limits (for a machine that runs other people's files)


def test_limits_refuse_a_scenario_at_the_line_that_sets_the_value(tiny: Path) -> None:
    result = invoke("--max-clinicians", 4, "run", tiny)
    assert_clean_failure(result, f"{tiny}:5: staff.clinicians", "5 positions", "more than this server allows (4)")
    result = CliRunner().invoke(cli.app, ["validate", str(tiny)], env={"PAPERWORK_MAX_WEEKS": "10"})
    assert_clean_failure(result, f"{tiny}:2: horizon_weeks", "20 is more than this server allows (10)")


def test_app_limits_cover_command_line_replications_and_a_max_option_overrides_one(tiny: Path) -> None:
    assert_clean_failure(invoke("--app-limits", "run", tiny, "--reps", 51), "replications", "(50)")
    result = invoke("--app-limits", "--max-replications", 60, "--max-clinicians", 4, "run", tiny, "--reps", 51)
    assert_clean_failure(result, "staff.clinicians")
    assert "replications" not in result.output


def test_limits_refuse_a_sweep_too_large_for_the_server(tiny: Path, tmp_path: Path) -> None:
    sweep = write(tmp_path / "sweep.yaml", f"name: s\nbase: {tiny.name}\ndesign: oat\nreplications: 2\n"
                                           "parameters:\n  paperwork.offload_share: {}\n"
                                           "  workload.productivity_target: {}\n")
    out = tmp_path / "out"
    assert_clean_failure(invoke("--max-sweep-points", 3, "sweep", sweep, "--out", out),
                         f"{sweep}:5: parameters", "4 points", "(3)")
    assert_clean_failure(invoke("--max-sweep-runs", 7, "sweep", sweep, "--out", out),
                         f"{sweep}:4: replications", "8 runs")
    assert_clean_failure(invoke("--max-clinicians", 4, "sweep", sweep, "--out", out), f"{sweep}:2: base",
                         "staff.clinicians")
    assert not out.exists(), "a refused sweep writes nothing"
