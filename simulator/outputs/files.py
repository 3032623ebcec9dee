"""Writing results to disk so that a reader never sees half a run.

Every file is written the way an editor saves: into a temporary file beside the target, then renamed over it with
``os.replace``, which is atomic on one file system. A crash or Ctrl-C mid-write leaves the old file (or none), never
a truncated one, and the temporary file is removed on the way out. ``manifest.json`` is written last and removed
first, so its presence means every file it lists belongs to one complete run; it records the SHA-256 of each.

Identical seeds give identical bytes in every data file: gzip members carry no time stamp or file name, Parquet
files none either (pyarrow writes none), and only ``manifest.json`` holds times, by design (``created_utc``,
``wall_seconds``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import platform
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd

from simulator.experiments.experiment import ExperimentResult
from simulator.outputs.metrics import METRICS

__all__ = [
    "LOG_FORMATS",
    "MANIFEST",
    "LogFormat",
    "atomic_write_frame",
    "atomic_write_parquet",
    "atomic_write_text",
    "checksums",
    "log_names",
    "package_version",
    "scenario_hash",
    "sha256_file",
    "write_comparison",
    "write_results",
]

MANIFEST = "manifest.json"
#: How ``--events`` writes the event log and the day records: Parquet (typed, compact, fast) or gzip-compressed CSV.
LogFormat = Literal["parquet", "csv"]
LOG_FORMATS: tuple[str, ...] = get_args(LogFormat)
_LOG_SUFFIX: dict[str, str] = {"parquet": ".parquet", "csv": ".csv.gz"}
_ALL_LOGS = tuple(f"{stem}{suffix}" for suffix in _LOG_SUFFIX.values() for stem in ("events", "days"))


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``."""
    # A hidden name in the same directory: same file system (so os.replace is atomic), and globs skip it.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)  # the data reaches the disk before the rename makes it visible
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as error:  # name the file the caller asked for, not the temporary one
        raise OSError(error.errno, error.strerror, str(path)) from error
    finally:
        tmp.unlink(missing_ok=True)  # only still there if something failed before the rename
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return _atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_write_frame(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as CSV (gzip-compressed when ``path`` ends in ``.gz``) atomically, without the index."""
    if path.name.endswith(".gz"):
        return _atomic(path, lambda tmp: _write_gzip_csv(tmp, frame))
    return _atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


def _write_gzip_csv(tmp: Path, frame: pd.DataFrame) -> None:
    # pandas' gzip stamps the member with the time and the (temporary, random) file name, so two identical runs
    # differed byte for byte; an empty name and mtime 0 leave nothing in the header that varies. Level 6, zlib's
    # default: a tenth larger than 9 and several times faster on a long run's event log.
    with tmp.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as text:
        frame.to_csv(text, index=False)


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as Parquet (pyarrow) atomically, without the index (pyarrow writes no time stamp)."""
    return _atomic(path, lambda tmp: frame.to_parquet(tmp, index=False, engine="pyarrow"))


def log_names(log_format: LogFormat) -> tuple[str, str]:
    """The file names ``--events`` writes: the event log and the day records."""
    return f"events{_LOG_SUFFIX[log_format]}", f"days{_LOG_SUFFIX[log_format]}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(root: Path, files: list[Path]) -> dict[str, str]:
    """SHA-256 of each data file, by its path relative to ``root`` (as the manifest lists it). A manifest among
    them (a side of a comparison) is left out: it holds times, and its own checksums cover its files."""
    return {str(path.relative_to(root)): sha256_file(path) for path in files if path.name != MANIFEST}


def package_version() -> str:
    try:
        return version("paperwork-sim")
    except PackageNotFoundError:  # running from a source checkout that was never installed
        return "unknown"


def scenario_hash(scenario_yaml: str) -> str:
    """Identity of a resolved scenario: equal hashes mean the same parameters, seed and replications."""
    return hashlib.sha256(scenario_yaml.encode("utf-8")).hexdigest()


def _in_metric_order(summary: pd.DataFrame) -> pd.DataFrame:
    """``replication``, then the metrics in the documented order of ``METRICS``, then anything else."""
    first = ["replication", *(m.name for m in METRICS if m.name in summary)]
    return summary[first + [c for c in summary.columns if c not in first]]


def _provenance(command: str | None) -> dict[str, Any]:
    """What produced a result, beyond the scenario: code version, interpreter, time, command line."""
    return {"version": package_version(), "python": platform.python_version(),
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"), "command": command}


def _manifest(result: ExperimentResult, scenario_yaml: str, files: list[Path],
              command: str | None) -> dict[str, Any]:
    return {
        "scenario": result.scenario.name,
        "scenario_sha256": scenario_hash(scenario_yaml),
        "seed": result.seed,
        "replications": len(result.summary),
        "wall_seconds": round(result.wall_seconds, 3),
        "sim_events": result.sim_events,
        **_provenance(command),
        "files": [path.name for path in files],
        "checksums": checksums(files[0].parent, files),
    }


def _write_manifest(out_dir: Path, manifest: Mapping[str, Any]) -> Path:
    return atomic_write_text(out_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def write_results(result: ExperimentResult, out_dir: Path, *, scenario_yaml: str, events: bool,
                  log_format: LogFormat = "parquet", command: str | None = None) -> list[Path]:
    """Write one experiment's tables, resolved scenario and manifest (last) to ``out_dir``; return the paths.

    ``events`` also writes the event log and the day records (kept by ``run_experiment(events=True)``) as
    ``events`` and ``days`` in ``log_format``: ``.parquet`` files or gzip-compressed ``.csv.gz``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    # Until the new manifest lands, the directory must not claim to hold a complete run.
    (out_dir / MANIFEST).unlink(missing_ok=True)
    files = [
        atomic_write_frame(out_dir / "summary.csv", _in_metric_order(result.summary)),
        atomic_write_frame(out_dir / "weekly.csv", result.weekly),
        atomic_write_frame(out_dir / "intervals.csv", result.intervals()),
        atomic_write_text(out_dir / "scenario.yaml", scenario_yaml),
    ]
    wanted = dict(zip(log_names(log_format), (result.events, result.days), strict=True)) if events else {}
    for name in _ALL_LOGS:
        table = wanted.get(name)
        if table is not None:
            files.append(_write_log(out_dir / name, table))
        else:
            (out_dir / name).unlink(missing_ok=True)  # a stale log from an earlier run would pass for this one's
    return [*files, _write_manifest(out_dir, _manifest(result, scenario_yaml, files, command))]


def _write_log(path: Path, table: pd.DataFrame) -> Path:
    return atomic_write_parquet(path, table) if path.suffix == ".parquet" else atomic_write_frame(path, table)


def write_comparison(comparison: pd.DataFrame, sides: Mapping[str, tuple[ExperimentResult, str]], out_dir: Path,
                     *, command: str | None = None, economics: pd.DataFrame | None = None) -> list[Path]:
    """Write ``comparison.csv`` (and ``economics.csv``, the policy's cost, savings and net per dollar, when given)
    and each side's results in a subdirectory named by its key (``base``, ``other``).

    ``sides`` maps the subdirectory name to (result, resolved scenario YAML). The top-level manifest goes last.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST).unlink(missing_ok=True)
    files: list[Path] = []
    for name, (result, scenario_yaml) in sides.items():
        files += write_results(result, out_dir / name, scenario_yaml=scenario_yaml, events=False, command=command)
    files.append(atomic_write_frame(out_dir / "comparison.csv", comparison))
    if economics is not None:
        files.append(atomic_write_frame(out_dir / "economics.csv", economics))
    manifest: dict[str, Any] = {side: {"scenario": result.scenario.name, "scenario_sha256": scenario_hash(text)}
                for side, (result, text) in sides.items()}
    first = next(iter(sides.values()))[0]
    manifest |= {"seed": first.seed, "replications": len(first.summary), **_provenance(command),
                 "files": [str(path.relative_to(out_dir)) for path in files], "checksums": checksums(out_dir, files)}
    return [*files, _write_manifest(out_dir, manifest)]
