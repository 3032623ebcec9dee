"""Named random streams: one generator per activity, all spawned from one seed.

A stream is keyed by its *name*, not by its position in a list, so adding an activity never shifts the draws of
another. Replication ``k`` of every scenario uses the same streams, which is what makes scenario comparisons use
common random numbers: two scenarios that differ only in note minutes see the same referrals, the same
no-shows and the same resignation dice for as long as their histories allow.

Draws are served from blocks of numpy variates because one numpy scalar call per event would dominate run time.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import Final

import numpy as np

__all__ = ["STREAM_NAMES", "Stream", "Streams", "geometric_log_q", "lognormal_params"]

#: Every stream the model may draw from. A name, not a position, keys each stream, so the order does not matter, but
#: a name is never reused for another purpose: renaming a stream changes its draws. Each mechanism that draws has a
#: stream of its own (each kind of paperwork task too, ``paperwork.TASKS``; a kind whose minutes are a constant
#: draws nothing from its stream), so adding a mechanism or a task kind leaves the draws of every other one
#: unchanged. ("initial" serves the starting state: the staff's starting EE and their clients' review dates.)
#: The list is the registry that catches a misspelt name.
STREAM_NAMES: tuple[str, ...] = (
    "referrals", "patience", "episodes", "attendance", "dropout", "turnover", "hiring", "climate",
    "audits", "vacation", "transfer", "initial", "susceptibility",
    "note_minutes", "no_show_note_minutes", "intake_assessment_minutes", "treatment_plan_minutes",
    "plan_review_minutes", "discharge_summary_minutes", "intake_admin_minutes", "daily_admin_minutes",
    "compliance_minutes", "remediation_minutes", "writing_speed", "tenure", "circumstances", "referral_patience",
    "referral_kind", "initial_kind",
)

_BLOCK: Final = 2048


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


@functools.lru_cache(maxsize=256)
def lognormal_params(mean: float, sd: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal with this mean and sd (cached: the same few pairs recur all run)."""
    sigma2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


def geometric_log_q(mean: float) -> float:
    """``log1p(-1 / mean)``, the divisor of a geometric draw with this mean; 0 for a mean of 1 or less (always 1)."""
    return math.log1p(-1.0 / mean) if mean > 1.0 else 0.0


class Stream:
    """One activity's generator, with block-buffered uniforms, normals and exponentials.

    Each buffer holds a block reversed, so ``list.pop()`` (one C call) hands out the draws in the generator's
    order; a run makes about a million draws, and this is the cheapest way to serve them from Python.
    """

    __slots__ = ("_exp", "_norm", "_uni", "rng")

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._uni: list[float] = []
        self._norm: list[float] = []
        self._exp: list[float] = []

    def random(self) -> float:
        """A uniform draw on [0, 1)."""
        try:
            return self._uni.pop()
        except IndexError:
            self._uni = _reversed(self.rng.random(_BLOCK))
            return self._uni.pop()

    def normal(self, mean: float = 0.0, sd: float = 1.0) -> float:
        try:
            z = self._norm.pop()
        except IndexError:
            self._norm = _reversed(self.rng.standard_normal(_BLOCK))
            z = self._norm.pop()
        return mean + sd * z

    def exponential(self, mean: float) -> float:
        try:
            return mean * self._exp.pop()
        except IndexError:
            self._exp = _reversed(self.rng.standard_exponential(_BLOCK))
            return mean * self._exp.pop()

    def lognormal(self, mean: float, sd: float) -> float:
        """A positive draw with this mean and sd (constant when sd is 0)."""
        if sd <= 0.0 or mean <= 0.0:
            return mean
        mu, sigma = lognormal_params(mean, sd)
        return math.exp(self.normal(mu, sigma))

    def bernoulli(self, p: float) -> bool:
        return self.random() < p

    def geometric(self, mean: float) -> int:
        """A count >= 1 with this mean (geometric on 1, 2, ...)."""
        return self.geometric_log_q(geometric_log_q(mean))

    def geometric_log_q(self, log_q: float) -> int:
        """``geometric`` for the mean whose ``geometric_log_q`` is given: for a caller that draws many counts with
        one mean (the same draw, without recomputing the logarithm each time)."""
        if log_q == 0.0:
            return 1
        u = self.random()
        return 1 + int(math.log1p(-u) / log_q)

    def poisson(self, lam: float) -> int:
        return int(self.rng.poisson(lam))

    def binomial(self, n: int, p: float) -> int:
        return int(self.rng.binomial(n, p)) if n > 0 else 0


def _reversed(block: np.ndarray) -> list[float]:
    """A block of draws as a list, last draw first. (Reversed as a list: numpy's ``tolist`` of a reversed view
    costs half as much again.)"""
    values: list[float] = block.tolist()
    values.reverse()
    return values


class Streams:
    """All streams of one replication: ``streams["attendance"].random()``, each made when first asked for.

    ``names`` is the registry of names that may be asked for (``STREAM_NAMES``); a test that adds a mechanism of its
    own passes a longer one.
    """

    def __init__(self, seed: int, replication: int, names: tuple[str, ...] = STREAM_NAMES) -> None:
        self.seed = seed
        self.replication = replication
        self.names = frozenset(names)
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        stream = self._streams.get(name)
        if stream is None:
            if name not in self.names:
                raise KeyError(f"no random stream is registered as {name!r} (simulator.model.streams.STREAM_NAMES)")
            key = np.random.SeedSequence(self.seed, spawn_key=(self.replication, _name_key(name)))
            stream = self._streams[name] = Stream(np.random.default_rng(key))
        return stream
