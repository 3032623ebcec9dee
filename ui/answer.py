"""The administrator's answer: an overall verdict, six headline cards (each with its interval and its paired change),
the chart of every change, the full table, the words explained, and the downloads. No model logic: every figure
comes from the experiment's tables, every judgement from ``simulator.outputs.verdict``."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from simulator.experiments.experiment import ExperimentResult, compare
from simulator.outputs import charts, formatting, verdict
from simulator.outputs.metrics import METRICS
from ui.downloads import downloads
from ui.look import draw
from ui.runs import HEADLINE, LABELS, AppRun, subtitle

__all__ = ["GLOSSARY", "answer", "headline_cards", "md"]

_UNITS = {m.name: m.unit for m in METRICS}
_TONES = {"good": st.success, "trade-off": st.warning, "bad": st.error, "none": st.info, "early": st.info}

GLOSSARY = f"""
- **Replication**: one possible future of the agency. The same policy, but other referrals, no-shows, illnesses and
  resignations, drawn at random. Averaging many replications separates what the policy does from what chance does.
- **Paired runs**: replication *k* of the scenario and replication *k* of the reference draw the same random numbers
  (the same referrals, the same dice for each resignation), so their difference is the policy's, not luck's. That
  is why a paired change can stand out even when the two sets of figures overlap.
- **95% confidence interval (CI)**: the range that, by the usual convention, contains the true average over all
  possible futures; it narrows as replications are added. Intervals never leave what a figure can be (a share stays
  between 0% and 100%, departures never go below 0).
- **Stands out from noise** means the interval of the paired change does not include zero: this many replications
  show a real difference. **Within noise**: they cannot tell the two apart. **Too early to tell**: fewer than
  {verdict.MIN_REPLICATIONS} replications, too few for any verdict.
- **EE ≥ 27**: emotional exhaustion measured on the Maslach Burnout Inventory's exhaustion scale (0 to 54 points);
  27 or more is the manual's "high" band, the usual cut-off for burnout in studies of clinicians.
- **Warm-up**: the first weeks of every run, left out of every figure, while the simulated agency settles from
  its starting state.
