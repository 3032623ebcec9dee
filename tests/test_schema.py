"""The scenario schema: every parameter documented, the baseline file equal to the defaults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.inputs.loader import load_scenario
from simulator.inputs.scenario import Scenario, parameter_table
from simulator.inputs.schema import policy_paths, scenario_json_schema

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


# --- the JSON Schema editors use (paperwork-sim schema) ----------------------------------------------------------


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")) + sorted(SCENARIOS.glob("validation/*.yaml")),
                         ids=lambda p: p.name)
def test_every_bundled_scenario_validates_against_the_json_schema(path: Path) -> None:
    assert [error.message for error in _validator().iter_errors(yaml.safe_load(path.read_text()))] == []


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"paperwork.offload_share": 2}, "2 is greater than the maximum of 0.95"),
    ({"paperwork.note_minutes.mean": True}, "True is not of type 'number'"),
    ({"paperwork.ofload_share": 0.2}, "'paperwork.ofload_share' was unexpected"),
    ({"horizon_weeks": 20}, "'horizon_weeks' was unexpected"),  # a run setting, not a policy lever
    ({"burnout.high_ee_threshold": 20}, "'burnout.high_ee_threshold' was unexpected"),
])
def test_a_bad_policy_value_fails_the_json_schema(changes: dict[str, Any], fragment: str) -> None:
    document = {"extends": "baseline.yaml", "policies": [{"at_week": 3, "name": "p", "set": changes}]}
    messages = [error.message for error in _validator().iter_errors(document)]
    assert any(fragment in message for message in messages), messages


def test_policy_set_is_typed_by_dotted_path_and_closed() -> None:
    schema = scenario_json_schema()
    policy_set = schema["$defs"]["Policy"]["properties"]["set"]
    assert policy_set["additionalProperties"] is False
    assert set(policy_set["properties"]) == set(policy_paths())
    share = policy_set["properties"]["paperwork.offload_share"]
    assert (share["type"], share["minimum"], share["maximum"], share["unit"]) == ("number", 0, 0.95, "share")
    note = policy_set["properties"]["paperwork.note_minutes"]
    # pydantic writes a described reference as "$ref" beside the description, or (older versions) inside "allOf"
    assert note.get("$ref", note.get("allOf", [{}])[0].get("$ref")) == "#/$defs/Distribution"
    assert policy_set["properties"]["workload.caseload_cap"]["type"] == "integer"
    assert "seed" not in policy_set["properties"]
    assert schema["properties"]["extends"]["type"] == "string"
    assert json.loads(json.dumps(schema, allow_nan=False)) == schema
