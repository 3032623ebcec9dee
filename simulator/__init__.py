"""Paperwork burden simulator: what documentation, targets and climate do to a mental-health workforce.

The public API, in the order data flows through it::

    scenario = load_scenario("scenarios/baseline.yaml", ["paperwork.note_minutes.mean=20"])
    result = run_experiment(scenario, replications=10, jobs=2)     # summary, weekly, intervals
    other = run_experiment(load_scenario("scenarios/ai_scribe.yaml"), replications=10, jobs=2)
    compare(result, other)                                          # paired, common random numbers

Many runs: ``load_sweep("scenarios/sweeps/tornado.yaml")`` and ``run_sweep(sweep, out_dir)`` (resumable), or
``one_way(scenario, levers, replications=3)`` in memory; ``tornado_table(results)`` ranks the levers.

Lower levels: ``simulate`` returns one replication's event log; ``summarize`` and ``weekly`` turn a log into
tables.
"""

# First, before any model module is imported: choose the compiled model core or its sources (see _native.py).
from simulator._native import use_compiled

use_compiled()

from simulator.experiments.experiment import (
    ExperimentResult,
    ReplicationResult,
    compare,
    confidence_intervals,
    run_experiment,
    run_replication,
)
from simulator.experiments.sensitivity import tornado_table
from simulator.experiments.sweep import Sweep, one_way, run_sweep
from simulator.inputs.errors import Problem, ScenarioError
from simulator.inputs.loader import apply_overrides, dump_scenario, load_scenario, load_scenario_text
from simulator.inputs.scenario import Scenario
from simulator.inputs.sweepfile import load_sweep
from simulator.model import simulate
from simulator.outputs.metrics import METRICS, Metric, summarize, weekly

__all__ = [
    "METRICS",
    "ExperimentResult",
    "Metric",
    "Problem",
    "ReplicationResult",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "apply_overrides",
    "compare",
    "confidence_intervals",
    "dump_scenario",
    "load_scenario",
    "load_scenario_text",
    "load_sweep",
    "one_way",
    "run_experiment",
    "run_replication",
    "run_sweep",
    "simulate",
    "summarize",
    "tornado_table",
    "weekly",
]
