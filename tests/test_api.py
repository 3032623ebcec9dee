"""The public API is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

import simulator

EXPECTED = {
    "METRICS", "ExperimentResult", "Metric", "Problem", "ReplicationResult", "Scenario", "ScenarioError",
    "apply_overrides", "compare", "confidence_intervals", "dump_scenario", "load_scenario", "load_scenario_text",
    "run_experiment", "run_replication", "simulate", "summarize", "weekly",
    # experiments at scale (issue 4)
    "Sweep", "load_sweep", "one_way", "run_sweep", "tornado_table",
}


def test_all_is_pinned() -> None:
    assert set(simulator.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    missing = [name for name in simulator.__all__ if not hasattr(simulator, name)]
    assert missing == []


def test_model_core_imports_no_ui_or_charting() -> None:
    import subprocess
    import sys

    code = ("import sys, simulator, simulator.cli; "
            "bad = [m for m in ('streamlit', 'altair') if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_import_and_cli_start_without_salib_scipy_or_dask() -> None:
    """SALib pulls in scipy.stats (about two seconds); only the sweep and advice commands that use it may load it."""
    import subprocess
    import sys

    code = ("import sys, simulator, simulator.cli; "
            "print(','.join(m for m in ('SALib', 'scipy', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_simulate_leaves_the_garbage_collector_as_it_found_it() -> None:
    # A run pauses the cyclic collector (it would only traverse a heap with no cyclic garbage); the caller's
    # setting must come back either way.
    import gc

    scenario = simulator.Scenario().with_changes({"horizon_weeks": 6, "warmup_weeks": 1, "staff.clinicians": 3})
    assert gc.isenabled()
    simulator.simulate(scenario)
    assert gc.isenabled()
    gc.disable()
    try:
        simulator.simulate(scenario)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_help_names_the_columns_and_units_of_every_result() -> None:
    """``help()`` on the result types and the functions that make them tells a modeler what each table holds."""
    import inspect

    expected = {
        simulator.ExperimentResult: ("summary", "weekly", "events", "days", "ee_high_share", "share 0-1",
                                     "USD/year", "docs/outputs.md"),
        simulator.ReplicationResult: ("headcount", "ee_mean", "MBI-EE points 0-54", "hours per clinician-week",
                                      "waitlist", "time", "days from the start", "DAY_FIELDS"),
        simulator.run_experiment: ("replications", "seed", "jobs", "events", "if __name__", "ExperimentResult"),
        simulator.compare: ("base_mean", "other_mean", "diff_mean", "ci_low", "ci_high", "significant", "unit"),
        simulator.confidence_intervals: ("mean", "sd", "ci_low", "ci_high", "half_width", "ci_method", "logit",
                                         "unit"),
    }
    for item, words in expected.items():
        text = inspect.getdoc(item) or ""  # what help() shows first
        missing = [word for word in words if word not in text]
        assert missing == [], f"{getattr(item, '__name__', item)}: {missing}"
