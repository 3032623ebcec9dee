"""The traced "clinician's week": minute-level blocks that add up to the day's ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pytest

from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.events import DayRecord, TraceSegment

Traced = tuple[list[TraceSegment], Sequence[DayRecord]]
SMALL = {"staff.clinicians": 4, "demand.referrals_per_week": 14.0, "horizon_weeks": 12, "warmup_weeks": 2}


@pytest.fixture(scope="module")
def traced() -> Traced:
    log = simulate(Scenario().with_changes(SMALL), trace_weeks={3, 10})
    return log.trace, log.days


def test_only_the_requested_weeks_are_traced(traced: Traced) -> None:
    trace, _ = traced
    assert trace
    assert {segment.day // 7 for segment in trace} == {3, 10}


def test_blocks_add_up_to_each_days_ledger(traced: Traced) -> None:
    trace, days = traced
    minutes: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for segment in trace:
        assert segment.end >= segment.start
        minutes[(segment.clinician, segment.day)][segment.activity] += segment.end - segment.start
    records = {(d.clinician, d.day): d for d in days if d.day // 7 in (3, 10)}
    assert set(records) == set(minutes) | {k for k, r in records.items() if r.status != "leave" and not minutes[k]}
    for key, record in records.items():
        spent = minutes[key]
        if record.status == "leave":
            assert spent["leave"] == pytest.approx(record.contract_min)
            continue
        assert spent["session"] + spent["intake"] == pytest.approx(record.session_min)
        # a no-show slot is desk (or idle) time in the ledger, drawn as a no-show block
        assert spent["paperwork"] + spent["no_show"] + spent["idle"] == pytest.approx(record.desk_min + record.idle_min)
        assert spent["paperwork"] <= record.desk_min + 1e-6
        assert spent["supervision"] == pytest.approx(record.supervision_min)
        assert spent["after_hours"] <= record.after_min + 1e-6
