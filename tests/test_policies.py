"""Timed policies: a change takes effect at its week, and only from then on."""

from __future__ import annotations

from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.events import Kind
from simulator.outputs.metrics import params_at, weekly

SMALL = {"staff.clinicians": 6, "demand.referrals_per_week": 20.0, "horizon_weeks": 40, "warmup_weeks": 4}


def small(**policy: object) -> Scenario:
    data = Scenario().with_changes(SMALL).model_dump()
    data["policies"] = [policy] if policy else []
    return Scenario.model_validate(data)


def test_after_hours_ban_from_week_20_stops_evening_work_from_then_on() -> None:
    scenario = small(at_week=20, name="ban", set={"paperwork.after_hours_max_minutes_per_day": 0})
    frame = weekly(simulate(scenario), scenario)
    before = frame[(frame.week >= 4) & (frame.week < 20)].after_hours_hours
    after = frame[frame.week >= 20].after_hours_hours
    assert before.mean() > 1.0  # clinicians did chart after hours before the policy
    # Sessions that overrun the day still count as after-hours time; charting stops completely.
    assert after.max() < 0.1 * before.mean()


def test_policy_event_is_logged_at_its_week_and_params_follow_the_timeline() -> None:
    scenario = small(at_week=12, name="scribe", set={"paperwork.offload_share": 0.3})
    log = simulate(scenario)
    times = [e.time for e in log.events if e.kind == Kind.POLICY]
    assert len(times) == 1
    assert 12 * 7 <= times[0] < 12 * 7 + 1
    assert params_at(scenario, 12 * 7 - 1).paperwork.offload_share == 0.0
    assert params_at(scenario, 12 * 7 + 1).paperwork.offload_share == 0.3


def test_raising_funded_positions_opens_vacancies_at_the_policy_week() -> None:
    scenario = small(at_week=10, name="grow", set={"staff.clinicians": 9})
    scenario = scenario.with_changes({"turnover.enabled": False})
    log = simulate(scenario)
    opened = [e.time for e in log.events if e.kind == Kind.VACANCY_OPEN]
    assert len(opened) == 3
    assert all(70 <= t < 71 for t in opened)


def test_cutting_positions_calls_off_searches_for_positions_that_no_longer_exist() -> None:
    scenario = small(at_week=4, name="cut", set={"staff.clinicians": 2})
    scenario = scenario.with_changes({"turnover.base_annual_rate": 5.0, "turnover.notice_weeks": 0})
    log = simulate(scenario)
    frame = weekly(log, scenario)
    assert frame[frame.week < 4].vacancies.max() > 2  # heavy turnover kept several searches open before the cut
    assert frame[frame.week >= 4].vacancies.max() <= 2
    assert (frame[frame.week >= 8].headcount <= 2).all()
