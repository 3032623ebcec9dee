"""The files the commands write: what ``--events`` exports, that the output reference covers every column of every
file (and is up to date), and that identical seeds give identical bytes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.experiments.sensitivity import morris_analysis, sobol_analysis
from simulator.inputs.loader import load_scenario
from simulator.model.events import DAY_FIELDS, Kind
from simulator.outputs.catalog import DAY_NOTES, KIND_NOTES, output_files

ROOT = Path(__file__).resolve().parent.parent

OAT = """\
name: tiny_oat
base: tiny.yaml
design: oat
replications: 2
parameters:
  paperwork.offload_share: {low: 0, high: 0.4}
"""


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


def write_all(root: Path) -> None:
    """Every kind of result of the tiny agency, into ``root`` (relative --out paths: the manifests' command lines
    then read the same whichever folder it is)."""
    (root / "tiny.yaml").write_text(TINY)
    (root / "scribe.yaml").write_text(TINY.replace("tiny", "scribe") + "paperwork: {offload_share: 0.5}\n")
    (root / "oat.yaml").write_text(OAT)
    for args in (("run", "tiny.yaml", "--reps", 2, "--events", "--out", "parquet"),
                 ("run", "tiny.yaml", "--reps", 2, "--events", "--events-format", "csv", "--out", "csv"),
                 ("compare", "tiny.yaml", "scribe.yaml", "--reps", 2, "--out", "cmp"),
                 ("sweep", "oat.yaml", "--out", "oat")):
        result = invoke(*args)
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("first")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        write_all(root)
    return root


# --- the event log and the day records (item 3) --------------------------------------------------------------------


def test_events_writes_the_event_log_and_the_day_records_in_either_format(results: Path) -> None:
    for name in ("events", "days"):
        parquet = pd.read_parquet(results / "parquet" / f"{name}.parquet")
        csv = pd.read_csv(results / "csv" / f"{name}.csv.gz")
        pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)
    days = pd.read_parquet(results / "parquet" / "days.parquet")
    assert list(days.columns) == ["replication", *DAY_FIELDS]
    manifest = json.loads((results / "parquet" / "manifest.json").read_text())
    assert {"events.parquet", "days.parquet"} <= set(manifest["files"])


def test_the_day_records_are_the_source_of_the_summary(results: Path) -> None:
    # The sessions a metric counts are the day records' sessions in the measured window: the export is complete.
    scenario = load_scenario(results / "tiny.yaml")
    days = pd.read_parquet(results / "parquet" / "days.parquet")
    summary = pd.read_csv(results / "parquet" / "summary.csv")
    measured = days[days["day"] >= 7 * scenario.warmup_weeks]
    assert measured.groupby("replication")["attended"].sum().tolist() == summary["sessions_attended"].tolist()
    events = pd.read_parquet(results / "parquet" / "events.parquet")
    departures = events[(events["kind"] == "depart") & (events["time"] >= 7 * scenario.warmup_weeks)]
    assert departures.groupby("replication").size().reindex([0, 1], fill_value=0).tolist() == \
        summary["departures"].tolist()


# --- the output reference (item 3) ---------------------------------------------------------------------------------


def test_the_notes_cover_exactly_the_models_day_fields_and_event_kinds() -> None:
    assert list(DAY_NOTES) == list(DAY_FIELDS)
    assert set(KIND_NOTES) == {kind.value for kind in Kind}


def columns_of(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pd.read_parquet(path).columns)
    return list(pd.read_csv(path, nrows=0).columns)


def test_the_reference_names_every_column_of_every_file_written(results: Path) -> None:
    documented = {f.name: [c.name for c in f.columns] for f in output_files()}
    written = {"summary.csv": results / "parquet" / "summary.csv", "weekly.csv": results / "parquet" / "weekly.csv",
               "intervals.csv": results / "parquet" / "intervals.csv",
               "events.parquet / events.csv.gz": results / "parquet" / "events.parquet",
               "days.parquet / days.csv.gz": results / "csv" / "days.csv.gz",
               "comparison.csv": results / "cmp" / "comparison.csv",
               "results.parquet / results.csv": results / "oat" / "results.csv",
               "design.csv": results / "oat" / "design.csv", "points.csv": results / "oat" / "points.csv",
               "parts/point-NNNNNN.parquet": results / "oat" / "parts" / "point-000000.parquet",
               "tornado.csv": results / "oat" / "tornado.csv"}
    for name, path in written.items():
        expected = [c.replace("PARAMETER", "paperwork.offload_share") for c in documented[name]]
        assert columns_of(path) == expected, name
    assert invoke("warmup", results / "tiny.yaml", "--reps", 2, "--out", results / "warm").exit_code == 0
    assert columns_of(results / "warm" / "welch.csv") == documented["welch.csv"]


def test_the_reference_names_the_columns_of_the_global_analyses() -> None:
    documented = {f.name: [c.name for c in f.columns] for f in output_files()}
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    import numpy as np

    x = np.array([[0, 0], [1, 0], [1, 1]] * 4, dtype=float)
    morris = morris_analysis(problem, x, x.sum(axis=1), levels=4)
    assert ["metric", *morris.columns] == documented["morris.csv"]
    sobol = sobol_analysis(problem, np.arange(4 * 8, dtype=float))
    assert ["metric", *sobol.columns] == documented["sobol.csv"]


def test_docs_outputs_md_is_generated_and_up_to_date(tmp_path: Path) -> None:
    check = subprocess.run([sys.executable, "docs/gen_outputs.py", "--check", "docs/outputs.md"], cwd=ROOT,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr  # run: python docs/gen_outputs.py --write docs/outputs.md
    stale = tmp_path / "outputs.md"
    stale.write_text((ROOT / "docs" / "outputs.md").read_text().replace("`ee_mean`", "`ee_average`", 1))
    assert subprocess.run([sys.executable, str(ROOT / "docs" / "gen_outputs.py"), "--check", str(stale)],
                          capture_output=True, check=False).returncode == 1  # the check can fail


# --- identical seeds, identical bytes (item 5) ---------------------------------------------------------------------

TIMES = ("created_utc", "wall_seconds")  # the manifest fields that are times by design


def test_identical_seeds_give_identical_bytes_in_every_data_file(results: Path,
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    again = tmp_path_factory.mktemp("second")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(again)
        write_all(again)
    files = sorted(p.relative_to(results) for p in results.rglob("*") if p.is_file() and "warm" not in p.parts)
    assert len(files) > 30
    for name in files:
        first, second = (results / name).read_bytes(), (again / name).read_bytes()
        if name.name == "manifest.json":
            a, b = json.loads(first), json.loads(second)
            for manifest in (a, b):
                for key in TIMES:
                    manifest.pop(key, None)
            assert a == b, name
        else:
            assert first == second, f"{name} differs between identical runs"


def test_gzip_members_carry_no_time_or_file_name(results: Path) -> None:
    header = (results / "csv" / "events.csv.gz").read_bytes()[:10]
    assert header[3] & 0x08 == 0  # FNAME flag: no file name stored
    assert header[4:8] == b"\0\0\0\0"  # MTIME 0
    assert gzip.decompress((results / "csv" / "events.csv.gz").read_bytes()).startswith(b"replication,time,kind")
