"""Sweep files: YAML that names a base scenario, a design and the parameters to vary, read into a ``Sweep``.

Read with the scenario loader's machinery, so a mistake is reported the same way: ``FILE:LINE: FIELD: REASON``,
every problem at once, a did-you-mean for a misspelt parameter. An annotated example::

    # Which matters more for departures: note time or the productivity target?
    name: notes_vs_target
    base: ../baseline.yaml          # relative to this file
    set: {horizon_weeks: 130}       # optional changes to the base for every point
    design: grid                    # grid | oat | lhs | morris | sobol
    replications: 5                 # per point; every point uses the same seed (common random numbers)
    seed: 7                         # optional; default the base scenario's seed
    parameters:
      paperwork.note_minutes.mean: [10, 15, 20, 25]      # explicit values
      workload.productivity_target: {levels: 3}          # 3 levels over its evidence range
      paperwork.offload_share: {low: 0, high: 0.3}       # an explicit range

``samples`` is the number of points (lhs), trajectories (morris) or base samples (sobol, a power of 2);
``levels`` is the Morris grid (default 4).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from simulator.experiments.design import DesignKind, Factor
from simulator.experiments.sweep import Sweep, factor
from simulator.inputs.errors import Problem, ScenarioError, plain_wording
from simulator.inputs.frozen import Frozen
from simulator.inputs.limits import NO_LIMITS, Limits, limit_violations, sweep_violations
from simulator.inputs.loader import COMMAND_LINE, apply_overrides, parse_override, read_input, read_scenario
from simulator.inputs.scenario import Scenario
from simulator.inputs.units import unit_warnings
from simulator.inputs.yamlsource import Document, Location, read_yaml

__all__ = ["MAX_POINTS", "load_sweep"]

MAX_POINTS = 100_000  # a grid's size multiplies quickly; past this a typo is likelier than intent
_SAMPLED = ("lhs", "morris", "sobol")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class _Frozen(Frozen):
    pass


class _Parameter(_Frozen):
    values: list[float] | None = Field(None, min_length=1, max_length=1000)
    low: float | None = None
    high: float | None = None
    levels: int | None = Field(None, ge=2, le=1000)


class _SweepFile(_Frozen):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str = Field("", max_length=10000)
    base: str = Field(min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    design: DesignKind
    replications: int = Field(ge=1, le=100000)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    samples: int | None = Field(None, ge=1, le=MAX_POINTS)
    levels: int = Field(4, ge=2, le=100)
    parameters: dict[str, _Parameter] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str | None) -> str | None:
        # The name becomes the folder results/NAME: '../../x' or '/tmp/x' would write anywhere.
        if name is not None and not _PLAIN_NAME.fullmatch(name):
            raise ValueError("must be a plain name of letters, digits, '-', '_' and '.', starting with a letter or "
                             f"digit (it names the results folder results/NAME; got {name!r})")
        return name


def load_sweep(path: str | Path, *, limits: Limits = NO_LIMITS, replications: int | None = None,
               overrides: Sequence[str] = ()) -> Sweep:
    """Read and check a sweep file; ``ScenarioError`` lists every problem with its line.

    ``limits`` refuses a sweep (or a base scenario) larger than a server allows. ``replications`` replaces the
    file's, and ``overrides`` (``--set PATH=VALUE``) apply to the base after the file's ``set``; both change the
    sweep's identity, so a resumed sweep with other values is refused as a different sweep.
    """
    label, file = str(path), Path(path)
    document = read_yaml(read_input(file), label)
    spec = _validated(document, label)
    problems: list[Problem] = []
    located = _base(spec, file, document, problems)
    if located is None:
        raise ScenarioError(problems)
    base, where, files = located
    if overrides:
        base = apply_overrides(base, overrides)  # problems are the command line's, raised at once
        where |= {path: (COMMAND_LINE, None) for path, _ in map(parse_override, overrides)}
    factors = _factors(spec, base, document, problems)
    problems += _design_problems(spec, factors, document)
    if problems:
        raise ScenarioError(problems)
    seed = base.seed if spec.seed is None else spec.seed
    reps = spec.replications if replications is None else replications
    sweep = Sweep(spec.name or file.stem, base, spec.design, tuple(factors), reps, seed,
                  samples=spec.samples, levels=spec.levels, description=spec.description,
                  warnings=tuple(unit_warnings(base, where, fallback=(label, None))), files=(file.resolve(), *files))
    too_big = sweep_violations(len(sweep.design), sweep.replications, limits)
    too_big += [("base", f"{field}: {reason}") for field, reason in limit_violations(base, 1, limits)]
    if too_big:
        raise ScenarioError(Problem(*_at(document, field, label), field, reason) for field, reason in too_big)
    return sweep


def _validated(document: Document, label: str) -> _SweepFile:
    data = dict(document.data)
    if isinstance(data.get("parameters"), dict):
        # Shorthands: a list is the values, an empty entry means "the evidence range".
        data["parameters"] = {key: {"values": value} if isinstance(value, list) else ({} if value is None else value)
                              for key, value in data["parameters"].items()}
    try:
        return _SweepFile.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            where = ".".join(str(part) for part in item["loc"])
            reason = "unknown key" if item["type"] == "extra_forbidden" else plain_wording(item["msg"])
            if item["type"] == "missing":
                reason = "is required but missing"
            problems.append(Problem(*_at(document, where, label), where, reason))
        raise ScenarioError(problems) from None


def _base(spec: _SweepFile, file: Path, document: Document,
          problems: list[Problem]) -> tuple[Scenario, dict[str, Location], tuple[Path, ...]] | None:
    """The base scenario with the sweep's ``set``, where each of its values was set, and the files read."""
    base_file = file.parent / spec.base
    if not base_file.exists():
        problems.append(Problem(*_at(document, "base"), "base", f"cannot read '{spec.base}' (relative to the sweep "
                                f"file): no such file (looked for {os.path.abspath(base_file)})"))
        return None
    loaded = read_scenario(base_file)  # its own problems are reported in its own file, with its lines
    where = {**loaded.where, **{path: _at(document, f"set.{path}") for path in spec.set}}
    try:
        return (apply_overrides(loaded.scenario, spec.set) if spec.set else loaded.scenario), where, loaded.files
    except ScenarioError as error:
        problems += [Problem(*_at(document, f"set.{p.field}"), f"set.{p.field}", p.message) for p in error.problems]
        return None


