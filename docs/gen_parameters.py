"""Print the scenario parameter table as Markdown, or rewrite it in place in ``docs/model.md``.

Every row comes from ``simulator.inputs.scenario.parameter_table()``: the dotted path, the default, and the unit, range
and source declared on the field. Nothing here is typed by hand, so the table cannot drift from the schema.

Usage (from the repository root)::

    python docs/gen_parameters.py                        # print the table
    python docs/gen_parameters.py --write docs/model.md  # replace the block between the markers
    python docs/gen_parameters.py --check docs/model.md  # exit 1 if that block is out of date
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # works from a checkout without `pip install -e .`

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from simulator.inputs.scenario import Scenario, parameter_table

__all__ = ["END", "START", "main", "markdown_table", "replace_block"]

START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"
HEADER = ("path", "default", "unit", "range", "source", "description")


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The parameter rows as a Markdown table (one line per parameter, no trailing newline)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        path = str(row["path"])
        default = "required" if row.get("required") else _value(row["default"])
        cells = (f"`{path}`", default, _text(row["unit"]), _range(path, row),
                 _text(row["source"]), _text(row["description"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _text(value: object) -> str:
    """A table cell: missing values as a dash, pipes escaped."""
    text = "-" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _value(value: object) -> str:
    """A default as it would be written in a scenario file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return f'"{value}"' if value == "" else _text(value)


def _interval(low: float | None, low_open: bool, high: float | None) -> str:
    left = "-∞" if low is None else _number(low)
    right = "∞" if high is None else _number(high)
    return f"{'(' if low_open or low is None else '['}{left}, {right}{')' if high is None else ']'}"


def _bounds(info: FieldInfo) -> tuple[float | None, bool, float | None]:
    """(lower bound, whether it is strict, upper bound) from the field's constraints."""
    found = {type(m).__name__: getattr(m, type(m).__name__.lower(), None) for m in info.metadata}
    strict = found.get("Gt") is not None
    return (found.get("Gt") if strict else found.get("Ge")), strict, found.get("Le")


def _field(path: str) -> FieldInfo:
    """The pydantic field behind a dotted path of the scenario."""
    model: type[BaseModel] = Scenario
    *parents, last = path.split(".")
    for key in parents:
        annotation = model.model_fields[key.removesuffix("[]")].annotation
        if key.endswith("[]"):  # a list of sections (``demand.client_mix[]``): the section of one item
            annotation = _item_model(annotation)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            raise KeyError(path)
        model = annotation
    return model.model_fields[last]


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The section a list field holds (``tuple[ClientKind, ...] | None`` -> ``ClientKind``), else None."""
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is tuple:
            item = typing.get_args(arg)[0]
            return item if isinstance(item, type) and issubclass(item, BaseModel) else None
    return None


def _range(path: str, row: Mapping[str, Any]) -> str:
    """Allowed values: an interval for numbers, the members of a choice, or the bounds of a mean/sd pair."""
    info = _field(path)
    annotation = info.annotation
    args = typing.get_args(annotation)
    nullable = " or null" if type(None) in args else ""
    if row["ge"] is not None or row["gt"] is not None or row["le"] is not None:
        low_open = row["gt"] is not None
        return _interval(row["gt"] if low_open else row["ge"], low_open, row["le"]) + nullable
    if typing.get_origin(annotation) is typing.Literal:
        return " or ".join(f"`{choice}`" for choice in args)
    if annotation is bool:
        return "true or false"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        parts = [f"{name} {_interval(*_bounds(sub))}" for name, sub in annotation.model_fields.items()]
        return ", ".join(parts)
    if isinstance(annotation, types.UnionType) and any(typing.get_origin(a) is tuple for a in args):
        item = _item_model(annotation)
        if item is not None:  # a list of sections: their fields are rows of their own (``path[].field``)
            low = next((m.min_length for m in info.metadata if hasattr(m, "min_length")), 0)
            high = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), "∞")
            return f"list of {low}-{high} {item.__name__}" + nullable
        return "list of numbers" + nullable
    return "-"


def replace_block(document: str, table: str) -> str:
    """``document`` with everything between the start and end markers replaced by ``table``."""
    start, end = document.find(START), document.find(END)
    if start < 0 or end < start:
        raise ValueError(f"markers {START} ... {END} not found in order")
    return document[: start + len(START)] + "\n" + table + "\n" + document[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--write", type=Path, metavar="FILE", help="rewrite the marked block of FILE in place")
    target.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if the marked block of FILE is stale")
    args = parser.parse_args(argv)
    table = markdown_table(parameter_table())
    path: Path | None = args.write or args.check
    if path is None:
        print(table)
        return 0
    try:
        current = path.read_text(encoding="utf-8")
        updated = replace_block(current, table)
    except (OSError, ValueError) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = updated != current
        if stale:
            print(f"{path}: parameter table is out of date; run python docs/gen_parameters.py --write {path}",
                  file=sys.stderr)
        return int(stale)
    if updated != current:
        path.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
