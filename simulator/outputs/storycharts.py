"""The app's story charts: the story over time, one panel per series, and a clinician's week, one chart per week.

Each is a single chart as wide as its container, so the app can set them in columns that stack on a phone. The
policy is drawn against its reference in the same panel (the same replication of each: the same referrals and dice),
with markers where a timed policy takes effect. Nothing here runs a simulation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from simulator.outputs.charts import Width

__all__ = ["ACTIVITY_COLOURS", "ACTIVITY_LABELS", "STORY_PANELS", "Panel", "clinician_week", "story_panel",
           "story_table"]

ACTIVITY_COLOURS = {  # one colour per kind of time; orange, light or dark, is paperwork as the time split counts it
    "session": "#1f77b4", "intake": "#08519c", "supervision": "#2ca02c", "paperwork": "#ff7f0e",
    "slot_paperwork": "#ffbb78", "after_hours": "#d62728", "idle": "#d9d9d9", "slot_idle": "#d9d9d9",
    "leave": "#8c8c8c", "no_show": "#9ecae1", "blocked": "#9ecae1",
}
ACTIVITY_LABELS = {
    "session": "Session", "intake": "Intake session", "supervision": "Supervision", "paperwork": "Paperwork",
    "slot_paperwork": "Paperwork in a missed session's slot", "after_hours": "After-hours paperwork",
    "idle": "Free time", "slot_idle": "Free time", "leave": "Leave", "no_show": "Missed session",
    "blocked": "Missed session",
}
POLICY_COLOUR, REFERENCE_COLOUR, MARK_COLOUR = "#3b7dd8", "#9aa0a6", "#9c27b0"


@dataclass(frozen=True)
class Panel:
    column: str
    title: str
    axis: str
    fmt: str


STORY_PANELS = (  # in the order the cascade unfolds
    Panel("headcount", "Clinicians in post (▼ a departure)", "clinicians", "d"),
    Panel("cumulative_departures", "Departures so far", "clinicians", "d"),
    Panel("vacancies", "Open vacancies", "positions", "d"),
    Panel("caseload_mean", "Caseload of a clinician at work", "clients", ".0f"),
    Panel("after_hours_hours", "After-hours work", "h per clinician-week", ".1f"),
    Panel("ee_high_share", "Share with high exhaustion (EE ≥ 27)", "share of clinicians", ".0%"),
    Panel("waitlist", "Clients waiting for a clinician", "clients", ",d"),
    Panel("ee_mean", "Mean emotional exhaustion", "MBI-EE points (0-54)", ".0f"),
)


def story_table(runs: Sequence[tuple[str, str, pd.DataFrame]], replay: int | None, *, means: bool,
                panels: Sequence[Panel] = STORY_PANELS) -> pd.DataFrame:
    """The weekly series of replication ``replay`` of each run (name, role "policy" or "reference", weekly table),
    and with ``means`` the mean over all replications too, as one tidy table: week, series, role, kind, and one
    column per panel (departures counted up from week 0). ``replay=None`` gives the means alone."""
    frames = []
    for name, role, weekly in runs:
        weekly = weekly.sort_values(["replication", "week"]).assign(
            cumulative_departures=lambda w: w.groupby("replication")["departures"].cumsum())
        columns = list(dict.fromkeys(["week", "departures", "headcount", *(p.column for p in panels)]))
        if replay is not None:
            one = weekly[weekly["replication"] == replay][columns]
            frames.append(one.assign(series=f"{name}, replication {replay}", role=role, kind="replication"))
        if means or replay is None:
            mean = weekly.groupby("week", as_index=False)[columns[1:]].mean()
            frames.append(mean.assign(series=f"{name}, mean of {weekly['replication'].nunique()}", role=role,
                                      kind="mean"))
    return pd.concat(frames, ignore_index=True)


def _domain(panel: Panel, values: pd.Series) -> alt.Scale:
    if panel.column == "headcount":  # clinicians in post never fall near 0: start the axis near the lowest value
        low, high = float(values.min()), float(values.max())
        return alt.Scale(domain=[max(0, math.floor(low - 0.15 * high)), math.ceil(high + 1)], nice=False)
    if panel.column == "ee_high_share":
        return alt.Scale(domain=[0, max(0.1, float(values.max()))])
    return alt.Scale(zero=True)


def story_panel(table: pd.DataFrame, panel: Panel, *, horizon: int, warmup: int = 0,
                marks: Sequence[tuple[int, str]] = (), width: Width = "container", height: int = 280) -> alt.LayerChart:
    """One series of ``story_table``: the policy in blue, its reference in grey, one replication solid and the mean
    dashed; the warm-up shaded, a timed policy's week marked, departures as ▼ on the headcount. ``height`` is the
    whole chart's, title included: Streamlit fits a chart as wide as its container into its stated height."""
    x = alt.X("week:Q", title="week", scale=alt.Scale(domain=[0, horizon - 1], nice=False))  # not past the run
    order = list(dict.fromkeys(table["series"]))
    roles = dict(zip(table["series"], table["role"], strict=False))
    colours = [POLICY_COLOUR if roles[s] == "policy" else REFERENCE_COLOUR for s in order]
    kinds = dict(zip(table["series"], table["kind"], strict=False))
    dashes = [[1, 0] if kinds[s] == "replication" else [5, 3] for s in order]
    line = alt.Chart(table).mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y(f"{panel.column}:Q", title=panel.axis, axis=alt.Axis(format=panel.fmt),
                     scale=_domain(panel, table[panel.column])),
        color=alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colours),
                        legend=None),  # the subtitle and the line above the panels say which line is which
        strokeDash=alt.StrokeDash("series:N", sort=order, scale=alt.Scale(domain=order, range=dashes), legend=None),
        tooltip=["series:N", "week:Q", alt.Tooltip(f"{panel.column}:Q", format=panel.fmt.replace("d", ".0f"),
                                                   title=panel.axis)])
    layers: list[alt.Chart] = [line]
    if warmup > 0:
        band = alt.Chart(pd.DataFrame({"start": [0], "end": [warmup], "label": ["warm-up, left out of figures"]}))
        layers.insert(0, band.mark_rect(opacity=0.12, color="#9aa0a6").encode(x="start:Q", x2="end:Q",
                                                                               tooltip="label:N"))
    if marks:
        layers += _marks(marks)
    if panel.column == "headcount":
        left = table[(table["departures"] >= 1) & (table["role"] == "policy") & (table["kind"] == "replication")]
        layers.append(alt.Chart(left).mark_point(shape="triangle-down", filled=True, color="#d62728", size=45).encode(
            x="week:Q", y="headcount:Q",
            tooltip=[alt.Tooltip("week:Q"), alt.Tooltip("departures:Q", title="departures that week")]))
    return alt.LayerChart(layer=layers, width=width, height=height)


