"""Evidence ranges of the parameters a sensitivity analysis varies, each with its source in ``calibration.md``.

The scenario schema's bounds (``ge``/``le``) say what the model accepts; these ranges say what the evidence calls
plausible, which is what a tornado chart or a Morris screening should sweep. A sweep that names a parameter
without a range takes it from here; a parameter not listed needs an explicit ``low``/``high`` in the sweep file.
Only parameters with a published or stated range are listed: no range is made up for the sake of completeness.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EVIDENCE_RANGES", "TORNADO_LEVERS", "EvidenceRange"]


@dataclass(frozen=True)
class EvidenceRange:
    low: float
    high: float
    source: str


_WEEKS_PER_MONTH = 52 / 12

EVIDENCE_RANGES: dict[str, EvidenceRange] = {
    "paperwork.note_minutes.mean": EvidenceRange(
        5, 30, "[G] calibration A: progress-note time per session 5-30 min (blogs; physician logs 4-16 min)"),
    "paperwork.offload_share": EvidenceRange(
        0.0, 0.5, "calibration G: none, up to post-clinic documentation halved by human scribes [V] (JGIM 2018: "
        "1.65 -> 0.76 h per session)"),
    "paperwork.plan_review_days": EvidenceRange(
        90, 180, "[U] calibration A: treatment-plan review every 90-180 days by state and payer"),
    "workload.productivity_target": EvidenceRange(
        0.55, 0.80, "[G] calibration B: productivity requirement 0.55-0.80 of paid time (Ensora 60-65%)"),
    "workload.caseload_cap": EvidenceRange(30, 40, "[G] practitioner blogs: 30-40 active clients per FTE"),
    "workload.session_minutes": EvidenceRange(38, 60, "[V] calibration A: CPT 90834/90837 session 38-60 min"),
    "demand.no_show_rate": EvidenceRange(
        0.15, 0.30, "[V] calibration B: Mitchell & Selmes 2007, missed appointments 15.6-28% (blogs up to 30%)"),
    "turnover.burnout_hazard_ratio": EvidenceRange(
        1.5, 2.7, "[V] calibration E: burnout -> turnover 1.5-2.7 (Willard-Grace 2019, Hamidi 2018)"),
    "turnover.time_to_fill_weeks.mean": EvidenceRange(
        round(2 * _WEEKS_PER_MONTH, 1), round(9 * _WEEKS_PER_MONTH, 1),
        "[G] calibration E: vacancies take 2-9+ months to fill (ABH 2022), in weeks"),
    "turnover.onboarding_weeks": EvidenceRange(8, 26, "[G/U] calibration E: ramp-up to full caseload 8-26 weeks"),
    "costs.replacement_cost_share": EvidenceRange(
        0.2, 2.0, "[S] calibration E: replacement cost 0.2-2.0 x annual salary"),
    "climate.supervisor_support": EvidenceRange(
        0.0, 1.0, "the whole 0-1 scale: no evidence fixes an agency's value ([V] direction: Fukui 2019)"),
}

#: What an administrator can change, for the default tornado chart (the rest of the table is uncertainty about
#: the world, for a global screening).
TORNADO_LEVERS: tuple[str, ...] = (
    "paperwork.note_minutes.mean", "paperwork.offload_share", "paperwork.plan_review_days",
    "workload.productivity_target", "workload.caseload_cap", "turnover.time_to_fill_weeks.mean",
    "turnover.onboarding_weeks", "climate.supervisor_support",
)
