"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

Every backend is a ``concurrent.futures.Executor`` (Dask's ``Client.get_executor()`` is one too), so the code that
maps replications never asks which it has. Results cannot depend on the backend or the number of workers: a task
is a pure function of its arguments (scenario, seed, replication), and callers put results back in task order.

Dask is an optional extra (``pip install -e ".[distributed]"``); it is imported only when asked for.

A local pool must never run the caller's script again. The standard library's ``forkserver`` and ``spawn`` start
methods import the main module afresh in every worker (to find functions defined there), so a plain script that
calls ``run_experiment(scenario, jobs=2)`` at its top level, without ``if __name__ == "__main__":``, would start
pools within pools and die with a bootstrap ``RuntimeError``. Our tasks are functions of this package and need
nothing from ``__main__``, so when the call comes from such unguarded top-level code the pool is loky's, whose
workers never import the main module (a documented feature of its ``loky`` start method). Otherwise (the
command line, guarded scripts, notebooks) it is the faster forkserver pool, whose workers fork from a server that
has imported the model once.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import multiprocessing
import signal
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeVar, get_args

from simulator.inputs.errors import ScenarioError

__all__ = ["DASK_CONNECT_SECONDS", "EXECUTOR_KINDS", "ExecutorKind", "called_from_unguarded_main", "imap_unordered",
           "open_executor", "warm_up", "worker_pool"]

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
        if called_from_unguarded_main():
            with _main_free_pool(jobs) as main_free:
                yield main_free
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


@contextmanager
def _main_free_pool(workers: int) -> Iterator[Executor]:
    """A local pool whose workers never import ``__main__`` (loky's ``loky`` start method: fork and exec a fresh
    interpreter that imports only what the tasks need)."""
    from loky import ProcessPoolExecutor as LokyPool  # loaded only for the scripts that need it
    from loky.backend.context import get_context

    pool = LokyPool(max_workers=workers, context=get_context("loky"), initializer=_leave_ctrl_c_to_the_parent)
    try:
        yield pool
    finally:
        # imap_unordered has cancelled the queued work; the replications in progress finish first, as above.
        pool.shutdown(wait=True)


def called_from_unguarded_main() -> bool:
    """Whether this call comes from top-level code of a main module that a forkserver worker would run again.

    That is a script run by path (or a module run with ``python -m``) whose top-level statements are executing
    now, at a line outside an ``if __name__ == "__main__":`` block. Notebooks (no main file), ``python -m
    package`` (a ``__main__`` module, never re-run) and calls from functions run later are not.
    """
    main = sys.modules.get("__main__")
    if main is None or not _workers_import(main):
        return False
    frame = inspect.currentframe()
    while frame is not None and not (frame.f_globals is vars(main) and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:
        return False
    return not _inside_main_guard(str(main.__file__), frame.f_lineno)


def _workers_import(main: ModuleType) -> bool:
    """Whether ``multiprocessing`` re-imports this main module in a spawned or forkserver worker (its rules)."""
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return name != "__main__" and not name.endswith(".__main__")
    path = getattr(main, "__file__", None)
    return path is not None and Path(path).stem != "ipython"


def _inside_main_guard(path: str, line: int) -> bool:
    """Whether ``line`` of the file lies inside a top-level ``if __name__ == "__main__":`` block (False if the file
    cannot be read: the main-free pool is always safe)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return False
    return any(isinstance(node, ast.If) and _is_main_test(node.test) and node.body[0].lineno <= line
               <= (node.body[-1].end_lineno or node.body[-1].lineno) for node in tree.body)


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = {side.id for side in sides if isinstance(side, ast.Name)}
    texts = {side.value for side in sides if isinstance(side, ast.Constant)}
    return names == {"__name__"} and texts == {"__main__"}


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
