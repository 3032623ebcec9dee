"""About the model: what it is, a diagram of its feedback loops, the words explained, and every parameter with its
default and source in plain words (no dotted paths, no "None", no cut-off sources)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from simulator.inputs.scenario import parameter_table
from ui.answer import GLOSSARY

__all__ = ["DIAGRAM", "about", "parameter_rows", "plain_value"]

# The model's loops, drawn with Graphviz: what a trainer would draw on a whiteboard.
DIAGRAM = """
digraph model {
  rankdir=LR; bgcolor="transparent"; nodesep=0.25; ranksep=0.3;
  node [shape=box, style="rounded,filled", fillcolor="#e8f0fe", color="#3b7dd8", fontname="sans-serif",
        fontsize=14, fontcolor="#1f2937"];
  edge [color="#6b7280", fontname="sans-serif", fontsize=12, fontcolor="#6b7280"];
  waitlist [label="Referrals wait\n(some give up)"]; caseload [label="Caseloads:\nweekly sessions"];
  paperwork [label="Paperwork:\nnotes, plans, audits"]; desk [label="Desk time,\nthen evenings"];
  ee [label="Strain, then\nexhaustion (EE)"]; leave [label="Resignations", fillcolor="#fde8e8", color="#d62728"];
  vacancy [label="Vacancies:\nmonths to fill", fillcolor="#fde8e8", color="#d62728"];
  waitlist -> caseload -> paperwork -> desk -> ee -> leave -> vacancy;
  vacancy -> caseload [label="colleagues cover", constraint=false];
  vacancy -> ee [label="empty posts weigh", constraint=false];
  leave -> waitlist [label="clients reassigned or lost", constraint=false];
}
"""

_SECTIONS = {"staff": "Staff", "demand": "Demand", "workload": "Workload", "paperwork": "Paperwork",
             "burnout": "Exhaustion", "turnover": "Turnover", "climate": "Climate", "costs": "Costs",
             "demand.client_mix[]": "Client mix (each kind)"}
# A client kind's fields in words of their own, so that they do not read as the agency's parameters of the same name.
_KIND_WORDS = {"share": "share of referrals", "sessions_per_week": "cadence (sessions a week)",
               "session_minutes": "session length", "note_minutes": "note length",
               "mean_sessions_per_episode": "sessions per episode"}
_SKIPPED = {"name", "description", "policies"}  # labels and timed changes, not parameters


def plain_value(value: Any) -> str:
    """A default as a person would write it: "mean 15, sd 6", "none", "yes", "0.65"."""
    if value is None:
        return "none (switched off)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{key} {plain_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(item) for item in value) or "none"
    if isinstance(value, float):
        return f"{value:,g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def parameter_rows() -> list[dict[str, str]]:
    """Every parameter: its section, a readable name, what it means, its default, unit and source."""
    rows = []
    for row in parameter_table():
        path = str(row["path"])
        if path in _SKIPPED:
            continue
        section, _, name = path.rpartition(".")
        default = plain_value(row["default"])
        if path == "demand.client_mix" and row["default"] is None:
            default = "one kind of client"
        elif section == "demand.client_mix[]":  # a kind's own fields: required, or the agency's single value
            default = "required" if row["required"] else "the agency's single value"
            name = _KIND_WORDS.get(name, name)
        rows.append({"section": _SECTIONS.get(section, "Run"), "parameter": (name or path).replace("_", " "),
                     "meaning": str(row["description"] or ""), "default": default,
                     "unit": "" if row["unit"] in (None, "-") else str(row["unit"]),
                     "source": str(row["source"] or "")})
    return rows


def about() -> None:
    st.markdown("""
**What this is.** A discrete-event simulation of a community mental-health agency (50 clinicians in the
baseline). Clients are referred, wait for a caseload slot and attend weekly sessions (a scenario may mix kinds of
client with their own cadence, session length and notes, as community_mix.yaml does). Every session, intake, plan
review and discharge creates paperwork with a deadline. Clinicians split their contracted day between therapy and
the desk and chart in the evening when work due the next day remains. Each day's workload, late work and conflicts
add strain; emotional exhaustion (MBI-EE, 0-54) follows strain over months and recovers with rest and good
supervision. Each clinician may resign, more often when exhausted, in the first year, and when colleagues' posts
stand empty. A leaver's clients go to colleagues, who carry bigger caseloads while the vacancy stays open for
months: the exodus cascade.
""")
    st.graphviz_chart(DIAGRAM, width="stretch")
    st.caption("The model's loops: paperwork takes desk time and evenings, strain turns into exhaustion, exhausted "
               "clinicians resign, and colleagues cover the empty posts, which strains them in turn. Policies and "
               "levers act on the boxes: paperwork (a scribe, fewer audits), caseloads (caps, targets), exhaustion "
               "(supervision, climate) and vacancies (hiring).")
    st.markdown("""
**What it is for.** A what-if tool. Compare policies against each other under the same random futures (common
random numbers). Do not read it as a forecast for a particular agency.

**Main assumptions.** The exhaustion dynamics are calibrated to published prevalence (about a third or more with
high EE) and turnover (26-30% a year); they are not estimated from longitudinal data. Paperwork minutes come from
grey literature (10-30 minutes a note). Costs are assumptions; set them to your agency's in the sidebar.

**Evidence.** Every parameter has its source below: [V] verified study, [S] secondary source, [G] grey
literature, "assumption" where no figure exists. The full description (STRESS-DES) is `docs/model.md`. How the
model compares with the published figures and with queueing theory is `docs/validation.md`.
""")
    with st.expander("What the words mean"):
        st.markdown(GLOSSARY)
    st.subheader("Every parameter, its default and its source")
    table = pd.DataFrame(parameter_rows())
    for section in dict.fromkeys(table["section"]):
        with st.expander(section):
            # st.table wraps long text; a data grid would cut the sources off at the column's width
            st.table(table[table["section"] == section].drop(columns=["section"]), hide_index=True)
