"""Time and peak memory to refuse each hostile scenario file (issue 6: each under 1 s and 200 MB).

Usage: python benchmarks/hostile.py. The cases are the table in tests/test_hostile.py, so the test and the figures
cover the same files. Each case is refused ``--repeat`` times; the slowest time is printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
import tracemalloc
from pathlib import Path
from typing import Any

from simulator.inputs.errors import ScenarioError
from simulator.inputs.limits import APP_LIMITS
from simulator.inputs.loader import load_scenario_text

ROOT = Path(__file__).resolve().parent.parent


def _cases() -> list[tuple[str, bytes, Any, str, str]]:
    spec = importlib.util.spec_from_file_location("hostile_cases", ROOT / "tests" / "test_hostile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases: list[tuple[str, bytes, Any, str, str]] = module.HOSTILE
    return cases


def _refuse(content: bytes) -> str:
    try:
        load_scenario_text(content, name="upload.yaml", allowed_root=ROOT / "tests" / "bad_scenarios",
                           limits=APP_LIMITS)
    except ScenarioError as error:
        return str(error.problems[0])
    return "ACCEPTED (should not happen)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'case':<22} {'bytes':>10} {'slowest (ms)':>13} {'peak (MB)':>10}  message")
    worst_time = worst_memory = 0.0
    for case, content, *_ in _cases():
        slowest, peak, message = 0.0, 0, ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            message = _refuse(content)
            slowest = max(slowest, time.perf_counter() - start)
        tracemalloc.start()  # a separate pass: tracing allocations slows the loader several times over
        _refuse(content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        worst_time, worst_memory = max(worst_time, slowest), max(worst_memory, peak / 2**20)
        print(f"{case:<22} {len(content):>10,} {slowest * 1000:>13.1f} {peak / 2**20:>10.1f}  {message[:70]}")
    print(f"\nworst: {worst_time * 1000:.1f} ms, {worst_memory:.1f} MB (targets: 1000 ms, 200 MB)")


if __name__ == "__main__":
    main()
