"""How long ``paperwork-sim report`` takes, for a run, a comparison and a grid sweep of the baseline agency.

Prints, for each results folder: the whole command as a fresh process (Python start and imports included, what a
user waits for), and the report alone in this process (median of ``--repeats``), split into checking the folder
and building the page. Speed is measured here, never asserted in tests.

Usage (from the repository root)::

    python benchmarks/report_time.py                  # simulate the folders first (about a minute on 2 cores)
    python benchmarks/report_time.py --results DIR    # reuse DIR/run, DIR/cmp, DIR/grid from an earlier call
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.outputs.folders import open_results  # noqa: E402
from simulator.outputs.report import build_report  # noqa: E402

SCENARIOS = ROOT / "scenarios"


def simulate(results: Path, reps: int) -> None:
    """The three folders, written by the command line as a user would."""
    commands = {
        "run": ["run", SCENARIOS / "baseline.yaml", "--reps", reps],
        "cmp": ["compare", SCENARIOS / "baseline.yaml", SCENARIOS / "ai_scribe.yaml", "--reps", reps],
        "grid": ["sweep", SCENARIOS / "sweeps" / "notes_by_target.yaml"],
    }
    for name, args in commands.items():
        if (results / name / "manifest.json").exists():
            continue
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "simulator", *map(str, args), "--jobs", "2", "--out",
                        str(results / name)], check=True, capture_output=True)
        print(f"simulated {name}: {time.perf_counter() - start:.1f} s")


def command_seconds(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulator", "report", str(folder), "--out", str(out)], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def in_process(folder: Path, repeats: int) -> tuple[float, float]:
    """Median seconds to check the folder, and to check it and build the whole page."""
    checks, builds = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        open_results(folder)
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        build_report(folder)
        builds.append(time.perf_counter() - start)
    return statistics.median(checks), statistics.median(builds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--results", type=Path, help="folder holding run/, cmp/ and grid/ (made if missing)")
    parser.add_argument("--reps", type=int, default=10, help="replications of the run and the comparison")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = args.results or Path(tempfile.mkdtemp(prefix="report-time-"))
    simulate(results, args.reps)
    print(f"load average {os.getloadavg()[0]:.1f}; folders in {results}")
    print(f"{'folder':<6} {'command (fresh process)':>24} {'check folder':>13} {'check + build page':>19}")
    for name in ("run", "cmp", "grid"):
        whole = command_seconds(results / name, results / f"{name}.html")
        check, build = in_process(results / name, args.repeats)
        print(f"{name:<6} {whole:>22.2f} s {check:>11.2f} s {build:>17.2f} s")


if __name__ == "__main__":
    main()
