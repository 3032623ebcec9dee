"""The command line: ``paperwork-sim run | compare | sweep | replications | warmup | report | validate | schema |
validation-report``.

Also ``python -m simulator``.
The top floor of the package: it loads scenarios, runs experiments and writes files, and nothing below imports it.
Bad input of any kind ends with one message on stderr and exit code 2, never a traceback; Ctrl-C ends with 130;
a worker process that dies ends the command with 1 and a message (never a hang).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable, Iterator, Sequence
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

from simulator.errors import ScenarioError
from simulator.executors import ExecutorKind, open_executor
from simulator.experiment import ExperimentResult, compare, run_experiment
from simulator.limits import APP_LIMITS, NO_LIMITS, Limits
from simulator.loader import dump_scenario, load_scenario, parse_override
from simulator.metrics import METRICS
from simulator.output import atomic_write_frame, atomic_write_text, write_comparison, write_results
from simulator.scenario import Scenario
from simulator.validation import calibration_table, mmc_table, validation_markdown

__all__ = ["app", "main"]

FAILED = 1  # the machine, not the input: a worker process died
BAD_INPUT = 2
INTERRUPTED = 130  # the shell's convention for death by SIGINT

app = typer.Typer(name="paperwork-sim", no_args_is_help=True, add_completion=False,
                  help="Simulate what paperwork does to a mental-health workforce, and test policies against it.")


def _check_overrides(values: list[str] | None) -> list[str]:
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
    "--set", metavar="PATH=VALUE", callback=_check_overrides, show_default=False,
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


def _limits(ctx: typer.Context) -> Limits:
    """The limits chosen before the command name (none when the command is invoked on its own)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Limits) else NO_LIMITS


@app.command("run")
def run_command(ctx: typer.Context, scenario: ScenarioFile, reps: Reps = None, seed: Seed = None, jobs: Jobs = 1,
                sets: Sets = None, out: OutDir = None,
                events: Annotated[bool, typer.Option("--events", help="Also write events.csv.gz (with --out).")]
                = False, executor: ExecutorOption = "local", scheduler: SchedulerOption = None) -> None:
    """Run a scenario's replications and print each metric's mean with its 95% confidence interval."""
    if events and out is None:
        typer.echo("note: --events writes events.csv.gz, so it needs --out; running without it", err=True)
    with _errors_reported():
        _prepare(out)
        resolved = _load(ctx, scenario, sets, reps, seed)
        with _executor(executor, jobs, scheduler) as pool, _progress() as track:
            result = run_experiment(resolved, events=events and out is not None, executor=pool,
                                    progress=track(resolved.name, resolved.replications))
        _report_time(result)
        _console().print(_intervals_table(result))
        if out is not None:
            paths = write_results(result, out, scenario_yaml=dump_scenario(resolved), events=events,
                                  command=_command_line(ctx))
            typer.echo(f"wrote {len(paths)} files to {out}", err=True)


@app.command("compare")
def compare_command(ctx: typer.Context, base: Annotated[Path, typer.Argument(metavar="BASE", show_default=False)],
                    other: Annotated[Path, typer.Argument(metavar="OTHER", show_default=False)],
                    reps: Reps = None, seed: Seed = None, jobs: Jobs = 1, sets: Sets = None,
                    out: OutDir = None, executor: ExecutorOption = "local", scheduler: SchedulerOption = None) -> None:
    """Run BASE and OTHER with common random numbers and print their paired differences (OTHER - BASE).

    Both use BASE's seed and replications unless --seed / --reps say otherwise; --set applies to both.
    """
    with _errors_reported():
        _prepare(out)
        base_scenario = _load(ctx, base, sets, reps, seed)
        # The same seed and replication count on both sides is what pairs replication k with replication k.
        other_scenario = _load(ctx, other, sets, base_scenario.replications, base_scenario.seed)
        with _executor(executor, jobs, scheduler) as pool, _progress() as track:
            base_result, other_result = (run_experiment(s, executor=pool, progress=track(s.name, s.replications))
                                         for s in (base_scenario, other_scenario))
        table = compare(base_result, other_result)
        _console().print(_comparison_table(table, base_result, other_result))
        if out is not None:
            sides = {"base": (base_result, dump_scenario(base_scenario)),
                     "other": (other_result, dump_scenario(other_scenario))}
            paths = write_comparison(table, sides, out, command=_command_line(ctx))
            typer.echo(f"wrote {len(paths)} files to {out}", err=True)


