"""Scenario files from strangers: every hostile kind is refused with file, line and field, within a memory budget.

How long each refusal takes is printed by ``benchmarks/hostile.py``; here we check the message, that nothing but
the project's own ScenarioError comes out, and the peak memory the refusal needed (tracemalloc).
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from simulator.inputs.errors import ScenarioError
from simulator.inputs.limits import APP_LIMITS
from simulator.inputs.loader import load_scenario, load_scenario_text

BAD = Path(__file__).parent / "bad_scenarios"
MEMORY_BUDGET = 200 * 2**20  # issue 6: under 200 MB


def _laughs(levels: int, width: int) -> bytes:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


def _merge_bomb(levels: int) -> bytes:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}, *m{i - 1}]}}" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


HOSTILE: list[tuple[str, bytes, int | None, str, str]] = [
    # (case, file content, line, field, fragment of the reason)
    # the line of the alias that takes the expansion past the budget ('a3: &a3 [*a2, ...]'), not the first line
    ("alias bomb", _laughs(10, 10), 4, "a3", "the alias '*a2' repeats the 1,111 values of '&a2'"),
    ("merge bomb", _merge_bomb(12), 2, "m1.<<", "merge keys"),
    ("deep nesting", b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", 1, "", "levels"),
    ("deep mappings", b"a:\n" + b"".join(b"  " * i + b"b:\n" for i in range(1, 300)), None, "", "levels"),
    ("huge integer", b"staff:\n  clinicians: " + b"9" * 5000 + b"\n", 2, "staff.clinicians", "outside any"),
    ("huge float", b"demand:\n  referrals_per_week: 1e308\n", 2, "demand.referrals_per_week", "must be"),
    ("NaN", b"paperwork:\n  offload_share: .nan\n", 2, "paperwork.offload_share", "got nan"),
    ("NaN count", b"staff:\n  admin_staff: .nan\n", 2, "staff.admin_staff", "must be"),
    ("infinity", b"demand:\n  referrals_per_week: .inf\n", 2, "demand.referrals_per_week", "must be"),
    ("NaN in a list", b"demand:\n  weekly_profile: [1, .nan]\n", 2, "demand.weekly_profile.1", "finite"),
    ("zero clinicians", b"staff:\n  clinicians: 0\n", 2, "staff.clinicians", "must be"),
    ("negative time", b"workload:\n  session_minutes: -50\n", 2, "workload.session_minutes", "must be"),
    ("zero cadence", b"demand:\n  sessions_per_week: 0\n", 2, "demand.sessions_per_week", "must be"),
    ("probability above 1", b"demand:\n  no_show_rate: 1.5\n", 2, "demand.no_show_rate", "must be"),
    ("probability below 0", b"turnover:\n  transfer_dropout: -0.1\n", 2, "turnover.transfer_dropout", "must be"),
    ("wrong type", b"staff:\n  clinicians: many\n", 2, "staff.clinicians", "whole number"),
    ("unknown key", b"staff:\n  clinicans: 5\n", 2, "staff.clinicans", "clinicians"),
    ("duplicate key", b"staff:\n  clinicians: 5\n  clinicians: 6\n", 3, "staff.clinicians", "duplicate"),
    ("non-UTF-8", b"name: caf\xe9\n", 1, "", "UTF-8"),
    ("empty file", b"", None, "", "empty"),
    ("only a comment", b"# nothing here\n", None, "", "empty"),
    ("list at the top", b"- staff\n- demand\n", 1, "", "mapping"),
    ("python object tag", b"name: !!python/object/apply:os.system [ls]\n", 1, "name", "not supported"),
    ("outside the folder", b"extends: ../../pyproject.toml\n", 1, "extends", "outside"),
    ("absolute path", b"extends: /etc/passwd\n", 1, "extends", "outside"),
    # within the schema, but more than the app lets one upload ask for
    ("too many clinicians", b"staff:\n  clinicians: 1500\n", 2, "staff.clinicians", "more than this server allows"),
    ("too many weeks", b"name: long\nhorizon_weeks: 5000\n", 2, "horizon_weeks", "more than this server allows"),
    ("too many replications", b"replications: 100000\n", 1, "replications", "more than this server allows"),
    ("growth by a timed policy",
     b"policies:\n  - at_week: 10\n    name: grow\n    set:\n      staff.clinicians: 1500\n", 4, "policies.0.set",
     "more than this server allows"),
]


@pytest.mark.parametrize(("case", "content", "line", "field", "fragment"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_refused_with_its_place_and_reason(case: str, content: bytes, line: int | None, field: str,
                                                           fragment: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as error:
            load_scenario_text(content, name="upload.yaml", allowed_root=BAD, limits=APP_LIMITS)  # as the app does
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    problem = error.value.problems[0]
    assert problem.file == "upload.yaml"
    if line is not None:
        assert problem.line == line
    assert problem.field == field
    assert fragment.lower() in problem.message.lower(), problem.message
    assert peak < MEMORY_BUDGET


def test_an_extends_cycle_is_refused_naming_the_chain() -> None:
    with pytest.raises(ScenarioError) as error:
        load_scenario(BAD / "cycle_a.yaml", allowed_root=BAD)
    problem = error.value.problems[0]
    assert problem.field == "extends"
    assert "cycle" in problem.message
