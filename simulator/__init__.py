"""Paperwork burden simulator: what documentation, targets and climate do to a mental-health workforce.

The public API, in the order data flows through it::

    scenario = load_scenario("scenarios/baseline.yaml", ["paperwork.note_minutes.mean=20"])
    result = run_experiment(scenario, replications=10, jobs=2)     # summary, weekly, intervals
    other = run_experiment(load_scenario("scenarios/ai_scribe.yaml"), replications=10, jobs=2)
    compare(result, other)                                          # paired, common random numbers

Lower levels: ``simulate`` returns one replication's event log; ``summarize`` and ``weekly`` turn a log into
tables.
"""

from simulator.errors import Problem, ScenarioError
from simulator.experiment import (
    ExperimentResult,
    ReplicationResult,
    compare,
    confidence_intervals,
    run_experiment,
    run_replication,
)
from simulator.loader import apply_overrides, dump_scenario, load_scenario, load_scenario_text
from simulator.metrics import METRICS, Metric, summarize, weekly
from simulator.model import simulate
from simulator.scenario import Scenario

__all__ = [
    "METRICS",
    "ExperimentResult",
    "Metric",
    "Problem",
    "ReplicationResult",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "compare",
    "confidence_intervals",
    "dump_scenario",
    "load_scenario",
    "load_scenario_text",
    "run_experiment",
    "run_replication",
    "simulate",
    "summarize",
    "weekly",
]
