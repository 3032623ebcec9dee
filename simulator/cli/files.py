"""``validate``, ``diff``, ``schema``, ``validation-report`` and ``report``: checking files and writing documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from simulator.cli.common import (
    BAD_INPUT,
    Jobs,
    app,
    console,
    describe,
    errors_reported,
    limits,
    load,
    progress,
    warn,
)
from simulator.experiments.evidence import run_evidence
from simulator.experiments.experiment import run_experiment
from simulator.experiments.validation import calibration_table, mmc_table, validation_markdown
from simulator.inputs.diff import ABSENT, scenario_diff
from simulator.inputs.errors import ScenarioError
from simulator.inputs.limits import Limits
from simulator.inputs.loader import load_scenario, read_scenario
from simulator.inputs.schema import scenario_json_schema
from simulator.outputs.files import atomic_write_text

__all__ = ["diff_command", "report_command", "schema_command", "validate_command", "validation_report_command"]


@app.command("validate")
def validate_command(ctx: typer.Context,
                     scenarios: Annotated[list[Path], typer.Argument(metavar="SCENARIO", show_default=False)]) -> None:
    """Check scenario files: "ok" for each good one, every problem (file:line: field: reason) of each bad one."""
    bad = 0
    with errors_reported():
        for path in scenarios:
            problems = _problems(path, limits(ctx))
            bad += bool(problems)
            for line in problems:
                typer.echo(line, err=True)
    if bad:
        typer.echo(f"{bad} of {len(scenarios)} scenario files have problems", err=True)
        raise typer.Exit(BAD_INPUT)


def _problems(path: Path, limits: Limits) -> list[str]:
    """The problem lines of one scenario file (after printing "ok" if there are none)."""
    try:
        loaded = read_scenario(path, limits=limits)
    except ScenarioError as error:
        return str(error).splitlines()
    except OSError as error:
        return [describe(error)]
    typer.echo(f"ok {path} ({loaded.scenario.name})")
    warn(loaded.warnings)  # valid, but probably not what was meant
    return []


@app.command("diff")
def diff_command(ctx: typer.Context, first: Annotated[Path, typer.Argument(metavar="A", show_default=False)],
                 second: Annotated[Path, typer.Argument(metavar="B", show_default=False)]) -> None:
    """List the resolved parameters that differ between scenarios A and B (inheritance and defaults applied)."""
    with errors_reported():
        a, b = (load(ctx, path, None, None, None).scenario for path in (first, second))
    differences = scenario_diff(a, b)
    if not differences:
        typer.echo(f"no parameter differs between {first} and {second}")
        return
    table = Table(title=escape(f"{len(differences)} parameters differ"), caption="after extends and defaults; "
                  "name and description are not compared")
    for column in ("parameter", str(first), str(second), "unit"):
        table.add_column(escape(column), overflow="fold")
    for item in differences:
        table.add_row(escape(item.path), escape(_shown(item.a)), escape(_shown(item.b)), escape(item.unit))
    console().print(table)


def _shown(value: object) -> str:
    if value is ABSENT:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return json.dumps(value) if value is None or isinstance(value, bool | list) else str(value)


@app.command("schema")
def schema_command(out: Annotated[Path | None, typer.Option("--out", dir_okay=False, show_default=False,
                                                            help="File to write instead of printing.")]
                   = None) -> None:
    """Print the JSON Schema of a scenario file (units, ranges and sources of every parameter)."""
    # allow_nan=False: an infinite bound must fail here rather than produce JSON that editors reject.
    text = json.dumps(scenario_json_schema(), indent=2, allow_nan=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    with errors_reported():
        atomic_write_text(out, text)
    typer.echo(f"wrote {out}", err=True)


@app.command("validation-report")
def validation_report_command(
        reps: Annotated[int, typer.Option("--reps", min=2, help="Replications of the baseline and of each "
                                                                "comparison (the 10-year run uses at most 10).")]
        = 30,
        jobs: Jobs = 2,
        scenarios: Annotated[Path, typer.Option("--scenarios", file_okay=False, help="Scenario folder.")]
        = Path("scenarios"),
        out: Annotated[Path, typer.Option("--out", dir_okay=False, help="Markdown file to write.")]
        = Path("docs/validation.md")) -> None:
    """Run the baseline against the evidence, the published intervention effects and the dynamics the model must show,
    and the M/M/c reduction against Erlang C; write the tables."""
    with errors_reported():
        baseline = load_scenario(scenarios / "baseline.yaml", [f"replications={reps}"])
        mmc = [load_scenario(scenarios / "validation" / "mmc.yaml", extra) for extra in
               ([], ["demand.referrals_per_week=17.5"])]
        with progress() as track:
            base = run_experiment(baseline, jobs=jobs, progress=track(baseline.name, reps))
            toxic, restored = (load_scenario(scenarios / name, [f"replications={reps}"])
                               for name in ("toxic_climate.yaml", "restore_control.yaml"))
            interventions, dynamics = run_evidence(base, jobs=jobs, track=track, toxic=toxic, restored=restored)
            queues = [(s, run_experiment(s, jobs=jobs, progress=track(f"{s.name} ({s.demand.referrals_per_week:g}/wk)",
                                                                      s.replications)).summary) for s in mmc]
        command = f"paperwork-sim validation-report --reps {reps} --scenarios {scenarios} --out {out}"
        text = validation_markdown(calibration_table(base.summary), mmc_table(queues), replications=reps,
                                   seed=baseline.seed, command=command, interventions=interventions,
                                   dynamics=dynamics)
        atomic_write_text(out, text)
    typer.echo(f"wrote {out}", err=True)


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
    from simulator.outputs.report import write_report  # Altair loads only for this command

    with errors_reported():
        path = write_report(results, out, inline_js=not cdn)
    typer.echo(f"wrote {path}", err=True)
