"""The Altair charts shared by the Streamlit app and the CLI's HTML reports.

Charts take the tidy tables that ``simulator.experiments.experiment`` and ``simulator.outputs.metrics`` produce
and return Altair chart objects; nothing here runs a simulation. Only the chart modules (this one and
``storycharts``, the app's story and week) and the report import Altair, so the model core and the CLI's table
output work without it.

Every chart the app shows carries a title, and a subtitle naming the scenario, reference and seed, so a chart saved
from the page says what it shows; and a ``description``, which Vega gives screen readers as the chart's label.
"""

from __future__ import annotations

import math
from typing import Literal, TypeVar

import altair as alt
import numpy as np
import pandas as pd

from simulator.experiments.experiment import t_quantile
from simulator.outputs import formatting
from simulator.outputs.metrics import METRICS

__all__ = ["STATUS_COLOURS", "WEEKLY_SERIES", "Drawn", "Width", "change_forest", "interval_panel", "run_name_axis",
           "time_split", "titled", "weekly_means", "weekly_series"]

Width = int | Literal["container"]  # pixels, or "container": as wide as the page column (the chart reflows on a phone)

WIDTH = 760  # fits the main column of the app at 1280x800 beside the sidebar

# Better, worse and noise are blue, orange and grey: told apart without red and green, and in dark mode too.
STATUS_COLOURS = alt.Scale(domain=["better", "worse", "within noise"], range=["#3b7dd8", "#e8710a", "#9aa0a6"])

TIME_SPLIT_COLUMNS = {"session_hours": "Sessions", "paperwork_hours": "Paperwork in working hours",
                      "after_hours_hours": "After hours"}
_SPLIT_COLOURS = ["#1f77b4", "#ff7f0e", "#d62728"]
_BETTER = {m.name: m.better for m in METRICS}


Drawn = TypeVar("Drawn", alt.Chart, alt.LayerChart, alt.VConcatChart, alt.HConcatChart, alt.FacetChart)


def titled(chart: Drawn, title: str, subtitle: str | list[str] = "", description: str = "") -> Drawn:
    """``chart`` with a title, a subtitle (what was run: scenario, reference, seed; a list is one line each) and a
    description for screen readers (the title and subtitle when none is given)."""
    lines: list[str] = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    params = alt.TitleParams(text=title, subtitle=lines, anchor="start") if any(lines) else \
        alt.TitleParams(text=title, anchor="start")
    described: Drawn = chart.properties(
        title=params, description=description or " ".join([f"{title}.", *lines]).strip())
    return described


def run_name_axis() -> alt.Axis:
    """An axis of run names, one phrase a line: a name says every way a run differs ("#2 ai_scribe.yaml, note
    minutes 20, from week 78, ..."), and cut at a fixed width two runs would read the same."""
    return alt.Axis(labelExpr="split(datum.label, ', ')", labelLimit=320, labelPadding=6)


def time_split(weekly_by_scenario: pd.DataFrame, *, width: Width = WIDTH) -> alt.Chart:
    """Hours per clinician-week spent in sessions, at the desk and after hours, one bar per scenario.

    ``weekly_by_scenario`` is the weekly table with a ``scenario`` column; warm-up weeks are left out. Paperwork in
    working hours includes the slots of missed sessions that paperwork filled, as the day records count them.
    """
    measured = weekly_by_scenario[~weekly_by_scenario["warmup"]]
    means = measured.groupby("scenario", sort=False)[list(TIME_SPLIT_COLUMNS)].mean().reset_index()
    tidy = means.melt(id_vars="scenario", var_name="activity", value_name="hours")
    tidy["activity"] = tidy["activity"].map(TIME_SPLIT_COLUMNS)
    tidy["order"] = tidy["activity"].map({label: i for i, label in enumerate(TIME_SPLIT_COLUMNS.values())})
    chart: alt.Chart = alt.Chart(tidy, width=width, height=alt.Step(52)).mark_bar().encode(  # names on 3-4 lines
        x=alt.X("hours:Q", title="Hours per clinician-week (after warm-up)", stack="zero"),
        y=alt.Y("scenario:N", title=None, sort=None, axis=run_name_axis()),
        color=alt.Color("activity:N", title=None, sort=list(TIME_SPLIT_COLUMNS.values()),
                        legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(TIME_SPLIT_COLUMNS.values()), range=_SPLIT_COLOURS)),
        order=alt.Order("order:Q"),
        tooltip=["scenario:N", "activity:N", alt.Tooltip("hours:Q", format=".1f", title="hours/clinician-week")],
    )
    return chart


