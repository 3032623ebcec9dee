"""Several kept runs side by side, their references as rows of their own, and paired differences between runs.

Two runs are paired when they share the seed, the replications and the run length: replication k of each then saw
the same referrals and dice, and their difference replication by replication is a policy's, not luck's. Runs that
are not paired are listed, with the reason, instead of being subtracted.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from simulator.experiments.experiment import ExperimentResult, compare
from simulator.outputs import charts, formatting, verdict
from ui.answer import md
from ui.look import draw
from ui.runs import HEADLINE, AppRun

__all__ = ["Entry", "compare_runs", "entries", "paired_differences", "unpaired_reason"]


@dataclass(frozen=True)
class Entry:
    """A row of the comparison: a run, or a reference run."""

    name: str
    role: str  # "run" or "reference"
    result: ExperimentResult


def entries(runs: dict[str, AppRun], chosen: list[str]) -> list[Entry]:
    """The chosen runs, each followed by its reference unless an earlier row already is that very run."""
    rows: list[Entry] = []
    for name in chosen:
        run = runs[name]
        rows.append(Entry(name, "run", run.policy))
        if run.same_as_reference or any(_same(run.baseline, row.result) for row in rows):
            continue
        rows.append(Entry(f"reference {run.reference_label} (of {name.split()[0]})", "reference", run.baseline))
    return rows


def _same(a: ExperimentResult, b: ExperimentResult) -> bool:
    return a.seed == b.seed and a.scenario == b.scenario and len(a.summary) == len(b.summary)


def unpaired_reason(base: ExperimentResult, other: ExperimentResult) -> str | None:
    """Why two results cannot be subtracted replication by replication (None when they can)."""
    if base.seed != other.seed:
        return f"seed {other.seed}, not {base.seed}"
    if len(base.summary) != len(other.summary):
        return f"{len(other.summary)} replications, not {len(base.summary)}"
    lengths = [(r.scenario.horizon_weeks, r.scenario.warmup_weeks) for r in (base, other)]
    if lengths[0] != lengths[1]:
        return f"{lengths[1][0]} weeks ({lengths[1][1]} warm-up), not {lengths[0][0]} ({lengths[0][1]})"
    return None


def paired_differences(base: Entry, others: list[Entry]) -> tuple[pd.DataFrame, list[str]]:
    """Each paired entry's change against ``base`` (compare's rows with a ``name``); and why the others are left out."""
    tables, left_out = [], []
    for other in others:
        reason = unpaired_reason(base.result, other.result)
        if reason is not None:
            left_out.append(f"{other.name}: {reason}")
            continue
        tables.append(compare(base.result, other.result).assign(name=other.name))
    return (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()), left_out


def _values(rows: list[Entry]) -> pd.DataFrame:
    frames = []
    for row in rows:
        intervals = row.result.intervals()
        frames.append(intervals.assign(name=row.name, role=row.role).rename(columns={"ci_low": "low",
                                                                                      "ci_high": "high"}))
    return pd.concat(frames, ignore_index=True)


def _panels(table: pd.DataFrame, *, change: bool, subtitle: str) -> None:
    for start in range(0, len(HEADLINE), 2):
        columns = st.columns(2)
        for column, (metric, label, _) in zip(columns, HEADLINE[start:start + 2], strict=False):
            rows = table[table["metric"] == metric]
            if rows.empty:
                continue
            title = f"{label}: change" if change else label
            chart = charts.titled(charts.interval_panel(rows, metric, change=change), title, subtitle,
                                  description=f"{title} for each run, with 95% intervals. {subtitle}")
            draw(chart, column)


def _table(rows: list[Entry], values: pd.DataFrame) -> None:
    shown = []
    for row in rows:
        mine = values[values["name"] == row.name].set_index("metric")
        record = {"run": row.name, "seed": row.result.seed, "replications": len(row.result.summary),
                  "weeks": row.result.scenario.horizon_weeks}
        for metric, label, unit in HEADLINE:
            scale = formatting.scale_of(metric)
            record[label] = f"{formatting.number(mine.loc[metric, 'mean'], scale)}{unit} " \
                            f"({formatting.number(mine.loc[metric, 'low'], scale)} to " \
                            f"{formatting.number(mine.loc[metric, 'high'], scale)})"
        shown.append(record)
    st.dataframe(pd.DataFrame(shown), hide_index=True)


def compare_runs(runs: dict[str, AppRun]) -> None:
    """The kept runs and their references side by side, and paired differences against one of them."""
    if len(runs) < 2:
        st.info("Runs you make are kept here for this session. Make another run (a different scenario or "
                "lever) to compare them side by side.")
    # a finished run joins the selection (app.py adds it); the user's own choices are kept otherwise
    st.session_state.setdefault("compare_runs", list(runs)[-4:])
    chosen = st.multiselect("Runs to compare", list(runs), key="compare_runs")
    if not chosen:
        return
    rows = entries(runs, chosen)
    values = _values(rows)
    seeds = sorted({row.result.seed for row in rows})
    subtitle = f"{len(rows)} runs · seed {', '.join(map(str, seeds))}"
    st.subheader("Each run and its reference")
    _table(rows, values)
    _panels(values[values["metric"].isin([h[0] for h in HEADLINE])], change=False, subtitle=subtitle)
    st.caption("Each point is a mean over replications, the bar its 95% confidence interval; grey rows are "
               "references. Overlapping bars do not mean no difference: paired runs are compared below.")
    st.subheader("Paired differences between runs")
    names = [row.name for row in rows]
    base_name = st.selectbox("Differences against", names, key="compare_base",
                             help="Each other run minus this one, replication by replication.")
    base = rows[names.index(base_name)]
    differences, left_out = paired_differences(base, [row for row in rows if row.name != base_name])
    if left_out:
        st.warning(md("Not paired with " + base_name + ", so not subtracted: " + "; ".join(left_out) + "."))
    if differences.empty:
        return
    low_high = [verdict.change_interval(r) for r in verdict.records(differences)]
    differences = differences.assign(mean=differences["diff_mean"], low=[lo for lo, _ in low_high],
                                     high=[hi for _, hi in low_high], role="run")
    _panels(differences, change=True, subtitle=f"minus {base_name} · seed {base.result.seed}")
    st.caption("Each point is a mean paired change against the run chosen above, the bar its 95% confidence "
               "interval: a bar that does not cross zero stands out from noise.")
