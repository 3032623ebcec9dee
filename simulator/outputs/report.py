"""One HTML file that tells what a results directory holds: charts, tables, the scenario and the manifest.

Works on the output of ``run`` (and ``warmup``), ``compare`` and ``sweep``; it reads the files they wrote and
runs nothing. Every file it reads is checked first (``simulator.outputs.folders``): a folder with a garbage row, a
truncated file or a manifest that does not match its files gets a ``ResultsError`` naming the file and line, never
a report. Charts are Vega-Lite specs written into the page. By default the Vega, Vega-Lite and vega-embed
JavaScript is inlined too (bundled by ``vl-convert-python``, about 0.9 MB), so the file opens with no network, e.g.
as an e-mail attachment; ``inline_js=False`` loads the same libraries from a CDN instead (a smaller file that needs
the internet to draw its charts).

Figures are formatted by kind (``simulator.outputs.formatting``): money as ``$3.03M``, shares as percentages,
changes of shares in percentage points.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from simulator.experiments.advice import welch
from simulator.experiments.experiment import compare, confidence_intervals
from simulator.experiments.sensitivity import TORNADO_METRICS
from simulator.inputs.diff import ABSENT, scenario_diff
from simulator.inputs.loader import load_scenario_text
from simulator.outputs import charts, formatting
from simulator.outputs.files import atomic_write_text
from simulator.outputs.folders import CompareFolder, RunFolder, SweepFolder, open_results
from simulator.outputs.javascript import vega_bundle
from simulator.outputs.metrics import METRICS, Scale

__all__ = ["CDN", "build_report", "write_report"]

CDN = "https://cdn.jsdelivr.net/npm"
_LABELS = {m.name: m.label for m in METRICS}
_ESCAPED_END = "<\\/script"  # how a "</script" inside inlined JavaScript is written so that it ends nothing
CI_NOTE = ("Means over replications with 95% confidence intervals that stay within what each figure can be: a "
           "share's interval is computed on the logit scale (so it lies within 0-100%), a ratio's on the log scale "
           "(above 0), the others are t intervals clipped to their possible range (counts, durations and money "
           "never below 0).")
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; }
td.t, th.t { text-align: left; white-space: normal; }
.aside { color: #666; font-family: monospace; font-size: 0.95em; }
pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: 0.8em; }
.note { color: #555; font-size: 0.9em; max-width: 60em; }
.wide, .chart { max-width: 100%; overflow-x: auto; }  /* a wide table or chart scrolls in its own box */
"""


@dataclass
class _Page:
    title: str
    parts: list[str] = field(default_factory=list)
    specs: list[dict[str, Any]] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def note(self, text: str) -> None:
        self.parts.append(f'<p class="note">{html.escape(text)}</p>')

    def table(self, frame: pd.DataFrame, limit: int = 200) -> None:
        self.parts.append(f'<div class="wide">{_table_html(frame.head(limit))}</div>')
        if len(frame) > limit:
            self.note(f"First {limit} of {len(frame):,} rows; the CSV next to this report has them all.")

    def chart(self, chart: alt.TopLevelMixin) -> None:
        self.parts.append(f'<div class="chart" id="chart{len(self.specs)}"></div>')
        self.specs.append(chart.to_dict())

    def text(self, title: str, body: str) -> None:
        self.heading(title)
        self.parts.append(f"<pre>{html.escape(body)}</pre>")


#: Columns of words, not figures: left-aligned, and allowed to wrap so that a table fits the page.
_TEXT_COLUMNS = frozenset({"metric", "what", "unit", "verdict", "lever", "parameter", "varied", "series",
                           "parameter path", "ci_method"})


def _table_html(frame: pd.DataFrame) -> str:
    """A table with figures formatted for reading; in a text cell, lines after the first are a small aside (the
    CSV name under a metric's label)."""
    text = [str(column) in _TEXT_COLUMNS for column in frame.columns]
    head = "".join(f'<th{_CLASS[t]}>{html.escape(str(column))}</th>' for column, t in zip(frame.columns, text,
                                                                                          strict=True))
    rows = ("".join(f"<td{_CLASS[t]}>{_cell(value)}</td>" for value, t in zip(row, text, strict=True))
            for row in frame.itertuples(index=False))
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: object) -> str:
    first, *rest = formatting.number(value).split("\n")
    return html.escape(first) + "".join(f'<br><span class="aside">{html.escape(line)}</span>' for line in rest)


