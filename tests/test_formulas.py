"""Pure formulas and samplers against values worked out by hand (or by an independent textbook formula).

Each expected value is written as the arithmetic that produces it, with the scenario parameters spelled out, so a
reader can check it on paper and a changed default cannot silently change what is being tested.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator.experiments.experiment import t_quantile
from simulator.experiments.validation import erlang_c, mmc_expectations
from simulator.inputs.scenario import Burnout, Climate, Scenario, Turnover
from simulator.model import burnout as bo
from simulator.model.caseload import ramp, target_caseload
from simulator.model.streams import Stream, lognormal_params

# Explicit parameters (not the defaults), so the hand arithmetic below stays true if defaults are recalibrated.
B = Burnout(session_weight=1.0, paperwork_weight=1.5, after_hours_weight=2.0, ee_per_load_hour=0.2,
            late_task_ee=0.05, recovery_per_rest_hour=0.02, evening_rest_hours=6, rest_day_hours=16,
            efficiency_loss=0.4)
NEUTRAL = Climate(supervisor_support=0.5, support_recovery_gain=0.6, support_turnover_buffer=0.6)
SUPPORTIVE = Climate(supervisor_support=0.8, support_recovery_gain=0.5, support_turnover_buffer=0.6)


# -- burnout ---------------------------------------------------------------------------------------------------
def test_workday_load_weighs_each_kind_of_minute() -> None:
    # 5 h of sessions, 2 h at the desk, 1 h after hours: 5 x 1.0 + 2 x 1.5 + 1 x 2.0 = 10 weighted hours.
    assert bo.workday_load_hours(300, 120, 60, B) == pytest.approx(10.0, abs=1e-12)
    assert bo.workday_load_hours(0, 0, 0, B) == 0.0


def test_ee_after_workday_accrues_then_recovers_over_the_evening_left() -> None:
    # accrued = 20 + susceptibility 1.2 x 0.2 EE/h x 10 h + 0.05 x 3 late tasks = 22.55
    # 1 h after hours leaves 6 - 1 = 5 rest hours; neutral support: recovery multiplier 1
    expected = (20 + 1.2 * 0.2 * 10 + 0.05 * 3) * math.exp(-0.02 * 1.0 * 5)
    got = bo.ee_after_workday(20, load_hours=10, late_tasks=3, after_min=60, susceptibility=1.2, b=B, c=NEUTRAL)
    assert got == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(22.55 * math.exp(-0.1), rel=1e-12)


def test_support_speeds_recovery() -> None:
    # support 0.8 with gain 0.5: multiplier 1 + 0.5 x (0.8 - 0.5) = 1.15
    assert bo.recovery_multiplier(SUPPORTIVE) == pytest.approx(1.15, abs=1e-12)
    expected = (10 + 0.2 * 4) * math.exp(-0.02 * 1.15 * 6)
    got = bo.ee_after_workday(10, load_hours=4, late_tasks=0, after_min=0, susceptibility=1.0, b=B, c=SUPPORTIVE)
    assert got == pytest.approx(expected, rel=1e-12)


def test_after_hours_beyond_the_evening_leave_no_recovery() -> None:
    # 8 h after hours > 6 h of evening: rest is 0 (not negative), so EE is exactly what accrued.
    got = bo.ee_after_workday(10, load_hours=5, late_tasks=0, after_min=480, susceptibility=1.0, b=B, c=NEUTRAL)
    assert got == pytest.approx(10 + 0.2 * 5, abs=1e-12)


def test_ee_after_rest_day() -> None:
    assert bo.ee_after_rest_day(30, b=B, c=NEUTRAL) == pytest.approx(30 * math.exp(-0.02 * 16), rel=1e-12)
    assert bo.ee_after_rest_day(30, b=B, c=SUPPORTIVE) == pytest.approx(30 * math.exp(-0.02 * 1.15 * 16), rel=1e-12)


def test_very_poor_support_stops_recovery_but_never_reverses_it() -> None:
    # 1 + 5 x (0 - 0.5) = -1.5 would make rest *raise* EE; the multiplier floors at 0.
    hostile = Climate(supervisor_support=0.0, support_recovery_gain=5.0)
    assert bo.recovery_multiplier(hostile) == 0.0
    assert bo.ee_after_rest_day(30, b=B, c=hostile) == 30


def test_ee_is_clipped_to_the_mbi_range() -> None:
    top = bo.ee_after_workday(53, load_hours=40, late_tasks=100, after_min=480, susceptibility=2.0, b=B, c=NEUTRAL)
    assert top == 54.0
    assert bo.ee_after_workday(-5, load_hours=0, late_tasks=0, after_min=0, susceptibility=1.0, b=B, c=NEUTRAL) == 0
    assert bo.ee_after_rest_day(60, b=B.model_copy(update={"recovery_per_rest_hour": 0.0}), c=NEUTRAL) == 54.0
    assert bo.ee_after_rest_day(-1, b=B, c=NEUTRAL) == 0.0


def test_desk_slowdown() -> None:
    assert bo.desk_slowdown(0, B) == 1.0
    assert bo.desk_slowdown(27, B) == pytest.approx(1 + 0.4 * 27 / 54, abs=1e-12)  # 1.2
    assert bo.desk_slowdown(54, B) == pytest.approx(1.4, abs=1e-12)


# -- resignation -----------------------------------------------------------------------------------------------
def test_effective_hazard_ratio_is_neutral_at_support_one_half() -> None:
    t = Turnover(burnout_hazard_ratio=2.0)
    assert bo.effective_hazard_ratio(t, NEUTRAL) == pytest.approx(2.0, abs=1e-12)
    # support 0.8, buffer 0.6: excess 1.0 x (1 - 0.6 x 0.3) = 0.82
    assert bo.effective_hazard_ratio(t, SUPPORTIVE) == pytest.approx(1.82, abs=1e-12)
    # poor support (0.0) widens the excess: 1 + 1.0 x (1 + 0.6 x 0.5) = 2.3
    poor = Climate(supervisor_support=0.0, support_turnover_buffer=0.6)
    assert bo.effective_hazard_ratio(t, poor) == pytest.approx(2.3, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(ratio=st.floats(1, 10), buffer=st.floats(0, 2), low=st.floats(0, 1), high=st.floats(0, 1))
def test_effective_hazard_ratio_falls_with_support_and_stays_at_least_one(ratio: float, buffer: float, low: float,
                                                                         high: float) -> None:
    low, high = min(low, high), max(low, high)
    t = Turnover(burnout_hazard_ratio=ratio)
    at_low = bo.effective_hazard_ratio(t, Climate(supervisor_support=low, support_turnover_buffer=buffer))
    at_high = bo.effective_hazard_ratio(t, Climate(supervisor_support=high, support_turnover_buffer=buffer))
    assert 1.0 <= at_high <= at_low + 1e-12


def test_annual_resignation_rate_at_and_below_the_threshold() -> None:
    t = Turnover(base_annual_rate=0.2, burnout_hazard_ratio=2.5)
    c = Climate(supervisor_support=0.7, support_turnover_buffer=0.5)
    hazard_ratio = 1 + (2.5 - 1) * (1 - 0.5 * (0.7 - 0.5))  # 2.35
    assert bo.annual_resignation_rate(27.0, threshold=27, t=t, c=c) == pytest.approx(0.2 * hazard_ratio, abs=1e-12)
    assert bo.annual_resignation_rate(50.0, threshold=27, t=t, c=c) == pytest.approx(0.47, abs=1e-12)
    assert bo.annual_resignation_rate(26.99, threshold=27, t=t, c=c) == 0.2
    assert bo.annual_resignation_rate(0.0, threshold=27, t=t, c=c) == 0.2


def test_resignation_probability_is_a_constant_hazard_over_workdays() -> None:
    workdays_per_year = 5 * 365.25 / 7  # 260.89
    assert abs(bo.WORKDAYS_PER_YEAR - workdays_per_year) < 1e-12
    assert bo.resignation_probability(0.26) == pytest.approx(1 - math.exp(-0.26 / workdays_per_year), rel=1e-12)
    # Over a year of workdays the hazard compounds to 1 - exp(-rate), however the year is cut up.
    one_day = bo.resignation_probability(0.26)
    assert 1 - (1 - one_day) ** workdays_per_year == pytest.approx(1 - math.exp(-0.26), rel=1e-9)
    assert bo.resignation_probability(0.26, days=5) == pytest.approx(1 - (1 - one_day) ** 5, rel=1e-12)
    assert bo.resignation_probability(0.0) == 0.0


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
