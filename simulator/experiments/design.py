"""Experimental designs: which parameter values a sweep runs, as a table with one row per point.

Pure functions of the factors (and a seed for the sampled designs), so the same sweep file always yields the
same points; nothing here runs the model. The sampled designs come from SALib, so the analysis functions in
``simulator.experiments.sensitivity`` can read them back in the order SALib expects.

- ``grid``: every combination of every factor's values (a full factorial).
- ``one_at_a_time``: the base point, then each factor moved to each of its values with the others at base
  (the design behind a tornado chart); column ``varied`` names the factor moved (``"base"`` for the base point).
- ``latin_hypercube``: ``samples`` points, each factor's range cut into ``samples`` equal strata with exactly
  one point in each.
- ``morris``: ``trajectories`` Morris trajectories on a ``levels``-level grid (elementary effects).
- ``sobol``: Saltelli's extension of a Sobol sequence, ``samples * (factors + 2)`` points (first and total order).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["BASE_POINT", "DESIGNS", "DesignKind", "Factor", "build_design", "grid", "latin_hypercube", "morris",
           "one_at_a_time", "salib_problem", "sobol"]

DesignKind = Literal["grid", "oat", "lhs", "morris", "sobol"]
DESIGNS: tuple[str, ...] = ("grid", "oat", "lhs", "morris", "sobol")
BASE_POINT = "base"  # the ``varied`` label of a one-at-a-time design's base point (no parameter path is "base")


@dataclass(frozen=True)
class Factor:
    """A parameter a sweep varies: its dotted path, its levels (grid, oat) and its range (sampled designs)."""

    path: str
    values: tuple[float, ...]
    low: float
    high: float
    integer: bool = False  # an int field (clinicians, caseload cap): sampled values are rounded


def salib_problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """SALib's description of the input space."""
    return {"num_vars": len(factors), "names": [f.path for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def grid(factors: Sequence[Factor]) -> pd.DataFrame:
    rows = list(itertools.product(*(f.values for f in factors)))
    return _table(np.array(rows, dtype=float).reshape(len(rows), len(factors)), factors)


def one_at_a_time(factors: Sequence[Factor], base: Mapping[str, float]) -> pd.DataFrame:
    """The base point first, then one row per (factor, value) that differs from the base value."""
    centre = [float(base[f.path]) for f in factors]
    rows, varied = [centre], [BASE_POINT]
    for index, factor in enumerate(factors):
        for value in factor.values:
            if value == centre[index]:
                continue  # the base point already covers it
            row = list(centre)
            row[index] = value
            rows.append(row)
            varied.append(factor.path)
    frame = _table(np.array(rows, dtype=float), factors)
    frame.insert(1, "varied", varied)
    return frame


# SALib is imported inside the samplers: it pulls in scipy.stats, two seconds that every CLI command would pay.


def latin_hypercube(factors: Sequence[Factor], samples: int, seed: int) -> pd.DataFrame:
    from SALib.sample import latin as salib_latin

    x = salib_latin.sample(salib_problem(factors), samples, seed=_seed32(seed))
    return _table(np.asarray(x, dtype=float), factors)


def morris(factors: Sequence[Factor], trajectories: int, levels: int, seed: int) -> pd.DataFrame:
    from SALib.sample import morris as salib_morris

    x = salib_morris.sample(salib_problem(factors), trajectories, num_levels=levels, seed=_seed32(seed))
    return _table(np.asarray(x, dtype=float), factors)


def sobol(factors: Sequence[Factor], samples: int, seed: int) -> pd.DataFrame:
    from SALib.sample import sobol as salib_sobol

    x = salib_sobol.sample(salib_problem(factors), samples, calc_second_order=False, seed=_seed32(seed))
    return _table(np.asarray(x, dtype=float), factors)


def build_design(kind: DesignKind, factors: Sequence[Factor], *, base: Mapping[str, float], samples: int | None,
                 levels: int, seed: int) -> pd.DataFrame:
    """The design table for a sweep: ``point`` (0, 1, ...), [``varied``,] then one column per factor."""
    if kind == "grid":
        return grid(factors)
    if kind == "oat":
        return one_at_a_time(factors, base)
    if samples is None:
        raise ValueError(f"the {kind} design needs 'samples'")
    if kind == "lhs":
        return latin_hypercube(factors, samples, seed)
    if kind == "morris":
        return morris(factors, samples, levels, seed)
    return sobol(factors, samples, seed)


def _seed32(seed: int) -> int:
    # SALib hands the seed to numpy's legacy RandomState in places, which takes 32 bits; fold the scenario's
    # 63-bit seed instead of failing on it.
    return seed % 2**32


def _table(x: np.ndarray, factors: Sequence[Factor]) -> pd.DataFrame:
    frame = pd.DataFrame({"point": np.arange(len(x), dtype=np.int64)})
    for index, factor in enumerate(factors):
        column = x[:, index] if len(x) else np.array([], dtype=float)
        frame[factor.path] = np.round(column) if factor.integer else column
    return frame
