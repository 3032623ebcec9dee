"""The scenario: every parameter of the agency model, validated once and frozen.

A scenario is to the model what a blueprint is to a building: the model reads it and never writes to it. Timed
policies do not mutate it either; they produce a new frozen scenario (``Scenario.model_copy``) that the running
model swaps in at the policy's week.

The sections live in ``service`` (staff, demand, workload, paperwork, costs) and ``wellbeing`` (burnout, turnover,
climate), their building blocks in ``fields``. Every field declares its unit, its allowed range and its source,
tagged as in ``shared/calibration.md``: [V] verified, [S] secondary, [G] grey literature, [U] unverified /
modelling assumption. ``parameter_table`` flattens them for the docs and the JSON Schema carries them for editors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from simulator.inputs.fields import Distribution, EEDistribution, Section, param
from simulator.inputs.service import ClientKind, Costs, Demand, Paperwork, Staff, Workload
from simulator.inputs.wellbeing import Burnout, Climate, Turnover

__all__ = [
    "Burnout",
    "Climate",
    "Costs",
    "Demand",
    "Distribution",
    "EEDistribution",
    "Paperwork",
    "Policy",
    "Scenario",
    "Staff",
    "Turnover",
    "Workload",
    "parameter_table",
    "set_dotted",
]


class Policy(Section):
    """A change applied during the run: from ``at_week`` on, the dotted parameters take new values."""

    at_week: float = Field(ge=0, le=5200, description="Week at which the change takes effect.")
    name: str = Field(min_length=1, max_length=200, description="Label shown in outputs.")
    set: dict[str, Any] = Field(description="Dotted parameter paths and their new values.")


class Scenario(Section):
    name: str = Field("unnamed", max_length=200, description="Short name of the scenario.")
    description: str = Field("", max_length=10000, description="What the scenario represents and why.")
    horizon_weeks: int = param(208, unit="weeks", ge=1, le=5200, source="assumption: 52 warm-up + 3 years",
                               description="Simulated length including warm-up.")
    warmup_weeks: int = param(52, unit="weeks", ge=0, le=5200,
                              source="assumption: vacancies build up from a full staff over about a year "
                                     "(paperwork-sim warmup; docs/model.md)",
                              description="Weeks excluded from metrics.")
    replications: int = param(10, unit="replications", ge=1, le=100000, source="assumption",
                              description="Default number of replications.")
    seed: int = param(20261128, unit="-", ge=0, le=2**63 - 1, source="-", description="Root random seed.")
    staff: Staff = Field(default_factory=Staff)
    demand: Demand = Field(default_factory=Demand)
    workload: Workload = Field(default_factory=Workload)
    paperwork: Paperwork = Field(default_factory=Paperwork)
    burnout: Burnout = Field(default_factory=Burnout)
    turnover: Turnover = Field(default_factory=Turnover)
    climate: Climate = Field(default_factory=Climate)
    costs: Costs = Field(default_factory=Costs)
    policies: tuple[Policy, ...] = Field((), description="Timed policy changes.")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.warmup_weeks >= self.horizon_weeks:
            raise ValueError(f"warmup_weeks ({self.warmup_weeks}) must be less than horizon_weeks "
                             f"({self.horizon_weeks})")
        for index, policy in enumerate(self.policies):
            if policy.at_week >= self.horizon_weeks:  # it would validate, save and report, and never happen
                raise ValueError(f"policies.{index}.at_week: week {policy.at_week:g} is not before the end of the "
                                 f"run (horizon_weeks {self.horizon_weeks}), so the policy would never take effect")
            # A policy must leave a valid scenario behind; checking now means a bad value fails at load time,
            # with its line, instead of at week N of a run. The message starts with the dotted location so the
            # loader can point at the line.
            for path, value in policy.set.items():
                where = f"policies.{index}.set.{path}"
                if path.split(".")[0] in _NOT_POLICY_LEVERS or path in _NOT_POLICY_LEVERS:
                    raise ValueError(f"{where}: a policy cannot change {path!r}")
                try:
                    self.after_policy({path: value})
                except KeyError:
                    raise ValueError(f"{where}: unknown parameter {path!r}") from None
                except ValidationError as error:
                    reason = "; ".join(e["msg"] for e in error.errors())
                    raise ValueError(f"{where}: {reason}") from None
        return self

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with the dotted paths set to new values (``{"paperwork.offload_share": 0.2}``).

        Raises ``KeyError`` naming an unknown path, or pydantic's ``ValidationError`` for a bad value.
        """
        return Scenario.model_validate(self._changed(changes, keep_policies=True))

    def after_policy(self, changes: Mapping[str, Any]) -> Scenario:
        """The parameters in force once a timed policy's changes apply (the result has no pending policies)."""
        return Scenario.model_validate(self._changed(changes, keep_policies=False))

    def _changed(self, changes: Mapping[str, Any], *, keep_policies: bool) -> dict[str, Any]:
        data = self.model_dump()
        if not keep_policies:
            data["policies"] = ()
        for path, value in changes.items():
            set_dotted(data, path, value)
        return data


_NOT_POLICY_LEVERS = {"name", "description", "horizon_weeks", "warmup_weeks", "replications", "seed", "policies",
                      # the high-EE cut-off is a measurement convention (MBI manual), and metrics read it
                      # from the scenario: a policy cannot move it
                      "burnout.high_ee_threshold",
                      # every client carries its kind from referral to discharge: the kinds are fixed for a run
                      "demand.client_mix"}


def set_dotted(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``data["a"]["b"] = value`` for ``path == "a.b"``; every key but the last must already exist."""
    keys = path.split(".")
    node: Any = data
    for depth, key in enumerate(keys[:-1]):
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            raise KeyError(".".join(keys[: depth + 1]))
        node = node[key]
    if not isinstance(node, dict) or keys[-1] not in node:
        raise KeyError(path)
    node[keys[-1]] = value


def parameter_table() -> list[dict[str, Any]]:
    """Every scalar parameter with its dotted path, default, unit, range and source (for docs and tests)."""
    rows: list[dict[str, Any]] = []
    _walk(Scenario, "", Scenario(), rows)
    return rows


def _walk(model: type[BaseModel], prefix: str, value: BaseModel, rows: list[dict[str, Any]]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        current = getattr(value, name)
        if isinstance(current, BaseModel) and not isinstance(info.json_schema_extra, dict):
            _walk(type(current), f"{path}.", current, rows)
            continue
        rows.append(_row(path, info, current.model_dump() if isinstance(current, BaseModel) else current))
        if path == "demand.client_mix":  # and the fields of one kind, as ``demand.client_mix[].share``
            rows.extend(_row(f"{path}[].{item}", field, None if field.is_required() else field.default)
                        for item, field in ClientKind.model_fields.items())


def _row(path: str, info: FieldInfo, default: Any) -> dict[str, Any]:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    bounds = {type(m).__name__: getattr(m, type(m).__name__.lower(), None) for m in info.metadata}
    return {"path": path, "default": default, "unit": extra.get("unit"), "source": extra.get("source"),
            "ge": bounds.get("Ge"), "gt": bounds.get("Gt"), "le": bounds.get("Le"), "description": info.description,
            "required": info.is_required()}
