"""Sweeps: many points of a design, each run for the same replications, into one tidy table.

Every point runs replications 0..n-1 with the sweep's seed, so replication k of every point sees the same
referrals, no-shows and resignation dice (common random numbers): differences between points are differences
between parameter values, not between luck. Each (point, replication) is a pure function of its arguments, so the
table does not depend on the executor or the number of workers.

``run_sweep`` with an output directory is resumable: each finished point is written as one Parquet part
(atomically), a rerun skips the points whose parts exist, and the directory remembers which sweep it holds
(``sweep.json``), so a different sweep is refused rather than mixed in. The combined ``results.parquet`` /
``results.csv`` and ``manifest.json`` (last) are written once every point is done.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from simulator.experiments.design import DesignKind, Factor, build_design, salib_problem
from simulator.experiments.executors import imap_unordered, open_executor
from simulator.experiments.experiment import run_replication
from simulator.inputs.diagnostics import path_problem
from simulator.inputs.errors import Problem, ScenarioError, plain_wording
from simulator.inputs.levers import EVIDENCE_RANGES, TORNADO_LEVERS
from simulator.inputs.loader import dump_scenario
from simulator.inputs.scenario import Scenario
from simulator.outputs.files import (
    MANIFEST,
    atomic_write_frame,
    atomic_write_parquet,
    atomic_write_text,
    checksums,
    package_version,
)
from simulator.outputs.metrics import METRICS

__all__ = ["PARTS", "SWEEP_STATE", "Progress", "Sweep", "factor", "one_way", "run_sweep", "sweep_table", "value_at"]

SWEEP_STATE = "sweep.json"
PARTS = "parts"
Progress = Callable[[int, int], None]
PointDone = Callable[[int], None]
Analyses = Callable[[pd.DataFrame], Mapping[str, pd.DataFrame]]


@dataclass(frozen=True, eq=False)
class Sweep:
    """A resolved sweep: the base scenario, the factors and the design table, ready to run."""

    name: str
    base: Scenario
    kind: DesignKind
    factors: tuple[Factor, ...]
    replications: int
    seed: int
    samples: int | None = None
    levels: int = 4
    description: str = ""
    warnings: tuple[Problem, ...] = ()  # the base scenario's values far outside their evidence range
    files: tuple[Path, ...] = ()  # the files it was read from (sweep file, base and what it extends)
    design: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        base_values = {f.path: value_at(self.base, f.path) for f in self.factors}
        table = build_design(self.kind, self.factors, base=base_values, samples=self.samples, levels=self.levels,
                             seed=self.seed)
        object.__setattr__(self, "design", table)  # derived once; the dataclass stays frozen

    @property
    def parameters(self) -> list[str]:
        return [f.path for f in self.factors]

    def changes_at(self, point: int) -> dict[str, float | int]:
        row = self.design.iloc[point]
        return {f.path: int(row[f.path]) if f.integer else float(row[f.path]) for f in self.factors}

    def scenario_at(self, point: int) -> Scenario:
        return self.base.with_changes(self.changes_at(point))

    def problem(self) -> dict[str, Any]:
        return salib_problem(self.factors)

    def fingerprint(self) -> str:
        """Identity of what the sweep computes: design, replications, seed and the resolved base scenario."""
        identity = {"kind": self.kind, "design": self.design.to_dict("list"), "replications": self.replications,
                    "seed": self.seed, "base": dump_scenario(self.base)}
        return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def value_at(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for key in path.split("."):
        node = getattr(node, key)
    return node


def factor(base: Scenario, path: str, *, values: Sequence[float] | None = None, low: float | None = None,
           high: float | None = None, levels: int = 2) -> Factor:
    """A checked factor: a known numeric parameter, its levels, and a range (from the evidence when not given).

    Raises ``ValueError`` with a reason a modeler can act on (unknown path with a did-you-mean, no evidence
    range, a value the scenario rejects).
    """
    reason = path_problem(path)
    if reason is not None:
        raise ValueError(reason)
    current = value_at(base, path)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise ValueError(f"'{path}' is not a number, so it cannot be swept (it is {type(current).__name__})")
    integer = isinstance(current, int)
    if integer:
        _check_whole(path, [v for v in (*(values or ()), low, high) if v is not None])
    if values is not None:
        levels_ = tuple(float(v) for v in values)
        low, high = min(levels_), max(levels_)
    else:
        low, high = _range(path, low, high)
        levels_ = tuple(float(v) for v in np.linspace(low, high, levels))
    if integer:
        levels_ = tuple(dict.fromkeys(float(round(v)) for v in levels_))
    made = Factor(path, levels_, float(low), float(high), integer)
    for value in (made.low, made.high, *levels_):
        _check_value(base, path, round(value) if integer else value)
    return made


def _check_whole(path: str, given: Sequence[float]) -> None:
    """Values a user wrote for a whole-number parameter must be whole, as a scenario file demands; only the levels
    and samples a design generates between them are rounded."""
    for value in given:
        if float(value) != round(value):
            raise ValueError(f"'{path}' takes whole numbers, so {value:g} cannot be used (a scenario file refuses it "
                             "too); give whole numbers")


def _range(path: str, low: float | None, high: float | None) -> tuple[float, float]:
    evidence = EVIDENCE_RANGES.get(path)
    if low is None or high is None:
        if evidence is None:
            raise ValueError(f"no evidence range is known for '{path}'; give 'low' and 'high' (or 'values')")
        low = evidence.low if low is None else low
        high = evidence.high if high is None else high
    if not low < high:
        raise ValueError(f"'low' ({low:g}) must be less than 'high' ({high:g})")
    return low, high


def _check_value(base: Scenario, path: str, value: float) -> None:
    try:
        base.with_changes({path: value})
    except ValidationError as error:
        reasons = "; ".join(plain_wording(e["msg"]) for e in error.errors(include_url=False))
        raise ValueError(f"{value:g} is out of range: {reasons}") from None


def one_way(scenario: Scenario, levers: Sequence[str] | Mapping[str, tuple[float, float]] = TORNADO_LEVERS, *,
            replications: int = 3, seed: int | None = None, jobs: int = 1, progress: Progress | None = None,
            executor: Executor | None = None) -> pd.DataFrame:
    """A one-at-a-time sweep of ``levers`` between their low and high values, in memory; the tidy table.

    ``levers`` is a list of dotted paths (ranges from ``simulator.inputs.levers.EVIDENCE_RANGES``) or a mapping of
    path to (low, high). Pass the result to ``simulator.experiments.sensitivity.tornado_table``.
    """
    ranges = levers if isinstance(levers, Mapping) else dict.fromkeys(levers, (None, None))
    factors = tuple(factor(scenario, path, low=low, high=high) for path, (low, high) in ranges.items())
    sweep = Sweep(scenario.name, scenario, "oat", factors, replications,
                  scenario.seed if seed is None else seed)
    return run_sweep(sweep, executor=executor, jobs=jobs, progress=progress)


def run_sweep(sweep: Sweep, out_dir: Path | None = None, *, executor: Executor | None = None, jobs: int = 1,
              progress: Progress | None = None, on_point: PointDone | None = None,
              analyses: Analyses | None = None, command: str | None = None, force: bool = False) -> pd.DataFrame:
    """Run every point of ``sweep`` not yet finished in ``out_dir``; return the tidy table of all points.

    A new sweep needs an empty or new ``out_dir``; ``force`` writes it beside other files.

    ``on_point(point)`` is called after each point's results are safely written (tests use it to interrupt).
    ``analyses(table)`` returns tables written beside the results as ``NAME.csv`` (before the manifest).
    """
    finished = _open_directory(sweep, out_dir, force) if out_dir is not None else {}
    todo = [p for p in range(len(sweep.design)) if p not in finished]
    calls = [(sweep.scenario_at(p), p, k, sweep.seed) for p in todo for k in range(sweep.replications)]
    total, done = len(sweep.design) * sweep.replications, len(finished) * sweep.replications
    if progress:
        progress(done, total)
    rows: dict[int, list[dict[str, float]]] = {p: [] for p in todo}
    with contextlib.ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(open_executor("local", jobs=jobs))
        results = stack.enter_context(contextlib.closing(imap_unordered(_point_replication, calls, executor)))
        for _, row in results:
            point = int(row["point"])
            rows[point].append(row)
            done += 1
            if len(rows[point]) == sweep.replications:
                finished[point] = _finish_point(sweep, point, rows.pop(point), out_dir)
                if on_point:
                    on_point(point)
            if progress:
                progress(done, total)
    table = _tidy(sweep, finished)
    if out_dir is not None:
        _write_final(sweep, table, out_dir, analyses(table) if analyses else {}, command)
    return table


def sweep_table(sweep: Sweep, rows: Sequence[Mapping[str, float]]) -> pd.DataFrame:
    """The tidy table of ``sweep`` from per-replication rows (``point``, ``replication`` and the summary metrics),
    for callers that run the replications themselves (the app runs them on its shared worker pool)."""
    frame = pd.DataFrame(list(rows))
    finished = {int(group["point"].iloc[0]): _point_frame(group) for _, group in frame.groupby("point")}
    return _tidy(sweep, finished)


def _point_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """A point's rows by replication, with the metrics in the documented order of ``METRICS`` (docs/outputs.md)."""
    frame = rows.sort_values("replication", ignore_index=True)
    first = ["point", "replication", *(m.name for m in METRICS if m.name in frame)]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return frame.astype({"point": "int64", "replication": "int64"})


