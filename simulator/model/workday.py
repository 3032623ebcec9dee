"""One workday's plan and, for traced weeks, its minute-by-minute layout (the "clinician's week" chart)."""

from __future__ import annotations

from typing import Final

from simulator.model.desk import UNTRACED, DeskResult
from simulator.model.events import TraceSegment

__all__ = ["DayPlan", "lay_out_day"]

_EVENING_START_MIN: Final = 19 * 60  # where after-hours work is drawn in a traced day


class DayPlan:
    """What the diary held today."""

    __slots__ = ("attended", "blocked", "intakes", "no_shows", "scheduled", "session_min", "slots")

    def __init__(self) -> None:
        self.slots: list[tuple[str, float]] = UNTRACED  # a list of its own only on traced days (see_clients)
        self.reset(tracing=False)

    def reset(self, *, tracing: bool) -> None:
        """Empty the plan for a new day (a clinician keeps one plan and clears it each day, which is cheaper than
        building one: nothing keeps a day's plan beyond the day)."""
        self.scheduled = 0
        self.blocked = 0  # regular sessions given up to catch up on late paperwork
        self.attended = 0
        self.intakes = 0
        self.no_shows = 0
        self.session_min = 0.0
        self.slots = [] if tracing else UNTRACED


def lay_out_day(clinician: int, day: int, supervision: float, plan: DayPlan, desk: DeskResult,
                evening: DeskResult, available: float) -> list[TraceSegment]:
    """Minute-level blocks of a traced day: supervision, appointments, desk work, idle time, then the evening.

    A no-show slot, or a slot blocked to catch up on paperwork, is shown as such; its minutes were desk time in the
    accounting, so desk blocks are consumed for it and the day still adds up to the contracted minutes.
    """
    segments: list[TraceSegment] = []
    clock = 480.0
    if supervision > 0:
        segments.append(TraceSegment(clinician, day, clock, clock + supervision, "supervision", "supervision"))
        clock += supervision
    chunks = list(desk.chunks)
    for activity, minutes in plan.slots:
        length = min(minutes, max(0.0, 480 + supervision + available - clock))
        segments.append(TraceSegment(clinician, day, clock, clock + length, activity, activity))
        clock += length
        if activity in ("no_show", "blocked"):
            _consume(chunks, length)
    for kind, minutes in chunks:
        segments.append(TraceSegment(clinician, day, clock, clock + minutes, "paperwork", kind))
        clock += minutes
    end_of_contract = 480 + supervision + available
    if clock < end_of_contract - 1e-9:
        segments.append(TraceSegment(clinician, day, clock, end_of_contract, "idle", "no task due"))
    clock = float(_EVENING_START_MIN)  # a float throughout: mypyc compiles this module with fixed types
    for kind, minutes in evening.chunks:
        segments.append(TraceSegment(clinician, day, clock, clock + minutes, "after_hours", kind))
        clock += minutes
    return segments


def _consume(chunks: list[tuple[str, float]], minutes: float) -> None:
    while chunks and minutes > 1e-9:
        kind, length = chunks[0]
        if length > minutes:
            chunks[0] = (kind, length - minutes)
            return
        minutes -= length
        chunks.pop(0)
