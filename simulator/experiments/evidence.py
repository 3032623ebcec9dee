"""The model against the evidence on what changes do: published intervention effects, and the dynamics the model
must show (model spec 5; shared/calibration.md, "Interventions"; the second edition's checks).

Each row compares a published figure, or a required behaviour, with the simulated one: a paired comparison under
common random numbers against the baseline (or a single run's statistic), with its 95% confidence interval, and
says whether the check passes. The settings that stand for an intervention are stated with the row, with why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulator.experiments.experiment import ExperimentResult, compare, run_experiment, t_quantile
from simulator.inputs.scenario import Scenario

__all__ = ["INTERVENTIONS", "Check", "Intervention", "cascade_correlation", "dynamics_rows", "intervention_rows",
           "run_evidence", "stationarity_rows", "weekly_stability"]


@dataclass(frozen=True)
class Intervention:
    """A published intervention result and the scenario change that stands for it."""

    name: str
    study: str  # who, what design, which population
    published: str  # the effect as published
    changes: dict[str, Any]  # the settings that stand for the intervention, against the baseline
    why: str  # why these settings
    metric: str  # the simulated effect reported
    scale: str  # "points" (a share, in percentage points), "sd" (in SDs of EE), "hours", "relative"
    low: float  # the band the simulated effect must fall in (in ``scale`` units)
    high: float


#: The interventions of shared/calibration.md that the model can represent today.
INTERVENTIONS: tuple[Intervention, ...] = (
    Intervention(
        "Ambient AI scribe: burnout", "Olson et al. 2025, JAMA Netw Open, pre-post QI, 263 clinicians, 30 days [V]",
        "burnout 51.9% -> 38.8% (-13.1 points): an upper bound", {"paperwork.offload_share": 0.25},
        "a quarter of documentation minutes: between Lukac 2025 (-9.5% note time at ~30% use) and UW Health "
        "(about 30 min/day, a third of a therapist's note time)", "ee_high_share", "points", -13.0, -3.0),
    Intervention(
        "Ambient AI scribe: after hours", "Olson et al. 2025 [V]; human scribes halve post-clinic documentation "
        "(JGIM 2018 pilot) [V]", "after-hours documentation -0.90 h/week: an upper bound for physicians",
        {"paperwork.offload_share": 0.25}, "as above", "after_hours_hours_per_clinician_week", "hours", -2.0, 0.0),
    Intervention(
        "Ambient AI scribe at low use", "Lukac et al. 2025, NEJM AI, RCT, 238 physicians [V]",
        "-9.5% time in notes; exhaustion -0.23 on a 0-4 scale, 'modest'", {"paperwork.offload_share": 0.10},
        "a tenth of documentation minutes: the trial's -9.5%", "ee_mean", "sd", -0.5, 0.0),
    Intervention(
        "Better supervision and climate", "Dreison et al. 2018, J Occup Health Psychol, meta-analysis of burnout "
        "interventions for mental-health workers [V]", "pooled g = 0.13: modest",
        {"climate.supervisor_support": 0.8, "climate.conflict_incidents_per_year": 0.5},
        "scenarios/better_climate.yaml", "ee_mean", "sd", -0.5, 0.0),
    Intervention(
        "Turnover contagion", "Felps et al. 2009, Acad Manage J [S]",
        "co-workers' leaving raises one's own quitting; size uncertain", {"turnover.contagion": 0.0},
        "contagion switched off: the turnover it adds in the baseline", "turnover_rate_annual", "relative",
        -1.0, 0.0),
)


@dataclass(frozen=True)
class Check:
    """A behaviour the model must show, measured on a run or a paired comparison."""

    name: str
    requirement: str
    simulated: float
    ci_low: float
    ci_high: float
    unit: str
    passes: bool


def _paired(base: ExperimentResult, other: ExperimentResult, metric: str) -> dict[str, float]:
    row = compare(base, other).set_index("metric").loc[metric].to_dict()
    return {"base": float(row["base_mean"]), "diff": float(row["diff_mean"]), "low": float(row["ci_low"]),
            "high": float(row["ci_high"])}


def _ee_sd(base: ExperimentResult) -> float:
    """The spread of EE between clinicians in the baseline (the summary's ``ee_sd``, averaged over replications):
    what a standardised effect such as Dreison's g divides by."""
    return float(base.summary["ee_sd"].mean())


def intervention_rows(base: ExperimentResult, runs: dict[str, ExperimentResult]) -> list[dict[str, Any]]:
    """One row per intervention: published against simulated (paired with the baseline), and the verdict.
    ``runs`` maps each intervention's name to its run under the baseline's seed and replications."""
    rows = []
    sd = _ee_sd(base)
    for item in INTERVENTIONS:
        p = _paired(base, runs[item.name], item.metric)
        factor = {"points": 100.0, "sd": 1.0 / sd, "hours": 1.0, "relative": 1.0 / p["base"]}[item.scale]
        effect, low, high = (p[k] * factor for k in ("diff", "low", "high"))
        rows.append({"intervention": item.name, "study": item.study, "published": item.published,
                     "settings": ", ".join(f"`{k}` {v}" for k, v in item.changes.items()), "why": item.why,
                     "metric": item.metric, "scale": item.scale, "simulated": effect, "ci_low": low, "ci_high": high,
                     "band_low": item.low, "band_high": item.high, "passes": item.low <= effect <= item.high})
    return rows


def _mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    values = values[~np.isnan(values)]
    n = len(values)
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = t_quantile(0.975, n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def weekly_stability(base: ExperimentResult) -> np.ndarray:
    """Per replication: the largest week-to-week change of the weekly mean EE after the warm-up."""
    weekly = base.weekly[~base.weekly["warmup"]]
    return np.array([np.nanmax(np.abs(np.diff(group["ee_mean"].to_numpy())))
                     for _, group in weekly.groupby("replication")])


def cascade_correlation(base: ExperimentResult) -> np.ndarray:
    """Per replication: the correlation, week by week after the warm-up, of open vacancies and the hours a
    clinician at work works (sessions, paperwork in contracted time and after hours)."""
    weekly = base.weekly[~base.weekly["warmup"]]
    return np.array([np.corrcoef(group["vacancies"], group["hours_worked"])[0, 1]
                     for _, group in weekly.groupby("replication")])


#: The length of the windows the stationarity checks compare. The departures of all replications rise and fall
#: together over years (measured, 10 replications of the 546-week baseline: 9.5 to 15.1 departures a year, highest in
#: years 3 and 7): a damped wave of the cascade started by the common initial state. One year against one year
#: measures the wave's phase; two years against two, its level.
WINDOW_WEEKS = 104


def _window(run: ExperimentResult, column: str, first: bool, reduce: Callable[[pd.Series], float]) -> np.ndarray:
    """Per replication, ``reduce`` of a weekly column over the first two measured years or the last two of the run."""
    weekly = run.weekly
    start = int(run.scenario.warmup_weeks) if first else int(run.scenario.horizon_weeks) - WINDOW_WEEKS
    window = weekly[(weekly["week"] >= start) & (weekly["week"] < start + WINDOW_WEEKS)]
    return np.array([reduce(group[column]) for _, group in window.groupby("replication")])


def stationarity_rows(long_run: ExperimentResult) -> list[Check]:
    """A long baseline is stationary: backlog, mean EE and departures in its last two years against its first two
    measured years."""
    checks = []
    for column, reduce, unit, bound, relative in (
            ("backlog_hours", lambda s: float(s.mean()), "ratio last/first", 1.25, True),
            ("ee_mean", lambda s: float(s.mean()), "points last - first", 1.5, False),
            ("departures", lambda s: float(s.sum()), "ratio last/first", 1.2, True)):
        first = _window(long_run, column, True, reduce)
        last = _window(long_run, column, False, reduce)
        if relative:
            value, low, high = (x / float(first.mean()) for x in _mean_ci(last))
            passes = 1 / bound <= value <= bound
            requirement = f"within {bound:g}x of the first two measured years"
        else:
            value, low, high = _mean_ci(last - first)
            passes = abs(value) <= bound
            requirement = f"within {bound:g} points of the first two measured years"
        checks.append(Check(f"stationary {column} ({long_run.scenario.horizon_weeks} weeks)", requirement, value,
                            low, high, unit, passes))
    return checks


def dynamics_rows(base: ExperimentResult, *, slow_hiring: ExperimentResult, offload: dict[float, ExperimentResult],
                  long_run: ExperimentResult) -> list[Check]:
    """The second edition's checks of the cascade, the time scales, the dose-response and stationarity."""
    checks = []
    stability = _mean_ci(weekly_stability(base))
    checks.append(Check("weekly mean EE, largest week-to-week change", "at most 1.5 points", *stability, "points",
                        stability[0] <= 1.5))
    correlation = _mean_ci(cascade_correlation(base))
    checks.append(Check("vacancies and hours worked per clinician, weekly correlation", "at least 0.3",
                        *correlation, "correlation", correlation[0] >= 0.3))
    ee = _paired(base, slow_hiring, "ee_mean")
    checks.append(Check("time to fill 40 weeks instead of 17: mean EE", "up by at least 1 point", ee["diff"],
                        ee["low"], ee["high"], "points", ee["diff"] >= 1.0))
    turnover = _paired(base, slow_hiring, "turnover_rate_annual")
    checks.append(Check("time to fill 40 weeks instead of 17: turnover", "up by at least 10% relative",
                        turnover["diff"] / turnover["base"], turnover["low"] / turnover["base"],
                        turnover["high"] / turnover["base"], "relative", turnover["diff"] / turnover["base"] >= 0.10))
    high, low = (_paired(base, offload[s], "ee_high_share")["diff"] for s in (0.25, 0.10))
    checks.append(Check("documentation offload 0.10 against 0.25: EE >= 27 share", "25-65% of the effect at 0.25",
                        low / high, math.nan, math.nan, "share of the effect", 0.25 <= low / high <= 0.65))
    return checks + stationarity_rows(long_run)


def _change_check(name: str, base: ExperimentResult, other: ExperimentResult, metric: str, *, rises: bool,
                  unit: str, relative: bool = False, at_least: float = 0.0) -> Check:
    """A paired change that must go one way: significantly (its CI excludes zero), and by at least ``at_least``
    (relative to the base mean when ``relative``)."""
    p = _paired(base, other, metric)
    scale = 1.0 / p["base"] if relative else 1.0
    value, low, high = p["diff"] * scale, p["low"] * scale, p["high"] * scale
    if rises:
        passes, requirement = low > 0 and value >= at_least, "up" + (f" by at least {at_least:.0%}" if at_least
                                                                      else "") + ", CI above 0"
    else:
        passes, requirement = high < 0 and value <= -at_least, "down, CI below 0"
    return Check(name, requirement, value, low, high, unit, passes)


def part2_rows(base: ExperimentResult, *, no_after_hours: ExperimentResult, one_admin: ExperimentResult,
               toxic: ExperimentResult, restored: ExperimentResult) -> list[Check]:
    """The checks of the second edition's part 2 (issue 18): money follows the paperwork, the front door, and the
    climate."""
    return [
        _change_check("no after-hours work: net margin", base, no_after_hours, "net_margin", rises=False,
                      unit="USD/year"),
        _change_check("one admin worker instead of 4: wait to a first session", base, one_admin,
                      "wait_days_first_session_mean", rises=True, unit="relative", relative=True, at_least=0.20),
        _change_check("one admin worker instead of 4: clients lost", base, one_admin, "clients_lost", rises=True,
                      unit="clients"),
        _change_check("toxic climate against the baseline: mean EE", base, toxic, "ee_mean", rises=True,
                      unit="points"),
        _change_check("toxic climate against the baseline: turnover", base, toxic, "turnover_rate_annual",
                      rises=True, unit="per clinician-year"),
        _change_check("restoring control against the toxic climate: mean EE", toxic, restored, "ee_mean",
                      rises=False, unit="points"),
        _change_check("restoring control against the toxic climate: turnover", toxic, restored,
                      "turnover_rate_annual", rises=False, unit="per clinician-year"),
    ]


Track = Callable[[str, int], Callable[[int, int], None] | None]
LONG_WEEKS = 546  # a 10-year baseline, for stationarity
LONG_REPLICATIONS = 10


def run_evidence(base: ExperimentResult, *, jobs: int, track: Track, toxic: Scenario | None = None,
                 restored: Scenario | None = None) -> tuple[list[dict[str, Any]], list[Check]]:
    """Run every comparison the evidence tables need, paired with ``base`` (same seed and replications), and
    return the intervention rows and the dynamic checks. ``toxic`` and ``restored`` are the climate scenarios
    (``scenarios/toxic_climate.yaml``, ``restore_control.yaml``); without them their checks are left out."""
    scenario = base.scenario
    n = len(base.summary)

    def run(label: str, changes: dict[str, Any], replications: int = n) -> ExperimentResult:
        changed = scenario.with_changes({**changes, "replications": replications})
        return run_experiment(changed, seed=base.seed, jobs=jobs, progress=track(label, replications))

    runs = {item.name: run(item.name, item.changes) for item in INTERVENTIONS}
    offload = {share: run(f"offload {share}", {"paperwork.offload_share": share}) for share in (0.10, 0.25)}
    slow = run("time to fill 40 weeks", {"turnover.time_to_fill_weeks.mean": 40.0})
    long_run = run(f"baseline, {LONG_WEEKS} weeks", {"horizon_weeks": LONG_WEEKS}, min(n, LONG_REPLICATIONS))
    checks = dynamics_rows(base, slow_hiring=slow, offload=offload, long_run=long_run)
    if toxic is not None and restored is not None:
        climate = {label: run_experiment(s.with_changes({"replications": n}), seed=base.seed, jobs=jobs,
                                         progress=track(label, n))
                   for label, s in (("toxic climate", toxic), ("restore control", restored))}
        checks += part2_rows(base, no_after_hours=run("no after hours",
                                                      {"paperwork.after_hours_max_minutes_per_day": 0}),
                             one_admin=run("one admin worker", {"staff.admin_staff": 1}),
                             toxic=climate["toxic climate"], restored=climate["restore control"])
    return intervention_rows(base, runs), checks
