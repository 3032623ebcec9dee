"""The scenario schema: every parameter documented, the baseline file equal to the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.inputs.loader import load_scenario
from simulator.inputs.scenario import Scenario, parameter_table

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
NOT_PARAMETERS = {"name", "description", "policies"}


@pytest.mark.parametrize("row", [r for r in parameter_table() if r["path"] not in NOT_PARAMETERS],
                         ids=lambda r: r["path"])
def test_every_parameter_has_unit_source_and_description(row: dict[str, object]) -> None:
    assert row["unit"], row
    assert row["source"], row
    assert row["description"], row


def test_numeric_parameters_have_ranges() -> None:
    unbounded = [r["path"] for r in parameter_table()
                 if isinstance(r["default"], int | float) and not isinstance(r["default"], bool)
                 and r["ge"] is None and r["gt"] is None]
    assert unbounded == []


def test_sources_use_the_evidence_tags_or_say_assumption() -> None:
    tags = ("[V", "[S", "[G", "[U", "assumption", "policy lever", "model design", "calibrated", "-")
    untagged = [r["path"] for r in parameter_table() if r["source"] and not any(t in str(r["source"]) for t in tags)]
    assert untagged == []


def test_baseline_file_equals_the_schema_defaults() -> None:
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    assert baseline == Scenario(name=baseline.name, description=baseline.description)


def test_json_schema_carries_units_and_sources() -> None:
    schema = json.loads(json.dumps(Scenario.model_json_schema()))
    note = schema["$defs"]["Paperwork"]["properties"]["note_minutes"]
    assert note["unit"] == "min/note"
    assert "[G]" in note["source"]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")) + sorted(SCENARIOS.glob("validation/*.yaml")),
                         ids=lambda p: p.name)
def test_bundled_scenarios_load_and_open_with_a_comment(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert path.read_text().startswith("# ")
