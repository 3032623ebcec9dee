"""Count the machine instructions of one baseline replication: a measure of the model's cost that the machine's load
cannot move.

On the shared 2-core machine, the speed available to one process drifts by up to a factor of two within minutes, so
seconds compare two versions of the model only when interleaved many times. Valgrind's instruction count (Ir) is the
same from run to run, to a few parts in ten thousand. It is not time (cache misses and allocation differ in cost),
but a change that removes a tenth of the instructions removes about a tenth of the time.

Two processes run under ``valgrind --tool=cachegrind`` side by side: one imports the package and loads the
scenario, the other does the same and then simulates one replication; the difference is the replication. The
horizon is short (40 weeks, 4 of warm-up) because valgrind runs about 50 times slower than the machine.

    python benchmarks/instructions.py            # this checkout, compiled if it is built
    PAPERWORK_PURE=1 python benchmarks/instructions.py
    python benchmarks/instructions.py --weeks 20 --replication 1

Needs valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import sys
sys.path.insert(0, {root!r})
from simulator._native import is_compiled
from simulator.inputs.loader import load_scenario
from simulator.model import simulate
scenario = load_scenario({scenario!r}).with_changes({{"horizon_weeks": {weeks}, "warmup_weeks": {warmup}}})
if {simulate}:
    log = simulate(scenario, replication={replication})
    print("compiled" if is_compiled() else "pure", log.sim_events, len(log.events), len(log.days))
"""


def _instructions(code: str) -> tuple[int, str]:
    # A fixed hash seed: string hashing decides how dicts probe, which moves the count by about 1 %.
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", code],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", "")), done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=40, help="horizon of the replication (default 40)")
    parser.add_argument("--replication", type=int, default=0)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"))
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    settings = {"root": str(ROOT), "scenario": args.scenario, "weeks": args.weeks,
                "warmup": max(1, args.weeks // 10), "replication": args.replication}
    with ThreadPoolExecutor(2) as pool:
        base = pool.submit(_instructions, _CHILD.format(simulate=False, **settings))
        run = pool.submit(_instructions, _CHILD.format(simulate=True, **settings))
        (imports, _), (total, report) = base.result(), run.result()
    mode, sim_events, events, days = report.split()
    print(f"model core: {mode}{' (PAPERWORK_PURE=1)' if os.environ.get('PAPERWORK_PURE') else ''}")
    print(f"replication {args.replication} of {Path(args.scenario).name}, {args.weeks} weeks: "
          f"{int(sim_events):,} SimPy events, {int(events):,} logged events, {int(days):,} day records")
    print(f"instructions: {total - imports:,} for the replication "
          f"({total:,} in all, {imports:,} for the interpreter, imports and scenario)")


if __name__ == "__main__":
    main()
