"""Every Altair chart the project draws, shared by the Streamlit app and the CLI's HTML reports.

Charts take the tidy tables that ``simulator.experiments.experiment`` and ``simulator.outputs.metrics`` produce
and return Altair chart objects; nothing here runs a simulation. This is the only module that imports Altair, so
the model core and the CLI's table output work without it.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from simulator.experiments.experiment import t_quantile
from simulator.outputs import formatting

__all__ = ["ACTIVITY_COLOURS", "WEEKLY_SERIES", "change_forest", "clinician_week", "interval_bars",
           "story_over_time", "time_split", "weekly_means", "weekly_series"]


# --- The story over time, the clinician's week, the time split, comparisons (the app) ---

WIDTH = 760  # fits the main column of the app at 1280x800 beside the sidebar

ACTIVITY_COLOURS = {  # one colour per kind of time, the same in every chart
    "session": "#1f77b4", "intake": "#08519c", "no_show": "#9ecae1", "supervision": "#2ca02c",
    "paperwork": "#ff7f0e", "after_hours": "#d62728", "idle": "#d9d9d9", "leave": "#8c8c8c",
}
ACTIVITY_LABELS = {
    "session": "Session", "intake": "Intake session", "no_show": "No-show (slot lost)", "supervision": "Supervision",
    "paperwork": "Paperwork", "after_hours": "After-hours paperwork", "idle": "Free time", "leave": "Leave",
}
TIME_SPLIT_COLUMNS = {"session_hours": "Sessions", "paperwork_hours": "Paperwork (in hours)",
                      "after_hours_hours": "After hours"}
_SPLIT_COLOURS = ["#1f77b4", "#ff7f0e", "#d62728"]


def time_split(weekly_by_scenario: pd.DataFrame, *, width: int = WIDTH) -> alt.Chart:
    """Hours per clinician-week spent in sessions, at the desk and after hours, one bar per scenario.

    ``weekly_by_scenario`` is the weekly table with a ``scenario`` column; warm-up weeks are left out.
    """
    measured = weekly_by_scenario[~weekly_by_scenario["warmup"]]
    means = measured.groupby("scenario", sort=False)[list(TIME_SPLIT_COLUMNS)].mean().reset_index()
    tidy = means.melt(id_vars="scenario", var_name="activity", value_name="hours")
    tidy["activity"] = tidy["activity"].map(TIME_SPLIT_COLUMNS)
    tidy["order"] = tidy["activity"].map({label: i for i, label in enumerate(TIME_SPLIT_COLUMNS.values())})
    chart: alt.Chart = alt.Chart(tidy, width=width).mark_bar().encode(
        x=alt.X("hours:Q", title="Hours per clinician-week (after warm-up)", stack="zero"),
        y=alt.Y("scenario:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("activity:N", title=None, sort=list(TIME_SPLIT_COLUMNS.values()),
                        legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(TIME_SPLIT_COLUMNS.values()), range=_SPLIT_COLOURS)),
        order=alt.Order("order:Q"),
        tooltip=["scenario:N", "activity:N", alt.Tooltip("hours:Q", format=".1f", title="hours/clinician-week")],
    )
    return chart


STORY_PANELS = (  # (column, panel title, axis title, axis format)
    ("headcount", "Clinicians in post (red: departures)", "clinicians", "d"),
    ("cumulative_departures", "Departures so far", "clinicians", "d"),
    ("ee_mean", "Mean emotional exhaustion", "MBI-EE points (0-54)", ".0f"),
    ("ee_high_share", "Share with high exhaustion (EE >= 27)", "share of clinicians", ".0%"),
    ("vacancies", "Open vacancies", "positions", "d"),
    ("waitlist", "Clients waiting for a clinician", "clients", "d"),
)


def story_over_time(weekly: pd.DataFrame, *, replay: int = 0, warmup_weeks: int = 0,
                    width: int = WIDTH) -> alt.VConcatChart:
    """The exodus cascade: one replication's weekly story (solid) over the mean of all replications (dashed).

    Departures are red marks on the headcount line; the shaded band is the warm-up, excluded from the figures.
    """
    weekly = weekly.sort_values(["replication", "week"]).assign(
        cumulative_departures=lambda w: w.groupby("replication")["departures"].cumsum())
    story = weekly[weekly["replication"] == replay]
    mean = weekly.groupby("week", as_index=False)[[p[0] for p in STORY_PANELS]].mean()
    reps = weekly["replication"].nunique()
    panels = []
    for index, (column, title, axis, fmt) in enumerate(STORY_PANELS):
        lines = pd.concat([
            pd.DataFrame({"week": story["week"], "value": story[column], "series": f"replication {replay}"}),
            pd.DataFrame({"week": mean["week"], "value": mean[column], "series": f"mean of {reps} replications"}),
        ])
        bottom_row = index >= len(STORY_PANELS) - 2
        x = alt.X("week:Q", title="week" if bottom_row else None,
                  scale=alt.Scale(domain=[0, int(weekly["week"].max()) + 1]))
        base = alt.Chart(lines, width=(width - 120) // 2, height=105, title=title)
        line = base.mark_line().encode(
            x=x, y=alt.Y("value:Q", title=axis, axis=alt.Axis(format=fmt)),
            strokeDash=alt.StrokeDash("series:N", title=None, legend=alt.Legend(orient="top"),
                                      scale=alt.Scale(domain=[f"replication {replay}", f"mean of {reps} replications"],
                                                      range=[[1, 0], [5, 3]])),
            color=alt.value("#1f77b4" if column != "ee_high_share" else "#d62728"),
            tooltip=["series:N", "week:Q", alt.Tooltip("value:Q", format=fmt.replace("d", ".0f"), title=axis)],
        )
        layers: list[alt.Chart] = [line]
        if warmup_weeks > 0:
            band = alt.Chart(pd.DataFrame({"start": [0], "end": [warmup_weeks], "label": ["warm-up"]}))
            layers.insert(0, band.mark_rect(opacity=0.12, color="grey").encode(
                x="start:Q", x2="end:Q", tooltip=alt.Tooltip("label:N", title="excluded from figures")))
        if column == "headcount":
            left = story[story["departures"] > 0]
            layers.append(alt.Chart(left).mark_point(shape="triangle-down", filled=True, color="#d62728").encode(
                x="week:Q", y="headcount:Q", size=alt.Size("departures:Q", title="departures that week",
                                                          legend=None, scale=alt.Scale(range=[40, 200])),
                tooltip=[alt.Tooltip("week:Q"), alt.Tooltip("departures:Q", title="departures that week"),
                         alt.Tooltip("headcount:Q", title="clinicians in post")]))
        panels.append(alt.layer(*layers))
    # a grid two panels wide: the whole story fits one 1280 x 800 screen
    rows = [alt.hconcat(*panels[i:i + 2]) for i in range(0, len(panels), 2)]
    chart: alt.VConcatChart = alt.vconcat(*rows).resolve_scale(strokeDash="shared")
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


def clinician_week(trace: pd.DataFrame, clinician: int, *, width: int = WIDTH) -> alt.FacetChart:
    """A Gantt chart of one clinician's traced weeks: what each hour of each weekday went to."""
    mine = trace[(trace["clinician"] == clinician) & (trace["minutes"] > 0)].copy()
    ee = mine.groupby("week")["ee"].mean()
    caseload = mine.groupby("week")["caseload"].mean()
    mine["week_label"] = [f"Week {w}: caseload {caseload[w]:.0f}, EE {ee[w]:.0f}/54" for w in mine["week"]]
    mine["what"] = mine["activity"].map(ACTIVITY_LABELS)
    labels = [ACTIVITY_LABELS[a] for a in ACTIVITY_COLOURS]
    chart: alt.FacetChart = alt.Chart(mine, width=width, height=150).mark_bar().encode(
        x=alt.X("start_h:Q", title="hour of the day", scale=alt.Scale(domain=[7, 23], nice=False)),
        x2="end_h:Q",
        y=alt.Y("weekday:N", title=None, sort=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
        color=alt.Color("what:N", title=None, legend=alt.Legend(orient="bottom", columns=4),
                        scale=alt.Scale(domain=labels, range=list(ACTIVITY_COLOURS.values()))),
        tooltip=[alt.Tooltip("what:N", title="activity"), alt.Tooltip("detail:N", title="task"),
                 alt.Tooltip("weekday:N", title="day"), alt.Tooltip("start_h:Q", format=".2f", title="from (h)"),
                 alt.Tooltip("end_h:Q", format=".2f", title="to (h)"),
                 alt.Tooltip("minutes:Q", format=".0f", title="minutes")],
    ).facet(row=alt.Row("week_label:N", title=None, sort=alt.EncodingSortField("week"),
                        header=alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start", labelFontSize=13,
                                          labelFontWeight="bold")))
    return chart


