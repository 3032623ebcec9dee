"""The parameters in force, as the plain numbers the model reads: derived once from the frozen scenario, and again
whenever a timed policy swaps it (``Agency.apply``).

A workday reads a dozen parameters per session and a few derived figures per day (contracted minutes, the
resignation probabilities, the burnout formula's weights); read through three levels of pydantic models they cost
more than the model's own logic, so they are read here once. Each value says what it means, not where it came
from; the scenario stays the one place a parameter is set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from simulator.inputs.scenario import Scenario
from simulator.model import burnout as bo
from simulator.model.caseload import daily_minutes, target_caseload
from simulator.model.kinds import KindRules, client_kinds, cumulative
from simulator.model.leaving import Hazard
from simulator.model.paperwork import TaskSpec, task_specs

__all__ = ["Rules"]

_ADMIN_MINUTES_PER_DAY: Final = 480.0  # an admin worker's working minutes in a day, spread over a 7-day week below


@dataclass(frozen=True, slots=True)
class Rules:
    # the workday
    contract: float  # contracted minutes per workday
    supervision: float
    available: float  # contracted minutes less supervision: sessions and desk work
    session_minutes: float  # workload.session_minutes: the length a session's revenue and productivity count in
    intake_minutes: float
    no_show_rate: float
    dropout_rate: float
    kinds: tuple[KindRules, ...]  # the kinds of client: cadence, session length, note burden, episodes
    referral_totals: list[float]  # running totals of the kinds' shares of referrals (``kinds.pick``)
    care_totals: list[float]  # and of the clients in care (the caseloads at the start)
    review_days: int  # days from one plan review to the next
    after_hours_cap: float  # minutes of after-hours desk work a day, at most
    after_hours_week: float  # minutes of after-hours desk work a week, at most
    write_off_days: int | None  # days after its due day that late work is written off (None: never)
    catch_up_minutes: float | None  # late paperwork (minutes) past which session slots are blocked (None: never)
    catch_up_sessions: int  # most slots blocked a day
    writing_speed_sd: float
    tasks: list[TaskSpec] | None  # by TaskKind; None when paperwork is switched off
    claim_window: int | None  # days after a session by which its documentation must be done to bill it
    note_due: int  # days from a session to its note's due day
    document_due: int  # days from an intake to its assessment's due day
    # caseloads
    target: int  # a clinician's caseload at full capacity
    cap: int  # the hard cap on a caseload
    covering: bool  # colleagues cover vacant posts with bigger caseloads (else clients wait)
    overload: float  # how far above the target a caseload may go when covering or under pressure
    pressure_per_position: float | None  # waiting clients per funded post that bring the full overload
    positions: int  # funded clinician posts
    target_session_min: float  # attended session minutes the productivity target asks of a workday
    below_target_strain: float  # extra strain per workday, per unit shortfall, in the month after a review
    productivity_tolerance: float  # shortfall a review lets pass
    onboarding_weeks: float  # a new hire's ramp to a full caseload
    # exhaustion and leaving
    burnout: bool
    strain: bo.Strain  # how the day's work turns into strain and exhaustion
    circumstances_sd: float  # sd of the log multiplier life outside work puts on susceptibility
    circumstances_keep: float  # share of last week's log multiplier kept this week (an AR(1) process)
    audit_finding: float  # strain per audit finding
    audit_strain_max: float  # and at most per audit
    conflict_probability: float  # per worked day
    conflict_shock: float
    turnover: bool
    hazard: Hazard  # who resigns, and when
    # the client flow
    admin_step: bool  # referrals are processed by the admin pool before they join the waitlist
    admin_staff: int
    admin_days: float  # one referral's processing time (0 without the admin step)
    intake_paperwork_on_clinician: bool  # no admin pool: the intake paperwork lands on the clinician
    intake_queue_limit: int | None  # most referrals queued for intake processing (None: no limit)
    patience_days: float | None  # mean patience from referral, and of a transferred client (None: nobody gives up)
    geometric: bool  # episodes end after a geometric count of sessions, else after an exponential time
    transfer_ee: float  # EE shock to a clinician who takes over a transferred client

    @classmethod
    def of(cls, s: Scenario) -> Rules:
        contract, supervision = daily_minutes(s)
        kinds = client_kinds(s)
        # Incidents happen at work: the annual rate is spread over the days actually worked in a year.
        worked_days = bo.WORKDAYS_PER_YEAR * max(0.1, 1 - s.staff.vacation_weeks_per_year / 52.18)
        demand = s.demand
        admin_step = s.staff.admin_staff > 0 and demand.intake_admin_minutes > 0
        return cls(
            contract=contract, supervision=supervision, available=contract - supervision,
            session_minutes=s.workload.session_minutes, intake_minutes=s.workload.intake_session_minutes,
            no_show_rate=demand.no_show_rate, dropout_rate=demand.dropout_after_no_show,
            kinds=kinds, referral_totals=cumulative([kind.referral_share for kind in kinds]),
            care_totals=cumulative([kind.care_share for kind in kinds]),
            review_days=max(1, round(s.paperwork.plan_review_days)),
            after_hours_cap=s.paperwork.after_hours_max_minutes_per_day,
            after_hours_week=60.0 * s.paperwork.after_hours_max_hours_per_week,
            write_off_days=None if s.paperwork.write_off_days is None else math.ceil(s.paperwork.write_off_days),
            catch_up_minutes=None if s.paperwork.catch_up_backlog_hours is None
            else 60.0 * s.paperwork.catch_up_backlog_hours,
            catch_up_sessions=s.paperwork.catch_up_sessions_per_day,
            writing_speed_sd=s.paperwork.writing_speed_sd, tasks=task_specs(s),
            claim_window=None if s.costs.claim_window_days is None or not s.paperwork.enabled
            else math.floor(s.costs.claim_window_days),
            note_due=math.ceil(s.paperwork.note_due_days), document_due=math.ceil(s.paperwork.document_due_days),
            target=target_caseload(s), cap=s.workload.caseload_cap, covering=s.workload.coverage == "colleagues",
            overload=s.workload.overload_limit, pressure_per_position=s.workload.pressure_waitlist_per_position,
            positions=s.staff.clinicians,
            target_session_min=s.workload.productivity_target * contract,
            below_target_strain=s.workload.below_target_strain,
            productivity_tolerance=s.workload.productivity_tolerance, onboarding_weeks=s.turnover.onboarding_weeks,
            burnout=s.burnout.enabled, strain=bo.Strain.of(s.burnout, s.climate),
            circumstances_sd=s.burnout.circumstances_sd,
            circumstances_keep=math.exp(-1.0 / s.burnout.circumstances_weeks),
            audit_finding=s.burnout.audit_finding_ee, audit_strain_max=s.burnout.audit_strain_max,
            conflict_probability=s.climate.conflict_incidents_per_year / worked_days,
            conflict_shock=s.climate.conflict_ee_shock, turnover=s.turnover.enabled, hazard=Hazard.of(s),
            admin_step=admin_step, admin_staff=s.staff.admin_staff,
            admin_days=demand.intake_admin_minutes / _ADMIN_MINUTES_PER_DAY * 7 / 5 if admin_step else 0.0,
            intake_paperwork_on_clinician=s.staff.admin_staff == 0,
            intake_queue_limit=demand.intake_queue_limit,
            patience_days=None if demand.patience_weeks is None else 7.0 * demand.patience_weeks,
            geometric=demand.episode_distribution == "geometric",
            transfer_ee=s.burnout.transfer_client_ee,
        )

