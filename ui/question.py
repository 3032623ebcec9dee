"""The question in the address bar: scenario, levers, reference, replications, seed, run length and timed policy.

A question is written to the URL's query string on every rerun, so a reload or a shared link asks it again; ``run=1``
says the answer on screen is the answer to that question, and a page opened with it runs the question at once (from
the server's replication cache when anyone has run it before, so a reload shows the same answer in moments).

Restoring turns query parameters into widget values in ``st.session_state`` before the sidebar draws its widgets.
Only values a widget could hold are restored; anything else is named in a warning and left out. An uploaded file
cannot travel in a link: a link naming one says so and falls back to the baseline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.inputs.limits import APP_LIMITS
from simulator.inputs.scenario import Scenario
from ui.levers import APP_LEVERS

__all__ = ["MAX_SEED", "Question", "lever_key", "restore"]

MAX_SEED = 2**31
_LEVERS = {lever.path: lever for lever in APP_LEVERS}
_RESERVED = {"scenario", "reference", "reps", "seed", "weeks", "warmup", "from", "run", "mode", "step"}


class State(Protocol):
    """Where widget values go: ``st.session_state``, or a dict in tests."""

    def __setitem__(self, key: str, value: Any) -> None: ...


def lever_key(scenario: str, path: str) -> str:
    """The session-state key of a lever's widget: per scenario, so each scenario's levers start from its values."""
    return f"lever:{scenario}:{path}"


@dataclass(frozen=True)
class Question:
    """What the sidebar asks, in the form a URL carries: only the lever values that differ from the scenario."""

    scenario: str
    reference: str
    replications: int
    seed: int
    changes: Mapping[str, Any] = field(default_factory=dict)
    from_week: int | None = None
    weeks: tuple[int, int] | None = None  # horizon and warm-up, when they differ from the scenario file's

    def query(self) -> dict[str, str]:
        params = {"scenario": self.scenario, "reference": self.reference, "reps": str(self.replications),
                  "seed": str(self.seed)}
        if self.weeks is not None:
            params["weeks"], params["warmup"] = str(self.weeks[0]), str(self.weeks[1])
        if self.from_week is not None and self.changes:
            params["from"] = str(self.from_week)
        for path, value in self.changes.items():
            params[path] = _text(value)
        return params


def _text(value: Any) -> str:
    """A lever value for a URL, exactly: ``:g`` would round a salary of 1,234,567 to six digits."""
    if value is None:
        return "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def restore(params: Mapping[str, str], choices: Mapping[str, Scenario],
            state: State) -> list[str]:
    """Widget values from ``params`` written into ``state``; the parameters that could not be used, in words."""
    problems: list[str] = []
    scenario = params.get("scenario", "")
    if scenario and scenario not in choices:
        problems.append(f"scenario {scenario!r} is not available here" + (
            ": an uploaded file cannot travel in a link, upload it again" if scenario.startswith("uploaded") else ""))
        return problems
    label = scenario or next(iter(choices))
    state["chosen"] = label
    reference = params.get("reference")
    if reference is not None:
        _put(state, "reference", reference, reference in choices, problems, f"reference {reference!r}")
    for name, key, low, high in (("reps", "replications", 1, APP_LIMITS.replications or 50),
                                 ("seed", "seed", 0, MAX_SEED),
                                 ("weeks", f"horizon:{label}", 20, APP_LIMITS.horizon_weeks or 520),
                                 ("warmup", f"warmup:{label}", 0, APP_LIMITS.horizon_weeks or 520)):
        if name in params:
            number = _integer(params[name])
            _put(state, key, number, number is not None and low <= number <= high, problems, f"{name}={params[name]}")
    if "from" in params:
        week = _integer(params["from"])
        if _put(state, "from_week", week, week is not None and week >= 1, problems, f"from={params['from']}"):
            state["timed"] = True
    for path, text in params.items():
        if path not in _RESERVED:
            _restore_lever(path, text, label, state, problems)
    return problems


def _restore_lever(path: str, text: str, scenario: str, state: State,
                   problems: list[str]) -> None:
    lever = _LEVERS.get(path)
    if lever is None:
        problems.append(f"{path} is not a lever")
        return
    key = lever_key(scenario, path)
    if text == "off" and lever.optional_label:
        state[key + ":off"] = True
        return
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not lever.low <= number <= lever.high:  # also refuses NaN
        problems.append(f"{path}={text} (the lever goes from {lever.low:g} to {lever.high:g})")
        return
    if lever.optional_label:
        state[key + ":off"] = False
    state[key] = int(number) if lever.integer else number


def _put(state: State, key: str, value: Any, valid: bool, problems: list[str],
         what: str) -> bool:
    if valid:
        state[key] = value
    else:
        problems.append(what)
    return valid


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
