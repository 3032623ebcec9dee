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
