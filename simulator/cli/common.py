"""What every command shares: the Typer app, its options, loading a scenario, progress bars, and the one place
where bad input becomes a message and exit code 2.

Bad input of any kind ends with one message on stderr and exit code 2, never a traceback; Ctrl-C ends with 130;
a worker process that dies ends the command with 1 and a message (never a hang).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from simulator.cli.outdir import Claim, claim
from simulator.experiments.executors import ExecutorKind, open_executor
from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.limits import APP_LIMITS, NO_LIMITS, Limits
from simulator.inputs.loader import LoadedScenario, parse_override, read_scenario

__all__ = ["BAD_INPUT", "FAILED", "INTERRUPTED", "app", "load", "main", "warn"]

FAILED = 1  # the machine, not the input: a worker process died
BAD_INPUT = 2
INTERRUPTED = 130  # the shell's convention for death by SIGINT

app = typer.Typer(name="paperwork-sim", no_args_is_help=True, add_completion=False,
                  help="Simulate what paperwork does to a mental-health workforce, and test policies against it.")


def check_overrides(values: list[str] | None) -> list[str]:
    """Reject a malformed ``--set`` before anything runs (unknown paths and bad values fail at load time)."""
    for text in values or []:
        try:
            parse_override(text)
        except (ScenarioError, ValueError) as error:
            raise typer.BadParameter(str(error)) from None
    return values or []


ScenarioFile = Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file.", show_default=False)]
Reps = Annotated[int | None, typer.Option("--reps", min=1, show_default="the scenario's replications",
                                          help="Number of replications.")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1, show_default="the scenario's seed",
                                          help="Root random seed.")]
Jobs = Annotated[int, typer.Option("--jobs", min=1, help="Worker processes; results do not depend on it.")]
Sets = Annotated[list[str] | None, typer.Option(
    "--set", metavar="PATH=VALUE", callback=check_overrides, show_default=False,
    help="Override a parameter by dotted path, e.g. --set paperwork.offload_share=0.2 (repeatable).")]
ExecutorOption = Annotated[ExecutorKind, typer.Option(
    "--executor",
    help="Where replications run: local (a process pool of --jobs workers on this machine) or dask "
         "(a Dask cluster; needs --scheduler). Results do not depend on it.")]
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", metavar="tcp://HOST:PORT", show_default=False,
    help="Address of a running Dask scheduler (started with 'dask scheduler'), for --executor dask.")]
OutDir = Annotated[Path | None, typer.Option("--out", file_okay=False, show_default=False,
                                             help="Directory to write the result files to.")]
Force = Annotated[bool, typer.Option(
    "--force", help="Write into an --out folder that holds files this tool did not write (replacing those of the "
                    "same names); an input file is never overwritten.")]


def main() -> None:
    """Console-script entry point (``paperwork-sim``)."""
    app()


def _limit(flag: str, what: str) -> Any:
    return typer.Option(flag, envvar=f"PAPERWORK_{flag[2:].upper().replace('-', '_')}", min=1, show_default=False,
                        help=f"Refuse scenarios and sweeps with more than this many {what} (default: no limit).")


@app.callback()
def limits_callback(
        ctx: typer.Context,
        app_limits: Annotated[bool, typer.Option(
            "--app-limits", envvar="PAPERWORK_APP_LIMITS",
            help="Apply the web app's limits (300 clinicians, 520 weeks, 50 replications, sweeps of 40 points and "
                 "120 runs); a --max-* option overrides one of them.")] = False,
        clinicians: Annotated[int | None, _limit("--max-clinicians", "clinician positions")] = None,
        weeks: Annotated[int | None, _limit("--max-weeks", "weeks of horizon")] = None,
        replications: Annotated[int | None, _limit("--max-replications", "replications")] = None,
        sweep_points: Annotated[int | None, _limit("--max-sweep-points", "sweep points")] = None,
        sweep_runs: Annotated[int | None, _limit("--max-sweep-runs", "sweep runs (points x replications)")]
        = None) -> None:
    """Simulate what paperwork does to a mental-health workforce, and test policies against it.

    Limits (--max-*, also read from PAPERWORK_MAX_* variables) protect a machine that runs other people's files;
    by default there are none.
    """
    base = APP_LIMITS if app_limits else NO_LIMITS
    asked = {"clinicians": clinicians, "horizon_weeks": weeks, "replications": replications,
             "sweep_points": sweep_points, "sweep_runs": sweep_runs}
    ctx.obj = replace(base, **{key: value for key, value in asked.items() if value is not None})


def limits(ctx: typer.Context) -> Limits:
    """The limits chosen before the command name (none when the command is invoked on its own)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Limits) else NO_LIMITS


