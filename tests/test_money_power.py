"""Money that follows the paperwork, productivity reviews, and the climate (issue 18, part 2 of the second edition).

Arithmetic the mechanisms fix exactly (a denial rate scales revenue and nothing else; a one-day claim window
leaves every late note unbilled; overhead is paid for vacant posts; the climate repairs exponentially), and the
direction of their effects on a small agency under common random numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.inputs.scenario import Scenario
from simulator.model.agency import Agency, simulate
from simulator.model.burnout import control_multiplier
from simulator.model.caseload import target_caseload
from simulator.model.events import Kind
from simulator.model.leaving import Hazard
from simulator.model.streams import Streams
from simulator.outputs.logcolumns import DayColumns
from simulator.outputs.metrics import summarize

SMALL = {"staff.clinicians": 12, "staff.admin_staff": 1, "demand.referrals_per_week": 41.0,
         "horizon_weeks": 60, "warmup_weeks": 8}


def small(**changes: object) -> Scenario:
    return Scenario().with_changes({**SMALL, **changes})


def summary(scenario: Scenario, replication: int = 0) -> dict[str, float]:
    return summarize(simulate(scenario, replication=replication), scenario)


# -- money ---------------------------------------------------------------------------------------------------------
def test_denials_scale_revenue_and_change_nothing_else() -> None:
    paid_all = summary(small(**{"costs.claim_denial_rate": 0.0}))
    denied = summary(small(**{"costs.claim_denial_rate": 0.25}))
    assert denied["revenue"] == pytest.approx(0.75 * paid_all["revenue"], rel=1e-12)
    assert denied["ee_mean"] == paid_all["ee_mean"]  # money does not feed back into the run
    assert denied["spending"] == paid_all["spending"]


def test_a_one_day_claim_window_leaves_every_late_note_unbilled() -> None:
    # Notes are due the day after the session, so with a one-day window a note is billable exactly when it is on time.
    scenario = small(**{"costs.claim_window_days": 1, "paperwork.note_due_days": 1, "paperwork.write_off_days": None})
    days = DayColumns.of(simulate(scenario))
    assert days.notes_late.sum() > 30  # the check has something to bite on
    assert int(days.unbilled_notes.sum()) == int(days.notes_late.sum())
    without = summary(scenario.with_changes({"costs.claim_window_days": None}))
    assert summary(scenario)["revenue"] < without["revenue"]


def test_billed_documentation_never_exceeds_the_sessions_that_created_it() -> None:
    log = simulate(small())
    days = DayColumns.of(log)
    regular = int((days.attended - days.intakes).sum())  # each attended non-intake session creates one note
    assert 0 < days.notes_done.sum() + days.notes_written_off.sum() <= regular
    assert 0 < days.assessments_done.sum() <= days.intakes.sum()


def test_overhead_is_paid_for_every_funded_post_filled_or_vacant() -> None:
    scenario = small(**{"turnover.base_annual_rate": 1.5})  # many vacancies
    out = summary(scenario)
    assert out["vacancy_rate"] > 0.05
    assert out["overhead_cost"] == pytest.approx(12 * scenario.costs.overhead_per_position_annual, rel=1e-9)
    assert out["spending"] == pytest.approx(out["clinician_pay"] + out["admin_pay"] + out["tool_cost"]
                                            + out["overhead_cost"] + out["turnover_cost"], rel=1e-12)
    assert out["net_margin"] == pytest.approx(out["revenue"] - out["spending"], rel=1e-9, abs=1e-6)


def test_unpaid_after_hours_is_valued_at_the_contracted_hourly_rate() -> None:
    scenario = small()
    log = simulate(scenario)
    out = summarize(log, scenario)
    days = DayColumns.of(log).between(log.warmup_days, log.horizon_days)
    hourly = scenario.costs.clinician_salary_annual / (scenario.staff.contract_hours_per_week * 365.25 / 7)
    years = (log.horizon_days - log.warmup_days) / 365.25
    assert out["unpaid_after_hours_value"] == pytest.approx(days.after_min.sum() / 60 * hourly / years, rel=1e-9)
    assert summary(small(**{"paperwork.after_hours_max_minutes_per_day": 0}))["unpaid_after_hours_value"] < \
        0.05 * out["unpaid_after_hours_value"]


# -- productivity --------------------------------------------------------------------------------------------------
def test_overbooking_sizes_the_caseload_for_the_expected_no_shows() -> None:
    # 0.65 x 40 h = 1,560 billable minutes a week; 53-minute weekly sessions; 20% no-shows.
    assert target_caseload(Scenario()) == math.floor(1560 / (53 * 0.8))  # 36
    assert target_caseload(Scenario().with_changes({"workload.overbooking": 0.0})) == math.floor(1560 / 53)  # 29


def test_without_overbooking_clinicians_fall_below_target_and_the_reviews_press_them() -> None:
    booked = [summary(small(), k) for k in range(2)]
    short = [summary(small(**{"workload.overbooking": 0.0}), k) for k in range(2)]
    assert np.mean([s["below_target_share"] for s in short]) > np.mean([s["below_target_share"] for s in booked]) + 0.2
    unpressed = [summary(small(**{"workload.overbooking": 0.0, "workload.below_target_strain": 0.0}), k)
                 for k in range(2)]
    assert np.mean([s["ee_mean"] for s in short]) > np.mean([s["ee_mean"] for s in unpressed])


def test_a_review_logs_billable_time_over_the_target_for_each_clinician_month() -> None:
    log = simulate(small())
    reviews = [e for e in log.events if e.kind == Kind.PRODUCTIVITY_REVIEW]
    months = 60 * 7 / (365.25 / 12)
    assert 0.5 * 12 * months < len(reviews) <= 12 * months + 40  # roughly one per clinician-month (hires add some)
    assert all(0.0 <= e.value < 3.0 for e in reviews)


# -- climate, control and voice ------------------------------------------------------------------------------------
def test_neutral_control_and_voice_change_nothing() -> None:
    neutral = Scenario()
    assert control_multiplier(neutral.climate) == 1.0
    assert Hazard.of(neutral).base_rate == neutral.turnover.base_annual_rate
    assert control_multiplier(neutral.with_changes({"climate.job_control": 0.0}).climate) == pytest.approx(1.2)
    voiced = neutral.with_changes({"climate.clinician_voice": 1.0})
    assert Hazard.of(voiced).base_rate == pytest.approx(0.8 * neutral.turnover.base_annual_rate)


def test_without_erosion_the_climate_never_moves() -> None:
    fast = small(**{"climate.turnover_erosion": 0.0, "climate.climate_repair_weeks": 1})
    slow = small(**{"climate.turnover_erosion": 0.0, "climate.climate_repair_weeks": 500})
    assert simulate(fast).days == simulate(slow).days


def test_the_climate_erodes_with_a_departure_and_repairs_exponentially() -> None:
    scenario = small(**{"turnover.enabled": False})
    agency = Agency(scenario, Streams(scenario.seed, 0))
    agency.start()
    agency.erode_climate()
    loss = scenario.climate.turnover_erosion / scenario.staff.clinicians
    assert agency.climate == pytest.approx(0.5 - loss, abs=1e-12)
    agency.run(until=100.0)
    agency.update_climate()
    expected = 0.5 - loss * math.exp(-agency.schedule.now / (7 * scenario.climate.climate_repair_weeks))
    assert agency.climate == pytest.approx(expected, rel=1e-9)
    assert agency.strain.evening_recovery_rate < Agency(scenario, Streams(1, 0)).strain.evening_recovery_rate


def test_low_job_control_raises_exhaustion() -> None:
    neutral = np.mean([summary(small(), k)["ee_mean"] for k in range(2)])
    controlled = np.mean([summary(small(**{"climate.job_control": 0.0}), k)["ee_mean"] for k in range(2)])
    assert controlled > neutral + 0.5