"""


def md(text: str) -> str:
    """Text for st.markdown: a dollar sign would start a LaTeX formula there."""
    return text.replace("$", "\\$")


def _ci(low: float, high: float, show: Any, scale: Any) -> str:
    if math.isnan(low) or math.isnan(high):
        return "interval needs 2+ replications"
    return f"95% CI {show(low, scale)} to {show(high, scale)}"


def _card(column: Any, metric: str, label: str, unit: str, row: dict[str, Any], change: dict[str, Any] | None,
          years: float) -> None:
    scale = formatting.scale_of(metric)
    interval = _ci(float(row["ci_low"]), float(row["ci_high"]), formatting.number, scale)
    lines = [interval]
    delta = status = None
    help_text = f"{LABELS[metric]} ({_UNITS[metric]})."
    if metric == "clients_lost":
        help_text += f" Counted over the {years:.1f} measured years."
    if change is not None:
        status = verdict.status(change)
        delta = formatting.change(float(change["diff_mean"]), scale) + unit
        low, high = verdict.change_interval(change)
        lines.append(f"change {delta}, {_ci(low, high, formatting.change, scale)}: {verdict.STATUS_TEXT[status]}")
    # blue and orange as in every chart (told apart without red and green); the words say it too
    colour = {"better": "blue", "worse": "orange"}.get(status or "", "gray")
    column.metric(label, formatting.number(float(row["mean"]), scale) + unit, delta=delta, border=True,
                  delta_color=colour, help=help_text,
                  delta_description=verdict.STATUS_TEXT[status] if status else None)
    # st.markdown's :small[] keeps the text colour (4.5:1 and better); st.caption's faded grey does not reach it
    column.markdown(md(":small[" + "  \n".join(lines) + "]"))


def headline_cards(policy: ExperimentResult, baseline: ExperimentResult | None, years: float) -> None:
    """Six st.metric cards: the mean with its interval, and the paired change against the reference with its own."""
    intervals = _rows(policy.intervals())
    changes = _rows(compare(baseline, policy)) if baseline is not None else None
    columns = st.columns(3)
    for i, (metric, label, unit) in enumerate(HEADLINE):
        _card(columns[i % 3], metric, label, unit, intervals[metric], changes[metric] if changes else None, years)


def _rows(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """A per-metric table as {metric: {column: value}}."""
    return {str(row["metric"]): {str(k): v for k, v in row.items()} for row in table.to_dict("records")}


def _verdict(run: AppRun, table: pd.DataFrame) -> None:
    found = verdict.overall(verdict.records(table))
    body = f"**{found.headline}**" + "".join(f"\n- {note}" for note in found.caveats)
    _TONES[found.tone](md(body))


def _table(run: AppRun, table: pd.DataFrame) -> None:
    rows = []
    for row in verdict.records(table):
        scale = formatting.scale_of(str(row["metric"]))
        low, high = verdict.change_interval(row)
        rows.append({"output": row["label"], "unit": row["unit"],
                     f"reference: {run.reference_label}": formatting.number(row["base_mean"], scale),
                     f"scenario: {run.label}": formatting.number(row["other_mean"], scale),
                     "change": formatting.change(float(row["diff_mean"]), scale),
                     "change, 95% CI": _ci(low, high, formatting.change, scale).removeprefix("95% CI "),
                     "verdict": verdict.STATUS_TEXT[verdict.status(row)]})
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _differences(run: AppRun) -> None:
    if not run.differences:
        return
    with st.expander(f"What {run.label} sets differently from {run.reference_label} ({len(run.differences)})"):
        st.dataframe(pd.DataFrame([{"parameter": d.path, run.reference_label: str(d.a), run.label: str(d.b),
                                    "unit": d.unit} for d in run.differences]), hide_index=True)


def answer(run: AppRun) -> None:
    """The administrator's answer: verdict, headline figures, the change chart, the full table and the downloads."""
    reps = run.replications
    if run.same_as_reference:
        st.info(md(f"**{run.label}** is the reference itself: showing its figures without a comparison. Change a "
                   "lever or choose another scenario to see a difference."))
    else:
        st.markdown(md(f"**{run.label}** against **{run.reference_label}**: {reps} paired replications, seed "
                       f"{run.seed}, {run.measured_years:.1f} measured years after a {run.scenario.warmup_weeks}-week "
                       "warm-up. Blue is better, orange worse, grey within noise or too early to tell; the words "
                       "under each change say which."))
        _verdict(run, run.comparison())
        _differences(run)
    headline_cards(run.policy, None if run.same_as_reference else run.baseline, run.measured_years)
    with st.expander("What the words mean: replications, paired runs, intervals, noise, EE ≥ 27"):
        st.markdown(GLOSSARY)
    table = run.comparison()
    if not run.same_as_reference:
        st.subheader("What changed, and whether it stands out from noise")
        shown = table[table.metric.isin([h[0] for h in HEADLINE] + [
            "turnover_rate_annual", "ee_mean", "after_hours_hours_per_clinician_week", "vacancy_rate",
            "paperwork_share", "caseload_mean", "blocked_session_share", "written_off_per_clinician_year"])]
        shown = shown.assign(status=[_forest_status(r) for r in verdict.records(shown)])
        chart = charts.titled(charts.change_forest(shown, width="container", label_limit=260),
                              "Paired change against the reference", subtitle(run),
                              description="Paired change of each output against the reference, in percent of the "
                                          f"reference, with 95% intervals. {subtitle(run)}")
        draw(chart)
        st.caption("Each marker is the mean paired change in percent of the reference; the bar is its 95% "
                   "confidence interval. A filled diamond stands out from noise, a hollow circle does not; the words "
                   "after each name say the same.")
    with st.expander("Every output with its 95% confidence interval"):
        if run.same_as_reference:
            intervals = run.policy.intervals()
            intervals.insert(1, "label", intervals.metric.map(LABELS))
            st.dataframe(intervals.drop(columns=["metric"]), hide_index=True)
        else:
            _table(run, table)
    downloads(run)


def _forest_status(row: dict[str, Any]) -> str:
    found = verdict.status(row)
    return {"noise": "within noise", "early": "too early to tell", "changed": "stands out"}.get(found, found)
