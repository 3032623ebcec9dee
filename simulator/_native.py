"""The compiled model core: which modules mypyc compiles, and the guard that never lets stale machine code run.

``pip install -e .`` compiles the modules in ``COMPILED`` with mypyc when the machine has a C compiler (see
``setup.py``); Python then imports the compiled extension instead of the ``.py`` file beside it. Compiled and pure
Python give the same results, bit for bit; compiled, a replication takes a fraction of the time (``SLOWER``).

An editable checkout has a trap: after you edit ``desk.py``, Python would still import the compiled ``desk``
built from the old source. So at import, ``use_compiled`` compares each source with the hash recorded when it was
compiled; if any differs (or ``PAPERWORK_PURE`` is set), every compiled module is bypassed and the sources are
imported instead, with a note on stderr. All or none: compiled modules call each other directly, so a mix could
run an edited function from one module and the old one from another.

This module imports nothing from the package: ``setup.py`` loads it before anything is installed.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["COMPILED", "MANIFEST", "SLOWER", "is_compiled", "use_compiled", "write_manifest"]

#: How much longer a replication takes as pure Python than compiled, as last measured (``benchmarks/bench.py``,
#: "Compiled against pure Python"; CPU time of a baseline replication, fresh processes in turn).
SLOWER = "about 5 times as long as compiled"

#: The model core, in the order mypyc is given them (paths from the repository root).
COMPILED: tuple[str, ...] = (
    "simulator/model/events.py", "simulator/model/ledger.py", "simulator/model/streams.py",
    "simulator/model/admin.py", "simulator/model/agency.py", "simulator/model/audits.py", "simulator/model/burnout.py",
    "simulator/model/byday.py", "simulator/model/caseload.py", "simulator/model/clients.py",
    "simulator/model/clinician.py", "simulator/model/desk.py", "simulator/model/diary.py",
    "simulator/model/fifo.py", "simulator/model/kinds.py", "simulator/model/leaving.py",
    "simulator/model/paperwork.py", "simulator/model/rules.py",
    "simulator/model/schedule.py", "simulator/model/slots.py", "simulator/model/staffing.py",
    "simulator/model/workday.py",
)
#: The C code mypyc generates for all of them together, which each compiled module imports.
_SHARED_LIBRARY = "simulator/_core__mypyc.py"  # the name of a source it would have (setup.py: group_name)
MANIFEST = "simulator/_native_manifest.json"  #: where the hashes of the compiled sources are recorded
_ROOT = Path(__file__).resolve().parent.parent
_NOTED = "PAPERWORK_PURE_NOTED"
_state = {"compiled": False}


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _hashes(root: Path) -> dict[str, str]:
    return {path: hashlib.sha256((root / path).read_bytes()).hexdigest() for path in COMPILED}


def write_manifest(root: Path, target: Path | None = None) -> None:
    """Record the hash of every source under ``root`` once it is compiled, in ``target`` (a build directory) or
    beside the sources (called by ``setup.py``)."""
    path = (target or root) / MANIFEST
    path.write_text(json.dumps(_hashes(root), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _extension(path: str) -> Path | None:
    """The compiled extension beside a source file, if one was built."""
    source = _ROOT / path
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_name(source.stem + suffix)
        if candidate.exists():
            return candidate
    return None


def _stale() -> str | None:
    """Why the compiled modules must not be used, or None if they match the sources."""
    if os.environ.get("PAPERWORK_PURE"):
        return "PAPERWORK_PURE is set"
    missing = [path for path in (*COMPILED, _SHARED_LIBRARY) if _extension(path) is None]
    if missing:
        return f"the compiled build is incomplete ({', '.join(missing)} not built)"
    try:
        recorded = json.loads((_ROOT / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ("no record of the sources they were built from (the last install did not compile them); "
                "`pip install -e .` on a machine with gcc compiles them again")
    changed = [path for path, digest in _hashes(_ROOT).items() if recorded.get(path) != digest]
    if changed:
        return f"{', '.join(changed)} changed since they were compiled; run `pip install -e .` again to recompile"
    return None


class _SourcesFirst(importlib.abc.MetaPathFinder):
    """Import the listed modules from their ``.py`` files, ignoring a compiled extension beside them."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def use_compiled() -> bool:
    """Decide, once per process and before any model module is imported, whether the compiled modules run."""
    if any(isinstance(finder, _SourcesFirst) for finder in sys.meta_path):
        return False
    if not any(_extension(path) for path in COMPILED):
        return False  # a pure install: nothing to decide
    reason = _stale()
    if reason is None:
        _state["compiled"] = True
        return True
    if not os.environ.get("PAPERWORK_PURE") and not os.environ.get(_NOTED):
        print(f"paperwork-sim: running the model as pure Python (a replication takes {SLOWER}): {reason}",
              file=sys.stderr)
        os.environ[_NOTED] = "1"  # once per command: worker processes inherit this and stay quiet
    sys.meta_path.insert(0, _SourcesFirst({_module_name(p): _ROOT / p for p in COMPILED}))
    return False


def is_compiled() -> bool:
    """Whether this process runs the compiled model core."""
    return _state["compiled"]
