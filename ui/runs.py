"""A finished paired run as the session keeps it, and the six headline figures an administrator reads first."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from simulator.experiments.experiment import ExperimentResult, compare
from simulator.inputs.diff import Difference
from simulator.inputs.scenario import Scenario
from simulator.outputs.metrics import METRICS
from ui.question import Question

__all__ = ["HEADLINE", "LABELS", "MAX_KEPT_RUNS", "AppRun", "keep_run", "subtitle"]

# Assumption: more than a screenful of runs is not read side by side, and a session's memory stays bounded.
MAX_KEPT_RUNS = 20

LABELS = {m.name: m.label for m in METRICS}

# The administrator's answer: (metric, short label, unit after the number)
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("departures_per_year", "Departures per year", ""),
    ("ee_high_share", "Share with EE ≥ 27", ""),
    ("wait_days_first_session_mean", "Wait to first session", " days"),
    ("sessions_per_week", "Sessions delivered", " /week"),
    ("clients_lost", "Clients lost", ""),
    ("net_margin", "Net margin per year", ""),
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
    reference_trace: pd.DataFrame | None = None
    question: Question | None = field(default=None, compare=False)
    notes: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()

    @property
    def same_as_reference(self) -> bool:
        return self.policy.summary.equals(self.baseline.summary)

    @property
    def replications(self) -> int:
        return len(self.policy.summary)

    @property
    def seed(self) -> int:
        return self.policy.seed

    @property
    def measured_years(self) -> float:
        return (self.scenario.horizon_weeks - self.scenario.warmup_weeks) * 7 / 365.25

    def comparison(self) -> pd.DataFrame:
        table = compare(self.baseline, self.policy)
        table.insert(1, "label", table.metric.map(LABELS))
        return table


def subtitle(run: AppRun) -> str:
    """What a chart of ``run`` shows, for its subtitle: both sides, replications and seed."""
    return (f"{run.label} against {run.reference_label} · {run.replications} paired replications of "
            f"{run.scenario.horizon_weeks} weeks · seed {run.seed}")


def keep_run(runs: dict[str, AppRun], label: str, run: AppRun, cap: int = MAX_KEPT_RUNS) -> list[str]:
    """Add ``run`` to the session's runs, dropping the oldest beyond ``cap``; the labels dropped."""
    runs[label] = run
    dropped = list(runs)[:-cap] if len(runs) > cap else []
    for old in dropped:
        del runs[old]
    return dropped