def interval_bars(intervals: pd.DataFrame, *, width: int = 220) -> alt.FacetChart:
    """Each metric's mean with its 95% CI for several scenarios, one small panel per metric.

    ``intervals`` has columns scenario, label, unit, mean, ci_low, ci_high.
    """
    data = intervals.assign(axis=intervals["label"] + " (" + intervals["unit"] + ")")
    bars = alt.Chart().mark_bar(opacity=0.75).encode(
        x=alt.X("mean:Q", title=None), y=alt.Y("scenario:N", title=None, sort=None),
        color=alt.Color("scenario:N", legend=None),
        tooltip=["scenario:N", "label:N", "unit:N", alt.Tooltip("mean:Q", format=",.3~f"),
                 alt.Tooltip("ci_low:Q", format=",.3~f", title="95% CI low"),
                 alt.Tooltip("ci_high:Q", format=",.3~f", title="95% CI high")])
    errors = alt.Chart().mark_errorbar(ticks=True).encode(
        x=alt.X("ci_low:Q", title=None), x2="ci_high:Q", y=alt.Y("scenario:N", sort=None))
    chart: alt.FacetChart = alt.layer(bars, errors, data=data).properties(width=width, height=90).facet(
        facet=alt.Facet("axis:N", title=None, sort=None), columns=3).resolve_scale(x="independent")
    return chart


