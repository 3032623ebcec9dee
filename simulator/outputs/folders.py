"""The results folders of ``run`` (and ``warmup``), ``compare`` and ``sweep``, read and checked as a whole.

Beyond each file being well-formed (``simulator.outputs.checks``), the files must agree with each other: the
manifest's replications are the rows of ``summary.csv``, every replication has every week of the horizon in
``weekly.csv``, ``scenario.yaml`` is the scenario the manifest hashed, the two sides of a comparison share their
seed and replications, a sweep has a row for each of its points.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.experiments.sweep import SWEEP_STATE
from simulator.inputs.loader import load_scenario
from simulator.inputs.scenario import Scenario
from simulator.outputs.catalog import (
    MORRIS,
    POINT,
    REPLICATION,
    SOBOL,
    TORNADO,
    VARIED,
    WEEKLY,
    Column,
    metric_columns,
    parameter_columns,
)
from simulator.outputs.checks import read_manifest, read_table, results_error, verify_checksums
from simulator.outputs.manifests import CompareManifest, RunManifest, SweepManifest

__all__ = ["CompareFolder", "RunFolder", "SweepFolder", "open_compare", "open_results", "open_run", "open_sweep"]

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class RunFolder:
    path: Path
    manifest: RunManifest
    scenario: Scenario
    scenario_text: str
    summary: pd.DataFrame
    weekly: pd.DataFrame


@dataclass(frozen=True)
class CompareFolder:
    path: Path
    manifest: CompareManifest
    base: RunFolder
    other: RunFolder


@dataclass(frozen=True)
class SweepFolder:
    path: Path
    manifest: SweepManifest
    base_text: str
    analyses: dict[str, pd.DataFrame]  # points, and tornado / morris / sobol as the design supports


def open_results(folder: Path) -> RunFolder | CompareFolder | SweepFolder:
    """The checked contents of a results folder of any kind, or a ``ResultsError`` naming what is wrong."""
    if not folder.is_dir():
        raise results_error(str(folder), None, "", "no such directory")
    if not (folder / MANIFEST).exists():
        unfinished = (folder / SWEEP_STATE).exists()
        reason = ("holds an unfinished sweep; run the same sweep command again to finish it" if unfinished else
                  "holds no complete results of run, compare or sweep (no manifest.json)")
        raise results_error(str(folder), None, "", reason)
    if (folder / SWEEP_STATE).exists():
        return open_sweep(folder)
    if (folder / "comparison.csv").exists():
        return open_compare(folder)
    return open_run(folder)


def open_run(folder: Path) -> RunFolder:
    manifest = read_manifest(folder / MANIFEST, RunManifest)
    _require(folder, manifest.files, ("summary.csv", "weekly.csv", "scenario.yaml"))
    # The specific checks first, each naming its line; the checksums last, for changes that leave a file valid.
    summary = read_table(folder / "summary.csv", (REPLICATION, *metric_columns()))
    _same_replications(folder / "summary.csv", summary, range(manifest.replications))
    weekly = read_table(folder / "weekly.csv", WEEKLY)
    text = _scenario_text(folder / "scenario.yaml", manifest.scenario_sha256)
    scenario = load_scenario(folder / "scenario.yaml")
    _complete_weeks(folder / "weekly.csv", weekly, manifest.replications, scenario.horizon_weeks)
    verify_checksums(folder, manifest.files, manifest.checksums)
    return RunFolder(folder, manifest, scenario, text, summary, weekly)


def _scenario_text(path: Path, sha256: str) -> str:
    if not path.is_file():
        raise results_error(str(path), None, "", "missing: the folder is incomplete")
    text = path.read_text(encoding="utf-8")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha256:
        raise results_error(str(path), None, "", "is not the scenario manifest.json hashed (scenario_sha256): it "
                            "was changed after the run")
    return text


def open_compare(folder: Path) -> CompareFolder:
    manifest = read_manifest(folder / MANIFEST, CompareManifest)
    _require(folder, manifest.files, ("comparison.csv",))
    sides = {}
    for name, side in (("base", manifest.base), ("other", manifest.other)):
        run = open_run(folder / name)
        if run.manifest.scenario_sha256 != side.scenario_sha256 or run.manifest.seed != manifest.seed or \
                run.manifest.replications != manifest.replications:
            raise results_error(str(folder / name / MANIFEST), None, "", f"does not match the '{name}' of "
                                      f"{folder / MANIFEST} (scenario, seed or replications): not this comparison")
        sides[name] = run
    verify_checksums(folder, manifest.files, manifest.checksums)
    return CompareFolder(folder, manifest, sides["base"], sides["other"])


def open_sweep(folder: Path) -> SweepFolder:
    manifest = read_manifest(folder / MANIFEST, SweepManifest)
    _require(folder, manifest.files, ("base.yaml", "points.csv"))
    keys = (POINT, *([VARIED] if manifest.design == "oat" else []), *parameter_columns(manifest.parameters))
    analyses = {"points": read_table(folder / "points.csv", (*keys, *metric_columns(per_replication=False)))}
    _same_replications(folder / "points.csv", analyses["points"], range(manifest.points), key="point")
    for name, columns in (("tornado", TORNADO), ("morris", MORRIS), ("sobol", SOBOL)):
        if f"{name}.csv" in manifest.files:
            analyses[name] = _analysis(folder / f"{name}.csv", columns)
    verify_checksums(folder, manifest.files, manifest.checksums)
    return SweepFolder(folder, manifest, (folder / "base.yaml").read_text(encoding="utf-8"), analyses)


def _analysis(path: Path, columns: tuple[Column, ...]) -> pd.DataFrame:
    # A global analysis with no defined index (every metric NaN at some point) is written as an empty table.
    if path.is_file() and not path.read_text(encoding="utf-8").strip():
        return pd.DataFrame(columns=[c.name for c in columns])
    return read_table(path, columns)


def _require(folder: Path, files: list[str], needed: tuple[str, ...]) -> None:
    for name in needed:
        if name not in files:
            raise results_error(str(folder / MANIFEST), None, "files", f"does not list {name}, which the "
                                      "report needs: not a complete result of this kind")


def _same_replications(path: Path, table: pd.DataFrame, expected: range, key: str = "replication") -> None:
    found = table[key].tolist()
    if found != list(expected):
        row = next((i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b),
                   min(len(found), len(expected)))
        raise results_error(str(path), row + 2, key, f"rows {_ids(found)} where manifest.json promises "
                                  f"{_ids(list(expected))}")


def _ids(values: list[int]) -> str:
    return "none" if not values else f"{values[0]}..{values[-1]} ({len(values)} rows)"


def _complete_weeks(path: Path, weekly: pd.DataFrame, replications: int, weeks: int) -> None:
    """Every replication has weeks 0..weeks-1, in order, and nothing else."""
    expected = [(k, w) for k in range(replications) for w in range(weeks)]
    found = list(zip(weekly["replication"].tolist(), weekly["week"].tolist(), strict=True))
    if found != expected:
        row = next((i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b),
                   min(len(found), len(expected)))
        want = f"replication {expected[row][0]}, week {expected[row][1]}" if row < len(expected) else "the end"
        raise results_error(str(path), row + 2, "week", f"expected {want} here: {replications} replications "
                                  f"x {weeks} weeks, in order (the file has {len(found)} rows)")
