"""Shared set-up for the real-browser tests: a Streamlit server on a free port and Debian's Chromium.

Without Chromium or Playwright the browser tests skip with the reason; CI sets ``PAPERWORK_REQUIRE_BROWSER=1``
(after installing ``chromium`` with apt-get) so a missing browser fails the run instead of hiding it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PAPERWORK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1280, "height": 800}


def require_browser() -> None:
    """Skip (or, in CI, fail) when the browser stack is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright is not installed (pip install playwright)")
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("PAPERWORK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PAPERWORK_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def streamlit_server(workers: int = 2) -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port; yields its URL once it answers its health check."""
    port = free_port()
    env = {**os.environ, "PAPERWORK_APP_WORKERS": str(workers)}
    log = (ROOT / "results" / f"streamlit-{port}.log")
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # the code under test must not change under a running test when someone edits a file
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log}")
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
