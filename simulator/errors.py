"""The project's error type: everything wrong with a scenario, each problem pinned to a file, line and field.

A loader that stops at the first mistake makes people fix files one error per run, so ``ScenarioError`` carries
every ``Problem`` found and prints one line per problem, like a compiler: ``FILE:LINE: FIELD: REASON``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Problem", "ScenarioError"]


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
