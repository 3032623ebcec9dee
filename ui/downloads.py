"""The files that reproduce a run: both scenarios as run (seed, replications, run length, levers and timed policy
written in), the results with the seed in every row, and a note with the command that runs them again.

``paperwork-sim compare reference.yaml scenario.yaml`` on the two YAML files gives the figures on the screen: each
file carries the seed and replications the app used, so no flag is needed. The builders are pure (bytes in, bytes
out) so tests can check the files without a browser.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from simulator.inputs.loader import dump_scenario
from simulator.inputs.scenario import Scenario
from ui.runs import AppRun

__all__ = ["as_run", "bundle", "comparison_csv", "downloads", "readme", "replications_csv", "safe_name"]


def safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text).strip("_")[:80] or "scenario"


def as_run(scenario: Scenario, run: AppRun, name: str) -> Scenario:
    """``scenario`` with the seed and replications of ``run`` written in, so the file alone reproduces it, and the
    name it had on the page (a file named after its scenario file would not say which levers moved)."""
    return scenario.with_changes({"seed": run.seed, "replications": run.replications, "name": name[:200]})


def _files(run: AppRun) -> tuple[str, str]:
    return f"{safe_name(run.label)}.yaml", f"reference_{safe_name(run.reference_label)}.yaml"


def readme(run: AppRun) -> str:
    scenario_file, reference_file = _files(run)
    return (f"Run: {run.label}\nReference: {run.reference_label}\n"
            f"Paired replications: {run.replications}\nSeed: {run.seed}\n"
            f"Weeks: {run.scenario.horizon_weeks} ({run.scenario.warmup_weeks} of warm-up)\n\n"
            "Both scenario files carry this seed and number of replications. To get the same figures again:\n\n"
            f"    paperwork-sim compare {reference_file} {scenario_file}\n\n"
            "replications.csv has one row per scenario and replication (every output metric); comparison.csv the\n"
            "paired changes with their 95% confidence intervals. Both carry the seed in every row.\n")


def replications_csv(run: AppRun) -> str:
    rows = pd.concat([run.policy.summary.assign(scenario=run.label, role="scenario"),
                      run.baseline.summary.assign(scenario=run.reference_label, role="reference")],
                     ignore_index=True)
    front = ["scenario", "role", "seed", "replication"]
    rows["seed"] = run.seed
    return rows[front + [c for c in rows.columns if c not in front]].to_csv(index=False)


def comparison_csv(run: AppRun) -> str:
    table = run.comparison()
    table.insert(0, "scenario", run.label)
    table.insert(1, "reference", run.reference_label)
    table.insert(2, "seed", run.seed)
    return table.to_csv(index=False)


def bundle(run: AppRun) -> bytes:
    """Everything in one zip file: both scenarios as run, both tables and the note."""
    scenario_file, reference_file = _files(run)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(scenario_file, dump_scenario(as_run(run.scenario, run, run.label)))
        archive.writestr(reference_file, dump_scenario(as_run(run.reference, run, run.reference_label)))
        archive.writestr("replications.csv", replications_csv(run))
        archive.writestr("comparison.csv", comparison_csv(run))
        archive.writestr("README.txt", readme(run))
    return buffer.getvalue()


def downloads(run: AppRun) -> None:
    """The download buttons under the answer."""
    scenario_file, reference_file = _files(run)
    stem = safe_name(run.label)
    st.markdown("**Downloads** reproduce this screen: the scenario files carry the seed "
                f"({run.seed}), the {run.replications} replications, the run length, the levers and any timed "
                "policy.")
    first, second, third = st.columns(3)
    first.download_button("Everything (ZIP)", bundle(run), file_name=f"{stem}.zip", mime="application/zip",
                          key="download_zip", help="Both scenarios, both tables and a note with the command that "
                                                   "reproduces them.")
    first.download_button("Scenario (YAML)", dump_scenario(as_run(run.scenario, run, run.label)),
                          file_name=scenario_file,
                          mime="application/x-yaml", key="download_scenario",
                          help="The scenario as run: load it in the CLI or upload it here again.")
    second.download_button("Reference (YAML)", dump_scenario(as_run(run.reference, run, run.reference_label)),
                           file_name=reference_file,
                           mime="application/x-yaml", key="download_reference",
                           help="The reference as run, with the same seed, replications and run length.")
    second.download_button("Replications (CSV)", replications_csv(run), file_name=f"{stem}_replications.csv",
                           mime="text/csv", key="download_replications",
                           help="One row per scenario and replication, every output metric, with the seed.")
    third.download_button("Comparison (CSV)", comparison_csv(run), file_name=f"{stem}_comparison.csv",
                          mime="text/csv", key="download_comparison",
                          help="Paired differences with 95% confidence intervals, with the seed.")
