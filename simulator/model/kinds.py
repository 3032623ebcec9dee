"""The kinds of client an agency sees, as the plain numbers a workday reads: each kind's cadence, session length,
note burden, episode length and how it bills, and its share of referrals and of the clients in care.

A scenario without ``demand.client_mix`` has one kind, given by the single parameters, so every path of the model
reads its client's kind the same way.
"""

from __future__ import annotations

import bisect
import itertools

from simulator.inputs.scenario import Scenario
from simulator.inputs.service import ClientKind
from simulator.model.streams import geometric_log_q

__all__ = ["KindRules", "client_kinds", "cumulative", "pick"]


class KindRules:
    """One kind of client under the parameters in force."""

    __slots__ = ("bills", "cadence_days", "care_share", "episode_days", "name", "note_scale", "referral_share",
                 "session_minutes", "sessions_log_q", "sessions_per_week", "week_minutes", "weekly")

    def __init__(self, name: str, referral_share: float, care_share: float, sessions_per_week: float,
                 session_minutes: float, note_scale: float, bills: float, mean_sessions: float) -> None:
        interval = 7.0 / sessions_per_week
        self.name = name
        self.referral_share = referral_share
        self.care_share = care_share  # share of the clients in care (Little's law: ``client_kinds``)
        self.sessions_per_week = sessions_per_week
        self.cadence_days = max(1, round(interval))  # days from one regular session to the next
        self.weekly = interval >= 7  # the cadence keeps the client's weekday
        self.session_minutes = session_minutes
        # What one client of this kind takes of its weekday's time, averaged over weeks: a fortnightly client
        # fills its slot every other week. (A client seen more than weekly is counted once, as before the mix.)
        self.week_minutes = session_minutes * min(1.0, sessions_per_week)
        self.note_scale = note_scale  # its progress note's minutes against paperwork.note_minutes
        # Sessions billed per session of this kind, in units of workload.session_minutes: time-based psychotherapy
        # codes pay by length, so revenue_per_session prices a session of that length.
        self.bills = bills
        self.sessions_log_q = geometric_log_q(mean_sessions)
        self.episode_days = 7.0 * mean_sessions / sessions_per_week  # a time-limited episode's mean length


def client_kinds(s: Scenario) -> tuple[KindRules, ...]:
    """The scenario's kinds of client; one kind from the single parameters when it gives no mix.

    A kind's share of the clients in care is its share of referrals times how long its episodes last (Little's
    law): an episode ends at each scheduled session with probability ``(1 - no_show) / sessions + no_show x
    dropout``, and sessions come ``sessions_per_week`` a week. Intake and waiting are the same for every kind.
    """
    demand, base_minutes = s.demand, s.workload.session_minutes
    note_mean = s.paperwork.note_minutes.mean
    # Without a mix, one kind that sets nothing of its own: every figure below is then the single parameter's
    # (its shares, bills and note scale come out exactly 1).
    mix = demand.client_mix if demand.client_mix is not None else (ClientKind(name="all", share=1.0),)
    resolved = []
    for kind in mix:
        per_week = demand.sessions_per_week if kind.sessions_per_week is None else kind.sessions_per_week
        minutes = base_minutes if kind.session_minutes is None else kind.session_minutes
        sessions = demand.mean_sessions_per_episode if kind.mean_sessions_per_episode is None \
            else kind.mean_sessions_per_episode
        note_scale = 1.0 if kind.note_minutes is None or note_mean <= 0 else kind.note_minutes / note_mean
        ends = (1.0 - demand.no_show_rate) / sessions + demand.no_show_rate * demand.dropout_after_no_show
        weeks_in_care = 1.0 / max(1e-9, ends) / per_week
        resolved.append((kind.name, kind.share, kind.share * weeks_in_care, per_week, minutes, note_scale, sessions))
    in_care = sum(item[2] for item in resolved)
    return tuple(KindRules(name, share, stock / in_care, per_week, minutes, note_scale, minutes / base_minutes,
                           sessions)
                 for name, share, stock, per_week, minutes, note_scale, sessions in resolved)


def cumulative(shares: list[float]) -> list[float]:
    """Running totals of ``shares``, the last one exactly 1 (for ``pick``)."""
    totals = list(itertools.accumulate(shares))
    totals[-1] = 1.0
    return totals


def pick(totals: list[float], u: float) -> int:
    """The kind a uniform draw ``u`` falls on, given the running totals of the shares."""
    return min(bisect.bisect_right(totals, u), len(totals) - 1)