@app.command("validate")
def validate_command(ctx: typer.Context,
                     scenarios: Annotated[list[Path], typer.Argument(metavar="SCENARIO", show_default=False)]) -> None:
    """Check scenario files: "ok" for each good one, every problem (file:line: field: reason) of each bad one."""
    bad = 0
    with _errors_reported():
        for path in scenarios:
            problems = _problems(path, _limits(ctx))
            bad += bool(problems)
            for line in problems:
                typer.echo(line, err=True)
    if bad:
        typer.echo(f"{bad} of {len(scenarios)} scenario files have problems", err=True)
        raise typer.Exit(BAD_INPUT)


@app.command("schema")
def schema_command(out: Annotated[Path | None, typer.Option("--out", dir_okay=False, show_default=False,
                                                            help="File to write instead of printing.")]
                   = None) -> None:
    """Print the JSON Schema of a scenario file (units, ranges and sources of every parameter)."""
    # allow_nan=False: an infinite bound must fail here rather than produce JSON that editors reject.
    text = json.dumps(Scenario.model_json_schema(), indent=2, allow_nan=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    with _errors_reported():
        atomic_write_text(out, text)
    typer.echo(f"wrote {out}", err=True)


@app.command("validation-report")
def validation_report_command(
        reps: Annotated[int, typer.Option("--reps", min=2, help="Baseline replications.")] = 10,
        jobs: Jobs = 2,
        scenarios: Annotated[Path, typer.Option("--scenarios", file_okay=False, help="Scenario folder.")]
        = Path("scenarios"),
        out: Annotated[Path, typer.Option("--out", dir_okay=False, help="Markdown file to write.")]
        = Path("docs/validation.md")) -> None:
    """Run the baseline against the evidence and the M/M/c reduction against Erlang C; write the tables."""
    with _errors_reported():
        baseline = load_scenario(scenarios / "baseline.yaml", [f"replications={reps}"])
        mmc = [load_scenario(scenarios / "validation" / "mmc.yaml", extra) for extra in
               ([], ["demand.referrals_per_week=17.5"])]
        with _progress() as track:
            base = run_experiment(baseline, jobs=jobs, progress=track(baseline.name, reps))
            queues = [(s, run_experiment(s, jobs=jobs, progress=track(f"{s.name} ({s.demand.referrals_per_week:g}/wk)",
                                                                      s.replications)).summary) for s in mmc]
        command = f"paperwork-sim validation-report --reps {reps} --scenarios {scenarios} --out {out}"
        text = validation_markdown(calibration_table(base.summary), mmc_table(queues), replications=reps,
                                   seed=baseline.seed, command=command)
        atomic_write_text(out, text)
    typer.echo(f"wrote {out}", err=True)


@app.command("sweep")
def sweep_command(ctx: typer.Context,
                  sweep_file: Annotated[Path, typer.Argument(metavar="SWEEP", help="Sweep YAML file.",
                                                             show_default=False)],
                  out: Annotated[Path | None, typer.Option(
                      "--out", file_okay=False, show_default="results/NAME",
                      help="Directory for the results; rerunning into it resumes an interrupted sweep.")] = None,
                  jobs: Jobs = 1, executor: ExecutorOption = "local", scheduler: SchedulerOption = None) -> None:
    """Run every point of a sweep (grid, oat, lhs, morris or sobol) and write a tidy table and its analysis.

    Each finished point is saved at once, so an interrupted sweep resumes where it stopped when run again.
    """
    # Imported here: SALib (and through it scipy) loads only for the commands that use it.
    from simulator.sensitivity import analyse
    from simulator.sweep import run_sweep
    from simulator.sweepfile import load_sweep

    resume = ("interrupted; every finished point is saved and no partial file was written: run the same "
              "command again to resume")
    with _errors_reported(resume):
        sweep = load_sweep(sweep_file, limits=_limits(ctx))
        out_dir = out or Path("results") / sweep.name
        total = len(sweep.design) * sweep.replications
        typer.echo(f"{sweep.name}: {sweep.kind} design, {len(sweep.design)} points x {sweep.replications} "
                   f"replications -> {out_dir}", err=True)
        with _executor(executor, jobs, scheduler) as pool, _progress() as track:
            table = run_sweep(sweep, out_dir, executor=pool, progress=track(sweep.name, total),
                              analyses=lambda t: analyse(sweep, t), command=_command_line(ctx))
        _print_sweep(out_dir, sweep.kind, len(table))


def _print_sweep(out_dir: Path, kind: str, rows: int) -> None:
    main = {"oat": "tornado", "morris": "morris", "sobol": "sobol"}.get(kind, "points")
    frame = pd.read_csv(out_dir / f"{main}.csv")
    columns = {"tornado": ["metric", "lever", "low_value", "high_value", "base_mean", "low_mean", "high_mean"],
               "morris": ["metric", "parameter", "mu_star", "sigma"],
               "sobol": ["metric", "parameter", "S1", "ST"]}.get(main, list(frame.columns[:8]))
    _console().print(_frame_table(f"{main} ({out_dir / (main + '.csv')})", frame[columns].head(40)))
    typer.echo(f"wrote {rows} rows to {out_dir / 'results.parquet'} and results.csv", err=True)


def _frame_table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=escape(title))
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(escape(str(column)), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(_fmt(v) if isinstance(v, float) else escape(str(v)) for v in row))
    return table


