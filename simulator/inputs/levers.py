"""What can be varied and how far: the evidence ranges of parameters, and the levers the app offers.

``EVIDENCE_RANGES`` is the one table of what the literature calls plausible for a parameter, each with its source
in ``calibration.md``. The scenario schema's bounds (``ge``/``le``) say what the model accepts; these ranges say
what a tornado chart, a Morris screening or the app's help text should use. Only parameters with a published or
stated range are listed: no range is made up for the sake of completeness.

A ``Lever`` is a dotted scenario path with the widget range an administrator may choose from; its evidence range
is read from ``EVIDENCE_RANGES``. Units, descriptions and default sources come from the scenario schema itself, so
the app's help text cannot drift from the documented parameters. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.inputs.scenario import Policy, Scenario, parameter_table

__all__ = [
    "EVIDENCE_RANGES", "GROUPS", "LEVERS", "RUN_SETTINGS", "TORNADO_LEVERS", "EvidenceRange", "Lever", "apply_levers",
    "lever_help", "lever_value",
]


@dataclass(frozen=True)
class EvidenceRange:
    low: float
    high: float
    source: str


_WEEKS_PER_MONTH = 52 / 12

EVIDENCE_RANGES: dict[str, EvidenceRange] = {
    "paperwork.note_minutes.mean": EvidenceRange(
        5, 30, "[G] calibration A: progress-note time per session 5-30 min (blogs; physician logs 4-16 min [V])"),
    "paperwork.offload_share": EvidenceRange(
        0.0, 0.5, "none, up to post-clinic documentation halved by human scribes [V] (JGIM 2018: 1.65 -> 0.76 h "
        "per session); ambient AI scribes -9.5% note time [V] (Lukac 2025) to about a third [V] (UW Health RCT)"),
    "paperwork.plan_review_days": EvidenceRange(
        90, 180, "[U] calibration A: treatment-plan review every 90-180 days by state and payer"),
    "paperwork.after_hours_max_minutes_per_day": EvidenceRange(
        60, 120, "[V] calibration A: Sinsky 2016, 1-2 h of EHR work each night; Arndt 2017, 86 min"),
    "workload.productivity_target": EvidenceRange(
        0.55, 0.80, "[G] calibration B: productivity requirement 0.55-0.80 of paid time (Ensora: many CMHCs 60-65%)"),
    "workload.caseload_cap": EvidenceRange(
        30, 50, "[G] practitioner reports: 30-40 active clients per FTE; CMHC therapists see up to 40-50 a week"),
    "workload.session_minutes": EvidenceRange(38, 60, "[V] calibration A: CPT 90834/90837 session 38-60 min"),
    "demand.no_show_rate": EvidenceRange(
        0.15, 0.30, "[V] calibration B: Mitchell & Selmes 2007, missed appointments 15.6-28% (blogs up to 30%)"),
    "turnover.burnout_hazard_ratio": EvidenceRange(
        3.0, 5.0, "[V] calibration E: burned-out clinicians leave 1.6-2.7 times as often within a year of a "
        "survey (Willard-Grace 2019, Hamidi 2018); in this model that relative risk is about 0.54 x the hazard "
        "ratio (EE status changes within the year), so 3.0-5.0"),
    "turnover.time_to_fill_weeks.mean": EvidenceRange(
        round(2 * _WEEKS_PER_MONTH, 1), round(9 * _WEEKS_PER_MONTH, 1),
        "[G] calibration E: vacancies take 2-9+ months to fill (ABH 2022), in weeks"),
    "turnover.onboarding_weeks": EvidenceRange(8, 26, "[G/U] calibration E: ramp-up to full caseload 8-26 weeks"),
    "costs.replacement_cost_share": EvidenceRange(
        0.2, 2.0, "[S] calibration E: replacement cost 0.2-2.0 x annual salary (Boushey & Glynn 2012: 20-30% "
        "typical)"),
    "climate.supervisor_support": EvidenceRange(
        0.0, 1.0, "the whole 0-1 scale: no evidence fixes an agency's value ([V] direction: Fukui 2019)"),
    "climate.job_control": EvidenceRange(
        0.0, 1.0, "the whole 0-1 scale: no evidence fixes an agency's value ([V] direction: Aronsson 2017)"),
    "climate.clinician_voice": EvidenceRange(0.0, 1.0, "the whole 0-1 scale (an assumption: direction only)"),
    "costs.claim_denial_rate": EvidenceRange(
        0.05, 0.20, "[G] behavioral-health billing guides: 5-20% of claims denied; [S] KFF 2023: 19% in-network"),
    "costs.claim_window_days": EvidenceRange(
        90, 365, "[S] 42 CFR 447.45(d): Medicaid at most 12 months; [G] managed-care plans often 90 days"),
}

#: What an administrator can change, for the default tornado chart (the rest of the table is uncertainty about
#: the world, for a global screening).
TORNADO_LEVERS: tuple[str, ...] = (
    "paperwork.note_minutes.mean", "paperwork.offload_share", "paperwork.plan_review_days",
    "workload.productivity_target", "workload.caseload_cap", "turnover.time_to_fill_weeks.mean",
    "turnover.onboarding_weeks", "climate.supervisor_support",
)


@dataclass(frozen=True)
class Lever:
    path: str  # dotted scenario path
    label: str
    group: str
    low: float  # widget range: what the app lets a user choose
    high: float
    step: float
    integer: bool = False
    optional_label: str = ""  # a checkbox that switches the parameter to null (e.g. "No audits")
    note: str = "assumption"  # why the default is what it is, when the literature gives no range

    @property
    def evidence(self) -> EvidenceRange | None:
        """The range reported in the literature, where there is one."""
        return EVIDENCE_RANGES.get(self.path)


GROUPS = ("Paperwork", "Productivity and caseload", "Staffing", "Support and climate", "Costs")

LEVERS: tuple[Lever, ...] = (
    Lever("paperwork.note_minutes.mean", "Minutes per progress note", "Paperwork", 2, 60, 1),
    Lever("paperwork.offload_share", "Documentation offloaded (scribe, AI, support staff)", "Paperwork", 0, 0.9, 0.05),
    Lever("paperwork.audit_interval_weeks", "Weeks between chart audits", "Paperwork", 2, 104, 1,
          optional_label="No chart audits", note="assumption: quarterly audits"),
    Lever("paperwork.after_hours_max_minutes_per_day", "After-hours charting cap", "Paperwork", 0, 240, 10),
    Lever("paperwork.admin_minutes_per_day", "Daily admin (email, calls, meetings)", "Paperwork", 0, 120, 5),
    Lever("workload.productivity_target", "Productivity target (billable share of hours)",
          "Productivity and caseload", 0.3, 0.9, 0.01),
    Lever("workload.caseload_cap", "Caseload cap", "Productivity and caseload", 5, 80, 1, integer=True),
    Lever("workload.overbooking", "Overbooking for no-shows (1 = covers the expected no-shows)",
          "Productivity and caseload", 0, 1.5, 0.05),
    Lever("workload.below_target_strain", "Pressure on a clinician below target (strain per workday)",
          "Productivity and caseload", 0, 5, 0.25),
    Lever("staff.clinicians", "Funded clinician positions", "Staffing", 5, 300, 1, integer=True,
          note="assumption: a 50-clinician community mental-health centre"),
    Lever("staff.admin_staff", "Admin and intake staff", "Staffing", 0, 30, 1, integer=True),
    Lever("turnover.time_to_fill_weeks.mean", "Mean time to fill a vacancy", "Staffing", 1, 52, 1),
    Lever("turnover.hire_ahead_positions", "Positions recruited ahead of need", "Staffing", 0, 20, 1, integer=True,
          note="a policy lever, none by default"),
    Lever("climate.supervisor_support", "Supervisor support (0 poor, 0.5 neutral, 1 excellent)",
          "Support and climate", 0, 1, 0.05),
    Lever("climate.conflict_incidents_per_year", "Conflict incidents per clinician-year", "Support and climate",
          0, 12, 0.5),
    Lever("climate.job_control", "Clinicians' control of their schedules (0 front desk, 1 clinicians)",
          "Support and climate", 0, 1, 0.05),
    Lever("climate.clinician_voice", "Clinicians' voice in decisions (0 none, 1 full)", "Support and climate",
          0, 1, 0.05),
    Lever("costs.clinician_salary_annual", "Clinician loaded salary", "Costs", 20000, 200000, 1000),
    Lever("costs.revenue_per_session", "Revenue per attended session", "Costs", 0, 400, 5),
    Lever("costs.replacement_cost_share", "Replacement cost of a leaver (share of salary)", "Costs", 0, 2, 0.05),
    Lever("costs.tool_cost_per_clinician_month", "Documentation tool licence", "Costs", 0, 1000, 10),
    Lever("costs.overhead_per_position_annual", "Overhead per funded post (benefits, rent, management)", "Costs",
          0, 150000, 1000),
    Lever("costs.claim_denial_rate", "Claims denied by payers", "Costs", 0, 0.5, 0.01),
    Lever("costs.claim_window_days", "Claim window (days after the session)", "Costs", 7, 365, 1,
          optional_label="No claim window"),
)

# Settings that apply to both sides of a comparison, so the two runs stay paired.
RUN_SETTINGS = ("horizon_weeks", "warmup_weeks")

_SCHEMA = {row["path"]: row for row in parameter_table()}


def _schema_row(path: str) -> dict[str, Any]:
    # a distribution's mean is documented on the distribution itself
    return _SCHEMA.get(path) or _SCHEMA[path.rsplit(".", 1)[0]]


def lever_help(lever: Lever) -> str:
    """Help text: what the parameter means, its unit, the evidence range and its source."""
    row = _schema_row(lever.path)
    unit = row["unit"] or "-"
    evidence_range = lever.evidence
    if evidence_range is not None:
        evidence = f"Evidence range {evidence_range.low:g}-{evidence_range.high:g} {unit}: {evidence_range.source}."
    else:
        evidence = f"No published range; {lever.note}."
    return f"{row['description']} Unit: {unit}. {evidence} Default source: {row['source']}."


def lever_value(scenario: Scenario, path: str) -> Any:
    """The value at a dotted path of a scenario (None for a switched-off optional parameter)."""
    value: Any = scenario
    for part in path.split("."):
        value = getattr(value, part)
    return value


def apply_levers(scenario: Scenario, values: Mapping[str, Any], *, from_week: float | None = None,
                 policy_name: str = "levers") -> Scenario:
    """The scenario with the lever values that differ from it, applied from the start or from ``from_week``.

    A timed change becomes one more entry of ``policies``, so it is validated, saved and replayed like any
    policy written in YAML.
    """
    changes = {path: value for path, value in values.items() if lever_value(scenario, path) != value}
    if not changes:
        return scenario
    if from_week is None or from_week <= 0:
        return scenario.with_changes(changes)
    policy = Policy(at_week=from_week, name=policy_name, set=changes)
    kept = [existing.model_dump() for existing in scenario.policies]
    return scenario.with_changes({"policies": (*kept, policy.model_dump())})