def _point_replication(scenario: Scenario, point: int, replication: int, seed: int) -> dict[str, float]:
    summary = run_replication(scenario, replication, seed=seed).summary
    return {"point": point, "replication": replication, **summary}


def _finish_point(sweep: Sweep, point: int, rows: list[dict[str, float]], out_dir: Path | None) -> pd.DataFrame:
    frame = _point_frame(pd.DataFrame(rows))
    if out_dir is not None:
        atomic_write_parquet(_part(out_dir, point), frame)
    return frame


def _part(out_dir: Path, point: int) -> Path:
    return out_dir / PARTS / f"point-{point:06d}.parquet"


def _tidy(sweep: Sweep, finished: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """One row per point x replication: point, replication, [varied,] parameters, then the metrics in order."""
    results = pd.concat([finished[p] for p in sorted(finished)], ignore_index=True)
    table = sweep.design.merge(results, on="point", how="right")
    first = ["point", "replication", *(["varied"] if "varied" in table else []), *sweep.parameters]
    metrics = [m.name for m in METRICS if m.name in table]
    return table[first + metrics + [c for c in table.columns if c not in first and c not in metrics]]


# --- the output directory ------------------------------------------------------------------------------------


def _state(sweep: Sweep) -> dict[str, Any]:
    return {"sweep": sweep.name, "fingerprint": sweep.fingerprint(), "design": sweep.kind,
            "parameters": sweep.parameters, "points": len(sweep.design), "replications": sweep.replications,
            "seed": sweep.seed, "samples": sweep.samples, "levels": sweep.levels, "problem": sweep.problem(),
            "description": sweep.description, "version": package_version()}


def _open_directory(sweep: Sweep, out_dir: Path, force: bool = False) -> dict[int, pd.DataFrame]:
    """Claim ``out_dir`` for this sweep (or find it already claimed) and read the points finished there."""
    state_file = out_dir / SWEEP_STATE
    if state_file.exists():
        held = json.loads(state_file.read_text(encoding="utf-8"))
        if held.get("fingerprint") != sweep.fingerprint():
            raise ScenarioError.single(str(out_dir), None, "--out", f"holds the results of a different sweep "
                                       f"('{held.get('sweep')}', another design, base, seed or replications); "
                                       "choose another --out, or delete the directory to start again")
    elif out_dir.exists() and not force and any(not p.name.startswith(".") for p in out_dir.iterdir()):
        # hidden entries do not count: the command line's lock file, an editor's or the desktop's files
        raise ScenarioError.single(str(out_dir), None, "--out", "is not empty and holds no sweep; choose an empty "
                                   "or new directory")
    (out_dir / PARTS).mkdir(parents=True, exist_ok=True)
    if not state_file.exists():
        atomic_write_frame(out_dir / "design.csv", sweep.design)
        atomic_write_text(out_dir / "base.yaml", dump_scenario(sweep.base))
        atomic_write_text(state_file, json.dumps(_state(sweep), indent=2) + "\n")
    (out_dir / MANIFEST).unlink(missing_ok=True)  # the sweep is incomplete again until it finishes
    finished = {}
    for point in range(len(sweep.design)):
        part = _part(out_dir, point)
        if part.exists():
            finished[point] = pd.read_parquet(part)
    return finished


def _write_final(sweep: Sweep, table: pd.DataFrame, out_dir: Path, extra: Mapping[str, pd.DataFrame],
                 command: str | None) -> None:
    files = [atomic_write_parquet(out_dir / "results.parquet", table),
             atomic_write_frame(out_dir / "results.csv", table),
             *(atomic_write_frame(out_dir / f"{name}.csv", frame) for name, frame in extra.items())]
    listed = [out_dir / name for name in (SWEEP_STATE, "design.csv", "base.yaml")] + files
    manifest = {**_state(sweep), "rows": len(table), "command": command, "files": [p.name for p in listed],
                "checksums": checksums(out_dir, listed)}
    atomic_write_text(out_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")
