"""Values far outside what the evidence calls plausible: most likely a unit slip, so warned about, never refused.

``note_minutes: {mean: 0.25}`` passes every schema bound (a quarter of a minute is a duration), yet it is almost
certainly a quarter of an hour typed where minutes are expected. The schema's bounds say what the model accepts;
``EVIDENCE_RANGES`` says what the literature calls plausible. A value below a fifth of the low end or above five
times the high end is "far outside": far enough that it is a slip rather than a bold what-if (a what-if of half
or twice the evidence passes in silence), near enough to catch the common slips (hours for minutes is x60,
days for weeks /7, months for days x30). Zero is never a slip: it is zero in every unit, and means "none" (no
after-hours work). The run goes on; the warning names the value, the unit, the range and, where one unit
conversion lands inside the range, the unit the value was probably meant in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from simulator.inputs.errors import Problem
from simulator.inputs.levers import EVIDENCE_RANGES, EvidenceRange, lever_value
from simulator.inputs.scenario import Scenario, parameter_table
from simulator.inputs.yamlsource import Location

__all__ = ["FAR", "WARNING", "unit_warnings"]

FAR = 5.0  # far outside = below low / FAR or above high * FAR
WARNING = "warning: "  # how a warning's message starts, so it reads differently from a refusal
_UNITS = {row["path"]: str(row["unit"]) for row in parameter_table()}
# (unit the field is in, factor from the slipped unit, the slipped unit): hours typed for minutes are x60
_SLIPS = (("min", 60.0, "hours"), ("weeks", 1 / 7, "days"), ("days", 7.0, "weeks"), ("days", 365 / 12, "months"))


def unit_warnings(scenario: Scenario, where: Mapping[str, Location] | None = None, *,
                  fallback: Location = ("<scenario>", None)) -> list[Problem]:
    """A warning ``Problem`` for each parameter (and policy value) far outside its evidence range.

    ``where`` maps dotted paths to the file and line that set them (the loader's provenance); a value not found
    there is reported at ``fallback``.
    """
    warnings = []
    for field, path, value in _values(scenario):
        reason = far_outside(path, value)
        if reason is not None:
            file, line = _locate(field, where or {}, fallback)
            warnings.append(Problem(file, line, field, WARNING + reason))
    return warnings


def far_outside(path: str, value: Any) -> str | None:
    """Why ``value`` of parameter ``path`` looks like a unit slip, or ``None`` if it does not."""
    evidence = EVIDENCE_RANGES.get(path)
    if evidence is None or isinstance(value, bool) or not isinstance(value, int | float) or value == 0:
        return None  # 0 means "none" in every unit (no after-hours work), so it is never a unit slip
    unit = _UNITS.get(path) or _UNITS.get(path.rpartition(".")[0], "")
    if value < evidence.low / FAR:
        side = "below"
    elif value > evidence.high * FAR:
        side = "above"
    else:
        return None
    return (f"{value:g} {unit} is far {side} the evidence range {evidence.low:g}-{evidence.high:g} {unit}"
            f"{_slip(value, unit, evidence)}; the run goes on, but check the unit")


def _values(scenario: Scenario) -> Iterator[tuple[str, str, Any]]:
    """(field, parameter path, value) of every evidence-ranged parameter, then of every policy's changes to one."""
    for path in EVIDENCE_RANGES:
        yield path, path, lever_value(scenario, path)
    for index, policy in enumerate(scenario.policies):
        for path, value in policy.set.items():
            yield f"policies.{index}.set.{path}", path, value


def _slip(value: float, unit: str, evidence: EvidenceRange) -> str:
    for field_unit, factor, slipped in _SLIPS:
        if unit.startswith(field_unit) and evidence.low <= value * factor <= evidence.high:
            return f" (given in {slipped}? {value:g} {slipped} = {value * factor:.3g} {unit})"
    return ""


def _locate(field: str, where: Mapping[str, Location], fallback: Location) -> Location:
    path = field
    while path and path not in where:
        path = path.rpartition(".")[0]
    return where[path] if path else fallback
