"""The parameters of the service an agency runs: its staff, the demand for care, caseloads, paperwork and money."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from simulator.inputs.fields import Distribution, Section, dist, param

__all__ = ["ClientKind", "Costs", "Demand", "Paperwork", "Staff", "Workload"]


class Staff(Section):
    clinicians: int = param(50, unit="clinicians", ge=1, le=2000, source="assumption: design card (50-clinician CMHC)",
                            description="Funded clinician positions (full-time equivalents).")
    admin_staff: int = param(4, unit="people", ge=0, le=500, source="assumption",
                             description="Admin/intake staff processing referrals; 0 puts intake work on clinicians.")
    contract_hours_per_week: float = param(
        40, unit="h/week", ge=10, le=60,
        source="[G] 40 h contracted (calibration A, contracted vs actual hours)",
        description="Contracted working hours per clinician per week.")
    supervision_hours_per_week: float = param(
        1, unit="h/week", ge=0, le=10, source="assumption: weekly clinical supervision",
        description="Supervision and team meetings inside contracted time.")
    vacation_weeks_per_year: float = param(
        3, unit="weeks/year", ge=0, le=10, source="assumption",
        description="Paid leave, taken in whole weeks at random times of the year.")


_OWN = "assumption: the agency's own figures; as "  # the source of a client kind's own cadence and burdens


class ClientKind(Section):
    """One kind of client in ``demand.client_mix``: its share of referrals and, where it differs from the agency's
    single-kind parameters, its own cadence, session length, note burden and episode length."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z][A-Za-z0-9_ -]*$",
                      description="Label of the kind (letters, digits, spaces, '-' and '_').",
                      json_schema_extra={"unit": "-", "source": "-"})
    share: float = param(
        ..., unit="share of referrals", gt=0, le=1, source="assumption: the agency's own figures",
        description="Share of referrals of this kind; the shares of a mix add up to 1.")
    sessions_per_week: float | None = param(
        None, unit="sessions/week", gt=0, le=5,
        source=_OWN + "demand.sessions_per_week when null",
        description="Session cadence of this kind (1 weekly, 0.5 fortnightly, 0.25 about monthly); null = "
                    "demand.sessions_per_week.")
    session_minutes: float | None = param(
        None, unit="min", ge=10, le=180,
        source=_OWN + "workload.session_minutes when null",
        description="Length of this kind's regular session; null = workload.session_minutes. It is billed in "
                    "proportion to its length (time-based psychotherapy codes).")
    note_minutes: float | None = param(
        None, unit="min/note", gt=0, le=600,
        source=_OWN + "paperwork.note_minutes when null",
        description="Mean minutes of this kind's progress note, its spread scaled with it; null = the mean of "
                    "paperwork.note_minutes.")
    mean_sessions_per_episode: float | None = param(
        None, unit="sessions", ge=1, le=500,
        source=_OWN + "demand.mean_sessions_per_episode when null",
        description="Mean attended sessions per episode of this kind; null = demand.mean_sessions_per_episode.")


