"""Pure formulas and samplers against values worked out by hand (or by an independent textbook formula).

Each expected value is written as the arithmetic that produces it, with the scenario parameters spelled out, so a
reader can check it on paper and a changed default cannot silently change what is being tested.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator.experiments.experiment import t_quantile
from simulator.experiments.validation import erlang_c, mmc_expectations
from simulator.inputs.scenario import Burnout, Climate, Scenario
from simulator.model import burnout as bo
from simulator.model.caseload import caseload_goal, ramp, target_caseload
from simulator.model.clinician import evening_minutes
from simulator.model.events import DAY_FIELDS, EventLog, Kind
from simulator.model.leaving import Hazard
from simulator.model.streams import Stream, lognormal_params
from simulator.outputs import metrics
from simulator.outputs.logcolumns import DayColumns, EventColumns

# Explicit parameters (not the defaults), so the hand arithmetic below stays true if defaults are recalibrated.
B = Burnout(session_weight=1.0, paperwork_weight=1.5, after_hours_weight=2.0, ee_per_load_hour=0.2,
            late_task_ee=0.05, recovery_per_rest_hour=0.02, evening_rest_hours=6, rest_day_hours=16,
            efficiency_loss=0.4, ee_time_constant_weeks=10)
NEUTRAL = Climate(supervisor_support=0.5, support_recovery_gain=0.6, support_turnover_buffer=0.6)
SUPPORTIVE = Climate(supervisor_support=0.8, support_recovery_gain=0.5, support_turnover_buffer=0.6)
STRAIN = bo.Strain.of(B, NEUTRAL)


# -- strain and exhaustion -------------------------------------------------------------------------------------
def test_workday_load_weighs_each_kind_of_minute() -> None:
    # 5 h of sessions, 2 h at the desk, 1 h after hours: 5 x 1.0 + 2 x 1.5 + 1 x 2.0 = 10 weighted hours.
    assert STRAIN.load_hours(300, 120, 60) == pytest.approx(10.0, abs=1e-12)
    assert STRAIN.load_hours(0, 0, 0) == 0.0


def test_strain_accrues_over_the_workday_then_recovers_over_the_evening_left() -> None:
    # accrued = 20 + susceptibility 1.2 x 0.2 points/h x 10 h + 0.05 x 3 late tasks = 22.55
    # 1 h after hours leaves 6 - 1 = 5 rest hours; neutral support: recovery multiplier 1
    expected = (20 + 1.2 * 0.2 * 10 + 0.05 * 3) * math.exp(-0.02 * 1.0 * 5)
    assert STRAIN.after_workday(20, 10, 3, 60, 1.2) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(22.55 * math.exp(-0.1), rel=1e-12)


def test_support_speeds_recovery() -> None:
    # support 0.8 with gain 0.5: multiplier 1 + 0.5 x (0.8 - 0.5) = 1.15
    assert bo.recovery_multiplier(SUPPORTIVE) == pytest.approx(1.15, abs=1e-12)
    supported = bo.Strain.of(B, SUPPORTIVE)
    assert supported.after_workday(10, 4, 0, 0, 1.0) == pytest.approx((10 + 0.2 * 4) * math.exp(-0.02 * 1.15 * 6),
                                                                      rel=1e-12)
    assert supported.after_rest_day(30) == pytest.approx(30 * math.exp(-0.02 * 1.15 * 16), rel=1e-12)
    assert STRAIN.after_rest_day(30) == pytest.approx(30 * math.exp(-0.02 * 16), rel=1e-12)


def test_after_hours_beyond_the_evening_leave_no_recovery() -> None:
    # 8 h after hours > 6 h of evening: rest is 0 (not negative), so strain is exactly what accrued.
    assert STRAIN.after_workday(10, 5, 0, 480, 1.0) == pytest.approx(10 + 0.2 * 5, abs=1e-12)


def test_very_poor_support_stops_recovery_but_never_reverses_it() -> None:
    # 1 + 5 x (0 - 0.5) = -1.5 would make rest *raise* strain; the multiplier floors at 0.
    hostile = Climate(supervisor_support=0.0, support_recovery_gain=5.0)
    assert bo.recovery_multiplier(hostile) == 0.0
    assert bo.Strain.of(B, hostile).after_rest_day(30) == 30


def test_strain_is_clipped_to_the_mbi_range() -> None:
    assert STRAIN.after_workday(53, 40, 100, 480, 2.0) == 54.0
    assert STRAIN.after_workday(-5, 0, 0, 0, 1.0) == 0.0


def test_exhaustion_follows_strain_with_its_time_constant() -> None:
    # A day closes 1 - exp(-1 / 70) of the gap (10 weeks = 70 days); after 70 days at a steady strain of 40, EE that
    # started at 10 has closed 1 - exp(-1) of the 30 points: 10 + 30 x 0.632 = 28.96.
    assert STRAIN.ee_step == pytest.approx(1 - math.exp(-1 / 70), rel=1e-12)
    ee = 10.0
    for _ in range(70):
        ee = STRAIN.ee_toward(ee, 40.0)
    assert ee == pytest.approx(10 + 30 * (1 - math.exp(-1)), rel=1e-9)
    assert STRAIN.ee_toward(25.0, 25.0) == 25.0  # at strain, EE stays


def test_a_bad_week_moves_strain_a_lot_and_exhaustion_little() -> None:
    # Four extra strain points a day for a week, after which strain recovers: EE, the chronic state, moves by a
    # fraction of what strain did (the two time scales of the model).
    strain = ee = 20.0
    for _ in range(7):
        strain = min(54.0, strain + 4.0)
        ee = STRAIN.ee_toward(ee, strain)
    assert strain - 20.0 == 28.0
    assert ee - 20.0 < 2.0


def test_desk_slowdown() -> None:
    assert STRAIN.desk_slowdown(0) == 1.0
    assert STRAIN.desk_slowdown(27) == pytest.approx(1 + 0.4 * 27 / 54, abs=1e-12)  # 1.2
    assert STRAIN.desk_slowdown(54) == pytest.approx(1.4, abs=1e-12)


# -- resignation -----------------------------------------------------------------------------------------------
def _hazard(turnover: dict[str, float], climate: Climate = NEUTRAL) -> Hazard:
    return Hazard.of(Scenario().with_changes({**{f"turnover.{k}": v for k, v in turnover.items()},
                                              **{f"climate.{k}": getattr(climate, k) for k in
                                                 ("supervisor_support", "support_turnover_buffer")}}))


def test_effective_burnout_ratio_is_neutral_at_support_one_half() -> None:
    assert _hazard({"burnout_hazard_ratio": 2.0}).burnout_ratio == pytest.approx(2.0, abs=1e-12)
    # support 0.8, buffer 0.6: excess 1.0 x (1 - 0.6 x 0.3) = 0.82
    assert _hazard({"burnout_hazard_ratio": 2.0}, SUPPORTIVE).burnout_ratio == pytest.approx(1.82, abs=1e-12)
    # poor support (0.0) widens the excess: 1 + 1.0 x (1 + 0.6 x 0.5) = 2.3
    poor = Climate(supervisor_support=0.0, support_turnover_buffer=0.6)
    assert _hazard({"burnout_hazard_ratio": 2.0}, poor).burnout_ratio == pytest.approx(2.3, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(ratio=st.floats(1, 10), buffer=st.floats(0, 2), low=st.floats(0, 1), high=st.floats(0, 1))
def test_effective_burnout_ratio_falls_with_support_and_stays_at_least_one(ratio: float, buffer: float, low: float,
                                                                          high: float) -> None:
    low, high = min(low, high), max(low, high)
    at_low = _hazard({"burnout_hazard_ratio": ratio}, Climate(supervisor_support=low, support_turnover_buffer=buffer))
    at_high = _hazard({"burnout_hazard_ratio": ratio},
                      Climate(supervisor_support=high, support_turnover_buffer=buffer))
    assert 1.0 <= at_high.burnout_ratio <= at_low.burnout_ratio + 1e-12


def test_the_annual_rate_multiplies_tenure_burnout_and_empty_posts() -> None:
    h = _hazard({"base_annual_rate": 0.2, "burnout_hazard_ratio": 2.5, "first_year_hazard_ratio": 1.5,
                 "contagion": 2.0})
    year = 365.25
    assert h.annual_rate(10.0, 2 * year, 0.0) == pytest.approx(0.2, abs=1e-12)  # settled, not burned out, no gaps
    assert h.annual_rate(27.0, 2 * year, 0.0) == pytest.approx(0.2 * 2.5, abs=1e-12)  # at the threshold
    assert h.annual_rate(26.99, 2 * year, 0.0) == pytest.approx(0.2, abs=1e-12)
    assert h.annual_rate(10.0, 100.0, 0.0) == pytest.approx(0.2 * 1.5, abs=1e-12)  # first year
    assert h.annual_rate(10.0, 2 * year, 0.1) == pytest.approx(0.2 * (1 + 2.0 * 0.1), abs=1e-12)  # 10% posts empty
    assert h.annual_rate(30.0, 10.0, 0.25) == pytest.approx(0.2 * 1.5 * 2.5 * 1.5, abs=1e-12)  # all three


def test_resignation_probability_is_a_constant_hazard_over_workdays() -> None:
    workdays_per_year = 5 * 365.25 / 7  # 260.89
    assert abs(bo.WORKDAYS_PER_YEAR - workdays_per_year) < 1e-12
    h = _hazard({"base_annual_rate": 0.26, "first_year_hazard_ratio": 1.0, "contagion": 0.0})
    one_day = h.daily_probability(0.0, 1000.0, 0.0)
    assert one_day == pytest.approx(1 - math.exp(-0.26 / workdays_per_year), rel=1e-12)
    # Over a year of workdays the hazard compounds to 1 - exp(-rate), however the year is cut up.
    assert 1 - (1 - one_day) ** workdays_per_year == pytest.approx(1 - math.exp(-0.26), rel=1e-9)
    assert _hazard({"base_annual_rate": 0.0}).daily_probability(50.0, 0.0, 1.0) == 0.0


# -- caseload --------------------------------------------------------------------------------------------------
def _workload(changes: dict[str, float] | None = None) -> Scenario:
    base = {"workload.productivity_target": 0.65, "staff.contract_hours_per_week": 40, "workload.session_minutes": 53,
            "demand.sessions_per_week": 1.0, "demand.no_show_rate": 0.2, "workload.caseload_cap": 40}
    return Scenario().with_changes({**base, **(changes or {})})


def test_target_caseload_meets_the_productivity_target() -> None:
    # 0.65 x 40 h x 60 = 1560 billable min/week; a client yields 53 x 1 x (1 - 0.2) = 42.4 attended min/week
    assert target_caseload(_workload()) == math.floor(1560 / 42.4) == 36  # 36.79 rounded down


def test_target_caseload_is_bounded_by_the_cap() -> None:
    assert target_caseload(_workload({"workload.caseload_cap": 30})) == 30
    assert target_caseload(_workload({"workload.caseload_cap": 36})) == 36
    assert target_caseload(_workload({"workload.caseload_cap": 37})) == 36


def test_target_caseload_shrinks_when_no_shows_fall() -> None:
    # fewer no-shows, more attended minutes per client: 1560 / (53 x 0.9) = 32.7 -> 32
    assert target_caseload(_workload({"demand.no_show_rate": 0.1})) == 32
    # every session missed: no client is billable, the cap decides
    assert target_caseload(_workload({"demand.no_show_rate": 1.0})) == 40


def test_target_caseload_is_exact_at_whole_numbers_and_at_least_one() -> None:
    # 0.5 x 30 h x 60 = 900; 60 x 1 x (1 - 0.7) = 18; 900 / 18 = 50 exactly (49.999... in floating point)
    s = _workload({"workload.productivity_target": 0.5, "staff.contract_hours_per_week": 30,
                   "workload.session_minutes": 60, "demand.no_show_rate": 0.7, "workload.caseload_cap": 500})
    assert target_caseload(s) == 50
    tiny = _workload({"workload.productivity_target": 0.05, "staff.contract_hours_per_week": 10,
                      "workload.session_minutes": 180, "demand.sessions_per_week": 5})
    assert target_caseload(tiny) == 1  # 30 / 900 rounds down to 0, but a clinician carries at least one client


def test_the_caseload_goal_covers_empty_posts_and_the_waitlist_up_to_the_overload_limit_and_the_cap() -> None:
    goal = caseload_goal
    assert goal(36, cap=45, overload=0.25, cover=0.0, pressure=0.0) == 36  # nothing to cover
    assert goal(36, cap=45, overload=0.25, cover=0.1, pressure=0.0) == math.floor(36 * 1.1)  # 39: 10% posts empty
    assert goal(36, cap=45, overload=0.25, cover=0.0, pressure=0.5) == math.floor(36 * 1.125)  # half the overload
    assert goal(36, cap=45, overload=0.25, cover=0.1, pressure=1.0) == 45  # the larger ask: 36 x 1.25 = 45
    assert goal(36, cap=45, overload=0.25, cover=0.9, pressure=0.0) == 45  # never beyond the overload limit
    assert goal(36, cap=40, overload=0.25, cover=0.9, pressure=0.0) == 40  # nor beyond the cap
    assert goal(30, cap=30, overload=0.25, cover=0.9, pressure=1.0) == 30  # a target at the cap stays there
    assert goal(36, cap=45, overload=0.0, cover=0.5, pressure=1.0) == 36  # no overload: the target


@settings(max_examples=100, deadline=None)
@given(target=st.integers(1, 60), cap=st.integers(1, 80), overload=st.floats(0, 1), cover=st.floats(0, 2),
       pressure=st.floats(0, 1))
def test_the_caseload_goal_never_falls_below_the_target_nor_rises_above_the_limits(
        target: int, cap: int, overload: float, cover: float, pressure: float) -> None:
    target = min(target, cap)  # the model's target is already within the cap
    got = caseload_goal(target, cap=cap, overload=overload, cover=cover, pressure=pressure)
    assert target <= got <= max(target, min(cap, math.floor(target * (1 + overload) + 1e-9)))


def test_evening_work_does_a_little_urgent_work_in_full_and_much_with_diminishing_returns() -> None:
    assert evening_minutes(0.0, 120.0) == 0.0
    assert evening_minutes(30.0, 0.0) == 0.0  # the cap is used up
    assert evening_minutes(10.0, 120.0) == pytest.approx(120 * (1 - math.exp(-10 / 120)), rel=1e-12)  # 9.6 of 10
    assert evening_minutes(120.0, 120.0) == pytest.approx(120 * (1 - math.exp(-1)), rel=1e-12)  # 75.9
    assert evening_minutes(10_000.0, 120.0) == pytest.approx(120.0, rel=1e-12)  # never beyond the cap
    # No cliff: each further urgent minute adds less, smoothly (the knife edge the first edition had)
    steps = [evening_minutes(u, 120.0) for u in range(0, 600, 30)]
    gains = np.diff(steps)
    assert np.all(gains > 0)
    assert np.all(np.diff(gains) < 0)


def test_ramp_is_linear_over_the_onboarding_weeks() -> None:
    assert ramp(0, 12) == 0.0
    assert ramp(42, 12) == pytest.approx(0.5, abs=1e-12)  # 6 of 12 weeks
    assert ramp(84, 12) == 1.0
    assert ramp(200, 12) == 1.0
    assert ramp(-3, 12) == 0.0
    assert ramp(0, 0) == 1.0


# -- random streams --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mean", "sd"), [(15, 6), (17, 8), (1.0, 3.0), (45, 0.5)])
def test_lognormal_params_reproduce_the_moments(mean: float, sd: float) -> None:
    mu, sigma = lognormal_params(mean, sd)
    assert math.exp(mu + sigma**2 / 2) == pytest.approx(mean, rel=1e-12)
    assert math.sqrt(math.expm1(sigma**2)) * mean == pytest.approx(sd, rel=1e-12)


N = 200_000


def _stream(seed: int) -> Stream:
    return Stream(np.random.default_rng(seed))


@pytest.mark.parametrize("mean", [1.4, 16.0])
def test_geometric_draws_have_the_requested_mean(mean: float) -> None:
    stream = _stream(1)
    draws = np.array([stream.geometric(mean) for _ in range(N)])
    p = 1 / mean
    se = math.sqrt((1 - p) / p**2 / N)  # sd of a geometric on 1, 2, ... is sqrt(1 - p) / p
    assert draws.min() >= 1
    assert abs(draws.mean() - mean) < 4 * se
    assert abs((draws == 1).mean() - p) < 4 * math.sqrt(p * (1 - p) / N)  # P(X = 1) = p
    assert _stream(2).geometric(1.0) == 1
    assert _stream(2).geometric(0.5) == 1


@pytest.mark.parametrize(("mean", "sd"), [(15.0, 6.0), (17.0, 8.0)])
def test_lognormal_draws_have_the_requested_mean_and_sd(mean: float, sd: float) -> None:
    stream = _stream(3)
    draws = np.array([stream.lognormal(mean, sd) for _ in range(N)])
    _, sigma = lognormal_params(mean, sd)
    s2 = sigma**2
    excess_kurtosis = math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 6
    se_mean = sd / math.sqrt(N)
    se_sd = sd * math.sqrt((excess_kurtosis + 2) / N) / 2  # delta method on the sample variance
    assert draws.min() > 0
    assert abs(draws.mean() - mean) < 4 * se_mean
    assert abs(draws.std(ddof=1) - sd) < 4 * se_sd
    assert _stream(4).lognormal(mean, 0.0) == mean


def test_exponential_draws_have_the_requested_mean() -> None:
    stream = _stream(5)
    draws = np.array([stream.exponential(1.4) for _ in range(N)])
    assert abs(draws.mean() - 1.4) < 4 * 1.4 / math.sqrt(N)
    assert abs(np.median(draws) - 1.4 * math.log(2)) < 0.02


# -- statistics ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.005, 0.025, 0.05, 0.9, 0.95, 0.975, 0.995])
def test_t_quantile_is_exact_for_one_and_two_degrees_of_freedom(p: float) -> None:
    for df in (1, 2):
        assert t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-9)


@pytest.mark.parametrize("p", [0.9, 0.95, 0.975])
def test_t_quantile_matches_scipy_up_to_200_degrees_of_freedom(p: float) -> None:
    # The quantiles behind 80-95% two-sided intervals. The worst case is df = 3 at p = 0.975 (3.1786 against
    # 3.1824): 0.12% narrower, far below replication noise. From df = 4 on the error is below 1e-3.
    for df in range(1, 201):
        exact = float(stats.t.ppf(p, df))
        assert t_quantile(p, df) == pytest.approx(exact, rel=2e-3), df
        if df >= 4:
            assert t_quantile(p, df) == pytest.approx(exact, abs=1e-3), df


def _erlang_c_textbook(c: int, a: Fraction) -> Fraction:
    """C(c, a) = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! + (a^c / c!) (c / (c - a))), in exact arithmetic."""
    tail = a**c / math.factorial(c) * c / (c - a)
    return tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)


def test_erlang_c_known_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-15)
    for rho in (0.1, 0.5, 0.8, 0.99):
        assert erlang_c(1, rho) == pytest.approx(rho, abs=1e-15)  # M/M/1: P(wait) = rho
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 5.0) == 1.0


@pytest.mark.parametrize(("servers", "load"), [(2, Fraction(3, 2)), (5, Fraction(4)), (5, Fraction(7, 2)),
                                                (10, Fraction(9)), (50, Fraction(45)), (200, Fraction(180)),
                                                (700, Fraction(680)), (1800, Fraction(1750))])
def test_erlang_c_matches_the_textbook_formula(servers: int, load: Fraction) -> None:
    assert erlang_c(servers, float(load)) == pytest.approx(float(_erlang_c_textbook(servers, load)), rel=1e-9)


def test_mmc_expectations_by_hand() -> None:
    # c = 1 clinician x 5 slots; service 7 x 1 / 5 = 1.4 days; lambda = 20 / 7 per day; a = 4; Wq = C / (c mu - lambda)
    s = Scenario().with_changes({"staff.clinicians": 1, "workload.caseload_cap": 5, "workload.productivity_target": 1.0,
                                 "demand.referrals_per_week": 20, "demand.mean_sessions_per_episode": 1,
                                 "demand.sessions_per_week": 5, "demand.no_show_rate": 0.0})
    expected = mmc_expectations(s)
    c_wait = float(_erlang_c_textbook(5, Fraction(4)))
    assert expected["servers"] == 5
    assert expected["utilisation"] == pytest.approx(0.8, abs=1e-12)
    assert expected["prob_wait"] == pytest.approx(c_wait, rel=1e-12)
    assert expected["wait_days_assignment_mean"] == pytest.approx(c_wait * 1.4 / (5 - 4), rel=1e-12)


# -- the snapshot risk ratio -----------------------------------------------------------------------------------
def _snapshot_log(ee: list[float], resigned_on: dict[int, float], last_day: int = 400) -> EventLog:
    """Day records of clinicians 0..n-1 on day 0 (EE as given) and on ``last_day``; resignations on given days."""
    log = EventLog()
    fields = dict.fromkeys(DAY_FIELDS, 0)
    for day in (0, last_day):
        for who, level in enumerate(ee):
            add_day: Any = log.add_day
            add_day(**{**fields, "day": day, "clinician": who, "status": 0, "ee": level, "strain": level,
                       "capacity": 0.0, "contract_min": 0.0})
    for who, when in sorted(resigned_on.items(), key=lambda item: item[1]):
        log.add(when, Kind.RESIGN, who, -1, ee[who])
    return log


def test_the_exit_ratio_is_the_risk_of_resigning_within_a_year_of_a_snapshot_high_ee_over_the_rest() -> None:
    # Two burned out (EE >= 27), both resign within the year: risk 2/2. Four others, one resigns: risk 1/4.
    log = _snapshot_log([30, 28, 10, 12, 20, 26], {0: 100.0, 1: 363.0, 2: 200.0})
    assert metrics.burned_out_exit_ratio(EventColumns.of(log), DayColumns.of(log), 27.0) == pytest.approx(4.0)
    # A resignation after the 52 weeks of follow-up does not count: then nobody low-EE left, and the ratio is NaN.
    late = _snapshot_log([30, 28, 10, 12], {0: 100.0, 2: 380.0})
    assert math.isnan(metrics.burned_out_exit_ratio(EventColumns.of(late), DayColumns.of(late), 27.0))
    # A window shorter than a year of follow-up has no snapshot at all.
    short = _snapshot_log([30, 10], {0: 10.0}, last_day=300)
    assert math.isnan(metrics.burned_out_exit_ratio(EventColumns.of(short), DayColumns.of(short), 27.0))
