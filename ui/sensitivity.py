"""The sensitivity view: a small one-way sweep of the current scenario and its tornado chart.

Each chosen lever is moved, alone, to the low and to the high end of its evidence range
(``simulator.inputs.levers.EVIDENCE_RANGES``); every point runs the same replications with the same seed, so the bars
are paired differences from the scenario as it stands in the sidebar. The sweep itself is built and summarised by
``simulator.experiments.sweep`` and ``simulator.experiments.sensitivity``; this module only asks and shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from simulator.experiments.sensitivity import TORNADO_METRICS, tornado_table
from simulator.experiments.sweep import Sweep, factor
from simulator.inputs.levers import EVIDENCE_RANGES, LEVERS, TORNADO_LEVERS
from simulator.inputs.limits import APP_LIMITS, sweep_violations
from simulator.inputs.scenario import Scenario
from simulator.outputs import charts
from simulator.outputs.metrics import METRICS
from ui.look import draw

__all__ = ["AppSweep", "sweep_form", "sweep_result"]

_LABELS = {lever.path: lever.label for lever in LEVERS}
_METRIC_LABELS = {m.name: m.label for m in METRICS}
DEFAULT_LEVERS = ("paperwork.note_minutes.mean", "paperwork.offload_share", "workload.productivity_target",
                  "climate.supervisor_support")


def lever_name(path: str) -> str:
    return _LABELS.get(path, path)


@dataclass(frozen=True)
class AppSweep:
    """A finished one-way sweep, kept in the session."""

    label: str  # the scenario it varied
    sweep: Sweep
    results: pd.DataFrame  # tidy: one row per point x replication

    def tornado(self) -> pd.DataFrame:
        return tornado_table(self.results, TORNADO_METRICS)


def sweep_form(label: str, scenario: Scenario | None, seed: int) -> Sweep | None:
    """Levers and replications for a one-way sweep of ``scenario``; the sweep when the user presses the button."""
    st.markdown("**Which levers matter most?** Each lever you choose is moved on its own to the low and the high "
                "end of its evidence range, everything else as in the sidebar, and the change in departures, "
                "the share with EE ≥ 27 and the wait is drawn as a tornado: the longest bars are the levers that "
                "matter most for this agency.")
    if scenario is None:
        st.info("Choose or fix a scenario in the sidebar first.")
        return None
    options = [*TORNADO_LEVERS, *(path for path in EVIDENCE_RANGES if path not in TORNADO_LEVERS)]
    left, right = st.columns([3, 1])
    chosen = left.multiselect("Levers to vary", options, default=list(DEFAULT_LEVERS), key="sweep_levers",
                              format_func=lambda p: f"{lever_name(p)} ({EVIDENCE_RANGES[p].low:g} to "
                                                    f"{EVIDENCE_RANGES[p].high:g})",
                              help="Ranges are the evidence ranges in docs and calibration.md; levers without a "
                                   "published range are not offered.")
    replications = right.slider("Replications per point", 1, 10, 3, key="sweep_replications",
                                help="The same replications (same seed) at every point, so the bars are paired "
                                     "differences. More replications narrow the error bars.")
    if not chosen:
        st.caption("Choose at least one lever.")
        return None
    try:
        factors = tuple(factor(scenario, path) for path in chosen)
        sweep = Sweep(f"one-way sweep of {label}", scenario, "oat", factors, replications, seed)
    except ValueError as error:  # a value outside what the scenario accepts (e.g. caps already changed)
        st.error(f"This sweep cannot be built: {error}")
        return None
    points, runs = len(sweep.design), len(sweep.design) * replications
    too_big = bool(sweep_violations(points, replications, APP_LIMITS))
    st.caption(f"{points} points × {replications} replications = {runs} runs of {scenario.horizon_weeks} weeks "
               f"(this server allows {APP_LIMITS.sweep_points} points and {APP_LIMITS.sweep_runs} runs).")
    if too_big:
        st.warning("This sweep is larger than this server allows: choose fewer levers or replications.")
    clicked = st.button("Run sweep", key="sweep_run", disabled=too_big)
    return sweep if clicked and not too_big else None


def sweep_result(finished: AppSweep | None) -> None:
    if finished is None:
        return
    table = finished.tornado()
    st.subheader(f"Sensitivity of {finished.label}")
    st.markdown("Each bar runs from the scenario's mean (the grey line) to the mean with one lever at the low or the "
                "high end of its range (the words at the bar's end say which), longest bars on top. Blue is better, "
                "orange worse, grey **within noise**: the whisker at the end of each bar is its 95% interval, and a "
                "bar whose interval reaches the scenario's mean cannot be told from chance with these replications. "
                "A lever whose both bars are within noise says so after its name.")
    subtitle = f"{finished.label} · {finished.sweep.replications} replications per point · seed {finished.sweep.seed}"
    for metric in table["metric"].unique():
        rows = table[table["metric"] == metric]
        label = _METRIC_LABELS.get(str(metric), str(metric))
        panel = charts.tornado_panel(rows, "container", names=_LABELS, label=label)
        height = 60 + 42 * len(rows)  # Streamlit fits the chart, title and axis included, into its height
        draw(charts.titled(panel.properties(height=height), f"Which levers move {label.lower()}", subtitle,
                           description=f"Tornado chart of {label}: each lever's effect at the low and high end of "
                                       f"its range, with 95% intervals. {subtitle}"))
    shown = table.assign(lever=table["lever"].map(lever_name), metric=table["metric"].map(_METRIC_LABELS))
    with st.expander("The numbers"):
        st.dataframe(shown, hide_index=True)
    left, right = st.columns(2)
    left.download_button("Tornado table (CSV)", table.assign(seed=finished.sweep.seed).to_csv(index=False),
                         "tornado.csv", "text/csv", key="sweep_tornado_csv")
    right.download_button("Every point × replication (CSV)",
                          finished.results.assign(seed=finished.sweep.seed).to_csv(index=False),
                          "sweep_results.csv", "text/csv", key="sweep_results_csv")
