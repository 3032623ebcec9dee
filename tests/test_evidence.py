"""The evidence tables' arithmetic on small, known inputs: the stability and cascade statistics, the stationarity
checks, and the intervention rows' units and verdicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.experiments.evidence import (
    INTERVENTIONS,
    cascade_correlation,
    intervention_rows,
    stationarity_rows,
    weekly_stability,
)
from simulator.experiments.experiment import ExperimentResult, run_experiment
from simulator.inputs.scenario import Scenario


def _result(weekly: pd.DataFrame, scenario: Scenario | None = None) -> ExperimentResult:
    return ExperimentResult(scenario or Scenario(), 1, pd.DataFrame({"replication": [0]}), weekly, None, 0.0, 0)


def test_weekly_stability_is_the_largest_week_to_week_change_after_the_warm_up() -> None:
    weekly = pd.DataFrame({"replication": [0] * 5 + [1] * 5, "week": list(range(5)) * 2,
                           "warmup": [True, False, False, False, False] * 2,
                           "ee_mean": [0.0, 20, 21, 19.5, 20, 50.0, 22, 22, 22.5, 22.5]})
    # the jumps out of the warm-up (0 -> 20, 50 -> 22) do not count
    np.testing.assert_allclose(weekly_stability(_result(weekly)), [1.5, 0.5])


def test_cascade_correlation_is_weekly_vacancies_against_hours_worked_per_replication() -> None:
    weekly = pd.DataFrame({"replication": [0] * 4, "week": range(4), "warmup": [False] * 4,
                           "vacancies": [1.0, 2, 3, 4], "hours_worked": [40.0, 42, 44, 46]})
    np.testing.assert_allclose(cascade_correlation(_result(weekly)), [1.0])


def test_stationarity_compares_the_last_two_years_with_the_first_two_measured_years() -> None:
    scenario = Scenario().with_changes({"horizon_weeks": 260, "warmup_weeks": 26})
    weeks = np.arange(260)
    weekly = pd.concat([pd.DataFrame({"replication": r, "week": weeks, "warmup": weeks < 26,
                                      "backlog_hours": np.where(weeks >= 156, 30.0 + r, 20.0 + r),
                                      "ee_mean": np.where(weeks >= 156, 23.0, 22.0),
                                      "departures": np.ones(260)}) for r in range(3)])
    checks = {c.name.split(" (")[0]: c for c in stationarity_rows(_result(weekly, scenario))}
    backlog = checks["stationary backlog_hours"]
    assert backlog.simulated == pytest.approx(31.0 / 21.0)  # last two years 30-32, first two measured 20-22
    assert not backlog.passes  # 1.48x: more than 1.25x
    ee = checks["stationary ee_mean"]
    assert ee.simulated == pytest.approx(1.0)
    assert ee.passes
    assert checks["stationary departures"].simulated == pytest.approx(1.0)


@pytest.mark.slow
def test_intervention_rows_state_each_effect_in_its_unit_and_check_its_band() -> None:
    base_scenario = Scenario().with_changes({"staff.clinicians": 12, "demand.referrals_per_week": 40,
                                             "horizon_weeks": 40, "warmup_weeks": 8})
    base = run_experiment(base_scenario, replications=3, jobs=2)
    runs = {item.name: run_experiment(base_scenario.with_changes(item.changes), replications=3, jobs=2)
            for item in INTERVENTIONS}
    rows = {row["intervention"]: row for row in intervention_rows(base, runs)}
    assert set(rows) == {item.name for item in INTERVENTIONS}
    scribe = rows["Ambient AI scribe: burnout"]
    paired = runs[scribe["intervention"]].summary.ee_high_share - base.summary.ee_high_share
    assert scribe["simulated"] == pytest.approx(100 * paired.mean())  # in percentage points
    lukac = rows["Ambient AI scribe at low use"]
    paired_ee = runs[lukac["intervention"]].summary.ee_mean - base.summary.ee_mean
    assert lukac["simulated"] == pytest.approx(paired_ee.mean() / base.summary.ee_sd.mean())  # in SDs of EE
    for row in rows.values():
        assert row["ci_low"] <= row["simulated"] <= row["ci_high"] or math.isnan(row["ci_low"])
        assert row["passes"] == (row["band_low"] <= row["simulated"] <= row["band_high"])
