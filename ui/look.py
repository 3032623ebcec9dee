"""Drawing a chart on the page: as wide as its column, its subtitle readable in light and dark mode, and larger type
for a projector.

Streamlit's chart theme colours titles and axes for the page's theme but leaves a subtitle black, which vanishes on
a dark page; the subtitle's colour is set here from the theme the browser reports (light until it has reported).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.outputs.charts import Drawn

__all__ = ["SUBTITLE_COLOURS", "draw", "is_dark"]

# 7:1 and better against Streamlit's light (#ffffff) and dark (#0e1117) backgrounds
SUBTITLE_COLOURS = {"light": "#374151", "dark": "#d1d5db"}


def is_dark() -> bool:
    try:
        return st.context.theme.type == "dark"
    except AttributeError:  # no browser (a test run): the light theme
        return False


def draw(chart: Drawn, where: Any = st, *, big: bool = False) -> None:
    """``chart`` in ``where`` (the page, a column), as wide as it; ``big`` for a projector."""
    colour = SUBTITLE_COLOURS["dark" if is_dark() else "light"]
    if big:
        shown = chart.configure_title(subtitleColor=colour, fontSize=22, subtitleFontSize=15).configure_axis(
            labelFontSize=15, titleFontSize=15).configure_legend(labelFontSize=14)
    else:
        shown = chart.configure_title(subtitleColor=colour)
    where.altair_chart(shown, width="stretch")
