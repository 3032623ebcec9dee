"""The agency: referrals, the admin pool, the waitlist, the clinicians and timed policies, on one clock (chart audits:
``audits``).

``simulate(scenario)`` builds a fresh agency, runs it to the horizon and returns the event log. The scenario is never
modified: a timed policy swaps in a new frozen scenario as ``Agency.params`` (and its plain numbers as ``rules``).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Collection, Generator
from typing import Any

import simpy

from simulator.inputs.scenario import Scenario
from simulator.model import audits, staffing
from simulator.model.admin import AdminPool
from simulator.model.burnout import Strain
from simulator.model.caseload import caseload_goal
from simulator.model.clients import Client, Status, Waitlist
from simulator.model.clinician import Clinician
from simulator.model.diary import DAY_START, first_workday_after, next_workday
from simulator.model.events import EventLog, Kind
from simulator.model.kinds import pick
from simulator.model.leaving import Hazard
from simulator.model.paperwork import TASKS, TaskKind
from simulator.model.rules import Rules
from simulator.model.schedule import Schedule
from simulator.model.slots import SlotBoard
from simulator.model.streams import Stream, Streams

__all__ = ["Agency", "simulate"]


def simulate(scenario: Scenario, *, replication: int = 0, seed: int | None = None,
             trace_weeks: Collection[int] = ()) -> EventLog:
    """Run one replication and return its event log.

    ``seed`` defaults to the scenario's; replication ``k`` draws from the same named streams in every scenario.
    ``trace_weeks`` lists the weeks whose days are laid out minute by minute for the "clinician's week" chart.
    """
    agency = Agency(scenario, Streams(scenario.seed if seed is None else seed, replication), trace_weeks)
    agency.start()
    # A run allocates millions of short-lived objects but leaves almost no cyclic garbage, so the cyclic collector's
    # passes over the growing heap are wasted work (benchmarks/README.md): paused for the run, as the caller had it
    # afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return agency.run()
    finally:
        if collecting:
            gc.enable()


class Agency:
    def __init__(self, scenario: Scenario, streams: Streams, trace_weeks: Collection[int] = ()) -> None:
        self.schedule = Schedule()
        self.scenario = scenario
        self.params = scenario  # the parameters in force (a timed policy swaps them)
        self.rules = Rules.of(scenario)
        self.streams = streams
        # by TaskKind (a kind sized by its trigger has none)
        self.task_streams: list[Stream | None] = [streams[task.stream] if task.stream else None for task in TASKS]
        self.horizon_weeks = scenario.horizon_weeks
        self.log = EventLog(horizon_days=7.0 * scenario.horizon_weeks, warmup_days=7.0 * scenario.warmup_weeks)
        self.trace_weeks = frozenset(trace_weeks)
        self.clinicians: dict[int, Clinician] = {}  # the roster, in order of hire
        self.waitlist = Waitlist()
        self.slots = SlotBoard()  # free caseload slots, for the assignment rule
        self.caseload_goal = self.rules.target  # what a clinician in post is asked to carry today
        self.empty_share = 0.0  # the share of funded posts left empty by departures or notice, this morning
        self.admin = AdminPool(self.schedule, self.processed, capacity=max(1, self.rules.admin_staff),
                               service_days=self.rules.admin_days, limit=self.rules.intake_queue_limit)
        self.recruitments: list[simpy.Process] = []  # vacancies being recruited for, oldest first
        # The climate clinicians feel (0-1): leadership's support, eroded by departures, repairing over months
        # (``update_climate``); it sets how fast strain recovers and how far support buffers the wish to leave.
        self.climate = scenario.climate.supervisor_support
        self._climate_at = 0.0  # when it was last brought up to date
        self._climate_built = self.climate  # the climate ``strain`` and ``hazard`` were built for
        self.strain = self.rules.strain  # the strain and hazard formulas in today's climate
        self.hazard = self.rules.hazard
        self._clinician_ids = 0
        self._client_ids = 0

    # -- set-up and run --------------------------------------------------------------------------------------
    def start(self) -> None:
        for _ in range(self.params.staff.clinicians):
            clinician = staffing.new_clinician(self, ramping=False)
            for _ in range(self.rules.target):
                self.prefill(clinician)
            clinician.list_slots()
        staffing.open_vacancies(self)  # hire-ahead positions are recruited from day one
        for process in (self.workdays(), self.referrals(), audits.chart_audits(self), self.policies()):
            self.schedule.process(process)

    def run(self, until: float | None = None) -> EventLog:
        """Do everything before ``until`` (by default, and at most, the horizon) and return the log."""
        end = self.log.horizon_days if until is None else min(until, self.log.horizon_days)
        before = self.schedule.steps
        self.schedule.run(end)
        self.log.sim_events += self.schedule.steps - before
        return self.log

    def next_clinician_id(self) -> int:
        self._clinician_ids += 1
        return self._clinician_ids - 1

    def new_client(self, totals: list[float], stream: str) -> Client:
        """A new client, its kind drawn by the shares ``totals`` from ``stream`` (no draw with a single kind)."""
        self._client_ids += 1
        kind = 0 if len(totals) == 1 else pick(totals, self.streams[stream].random())
        return Client(self._client_ids - 1, self.schedule.now, kind)

    def tracing(self, day: int) -> bool:
        return bool(self.trace_weeks) and day // 7 in self.trace_weeks

    def workdays(self) -> Generator[simpy.Event, Any, None]:
        """Every workday at 08:00, each clinician on the roster works the day, in order of hire."""
        day = first_workday_after(self.schedule.now)
        while True:
            yield self.schedule.until(day + DAY_START)
            self.start_of_day()
            for clinician in list(self.clinicians.values()):  # a resignation may change the roster mid-loop
                clinician.work_day(day)
            day = next_workday(day)

    def start_of_day(self) -> None:
        """How many posts stand empty this morning (their holders gone, or working out notice: the new clients
        they would have taken go to colleagues), and so the caseload goal and everyone's wish to leave; and the
        climate today."""
        self.update_climate()
        staying = sum(not c.notice for c in self.clinicians.values())
        empty = max(0, self.rules.positions - staying)
        self.empty_share = empty / self.rules.positions
        self.set_goal(self.goal_today(empty, staying))

    def goal_today(self, empty: int, staying: int) -> int:
        """The caseload goal: the target, raised while colleagues cover empty posts (``empty`` of them, for the
        ``staying`` clinicians) or while the waitlist is long, up to the overload limit."""
        rules = self.rules
        cover = empty / max(staying, 1) if rules.covering else 0.0
        pressure = 0.0
        if rules.pressure_per_position is not None:
            pressure = min(1.0, self.waitlist.size / (rules.pressure_per_position * rules.positions))
        return caseload_goal(rules.target, cap=rules.cap, overload=rules.overload, cover=cover, pressure=pressure)

    def set_goal(self, goal: int) -> None:
        if goal == self.caseload_goal:
            return
        self.caseload_goal = goal
        for clinician in self.clinicians.values():
            clinician.list_slots()
        self.try_assign()



    # -- client flow -----------------------------------------------------------------------------------------
    def prefill(self, clinician: Clinician) -> None:
        """A client already in care at time zero, part-way through an episode (episodes are memoryless)."""
        client = self.new_client(self.rules.care_totals, "initial_kind")
        client.needs_intake = False
        self.log.add(0.0, Kind.INITIAL, clinician.id, client.id, client.kind)
        self.start_episode(client, clinician)
        clinician.diary.book_next(client, -1, self.rules)
        # Its last plan review was some time ago: the next one falls due at a uniform point of the interval.
        clinician.diary.book_review(client, 0, self.rules,
                                    self.streams["initial"].random() * self.params.paperwork.plan_review_days)

    def referrals(self) -> Generator[simpy.Event, Any, None]:
        """Poisson referrals, drawn week by week so a weekly profile can modulate the rate; each arrives at its
        own time."""
        stream = self.streams["referrals"]
        for week in range(self.horizon_weeks):
            demand = self.params.demand
            rate = demand.referrals_per_week
            if demand.weekly_profile:
                rate *= demand.weekly_profile[week % len(demand.weekly_profile)]
            for offset in sorted(stream.random() * 7.0 for _ in range(stream.poisson(rate))):
                self.schedule.at(week * 7.0 + offset, self.refer)
            yield self.schedule.until((week + 1) * 7.0)

    def refer(self) -> None:
        """A referral arrives: to the admin pool for intake processing, or straight to the waitlist.

        Its patience runs from now and covers the whole wait before care, in the intake queue and on the waitlist
        (``give_up``). It is drawn for every referral, in order of arrival, from a stream of its own, so referral
        ``k`` has the same patience in two scenarios however differently their queues behave."""
        now = self.schedule.now
        client = self.new_client(self.rules.referral_totals, "referral_kind")
        self.log.add(now, Kind.REFERRAL, -1, client.id, client.kind)
        patience = self.rules.patience_days
        if patience is not None:
            client.patience_end = now + self.streams["referral_patience"].exponential(patience)
        if not self.rules.admin_step:
            self.join_waitlist(client)
        elif not self.admin.arrive(client):  # the intake queue is full: diverted elsewhere, lost to the agency
            self.log.add(now, Kind.TURNED_AWAY, -1, client.id)
            return
        if patience is not None and client.status is not Status.IN_CARE:  # not assigned on arrival
            self.schedule.at(client.patience_end, self.give_up, client)

    def processed(self, client: Client) -> None:
        """Intake processing is done: the client joins the waitlist, unless its patience ran out while it was being
        processed (a client in processing does not walk out; it leaves when processing ends)."""
        now = self.schedule.now
        if now >= client.patience_end:
            client.status = Status.LOST
            self.log.add(now, Kind.INTAKE_RENEGE, -1, client.id, now - client.referred_at)
        else:
            self.join_waitlist(client)

    def give_up(self, client: Client) -> None:
        """A new referral's patience runs out: it leaves if it is still queued for intake or on the waitlist. (A
        client seen by a clinician since, or being processed, or transferred and waiting again, stays: status and
        the priority flag say which; a transferred client's patience is its own, ``renege``.)"""
        now = self.schedule.now
        if self.admin.renege(client):
            self.log.add(now, Kind.INTAKE_RENEGE, -1, client.id, now - client.referred_at)
        elif not client.priority and self.waitlist.renege(client):
            self.log.add(now, Kind.RENEGE, -1, client.id, now - client.joined_at)

    def join_waitlist(self, client: Client) -> None:
        now = self.schedule.now
        client.token += 1
        queued_before = self.waitlist.size
        self.waitlist.put(client, now=now)
        self.log.add(now, Kind.WAITLIST_JOIN, -1, client.id, 1.0 if client.priority else 0.0)
        patience = self.rules.patience_days
        if client.priority and patience is not None:  # a new referral's patience runs from referral (``refer``)
            self.schedule.at(now + self.streams["patience"].exponential(patience), self.renege, client,
                             client.token)
        if queued_before == 0:  # otherwise every slot is taken already (see try_assign)
            self.try_assign()

    def renege(self, client: Client, token: int) -> None:
        """A transferred client's patience runs out (unless it left the list, or joined it again, since)."""
        if client.token == token and self.waitlist.renege(client):
            self.log.add(self.schedule.now, Kind.RENEGE, -1, client.id, self.schedule.now - client.joined_at)

    def slots_opened(self, clinician: Clinician) -> None:
        """Slots opened at one clinician (a client left, or a new hire's ramp grew). Whenever clients wait nobody
        else has a free slot, so while they wait this clinician takes them; what is left over is listed."""
        while self.waitlist.size and clinician.free_slots() > 0:
            client = self.waitlist.get()
            if client is None:
                break
            self.assign(client, clinician)
        clinician.list_slots()

    def cover_transfers(self) -> None:
        """A departure: when colleagues cover, they take the leaver's clients at once, up to the overload limit,
        the most room first; the others wait at the front of the list. Then everyone waiting is assigned as usual."""
        rules = self.rules
        if rules.covering:
            goal = self.caseload_goal
            self.caseload_goal = caseload_goal(rules.target, cap=rules.cap, overload=rules.overload, cover=1.0,
                                               pressure=0.0)
            for clinician in self.clinicians.values():
                clinician.list_slots()
            while (best := self.slots.best()) >= 0:
                client = self.waitlist.get_transfer()
                if client is None:
                    break
                self.assign(client, self.clinicians[best])
                self.clinicians[best].list_slots()
            self.caseload_goal = -1  # set_goal relists everyone at the goal
            self.set_goal(goal)
        else:
            self.try_assign()

    def try_assign(self) -> None:
        """Give waiting clients, head first, each to the clinician with the most free slots, while there are slots."""
        while self.waitlist.size:
            best = self.slots.best()
            if best < 0:
                return
            client = self.waitlist.get()
            if client is None:
                return
            clinician = self.clinicians[best]
            self.assign(client, clinician)
            clinician.list_slots()

    def assign(self, client: Client, clinician: Clinician) -> None:
        now = self.schedule.now
        transferred = client.priority
        self.log.add(now, Kind.REASSIGN if transferred else Kind.ASSIGN, clinician.id, client.id,
                     now - client.joined_at)
        self.start_episode(client, clinician)
        clinician.diary.book_first(client, now, self.rules)
        if transferred:
            clinician.shock(self.rules.transfer_ee)
        elif self.rules.intake_paperwork_on_clinician:  # no admin pool: the intake paperwork lands on the clinician
            clinician.add_task(TaskKind.INTAKE_ADMIN, math.floor(now))

    def start_episode(self, client: Client, clinician: Clinician) -> None:
        """Put a client in a caseload and start its episode: a number of sessions, or a length of time. (The caller
        lists the clinician's slots once its assignments are done: ``try_assign``, ``slots_opened``, ``start``.)"""
        client.status = Status.IN_CARE
        client.clinician = clinician
        client.token += 1
        clinician.caseload.add(client)
        rules = self.rules
        kind = rules.kinds[client.kind]
        if rules.geometric:
            client.sessions_done = 0
            client.sessions_needed = self.streams["episodes"].geometric_log_q(kind.sessions_log_q)
            return
        length = self.streams["episodes"].exponential(kind.episode_days)
        self.schedule.at(self.schedule.now + length, self.episode_over, client, client.token)

    def episode_over(self, client: Client, token: int) -> None:
        if client.token == token and client.status is Status.IN_CARE:
            self.end_episode(client, Kind.DISCHARGE)

    def end_episode(self, client: Client, kind: Kind) -> None:
        """Discharge or dropout: the slot frees and the next waiting client is assigned at once."""
        clinician = client.clinician
        assert clinician is not None
        clinician.release(client)
        client.status = Status.DISCHARGED if kind is Kind.DISCHARGE else Status.DROPPED_OUT
        client.clinician = None
        client.token += 1
        now = self.schedule.now
        self.log.add(now, kind, clinician.id, client.id)
        clinician.add_task(TaskKind.DISCHARGE_SUMMARY, math.floor(now))
        self.slots_opened(clinician)

    # -- staffing and climate ---------------------------------------------------------------------------------
    def resign(self, clinician: Clinician) -> None:
        staffing.resign(self, clinician)

    def erode_climate(self) -> None:
        """A colleague has left: the climate worsens by ``climate.turnover_erosion`` / funded posts."""
        self.update_climate()
        loss = self.params.climate.turnover_erosion / max(1, self.rules.positions)
        self.climate = max(0.0, self.climate - loss)
        self.update_climate()

    def update_climate(self, *, rebuild: bool = False) -> None:
        """Bring the climate up to date: it returns toward leadership's level exponentially, with the time constant
        ``climate.climate_repair_weeks``. The strain and hazard formulas are rebuilt when it has moved by more than
        a thousandth since they were last built (or ``rebuild``: the parameters changed)."""
        c = self.params.climate
        now = self.schedule.now
        level = c.supervisor_support
        if self.climate != level:
            keep = math.exp(-(now - self._climate_at) / (7.0 * c.climate_repair_weeks))
            self.climate = level + (self.climate - level) * keep
            if abs(self.climate - level) < 1e-6:
                self.climate = level
        self._climate_at = now
        if rebuild or abs(self.climate - self._climate_built) > 1e-3 or (
                self.climate == level and self._climate_built != level):
            self._climate_built = self.climate
            self.strain = Strain.of(self.params.burnout, c, climate=self.climate)
            self.hazard = Hazard.of(self.params, self.climate)

    # -- policies ------------------------------------------------------------------------------------------
    def policies(self) -> Generator[simpy.Event, Any, None]:
        ordered = sorted(enumerate(self.scenario.policies), key=lambda item: item[1].at_week)
        for index, policy in ordered:
            yield self.schedule.until(7.0 * policy.at_week)
            self.apply(index, policy.set)

    def apply(self, index: int, changes: dict[str, Any]) -> None:
        """A timed policy: the new parameters apply from now on."""
        self.params = self.params.after_policy(changes)
        self.rules = Rules.of(self.params)
        self.update_climate(rebuild=True)
        if self.rules.admin_step:  # switched off, the pool finishes what it holds and takes nothing new
            self.admin.resize(max(1, self.rules.admin_staff), self.rules.admin_days, self.rules.intake_queue_limit)
        self.log.add(self.schedule.now, Kind.POLICY, value=index)
        staffing.open_vacancies(self)
        self.caseload_goal = -1  # a new target, cap or coverage: everyone's slots are listed again
        self.start_of_day()
