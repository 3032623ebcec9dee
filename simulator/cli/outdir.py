"""Output folders that never lose a user's file: what a command may write where, and how it claims the folder.

The tool knows which files it wrote from the folder's ``manifest.json`` (its ``files``, paths relative to the
folder; a compare's lists its sides' files too) and, for a sweep, from ``sweep.json``. The rule:

- a file is the tool's if that record lists it (or it is the record itself, the sweep's own files next to
  ``sweep.json``, or ``report.html`` beside a record); anything else in the folder is **foreign**;
- a folder holding foreign files, or another kind of command's results (a sweep's in a run's folder), is
  refused, unless ``--force``, which writes beside them (replacing those of the same names);
- an **input** of the command (the scenario, each file it extends, a sweep file) is never overwritten, even with
  ``--force``;
- one command writes a folder at a time: a lock file (``.paperwork-sim.lock``, holding the process id) refuses
  a second, and is taken over only from a process that no longer exists;
- results are written into a hidden staging folder inside the output folder and moved into place once
  complete (manifest last, Ctrl-C held off for those few renames); files of the same command's previous run
  that the new run does not write are removed, as a stale event log would pass for the new run's;
- a refused, interrupted or failed command removes the lock and the staging folder, and the output folder too if
  it created it and it is empty.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from simulator.experiments.sweep import PARTS, SWEEP_STATE
from simulator.inputs.errors import ScenarioError
from simulator.outputs.files import MANIFEST

__all__ = ["COMPARE_FILES", "LOCK", "PARTS", "RUN_FILES", "SWEEP_FILES", "WARMUP_FILES", "Claim", "claim",
           "foreign_files", "owned_files"]

LOCK = ".paperwork-sim.lock"
_STAGING = ".paperwork-sim-staging-"
_REPORT = "report.html"  # what 'paperwork-sim report' writes beside a record
RUN_FILES = ("summary.csv", "weekly.csv", "intervals.csv", "scenario.yaml", "events.parquet", "days.parquet",
             "events.csv.gz", "days.csv.gz", MANIFEST)
WARMUP_FILES = (*RUN_FILES, "welch.csv")
COMPARE_FILES = ("comparison.csv", "economics.csv", MANIFEST,
                 *(f"{side}/{name}" for side in ("base", "other") for name in RUN_FILES))
SWEEP_FILES = (SWEEP_STATE, "design.csv", "base.yaml", "results.parquet", "results.csv", "points.csv", "tornado.csv",
               "morris.csv", "sobol.csv", MANIFEST)


@dataclass
class Claim:
    """A claimed output folder: results go to ``staging`` and ``publish`` moves them into ``out``."""

    out: Path
    staging: Path
    inputs: tuple[Path, ...]
    writes: tuple[str, ...]  # the names this command writes (relative POSIX paths)
    published: bool = False

    def publish(self) -> list[Path]:
        """Move every staged file into place (manifests last) and drop the old run's files the new one lacks."""
        staged = sorted((p.relative_to(self.staging) for p in self.staging.rglob("*") if p.is_file()),
                        key=lambda rel: (rel.name == MANIFEST, -len(rel.parts)))
        for rel in staged:
            _refuse_input(self.out / rel, self.inputs)
        stale = _written_by(owned_files(self.out), (*self.writes, _REPORT)) - {rel.as_posix() for rel in staged}
        with _interrupts_deferred():
            (self.out / MANIFEST).unlink(missing_ok=True)  # the folder is incomplete until the new manifest lands
            for rel in staged:
                (self.out / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / rel, self.out / rel)
            for name in sorted(stale - {MANIFEST}):
                (self.out / name).unlink(missing_ok=True)
            self.published = True
        return [self.out / rel for rel in staged]

    def record(self, *names: str) -> None:
        """Add files written to staging after the manifest (e.g. warmup's ``welch.csv``) to the staged manifest."""
        path = self.staging / MANIFEST
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["files"] = [*manifest["files"], *names]
        path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


@contextmanager
def claim(out: Path, *, inputs: Sequence[Path], writes: Sequence[str], force: bool, command: str,
          stage: bool = True) -> Iterator[Claim]:
    """Claim ``out`` for one command (see the module docstring); ``ScenarioError`` (field ``--out``) if refused.

    ``stage=False`` for a sweep, which writes in place so that it can resume (it keeps its own record).
    """
    created = _make(out)
    locked: Path | None = None
    claimed: Claim | None = None
    try:
        locked = _lock(out, command)
        resolved = tuple(path.resolve() for path in inputs)
        _refuse_inputs_at(out, resolved, writes)
        if not force:
            _refuse_foreign(out)
            _refuse_other_results(out, writes)
        claimed = Claim(out, out / f"{_STAGING}{os.getpid()}-{secrets.token_hex(4)}", resolved, tuple(writes))
        if stage:
            claimed.staging.mkdir()
        yield claimed
    finally:
        if claimed is not None:
            shutil.rmtree(claimed.staging, ignore_errors=True)
        if locked is not None:
            locked.unlink(missing_ok=True)
        if claimed is None or not claimed.published:
            _remove_if_empty(created)


def owned_files(out: Path) -> list[str]:
    """The files (relative POSIX paths) the tool's records in ``out`` say it wrote, the records included."""
    owned: list[str] = []
    for folder in (out, *(p for p in _subfolders(out))):
        record = _record(folder / MANIFEST)
        if record is not None:
            prefix = "" if folder == out else f"{folder.name}/"
            owned += [MANIFEST if folder == out else f"{prefix}{MANIFEST}", f"{prefix}{_REPORT}",
                      *(prefix + str(name) for name in record)]
    if (out / SWEEP_STATE).is_file():
        owned += [*SWEEP_FILES, _REPORT, *(f"{PARTS}/{p.name}" for p in (out / PARTS).glob("point-*.parquet"))]
    return list(dict.fromkeys(owned))


