"""The second edition's mechanisms on small agencies driven step by step: who covers a leaver's clients, where the
leaver's paperwork goes, how empty posts raise caseloads, catch-up blocks, and the exodus scenario's cascade."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import pytest

from simulator.experiments.experiment import ExperimentResult, compare, run_experiment
from simulator.inputs.scenario import Scenario
from simulator.model import staffing
from simulator.model.agency import Agency
from simulator.model.caseload import caseload_goal
from simulator.model.events import Kind
from simulator.model.paperwork import TASKS, TaskKind
from simulator.model.streams import Streams

SMALL: dict[str, Any] = {"staff.clinicians": 6, "demand.referrals_per_week": 40, "horizon_weeks": 30,
                         "warmup_weeks": 2, "turnover.enabled": False, "turnover.notice_weeks": 2,
                         "turnover.time_to_fill_weeks.mean": 20.0, "turnover.transfer_dropout": 0.0}


def _agency(**changes: Any) -> Agency:
    scenario = Scenario().with_changes({**SMALL, **changes})
    agency = Agency(scenario, Streams(scenario.seed, 0))
    agency.start()
    return agency


def _leave(agency: Agency, at: float) -> tuple[int, float]:
    """Run to ``at``, the first clinician resigns then; run through their notice. Returns (leaver, departure time)."""
    agency.run(until=at)
    leaver = next(iter(agency.clinicians.values()))
    staffing.resign(agency, leaver)
    agency.run(until=at + 7 * agency.params.turnover.notice_weeks + 1.0)
    departure = next(e.time for e in agency.log.events if e.kind == Kind.DEPART)
    return leaver.id, departure


def test_colleagues_take_a_leavers_clients_at_once_up_to_the_overload_limit() -> None:
    agency = _agency(**{"workload.pressure_waitlist_per_position": None})
    leaver, departed = _leave(agency, 50.0)
    events = agency.log.events
    transferred = [e.client for e in events if e.kind == Kind.TRANSFER and e.clinician == leaver]
    assert len(transferred) > 10
    retaken = [e for e in events if e.kind == Kind.REASSIGN and e.client in transferred and e.time == departed]
    assert len(retaken) > 5
    assert all(e.value == 0.0 for e in retaken)  # the moment the leaver went
    assert len(Counter(e.clinician for e in retaken)) > 1  # spread over colleagues, the most room first
    rules = agency.rules
    ceiling = caseload_goal(rules.target, cap=rules.cap, overload=rules.overload, cover=1.0, pressure=0.0)
    caseloads = [len(c.caseload) for c in agency.clinicians.values()]
    assert max(caseloads) <= ceiling
    assert max(caseloads) > rules.target  # above the target
    if len(retaken) < len(transferred):  # the rest wait only because every colleague reached the ceiling
        at_departure = Counter(e.clinician for e in events if e.time <= departed and e.kind in (
            Kind.ASSIGN, Kind.REASSIGN, Kind.INITIAL)) - Counter(e.clinician for e in events if e.time <= departed and
                                                                  e.kind in (Kind.DISCHARGE, Kind.DROPOUT))
        assert all(at_departure[c.id] == ceiling for c in agency.clinicians.values())


def test_without_cover_a_leavers_clients_wait_at_the_front_of_the_list() -> None:
    # Demand well above capacity, so every colleague is full when the leaver goes.
    agency = _agency(**{"workload.coverage": "waitlist", "workload.pressure_waitlist_per_position": None,
                        "demand.referrals_per_week": 80})
    leaver, departed = _leave(agency, 50.0)
    events = agency.log.events
    transferred = {e.client for e in events if e.kind == Kind.TRANSFER and e.clinician == leaver}
    joined = [e for e in events if e.kind == Kind.WAITLIST_JOIN and e.client in transferred and e.time >= departed]
    assert len(joined) == len(transferred) > 10
    assert all(e.value == 1.0 for e in joined)  # at the front: transfers first
    assert not [e for e in events if e.kind == Kind.REASSIGN and e.time == departed]  # nobody took them at once
    assert all(len(c.caseload) <= agency.rules.target for c in agency.clinicians.values())


def test_an_empty_post_raises_the_caseload_goal_of_those_who_cover() -> None:
    agency = _agency(**{"workload.pressure_waitlist_per_position": None})
    assert agency.caseload_goal == agency.rules.target
    _leave(agency, 50.0)
    agency.run(until=agency.schedule.now + 3.0)  # the next mornings count the empty post
    in_post = len(agency.clinicians)
    expected = caseload_goal(agency.rules.target, cap=agency.rules.cap, overload=agency.rules.overload,
                             cover=(6 - in_post) / in_post, pressure=0.0)
    assert agency.caseload_goal == expected > agency.rules.target
    assert agency.empty_share == pytest.approx((6 - in_post) / 6)


def test_a_leavers_open_client_paperwork_goes_to_colleagues_and_their_own_admin_goes_with_them() -> None:
    agency = _agency(**{"paperwork.note_minutes.mean": 60.0})  # far behind: plenty left on the desk
    agency.run(until=50.0)
    leaver = next(iter(agency.clinicians.values()))
    staffing.resign(agency, leaver)
    agency.run(until=agency.schedule.now + 7 * agency.params.turnover.notice_weeks - 0.5)
    personal = {TaskKind.DAILY_ADMIN, TaskKind.COMPLIANCE}
    open_tasks = [(kind, minutes) for bucket in leaver.desk._buckets
                  for kind, minutes in zip(bucket.kinds[bucket.head:], bucket.minutes[bucket.head:], strict=True)]
    handed = [minutes for kind, minutes in open_tasks if kind not in personal]
    assert handed
    assert len(handed) < len(open_tasks)  # the leaver's own admin was open too, and does not pass on
    agency.run(until=agency.schedule.now + 0.6)  # the departure, before anyone works again
    handovers = [m for c in agency.clinicians.values() for b in c.desk._buckets
                 for k, m in zip(b.kinds, b.minutes, strict=True) if k == TaskKind.HANDOVER]
    assert sum(handovers) == pytest.approx(sum(handed))
    assert len(handovers) == len(handed)
    assert leaver.id not in agency.clinicians
    assert leaver.desk.backlog_minutes == 0.0
    assert TASKS[TaskKind.HANDOVER].name == "handover"


def test_catch_up_blocks_sessions_only_when_late_work_piles_up() -> None:
    behind: dict[str, Any] = {"paperwork.note_minutes.mean": 45.0, "paperwork.after_hours_max_minutes_per_day": 0.0}
    blocking = _agency(**behind, **{"paperwork.catch_up_backlog_hours": 1.0, "paperwork.catch_up_sessions_per_day": 2})
    never = _agency(**behind)
    for agency in (blocking, never):
        agency.run()
    blocked = [d.blocked for d in blocking.log.days]
    assert sum(blocked) > 0
    assert max(blocked) <= 2
    assert sum(d.blocked for d in never.log.days) == 0
    # a blocked day holds fewer sessions and gives the desk the time: the day still adds up
    day = next(d for d in blocking.log.days if d.blocked)
    parts = day.session_min + day.desk_min + day.supervision_min + day.idle_min
    assert parts == pytest.approx(day.contract_min)


# -- the exodus scenario ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exodus(load: Any) -> tuple[ExperimentResult, ExperimentResult]:
    exodus = load("exodus.yaml")
    base = load("baseline.yaml").with_changes({"horizon_weeks": exodus.horizon_weeks})
    return (run_experiment(base, replications=6, jobs=2), run_experiment(exodus, replications=6, jobs=2))


def _after_squeeze(result: ExperimentResult, column: str) -> pd.Series:
    weekly = result.weekly[result.weekly.week >= 130]  # a year after the squeeze of week 78
    return weekly.groupby("replication")[column].mean()


@pytest.mark.slow
def test_the_exodus_scenario_shows_the_cascade(exodus: tuple[ExperimentResult, ExperimentResult]) -> None:
    base, squeezed = exodus
    table = compare(base, squeezed).set_index("metric")
    for metric in ("ee_mean", "turnover_rate_annual", "vacancy_rate", "caseload_mean", "waitlist_end"):
        row = table.loc[metric]
        assert row.diff_mean > 0, (metric, row.to_dict())
        assert row.significant, (metric, row.to_dict())
    # the cascade, week by week: more vacancies and more exhaustion in every replication once it has run a year
    assert (_after_squeeze(squeezed, "vacancies") > _after_squeeze(base, "vacancies")).all()
    assert (_after_squeeze(squeezed, "ee_mean") > _after_squeeze(base, "ee_mean")).all()
