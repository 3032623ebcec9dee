"""The project's error type: everything wrong with a scenario, each problem pinned to a file, line and field.

A loader that stops at the first mistake makes people fix files one error per run, so ``ScenarioError`` carries
every ``Problem`` found and prints one line per problem, like a compiler: ``FILE:LINE: FIELD: REASON``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Problem", "ScenarioError", "plain_wording"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario and where it is."""

    file: str  # the path as given, or "<command line>" for --set overrides, "<upload>" for the web app
    line: int | None  # 1-based; None when there is no line to point at (overrides, unreadable files)
    field: str  # dotted path such as "paperwork.note_minutes.mean"; "" for whole-document problems
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where, self.field, self.message] if self.field else [where, self.message]
        # One problem per line, always: an embedded newline would make the printed list ambiguous.
        return ": ".join(parts).replace("\n", " ")


class ScenarioError(Exception):
    """A scenario could not be loaded; ``problems`` holds every problem found, not just the first."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        # Passing the problems to Exception keeps the error picklable (it crosses process-pool boundaries).
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    @classmethod
    def single(cls, file: str, line: int | None, field: str, message: str) -> ScenarioError:
        """An error with one problem (a convenience for the many places that find exactly one)."""
        return cls([Problem(file, line, field, message)])


_PYDANTIC_BOUNDS = (("Input should be less than or equal to", "must be ≤"),
                    ("Input should be greater than or equal to", "must be ≥"),
                    ("Input should be less than", "must be <"), ("Input should be greater than", "must be >"),
                    ("Input should be", "must be"))


def plain_wording(message: str) -> str:
    """Pydantic's "Input should be less than or equal to 1" as "must be ≤ 1", the way problems are worded."""
    for pydantic_words, ours in _PYDANTIC_BOUNDS:
        message = message.replace(pydantic_words, ours)
    return message.removeprefix("Value error, ")  # pydantic's prefix for a validator's own ValueError
