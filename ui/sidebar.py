"""The sidebar: which scenario, which levers, how many replications. It returns a request; it runs nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import ValidationError

from simulator.inputs.errors import ScenarioError
from simulator.inputs.levers import GROUPS, LEVERS, Lever, apply_levers, lever_help, lever_value
from simulator.inputs.limits import APP_LIMITS, limit_problems
from simulator.inputs.loader import load_scenario, load_scenario_text
from simulator.inputs.scenario import Scenario

__all__ = ["SCENARIOS", "Request", "bundled_scenarios", "sidebar", "upload_problem"]

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
UPLOAD_PREFIX = "uploaded: "
MAX_UPLOAD_BYTES = 256 * 1024  # a scenario is a few kB; .streamlit/config.toml caps the server at 1 MB


@dataclass(frozen=True)
class Request:
    """What the user asked for: a scenario to run, what to compare it with, and how."""

    label: str
    scenario: Scenario  # the chosen scenario with the lever changes applied
    reference_label: str
    reference: Scenario
    replications: int
    seed: int


@st.cache_data(show_spinner=False)
def bundled_scenarios() -> dict[str, Scenario]:
    """Every scenario file shipped in scenarios/ (baseline first), loaded and validated once per server."""
    files = sorted(SCENARIOS.glob("*.yaml"), key=lambda f: (f.stem != "baseline", f.stem))
    return {f.name: load_scenario(f, allowed_root=SCENARIOS) for f in files}


def _upload_box() -> None:
    """Validate an uploaded file; keep it in the session if good, show why not if bad."""
    uploaded = st.file_uploader("Or upload a scenario (YAML)", type=["yaml", "yml"], key="upload",
                                help="A scenario file as described in the README. It may extend a bundled "
                                     "scenario (extends: baseline.yaml); it cannot read any other file.")
    if uploaded is None or st.session_state.get("upload_seen") == uploaded.file_id:
        return  # the uploader keeps its file across reruns: only a new file is read and chosen
    st.session_state["upload_seen"] = uploaded.file_id
    name = Path(uploaded.name).name
    data = uploaded.getvalue()
    if len(data) > MAX_UPLOAD_BYTES:
        st.session_state["upload_error"] = (name, [f"{name}: the file is {len(data):,} bytes; scenario files "
                                                   f"are limited to {MAX_UPLOAD_BYTES:,} bytes here"])
        return
    try:
        scenario = load_scenario_text(data, name=name, allowed_root=SCENARIOS, limits=APP_LIMITS)
    except ScenarioError as error:
        st.session_state["upload_error"] = (name, [str(p) for p in error.problems])
        return
    st.session_state.pop("upload_error", None)
    st.session_state.setdefault("uploads", {})[UPLOAD_PREFIX + name] = scenario
    st.session_state["chosen"] = UPLOAD_PREFIX + name


def upload_problem() -> None:
    """The last upload's problems, shown at the top of the page where they cannot be missed."""
    if "upload_error" in st.session_state:
        name, problems = st.session_state["upload_error"]
        st.error(f"**{name} was not loaded.** Fix the file and upload it again; nothing else has changed.\n\n"
                 + "\n\n".join(f"- `{p}`" for p in problems))


def _lever_widget(lever: Lever, current: Any, scope: str) -> Any:
    """One lever's widget, starting from the chosen scenario's value; returns the value chosen."""
    key = f"lever:{scope}:{lever.path}"
    help_text = lever_help(lever)
    if lever.optional_label:
        off = st.checkbox(lever.optional_label, value=current is None, key=key + ":off", help=help_text)
        if off:
            return None
        current = lever.high if current is None else current
    low, high = min(lever.low, current), max(lever.high, current)
    if lever.integer:
        return st.slider(lever.label, int(low), int(high), int(current), int(lever.step), key=key, help=help_text)
    decimals = 0 if lever.step >= 1 else len(f"{lever.step:g}".split(".")[1])
    return st.slider(lever.label, float(low), float(high), float(current), float(lever.step), key=key,
                     help=help_text, format=f"%.{decimals}f")


def sidebar() -> Request | None:
    """Draw the sidebar. ``None`` when the chosen levers make an invalid scenario (the reason is shown)."""
    bundled = bundled_scenarios()
    st.session_state.setdefault("uploads", {})
    with st.sidebar:
        st.header("Scenario")
        _upload_box()
        if "upload_error" in st.session_state:
            st.caption(f"{st.session_state['upload_error'][0]} was not loaded: the reason is on the page.")
        choices = {**bundled, **st.session_state["uploads"]}
        if st.session_state.get("chosen") not in choices:
            st.session_state["chosen"] = next(iter(bundled))
        label = st.selectbox("Scenario to test", list(choices), key="chosen",
                             help="Bundled scenarios are in the scenarios/ folder; each opens with the question "
                                  "it answers.")
        chosen = choices[label]
        if chosen.description:
            st.caption(chosen.description)
        reference_label = st.selectbox("Compare against", list(bundled), key="reference",
                                       help="The paired reference run: same seed and replications, so each "
                                            "replication sees the same referrals and dice (common random "
                                            "numbers).")

        st.header("Levers")
        st.caption("Start from the scenario's values; change what you want to test.")
        values: dict[str, Any] = {}
        for group in GROUPS:
            with st.expander(group, expanded=group == "Paperwork"):
                for lever in (lv for lv in LEVERS if lv.group == group):
                    values[lever.path] = _lever_widget(lever, lever_value(chosen, lever.path), label)
        timed = st.checkbox("Apply the lever changes from a given week", key="timed",
                            help="Otherwise they apply from the start. A timed change shows the transition.")
        from_week = None
        if timed:
            from_week = st.number_input("From week", 1, max(1, chosen.horizon_weeks - 1),
                                        min(52, chosen.horizon_weeks - 1), key="from_week")

        st.header("Run")
        replications = st.slider("Replications", 2, APP_LIMITS.replications, 10, key="replications",
                                 help="More replications give narrower confidence intervals; 10 is a quick "
                                      "look, 30 a firm answer.")
        horizon = st.number_input("Weeks simulated (warm-up included)", 20, APP_LIMITS.horizon_weeks,
                                  chosen.horizon_weeks, key=f"horizon:{label}",
                                  help="Applies to both runs of the comparison.")
        warmup = st.number_input("Warm-up weeks (left out of the figures)", 0, int(horizon) - 1,
                                 min(chosen.warmup_weeks, int(horizon) - 1), key=f"warmup:{label}")
        seed_box, new_seed = st.columns([3, 2], vertical_alignment="bottom")
        if new_seed.button("New seed", help="Same seed, same story; a new seed shows the variation."):
            st.session_state["seed"] = random.randrange(1, 2**31)
        st.session_state.setdefault("seed", chosen.seed)
        seed = seed_box.number_input("Seed", 0, 2**31, key="seed")

    settings = {"horizon_weeks": int(horizon), "warmup_weeks": int(warmup)}
    try:
        scenario = apply_levers(chosen.with_changes(settings), values, from_week=from_week)
        reference = bundled[reference_label].with_changes(settings)
    except (ValidationError, ScenarioError, ValueError) as error:
        st.error(f"These settings do not make a valid scenario: {error}")
        return None
    problems = limit_problems(scenario, int(replications))
    if problems:
        st.error("This run is larger than the server allows:\n\n" + "\n\n".join(f"- {p}" for p in problems))
        return None
    edited = scenario != chosen.with_changes(settings)
    shown = label + (" + levers" if edited else "")
    return Request(shown, scenario, reference_label, reference, int(replications), int(seed))
