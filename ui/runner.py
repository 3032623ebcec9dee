"""How the app runs simulations: one worker pool per server, a cache of finished replications, paired runs.

Replications run in worker processes, so the page stays responsive while they compute. Each session keeps at
most ``window`` replications in flight and submits the next only as one finishes; the pool's queue is first in,
first out, so two users' runs interleave replication by replication instead of one waiting for the other's whole
run. Finished replications are cached on (resolved scenario, seed, replication): asking for 20 replications after
10 computes only the 10 new ones, and a run interrupted by a widget change still keeps what it finished.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import pandas as pd

from simulator.experiments.executors import warm_up, worker_pool
from simulator.experiments.experiment import ExperimentResult, ReplicationResult, run_replication
from simulator.experiments.sweep import Sweep, sweep_table
from simulator.inputs.scenario import Scenario
from simulator.outputs.story import week_trace

__all__ = ["PairedProgress", "Runner", "SweepProgress", "WorkerCrashError", "experiment_from", "scenario_key"]

# Fields that label a scenario but do not change what it simulates.
_LABELS = {"name", "description", "replications", "seed"}


def scenario_key(scenario: Scenario) -> str:
    """A digest of everything that changes the simulation (not the name, description or defaults for runs)."""
    return hashlib.sha256(scenario.model_dump_json(exclude=_LABELS).encode()).hexdigest()[:20]


class WorkerCrashError(RuntimeError):
    """A worker process died (killed, out of memory); the pool has been replaced and the run can be retried."""


class _Store:
    """A bounded, thread-safe least-recently-used cache (sessions run in separate threads of one server)."""

    def __init__(self, capacity: int) -> None:
        self._items: OrderedDict[tuple[str, int, int], object] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int, int]) -> object | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: tuple[str, int, int], value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class PairedProgress:
    """Where a paired run stands: the replications finished so far, in replication order."""

    done: int
    total: int
    policy: list[ReplicationResult]
    reference: list[ReplicationResult]


@dataclass(frozen=True)
class SweepProgress:
    """Where a sweep stands; ``table`` is the tidy table (``simulator.experiments.sweep``) once every replication
    is done."""

    done: int
    total: int
    table: pd.DataFrame | None = None


class Runner:
    """The server's worker pool and replication cache, shared by every session."""

    def __init__(self, workers: int = 2, capacity: int = 4000) -> None:
        self.workers = workers
        self._store = _Store(capacity)
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        self.computed = 0  # jobs sent to the pool (cache misses), for tests and the server log

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver workers start from a clean interpreter, not a fork of Streamlit's threads; started at once, so
        # the first Run does not wait for them
        pool = worker_pool(self.workers)
        warm_up(pool, self.workers)
        return pool

    def shutdown(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def _submit(self, key: tuple[str, int, int], fn: object, *args: object, **kwargs: object) -> Future[object]:
        cached = self._store.get(key)
        if cached is not None:
            done: Future[object] = Future()
            done.set_result(cached)
            return done
        with self._lock:
            self.computed += 1
            try:
                future: Future[object] = self._pool.submit(fn, *args, **kwargs)  # type: ignore[arg-type]
            except BrokenProcessPool:
                self._pool = self._new_pool()
                future = self._pool.submit(fn, *args, **kwargs)  # type: ignore[arg-type]

        def keep(finished: Future[object]) -> None:
            if not finished.cancelled() and finished.exception() is None:
                self._store.put(key, finished.result())

        future.add_done_callback(keep)
        return future

    def _replace_broken_pool(self) -> WorkerCrashError:
        """A fresh pool after a worker died, and the error that tells the session so."""
        with self._lock:
            self._pool = self._new_pool()
        return WorkerCrashError("a worker process stopped unexpectedly; the pool was restarted")

    def replication(self, scenario: Scenario, seed: int, replication: int) -> Future[ReplicationResult]:
        key = (scenario_key(scenario), seed, replication)
        return self._submit(key, run_replication, scenario, replication, seed=seed)  # type: ignore[return-value]

    def trace(self, scenario: Scenario, seed: int, replication: int = 0) -> Future[pd.DataFrame]:
        """The minute-level trace of an early and a late week of one replication (for "a clinician's week")."""
        key = ("trace:" + scenario_key(scenario), seed, replication)
        return self._submit(key, week_trace, scenario, replication=replication, seed=seed)  # type: ignore[return-value]

    def paired(self, policy: Scenario, reference: Scenario | None, replications: int, seed: int,
               window: int | None = None) -> Iterator[PairedProgress]:
        """Run replications 0..n-1 of both scenarios with the same seed; yield each time a pair completes.

        Pairs are submitted in replication order with at most ``window`` pairs in flight, so the first figures
        arrive after about one replication's time and the pairs completed are always 0..k-1.
        """
        window = window or self.workers
        same = reference is None or scenario_key(reference) == scenario_key(policy)
        pending: dict[int, tuple[Future[ReplicationResult], Future[ReplicationResult]]] = {}
        results: dict[int, tuple[ReplicationResult, ReplicationResult]] = {}
        next_rep = 0
        try:
            while len(results) < replications:
                while next_rep < replications and len(pending) < window:
                    mine = self.replication(policy, seed, next_rep)
                    theirs = mine if same or reference is None else self.replication(reference, seed, next_rep)
                    pending[next_rep] = (mine, theirs)
                    next_rep += 1
                running = {f for pair in pending.values() for f in pair if not f.done()}
                if running:  # waiting on finished futures would return at once and spin
                    wait(running, return_when="FIRST_COMPLETED")
                finished = [rep for rep, (mine, theirs) in pending.items() if mine.done() and theirs.done()]
                if not finished:
                    continue  # one half of a pair is done; keep waiting for the other
                for rep in finished:
                    mine, theirs = pending.pop(rep)
                    results[rep] = (mine.result(), theirs.result())
                ordered = sorted(results)
                yield PairedProgress(len(results), replications, [results[k][0] for k in ordered],
                                     [results[k][1] for k in ordered])
        except BrokenProcessPool as error:
            raise self._replace_broken_pool() from error
        finally:
            for mine, theirs in pending.values():
                mine.cancel()
                theirs.cancel()


    def sweep(self, sweep: Sweep, window: int | None = None) -> Iterator[SweepProgress]:
        """Run every point x replication of ``sweep`` on the shared pool; yield after each one finishes.

        The same windowing as ``paired`` keeps other sessions' runs moving; replications come from the same cache,
        so the base point of a sweep reuses the current scenario's finished replications.
        """
        window = window or 2 * self.workers
        calls = [(point, rep) for point in range(len(sweep.design)) for rep in range(sweep.replications)]
        scenarios = {point: sweep.scenario_at(point) for point in range(len(sweep.design))}
        pending: dict[Future[ReplicationResult], tuple[int, int]] = {}
        rows: list[dict[str, float]] = []
        queue = iter(calls)
        try:
            while len(rows) < len(calls):
                for point, rep in queue:
                    pending[self.replication(scenarios[point], sweep.seed, rep)] = (point, rep)
                    if len(pending) >= window:
                        break
                done, _ = wait(set(pending), return_when="FIRST_COMPLETED")
                for future in done:
                    point, rep = pending.pop(future)
                    rows.append({"point": point, "replication": rep, **future.result().summary})
                finished = len(rows) == len(calls)
                yield SweepProgress(len(rows), len(calls), sweep_table(sweep, rows) if finished else None)
        except BrokenProcessPool as error:
            raise self._replace_broken_pool() from error
        finally:
            for future in pending:
                future.cancel()


def experiment_from(scenario: Scenario, seed: int, results: list[ReplicationResult]) -> ExperimentResult:
    """An ExperimentResult assembled from finished replications (for intervals and comparisons)."""
    summary = pd.DataFrame([{"replication": r.replication, **r.summary} for r in results])
    weekly = pd.concat([r.weekly for r in results], ignore_index=True)
    return ExperimentResult(scenario, seed, summary, weekly, None, sum(r.wall_seconds for r in results),
                            sum(r.sim_events for r in results))

