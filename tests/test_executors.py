"""Backends: the local pool and a Dask cluster on 127.0.0.1 give the results of a run in this process, bit for bit.

The cluster is a real one (a scheduler and two worker processes, as ``dask scheduler`` / ``dask worker`` would
start), reached through the same ``--executor dask --scheduler tcp://...`` path as a cluster on other machines.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.experiments.executors import imap_unordered, open_executor
from simulator.experiments.experiment import run_experiment
from simulator.inputs.errors import ScenarioError
from simulator.inputs.loader import load_scenario_text

TINY = """\
name: tiny
horizon_weeks: 20
warmup_weeks: 4
replications: 3
seed: 5
staff: {clinicians: 5}
demand: {referrals_per_week: 16}
"""


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local Dask cluster: two single-threaded worker processes, on ports of their own."""
    distributed: Any = pytest.importorskip("distributed")
    # ":0", not None: with None the scheduler still opens its HTTP server on :8787 (dask/distributed#7207), and
    # two test processes that both start a cluster (pytest -n 2) then collide on that port.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=":0")
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def _square(x: int) -> int:
    return x * x


def test_imap_unordered_returns_every_call_with_its_index() -> None:
    calls = [(k,) for k in range(6)]
    assert sorted(imap_unordered(_square, calls, None)) == [(k, k * k) for k in range(6)]
    with open_executor("local", jobs=2) as pool:
        assert sorted(imap_unordered(_square, calls, pool)) == [(k, k * k) for k in range(6)]


def test_dask_run_equals_local_run(scheduler: str) -> None:
    scenario = load_scenario_text(TINY)
    local = run_experiment(scenario)
    with open_executor("dask", scheduler=scheduler) as pool:
        remote = run_experiment(scenario, executor=pool)
    pd.testing.assert_frame_equal(remote.summary, local.summary)
    pd.testing.assert_frame_equal(remote.weekly, local.weekly)


def test_cli_run_on_dask_writes_the_local_summary(scheduler: str, tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY)
    on_dask = invoke("run", tmp_path / "tiny.yaml", "--executor", "dask", "--scheduler", scheduler,
                     "--out", tmp_path / "dask")
    local = invoke("run", tmp_path / "tiny.yaml", "--jobs", 2, "--out", tmp_path / "local")
    assert on_dask.exit_code == local.exit_code == 0, on_dask.output + local.output
    assert (tmp_path / "dask" / "summary.csv").read_bytes() == (tmp_path / "local" / "summary.csv").read_bytes()


def test_dask_without_scheduler_or_with_a_dead_one_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY)
    missing = invoke("run", tmp_path / "tiny.yaml", "--executor", "dask")
    assert missing.exit_code == 2
    assert "--scheduler" in missing.output
    stray = invoke("run", tmp_path / "tiny.yaml", "--scheduler", "tcp://127.0.0.1:9")
    assert stray.exit_code == 2
    assert "only applies with --executor dask" in stray.output


def test_missing_distributed_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def without_distributed(name: str, package: str | None = None) -> Any:
        if name == "distributed":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_distributed)
    with pytest.raises(ScenarioError, match=r"distributed.*extra"), \
            contextlib.ExitStack() as stack:
        stack.enter_context(open_executor("dask", scheduler="tcp://127.0.0.1:9"))


def test_sweep_on_dask_equals_sweep_in_process(scheduler: str, tmp_path: Path) -> None:
    from simulator.experiments.sweep import one_way

    scenario = load_scenario_text(TINY)
    levers = {"paperwork.note_minutes.mean": (10.0, 20.0), "climate.supervisor_support": (0.2, 0.8)}
    local = one_way(scenario, levers, replications=2)
    with open_executor("dask", scheduler=scheduler) as pool:
        remote = one_way(scenario, levers, replications=2, executor=pool)
    pd.testing.assert_frame_equal(remote, local)
