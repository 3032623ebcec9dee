"""Paperwork burden simulator: the browser front end (``streamlit run app.py``).

Administrators choose a scenario, move levers and compare against the baseline; trainers replay the story. This
file wires the sidebar, the runner and the views together; the model lives in ``simulator/``.
"""

from __future__ import annotations

import os

import streamlit as st

from simulator.experiments.experiment import ReplicationResult
from simulator.experiments.sweep import Sweep
from simulator.inputs.scenario import Scenario
from ui.runner import Runner, WorkerCrashError, experiment_from
from ui.sensitivity import AppSweep, sweep_form, sweep_result
from ui.sidebar import Request, sidebar, upload_problem
from ui.views import AppRun, about, answer, clinician_week, compare_runs, headline_metrics, keep_run, story, time_split

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


def run_sweep(label: str, sweep: Sweep) -> AppSweep | None:
    """Run a one-way sweep on the shared pool with a progress bar; None if it could not finish."""
    progress = st.progress(0.0, text="Starting the sweep...")
    try:
        for step in runner().sweep(sweep):
            progress.progress(step.done / step.total, text=f"{step.done} of {step.total} sweep runs done")
            if step.table is not None:
                progress.empty()
                return AppSweep(label, sweep, step.table)
    except WorkerCrashError as error:
        st.error(f"The sweep stopped: {error}. Press Run sweep to try again.")
    return None


def sensitivity(request: Request | None) -> None:
    """The sensitivity tab: a one-way sweep of the scenario in the sidebar."""
    label = request.label if request is not None else ""
    wanted = sweep_form(label, request.scenario if request else None, request.seed if request else 0)
    if wanted is not None and request is not None:
        finished = run_sweep(request.label, wanted)
        if finished is not None:
            st.session_state["sweep"] = finished
    sweep_result(st.session_state.get("sweep"))


def _run_line(label: str, reference_label: str, scenario: Scenario, replications: int, seed: int) -> str:
    """One line that says what a paired run is: both sides and every setting that changes its figures."""
    return (f"**{label}** against **{reference_label}**, {replications} paired replications of "
            f"{scenario.horizon_weeks} weeks ({scenario.warmup_weeks} of warm-up), seed {seed}")


def _kept_label(request: Request, runs: dict[str, AppRun]) -> str:
    number = int(next(reversed(runs)).split()[0][1:]) + 1 if runs else 1  # numbers go on after old runs are dropped
    return f"#{number} {request.label}"


def main() -> None:
    st.title("Paperwork burden simulator")
    st.caption("What documentation, productivity targets and climate do to a mental-health workforce, and what a "
               "policy would change. Choose a scenario and levers in the sidebar, then press Run.")
    runner()  # the first page view starts the worker pool, so the first Run does not wait for it
    request = sidebar()
    # Fixed slots for what comes and goes (upload errors, run progress): Streamlit keeps a tab selected across
    # reruns only while the tabs stay at the same place on the page.
    with st.container():
        upload_problem()
    runs: dict[str, AppRun] = st.session_state.setdefault("runs", {})
    button, what = st.columns([1, 5], vertical_alignment="center")
    clicked = button.button("Run", type="primary", width="stretch", key="run", disabled=request is None)
    if request is not None:
        what.markdown(_run_line(request.label, request.reference_label, request.scenario, request.replications,
                                request.seed))
    status = st.container()
    if request is not None and clicked:
        with status:
            finished = run(request)
        if finished is not None:
            label = _kept_label(request, runs)
            dropped = keep_run(runs, label, finished)
            st.session_state["shown_run"] = label
            compared = [name for name in st.session_state.get("compare_runs", []) if name not in dropped]
            st.session_state["compare_runs"] = [*compared, label][-4:]
    if not runs:
        st.info("No run yet. The baseline is a calibrated 50-clinician agency; press **Run** to simulate it "
                "against itself, or pick a policy scenario first (for example `ai_scribe.yaml`).")
        first, second = st.tabs(["About the model", "Sensitivity"])
        with first:
            about()
        with second:
            sensitivity(request)
        return
    shown = st.selectbox("Showing run", list(runs), key="shown_run") if len(runs) > 1 else next(iter(runs))
    current = runs[shown]
    # The line beside Run says what the sidebar asks for; once an input changes, or an older run is chosen, the
    # figures below are from another run, so they carry their own line (in the status slot: the tabs stay put).
    status.caption("Figures from " + _run_line(shown, current.reference_label, current.scenario,
                                               len(current.policy.summary), current.policy.seed))
    tabs = st.tabs(["Answer", "Story over time", "A clinician's week", "Time split", "Compare runs",
                    "Sensitivity", "About the model"])
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
        sensitivity(request)
    with tabs[6]:
        about()


if __name__ == "__main__":
    main()
