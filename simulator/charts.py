"""Every Altair chart the project draws, shared by the Streamlit app and the CLI's HTML reports.

Charts take the tidy tables that ``simulator.experiment`` and ``simulator.metrics`` produce and return Altair
chart objects; nothing here runs a simulation. This is the only module that imports Altair, so the model core
and the CLI's table output work without it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["time_split"]


# --- The story over time, the clinician's week, the time split, comparisons (the app) ---

TIME_SPLIT_COLUMNS = {"session_hours": "Sessions", "paperwork_hours": "Paperwork (in hours)",
                      "after_hours_hours": "After hours"}


def time_split(weekly_by_scenario: pd.DataFrame) -> alt.Chart:
    """Hours per clinician-week spent in sessions, at the desk and after hours, one bar per scenario.

    ``weekly_by_scenario`` is the weekly table with a ``scenario`` column; warm-up weeks are left out.
    """
    measured = weekly_by_scenario[~weekly_by_scenario["warmup"]]
    means = measured.groupby("scenario", sort=False)[list(TIME_SPLIT_COLUMNS)].mean().reset_index()
    tidy = means.melt(id_vars="scenario", var_name="activity", value_name="hours")
    tidy["activity"] = tidy["activity"].map(TIME_SPLIT_COLUMNS)
    chart: alt.Chart = alt.Chart(tidy).mark_bar().encode(
        x=alt.X("hours:Q", title="Hours per clinician-week", stack="zero"),
        y=alt.Y("scenario:N", title=None, sort=None),
        color=alt.Color("activity:N", title="Activity", sort=list(TIME_SPLIT_COLUMNS.values())),
        tooltip=["scenario:N", "activity:N", alt.Tooltip("hours:Q", format=".1f", title="hours/clinician-week")],
    )
    return chart


# --- Sweeps, sensitivity, replication advice (experiments at scale) ---

__all__ += ["morris_chart", "sobol_chart", "sweep_scatter", "tornado_chart", "welch_chart"]

SIDE_COLORS = alt.Scale(domain=["low", "high"], range=["#4c78a8", "#e45756"])


def tornado_chart(table: pd.DataFrame) -> alt.VConcatChart:
    """One tornado per metric: for each lever a bar from the base mean to the mean at its low and at its high
    value (``simulator.sensitivity.tornado_table``), longest swing on top."""
    charts = [_tornado(table[table["metric"] == metric]) for metric in table["metric"].unique()]
    chart: alt.VConcatChart = alt.vconcat(*charts).resolve_scale(color="shared")
    return chart


def _tornado(rows: pd.DataFrame) -> alt.LayerChart:
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
    bar = alt.Chart(tidy).mark_bar().encode(
        x=alt.X("base_mean:Q", title=f"{metric} ({unit})", scale=alt.Scale(zero=False)), x2="mean:Q", y=y,
        color=alt.Color("side:N", title="Lever at its", scale=SIDE_COLORS),
        tooltip=["lever:N", "side:N", alt.Tooltip("value:Q", title="lever value"),
                 alt.Tooltip("mean:Q", format=".4g", title=metric),
                 alt.Tooltip("effect:Q", format="+.4g", title="change from base"),
                 alt.Tooltip("half_width:Q", format=".3g", title="95% CI half-width")])
    base = alt.Chart(tidy).mark_rule(color="black").encode(x="base_mean:Q")
    return alt.LayerChart(layer=[bar, base], title=f"{metric}: base {rows['base_mean'].iloc[0]:.4g}", width=420)


def morris_chart(indices: pd.DataFrame) -> alt.FacetChart:
    """Morris screening: mean absolute elementary effect (importance) against its spread (interaction or
    non-linearity), one panel per metric (``simulator.sensitivity.morris_indices``)."""
    chart: alt.FacetChart = alt.Chart(indices).mark_circle(size=90).encode(
        x=alt.X("mu_star:Q", title="mu* (mean |effect| over the whole range)"),
        y=alt.Y("sigma:Q", title="sigma (spread of effects)"),
        color=alt.Color("parameter:N", title="Parameter"),
        tooltip=["parameter:N", alt.Tooltip("mu_star:Q", format=".4g"), alt.Tooltip("mu:Q", format=".4g"),
                 alt.Tooltip("sigma:Q", format=".4g"), alt.Tooltip("mu_star_conf:Q", format=".3g")],
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
    """A metric's point means against each swept parameter (grid and Latin hypercube sweeps)."""
    charts = [alt.Chart(means).mark_circle().encode(
        x=alt.X(f"{_field(p)}:Q", title=p, scale=alt.Scale(zero=False)),
        y=alt.Y(f"{metric}:Q", title=metric, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip(f"{_field(c)}:Q", title=c) for c in [*parameters, metric]],
    ).properties(width=220, height=180) for p in parameters]
    return alt.hconcat(*charts)


def welch_chart(smoothed: pd.DataFrame, suggested: int | None) -> alt.FacetChart:
    """Welch's plot: the moving average over weeks of each series averaged across replications, with the
    suggested warm-up marked (``simulator.advice.welch``)."""
    data = smoothed.assign(suggested=suggested)
    lines = alt.Chart().mark_line().encode(
        x=alt.X("week:Q", title="Week"), y=alt.Y("smoothed:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["series:N", "week:Q", alt.Tooltip("smoothed:Q", format=".3g")])
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
