"""Validation errors and dotted paths, explained in the scenario's own terms.

Pydantic reports ``('paperwork', 'offload_share') less_than_equal``; a modeler needs "paperwork.offload_share:
must be ≤ 0.95 share (got 2)" at the line they typed it, and "did you mean 'note_minutes'?" after a typo. This
module walks the ``Scenario`` model classes to find the field, unit and sibling names behind each error.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from simulator.inputs.errors import Problem
from simulator.inputs.scenario import Scenario
from simulator.inputs.yamlsource import Location

__all__ = ["all_paths", "describe_errors", "path_problem", "section_model"]

_BOUNDS = {"greater_than_equal": ("≥", "ge"), "less_than_equal": ("≤", "le"), "greater_than": (">", "gt"),
           "less_than": ("<", "lt")}
_WHOLE = "must be a whole number"
_NUMBER = "must be a number"
_TRUTH = "must be true or false"
_PHRASES = {"int_type": _WHOLE, "int_parsing": _WHOLE, "int_from_float": _WHOLE, "float_type": _NUMBER,
            "float_parsing": _NUMBER, "finite_number": "must be a finite number", "bool_type": _TRUTH,
            "bool_parsing": _TRUTH, "string_type": "must be text", "string_too_short": "must not be empty",
            "tuple_type": "must be a list", "list_type": "must be a list"}
# Patterns a text field must match, in words.
_PATTERNS = {r"^[A-Za-z][A-Za-z0-9_ -]*$":
             "must start with a letter and hold only letters, digits, spaces, '-' and '_'"}
_MAPPING_TYPES = {"model_type", "model_attributes_type", "dict_type"}
# Pydantic's own sentences, as they reach us inside the Scenario validator's policy messages; longest first.
_PYDANTIC_WORDING = (("Input should be less than or equal to", "must be ≤"),
                     ("Input should be greater than or equal to", "must be ≥"),
                     ("Input should be less than", "must be <"), ("Input should be greater than", "must be >"),
                     ("Input should be", "must be"), ("Extra inputs are not permitted", "unknown key"),
                     ("Field required", "is required but missing"))


def section_model(annotation: Any, *, through_lists: bool = False) -> type[BaseModel] | None:
    """The model class a field holds (``Paperwork``, ``Distribution``, or with ``through_lists`` ``Policy``)."""
    origin = get_origin(annotation)
    if origin is None:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        return annotation if is_model else None
    if origin in (tuple, list) and not through_lists:
        return None
    for argument in get_args(annotation):
        found = section_model(argument, through_lists=through_lists)
        if found is not None:
            return found
    return None


@functools.cache
def all_paths() -> tuple[str, ...]:
    """Every dotted path a ``--set`` can name, sections included (``staff``, ``staff.clinicians``, ...)."""
    return tuple(_paths_of(Scenario, ""))


def _paths_of(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, info in model.model_fields.items():
        yield prefix + name
        section = section_model(info.annotation)
        if section is not None:
            yield from _paths_of(section, f"{prefix}{name}.")


def path_problem(path: str) -> str | None:
    """Why ``path`` names no parameter, with a did-you-mean; ``None`` if it is a settable path."""
    keys = path.split(".")
    model: type[BaseModel] | None = Scenario
    for depth, key in enumerate(keys):
        if model is None:
            whole = ".".join(keys[:depth])
            return f"'{whole}' has no parts to set; set the whole value instead"
        if key not in model.model_fields:
            return f"unknown parameter '{path}'" + _suggest(key, model, keys[:depth], keys[depth + 1:])
        model = section_model(model.model_fields[key].annotation)
    return None


def _suggest(key: str, model: type[BaseModel], prefix: Sequence[str], rest: Sequence[str]) -> str:
    """'; did you mean ...?': a close name at the same level, else the same name in another section."""
    close = difflib.get_close_matches(key, list(model.model_fields), n=1)
    if close:
        return "; did you mean '" + ".".join([*prefix, close[0], *rest]) + "'?"
    elsewhere = [path for path in all_paths() if path.rsplit(".", 1)[-1] == key]
    if elsewhere:
        return "; did you mean '" + ".".join([elsewhere[0], *rest]) + "'?"
    return ""


def describe_errors(error: ValidationError, data: Mapping[str, Any], where: Mapping[str, Location],
                    fallback: Location) -> list[Problem]:
    """One ``Problem`` per pydantic error, located through ``where`` (dotted path -> file and line).

    ``data`` is what was validated; it supplies the offending value where the error message lacks it.
    """
    problems = []
    items = error.errors(include_url=False)
    for item in items:
        if item["type"] == "too_short" and _inside(item["loc"], items):
            continue  # pydantic counts a list's items after dropping the bad ones: the bad item is the problem
        field, message = _describe(item)
        if ".set." in field and message.startswith("must be"):
            message += _policy_value(data, field)
        file, line = _locate(field, where, fallback)
        problems.append(Problem(file, line, field, message))
    return problems


def _inside(loc: tuple[int | str, ...], items: list[ErrorDetails]) -> bool:
    """Whether another error lies inside the field at ``loc``."""
    return any(len(other["loc"]) > len(loc) and other["loc"][:len(loc)] == loc for other in items)


def _policy_value(data: Mapping[str, Any], field: str) -> str:
    """' (got X)' for a value in a policy's ``set`` (whose keys contain dots, so no plain path walk)."""
    head, _, key = field.partition(".set.")
    try:
        value = data["policies"][int(head.split(".")[1])]["set"][key]
    except (KeyError, IndexError, ValueError, TypeError):
        return ""
    return f" (got {_show(value)})"


