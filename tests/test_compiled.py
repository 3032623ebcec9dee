"""The compiled model core (mypyc, see ``simulator/_native.py``) gives the same results as its sources, bit for bit,
and never runs when it is older than them.

Each check runs in a child process, because whether the compiled modules are used is decided once per process,
at ``import simulator``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator._native import COMPILED, is_compiled

ROOT = Path(__file__).resolve().parent.parent

NOT_COMPILED = ("the model core is not compiled here (no C compiler at install, PAPERWORK_PURE set, or sources "
                "edited since `pip install -e .`); nothing compiled to compare")


@pytest.fixture(autouse=True)
def _needs_the_compiled_core() -> None:
    """Skip without it; in CI (``PAPERWORK_REQUIRE_COMPILED=1``) a build that silently fell back fails instead."""
    if not is_compiled():
        if os.environ.get("PAPERWORK_REQUIRE_COMPILED"):
            pytest.fail(NOT_COMPILED)
        pytest.skip(NOT_COMPILED)

# A small agency with many departures (every mechanism draws numbers) and the bundled AI-scribe policy, shortened,
# each with two traced weeks, so every compiled module runs.
FINGERPRINT = """
import hashlib
from simulator._native import is_compiled
from simulator.inputs.loader import load_scenario
from simulator.model import simulate
from simulator.inputs.scenario import Scenario

small = Scenario().with_changes({"staff.clinicians": 8, "demand.referrals_per_week": 28, "horizon_weeks": 40,
                                 "warmup_weeks": 8, "turnover.base_annual_rate": 1.0})
scribe = load_scenario("scenarios/ai_scribe.yaml").with_changes({"horizon_weeks": 30, "warmup_weeks": 4})
digest = hashlib.sha256()
for scenario in (small, scribe):
    for replication in (0, 1):
        log = simulate(scenario, replication=replication, trace_weeks=(2, 20))
        for part in (list(log.events), list(log.days), log.trace, log.sim_events):
            digest.update(repr(part).encode())
print(is_compiled(), len(log.events), digest.hexdigest())
"""

PROBE = """
import importlib, simulator
from simulator._native import is_compiled
print(is_compiled(), importlib.import_module("simulator.model.desk").__file__)
"""


def _python(code: str, *, cwd: Path, pure: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PAPERWORK_PURE", "PAPERWORK_PURE_NOTED")}
    env["PYTHONPATH"] = str(cwd)
    if pure:
        env["PAPERWORK_PURE"] = "1"
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done


def test_compiled_and_pure_python_record_the_same_event_log() -> None:
    compiled = _python(FINGERPRINT, cwd=ROOT).stdout.split()
    pure = _python(FINGERPRINT, cwd=ROOT, pure=True).stdout.split()
    assert compiled[0] == "True"
    assert pure[0] == "False"
    assert int(compiled[1]) > 1000  # a real run, not an empty log
    assert compiled[1:] == pure[1:]


@pytest.fixture
def copy_of_the_package(tmp_path: Path) -> Path:
    """The package with its compiled modules and their manifest, where a test may edit a source."""
    shutil.copytree(ROOT / "simulator", tmp_path / "simulator", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _edit_desk(package: Path) -> Path:
    """Change ``model/desk.py`` in a copy of the package after it was compiled, as a developer would."""
    edited = package / "simulator" / "model" / "desk.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited after compiling\n", encoding="utf-8")
    return edited


def test_the_compiled_core_runs_when_it_matches_its_sources(copy_of_the_package: Path) -> None:
    done = _python(PROBE, cwd=copy_of_the_package)
    flag, desk = done.stdout.split()
    assert flag == "True"
    assert not desk.endswith(".py")
    assert done.stderr == ""


def test_an_edited_source_sends_every_module_back_to_python(copy_of_the_package: Path) -> None:
    edited = _edit_desk(copy_of_the_package)
    done = _python(PROBE, cwd=copy_of_the_package)
    flag, desk = done.stdout.split()
    assert flag == "False"
    assert desk == str(edited)
    # One note says why and how to get the speed back; the other modules are bypassed too (all or none).
    assert "simulator/model/desk.py changed since they were compiled" in done.stderr
    assert "pip install -e ." in done.stderr
    workday = _python(PROBE.replace("model.desk", "model.workday"), cwd=copy_of_the_package).stdout.split()[1]
    assert workday.endswith("workday.py")


def test_the_note_is_given_once_per_command_not_once_per_worker(copy_of_the_package: Path) -> None:
    _edit_desk(copy_of_the_package)
    two_workers = """
from simulator.experiments.experiment import run_experiment
from simulator.inputs.scenario import Scenario
if __name__ == "__main__":
    small = Scenario().with_changes({"staff.clinicians": 3, "horizon_weeks": 6, "warmup_weeks": 1})
    run_experiment(small, replications=2, jobs=2)
"""
    done = _python(two_workers, cwd=copy_of_the_package)
    assert done.stderr.count("running the model as pure Python") == 1, done.stderr


@pytest.mark.parametrize(("remove", "because"), [
    ("_native_manifest.json", "no record of the sources they were built from"),  # a failed or pure reinstall
    ("_core__mypyc.*", "the compiled build is incomplete (simulator/_core__mypyc.py not built)"),
])
def test_a_build_without_its_record_or_its_shared_library_is_not_used(copy_of_the_package: Path, remove: str,
                                                                        because: str) -> None:
    doomed = list((copy_of_the_package / "simulator").glob(remove))
    assert doomed
    for path in doomed:
        path.unlink()
    done = _python(PROBE, cwd=copy_of_the_package)
    assert done.stdout.split()[0] == "False"
    assert because in done.stderr


def test_paperwork_pure_runs_the_sources_silently(copy_of_the_package: Path) -> None:
    done = _python(PROBE, cwd=copy_of_the_package, pure=True)
    flag, desk = done.stdout.split()
    assert (flag, Path(desk).name) == ("False", "desk.py")
    assert done.stderr == ""


def test_every_compiled_module_is_listed_in_the_manifest() -> None:
    recorded = json.loads((ROOT / "simulator" / "_native_manifest.json").read_text(encoding="utf-8"))
    assert sorted(recorded) == sorted(COMPILED)


def test_every_module_of_the_model_core_is_compiled() -> None:
    # A model module left out of COMPILED still runs, as interpreted Python called from the compiled modules
    # through Python's generic calls: correct, but several times slower, and nothing else would say so.
    core = {f"simulator/model/{path.name}" for path in (ROOT / "simulator" / "model").glob("*.py")
            if path.name != "__init__.py"}
    assert core <= set(COMPILED)