def _factors(spec: _SweepFile, base: Scenario, document: Document, problems: list[Problem]) -> list[Factor]:
    factors = []
    default_levels = 2 if spec.design == "oat" else 3
    for path, entry in spec.parameters.items():
        where = f"parameters.{path}"
        if spec.design in _SAMPLED and entry.values is not None:
            problems.append(Problem(*_at(document, where), where, f"the {spec.design} design samples a range: "
                                    "give 'low' and 'high' (or nothing, for the evidence range), not 'values'"))
            continue
        try:
            factors.append(factor(base, path, values=entry.values, low=entry.low, high=entry.high,
                                  levels=entry.levels or default_levels))
        except ValueError as error:
            problems.append(Problem(*_at(document, where), where, str(error)))
    return factors


def _design_problems(spec: _SweepFile, factors: list[Factor], document: Document) -> list[Problem]:
    at = _at(document, "design")
    if spec.design in _SAMPLED and spec.samples is None:
        return [Problem(*at, "samples", f"the {spec.design} design needs 'samples' (points, trajectories or "
                        "base samples)")]
    if spec.design == "sobol" and spec.samples is not None and spec.samples & (spec.samples - 1):
        return [Problem(*_at(document, "samples"), "samples", "must be a power of 2 for the sobol design "
                        f"(got {spec.samples})")]
    points = 1
    for f in factors:
        points *= len(f.values) if spec.design == "grid" else 1
    if points > MAX_POINTS:
        return [Problem(*at, "parameters", f"the grid has {points:,} points; the limit is {MAX_POINTS:,}")]
    return []


def _at(document: Document, field: str, label: str | None = None) -> Location:
    """The file and line where ``field`` (or its nearest parent) was written."""
    path = field
    while path and path not in document.where:
        path = path.rpartition(".")[0]
    if path:
        return document.where[path]
    return (label or next(iter(document.where.values()), ("", None))[0], None)
