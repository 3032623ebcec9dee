"""What every output file holds: each column's type, unit, meaning and possible range, in one place.

``docs/outputs.md`` is generated from this catalogue (``docs/gen_outputs.py``), and ``simulator.outputs.checks``
reads it to refuse a results folder whose files do not match it, so the documentation, the checks and the files
cannot drift apart. Metric columns come from ``METRICS``; the event and day-record columns from
``simulator.model.events`` (the model's own lists), given units and meanings here in ``KIND_NOTES`` and
``DAY_NOTES``, which the tests hold to exactly ``Kind`` and ``DAY_FIELDS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from simulator.experiments.bounds import SCALE_RANGES
from simulator.model.events import DAY_FIELDS, DAY_INT_FIELDS, STATUSES, Kind
from simulator.outputs.metrics import METRICS

__all__ = ["DAY_NOTES", "KIND_NOTES", "PARAMETER", "Column", "DataType", "OutputFile", "day_columns", "event_columns",
           "metric_columns", "output_files", "parameter_columns"]

INF = math.inf
DataType = Literal["int", "float", "bool", "text"]


@dataclass(frozen=True)
class Column:
    """One column of an output table."""

    name: str
    dtype: DataType
    unit: str
    meaning: str
    low: float = -INF  # the possible range of a number
    high: float = INF
    missing: bool = False  # may be empty: a ratio with no denominator, a week without records
    choices: tuple[str, ...] = ()  # the allowed values of a text column, when they are fixed


def _count(name: str, unit: str, meaning: str) -> Column:
    return Column(name, "int", unit, meaning, 0)


def _number(name: str, unit: str, meaning: str, low: float = 0, high: float = INF, missing: bool = False) -> Column:
    return Column(name, "float", unit, meaning, low, high, missing)


REPLICATION = _count("replication", "index", "Replication k (0, 1, ...); with the seed it fixes every random draw, "
                                             "so replication k of two scenarios is a paired comparison")
METRIC_NAMES = tuple(m.name for m in METRICS)
METRIC = Column("metric", "text", "name", "The metric (a column of summary.csv)", choices=METRIC_NAMES)
UNIT = Column("unit", "text", "text", "The metric's unit")
PARAMETER = Column("PARAMETER", "float", "the parameter's unit",
                   "One column per swept parameter, named by its dotted scenario path (units: paperwork-sim schema)")


def metric_columns(*, per_replication: bool = True) -> tuple[Column, ...]:
    """A column per metric, in the order of ``METRICS``, with its unit and possible range (empty allowed: a share or
    mean of nothing, e.g. no referral waited, is undefined, not zero). Counts are whole numbers per replication,
    not as means over replications (``per_replication=False``)."""
    return tuple(Column(m.name, "int" if per_replication and m.scale == "count" else "float", m.unit,
                        f"{m.label} ({m.scale})", *SCALE_RANGES[m.scale], missing=m.scale != "count")
                 for m in METRICS)


def parameter_columns(parameters: tuple[str, ...] | list[str]) -> tuple[Column, ...]:
    """The ``PARAMETER`` placeholder expanded to a sweep's parameters."""
    return tuple(replace(PARAMETER, name=name, low=-INF) for name in parameters)


