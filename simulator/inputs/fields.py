"""The building blocks of scenario parameters: a field that carries its unit and source, the frozen base of every
section, and the distributions a parameter may be given as.

Every field declares its unit, its allowed range and its source, tagged as in ``shared/calibration.md``:
[V] verified, [S] secondary, [G] grey literature, [U] unverified / modelling assumption.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from simulator.inputs.frozen import Frozen

__all__ = ["Distribution", "EEDistribution", "Section", "dist", "param"]


def param(default: Any, *, unit: str, source: str, description: str, ge: float | None = None,
          le: float | None = None, gt: float | None = None) -> Any:
    """A scenario field that carries its unit and source into the JSON Schema."""
    return Field(default, description=description, ge=ge, le=le, gt=gt,
                 json_schema_extra={"unit": unit, "source": source})


class Section(Frozen):
    """A section of the scenario (frozen, no unknown keys, defaults validated; Frozen refuses true/false where a
    number belongs)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Distribution(Section):
    """A positive quantity given by its mean and standard deviation.

    Sampled as a lognormal with these moments (sd 0 means a constant), so draws are never negative and the
    mean stays what the file says.
    """

    mean: float = Field(ge=0, le=1e6, description="mean, in the unit of the field")
    sd: float = Field(0.0, ge=0, le=1e6, description="standard deviation, in the unit of the field")


class EEDistribution(Section):
    """Emotional exhaustion of a new hire: normal with this mean and sd, clipped to the MBI-EE range 0-54."""

    mean: float = Field(ge=0, le=54, description="mean MBI-EE score (0-54)")
    sd: float = Field(0.0, ge=0, le=54, description="standard deviation of the MBI-EE score")


def dist(mean: float, sd: float, *, unit: str, source: str, description: str) -> Any:
    return Field(default_factory=lambda: Distribution(mean=mean, sd=sd), description=description,
                 json_schema_extra={"unit": unit, "source": source})
