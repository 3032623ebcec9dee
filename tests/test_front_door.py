"""The front door: the intake queue's limit, patience from referral, and access measured from referral.

Three layers, as for the waitlist:

* the admin pool alone against queueing theory. With Poisson arrivals and a fixed service time the pool is an M/D/c
  queue. For one worker the Pollaczek-Khinchine formula gives the mean wait in the queue exactly,
  ``Wq = rho d / (2 (1 - rho))``. With a limit of 0 (a referral that finds every worker busy is turned away) it is
  an M/D/c/c loss system, whose share turned away is Erlang B for the offered load ``a = lambda d``: Erlang B does
  not depend on the service time's distribution beyond its mean (insensitivity), so it holds exactly for a fixed
  time. Measured over 8 seeds of 100,000 arrivals, the mean wait at rho = 0.5 varies by about 1.3% from seed to
  seed and the blocking share by about 0.4%, so 4 pooled seeds judged at 4% and 2% are 6 or more standard errors
  wide: a correct pool passes, a pool serving one worker short or a queue one place too long does not;
* the whole agency, read back from its log: who is turned away, who gives up and when (exactly at referral plus
  the patience drawn from the referral's own stream), and that every referred client is in exactly one place;
* the access metrics, pure functions of a small hand-written log.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.admin import AdminPool
from simulator.model.agency import Agency
from simulator.model.clients import Client, Status
from simulator.model.events import EventLog, Kind
from simulator.model.schedule import Schedule
from simulator.model.streams import Streams
from simulator.outputs.metrics import client_census, summarize

SEEDS = range(4)
ARRIVALS = 100_000


def _erlang_b(servers: int, offered_load: float) -> float:
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking


def _pool_run(seed: int, *, workers: int, days: float, limit: int | None) -> tuple[list[float], int]:
    """Poisson arrivals (rate 1 a day) at a pool of its own: each served referral's wait in the queue, and how many
    were turned away."""
    arrivals = np.cumsum(np.random.default_rng(seed).exponential(1.0, ARRIVALS))
    schedule, waits, turned = Schedule(), [], [0]
    pool = AdminPool(schedule, lambda client: waits.append(schedule.now - days - client.referred_at),
                     capacity=workers, service_days=days, limit=limit)

    def arrive(client: Client) -> None:
        turned[0] += not pool.arrive(client)

    for k, time in enumerate(arrivals.tolist()):
        schedule.at(time, arrive, Client(k, time))
    schedule.run(math.inf)
    return waits, turned[0]


def test_one_intake_worker_is_an_md1_queue() -> None:
    days = 0.5  # rho = 1 a day x 0.5 days
    waits = [wait for seed in SEEDS for wait in _pool_run(seed, workers=1, days=days, limit=None)[0]]
    assert len(waits) == ARRIVALS * len(SEEDS)
    rho = days
    assert np.mean(waits) == pytest.approx(rho * days / (2 * (1 - rho)), rel=0.04)


@pytest.mark.parametrize(("workers", "days"), [(1, 0.8), (2, 1.5), (4, 3.0)])
def test_with_no_queue_the_share_turned_away_is_erlang_b(workers: int, days: float) -> None:
    turned = sum(_pool_run(seed, workers=workers, days=days, limit=0)[1] for seed in SEEDS)
    assert turned / (ARRIVALS * len(SEEDS)) == pytest.approx(_erlang_b(workers, days), rel=0.02)


@settings(max_examples=100, deadline=None)
@given(arrivals=st.lists(st.floats(0.0, 10.0), max_size=60), workers=st.integers(1, 3),
       days=st.floats(0.05, 2.0), limit=st.integers(0, 4), patience=st.lists(st.floats(0.0, 3.0), max_size=60))
def test_the_queue_never_holds_more_than_its_limit_and_only_queued_referrals_give_up(
        arrivals: list[float], workers: int, days: float, limit: int, patience: list[float]) -> None:
    schedule, done, turned = Schedule(), list[Client](), list[Client]()
    pool = AdminPool(schedule, done.append, capacity=workers, service_days=days, limit=limit)
    clients = [Client(k, arrival) for k, arrival in enumerate(sorted(arrivals))]

    def arrive(client: Client) -> None:
        full = pool.busy == workers and pool.waiting == limit
        assert pool.arrive(client) is not full  # turned away exactly when every worker is busy and the queue full
        if full:
            turned.append(client)
        assert pool.waiting <= limit
        assert pool.busy <= workers

    def give_up(client: Client) -> None:
        queued = client.status is Status.ADMIN
        assert pool.renege(client) is queued
        assert client.status is not Status.ADMIN

    for client, wait in zip(clients, patience + [math.inf] * len(clients), strict=False):
        schedule.at(client.referred_at, arrive, client)
        if wait < math.inf:
            schedule.at(client.referred_at + wait, give_up, client)
    schedule.run(math.inf)
    gave_up = [c for c in clients if c.status is Status.LOST and c not in turned]
    assert len(done) + len(turned) + len(gave_up) == len(clients)
    assert len(pool) == 0
    assert all(c.status is Status.PROCESSING for c in done)  # the agency, not the pool, moves them on


# -- the agency ---------------------------------------------------------------------------------------------------


def _small(**changes: object) -> Scenario:
    """A short run of a small agency whose intake is the bottleneck: one admin worker for about 130 referrals a week
    against capacity for about 50 (45 minutes each)."""
    return Scenario().with_changes({"horizon_weeks": 30, "warmup_weeks": 4, "staff.clinicians": 10,
                                    "staff.admin_staff": 1, "demand.referrals_per_week": 130.0,
                                    "demand.patience_weeks": 4.0, **changes})


def _run(scenario: Scenario, replication: int = 0) -> tuple[Agency, EventLog]:
    agency = Agency(scenario, Streams(scenario.seed, replication))
    agency.start()
    return agency, agency.run()


def _by_kind(log: EventLog) -> dict[str, dict[int, float]]:
    """For each kind, client -> time of its (first) event of that kind."""
    out: dict[str, dict[int, float]] = {}
    for event in log.events:
        out.setdefault(event.kind, {}).setdefault(event.client, event.time)
    return out


def _census_holds(agency: Agency, log: EventLog) -> dict[str, int]:
    census = client_census(log)
    assert census["referred"] == sum(value for key, value in census.items() if key != "referred")
    assert census["in_admin"] == len(agency.admin)
    assert census["waiting"] == agency.waitlist.size
    return census


@pytest.mark.parametrize("limit", [0, 3])
def test_a_full_intake_queue_turns_referrals_away_and_they_are_counted_as_lost(limit: int) -> None:
    scenario = _small(**{"demand.intake_queue_limit": limit})
    agency, log = _run(scenario)
    kinds = _by_kind(log)
    turned = kinds.get(Kind.TURNED_AWAY, {})
    referred = kinds[Kind.REFERRAL]
    assert len(turned) > 0.3 * len(referred)  # the pool takes about 50 of 130 a week, and queues at most 3
    assert all(turned[c] == referred[c] for c in turned)  # turned away on arrival ...
    assert not set(turned) & set(kinds[Kind.WAITLIST_JOIN])  # ... and never seen again
    census = _census_holds(agency, log)
    assert census["in_admin"] <= limit + 1
    summary = summarize(log, scenario)
    in_window = sum(1 for time in turned.values() if time >= 7.0 * scenario.warmup_weeks)
    assert summary["turned_away"] == in_window
    lost = sum(1 for e in log.events if e.kind in (Kind.RENEGE, Kind.TRANSFER_LOST, Kind.INTAKE_RENEGE,
                                                   Kind.TURNED_AWAY) and e.time >= 7.0 * scenario.warmup_weeks)
    assert summary["clients_lost"] == lost >= in_window


def test_without_a_limit_nobody_is_turned_away_and_with_infinite_patience_nobody_gives_up() -> None:
    agency, log = _run(_small(**{"demand.patience_weeks": None}))
    kinds = _by_kind(log)
    for kind in (Kind.TURNED_AWAY, Kind.INTAKE_RENEGE, Kind.RENEGE):
        assert kind not in kinds
    census = _census_holds(agency, log)
    assert census["in_admin"] > 500  # the queue grows without bound: nobody leaves it
    assert census["lost"] == sum(1 for e in log.events if e.kind == Kind.TRANSFER_LOST)


def test_patience_runs_from_referral_and_covers_the_intake_queue_and_the_waitlist() -> None:
    # A stretched clinic (3 clinicians) behind a busy intake: clients give up in both queues.
    scenario = _small(**{"staff.clinicians": 3, "demand.referrals_per_week": 60.0})
    agency, log = _run(scenario)
    kinds = _by_kind(log)
    referred = kinds[Kind.REFERRAL]
    # The patience of referral k is the k-th draw of its own stream, whatever happened to the others.
    stream = Streams(scenario.seed, 0)["referral_patience"]
    deadline = {client: referred[client] + stream.exponential(7.0 * 4.0)
                for client in sorted(referred, key=lambda c: (referred[c], c))}
    from_intake, from_list = kinds.get(Kind.INTAKE_RENEGE, {}), kinds.get(Kind.RENEGE, {})
    assert len(from_intake) > 50
    assert len(from_list) > 50
    assigned = kinds.get(Kind.ASSIGN, {})
    for client, time in from_list.items():
        if client not in assigned:  # a new referral (a transferred client has a patience of its own)
            assert time == pytest.approx(deadline[client], abs=1e-9)
    processing = scenario.demand.intake_admin_minutes / 480 * 7 / 5
    for client, time in from_intake.items():  # at the deadline, or when a processing under way at it ends
        assert deadline[client] - 1e-9 <= time <= deadline[client] + processing + 1e-9
    for client, time in assigned.items():
        assert time < deadline[client]  # nobody is given a clinician after giving up
    _census_holds(agency, log)


def test_the_same_referral_has_the_same_patience_in_two_scenarios() -> None:
    """Common random numbers: one more admin worker changes who gives up, not how patient each referral is."""
    values = []
    for staff in (1, 2):
        log = simulate(_small(**{"staff.admin_staff": staff}))
        kinds = _by_kind(log)
        referred = kinds[Kind.REFERRAL]
        values.append({c: t - referred[c] for c, t in kinds.get(Kind.INTAKE_RENEGE, {}).items()})
    shared = set(values[0]) & set(values[1])
    assert len(shared) > 20
    # Both reneged from the queue at their deadline (within a processing time): the same patience each time.
    assert all(abs(values[0][c] - values[1][c]) < 0.14 for c in shared)


# -- metrics from referral, on a hand-written log -----------------------------------------------------------------


def _log(events: list[tuple[float, Kind, int, float]], horizon: float = 100.0) -> EventLog:
    log = EventLog(horizon_days=horizon, warmup_days=10.0)
    for time, kind, client, value in sorted(events, key=lambda e: e[0]):
        log.add(time, kind, -1 if kind in (Kind.REFERRAL, Kind.WAITLIST_JOIN, Kind.RENEGE, Kind.TURNED_AWAY,
                                           Kind.INTAKE_RENEGE) else 0, client, value)
    return log


def test_access_metrics_count_from_referral() -> None:
    events: list[tuple[float, Kind, int, float]] = [
        (5.0, Kind.REFERRAL, 0, 0), (5.2, Kind.WAITLIST_JOIN, 0, 0), (8.0, Kind.ASSIGN, 0, 2.8),  # before W
        (20.0, Kind.REFERRAL, 1, 0), (20.5, Kind.WAITLIST_JOIN, 1, 0), (24.0, Kind.ASSIGN, 1, 3.5),
        (30.0, Kind.FIRST_SESSION, 1, 10.0),  # seen in 10 days: within 14
        (21.0, Kind.REFERRAL, 2, 0), (21.5, Kind.WAITLIST_JOIN, 2, 0), (41.0, Kind.ASSIGN, 2, 19.5),
        (45.0, Kind.FIRST_SESSION, 2, 24.0),  # seen in 24 days: late
        (22.0, Kind.REFERRAL, 3, 0),
        (22.0, Kind.TURNED_AWAY, 3, 0),
        (23.0, Kind.REFERRAL, 4, 0), (30.0, Kind.INTAKE_RENEGE, 4, 7.0),
        (24.0, Kind.REFERRAL, 5, 0), (24.5, Kind.WAITLIST_JOIN, 5, 0), (60.0, Kind.RENEGE, 5, 35.5),
        (25.0, Kind.REFERRAL, 6, 0), (25.5, Kind.WAITLIST_JOIN, 6, 0),  # still waiting at the horizon
        (95.0, Kind.REFERRAL, 7, 0),  # too late to be judged against the standard; still at intake
    ]
    summary = summarize(_log(events), Scenario())
    referred_in_window = 7  # clients 1-7
    assert summary["wait_days_assignment_mean"] == pytest.approx((4.0 + 20.0) / 2)
    assert summary["prob_wait_assignment"] == pytest.approx(1.0)
    assert summary["prob_wait"] == pytest.approx(1 - 1 / 6)  # clients 1-6 judged; only client 1 seen in time
    assert summary["wait_days_first_session_mean"] == pytest.approx((10.0 + 24.0) / 2)
    assert summary["started_care_share"] == pytest.approx(2 / referred_in_window)
    assert summary["lost_before_care_share"] == pytest.approx(3 / referred_in_window)  # clients 3, 4 and 5
    assert summary["turned_away"] == 1
    assert summary["clients_lost"] == 3
    assert summary["intake_queue_end"] == 1  # client 7
    assert summary["waitlist_end"] == 1  # client 6
    census = client_census(_log(events))
    assert census["in_admin"] == 1
    assert census["lost"] == 3


def test_a_referral_assigned_on_arrival_did_not_wait() -> None:
    events: list[tuple[float, Kind, int, float]] = [
        (20.0, Kind.REFERRAL, 1, 0), (20.0, Kind.WAITLIST_JOIN, 1, 0), (20.0, Kind.ASSIGN, 1, 0.0),
        (21.0, Kind.REFERRAL, 2, 0), (21.0, Kind.WAITLIST_JOIN, 2, 0), (23.0, Kind.ASSIGN, 2, 2.0),
    ]
    summary = summarize(_log(events), Scenario())
    assert summary["prob_wait_assignment"] == pytest.approx(0.5)
    assert summary["wait_days_assignment_mean"] == pytest.approx(1.0)

