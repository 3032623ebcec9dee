"""The JSON Schema of a scenario file, as editors use it: the model's own schema plus what only the loader knows.

Pydantic's schema of ``Scenario`` describes the resolved scenario, so it refused ``extends`` (which the loader
consumes before validation) and left a policy's ``set`` an untyped object, where an editor could check nothing.
Here ``extends`` is added, and ``set`` becomes an object whose property names are the dotted parameter paths a
policy may change, each with that field's own schema (type, range, unit, source), and no other names allowed.
"""

from __future__ import annotations

import copy
from typing import Any

from simulator.inputs.diagnostics import all_paths
from simulator.inputs.scenario import _NOT_POLICY_LEVERS, Scenario

__all__ = ["policy_paths", "scenario_json_schema"]

_EXTENDS = {
    "type": "string", "minLength": 1,
    "description": "Another scenario file to start from, relative to this file. Its values are inherited: "
                   "mappings merge key by key, lists (policies, weekly_profile) and single values replace, and "
                   "'description' is not inherited.",
}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema ``paperwork-sim schema`` prints."""
    schema = Scenario.model_json_schema()
    schema["properties"] = {"extends": _EXTENDS, **schema["properties"]}
    policy_set = schema["$defs"]["Policy"]["properties"]["set"]
    schema["$defs"]["Policy"]["properties"]["set"] = {
        "type": "object", "title": policy_set.get("title", "Set"), "description": policy_set.get("description", ""),
        "properties": {path: _field_schema(schema, path) for path in policy_paths()},
        "additionalProperties": False,
    }
    return schema


def policy_paths() -> tuple[str, ...]:
    """Every dotted path a policy's ``set`` may name (what ``--set`` may, less the run settings and labels)."""
    return tuple(path for path in all_paths()
                 if path not in _NOT_POLICY_LEVERS and path.split(".")[0] not in _NOT_POLICY_LEVERS)


def _field_schema(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The schema of the field at ``path``, found by walking properties and following ``$ref`` into ``$defs``."""
    node: dict[str, Any] = schema
    for key in path.split("."):
        node = _resolved(schema, node)["properties"][key]
    return copy.deepcopy(node)


def _resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    reference = node.get("$ref") or next((part["$ref"] for part in node.get("allOf", ()) if "$ref" in part), None)
    if reference is None:
        return node
    found: dict[str, Any] = schema["$defs"][reference.rsplit("/", 1)[-1]]
    return found
