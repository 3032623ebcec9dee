"""``run`` and ``compare``: a scenario's replications with their confidence intervals, and two scenarios paired
by common random numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from simulator.cli.common import (
    ExecutorOption,
    Force,
    Jobs,
    OutDir,
    Reps,
    ScenarioFile,
    SchedulerOption,
    Seed,
    Sets,
    app,
    claimed_output,
    command_line,
    console,
    errors_reported,
    executor_for,
    fmt,
    load,
    progress,
)
from simulator.cli.outdir import COMPARE_FILES, RUN_FILES, Claim
from simulator.experiments.economics import policy_economics
from simulator.experiments.executors import ExecutorKind
from simulator.experiments.experiment import ExperimentResult, compare, run_experiment
from simulator.inputs.diff import pairing_problems
from simulator.inputs.errors import ScenarioError
from simulator.inputs.loader import dump_scenario
from simulator.inputs.scenario import Scenario
from simulator.outputs.files import LogFormat, write_comparison, write_results
from simulator.outputs.metrics import METRICS

__all__ = ["compare_command", "run_command"]


EventsOption = Annotated[bool, typer.Option(
    "--events", help="Also write the event log and every clinician's day records (events.parquet and days.parquet, "
                     "or .csv.gz with --events-format csv; needs --out). Columns: docs/outputs.md.")]
EventsFormat = Annotated[LogFormat, typer.Option(
    "--events-format", help="File format of --events: parquet (typed and compact) or csv (gzip-compressed).")]


@app.command("run")
def run_command(ctx: typer.Context, scenario: ScenarioFile, reps: Reps = None, seed: Seed = None, jobs: Jobs = 1,
                sets: Sets = None, out: OutDir = None, events: EventsOption = False,
                events_format: EventsFormat = "parquet", force: Force = False, executor: ExecutorOption = "local",
                scheduler: SchedulerOption = None) -> None:
    """Run a scenario's replications and print each metric's mean with its 95% confidence interval."""
    if events and out is None:
        typer.echo("note: --events writes the event log and day records to files, so it needs --out; running "
                   "without them", err=True)
    with errors_reported():
        loaded = load(ctx, scenario, sets, reps, seed)
        resolved = loaded.scenario
        with claimed_output(ctx, out, loaded.files, RUN_FILES, force) as claimed:
            with executor_for(executor, jobs, scheduler) as pool, progress() as track:
                result = run_experiment(resolved, events=events and out is not None, executor=pool,
                                        progress=track(resolved.name, resolved.replications))
            _report_time(result)
            console().print(_intervals_table(result))
            if claimed is not None:
                write_results(result, claimed.staging, scenario_yaml=dump_scenario(resolved), events=events,
                              log_format=events_format, command=command_line(ctx))
                typer.echo(f"wrote {len(claimed.publish())} files to {out}", err=True)


@app.command("compare")
def compare_command(ctx: typer.Context, base: Annotated[Path, typer.Argument(metavar="BASE", show_default=False)],
                    other: Annotated[Path, typer.Argument(metavar="OTHER", show_default=False)],
                    reps: Reps = None, seed: Seed = None, jobs: Jobs = 1, sets: Sets = None,
                    out: OutDir = None, force: Force = False, executor: ExecutorOption = "local",
                    scheduler: SchedulerOption = None) -> None:
    """Run BASE and OTHER with common random numbers and print their paired differences (OTHER - BASE).

    Both use BASE's seed and replications unless --seed / --reps say otherwise; --set applies to both. Both must
    have the same horizon_weeks and warmup_weeks (the same measured weeks), or they cannot be paired.
    """
    with errors_reported():
        base_loaded = load(ctx, base, sets, reps, seed)
        # The same seed and replication count on both sides is what pairs replication k with replication k.
        other_loaded = load(ctx, other, sets, base_loaded.scenario.replications, base_loaded.scenario.seed)
        unpaired = pairing_problems(base_loaded, other_loaded)  # and the same measured window
        if unpaired:
            raise ScenarioError(unpaired)
        inputs = (*base_loaded.files, *other_loaded.files)
        with claimed_output(ctx, out, inputs, COMPARE_FILES, force) as claimed:
            _compare(ctx, base_loaded.scenario, other_loaded.scenario, claimed,
                     executor=executor, jobs=jobs, scheduler=scheduler)


def _compare(ctx: typer.Context, base: Scenario, other: Scenario, claimed: Claim | None, *, executor: ExecutorKind,
             jobs: int, scheduler: str | None) -> None:
    with executor_for(executor, jobs, scheduler) as pool, progress() as track:
        base_result, other_result = (run_experiment(s, executor=pool, progress=track(s.name, s.replications))
                                     for s in (base, other))
    table = compare(base_result, other_result)
    console().print(_comparison_table(table, base_result, other_result))
    money = policy_economics(base_result, other_result)
    console().print(_economics_table(money, base_result, other_result))
    if claimed is not None:
        sides = {"base": (base_result, dump_scenario(base)), "other": (other_result, dump_scenario(other))}
        write_comparison(table, sides, claimed.staging, command=command_line(ctx), economics=money)
        typer.echo(f"wrote {len(claimed.publish())} files to {claimed.out}", err=True)


def _report_time(result: ExperimentResult) -> None:
    typer.echo(f"{len(result.summary)} replications in {result.wall_seconds:.1f} s "
               f"({result.sim_events:,} SimPy events)", err=True)


def _table(title: str, caption: str, columns: Sequence[str]) -> Table:
    """A table whose first column is the metric name, kept whole because it is the CSV column name too."""
    table = Table(title=escape(title), caption=caption)  # escape: a scenario name is not rich markup
    table.add_column("metric", no_wrap=True, min_width=max(len(m.name) for m in METRICS))
    for column in columns:
        table.add_column(escape(column), justify="left" if column in ("95% CI", "unit") else "right")
    return table


def _intervals_table(result: ExperimentResult) -> Table:
    table = _table(f"{result.scenario.name}: {len(result.summary)} replications, seed {result.seed}",
                   "mean over replications and 95% confidence interval (t; shares on the logit scale, ratios on "
                   "the log scale, the rest kept within their possible range)", ("mean", "95% CI", "unit"))
    for row in _records(result.intervals()):
        table.add_row(str(row["metric"]), fmt(row["mean"]), f"{fmt(row['ci_low'])} to {fmt(row['ci_high'])}",
                      str(row["unit"]))
    return table


def _comparison_table(paired: pd.DataFrame, base: ExperimentResult, other: ExperimentResult) -> Table:
    table = _table(f"{other.scenario.name} - {base.scenario.name}: {len(base.summary)} paired replications, "
                   f"seed {base.seed}",
                   "difference = other - base, paired by replication (common random numbers); "
                   "* its 95% CI excludes 0 (green: better, red: worse)",
                   (base.scenario.name, other.scenario.name, "difference", "95% CI", "", "unit"))
    for row in _records(paired):
        table.add_row(str(row["metric"]), fmt(row["base_mean"]), fmt(row["other_mean"]), fmt(row["diff_mean"]),
                      f"{fmt(row['ci_low'])} to {fmt(row['ci_high'])}", _marker(row), str(row["unit"]))
    return table


def _economics_table(money: pd.DataFrame, base: ExperimentResult, other: ExperimentResult) -> Table:
    table = Table(title=escape(f"{other.scenario.name} against {base.scenario.name}: what it costs and returns"),
                  caption="per year, paired by replication; cost: extra pay, tools and overhead; savings: revenue "
                          "gained and replacement costs avoided; net = savings - cost (the change in net margin)")
    for column in ("item", "mean", "95% CI", "meaning"):
        table.add_column(column, justify="right" if column == "mean" else "left")
    for row in _records(money):
        table.add_row(str(row["item"]), fmt(row["mean"]), f"{fmt(row['ci_low'])} to {fmt(row['ci_high'])}",
                      escape(str(row["meaning"])))
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
