"""A clinician: a caseload, a diary, a desk of paperwork, and the workday that uses them.

At 08:00 of every workday the agency's workday process (``Agency.workdays``) calls ``work_day`` for each clinician
on the roster, in order of hire, and the whole day is computed at that moment: the day's sessions (attended or
missed), the paperwork they create, the split of contracted time between sessions, desk work, supervision and idle
time, the evening's after-hours work, and what the day does to exhaustion and to the wish to leave. Everything the
day logs is stamped 08:00. The minute-by-minute layout of a day is built only for the weeks a caller traces (the
"clinician's week" chart).

A departure is an event of its own (``staffing.depart``): it takes the clinician off the roster, so no later
workday calls on them, the way an interrupt ends a machine's process in SimPy's machine-shop example.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from simulator.model import burnout as bo
from simulator.model.caseload import ramp
from simulator.model.clients import Client, Status
from simulator.model.desk import DeskQueue, DeskResult
from simulator.model.diary import Diary, next_workday
from simulator.model.events import STATUSES, Kind, TraceSegment
from simulator.model.paperwork import TaskKind
from simulator.model.workday import DayPlan, lay_out_day

if TYPE_CHECKING:
    from simulator.model.agency import Agency
    from simulator.model.rules import Rules

__all__ = ["Clinician"]

_WORK: Final = STATUSES.index("work")
_LEAVE: Final = STATUSES.index("leave")
_NOTICE: Final = STATUSES.index("notice")
_DAYS_PER_MONTH: Final = 30.4375


class Clinician:
    def __init__(self, agency: Agency, clinician_id: int, *, hired_at: float, ee: float, susceptibility: float,
                 leave_weeks: frozenset[int], ramping: bool) -> None:
        self.agency = agency
        self.id = clinician_id
        self.hired_at = hired_at
        self.ee = ee
        self.susceptibility = susceptibility
        self.ramping = ramping
        self.notice = False
        self.caseload: set[Client] = set()
        self.diary = Diary(math.floor(hired_at), leave_weeks)
        self.desk = DeskQueue()
        self._plan = DayPlan()  # today's, cleared each day
        self.last_day = math.floor(hired_at) - 1
        self.month = int(hired_at // _DAYS_PER_MONTH)

    # -- capacity -------------------------------------------------------------------------------------------
    def capacity(self) -> float:
        """Caseload slots now: the target, scaled by the onboarding ramp; none while working out notice."""
        if self.notice:
            return 0.0
        rules = self.agency.rules
        if not self.ramping:
            return float(rules.target)
        return rules.target * ramp(self.agency.schedule.now - self.hired_at, rules.onboarding_weeks)

    def free_slots(self) -> int:
        if not (self.ramping or self.notice):  # the common case
            return self.agency.rules.target - len(self.caseload)
        return math.floor(self.capacity() + 1e-9) - len(self.caseload)

    def list_slots(self) -> None:
        """Tell the agency's slot board how many clients this clinician can take now (after any change)."""
        self.agency.slots.set(self.id, max(0, self.free_slots()))

    # -- the workday ----------------------------------------------------------------------------------------
    def work_day(self, day: int) -> None:
        agency = self.agency
        rules = agency.rules
        if rules.burnout:
            for _ in range(day - self.last_day - 1):  # the weekend (or the days before starting)
                self.ee = bo.clip_ee(self.ee * rules.rest_day_factor)
        self.last_day = day
        if self.diary.on_leave(day):
            self.leave_day(day, rules)
            return
        if self.ramping:  # the ramp opens slots as the days go by
            self.ramping = ramp(agency.schedule.now - self.hired_at, rules.onboarding_weeks) < 1.0
            agency.slots_opened(self)
        tracing = agency.tracing(day)
        plan = self._plan
        plan.reset(tracing=tracing)
        agenda = self.diary.agenda.take(day)
        if agenda is not None:
            self.hold_sessions(agenda, day, rules, plan, tracing)
        self.diary.booked.take(day)
        self.create_routine_tasks(day, rules)
        self.finish_day(day, plan, rules, tracing)

    # -- sessions --------------------------------------------------------------------------------------------
    def hold_sessions(self, agenda: list[Client], day: int, rules: Rules, plan: DayPlan, tracing: bool) -> None:
        """The day's appointments in booking order: each attended (with its paperwork) or missed, then the next
        booking, or the end of the episode."""
        agency = self.agency
        attendance = agency.streams["attendance"]
        for client in agenda:
            if client.clinician is not self or client.status is not Status.IN_CARE:
                continue  # left care, or moved to another clinician, since it was booked
            minutes = rules.intake_minutes if client.needs_intake else rules.session_minutes
            plan.scheduled += 1
            if attendance.random() < rules.no_show_rate:
                self.missed(client, day, minutes, rules, plan, tracing)
                continue
            plan.session_min += minutes
            plan.attended += 1
            if tracing:
                plan.slots.append(("intake" if client.needs_intake else "session", minutes))
            client.sessions_done += 1
            if client.needs_intake or client.priority:
                self.first_session(client, day, rules, plan)
            else:
                self.add_task(TaskKind.NOTE, day)
            if 0 < client.sessions_needed <= client.sessions_done:
                agency.end_episode(client, Kind.DISCHARGE)
            else:
                self.diary.book_next(client, day, rules)

    def missed(self, client: Client, day: int, minutes: float, rules: Rules, plan: DayPlan, tracing: bool) -> None:
        """A no-show: the slot becomes desk time, a short note is due, and the client may drop out."""
        plan.no_shows += 1
        plan.no_show_min += minutes
        if tracing:
            plan.slots.append(("no_show", minutes))
        self.add_task(TaskKind.NO_SHOW_NOTE, day)
        if self.agency.streams["dropout"].random() < rules.dropout_rate:
            self.agency.end_episode(client, Kind.DROPOUT)
        else:
            self.diary.book_next(client, day, rules)

    def first_session(self, client: Client, day: int, rules: Rules, plan: DayPlan) -> None:
        """An attended intake, or the first session with a transferred client: the paperwork of a new plan."""
        if client.needs_intake:
            plan.intakes += 1
            client.needs_intake = False
            now = self.agency.schedule.now
            self.agency.log.add(now, Kind.FIRST_SESSION, self.id, client.id, now - client.referred_at)
            self.add_task(TaskKind.INTAKE_ASSESSMENT, day)
            self.add_task(TaskKind.TREATMENT_PLAN, day)
        else:  # a transferred client: a progress note, and the plan rewritten with the new clinician
            client.priority = False
            self.add_task(TaskKind.NOTE, day)
            self.add_task(TaskKind.PLAN_REVIEW, day)
        self.diary.book_review(client, day, rules)

    def release(self, client: Client) -> None:
        """Forget a client who left this caseload."""
        self.caseload.discard(client)
        self.diary.release(client)

    # -- paperwork -------------------------------------------------------------------------------------------
    def add_task(self, kind: int, day: int) -> None:
        """Put a task of a kind (a ``TaskKind``) created on ``day`` on the desk, its minutes drawn from its kind's
        distribution and stream. (``kind`` is typed ``int`` so that, compiled, it indexes the specs directly.)"""
        specs = self.agency.rules.tasks
        if specs is None:  # paperwork is switched off
            return
        spec = specs[kind]
        minutes = spec.mu
        if spec.sigma > 0.0:
            minutes = math.exp(spec.mu + spec.sigma * self.agency.task_streams[kind].normal())
        self.desk.add(kind, minutes * spec.factor, day + spec.due_days)

    def create_routine_tasks(self, day: int, rules: Rules) -> None:
        """Plan reviews falling due today, the day's admin and, on the first workday of a month, compliance work."""
        for client in self.diary.reviews.take(day) or ():
            if client.clinician is self and client.status is Status.IN_CARE:
                self.add_task(TaskKind.PLAN_REVIEW, day)
                self.diary.book_review(client, day, rules)
        self.add_task(TaskKind.DAILY_ADMIN, day)
        month = int(day // _DAYS_PER_MONTH)
        if month != self.month:
            self.month = month
            self.add_task(TaskKind.COMPLIANCE, day)

    # -- end of day ------------------------------------------------------------------------------------------
    def finish_day(self, day: int, plan: DayPlan, rules: Rules, tracing: bool) -> None:
        """Desk work in the time the sessions left, after-hours work on what is due by the next workday, then what
        the day did to exhaustion, recorded in the day's ledger."""
        available = rules.available
        session_in = min(plan.session_min, available)
        overrun = plan.session_min - session_in  # sessions that ran past contracted time count as after hours
        slowdown = rules.strain.desk_slowdown(self.ee) if rules.burnout else 1.0
        desk = self.desk.work(available - session_in, slowdown=slowdown, today=day, trace=tracing)
        cap = max(0.0, rules.after_hours_cap - overrun)
        evening = _NOTHING_DONE
        if cap > 0 and self.desk.has_due_by(next_workday(day)):
            evening = self.desk.work(cap, slowdown=slowdown, today=day, until_due=next_workday(day), trace=tracing)
        after = overrun + evening.minutes
        late_new = self.desk.close_day(day)
        if rules.burnout:
            load = rules.strain.load_hours(session_in, desk.minutes, after)
            self.ee = rules.strain.ee_after_workday(self.ee, load, late_new, after, self.susceptibility)
        self.agency.log.add_day(
            day=day, clinician=self.id, status=_NOTICE if self.notice else _WORK, caseload=len(self.caseload),
            capacity=self.capacity(), scheduled=plan.scheduled, attended=plan.attended, intakes=plan.intakes,
            no_shows=plan.no_shows, contract_min=rules.contract, session_min=session_in, desk_min=desk.minutes,
            supervision_min=rules.supervision, leave_min=0.0, idle_min=available - session_in - desk.minutes,
            after_min=after, backlog_min=self.desk.backlog_minutes, notes_done=desk.notes_done + evening.notes_done,
            notes_late=desk.notes_late + evening.notes_late, late_new=late_new, ee=self.ee)
        if tracing:
            self.agency.log.trace.extend(lay_out_day(self.id, day, rules.supervision, plan, desk, evening, available))
        self.climate_and_turnover(rules)

    def shock(self, points: float) -> None:
        if self.agency.rules.burnout:
            self.ee = bo.clip_ee(self.ee + points)

    def climate_and_turnover(self, rules: Rules) -> None:
        agency = self.agency
        if agency.streams["climate"].random() < rules.conflict_probability:
            self.shock(rules.conflict_shock)
            agency.log.add(agency.schedule.now, Kind.CONFLICT, self.id, -1, rules.conflict_shock)
        self.maybe_resign(rules)

    def maybe_resign(self, rules: Rules) -> None:
        """The daily resignation draw: every workday, on leave or not, carries its share of the annual hazard."""
        if rules.turnover and not self.notice:
            probability = rules.resign_high if self.ee >= rules.high_ee else rules.resign_low
            if self.agency.streams["turnover"].random() < probability:
                self.agency.resign(self)

    def leave_day(self, day: int, rules: Rules) -> None:
        """A day of vacation: rest, deadlines paused, the day's bookings moved on."""
        agency = self.agency
        if rules.burnout:
            self.ee = bo.clip_ee(self.ee * rules.rest_day_factor)
        if day % 7 == 0 or not self.diary.on_leave(day - 1):  # deadlines pause for each week away
            self.desk.postpone(7)
        for client in self.diary.agenda.take(day) or ():
            if client.clinician is self and client.status is Status.IN_CARE:
                self.diary.book_next(client, day, rules)
        for client in self.diary.reviews.take(day) or ():
            if client.clinician is self and client.status is Status.IN_CARE:
                self.diary.reviews.on(day + 7).append(client)
        contract = rules.contract
        agency.log.add_day(
            day=day, clinician=self.id, status=_LEAVE, caseload=len(self.caseload), capacity=self.capacity(),
            scheduled=0, attended=0, intakes=0, no_shows=0, contract_min=contract, session_min=0.0, desk_min=0.0,
            supervision_min=0.0, leave_min=contract, idle_min=0.0, after_min=0.0,
            backlog_min=self.desk.backlog_minutes, notes_done=0, notes_late=0, late_new=0, ee=self.ee)
        if agency.tracing(day):
            agency.log.trace.append(TraceSegment(self.id, day, 480, 480 + contract, "leave", "vacation"))
        self.maybe_resign(rules)


_NOTHING_DONE: Final = DeskResult()  # the evening when no after-hours work happens (never mutated)
