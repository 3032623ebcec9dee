"""What differs between two resolved scenarios, parameter by parameter; and whether two scenarios can be paired.

Two files can look alike and resolve differently (``extends`` chains, defaults, ``--set``), and compare's paired
differences are only meaningful over windows of the same length. ``scenario_diff`` flattens both resolved
scenarios to dotted paths (distributions to ``.mean`` and ``.sd``, each policy to one readable entry) and lists the
paths whose values differ, in schema order, with their unit. ``name`` and ``description`` are labels, not
parameters, and are left out. Pure functions: the CLI prints them and a report can tabulate them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.inputs.errors import Problem
from simulator.inputs.levers import RUN_SETTINGS
from simulator.inputs.loader import LoadedScenario
from simulator.inputs.scenario import Policy, Scenario, parameter_table

__all__ = ["ABSENT", "Difference", "pairing_problems", "scenario_diff"]

_LABELS = ("name", "description")
_UNITS = {row["path"]: str(row["unit"] or "") for row in parameter_table()}


class _Absent:
    """The value of a path one scenario does not have (a policy the other lacks)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Difference:
    """One parameter whose resolved value differs: dotted path, A's value, B's value, unit ("" if none)."""

    path: str
    a: Any
    b: Any
    unit: str


def scenario_diff(a: Scenario, b: Scenario) -> list[Difference]:
    """The parameters whose resolved values differ between ``a`` and ``b``, in schema order."""
    flat_a, flat_b = dict(_flatten(a)), dict(_flatten(b))
    paths = list(dict.fromkeys([*flat_a, *flat_b]))
    return [Difference(path, flat_a.get(path, ABSENT), flat_b.get(path, ABSENT), _unit(path)) for path in paths
            if flat_a.get(path, ABSENT) != flat_b.get(path, ABSENT)]


def pairing_problems(base: LoadedScenario, other: LoadedScenario) -> list[Problem]:
    """Why ``other`` cannot be compared with ``base`` replication by replication (empty if it can).

    A paired difference subtracts replication k of one scenario from replication k of the other; over measured
    windows of different lengths (``horizon_weeks``, ``warmup_weeks``) the difference is of the windows, not the
    policies. Each problem is placed where ``other`` sets the value and names where ``base`` sets its own.
    """
    problems = []
    for field in RUN_SETTINGS:
        mine, theirs = getattr(other.scenario, field), getattr(base.scenario, field)
        if mine != theirs:
            problems.append(Problem(*_at(other, field), field, (
                f"{mine} here but {theirs} in {_where(base, field)}; compare pairs replication k of both over "
                f"the same weeks, so both need the same {field}: make them equal, or give --set {field}=N "
                "(it applies to both)")))
    return problems


def _flatten(scenario: Scenario) -> Iterator[tuple[str, Any]]:
    data = scenario.model_dump()
    for key, value in data.items():
        if key in _LABELS:
            continue
        if key == "policies":
            for index, policy in enumerate(scenario.policies):
                yield f"policies.{index}", _policy_text(policy)
        else:
            yield from _leaves(key, value)


def _leaves(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    if path == "demand.client_mix":  # the mix as a count, and each kind as one readable entry under its name
        yield path, "one kind of client" if value is None else f"{len(value)} kinds"
        for kind in value or ():
            yield f"{path}.{kind['name']}", _kind_text(kind)
        return
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _leaves(f"{path}.{key}", child)
    else:
        yield path, list(value) if isinstance(value, tuple) else value


_KIND_WORDS = {"sessions_per_week": "sessions/week", "session_minutes": "min sessions", "note_minutes": "min notes",
               "mean_sessions_per_episode": "sessions an episode"}


def _kind_text(kind: Mapping[str, Any]) -> str:
    """A client kind in a line: its share and what it sets of its own ("share 0.2, 0.25 sessions/week, ...")."""
    return ", ".join([f"share {kind['share']:g}"] + [f"{kind[key]:g} {words}" for key, words in _KIND_WORDS.items()
                                                    if kind[key] is not None])


def _policy_text(policy: Policy) -> str:
    changes = ", ".join(f"{path}={value}" for path, value in policy.set.items())
    return f"week {policy.at_week:g}, {policy.name!r}: {changes or 'no changes'}"


def _unit(path: str) -> str:
    if path.startswith("demand.client_mix"):  # a count of kinds, or a kind's line with its units in it
        return ""
    unit = _UNITS.get(path) or _UNITS.get(path.rpartition(".")[0], "")
    return "" if unit == "-" else unit


def _at(loaded: LoadedScenario, field: str) -> tuple[str, int | None]:
    return loaded.where.get(field, (loaded.label, None))


def _where(loaded: LoadedScenario, field: str) -> str:
    file, line = _at(loaded, field)
    if field not in loaded.where:
        return f"{loaded.label} (the default)"
    return f"{file}:{line}" if line is not None else file