class Demand(Section):
    referrals_per_week: float = param(
        170, unit="referrals/week", ge=0, le=50000,
        source="assumption: set so demand slightly exceeds staffed capacity, giving waits of weeks ([G] ABH 2022)",
        description="Mean rate of the Poisson referral process.")
    weekly_profile: tuple[Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)], ...] | None = Field(
        None, min_length=1, max_length=520,
        description="Optional multipliers on the referral rate by week of year (cycled).",
        json_schema_extra={"unit": "multiplier", "source": "assumption"})
    intake_admin_minutes: float = param(
        45, unit="min/referral", ge=0, le=600, source="assumption",
        description="Admin work (screening, eligibility, scheduling) per referral before it joins the waitlist.")
    intake_queue_limit: int | None = param(
        None, unit="referrals", ge=0, le=100000,
        source="assumption: no limit (an agency that closes its intake when the queue is long sets one)",
        description="Referrals queued for intake processing (not yet being processed) beyond which a new referral "
                    "is turned away, diverted elsewhere; 0 = only referrals that find an admin worker free are "
                    "taken; null = no limit. Applies only with an admin step.")
    patience_weeks: float | None = param(
        12, unit="weeks", gt=0, le=520,
        source="assumption; [G] ABH 2022 average wait to assessment 10 weeks",
        description="Mean of the exponential patience of a referred client, counted from referral: it gives up if "
                    "it is still waiting for intake processing or for a clinician when its patience runs out. A "
                    "transferred client draws a new patience when it joins the waitlist. null = nobody gives up.")
    access_standard_days: float = param(
        14, unit="days", gt=0, le=365,
        source="[S] 42 CFR 438.68(e) (CMS-2439-F, final 22 Apr 2024): routine outpatient mental-health and SUD "
               "appointments within 10 business days, 90% compliance (summaries: Mercer 2024; Myers and "
               "Stauffer 2024)",
        description="Access standard for prob_wait: a referral counts as seen in time if its first session is "
                    "attended within this many days of referral (14 days = 10 business days). Measurement only.")
    episode_distribution: Literal["geometric", "exponential"] = Field(
        "geometric", description="geometric: number of attended sessions; exponential: episode length in time "
        "(used for queueing validation).", json_schema_extra={"unit": "-", "source": "model design (spec 2)"})
    mean_sessions_per_episode: float = param(
        16, unit="sessions", ge=1, le=500, source="assumption",
        description="Mean attended sessions per episode (or mean length in sessions for exponential episodes).")
    sessions_per_week: float = param(
        1.0, unit="sessions/week", gt=0, le=5, source="assumption: weekly outpatient psychotherapy",
        description="Session cadence per client.")
    client_mix: tuple[ClientKind, ...] | None = Field(
        None, min_length=1, max_length=12,
        description="Kinds of client, each with its share of referrals and, where it differs, its own cadence, "
                    "session length, note burden and episode length; null = one kind, given by the single "
                    "parameters (sessions_per_week, workload.session_minutes, paperwork.note_minutes, "
                    "mean_sessions_per_episode). The intake, no-shows and dropout are the same for every kind.",
        json_schema_extra={"unit": "list of kinds", "source": "assumption: one kind (weekly psychotherapy) in the "
                           "calibrated baseline; scenarios/community_mix.yaml gives a community clinic's mix"})
    no_show_rate: float = param(
        0.20, unit="probability", ge=0, le=1,
        source="[V] Mitchell & Selmes 2007: about 20% of mental-health appointments missed (15.6-28%)",
        description="Probability that a scheduled session is a no-show.")
    dropout_after_no_show: float = param(
        0.20, unit="probability", ge=0, le=1,
        source="[V] Mitchell & Selmes 2007: up to 50% of non-attenders drop out; 0.20 is an assumption in range",
        description="Probability that a client drops out after a no-show.")

    @field_validator("client_mix")
    @classmethod
    def _a_whole_mix(cls, mix: tuple[ClientKind, ...] | None) -> tuple[ClientKind, ...] | None:
        if mix is None:
            return mix
        total = sum(kind.share for kind in mix)
        if abs(total - 1.0) > 1e-6:
            shares = " + ".join(f"{kind.share:g}" for kind in mix)
            raise ValueError(f"the shares of the kinds must add up to 1 ({shares} = {total:g})")
        names = [kind.name for kind in mix]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"each kind needs a name of its own ({', '.join(twice)} given twice)")
        return mix


