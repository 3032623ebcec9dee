"""How fast the app answers: seconds from pressing Run to the first figures and to the complete answer.

Usage: python benchmarks/app_latency.py [--runs 3]. Starts ``streamlit run app.py`` on a free port, opens it in Debian's
Chromium with Playwright at 1280x800, presses Run on the bundled baseline (its own length and replications) and
times, from the click: the first headline figures on screen (shown as soon as one paired replication is done),
and the complete answer. Runs after the first hit the server's replication cache, so the first run is the
honest figure; later runs show the cached case.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, streamlit_server  # noqa: E402
from playwright.sync_api import ViewportSize, sync_playwright  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        print(f"{'run':>3} {'first figures (s)':>18} {'complete answer (s)':>20}")
        for run in range(1, args.runs + 1):
            page = browser.new_page(viewport=ViewportSize(width=VIEWPORT["width"], height=VIEWPORT["height"]))
            page.goto(url)
            page.get_by_text("No run yet").wait_for(timeout=60_000)
            page.wait_for_timeout(500)
            metrics = page.locator('[data-testid="stMetric"]')
            start = time.perf_counter()
            page.get_by_role("button", name="Run", exact=True).click()
            metrics.first.wait_for(timeout=600_000)
            first = time.perf_counter() - start
            page.get_by_role("tab", name="Answer").wait_for(timeout=600_000)
            page.locator('[data-testid="stProgress"]').wait_for(state="detached", timeout=600_000)
            complete = time.perf_counter() - start
            print(f"{run:>3} {first:>18.2f} {complete:>20.2f}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
