"""A clinician: a caseload, a diary, a desk of paperwork, and the workday that uses them.

At 08:00 of every workday the agency's workday process (``Agency.workdays``) calls ``work_day`` for each clinician
on the roster, in order of hire, and the whole day is computed at that moment: the day's sessions (attended or
missed), the paperwork they create, the split of contracted time between sessions, desk work, supervision and idle
time, the evening's after-hours work, and what the day does to strain, to exhaustion and to the wish to leave.
Everything the day logs is stamped 08:00. The minute-by-minute layout of a day is built only for the weeks a caller
traces (the "clinician's week" chart).

A departure is an event of its own (the departure process in ``staffing``): it takes the clinician off the roster,
so no later workday calls on them, the way an interrupt ends a machine's process in SimPy's machine-shop example.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from simulator.model.burnout import clip_ee
from simulator.model.caseload import ramp
from simulator.model.clients import Client, Status
from simulator.model.desk import ClaimCutoffs, DeskQueue, DeskResult
from simulator.model.diary import Diary, next_workday
from simulator.model.events import STATUSES, Kind, TraceSegment
from simulator.model.paperwork import TaskKind
from simulator.model.workday import DayPlan, lay_out_day

if TYPE_CHECKING:
    from simulator.model.agency import Agency
    from simulator.model.rules import Rules

__all__ = ["Clinician", "evening_minutes"]

_WORK: Final = STATUSES.index("work")
_LEAVE: Final = STATUSES.index("leave")
_NOTICE: Final = STATUSES.index("notice")
_DAYS_PER_MONTH: Final = 30.4375


def evening_minutes(urgent: float, tonight: float) -> float:
    """Minutes of after-hours desk work on an evening with ``urgent`` clock minutes of work due by the next workday
    and not late yet, when at most ``tonight`` minutes are possible (the daily cap, less what the week has used).

    A little urgent work is done almost in full; more is done with diminishing returns, approaching the cap, as
    each further evening hour is harder to give: ``tonight * (1 - exp(-urgent / tonight))``.
    """
    if tonight <= 0.0 or urgent <= 0.0:
        return 0.0
    return tonight * -math.expm1(-urgent / tonight)


class Clinician:
    def __init__(self, agency: Agency, clinician_id: int, *, hired_at: float, tenure_start: float, ee: float,
                 susceptibility: float, writing_speed: float, leave_weeks: frozenset[int], ramping: bool) -> None:
        self.agency = agency
        self.id = clinician_id
        self.hired_at = hired_at
        self.tenure_start = tenure_start  # when the clinician joined the agency (before the run, for the first staff)
        self.ee = ee  # emotional exhaustion, the chronic state (MBI-EE 0-54)
        self.strain = ee  # the daily strain that EE follows
        self.susceptibility = susceptibility  # a lasting trait
        self.circumstances = 0.0  # log multiplier from life outside work, drifting week by week (``new_week``)
        self.writing_speed = writing_speed  # multiplier on documentation minutes
        self.ramping = ramping
        self.notice = False
        self.caseload: set[Client] = set()
        self.diary = Diary(math.floor(hired_at), leave_weeks, len(agency.rules.kinds))
        self.desk = DeskQueue()
        self._plan = DayPlan()  # today's, cleared each day
        self.last_day = math.floor(hired_at) - 1
        self.month = int(hired_at // _DAYS_PER_MONTH)
        self.week = -1
        self.week_after = 0.0  # after-hours minutes so far this week
        # The month's productivity so far, for the monthly review (``review_productivity``), and the pressure
        # the last review left: extra strain on every workday until the next one.
        self.month_session_min = 0.0
        self.month_target_min = 0.0
        self.pressure = 0.0

    # -- capacity -------------------------------------------------------------------------------------------
    def capacity(self) -> float:
        """Caseload slots now: the agency's caseload goal, scaled by the onboarding ramp; none while working out
        notice."""
        if self.notice:
            return 0.0
        goal = self.agency.caseload_goal
        if not self.ramping:
            return float(goal)
        return goal * ramp(self.agency.schedule.now - self.hired_at, self.agency.rules.onboarding_weeks)

    def free_slots(self) -> int:
        if not (self.ramping or self.notice):  # the common case
            return self.agency.caseload_goal - len(self.caseload)
        return math.floor(self.capacity() + 1e-9) - len(self.caseload)

    def list_slots(self) -> None:
        """Tell the agency's slot board how many clients this clinician can take now (after any change)."""
        self.agency.slots.set(self.id, max(0, self.free_slots()))

    # -- the workday ----------------------------------------------------------------------------------------
    def work_day(self, day: int) -> None:
        agency = self.agency
        rules = agency.rules
        for _ in range(day - self.last_day - 1):  # the weekend (or the days before starting)
            self.rest_day(rules)
        self.last_day = day
        if day // 7 != self.week:
            self.new_week(day // 7, rules)
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
            self.hold_sessions(agenda, day, rules, plan, tracing, self.slots_to_block(rules))
        self.diary.booked.take(day)
        self.create_routine_tasks(day, rules)
        self.finish_day(day, plan, rules, tracing)

    def new_week(self, week: int, rules: Rules) -> None:
        """A new week: its after-hours allowance starts afresh, and life outside work drifts (a log-normal AR(1)
        process with the scenario's spread and time constant; drawn from its own stream)."""
        weeks = week - self.week if self.week >= 0 else 0
        self.week, self.week_after = week, 0.0
        sd = rules.circumstances_sd
        if sd > 0.0:
            if weeks == 0:  # the first week: anywhere in the long-run spread
                self.circumstances = sd * self.agency.streams["circumstances"].normal()
            else:
                keep = rules.circumstances_keep ** weeks
                drift = sd * math.sqrt(1.0 - keep * keep) * self.agency.streams["circumstances"].normal()
                self.circumstances = keep * self.circumstances + drift

    def susceptible(self, rules: Rules) -> float:
        """How strongly this clinician feels a day's load: the lasting trait times today's circumstances (a log
        multiplier of mean 1)."""
        sd = rules.circumstances_sd
        return self.susceptibility * math.exp(self.circumstances - 0.5 * sd * sd)

    def rest_day(self, rules: Rules) -> None:
        """A day off: strain recovers, and exhaustion takes its daily step toward it."""
        if rules.burnout:
            self.strain = self.agency.strain.after_rest_day(self.strain)
            self.ee = self.agency.strain.ee_toward(self.ee, self.strain)

    # -- sessions --------------------------------------------------------------------------------------------
    def slots_to_block(self, rules: Rules) -> int:
        """Regular sessions to give up today to catch up on late paperwork (none unless it has piled up)."""
        if rules.catch_up_minutes is None or rules.tasks is None:
            return 0
        return rules.catch_up_sessions if self.desk.late_minutes() > rules.catch_up_minutes else 0

    def hold_sessions(self, agenda: list[Client], day: int, rules: Rules, plan: DayPlan, tracing: bool,
                      block: int) -> None:
        """The day's appointments in booking order: each attended (with its paperwork) or missed, then the next
        booking, or the end of the episode. The first ``block`` regular sessions are given up to catch up on
        paperwork: their time goes to the desk, and the clients come back at their next regular time."""
        agency = self.agency
        attendance = agency.streams["attendance"]
        for client in agenda:
            if client.clinician is not self or client.status is not Status.IN_CARE:
                continue  # left care, or moved to another clinician, since it was booked
            kind = rules.kinds[client.kind]
            if block > 0 and not (client.needs_intake or client.priority):
                block -= 1
                plan.blocked += 1
                if tracing:
                    plan.slots.append(("blocked", kind.session_minutes))
                self.diary.book_next(client, day, rules)
                continue
            minutes = rules.intake_minutes if client.needs_intake else kind.session_minutes
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
                self.add_task(TaskKind.NOTE, day, kind.note_scale, kind.bills)
            if 0 < client.sessions_needed <= client.sessions_done:
                agency.end_episode(client, Kind.DISCHARGE)
            else:
                self.diary.book_next(client, day, rules)

    def missed(self, client: Client, day: int, minutes: float, rules: Rules, plan: DayPlan, tracing: bool) -> None:
        """A no-show: the slot becomes desk time, a short note is due, and the client may drop out."""
        plan.no_shows += 1
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
            kind = rules.kinds[client.kind]
            self.add_task(TaskKind.NOTE, day, kind.note_scale, kind.bills)
            self.add_task(TaskKind.PLAN_REVIEW, day)
        self.diary.book_review(client, day, rules)

    def release(self, client: Client) -> None:
        """Forget a client who left this caseload."""
        self.caseload.discard(client)
        self.diary.release(client)

    # -- paperwork -------------------------------------------------------------------------------------------
    def add_task(self, kind: int, day: int, scale: float = 1.0, bills: float = 0.0) -> None:
        """Put a task of a kind (a ``TaskKind``) created on ``day`` on the desk, its minutes drawn from its kind's
        distribution and stream, times ``scale`` (a client kind's note burden); ``bills``: the sessions it bills
        once done. (``kind`` is typed ``int`` so that, compiled, it indexes the specs directly.)"""
        specs = self.agency.rules.tasks
        if specs is None:  # paperwork is switched off
            return
        spec = specs[kind]
        minutes = spec.mu
        if spec.sigma > 0.0:
            stream = self.agency.task_streams[kind]
            assert stream is not None
            minutes = math.exp(spec.mu + spec.sigma * stream.normal())
        if spec.documentation:
            minutes *= self.writing_speed
        self.desk.add(kind, minutes * scale * spec.factor, day + spec.due_days, bills)

    def create_routine_tasks(self, day: int, rules: Rules) -> None:
        """Plan reviews falling due today, the day's admin and, on the first workday of a month, compliance work."""
        due = self.diary.reviews.take(day)
        if due is not None:  # (not ``or ()``: compiled, a list is iterated natively, a list-or-tuple generically)
            for client in due:
                if client.clinician is self and client.status is Status.IN_CARE:
                    self.add_task(TaskKind.PLAN_REVIEW, day)
                    self.diary.book_review(client, day, rules)
        self.add_task(TaskKind.DAILY_ADMIN, day)
        month = int(day // _DAYS_PER_MONTH)
        if month != self.month:
            self.month = month
            self.add_task(TaskKind.COMPLIANCE, day)
            self.review_productivity(rules)

    def review_productivity(self, rules: Rules) -> None:
        """The monthly productivity review: billable session time (sessions whose documentation is done, counted
        on the day it is done, as productivity reports count billed units) over what the target asks of the days
        worked (leave, notice and a new hire's ramp excluded). A shortfall beyond the tolerance puts the clinician
        under pressure for the next month (extra strain each workday, in proportion to the shortfall)."""
        if self.month_target_min <= 0.0:
            self.pressure = 0.0
            return
        achieved = self.month_session_min / self.month_target_min
        shortfall = 1.0 - achieved
        self.pressure = rules.below_target_strain * shortfall if shortfall > rules.productivity_tolerance else 0.0
        self.month_session_min = self.month_target_min = 0.0
        agency = self.agency
        agency.log.add(agency.schedule.now, Kind.PRODUCTIVITY_REVIEW, self.id, -1, achieved)

    # -- end of day ------------------------------------------------------------------------------------------
    def finish_day(self, day: int, plan: DayPlan, rules: Rules, tracing: bool) -> None:
        """Desk work in the time the sessions left, after-hours work on what is due soon, long-late work written
        off; then what the day did to strain and exhaustion, recorded in the day's ledger."""
        available = rules.available
        session_in = min(plan.session_min, available)
        overrun = plan.session_min - session_in  # sessions that ran past contracted time count as after hours
        slowdown = self.agency.strain.desk_slowdown(self.ee) if rules.burnout else 1.0
        claims = None if rules.claim_window is None else ClaimCutoffs(day - rules.claim_window + rules.note_due,
                                                                      day - rules.claim_window + rules.document_due)
        desk = self.desk.work(available - session_in, slowdown=slowdown, today=day, trace=tracing, claims=claims)
        evening = self.evening(day, overrun, slowdown, rules, tracing)
        after = overrun + evening.minutes
        self.week_after += after
        late_new = self.desk.close_day(day)
        written_off, notes_written_off, sessions_written_off = (0, 0, 0.0) if rules.write_off_days is None else \
            self.desk.write_off(day - rules.write_off_days)
        billed = desk.billed_sessions + evening.billed_sessions
        if not (self.notice or self.ramping):  # what the month's productivity review counts: billable sessions
            intakes = desk.assessments_done + evening.assessments_done - desk.unbilled_assessments
            self.month_session_min += billed * rules.session_minutes + intakes * rules.intake_minutes
            self.month_target_min += rules.target_session_min
        if rules.burnout:
            load = self.agency.strain.load_hours(session_in, desk.minutes, after)
            # A task given up strains as a task falling late does: both are work the day could not fit.
            self.strain = self.agency.strain.after_workday(self.strain + self.pressure, load,
                                                           late_new + written_off, after, self.susceptible(rules))
            self.ee = self.agency.strain.ee_toward(self.ee, self.strain)
        self.agency.log.add_day(
            day=day, clinician=self.id, status=_NOTICE if self.notice else _WORK, caseload=len(self.caseload),
            capacity=self.capacity(), scheduled=plan.scheduled, attended=plan.attended, intakes=plan.intakes,
            no_shows=plan.no_shows, blocked=plan.blocked, contract_min=rules.contract, session_min=session_in,
            desk_min=desk.minutes,
            supervision_min=rules.supervision, leave_min=0.0, idle_min=available - session_in - desk.minutes,
            after_min=after, backlog_min=self.desk.backlog_minutes, notes_done=desk.notes_done + evening.notes_done,
            notes_late=desk.notes_late + evening.notes_late, late_new=late_new, written_off=written_off,
            notes_written_off=notes_written_off, assessments_done=desk.assessments_done + evening.assessments_done,
            unbilled_notes=desk.unbilled_notes, unbilled_assessments=desk.unbilled_assessments,
            billed_sessions=billed, unbilled_sessions=desk.unbilled_sessions + sessions_written_off,
            strain=self.strain, ee=self.ee)
        if tracing:
            self.agency.log.trace.extend(lay_out_day(self.id, day, rules.supervision, plan, desk, evening, available))
        self.climate_and_turnover(rules)

    def evening(self, day: int, overrun: float, slowdown: float, rules: Rules, tracing: bool) -> DeskResult:
        """After-hours desk work on what falls due by the next workday and is not late yet (``evening_minutes``):
        a clinician stays on to keep today's notes on time, not to clear an old backlog, which waits for desk time
        or is written off. Within the day's and the week's caps, less any sessions that already ran over."""
        tonight = min(rules.after_hours_cap - overrun, rules.after_hours_week - self.week_after - overrun)
        due = next_workday(day)
        urgent = self.desk.due_minutes(due) * slowdown
        budget = evening_minutes(urgent, tonight)
        if budget <= 0.0:
            return _NOTHING_DONE
        return self.desk.work(budget, slowdown=slowdown, today=day, until_due=due, on_time_only=True, trace=tracing)

    def shock(self, points: float) -> None:
        """A strain event (a conflict, an audit's findings, inherited clients)."""
        if self.agency.rules.burnout:
            self.strain = clip_ee(self.strain + points)

    def climate_and_turnover(self, rules: Rules) -> None:
        agency = self.agency
        if agency.streams["climate"].random() < rules.conflict_probability:
            self.shock(rules.conflict_shock)
            agency.log.add(agency.schedule.now, Kind.CONFLICT, self.id, -1, rules.conflict_shock)
        self.maybe_resign(rules)

    def maybe_resign(self, rules: Rules) -> None:
        """The daily resignation draw: every workday, on leave or not, carries its share of the annual hazard."""
        if rules.turnover and not self.notice:
            agency = self.agency
            tenure = agency.schedule.now - self.tenure_start
            probability = self.agency.hazard.daily_probability(self.ee, tenure, agency.empty_share)
            if agency.streams["turnover"].random() < probability:
                agency.resign(self)

    def leave_day(self, day: int, rules: Rules) -> None:
        """A day of vacation: rest, deadlines paused, the day's bookings moved on."""
        agency = self.agency
        self.rest_day(rules)
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
            scheduled=0, attended=0, intakes=0, no_shows=0, blocked=0, contract_min=contract, session_min=0.0,
            desk_min=0.0,
            supervision_min=0.0, leave_min=contract, idle_min=0.0, after_min=0.0,
            backlog_min=self.desk.backlog_minutes, notes_done=0, notes_late=0, late_new=0, written_off=0,
            notes_written_off=0, assessments_done=0, unbilled_notes=0, unbilled_assessments=0, billed_sessions=0.0,
            unbilled_sessions=0.0, strain=self.strain, ee=self.ee)
        if agency.tracing(day):
            agency.log.trace.append(TraceSegment(self.id, day, 480, 480 + contract, "leave", "vacation"))
        self.maybe_resign(rules)


_NOTHING_DONE: Final = DeskResult()  # the evening when no after-hours work happens (never mutated)
