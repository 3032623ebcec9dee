"""The scenario: every parameter of the agency model, validated once and frozen.

A scenario is to the model what a blueprint is to a building: the model reads it and never writes to it. Timed
policies do not mutate it either; they produce a new frozen scenario (``Scenario.model_copy``) that the running
model swaps in at the policy's week.

Every field declares its unit, its allowed range and its source, tagged as in ``shared/calibration.md``:
[V] verified, [S] secondary, [G] grey literature, [U] unverified / modelling assumption. ``parameter_table``
flattens them for the docs and the JSON Schema carries them for editors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simulator.inputs.frozen import Frozen

__all__ = [
    "Burnout",
    "Climate",
    "Costs",
    "Demand",
    "Distribution",
    "Paperwork",
    "Policy",
    "Scenario",
    "Staff",
    "Turnover",
    "Workload",
    "parameter_table",
    "set_dotted",
]


def param(default: Any, *, unit: str, source: str, description: str, ge: float | None = None,
          le: float | None = None, gt: float | None = None) -> Any:
    """A scenario field that carries its unit and source into the JSON Schema."""
    return Field(default, description=description, ge=ge, le=le, gt=gt,
                 json_schema_extra={"unit": unit, "source": source})


class _Frozen(Frozen):  # Frozen refuses true/false where a number belongs
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Distribution(_Frozen):
    """A positive quantity given by its mean and standard deviation.

    Sampled as a lognormal with these moments (sd 0 means a constant), so draws are never negative and the
    mean stays what the file says.
    """

    mean: float = Field(ge=0, le=1e6, description="mean, in the unit of the field")
    sd: float = Field(0.0, ge=0, le=1e6, description="standard deviation, in the unit of the field")


class EEDistribution(_Frozen):
    """Emotional exhaustion of a new hire: normal with this mean and sd, clipped to the MBI-EE range 0-54."""

    mean: float = Field(ge=0, le=54, description="mean MBI-EE score (0-54)")
    sd: float = Field(0.0, ge=0, le=54, description="standard deviation of the MBI-EE score")


def dist(mean: float, sd: float, *, unit: str, source: str, description: str) -> Any:
    return Field(default_factory=lambda: Distribution(mean=mean, sd=sd), description=description,
                 json_schema_extra={"unit": unit, "source": source})


class Staff(_Frozen):
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


class Demand(_Frozen):
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
    patience_weeks: float | None = param(
        12, unit="weeks", gt=0, le=520,
        source="assumption; [G] ABH 2022 average wait to assessment 10 weeks",
        description="Mean of the exponential patience of a waiting client; null = never renege.")
    episode_distribution: Literal["geometric", "exponential"] = Field(
        "geometric", description="geometric: number of attended sessions; exponential: episode length in time "
        "(used for queueing validation).", json_schema_extra={"unit": "-", "source": "model design (spec 2)"})
    mean_sessions_per_episode: float = param(
        16, unit="sessions", ge=1, le=500, source="assumption",
        description="Mean attended sessions per episode (or mean length in sessions for exponential episodes).")
    sessions_per_week: float = param(
        1.0, unit="sessions/week", gt=0, le=5, source="assumption: weekly outpatient psychotherapy",
        description="Session cadence per client.")
    no_show_rate: float = param(
        0.20, unit="probability", ge=0, le=1,
        source="[V] Mitchell & Selmes 2007: about 20% of mental-health appointments missed (15.6-28%)",
        description="Probability that a scheduled session is a no-show.")
    dropout_after_no_show: float = param(
        0.20, unit="probability", ge=0, le=1,
        source="[V] Mitchell & Selmes 2007: up to 50% of non-attenders drop out; 0.20 is an assumption in range",
        description="Probability that a client drops out after a no-show.")


class Workload(_Frozen):
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
    coverage: Literal["colleagues", "waitlist"] = Field(
        "colleagues", description="Who covers for a clinician who leaves: colleagues take the departing "
        "clinician's clients and carry bigger caseloads while the post is vacant, up to the overload limit "
        "(colleagues); or the clients wait and caseloads stay at the target (waitlist).",
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


class Paperwork(_Frozen):
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
        6, unit="h/week", ge=0, le=40,
        source="assumption; [V] KLAS/JAMIA 2021 compares <= 5 with >= 6 h/week of after-hours charting",
        description="Cap on after-hours desk work per week, on top of the daily cap.")
    write_off_days: float | None = param(
        30, unit="days late", gt=0, le=730, source="assumption",
        description="Late work still open this many days after its due day is written off: never done, counted "
                    "against the clinician at audits (null = late work is always done in the end).")
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


class Burnout(_Frozen):
    enabled: bool = Field(True, description="Switch burnout off (queueing validation).",
                          json_schema_extra={"unit": "-", "source": "model design (spec 3)"})
    initial_ee: EEDistribution = Field(
        default_factory=lambda: EEDistribution(mean=12, sd=6),
        description="MBI-EE of a new hire (and of the starting staff).",
        json_schema_extra={"unit": "MBI-EE points", "source": "assumption: below the steady-state mean 21 [V]"})
    high_ee_threshold: float = param(27, unit="MBI-EE points", ge=0, le=54,
                                     source="[S] MBI manual summaries: high EE >= 27",
                                     description="Cut-off for 'high emotional exhaustion'.")
    ee_per_load_hour: float = param(
        0.295, unit="strain points per weighted hour", ge=0, le=10,
        source="assumption: calibrated to steady-state mean EE 21 and 40% high EE [V O'Connor 2018]",
        description="Daily strain (on the MBI-EE scale) accrued per weighted hour of work.")
    ee_time_constant_weeks: float = param(
        16, unit="weeks", gt=0, le=260,
        source="assumption (range 4-26): EE is a chronic state; intervention effects appear over 1-3 months "
               "([V] Olson 2025 30 days, Lukac 2025 2 months; [S] You 2025 84 days)",
        description="Time constant over which emotional exhaustion follows the daily strain.")
    session_weight: float = param(1.0, unit="weight", ge=0, le=10, source="assumption (reference weight)",
                                  description="Load weight of an hour of sessions.")
    paperwork_weight: float = param(
        1.6, unit="weight", ge=0, le=10,
        source="assumption; direction from [V] Shanafelt 2016 (clerical burden) and Yan 2021",
        description="Load weight of an hour of desk work in contracted time.")
    after_hours_weight: float = param(
        2.5, unit="weight", ge=0, le=20,
        source="assumption; direction from [V] KLAS/JAMIA 2021 after-hours charting aOR 2.43",
        description="Load weight of an hour of after-hours desk work.")
    late_task_ee: float = param(
        0.11, unit="strain points per late task", ge=0, le=10,
        source="assumption; direction [V] Yan 2021: insufficient time for documentation, burnout OR 1.40-5.83",
        description="Strain of each task that becomes late, and again if it is written off: being behind wears "
                    "people down.")
    audit_finding_ee: float = param(0.5, unit="strain points per finding", ge=0, le=20, source="assumption",
                                    description="Strain of each audit finding.")
    audit_strain_max: float = param(3, unit="strain points per audit", ge=0, le=54, source="assumption",
                                    description="Most strain one audit adds, however many findings it has.")
    transfer_client_ee: float = param(0.1, unit="strain points per client", ge=0, le=10, source="assumption",
                                      description="Strain of each client inherited from a departed colleague.")
    recovery_per_rest_hour: float = param(
        0.01, unit="fraction of strain per rest hour", ge=0, le=1,
        source="assumption: gives vacation gains that fade within 2-4 weeks [V de Bloom 2009]",
        description="Exponential recovery rate of daily strain during rest.")
    evening_rest_hours: float = param(6, unit="h/workday", ge=0, le=16, source="assumption",
                                      description="Rest hours on a workday evening before after-hours work.")
    rest_day_hours: float = param(16, unit="h/day", ge=0, le=24, source="assumption",
                                  description="Rest hours on a weekend or vacation day.")
    efficiency_loss: float = param(
        0.3, unit="share at EE 54", ge=0, le=2,
        source="assumption; loss cycle of [V] Bakker & Costa 2014",
        description="Desk work slows by this share x EE/54.")
    susceptibility_sd: float = param(0.3, unit="multiplier sd", ge=0, le=2, source="assumption",
                                     description="Spread of individual susceptibility to strain (mean 1), a "
                                                 "lasting trait.")
    circumstances_sd: float = param(
        0.6, unit="sd of a log multiplier", ge=0, le=2,
        source="assumption; direction [V] Fukui 2020 (young children at home predict leaving), Makikangas "
               "(burnout trajectories diverge over a year)",
        description="Spread of how much life outside work (a new baby, illness, a move) adds to or takes from "
                    "each clinician's susceptibility; it changes over time (circumstances_weeks).")
    circumstances_weeks: float = param(52, unit="weeks", gt=0, le=520, source="assumption",
                                       description="Time constant over which a clinician's circumstances change.")


class Turnover(_Frozen):
    enabled: bool = Field(True, description="Switch resignations off (queueing validation).",
                          json_schema_extra={"unit": "-", "source": "model design (spec 3)"})
    base_annual_rate: float = param(
        0.105, unit="per clinician-year", ge=0, le=5,
        source="calibrated so overall turnover is 26-30% [V Bukach 2015, Fukui 2020; S Brabson 2020]",
        description="Resignation hazard of a clinician past the first year, below the high-EE threshold, with no "
                    "recent resignations around them.")
    burnout_hazard_ratio: float = param(
        4.0, unit="ratio", ge=1, le=10,
        source="calibrated so that the relative risk of leaving within a year of a quarterly snapshot, burned out "
               "vs not, is about 2 ([V] Hamidi 2018 RR 2.1; Willard-Grace 2019 aOR 1.57; range 1.6-2.7): status "
               "changes within the year, so the hazard ratio must exceed the risk ratio",
        description="Hazard multiplier for a clinician at or above the high-EE threshold.")
    first_year_hazard_ratio: float = param(
        1.5, unit="ratio", ge=1, le=10,
        source="assumption (range 1-3); direction [V] Fukui 2020 (fewer years in the field predict exit), "
               "Herschell 2020 (younger staff leave)",
        description="Hazard multiplier in a clinician's first year at the agency.")
    contagion: float = param(
        2.0, unit="hazard increase per share of posts left empty", ge=0, le=20,
        source="assumption (range 0-5); direction [S] Felps 2009 (co-workers' leaving raises one's own quitting)",
        description="Turnover contagion: everyone's resignation hazard rises by this much times the share of the "
                    "funded posts whose holders have left or are working out their notice.")
    notice_weeks: float = param(4, unit="weeks", ge=0, le=26, source="assumption: 2-4 weeks usual notice",
                                description="Notice period: no new clients, then departure.")
    transfer_dropout: float = param(0.15, unit="probability", ge=0, le=1,
                                    source="assumption; [V] Psychiatr Serv 2020 harms of clinician turnover",
                                    description="Probability a transferred client leaves care.")
    time_to_fill_weeks: Distribution = dist(
        17, 8, unit="weeks", source="[G] ABH 2022 and practice owners: 2-9+ months, about 4 months",
        description="Time from a vacancy opening to a new hire starting.")
    onboarding_weeks: float = param(12, unit="weeks", ge=0, le=104,
                                    source="[G/U] onboarding blogs: 60-90 days at reduced capacity",
                                    description="Linear ramp of a new hire's caseload.")
    hire_ahead_positions: int = param(0, unit="positions", ge=0, le=500, source="policy lever",
                                      description="Extra positions recruited beyond funded headcount.")


class Climate(_Frozen):
    supervisor_support: float = param(
        0.5, unit="0-1 scale", ge=0, le=1,
        source="assumption (0.5 = neutral); mechanism [V] Fukui 2019, Dishop 2019",
        description="Quality of supervision and support.")
    support_recovery_gain: float = param(0.6, unit="multiplier per unit support", ge=0, le=5,
                                         source="assumption",
                                         description="Recovery rate x (1 + gain x (support - 0.5)).")
    support_turnover_buffer: float = param(
        0.6, unit="share per unit support", ge=0, le=2, source="assumption; direction [V] Green 2013, Dishop 2019",
        description="Excess burnout hazard x (1 - buffer x (support - 0.5)).")
    conflict_incidents_per_year: float = param(2, unit="per clinician-year", ge=0, le=100, source="assumption",
                                               description="Bullying or interference incidents.")
    conflict_ee_shock: float = param(3, unit="strain points", ge=0, le=54, source="assumption",
                                     description="Strain added by each conflict incident.")


class Costs(_Frozen):
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


class Policy(_Frozen):
    """A change applied during the run: from ``at_week`` on, the dotted parameters take new values."""

    at_week: float = Field(ge=0, le=5200, description="Week at which the change takes effect.")
    name: str = Field(min_length=1, max_length=200, description="Label shown in outputs.")
    set: dict[str, Any] = Field(description="Dotted parameter paths and their new values.")


class Scenario(_Frozen):
    name: str = Field("unnamed", max_length=200, description="Short name of the scenario.")
    description: str = Field("", max_length=10000, description="What the scenario represents and why.")
    horizon_weeks: int = param(182, unit="weeks", ge=1, le=5200, source="assumption: 26 warm-up + 3 years",
                               description="Simulated length including warm-up.")
    warmup_weeks: int = param(26, unit="weeks", ge=0, le=5200, source="assumption; see docs/model.md",
                              description="Weeks excluded from metrics.")
    replications: int = param(10, unit="replications", ge=1, le=100000, source="assumption",
                              description="Default number of replications.")
    seed: int = param(20261128, unit="-", ge=0, le=2**63 - 1, source="-", description="Root random seed.")
    staff: Staff = Field(default_factory=Staff)
    demand: Demand = Field(default_factory=Demand)
    workload: Workload = Field(default_factory=Workload)
    paperwork: Paperwork = Field(default_factory=Paperwork)
    burnout: Burnout = Field(default_factory=Burnout)
    turnover: Turnover = Field(default_factory=Turnover)
    climate: Climate = Field(default_factory=Climate)
    costs: Costs = Field(default_factory=Costs)
    policies: tuple[Policy, ...] = Field((), description="Timed policy changes.")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.warmup_weeks >= self.horizon_weeks:
            raise ValueError(f"warmup_weeks ({self.warmup_weeks}) must be less than horizon_weeks "
                             f"({self.horizon_weeks})")
        for index, policy in enumerate(self.policies):
            if policy.at_week >= self.horizon_weeks:  # it would validate, save and report, and never happen
                raise ValueError(f"policies.{index}.at_week: week {policy.at_week:g} is not before the end of the "
                                 f"run (horizon_weeks {self.horizon_weeks}), so the policy would never take effect")
            # A policy must leave a valid scenario behind; checking now means a bad value fails at load time,
            # with its line, instead of at week N of a run. The message starts with the dotted location so the
            # loader can point at the line.
            for path, value in policy.set.items():
                where = f"policies.{index}.set.{path}"
                if path.split(".")[0] in _NOT_POLICY_LEVERS or path in _NOT_POLICY_LEVERS:
                    raise ValueError(f"{where}: a policy cannot change {path!r}")
                try:
                    self.after_policy({path: value})
                except KeyError:
                    raise ValueError(f"{where}: unknown parameter {path!r}") from None
                except ValidationError as error:
                    reason = "; ".join(e["msg"] for e in error.errors())
                    raise ValueError(f"{where}: {reason}") from None
        return self

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with the dotted paths set to new values (``{"paperwork.offload_share": 0.2}``).

        Raises ``KeyError`` naming an unknown path, or pydantic's ``ValidationError`` for a bad value.
        """
        return Scenario.model_validate(self._changed(changes, keep_policies=True))

    def after_policy(self, changes: Mapping[str, Any]) -> Scenario:
        """The parameters in force once a timed policy's changes apply (the result has no pending policies)."""
        return Scenario.model_validate(self._changed(changes, keep_policies=False))

    def _changed(self, changes: Mapping[str, Any], *, keep_policies: bool) -> dict[str, Any]:
        data = self.model_dump()
        if not keep_policies:
            data["policies"] = ()
        for path, value in changes.items():
            set_dotted(data, path, value)
        return data


