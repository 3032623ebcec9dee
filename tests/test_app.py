"""The Streamlit app driven headlessly with AppTest: every view, every input path, and the figures it shows.

Runs are kept short (30 to 40 weeks, a few replications) so the module takes seconds per run; what is checked is that
the page shows the simulator's own numbers and words that agree with them, that a question survives the address
bar, and that bad input is explained without breaking anything else on the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from charts_seen import chart_rows
from streamlit.testing.v1 import AppTest

from simulator.experiments.experiment import run_experiment
from simulator.experiments.sweep import one_way
from simulator.inputs.levers import EVIDENCE_RANGES
from simulator.outputs import formatting
from simulator.outputs.story import pick_clinician
from ui.levers import APP_LEVERS
from ui.runs import HEADLINE, AppRun

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 300  # seconds for one script run, runs included; generous for a loaded CI machine


def fresh(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    return at


def shorten(at: AppTest, scenario: str = "baseline.yaml", reps: int = 2, weeks: int = 30) -> AppTest:
    """``reps`` replications of ``weeks`` weeks (5 of warm-up) for both sides of the comparison."""
    at.number_input(key=f"horizon:{scenario}").set_value(weeks).run()
    at.number_input(key=f"warmup:{scenario}").set_value(5)
    at.slider(key="replications").set_value(reps)
    return at.run()


def press_run(at: AppTest) -> AppTest:
    at.button(key="run").click().run()
    assert not at.exception, at.exception
    return at


def runs(at: AppTest) -> list[AppRun]:
    return list(at.session_state["runs"].values())


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def descriptions(at: AppTest) -> list[str]:
    return [m.proto.delta_description for m in at.metric]


def card_value(mean: float, metric: str) -> str:
    unit = next(u for m, _, u in HEADLINE if m == metric)
    return formatting.number(mean, formatting.scale_of(metric)) + unit


@pytest.fixture(scope="module")
def two_runs() -> AppTest:
    """The baseline against itself, then the baseline with half the documentation offloaded against it."""
    at = shorten(fresh(), reps=5)
    press_run(at)
    at.slider(key="lever:baseline.yaml:paperwork.offload_share").set_value(0.5).run()
    return press_run(at)


def test_the_first_page_explains_itself_and_offers_every_lever() -> None:
    at = fresh()
    assert at.title[0].value == "Paperwork burden simulator"
    assert any("No run yet" in info.value for info in at.info)
    assert at.session_state["mode"] == "Explore"
    scenarios = at.selectbox(key="chosen").options
    assert scenarios[0] == "baseline.yaml"
    assert {"ai_scribe.yaml", "exodus.yaml", "exodus_relief.yaml"} <= set(scenarios)
    for lever in APP_LEVERS:
        widget = at.slider(key=f"lever:baseline.yaml:{lever.path}")
        assert "Unit:" in widget.help, lever.path
        assert "source" in widget.help.lower(), lever.path
    assert at.slider(key="lever:baseline.yaml:costs.admin_salary_annual").value == 42000
    assert "one possible future" in at.slider(key="replications").help  # a replication, in plain words
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
    assert len(first.policy.summary) == 5


def test_a_lever_run_shows_the_simulators_paired_figures_and_its_changes(two_runs: AppTest) -> None:
    at = two_runs
    run = runs(at)[-1]
    assert run.scenario.paperwork.offload_share == 0.5
    assert run.reference.paperwork.offload_share == 0.0
    direct = run_experiment(run.scenario, replications=5, seed=run.seed, jobs=1)
    assert direct.summary.equals(run.policy.summary)
    shown = metric_values(at)
    assert shown["Departures per year"] == card_value(direct.summary.departures_per_year.mean(), "departures_per_year")
    assert shown["Net margin per year"].startswith("$")
    assert all(m.delta for m in at.metric), "every card shows its change against the reference"
    # each card prints its interval and its paired change with its own interval, not only in a tooltip
    printed = [m.value for m in at.markdown if m.value.startswith(":small[95% CI")]
    assert len(printed) == 6
    assert all("change " in text and text.count("95% CI") == 2 for text in printed)


def test_offloading_documentation_moves_the_figures_the_right_way(two_runs: AppTest) -> None:
    table = runs(two_runs)[-1].comparison().set_index("metric")
    change, upper = table["diff_mean"].to_dict(), table["ci_high"].to_dict()
    assert change["after_hours_hours_per_clinician_week"] < 0
    assert change["ee_mean"] < 0
    assert upper["paperwork_share"] < 0


def test_every_view_renders_its_charts(two_runs: AppTest) -> None:
    at = two_runs
    assert [t.label for t in at.tabs] == ["Answer", "Story over time", "A clinician's week", "Time split",
                                          "Compare runs", "Sensitivity", "About the model"]
    # the change chart, 8 story panels, 2 weeks x 2 sides, the time split, 6 values and 6 paired differences
    assert len(at.get("vega_lite_chart")) == 1 + 8 + 4 + 1 + 6 + 6
    clinician = next(box for box in at.selectbox if box.label == "Clinician")
    trace = runs(at)[-1].trace
    assert trace is not None
    assert clinician.value == pick_clinician(trace), "the clinician whose exhaustion rose most is preselected"
    assert {b.label for b in at.download_button} == {"Everything (ZIP)", "Scenario (YAML)", "Reference (YAML)",
                                                     "Replications (CSV)", "Comparison (CSV)"}
    assert set(at.multiselect(key="compare_runs").value) == set(at.session_state["runs"])
    assert len(at.get("graphviz_chart")) == 1, "About the model draws the model's loops"
    # the story's words come from its figures
    story = next(m.value for m in at.markdown if m.value.startswith("Replication 0 of"))
    assert "Over the measured weeks" in story


def test_a_harsh_policy_reads_as_a_trade_off_at_the_cost_of_clinicians() -> None:
    at = shorten(fresh(), reps=5, weeks=40)
    at.slider(key="lever:baseline.yaml:workload.productivity_target").set_value(0.8)
    at.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").set_value(25.0).run()
    press_run(at)
    verdict = " ".join(w.value for w in at.warning)
    assert "A trade-off, not a win" in verdict
    assert "at the cost of clinicians" in verdict
    assert "the share of clinicians with high exhaustion (EE ≥ 27) rises" in verdict
    # Money follows the paperwork since issue 18: longer notes and a higher quota leave more sessions unbilled, so
    # the margin no longer rises with them and is not offered as the policy's gain.
    margin = next(m for m in at.metric if m.label == "Net margin per year")
    assert margin.proto.delta_description.startswith("worse"), margin.proto.delta_description
    share = next(m for m in at.metric if m.label == "Share with EE ≥ 27")
    assert share.proto.delta_description == "worse; stands out from noise"


def test_too_few_replications_are_too_early_to_tell_and_stay_possible() -> None:
    at = press_run(shorten(fresh(), reps=2))
    at.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").set_value(25.0).run()
    press_run(at)
    assert set(descriptions(at)) == {"too early to tell"}
    assert any("Too early to tell: 2 paired replications" in i.value for i in at.info)
    for text in (m.value for m in at.markdown if m.value.startswith(":small[95% CI")):
        if "$" in text:
            continue  # the net margin is a balance: below zero is possible
        low = text.split("95% CI ")[1].split(" to ")[0]
        assert not low.startswith("-"), text  # no negative departures, sessions, waits or shares


def test_runs_with_different_levers_are_named_apart() -> None:
    at = shorten(fresh(), reps=1)
    at.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").set_value(20.0).run()
    press_run(at)
    at.checkbox(key="timed").check().run()
    at.number_input(key="from_week").set_value(12).run()
    press_run(at)
    names = list(at.session_state["runs"])
    assert names == ["#1 baseline.yaml, note minutes 20, 30 weeks (5 warm-up)",
                     "#2 baseline.yaml, note minutes 20, from week 12, 30 weeks (5 warm-up)"]
    assert at.selectbox(key="shown_run").options == names
    assert any(names[1] in c.value for c in at.caption)


def test_the_question_is_in_the_address_bar_and_a_reload_shows_the_same_answer() -> None:
    at = shorten(fresh(), reps=2)
    at.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").set_value(22.0)
    at.selectbox(key="reference").select("ai_scribe.yaml").run()
    press_run(at)
    query = {k: str(v) for k, v in at.query_params.items()}
    assert query["paperwork.note_minutes.mean"] == "22"
    assert (query["scenario"], query["reference"], query["reps"], query["weeks"]) == ("baseline.yaml",
                                                                                       "ai_scribe.yaml", "2", "30")
    assert query["run"] == "1"
    before = metric_values(at)
    again = fresh(query)  # a reload, or a colleague opening the link
    assert again.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").value == 22.0
    assert again.selectbox(key="reference").value == "ai_scribe.yaml"
    assert metric_values(again) == before
    # once a lever moves, the address no longer claims the answer on screen
    again.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").set_value(23.0).run()
    assert "run" not in again.query_params


def test_a_link_with_a_value_no_widget_can_hold_says_so() -> None:
    at = fresh({"scenario": "baseline.yaml", "reference": "baseline.yaml", "reps": "3", "seed": "7",
                "workload.caseload_cap": "9000"})
    assert at.slider(key="replications").value == 3
    assert any("workload.caseload_cap=9000" in w.value for w in at.warning)


def test_a_bad_upload_is_explained_and_its_message_goes_once_the_file_is_removed(two_runs: AppTest) -> None:
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
    at.file_uploader(key="upload").clear()
    at.run()
    assert not any("was not loaded" in e.value for e in at.error)


def test_choosing_another_scenario_clears_an_upload_error() -> None:
    at = fresh()
    at.file_uploader(key="upload").upload("bad.yaml", b"staff: [1, 2]\n", "application/x-yaml")
    at.run()
    assert any("bad.yaml was not loaded" in e.value for e in at.error)
    at.selectbox(key="chosen").select("ai_scribe.yaml").run()
    assert not any("was not loaded" in e.value for e in at.error)


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


def test_an_upload_is_both_scenario_and_reference_and_a_different_size_is_flagged() -> None:
    at = fresh()
    at.file_uploader(key="upload").upload("small.yaml", b"extends: baseline.yaml\nname: small\n"
                                                        b"staff:\n  clinicians: 8\n", "application/x-yaml")
    at.run()
    assert not at.error
    assert at.selectbox(key="chosen").value == "uploaded: small.yaml"
    assert at.selectbox(key="reference").value == "uploaded: small.yaml"  # my agency against my agency
    assert "uploaded: small.yaml" in at.selectbox(key="reference").options
    assert at.slider(key="lever:uploaded: small.yaml:staff.clinicians").value == 8
    assert not at.warning
    at.selectbox(key="reference").select("baseline.yaml").run()
    assert any("8 clinician positions and baseline.yaml 50" in w.value for w in at.warning)
    # choosing another scenario afterwards sticks: the kept upload does not grab the selection back
    at.selectbox(key="chosen").select("ai_scribe.yaml").run()
    assert at.selectbox(key="chosen").value == "ai_scribe.yaml"


def test_files_written_for_different_run_lengths_are_flagged() -> None:
    at = fresh()
    at.selectbox(key="chosen").select("exodus.yaml").run()
    notes = " ".join(w.value for w in at.warning)
    assert "different run lengths" in notes
    assert "234 weeks" in notes


def test_a_timed_policy_applies_from_its_week_and_is_marked_on_the_story() -> None:
    at = shorten(fresh())
    at.slider(key="lever:baseline.yaml:paperwork.offload_share").set_value(0.4)
    at.checkbox(key="timed").check().run()
    at.number_input(key="from_week").set_value(12).run()
    press_run(at)
    scenario = runs(at)[-1].scenario
    assert scenario.paperwork.offload_share == 0.0
    assert [(p.at_week, p.set) for p in scenario.policies] == [(12, {"paperwork.offload_share": 0.4})]
    headcount = at.get("vega_lite_chart")[1]
    assert "week 12: the lever changes" in set(chart_rows(headcount).get("label", []))


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
    assert any(RUN_LINE.search(m.value) and "3 paired replications of 30 weeks (4 of warm-up)" in m.value
               for m in at.markdown)
    line = next(c.value for c in at.caption if c.value.startswith("Figures from"))
    found = RUN_LINE.search(line)
    assert found is not None, line
    replications, weeks, warmup, seed = (int(g) for g in found.groups())
    assert (replications, weeks, warmup) == (2, 30, 5)
    scenario = runs(at)[-1].scenario.with_changes({"horizon_weeks": weeks, "warmup_weeks": warmup})
    direct = run_experiment(scenario, replications=replications, seed=seed, jobs=1).summary
    assert metric_values(at)["Sessions delivered"] == card_value(direct.sessions_per_week.mean(), "sessions_per_week")


def test_the_sensitivity_view_runs_a_one_way_sweep_and_draws_its_tornado() -> None:
    at = shorten(fresh())
    levers = ["paperwork.note_minutes.mean", "paperwork.offload_share"]
    at.multiselect(key="sweep_levers").set_value(levers)
    at.slider(key="sweep_replications").set_value(2).run()
    at.button(key="sweep_run").click().run()
    assert not at.exception, at.exception
    finished = at.session_state["sweep"]
    direct = one_way(finished.sweep.base, levers, replications=2, seed=finished.sweep.seed, jobs=1)
    assert finished.results.equals(direct)
    table = finished.tornado().set_index(["metric", "lever"])
    assert set(table.index.get_level_values("lever")) == set(levers)
    assert table.loc[("ee_high_share", "paperwork.note_minutes.mean"), ["low_value", "high_value"]].tolist() == [
        EVIDENCE_RANGES["paperwork.note_minutes.mean"].low, EVIDENCE_RANGES["paperwork.note_minutes.mean"].high]
    notes = table.loc[("ee_high_share", "paperwork.note_minutes.mean")]
    assert notes["high_mean"] > notes["low_mean"]
    offload = table.loc[("ee_high_share", "paperwork.offload_share")]
    assert offload["high_mean"] <= offload["low_mean"]
    tornadoes = at.get("vega_lite_chart")
    assert len(tornadoes) == 3  # one per metric, each as wide as the page
    assert all("seed" in t.proto.spec for t in tornadoes)
    assert {b.label for b in at.download_button} >= {"Tornado table (CSV)", "Every point × replication (CSV)"}


def test_a_sweep_larger_than_the_server_allows_cannot_start() -> None:
    at = fresh()
    at.multiselect(key="sweep_levers").set_value(list(EVIDENCE_RANGES))
    at.slider(key="sweep_replications").set_value(10).run()
    assert at.button(key="sweep_run").disabled
    assert any("larger than this server allows" in w.value for w in at.warning)
