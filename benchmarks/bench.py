"""Time the model: one baseline replication, and the standard policy question.

The standard question is baseline (50 clinicians) against ai_scribe, 30 paired replications each, the baseline's
horizon, the local process pool with 2 workers. Prints wall time, simulated clinician-years per second and SimPy
events per second. Run: ``python benchmarks/bench.py`` (``--quick`` for a smaller check).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from simulator.experiment import compare, run_experiment, run_replication
from simulator.loader import load_scenario
from simulator.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def clinician_years(scenario: Scenario, replications: int) -> float:
    return scenario.staff.clinicians * scenario.horizon_weeks / 52.18 * replications


def one_replication(baseline: Scenario) -> None:
    run_replication(baseline, 0)  # warm imports and caches so the timing is of the model alone
    start = time.perf_counter()
    result = run_replication(baseline, 1)
    wall = time.perf_counter() - start
    years = clinician_years(baseline, 1)
    print(f"one baseline replication        {wall:8.2f} s   {years / wall:8.1f} clinician-years/s   "
          f"{result.sim_events / wall:10.0f} SimPy events/s")


def standard_question(baseline: Scenario, policy: Scenario, replications: int, jobs: int) -> None:
    start = time.perf_counter()
    base = run_experiment(baseline, replications=replications, jobs=jobs)
    other = run_experiment(policy, replications=replications, jobs=jobs)
    compare(base, other)
    wall = time.perf_counter() - start
    years = clinician_years(baseline, replications) + clinician_years(policy, replications)
    events = base.sim_events + other.sim_events
    print(f"standard question ({replications}+{replications} reps, {jobs} proc) {wall:8.2f} s   "
          f"{years / wall:8.1f} clinician-years/s   {events / wall:10.0f} SimPy events/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 paired replications instead of 30")
    args = parser.parse_args()
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    policy = load_scenario(SCENARIOS / "ai_scribe.yaml")
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{baseline.staff.clinicians} clinicians x {baseline.horizon_weeks} weeks")
    one_replication(baseline)
    standard_question(baseline, policy, 3 if args.quick else args.reps, args.jobs)


if __name__ == "__main__":
    main()
