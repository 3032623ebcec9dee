"""The story over time in words, written from the weekly series: what rose, what fell, and by how much.

A fixed caption ("exhaustion rises, more leave") is wrong whenever a policy works. This compares an early stretch of
the measured weeks with the last stretch (or, when a timed policy changes things part-way, the stretch before it
with the last one) and says which way each series went, then sets the scenario beside its reference over the same
replication. Pure functions of ``ExperimentResult.weekly`` tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["Periods", "audit_note", "periods", "story_caption"]

# (column, how it is summed over a stretch, words, format, plural): departures are counted per year, the rest averaged.
_SERIES = (
    ("ee_high_share", "mean", "the share of clinicians with high exhaustion (EE ≥ 27)", "{:.0%}", False),
    ("departures", "per_year", "departures", "{:.0f} a year", True),
    ("vacancies", "mean", "open vacancies", "{:.1f}", True),
    ("caseload_mean", "mean", "the caseload of a clinician at work", "{:.1f} clients", False),
    ("waitlist", "mean", "the waitlist", "{:,.0f} clients", False),
)
_SAME = 0.05  # a change under 5% of the earlier value reads as "about the same"


@dataclass(frozen=True)
class Periods:
    """Two stretches of weeks, [start, end) each, and how to name them."""

    early: tuple[int, int]
    late: tuple[int, int]
    early_words: str
    late_words: str


def periods(horizon: int, warmup: int, policy_weeks: Sequence[int] = ()) -> Periods:
    """The stretches a caption compares: before the first timed policy and the last year; or, without one, the
    first and the last year of the measured window (halves of it when it is shorter than two years)."""
    length = min(52, max(1, (horizon - warmup) // 2))
    late = (horizon - length, horizon)
    inside = [w for w in policy_weeks if warmup < w < late[0]]
    if inside:
        first = min(inside)
        early = (max(warmup, first - 52), first)
        return Periods(early, late, f"before week {first} (weeks {early[0]}-{early[1] - 1})",
                       f"the last {length} weeks")
    early = (warmup, warmup + length)
    return Periods(early, late, f"the first {length} measured weeks", f"the last {length} weeks")


def _value(weekly: pd.DataFrame, column: str, how: str, span: tuple[int, int]) -> float:
    rows = weekly[(weekly["week"] >= span[0]) & (weekly["week"] < span[1])][column]
    if how == "sum":
        return float(rows.sum())
    if how == "per_year":
        return float(rows.sum()) * 52 / max(1, span[1] - span[0])
    return float(rows.mean())


def _movement(words: str, fmt: str, plural: bool, before: float, after: float) -> str:
    if before != before or after != after:  # NaN: a stretch without records
        return f"{words}: not measured"
    if abs(after - before) <= _SAME * abs(before) or fmt.format(before) == fmt.format(after):
        return f"{words} {'stay' if plural else 'stays'} about the same ({fmt.format(before)} and {fmt.format(after)})"
    verb = ("rise" if plural else "rises") if after > before else ("fall" if plural else "falls")
    return f"{words} {verb} from {fmt.format(before)} to {fmt.format(after)}"


def story_caption(policy: pd.DataFrame, reference: pd.DataFrame | None, *, replay: int, names: tuple[str, str],
                  horizon: int, warmup: int, policy_weeks: Sequence[int] = ()) -> str:
    """What replication ``replay`` of ``policy`` shows, in words, and how it compares with ``reference`` in the same
    replication (same referrals and dice). ``names`` are the scenario's and the reference's."""
    mine = policy[policy["replication"] == replay]
    span = periods(horizon, warmup, policy_weeks)
    moves = [_movement(words, fmt, plural, _value(mine, column, how, span.early),
                       _value(mine, column, how, span.late)) for column, how, words, fmt, plural in _SERIES]
    text = (f"Replication {replay} of {names[0]}, from {span.early_words} to {span.late_words}: "
            + "; ".join(moves) + ".")
    if reference is not None:
        theirs = reference[reference["replication"] == replay]
        measured = (warmup, horizon)
        left = [int(_value(w, "departures", "sum", measured)) for w in (mine, theirs)]
        share = [_value(w, "ee_high_share", "mean", measured) for w in (mine, theirs)]
        text += (f" Over the measured weeks, {left[0]} clinicians left against {left[1]} under {names[1]} in the "
                 f"same replication, and on average {share[0]:.0%} had high exhaustion against {share[1]:.0%}.")
    return text


def audit_note(interval_weeks: float | None) -> str:
    """Why exhaustion jumps at regular intervals: each chart audit finds late records, and every finding is a
    remediation task and a spell of strain for the clinician. Without this a trainer is asked "what are the spikes?"
    and has no answer on the screen. Empty when the scenario has no audits."""
    if interval_weeks is None:
        return ""
    return (f"The regular jumps in exhaustion, every {interval_weeks:g} weeks, are the chart audits: each audit "
            "reviews a sample of every clinician's records, and each late one it finds is remediation work and "
            "strain.")