#: The event kinds: what each means and what its ``value`` holds (the model's comments in ``Kind``, with units).
KIND_NOTES: dict[str, tuple[str, str]] = {  # kind -> (what happened, what ``value`` holds)
    Kind.REFERRAL: ("a client is referred to the agency", "0"),
    Kind.WAITLIST_JOIN: ("a client joins the waitlist", "1 for a transferred client (front of the queue), else 0"),
    Kind.ASSIGN: ("a referral is first assigned to a clinician", "days waited on the waitlist"),
    Kind.REASSIGN: ("a transferred client gets a new clinician", "days waited on the waitlist"),
    Kind.INITIAL: ("a client already in care when the run starts", "0"),
    Kind.FIRST_SESSION: ("a client attends the intake session", "days from referral to this session"),
    Kind.DISCHARGE: ("an episode of care is completed", "0"),
    Kind.DROPOUT: ("a client leaves care after a no-show", "0"),
    Kind.RENEGE: ("a client on the waitlist gives up waiting: lost to care", "days waited on the waitlist"),
    Kind.TRANSFER: ("a client's clinician departed (a continuity disruption); clinician = who left", "0"),
    Kind.TRANSFER_LOST: ("a transferred client leaves care: lost", "0"),
    Kind.RESIGN: ("a clinician gives notice", "the clinician's EE at that moment (MBI-EE points 0-54)"),
    Kind.DEPART: ("a clinician's last day", "clients transferred"),
    Kind.HIRE: ("a new clinician starts", "0"),
    Kind.VACANCY_OPEN: ("a position falls vacant", "open vacancies after the event"),
    Kind.VACANCY_CLOSE: ("a vacancy is filled", "open vacancies after the event"),
    Kind.AUDIT: ("a documentation audit of a clinician", "findings for this clinician"),
    Kind.CONFLICT: ("a workplace conflict incident", "the strain it adds (MBI-EE points)"),
    Kind.POLICY: ("a timed policy takes effect", "its index in the scenario's policies"),
    Kind.PRODUCTIVITY_REVIEW: ("a clinician's monthly productivity review",
                               "billable session time over what the target asks of the days worked"),
    Kind.TURNED_AWAY: ("a referral finds the intake queue full and is turned away (diverted): lost", "0"),
    Kind.INTAKE_RENEGE: ("a referral gives up before joining the waitlist, waiting for intake processing: lost",
                         "days since referral"),
}

#: The day-record fields (``DayRecord``): unit and meaning of each, one clinician's workday.
DAY_NOTES: dict[str, tuple[str, str]] = {
    "day": ("days", "the day, counted from the start of the run (day 0 is a Monday)"),
    "clinician": ("id", "the clinician"),
    "status": ("text", "work, leave (vacation) or notice (resigned, working out the notice period)"),
    "caseload": ("clients", "clients assigned at the end of the day"),
    "capacity": ("clients", "caseload slots: the day's caseload goal (the target, raised while colleagues cover "
                 "empty posts or the waitlist is long), scaled by the onboarding ramp; 0 on notice"),
    "scheduled": ("sessions", "sessions booked for the day"),
    "attended": ("sessions", "sessions held (intakes included)"),
    "intakes": ("sessions", "intake sessions held"),
    "no_shows": ("sessions", "booked sessions the client missed"),
    "blocked": ("sessions", "regular sessions the clinician gave up to catch up on late paperwork (not counted in "
                "scheduled; the clients come back at their next regular time)"),
    "contract_min": ("minutes", "contracted working minutes of the day"),
    "session_min": ("minutes", "session minutes inside contracted time"),
    "desk_min": ("minutes", "paperwork minutes inside contracted time"),
    "supervision_min": ("minutes", "supervision and meetings"),
    "leave_min": ("minutes", "contracted minutes on leave"),
    "idle_min": ("minutes", "contracted minutes with nothing to do"),
    "after_min": ("minutes", "work beyond contracted time (paperwork, or sessions that overran)"),
    "backlog_min": ("minutes", "paperwork minutes still open at the end of the day"),
    "notes_done": ("notes", "progress notes completed"),
    "notes_late": ("notes", "progress notes completed after their due day"),
    "late_new": ("tasks", "paperwork tasks that became overdue today"),
    "written_off": ("tasks", "long-late tasks given up today, never to be done"),
    "notes_written_off": ("notes", "of which progress notes"),
    "assessments_done": ("assessments", "intake assessments completed: what an intake is billed on"),
    "unbilled_notes": ("notes", "progress notes completed past the claim window: the session is never billed"),
    "unbilled_assessments": ("assessments", "intake assessments completed past the claim window"),
    "billed_sessions": ("sessions of workload.session_minutes", "sessions billed on the progress notes finished "
                        "today within the claim window (a client kind with shorter sessions bills less; with one "
                        "kind, a count of notes)"),
    "unbilled_sessions": ("sessions of workload.session_minutes", "sessions never billed: their notes finished "
                          "past the claim window, or written off today"),
    "strain": ("MBI-EE points (0-54)", "daily strain at the end of the day, which recovers over days"),
    "ee": ("MBI-EE points (0-54)", "emotional exhaustion at the end of the day, the chronic state that follows "
           "strain over months"),
}


