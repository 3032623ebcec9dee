"""The append-only event log: the single source of truth that every metric is computed from.

Two record types, named tuples because a replication appends hundreds of thousands of them (and stored column-wise,
``simulator.model.ledger``, so that millions fit in memory):

* ``Event``: something that happened to a client or a clinician at a moment (a referral, an assignment, a
  resignation). Fields: time in days, kind, clinician id (-1 if none), client id (-1 if none), value.
* ``DayRecord``: one clinician's workday ledger, how the contracted minutes were split, what was done and how
  exhausted the clinician was at the end of it.

Nothing in the model ever reads the log back; metrics read it after the run. Records are appended as the
simulation runs, each stamped with the model's one clock (a workday's events at its 08:00), so the events are in
time order as written.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, NamedTuple

from librt.strings import write_f64_le, write_i32_le

from simulator.model.ledger import RecordTable

__all__ = ["DAY_FIELDS", "DAY_INT_FIELDS", "KIND_CODES", "STATUSES", "DayRecord", "Event", "EventLog", "Kind",
           "TraceSegment", "day_table", "event_table"]


class Kind(StrEnum):
    """Kinds of event; the value column means what the comment says."""

    REFERRAL = "referral"  # a client is referred; value = its kind (index in demand.client_mix, 0 without one)
    WAITLIST_JOIN = "waitlist_join"  # value 1 for a transferred client (front of the queue), else 0
    ASSIGN = "assign"  # first assignment of a referral; value = days waited on the waitlist
    REASSIGN = "reassign"  # a transferred client gets a new clinician; value = days waited
    INITIAL = "initial"  # a client already in care when the run starts; value = its kind, as for a referral
    FIRST_SESSION = "first_session"  # value = days from referral to the attended intake
    DISCHARGE = "discharge"  # episode completed
    DROPOUT = "dropout"  # left care after a no-show
    RENEGE = "renege"  # left the waitlist: lost to care; value = days waited
    TRANSFER = "transfer"  # clinician departed; clinician = the one who left (a continuity disruption)
    TRANSFER_LOST = "transfer_lost"  # a transferred client left care: lost
    RESIGN = "resign"  # notice given; value = EE at that moment
    DEPART = "depart"  # last day; value = clients transferred
    HIRE = "hire"  # a new clinician starts
    VACANCY_OPEN = "vacancy_open"  # value = open vacancies after the event
    VACANCY_CLOSE = "vacancy_close"  # value = open vacancies after the event
    AUDIT = "audit"  # value = findings for this clinician
    CONFLICT = "conflict"  # a conflict incident; value = the strain it adds
    POLICY = "policy"  # a timed policy took effect; value = its index
    # Appended (the order is the kinds' codes in stored logs): the second edition, part 2.
    PRODUCTIVITY_REVIEW = "productivity_review"  # a month's review; value = billable session time / the target's
    TURNED_AWAY = "turned_away"  # a referral found the intake queue full: diverted, lost to this agency
    INTAKE_RENEGE = "intake_renege"  # gave up before joining the waitlist; value = days since referral


class Event(NamedTuple):
    time: float
    kind: str
    clinician: int
    client: int
    value: float


class DayRecord(NamedTuple):
    day: int
    clinician: int
    status: str  # "work", "leave" or "notice"
    caseload: int
    capacity: float
    scheduled: int
    attended: int
    intakes: int
    no_shows: int
    blocked: int  # regular sessions given up to catch up on late paperwork (not in scheduled)
    contract_min: float
    session_min: float  # session minutes inside contracted time
    desk_min: float  # paperwork inside contracted time
    supervision_min: float
    leave_min: float
    idle_min: float
    after_min: float  # work beyond contracted time (paperwork, or sessions that overran)
    backlog_min: float  # paperwork minutes still open at the end of the day
    notes_done: int
    notes_late: int  # progress notes completed after their due day
    late_new: int  # tasks that became overdue today
    written_off: int  # long-late tasks given up today, never to be done
    notes_written_off: int  # of which progress notes
    assessments_done: int  # intake assessments completed (an intake is billed on its assessment)
    unbilled_notes: int  # progress notes completed past the claim window: the session cannot be billed
    unbilled_assessments: int  # intake assessments completed past the claim window
    # Sessions billed on the progress notes finished today, and sessions never billed (notes finished past the
    # claim window, or written off), in units of a session of workload.session_minutes: with a client mix a
    # shorter session bills less (``KindRules.bills``); with one kind, counts of notes.
    billed_sessions: float
    unbilled_sessions: float
    strain: float  # daily strain at the end of the day (MBI-EE scale, 0-54)
    ee: float  # emotional exhaustion at the end of the day (MBI-EE 0-54), the chronic state


DAY_FIELDS: tuple[str, ...] = DayRecord._fields
#: The whole-number fields of a day record (the rest but ``status`` are floats).
DAY_INT_FIELDS: tuple[str, ...] = tuple(name for name, kind in typing.get_type_hints(DayRecord).items() if kind is int)


class TraceSegment(NamedTuple):
    """One block of a traced clinician's day, for the "clinician's week" chart."""

    clinician: int
    day: int
    start: float  # minutes after midnight
    end: float
    activity: str  # session, intake, no_show, paperwork, idle, supervision, after_hours, leave
    detail: str