def change_forest(comparison: pd.DataFrame, *, width: int = WIDTH, label_limit: int = 180) -> alt.LayerChart:
    """Paired change against the reference, in percent of the reference mean, with its 95% CI.

    ``comparison`` is ``simulator.compare``'s table with a ``label`` column; a change whose interval excludes
    zero is drawn solid ("stands out from noise"), one that does not is hollow.
    """
    data = comparison[comparison["base_mean"].abs() > 0].copy()
    scale = 100 / data["base_mean"].abs()
    data["change_pct"] = data["diff_mean"] * scale
    data["low_pct"] = data["ci_low"] * scale
    data["high_pct"] = data["ci_high"] * scale
    data["verdict"] = data["significant"].map({True: "stands out from noise", False: "within noise"})
    _add_texts(data)
    base = alt.Chart(data, width=width, height=28 * max(len(data), 1))
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=label_limit))
    rule = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="grey").encode(x="zero:Q")
    errors = base.mark_errorbar(ticks=True).encode(
        x=alt.X("low_pct:Q", title="change against the reference (% of its mean; 95% CI)"), x2="high_pct:Q", y=y)
    points = base.mark_point(size=80).encode(
        x="change_pct:Q", y=y,
        fill=alt.Fill("verdict:N", title=None, scale=alt.Scale(domain=["stands out from noise", "within noise"],
                                                               range=["#1f77b4", "white"])),
        tooltip=["label:N", alt.Tooltip("base_text:N", title="reference"),
                 alt.Tooltip("other_text:N", title="this scenario"), alt.Tooltip("diff_text:N", title="change"),
                 alt.Tooltip("change_pct:Q", format="+.1f", title="change (%)"), "verdict:N"])
    chart = alt.LayerChart(layer=[rule, errors, points])
    return chart


