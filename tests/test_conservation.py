"""Conservation and invariants over random valid scenarios (Hypothesis), checked against the model's own objects.

Each example drives ``Agency`` directly on a small agency, then checks three things:

* clients: replaying the event log client by client gives each one exactly one place, and that place is where
  the model's objects hold it (caseloads, waitlist, admin pool); the census adds up to everyone referred;
* minutes: every workday ledger splits the contracted minutes exactly, and after-hours work stays within the
  cap plus what the day's sessions overran;
* invariants: EE stays on the MBI scale, no clinician is given a client beyond the slots it had at that moment,
  headcount and vacancies never go negative, shares are shares.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.inputs.scenario import Scenario
from simulator.model.agency import Agency
from simulator.model.caseload import caseload_goal, daily_minutes, ramp, target_caseload
from simulator.model.clients import Client, Status
from simulator.model.diary import DAY_START
from simulator.model.events import EventLog, Kind
from simulator.model.streams import Streams
from simulator.outputs.metrics import client_census, summarize

EPS = 1e-6
SHARES = ("ee_high_share", "ee_high21_share", "paperwork_share", "late_note_share", "no_show_rate", "prob_wait",
          "vacancy_rate")

# Levers a timed policy may pull mid-run. Onboarding is left out: a new ramp length would change, for a clinician
# already at full caseload, the ramp this test recomputes from the hire date. Funded positions only grow here (a cut
# calls off searches; tests/test_policies.py covers it).
POLICY_LEVERS: dict[str, st.SearchStrategy[Any]] = {
    "workload.caseload_cap": st.integers(1, 40),
    "workload.coverage": st.sampled_from(["colleagues", "waitlist"]),
    "workload.overload_limit": st.floats(0, 1),
    "workload.productivity_target": st.floats(0.3, 1.0),
    "workload.session_minutes": st.sampled_from([30.0, 53.0, 90.0]),
    "staff.admin_staff": st.integers(0, 3),
    "staff.clinicians": st.integers(0, 4),  # added to the funded positions
    "demand.referrals_per_week": st.floats(0, 40),
    "paperwork.offload_share": st.floats(0, 0.9),
    "paperwork.after_hours_max_minutes_per_day": st.sampled_from([0.0, 60.0, 240.0]),
    "paperwork.audit_interval_weeks": st.sampled_from([None, 2.0, 13.0]),
    "turnover.hire_ahead_positions": st.integers(0, 2),  # added
    "climate.supervisor_support": st.floats(0, 1),
}


_mostly = st.integers(0, 3).map(bool)  # True about three times in four


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    horizon = draw(st.integers(12, 40))
    changes: dict[str, Any] = {
        "horizon_weeks": horizon,
        "warmup_weeks": draw(st.integers(0, 4)),
        "staff.clinicians": draw(st.integers(2, 8)),
        "staff.admin_staff": draw(st.integers(0, 3)),
        "staff.contract_hours_per_week": draw(st.floats(10, 60)),
        "staff.supervision_hours_per_week": draw(st.floats(0, 10)),
        "staff.vacation_weeks_per_year": draw(st.floats(0, 6)),
        "demand.referrals_per_week": draw(st.floats(0, 40)),
        "demand.intake_admin_minutes": draw(st.sampled_from([0.0, 45.0, 240.0])),
        "demand.patience_weeks": draw(st.none() | st.floats(0.2, 20)),
        "demand.episode_distribution": draw(st.sampled_from(["geometric", "exponential"])),
        "demand.mean_sessions_per_episode": draw(st.floats(1, 20)),
        "demand.sessions_per_week": draw(st.sampled_from([0.5, 1.0, 2.0, 5.0])),
        "demand.no_show_rate": draw(st.floats(0, 0.6)),
        "demand.dropout_after_no_show": draw(st.floats(0, 1)),
        "workload.productivity_target": draw(st.floats(0.3, 1.0)),
        "workload.caseload_cap": draw(st.integers(1, 40)),
        "workload.intake_session_minutes": draw(st.sampled_from([30.0, 60.0, 240.0])),
        "paperwork.enabled": draw(st.booleans()),
        "paperwork.offload_share": draw(st.floats(0, 0.95)),
        "paperwork.after_hours_max_minutes_per_day": draw(st.sampled_from([0.0, 30.0, 120.0, 480.0])),
        "paperwork.after_hours_max_hours_per_week": draw(st.sampled_from([0.0, 2.0, 6.0, 40.0])),
        "paperwork.write_off_days": draw(st.sampled_from([None, 1.0, 30.0])),
        "paperwork.catch_up_backlog_hours": draw(st.sampled_from([None, 0.5, 3.0])),
        "paperwork.writing_speed_sd": draw(st.sampled_from([0.0, 0.25, 1.0])),
        "workload.coverage": draw(st.sampled_from(["colleagues", "waitlist"])),
        "workload.overload_limit": draw(st.sampled_from([0.0, 0.25, 1.0])),
        "workload.pressure_waitlist_per_position": draw(st.sampled_from([None, 0.5, 30.0])),
        "turnover.contagion": draw(st.sampled_from([0.0, 2.0, 10.0])),
        "burnout.circumstances_sd": draw(st.sampled_from([0.0, 0.6])),
        "paperwork.audit_interval_weeks": draw(st.sampled_from([None, 1.0, 4.0, 13.0])),
        "paperwork.note_due_days": draw(st.sampled_from([0.0, 1.0, 3.0])),
        "burnout.enabled": draw(st.booleans()),
        "burnout.efficiency_loss": draw(st.floats(0, 2)),
        "turnover.enabled": draw(_mostly),
        "turnover.base_annual_rate": draw(st.sampled_from([5.0, 0.2, 2.0])),  # high: exoduses in a short run
        "turnover.notice_weeks": draw(st.sampled_from([0.0, 1.0, 4.0])),
        "turnover.time_to_fill_weeks.mean": draw(st.floats(0.5, 20)),
        "turnover.onboarding_weeks": draw(st.floats(0, 12)),
        "turnover.hire_ahead_positions": draw(st.integers(0, 2)),
        "turnover.transfer_dropout": draw(st.floats(0, 1)),
        "climate.conflict_incidents_per_year": draw(st.floats(0, 20)),
    }
    scenario = Scenario().with_changes(changes)
    if not draw(_mostly):
        return scenario
    levers = draw(st.lists(st.sampled_from(sorted(POLICY_LEVERS)), min_size=1, max_size=3, unique=True))
    changed = {path: draw(POLICY_LEVERS[path]) for path in levers}
    for path in ("staff.clinicians", "turnover.hire_ahead_positions"):
        if path in changed:
            changed[path] += changes[path]
    # before the horizon: a policy at or after it never takes effect, and the scenario refuses it
    policy = {"at_week": draw(st.floats(0, horizon, exclude_max=True)), "name": "random policy", "set": changed}
    return Scenario.model_validate({**scenario.model_dump(), "policies": [policy]})


def run(scenario: Scenario, seed: int) -> tuple[Agency, EventLog]:
    agency = Agency(scenario, Streams(seed, 0))
    agency.start()
    return agency, agency.run()


@dataclass
class Replay:
    """Where each client is after replaying the log in order, and what each step looked like."""

    place: dict[int, tuple[str, int]] = field(default_factory=dict)  # client -> (place, clinician)
    caseload: Counter[int] = field(default_factory=Counter)
    hired_at: dict[int, float] = field(default_factory=dict)
    resigned: set[int] = field(default_factory=set)
    departed: set[int] = field(default_factory=set)
    headcount: int = 0
    policy_times: list[float] = field(default_factory=list)


def replay(log: EventLog, scenario: Scenario) -> Replay:
    r = Replay(headcount=scenario.staff.clinicians)
    params = scenario
    for event in log.events:
        kind, who, client = Kind(event.kind), event.clinician, event.client
        here = r.place.get(client)
        if kind is Kind.POLICY:
            params = params.after_policy(scenario.policies[int(event.value)].set)
            r.policy_times.append(event.time)
        elif kind in (Kind.REFERRAL, Kind.INITIAL):
            assert here is None, event
            r.place[client] = ("admin", -1) if kind is Kind.REFERRAL else ("care", who)
            r.caseload[who] += kind is Kind.INITIAL
        elif kind is Kind.WAITLIST_JOIN:
            assert here == (("transfer", -1) if event.value == 1 else ("admin", -1)), event
            r.place[client] = ("waiting", int(event.value))
        elif kind in (Kind.ASSIGN, Kind.REASSIGN):
            assert here == ("waiting", int(kind is Kind.REASSIGN)), event
            assert event.value >= 0, event
            r.place[client] = ("care", who)
            r.caseload[who] += 1
            check_slot(r, params, who, event.time)
        elif kind is Kind.RENEGE:
            assert here in (("waiting", 0), ("waiting", 1)), event
            r.place[client] = ("lost", -1)
        elif kind in (Kind.DISCHARGE, Kind.DROPOUT, Kind.TRANSFER):
            assert here == ("care", who), event
            r.place[client] = {Kind.DISCHARGE: ("discharged", -1), Kind.DROPOUT: ("dropped_out", -1),
                               Kind.TRANSFER: ("transfer", -1)}[kind]
            r.caseload[who] -= 1
        elif kind is Kind.TRANSFER_LOST:
            assert here == ("transfer", -1), event
            r.place[client] = ("lost", -1)
        else:
            staffing_step(r, event.kind, who, event.time, event.value)
    assert all(r.caseload[who] == 0 for who in r.departed), "a departing clinician hands over every client"
    return r


def check_slot(r: Replay, params: Scenario, clinician: int, time: float) -> None:
    """A client is only ever given to a clinician with a free slot: not on notice, caseload within the day's goal
    (the target, raised at most to the overload limit while colleagues cover or the waitlist presses, and never
    past the cap) scaled by the onboarding ramp of a new hire."""
    assert clinician not in r.resigned, (clinician, time)
    target = target_caseload(params)
    assert target <= params.workload.caseload_cap
    w = params.workload
    raised = w.coverage == "colleagues" or w.pressure_waitlist_per_position is not None
    ceiling = caseload_goal(target, cap=w.caseload_cap, overload=w.overload_limit, cover=1.0,
                            pressure=1.0) if raised else target
    hired = r.hired_at.get(clinician)
    scale = 1.0 if hired is None else ramp(time - hired, params.turnover.onboarding_weeks)
    assert r.caseload[clinician] <= math.floor(ceiling * scale + 1e-9), (clinician, time, r.caseload[clinician])


def staffing_step(r: Replay, kind: str, clinician: int, time: float, value: float) -> None:
    if kind == Kind.HIRE:
        r.hired_at[clinician] = time
        r.headcount += 1
    elif kind == Kind.RESIGN:
        assert clinician not in r.resigned
        r.resigned.add(clinician)
        assert 0 <= value <= 54
    elif kind == Kind.DEPART:
        assert clinician in r.resigned
        assert clinician not in r.departed
        r.departed.add(clinician)  # its TRANSFER events follow
        r.headcount -= 1
    elif kind in (Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE):
        assert value >= 0
    assert r.headcount >= 0


def check_clients(agency: Agency, log: EventLog, r: Replay) -> None:
    census = client_census(log)
    places = Counter(place for place, _ in r.place.values())
    in_care = {client.id: clinician.id for clinician in agency.clinicians.values() for client in clinician.caseload}
    for clinician in agency.clinicians.values():
        for client in clinician.caseload:
            assert client.status is Status.IN_CARE
            assert client.clinician is clinician
    assert in_care == {c: who for c, (place, who) in r.place.items() if place == "care"}
    assert sum(r.caseload.values()) == len(in_care) == census["in_care"]
    size = agency.waitlist.size
    waiting: list[Client] = []
    while (head := agency.waitlist.get()) is not None:  # the run is over: drain the list to count it
        waiting.append(head)
    assert len(waiting) == size == census["waiting"] == places["waiting"]
    assert {c.id for c in waiting} == {c for c, (place, _) in r.place.items() if place == "waiting"}
    assert all(c.status is Status.WAITING for c in waiting)
    in_admin = len(agency.admin)  # referrals still at the admin pool, queued or being processed
    assert in_admin == census["in_admin"] == places["admin"]
    assert places["transfer"] == 0  # a transferred client is re-queued or lost in the same instant
    for name in ("discharged", "dropped_out", "lost"):
        assert census[name] == places[name], name
    assert census["referred"] == len(r.place)
    assert census["referred"] == sum(census[k] for k in census if k != "referred")


def check_minutes(log: EventLog, scenario: Scenario, r: Replay) -> None:
    states = [scenario]
    for policy in sorted(scenario.policies, key=lambda p: p.at_week):
        states.append(states[-1].after_policy(policy.set))
    evenings: dict[tuple[int, int], float] = {}  # after-hours desk minutes by (clinician, week)
    week_cap = 60 * max(state.paperwork.after_hours_max_hours_per_week for state in states)
    for day in log.days:
        started = day.day + DAY_START
        p = states[sum(t <= started for t in r.policy_times)]  # the parameters the workday ran under
        parts = (day.session_min, day.desk_min, day.supervision_min, day.idle_min, day.leave_min, day.after_min)
        assert min(parts) >= -EPS, day
        assert abs(day.contract_min - sum(parts[:5])) < EPS, day
        assert 0.0 <= day.ee <= 54.0, day
        assert day.backlog_min >= -EPS, day
        assert day.attended + day.no_shows == day.scheduled, day
        assert day.intakes <= day.attended, day
        contract, supervision = daily_minutes(p)
        assert abs(day.contract_min - contract) < EPS, day
        if day.status == "leave":
            assert (day.leave_min, day.scheduled, day.after_min) == (contract, 0, 0), day
            continue
        assert abs(day.supervision_min - supervision) < EPS, day
        assert day.leave_min == 0, day
        w = p.workload
        sessions = (day.attended - day.intakes) * w.session_minutes + day.intakes * w.intake_session_minutes
        available = contract - supervision
        overrun = max(0.0, sessions - available)
        assert abs(day.session_min - min(sessions, available)) < EPS, day
        evening = day.after_min - overrun  # desk work after hours, capped net of the overrun
        cap = p.paperwork.after_hours_max_minutes_per_day
        assert -EPS <= evening <= max(0.0, cap - overrun) + EPS, day
        week = day.clinician, day.day // 7
        evenings[week] = evenings.get(week, 0.0) + evening
        assert evenings[week] <= week_cap + EPS, day
        assert day.blocked == 0 or p.paperwork.catch_up_backlog_hours is not None, day
        if not p.paperwork.enabled:
            assert day.desk_min == 0, day
            assert abs(evening) < EPS, day


def check_staff(agency: Agency, log: EventLog, r: Replay) -> None:
    assert r.headcount == len(agency.clinicians)
    vacancy_values = [e.value for e in log.events if e.kind in (Kind.VACANCY_OPEN, Kind.VACANCY_CLOSE)]
    assert len(agency.recruitments) == (vacancy_values[-1] if vacancy_values else 0)
    # Every position the agency funds is filled by someone not on notice, or being recruited.
    positions = agency.params.staff.clinicians + agency.params.turnover.hire_ahead_positions
    assert sum(not c.notice for c in agency.clinicians.values()) + len(agency.recruitments) >= positions
    for clinician in agency.clinicians.values():
        assert 0.0 <= clinician.ee <= 54.0
        assert clinician.desk.backlog_minutes >= -EPS
        assert clinician.notice == (clinician.id in r.resigned)


def check_summary(log: EventLog, scenario: Scenario) -> None:
    summary = summarize(log, scenario)
    for name in SHARES:
        value = summary[name]
        assert math.isnan(value) or 0.0 <= value <= 1.0, (name, value)
    for name in ("departures", "sessions_attended", "clients_lost", "waitlist_end", "turnover_cost", "revenue",
                 "after_hours_hours_per_clinician_week"):
        assert summary[name] >= 0, (name, summary[name])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_clients_minutes_and_staff_are_conserved(scenario: Scenario, seed: int) -> None:
    agency, log = run(scenario, seed)
    r = replay(log, scenario)
    check_minutes(log, scenario, r)
    check_staff(agency, log, r)
    check_summary(log, scenario)
    check_clients(agency, log, r)  # last: it drains the waitlist
