"""What the app shows: the answer, the story over time, a clinician's week, the time split, comparisons, and the
model's assumptions. Every figure comes from the simulator's tables; nothing here computes a model quantity."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from simulator.experiments.experiment import ExperimentResult, compare
from simulator.inputs.loader import dump_scenario
from simulator.inputs.scenario import Scenario, parameter_table
from simulator.outputs import charts
from simulator.outputs.metrics import METRICS
from simulator.outputs.story import pick_clinician, story_weeks

__all__ = ["HEADLINE", "MAX_KEPT_RUNS", "AppRun", "about", "answer", "clinician_week", "compare_runs",
           "headline_metrics", "keep_run", "story", "time_split"]

# Assumption: more than a screenful of runs is not read side by side, and a session's memory stays bounded.
MAX_KEPT_RUNS = 20

LABELS = {m.name: m.label for m in METRICS}
BETTER = {m.name: m.better for m in METRICS}
UNITS = {m.name: m.unit for m in METRICS}


def _usd(x: float) -> str:
    return f"${x / 1e6:,.2f}M" if abs(x) >= 1e6 else f"${x / 1e3:,.0f}k"


# The administrator's answer: (metric, short label, formatter for a value, formatter for a change)
HEADLINE: tuple[tuple[str, str, Callable[[float], str], Callable[[float], str]], ...] = (
    ("departures_per_year", "Departures per year", lambda x: f"{x:.1f}", lambda d: f"{d:+.1f}"),
    ("ee_high_share", "Share with EE ≥ 27", lambda x: f"{x:.0%}", lambda d: f"{d * 100:+.1f} points"),
    ("wait_days_first_session_mean", "Wait to first session", lambda x: f"{x:.0f} days", lambda d: f"{d:+.1f} days"),
    ("sessions_per_week", "Sessions delivered", lambda x: f"{x:,.0f} /week", lambda d: f"{d:+,.0f} /week"),
    ("clients_lost", "Clients lost", lambda x: f"{x:,.0f}", lambda d: f"{d:+,.0f}"),
    ("net_margin", "Net margin per year", _usd, lambda d: ("+" if d >= 0 else "-") + _usd(abs(d))),
)


@dataclass(frozen=True)
class AppRun:
    """One finished paired run, kept in the session for side-by-side comparison."""

    label: str
    scenario: Scenario
    reference_label: str
    reference: Scenario
    policy: ExperimentResult
    baseline: ExperimentResult
    trace: pd.DataFrame | None

    @property
    def same_as_reference(self) -> bool:
        return self.policy.summary.equals(self.baseline.summary)

    @property
    def measured_years(self) -> float:
        return (self.scenario.horizon_weeks - self.scenario.warmup_weeks) * 7 / 365.25

    def comparison(self) -> pd.DataFrame:
        table = compare(self.baseline, self.policy)
        table.insert(1, "label", table.metric.map(LABELS))
        return table


def keep_run(runs: dict[str, AppRun], label: str, run: AppRun, cap: int = MAX_KEPT_RUNS) -> list[str]:
    """Add ``run`` to the session's runs, dropping the oldest beyond ``cap``; the labels dropped."""
    runs[label] = run
    dropped = list(runs)[:-cap] if len(runs) > cap else []
    for old in dropped:
        del runs[old]
    return dropped


def _ci(low: float, high: float, fmt: Callable[[float], str]) -> str:
    if math.isnan(low) or math.isnan(high):
        return "CI needs 2+ replications"
    return f"95% CI {fmt(low)} to {fmt(high)}"


def headline_metrics(policy: ExperimentResult, baseline: ExperimentResult | None, years: float) -> None:
    """Six st.metric cards: mean with its CI, and the paired change against the reference."""
    intervals = _rows(policy.intervals())
    changes = _rows(compare(baseline, policy)) if baseline is not None else None
    columns = st.columns(3)
    for i, (metric, label, fmt, dfmt) in enumerate(HEADLINE):
        row = intervals[metric]
        interval = _ci(float(row["ci_low"]), float(row["ci_high"]), fmt)
        delta = verdict = None
        help_text = f"{LABELS[metric]} ({UNITS[metric]}). {interval}."
        if metric == "clients_lost":
            help_text += f" Counted over the {years:.1f} measured years."
        if changes is not None:
            change = changes[metric]
            verdict = "stands out from noise" if change["significant"] else "within noise"
            delta = dfmt(float(change["diff_mean"]))
            help_text += (f" Change against the reference, paired by replication: {delta}, "
                          f"{_ci(float(change['ci_low']), float(change['ci_high']), dfmt)}; {verdict}.")
        columns[i % 3].metric(label, fmt(float(row["mean"])), delta=delta, border=True, help=help_text,
                              delta_color="inverse" if BETTER[metric] == "lower" else "normal",
                              delta_description=verdict)
        columns[i % 3].caption(interval)