def _marks(marks: Sequence[tuple[int, str]]) -> list[alt.Chart]:
    data = pd.DataFrame({"week": [w for w, _ in marks], "label": [text for _, text in marks]})
    rule = alt.Chart(data).mark_rule(color=MARK_COLOUR, strokeDash=[4, 3], strokeWidth=2).encode(
        x="week:Q", tooltip=alt.Tooltip("label:N", title="timed policy"))
    text = alt.Chart(data).mark_text(align="left", baseline="top", dx=3, dy=2, color=MARK_COLOUR,
                                     fontSize=11).encode(x="week:Q", y=alt.value(0), text="label:N")
    return [rule, text]


def clinician_week(trace: pd.DataFrame, clinician: int, week: int, *, width: Width = "container",
                   height: int = 340) -> alt.Chart:
    """One clinician's traced week as a Gantt chart: what each hour of each weekday went to. ``trace`` is drawn as
    the accounting counts it (``simulator.outputs.story.as_drawn``)."""
    mine = trace[(trace["clinician"] == clinician) & (trace["week"] == week) & (trace["minutes"] > 0)].copy()
    mine["what"] = mine["activity"].map(ACTIVITY_LABELS).fillna(mine["activity"])
    labels = list(dict.fromkeys(ACTIVITY_LABELS[a] for a in ACTIVITY_COLOURS))
    colours = [ACTIVITY_COLOURS[next(a for a in ACTIVITY_COLOURS if ACTIVITY_LABELS[a] == label)] for label in labels]
    shown = [label for label in labels if label in set(mine["what"])]
    chart: alt.Chart = alt.Chart(mine, width=width, height=height).mark_bar().encode(  # title and legend included
        x=alt.X("start_h:Q", title="hour of the day", scale=alt.Scale(domain=[7, 23], nice=False)),
        x2="end_h:Q",
        y=alt.Y("weekday:N", title=None, sort=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                axis=alt.Axis(labelOverlap=False)),
        color=alt.Color("what:N", title=None, legend=alt.Legend(orient="bottom", columns=2, values=shown,
                                                                labelLimit=320),
                        scale=alt.Scale(domain=labels, range=colours)),
        tooltip=[alt.Tooltip("what:N", title="activity"), alt.Tooltip("detail:N", title="task"),
                 alt.Tooltip("weekday:N", title="day"), alt.Tooltip("start_h:Q", format=".2f", title="from (h)"),
                 alt.Tooltip("end_h:Q", format=".2f", title="to (h)"),
                 alt.Tooltip("minutes:Q", format=".0f", title="minutes")])
    return chart
