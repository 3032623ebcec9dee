"""Resignation, notice, departure and hiring: the processes that change who works at the agency.

A resignation starts the notice period at once and opens the vacancy; the departure happens when notice ends,
taking the clinician off the roster that the workdays run through and sending the caseload back to the front of the
waitlist. Each vacancy is a recruitment process that ends, after a lognormal time to fill, with a new hire who ramps
up over the onboarding weeks; a policy that cuts positions interrupts the newest searches.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from simulator.inputs.scenario import Scenario
from simulator.model.burnout import clip_ee
from simulator.model.clients import Client, Status
from simulator.model.clinician import Clinician
from simulator.model.events import Kind
from simulator.model.leaving import effective_burnout_ratio
from simulator.model.paperwork import TaskKind

if TYPE_CHECKING:
    from simulator.model.agency import Agency

__all__ = ["draw_leave_weeks", "new_clinician", "open_vacancies", "resign"]

_PERSONAL = frozenset({TaskKind.DAILY_ADMIN, TaskKind.COMPLIANCE})  # tasks that leave with the clinician


def draw_leave_weeks(agency: Agency, start: float) -> frozenset[int]:
    """Whole weeks of leave for each year from ``start`` to the horizon, at random weeks of each year."""
    stream = agency.streams["vacation"]
    per_year = agency.params.staff.vacation_weeks_per_year
    first_week = math.floor(start / 7) + 1
    weeks: set[int] = set()
    for year_start in range(first_week, agency.horizon_weeks + 1, 52):
        count = int(per_year) + (stream.random() < per_year - int(per_year))
        candidates = list(range(year_start, year_start + 52))
        for _ in range(min(count, 52)):
            weeks.add(candidates.pop(int(stream.random() * len(candidates))))
    return frozenset(weeks)


def new_clinician(agency: Agency, *, ramping: bool) -> Clinician:
    """A clinician joins the roster now, with a starting EE, susceptibility and writing speed drawn from their
    streams. A new hire starts their tenure now, with a new hire's EE; the staff in post when the run starts
    (``ramping`` False) have been at the agency for a while already (``turnover.starting_tenure_years``) and start
    with a working clinician's EE (``burnout.starting_ee``)."""
    p = agency.params
    z = agency.streams["susceptibility"].normal()
    if ramping:
        susceptibility = max(0.05, 1.0 + p.burnout.susceptibility_sd * z)
        start = p.burnout.initial_ee
        ee = clip_ee(agency.streams["initial"].normal(start.mean, start.sd))
    else:
        susceptibility, ee = starting_staff_member(p, z, agency.streams["initial"].normal())
    if not p.burnout.enabled:
        ee = 0.0
    writing_speed = agency.streams["writing_speed"].lognormal(1.0, p.paperwork.writing_speed_sd)
    now = agency.schedule.now
    tenure = 0.0 if ramping else agency.streams["tenure"].exponential(365.25 * p.turnover.starting_tenure_years)
    clinician = Clinician(agency, agency.next_clinician_id(), hired_at=now, tenure_start=now - tenure, ee=ee,
                          susceptibility=susceptibility, writing_speed=writing_speed,
                          leave_weeks=draw_leave_weeks(agency, now), ramping=ramping)
    agency.clinicians[clinician.id] = clinician
    return clinician


def starting_staff_member(p: Scenario, z: float, z_ee: float) -> tuple[float, float]:
    """The susceptibility and EE of a clinician in post when the run starts, from two standard normal draws.

    The staff in post are survivors: those more susceptible to strain burn out and leave sooner, so at any moment
    the staff hold fewer of them than the people hired. Under a constant hazard, a type's share of the staff is its
    share of hires times its expected tenure, 1 / hazard; so the susceptibility is the ``z`` quantile of the hiring
    distribution weighted by 1 / (1 + (HR - 1) P(EE >= threshold | susceptibility)), taking a working clinician's
    EE to be ``burnout.starting_ee.mean`` times the susceptibility, give or take the rest of that distribution's
    spread. Starting the staff this way, rather than as fresh hires, leaves a shorter transient for the warm-up.
    """
    b = p.burnout
    grid, cdf, spread = _survivor_susceptibility(b.susceptibility_sd, b.starting_ee.mean, b.starting_ee.sd,
                                                 b.high_ee_threshold, effective_burnout_ratio(p))
    u = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    susceptibility = float(np.interp(u, cdf, grid))
    return susceptibility, clip_ee(b.starting_ee.mean * susceptibility + spread * z_ee)


