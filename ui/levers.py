"""The levers the app offers, and how a run is named by the ones it changed.

The simulator's levers (``simulator.inputs.levers.LEVERS``) leave out two cost inputs that move the net margin: the
admin staff's salary and the revenue of an intake. They are added here, in the same form, so every cost input can be
set in the app. Run names say what differs ("ai_scribe.yaml, note minutes 20, from week 78"): two runs with
different lever changes must never share a name on the page, in the run picker or on a chart axis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from simulator.inputs.levers import LEVERS, Lever

__all__ = ["APP_LEVERS", "change_text", "run_name"]

_COST_LEVERS = (
    Lever("costs.admin_salary_annual", "Admin staff loaded salary", "Costs", 15000, 150000, 1000),
    Lever("costs.revenue_per_intake", "Revenue per attended intake", "Costs", 0, 600, 5),
)
APP_LEVERS: tuple[Lever, ...] = (*LEVERS, *(lv for lv in _COST_LEVERS if lv.path not in {x.path for x in LEVERS}))

Kind = Literal["number", "share", "money", "minutes", "weeks"]

# Short names for run names: long lever labels would make every name a sentence.
_SHORT: dict[str, tuple[str, Kind]] = {
    "paperwork.note_minutes.mean": ("note minutes", "number"),
    "paperwork.offload_share": ("offloaded", "share"),
    "paperwork.audit_interval_weeks": ("audits every", "weeks"),
    "paperwork.after_hours_max_minutes_per_day": ("after-hours cap", "minutes"),
    "paperwork.admin_minutes_per_day": ("daily admin", "minutes"),
    "workload.productivity_target": ("productivity", "share"),
    "workload.caseload_cap": ("caseload cap", "number"),
    "staff.clinicians": ("clinicians", "number"),
    "staff.admin_staff": ("admin staff", "number"),
    "turnover.time_to_fill_weeks.mean": ("time to fill", "weeks"),
    "turnover.hire_ahead_positions": ("hire ahead", "number"),
    "climate.supervisor_support": ("supervisor support", "number"),
    "climate.conflict_incidents_per_year": ("conflicts/year", "number"),
    "costs.clinician_salary_annual": ("salary", "money"),
    "costs.admin_salary_annual": ("admin salary", "money"),
    "costs.revenue_per_session": ("revenue/session", "money"),
    "costs.revenue_per_intake": ("revenue/intake", "money"),
    "costs.replacement_cost_share": ("replacement cost", "share"),
    "costs.tool_cost_per_clinician_month": ("tool licence", "money"),
    "costs.overhead_per_position_annual": ("overhead/post", "money"),
    "costs.claim_denial_rate": ("denied", "share"),
    "costs.claim_window_days": ("claim window", "number"),
    "workload.overbooking": ("overbooking", "share"),
    "workload.below_target_strain": ("target pressure", "number"),
    "climate.job_control": ("job control", "number"),
    "climate.clinician_voice": ("voice", "number"),
}
_OFF = {"paperwork.audit_interval_weeks": "no chart audits", "costs.claim_window_days": "no claim window"}


def change_text(path: str, value: Any) -> str:
    """One lever change in a few words: "note minutes 20", "offloaded 25%", "no chart audits"."""
    if value is None:
        return _OFF.get(path, f"{path.rsplit('.', 1)[-1]} off")
    name, kind = _SHORT.get(path, (path, "number"))
    number = float(value)
    text = {"share": f"{number:.0%}", "money": f"${number:,.0f}", "minutes": f"{number:g} min",
            "weeks": f"{number:g} weeks", "number": f"{number:g}"}[kind]
    return f"{name} {text}"


def run_name(scenario: str, changes: Mapping[str, Any], *, from_week: int | None = None,
             weeks: tuple[int, int] | None = None) -> str:
    """A run named by what differs from the scenario file: its lever changes, when they apply, and the run length
    (``weeks``: horizon and warm-up) when that was changed too."""
    parts = [scenario, *(change_text(path, value) for path, value in changes.items())]
    if changes and from_week is not None:
        parts.append(f"from week {from_week}")
    if weeks is not None:
        parts.append(f"{weeks[0]} weeks ({weeks[1]} warm-up)")
    return ", ".join(parts)
