"""``sweep``, ``replications`` and ``warmup``: many runs at once, how many replications, how long a warm-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

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
    frame_table,
    limits,
    load,
    progress,
    warn,
)
from simulator.cli.outdir import PARTS, SWEEP_FILES, WARMUP_FILES, claim
from simulator.experiments.experiment import run_experiment
from simulator.inputs.errors import ScenarioError
from simulator.inputs.loader import COMMAND_LINE, dump_scenario
from simulator.outputs.files import atomic_write_frame, write_results

__all__ = ["replications_command", "sweep_command", "warmup_command"]


@app.command("sweep")
def sweep_command(ctx: typer.Context,
                  sweep_file: Annotated[Path, typer.Argument(metavar="SWEEP", help="Sweep YAML file.",
                                                             show_default=False)],
                  out: Annotated[Path | None, typer.Option(
                      "--out", file_okay=False, show_default="results/NAME",
                      help="Directory for the results; rerunning into it resumes an interrupted sweep.")] = None,
                  jobs: Jobs = 1,
                  reps: Annotated[int | None, typer.Option(
                      "--reps", min=1, show_default="the sweep file's replications",
                      help="Replications per point (for a quick, small sweep).")] = None,
                  sets: Sets = None, force: Force = False, executor: ExecutorOption = "local",
                  scheduler: SchedulerOption = None) -> None:
    """Run every point of a sweep (grid, oat, lhs, morris or sobol) and write a tidy table and its analysis.

    Each finished point is saved at once, so an interrupted sweep resumes where it stopped when run again (with the
    same --reps and --set: other values make it a different sweep, which is refused).
    """
    # Imported here: SALib (and through it scipy) loads only for the commands that use it.
    from simulator.experiments.sensitivity import analyse
    from simulator.experiments.sweep import run_sweep
    from simulator.inputs.sweepfile import load_sweep

    resume = ("interrupted; every finished point is saved and no partial file was written: run the same "
              "command again to resume")
    with errors_reported(resume):
        sweep = load_sweep(sweep_file, limits=limits(ctx), replications=reps, overrides=sets or [])
        warn(sweep.warnings)
        out_dir = out or Path("results") / sweep.name
        total = len(sweep.design) * sweep.replications
        typer.echo(f"{sweep.name}: {sweep.kind} design, {len(sweep.design)} points x {sweep.replications} "
                   f"replications -> {out_dir}", err=True)
        with claim(out_dir, inputs=sweep.files, writes=(*SWEEP_FILES, PARTS), force=force,
                   command=command_line(ctx), stage=False), \
                executor_for(executor, jobs, scheduler) as pool, progress() as track:
            table = run_sweep(sweep, out_dir, executor=pool, progress=track(sweep.name, total),
                              analyses=lambda t: analyse(sweep, t), command=command_line(ctx), force=force)
        _print_sweep(out_dir, sweep.kind, len(table))


def _print_sweep(out_dir: Path, kind: str, rows: int) -> None:
    main = {"oat": "tornado", "morris": "morris", "sobol": "sobol"}.get(kind, "points")
    frame = pd.read_csv(out_dir / f"{main}.csv")
    columns = {"tornado": ["metric", "lever", "low_value", "high_value", "base_mean", "low_mean", "high_mean"],
               "morris": ["metric", "parameter", "mu_star", "sigma"],
               "sobol": ["metric", "parameter", "S1", "ST"]}.get(main, list(frame.columns[:8]))
    console().print(frame_table(f"{main} ({out_dir / (main + '.csv')})", frame[columns].head(40)))
    typer.echo(f"wrote {rows} rows to {out_dir / 'results.parquet'} and results.csv", err=True)


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
    from simulator.experiments.advice import Target, sequential_replications

    with errors_reported():
        if minimum > maximum:
            raise ScenarioError.single(COMMAND_LINE, None, "--min", f"{minimum} is more than --max {maximum}; the "
                                       "rule needs at least --min replications and gives up after --max")
        try:
            wanted = [Target.parse(text) for text in targets]
        except ValueError as error:
            raise ScenarioError.single(COMMAND_LINE, None, "--target", str(error)) from None
        resolved = load(ctx, scenario, sets, None, seed).scenario
        with executor_for(executor, jobs, scheduler) as pool, progress() as track:
            table = sequential_replications(resolved, wanted, minimum=minimum, maximum=maximum, batch=jobs,
                                            executor=pool, progress=track(resolved.name, maximum))
        console().print(frame_table(f"{resolved.name}: replications for the target 95% CI half-width", table))
        typer.echo("replications_needed is blank where --max replications did not meet the target; "
                   "replications_estimated is then (t * s / target half-width)^2 from the replications run, "
                   "an estimate to try as the next --max", err=True)


@app.command("warmup")
def warmup_command(ctx: typer.Context, scenario: ScenarioFile, reps: Reps = None, seed: Seed = None,
                   jobs: Jobs = 1, sets: Sets = None, out: OutDir = None,
                   window: Annotated[int, typer.Option("--window", min=1, help="Half-width of Welch's moving "
                                                                                 "average, in weeks.")] = 5,
                   force: Force = False, executor: ExecutorOption = "local",
                   scheduler: SchedulerOption = None) -> None:
    """Suggest warmup_weeks from weekly mean EE and headcount (Welch's plot, MSER-5 rule), warm-up included.

    With --out, writes the run's files and welch.csv; 'paperwork-sim report' draws the plot.
    """
    from simulator.experiments.advice import welch

    with errors_reported():
        loaded = load(ctx, scenario, sets, reps, seed)
        resolved = loaded.scenario
        with claimed_output(ctx, out, loaded.files, WARMUP_FILES, force) as claimed:
            with executor_for(executor, jobs, scheduler) as pool, progress() as track:
                result = run_experiment(resolved, executor=pool,
                                        progress=track(resolved.name, resolved.replications))
            smoothed, suggested = welch(result.weekly, window=window)
            for series, week in suggested.items():
                typer.echo(f"{series}: MSER-5 truncation at week {week}")
            typer.echo(f"suggested warmup_weeks: {max(suggested.values())} (the scenario has "
                       f"{resolved.warmup_weeks})")
            if claimed is not None:
                write_results(result, claimed.staging, scenario_yaml=dump_scenario(resolved), events=False,
                              command=command_line(ctx))
                atomic_write_frame(claimed.staging / "welch.csv", smoothed)
                claimed.record("welch.csv")  # the manifest lists every file of the folder
                claimed.publish()
