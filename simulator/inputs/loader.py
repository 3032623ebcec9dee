"""Scenario files to a validated ``Scenario``: inheritance, command-line overrides, and errors people can act on.

A scenario file is read like a letter with a cover note: ``extends: baseline.yaml`` says "start from that file",
and the child's keys are laid over the parent's (mappings merge key by key; lists and scalars replace; a
``description`` is never inherited, since it describes its own file). The
``--set dotted.path=value`` overrides are laid over the result, and only then is the whole validated once. Each
dotted path remembers the file and line that last set it, so a bad inherited value is reported in the parent
file and a bad override as ``<command line>``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from simulator.inputs.diagnostics import describe_errors, path_problem, section_model
from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.limits import NO_LIMITS, Limits, limit_violations
from simulator.inputs.scenario import Scenario
from simulator.inputs.units import unit_warnings
from simulator.inputs.yamlsource import Document, Location, read_value, read_yaml

__all__ = [
    "COMMAND_LINE",
    "LoadedScenario",
    "Problem",
    "ScenarioError",
    "apply_overrides",
    "dump_scenario",
    "load_scenario",
    "load_scenario_text",
    "parse_override",
    "read_input",
    "read_scenario",
    "read_scenario_text",
]

COMMAND_LINE = "<command line>"
MAX_FILE_BYTES = 1_000_000
_COMMAND_LINE_AT: Location = (COMMAND_LINE, None)


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario with what the loader learnt on the way: where each value was set, which files were read, and
    the warnings (values far outside their evidence range, ``simulator.inputs.units``) the app and CLI show."""

    scenario: Scenario
    label: str  # the path as given, or the name of a text
    where: Mapping[str, Location]  # dotted path -> (file, line) that set it last
    files: tuple[Path, ...]  # the scenario file (none for text) and every file it extends, resolved
    warnings: tuple[Problem, ...]


def load_scenario(path: str | Path, overrides: Sequence[str] = (), *, allowed_root: Path | None = None,
                  limits: Limits = NO_LIMITS) -> Scenario:
    """Load a scenario file, resolving ``extends`` and applying ``--set`` overrides; ``ScenarioError`` if bad.

    ``allowed_root`` confines every ``extends`` target to one folder (the web app passes it for uploads);
    ``limits`` refuses a scenario larger than a server allows, at the line that sets the value.
    """
    return read_scenario(path, overrides, allowed_root=allowed_root, limits=limits).scenario


def read_scenario(path: str | Path, overrides: Sequence[str] = (), *, allowed_root: Path | None = None,
                  limits: Limits = NO_LIMITS) -> LoadedScenario:
    """``load_scenario``, keeping where values were set, the files read and the warnings."""
    label, file = str(path), Path(path)
    raw = _read(file, label, (label, None), "")
    chain = (_resolved(file, label, (label, None), ""),)
    return _build(read_yaml(raw, label), label, file.parent, chain, overrides, allowed_root, limits)


def load_scenario_text(text: str | bytes, *, name: str = "<upload>", base_dir: Path | None = None,
                       overrides: Sequence[str] = (), allowed_root: Path | None = None,
                       limits: Limits = NO_LIMITS) -> Scenario:
    """Load a scenario from text (an upload, an editor buffer); ``name`` labels it in problems.

    ``extends`` targets resolve against ``base_dir``, else ``allowed_root``, else the working directory.
    """
    return read_scenario_text(text, name=name, base_dir=base_dir, overrides=overrides, allowed_root=allowed_root,
                              limits=limits).scenario


def read_scenario_text(text: str | bytes, *, name: str = "<upload>", base_dir: Path | None = None,
                       overrides: Sequence[str] = (), allowed_root: Path | None = None,
                       limits: Limits = NO_LIMITS) -> LoadedScenario:
    """``load_scenario_text``, keeping where values were set, the files read and the warnings."""
    base = base_dir or allowed_root or Path.cwd()
    return _build(read_yaml(text, name), name, base, (), overrides, allowed_root, limits)


def read_input(path: str | Path) -> bytes:
    """The bytes of an input file (a scenario or sweep file), refused as the loader refuses it: with the path
    tried when it is missing, and without blocking on a FIFO or reading a device forever."""
    return _read(Path(path), str(path), (str(path), None), "")


