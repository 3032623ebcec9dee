"""The agency: wires referrals, the admin pool, the waitlist, the clinicians, audits and timed policies.

``simulate(scenario)`` builds a fresh SimPy environment, runs it to the horizon and returns the event log. The
scenario is never modified: a timed policy swaps in a new frozen scenario as ``Agency.params``.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Collection, Generator
from functools import partial
from typing import Any

import simpy

from simulator.inputs.scenario import Scenario
from simulator.model import staffing
from simulator.model.admin import AdminPool, Finishes
from simulator.model.caseload import target_caseload
from simulator.model.clients import Client, Status, Waitlist
from simulator.model.clinician import DAY_START, Clinician, first_workday_after, next_workday
from simulator.model.desk import TaskKind, task_specs
from simulator.model.events import EventLog, Kind
from simulator.model.patience import Patience
from simulator.model.rules import DayRules, FlowRules
from simulator.model.streams import Streams

__all__ = ["Agency", "simulate"]


def simulate(scenario: Scenario, *, replication: int = 0, seed: int | None = None,
             trace_weeks: Collection[int] = ()) -> EventLog:
    """Run one replication and return its event log.

    ``seed`` defaults to the scenario's; replication ``k`` draws from the same named streams in every scenario.
    ``trace_weeks`` lists the weeks whose days are laid out minute by minute for the "clinician's week" chart.
    """
    agency = Agency(scenario, Streams(scenario.seed if seed is None else seed, replication), trace_weeks)
    agency.start()
    # The run allocates millions of short-lived tuples and lists but leaves almost no cyclic garbage (about 10,000
    # objects in a baseline replication, the agency's own object graph, freed with it), so the cyclic collector's
    # passes over the growing heap are wasted work: 3-6 % of a replication's instructions (benchmarks/README.md).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return agency.run()
    finally:
        if collecting:
            gc.enable()


class Agency:
    def __init__(self, scenario: Scenario, streams: Streams, trace_weeks: Collection[int] = ()) -> None:
        self.env = simpy.Environment()
        self.now = 0.0  # the time of the event being processed (kept by run)
        self.params = scenario
        self.scenario = scenario
        self.streams = streams
        self.horizon_weeks = scenario.horizon_weeks
        self.log = EventLog(horizon_days=7.0 * scenario.horizon_weeks, warmup_days=7.0 * scenario.warmup_weeks)
        self.trace_weeks = frozenset(trace_weeks)
        self.clinicians: dict[int, Clinician] = {}
        self.waitlist = Waitlist()
        self.patience = Patience(self.env, self.renege)
        self.admin = AdminPool(max(1, scenario.staff.admin_staff), 0.0)
        self.intake = Finishes()  # referrals in admin processing, under one alarm
        self._intake_alarm = 0  # the serial of the alarm that counts (older alarms ring and do nothing)
        self._end = self.log.horizon_days  # where the current run stops (run)
        self.target = target_caseload(scenario)
        self.task_specs = task_specs(scenario)
        self.rules = DayRules.of(scenario)
        self.flow = FlowRules.of(scenario)
        # The streams drawn at every session or workday, looked up once.
        self.paperwork_stream = streams["paperwork"]
        self.attendance = streams["attendance"]
        self.dropout = streams["dropout"]
        self.climate = streams["climate"]
        self.turnover = streams["turnover"]
        self.patience_stream = streams["patience"]
        self.episodes = streams["episodes"]
        # When the next timed policy takes effect: referrals are handled ahead of the clock only before it.
        self.policy_due = min((7.0 * policy.at_week for policy in scenario.policies), default=math.inf)
        self.vacancies = 0
        self.recruitments: list[simpy.Process] = []  # searches under way, oldest first
        self._clinician_ids = 0
        self._client_ids = 0

    # -- set-up and run --------------------------------------------------------------------------------------
    def start(self) -> None:
        for _ in range(self.params.staff.clinicians):
            clinician = staffing.new_clinician(self, 0.0, ramping=False)
            for _ in range(self.target):
                self.prefill(clinician)
        staffing.open_vacancies(self)  # hire-ahead positions are recruited from day one
        self.env.process(self.workdays())
        self.env.process(self.referrals())
        self.env.process(self.audits())
        self.env.process(self.policies())

    def run(self, until: float | None = None) -> EventLog:
        """Process every event before ``until`` (by default, and at most, the horizon) and return the log.

        Drive the agency only through this method: it keeps ``now``, the time of the event being processed, which
        the client flow reads instead of SimPy's ``env.now`` (a property, so a Python call from compiled code; it
        was read about 20,000 times in a 40-week replication). ``env.peek()`` is the time ``env.step()`` moves the
        clock to, so the two are equal when a step starts; a batch of admin completions (``intake_done``) then moves
        the agency's clock on, never past SimPy's next event.
        """
        env = self.env
        end = self._end = self.log.horizon_days if until is None else min(until, self.log.horizon_days)
        steps = 0
        while True:
            time = env.peek()
            if time >= end:
                break
            self.now = time
            env.step()
            steps += 1
        self.log.sim_events += steps
        return self.log

    def next_clinician_id(self) -> int:
        self._clinician_ids += 1
        return self._clinician_ids - 1

    def new_client(self, now: float) -> Client:
        self._client_ids += 1
        return Client(self._client_ids - 1, now)

    def tracing(self, day: int) -> bool:
        return bool(self.trace_weeks) and day // 7 in self.trace_weeks

    def workdays(self) -> Generator[simpy.Event, Any, None]:
        """One SimPy event per agency workday at 08:00: every clinician on the roster works the day, in order of
        hire (the order in which one process per clinician used to wake at the same instant)."""
        env = self.env
        day = first_workday_after(env.now)
        while True:
            yield env.timeout(day + DAY_START - env.now)
            for clinician in list(self.clinicians.values()):  # departures and hires are events of their own
                if clinician.first_day <= day:
                    clinician.work_day(day)
            day = next_workday(day)

    # -- client flow -----------------------------------------------------------------------------------------
    def prefill(self, clinician: Clinician) -> None:
        """A client already in care at time zero, part-way through an episode (episodes are memoryless)."""
        client = self.new_client(0.0)
        client.needs_intake = False
        self.log.add(0.0, Kind.INITIAL, clinician.id, client.id)
        self.place(client, clinician, 0.0)
        clinician.book_next(client, -1)
        # Its last plan review was some time ago: the next one falls due at a uniform point of the interval.
        clinician.book_review(client, 0, self.streams["initial"].random() * self.params.paperwork.plan_review_days)

    def referrals(self) -> Generator[simpy.Event, Any, None]:
        """Poisson referrals, drawn week by week so a weekly profile can modulate the rate.

        With an admin step, a referral's arrival changes nothing that anything else reads until its intake
        processing ends: it is logged, given its id and queued at the admin pool, whose finish time is known at
        once (``AdminPool``). So the week's referrals are handled when they are drawn, each at its own arrival
        time, with no SimPy event of their own, and their completions are handled by ``intake_done``. Without
        an admin step a referral joins the waitlist on arrival, and from the first arrival at or after a pending
        policy (which may change the admin step) on, each referral waits for its arrival as an event of its own.
        """
        stream = self.streams["referrals"]
        env = self.env
        for week in range(self.horizon_weeks):
            demand = self.params.demand
            rate = demand.referrals_per_week
            if demand.weekly_profile:
                rate *= demand.weekly_profile[week % len(demand.weekly_profile)]
            ahead = self.flow.admin_step
            for offset in sorted(stream.random() * 7.0 for _ in range(stream.poisson(rate))):
                arrival = week * 7.0 + offset
                if ahead and arrival < self.policy_due:
                    self.refer(arrival)
                    continue
                ahead = False
                yield env.timeout(arrival - env.now)
                self.refer(env.now)
            yield env.timeout((week + 1) * 7.0 - env.now)

    def refer(self, arrival: float) -> None:
        """A referral arriving at ``arrival`` (now, or later this week when the admin step is on: see referrals)."""
        client = self.new_client(arrival)
        self.log.add(arrival, Kind.REFERRAL, -1, client.id)
        flow = self.flow
        if flow.admin_step:
            finish = self.admin.finish(arrival, flow.admin_days)
            # The time SimPy gives a timeout set now for ``finish`` (it adds the delay to the clock), as the
            # per-referral timeouts this replaces had, so that the results are the same to the last bit.
            self.queue_intake(self.now + (finish - self.now), client)
        else:
            self.join_waitlist(client)

    def queue_intake(self, finish: float, client: Client) -> None:
        if self.intake.push(finish, client):  # the new referral finishes first: the alarm moves
            self._set_intake_alarm()

    def _set_intake_alarm(self) -> None:
        self._intake_alarm += 1
        # From SimPy's clock, which after a batch lags behind the agency's (intake_done).
        alarm = self.env.timeout(max(0.0, self.intake.first() - self.env.now))
        alarm.callbacks.append(partial(self.intake_done, self._intake_alarm))

    def intake_done(self, alarm: int, _event: simpy.Event) -> None:
        """Referrals whose admin processing ends join the waitlist, each at its finish time.

        One SimPy alarm serves the earliest finish, and when it rings every later finish that comes before SimPy's
        next event (and before the end of the run) is handled in the same step, the agency's clock set to each
        finish in turn: nothing else can happen in between, so the order is the one a timeout per referral gave,
        and each join sees the clock it would have seen. (A timeout per referral cost about 7,000 instructions of
        interpreted SimPy, 8 % of a replication's.) What a join starts is timed from the agency's clock, not
        SimPy's (``place``), since SimPy's still reads the alarm's time.
        """
        if alarm != self._intake_alarm:
            return  # an earlier finish took over the alarm
        intake, env = self.intake, self.env
        first = True
        while intake:
            finish = intake.first()
            if not first and (finish >= env.peek() or finish >= self._end):
                break
            first = False
            client = intake.pop()
            self.now = finish
            self.join_waitlist(client)
        if intake:
            self._set_intake_alarm()

    def join_waitlist(self, client: Client) -> None:
        now = self.now
        client.token += 1
        queued_before = self.waitlist.size
        self.waitlist.put(client, now=now)
        self.log.add(now, Kind.WAITLIST_JOIN, -1, client.id, 1.0 if client.priority else 0.0)
        patience = self.flow.patience_days
        if patience is not None:
            self.patience.wait(client, now + self.patience_stream.exponential(patience))
        if queued_before == 0:  # otherwise every slot is taken already (see try_assign)
            self.try_assign()

    def renege(self, client: Client, deadline: float) -> None:
        """A waiting client's patience runs out (``Patience`` calls this at the deadline)."""
        if self.waitlist.renege(client):
            self.log.add(deadline, Kind.RENEGE, -1, client.id, deadline - client.joined_at)

    def try_assign(self, freed: Clinician | None = None) -> None:
        """Give waiting clients to the clinicians with the most free slots, while there are slots.

        Invariant: whenever clients wait, no clinician has a free slot. So when one slot frees at ``freed``,
        that clinician is the only candidate and the scan over all clinicians can be skipped.
        """
        now = self.now
        if freed is not None:
            while self.waitlist.size and freed.free_slots(now) > 0:
                client = self.waitlist.get()
                if client is None:
                    return
                self.assign(client, freed)
            return
        while self.waitlist.size:
            best, most = None, 0
            for clinician in self.clinicians.values():
                free = clinician.free_slots(now)
                if free > most:
                    best, most = clinician, free
            if best is None:
                return
            client = self.waitlist.get()
            if client is None:
                return
            self.assign(client, best)

    def assign(self, client: Client, clinician: Clinician) -> None:
        now = self.now
        transferred = client.priority
        self.log.add(now, Kind.REASSIGN if transferred else Kind.ASSIGN, clinician.id, client.id,
                     now - client.joined_at)
        self.place(client, clinician, now)
        clinician.book_first(client, now)
        if transferred:
            clinician.shock(self.flow.transfer_ee)
        elif self.flow.intake_paperwork_on_clinician:  # no admin pool: the intake paperwork lands on the clinician
            clinician.add_task(TaskKind.INTAKE_ADMIN, math.floor(now))

    def place(self, client: Client, clinician: Clinician, now: float) -> None:
        """Put a client in a caseload and start its episode clock."""
        flow = self.flow
        client.status = Status.IN_CARE
        client.clinician = clinician
        client.token += 1
        clinician.caseload.add(client)
        if flow.geometric:
            client.sessions_done = 0
            client.sessions_needed = self.episodes.geometric_log_q(flow.sessions_log_q)
            return
        length = self.episodes.exponential(flow.episode_days)
        env_now = self.env.now
        # From the agency's clock: in a batch of admin completions (intake_done) SimPy's clock lags behind it.
        timer = self.env.timeout(length if now == env_now else now + length - env_now)
        timer.callbacks.append(partial(self.episode_over, client, client.token))

    def episode_over(self, client: Client, token: int, _: simpy.Event) -> None:
        if client.token == token and client.status is Status.IN_CARE:
            self.end_episode(client, Kind.DISCHARGE, self.now)

    def end_episode(self, client: Client, kind: Kind, time: float) -> None:
        """Discharge or dropout: the slot frees and the next waiting client is assigned at once."""
        clinician = client.clinician
        assert clinician is not None
        clinician.release(client)
        client.status = Status.DISCHARGED if kind is Kind.DISCHARGE else Status.DROPPED_OUT
        client.clinician = None
        client.token += 1
        self.log.add(time, kind, clinician.id, client.id)
        clinician.add_task(TaskKind.DISCHARGE_SUMMARY, math.floor(time))
        self.try_assign(clinician)

    # -- staffing --------------------------------------------------------------------------------------------
    def resign(self, clinician: Clinician) -> None:
        staffing.resign(self, clinician)

    # -- audits and policies ---------------------------------------------------------------------------------
    def audits(self) -> Generator[simpy.Event, Any, None]:
        """Chart audits: each late item since the last audit is found with some probability."""
        while True:
            interval = self.params.paperwork.audit_interval_weeks
            if interval is None:
                yield self.env.timeout(7.0)  # audits may be switched back on by a policy
                continue
            yield self.env.timeout(7.0 * interval)
            self.audit()

    def audit(self) -> None:
        p = self.params
        if not p.paperwork.enabled:
            return
        day = math.floor(self.env.now)
        stream = self.streams["audits"]
        for clinician in list(self.clinicians.values()):
            findings = stream.binomial(clinician.desk.late_since_audit, p.paperwork.audit_detection_share)
            clinician.desk.late_since_audit = 0
            for _ in range(findings):
                clinician.add_task(TaskKind.REMEDIATION, day)
            clinician.shock(findings * p.burnout.audit_finding_ee)
            self.log.add(self.env.now, Kind.AUDIT, clinician.id, -1, findings)

    def policies(self) -> Generator[simpy.Event, Any, None]:
        ordered = sorted(enumerate(self.scenario.policies), key=lambda item: item[1].at_week)
        for index, policy in ordered:
            self.policy_due = max(self.env.now, 7.0 * policy.at_week)
            yield self.env.timeout(max(0.0, 7.0 * policy.at_week - self.env.now))
            self.apply(index, policy.set)
        self.policy_due = math.inf

    def apply(self, index: int, changes: dict[str, Any]) -> None:
        admin_before = self.params.staff.admin_staff
        self.params = self.params.after_policy(changes)
        self.target = target_caseload(self.params)
        self.task_specs = task_specs(self.params)
        self.rules = DayRules.of(self.params)
        self.flow = FlowRules.of(self.params)
        if self.params.staff.admin_staff != admin_before:
            # New referrals queue at a pool of the new size while the old pool finishes the work it holds.
            self.admin = AdminPool(max(1, self.params.staff.admin_staff), self.now)
        self.log.add(self.env.now, Kind.POLICY, value=index)
        staffing.open_vacancies(self)
        self.try_assign()