class Workload(Section):
    productivity_target: float = param(
        0.65, unit="share of contracted hours", ge=0.05, le=1,
        source="[G] Ensora: many CMHCs require 60-65% productive time (range 0.55-0.80)",
        description="Share of contracted hours expected in billable (attended) sessions.")
    caseload_cap: int = param(
        45, unit="clients", ge=1, le=500,
        source="[G] practitioner blogs: 30-40 active clients per FTE; CMHC therapists see up to 40-50 a week",
        description="Upper bound on a clinician's active caseload, covering for colleagues included.")
    session_minutes: float = param(
        53, unit="min", ge=10, le=180, source="[V] CPT 90837: at least 53 min face-to-face",
        description="Length of a therapy session slot.")
    intake_session_minutes: float = param(
        60, unit="min", ge=10, le=240, source="[G] CPT 90791 typically 45-60 min",
        description="Length of the intake (diagnostic evaluation) session.")
    overbooking: float = param(
        1.0, unit="share of expected no-shows", ge=0, le=2,
        source="assumption (a policy lever, range 0-1.5): agencies size caseloads for the attendance they expect",
        description="How far caseloads are inflated to cover no-shows: 1 books enough clients for the attended "
                    "sessions to meet the productivity target on average; 0 books as if every client came (the "
                    "clinician falls short by the no-show rate); above 1, more than the no-shows free, so a week "
                    "when everyone comes runs over.")
    below_target_strain: float = param(
        1.0, unit="strain points per workday per unit shortfall", ge=0, le=54,
        source="assumption (range 0-5); direction [V] Herschell 2020 (productivity requirements among the reasons "
               "practitioners gave for leaving)",
        description="Productivity with consequences: at each monthly review, a clinician whose attended session "
                    "time fell short of the target by more than the tolerance carries this much extra strain on "
                    "every workday of the next month, times the shortfall (a 20% shortfall: a fifth of it).")
    productivity_tolerance: float = param(
        0.05, unit="share of the target", ge=0, le=1, source="assumption",
        description="Shortfall below the productivity target that a monthly review lets pass.")
    coverage: Literal["colleagues", "waitlist"] = Field(
        "colleagues", description="Who covers for a clinician who leaves: colleagues take the departing "
        "clinician's clients and carry bigger caseloads while the post is vacant, up to the overload limit "
        "(colleagues); or the clients wait and empty posts leave caseloads at the target (waitlist; a long "
        "waitlist still raises them, see pressure_waitlist_per_position).",
        json_schema_extra={"unit": "-", "source": "assumption: most agencies must cover (model spec, issue 17); "
                           "[S] turnover raises the workload of those who stay (Fukui 2019, citing Holtom)"})
    overload_limit: float = param(
        0.25, unit="share above the target caseload", ge=0, le=1,
        source="assumption (range 0-0.3); bounded by workload.caseload_cap",
        description="How far above the target caseload a clinician's caseload may go when covering for vacant "
                    "posts or under waitlist pressure.")
    pressure_waitlist_per_position: float | None = param(
        30, unit="waiting clients per funded position", gt=0, le=1000, source="assumption",
        description="Waiting clients per funded position at which the agency asks clinicians to carry the full "
                    "overload (proportionally below it); null = the waitlist never raises caseloads.")


class Paperwork(Section):
    enabled: bool = Field(True, description="Switch paperwork off (queueing validation).",
                          json_schema_extra={"unit": "-", "source": "model design (spec 3)"})
    note_minutes: Distribution = dist(
        15, 6, unit="min/note", source="[G] clinician and vendor blogs 10-30 min; physician logs 4-16 min [V]",
        description="Progress note per attended session.")
    no_show_note_minutes: Distribution = dist(5, 2, unit="min/note", source="assumption",
                                              description="Short note per no-show.")
    intake_assessment_minutes: Distribution = dist(
        45, 15, unit="min", source="[U] calibration A: 45 min documentation per intake",
        description="Intake assessment write-up.")
    treatment_plan_minutes: Distribution = dist(25, 10, unit="min", source="assumption",
                                                description="Initial treatment plan.")
    plan_review_minutes: Distribution = dist(20, 8, unit="min", source="assumption",
                                             description="Periodic treatment-plan review.")
    plan_review_days: float = param(90, unit="days", ge=7, le=730,
                                    source="[U] calibration A: 90 days (90-180 by state and payer)",
                                    description="Interval between treatment-plan reviews.")
    discharge_summary_minutes: Distribution = dist(15, 6, unit="min", source="assumption",
                                                   description="Discharge summary at discharge or dropout.")
    admin_minutes_per_day: float = param(
        25, unit="min/day", ge=0, le=480,
        source="assumption; [G] social workers report 12% meetings and 11% phone time (Liquid Personnel 2012)",
        description="Fixed daily admin: email, calls, scheduling, meetings.")
    compliance_hours_per_month: float = param(3, unit="h/month", ge=0, le=80, source="assumption",
                                              description="Trainings and attestations, due by month end.")
    audit_interval_weeks: float | None = param(
        13, unit="weeks", gt=0, le=520, source="assumption: quarterly chart audits",
        description="Interval between chart audits; null = no audits.")
    audit_sample_size: int = param(
        10, unit="records per clinician", ge=0, le=1000, source="assumption: chart audits review a sample of records",
        description="Records an audit reviews for each clinician; each one that was late (or never done) is a "
                    "finding.")
    remediation_minutes: Distribution = dist(20, 8, unit="min/finding", source="assumption",
                                             description="Remediation task per audit finding.")
    note_due_days: float = param(1, unit="days", ge=0, le=30,
                                 source="assumption: agency policies of 24-72 h",
                                 description="Time from session to the note's due time.")
    document_due_days: float = param(7, unit="days", ge=0, le=60, source="assumption",
                                     description="Due time of intake, plan, review, discharge and remediation work.")
    offload_share: float = param(
        0.0, unit="share", ge=0, le=0.95,
        source="policy lever; [V] Lukac 2025 RCT -9.5% note time, UW RCT about -30 min/day",
        description="Share of documentation minutes removed by a scribe, AI assistant or support staff.")
    after_hours_max_minutes_per_day: float = param(
        120, unit="min/day", ge=0, le=480,
        source="[V] Sinsky 2016: 1-2 h each night; Arndt 2017: 86 min after hours",
        description="Cap on after-hours desk work per workday (0 = no after-hours work).")
    after_hours_max_hours_per_week: float = param(
        7, unit="h/week", ge=0, le=40,
        source="assumption; [V] KLAS/JAMIA 2021 compares <= 5 with >= 6 h/week of after-hours charting",
        description="Cap on after-hours desk work per week, on top of the daily cap.")
    write_off_days: float | None = param(
        30, unit="days late", gt=0, le=730, source="assumption",
        description="Late work still open more than this many days after its due day is written off at the end "
                    "of a workday: never done, with the strain of a late task and counted against the clinician "
                    "at audits (null = late work is always done in the end).")
    catch_up_backlog_hours: float | None = param(
        None, unit="hours of late work", gt=0, le=200, source="assumption (a policy lever: protected catch-up time)",
        description="When a clinician's late paperwork passes this, they block session slots to catch up (the "
                    "clients are seen at their next regular time); null = sessions are never blocked.")
    catch_up_sessions_per_day: int = param(
        2, unit="sessions/day", ge=0, le=20, source="assumption",
        description="Most session slots a clinician blocks in a day to catch up on late paperwork.")
    writing_speed_sd: float = param(
        0.25, unit="sd of a multiplier (mean 1)", ge=0, le=2,
        source="assumption; spread from [V] Overhage 2020 (EHR time per encounter 10-30 min, mean 16)",
        description="Spread between clinicians of the time their documentation takes.")