WEEKLY_SERIES = (  # (column, panel title, axis title, d3 format, upper bound)
    ("headcount", "Clinicians in post", "clinicians", ",.0f", math.inf),
    ("departures", "Departures per week", "clinicians/week", ".2f", math.inf),
    ("waitlist", "Clients waiting for a clinician", "clients", ",.0f", math.inf),
    ("ee_mean", "Mean emotional exhaustion", "MBI-EE points (0-54)", ".1f", 54.0),
)


def weekly_means(weekly: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Each ``WEEKLY_SERIES`` column's mean across replications per scenario and week, with the t interval of that
    mean kept within the series' range (never below 0): columns scenario, series, week, mean, low, high."""
    frames = []
    for column, _, _, _, upper in WEEKLY_SERIES:
        stats = weekly.groupby(["scenario", "week"], sort=False)[column].agg(["mean", "std", "count"]).reset_index()
        t = np.array([t_quantile(0.5 + level / 2, int(n) - 1) if n > 1 else np.nan for n in stats["count"]])
        half = (t * stats["std"] / np.sqrt(stats["count"])).fillna(0.0)
        frames.append(pd.DataFrame({"scenario": stats["scenario"], "series": column, "week": stats["week"],
                                    "mean": stats["mean"], "low": (stats["mean"] - half).clip(lower=0.0),
                                    "high": (stats["mean"] + half).clip(upper=upper)}))
    return pd.concat(frames, ignore_index=True)


def weekly_series(weekly: pd.DataFrame, *, warmup_weeks: int = 0, width: int = WIDTH) -> alt.VConcatChart:
    """Headcount, departures, waitlist and mean EE week by week: one line per scenario (the mean over its
    replications) in a band of that mean's 95% CI. ``weekly`` is the weekly table with a ``scenario`` column;
    the grey band is the warm-up, which the summary figures leave out."""
    order = list(dict.fromkeys(weekly["scenario"]))
    panels = [_series_panel(column, title, axis, fmt, order, warmup_weeks, (width - 120) // 2)
              for column, title, axis, fmt, _ in WEEKLY_SERIES]
    # The data once, at the top, each panel filtering its series: panels that each carried their own rows were
    # copied over and over as Altair assembled the chart (a second per report).
    chart: alt.VConcatChart = alt.vconcat(alt.hconcat(*panels[:2]), alt.hconcat(*panels[2:]),
                                          data=weekly_means(weekly)).resolve_scale(color="shared")
    return chart


def _series_panel(column: str, title: str, axis: str, fmt: str, order: list[str], warmup_weeks: int,
                  width: int) -> alt.LayerChart:
    colour = alt.Color("scenario:N", title=None, sort=order, legend=alt.Legend(orient="top", labelLimit=400))
    base = alt.Chart(width=width, height=130, title=title).transform_filter(alt.datum.series == column)
    x = alt.X("week:Q", title="week")
    band = base.mark_area(opacity=0.2).encode(x=x, y=alt.Y("low:Q", title=axis, axis=alt.Axis(format=fmt)),
                                              y2="high:Q", color=colour)
    line = base.mark_line().encode(
        x=x, y="mean:Q", color=colour,
        tooltip=["scenario:N", "week:Q", alt.Tooltip("mean:Q", format=fmt, title=f"mean ({axis})"),
                 alt.Tooltip("low:Q", format=fmt, title="95% CI low"),
                 alt.Tooltip("high:Q", format=fmt, title="95% CI high")])
    layers: list[alt.Chart] = [band, line]
    if warmup_weeks > 0:
        shade = alt.Chart(pd.DataFrame({"start": [0], "end": [warmup_weeks]})).mark_rect(opacity=0.1, color="grey")
        layers.insert(0, shade.encode(x="start:Q", x2="end:Q"))
    return alt.LayerChart(layer=layers)


def change_forest(comparison: pd.DataFrame, *, width: Width = WIDTH, label_limit: int = 180) -> alt.LayerChart:
    """Paired change against the reference, in percent of the reference mean, with its 95% CI.

    ``comparison`` is ``simulator.compare``'s table with a ``label`` column (and, optionally, ``status``: better,
    worse, within noise or too early to tell). Whether a change stands out is said three ways, never by fill alone:
    the marker's shape (a filled diamond, a hollow circle), its colour, and words after the metric's label.
    """
    data = comparison[comparison["base_mean"].abs() > 0].copy()
    scale = 100 / data["base_mean"].abs()
    data["change_pct"] = data["diff_mean"] * scale
    data["low_pct"] = data["ci_low"] * scale
    data["high_pct"] = data["ci_high"] * scale
    data["verdict"] = data["significant"].map({True: "stands out from noise", False: "within noise"})
    if "status" not in data:
        data["status"] = [_status(dict(zip(data.columns, row, strict=True))) for row in data.itertuples(index=False)]
    # the verdict in words beside each label: a reader who cannot tell the markers apart still reads it
    data["axis_label"] = data["label"] + " · " + data["status"]
    _add_texts(data)
    # the height of the rows and, when the chart fits its container (the app), of the title and axis too
    base = alt.Chart(data, width=width, height=28 * max(len(data), 1) + (110 if width == "container" else 0))
    y = alt.Y("axis_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=label_limit))
    rule = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#9aa0a6").encode(x="zero:Q")
    axis = alt.Axis(labelExpr="(datum.value > 0 ? '+' : '') + datum.label + '%'")
    errors = base.mark_errorbar(ticks=True).encode(
        x=alt.X("low_pct:Q", title="change against the reference (% of its mean; 95% CI)", axis=axis),
        x2="high_pct:Q", y=y)
    stands_out = alt.datum.significant
    points = base.mark_point(size=90, strokeWidth=2).encode(
        x="change_pct:Q", y=y,
        shape=alt.Shape("verdict:N", title=None, scale=alt.Scale(domain=["stands out from noise", "within noise"],
                                                                 range=["diamond", "circle"])),
        color=alt.Color("status:N", title=None, legend=None, scale=alt.Scale(
            domain=["better", "worse", "stands out", "within noise", "too early to tell"],
            range=["#3b7dd8", "#e8710a", "#7b61ff", "#9aa0a6", "#9aa0a6"])),
        fillOpacity=alt.condition(stands_out, alt.value(1.0), alt.value(0.0)),
        tooltip=["label:N", alt.Tooltip("base_text:N", title="reference"),
                 alt.Tooltip("other_text:N", title="this scenario"), alt.Tooltip("diff_text:N", title="change"),
                 alt.Tooltip("change_pct:Q", format="+.1f", title="change (%)"), "verdict:N"])
    return alt.LayerChart(layer=[rule, errors, points])


def _status(row: dict[str, object]) -> str:  # the verdict module's words, for a table that brings none
    if not row["significant"]:
        return "within noise"
    better = _BETTER.get(str(row["metric"]), "")
    if not better:
        return "stands out"
    return "better" if (float(row["diff_mean"]) < 0) == (better == "lower") else "worse"  # type: ignore[arg-type]


def _add_texts(data: pd.DataFrame) -> None:
    """The means and the change as text formatted by kind (money as money), for the tooltips."""
    scales = data["metric"].map(formatting.scale_of)
    for column, text in (("base_mean", "base_text"), ("other_mean", "other_text")):
        data[text] = [formatting.number(v, s) for v, s in zip(data[column], scales, strict=True)]
    data["diff_text"] = [formatting.change(v, s) for v, s in zip(data["diff_mean"], scales, strict=True)]


def interval_panel(rows: pd.DataFrame, metric: str, *, change: bool = False,
                   width: Width = "container") -> alt.LayerChart:
    """One metric for several runs: each run's mean (or paired change, ``change=True``) with its 95% CI.

    ``rows`` has columns name (one row per run, drawn in this order), role ("run" or "reference"), mean, low, high;
    the axis is formatted by the metric's kind (money as money, shares as percentages, changes signed).
    """
    scale = formatting.scale_of(metric)
    fmt = formatting.d3_format(scale)
    data = rows.assign(mean_text=[(formatting.change if change else formatting.number)(v, scale) for v in rows["mean"]],
                       low_text=[formatting.number(v, scale) for v in rows["low"]],
                       high_text=[formatting.number(v, scale) for v in rows["high"]])
    # room for a run name on up to four lines, plus the title and the axis
    base = alt.Chart(data, width=width, height=56 * max(len(data), 1) + 110)
    y = alt.Y("name:N", title=None, sort=None, axis=run_name_axis())
    x = alt.X("mean:Q", title=None, axis=alt.Axis(format=("+" if change else "") + fmt), scale=alt.Scale(zero=change))
    points = base.mark_point(filled=True, size=80).encode(
        x=x, y=y, color=alt.Color("role:N", title=None, legend=None, scale=alt.Scale(
            domain=["run", "reference"], range=["#3b7dd8", "#9aa0a6"])),
        tooltip=[alt.Tooltip("name:N", title="run"), alt.Tooltip("mean_text:N", title="change" if change else "mean"),
                 alt.Tooltip("low_text:N", title="95% CI low"), alt.Tooltip("high_text:N", title="95% CI high")])
    errors = base.mark_errorbar(ticks=True).encode(x="low:Q", x2="high:Q", y=y)
    layers: list[alt.Chart] = [errors, points]
    if change:
        layers.insert(0, alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#9aa0a6").encode(x="zero:Q"))
    return alt.LayerChart(layer=layers)


# --- Sweeps, sensitivity, replication advice (experiments at scale) ---

__all__ += ["morris_chart", "sobol_chart", "sweep_lines", "sweep_scatter", "tornado_chart", "tornado_panel",
            "welch_chart"]


def tornado_chart(table: pd.DataFrame, width: Width = 420) -> alt.VConcatChart:
    """One tornado per metric (``tornado_panel``), stacked: the report's sensitivity chart."""
    panels = [tornado_panel(table[table["metric"] == metric], width) for metric in table["metric"].unique()]
    chart: alt.VConcatChart = alt.vconcat(*panels).resolve_scale(color="shared")
    return chart


def tornado_panel(rows: pd.DataFrame, width: Width = 420, *, names: dict[str, str] | None = None,
                  label: str = "") -> alt.LayerChart:
    """One metric's tornado (``simulator.experiments.sensitivity.tornado_table`` rows): for each lever a bar from the
    base mean to the mean with the lever at its low and at its high value, longest swing on top.

    Each bar end carries its 95% interval (the paired change's half-width around the moved mean) and the lever value
    it stands for; a bar is blue when the change is better, orange when worse (by the metric's better direction) and
    grey when it is within noise (its interval includes the base), and a lever whose both ends are within noise says
    so in its label. ``names`` gives readable lever names; ``label`` the metric's.
    """
    metric, unit = str(rows["metric"].iloc[0]), str(rows["unit"].iloc[0])
    tidy = _tornado_tidy(rows, names or {})
    fmt = formatting.d3_format(formatting.scale_of(metric))
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("rank", order="ascending"),
              axis=alt.Axis(labelLimit=360))  # lever names with their ranges are long; never cut them
    base_chart = alt.Chart(tidy)
    bar = base_chart.mark_bar(opacity=0.85).encode(
        x=alt.X("base_mean:Q", title=f"{label or metric} ({unit})", scale=alt.Scale(zero=False),
                axis=alt.Axis(format=fmt)),
        x2="mean:Q", y=y, color=alt.Color("status:N", title="Change from the base", scale=STATUS_COLOURS),
        tooltip=["lever:N", "side:N", alt.Tooltip("value:Q", title="lever value"),
                 alt.Tooltip("mean:Q", format=fmt, title=label or metric),
                 alt.Tooltip("effect:Q", format="+" + fmt.lstrip("$"), title="change from base"),
                 alt.Tooltip("half_width:Q", format=",.3~r", title="95% CI half-width"), "status:N"])
    whisker = base_chart.mark_errorbar(ticks=True, color="#6b7280").encode(x="end_low:Q", x2="end_high:Q", y=y)
    values = base_chart.mark_text(align="left", dx=4, dy=-8, fontSize=10, color="#6b7280").encode(
        x="end_high:Q", y=y, text="value_text:N")
    base = base_chart.mark_rule(color="#6b7280", strokeWidth=2).encode(x="base_mean:Q")
    base_mean = formatting.number(float(rows["base_mean"].iloc[0]), formatting.scale_of(metric))
    return alt.LayerChart(layer=[bar, whisker, values, base], title=f"{label or metric}: base {base_mean}",
                          width=width)


def _tornado_tidy(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    better = _BETTER.get(str(rows["metric"].iloc[0]), "")
    sides = []
    for side in ("low", "high"):
        part = rows.assign(side=side, value=rows[f"{side}_value"], mean=rows[f"{side}_mean"],
                           effect=rows[f"{side}_effect"], half_width=rows[f"{side}_half_width"])
        sides.append(part)
    tidy = pd.concat(sides, ignore_index=True)
    tidy["end_low"] = tidy["mean"] - tidy["half_width"].fillna(0.0)
    tidy["end_high"] = tidy["mean"] + tidy["half_width"].fillna(0.0)
    noise = ~(tidy["effect"].abs() > tidy["half_width"])  # NaN half-width (one replication): noise, not a finding
    lower = tidy["effect"] < 0
    tidy["status"] = np.where(noise, "within noise", np.where(lower == (better == "lower"), "better", "worse"))
    quiet = tidy.groupby("lever")["status"].agg(lambda s: bool((s == "within noise").all()))
    tidy["value_text"] = tidy["side"] + " " + tidy["value"].map("{:g}".format)
    tidy["label"] = [f"{names.get(lever, lever)} ({low:g} to {high:g})" + (" · within noise" if quiet[lever] else "")
                     for lever, low, high in zip(tidy["lever"], tidy["low_value"], tidy["high_value"], strict=True)]
    order = list(rows.sort_values("swing", ascending=False)["lever"])
    tidy["rank"] = tidy["lever"].map(order.index)
    return tidy


def morris_chart(indices: pd.DataFrame) -> alt.FacetChart:
    """Morris screening: mean absolute elementary effect (importance) against its spread (interaction or
    non-linearity), one panel per metric (``simulator.experiments.sensitivity.morris_indices``)."""
    chart: alt.FacetChart = alt.Chart(indices).mark_circle(size=90).encode(
        x=alt.X("mu_star:Q", title="mu* (mean |effect| over the whole range)"),
        y=alt.Y("sigma:Q", title="sigma (spread of effects)"),
        color=alt.Color("parameter:N", title="Parameter"),
        tooltip=["parameter:N", alt.Tooltip("mu_star:Q", format=",.4~r"), alt.Tooltip("mu:Q", format=",.4~r"),
                 alt.Tooltip("sigma:Q", format=",.4~r"), alt.Tooltip("mu_star_conf:Q", format=",.3~r")],
    ).properties(width=260, height=220).facet(facet=alt.Facet("metric:N", title=None), columns=3).resolve_scale(
        x="independent", y="independent")
    return chart


def sobol_chart(indices: pd.DataFrame) -> alt.FacetChart:
    """First-order and total Sobol indices per parameter, one panel per metric."""
    tidy = indices.melt(id_vars=["metric", "parameter"], value_vars=["S1", "ST"], var_name="index",
                        value_name="value")
    chart: alt.FacetChart = alt.Chart(tidy).mark_bar().encode(
        x=alt.X("value:Q", title="share of output variance"), y=alt.Y("parameter:N", title=None),
        yOffset="index:N", color=alt.Color("index:N", title="Index"),
        tooltip=["parameter:N", "index:N", alt.Tooltip("value:Q", format=".3f")],
    ).properties(width=260).facet(facet=alt.Facet("metric:N", title=None), columns=3)
    return chart


def sweep_scatter(means: pd.DataFrame, parameters: list[str], metric: str) -> alt.HConcatChart:
    """A metric's point means against each swept parameter (Latin hypercube sweeps: points scattered at random)."""
    y = alt.Y(f"{metric}:Q", title=metric, scale=alt.Scale(zero=False),
              axis=alt.Axis(format=formatting.d3_format(formatting.scale_of(metric))))
    charts = [alt.Chart(means).mark_circle().encode(
        x=alt.X(f"{_field(p)}:Q", title=p, scale=alt.Scale(zero=False)), y=y,
        tooltip=[alt.Tooltip(f"{_field(c)}:Q", title=c) for c in [*parameters, metric]],
    ).properties(width=220, height=180) for p in parameters]
    return alt.hconcat(*charts)


def sweep_lines(means: pd.DataFrame, parameters: list[str], metric: str) -> alt.HConcatChart:
    """A grid sweep's point means against each parameter, one line per level of another parameter (colour; any
    further parameters split the lines too). Lines that are not parallel are an interaction: the effect of one
    parameter depends on the level of the other."""
    fmt = formatting.d3_format(formatting.scale_of(metric))
    charts = []
    for p in parameters:
        others = [o for o in parameters if o != p]
        encoding: dict[str, object] = {
            "x": alt.X(f"{_field(p)}:Q", title=p, scale=alt.Scale(zero=False)),
            "y": alt.Y(f"{metric}:Q", title=metric, scale=alt.Scale(zero=False), axis=alt.Axis(format=fmt)),
            "tooltip": [alt.Tooltip(f"{_field(c)}:Q", title=c) for c in parameters]
            + [alt.Tooltip(f"{metric}:Q", format=fmt, title=metric)]}
        if others:
            encoding["color"] = alt.Color(f"{_field(others[0])}:O", title=others[0],
                                          scale=alt.Scale(scheme="tableau10"),
                                          legend=alt.Legend(orient="bottom", labelLimit=300, titleLimit=300))
            encoding["detail"] = [alt.Detail(f"{_field(o)}:O") for o in others[1:]]
        charts.append(alt.Chart(means).mark_line(point=True).encode(**encoding).properties(width=240, height=180))
    chart: alt.HConcatChart = alt.hconcat(*charts).resolve_scale(color="independent")  # colour: another parameter
    return chart


def welch_chart(smoothed: pd.DataFrame, suggested: int | None) -> alt.FacetChart:
    """Welch's plot: the moving average over weeks of each series averaged across replications, with the
    suggested warm-up marked (``simulator.experiments.advice.welch``)."""
    data = smoothed.assign(suggested=suggested)
    lines = alt.Chart().mark_line().encode(
        x=alt.X("week:Q", title="Week"), y=alt.Y("smoothed:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["series:N", "week:Q", alt.Tooltip("smoothed:Q", format=",.3~r")])
    layers: list[alt.Chart] = [lines]
    if suggested is not None:
        layers.append(alt.Chart().mark_rule(strokeDash=[4, 4]).encode(
            x="min(suggested):Q", tooltip=[alt.Tooltip("min(suggested):Q", title="suggested warmup_weeks")]))
    layered = alt.LayerChart(data=data, layer=layers, width=320, height=200)
    chart: alt.FacetChart = layered.facet(facet=alt.Facet("series:N", title=None), columns=2).resolve_scale(
        y="independent")
    return chart


def _field(name: str) -> str:
    # Vega-Lite reads "a.b" as a nested field; the sweep's columns are dotted parameter paths, so escape the dots.
    return name.replace(".", "\\.")
