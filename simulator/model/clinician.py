"""A clinician: a caseload, a diary of sessions, a desk of paperwork, and the workday that uses them.

Each workday is computed in one go: at 08:00 the agency's workday event (``Agency.workdays``, one SimPy event per
agency-day) calls ``work_day`` for every clinician on the roster, in order of hire, and the day's split of
contracted time (sessions, desk work, supervision, idle) and the evening's after-hours work are computed from the
diary and the desk. Treating the day as one event keeps the model fast; the minute-level layout of the day is
rebuilt only for the weeks a caller asks to trace (the "clinician's week" chart).

A departure is its own explicit event (``staffing.depart``): it takes the clinician off the roster, so no later
workday event calls on them, the way an interrupt ends a machine's process in SimPy's machine-shop example.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from simulator.model import burnout as bo
from simulator.model.byday import DayLists, DayMinutes
from simulator.model.caseload import ramp
from simulator.model.clients import Client, Status
from simulator.model.desk import DeskQueue, DeskResult, TaskKind
from simulator.model.events import STATUSES, Kind, TraceSegment
from simulator.model.rules import DayRules
from simulator.model.workday import DayPlan, lay_out_day

if TYPE_CHECKING:
    from simulator.model.agency import Agency

__all__ = ["DAY_START", "Clinician", "first_workday_after", "is_workday", "next_workday"]

# Final: compiled, a module constant is then read directly rather than looked up in the module's dict.
DAY_START: Final = 8 / 24  # workdays start at 08:00
_WORK: Final = STATUSES.index("work")
_LEAVE: Final = STATUSES.index("leave")
_NOTICE: Final = STATUSES.index("notice")


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
        # The vacation weeks as flags indexed by week: asked for every workday and every day a booking looks at, and
        # a list index is cheaper than a set lookup of a boxed week number.
        self._away: list[bool] = [False] * (max(vacation_weeks, default=-1) + 1)
        for week in vacation_weeks:
            self._away[week] = True
        self.ramping = ramping
        self.notice = False
        self.caseload: set[Client] = set()
        start = math.floor(hired_at)
        self.agenda: DayLists[Client] = DayLists(start)  # clients booked each day
        self.reviews: DayLists[Client] = DayLists(start)  # clients whose plan review falls due each day
        self.booked = DayMinutes(start)  # intake minutes booked on top of regular sessions each day
        self.weekday_load = [0, 0, 0, 0, 0]  # regular clients per weekday
        self.desk = DeskQueue()
        self._plan = DayPlan()  # today's, cleared each day
        self.last_day = math.floor(hired_at) - 1
        self.month = int(hired_at // 30.4375)
        self.first_day = first_workday_after(hired_at)  # the first workday event this clinician takes part in

    # -- capacity -------------------------------------------------------------------------------------------
    def capacity(self, now: float | None = None) -> float:
        """Caseload slots at ``now`` (by default, the agency's clock): the target, scaled by the onboarding ramp;
        none while working out notice."""
        if self.notice:
            return 0.0
        if not self.ramping:
            return self.agency.target * 1.0
        days = (self.agency.now if now is None else now) - self.hired_at
        return self.agency.target * ramp(days, self.agency.rules.onboarding_weeks)

    def free_slots(self, now: float) -> int:
        if not (self.ramping or self.notice):  # the common case, asked at every discharge: the whole target
            return self.agency.target - len(self.caseload)
        return math.floor(self.capacity(now) + 1e-9) - len(self.caseload)

    def on_leave(self, day: int) -> bool:
        week = day // 7
        return 0 <= week < len(self._away) and self._away[week]

    # -- the workday ----------------------------------------------------------------------------------------
    def work_day(self, day: int) -> None:
        agency = self.agency
        rules = agency.rules
        if rules.burnout:
            for _ in range(day - self.last_day - 1):  # weekend (or days before starting)
                self.ee = bo.clip_ee(self.ee * rules.rest_day_factor)
        self.last_day = day
        if self.on_leave(day):
            self.leave_day(day, rules)
            return
        if self.ramping:
            self.ramping = ramp(agency.now - self.hired_at, rules.onboarding_weeks) < 1.0
            agency.try_assign()
        tracing = agency.tracing(day)
        plan = self.see_clients(day, rules, tracing)
        self.create_routine_tasks(day)
        self.finish_day(day, plan, rules, tracing)

    # -- sessions --------------------------------------------------------------------------------------------
    def see_clients(self, day: int, rules: DayRules, tracing: bool) -> DayPlan:
        """Hold the day's appointments in booking order, then the plan reviews that fall due.

        This loop runs for every session of a run, so what it reads is bound to locals first; rare branches
        (no-shows, intakes, discharges) live in their own methods.
        """
        plan = self._plan
        plan.reset(tracing=tracing)
        agenda = self.agenda.take(day)
        if agenda is not None:
            self.hold_sessions(agenda, day, rules, plan, tracing)
        self.booked.take(day)
        reviews = self.reviews.take(day)
        if reviews is not None:
            for client in reviews:
                if client.clinician is self and client.status is Status.IN_CARE:
                    self.add_task(TaskKind.PLAN_REVIEW, day)
                    self.book_review(client, day)
        return plan

    def hold_sessions(self, agenda: list[Client], day: int, rules: DayRules, plan: DayPlan, tracing: bool) -> None:
        """The session loop: attended sessions, their progress notes and the next booking.

        A progress note per attended session is most of a run's tasks: its spec is read once a day and the note
        appended to its desk bucket here rather than through ``add_task`` (same draw, same minutes, same order).
        """
        agency = self.agency
        in_care = Status.IN_CARE
        # Streams, not their bound methods, in locals: compiled, ``attendance.random()`` is a direct C call, while
        # calling a bound method held in a variable goes through Python's generic call.
        attendance = agency.attendance
        no_show_rate = rules.no_show_rate
        note = agency.task_specs.get(TaskKind.NOTE)
        mu, sigma, factor, due_days = note if note is not None else (0.0, 0.0, 0.0, 0)
        paperwork = agency.paperwork_stream
        desk = self.desk
        notes: list[TaskKind] | None = None  # the kinds and minutes lists of today's note bucket, once known
        note_minutes: list[float] = []
        note_kind = TaskKind.NOTE
        weekday, repeat = day % 7, rules.repeat_days
        session_minutes, intake_minutes = rules.session_minutes, rules.intake_minutes
        following: list[Client] | None = None  # clients booked again on this weekday next cadence
        session_min = 0.0
        attended = 0
        for client in agenda:
            if client.clinician is not self or client.status is not in_care:
                continue  # left care, or moved to another clinician, since it was booked
            intake = client.needs_intake
            minutes = intake_minutes if intake else session_minutes
            start = session_min + plan.no_show_min  # minutes into the day's appointments
            plan.scheduled += 1
            if attendance.random() < no_show_rate:
                self.missed(client, day, start, minutes, plan, tracing)
                continue
            session_min += minutes
            if tracing:
                plan.slots.append(("intake" if intake else "session", minutes))
            attended += 1
            client.sessions_done += 1
            if intake or client.priority:
                self.first_session(client, day, start, plan)
            elif note is not None:
                minutes = (math.exp(mu + sigma * paperwork.normal()) if sigma > 0 else mu) * factor
                if minutes > 0.0:
                    if notes is None:
                        notes, note_minutes = desk.bucket_lists(day + due_days)
                    notes.append(note_kind)
                    note_minutes.append(minutes)
                    desk.backlog_minutes += minutes
            if 0 < client.sessions_needed <= client.sessions_done:
                agency.end_episode(client, Kind.DISCHARGE, day + DAY_START + start / 1440)
            elif repeat and client.weekday == weekday:  # what book_next would do, without the arithmetic
                if following is None:
                    following = self.agenda.on(day + repeat)
                following.append(client)
            else:
                self.book_next(client, day)
        plan.session_min = session_min
        plan.attended = attended

    def missed(self, client: Client, day: int, start: float, minutes: float, plan: DayPlan, tracing: bool) -> None:
        """A no-show: the slot becomes desk time, a short note is due, and the client may drop out."""
        plan.no_shows += 1
        plan.no_show_min += minutes
        if tracing:
            plan.slots.append(("no_show", minutes))
        self.add_task(TaskKind.NO_SHOW_NOTE, day)
        if self.agency.dropout.random() < self.agency.rules.dropout_rate:
            self.agency.end_episode(client, Kind.DROPOUT, day + DAY_START + start / 1440)
        else:
            self.book_next(client, day)

    def first_session(self, client: Client, day: int, start: float, plan: DayPlan) -> None:
        """An attended intake, or the first session with a transferred client: the paperwork of a new plan."""
        if client.needs_intake:
            plan.intakes += 1
            client.needs_intake = False
            time = day + DAY_START + start / 1440
            self.agency.log.add(time, Kind.FIRST_SESSION, self.id, client.id, time - client.referred_at)
            self.add_task(TaskKind.INTAKE_ASSESSMENT, day)
            self.add_task(TaskKind.TREATMENT_PLAN, day)
            self.book_review(client, day)
            return
        self.add_task(TaskKind.NOTE, day)
        client.priority = False  # the plan is rewritten with the new clinician
        self.add_task(TaskKind.PLAN_REVIEW, day)
        self.book_review(client, day)

    # -- the diary -------------------------------------------------------------------------------------------
    def book_first(self, client: Client, now: float) -> None:
        """Book an intake (or a transferred client's first session) on the next workday with room for it."""
        rules = self.agency.rules
        minutes = rules.intake_minutes if client.needs_intake else rules.session_minutes
        day = self.free_day(first_workday_after(now), minutes)
        self.agenda.on(day).append(client)
        self.booked.add(day, minutes)

    def free_day(self, day: int, minutes: float) -> int:
        rules = self.agency.rules
        first = None
        for _ in range(20):
            if not self.on_leave(day):
                first = day if first is None else first
                used = self.weekday_load[day % 7] * rules.session_minutes + self.booked.minutes(day)
                if rules.contract - rules.supervision - used >= minutes:
                    return day
            day = next_workday(day)
        return first if first is not None else day

    def book_next(self, client: Client, day: int) -> None:
        if client.needs_intake:  # a missed intake is rebooked like a first appointment
            self.book_first(client, day + 1)
            return
        if client.weekday < 0:  # the least loaded weekday, the first of equals (``min`` with a key, unrolled)
            load = self.weekday_load
            weekday = 0
            for other in range(1, 5):
                if load[other] < load[weekday]:
                    weekday = other
            client.weekday = weekday
            load[weekday] += 1
        rules = self.agency.rules
        target = day + rules.cadence_days
        if rules.weekly:  # keep the client's regular weekday
            target += (client.weekday - target % 7 + 3) % 7 - 3
            target = target if target > day else target + 7
        elif not is_workday(target):
            target = next_workday(target)
        self.agenda.on(target).append(client)

    def book_review(self, client: Client, day: int, interval: float | None = None) -> None:
        """Book the client's next treatment-plan review (by default one review interval after ``day``)."""
        due = day + (self.agency.rules.review_days if interval is None else max(1, round(interval)))
        self.reviews.on(due if is_workday(due) else next_workday(due)).append(client)

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
    def finish_day(self, day: int, plan: DayPlan, rules: DayRules, tracing: bool) -> None:
        agency = self.agency
        available = rules.available
        session_in = min(plan.session_min, available)
        overrun = plan.session_min - session_in
        slowdown = rules.strain.desk_slowdown(self.ee) if rules.burnout else 1.0
        desk = self.desk.work(available - session_in, slowdown=slowdown, today=day, trace=tracing)
        cap = max(0.0, rules.after_hours_cap - overrun)
        evening = _NOTHING_DONE
        if cap > 0 and self.desk.has_due_by(next_workday(day)):
            evening = self.desk.work(cap, slowdown=slowdown, today=day, until_due=next_workday(day), trace=tracing)
        after = overrun + evening.minutes
        late_new = self.desk.close_day(day)
        if rules.burnout:
            self.update_ee(rules.strain, session_in, desk.minutes, after, late_new)
        # A DayRecord's fields in order, status as its code (see DayRecord for the meaning of each field).
        agency.log.add_day(
            _NOTICE if self.notice else _WORK, day, self.id, len(self.caseload), self.capacity(),
            plan.scheduled, plan.attended, plan.intakes, plan.no_shows, rules.contract, session_in, desk.minutes,
            rules.supervision, 0.0, available - session_in - desk.minutes, after, self.desk.backlog_minutes,
            desk.notes_done + evening.notes_done, desk.notes_late + evening.notes_late, late_new, self.ee)
        if tracing:
            agency.log.trace.extend(lay_out_day(self.id, day, rules.supervision, plan, desk, evening, available))
        self.climate_and_turnover(rules)

    def update_ee(self, strain: bo.Strain, session_min: float, desk_min: float, after_min: float,
                  late_new: int) -> None:
        load = strain.load_hours(session_min, desk_min, after_min)
        self.ee = strain.ee_after_workday(self.ee, load, late_new, after_min, self.susceptibility)

    def shock(self, points: float) -> None:
        if self.agency.rules.burnout:
            self.ee = bo.clip_ee(self.ee + points)

    def climate_and_turnover(self, rules: DayRules) -> None:
        agency = self.agency
        if agency.climate.random() < rules.conflict_probability:
            self.shock(rules.conflict_shock)
            agency.log.add(agency.now, Kind.CONFLICT, self.id, -1, rules.conflict_shock)
        self.maybe_resign(rules)

    def maybe_resign(self, rules: DayRules) -> None:
        """The daily resignation draw: every workday, on leave or not, carries its share of the annual hazard."""
        if rules.turnover and not self.notice:
            probability = rules.resign_high if self.ee >= rules.high_ee else rules.resign_low
            if self.agency.turnover.random() < probability:
                self.agency.resign(self)

    def leave_day(self, day: int, rules: DayRules) -> None:
        agency = self.agency
        if rules.burnout:
            self.ee = bo.clip_ee(self.ee * rules.rest_day_factor)
        if day % 7 == 0 or not self.on_leave(day - 1):  # deadlines pause for each week away
            self.desk.postpone(7)
        for client in self.agenda.take(day) or ():
            if client.clinician is self and client.status is Status.IN_CARE:
                self.book_next(client, day)
        for client in self.reviews.take(day) or ():
            if client.clinician is self and client.status is Status.IN_CARE:
                self.reviews.on(day + 7).append(client)
        contract = rules.contract
        agency.log.add_day(_LEAVE, day, self.id, len(self.caseload), self.capacity(), 0, 0, 0, 0, contract,
                           0.0, 0.0, 0.0, contract, 0.0, 0.0, self.desk.backlog_minutes, 0, 0, 0, self.ee)
        if agency.tracing(day):
            agency.log.trace.append(TraceSegment(self.id, day, 480, 480 + contract, "leave", "vacation"))
        self.maybe_resign(rules)


_NOTHING_DONE: Final = DeskResult()  # the evening when no after-hours work happens (never mutated)