def _rows(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """A per-metric table as {metric: {column: value}}."""
    return {str(row["metric"]): {str(k): v for k, v in row.items()} for row in table.to_dict("records")}


def answer(run: AppRun) -> None:
    """The administrator's answer: headline figures, the change chart, the full table and the downloads."""
    reps = len(run.policy.summary)
    if run.same_as_reference:
        st.info(f"**{run.label}** is the reference itself: showing its figures without a comparison. Change a "
                "lever or choose another scenario to see a difference.")
    else:
        st.markdown(f"**{run.label}** against **{run.reference_label}**: {reps} paired replications, seed "
                    f"{run.policy.seed}, {run.measured_years:.1f} measured years after a "
                    f"{run.scenario.warmup_weeks}-week warm-up. Arrows show the change; green is better.")
    if reps < 5:
        st.warning(f"With {reps} replications the confidence intervals are very wide; use 10 or more before "
                   "drawing conclusions.")
    headline_metrics(run.policy, None if run.same_as_reference else run.baseline, run.measured_years)
    table = run.comparison()
    if not run.same_as_reference:
        st.subheader("What changed, and whether it stands out from noise")
        headline = table[table.metric.isin([h[0] for h in HEADLINE] + ["turnover_rate_annual", "ee_mean",
                                                                        "after_hours_hours_per_clinician_week",
                                                                        "vacancy_rate", "paperwork_share"])]
        st.altair_chart(charts.change_forest(headline), width="content")
        st.caption("Each point is the mean paired change in percent of the reference; the bar is its 95% "
                   "confidence interval. Solid points stand out from noise (the interval excludes zero).")
    with st.expander("Every output with its 95% confidence interval"):
        if run.same_as_reference:
            intervals = run.policy.intervals()
            intervals.insert(1, "label", intervals.metric.map(LABELS))
            st.dataframe(intervals.drop(columns=["metric"]), hide_index=True)
        else:
            shown = table.rename(columns={"base_mean": f"reference: {run.reference_label}",
                                          "other_mean": f"scenario: {run.label}", "diff_mean": "change",
                                          "ci_low": "change 95% CI low", "ci_high": "change 95% CI high",
                                          "significant": "stands out from noise"})
            st.dataframe(shown.drop(columns=["metric", "better"]), hide_index=True)
    downloads(run)


def downloads(run: AppRun) -> None:
    left, middle, right = st.columns(3)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in run.scenario.name)
    left.download_button("Scenario (YAML)", dump_scenario(run.scenario), file_name=f"{safe}.yaml",
                         mime="application/x-yaml", help="The scenario as run, levers included: load it in the "
                                                          "CLI or upload it here again.")
    replications = pd.concat([run.policy.summary.assign(scenario=run.label),
                              run.baseline.summary.assign(scenario=run.reference_label)], ignore_index=True)
    middle.download_button("Replications (CSV)", replications.to_csv(index=False), file_name=f"{safe}_runs.csv",
                           mime="text/csv", help="One row per scenario and replication, every output metric.")
    right.download_button("Comparison (CSV)", run.comparison().to_csv(index=False),
                          file_name=f"{safe}_comparison.csv", mime="text/csv",
                          help="Paired differences with 95% confidence intervals.")


def story(run: AppRun) -> None:
    """The exodus cascade over time, one replication at a time."""
    reps = len(run.policy.summary)
    replay = st.slider("Replication to replay", 0, reps - 1, 0, key="replay",
                       help="Each replication is one possible future. The same seed always replays the same "
                            "stories; press New seed in the sidebar to see others.") if reps > 1 else 0
    st.altair_chart(charts.story_over_time(run.policy.weekly, replay=replay,
                                           warmup_weeks=run.scenario.warmup_weeks), width="content")
    st.caption("Watch the red marks: each departure hands its clients to colleagues who already carry full "
               "caseloads; exhaustion rises, more leave, and the waitlist grows while vacancies stay open for "
               "months. The shaded weeks are the warm-up, left out of every figure.")


