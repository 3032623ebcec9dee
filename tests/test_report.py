"""The HTML report: it refuses folders it cannot trust (exit 2, one message naming file and line, no traceback) and
draws what a modeler needs (time series, paired changes, money as money, grid sweeps as lines, wide tables that
scroll in their own box).

Results come from the tiny agency (5 clinicians, 20 weeks), written once per module and copied before corrupting.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, require_browser
from tiny import TINY
from typer.testing import CliRunner, Result

from simulator import cli
from simulator.outputs.formatting import change, number
from simulator.outputs.javascript import vega_bundle
from simulator.outputs.metrics import METRICS
from simulator.outputs.report import build_report

GRID = """\
name: tiny_grid
base: tiny.yaml
design: grid
replications: 2
parameters:
  paperwork.note_minutes.mean: [10, 20]
  workload.productivity_target: [0.6, 0.75]
"""


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run, a comparison and a grid sweep of the tiny agency."""
    root = tmp_path_factory.mktemp("results")
    (root / "tiny.yaml").write_text(TINY)
    (root / "scribe.yaml").write_text(TINY.replace("tiny", "scribe") + "paperwork: {offload_share: 0.5}\n")
    (root / "grid.yaml").write_text(GRID)
    for args in (("run", root / "tiny.yaml", "--reps", 3, "--out", root / "run"),
                 ("compare", root / "tiny.yaml", root / "scribe.yaml", "--reps", 3, "--out", root / "cmp"),
                 ("sweep", root / "grid.yaml", "--out", root / "grid")):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    return root


def copy(folders: Path, name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folders / name, tmp_path / name))


def replace_line(path: Path, number: int, make: Callable[[str], str]) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[number - 1] = make(lines[number - 1])
    path.write_text("".join(lines))


def set_field(line: str, column: int, value: str) -> str:
    fields = line.rstrip("\n").split(",")
    fields[column] = value
    return ",".join(fields) + "\n"


def refused(folder: Path, *fragments: str) -> None:
    """``report`` exits 2 with one message holding every fragment, no traceback, and writes nothing."""
    result = invoke("report", folder, "--cdn")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert not (folder / "report.html").exists()


# --- folders the report must refuse (item 1) ---------------------------------------------------------------------