_CLASS = {True: ' class="t"', False: ""}


def write_report(results_dir: Path, out: Path | None = None, *, inline_js: bool = True,
                 scenario_diff: pd.DataFrame | None = None) -> Path:
    """Write the report (default ``RESULTS_DIR/report.html``) atomically and return its path."""
    target = out or results_dir / "report.html"
    return atomic_write_text(target, build_report(results_dir, inline_js=inline_js, scenario_diff=scenario_diff))


def build_report(results_dir: Path, *, inline_js: bool = True, scenario_diff: pd.DataFrame | None = None) -> str:
    """The report's HTML for a results directory of ``run``, ``compare`` or ``sweep``.

    ``scenario_diff``, for a comparison, is a table of what differs between the two resolved scenarios (one row
    per parameter, as ``paperwork-sim diff`` computes it); it is shown above the two scenarios when given.
    Raises ``ResultsError`` (a ``ScenarioError``) naming the file and line when the folder cannot be trusted.
    """
    folder = open_results(results_dir)
    with _unlimited_rows():
        if isinstance(folder, SweepFolder):
            page = _sweep_page(folder)
        elif isinstance(folder, CompareFolder):
            page = _compare_page(folder, scenario_diff)
        else:
            page = _run_page(folder)
    page.text("Manifest", (results_dir / "manifest.json").read_text(encoding="utf-8"))
    return _html(page, inline_js)


@contextmanager
def _unlimited_rows() -> Iterator[None]:
    # Altair refuses data over 5,000 rows by default to protect notebooks; a report of a big sweep needs them.
    with alt.data_transformers.enable("default", max_rows=None):
        yield


# --- run ---------------------------------------------------------------------------------------------------------


def _run_page(run: RunFolder) -> _Page:
    manifest, scenario = run.manifest, run.scenario
    page = _Page(f"Results: {manifest.scenario}")
    page.note(f"{manifest.replications} replications, seed {manifest.seed}; {scenario.horizon_weeks} weeks, of "
              f"which the first {scenario.warmup_weeks} are a warm-up that no figure counts.")
    page.heading("Outcomes")
    page.table(_outcomes(run.summary))
    page.note(CI_NOTE)
    _over_time(page, {manifest.scenario: run.weekly}, scenario.warmup_weeks)
    _time_split(page, {manifest.scenario: run.weekly})
    _welch(page, run.weekly)
    page.text("Scenario (resolved)", run.scenario_text)
    return page