def day_columns() -> tuple[Column, ...]:
    """The columns of ``days``: ``replication`` and the model's ``DAY_FIELDS`` in its order."""
    columns = [REPLICATION]
    for name in DAY_FIELDS:
        unit, meaning = DAY_NOTES[name]
        if name == "status":
            columns.append(Column(name, "text", unit, meaning, choices=STATUSES))
        elif name in DAY_INT_FIELDS:
            columns.append(Column(name, "int", unit, meaning, 0))
        else:
            columns.append(_number(name, unit, meaning, high=54 if name == "ee" else INF))
    return tuple(columns)


def event_columns() -> tuple[Column, ...]:
    """The columns of ``events``: one row per event, in the order they were recorded (sort by time if needed)."""
    return (REPLICATION,
            _number("time", "days", "when it happened, in days from the start of the run (08:00 is +0.333)"),
            Column("kind", "text", "name", "what happened: see the event kinds below", choices=tuple(KIND_NOTES)),
            Column("clinician", "int", "id", "the clinician involved, -1 if none", -1),
            Column("client", "int", "id", "the client involved, -1 if none", -1),
            Column("value", "float", "depends on the kind", "a number whose meaning the kind gives (below)"))


WEEKLY: tuple[Column, ...] = (
    REPLICATION,
    _count("week", "weeks", "week of the run, from 0 (warm-up included)"),
    Column("warmup", "bool", "True/False", "True for the warm-up weeks, which the summary leaves out"),
    _count("headcount", "clinicians", "clinicians with a day record that week (in post, on leave or on notice)"),
    _number("vacancies", "positions", "open vacancies at the end of the week"),
    _number("ee_mean", "MBI-EE points (0-54)", "mean end-of-day EE over the week's day records", high=54,
            missing=True),
    _number("ee_high_share", "share", "share of the week's day records with EE >= the high threshold (27)", high=1,
            missing=True),
    _number("session_hours", "h/clinician-week", "session hours per clinician-week worked", missing=True),
    _number("paperwork_hours", "h/clinician-week", "paperwork hours in contracted time per clinician-week worked",
            missing=True),
    _number("after_hours_hours", "h/clinician-week", "hours beyond contracted time per clinician-week worked",
            missing=True),
    _number("backlog_hours", "hours", "open paperwork per clinician at the end of the day, averaged over the week",
            missing=True),
    _number("strain_mean", "MBI-EE points (0-54)", "mean end-of-day daily strain over the week's day records",
            high=54, missing=True),
    _number("caseload_mean", "clients", "mean caseload over the week's day records", missing=True),
    _number("hours_worked", "h/clinician-week", "session, paperwork and after-hours hours per clinician-week worked",
            missing=True),
    _count("written_off", "tasks", "long-late tasks given up that week, never to be done"),
    _count("sessions_attended", "sessions", "sessions held that week"),
    _number("waitlist", "clients", "clients waiting for a clinician at the end of the week"),
    _count("departures", "clinicians", "clinicians whose last day fell in the week"),
    _count("referrals", "clients", "referrals received that week"),
    _count("hires", "clinicians", "new clinicians who started that week"),
)

