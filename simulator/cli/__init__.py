"""The command line: ``paperwork-sim run | compare | sweep | replications | warmup | report | validate | diff | schema |
validation-report``; also ``python -m simulator``.

The top floor of the package: it loads scenarios, runs experiments and writes files, and nothing below imports it.
Each module registers its commands on the one Typer app (``common.app``).
"""

from simulator.cli import files, runs, studies  # noqa: F401  (registers the commands)
from simulator.cli.common import app, main

__all__ = ["app", "main"]
