"""Uploaded scenario files: read and checked once, kept in the session, and their errors shown until dismissed.

A good upload becomes both the scenario and the reference: "my agency with a policy against my agency" is what an
upload is for, so the levers then test a policy against the user's own agency. A bad upload's message stays at the
top of the page until the file is removed from the uploader or another scenario is chosen.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from simulator.inputs.errors import ScenarioError
from simulator.inputs.limits import APP_LIMITS
from simulator.inputs.loader import load_scenario_text
from simulator.inputs.scenario import Scenario

__all__ = ["MAX_UPLOAD_BYTES", "UPLOAD_PREFIX", "clear_upload_error", "upload_box", "upload_problem", "uploads"]

UPLOAD_PREFIX = "uploaded: "
MAX_UPLOAD_BYTES = 256 * 1024  # a scenario is a few kB; .streamlit/config.toml caps the server at 1 MB


def uploads() -> dict[str, Scenario]:
    """The session's good uploads, by their label in the scenario lists."""
    kept: dict[str, Scenario] = st.session_state.setdefault("uploads", {})
    return kept


def clear_upload_error() -> None:
    """Forget the last upload's error (another scenario was chosen, or the file was removed)."""
    st.session_state.pop("upload_error", None)


def upload_box(allowed_root: Path) -> None:
    """Validate an uploaded file; keep it in the session if good, say why not if bad."""
    uploaded = st.file_uploader("Or upload a scenario (YAML)", type=["yaml", "yml"], key="upload",
                                help="A scenario file as described in the README. It may extend a bundled "
                                     "scenario (extends: baseline.yaml); it cannot read any other file.")
    if uploaded is None:
        if st.session_state.pop("upload_seen", None) is not None:
            clear_upload_error()  # the file the error was about has been removed
        return
    if st.session_state.get("upload_seen") == uploaded.file_id:
        return  # the uploader keeps its file across reruns: only a new file is read and chosen
    st.session_state["upload_seen"] = uploaded.file_id
    name = Path(uploaded.name).name
    data = uploaded.getvalue()
    if len(data) > MAX_UPLOAD_BYTES:
        st.session_state["upload_error"] = (name, [f"{name}: the file is {len(data):,} bytes; scenario files "
                                                   f"are limited to {MAX_UPLOAD_BYTES:,} bytes here"])
        return
    try:
        scenario = load_scenario_text(data, name=name, allowed_root=allowed_root, limits=APP_LIMITS)
    except ScenarioError as error:
        st.session_state["upload_error"] = (name, [str(p) for p in error.problems])
        return
    clear_upload_error()
    label = UPLOAD_PREFIX + name
    uploads()[label] = scenario
    st.session_state["chosen"] = st.session_state["reference"] = label
    st.session_state["upload_note"] = label


def upload_problem() -> None:
    """The last upload's problems (at the top of the page, where they cannot be missed), or what a good upload did."""
    if "upload_error" in st.session_state:
        name, problems = st.session_state["upload_error"]
        st.error(f"**{name} was not loaded.** Fix the file and upload it again; nothing else has changed.\n\n"
                 + "\n\n".join(f"- `{p}`" for p in problems))
    elif st.session_state.get("upload_note") and st.session_state.get("chosen") == st.session_state["upload_note"]:
        st.info(f"**{st.session_state['upload_note']}** is loaded as both the scenario and the reference: move a "
                "lever to test a policy against your own agency, or choose another reference.")