_CI = "95% confidence interval"
INTERVALS: tuple[Column, ...] = (
    METRIC, UNIT,
    Column("mean", "float", "the metric's unit", "mean over replications", missing=True),
    _number("sd", "the metric's unit", "standard deviation over replications (empty with one)", missing=True),
    Column("ci_low", "float", "the metric's unit", f"lower end of the {_CI} of the mean, within the metric's "
           "possible range (see ci_method)", missing=True),
    Column("ci_high", "float", "the metric's unit", f"upper end of the {_CI}, within the possible range",
           missing=True),
    _number("half_width", "the metric's unit", "t half-width of the mean (the precision `paperwork-sim "
            "replications` aims at); ci_low/ci_high can be asymmetric about the mean", missing=True),
    _count("replications", "replications", "replications with a value (a ratio with no denominator has none)"),
    Column("ci_method", "text", "text", "how the interval was built: logit scale for shares, log scale for ratios, "
           "otherwise t clipped to the possible range"),
)

COMPARISON: tuple[Column, ...] = (
    METRIC, UNIT,
    Column("better", "text", "text", "which direction is better: lower, higher or empty (neither)",
           choices=("lower", "higher", "")),
    Column("base_mean", "float", "the metric's unit", "mean over the base scenario's replications", missing=True),
    Column("other_mean", "float", "the metric's unit", "mean over the other scenario's replications", missing=True),
    Column("diff_mean", "float", "the metric's unit", "mean paired difference, other - base", missing=True),
    Column("ci_low", "float", "the metric's unit", f"lower end of the difference's {_CI}", missing=True),
    Column("ci_high", "float", "the metric's unit", f"upper end of the difference's {_CI}", missing=True),
    Column("significant", "bool", "True/False", "the interval excludes 0: the change stands out from noise"),
    _count("replications", "pairs", "paired replications"),
    Column("ci_method", "text", "text", "t interval; a difference of shares is kept within -1 to 1"),
)

ECONOMICS: tuple[Column, ...] = (
    Column("item", "text", "text", "cost, savings, net or net_per_dollar (simulator.experiments.economics)",
           choices=("cost", "savings", "net", "net_per_dollar")),
    Column("meaning", "text", "text", "what the item counts"),
    Column("mean", "float", "USD/year (net_per_dollar: USD per USD)", "mean over paired replications",
           missing=True),
    Column("ci_low", "float", "as mean", f"lower end of the {_CI} (t; net_per_dollar: paired bootstrap)",
           missing=True),
    Column("ci_high", "float", "as mean", f"upper end of the {_CI}", missing=True),
    _count("replications", "pairs", "paired replications"),
)

TORNADO: tuple[Column, ...] = (
    METRIC, UNIT,
    Column("lever", "text", "dotted path", "the parameter moved"),
    Column("base_value", "float", "the lever's unit", "the lever's value in the base scenario"),
    Column("low_value", "float", "the lever's unit", "the low end of its range"),
    Column("high_value", "float", "the lever's unit", "the high end of its range"),
    Column("base_mean", "float", "the metric's unit", "the metric's mean at the base point", missing=True),
    Column("low_mean", "float", "the metric's unit", "the mean with the lever at its low end", missing=True),
    Column("high_mean", "float", "the metric's unit", "the mean with the lever at its high end", missing=True),
    Column("low_effect", "float", "the metric's unit", "mean paired change from the base, lever low", missing=True),
    _number("low_half_width", "the metric's unit", f"t half-width of that change's {_CI}", missing=True),
    Column("high_effect", "float", "the metric's unit", "mean paired change, lever high", missing=True),
    _number("high_half_width", "the metric's unit", f"t half-width of that change's {_CI}", missing=True),
    _number("swing", "the metric's unit", "|high_mean - low_mean|: the bar's length, which orders the levers",
            missing=True),
)

