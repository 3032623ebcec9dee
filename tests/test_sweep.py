"""Sweeps end to end on a tiny agency (5 clinicians, 20 weeks; a replication takes about 0.2 s): sweep files,
common random numbers, resuming, the CLI commands for sweeps and advice, and the HTML report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.experiments.experiment import run_experiment
from simulator.experiments.sensitivity import TORNADO_METRICS, tornado_table
from simulator.experiments.sweep import PARTS, Sweep, one_way, run_sweep
from simulator.inputs.errors import ScenarioError
from simulator.inputs.limits import Limits
from simulator.inputs.loader import load_scenario
from simulator.inputs.sweepfile import load_sweep
from simulator.outputs.metrics import METRICS

OAT = """\
# question: what do note time and offload do to a tiny agency?
name: tiny_oat
base: tiny.yaml
design: oat
replications: 2
seed: 9
parameters:
  paperwork.note_minutes.mean: {}
  paperwork.offload_share: {low: 0, high: 0.4}
"""
GRID = """\
name: tiny_grid
base: tiny.yaml
design: grid
replications: 2
parameters:
  paperwork.note_minutes.mean: [10, 20]
  workload.caseload_cap: {low: 20, high: 40, levels: 3}
"""


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY)
    (tmp_path / "oat.yaml").write_text(OAT)
    (tmp_path / "grid.yaml").write_text(GRID)
    return tmp_path


class Interrupt:
    """An ``on_point`` callback that presses Ctrl-C after ``after`` points have been saved."""

    def __init__(self, after: int) -> None:
        self.after, self.seen = after, 0

    def __call__(self, point: int) -> None:
        self.seen += 1
        if self.seen == self.after:
            raise KeyboardInterrupt


def test_sweep_file_resolves_base_relative_to_itself_and_builds_the_design(folder: Path) -> None:
    sweep = load_sweep(folder / "grid.yaml")
    assert sweep.base == load_scenario(folder / "tiny.yaml")
    assert sweep.seed == sweep.base.seed  # default: the base scenario's seed
    assert len(sweep.design) == 2 * 3
    assert sorted(sweep.design["workload.caseload_cap"].unique()) == [20, 30, 40]
    assert isinstance(sweep.scenario_at(5).workload.caseload_cap, int)


def test_sweep_points_share_random_numbers_with_a_plain_run(folder: Path) -> None:
    """Point p, replication k is the run of point p's scenario with the sweep's seed, replication k."""
    sweep = load_sweep(folder / "oat.yaml")
    table = run_sweep(sweep)
    assert len(table) == len(sweep.design) * 2
    assert list(table.columns[:5]) == ["point", "replication", "varied", "paperwork.note_minutes.mean",
                                       "paperwork.offload_share"]
    assert [m.name for m in METRICS] == list(table.columns[5:])
    for point in (0, 3):
        plain = run_experiment(sweep.scenario_at(point), replications=2, seed=9).summary
        rows = table[table["point"] == point].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows[plain.columns], plain, check_dtype=False)


def test_interrupted_sweep_resumes_to_the_straight_through_result(folder: Path) -> None:
    sweep = load_sweep(folder / "oat.yaml")
    straight = run_sweep(sweep, folder / "straight")
    out = folder / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, out, on_point=Interrupt(after=2))
    assert len(list((out / PARTS).glob("*.parquet"))) == 2
    assert not (out / "manifest.json").exists()
    assert not (out / "results.parquet").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    rerun = Interrupt(after=0)
    resumed = run_sweep(sweep, out, on_point=rerun)
    assert rerun.seen == len(sweep.design) - 2  # only the unfinished points ran
    pd.testing.assert_frame_equal(resumed, straight)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), straight)
    assert (out / "results.csv").read_bytes() == (folder / "straight" / "results.csv").read_bytes()


def test_a_different_sweep_into_the_same_directory_is_refused(folder: Path) -> None:
    out = folder / "out"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(load_sweep(folder / "grid.yaml"), out, on_point=Interrupt(after=1))
    with pytest.raises(ScenarioError, match="different sweep"):
        run_sweep(load_sweep(folder / "oat.yaml"), out)
    (folder / "full").mkdir()
    (folder / "full" / "notes.txt").write_text("mine")
    with pytest.raises(ScenarioError, match="not empty"):
        run_sweep(load_sweep(folder / "oat.yaml"), folder / "full")


def test_cli_sweep_writes_the_tidy_table_and_tornado_then_reports(folder: Path) -> None:
    out = folder / "out"
    first = invoke("sweep", folder / "oat.yaml", "--out", out, "--jobs", 2)
    assert first.exit_code == 0, first.output
    assert "tornado" in first.stdout
    table = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(pd.read_csv(out / "results.csv"), table, check_dtype=False)
    tornado = pd.read_csv(out / "tornado.csv")
    assert set(tornado["metric"]) == set(TORNADO_METRICS)
    assert set(tornado["lever"]) == {"paperwork.note_minutes.mean", "paperwork.offload_share"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rows"] == len(table)
    assert manifest["fingerprint"] == json.loads((out / "sweep.json").read_text())["fingerprint"]
    again = invoke("sweep", folder / "oat.yaml", "--out", out)  # nothing left to run: the same table
    assert again.exit_code == 0, again.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), table)
    report = invoke("report", out, "--cdn")
    assert report.exit_code == 0, report.output
    page = (out / "report.html").read_text()
    assert "vegaEmbed" in page
    assert "One-way sensitivity (tornado)" in page
    assert "paperwork.offload_share" in page


def test_bad_sweep_file_exits_2_with_file_line_and_field(folder: Path) -> None:
    bad = folder / "bad.yaml"
    bad.write_text("name: bad\nbase: tiny.yaml\ndesign: lhs\nreplications: 2\nparameters:\n"
                   "  paperwork.note_minuts.mean: {}\n  climate.conflict_ee_shock: {}\n")
    result = invoke("sweep", bad, "--out", folder / "out")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{bad}:6: parameters.paperwork.note_minuts.mean: unknown parameter" in result.output
    assert "did you mean 'paperwork.note_minutes.mean'" in result.output
    assert f"{bad}:7: parameters.climate.conflict_ee_shock: no evidence range" in result.output
    assert f"{bad}:3: samples: the lhs design needs 'samples'" in result.output
    assert not (folder / "out").exists()


@pytest.mark.parametrize(("text", "fragment"), [
    ("name: x\nbase: nowhere.yaml\ndesign: oat\nreplications: 2\nparameters: {workload.caseload_cap: {}}\n",
     ":2: base: cannot read 'nowhere.yaml'"),
    ("name: x\nbase: tiny.yaml\ndesign: oats\nreplications: 2\nparameters: {workload.caseload_cap: {}}\n",
     ":3: design:"),
    ("name: x\nbase: tiny.yaml\nset: {staff.clinicians: -1}\ndesign: oat\nreplications: 2\n"
     "parameters: {workload.caseload_cap: {}}\n", ":3: set.staff.clinicians:"),
    ("name: x\nbase: tiny.yaml\ndesign: sobol\nsamples: 12\nreplications: 2\n"
     "parameters: {workload.caseload_cap: {}}\n", ":4: samples: must be a power of 2"),
    ("name: x\nbase: tiny.yaml\ndesign: lhs\nsamples: 4\nreplications: 2\n"
     "parameters:\n  workload.caseload_cap: [30, 40]\n", ":7: parameters.workload.caseload_cap: the lhs design"),
])
def test_sweep_file_problems_point_at_their_line(folder: Path, text: str, fragment: str) -> None:
    (folder / "bad.yaml").write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_sweep(folder / "bad.yaml")
    assert fragment in str(caught.value)


def test_one_way_for_the_app_returns_a_tornado_ready_table(folder: Path) -> None:
    scenario = load_scenario(folder / "tiny.yaml")
    calls: list[tuple[int, int]] = []
    table = one_way(scenario, {"paperwork.note_minutes.mean": (10.0, 20.0)}, replications=2,
                    progress=lambda done, total: calls.append((done, total)))
    assert sorted(table["paperwork.note_minutes.mean"].unique()) == [10.0, 15.0, 20.0]
    assert calls[-1] == (6, 6)
    tornado = tornado_table(table)
    assert len(tornado) == len(TORNADO_METRICS)


# run, compare, warm-up and replications advice, and their reports


def test_report_of_a_run_and_of_a_comparison(folder: Path) -> None:
    assert invoke("run", folder / "tiny.yaml", "--out", folder / "run").exit_code == 0
    assert invoke("compare", folder / "tiny.yaml", folder / "tiny.yaml", "--out", folder / "cmp").exit_code == 0
    for name, heading in (("run", "Warm-up (Welch"), ("cmp", "Paired changes")):
        result = invoke("report", folder / name, "--out", folder / f"{name}.html", "--cdn")
        assert result.exit_code == 0, result.output
        page = (folder / f"{name}.html").read_text()
        assert heading in page
        assert "Manifest" in page
        assert page.count("<html") == 1


def test_report_inlines_the_chart_javascript_by_default(folder: Path) -> None:
    assert invoke("run", folder / "tiny.yaml", "--reps", 1, "--out", folder / "run").exit_code == 0
    assert invoke("report", folder / "run").exit_code == 0
    page = (folder / "run" / "report.html").read_text()
    assert "<script src=" not in page  # nothing to fetch when the file is opened
    assert "vegaEmbed" in page


def test_report_of_an_unfinished_or_empty_directory_exits_2(folder: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_sweep(load_sweep(folder / "oat.yaml"), folder / "half", on_point=Interrupt(after=1))
    half = invoke("report", folder / "half")
    assert half.exit_code == 2
    assert "unfinished sweep" in half.output
    assert invoke("report", folder / "nowhere").exit_code == 2


def test_warmup_command_suggests_weeks_and_writes_welch(folder: Path) -> None:
    result = invoke("warmup", folder / "tiny.yaml", "--reps", 2, "--window", 2, "--out", folder / "w")
    assert result.exit_code == 0, result.output
    assert "suggested warmup_weeks:" in result.output
    welch = pd.read_csv(folder / "w" / "welch.csv")
    assert set(welch["series"]) == {"ee_mean", "headcount"}


def test_replications_command_reports_the_sequential_answer(folder: Path) -> None:
    generous = invoke("replications", folder / "tiny.yaml", "--target", "sessions_attended=1e9",
                      "--max", 4)
    assert generous.exit_code == 0, generous.output
    line = next(line for line in generous.stdout.splitlines() if "sessions_attended" in line)
    assert " 3 " in line  # a huge tolerance is met at the minimum of 3
    bad = invoke("replications", folder / "tiny.yaml", "--target", "sessions=3")
    assert bad.exit_code == 2
    assert "--target" in bad.output


def test_ctrl_c_during_a_cli_sweep_exits_130_and_the_same_command_resumes(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import simulator.experiments.sweep

    real, calls = simulator.experiments.sweep._point_replication, []

    def interrupted_on_the_third(*args: object) -> dict[str, float]:
        calls.append(args)
        if len(calls) == 3:  # point 0's two replications are done and saved; Ctrl-C lands in point 1
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(simulator.experiments.sweep, "_point_replication", interrupted_on_the_third)
    out = folder / "out"
    first = invoke("sweep", folder / "oat.yaml", "--out", out)
    assert first.exit_code == 130
    assert "run the same command again to resume" in first.output
    assert [p.name for p in (out / PARTS).iterdir()] == ["point-000000.parquet"]
    monkeypatch.setattr(simulator.experiments.sweep, "_point_replication", real)
    second = invoke("sweep", folder / "oat.yaml", "--out", out)
    assert second.exit_code == 0, second.output
    assert len(pd.read_parquet(out / "results.parquet")) == len(load_sweep(folder / "oat.yaml").design) * 2


def test_every_example_sweep_loads_and_opens_with_its_question() -> None:
    folder = Path(__file__).resolve().parent.parent / "scenarios" / "sweeps"
    files = sorted(folder.glob("*.yaml"))
    assert {load_sweep(f).kind for f in files} == {"grid", "oat", "lhs", "morris", "sobol"}
    for file in files:
        assert file.read_text().startswith("# Question:"), file.name


# Fuzzing: a sweep file from a stranger gives a sweep or the project's own error, never anything else.

SWEEP_TOKENS = ["name: s\n", "base: tiny.yaml\n", "base: ../../etc/passwd\n", "base: oat.yaml\n",
                "design: ", "oat", "grid", "lhs", "morris", "sobol", "samples: ", "replications: ", "seed: ",
                "levels: ", "parameters:\n", "  paperwork.offload_share: ", "  workload.caseload_cap: ",
                "  staff.clinicians: ", "  nonsense.path: ", "{}", "[0, 0.5]", "{low: 0, high: 2}",
                "{low: 5, high: 1}", "[]", "null", "-1", "0", "3", "1e999", ".nan", "2\n", "\n", "  ", "&a ", "*a",
                "<<: ", "!!python/object ", "\t", "é", "\x00"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.lists(st.sampled_from(SWEEP_TOKENS), max_size=30).map("".join) | st.text(max_size=120))
def test_any_sweep_file_gives_a_sweep_or_a_scenario_error(folder: Path, source: str) -> None:
    path = folder / "fuzz.yaml"
    path.write_text(source, encoding="utf-8")
    outcome: object
    try:
        outcome = load_sweep(path, limits=Limits(sweep_points=200))
    except ScenarioError as error:  # any other exception escapes and fails the test
        outcome = error
    if isinstance(outcome, ScenarioError):
        assert outcome.problems
        assert all(p.file for p in outcome.problems)
    else:
        assert isinstance(outcome, Sweep)
        assert 1 <= len(outcome.design) <= 200
