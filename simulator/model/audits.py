"""Chart audits: at a fixed interval, a sample of each clinician's records since the last audit is reviewed; each
record that fell late is a finding, with a remediation task and a bounded strain."""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.model.events import Kind
from simulator.model.paperwork import TaskKind

if TYPE_CHECKING:
    from simulator.model.agency import Agency

__all__ = ["audit", "chart_audits"]


def chart_audits(agency: Agency) -> Generator[simpy.Event, Any, None]:
    """Chart audits at a fixed interval (which a policy may change, or switch off and on)."""
    while True:
        interval = agency.params.paperwork.audit_interval_weeks
        if interval is None:
            yield agency.schedule.after(7.0)  # audits may be switched back on by a policy
            continue
        yield agency.schedule.after(7.0 * interval)
        audit(agency)


def audit(agency: Agency) -> None:
    """One chart audit of every clinician on the roster."""
    p = agency.params
    if not p.paperwork.enabled:
        return
    now = agency.schedule.now
    stream = agency.streams["audits"]
    for clinician in list(agency.clinicians.values()):
        desk = clinician.desk
        late_share = min(1.0, desk.late_since_audit / desk.added_since_audit) if desk.added_since_audit else 0.0
        findings = stream.binomial(min(p.paperwork.audit_sample_size, desk.added_since_audit), late_share)
        desk.late_since_audit = desk.added_since_audit = 0
        for _ in range(findings):
            clinician.add_task(TaskKind.REMEDIATION, math.floor(now))
        clinician.shock(min(findings * agency.rules.audit_finding, agency.rules.audit_strain_max))
        agency.log.add(now, Kind.AUDIT, clinician.id, -1, findings)