def test_a_garbage_row_in_the_summary_is_refused_at_its_line(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    replace_line(run / "summary.csv", 3, lambda line: set_field(line, 1 + [m.name for m in METRICS].index("ee_mean"),
                                                                "oops"))
    refused(run, "summary.csv:3: ee_mean: 'oops' is not a number")


def test_an_extra_row_of_garbage_is_refused(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    with (run / "summary.csv").open("a") as file:
        file.write("garbage,row\n")
    refused(run, "summary.csv:5:", f"2 fields where the header has {1 + len(METRICS)}")  # replication + metrics


def test_a_truncated_weekly_table_is_refused(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    text = (run / "weekly.csv").read_text()
    (run / "weekly.csv").write_text(text[: len(text) // 2])  # cut mid-line, as a full disk or a killed copy does
    refused(run, "weekly.csv:", "truncated")


def test_a_weekly_table_cut_at_a_line_boundary_is_refused(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    lines = (run / "weekly.csv").read_text().splitlines(keepends=True)
    (run / "weekly.csv").write_text("".join(lines[:-5]))
    refused(run, "weekly.csv:57: week: expected replication 2, week 15 here: 3 replications x 20 weeks")


def test_a_value_outside_its_possible_range_is_refused(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    column = 1 + [m.name for m in METRICS].index("ee_high_share")  # after replication; a share
    replace_line(run / "summary.csv", 2, lambda line: set_field(line, column, "1.7"))
    refused(run, "summary.csv:2: ee_high_share: '1.7' is outside the possible range 0 to 1 (share)")


@pytest.mark.parametrize(("edit", "fragments"), [
    (lambda text: text.replace('"seed": 20261128', '"seed": 20261128,,'), ("manifest.json:4:", "not valid JSON")),
    (lambda text: text.replace('"replications": 3', '"replications": "three"'),
     ("manifest.json:5: replications:", "valid integer")),
    (lambda text: text.replace('"replications": 3', '"replications": 4'),
     ("summary.csv:5: replication: rows 0..2 (3 rows) where manifest.json promises 0..3 (4 rows)",)),
    (lambda text: "[1, 2]\n", ("manifest.json:1: is not a JSON object",)),
    (lambda text: text.replace('"seed"', '"seeds"'), ("manifest.json", "seed")),
])
def test_a_malformed_or_inconsistent_manifest_is_refused(folders: Path, tmp_path: Path,
                                                         edit: Callable[[str], str], fragments: tuple[str]) -> None:
    run = copy(folders, "run", tmp_path)
    (run / "manifest.json").write_text(edit((run / "manifest.json").read_text()))
    refused(run, *fragments)


def test_a_file_changed_after_the_run_is_refused_by_its_checksum(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    # A plausible value, within range and of the right type: only the checksum can tell.
    replace_line(run / "summary.csv", 2, lambda line: set_field(line, 1, str(int(line.split(",")[1]) + 1)))
    refused(run, "summary.csv: differs from the file the run wrote")


def test_a_missing_file_or_an_edited_scenario_is_refused(folders: Path, tmp_path: Path) -> None:
    run = copy(folders, "run", tmp_path)
    (run / "intervals.csv").unlink()
    refused(run, "manifest.json:", "lists intervals.csv, which is missing")
    other = copy(folders, "cmp", tmp_path)
    scenario = other / "other" / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("horizon_weeks: 20", "horizon_weeks: 21"))
    refused(other, "other/scenario.yaml: is not the scenario manifest.json hashed")


def test_a_comparison_with_a_side_from_another_run_is_refused(folders: Path, tmp_path: Path) -> None:
    cmp = copy(folders, "cmp", tmp_path)
    shutil.rmtree(cmp / "other")
    shutil.copytree(folders / "run", cmp / "other")  # a complete, valid run, but not the one compared
    (cmp / "other" / "manifest.json").write_text(
        (cmp / "other" / "manifest.json").read_text().replace('"seed": 20261128', '"seed": 5'))
    refused(cmp, "other/manifest.json", "not this comparison")


def test_a_sweep_point_table_out_of_range_is_refused(folders: Path, tmp_path: Path) -> None:
    grid = copy(folders, "grid", tmp_path)
    replace_line(grid / "points.csv", 3, lambda line: set_field(line, 3, "-2"))  # departures, a mean count
    refused(grid, "points.csv:3: departures: '-2' is outside the possible range 0 to inf")


# --- what the report shows (item 6) --------------------------------------------------------------------------------


def specs(page: str) -> list[dict[str, object]]:
    found = re.search(r"const specs = (\[.*?\]);\n", page, flags=re.DOTALL)
    assert found
    loaded: list[dict[str, object]] = json.loads(found.group(1).replace("<\\/", "</"))
    return loaded


def dataset(spec: dict[str, object], key: str) -> list[dict[str, object]]:
    """The rows of the chart's dataset that has column ``key`` (a layered chart has others, e.g. a rule's)."""
    datasets: dict[str, list[dict[str, object]]] = spec["datasets"]  # type: ignore[assignment]
    return next(rows for rows in datasets.values() if rows and key in rows[0])


def tables(page: str) -> str:
    return " ".join(re.findall(r"<table>.*?</table>", page, flags=re.DOTALL))


def test_run_report_draws_the_weekly_series_with_a_band(folders: Path) -> None:
    page = build_report(folders / "run", inline_js=False)
    text = json.dumps(specs(page))
    for title in ("Clinicians in post", "Departures per week", "Clients waiting for a clinician",
                  "Mean emotional exhaustion"):
        assert title in text
    rows = dataset(next(s for s in specs(page) if "Clinicians in post" in json.dumps(s)), "series")
    assert {row["series"] for row in rows} == {"headcount", "departures", "waitlist", "ee_mean"}
    waits = [row for row in rows if row["series"] == "waitlist"]
    assert len(waits) == 20
    assert all(0 <= row["low"] <= row["mean"] <= row["high"] for row in waits)  # type: ignore[operator]


def test_compare_report_puts_both_scenarios_on_one_chart_and_draws_the_paired_changes(folders: Path) -> None:
    page = build_report(folders / "cmp", inline_js=False)
    rows = dataset(next(s for s in specs(page) if "Clinicians in post" in json.dumps(s)), "series")
    assert {row["scenario"] for row in rows} == {"tiny (base)", "scribe (other)"}
    points = dataset(next(s for s in specs(page) if "change against the reference" in json.dumps(s)), "metric")
    paperwork = next(p for p in points if p["metric"] == "paperwork_share")
    low, mid, high = (float(paperwork[k]) for k in ("low_pct", "change_pct", "high_pct"))  # type: ignore[arg-type]
    assert low <= mid <= high < 0  # half the documentation gone: a clear drop
    assert "Paired changes" in page
    assert "95% CI of the change" in page


def test_money_and_numbers_are_formatted_for_reading(folders: Path) -> None:
    for name in ("run", "cmp", "grid"):
        shown = tables(build_report(folders / name, inline_js=False))
        assert not re.search(r"\d[eE][+-]?\d", shown), name  # never 3.029e+06
        assert re.search(r"\$\d[\d,]*(\.\d+M)?<", shown), name  # money as money
    assert number(3_029_000, "money") == "$3.03M"
    assert number(201_088.4, "money") == "$201,088"
    assert number(-1_250_000, "balance") == "-$1.25M"
    assert number(0.3321, "share") == "33.2%"
    assert number(4.86e-05) == "0.0000486"
    assert number(1234567.0) == "1,234,567"
    assert change(-0.021, "share") == "-2.10 pp"
    assert change(120_500, "money") == "+$120,500"


def test_a_grid_sweep_is_drawn_as_lines_per_level_of_the_other_factor(folders: Path) -> None:
    page = build_report(folders / "grid", inline_js=False)
    grid = [s for s in specs(page) if "hconcat" in s and "note_minutes" in json.dumps(s)]
    assert grid
    panels: list[dict[str, Any]] = grid[0]["hconcat"]  # type: ignore[assignment]
    assert all(panel["mark"]["type"] == "line" for panel in panels)
    assert all(panel["mark"]["point"] for panel in panels)
    colours = [panel["encoding"]["color"]["field"] for panel in panels]
    assert colours == ["workload\\.productivity_target", "paperwork\\.note_minutes\\.mean"]


def test_every_table_scrolls_in_its_own_box(folders: Path) -> None:
    page = build_report(folders / "grid", inline_js=False)
    assert page.count("<table>") == page.count('<div class="wide"><table>') > 0
    assert re.search(r"\.wide, \.chart \{[^}]*overflow-x: auto", page)


def test_a_precomputed_scenario_diff_is_shown_in_a_comparison(folders: Path) -> None:
    diff = pd.DataFrame({"parameter path": ["paperwork.offload_share"], "base": [0.0], "other": [0.5]})
    page = build_report(folders / "cmp", inline_js=False, scenario_diff=diff)
    assert "What differs between the two scenarios" in page
    assert "paperwork.offload_share" in tables(page)
    assert "parameter path" in tables(page)  # the given table, not one computed from the files


def test_the_inlined_javascript_is_the_vega_lite_altair_writes_for(folders: Path) -> None:
    page = build_report(folders / "run")
    assert "<script src=" not in page
    assert "vegaEmbed" in page
    assert alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0] + "." in vega_bundle()  # e.g. "6.4." of 6.4.1


def test_the_bundle_is_made_once_per_machine_and_read_from_the_cache(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    vega_bundle.cache_clear()
    try:
        made = vega_bundle()
        cached = list((tmp_path / "paperwork-sim").glob("vega-bundle-*.js"))
        assert len(cached) == 1
        assert cached[0].read_text(encoding="utf-8") == made
        cached[0].write_text("// from the cache", encoding="utf-8")  # a later process reads the file, not vl-convert
        vega_bundle.cache_clear()
        assert vega_bundle() == "// from the cache"
    finally:
        vega_bundle.cache_clear()

def test_the_report_fits_a_1280_pixel_screen_and_draws_every_chart_offline(folders: Path, tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import sync_playwright

    report = tmp_path / "grid.html"
    assert invoke("report", folders / "grid", "--out", report).exit_code == 0
    expected = len(specs(report.read_text()))
    with sync_playwright() as playwright:
        browser: Any = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                   else route.continue_())  # no network: everything must be in the file
        page.goto(report.as_uri())
        page.wait_for_function(f"document.querySelectorAll('.chart canvas, .chart svg.marks').length >= {expected}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        browser.close()
    assert overflow <= 0  # a wide table scrolls inside its box; the page itself never needs a sideways scroll


def test_a_comparison_shows_what_differs_instead_of_both_scenarios_in_full(folders: Path) -> None:
    page = build_report(folders / "cmp", inline_js=False)
    assert "What differs between the two scenarios" in page
    shown = tables(page)
    assert "paperwork.offload_share" in shown  # the one parameter the two files set differently
    assert "staff.clinicians" not in shown  # the same in both: not listed
    assert page.count("Scenario: ") == 1  # one scenario in full, not two