@app.command("replications")
def replications_command(
        ctx: typer.Context, scenario: ScenarioFile,
        targets: Annotated[list[str], typer.Option(
            "--target", metavar="METRIC=HALF_WIDTH", show_default=False,
            help="Precision wanted: the 95% CI half-width, absolute (departures=2) or relative "
                 "(ee_high_share=5%). Repeatable.")],
        minimum: Annotated[int, typer.Option("--min", min=2, help="Replications before the rule applies.")] = 3,
        maximum: Annotated[int, typer.Option("--max", min=2, help="Give up after this many.")] = 50,
        seed: Seed = None, jobs: Jobs = 1, sets: Sets = None, executor: ExecutorOption = "local",
        scheduler: SchedulerOption = None) -> None:
    """How many replications each metric needs for a target confidence-interval half-width (sequential rule)."""
    from simulator.advice import Target, sequential_replications

    with _errors_reported():
        try:
            wanted = [Target.parse(text) for text in targets]
        except ValueError as error:
            raise ScenarioError.single("<command line>", None, "--target", str(error)) from None
        resolved = _load(ctx, scenario, sets, None, seed)
        with _executor(executor, jobs, scheduler) as pool, _progress() as track:
            table = sequential_replications(resolved, wanted, minimum=minimum, maximum=maximum, batch=jobs,
                                            executor=pool, progress=track(resolved.name, maximum))
        _console().print(_frame_table(f"{resolved.name}: replications for the target 95% CI half-width "
                                      "(blank: not reached by --max)", table))


