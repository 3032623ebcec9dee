"""How fast the app answers: seconds from pressing Run to the first figures and to the complete answer, and from
moving to a lesson step to its charts on screen.

Usage: python benchmarks/app_latency.py [--runs 2] [--no-lesson]. Starts ``streamlit run app.py`` on a free port and
opens it in Debian's Chromium with Playwright at 1280x800.

* Run: presses Run on the bundled baseline (its own length and replications), once the worker pool has started,
  and times, from the click, the first headline figures on screen (shown as soon as one paired replication is
  done) and the complete answer. Runs after the first hit the server's replication cache, so the first run is the
  honest figure; later runs show the cached case.
* Lesson: opens Teach mode, times each step cold (its runs computed on the way), then again warm (from the cache,
  as in class once "Prepare every step" has been pressed), from the click on Next (step 1: from opening the link)
  to every chart of the step drawn.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, streamlit_server  # noqa: E402
from playwright.sync_api import ViewportSize, sync_playwright  # noqa: E402

from ui.teach import LESSON  # noqa: E402

TIMEOUT_MS = 600_000
POOL_START_MS = 2_000


def _page(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport=ViewportSize(width=VIEWPORT["width"], height=VIEWPORT["height"]))
    page.goto(url)
    page.get_by_role("heading", name="Paperwork burden simulator").wait_for(timeout=60_000)
    return page


def _idle(page: Any) -> None:
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(state="hidden", timeout=TIMEOUT_MS)


def run_times(browser: Any, url: str, runs: int) -> None:
    print(f"{'run':>3} {'first figures (s)':>18} {'complete answer (s)':>20}")
    for run in range(1, runs + 1):
        page = _page(browser, url)
        page.get_by_text("No run yet").wait_for(timeout=60_000)
        _idle(page)
        # The first page view starts the worker pool (about 1.5 s); a person takes longer than that to find Run, so
        # the click comes after it, and the figure is the run's own latency, not the server's start.
        page.wait_for_timeout(POOL_START_MS)
        metrics = page.locator('[data-testid="stMetric"]')
        start = time.perf_counter()
        page.get_by_role("button", name="Run", exact=True).click()
        metrics.first.wait_for(timeout=TIMEOUT_MS)
        first = time.perf_counter() - start
        page.get_by_role("tab", name="Answer").wait_for(timeout=TIMEOUT_MS)
        page.locator('[data-testid="stProgress"]').wait_for(state="detached", timeout=TIMEOUT_MS)
        complete = time.perf_counter() - start
        print(f"{run:>3} {first:>18.2f} {complete:>20.2f}")
        page.close()


def _step_shown(page: Any, number: int) -> None:
    """Every chart of lesson step ``number`` drawn (an SVG in each chart's container)."""
    step = LESSON[number - 1]
    expected = 2 if step.view == "week" else len(step.panels)
    page.get_by_role("heading", name=f"{number}. {step.title}").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"document.querySelectorAll('.st-key-lesson .vega-embed svg').length >= {expected} && "
        "!document.querySelector('.st-key-lesson [data-testid=\"stProgress\"]') && "
        "document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=TIMEOUT_MS)


def lesson_times(browser: Any, url: str) -> None:
    page = browser.new_page(viewport=ViewportSize(width=VIEWPORT["width"], height=VIEWPORT["height"]))
    times: dict[str, list[float]] = {"cold": [], "warm": []}
    for kind in ("cold", "warm"):
        start = time.perf_counter()  # step 1 is timed from opening the lesson's link
        page.goto(url + "?mode=teach&step=1")
        _step_shown(page, 1)
        times[kind].append(time.perf_counter() - start)
        _idle(page)
        for number in range(2, len(LESSON) + 1):
            start = time.perf_counter()
            page.get_by_role("button", name="Next ▶").click()
            _step_shown(page, number)
            times[kind].append(time.perf_counter() - start)
            _idle(page)
    print(f"{'step':>4} {'cold (s)':>9} {'warm (s)':>9}  title")
    for number, step in enumerate(LESSON, start=1):
        print(f"{number:>4} {times['cold'][number - 1]:>9.2f} {times['warm'][number - 1]:>9.2f}  {step.title}")
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-lesson", action="store_true", help="time the Run button only")
    args = parser.parse_args()
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        run_times(browser, url, args.runs)
        if not args.no_lesson:
            lesson_times(browser, url)
        browser.close()


if __name__ == "__main__":
    main()
