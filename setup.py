"""Build hook: compile the model core with mypyc when this machine can, pure Python otherwise.

The compiled modules are the same source, type-checked and translated to C by mypyc (part of mypy): a replication
runs several times as fast (``simulator/_native.py``, ``SLOWER``) and gives the same results, bit for bit
(tests/test_compiled.py). Everything else is in
``pyproject.toml``. Set ``PAPERWORK_PURE=1`` to install without compiling (or to run a compiled checkout as pure
Python: see ``simulator/_native.py``).

Compiling is never what makes an install fail: without a compiler, headers or mypyc, or if mypyc or the C
compiler stops with an error, the package installs as pure Python and says why. The record of the sources that
were compiled is written only after every module compiled, so machine code from an earlier build can never run
against newer sources.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import sysconfig
from pathlib import Path
from types import ModuleType
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _native() -> ModuleType:
    """``simulator/_native.py`` loaded by path: importing the package would need its dependencies, which the
    isolated build environment does not have."""
    path = ROOT / "simulator" / "_native.py"
    spec = importlib.util.spec_from_file_location("_paperwork_native", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NATIVE = _native()


def _pure(reason: str) -> None:
    print(f"paperwork-sim: installing the model as pure Python ({reason}); a replication takes {NATIVE.SLOWER}",
          file=sys.stderr)


def _cannot_compile() -> str | None:
    """Why this machine cannot compile, or None if it can."""
    if os.environ.get("PAPERWORK_PURE"):
        return "PAPERWORK_PURE is set"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(os.environ.get("CC", compiler).split()[0]) is None:
        return "no C compiler: install gcc, e.g. apt-get install gcc"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers: install python3-dev"
    if importlib.util.find_spec("mypyc") is None:
        return "mypyc is not installed"
    return None


def _ext_modules() -> list[Any]:
    reason = _cannot_compile()
    if reason is not None:
        _pure(reason)
        return []
    from mypyc.build import mypycify

    try:
        # The same compiled code whatever else is installed: `--no-site-packages` makes numpy, SimPy and pydantic
        # Any to mypyc (that only costs the fast path on calls into them, not correctness; `mypy` checks them
        # strictly), and `--config-file=` skips pyproject's [tool.mypy], whose pydantic plugin may be missing
        # here. `--follow-imports=silent`: the modules the core imports but mypyc does not compile (the
        # scenario's pydantic models) are read for their types only; checking them is `mypy`'s job.
        # The group's shared library goes inside the package (simulator/_core__mypyc.*.so), where an editable
        # install can import it; a top-level one would only be found from the repository root.
        return list(mypycify(["--config-file=", "--no-site-packages", "--ignore-missing-imports",
                              "--follow-imports=silent", *NATIVE.COMPILED],
                             opt_level="3", group_name="simulator._core"))
    except (Exception, SystemExit) as error:  # mypyc reports type errors by exiting
        _pure(f"mypyc stopped with {type(error).__name__}: {error}")
        return []


class BuildCore(build_ext):  # type: ignore[misc]  # setuptools ships no types here
    """Build the compiled core all or nothing, and record its sources only once all of it is built."""

    def run(self) -> None:
        (ROOT / NATIVE.MANIFEST).unlink(missing_ok=True)  # until this build succeeds, no earlier build may run
        if not self.extensions:
            return
        try:
            super().run()
        except (Exception, SystemExit) as error:  # a compiler error is a SystemExit from distutils
            _pure(f"compiling stopped with {type(error).__name__}; `pip install -v -e .` shows why")
            return
        # Editable installs build in place; a wheel gets the record in its own copy of the package.
        NATIVE.write_manifest(ROOT, None if self.inplace else Path(self.build_lib))


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": BuildCore})
