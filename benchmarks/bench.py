"""Time the model against its performance budgets, all in one run.

Prints, as one table: the standard policy question (baseline against ai_scribe, 30 paired replications each, the
baseline's horizon, the default local process pool with 2 workers); a bare SimPy skeleton that does nothing but one
timeout per clinician-workday for the same clinicians, weeks and replications on the same kind of pool, and the
ratio of the two; one baseline replication (median of a few); the time to the first replication result of an
experiment (what an app would wait for before drawing its first figures); time per replication at 25-200
clinicians and at 1-5 years; and the peak RSS of one replication at 200 clinicians x 5 years, measured in a fresh
child process (Linux: read from /proc).

Run from the repository root: ``python benchmarks/bench.py`` (``--quick``: 3 paired replications instead of 30,
and fewer repeats). It says whether the model core runs compiled and, if it does, times compiled against pure Python
in turn; ``PAPERWORK_PURE=1`` times the pure-Python sources throughout. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ``python benchmarks/bench.py`` puts benchmarks/ first on sys.path, so an installed (editable) ``simulator`` from
# another checkout would win; time this checkout's package. Pool workers inherit this sys.path.
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Generator  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from functools import partial  # noqa: E402
from typing import Any  # noqa: E402

import simpy  # noqa: E402

import simulator  # noqa: E402
from simulator._native import is_compiled  # noqa: E402
from simulator.experiments.experiment import compare, run_experiment, run_replication  # noqa: E402
from simulator.inputs.loader import load_scenario  # noqa: E402
from simulator.inputs.scenario import Scenario  # noqa: E402

SCENARIOS = ROOT / "scenarios"
WEEKS_PER_YEAR = 52.18
MEMORY_LIMIT_MB = 100.0


# -- workloads ---------------------------------------------------------------------------------------------------
def scaled(baseline: Scenario, *, clinicians: int | None = None, years: int | None = None) -> Scenario:
    """The baseline at another size (demand and admin staff scale with it) or another measured length."""
    changes: dict[str, Any] = {}
    if clinicians is not None:
        factor = clinicians / baseline.staff.clinicians
        changes.update({"staff.clinicians": clinicians,
                        "staff.admin_staff": max(1, round(baseline.staff.admin_staff * factor)),
                        "demand.referrals_per_week": baseline.demand.referrals_per_week * factor})
    if years is not None:
        changes["horizon_weeks"] = baseline.warmup_weeks + 52 * years
    return baseline.with_changes(changes) if changes else baseline


def clinician_years(scenario: Scenario, replications: int = 1) -> float:
    return scenario.staff.clinicians * scenario.horizon_weeks / WEEKS_PER_YEAR * replications


def skeleton_replication(clinicians: int, weeks: int) -> int:
    """SimPy's own floor: each clinician is a process that wakes at 08:00 every workday and does nothing else."""
    env = simpy.Environment()

    def clinician() -> Generator[simpy.Event, Any, None]:
        for week in range(weeks):
            for weekday in range(5):
                yield env.timeout(7 * week + weekday + 1 / 3 - env.now)

    for _ in range(clinicians):
        env.process(clinician())
    env.run()
    return clinicians * weeks * 5


# -- measurements ------------------------------------------------------------------------------------------------
def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def one_replication(scenario: Scenario, repeats: int) -> float:
    """Median wall time of one replication in this process (simulation and reduction to tables)."""
    run_replication(scenario, 0)  # warm imports and caches so the timing is of the model alone
    return statistics.median(timed(partial(run_replication, scenario, k)) for k in range(1, repeats + 1))


def standard_question(baseline: Scenario, policy: Scenario, replications: int, jobs: int) -> float:
    def run() -> None:
        base = run_experiment(baseline, replications=replications, jobs=jobs)
        other = run_experiment(policy, replications=replications, jobs=jobs)
        compare(base, other)

    return timed(run)


def skeleton(scenarios: list[Scenario], replications: int, jobs: int) -> float:
    """The skeleton on the same pool as ``run_experiment`` uses: one forkserver pool of ``jobs`` per scenario."""
    def run() -> None:
        for scenario in scenarios:
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                args = [(scenario.staff.clinicians, scenario.horizon_weeks)] * replications
                list(pool.map(skeleton_replication, *zip(*args, strict=True)))

    return timed(run)