_NOT_POLICY_LEVERS = {"name", "description", "horizon_weeks", "warmup_weeks", "replications", "seed", "policies",
                      # the high-EE cut-off is a measurement convention (MBI manual), and metrics read it
                      # from the scenario: a policy cannot move it
                      "burnout.high_ee_threshold"}


def set_dotted(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``data["a"]["b"] = value`` for ``path == "a.b"``; every key but the last must already exist."""
    keys = path.split(".")
    node: Any = data
    for depth, key in enumerate(keys[:-1]):
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            raise KeyError(".".join(keys[: depth + 1]))
        node = node[key]
    if not isinstance(node, dict) or keys[-1] not in node:
        raise KeyError(path)
    node[keys[-1]] = value


def parameter_table() -> list[dict[str, Any]]:
    """Every scalar parameter with its dotted path, default, unit, range and source (for docs and tests)."""
    rows: list[dict[str, Any]] = []
    _walk(Scenario, "", Scenario(), rows)
    return rows


def _walk(model: type[BaseModel], prefix: str, value: BaseModel, rows: list[dict[str, Any]]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        current = getattr(value, name)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if isinstance(current, BaseModel) and not extra:
            _walk(type(current), f"{path}.", current, rows)
            continue
        bounds = {type(m).__name__: getattr(m, type(m).__name__.lower(), None) for m in info.metadata}
        rows.append({"path": path, "default": current.model_dump() if isinstance(current, BaseModel) else current,
                     "unit": extra.get("unit"), "source": extra.get("source"),
                     "ge": bounds.get("Ge"), "gt": bounds.get("Gt"), "le": bounds.get("Le"),
                     "description": info.description})
