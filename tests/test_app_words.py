"""What the app says in words: verdicts on a comparison, the intervals it prints, and the story's caption, each
written from the figures (a policy that helps is never told as one that harms, nor the reverse)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from simulator.experiments.bounds import SCALE_RANGES
from simulator.experiments.experiment import compare, run_experiment
from simulator.inputs.loader import load_scenario
from simulator.outputs import formatting, verdict
from simulator.outputs.narrative import audit_note, periods, story_caption
from simulator.outputs.story import policy_marks

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _row(metric: str, base: float, other: float, low: float, high: float, reps: int = 10) -> dict[str, Any]:
    better = {"net_margin": "higher", "sessions_per_week": "higher", "caseload_mean": ""}.get(metric, "lower")
    diff = other - base
    return {"metric": metric, "better": better, "base_mean": base, "other_mean": other, "diff_mean": diff,
            "ci_low": low, "ci_high": high, "significant": low > 0 or high < 0, "replications": reps}


def test_each_change_is_better_worse_noise_or_too_early() -> None:
    assert verdict.status(_row("ee_high_share", 0.35, 0.30, -0.07, -0.03)) == "better"
    assert verdict.status(_row("net_margin", 3e6, 2.9e6, -2e5, -1e4)) == "worse"
    assert verdict.status(_row("departures_per_year", 12, 11, -3, 1)) == "noise"
    assert verdict.status(_row("caseload_mean", 36, 40, 3, 5)) == "changed"
    assert verdict.status(_row("ee_high_share", 0.35, 0.30, -0.07, -0.03, reps=4)) == "early"
    assert verdict.status(_row("ee_high_share", 0.35, 0.30, math.nan, math.nan, reps=1)) == "early"


def test_a_harsh_policy_that_raises_the_margin_reads_as_a_trade_off_not_a_win() -> None:
    # productivity 0.80 with 25-minute notes: more money and sessions, paid for with exhaustion
    rows = [_row("net_margin", 3.0e6, 3.6e6, 4e5, 8e5), _row("sessions_per_week", 1400, 1520, 90, 150),
            _row("ee_high_share", 0.35, 0.59, 0.20, 0.28), _row("departures_per_year", 13, 17, 2, 6),
            _row("wait_days_first_session_mean", 10, 9.8, -1, 0.6), _row("clients_lost", 300, 290, -30, 10),
            _row("after_hours_hours_per_clinician_week", 4.6, 6.0, 1.1, 1.7)]
    found = verdict.overall(rows)
    assert found.tone == "trade-off"
    assert found.headline.startswith("A trade-off, not a win")
    assert "at the cost of clinicians" in found.headline
    assert "35.0% to 59.0%" in found.headline
    assert any("replacement cost" in note for note in found.caveats)
    assert any("Within noise" in note and "the wait" in note for note in found.caveats)


def test_a_policy_that_only_helps_is_called_better_and_one_that_only_harms_worse() -> None:
    good = verdict.overall([_row("ee_high_share", 0.35, 0.28, -0.09, -0.05), _row("net_margin", 3e6, 3e6, -1e5, 1e5)])
    assert good.tone == "good"
    bad = verdict.overall([_row("ee_high_share", 0.35, 0.40, 0.02, 0.08), _row("net_margin", 3e6, 3e6, -1e5, 1e5)])
    assert (bad.tone, bad.headline.startswith("Worse")) == ("bad", True)
    none = verdict.overall([_row("ee_high_share", 0.35, 0.36, -0.02, 0.04)])
    assert none.tone == "none"
    early = verdict.overall([_row("ee_high_share", 0.35, 0.30, -0.07, -0.03, reps=2)])
    assert early.tone == "early"
    assert "Too early to tell" in early.headline
    assert f"at least {verdict.MIN_REPLICATIONS}" in early.headline


def test_a_change_interval_never_implies_an_impossible_figure() -> None:
    # 2 replications: departures 1.5 against 0.5; the t interval of the change reaches -12
    low, high = verdict.change_interval(_row("departures_per_year", 0.5, 1.5, -12.0, 14.0, reps=2))
    assert (low, high) == (-0.5, 14.0)  # the policy cannot have fewer than no departures
    low, high = verdict.change_interval(_row("ee_high_share", 0.9, 0.95, -0.3, 0.4, reps=2))
    assert high == pytest.approx(0.1)  # nor more than 100% exhausted


def test_paired_intervals_from_two_replications_stay_possible() -> None:
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["horizon_weeks=30", "warmup_weeks=5"])
    base = run_experiment(scenario, replications=2, seed=3)
    other = run_experiment(scenario.with_changes({"paperwork.note_minutes.mean": 25}), replications=2, seed=3)
    for row in verdict.records(compare(base, other)):
        if math.isnan(row["base_mean"]):
            continue  # not measured in 25 weeks (the exit ratio needs a year of follow-up)
        low, high = verdict.change_interval(row)
        # each metric's possible range by its declared scale, not its name (continuity_disruption_share is a rate)
        scale = formatting.scale_of(row["metric"])
        floor, ceiling = SCALE_RANGES[scale] if scale is not None else (-math.inf, math.inf)
        assert row["base_mean"] + low >= floor - 1e-9, row["metric"]
        assert row["base_mean"] + high <= ceiling + 1e-9, row["metric"]
        assert verdict.status(row) == "early"
    for row in verdict.records(other.intervals()):
        if row["metric"] != "net_margin" and not math.isnan(row["mean"]):
            assert row["ci_low"] >= 0, row["metric"]


# --- the story in words ---

def _weekly(values: dict[str, list[float]], replication: int = 0) -> pd.DataFrame:
    weeks = len(next(iter(values.values())))
    frame = pd.DataFrame({"replication": replication, "week": range(weeks), **values})
    for column in ("ee_high_share", "departures", "vacancies", "caseload_mean", "waitlist"):
        if column not in frame:
            frame[column] = 1.0
    return frame


def test_the_caption_says_exhaustion_falls_when_it_falls() -> None:
    weeks = 40
    falling = _weekly({"ee_high_share": [0.5 - 0.01 * w for w in range(weeks)],
                       "departures": [1.0 if w < 20 else 0.0 for w in range(weeks)]})
    text = story_caption(falling, None, replay=0, names=("policy", "reference"), horizon=weeks, warmup=0)
    assert "high exhaustion (EE ≥ 27) falls from" in text
    assert "departures fall from" in text
    assert "rises" not in text.split("departures")[0]
    rising = _weekly({"ee_high_share": [0.2 + 0.01 * w for w in range(weeks)]})
    assert "(EE ≥ 27) rises from" in story_caption(rising, None, replay=0, names=("p", "r"), horizon=weeks,
                                                  warmup=0)
    level = _weekly({"ee_high_share": [0.3] * weeks})
    assert "stays about the same" in story_caption(level, None, replay=0, names=("p", "r"), horizon=weeks, warmup=0)


def test_with_a_timed_policy_the_caption_compares_the_year_before_it_with_the_last() -> None:
    span = periods(234, 26, [52])
    assert (span.early, span.late) == ((26, 52), (182, 234))
    assert periods(182, 26).early == (26, 78)


def test_the_story_of_the_exodus_shows_the_cascade() -> None:
    exodus = load_scenario(SCENARIOS / "exodus.yaml")
    baseline = load_scenario(SCENARIOS / "baseline.yaml", [f"horizon_weeks={exodus.horizon_weeks}"])
    policy = run_experiment(exodus, replications=2, jobs=2).weekly
    reference = run_experiment(baseline, replications=2, jobs=2).weekly
    marks = [week for week, _ in policy_marks(exodus)]
    assert marks == [78]
    text = story_caption(policy, reference, replay=0, names=("exodus.yaml", "baseline.yaml"),
                         horizon=exodus.horizon_weeks, warmup=exodus.warmup_weeks, policy_weeks=marks)
    # vacancies stay open, colleagues cover with bigger caseloads, departures come faster, the waitlist grows
    assert "open vacancies rise from" in text, text
    assert "the caseload of a clinician at work rises from" in text, text
    assert "the waitlist rises from" in text, text
    left = [int(n) for n in text.split("Over the measured weeks, ")[1].split(" clinicians left against ")[0:1]]
    theirs = int(text.split(" clinicians left against ")[1].split()[0])
    assert left[0] > theirs, text


def test_the_story_explains_the_regular_jumps_by_the_scenarios_own_audit_interval() -> None:
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    assert "every 13 weeks, are the chart audits" in audit_note(baseline.paperwork.audit_interval_weeks)
    assert "every 26 weeks" in audit_note(26.0)
    assert audit_note(None) == ""  # no audits, no jumps to explain
