"""Analytic benchmarks the model must reproduce: Erlang C for the M/M/c reduction (spec 5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simulator.experiments.evidence import Check
from simulator.experiments.experiment import confidence_intervals
from simulator.inputs.scenario import Scenario
from simulator.model.caseload import target_caseload

__all__ = ["TARGETS", "Target", "calibration_table", "erlang_c", "mmc_expectations", "mmc_table"]


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C), for offered load a = lambda/mu < c.

    Computed through the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), which stays finite for thousands
    of servers where a^c / c! would overflow.
    """
    if offered_load >= servers:
        return 1.0
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    rho = offered_load / servers
    return blocking / (1 - rho * (1 - blocking))


def mmc_expectations(scenario: Scenario) -> dict[str, float]:
    """Erlang C predictions for a scenario set up as an M/M/c queue: c servers = clinicians x caseload slots."""
    servers = scenario.staff.clinicians * target_caseload(scenario)
    service_days = 7.0 * scenario.demand.mean_sessions_per_episode / scenario.demand.sessions_per_week
    arrivals_per_day = scenario.demand.referrals_per_week / 7.0
    load = arrivals_per_day * service_days
    p_wait = erlang_c(servers, load)
    return {
        "servers": servers,
        "utilisation": load / servers,
        "prob_wait": p_wait,
        "wait_days_assignment_mean": p_wait * service_days / (servers - load) if load < servers else math.inf,
    }


@dataclass(frozen=True)
class Target:
    metric: str
    target: str
    low: float
    high: float
    source: str
    checked: bool = True  # False: reported for information, not a calibration target


#: Validation targets of spec 5 and calibration.md (b). A band is what the baseline mean must fall in.
TARGETS: tuple[Target, ...] = (
    Target("ee_high_share", "about 0.40", 0.31, 0.48, "[V] O'Connor et al. 2018: 40% (CI 31-48%)"),
    Target("ee_mean", "about 21", 19.0, 24.0, "[V] O'Connor et al. 2018: mean MBI-EE 21.1"),
    Target("turnover_rate_annual", "0.26-0.30", 0.20, 0.50, "[V] Bukach 2015, Fukui 2020; [S] Brabson 2020"),
    Target("burned_out_exit_ratio", "about 2", 1.6, 2.7, "[V] Willard-Grace 2019 aOR 1.57; Hamidi 2018 RR 2.1"),
    Target("no_show_rate", "about 0.20", 0.15, 0.28, "[V] Mitchell & Selmes 2007"),
    Target("continuity_disruption_share", "about 0.24", 0.15, 0.35, "[V] Psychiatr Serv 2020: 24% in 12 months"),
    Target("paperwork_share", "0.30-0.40", 0.30, 0.40, "[G] behavioural-health vendor data"),
    Target("after_hours_hours_per_clinician_week", "5-7.5 (1-1.5 h/day)", 2.5, 10.0,
           "[V] physician analogue: Arndt 2017 86 min/day; Sinsky 2016 1-2 h"),
    Target("wait_days_first_session_mean", "about 70 days", 0.0, float("inf"),
           "[G] ABH Massachusetts 2022: 10 weeks to adult intake", checked=False),
)


def _intervals(summary: pd.DataFrame) -> dict[str, dict[str, Any]]:
    rows = confidence_intervals(summary).to_dict("records")
    return {str(row["metric"]): {str(key): value for key, value in row.items()} for row in rows}