def foreign_files(out: Path, *, limit: int = 6) -> list[str]:
    """Up to ``limit`` files in ``out`` the tool did not write (relative POSIX paths), ignoring its own lock and
    temporaries; it stops there, so a folder as big as a home directory is not walked whole."""
    owned = set(owned_files(out))
    found: list[str] = []
    for folder, folders, files in os.walk(out):
        folders[:] = sorted(name for name in folders if not name.startswith(_STAGING))
        for name in sorted(files):
            rel = Path(folder, name).relative_to(out)
            if rel.as_posix() not in owned and not _is_ours_in_passing(rel):
                found.append(rel.as_posix())
                if len(found) >= limit:
                    return found
    return found


def _record(path: Path) -> list[Any] | None:
    """The ``files`` of one of the tool's manifests; None if the file is missing or not one of ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) and "version" in data else None
    if not isinstance(files, list):
        return None
    # Only plain relative paths: a crafted manifest must not make a later run delete files outside the folder
    return [name for name in files if isinstance(name, str) and not PurePosixPath(name).is_absolute()
            and ".." not in PurePosixPath(name).parts]


def _subfolders(out: Path) -> list[Path]:
    try:
        return [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []


def _is_ours_in_passing(rel: Path) -> bool:
    """The lock, a staging folder, or an atomic writer's temporary left by a killed process."""
    first, name = rel.parts[0], rel.name
    return first == LOCK or first.startswith(_STAGING) or (name.startswith(".") and name.endswith(".tmp"))


def _make(out: Path) -> list[Path]:
    """Create ``out`` and its missing parents; return those created, outermost first."""
    if out.exists() and not out.is_dir():
        raise ScenarioError.single(str(out), None, "--out", "is not a folder; give a folder to write results to")
    missing = [p for p in (out, *out.parents) if not p.exists()]
    out.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def _remove_if_empty(created: Sequence[Path]) -> None:
    for folder in reversed(created):
        try:
            folder.rmdir()  # only ever an empty folder
        except OSError:
            return


def _lock(out: Path, command: str) -> Path:
    path = out / LOCK
    for _ in range(2):  # a second try after clearing a lock whose process is gone
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            _refuse_or_clear(path)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"pid": os.getpid(), "host": socket.gethostname(), "command": command}, handle)
        return path
    raise ScenarioError.single(str(out), None, "--out", "another paperwork-sim command claimed this folder just "
                               "now; choose another --out")


def _refuse_or_clear(lock: Path) -> None:
    """Refuse while the lock's holder may be alive; remove a lock left by a process that no longer exists."""
    try:
        holder = json.loads(lock.read_text(encoding="utf-8"))
        pid, host = int(holder["pid"]), str(holder["host"])
    except (OSError, ValueError, KeyError, TypeError):
        holder, pid, host = {}, -1, ""
    if host == socket.gethostname() and pid > 0 and not _alive(pid):
        lock.unlink(missing_ok=True)
        return
    raise ScenarioError.single(str(lock.parent), None, "--out", (
        f"another paperwork-sim command is writing to this folder (process {pid if pid > 0 else '?'}"
        f"{' on ' + host if host and host != socket.gethostname() else ''}: {holder.get('command') or '?'}); "
        f"wait for it to finish or choose another --out (if no such command is running, delete {lock})"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _refuse_inputs_at(out: Path, inputs: Sequence[Path], writes: Sequence[str]) -> None:
    root = out.resolve()
    for path in inputs:
        if path.is_relative_to(root):
            rel = path.relative_to(root).as_posix()
            if rel in writes or (PARTS in writes and rel.startswith(f"{PARTS}/")):
                _refuse_input(out / rel, (path,))


def _refuse_input(target: Path, inputs: Sequence[Path]) -> None:
    for path in inputs:
        if target.resolve() == path or (target.exists() and path.exists() and os.path.samefile(target, path)):
            raise ScenarioError.single(str(target.parent), None, "--out", (
                f"the results would overwrite {target.name}, an input of this command ({path}); choose another "
                "--out (--force never overwrites an input)"))


def _written_by(owned: Sequence[str], writes: Sequence[str]) -> set[str]:
    """The owned files that a command writing ``writes`` writes (a sweep's parts count as its ``parts/``)."""
    return {name for name in owned if name in writes or (PARTS in writes and name.startswith(f"{PARTS}/"))}


def _refuse_other_results(out: Path, writes: Sequence[str]) -> None:
    """Refuse a folder holding another command's results (a sweep's, a compare's), which this one would neither
    rewrite nor list, so they would turn into strays."""
    others = sorted(set(owned_files(out)) - _written_by(owned_files(out), (*writes, _REPORT)) - {MANIFEST})
    present = [name for name in others if (out / name).exists()]
    if present:
        shown = ", ".join(present[:5]) + (" and more" if len(present) > 5 else "")
        raise ScenarioError.single(str(out), None, "--out", (
            f"holds the results of another kind of command ({shown}); choose another --out, or give --force to "
            "write beside them"))


def _refuse_foreign(out: Path) -> None:
    foreign = foreign_files(out)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" and more" if len(foreign) > 5 else "")
        raise ScenarioError.single(str(out), None, "--out", (
            f"holds files this tool did not write ({shown}); choose another --out, move them away, or give --force "
            "to write beside them (replacing any of the same names)"))


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C off while the staged files are renamed into place, then deliver it: a folder half old run,
    half new would be worse than either."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
