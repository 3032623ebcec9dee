"""The app in a real browser: Playwright driving Debian's Chromium against ``streamlit run app.py``.

An administrator's path: load the page, move a lever, shorten the run, press Run, read the answer, look at every
view, then upload a broken file and see the error while the results stay on the page. Screenshots go to
``$PAPERWORK_SCREENSHOTS`` (the README's pictures are made with ``PAPERWORK_SCREENSHOTS=docs/screenshots``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, VIEWPORT, require_browser, streamlit_server

RUN_TIMEOUT_MS = 600_000  # a short run takes seconds; the margin is for a loaded CI machine and full runs
FULL_RUN = os.environ.get("PAPERWORK_SCREENSHOT_FULL_RUN") == "1"  # the baseline's own length and replications


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    require_browser()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PAPERWORK_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _settle(page: Any) -> None:
    """Wait until Streamlit has finished rerunning the script after an input."""
    page.wait_for_timeout(400)
    page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(state="hidden", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function("document.querySelectorAll('[data-stale=\"true\"]').length === 0",
                           timeout=RUN_TIMEOUT_MS)


def _number(page: Any, label: str, value: int) -> None:
    box = page.locator(f'input[type="number"][aria-label="{label}"]')
    box.fill(str(value))
    box.press("Enter")
    _settle(page)


def _slider(page: Any, label: str, key: str, presses: int = 1) -> None:
    thumb = page.locator(f'input[type="range"][aria-label="{label}"]')
    thumb.focus()
    for _ in range(presses):
        thumb.press(key)
    _settle(page)


def _value(text: str) -> float:
    return float(re.sub(r"[^0-9.\-]", "", text.split()[0]))


def test_an_administrator_runs_a_policy_and_reads_the_answer(browser: Any, app_url: str, shots: Path) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(app_url)
    page.get_by_role("heading", name="Paperwork burden simulator").wait_for(timeout=60_000)
    page.get_by_text("No run yet").wait_for(timeout=30_000)

    # A short run (2 replications of 30 weeks) unless asked for the README's full-length pictures; the lever:
    # a quarter of documentation offloaded, as an AI scribe would.
    if not FULL_RUN:
        _number(page, "Weeks simulated (warm-up included)", 30)
        _number(page, "Warm-up weeks (left out of the figures)", 5)
        _slider(page, "Replications", "Home")
    _slider(page, "Documentation offloaded (scribe, AI, support staff)", "ArrowRight", presses=5)
    # Waited for, not read once: on a loaded machine the rerun after the last key may start after _settle returned.
    page.get_by_text("baseline.yaml + levers").first.wait_for(state="visible", timeout=60_000)
    page.get_by_role("button", name="Run", exact=True).click()

    page.get_by_role("heading", name="What changed, and whether it stands out from noise").wait_for(
        timeout=RUN_TIMEOUT_MS)
    metrics = page.locator('[data-testid="stMetric"]')
    metrics.nth(5).wait_for(timeout=30_000)
    assert metrics.count() == 6
    departures = metrics.filter(has_text="Departures per year")
    assert _value(departures.locator('[data-testid="stMetricValue"]').inner_text()) >= 0
    assert re.search(r"[-+][0-9.]+\s+(stands out from noise|within noise)", departures.inner_text())
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(shots / "answer.png"), full_page=False)

    for tab, name in (("Story over time", "story"), ("A clinician's week", "week"), ("Time split", "split")):
        page.get_by_role("tab", name=tab).click()
        panel = page.locator('[role="tabpanel"]:visible')
        panel.locator(".vega-embed").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)  # let Vega finish drawing before the picture
        panel.screenshot(path=str(shots / f"{name}.png"))
    assert page.locator('[data-testid="stException"]').count() == 0

    # Which levers matter: the default one-way sweep of the scenario in the sidebar, drawn as a tornado.
    page.get_by_role("tab", name="Sensitivity").click()
    panel = page.locator('[role="tabpanel"]:visible')
    if not FULL_RUN:
        _slider(page, "Replications per point", "Home")
    panel.get_by_role("button", name="Run sweep").click()
    panel.get_by_role("heading", name=re.compile("Sensitivity of")).wait_for(timeout=RUN_TIMEOUT_MS)
    tornado = panel.locator(".vega-embed").first
    tornado.wait_for(timeout=30_000)
    tornado.scroll_into_view_if_needed()  # Vega draws a chart below the fold only once it is scrolled to
    page.wait_for_timeout(3000)
    tornado.screenshot(path=str(shots / "sensitivity.png"))
    assert page.locator('[data-testid="stException"]').count() == 0

    # A broken upload: one clear message naming file, line and field; the results stay.
    page.locator('input[type="file"]').set_input_files(files=[{
        "name": "broken.yaml", "mimeType": "application/x-yaml",
        "buffer": b"extends: baseline.yaml\nworkload:\n  productivity_target: 1.7\n"}])
    page.get_by_text("broken.yaml was not loaded").wait_for(timeout=60_000)
    _settle(page)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="broken.yaml")
    assert re.search(r"broken\.yaml:3: workload\.productivity_target", alert.inner_text())
    assert page.get_by_role("tab", name="Story over time").is_visible()
    page.screenshot(path=str(shots / "upload-error.png"))
    page.close()


MANY = ("baseline.yaml", "ai_scribe.yaml", "caseload_cap.yaml", "no_after_hours.yaml", "better_climate.yaml")
# Enough replications that one session's run outlasts the clicks that start the others: with 4, the first page's run
# (baseline against itself, half the work) could finish before the last page was clicked once the model got faster.
MANY_REPS = 10


def _choose(page: Any, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)


def test_five_users_at_once_each_get_their_own_answer_without_waiting_for_the_others(browser: Any,
                                                                                     app_url: str) -> None:
    pages = []
    for scenario in MANY:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(app_url)
        page.get_by_text("No run yet").wait_for(timeout=60_000)
        if scenario != "baseline.yaml":
            _choose(page, "Scenario to test", scenario)
        _number(page, "Weeks simulated (warm-up included)", 30)
        _number(page, "Warm-up weeks (left out of the figures)", 5)
        _slider(page, "Replications", "Home")
        _slider(page, "Replications", "ArrowRight", presses=MANY_REPS - 2)
        # every setting the run depends on: scenario (no "+ levers"), reference, replications, weeks, warm-up
        page.get_by_text(f"{scenario} against baseline.yaml, {MANY_REPS} paired replications of 30 weeks "
                         "(5 of warm-up)").first.wait_for(state="visible", timeout=60_000)
        pages.append(page)
    for page in pages:
        page.get_by_role("button", name="Run", exact=True).click()

    # Watch every page: when it first shows progress, and when its answer is complete. Order, not speed, is the
    # claim: everyone sees progress before anyone's run is over, so nobody waits for another's whole run.
    first_progress: dict[int, int] = {}
    finished: dict[int, int] = {}
    tick = 0
    while len(finished) < len(pages):
        tick += 1
        assert tick < 6000, "a session never finished"
        for i, page in enumerate(pages):
            if i in finished:
                continue
            if i not in first_progress and page.get_by_text(re.compile(r"[1-9]\d* of \d+ paired replications done"))\
                    .count():
                first_progress[i] = tick
            if page.locator('[data-testid="stMetric"]').count() == 6 and \
                    not page.locator('[data-testid="stProgress"]').count():
                finished[i] = tick
                first_progress.setdefault(i, tick)
        pages[0].wait_for_timeout(100)
    assert max(first_progress.values()) <= min(finished.values()), (first_progress, finished)

    # Each page shows its own scenario's figures: the ones the simulator gives for it.
    from simulator.experiments.experiment import run_experiment
    from simulator.inputs.loader import load_scenario

    for scenario, page in zip(MANY, pages, strict=True):
        assert page.locator('[data-testid="stException"]').count() == 0
        resolved = load_scenario(ROOT / "scenarios" / scenario, ["horizon_weeks=30", "warmup_weeks=5"])
        expected = run_experiment(resolved, replications=MANY_REPS, jobs=2).summary
        card = page.locator('[data-testid="stMetric"]').filter(has_text="Sessions delivered")
        shown = card.locator('[data-testid="stMetricValue"]').inner_text()
        # What the page ran, for the message: the line above its figures (the one beside Run is the sidebar's).
        ran = page.get_by_text(re.compile(r"^Figures from")).first.inner_text()
        assert shown == f"{expected.sessions_per_week.mean():,.0f} /week", (scenario, ran)
        page.close()