_PARAMETER_NAME = Column("parameter", "text", "dotted path", "the swept parameter")
MORRIS: tuple[Column, ...] = (
    METRIC, _PARAMETER_NAME,
    Column("mu", "float", "the metric's unit", "mean elementary effect of moving the parameter over its whole range"),
    _number("mu_star", "the metric's unit", "mean |elementary effect|: the parameter's importance"),
    _number("sigma", "the metric's unit", "spread of the effects: non-linearity or interaction", missing=True),
    _number("mu_star_conf", "the metric's unit", "bootstrap 95% half-width of mu_star", missing=True),
)

SOBOL: tuple[Column, ...] = (
    METRIC, _PARAMETER_NAME,
    Column("S1", "float", "share of variance", "first-order index: variance due to the parameter alone"),
    Column("S1_conf", "float", "share of variance", "bootstrap 95% half-width of S1", missing=True),
    Column("ST", "float", "share of variance", "total index: variance with all its interactions"),
    Column("ST_conf", "float", "share of variance", "bootstrap 95% half-width of ST", missing=True),
)

POINT = _count("point", "index", "the design point (a row of design.csv)")
VARIED = Column("varied", "text", "dotted path", "oat only: the parameter moved at this point, or 'base'")

WELCH: tuple[Column, ...] = (
    _count("week", "weeks", "week of the run"),
    Column("series", "text", "name", "the weekly series: ee_mean or headcount"),
    Column("mean", "float", "the series' unit", "its mean across replications that week", missing=True),
    Column("smoothed", "float", "the series' unit", "Welch's centred moving average of the mean", missing=True),
)


@dataclass(frozen=True)
class OutputFile:
    """One file a command writes, and what one row of it is."""

    name: str
    commands: str
    what: str
    columns: tuple[Column, ...] = ()


def output_files() -> tuple[OutputFile, ...]:
    """Every table file the commands write, in the order ``docs/outputs.md`` lists them."""
    metrics = metric_columns()
    means = metric_columns(per_replication=False)
    params = (PARAMETER,)
    return (
        OutputFile("summary.csv", "run, warmup, compare (each side)", "one row per replication: the metrics "
                   "measured after the warm-up", (REPLICATION, *metrics)),
        OutputFile("weekly.csv", "run, warmup, compare (each side)", "one row per replication and week of the whole "
                   "run, warm-up included and flagged", WEEKLY),
        OutputFile("intervals.csv", "run, warmup, compare (each side)", "one row per metric: its mean and 95% "
                   "confidence interval over replications", INTERVALS),
        OutputFile("events.parquet / events.csv.gz", "run --events [--events-format csv]", "one row per event of "
                   "every replication (the log every metric is computed from)", event_columns()),
        OutputFile("days.parquet / days.csv.gz", "run --events [--events-format csv]", "one row per clinician per "
                   "day worked, on leave or on notice, every replication", day_columns()),
        OutputFile("comparison.csv", "compare", "one row per metric: the paired difference other - base",
                   COMPARISON),
        OutputFile("economics.csv", "compare", "one row per item: what the policy costs, saves and returns per "
                   "dollar, per year", ECONOMICS),
        OutputFile("welch.csv", "warmup --out", "one row per series and week: Welch's moving average", WELCH),
        OutputFile("results.parquet / results.csv", "sweep", "one row per point and replication",
                   (POINT, REPLICATION, VARIED, *params, *metrics)),
        OutputFile("design.csv", "sweep", "one row per design point: the parameter values", (POINT, VARIED, *params)),
        OutputFile("points.csv", "sweep", "one row per point: the mean of every metric over its replications",
                   (POINT, VARIED, *params, *means)),
        OutputFile("parts/point-NNNNNN.parquet", "sweep", "one file per finished point (for resuming): its rows "
                   "of results without the parameter columns", (POINT, REPLICATION, *metrics)),
        OutputFile("tornado.csv", "sweep (design: oat)", "one row per metric and lever", TORNADO),
        OutputFile("morris.csv", "sweep (design: morris)", "one row per metric and parameter", MORRIS),
        OutputFile("sobol.csv", "sweep (design: sobol)", "one row per metric and parameter", SOBOL),
    )