def parse_override(text: str) -> tuple[str, Any]:
    """``"paperwork.note_minutes.mean=20"`` -> ``("paperwork.note_minutes.mean", 20)``, the value read as YAML.

    Only the form is checked here; whether the path exists is checked when the override is applied.
    """
    path, equals, value = text.partition("=")
    path = path.strip()
    if not equals or not path:
        raise ScenarioError.single(COMMAND_LINE, None, path, f"expected PATH=VALUE, e.g. "
                                   f"paperwork.offload_share=0.2 (got {text!r})")
    if any(not key or key != key.strip() for key in path.split(".")):
        raise ScenarioError.single(COMMAND_LINE, None, path, "not a dotted parameter path such as "
                                   "'paperwork.offload_share'")
    try:
        return path, read_value(value, COMMAND_LINE, path)
    except ScenarioError as error:  # a line inside a one-line value would only confuse
        raise ScenarioError(replace(problem, line=None) for problem in error.problems) from None


def apply_overrides(scenario: Scenario, overrides: Sequence[str] | Mapping[str, Any]) -> Scenario:
    """A new validated scenario with the overrides applied (``["staff.clinicians=40"]`` or a mapping).

    Like ``Scenario.with_changes``, but problems are reported as the loader reports them (file, field, reason).
    """
    data = scenario.model_dump()
    where: dict[str, Location] = {}
    problems = _apply_all(data, where, overrides)
    return _validated(data, where, _COMMAND_LINE_AT, problems)


def dump_scenario(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML, keys in schema order; loading it gives back an equal scenario."""
    data = _plain(scenario.model_dump())
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    # PyYAML writes NEL, LS and PS (U+0085, U+2028, U+2029) unescaped and reads them back as line breaks, so a
    # name holding one would not round-trip; escaping all non-ASCII text is the one switch that avoids it.
    if any(char in text for char in "\x85\u2028\u2029"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=110)
    return text


def _build(document: Document, label: str, base_dir: Path, chain: tuple[Path, ...], overrides: Sequence[str],
           allowed_root: Path | None, limits: Limits = NO_LIMITS) -> LoadedScenario:
    merged, files = _resolve_extends(document, base_dir, chain, allowed_root)
    data, where = merged.data, dict(merged.where)
    problems = _apply_all(data, where, overrides)
    scenario = _validated(data, where, (label, None), problems)
    too_big = limit_violations(scenario, scenario.replications, limits)
    if too_big:
        raise ScenarioError(Problem(*_nearest(where, field, label), field, reason) for field, reason in too_big)
    warnings = unit_warnings(scenario, where, fallback=(label, None))
    return LoadedScenario(scenario, label, where, files, tuple(warnings))


def _nearest(where: Mapping[str, Location], field: str, label: str) -> Location:
    """Where ``field`` was written, or its nearest written parent (a default has no line of its own)."""
    while field and field not in where:
        field = field.rpartition(".")[0]
    return where[field] if field else (label, None)


def _validated(data: dict[str, Any], where: Mapping[str, Location], fallback: Location,
               problems: list[Problem]) -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems = [*problems, *describe_errors(error, data, where, fallback)]
    else:
        if not problems:
            return scenario
    raise ScenarioError(problems)


# --- extends -------------------------------------------------------------------------------------------------


def _resolve_extends(document: Document, base_dir: Path, chain: tuple[Path, ...],
                     allowed_root: Path | None) -> tuple[Document, tuple[Path, ...]]:
    """The document laid over its parent chain, with ``extends`` removed; and the chain of files read."""
    if "extends" not in document.data:
        return document, chain
    data = {key: value for key, value in document.data.items() if key != "extends"}
    where = {path: at for path, at in document.where.items() if path != "extends" and
             not path.startswith("extends.")}
    parent_file, label, resolved = _extends_target(document, base_dir, chain, allowed_root)
    at = document.where["extends"]
    parent = read_yaml(_read(parent_file, label, at, "extends", _symlink_hint(at[0])), label)
    parent, files = _resolve_extends(parent, parent_file.parent, (*chain, resolved), allowed_root)
    merged = _overlay(parent, Document(data, where))
    if "description" not in data:
        # A description says what its own file represents: the base's would describe the base, not this file.
        merged.data.pop("description", None)
        merged.where.pop("description", None)
    return merged, files


def _extends_target(document: Document, base_dir: Path, chain: tuple[Path, ...],
                    allowed_root: Path | None) -> tuple[Path, str, Path]:
    """The parent's path, label and resolved path, after the type, cycle and allowed-folder checks."""
    target = document.data["extends"]
    file, line = document.where["extends"]
    if not isinstance(target, str) or not target.strip():
        raise ScenarioError.single(file, line, "extends", "must be the path of another scenario file, e.g. "
                                   "'extends: baseline.yaml'")
    path = base_dir / target
    resolved = _resolved(path, target, (file, line), "extends")
    if allowed_root is not None and not resolved.is_relative_to(_resolved(allowed_root, "", (file, line), "")):
        raise ScenarioError.single(file, line, "extends", f"'{target}' is outside the folder scenarios may "
                                   "extend from")
    if resolved in chain:
        names = [p.name for p in chain[chain.index(resolved):]] + [resolved.name]
        raise ScenarioError.single(file, line, "extends", "extends cycle: " + " -> ".join(names))
    return path, os.path.normpath(path), resolved


def _resolved(path: Path, label: str, at: Location, field: str) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError) as error:  # NUL bytes, symlink loops
        raise ScenarioError.single(at[0], at[1], field, f"cannot use the path '{label}': {error}") from None


