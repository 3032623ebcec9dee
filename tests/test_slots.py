"""The slot board against the plain rule it stands for: the clinician with the most free slots, the first hired among
equals, found by asking every clinician."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.slots import SlotBoard


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=400))
def test_the_board_names_the_clinician_the_plain_rule_names(changes: list[tuple[int, int]]) -> None:
    board, free = SlotBoard(), dict[int, int]()
    for clinician, slots in changes:
        board.set(clinician, slots)
        free[clinician] = slots
        most = max(free.values(), default=0)
        expected = min((c for c, f in free.items() if f == most), default=-1) if most > 0 else -1
        assert board.best() == expected
        assert board.free(clinician) == slots
