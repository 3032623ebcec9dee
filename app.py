"""Paperwork burden simulator: the browser front end (``streamlit run app.py``).

Administrators choose a scenario, move levers and compare against the baseline; trainers replay the story. This
file wires the sidebar, the runner and the views together; the model lives in ``simulator/``.
"""

from __future__ import annotations

import os

import streamlit as st

from simulator.experiment import ReplicationResult
from ui.runner import Runner, WorkerCrashError, experiment_from
from ui.sidebar import Request, sidebar, upload_problem
from ui.views import AppRun, about, answer, clinician_week, compare_runs, headline_metrics, story, time_split

st.set_page_config(page_title="Paperwork burden simulator", page_icon="📋", layout="wide")


@st.cache_resource(show_spinner=False)
def runner() -> Runner:
    """One worker pool for the whole server; every session shares it (see ui/runner.py)."""
    return Runner(workers=int(os.environ.get("PAPERWORK_APP_WORKERS", "2")))


def run(request: Request) -> AppRun | None:
    """Run the paired experiment, showing figures as replications complete; None if it could not finish."""
    progress = st.progress(0.0, text="Starting the workers...")
    interim = st.empty()
    pool = runner()
    policy: list[ReplicationResult] = []
    reference: list[ReplicationResult] = []
    try:
        for step in pool.paired(request.scenario, request.reference, request.replications, request.seed):
            policy, reference = step.policy, step.reference
            progress.progress(step.done / step.total,
                              text=f"{step.done} of {step.total} paired replications done")
            if step.done < step.total:
                with interim.container():
                    st.caption(f"First figures from {step.done} replications; they sharpen as more complete.")
                    years = (request.scenario.horizon_weeks - request.scenario.warmup_weeks) * 7 / 365.25
                    headline_metrics(experiment_from(request.scenario, request.seed, policy),
                                     experiment_from(request.reference, request.seed, reference), years)
        # traced last, so it does not delay the first figures; it re-simulates replication 0 with the trace on
        progress.progress(1.0, text="Tracing a clinician's week...")
        traced = pool.trace(request.scenario, request.seed).result()
    except WorkerCrashError as error:
        st.error(f"The run stopped: {error}. Press Run to try again.")
        return None
    progress.empty()
    interim.empty()
    return AppRun(request.label, request.scenario, request.reference_label, request.reference,
                  experiment_from(request.scenario, request.seed, policy),
                  experiment_from(request.reference, request.seed, reference), traced)


def _kept_label(request: Request, runs: dict[str, AppRun]) -> str:
    return f"#{len(runs) + 1} {request.label}"


def main() -> None:
    st.title("Paperwork burden simulator")
    st.caption("What documentation, productivity targets and climate do to a mental-health workforce, and what a "
               "policy would change. Choose a scenario and levers in the sidebar, then press Run.")
    request = sidebar()
    upload_problem()
    runs: dict[str, AppRun] = st.session_state.setdefault("runs", {})
    button, what = st.columns([1, 5], vertical_alignment="center")
    clicked = button.button("Run", type="primary", width="stretch", key="run", disabled=request is None)
    if request is not None:
        what.markdown(f"**{request.label}** against **{request.reference_label}**, {request.replications} "
                      f"paired replications of {request.scenario.horizon_weeks} weeks, seed {request.seed}")
    if request is not None and clicked:
        finished = run(request)
        if finished is not None:
            label = _kept_label(request, runs)
            runs[label] = finished
            st.session_state["shown_run"] = label
            st.session_state["compare_runs"] = [*st.session_state.get("compare_runs", []), label][-4:]
    if not runs:
        st.info("No run yet. The baseline is a calibrated 50-clinician agency; press **Run** to simulate it "
                "against itself, or pick a policy scenario first (for example `ai_scribe.yaml`).")
        with st.expander("About the model", expanded=True):
            about()
        return
    shown = st.selectbox("Showing run", list(runs), key="shown_run") if len(runs) > 1 else next(iter(runs))
    current = runs[shown]
    tabs = st.tabs(["Answer", "Story over time", "A clinician's week", "Time split", "Compare runs",
                    "About the model"])
    with tabs[0]:
        answer(current)
    with tabs[1]:
        story(current)
    with tabs[2]:
        clinician_week(current)
    with tabs[3]:
        time_split(current)
    with tabs[4]:
        compare_runs(runs)
    with tabs[5]:
        about()


if __name__ == "__main__":
    main()