class Costs(Section):
    clinician_salary_annual: float = param(60000, unit="USD/year", ge=0, le=1e7, source="assumption",
                                           description="Loaded salary of a clinician.")
    admin_salary_annual: float = param(42000, unit="USD/year", ge=0, le=1e7, source="assumption",
                                       description="Loaded salary of an admin staff member.")
    replacement_cost_share: float = param(
        0.3, unit="share of annual salary", ge=0, le=5,
        source="[S] Boushey & Glynn 2012 via Walker: 20-30% (range 0.2-2.0)",
        description="Cost of replacing one departing clinician.")
    revenue_per_session: float = param(110, unit="USD", ge=0, le=1e5, source="assumption",
                                       description="Revenue per attended therapy session.")
    revenue_per_intake: float = param(180, unit="USD", ge=0, le=1e5, source="assumption",
                                      description="Revenue per intake session.")
    tool_cost_per_clinician_month: float = param(0, unit="USD/clinician-month", ge=0, le=1e5,
                                                 source="assumption (scribe or AI licence)",
                                                 description="Cost of a documentation tool per clinician.")
    claim_window_days: float | None = param(
        90, unit="days after the session", ge=1, le=730,
        source="[S] 42 CFR 447.45(d): Medicaid claims within 12 months of service; [G] billing guides: managed-care "
               "plans often allow 90 days, Texas Medicaid 95 (range 90-365)",
        description="A session is billed when its progress note (an intake: its assessment) is complete; "
                    "documentation finished more than this many days after the session is too late to bill, and "
                    "documentation written off is never billed (null = no limit).")
    claim_denial_rate: float = param(
        0.10, unit="share of claims", ge=0, le=0.9,
        source="[G] behavioral-health billing guides: 5-20% of claims denied; [S] KFF: 19% of in-network "
               "HealthCare.gov claims denied in 2023, all services (range 0.05-0.20)",
        description="Share of the billed claims denied for reasons other than documentation (eligibility, "
                    "authorization, coding) and never paid.")
    overhead_per_position_annual: float = param(
        65000, unit="USD/funded position-year", ge=0, le=1e7,
        source="assumption (range 30,000-90,000): set so that the baseline agency runs close to break-even",
        description="Everything but clinician and admin pay, per funded clinician position: benefits beyond the "
                    "loaded salary, supervisors and management, psychiatry, billing, rent, IT and the record "
                    "system. Paid whether the post is filled or vacant.")
