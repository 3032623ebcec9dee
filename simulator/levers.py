"""The policy levers the app offers, grouped by concern, and how lever settings become a scenario.

A lever is a dotted scenario path with the widget range an administrator may choose from and, where the
literature gives one, the evidence range. Units, descriptions and sources come from the scenario schema itself,
so the app's help text can never drift from the documented parameters. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.scenario import Policy, Scenario, parameter_table

__all__ = ["GROUPS", "LEVERS", "RUN_SETTINGS", "Lever", "apply_levers", "lever_help", "lever_value"]


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
    evidence: tuple[float, float] | None = None  # range reported in the literature, where there is one
    evidence_note: str = ""  # where the evidence range comes from (see ../shared/calibration.md)


GROUPS = ("Paperwork", "Productivity and caseload", "Staffing", "Support and climate", "Costs")

LEVERS: tuple[Lever, ...] = (
    Lever("paperwork.note_minutes.mean", "Minutes per progress note", "Paperwork", 2, 60, 1,
          evidence=(10, 30), evidence_note="[G] clinician and vendor reports 10-30 min; physician logs 4-16 min [V]"),
    Lever("paperwork.offload_share", "Documentation offloaded (scribe, AI, support staff)", "Paperwork", 0, 0.9, 0.05,
          evidence=(0.095, 0.33),
          evidence_note="[V] Lukac 2025 RCT: note time -9.5%; UW Health RCT: about a third of note time"),
    Lever("paperwork.audit_interval_weeks", "Weeks between chart audits", "Paperwork", 2, 104, 1,
          optional_label="No chart audits", evidence_note="assumption: quarterly audits"),
    Lever("paperwork.after_hours_max_minutes_per_day", "After-hours charting cap", "Paperwork", 0, 240, 10,
          evidence=(60, 120), evidence_note="[V] Sinsky 2016: 1-2 h each night; Arndt 2017: 86 min"),
    Lever("paperwork.admin_minutes_per_day", "Daily admin (email, calls, meetings)", "Paperwork", 0, 120, 5,
          evidence_note="assumption"),
    Lever("workload.productivity_target", "Productivity target (billable share of hours)",
          "Productivity and caseload", 0.3, 0.9, 0.01, evidence=(0.55, 0.80),
          evidence_note="[G] Ensora: many CMHCs require 60-65% (range 55-80%)"),
    Lever("workload.caseload_cap", "Caseload cap", "Productivity and caseload", 5, 80, 1, integer=True,
          evidence=(30, 40), evidence_note="[G] practitioner reports: 30-40 active clients per FTE"),
    Lever("staff.clinicians", "Funded clinician positions", "Staffing", 5, 300, 1, integer=True,
          evidence_note="assumption: a 50-clinician community mental-health centre"),
    Lever("staff.admin_staff", "Admin and intake staff", "Staffing", 0, 30, 1, integer=True,
          evidence_note="assumption"),
    Lever("turnover.time_to_fill_weeks.mean", "Mean time to fill a vacancy", "Staffing", 1, 52, 1,
          evidence=(9, 39), evidence_note="[G] ABH 2022 and practice owners: 2-9 months, about 4"),
    Lever("turnover.hire_ahead_positions", "Positions recruited ahead of need", "Staffing", 0, 20, 1, integer=True,
          evidence_note="policy lever"),
    Lever("climate.supervisor_support", "Supervisor support (0 poor, 0.5 neutral, 1 excellent)",
          "Support and climate", 0, 1, 0.05, evidence_note="assumption; mechanism [V] Fukui 2019, Dishop 2019"),
    Lever("climate.conflict_incidents_per_year", "Conflict incidents per clinician-year", "Support and climate",
          0, 12, 0.5, evidence_note="assumption"),
    Lever("costs.clinician_salary_annual", "Clinician loaded salary", "Costs", 20000, 200000, 1000,
          evidence_note="assumption"),
    Lever("costs.revenue_per_session", "Revenue per attended session", "Costs", 0, 400, 5,
          evidence_note="assumption"),
    Lever("costs.replacement_cost_share", "Replacement cost of a leaver (share of salary)", "Costs", 0, 2, 0.05,
          evidence=(0.2, 2.0), evidence_note="[S] Boushey & Glynn 2012: 20-30% typical, up to 200%"),
    Lever("costs.tool_cost_per_clinician_month", "Documentation tool licence", "Costs", 0, 1000, 10,
          evidence_note="assumption"),
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
    if lever.evidence is not None:
        evidence = f"Evidence range {lever.evidence[0]:g}-{lever.evidence[1]:g} {unit}: {lever.evidence_note}."
    else:
        evidence = f"No published range; {lever.evidence_note}."
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
