"""Count the machine instructions of one baseline replication: a measure of the model's cost that the machine's load
cannot move.

On the shared 2-core machine, the speed available to one process drifts by up to a factor of two within minutes, so
seconds compare two versions of the model only when interleaved many times. Valgrind's instruction count (Ir) is
not time (cache misses and allocation differ in cost), but a change that removes a tenth of the instructions
removes about a tenth of the time.

Two counts are printed:

* **by difference**, in every mode: two processes run under ``valgrind --tool=cachegrind`` side by side, one
  imports the package and loads the scenario, the other does the same and then simulates one replication; the
  difference is the replication, with the teardown of what it built. This is how the budgets' 454.7 M was
  measured. The two processes do not import in exactly the same way (caches written on first use, layout), so the
  difference moves by about 1 % from run to run: compare versions over several runs.
* **inside simulate()**, when the core is compiled: one process under ``valgrind --tool=callgrind`` that counts
  only while the compiled ``simulate`` runs. It repeats to about 0.3 %, and is the count to compare two versions
  of the compiled model by (it leaves out the teardown, so it is some 3-6 % below the difference).

The horizon is short (40 weeks, 4 of warm-up) because valgrind runs about 50 times slower than the machine.

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
import tempfile
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


def _inside_simulate(code: str) -> int:
    """Instructions executed inside the compiled ``simulate`` (callgrind, counting only while it runs)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--toggle-collect=CPyDef_agency___simulate",
             f"--callgrind-out-file={out}", sys.executable, "-c", code],
            capture_output=True, text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
        found = re.search(r"^(?:summary|totals):\s+(\d+)", out.read_text(), re.MULTILINE) if out.exists() else None
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


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
    compiled = not os.environ.get("PAPERWORK_PURE") and _core_is_compiled()
    with ThreadPoolExecutor(3) as pool:
        base = pool.submit(_instructions, _CHILD.format(simulate=False, **settings))
        run = pool.submit(_instructions, _CHILD.format(simulate=True, **settings))
        inside = pool.submit(_inside_simulate, _CHILD.format(simulate=True, **settings)) if compiled else None
        (imports, _), (total, report) = base.result(), run.result()
    mode, sim_events, events, days = report.split()
    print(f"model core: {mode}{' (PAPERWORK_PURE=1)' if os.environ.get('PAPERWORK_PURE') else ''}")
    print(f"replication {args.replication} of {Path(args.scenario).name}, {args.weeks} weeks: "
          f"{int(sim_events):,} SimPy events, {int(events):,} logged events, {int(days):,} day records")
    print(f"instructions: {total - imports:,} for the replication, by difference "
          f"({total:,} in all, {imports:,} for the interpreter, imports and scenario)")
    if inside is not None:
        print(f"instructions: {inside.result():,} inside simulate()")


def _core_is_compiled() -> bool:
    """Whether this checkout's model core runs compiled (asked in a child: the answer is the child's to give)."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from simulator._native import is_compiled; " \
           "print(is_compiled())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False).stdout.strip() == "True"


if __name__ == "__main__":
    main()