def calibration_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Target vs simulated (mean and 95% CI over replications) for each validation target."""
    intervals = _intervals(summary)
    rows = []
    for t in TARGETS:
        mean, low, high = (float(intervals[t.metric][c]) for c in ("mean", "ci_low", "ci_high"))
        rows.append({"metric": t.metric, "target": t.target, "band_low": t.low, "band_high": t.high,
                     "simulated": mean, "ci_low": low, "ci_high": high, "checked": t.checked,
                     "within_band": t.low <= mean <= t.high, "source": t.source})
    return pd.DataFrame(rows)


def mmc_table(results: list[tuple[Scenario, pd.DataFrame]]) -> pd.DataFrame:
    """Erlang C vs simulated for each M/M/c run (scenario, replication summary)."""
    rows = []
    for scenario, summary in results:
        expected = mmc_expectations(scenario)
        intervals = _intervals(summary)
        for metric in ("prob_wait", "wait_days_assignment_mean"):
            mean = float(intervals[metric]["mean"])
            rows.append({"servers": expected["servers"], "utilisation": expected["utilisation"],
                         "metric": metric, "erlang_c": expected[metric], "simulated": mean,
                         "ci_low": float(intervals[metric]["ci_low"]),
                         "ci_high": float(intervals[metric]["ci_high"]),
                         "relative_error": mean / expected[metric] - 1,
                         "replications": len(summary)})
    return pd.DataFrame(rows)


def _fmt(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) == math.inf:
        return "∞"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def validation_markdown(calibration: pd.DataFrame, queueing: pd.DataFrame, *, replications: int, seed: int,
                        command: str, interventions: list[dict[str, Any]] | None = None,
                        dynamics: list[Check] | None = None) -> str:
    """docs/validation.md: the tables, as generated (never typed by hand)."""
    lines = ["# Validation: target vs simulated", "",
             f"Generated by `{command}` (seed {seed}). Do not edit by hand.", "",
             f"## Baseline against the evidence ({replications} replications, mean and 95% CI)", "",
             "| metric | target | band | simulated | 95% CI | in band | source |",
             "|---|---|---|---|---|---|---|"]
    for row in calibration.to_dict("records"):
        verdict = ("yes" if row["within_band"] else "**no**") if row["checked"] else "not a target"
        lines.append(f"| `{row['metric']}` | {row['target']} | {_fmt(row['band_low'])}-{_fmt(row['band_high'])} | "
                     f"{_fmt(row['simulated'])} | {_fmt(row['ci_low'])} to {_fmt(row['ci_high'])} | {verdict} | "
                     f"{row['source']} |")
    if interventions:
        lines += _intervention_lines(interventions, replications)
    if dynamics:
        lines += _dynamics_lines(dynamics, replications)
    lines += ["", "## Queueing: the M/M/c reduction against Erlang C", "",
              "| servers c | utilisation | metric | Erlang C | simulated | 95% CI | relative error | replications |",
              "|---|---|---|---|---|---|---|---|"]
    for row in queueing.to_dict("records"):
        lines.append(f"| {row['servers']} | {row['utilisation']:.2f} | `{row['metric']}` | {row['erlang_c']:.4f} | "
                     f"{row['simulated']:.4f} | {row['ci_low']:.4f} to {row['ci_high']:.4f} | "
                     f"{100 * row['relative_error']:+.1f}% | {row['replications']} |")
    return "\n".join(lines) + "\n"


_SCALES = {"points": "percentage points", "sd": "SDs of EE between clinicians", "hours": "h/clinician-week",
           "relative": "relative change"}


def _intervention_lines(rows: list[dict[str, Any]], replications: int) -> list[str]:
    lines = ["", f"## Published intervention effects against the simulated ones ({replications} paired replications "
             "each against the baseline, mean and 95% CI)", "",
             "| intervention | study | published | settings (why) | simulated | 95% CI | band | in band |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        unit = _SCALES[row["scale"]]
        lines.append(f"| {row['intervention']} | {row['study']} | {row['published']} | {row['settings']} "
                     f"({row['why']}) | `{row['metric']}` {_fmt(row['simulated'])} {unit} | "
                     f"{_fmt(row['ci_low'])} to {_fmt(row['ci_high'])} | {_fmt(row['band_low'])} to "
                     f"{_fmt(row['band_high'])} | {'yes' if row['passes'] else '**no**'} |")
    return lines


def _dynamics_lines(checks: list[Check], replications: int) -> list[str]:
    lines = ["", f"## The cascade, the time scales and stationarity ({replications} replications; the long run "
             "fewer, as stated)", "",
             "| check | requirement | simulated | 95% CI | unit | passes |", "|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| {c.name} | {c.requirement} | {_fmt(c.simulated)} | {_fmt(c.ci_low)} to {_fmt(c.ci_high)} | "
                     f"{c.unit} | {'yes' if c.passes else '**no**'} |")
    return lines