@functools.lru_cache(maxsize=32)
def _survivor_susceptibility(sd: float, mean_ee: float, sd_ee: float, threshold: float,
                             ratio: float) -> tuple[np.ndarray, np.ndarray, float]:
    """(grid of susceptibilities, the survivors' cumulative distribution over it, the EE spread left for each)."""
    grid = np.linspace(max(0.05, 1.0 - 6.0 * sd), 1.0 + 6.0 * sd, 2001)
    spread = math.sqrt(max(0.0, sd_ee**2 - (mean_ee * sd) ** 2))
    hires = np.exp(-0.5 * ((grid - 1.0) / sd) ** 2) if sd > 0 else np.ones_like(grid)
    z = (mean_ee * grid - threshold) / spread if spread > 0 else np.where(mean_ee * grid >= threshold, 1e9, -1e9)
    burned_out = 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))
    weights = hires / (1.0 + (ratio - 1.0) * burned_out)
    cdf = np.cumsum(weights)
    return grid, (cdf - cdf[0]) / (cdf[-1] - cdf[0]) if cdf[-1] > cdf[0] else np.linspace(0, 1, len(grid)), spread


def _positions(agency: Agency) -> int:
    return agency.params.staff.clinicians + agency.params.turnover.hire_ahead_positions


def open_vacancies(agency: Agency) -> None:
    """Recruit for every funded position neither filled nor being recruited; stop recruiting for cut positions."""
    filled = sum(not c.notice for c in agency.clinicians.values())
    now = agency.schedule.now
    while filled + len(agency.recruitments) < _positions(agency):
        agency.recruitments.append(agency.schedule.process(_recruit(agency)))
        agency.log.add(now, Kind.VACANCY_OPEN, value=len(agency.recruitments))
    while agency.recruitments and filled + len(agency.recruitments) > _positions(agency):
        agency.recruitments.pop().interrupt("position cut")  # the newest search is the one called off
        agency.log.add(now, Kind.VACANCY_CLOSE, value=len(agency.recruitments))


def _recruit(agency: Agency) -> Generator[simpy.Event, Any, None]:
    """A vacancy: after a lognormal time to fill, a new hire starts (unless a policy cuts the position first)."""
    fill = agency.params.turnover.time_to_fill_weeks
    try:
        yield agency.schedule.after(7 * agency.streams["hiring"].lognormal(fill.mean, fill.sd))
    except simpy.Interrupt:
        return  # called off (open_vacancies did the bookkeeping)
    search = agency.schedule.env.active_process
    assert search is not None  # this process, running
    agency.recruitments.remove(search)
    now = agency.schedule.now
    agency.log.add(now, Kind.VACANCY_CLOSE, value=len(agency.recruitments))
    clinician = new_clinician(agency, ramping=True)
    agency.log.add(now, Kind.HIRE, clinician.id)


def resign(agency: Agency, clinician: Clinician) -> None:
    """Notice is given: no new clients from now, the vacancy opens, the departure is scheduled."""
    clinician.notice = True
    clinician.list_slots()  # none from now on
    agency.log.add(agency.schedule.now, Kind.RESIGN, clinician.id, -1, clinician.ee)
    open_vacancies(agency)
    agency.schedule.process(_depart(agency, clinician))


def _depart(agency: Agency, clinician: Clinician) -> Generator[simpy.Event, Any, None]:
    """The notice period, then the last day: off the roster, the open paperwork handed over, the caseload to
    colleagues or back to the waitlist."""
    yield agency.schedule.after(7 * agency.params.turnover.notice_weeks)
    del agency.clinicians[clinician.id]  # off the roster: no later workday calls on this clinician
    clients = sorted(clinician.caseload, key=lambda c: c.id)
    agency.log.add(agency.schedule.now, Kind.DEPART, clinician.id, -1, len(clients))
    _hand_over(agency, clinician)
    for client in clients:
        clinician.release(client)
        _transfer(agency, clinician, client)
    agency.cover_transfers()


def _hand_over(agency: Agency, leaver: Clinician) -> None:
    """The leaver's open client work (documentation, remediation, intake admin) goes to the colleagues in post, in
    turn, each task due a document deadline from today; the leaver's own admin and trainings go with them."""
    colleagues = [c for c in agency.clinicians.values() if not c.notice]
    tasks = [(kind, minutes) for kind, minutes in leaver.desk.drain() if kind not in _PERSONAL]
    if not colleagues or not tasks:
        return
    specs = agency.rules.tasks
    due = math.floor(agency.schedule.now) + (specs[TaskKind.HANDOVER].due_days if specs is not None else 0)
    for k, (_, minutes) in enumerate(tasks):
        colleagues[k % len(colleagues)].desk.add(TaskKind.HANDOVER, minutes, due)


def _transfer(agency: Agency, former: Clinician, client: Client) -> None:
    """A client whose clinician left: lost to care, or back on the waitlist ahead of new referrals."""
    now = agency.schedule.now
    agency.log.add(now, Kind.TRANSFER, former.id, client.id)
    client.clinician = None
    if agency.streams["transfer"].random() < agency.params.turnover.transfer_dropout:
        client.status = Status.LOST
        client.token += 1
        agency.log.add(now, Kind.TRANSFER_LOST, former.id, client.id)
        return
    client.priority = True
    agency.join_waitlist(client)
