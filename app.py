"""Paperwork burden simulator: the browser front end (``streamlit run app.py``).

Administrators choose a scenario, move levers and compare against a reference (Explore); trainers walk a room
through a prepared lesson (Teach). This file wires the sidebar, the runner, the address bar and the views together;
the model lives in ``simulator/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from simulator.experiments.experiment import ReplicationResult
from simulator.experiments.sweep import Sweep
from ui.about import about
from ui.answer import answer, headline_cards, md
from ui.compare import compare_runs
from ui.runner import Runner, WorkerCrashError, experiment_from
from ui.runs import AppRun, keep_run
from ui.sensitivity import AppSweep, sweep_form, sweep_result
from ui.sidebar import Request, bundled_scenarios, sidebar
from ui.story_view import clinician_week, story, time_split
from ui.teach import LESSON, LESSON_REPLICATIONS, LESSON_SEED, LessonRun, Step, step_scenarios, teach
from ui.uploads import upload_problem

st.set_page_config(page_title="Paperwork burden simulator", page_icon="📋", layout="wide")

TABS = ["Answer", "Story over time", "A clinician's week", "Time split", "Compare runs", "Sensitivity",
        "About the model"]


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
    years = (request.scenario.horizon_weeks - request.scenario.warmup_weeks) * 7 / 365.25
    try:
        for step in pool.paired(request.scenario, request.reference, request.replications, request.seed):
            policy, reference = step.policy, step.reference
            progress.progress(step.done / step.total, text=f"{step.done} of {step.total} paired replications done")
            if step.done < step.total:
                with interim.container():
                    st.caption(f"First figures from {step.done} of {step.total} replications; they sharpen as more "
                               "complete.")
                    headline_cards(experiment_from(request.scenario, request.seed, policy),
                                   experiment_from(request.reference, request.seed, reference), years)
        # traced last, so they do not delay the first figures; each re-simulates replication 0 with the trace on
        progress.progress(1.0, text="Tracing a clinician's week...")
        traced = pool.trace(request.scenario, request.seed)
        theirs = pool.trace(request.reference, request.seed)
        trace, reference_trace = traced.result(), theirs.result()
    except WorkerCrashError as error:
        st.error(f"The run stopped: {error}. Press Run to try again.")
        return None
    progress.empty()
    interim.empty()
    return AppRun(request.label, request.scenario, request.reference_label, request.reference,
                  experiment_from(request.scenario, request.seed, policy),
                  experiment_from(request.reference, request.seed, reference), trace, reference_trace,
                  request.question, request.notes, request.differences)


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


def prepare(step: Step) -> LessonRun:
    """A lesson step's runs, from the shared cache when anyone has shown the step before."""
    policy, reference = step_scenarios(step, bundled_scenarios())
    bar = st.progress(0.0, text="Preparing this step...")
    pool = runner()
    mine: list[ReplicationResult] = []
    theirs: list[ReplicationResult] = []
    for done in pool.paired(policy, reference, LESSON_REPLICATIONS, LESSON_SEED):
        bar.progress(done.done / done.total, text=f"Preparing this step: {done.done} of {done.total} replications")
        mine, theirs = done.policy, done.reference
    trace = pool.trace(policy, LESSON_SEED).result() if step.view == "week" else None
    bar.empty()
    return LessonRun(experiment_from(policy, LESSON_SEED, mine), experiment_from(reference, LESSON_SEED, theirs),
                     trace)


def _run_line(label: str, reference_label: str, horizon: int, warmup: int, replications: int, seed: int) -> str:
    """One line that says what a paired run is: both sides and every setting that changes its figures."""
    return (f"**{label}** against **{reference_label}**, {replications} paired replications of "
            f"{horizon} weeks ({warmup} of warm-up), seed {seed}")


def _kept_label(request: Request, runs: dict[str, AppRun]) -> str:
    number = int(next(reversed(runs)).split()[0][1:]) + 1 if runs else 1  # numbers go on after old runs are dropped
    return f"#{number} {request.label}"


def _mode() -> str:
    """Explore or Teach, from the sidebar (and, at a session's start, from the address bar)."""
    if "mode" not in st.session_state:
        st.session_state["mode"] = "Teach" if st.query_params.get("mode") == "teach" else "Explore"
        if st.query_params.get("step", "").isdigit():
            st.session_state["step"] = min(max(1, int(st.query_params["step"])), len(LESSON))
    with st.sidebar:
        chosen = st.segmented_control("Mode", ["Explore", "Teach"], key="mode", required=True, on_change=_back,
                                      help="Explore: your own questions. Teach: a guided lesson for a room.")
    return str(chosen)