def _outcomes(summary: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in confidence_intervals(summary).to_dict("records"):
        scale = formatting.scale_of(str(row["metric"]))
        rows.append({"metric": _metric_cell(str(row["metric"])), "mean": formatting.number(row["mean"], scale),
                     "95% CI": _interval(row["ci_low"], row["ci_high"], scale), "unit": row["unit"]})
    return pd.DataFrame(rows)


def _metric_cell(metric: str) -> str:
    return f"{_LABELS[metric]}\n{metric}"  # the label, and under it the column name of the CSV files


def _interval(low: float, high: float, scale: Scale | None) -> str:
    if pd.isna(low) or pd.isna(high):
        return "- (needs 2+ replications)"
    return f"{formatting.number(low, scale)} to {formatting.number(high, scale)}"


def _over_time(page: _Page, weekly_by_name: dict[str, pd.DataFrame], warmup_weeks: int) -> None:
    frames = [w.assign(scenario=name) for name, w in weekly_by_name.items()]
    page.heading("Over time")
    page.chart(charts.weekly_series(pd.concat(frames, ignore_index=True), warmup_weeks=warmup_weeks))
    page.note("Each line is the mean over replications, week by week; the band around it is that mean's 95% "
              "confidence interval (never below 0). The grey band is the warm-up.")


def _time_split(page: _Page, weekly_by_name: dict[str, pd.DataFrame]) -> None:
    frames = [w.assign(scenario=name) for name, w in weekly_by_name.items()]
    page.heading("Where the hours go")
    page.chart(charts.time_split(pd.concat(frames, ignore_index=True)))


def _welch(page: _Page, weekly: pd.DataFrame) -> None:
    smoothed, suggested = welch(weekly)
    overall = max(suggested.values())
    page.heading("Warm-up (Welch's method)")
    page.note(f"Moving averages (5 weeks each side) of weekly series averaged across replications. MSER-5 on the "
              f"averaged series suggests warmup_weeks = {overall} "
              f"({', '.join(f'{k}: {v}' for k, v in suggested.items())}): the truncation that leaves the most "
              "precise mean; check it against the plot.")
    page.chart(charts.welch_chart(smoothed, overall))


# --- compare -----------------------------------------------------------------------------------------------------


def _compare_page(folder: CompareFolder, scenario_diff: pd.DataFrame | None) -> _Page:
    base, other = folder.base, folder.other
    names = {"base": f"{base.manifest.scenario} (base)", "other": f"{other.manifest.scenario} (other)"}
    page = _Page(f"Comparison: {other.manifest.scenario} - {base.manifest.scenario}")
    page.note(f"{folder.manifest.replications} paired replications, seed {folder.manifest.seed}: replication k of "
              "both scenarios saw the same referrals, no-shows and resignation dice (common random numbers), so "
              "each difference is the policy's, not luck's.")
    table = compare(base.summary, other.summary)
    page.heading("Paired changes")
    page.chart(charts.change_forest(table.assign(label=table["metric"].map(_LABELS)), width=560, label_limit=340))
    page.note("Each point is a metric's mean paired change (other - base) in percent of the base mean, with its 95% "
              "confidence interval; solid points stand out from noise (the interval excludes zero). Metrics whose "
              "base mean is 0 have no percentage and are only in the table.")
    page.table(_changes(table))
    _over_time(page, {names["base"]: base.weekly, names["other"]: other.weekly}, base.scenario.warmup_weeks)
    _time_split(page, {names["base"]: base.weekly, names["other"]: other.weekly})
    page.heading("What differs between the two scenarios")
    page.table(scenario_diff if scenario_diff is not None else _differences(base.scenario_text, other.scenario_text))
    page.note("Every resolved parameter that differs (after extends and defaults); the rest are the same in both.")
    page.text(f"Scenario: {names['base']} (the other is the same but for the differences above)", base.scenario_text)
    return page


def _differences(base_text: str, other_text: str) -> pd.DataFrame:
    """The resolved parameters that differ between the two sides' scenario files (``paperwork-sim diff``)."""
    base = load_scenario_text(base_text, name="base/scenario.yaml")
    other = load_scenario_text(other_text, name="other/scenario.yaml")
    rows = [{"parameter": d.path, "base": _shown(d.a), "other": _shown(d.b), "unit": d.unit}
            for d in scenario_diff(base, other)]
    return pd.DataFrame(rows, columns=["parameter", "base", "other", "unit"])


def _shown(value: Any) -> str:
    return "(absent)" if value is ABSENT else "null" if value is None else str(value)


def _changes(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in table.to_dict("records"):
        scale = formatting.scale_of(str(row["metric"]))
        base = float(row["base_mean"])
        share = 100 * float(row["diff_mean"]) / abs(base) if base else float("nan")
        rows.append({"metric": _metric_cell(str(row["metric"])), "base": formatting.number(base, scale),
                     "other": formatting.number(row["other_mean"], scale),
                     "change": formatting.change(float(row["diff_mean"]), scale),
                     "95% CI of the change": _change_interval(row, scale),
                     "% of base": "-" if pd.isna(share) else f"{share:+.1f}%", "verdict": _verdict(row)})
    return pd.DataFrame(rows)


def _change_interval(row: dict[Any, Any], scale: Scale | None) -> str:
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return "- (needs 2+ replications)"
    return f"{formatting.change(float(row['ci_low']), scale)} to {formatting.change(float(row['ci_high']), scale)}"


def _verdict(row: dict[Any, Any]) -> str:
    if not row["significant"]:
        return "within noise"
    if row["better"] not in ("lower", "higher"):
        return "stands out"
    improved = (float(row["diff_mean"]) < 0) == (row["better"] == "lower")
    return "better" if improved else "worse"


# --- sweep -------------------------------------------------------------------------------------------------------


def _sweep_page(folder: SweepFolder) -> _Page:
    manifest, analyses = folder.manifest, folder.analyses
    page = _Page(f"Sweep: {manifest.sweep}")
    if manifest.description:
        page.note(manifest.description)
    page.note(f"Design {manifest.design}: {manifest.points} points x {manifest.replications} replications, seed "
              f"{manifest.seed} (common random numbers across points).")
    _sensitivity(page, analyses)
    parameters, points = list(manifest.parameters), analyses["points"]
    if manifest.design in ("grid", "lhs"):
        page.heading("Point means against each parameter")
        if manifest.design == "grid":
            page.note("One line per level of the other parameter: lines that are not parallel show an "
                      "interaction (the effect of one parameter depends on the level of the other).")
        draw_points = charts.sweep_lines if manifest.design == "grid" else charts.sweep_scatter
        for metric in TORNADO_METRICS:
            page.chart(draw_points(points, parameters, metric))
    page.heading("Mean of every metric at each point")
    page.table(_by_metric_columns(points))
    page.text("Base scenario (resolved)", folder.base_text)
    return page


def _sensitivity(page: _Page, analyses: dict[str, pd.DataFrame]) -> None:
    for name, heading, draw in (("tornado", "One-way sensitivity (tornado)", charts.tornado_chart),
                                ("morris", "Morris elementary effects", charts.morris_chart),
                                ("sobol", "Sobol indices", charts.sobol_chart)):
        if name in analyses and len(analyses[name]):
            page.heading(heading)
            page.chart(draw(analyses[name]))
            page.table(_by_metric_rows(analyses[name]))


_METRIC_VALUED = ("base_mean", "low_mean", "high_mean", "low_effect", "low_half_width", "high_effect",
                  "high_half_width", "swing", "mu", "mu_star", "sigma", "mu_star_conf")


def _by_metric_rows(table: pd.DataFrame) -> pd.DataFrame:
    """A table with a ``metric`` column: its metric-valued cells formatted by each row's metric."""
    shown = table.astype(object)
    for index, row in table.iterrows():
        scale = formatting.scale_of(str(row["metric"]))
        for column in table.columns:
            if column in _METRIC_VALUED:
                shown.at[index, column] = formatting.number(row[column], scale)
    return shown


def _by_metric_columns(table: pd.DataFrame) -> pd.DataFrame:
    """A table whose columns are metrics (point means): each column formatted by its metric."""
    shown = table.astype(object)
    for column in table.columns:
        scale = formatting.scale_of(str(column))
        if scale is not None:
            shown[column] = [formatting.number(v, scale) for v in table[column]]
    return shown


# --- the page ----------------------------------------------------------------------------------------------------


def _html(page: _Page, inline_js: bool) -> str:
    specs = json.dumps(page.specs).replace("</", "<\\/")  # a "</script>" inside a label must not end the script
    body = "\n".join(page.parts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style>
{_scripts(inline_js)}
</head><body>
<h1>{html.escape(page.title)}</h1>
{body}
<script>
const specs = {specs};
specs.forEach((spec, i) => vegaEmbed("#chart" + i, spec, {{"mode": "vega-lite"}}).catch(console.error));
</script>
</body></html>
"""


def _scripts(inline_js: bool) -> str:
    if not inline_js:
        return "\n".join(f'<script src="{CDN}/{name}@{version}"></script>' for name, version in
                         (("vega", alt.VEGA_VERSION), ("vega-lite", alt.SCHEMA_VERSION.lstrip("v")),
                          ("vega-embed", alt.VEGAEMBED_VERSION)))
    return f"<script>\n{vega_bundle().replace('</script', _ESCAPED_END)}\n</script>"
