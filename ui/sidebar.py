"""The sidebar: which scenario, which levers, against what, how many replications. It returns a request; it runs
nothing.

Widgets take their starting values from ``st.session_state`` (set here from the chosen scenario, or from the URL by
``ui.question.restore``), never from a ``value=`` argument as well, so a restored question and a widget's default
cannot disagree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import ValidationError

from simulator.inputs.diff import Difference, scenario_diff
from simulator.inputs.errors import ScenarioError
from simulator.inputs.levers import GROUPS, Lever, apply_levers, lever_help, lever_value
from simulator.inputs.limits import APP_LIMITS, limit_problems
from simulator.inputs.loader import load_scenario
from simulator.inputs.scenario import Scenario
from ui.levers import APP_LEVERS, run_name
from ui.question import MAX_SEED, Question, lever_key, restore
from ui.uploads import UPLOAD_PREFIX, clear_upload_error, upload_box, uploads

__all__ = ["SCENARIOS", "Request", "bundled_scenarios", "pairing_notes", "sidebar"]

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class Request:
    """What the user asked for: a scenario to run, what to compare it with, and how."""

    label: str  # the run's name: the scenario file and what the levers changed
    scenario: Scenario  # the chosen scenario with the lever changes applied
    reference_label: str
    reference: Scenario
    replications: int
    seed: int
    question: Question = field(compare=False)
    notes: tuple[str, ...] = ()  # why the pair may mislead (sizes, run lengths)
    differences: tuple[Difference, ...] = ()  # what the reference and the scenario set differently


@st.cache_data(show_spinner=False)
def bundled_scenarios() -> dict[str, Scenario]:
    """Every scenario file shipped in scenarios/ (baseline first), loaded and validated once per server."""
    files = sorted(SCENARIOS.glob("*.yaml"), key=lambda f: (f.stem != "baseline", f.stem))
    return {f.name: load_scenario(f, allowed_root=SCENARIOS) for f in files}


def _lever_widget(lever: Lever, current: Any, scope: str) -> Any:
    """One lever's widget, starting from the chosen scenario's value; returns the value chosen."""
    key = lever_key(scope, lever.path)
    help_text = lever_help(lever)
    if lever.optional_label:
        st.session_state.setdefault(key + ":off", current is None)
        if st.checkbox(lever.optional_label, key=key + ":off", help=help_text):
            return None
        current = lever.high if current is None else current
    low, high = min(lever.low, current), max(lever.high, current)
    st.session_state.setdefault(key, int(current) if lever.integer else float(current))
    if lever.integer:
        return st.slider(lever.label, int(low), int(high), step=int(lever.step), key=key, help=help_text)
    decimals = 0 if lever.step >= 1 else len(f"{lever.step:g}".split(".")[1])
    return st.slider(lever.label, float(low), float(high), step=float(lever.step), key=key, help=help_text,
                     format=f"%.{decimals}f")


def _restore_once(choices: dict[str, Scenario]) -> None:
    """At a session's first run, the question in the URL becomes the sidebar's values."""
    if st.session_state.get("restored"):
        return
    st.session_state["restored"] = True
    params = st.session_state.pop("restore_from", None) or {name: str(st.query_params[name])
                                                            for name in st.query_params}
    if params.keys() & {"scenario", "reference", "reps", "seed"}:
        problems = restore(params, choices, st.session_state)
        if problems:
            st.session_state["link_problems"] = problems


def _levers(chosen: Scenario, label: str) -> tuple[dict[str, Any], int | None]:
    st.header("Levers")
    st.caption("Start from the scenario's values; change what you want to test.")
    values: dict[str, Any] = {}
    for group in GROUPS:
        with st.expander(group, expanded=group == "Paperwork"):
            for lever in (lv for lv in APP_LEVERS if lv.group == group):
                values[lever.path] = _lever_widget(lever, lever_value(chosen, lever.path), label)
    timed = st.checkbox("Apply the lever changes from a given week", key="timed",
                        help="Otherwise they apply from the start. A timed change shows the transition in the story.")
    from_week = None
    if timed:
        st.session_state.setdefault("from_week", min(52, chosen.horizon_weeks - 1))
        from_week = int(st.number_input("From week", 1, max(1, chosen.horizon_weeks - 1), key="from_week"))
    return values, from_week


def _run_settings(chosen: Scenario, label: str) -> tuple[int, int, int, int]:
    st.header("Run")
    st.session_state.setdefault("replications", 10)
    replications = st.slider("Replications", 1, APP_LIMITS.replications or 50, key="replications",
                             help="A replication is one possible future of the agency: the same policy, other "
                                  "referrals, no-shows and resignations. More replications give narrower confidence "
                                  "intervals; 10 is a quick look, 30 a firm answer.")
    st.session_state.setdefault(f"horizon:{label}", chosen.horizon_weeks)
    horizon = st.number_input("Weeks simulated (warm-up included)", 20, APP_LIMITS.horizon_weeks,
                              key=f"horizon:{label}", help="Applies to both runs of the comparison.")
    st.session_state.setdefault(f"warmup:{label}", min(chosen.warmup_weeks, int(horizon) - 1))
    warmup = st.number_input("Warm-up weeks (left out of the figures)", 0, int(horizon) - 1, key=f"warmup:{label}")
    seed_box, new_seed = st.columns([3, 2], vertical_alignment="bottom")
    if new_seed.button("New seed", help="Same seed, same story; a new seed shows the variation."):
        st.session_state["seed"] = random.randrange(1, MAX_SEED)
    st.session_state.setdefault("seed", chosen.seed)
    seed = seed_box.number_input("Seed", 0, MAX_SEED, key="seed")
    return int(replications), int(horizon), int(warmup), int(seed)


def pairing_notes(label: str, chosen: Scenario, reference_label: str, reference: Scenario) -> list[str]:
    """What may mislead in a pair: agencies of different sizes, or files written for different run lengths (the
    app runs both with the sidebar's run length, so the pair stays paired; the CLI would refuse the files)."""
    notes = []
    if chosen.staff.clinicians != reference.staff.clinicians:
        notes.append(f"{label} has {chosen.staff.clinicians} clinician positions and {reference_label} "
                     f"{reference.staff.clinicians}: counts (departures, sessions, money) differ by size as well as "
                     "by policy. Shares and waits compare fairly; or choose a reference of the same size.")
    lengths = [(s.horizon_weeks, s.warmup_weeks) for s in (chosen, reference)]
    if lengths[0] != lengths[1]:
        notes.append(f"The files are written for different run lengths ({label}: {lengths[0][0]} weeks, "
                     f"{lengths[0][1]} of warm-up; {reference_label}: {lengths[1][0]} and {lengths[1][1]}). Both run "
                     "with the length in the sidebar, so replication k of each covers the same weeks.")
    return notes


def sidebar() -> Request | None:
    """Draw the sidebar. ``None`` when the chosen levers make an invalid scenario (the reason is shown)."""
    bundled = bundled_scenarios()
    with st.sidebar:
        st.header("Scenario")
        upload_box(SCENARIOS)
        choices = {**bundled, **uploads()}
        _restore_once(choices)
        if "upload_error" in st.session_state:
            st.caption(f"{st.session_state['upload_error'][0]} was not loaded: the reason is on the page.")
        for key in ("chosen", "reference"):
            if st.session_state.get(key) not in choices:
                st.session_state[key] = next(iter(bundled))
        label = st.selectbox("Scenario to test", list(choices), key="chosen", on_change=clear_upload_error,
                             help="Bundled scenarios are in the scenarios/ folder; each opens with the question "
                                  "it answers.")
        chosen = choices[label]
        if chosen.description:
            st.caption(chosen.description)
        reference_label = st.selectbox("Compare against", list(choices), key="reference", on_change=clear_upload_error,
                                       help="The paired reference run: same seed and replications, so each "
                                            "replication sees the same referrals and dice (common random "
                                            "numbers). An uploaded agency can be its own reference.")
        if label == reference_label and label.startswith(UPLOAD_PREFIX):
            st.caption("Your agency is its own reference: move a lever to test a policy against it.")
        values, from_week = _levers(chosen, label)
        replications, horizon, warmup, seed = _run_settings(chosen, label)
    return _request(label, chosen, reference_label, choices[reference_label], values, from_week,
                    (replications, horizon, warmup, seed))


def _request(label: str, chosen: Scenario, reference_label: str, reference_file: Scenario, values: dict[str, Any],
             from_week: int | None, run: tuple[int, int, int, int]) -> Request | None:
    replications, horizon, warmup, seed = run
    settings = {"horizon_weeks": horizon, "warmup_weeks": warmup}
    try:
        scenario = apply_levers(chosen.with_changes(settings), values, from_week=from_week)
        reference = reference_file.with_changes(settings)
    except (ValidationError, ScenarioError, ValueError) as error:
        st.error(f"These settings do not make a valid scenario: {error}")
        return None
    problems = limit_problems(scenario, replications)
    if problems:
        st.error("This run is larger than the server allows:\n\n" + "\n\n".join(f"- {p}" for p in problems))
        return None
    changes = {path: value for path, value in values.items() if lever_value(chosen, path) != value}
    weeks = (horizon, warmup) if (horizon, warmup) != (chosen.horizon_weeks, chosen.warmup_weeks) else None
    question = Question(label, reference_label, replications, seed, changes, from_week, weeks)
    name = run_name(label, changes, from_week=from_week, weeks=weeks)
    return Request(name, scenario, reference_label, reference, replications, seed, question,
                   tuple(pairing_notes(label, chosen, reference_label, reference_file)),
                   tuple(scenario_diff(reference, scenario)))