def first_result(baseline: Scenario, replications: int, jobs: int) -> float:
    """Seconds from starting an experiment to its first finished replication (what an app shows first)."""
    start = time.perf_counter()
    first: list[float] = []

    def progress(done: int, total: int) -> None:
        if not first:
            first.append(time.perf_counter() - start)

    run_experiment(baseline, replications=replications, jobs=jobs, progress=progress)
    return first[0]


_PEAK_RSS_CHILD = """
import sys
sys.path.insert(0, {root!r})


def peak_kib():
    # VmHWM is the peak RSS of this process image; ru_maxrss would also count the parent's pages that were
    # resident when the parent forked to start this process.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


from simulator.experiments.experiment import run_replication
from simulator.inputs.loader import load_scenario
s = load_scenario({path!r}).with_changes({changes!r})
before = peak_kib()
run_replication(s, 0)
print(before, peak_kib())
"""


_CPU_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from simulator._native import is_compiled
from simulator.experiments.experiment import run_replication
from simulator.inputs.loader import load_scenario


def reference():
    # a fixed pure-Python loop: what the machine gives this process right now
    start, total = time.process_time(), 0
    for i in range(3_000_000):
        total += i * i % 7
    return time.process_time() - start


s = load_scenario({path!r})
before = reference()
start = time.process_time()
run_replication(s, 1)
seconds = time.process_time() - start
print(is_compiled(), seconds, seconds / ((before + reference()) / 2))
"""


def compiled_against_pure(scenario_path: Path, pairs: int) -> list[tuple[float, float, float, float]]:
    """CPU seconds of one replication compiled and as pure Python, each also divided by the time of a fixed Python
    loop run just before and after it in the same process: fresh processes taken in turn, because this shared
    machine's speed drifts by up to a factor of two within minutes, and the loop tells how fast it was."""
    code = _CPU_CHILD.format(root=str(ROOT), path=str(scenario_path))
    times = []
    for _ in range(pairs):
        pair: list[float] = []
        for pure in (False, True):
            env = {k: v for k, v in os.environ.items() if k != "PAPERWORK_PURE"}
            if pure:
                env["PAPERWORK_PURE"] = "1"
            out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                 env=env).stdout.split()
            if out[0] != str(not pure):
                raise RuntimeError("the child did not run the core it was asked to")
            pair += [float(out[1]), float(out[2])]
        times.append((pair[0], pair[1], pair[2], pair[3]))
    return times


def peak_rss_mb(scenario_path: Path, changes: dict[str, Any]) -> tuple[float, float]:
    """(peak RSS after imports, peak RSS after one replication), in MB, of a fresh Python process (Linux)."""
    code = _PEAK_RSS_CHILD.format(root=str(ROOT), path=str(scenario_path), changes=changes)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    before, after = (int(x) / 1024 for x in out.split())
    return before, after