def clinician_week(run: AppRun) -> None:
    """A Gantt chart of one clinician's early and late week."""
    trace = run.trace
    if trace is None or trace.empty:
        st.info("No clinician worked through both traced weeks in this run.")
        return
    early, late = story_weeks(run.scenario)
    weeks_present = trace.groupby("clinician")["week"].nunique()
    stayers = sorted(int(c) for c in weeks_present[weeks_present == 2].index)
    if not stayers:
        st.info(f"No clinician was in post in both week {early} and week {late} of replication 0.")
        return
    default = pick_clinician(trace)
    clinician = st.selectbox("Clinician", stayers, index=stayers.index(default) if default in stayers else 0,
                             key=f"week_clinician:{id(run)}",
                             help="Preselected: the clinician whose exhaustion rose most.")
    st.altair_chart(charts.clinician_week(trace, clinician), width="content")
    st.caption(f"Replication 0 of {run.label}, week {early} (top) and week {late} (bottom). Blue is therapy, "
               "orange paperwork in working hours, red paperwork after hours: compare how much of each day the "
               "desk takes late in the run.")


def time_split(run: AppRun) -> None:
    weekly = pd.concat([run.baseline.weekly.assign(scenario=run.reference_label),
                        run.policy.weekly.assign(scenario=run.label)], ignore_index=True)
    st.altair_chart(charts.time_split(weekly), width="content")
    st.caption("Hours per clinician-week after warm-up, the reference above the scenario: where a policy frees "
               "time, it shows as less orange and red.")


def compare_runs(runs: dict[str, AppRun]) -> None:
    """Several kept runs side by side: each headline metric with its CI, and the time split."""
    if len(runs) < 2:
        st.info("Runs you make are kept here for this session. Make another run (a different scenario or "
                "lever) to compare them side by side.")
    # a finished run joins the selection (app.py adds it); the user's own choices are kept otherwise
    st.session_state.setdefault("compare_runs", list(runs)[-4:])
    chosen = st.multiselect("Runs to compare", list(runs), key="compare_runs")
    if not chosen:
        return
    rows = []
    for name in chosen:
        intervals = runs[name].policy.intervals()
        rows.append(intervals[intervals.metric.isin([h[0] for h in HEADLINE])].assign(scenario=name))
    table = pd.concat(rows, ignore_index=True)
    table["label"] = table.metric.map({h[0]: h[1] for h in HEADLINE})
    st.altair_chart(charts.interval_bars(table), width="content")
    st.caption("Bars are means over replications, whiskers 95% confidence intervals. Runs with the same seed "
               "and replications are paired; overlapping whiskers alone do not mean 'no difference'.")
    weekly = pd.concat([runs[name].policy.weekly.assign(scenario=name) for name in chosen], ignore_index=True)
    st.altair_chart(charts.time_split(weekly), width="content")
    wide = table.pivot_table(index="label", columns="scenario", values="mean", sort=False)
    st.dataframe(wide[chosen])


def about() -> None:
    st.markdown("""
**What this is.** A discrete-event simulation of a community mental-health agency (50 clinicians in the
baseline). Clients are referred, wait for a caseload slot and attend weekly sessions. Every session, intake, plan
review and discharge creates paperwork with a deadline. Clinicians split their contracted day between therapy and
the desk and chart after hours when urgent work remains. Their emotional exhaustion (MBI-EE, 0-54) rises with
weighted workload, late work, audits and conflict, and recovers with rest and good supervision. Each clinician may
resign; the hazard doubles at EE ≥ 27. Their clients return to the waitlist, and the vacancy takes months to fill.

**What it is for.** A what-if tool. Compare policies against each other under the same random futures (common
random numbers). Do not read it as a forecast for a particular agency.

**Main assumptions.** The burnout dynamics are calibrated to published prevalence (about 40% with high EE,
mean EE about 21) and turnover (26-30% a year); they are not estimated from longitudinal data. The burnout-to-leaving
link uses a hazard ratio of 2 (published range 1.5-2.7). Paperwork minutes come from grey literature
(10-30 minutes a note). Costs are assumptions; set them to your agency's. A leaver's unfinished paperwork is
dropped, and a lower caseload target takes effect only as clients leave.

**Evidence.** Every parameter has its source below: [V] verified study, [S] secondary source, [G] grey
literature, "assumption" where no figure exists. The full description (STRESS-DES) is `docs/model.md`. How the
model compares with the published figures and with queueing theory is `docs/validation.md`.
""")
    table = pd.DataFrame(parameter_table())
    table["default"] = table["default"].astype(str)
    st.dataframe(table[["path", "default", "unit", "source", "description"]], hide_index=True)
