"""The manifests: what ``manifest.json`` holds for a run, a comparison and a sweep, field by field.

A manifest is written last, so its presence means a complete set of files; it names them, with the SHA-256 of each
data file, so that a reader can tell a file changed or cut short after the run from the one the run wrote. These
models are the single description of the fields: ``docs/outputs.md`` is generated from them and the report refuses a
manifest that does not match them (``simulator.outputs.checks``). ``created_utc``, ``wall_seconds`` and ``command``
are the only fields that differ between two identical runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CompareManifest", "RunManifest", "Side", "SweepManifest"]

_SHA256 = r"^[0-9a-f]{64}$"


class _Manifest(BaseModel):
    # strict: a JSON string where a number belongs is a fault, not something to coerce; no unknown keys either.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    version: str = Field(description="version of paperwork-sim that wrote the files")
    command: str | None = Field(description="the command line that produced the files (by design, differs by path)")
    files: list[str] = Field(description="every file written, relative to the folder; the manifest comes last")
    checksums: dict[str, str] = Field(default_factory=dict, description="SHA-256 (hex) of each data file (not "
                                      "of a manifest) by its name in files; empty in folders written before "
                                      "manifests kept them")


class _Timed(_Manifest):
    python: str = Field(description="Python version that ran the model")
    created_utc: str = Field(description="when the files were written, ISO 8601 in UTC (a time, by design)")


class RunManifest(_Timed):
    """``manifest.json`` of ``run`` and ``warmup`` (and of each side of ``compare``)."""

    scenario: str = Field(description="the scenario's name")
    scenario_sha256: str = Field(pattern=_SHA256, description="SHA-256 of scenario.yaml: equal hashes, same "
                                 "parameters, seed and replications")
    seed: int = Field(ge=0, description="root random seed")
    replications: int = Field(ge=1, description="replications run (rows of summary.csv)")
    wall_seconds: float = Field(ge=0, description="seconds the replications took (a time, by design)")
    sim_events: int = Field(ge=0, description="SimPy events processed over all replications")


class Side(BaseModel):
    """One scenario of a comparison."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    scenario: str = Field(description="the scenario's name")
    scenario_sha256: str = Field(pattern=_SHA256, description="SHA-256 of its scenario.yaml")


class CompareManifest(_Timed):
    """``manifest.json`` at the top of a ``compare`` folder (each side's folder has its own ``RunManifest``)."""

    base: Side = Field(description="the base scenario (folder base/)")
    other: Side = Field(description="the scenario compared with it (folder other/)")
    seed: int = Field(ge=0, description="root random seed, shared by both sides")
    replications: int = Field(ge=1, description="paired replications")


class SweepManifest(_Manifest):
    """``manifest.json`` of a finished ``sweep`` (``sweep.json`` holds the same identity from the start)."""

    sweep: str = Field(description="the sweep's name")
    fingerprint: str = Field(pattern=_SHA256, description="SHA-256 of design, base scenario, seed and replications")
    design: str = Field(description="grid, oat, lhs, morris or sobol")
    parameters: list[str] = Field(min_length=1, description="the swept parameters' dotted paths")
    points: int = Field(ge=1, description="design points")
    replications: int = Field(ge=1, description="replications per point")
    seed: int = Field(ge=0, description="root random seed, shared by every point")
    samples: int | None = Field(description="lhs points, morris trajectories or sobol base samples")
    levels: int = Field(description="morris grid levels")
    problem: dict[str, Any] = Field(description="the SALib problem: names and bounds of the parameters")
    description: str = Field(description="the sweep file's description")
    rows: int = Field(ge=1, description="rows of results.parquet (points x replications)")