def _read(path: Path, label: str, at: Location, field: str, hint: str = "") -> bytes:
    """The file's bytes; problems are reported at ``at``, the place that named the file.

    Opened without blocking and checked after opening: a FIFO must not wait for a writer, /dev/zero must not be
    read forever, and a path swapped between a check and the open is still caught.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ScenarioError.single(at[0], at[1], field, f"cannot read '{label}': no such file (looked for "
                                   f"{os.path.abspath(path)}{hint})") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError.single(at[0], at[1], field, f"cannot read '{label}': {reason}") from None
    kind = _not_a_file(os.fstat(fd).st_mode)
    if kind:
        os.close(fd)
        raise ScenarioError.single(at[0], at[1], field, f"cannot read '{label}': {kind}")
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise ScenarioError.single(at[0], at[1], field, f"cannot read '{label}': {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError.single(at[0], at[1], field, f"'{label}' is larger than {MAX_FILE_BYTES:,} bytes")
    return raw


def _not_a_file(mode: int) -> str:
    """What the path is instead of a regular file ("" for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "is a directory, not a scenario file"
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "something else")
    return f"is not a regular file but {what}"


def _symlink_hint(naming: str) -> str:
    """Why a relative ``extends`` is not found beside a symlinked scenario's target (it is looked for beside the
    link, like every relative path in the file)."""
    try:
        target = Path(naming).resolve() if Path(naming).is_symlink() else None
    except (OSError, RuntimeError):
        return ""
    if target is None:
        return ""
    return f", beside the link '{naming}', not beside its target {target}"


def _overlay(parent: Document, child: Document) -> Document:
    """``child`` deep-merged over ``parent``; each path keeps the location of whichever file set it last."""
    data = _merged(parent.data, child.data)
    where: dict[str, Location] = {}
    for path in _paths(data, ""):
        at = child.where.get(path) or parent.where.get(path)
        if at is not None:
            where[path] = at
    return Document(data, where)


def _merged(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        nested = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merged(out[key], value) if nested else value
    return out


def _paths(value: Any, prefix: str) -> Iterator[str]:
    """Every dotted path inside ``value`` (list items by index), in the form the provenance map uses."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        yield path
        yield from _paths(child, path)


# --- overrides -----------------------------------------------------------------------------------------------


def _apply_all(data: dict[str, Any], where: dict[str, Location],
               overrides: Sequence[str] | Mapping[str, Any]) -> list[Problem]:
    """Apply every override to ``data`` in place; return the problems instead of stopping at the first."""
    problems: list[Problem] = []
    for item in _override_pairs(overrides, problems):
        path, value = item
        reason = path_problem(path)
        if reason is not None:
            problems.append(Problem(COMMAND_LINE, None, path, reason))
            continue
        _set_path(data, path, value)
        where.update((child, _COMMAND_LINE_AT) for child in (path, *_paths(value, path)))
    return problems


def _override_pairs(overrides: Sequence[str] | Mapping[str, Any], problems: list[Problem]
                    ) -> Iterator[tuple[str, Any]]:
    if isinstance(overrides, Mapping):
        yield from overrides.items()
        return
    for text in [overrides] if isinstance(overrides, str) else overrides:
        try:
            yield parse_override(text)
        except ScenarioError as error:
            problems.extend(error.problems)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a known dotted path, filling sections the file left out with their defaults.

    Filling from the field's default (not ``{}``) matters for distributions: ``--set
    paperwork.note_minutes.mean=20`` must keep the default sd, not reset it to 0.
    """
    *parents, last = path.split(".")
    node: dict[str, Any] = data
    model: type[BaseModel] = Scenario
    for key in parents:
        if not isinstance(node.get(key), dict):
            default = model.model_fields[key].get_default(call_default_factory=True)
            node[key] = default.model_dump() if isinstance(default, BaseModel) else {}
        section = section_model(model.model_fields[key].annotation)
        assert section is not None  # path_problem accepted the path, so every parent is a section
        node, model = node[key], section
    current = node.get(last)
    node[last] = _merged(current, value) if isinstance(current, dict) and isinstance(value, dict) else value


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively: ``safe_dump`` refuses tuples rather than write a Python-specific tag."""
    if isinstance(value, dict):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(child) for child in value]
    return value