def frame_table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=escape(title))
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(escape(str(column)), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: object) -> str:
    """A table cell: numbers formatted, a missing value (None, pandas' NA) blank rather than "None"."""
    if value is None or value is pd.NA:
        return ""
    return fmt(value) if isinstance(value, float) else escape(str(value))


def load(ctx: typer.Context, path: Path, sets: Sequence[str] | None, reps: int | None,
         seed: int | None) -> LoadedScenario:
    """Load a scenario with the --set overrides, and --reps / --seed folded in as overrides too; print its
    warnings (values far outside their evidence range) on stderr.

    Folding them in makes the resolved scenario (written to scenario.yaml) describe the run exactly, so running
    that file again reproduces the results.
    """
    overrides = list(sets or [])
    if reps is not None:
        overrides.append(f"replications={reps}")
    if seed is not None:
        overrides.append(f"seed={seed}")
    loaded = read_scenario(path, overrides, limits=limits(ctx))
    warn(loaded.warnings)
    return loaded


def warn(warnings: Iterable[Problem]) -> None:
    """Warnings go to stderr, one per line like problems, and the command goes on."""
    for warning in warnings:
        typer.echo(str(warning), err=True)


def executor_for(kind: ExecutorKind, jobs: int, scheduler: str | None) -> AbstractContextManager[Executor | None]:
    return open_executor(kind, jobs=jobs, scheduler=scheduler)


@contextmanager
def claimed_output(ctx: typer.Context, out: Path | None, inputs: Sequence[Path], writes: Sequence[str],
                   force: bool) -> Iterator[Claim | None]:
    """The output folder claimed before the run (simulator.cli.outdir), so an unwritable, foreign or busy folder
    fails now rather than after an hour; None without --out."""
    if out is None:
        yield None
        return
    with claim(out, inputs=inputs, writes=writes, force=force, command=command_line(ctx)) as claimed:
        yield claimed


@contextmanager
def errors_reported(interrupted: str = "interrupted; no partial files were written") -> Iterator[None]:
    """Turn bad input into its message on stderr and exit code 2, and Ctrl-C into exit code 130."""
    try:
        yield
    except ScenarioError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(BAD_INPUT) from None
    except OSError as error:
        typer.echo(describe(error), err=True)
        raise typer.Exit(BAD_INPUT) from None
    except KeyboardInterrupt:
        # Every file is written atomically (simulator.outputs.files), so this is true wherever the interrupt landed.
        typer.echo(interrupted, err=True)
        raise typer.Exit(INTERRUPTED) from None
    except BrokenProcessPool:
        # A worker killed (out of memory, kill -9) breaks the whole pool; waiting on it would never end.
        typer.echo("error: a worker process stopped unexpectedly (killed, or out of memory?); the run was "
                   f"abandoned and {interrupted.partition('; ')[2] or 'no partial files were written'}", err=True)
        raise typer.Exit(FAILED) from None


def describe(error: OSError) -> str:
    where = f"{error.filename}: " if error.filename is not None else ""
    return f"error: {where}{error.strerror or error}"


def console(*, stderr: bool = False) -> Console:
    # Built per command, not at import, so it sees the streams and terminal width of this invocation.
    console = Console(stderr=stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160  # piped to a file or a log: rich's 80 columns would cut metric names short
    return console


@contextmanager
def progress() -> Iterator[Callable[[str, int], Callable[[int, int], None]]]:
    """A progress bar on stderr; ``track(label, total)`` adds a task and returns its progress callback."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("replications"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:

        def track(label: str, total: int) -> Callable[[int, int], None]:
            task = bar.add_task(label, total=total)
            return lambda done, n: bar.update(task, completed=done, total=n)

        yield track


def fmt(value: float) -> str:
    if value != value:  # NaN: e.g. a ratio with no denominator, or a CI from one replication
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def command_line(ctx: typer.Context) -> str:
    """The command as it could be retyped, rebuilt from the parsed parameters (recorded in the manifest)."""
    words: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value is None or value is False:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        if param.param_type_name != "option":
            words += [str(v) for v in values]
        elif value is True:
            words.append(param.opts[0])
        else:
            words += [item for v in values for item in (param.opts[0], str(v))]
    return f"{ctx.command_path} {shlex.join(words)}"