@app.command("warmup")
def warmup_command(ctx: typer.Context, scenario: ScenarioFile, reps: Reps = None, seed: Seed = None,
                   jobs: Jobs = 1, sets: Sets = None, out: OutDir = None,
                   window: Annotated[int, typer.Option("--window", min=1, help="Half-width of Welch's moving "
                                                                                 "average, in weeks.")] = 5,
                   executor: ExecutorOption = "local", scheduler: SchedulerOption = None) -> None:
    """Suggest warmup_weeks from weekly mean EE and headcount (Welch's plot, MSER-5 rule), warm-up included.

    With --out, writes the run's files and welch.csv; 'paperwork-sim report' draws the plot.
    """
    from simulator.advice import welch

    with _errors_reported():
        _prepare(out)
        resolved = _load(ctx, scenario, sets, reps, seed)
        with _executor(executor, jobs, scheduler) as pool, _progress() as track:
            result = run_experiment(resolved, executor=pool, progress=track(resolved.name, resolved.replications))
        smoothed, suggested = welch(result.weekly, window=window)
        for series, week in suggested.items():
            typer.echo(f"{series}: MSER-5 truncation at week {week}")
        typer.echo(f"suggested warmup_weeks: {max(suggested.values())} (the scenario has {resolved.warmup_weeks})")
        if out is not None:
            write_results(result, out, scenario_yaml=dump_scenario(resolved), events=False,
                          command=_command_line(ctx))
            atomic_write_frame(out / "welch.csv", smoothed)


@app.command("report")
def report_command(results: Annotated[Path, typer.Argument(metavar="RESULTS_DIR", show_default=False,
                                                           help="Output directory of run, compare or sweep.")],
                   out: Annotated[Path | None, typer.Option("--out", dir_okay=False,
                                                            show_default="RESULTS_DIR/report.html")] = None,
                   cdn: Annotated[bool, typer.Option("--cdn", help="Load the chart JavaScript from a CDN when "
                                                                   "opened (a smaller file that needs the "
                                                                   "internet) instead of inlining it.")]
                   = False) -> None:
    """Write one self-contained HTML report (charts, tables, scenario, manifest) of a results directory."""
    from simulator.report import write_report  # Altair loads only for this command

    with _errors_reported():
        path = write_report(results, out, inline_js=not cdn)
    typer.echo(f"wrote {path}", err=True)


def _problems(path: Path, limits: Limits) -> list[str]:
    """The problem lines of one scenario file (after printing "ok" if there are none)."""
    try:
        scenario = load_scenario(path, limits=limits)
    except ScenarioError as error:
        return str(error).splitlines()
    except OSError as error:
        return [_describe(error)]
    typer.echo(f"ok {path} ({scenario.name})")
    return []


def _load(ctx: typer.Context, path: Path, sets: Sequence[str] | None, reps: int | None,
          seed: int | None) -> Scenario:
    """Load a scenario with the --set overrides, and --reps / --seed folded in as overrides too.

    Folding them in makes the resolved scenario (written to scenario.yaml) describe the run exactly, so running
    that file again reproduces the results.
    """
    overrides = list(sets or [])
    if reps is not None:
        overrides.append(f"replications={reps}")
    if seed is not None:
        overrides.append(f"seed={seed}")
    return load_scenario(path, overrides, limits=_limits(ctx))


def _executor(kind: ExecutorKind, jobs: int, scheduler: str | None) -> AbstractContextManager[Executor | None]:
    return open_executor(kind, jobs=jobs, scheduler=scheduler)


def _prepare(out: Path | None) -> None:
    # Create the output directory before the run, so an unwritable path fails now rather than after an hour.
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)


