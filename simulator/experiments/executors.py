"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

Every backend is a ``concurrent.futures.Executor`` (Dask's ``Client.get_executor()`` is one too), so the code that
maps replications never asks which it has. Results cannot depend on the backend or the number of workers: a task
is a pure function of its arguments (scenario, seed, replication), and callers put results back in task order.

Dask is an optional extra (``pip install -e ".[distributed]"``); it is imported only when asked for.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, Literal, TypeVar, get_args

from simulator.inputs.errors import ScenarioError

__all__ = ["DASK_CONNECT_SECONDS", "EXECUTOR_KINDS", "ExecutorKind", "imap_unordered", "open_executor", "warm_up",
           "worker_pool"]

ExecutorKind = Literal["local", "dask"]
EXECUTOR_KINDS: tuple[str, ...] = get_args(ExecutorKind)
DASK_CONNECT_SECONDS = 20  # a wrong address should fail in seconds, not hang

_R = TypeVar("_R")
_COMMAND_LINE = "<command line>"


@contextmanager
def open_executor(kind: ExecutorKind = "local", *, jobs: int = 1,
                  scheduler: str | None = None) -> Iterator[Executor | None]:
    """The executor for a command, closed (and its pending tasks cancelled) on the way out.

    ``local`` with ``jobs`` 1 yields ``None``: run in this process, which is the fastest for a handful of runs and
    keeps tracebacks simple. ``dask`` connects to a running scheduler (``tcp://HOST:PORT``).
    """
    if kind == "local":
        if scheduler is not None:
            raise _bad("--scheduler", "only applies with --executor dask")
        if jobs <= 1:
            yield None
            return
        pool = worker_pool(jobs)
        try:
            yield pool
        finally:
            # Queued work is dropped; the replications in progress finish first (seconds for the baseline). Ending
            # the workers mid-task instead trips a bug of Python 3.11's executor (InvalidStateError in its thread).
            pool.shutdown(cancel_futures=True)
        return
    with _dask_executor(scheduler) as executor:
        yield executor


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A local pool of ``workers`` processes that leave Ctrl-C to their parent."""
    # forkserver: a fresh interpreter per worker, so no thread or lock state of the parent is inherited. The
    # server imports the model once and forks workers from it, so a worker starts in milliseconds, not seconds.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["simulator.experiments.experiment"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_leave_ctrl_c_to_the_parent)


def warm_up(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start the pool's workers now (they start on first use otherwise), so the first request does not wait."""
    for _ in range(workers):
        pool.submit(_ready)


def _ready() -> None:
    """A task that does nothing: running it starts a worker."""


def _leave_ctrl_c_to_the_parent() -> None:
    # A terminal sends SIGINT to the whole process group. The parent cancels the queued work, reports once and
    # exits 130; workers dying on their own would print a traceback each and break the pool under the parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _dask_executor(scheduler: str | None) -> Iterator[Executor]:
    if not scheduler:
        raise _bad("--scheduler", "--executor dask needs the scheduler's address, e.g. --scheduler "
                   "tcp://10.0.0.5:8786 (start one with 'dask scheduler')")
    try:
        # Typed as Any: distributed ships no type hints, and mypy's strict mode would flag every call.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise _bad("--executor", "dask needs the optional 'distributed' extra: pip install -e \".[distributed]\" "
                   "(or pip install \"dask[distributed]\")") from None
    try:
        client = distributed.Client(scheduler, timeout=DASK_CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise _bad("--scheduler", f"cannot connect to the Dask scheduler at {scheduler}: {error}") from None
    try:
        # pure=False: every task is run, never deduplicated by a hash of its arguments.
        yield client.get_executor(pure=False)
    finally:
        client.close()


def imap_unordered(fn: Callable[..., _R], calls: Sequence[tuple[Any, ...]],
                   executor: Executor | None) -> Generator[tuple[int, _R]]:
    """``(index, fn(*calls[index]))`` for every call, as each finishes (in order when ``executor`` is None).

    Closing the iterator early (an exception or Ctrl-C in the caller's loop) cancels the calls not yet started.
    Use it in a ``with contextlib.closing(...)`` block so that happens at once rather than at garbage collection.
    """
    if executor is None:
        for index, args in enumerate(calls):
            yield index, fn(*args)
        return
    futures: dict[Future[_R], int] = {executor.submit(fn, *args): index for index, args in enumerate(calls)}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()


def _bad(option: str, reason: str) -> ScenarioError:
    return ScenarioError.single(_COMMAND_LINE, None, option, reason)