def _describe(item: ErrorDetails) -> tuple[str, str]:
    if item["type"] == "value_error" and not item["loc"]:
        return _model_level(item["msg"])
    return ".".join(str(part) for part in item["loc"]), _reason(item)


def _model_level(message: str) -> tuple[str, str]:
    """Field and reason of an error raised by ``Scenario``'s own validator.

    Those carry no pydantic location; by the scenario's convention they start with the dotted location and
    ": " (policy checks), or with the name of the field at fault (the warm-up check).
    """
    text = message.removeprefix("Value error, ")
    location, colon, reason = text.partition(": ")
    if colon and (location in all_paths() or location.startswith("policies.")):
        if reason.startswith("unknown parameter") and ".set." in location:
            reason = path_problem(location.split(".set.", 1)[1]) or reason
        return location, _plain_wording(reason)
    first_word = text.split(" ", 1)[0]
    return (first_word if first_word in all_paths() else ""), _plain_wording(text)


def _plain_wording(text: str) -> str:
    for pydantic_words, ours in _PYDANTIC_WORDING:
        text = text.replace(pydantic_words, ours)
    return text


def _reason(item: ErrorDetails) -> str:
    kind, loc, ctx = item["type"], item["loc"], item.get("ctx") or {}
    model, unit = _model_at(loc)
    got = f"(got {_show(item['input'])})"
    if kind in _BOUNDS:
        symbol, key = _BOUNDS[kind]
        return f"must be {symbol} {_show(ctx[key])}{unit} {got}"
    if kind == "extra_forbidden":
        parent, _ = _model_at(loc[:-1])
        key = str(loc[-1])
        return f"unknown key '{key}'" + (_suggest(key, parent, (), ()) if parent else "")
    if kind == "missing":
        return "is required but missing"
    if kind in _MAPPING_TYPES:
        names = list(model.model_fields) if model else []
        listed = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        return f"must be a mapping of keys{' such as ' + listed if listed else ''} {got}"
    if kind == "literal_error":
        return f"must be {ctx['expected']} {got}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long"
    if kind == "value_error":  # a field's own validator: its sentence says what is wrong
        return str(item["msg"]).removeprefix("Value error, ")
    if kind == "too_short":
        return f"must list at least {ctx['min_length']} item(s) (got {ctx['actual_length']})"
    if kind == "too_long":
        return f"must list at most {ctx['max_length']} items (got {ctx['actual_length']})"
    if kind == "string_pattern_mismatch":
        return f"{_PATTERNS.get(str(ctx['pattern']), 'must match ' + str(ctx['pattern']))} {got}"
    return f"{_PHRASES.get(kind) or _plain_wording(item['msg'])} {got}"


def _model_at(loc: Sequence[int | str]) -> tuple[type[BaseModel] | None, str]:
    """The model class reached by walking ``loc`` from ``Scenario``, and the nearest unit on the way (" min")."""
    model: type[BaseModel] | None = Scenario
    unit = ""
    for part in loc:
        if isinstance(part, int):  # a list index: the item has the list's model and unit
            continue
        info = model.model_fields.get(part) if model is not None else None
        if info is None:
            return None, unit
        unit = _unit(info) or unit
        model = section_model(info.annotation, through_lists=True)
    return model, unit


def _unit(info: FieldInfo) -> str:
    extra = info.json_schema_extra
    unit = extra.get("unit") if isinstance(extra, dict) else None
    return f" {unit}" if isinstance(unit, str) and unit != "-" else ""


def _locate(field: str, where: Mapping[str, Location], fallback: Location) -> Location:
    """Where ``field`` was set, else where its nearest parent was (a missing key is reported at its section)."""
    path = field
    while path not in where:
        if not path:
            return fallback
        path = path.rpartition(".")[0]
    return where[path]


def _show(value: Any) -> str:
    """A value as a YAML writer would recognise it, kept short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 1.0 reads as "1", the way the user most likely wrote it
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
