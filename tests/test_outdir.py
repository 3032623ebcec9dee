"""Output folders: no command overwrites an input or a file it did not write, two commands never share a folder,
and a refused or interrupted command leaves no empty folder behind (simulator.cli.outdir)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.cli.outdir import LOCK, foreign_files

SLOW = TINY.replace("horizon_weeks: 20", "horizon_weeks: 120")  # long enough to be interrupted mid-run


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


def assert_refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- inputs are never overwritten ------------------------------------------------------------------------------


def test_run_into_the_folder_of_its_own_scenario_yaml_never_overwrites_it(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(TINY)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("# my notes\nextends: base.yaml\nname: mine\n")
    before = snapshot(tmp_path)
    for force in ([], ["--force"]):
        assert_refused(invoke("run", scenario, "--out", tmp_path, *force),
                       "the results would overwrite scenario.yaml, an input of this command")
        assert snapshot(tmp_path) == before  # comments and extends intact, nothing written beside them


def test_a_results_scenario_run_again_into_its_own_folder_is_refused(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", tiny, "--reps", 1, "--out", out).exit_code == 0
    before = snapshot(out)
    assert_refused(invoke("run", out / "scenario.yaml", "--out", out), "an input of this command")
    assert snapshot(out) == before


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
def test_an_input_reached_through_a_symlink_in_the_folder_is_protected(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "scenario.yaml").symlink_to(tiny)
    assert_refused(invoke("run", tiny, "--out", out, "--force"), "an input of this command")
    assert tiny.read_text() == TINY


def test_compare_protects_both_scenarios(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "other").mkdir(parents=True)
    other = out / "other" / "scenario.yaml"
    other.write_text(TINY.replace("tiny", "other"))
    assert_refused(invoke("compare", tiny, other, "--out", out, "--force"), "an input of this command")
    assert other.read_text() == TINY.replace("tiny", "other")


def test_an_out_that_is_a_device_is_not_a_folder(tiny: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    assert_refused(invoke("run", tiny, "--reps", 1, "--out", "/dev/null"), "/dev/null: --out: is not a folder")


# --- foreign files -----------------------------------------------------------------------------------------------


def test_a_folder_with_the_users_own_summary_is_refused_unless_force(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").write_text("my own numbers\n")
    (out / "notes.txt").write_text("mine\n")
    assert_refused(invoke("run", tiny, "--reps", 1, "--out", out),
                   "holds files this tool did not write (notes.txt, summary.csv)", "--force")
    assert snapshot(out) == {"notes.txt": b"mine\n", "summary.csv": b"my own numbers\n"}
    forced = invoke("run", tiny, "--reps", 1, "--out", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "summary.csv").read_text().startswith("replication,")
    assert (out / "notes.txt").read_text() == "mine\n"  # beside, untouched
    assert foreign_files(out) == ["notes.txt"]


@pytest.mark.parametrize("command", ["warmup", "compare"])
def test_warmup_and_compare_refuse_foreign_files_too(tiny: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "welch.csv").write_text("mine\n")
    args = [tiny] if command == "warmup" else [tiny, tiny]
    assert_refused(invoke(command, *args, "--reps", 1, "--out", out), "holds files this tool did not write")
    assert snapshot(out) == {"welch.csv": b"mine\n"}


def test_the_tools_own_results_are_rewritten_and_stale_ones_dropped(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", tiny, "--reps", 1, "--events", "--out", out).exit_code == 0
    assert (out / "events.parquet").exists()
    assert (out / "days.parquet").exists()
    again = invoke("run", tiny, "--reps", 2, "--out", out)
    assert again.exit_code == 0, again.output
    assert not (out / "events.parquet").exists()  # it would pass for the new run's event log
    assert not (out / "days.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    assert manifest["replications"] == 2
    assert foreign_files(out) == []


def test_warmup_lists_welch_in_its_manifest_so_a_rerun_is_allowed(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        result = invoke("warmup", tiny, "--reps", 1, "--window", 1, "--out", out)
        assert result.exit_code == 0, result.output
    assert "welch.csv" in json.loads((out / "manifest.json").read_text())["files"]


def test_a_crafted_manifest_cannot_make_a_run_delete_files_outside_the_folder(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "manifest.json").write_text(json.dumps({"version": "x", "files": ["../victim.txt", str(victim)]}))
    assert invoke("run", tiny, "--reps", 1, "--out", out).exit_code == 0
    assert victim.read_text() == "keep me"


def test_a_resumed_sweep_folder_with_a_foreign_file_is_refused_unless_force(tiny: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("name: s\nbase: tiny.yaml\ndesign: grid\nreplications: 1\n"
                     "parameters:\n  paperwork.offload_share: [0.1, 0.2]\n")
    out = tmp_path / "out"
    assert invoke("sweep", sweep, "--out", out).exit_code == 0
    (out / "notes.txt").write_text("mine")
    assert_refused(invoke("sweep", sweep, "--out", out), "holds files this tool did not write (notes.txt)")
    assert invoke("sweep", sweep, "--out", out, "--force").exit_code == 0
    assert (out / "notes.txt").read_text() == "mine"


# --- one command per folder; nothing left by a refused or interrupted one ------------------------------------------


def test_a_folder_locked_by_a_live_process_is_refused_and_a_stale_lock_taken_over(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / LOCK).write_text(json.dumps({"pid": holder.pid, "host": os.uname().nodename, "command": "run x"}))
        assert_refused(invoke("run", tiny, "--reps", 1, "--out", out),
                       f"another paperwork-sim command is writing to this folder (process {holder.pid}")
        assert [p.name for p in out.iterdir()] == [LOCK]
    finally:
        holder.kill()
        holder.wait()
    result = invoke("run", tiny, "--reps", 1, "--out", out)  # its holder is gone: the lock is stale
    assert result.exit_code == 0, result.output
    assert not (out / LOCK).exists()


@pytest.mark.parametrize("command", ["run", "warmup", "compare"])
def test_an_interrupted_command_removes_the_folders_it_created(tiny: Path, tmp_path: Path, command: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.runs, "run_experiment", interrupted)
    monkeypatch.setattr(cli.studies, "run_experiment", interrupted)
    args = [tiny, tiny] if command == "compare" else [tiny]
    result = invoke(command, *args, "--out", tmp_path / "new" / "deeper")
    assert result.exit_code == 130, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="a real second process (Linux)")
def test_a_second_run_into_a_busy_folder_is_refused_while_the_first_goes_on(tmp_path: Path) -> None:
    (tmp_path / "slow.yaml").write_text(SLOW)
    first = subprocess.Popen([sys.executable, "-m", "simulator", "run", "slow.yaml", "--reps", "400", "--out", "out"],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "out" / LOCK).exists():
            assert first.poll() is None, "the first run ended before it took the folder"
            assert time.monotonic() < deadline, "the first run never took the folder"
            time.sleep(0.05)
        second = subprocess.run([sys.executable, "-m", "simulator", "run", "slow.yaml", "--reps", "1", "--out", "out"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
        assert second.returncode == 2, second.stderr
        assert f"another paperwork-sim command is writing to this folder (process {first.pid}" in second.stderr
        os.killpg(first.pid, signal.SIGINT)
        _, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert first.returncode == 130, stderr
    assert not (tmp_path / "out").exists(), "the interrupted run created the folder and wrote nothing: it is gone"


def test_another_commands_results_are_refused_and_never_deleted_by_a_forced_run(tiny: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("name: s\nbase: tiny.yaml\ndesign: grid\nreplications: 1\n"
                     "parameters:\n  paperwork.offload_share: [0.1, 0.2]\n")
    out = tmp_path / "out"
    assert invoke("sweep", sweep, "--out", out).exit_code == 0
    before = snapshot(out)
    assert_refused(invoke("run", tiny, "--reps", 1, "--out", out), "holds the results of another kind of command")
    assert_refused(invoke("compare", tiny, tiny, "--reps", 1, "--out", out), "another kind of command")
    assert snapshot(out) == before
    assert invoke("run", tiny, "--reps", 1, "--out", out, "--force").exit_code == 0
    assert all(snapshot(out)[name] == content for name, content in before.items() if name != "manifest.json")
    run = tmp_path / "run"
    assert invoke("run", tiny, "--reps", 1, "--out", run).exit_code == 0
    assert_refused(invoke("compare", tiny, tiny, "--reps", 1, "--out", run), "another kind of command (intervals.csv")
    assert invoke("warmup", tiny, "--reps", 1, "--window", 1, "--out", run).exit_code == 0  # a run's files and more