@contextmanager
def _errors_reported(interrupted: str = "interrupted; no partial files were written") -> Iterator[None]:
    """Turn bad input into its message on stderr and exit code 2, and Ctrl-C into exit code 130."""
    try:
        yield
    except ScenarioError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(BAD_INPUT) from None
    except OSError as error:
        typer.echo(_describe(error), err=True)
        raise typer.Exit(BAD_INPUT) from None
    except KeyboardInterrupt:
        # Every file is written atomically (simulator.output), so this is true wherever the interrupt landed.
        typer.echo(interrupted, err=True)
        raise typer.Exit(INTERRUPTED) from None
    except BrokenProcessPool:
        # A worker killed (out of memory, kill -9) breaks the whole pool; waiting on it would never end.
        typer.echo("error: a worker process stopped unexpectedly (killed, or out of memory?); the run was "
                   f"abandoned and {interrupted.partition('; ')[2] or 'no partial files were written'}", err=True)
        raise typer.Exit(FAILED) from None


def _describe(error: OSError) -> str:
    where = f"{error.filename}: " if error.filename is not None else ""
    return f"error: {where}{error.strerror or error}"


def _console(*, stderr: bool = False) -> Console:
    # Built per command, not at import, so it sees the streams and terminal width of this invocation.
    console = Console(stderr=stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160  # piped to a file or a log: rich's 80 columns would cut metric names short
    return console


@contextmanager
def _progress() -> Iterator[Callable[[str, int], Callable[[int, int], None]]]:
    """A progress bar on stderr; ``track(label, total)`` adds a task and returns its progress callback."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("replications"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:

        def track(label: str, total: int) -> Callable[[int, int], None]:
            task = bar.add_task(label, total=total)
            return lambda done, n: bar.update(task, completed=done, total=n)

        yield track


def _report_time(result: ExperimentResult) -> None:
    typer.echo(f"{len(result.summary)} replications in {result.wall_seconds:.1f} s "
               f"({result.sim_events:,} SimPy events)", err=True)


def _fmt(value: float) -> str:
    if value != value:  # NaN: e.g. a ratio with no denominator, or a CI from one replication
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _table(title: str, caption: str, columns: Sequence[str]) -> Table:
    """A table whose first column is the metric name, kept whole because it is the CSV column name too."""
    table = Table(title=escape(title), caption=caption)  # escape: a scenario name is not rich markup
    table.add_column("metric", no_wrap=True, min_width=max(len(m.name) for m in METRICS))
    for column in columns:
        table.add_column(escape(column), justify="left" if column in ("95% CI", "unit") else "right")
    return table


def _intervals_table(result: ExperimentResult) -> Table:
    table = _table(f"{result.scenario.name}: {len(result.summary)} replications, seed {result.seed}",
                   "mean over replications and 95% t confidence interval", ("mean", "95% CI", "unit"))
    for row in _records(result.intervals()):
        table.add_row(str(row["metric"]), _fmt(row["mean"]), f"{_fmt(row['ci_low'])} to {_fmt(row['ci_high'])}",
                      str(row["unit"]))
    return table


def _comparison_table(paired: pd.DataFrame, base: ExperimentResult, other: ExperimentResult) -> Table:
    table = _table(f"{other.scenario.name} - {base.scenario.name}: {len(base.summary)} paired replications, "
                   f"seed {base.seed}",
                   "difference = other - base, paired by replication (common random numbers); "
                   "* its 95% CI excludes 0 (green: better, red: worse)",
                   (base.scenario.name, other.scenario.name, "difference", "95% CI", "", "unit"))
    for row in _records(paired):
        table.add_row(str(row["metric"]), _fmt(row["base_mean"]), _fmt(row["other_mean"]), _fmt(row["diff_mean"]),
                      f"{_fmt(row['ci_low'])} to {_fmt(row['ci_high'])}", _marker(row), str(row["unit"]))
    return table


def _marker(row: dict[str, Any]) -> str:
    if not row["significant"]:
        return ""
    if row["better"] not in ("lower", "higher"):  # a metric with no good direction (e.g. the no-show rate)
        return "*"
    improved = (row["diff_mean"] < 0) == (row["better"] == "lower")
    return "[green]*[/]" if improved else "[red]*[/]"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict("records")]


def _command_line(ctx: typer.Context) -> str:
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
