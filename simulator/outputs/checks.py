"""Reading a results folder only when it can be trusted: every file the report reads is checked first.

A report drawn from a garbage row, a file cut short or a manifest that belongs to another run would look as
convincing as a true one. So each table is read against its catalogue entry (``simulator.outputs.catalog``):
the header has exactly the expected columns, every line has every field, every value has the column's type and
lies in its possible range; the manifest is well-formed (``simulator.outputs.manifests``), lists files that
exist, and each data file still has the SHA-256 the run recorded. The first problem found stops the report with a
``ResultsError`` that names the file, the line and the column, like a compiler (``FILE:LINE: COLUMN: REASON``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from simulator.inputs.errors import Problem, ScenarioError
from simulator.outputs.catalog import Column
from simulator.outputs.files import sha256_file

__all__ = ["ResultsError", "read_manifest", "read_table", "results_error", "verify_checksums"]

_M = TypeVar("_M", bound=BaseModel)


class ResultsError(ScenarioError):
    """A results folder that cannot be trusted: a file missing, malformed, out of range or changed since the run."""


def results_error(file: str, line: int | None, field: str, reason: str) -> ResultsError:
    return ResultsError([Problem(file, line, field, reason)])


def _fail(path: Path, line: int | None, field: str, reason: str) -> ResultsError:
    return results_error(str(path), line, field, reason)


def _text(path: Path) -> str:
    if not path.is_file():
        raise _fail(path, None, "", "missing: the folder is incomplete (the run wrote it, something removed it)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise _fail(path, None, "", f"is not UTF-8 text (byte {error.start})") from None


def read_table(path: Path, columns: Sequence[Column]) -> pd.DataFrame:
    """The CSV at ``path`` as a frame with the catalogue's types, or a ``ResultsError`` at its first fault."""
    text = _text(path)
    if not text.strip():
        raise _fail(path, None, "", "is empty")
    if not text.endswith("\n"):
        raise _fail(path, text.count("\n") + 1, "", "ends in the middle of a line: the file is truncated")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    _check_header(path, header, [c.name for c in columns])
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise _fail(path, number, "", f"has {len(row)} fields where the header has {len(header)}"
                        + (" (the row is cut short)" if len(row) < len(header) else ""))
    raw = pd.DataFrame(rows[1:], columns=header, dtype=object)
    return pd.DataFrame({c.name: _convert(path, raw[c.name], c) for c in columns})


def _check_header(path: Path, header: list[str], expected: list[str]) -> None:
    missing = [name for name in expected if name not in header]
    if missing:
        raise _fail(path, 1, missing[0], "no such column: the file is not what the run writes")
    extra = [name for name in header if name not in expected]
    if extra or len(header) != len(set(header)):
        name = extra[0] if extra else next(n for n in header if header.count(n) > 1)
        raise _fail(path, 1, name, "unexpected column" if extra else "column appears twice")


def _convert(path: Path, texts: pd.Series, column: Column) -> pd.Series:
    """A column of strings as its type, with the first bad value (and its line) named."""
    if column.dtype == "text":
        bad = ~texts.isin(column.choices) if column.choices else pd.Series(False, index=texts.index)
        _first_bad(path, texts, bad, column, f"is not one of {', '.join(map(repr, column.choices))}")
        return texts.astype(str)
    if column.dtype == "bool":
        _first_bad(path, texts, ~texts.isin(["True", "False"]), column, "is not True or False")
        return texts == "True"
    values = pd.to_numeric(texts.where(texts != "", np.nan), errors="coerce")
    empty = texts == ""
    _first_bad(path, texts, values.isna() & ~empty, column, "is not a number")
    _first_bad(path, texts, empty & (not column.missing), column, "is empty (a value is required)")
    number = values.to_numpy(dtype=float)
    _first_bad(path, texts, pd.Series(np.isinf(number), index=texts.index), column, "is not finite")
    out_of_range = ~empty & ((number < column.low) | (number > column.high))
    _first_bad(path, texts, out_of_range, column, f"is outside the possible range {_range(column)}")
    if column.dtype == "int":
        _first_bad(path, texts, ~empty & (number != np.floor(number)), column, "is not a whole number")
        return values.astype("int64")
    return values.astype("float64")


def _first_bad(path: Path, texts: pd.Series, bad: pd.Series | bool, column: Column, reason: str) -> None:
    if isinstance(bad, bool) or not bad.any():
        return
    row = int(np.flatnonzero(bad.to_numpy())[0])
    shown = str(texts.iloc[row])
    raise _fail(path, row + 2, column.name, f"{shown[:40]!r} {reason}")


def _range(column: Column) -> str:
    low = "-inf" if math.isinf(column.low) else f"{column.low:g}"
    high = "inf" if math.isinf(column.high) else f"{column.high:g}"
    return f"{low} to {high} ({column.unit})"


def read_manifest(path: Path, model: type[_M]) -> _M:
    """``manifest.json`` (or ``sweep.json``) as ``model``, or a ``ResultsError`` naming the line at fault."""
    text = _text(path)
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(path, error.lineno, "", f"is not valid JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(loaded, dict):
        raise _fail(path, 1, "", "is not a JSON object")
    try:
        return model.model_validate(loaded)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"])
        raise _fail(path, _line_of(text, str(first["loc"][0])), field, first["msg"]) from None


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf'^\s*"{re.escape(key)}"\s*:', text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def verify_checksums(folder: Path, files: Sequence[str], checksums: dict[str, str]) -> None:
    """Every listed file exists, and each one with a recorded SHA-256 still has it."""
    manifest = folder / "manifest.json"
    for name in files:
        path = folder / name
        if not path.is_file():
            raise _fail(manifest, _line_of_name(manifest, name), "files", f"lists {name}, which is missing")
        expected = checksums.get(name)
        if expected is not None and sha256_file(path) != expected:
            raise _fail(path, None, "", "differs from the file the run wrote (its SHA-256 is not the one in "
                                        "manifest.json): it was changed or cut short afterwards")
    unlisted = sorted(set(checksums) - set(files))
    if unlisted:
        raise _fail(manifest, None, "checksums", f"has a checksum for {unlisted[0]}, which files does not list")


def _line_of_name(manifest: Path, name: str) -> int | None:
    text = manifest.read_text(encoding="utf-8")
    index = text.find(json.dumps(name))
    return text.count("\n", 0, index) + 1 if index >= 0 else None
