"""The Streamlit app driven headlessly with AppTest: every view, every input path, and the figures it shows.

Runs are kept short (2 replications of 30 weeks) so the whole module takes seconds per run; what is checked is
that the page shows the simulator's own numbers, that they move the right way when a lever moves, and that bad
input is explained without breaking anything else on the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.experiments.experiment import run_experiment
from simulator.experiments.sweep import one_way
from simulator.inputs.levers import EVIDENCE_RANGES, LEVERS
from simulator.outputs.story import pick_clinician
from ui.views import HEADLINE, AppRun

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 300  # seconds for one script run, runs included; generous for a loaded CI machine


def fresh() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def shorten(at: AppTest, scenario: str = "baseline.yaml") -> AppTest:
    """2 replications of 30 weeks (5 of warm-up) for both sides of the comparison."""
    at.number_input(key=f"horizon:{scenario}").set_value(30).run()
    at.number_input(key=f"warmup:{scenario}").set_value(5)
    at.slider(key="replications").set_value(2)
    return at.run()


def press_run(at: AppTest) -> AppTest:
    at.button(key="run").click().run()
    assert not at.exception, at.exception
    return at


def runs(at: AppTest) -> list[AppRun]:
    return list(at.session_state["runs"].values())


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def two_runs() -> AppTest:
    """The baseline against itself, then the baseline with half the documentation offloaded against it."""
    at = shorten(fresh())
    press_run(at)
    at.slider(key="lever:baseline.yaml:paperwork.offload_share").set_value(0.5).run()
    return press_run(at)


def test_the_first_page_explains_itself_and_offers_every_lever() -> None:
    at = fresh()
    assert at.title[0].value == "Paperwork burden simulator"
    assert any("No run yet" in info.value for info in at.info)
    scenarios = at.selectbox(key="chosen").options
    assert scenarios[0] == "baseline.yaml"
    assert {"ai_scribe.yaml", "caseload_cap.yaml", "admin_offload.yaml"} <= set(scenarios)
    for lever in LEVERS:
        widget = at.slider(key=f"lever:baseline.yaml:{lever.path}")
        assert "Unit:" in widget.help, lever.path
        assert "source" in widget.help.lower(), lever.path
        if lever.evidence is not None:
            assert "Evidence range" in widget.help
    assert not at.error


def test_choosing_a_scenario_starts_the_levers_from_its_values() -> None:
    at = fresh()
    at.selectbox(key="chosen").select("ai_scribe.yaml").run()
    assert at.slider(key="lever:ai_scribe.yaml:paperwork.offload_share").value == pytest.approx(0.25)
    assert at.slider(key="lever:ai_scribe.yaml:costs.tool_cost_per_clinician_month").value == pytest.approx(150)
    at.selectbox(key="chosen").select("no_after_hours.yaml").run()
    assert at.slider(key="lever:no_after_hours.yaml:paperwork.after_hours_max_minutes_per_day").value == 0


def test_the_baseline_against_itself_shows_figures_without_a_difference(two_runs: AppTest) -> None:
    first = runs(two_runs)[0]
    assert first.same_as_reference
    assert len(first.policy.summary) == 2


def test_a_lever_run_shows_the_simulators_paired_figures(two_runs: AppTest) -> None:
    at = two_runs
    run = runs(at)[-1]
    assert run.scenario.paperwork.offload_share == 0.5
    assert run.reference.paperwork.offload_share == 0.0
    assert [m.label for m in at.metric] == _card_order()
    # the page shows exactly what the simulator computes for this scenario, seed and replications
    direct = run_experiment(run.scenario, replications=2, seed=run.policy.seed, jobs=1)
    assert direct.summary.equals(run.policy.summary)
    shown = metric_values(at)
    assert shown["Departures per year"] == f"{direct.summary.departures_per_year.mean():.1f}"
    assert all(m.delta for m in at.metric), "every card shows its change against the reference"


def test_offloading_documentation_moves_the_figures_the_right_way(two_runs: AppTest) -> None:
    table = runs(two_runs)[-1].comparison().set_index("metric")
    change, upper = table["diff_mean"].to_dict(), table["ci_high"].to_dict()
    # half the documentation gone: less desk time after hours and less exhaustion, in every paired replication
    assert change["after_hours_hours_per_clinician_week"] < 0
    assert change["ee_mean"] < 0
    assert upper["paperwork_share"] < 0


def test_every_view_renders_its_charts(two_runs: AppTest) -> None:
    at = two_runs
    assert [t.label for t in at.tabs] == ["Answer", "Story over time", "A clinician's week", "Time split",
                                          "Compare runs", "Sensitivity", "About the model"]
    charts = at.get("vega_lite_chart")
    # the change forest, the story, the clinician's week, the time split, and the comparison's bars and split
    assert len(charts) == 6
    clinician = next(box for box in at.selectbox if box.label == "Clinician")
    trace = runs(at)[-1].trace
    assert trace is not None
    assert clinician.value == pick_clinician(trace), "the clinician whose exhaustion rose most is preselected"
    weeks_present = trace.groupby("clinician").week.nunique()
    assert [int(c) for c in clinician.options] == sorted(weeks_present[weeks_present == 2].index)
    assert len(at.download_button) == 3
    assert set(at.multiselect(key="compare_runs").value) == set(at.session_state["runs"])


def test_a_bad_upload_is_explained_and_nothing_else_breaks(two_runs: AppTest) -> None:
    at = two_runs
    at.file_uploader(key="upload").upload(
        "broken.yaml", b"extends: baseline.yaml\nworkload:\n  productivity_target: 1.7\n", "application/x-yaml")
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "broken.yaml was not loaded" in message
    assert "broken.yaml:3: workload.productivity_target" in message
    assert at.selectbox(key="chosen").value == "baseline.yaml"
    assert len(at.metric) == 6, "the last results stay on the page"
    assert not at.button(key="run").disabled


@pytest.mark.parametrize(("text", "expected"), [
    (b"extends: ../pyproject.toml\n", "outside"),
    (b"staff:\n  clinicians: 1000\n", "more than this server allows"),
    (b"\xff\xfe\x00bad", "UTF-8"),
    (b"- a list\n- not a mapping\n", "mapping"),
])
def test_hostile_uploads_are_refused_with_a_reason(text: bytes, expected: str) -> None:
    at = fresh()
    at.file_uploader(key="upload").upload("hostile.yaml", text, "application/x-yaml")
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "hostile.yaml was not loaded" in message
    assert expected in message, message


def test_a_good_upload_becomes_the_chosen_scenario() -> None:
    at = fresh()
    at.file_uploader(key="upload").upload("small.yaml", b"extends: baseline.yaml\nname: small\n"
                                                        b"staff:\n  clinicians: 8\n", "application/x-yaml")
    at.run()
    assert not at.error
    assert at.selectbox(key="chosen").value == "uploaded: small.yaml"
    assert at.slider(key="lever:uploaded: small.yaml:staff.clinicians").value == 8
    # choosing another scenario afterwards sticks: the kept upload does not grab the selection back
    at.selectbox(key="chosen").select("baseline.yaml").run()
    assert at.selectbox(key="chosen").value == "baseline.yaml"


def test_a_timed_policy_applies_from_its_week() -> None:
    at = shorten(fresh())
    at.slider(key="lever:baseline.yaml:paperwork.offload_share").set_value(0.4)
    at.checkbox(key="timed").check().run()
    at.number_input(key="from_week").set_value(12).run()
    press_run(at)
    scenario = runs(at)[-1].scenario
    assert scenario.paperwork.offload_share == 0.0
    assert [(p.at_week, p.set) for p in scenario.policies] == [(12, {"paperwork.offload_share": 0.4})]


def test_new_seed_gives_another_seed() -> None:
    at = fresh()
    before = at.number_input(key="seed").value
    next(b for b in at.button if b.label == "New seed").click().run()
    assert at.number_input(key="seed").value != before


RUN_LINE = re.compile(r"(\d+) paired replications of (\d+) weeks \((\d+) of warm-up\), seed (\d+)")


def test_the_figures_say_which_run_they_are_from_after_the_sidebar_moves_on() -> None:
    at = press_run(shorten(fresh()))  # 2 replications of 30 weeks, 5 of warm-up
    at.slider(key="replications").set_value(3)
    at.number_input(key="warmup:baseline.yaml").set_value(4)
    at.run()
    # beside Run: what pressing it would do now
    assert any(RUN_LINE.search(m.value) and "3 paired replications of 30 weeks (4 of warm-up)" in m.value
               for m in at.markdown)
    # above the figures: the run they come from, with settings that reproduce them
    line = next(c.value for c in at.caption if c.value.startswith("Figures from"))
    found = RUN_LINE.search(line)
    assert found is not None, line
    replications, weeks, warmup, seed = (int(g) for g in found.groups())
    assert (replications, weeks, warmup) == (2, 30, 5)
    scenario = runs(at)[-1].scenario.with_changes({"horizon_weeks": weeks, "warmup_weeks": warmup})
    direct = run_experiment(scenario, replications=replications, seed=seed, jobs=1).summary
    assert metric_values(at)["Sessions delivered"] == f"{direct.sessions_per_week.mean():,.0f} /week"


def _card_order() -> list[str]:
    """st.columns(3) fills row by row; AppTest lists the cards column by column."""
    labels = [h[1] for h in HEADLINE]
    return [labels[i] for c in range(3) for i in range(c, len(labels), 3)]


def test_the_sensitivity_view_runs_a_one_way_sweep_and_draws_its_tornado() -> None:
    at = shorten(fresh())
    levers = ["paperwork.note_minutes.mean", "paperwork.offload_share"]
    at.multiselect(key="sweep_levers").set_value(levers)
    at.slider(key="sweep_replications").set_value(2).run()
    at.button(key="sweep_run").click().run()
    assert not at.exception, at.exception
    finished = at.session_state["sweep"]
    # the app's sweep on its shared pool is the library's one-way sweep, replication for replication
    direct = one_way(finished.sweep.base, levers, replications=2, seed=finished.sweep.seed, jobs=1)
    assert finished.results.equals(direct)
    table = finished.tornado().set_index(["metric", "lever"])
    assert set(table.index.get_level_values("lever")) == set(levers)
    assert table.loc[("ee_high_share", "paperwork.note_minutes.mean"), ["low_value", "high_value"]].tolist() == [
        EVIDENCE_RANGES["paperwork.note_minutes.mean"].low, EVIDENCE_RANGES["paperwork.note_minutes.mean"].high]
    # thirty-minute notes exhaust more clinicians than five-minute notes; offloading half of them helps
    notes = table.loc[("ee_high_share", "paperwork.note_minutes.mean")]
    assert notes["high_mean"] > notes["low_mean"]
    offload = table.loc[("ee_high_share", "paperwork.offload_share")]
    assert offload["high_mean"] <= offload["low_mean"]
    assert len(at.get("vega_lite_chart")) == 1
    assert {b.label for b in at.download_button} >= {"Tornado table (CSV)", "Every point × replication (CSV)"}


def test_a_sweep_larger_than_the_server_allows_cannot_start() -> None:
    at = fresh()
    at.multiselect(key="sweep_levers").set_value(list(EVIDENCE_RANGES))
    at.slider(key="sweep_replications").set_value(10).run()
    assert at.button(key="sweep_run").disabled
    assert any("larger than this server allows" in w.value for w in at.warning)
