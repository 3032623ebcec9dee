"""A clinician: a caseload, a diary of sessions, a desk of paperwork, and one SimPy process for the workdays.

Each workday is a single SimPy event: at 08:00 the clinician's process wakes, and the day's split of contracted
time (sessions, desk work, supervision, idle) and the evening's after-hours work are computed from the diary and
the desk. Treating the day as one event keeps the model fast; the minute-level layout of the day is rebuilt only
for the weeks a caller asks to trace (the "clinician's week" chart).

A departure ends the process with ``simpy.Interrupt``, the way a breakdown interrupts a machine in SimPy's
machine-shop example.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.events import DayRecord, Kind, TraceSegment
from simulator.model import burnout as bo
from simulator.model.caseload import daily_minutes, ramp
from simulator.model.clients import Client, Status
from simulator.model.desk import DeskQueue, DeskResult, TaskKind
from simulator.model.workday import DayPlan, lay_out_day

if TYPE_CHECKING:
    from simulator.model.agency import Agency

__all__ = ["DAY_START", "Clinician", "is_workday", "next_workday"]

DAY_START = 8 / 24  # workdays start at 08:00


def is_workday(day: int) -> bool:
    return day % 7 < 5


def next_workday(day: int) -> int:
    day += 1
    while not is_workday(day):
        day += 1
    return day


def first_workday_after(time: float) -> int:
    """The first workday whose 08:00 start is strictly after ``time``."""
    day = math.floor(time)
    if day + DAY_START <= time or not is_workday(day):
        day = next_workday(day)
    return day


class Clinician:
    def __init__(self, agency: Agency, clinician_id: int, *, hired_at: float, ee: float, susceptibility: float,
                 vacation_weeks: frozenset[int], ramping: bool) -> None:
        self.agency = agency
        self.id = clinician_id
        self.hired_at = hired_at
        self.ee = ee
        self.susceptibility = susceptibility
        self.vacation_weeks = vacation_weeks
        self.ramping = ramping
        self.notice = False
        self.caseload: set[Client] = set()
        self.agenda: dict[int, list[Client]] = {}  # day -> clients booked that day
        self.reviews: dict[int, list[Client]] = {}  # day -> clients whose plan review falls due
        self.booked: dict[int, float] = {}  # day -> intake minutes booked on top of regular sessions
        self.weekday_load = [0, 0, 0, 0, 0]  # regular clients per weekday
        self.desk = DeskQueue()
        self.last_day = math.floor(hired_at) - 1
        self.month = int(hired_at // 30.4375)
        self.process = agency.env.process(self.run())

    # -- capacity -------------------------------------------------------------------------------------------
    def capacity(self, now: float) -> float:
        """Caseload slots: the target, scaled by the onboarding ramp; none while working out notice."""
        if self.notice:
            return 0.0
        scale = ramp(now - self.hired_at, self.agency.params.turnover.onboarding_weeks) if self.ramping else 1.0
        return self.agency.target * scale

    def free_slots(self, now: float) -> int:
        return math.floor(self.capacity(now) + 1e-9) - len(self.caseload)

    def on_leave(self, day: int) -> bool:
        return day // 7 in self.vacation_weeks

    # -- the process -----------------------------------------------------------------------------------------
    def run(self) -> Generator[simpy.Event, Any, None]:
        env = self.agency.env
        day = first_workday_after(env.now)
        try:
            while True:
                yield env.timeout(day + DAY_START - env.now)
                self.work_day(day)
                day = next_workday(day)
        except simpy.Interrupt:
            return

    def work_day(self, day: int) -> None:
        p = self.agency.params
        if p.burnout.enabled:
            for _ in range(day - self.last_day - 1):  # weekend (or days before starting)
                self.ee = bo.ee_after_rest_day(self.ee, b=p.burnout, c=p.climate)
        self.last_day = day
        if self.on_leave(day):
            self.leave_day(day)
            return
        if self.ramping:
            self.ramping = ramp(self.agency.env.now - self.hired_at, p.turnover.onboarding_weeks) < 1.0
            self.agency.try_assign()
        plan = self.see_clients(day)
        self.create_routine_tasks(day)
        self.finish_day(day, plan)

    # -- sessions --------------------------------------------------------------------------------------------
    def see_clients(self, day: int) -> DayPlan:
        plan = DayPlan()
        for client in self.agenda.pop(day, ()):
            if client.clinician is self and client.status is Status.IN_CARE:
                self.see(client, day, plan)
        self.booked.pop(day, None)
        for client in self.reviews.pop(day, ()):
            if client.clinician is self and client.status is Status.IN_CARE:
                self.add_task(TaskKind.PLAN_REVIEW, day)
                self.book_review(client, day)
        return plan

    def see(self, client: Client, day: int, plan: DayPlan) -> None:
        agency = self.agency
        p = agency.params
        minutes = p.workload.intake_session_minutes if client.needs_intake else p.workload.session_minutes
        time = day + DAY_START + (plan.session_min + plan.no_show_min) / 1440
        plan.scheduled += 1
        if agency.streams["attendance"].random() < p.demand.no_show_rate:
            plan.no_shows += 1
            plan.no_show_min += minutes
            plan.slots.append(("no_show", minutes))
            self.add_task(TaskKind.NO_SHOW_NOTE, day)
            if agency.streams["dropout"].random() < p.demand.dropout_after_no_show:
                agency.end_episode(client, Kind.DROPOUT, time)
            else:
                self.book_next(client, day)
            return
        plan.session_min += minutes
        plan.slots.append(("intake" if client.needs_intake else "session", minutes))
        self.attended(client, day, time, plan)

    def attended(self, client: Client, day: int, time: float, plan: DayPlan) -> None:
        plan.attended += 1
        client.sessions_done += 1
        if client.needs_intake:
            plan.intakes += 1
            client.needs_intake = False
            self.agency.log.add(time, Kind.FIRST_SESSION, self.id, client.id, time - client.referred_at)
            self.add_task(TaskKind.INTAKE_ASSESSMENT, day)
            self.add_task(TaskKind.TREATMENT_PLAN, day)
            self.book_review(client, day)
        else:
            self.add_task(TaskKind.NOTE, day)
            if client.priority:  # first session with a transferred client: the plan is rewritten
                client.priority = False
                self.add_task(TaskKind.PLAN_REVIEW, day)
                self.book_review(client, day)
        if 0 < client.sessions_needed <= client.sessions_done:
            self.agency.end_episode(client, Kind.DISCHARGE, time)
        else:
            self.book_next(client, day)

    # -- the diary -------------------------------------------------------------------------------------------
    def book_first(self, client: Client, now: float) -> None:
        """Book an intake (or a transferred client's first session) on the next workday with room for it."""
        p = self.agency.params
        minutes = p.workload.intake_session_minutes if client.needs_intake else p.workload.session_minutes
        day = self.free_day(first_workday_after(now), minutes)
        self.agenda.setdefault(day, []).append(client)
        self.booked[day] = self.booked.get(day, 0.0) + minutes

    def free_day(self, day: int, minutes: float) -> int:
        p = self.agency.params
        contract, supervision = daily_minutes(p)
        first = None
        for _ in range(20):
            if not self.on_leave(day):
                first = day if first is None else first
                used = self.weekday_load[day % 7] * p.workload.session_minutes + self.booked.get(day, 0.0)
                if contract - supervision - used >= minutes:
                    return day
            day = next_workday(day)
        return first if first is not None else day

    def book_next(self, client: Client, day: int) -> None:
        if client.needs_intake:  # a missed intake is rebooked like a first appointment
            self.book_first(client, day + 1)
            return
        if client.weekday < 0:
            client.weekday = min(range(5), key=self.weekday_load.__getitem__)
            self.weekday_load[client.weekday] += 1
        interval = 7 / self.agency.params.demand.sessions_per_week
        target = day + max(1, round(interval))
        if interval >= 7:  # keep the client's regular weekday
            target += (client.weekday - target % 7 + 3) % 7 - 3
            target = target if target > day else target + 7
        elif not is_workday(target):
            target = next_workday(target)
        self.agenda.setdefault(target, []).append(client)

    def book_review(self, client: Client, day: int, interval: float | None = None) -> None:
        """Book the client's next treatment-plan review (by default one review interval after ``day``)."""
        due = day + max(1, round(self.agency.params.paperwork.plan_review_days if interval is None else interval))
        self.reviews.setdefault(due if is_workday(due) else next_workday(due), []).append(client)

    def release(self, client: Client) -> None:
        """Forget a client who left this caseload."""
        self.caseload.discard(client)
        if client.weekday >= 0:
            self.weekday_load[client.weekday] -= 1
            client.weekday = -1

    # -- paperwork -------------------------------------------------------------------------------------------
    def add_task(self, kind: TaskKind, day: int) -> None:
        """Put a task created on ``day`` on the desk, its minutes drawn from the scenario's distribution."""
        spec = self.agency.task_specs.get(kind)
        if spec is None:  # paperwork is switched off
            return
        mu, sigma, factor, due_days = spec
        minutes = math.exp(mu + sigma * self.agency.paperwork_stream.normal()) if sigma > 0 else mu
        self.desk.add(kind, minutes * factor, day + due_days)

    def create_routine_tasks(self, day: int) -> None:
        self.add_task(TaskKind.DAILY_ADMIN, day)
        month = int(day // 30.4375)
        if month != self.month:
            self.month = month
            self.add_task(TaskKind.COMPLIANCE, day)

    # -- end of day ------------------------------------------------------------------------------------------
    def finish_day(self, day: int, plan: DayPlan) -> None:
        agency = self.agency
        p = agency.params
        contract, supervision = daily_minutes(p)
        available = contract - supervision
        tracing = agency.tracing(day)
        session_in = min(plan.session_min, available)
        overrun = plan.session_min - session_in
        slowdown = bo.desk_slowdown(self.ee, p.burnout) if p.burnout.enabled else 1.0
        desk = self.desk.work(available - session_in, slowdown=slowdown, today=day, trace=tracing)
        cap = max(0.0, p.paperwork.after_hours_max_minutes_per_day - overrun)
        evening = DeskResult()
        if cap > 0 and self.desk.has_due_by(next_workday(day)):
            evening = self.desk.work(cap, slowdown=slowdown, today=day, until_due=next_workday(day), trace=tracing)
        after = overrun + evening.minutes
        late_new = self.desk.close_day(day)
        self.update_ee(session_in, desk.minutes, after, late_new)
        record = DayRecord(
            day, self.id, "notice" if self.notice else "work", len(self.caseload), self.capacity(agency.env.now),
            plan.scheduled, plan.attended, plan.intakes, plan.no_shows, contract, session_in, desk.minutes,
            supervision, 0.0, available - session_in - desk.minutes, after, self.desk.backlog_minutes,
            desk.notes_done + evening.notes_done, desk.notes_late + evening.notes_late, late_new, self.ee)
        agency.log.days.append(record)
        if tracing:
            agency.log.trace.extend(lay_out_day(self.id, day, supervision, plan, desk, evening, available))
        self.climate_and_turnover(day)

    def update_ee(self, session_min: float, desk_min: float, after_min: float, late_new: int) -> None:
        p = self.agency.params
        if not p.burnout.enabled:
            return
        load = bo.workday_load_hours(session_min, desk_min, after_min, p.burnout)
        self.ee = bo.ee_after_workday(self.ee, load_hours=load, late_tasks=late_new, after_min=after_min,
                                      susceptibility=self.susceptibility, b=p.burnout, c=p.climate)

    def shock(self, points: float) -> None:
        if self.agency.params.burnout.enabled:
            self.ee = bo.clip_ee(self.ee + points)

    def climate_and_turnover(self, day: int) -> None:
        agency = self.agency
        p = agency.params
        # Incidents happen at work: the annual rate is spread over the days actually worked in a year.
        worked_days = bo.WORKDAYS_PER_YEAR * max(0.1, 1 - p.staff.vacation_weeks_per_year / 52.18)
        if agency.streams["climate"].random() < p.climate.conflict_incidents_per_year / worked_days:
            self.shock(p.climate.conflict_ee_shock)
            agency.log.add(agency.env.now, Kind.CONFLICT, self.id, -1, p.climate.conflict_ee_shock)
        self.maybe_resign()

    def maybe_resign(self) -> None:
        """The daily resignation draw: every workday, on leave or not, carries its share of the annual hazard."""
        p = self.agency.params
        if p.turnover.enabled and not self.notice:
            rate = bo.annual_resignation_rate(self.ee, threshold=p.burnout.high_ee_threshold, t=p.turnover,
                                              c=p.climate)
            if self.agency.streams["turnover"].random() < bo.resignation_probability(rate):
                self.agency.resign(self)

    def leave_day(self, day: int) -> None:
        agency = self.agency
        p = agency.params
        if p.burnout.enabled:
            self.ee = bo.ee_after_rest_day(self.ee, b=p.burnout, c=p.climate)
        if day % 7 == 0 or not self.on_leave(day - 1):  # deadlines pause for each week away
            self.desk.postpone(7)
        for client in self.agenda.pop(day, ()):
            if client.clinician is self and client.status is Status.IN_CARE:
                self.book_next(client, day)
        for client in self.reviews.pop(day, ()):
            if client.clinician is self and client.status is Status.IN_CARE:
                self.reviews.setdefault(day + 7, []).append(client)
        contract, _ = daily_minutes(p)
        agency.log.days.append(DayRecord(
            day, self.id, "leave", len(self.caseload), self.capacity(agency.env.now), 0, 0, 0, 0, contract,
            0.0, 0.0, 0.0, contract, 0.0, 0.0, self.desk.backlog_minutes, 0, 0, 0, self.ee))
        if agency.tracing(day):
            agency.log.trace.append(TraceSegment(self.id, day, 480, 480 + contract, "leave", "vacation"))
        self.maybe_resign()
