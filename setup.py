"""Build hook: compile the model core with mypyc when this machine can, pure Python otherwise.

The compiled modules are the same source, type-checked and translated to C by mypyc (part of mypy): a replication
runs about twice as fast and gives the same results, bit for bit (tests/test_compiled.py). Everything else in
``pyproject.toml``. Set ``PAPERWORK_PURE=1`` to install without compiling (or to run compiled checkouts as pure
Python: see ``simulator/_native.py``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

from setuptools import setup


def _native() -> ModuleType:
    """``simulator/_native.py`` loaded by path: importing the package would need its dependencies, which the
    isolated build environment does not have."""
    path = Path(__file__).resolve().parent / "simulator" / "_native.py"
    spec = importlib.util.spec_from_file_location("_paperwork_native", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _can_compile() -> str | None:
    """Why this machine cannot compile, or None if it can."""
    if os.environ.get("PAPERWORK_PURE"):
        return "PAPERWORK_PURE is set"
    if shutil.which(sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc") is None:
        return "no C compiler (install gcc, e.g. apt-get install gcc)"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers (install python3-dev)"
    try:
        import mypyc.build  # noqa: F401
    except ImportError:
        return "mypyc is not installed"
    return None


def _ext_modules() -> list[object]:
    reason = _can_compile()
    if reason is not None:
        print(f"paperwork-sim: installing the model as pure Python ({reason}); it runs about half as fast",
              file=sys.stderr)
        return []
    from mypyc.build import mypycify

    native = _native()
    native.write_manifest(Path(__file__).resolve().parent)
    # The same compiled code whatever else is installed: `--no-site-packages` makes numpy, SimPy and pydantic
    # Any to mypyc (that only costs the fast path on calls into them, not correctness; `mypy` checks them
    # strictly), and `--config-file=` skips pyproject's [tool.mypy], whose pydantic plugin may be missing here.
    # `--follow-imports=silent`: the modules the core imports but mypyc does not compile (the scenario's
    # pydantic models) are read for their types only, their checking is left to `mypy`.
    # The group's shared library goes inside the package (simulator/_core__mypyc.*.so), where an editable
    # install can import it; a top-level one would only be found from the repository root.
    return list(mypycify(["--config-file=", "--no-site-packages", "--ignore-missing-imports", "--follow-imports=silent",
                          *native.COMPILED],
                         opt_level="3", group_name="simulator._core"))


setup(ext_modules=_ext_modules())
