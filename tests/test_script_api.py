"""The Python API in a plain script, as a modeler writes one: ``run_experiment(scenario, jobs=2)`` at the top level,
with no ``if __name__ == "__main__":`` guard, run as a real process. Worker processes must not run the script again
(which ended in a bootstrap RuntimeError and a BrokenProcessPool), and the results must equal a serial run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tiny import TINY

from simulator.experiments.executors import called_from_unguarded_main
from simulator.experiments.experiment import run_experiment
from simulator.inputs.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
PLAIN = """\
import json
from simulator import load_scenario, run_experiment
from simulator.experiments.executors import called_from_unguarded_main

print("started")  # printed once: a worker that ran this script again would print it again
scenario = load_scenario("tiny.yaml")
result = run_experiment(scenario, replications=4, jobs=2)
print(json.dumps({"unguarded": called_from_unguarded_main(),
                  "sessions": result.summary["sessions_attended"].tolist()}))
"""
GUARDED = "\n".join(["def main():", textwrap.indent(PLAIN, "    "), 'if __name__ == "__main__":', "    main()", ""])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY)
    return tmp_path


def run_python(folder: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=folder, input=stdin, capture_output=True, text=True,
                          timeout=300, check=False)


def serial_sessions(folder: Path) -> list[int]:
    result = run_experiment(load_scenario(folder / "tiny.yaml"), replications=4, jobs=1)
    return [int(v) for v in result.summary["sessions_attended"]]


@pytest.mark.parametrize(("script", "unguarded"), [(PLAIN, True), (GUARDED, False)], ids=["plain", "guarded"])
def test_a_script_runs_replications_in_parallel_with_or_without_the_main_guard(folder: Path, script: str,
                                                                             unguarded: bool) -> None:
    (folder / "study.py").write_text(script)
    done = run_python(folder, "study.py")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count("started") == 1
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer["unguarded"] is unguarded  # the guarded script keeps the faster forkserver pool
    assert answer["sessions"] == serial_sessions(folder)


def test_code_without_a_main_file_runs_as_in_a_notebook(folder: Path) -> None:
    # A notebook's cells run in a __main__ that has no file, which worker processes never import; so does -c.
    done = run_python(folder, "-c", PLAIN)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer["unguarded"] is False  # nothing for a worker to re-run: the forkserver pool
    assert answer["sessions"] == serial_sessions(folder)


def test_a_script_piped_on_stdin_runs_too(folder: Path) -> None:
    # Its main "file" is <stdin>, which a forkserver worker could not re-import: the main-free pool is used.
    done = run_python(folder, "-", stdin=PLAIN)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["sessions"] == serial_sessions(folder)


def test_the_test_process_itself_is_not_mistaken_for_an_unguarded_script() -> None:
    assert not called_from_unguarded_main()  # pytest's entry point is guarded (or a package __main__)