#: Kinds as the small integer codes the event table stores (``Kind`` order, append-only like the enum). Keyed by the
#: members themselves, which equal their values and hash alike, so a member finds its own key by identity (a
#: plain-string key would cost a full string comparison through the subclass at every event).
KIND_CODES: Final[dict[str, int]] = {kind: code for code, kind in enumerate(Kind)}
STATUSES: tuple[str, ...] = ("work", "leave", "notice")
_EVENT_FIELDS = ("time", "kind", "clinician", "client", "value")


def event_table() -> RecordTable[Event]:
    return RecordTable(Event, _EVENT_FIELDS, text="kind", vocabulary=[kind.value for kind in Kind],
                       ints=("clinician", "client"))


def day_table() -> RecordTable[DayRecord]:
    return RecordTable(DayRecord, DAY_FIELDS, text="status", vocabulary=STATUSES, ints=DAY_INT_FIELDS)


@dataclass
class EventLog:
    """Everything a replication recorded, appended as it happened.

    ``events`` and ``days`` read like lists of ``Event`` and ``DayRecord`` tuples; they are stored column-wise
    (``simulator.model.ledger``) because a long run appends millions of them.
    """

    events: RecordTable[Event] = field(default_factory=event_table)
    days: RecordTable[DayRecord] = field(default_factory=day_table)
    trace: list[TraceSegment] = field(default_factory=list)
    horizon_days: float = 0.0
    warmup_days: float = 0.0
    sim_events: int = 0  # SimPy events processed, for the benchmarks

    def add(self, time: float, kind: Kind, clinician: int = -1, client: int = -1, value: float = 0.0) -> None:
        # Written field by field in the table's layout (``event_table``: the kind's code, then time, clinician,
        # client, value), with nothing boxed (``simulator.model.ledger``).
        out = self.events.out
        start = len(out)
        try:
            out.append(KIND_CODES[kind])
            write_f64_le(out, time)
            write_i32_le(out, clinician)
            write_i32_le(out, client)
            write_f64_le(out, value)
        except (TypeError, ValueError, OverflowError) as error:
            out.truncate(start)  # the event is refused whole
            raise ValueError(f"event {(time, kind, clinician, client, value)} does not fit the log: an id holds a "
                             f"fraction or does not fit in 32 bits ({error})") from None
        self.events.row_written()

    def add_day(self, *, day: int, clinician: int, status: int, caseload: int, capacity: float, scheduled: int,
                attended: int, intakes: int, no_shows: int, blocked: int, contract_min: float, session_min: float,
                desk_min: float, supervision_min: float, leave_min: float, idle_min: float, after_min: float,
                backlog_min: float, notes_done: int, notes_late: int, late_new: int, written_off: int,
                notes_written_off: int, assessments_done: int, unbilled_notes: int, unbilled_assessments: int,
                billed_sessions: float, unbilled_sessions: float, strain: float, ee: float) -> None:
        """Append a day record, its fields by name (``DayRecord`` says what each means; ``status`` as its index in
        ``STATUSES``), written in the table's layout as ``add`` writes an event: the status, then the fields in
        ``DayRecord``'s order, whole numbers as 4 bytes and the rest as 8."""
        out = self.days.out
        start = len(out)
        try:
            out.append(status)
            write_i32_le(out, day)
            write_i32_le(out, clinician)
            write_i32_le(out, caseload)
            write_f64_le(out, capacity)
            write_i32_le(out, scheduled)
            write_i32_le(out, attended)
            write_i32_le(out, intakes)
            write_i32_le(out, no_shows)
            write_i32_le(out, blocked)
            write_f64_le(out, contract_min)
            write_f64_le(out, session_min)
            write_f64_le(out, desk_min)
            write_f64_le(out, supervision_min)
            write_f64_le(out, leave_min)
            write_f64_le(out, idle_min)
            write_f64_le(out, after_min)
            write_f64_le(out, backlog_min)
            write_i32_le(out, notes_done)
            write_i32_le(out, notes_late)
            write_i32_le(out, late_new)
            write_i32_le(out, written_off)
            write_i32_le(out, notes_written_off)
            write_i32_le(out, assessments_done)
            write_i32_le(out, unbilled_notes)
            write_i32_le(out, unbilled_assessments)
            write_f64_le(out, billed_sessions)
            write_f64_le(out, unbilled_sessions)
            write_f64_le(out, strain)
            write_f64_le(out, ee)
        except (TypeError, ValueError, OverflowError) as error:
            out.truncate(start)  # the record is refused whole
            raise ValueError(f"the day record of clinician {clinician} on day {day} does not fit the log ({error})"
                             ) from None
        self.days.row_written()
