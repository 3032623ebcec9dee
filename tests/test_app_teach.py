"""Teach mode, driven headlessly: five prepared comparisons in order, each with narration, a question for the room
and the policy drawn against its reference; and the way back to Explore with the question the sidebar held."""

from __future__ import annotations

from pathlib import Path

from charts_seen import chart_rows
from streamlit.testing.v1 import AppTest

from ui.teach import LESSON, LESSON_SEED

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 600  # the exodus steps run 234 weeks; a loaded CI machine may take minutes


def test_the_lesson_walks_five_prepared_comparisons() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"mode": "teach", "step": "1"})
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["mode"] == "Teach"
    for number, step in enumerate(LESSON, start=1):
        assert f"{number}. {step.title}" in [h.value for h in at.header]
        words = " ".join(m.value for m in at.markdown)
        assert step.narration.split(".")[0] in words
        assert f"**Question for the room:** {step.question}" in words
        assert at.query_params["step"] == str(number)
        drawn = at.get("vega_lite_chart")
        assert len(drawn) == (2 if step.view == "week" else len(step.panels)), step.title
        assert all(f"seed {LESSON_SEED}" in chart.proto.spec for chart in drawn)
        if step.view == "story":  # the policy and its reference in the same chart
            assert {"policy", "reference"} <= set(chart_rows(drawn[0])["role"]), step.title
        if number < len(LESSON):
            at.button(key="lesson_next").click().run()
            assert not at.exception, at.exception
    assert at.button(key="lesson_next").disabled


def test_the_cascade_step_shows_vacancies_opening_after_the_squeeze() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"mode": "teach", "step": "4"})
    at.run()
    assert not at.exception, at.exception
    vacancies = next(c for c in at.get("vega_lite_chart") if "Open vacancies" in c.proto.spec)
    rows = chart_rows(vacancies).dropna(subset=["role"])
    late = rows[rows["week"] >= 130].groupby("role")["vacancies"].mean()
    assert late["policy"] > 2 * late["reference"]  # exodus.yaml against the baseline


def test_back_from_teach_mode_the_sidebar_asks_the_same_question() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").set_value(21.0)
    at.slider(key="replications").set_value(4).run()
    at.segmented_control(key="mode").set_value("Teach").run()
    assert at.query_params["mode"] == "teach"
    at.segmented_control(key="mode").set_value("Explore").run()
    assert not at.exception, at.exception
    assert at.slider(key="lever:baseline.yaml:paperwork.note_minutes.mean").value == 21.0
    assert at.slider(key="replications").value == 4
