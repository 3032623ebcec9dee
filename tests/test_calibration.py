"""The baseline against the evidence (spec 5, calibration.md section b): each checked target's band holds the mean.

The full baseline scenario (50 clinicians, 52 warm-up weeks and 3 measured years) is run for 8 replications once
per session; each target is then its own test so a miss names the metric.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from simulator.experiments.experiment import ExperimentResult, run_experiment
from simulator.experiments.validation import TARGETS, calibration_table
from simulator.inputs.scenario import Scenario

pytestmark = pytest.mark.slow

REPLICATIONS = 8
CHECKED = [target.metric for target in TARGETS if target.checked]


@pytest.fixture(scope="module")
def table(load: Callable[[str], Scenario],
          once: Callable[[str, Callable[[], ExperimentResult]], ExperimentResult]) -> pd.DataFrame:
    scenario = load("baseline.yaml")
    assert (scenario.horizon_weeks, scenario.warmup_weeks, scenario.staff.clinicians) == (208, 52, 50)
    result = once("calibration-baseline", lambda: run_experiment(scenario, replications=REPLICATIONS, jobs=2))
    assert len(result.summary) == REPLICATIONS
    return calibration_table(result.summary).set_index("metric")


def test_every_target_is_reported(table: pd.DataFrame) -> None:
    assert list(table.index) == [target.metric for target in TARGETS]
    assert len(CHECKED) >= 8
    assert table.simulated.loc[CHECKED].notna().all()


@pytest.mark.parametrize("metric", CHECKED)
def test_baseline_mean_is_within_the_target_band(table: pd.DataFrame, metric: str) -> None:
    row = table.loc[metric]
    assert row.band_low <= row.simulated <= row.band_high, row.to_dict()
    assert row.within_band
