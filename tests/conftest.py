"""Shared fixtures: scenario files loaded the way users load them; expensive experiments run once per session."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.experiments.experiment import ExperimentResult
from simulator.inputs.loader import load_scenario
from simulator.inputs.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _load(path: Path) -> Scenario:
    return load_scenario(path)


@pytest.fixture(scope="session")
def load() -> Callable[[str], Scenario]:
    """``load("ai_scribe.yaml")``: a scenario file under ``scenarios/``, inheritance resolved."""
    return lambda name: _load(SCENARIOS / name)


Compute = Callable[[], ExperimentResult]


@pytest.fixture(scope="session")
def once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Compute], ExperimentResult]:
    """``once(key, compute)``: an experiment computed once per test session, even when pytest-xdist spreads the
    tests that need it over several workers (so a module's tests can be split without paying for it twice)."""
    cache: dict[str, ExperimentResult] = {}

    def get(key: str, compute: Compute) -> ExperimentResult:
        if key not in cache:
            shared = "PYTEST_XDIST_WORKER" in os.environ  # then the parent of each worker's basetemp is shared
            cache[key] = _computed_once(key, compute, tmp_path_factory.getbasetemp().parent) if shared else compute()
        return cache[key]

    return get


def _computed_once(key: str, compute: Compute, root: Path) -> ExperimentResult:
    """The first worker to take the lock computes and publishes a pickle; the others wait for it (the pattern of
    pytest-xdist's docs, with an O_EXCL lock file instead of the filelock package)."""
    done, failed = root / f"{key}.pickle", root / f"{key}.failed"
    try:
        os.close(os.open(root / f"{key}.lock", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        deadline = time.monotonic() + 900
        while not done.exists():
            assert not failed.exists(), f"the worker computing {key} failed"
            assert time.monotonic() < deadline, f"timed out waiting for {key}"
            time.sleep(0.2)
        result: ExperimentResult = pickle.loads(done.read_bytes())
        return result
    try:
        result = compute()
    except BaseException:
        failed.touch()
        raise
    partial = root / f"{key}.partial"
    partial.write_bytes(pickle.dumps(result))
    partial.replace(done)  # atomic: a waiting worker never reads half a file
    return result