# -- report ------------------------------------------------------------------------------------------------------
def row(label: str, value: str, target: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("met" if met else "NOT met")
    print(f"  {label:<58} {value:>12}   {target:<10} {verdict}")


def per_clinician_year(baseline: Scenario, clinicians: int, years: int) -> float:
    """CPU milliseconds of model time per clinician-year, one replication in this process."""
    scenario = scaled(baseline, clinicians=clinicians, years=years)
    start = time.process_time()
    run_replication(scenario, 1)
    return 1000 * (time.process_time() - start) / clinician_years(scenario)


def scaling_table(baseline: Scenario) -> None:
    print("\nScaling: CPU time of one replication in this process (linear growth = constant time per clinician-year)")
    print(f"  {'clinicians':>10} {'years':>6} {'ms/clinician-year':>18}")
    for clinicians, years in [(n, 3) for n in (25, 50, 100, 200)] + [(50, 1), (50, 5)]:
        print(f"  {clinicians:>10} {years:>6} {per_clinician_year(baseline, clinicians, years):>18.2f}")
    # 50 and 1,000 clinicians for one year, taken in turn three times (the machine drifts): the ratio of medians
    small, large = [], []
    for _ in range(3):
        small.append(per_clinician_year(baseline, 50, 1))
        large.append(per_clinician_year(baseline, 1000, 1))
    ratio = statistics.median(large) / statistics.median(small)
    print(f"  1,000 against 50 clinicians, one year, medians of 3 in turn: {statistics.median(large):.2f} / "
          f"{statistics.median(small):.2f} ms = {ratio:.2f} x   (<= 1.2 x: {'met' if ratio <= 1.2 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=30, help="paired replications of the standard question")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 paired replications instead of 30, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None,
                        help="times the standard question and the skeleton are run, in turn (default 3; 1 with "
                             "--quick); the verdicts are on the medians")
    args = parser.parse_args()
    reps = 3 if args.quick else args.reps
    repeats = args.repeats or (1 if args.quick else 3)
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    policy = load_scenario(SCENARIOS / "ai_scribe.yaml")
    load = os.getloadavg()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start")
    core = "compiled with mypyc" if is_compiled() else "pure Python (not compiled, or PAPERWORK_PURE set)"
    print(f"simulator from {Path(simulator.__file__).parent}; model core {core}")
    print(f"baseline: {baseline.staff.clinicians} clinicians x {baseline.horizon_weeks} weeks "
          f"({clinician_years(baseline):.0f} clinician-years per replication)\n")

    # Taken in turn, so that each question has a skeleton measured in about the same state of the machine (whose
    # speed drifts by 10-50 % within minutes); the medians carry the verdicts, every run is printed.
    questions: list[float] = []
    bares: list[float] = []
    for _ in range(repeats):
        questions.append(standard_question(baseline, policy, reps, args.jobs))
        bares.append(skeleton([baseline, policy], reps, args.jobs))
    question, bare = statistics.median(questions), statistics.median(bares)
    ratio = statistics.median(q / b for q, b in zip(questions, bares, strict=True))
    single = one_replication(baseline, 3 if args.quick else 5)
    first = first_result(baseline, 2 * args.jobs, args.jobs)
    before, after = peak_rss_mb(SCENARIOS / "baseline.yaml",
                                {"staff.clinicians": 200, "staff.admin_staff": 16, "demand.referrals_per_week": 680,
                                 "horizon_weeks": baseline.warmup_weeks + 52 * 5})

    print(f"Targets ({reps}+{reps} paired replications, {args.jobs} processes)")
    full = reps == 30  # the 10 s target is for the standard 30+30; a --quick run reports without a verdict
    row("standard question (baseline vs ai_scribe)", f"{question:.2f} s", "<= 10 s", question <= 10 if full else None)
    row("bare SimPy skeleton, same clinicians/weeks/reps/pool", f"{bare:.2f} s")
    # With 3 replications the pools' start-up dominates the skeleton, so the ratio means little: no verdict.
    row("ratio model / skeleton", f"{ratio:.1f} x", "<= 8 x", ratio <= 8 if full else None)
    if repeats > 1:
        print(f"    (medians of {repeats} runs taken in turn, question / skeleton: "
              + ", ".join(f"{q:.2f} s / {b:.2f} s" for q, b in zip(questions, bares, strict=True)) + ")")
    row("one baseline replication (median, 1 process)", f"{single:.3f} s", "<= 0.3 s", single <= 0.3)
    # The 2 s target is for the app's first figures on screen, which app_latency.py times in the browser; this is
    # the model's part of that wait, so it gets no verdict of its own.
    row(f"first result of an experiment ({args.jobs} proc, pool start incl.)", f"{first:.2f} s", "app: <= 2 s")
    row("peak RSS, 200 clinicians x 5 years (fresh process)", f"{after:.0f} MB", f"<= {MEMORY_LIMIT_MB:.0f} MB",
        after <= MEMORY_LIMIT_MB)
    row("  of which the interpreter and imports", f"{before:.0f} MB")
    row("  of which the replication itself", f"{after - before:.0f} MB", f"<= {MEMORY_LIMIT_MB:.0f} MB",
        after - before <= MEMORY_LIMIT_MB)
    if is_compiled():
        print("\nCompiled against pure Python: CPU s of one baseline replication, fresh processes in turn; in"
              " brackets, in units of a fixed Python loop timed in the same process")
        pairs = compiled_against_pure(SCENARIOS / "baseline.yaml", 1 if args.quick else 5)
        for compiled, c_units, pure, p_units in pairs:
            print(f"  compiled {compiled:6.2f} ({c_units:5.2f})   pure Python {pure:6.2f} ({p_units:5.2f})   "
                  f"speed-up {pure / compiled:4.2f} x ({p_units / c_units:4.2f} x)")
        print(f"  median speed-up {statistics.median(p / c for c, _, p, _ in pairs):.2f} x "
              f"({statistics.median(p / c for _, c, _, p in pairs):.2f} x)")
    scaling_table(baseline)
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
