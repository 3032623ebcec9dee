"""Real interruptions of the command line: Ctrl-C (SIGINT to the whole process group, as a terminal sends it) and a
worker process killed with SIGKILL, each against a real ``paperwork-sim`` process with a real process pool.

What must hold: the command ends (never hangs) with its documented exit code and one message, no traceback; only
complete files are left (every Parquet part readable, no temporary files, no manifest for an unfinished run); an
interrupted sweep run again finishes and equals one run straight through.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds worker processes through /proc (Linux)")

BASE = """\
name: small
horizon_weeks: 120
warmup_weeks: 10
replications: 2
staff: {clinicians: 8}
demand: {referrals_per_week: 24}
"""
# Replications per sweep point: enough that the eleven points after the first take far longer than the moment
# between the first point's file appearing and the interruption, even on a fast machine.
SWEEP_REPS = 6
SWEEP = f"""\
name: interrupted
base: small.yaml
design: grid
replications: {SWEEP_REPS}
parameters:
  paperwork.offload_share: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
  workload.productivity_target: [0.6, 0.7]
"""
# Replications for the interrupted runs: far more than finish in the second the tests wait before interrupting (one
# replication of small.yaml takes tens of milliseconds compiled), so the interruption always lands mid-run.
RUN_REPS = 400
WAIT = 120  # seconds before a test gives up on a step (a loaded CI machine is slow, a hang is forever)


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    # its own session, so a SIGINT to its process group reaches the workers too, as Ctrl-C in a terminal does
    # SIGINT back to its default in the child: a suite started as a background job inherits SIGINT ignored, and
    # Python keeps an ignored SIGINT ignored, so Ctrl-C would never reach the command under test.
    return subprocess.Popen([sys.executable, "-m", "simulator", *args], cwd=cwd, text=True, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def grandchildren(pid: int) -> list[int]:
    """The processes two levels below ``pid``: a forkserver pool's workers (children of the forkserver)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    children = {child for child, parent in parents.items() if parent == pid}
    return [child for child, parent in parents.items() if parent in children]


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, stderr = process.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the command hung after the interruption")
    return process.returncode, stderr


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and (".tmp" in p.name or p.name.startswith("."))]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "small.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    return tmp_path


def test_ctrl_c_in_a_sweep_leaves_complete_parts_and_the_same_command_finishes_it(folder: Path) -> None:
    command = ["sweep", "sweep.yaml", "--out", "out", "--jobs", "2"]
    process = start(command, folder)
    parts = folder / "out" / "parts"
    wait_for(lambda: parts.is_dir() and any(parts.glob("*.parquet")), "the first finished point")
    os.killpg(process.pid, signal.SIGINT)
    code, stderr = finish(process)
    assert code == 130, stderr
    assert "run the same command again to resume" in stderr
    assert "Traceback" not in stderr, stderr
    saved = sorted(parts.glob("*.parquet"))
    assert 1 <= len(saved) < 12, "interrupted part-way"
    assert all(len(pd.read_parquet(part)) == SWEEP_REPS for part in saved), \
        "every saved point holds all its replications"
    assert not leftovers(folder / "out")
    assert not (folder / "out" / "manifest.json").exists(), "an unfinished sweep has no manifest"

    resumed = subprocess.run([sys.executable, "-m", "simulator", *command], cwd=folder, capture_output=True,
                             text=True, timeout=600, check=False)
    assert resumed.returncode == 0, resumed.stderr
    straight = subprocess.run([sys.executable, "-m", "simulator", "sweep", "sweep.yaml", "--out", "straight"],
                              cwd=folder, capture_output=True, text=True, timeout=600, check=False)
    assert straight.returncode == 0, straight.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "out" / "results.parquet"),
                                  pd.read_parquet(folder / "straight" / "results.parquet"))


def test_a_killed_worker_ends_the_run_with_a_message_not_a_hang(folder: Path) -> None:
    process = start(["run", "small.yaml", "--reps", str(RUN_REPS), "--jobs", "2", "--out", "out"], folder)
    wait_for(lambda: len(grandchildren(process.pid)) >= 2, "the worker processes")
    time.sleep(1.0)  # both busy with a replication
    os.kill(grandchildren(process.pid)[0], signal.SIGKILL)
    code, stderr = finish(process)
    assert code == 1, stderr
    assert "a worker process stopped unexpectedly" in stderr
    assert "Traceback" not in stderr, stderr
    assert not (folder / "out" / "summary.csv").exists(), "an abandoned run writes no results"
    assert not leftovers(folder / "out")


def test_ctrl_c_in_a_run_exits_130_and_writes_nothing(folder: Path) -> None:
    process = start(["run", "small.yaml", "--reps", str(RUN_REPS), "--jobs", "2", "--out", "out"], folder)
    wait_for(lambda: len(grandchildren(process.pid)) >= 2, "the worker processes")
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)
    code, stderr = finish(process)
    assert code == 130, stderr
    assert "interrupted; no partial files were written" in stderr
    assert "Traceback" not in stderr, stderr
    assert not [p for p in (folder / "out").rglob("*") if p.is_file()], "nothing written, not even a part"
