"""The parameters of what the work does to clinicians: strain and exhaustion, leaving, and the workplace climate."""

from __future__ import annotations

from pydantic import Field

from simulator.inputs.fields import Distribution, EEDistribution, Section, dist, param

__all__ = ["Burnout", "Climate", "Turnover"]


class Burnout(Section):
    enabled: bool = Field(True, description="Switch burnout off (queueing validation).",
                          json_schema_extra={"unit": "-", "source": "model design (spec 3)"})
    initial_ee: EEDistribution = Field(
        default_factory=lambda: EEDistribution(mean=12, sd=6),
        description="MBI-EE of a new hire.",
        json_schema_extra={"unit": "MBI-EE points", "source": "assumption: below the steady-state mean 21 [V]"})
    starting_ee: EEDistribution = Field(
        default_factory=lambda: EEDistribution(mean=26, sd=9),
        description="MBI-EE of the staff in post when the run starts, for one of average susceptibility (it scales "
                    "with susceptibility; the sd is the whole staff's spread), their daily strain starting there too.",
        json_schema_extra={"unit": "MBI-EE points",
                           "source": "assumption: set so that the baseline starts close to its steady state (mean "
                                     "EE about 22-23, [V] O'Connor 2018: 21.1) and the warm-up can be short"})
    high_ee_threshold: float = param(27, unit="MBI-EE points", ge=0, le=54,
                                     source="[S] MBI manual summaries: high EE >= 27",
                                     description="Cut-off for 'high emotional exhaustion'.")
    ee_per_load_hour: float = param(
        0.30, unit="strain points per weighted hour", ge=0, le=10,
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


class Turnover(Section):
    enabled: bool = Field(True, description="Switch resignations off (queueing validation).",
                          json_schema_extra={"unit": "-", "source": "model design (spec 3)"})
    base_annual_rate: float = param(
        0.10, unit="per clinician-year", ge=0, le=5,
        source="calibrated so overall turnover is 26-30% [V Bukach 2015, Fukui 2020; S Brabson 2020]",
        description="Resignation hazard of a clinician past the first year, below the high-EE threshold, with no "
                    "recent resignations around them.")
    burnout_hazard_ratio: float = param(
        4.5, unit="ratio", ge=1, le=10,
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
    starting_tenure_years: float = param(
        3.6, unit="years", gt=0, le=40,
        source="assumption: about the mean tenure annual turnover of 26-30% implies (1 / 0.28 years) [V Bukach "
               "2015, Fukui 2020]",
        description="Mean time the staff in post when the run starts have been at the agency (exponential), which "
                    "decides who is still in their first year.")
    hire_ahead_positions: int = param(0, unit="positions", ge=0, le=500, source="policy lever",
                                      description="Extra positions recruited beyond funded headcount.")


class Climate(Section):
    supervisor_support: float = param(
        0.5, unit="0-1 scale", ge=0, le=1,
        source="assumption (0.5 = neutral); mechanism [V] Fukui 2019, Dishop 2019",
        description="Quality of supervision and support that leadership provides: the level the agency's climate "
                    "returns to after departures erode it.")
    support_recovery_gain: float = param(0.6, unit="multiplier per unit support", ge=0, le=5,
                                         source="assumption",
                                         description="Recovery rate x (1 + gain x (support - 0.5)).")
    support_turnover_buffer: float = param(
        0.6, unit="share per unit support", ge=0, le=2, source="assumption; direction [V] Green 2013, Dishop 2019",
        description="Excess burnout hazard x (1 - buffer x (support - 0.5)).")
    conflict_incidents_per_year: float = param(
        2, unit="per clinician-year", ge=0, le=100, source="assumption",
        description="Conflict incidents with non-clinical staff or management (bullying, interference with "
                    "schedules), each a strain event.")
    job_control: float = param(
        0.5, unit="0-1 scale", ge=0, le=1,
        source="assumption (0.5 = neutral); mechanism [V] Aronsson et al. 2017, systematic review: higher job "
               "control, lower emotional exhaustion (moderately strong evidence)",
        description="Who decides a clinician's schedule and workflow: 0 = non-clinical staff (a front desk or "
                    "scheduling office) book, move and fill sessions; 1 = clinicians do.")
    control_strain_buffer: float = param(
        0.4, unit="share per unit control", ge=0, le=1.9, source="assumption (range 0-0.8); direction [V] Aronsson "
        "2017", description="Strain per load hour x (1 - buffer x (job_control - 0.5)).")
    clinician_voice: float = param(
        0.5, unit="0-1 scale", ge=0, le=1, source="assumption (0.5 = neutral)",
        description="Clinicians' participation in the agency's decisions (productivity rules, paperwork, "
                    "schedules).")
    voice_turnover_buffer: float = param(
        0.4, unit="share per unit voice", ge=0, le=1.9,
        source="assumption (range 0-0.8): participation in decisions as a job resource that lowers the wish to "
               "leave (direction only; no figure found)",
        description="Base resignation hazard x (1 - buffer x (clinician_voice - 0.5)).")
    turnover_erosion: float = param(
        0.5, unit="climate points per share of posts departing", ge=0, le=10,
        source="assumption (range 0-2); direction [S] Felps 2009 (colleagues' leaving spreads), [V] Fukui 2019 "
               "(support buffers exhaustion)",
        description="Climate that worsens as colleagues leave: each departure lowers the agency's climate (the "
                    "support clinicians feel, 0-1) by this much times 1 / funded posts.")
    climate_repair_weeks: float = param(
        26, unit="weeks", gt=0, le=520, source="assumption (range 8-104)",
        description="Time constant with which the climate returns to the level leadership sets "
                    "(supervisor_support).")
    conflict_ee_shock: float = param(3, unit="strain points", ge=0, le=54, source="assumption",
                                     description="Strain added by each conflict incident.")