def _add_texts(data: pd.DataFrame) -> None:
    """The means and the change as text formatted by kind (money as money), for the tooltips."""
    scales = data["metric"].map(formatting.scale_of)
    for column, text in (("base_mean", "base_text"), ("other_mean", "other_text")):
        data[text] = [formatting.number(v, s) for v, s in zip(data[column], scales, strict=True)]
    data["diff_text"] = [formatting.change(v, s) for v, s in zip(data["diff_mean"], scales, strict=True)]


# --- Sweeps, sensitivity, replication advice (experiments at scale) ---

__all__ += ["morris_chart", "sobol_chart", "sweep_lines", "sweep_scatter", "tornado_chart", "welch_chart"]

SIDE_COLORS = alt.Scale(domain=["low", "high"], range=["#4c78a8", "#e45756"])


def tornado_chart(table: pd.DataFrame, width: int = 420) -> alt.VConcatChart:
    """One tornado per metric: for each lever a bar from the base mean to the mean at its low and at its high
    value (``simulator.experiments.sensitivity.tornado_table``), longest swing on top. ``width`` is the bars'
    width in pixels (the lever labels and the legend come on top of it)."""
    charts = [_tornado(table[table["metric"] == metric], width) for metric in table["metric"].unique()]
    chart: alt.VConcatChart = alt.vconcat(*charts).resolve_scale(color="shared")
    return chart


def _tornado(rows: pd.DataFrame, width: int) -> alt.LayerChart:
    metric, unit = str(rows["metric"].iloc[0]), str(rows["unit"].iloc[0])
    bars = []
    for side in ("low", "high"):
        part = rows.assign(side=side, value=rows[f"{side}_value"], mean=rows[f"{side}_mean"],
                           effect=rows[f"{side}_effect"], half_width=rows[f"{side}_half_width"])
        bars.append(part)
    tidy = pd.concat(bars, ignore_index=True)
    tidy["label"] = tidy["lever"] + " (" + tidy["low_value"].map("{:g}".format) + " to " + \
        tidy["high_value"].map("{:g}".format) + ")"
    order = list(rows.sort_values("swing", ascending=False)["lever"])
    tidy["rank"] = tidy["lever"].map(order.index)
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("rank", order="ascending"),
              axis=alt.Axis(labelLimit=360))  # dotted paths with their ranges are long; never cut them
    fmt = formatting.d3_format(formatting.scale_of(metric))
    bar = alt.Chart(tidy).mark_bar().encode(
        x=alt.X("base_mean:Q", title=f"{metric} ({unit})", scale=alt.Scale(zero=False), axis=alt.Axis(format=fmt)),
        x2="mean:Q", y=y,
        color=alt.Color("side:N", title="Lever at its", scale=SIDE_COLORS),
        tooltip=["lever:N", "side:N", alt.Tooltip("value:Q", title="lever value"),
                 alt.Tooltip("mean:Q", format=fmt, title=metric),
                 alt.Tooltip("effect:Q", format="+" + fmt.lstrip("$"), title="change from base"),
                 alt.Tooltip("half_width:Q", format=",.3~r", title="95% CI half-width")])
    base = alt.Chart(tidy).mark_rule(color="black").encode(x="base_mean:Q")
    base_mean = formatting.number(float(rows["base_mean"].iloc[0]), formatting.scale_of(metric))
    return alt.LayerChart(layer=[bar, base], title=f"{metric}: base {base_mean}", width=width)


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