def _back() -> None:
    """Back from Teach mode, the sidebar asks its question again: Streamlit forgets the values of widgets a run
    did not draw, so they are restored from the last question asked."""
    if st.session_state.get("mode") == "Explore" and "explore_query" in st.session_state:
        st.session_state["restored"] = False
        st.session_state["restore_from"] = st.session_state["explore_query"]


def _lesson() -> None:
    with st.sidebar:
        st.markdown("A five-step lesson on what paperwork does to a workforce, for a projector. Each step is a "
                    "prepared comparison; once shown, it comes back in moments.")
        if st.button("Prepare every step", key="lesson_prepare",
                     help="Runs every step now (about a minute), so the lesson moves without waiting."):
            for step in LESSON:
                prepare(step)
    shown = teach(bundled_scenarios(), prepare)
    st.query_params.from_dict({"mode": "teach", "step": str(shown)})


def _run_and_keep(request: Request, runs: dict[str, AppRun], status: st.delta_generator.DeltaGenerator) -> None:
    with status:
        finished = run(request)
    if finished is None:
        return
    label = _kept_label(request, runs)
    dropped = keep_run(runs, label, finished)
    st.session_state["shown_run"] = label
    st.session_state["answered"] = request.question.query()
    compared = [name for name in st.session_state.get("compare_runs", []) if name not in dropped]
    st.session_state["compare_runs"] = [*compared, label][-4:]


def _address(request: Request | None) -> None:
    """The sidebar's question in the address bar, with run=1 while the answer on screen is its answer."""
    if request is None:
        return
    params = request.question.query()
    st.session_state["explore_query"] = dict(params)  # kept for the way back from Teach mode
    if st.session_state.get("answered") == params:
        params["run"] = "1"
    st.query_params.from_dict(params)


def _explore() -> None:
    runner()  # the first page view starts the worker pool, so the first Run does not wait for it
    request = sidebar()
    # Fixed slots for what comes and goes (upload errors, run progress): Streamlit keeps a tab selected across
    # reruns only while the tabs stay at the same place on the page.
    with st.container():
        upload_problem()
        for problem in st.session_state.pop("link_problems", []):
            st.warning(md(f"The link asked for {problem}; it was left out."))
    runs: dict[str, AppRun] = st.session_state.setdefault("runs", {})
    button, what = st.columns([1, 5], vertical_alignment="center")
    clicked = button.button("Run", type="primary", width="stretch", key="run", disabled=request is None)
    if request is not None:
        q = request.question
        what.markdown(md(_run_line(request.label, request.reference_label, request.scenario.horizon_weeks,
                                   request.scenario.warmup_weeks, q.replications, q.seed)))
        for note in request.notes:  # the pair in the sidebar may mislead: say how before it is run
            st.warning(md(note))
    status = st.container()
    # a link or reload that carries run=1 shows its answer at once (from the replication cache when warm)
    st.session_state.setdefault("link_run", st.query_params.get("run") == "1")
    asked, st.session_state["link_run"] = st.session_state["link_run"] and not runs, False
    if request is not None and (clicked or asked):
        _run_and_keep(request, runs, status)
    _address(request)
    if not runs:
        st.info("No run yet. The baseline is a calibrated 50-clinician agency; press **Run** to simulate it "
                "against itself, or pick a policy scenario first (for example `ai_scribe.yaml`).")
        first, second = st.tabs(["About the model", "Sensitivity"])
        with first:
            about()
        with second:
            sensitivity(request)
        return
    _views(runs, request, status)


def _views(runs: dict[str, AppRun], request: Request | None, status: st.delta_generator.DeltaGenerator) -> None:
    shown = st.selectbox("Showing run", list(runs), key="shown_run") if len(runs) > 1 else next(iter(runs))
    current = runs[shown]
    # The line beside Run says what the sidebar asks for; once an input changes, or an older run is chosen, the
    # figures below are from another run, so they carry their own line (in the status slot: the tabs stay put).
    status.caption(md("Figures from " + _run_line(shown, current.reference_label, current.scenario.horizon_weeks,
                                                  current.scenario.warmup_weeks, current.replications, current.seed)))
    tabs = st.tabs(TABS)
    views: tuple[Callable[[], None], ...] = (
        lambda: answer(current), lambda: story(current), lambda: clinician_week(current), lambda: time_split(current),
        lambda: compare_runs(runs), lambda: sensitivity(request), about)
    for tab, view in zip(tabs, views, strict=True):
        with tab:
            view()


def main() -> None:
    st.title("Paperwork burden simulator")
    teaching = _mode() == "Teach"
    st.caption("What documentation, productivity targets and climate do to a mental-health workforce, and what a "
               "policy would change. " + ("A lesson in five steps: Next moves on." if teaching else
                                          "Choose a scenario and levers in the sidebar, then press Run."))
    if teaching:
        _lesson()
    else:
        _explore()


if __name__ == "__main__":
    main()
