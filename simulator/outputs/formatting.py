"""Numbers as people read them: money as money, shares as percentages, never ``3.029e+06``.

One rule per kind of metric (its ``Scale`` in ``METRICS``), used by the report's tables, and the matching d3 format
strings for the charts' axes and tooltips, so a figure reads the same in a table and on a chart.
"""

from __future__ import annotations

import math

from simulator.outputs.metrics import METRICS, Scale

__all__ = ["change", "d3_format", "number", "scale_of"]

_SCALES: dict[str, Scale] = {m.name: m.scale for m in METRICS}
_D3: dict[Scale, str] = {"share": ".1%", "money": "$,.3~s", "balance": "$,.3~s", "count": ",.0f", "rate": ",.3~r",
                         "duration": ",.3~r", "score": ".1f", "ratio": ".3~r"}


def scale_of(metric: str) -> Scale | None:
    """The scale of a metric by name (``None`` for anything that is not a metric)."""
    return _SCALES.get(metric)


def number(value: object, scale: Scale | None = None) -> str:
    """A value for a table: ``$3.03M`` / ``$201,088``, ``33.2%``, ``1,234``, ``0.0486``; "-" when missing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "-" if value is None else str(value)
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if scale in ("money", "balance"):
        return _money(value)
    if scale == "share":
        return f"{_plain(100 * value)}%"
    return _plain(value)


def change(value: float, scale: Scale | None = None) -> str:
    """A signed difference: ``+$120,500``, ``-2.1 pp`` (a change of a share is in percentage points), ``+0.35``."""
    if math.isnan(value):
        return "-"
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    if scale == "share":
        return f"{sign}{_plain(100 * abs(value))} pp"
    return sign + number(abs(value), scale)


def d3_format(scale: Scale | None) -> str:
    """The d3 format string for a chart axis or tooltip of this scale (``,.3~r`` for plain numbers)."""
    return _D3.get(scale, ",.3~r") if scale is not None else ",.3~r"


def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 1e6:
        return f"{sign}${amount / 1e6:,.2f}M"
    return f"{sign}${amount:,.0f}"


def _plain(value: float) -> str:
    """Three significant digits, thousands separated, in fixed notation whatever the size."""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= 2:
        return f"{value:,.0f}"
    decimals = min(2 - magnitude, 12)
    return f"{value:,.{decimals}f}"
