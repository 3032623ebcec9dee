"""Plain words for a paired comparison: each metric's status, and an overall verdict with its caveats.

A table of paired changes (``simulator.experiments.experiment.compare``) answers "what moved"; an administrator
also needs "is this policy good", and must not read a policy that buys money or access with clinicians'
exhaustion as a win. So the verdict groups the headline metrics by whom they concern (money, clients' access,
clinicians) and names a trade-off as a trade-off. Pure functions of the comparison table: the app shows them, a
report could too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from simulator.experiments.bounds import SCALE_RANGES
from simulator.outputs import formatting
from simulator.outputs.metrics import METRICS

__all__ = ["GROUPS", "MIN_REPLICATIONS", "STATUS_TEXT", "Status", "Verdict", "change_interval", "overall",
           "records", "status"]

#: Below this many paired replications no verdict is given. A t interval needs n - 1 degrees of freedom: with 2
#: replications its half-width is 12.7 standard errors, with 5 it is 2.8, so a "stands out" before 5 is mostly luck.
MIN_REPLICATIONS = 5

Status = Literal["better", "worse", "changed", "noise", "early"]

STATUS_TEXT: dict[Status, str] = {
    "better": "better; stands out from noise", "worse": "worse; stands out from noise",
    "changed": "stands out from noise", "noise": "within noise", "early": "too early to tell",
}

_BETTER = {m.name: m.better for m in METRICS}

#: Whom each headline metric concerns, in the order a verdict names them.
GROUPS: dict[str, tuple[str, ...]] = {
    "money": ("net_margin",),
    "access": ("sessions_per_week", "wait_days_first_session_mean", "clients_lost"),
    "clinicians": ("ee_high_share", "departures_per_year", "after_hours_hours_per_clinician_week"),
}
_NAMES = {
    "net_margin": "the net margin", "sessions_per_week": "sessions delivered",
    "wait_days_first_session_mean": "the wait for a first session", "clients_lost": "clients lost",
    "ee_high_share": "the share of clinicians with high exhaustion (EE ≥ 27)", "departures_per_year": "departures",
    "after_hours_hours_per_clinician_week": "after-hours work",
}
_PLURAL = {"sessions_per_week", "clients_lost", "departures_per_year"}
_UNITS = {"wait_days_first_session_mean": " days", "sessions_per_week": " a week", "departures_per_year": " a year",
          "after_hours_hours_per_clinician_week": " h per clinician-week", "net_margin": " a year"}


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A comparison table's rows as dictionaries keyed by column name (what the functions below read)."""
    return [{str(key): value for key, value in row.items()} for row in table.to_dict("records")]


def status(row: Mapping[str, Any], minimum: int = MIN_REPLICATIONS) -> Status:
    """One row of a comparison table in words: better or worse (when it stands out from noise and the metric has a
    better direction), changed (it stands out, neither direction is better), within noise, or too early to tell."""
    if int(row["replications"]) < minimum or math.isnan(float(row["ci_low"])):
        return "early"
    if not bool(row["significant"]):
        return "noise"
    better = str(row.get("better") or _BETTER.get(str(row["metric"]), ""))
    if not better:
        return "changed"
    return "better" if (float(row["diff_mean"]) < 0) == (better == "lower") else "worse"


def change_interval(row: Mapping[str, Any]) -> tuple[float, float]:
    """The interval of a paired change, narrowed so that the reference's mean plus the change stays possible.

    ``bounds.bounded_difference`` keeps a change of shares within ±1; a change can say more: the policy's mean is
    the reference's plus the change, and it cannot leave the metric's range, so departures cannot fall by more than
    the reference had, nor a share rise past 100%.
    """
    scale = formatting.scale_of(str(row["metric"]))
    low, high = float(row["ci_low"]), float(row["ci_high"])
    if scale is None or math.isnan(low):
        return low, high
    floor, ceiling = SCALE_RANGES[scale]
    base = float(row["base_mean"])
    return max(low, floor - base), min(high, ceiling - base)


@dataclass(frozen=True)
class Verdict:
    """``tone``: good (better, nothing worse), trade-off (better on one count, worse on another), bad (only worse),
    none (nothing stands out) or early (too few replications)."""

    tone: Literal["good", "trade-off", "bad", "none", "early"]
    headline: str
    caveats: tuple[str, ...]


def overall(comparison: Sequence[Mapping[str, Any]], minimum: int = MIN_REPLICATIONS) -> Verdict:
    """The verdict on a comparison's headline metrics (rows of ``compare``'s table, as records)."""
    rows = {str(r["metric"]): r for r in comparison if str(r["metric"]) in _NAMES}
    pairs = min((int(r["replications"]) for r in rows.values()), default=0)
    if pairs < minimum:
        return Verdict("early", f"Too early to tell: {pairs} paired replication{'s' * (pairs != 1)}. A verdict "
                                f"needs at least {minimum}; add replications and press Run again.", ())
    found = {metric: status(row, minimum) for metric, row in rows.items()}
    better = [m for m, s in found.items() if s == "better"]
    worse = [m for m, s in found.items() if s == "worse"]
    noise = [m for m, s in found.items() if s == "noise"]
    caveats = _caveats(better, worse, noise, pairs)
    if worse and better:
        return Verdict("trade-off", f"A trade-off, not a win: {_moves(better, rows)}; {_costs(worse, rows)}.", caveats)
    if worse:
        return Verdict("bad", f"Worse: {_moves(worse, rows)}.", caveats)
    if better:
        return Verdict("good", f"Better, and nothing stands out as worse: {_moves(better, rows)}.", caveats)
    return Verdict("none", f"No headline figure stands out from noise in {pairs} paired replications: this policy "
                           "cannot be told apart from the reference.", caveats)


def _caveats(better: list[str], worse: list[str], noise: list[str], pairs: int) -> tuple[str, ...]:
    notes = []
    if "net_margin" in better and any(m in GROUPS["clinicians"] for m in worse):
        notes.append("The margin counts a leaver's replacement cost and the sessions never billed, not the cost of "
                     "exhaustion itself (sick leave, mistakes, the care of clients whose clinician is worn out).")
    if noise:
        notes.append(f"Within noise, so not shown to change: {_join([_NAMES[m] for m in noise])}.")
    if pairs < 10:
        notes.append(f"From {pairs} paired replications; 30 give a firmer answer.")
    return tuple(notes)


def _costs(worse: list[str], rows: Mapping[str, Mapping[str, Any]]) -> str:
    """What a trade-off costs; clinicians named first, since their exhaustion is what a margin hides."""
    theirs = [m for m in worse if m in GROUPS["clinicians"]]
    others = [m for m in worse if m not in theirs]
    parts = ([f"at the cost of clinicians: {_moves(theirs, rows)}"] if theirs else []) + \
        ([f"{'and ' if theirs else 'but '}{_moves(others, rows)}"] if others else [])
    return "; ".join(parts)


def _moves(metrics: list[str], rows: Mapping[str, Mapping[str, Any]]) -> str:
    phrases = []
    for metric in metrics:
        row, scale = rows[metric], formatting.scale_of(metric)
        up = float(row["diff_mean"]) > 0
        verb = ("rise" if up else "fall") if metric in _PLURAL else ("rises" if up else "falls")
        phrases.append(f"{_NAMES[metric]} {verb} from {formatting.number(float(row['base_mean']), scale)} to "
                       f"{formatting.number(float(row['other_mean']), scale)}{_UNITS.get(metric, '')}")
    return "; ".join(phrases)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
