"""One HTML file that tells what a results directory holds: charts, tables, the scenario and the manifest.

Works on the output of ``run`` (and ``warmup``), ``compare`` and ``sweep``; it reads the files they wrote and
runs nothing. Charts are Vega-Lite specs written into the page. By default the Vega, Vega-Lite and vega-embed
JavaScript is inlined too (from the ``vl-convert-python`` package, about 1 MB), so the file opens with no network,
e.g. as an e-mail attachment on a locked-down machine; ``inline_js=False`` loads it from a CDN instead (a file of
a few hundred kilobytes that needs the internet to draw its charts).
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
from simulator.experiments.sensitivity import TORNADO_METRICS
from simulator.experiments.sweep import SWEEP_STATE
from simulator.inputs.errors import ScenarioError
from simulator.outputs import charts
from simulator.outputs.files import MANIFEST, atomic_write_text

__all__ = ["CDN", "build_report", "write_report"]

CDN = "https://cdn.jsdelivr.net/npm"
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: 0.8em; }
.note { color: #555; font-size: 0.9em; }
.wide { overflow-x: auto; }
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
        shown = frame.head(limit)
        table = shown.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="-", border=0)
        self.parts.append(f'<div class="wide">{table}</div>')
        if len(frame) > limit:
            self.note(f"First {limit} of {len(frame):,} rows; the CSV next to this report has them all.")

    def chart(self, chart: alt.TopLevelMixin) -> None:
        self.parts.append(f'<div id="chart{len(self.specs)}"></div>')
        self.specs.append(chart.to_dict())

    def text(self, title: str, body: str) -> None:
        self.heading(title)
        self.parts.append(f"<pre>{html.escape(body)}</pre>")


def write_report(results_dir: Path, out: Path | None = None, *, inline_js: bool = True) -> Path:
    """Write the report (default ``RESULTS_DIR/report.html``) atomically and return its path."""
    target = out or results_dir / "report.html"
    return atomic_write_text(target, build_report(results_dir, inline_js=inline_js))


def build_report(results_dir: Path, *, inline_js: bool = True) -> str:
    """The report's HTML for a results directory of ``run``, ``compare`` or ``sweep``."""
    manifest = _manifest(results_dir)
    with _unlimited_rows():
        if (results_dir / SWEEP_STATE).exists():
            page = _sweep_page(results_dir, manifest)
        elif (results_dir / "comparison.csv").exists():
            page = _compare_page(results_dir)
        else:
            page = _run_page(results_dir, manifest)
    page.text("Manifest", json.dumps(manifest, indent=2))
    return _html(page, inline_js)


def _manifest(results_dir: Path) -> dict[str, Any]:
    file = results_dir / MANIFEST
    if not results_dir.is_dir():
        raise ScenarioError.single(str(results_dir), None, "", "no such directory")
    if not file.exists():
        sweep = (results_dir / SWEEP_STATE).exists()
        reason = ("holds an unfinished sweep; run the same sweep command again to finish it" if sweep else
                  "holds no complete results of run, compare or sweep (no manifest.json)")
        raise ScenarioError.single(str(results_dir), None, "", reason)
    loaded: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return loaded


@contextmanager
def _unlimited_rows() -> Iterator[None]:
    # Altair refuses data over 5,000 rows by default to protect notebooks; a report of a big sweep needs them.
    with alt.data_transformers.enable("default", max_rows=None):
        yield


def _run_page(results_dir: Path, manifest: dict[str, Any]) -> _Page:
    page = _Page(f"Results: {manifest.get('scenario', results_dir.name)}")
    page.note(f"{manifest.get('replications')} replications, seed {manifest.get('seed')}; means with 95% "
              "confidence intervals over replications.")
    page.heading("Outcomes")
    page.table(pd.read_csv(results_dir / "intervals.csv"))
    weekly = pd.read_csv(results_dir / "weekly.csv")
    _time_split(page, {str(manifest.get("scenario", "run")): weekly})
    _welch(page, weekly)
    page.text("Scenario (resolved)", (results_dir / "scenario.yaml").read_text(encoding="utf-8"))
    return page


def _compare_page(results_dir: Path) -> _Page:
    sides = {side: json.loads((results_dir / side / MANIFEST).read_text(encoding="utf-8"))
             for side in ("base", "other")}
    names = {side: str(m.get("scenario", side)) for side, m in sides.items()}
    page = _Page(f"Comparison: {names['other']} - {names['base']}")
    page.note("Differences are other - base, paired by replication (common random numbers), with 95% CIs.")
    page.heading("Paired differences")
    page.table(pd.read_csv(results_dir / "comparison.csv"))
    _time_split(page, {names[side]: pd.read_csv(results_dir / side / "weekly.csv") for side in sides})
    for side in sides:
        page.text(f"Scenario: {names[side]} ({side})", (results_dir / side / "scenario.yaml").read_text("utf-8"))
    return page


def _sweep_page(results_dir: Path, manifest: dict[str, Any]) -> _Page:
    page = _Page(f"Sweep: {manifest.get('sweep')}")
    if manifest.get("description"):
        page.note(str(manifest["description"]))
    page.note(f"Design {manifest.get('design')}: {manifest.get('points')} points x {manifest.get('replications')} "
              f"replications, seed {manifest.get('seed')} (common random numbers across points).")
    analyses = {name: pd.read_csv(results_dir / f"{name}.csv") for name in ("tornado", "morris", "sobol", "points")
                if (results_dir / f"{name}.csv").exists()}
    if "tornado" in analyses:
        page.heading("One-way sensitivity (tornado)")
        page.chart(charts.tornado_chart(analyses["tornado"]))
        page.table(analyses["tornado"])
    if "morris" in analyses and len(analyses["morris"]):
        page.heading("Morris elementary effects")
        page.chart(charts.morris_chart(analyses["morris"]))
        page.table(analyses["morris"])
    if "sobol" in analyses and len(analyses["sobol"]):
        page.heading("Sobol indices")
        page.chart(charts.sobol_chart(analyses["sobol"]))
        page.table(analyses["sobol"])
    if manifest.get("design") in ("grid", "lhs") and "points" in analyses:
        page.heading("Point means against each parameter")
        for metric in TORNADO_METRICS:
            page.chart(charts.sweep_scatter(analyses["points"], list(manifest["parameters"]), metric))
    if "points" in analyses:
        page.heading("Mean of every metric at each point")
        page.table(analyses["points"])
    page.text("Base scenario (resolved)", (results_dir / "base.yaml").read_text(encoding="utf-8"))
    return page


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


def _html(page: _Page, inline_js: bool) -> str:
    specs = json.dumps(page.specs).replace("</", "<\\/")  # a "</script>" inside a label must not end the script
    body = "\n".join(page.parts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(page.title)}</title>
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
    if inline_js:
        import vl_convert  # only the inline report needs it

        major_minor = ".".join(alt.SCHEMA_VERSION.split(".")[:2])  # "v6.4": the Vega-Lite Altair writes specs for
        # None is the documented default snippet (vegaEmbed as a global); the type stub does not allow for it.
        bundle = vl_convert.javascript_bundle(None, vl_version=major_minor)  # type: ignore[arg-type]
        return f"<script>\n{bundle}\n</script>"
    return "\n".join(f'<script src="{CDN}/{name}@{version}"></script>' for name, version in
                     (("vega", alt.VEGA_VERSION), ("vega-lite", alt.SCHEMA_VERSION.lstrip("v")),
                      ("vega-embed", alt.VEGAEMBED_VERSION)))
