"""Resignation, notice, departure and hiring: the processes that change who works at the agency.

A resignation starts the notice period at once and opens the vacancy; the departure happens when notice ends,
taking the clinician off the roster that the workday events run through and sending its caseload back to the front
of the waitlist. The vacancy is filled after a lognormal time to fill, and the new hire ramps up over the
onboarding weeks.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.model.burnout import clip_ee
from simulator.model.clients import Client, Status
from simulator.model.clinician import Clinician
from simulator.model.events import Kind

if TYPE_CHECKING:
    from simulator.model.agency import Agency

__all__ = ["depart", "draw_vacation_weeks", "fill_vacancy", "new_clinician", "open_vacancies", "resign"]


def draw_vacation_weeks(agency: Agency, start: float) -> frozenset[int]:
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


def new_clinician(agency: Agency, now: float, *, ramping: bool) -> Clinician:
    p = agency.params
    ee = 0.0
    if p.burnout.enabled:
        ee = clip_ee(agency.streams["initial"].normal(p.burnout.initial_ee.mean, p.burnout.initial_ee.sd))
    susceptibility = max(0.05, agency.streams["susceptibility"].normal(1.0, p.burnout.susceptibility_sd))
    clinician = Clinician(agency, agency.next_clinician_id(), hired_at=now, ee=ee, susceptibility=susceptibility,
                          vacation_weeks=draw_vacation_weeks(agency, now), ramping=ramping)
    agency.clinicians[clinician.id] = clinician
    return clinician


def positions(agency: Agency) -> int:
    return agency.params.staff.clinicians + agency.params.turnover.hire_ahead_positions


def open_vacancies(agency: Agency) -> None:
    """Recruit for every funded position neither filled nor being recruited; stop recruiting for cut positions."""
    filled = sum(not c.notice for c in agency.clinicians.values())
    while filled + agency.vacancies < positions(agency):
        agency.vacancies += 1
        agency.log.add(agency.env.now, Kind.VACANCY_OPEN, value=agency.vacancies)
        agency.recruitments.append(agency.env.process(fill_vacancy(agency)))
    while agency.vacancies and filled + agency.vacancies > positions(agency):
        agency.recruitments.pop().interrupt("position cut")  # the newest search is the one called off
        agency.vacancies -= 1
        agency.log.add(agency.env.now, Kind.VACANCY_CLOSE, value=agency.vacancies)


def fill_vacancy(agency: Agency) -> Generator[simpy.Event, Any, None]:
    fill = agency.params.turnover.time_to_fill_weeks
    try:
        yield agency.env.timeout(7 * agency.streams["hiring"].lognormal(fill.mean, fill.sd))
    except simpy.Interrupt:
        return  # called off by a policy that cut positions (open_vacancies did the bookkeeping)
    agency.recruitments.remove(agency.env.active_process)  # type: ignore[arg-type]
    agency.vacancies -= 1
    agency.log.add(agency.env.now, Kind.VACANCY_CLOSE, value=agency.vacancies)
    clinician = new_clinician(agency, agency.env.now, ramping=True)
    agency.log.add(agency.env.now, Kind.HIRE, clinician.id)


def resign(agency: Agency, clinician: Clinician) -> None:
    """Notice is given: no new clients from now, the vacancy opens, the departure is scheduled."""
    clinician.notice = True
    agency.log.add(agency.env.now, Kind.RESIGN, clinician.id, -1, clinician.ee)
    open_vacancies(agency)
    agency.env.process(depart(agency, clinician))


def depart(agency: Agency, clinician: Clinician) -> Generator[simpy.Event, Any, None]:
    yield agency.env.timeout(7 * agency.params.turnover.notice_weeks)
    del agency.clinicians[clinician.id]  # off the roster: no later workday event calls on this clinician
    clients = sorted(clinician.caseload, key=lambda c: c.id)
    agency.log.add(agency.env.now, Kind.DEPART, clinician.id, -1, len(clients))
    for client in clients:
        clinician.release(client)
        transfer(agency, clinician, client)
    agency.try_assign()


def transfer(agency: Agency, former: Clinician, client: Client) -> None:
    now = agency.env.now
    agency.log.add(now, Kind.TRANSFER, former.id, client.id)
    client.clinician = None
    if agency.streams["transfer"].random() < agency.params.turnover.transfer_dropout:
        client.status = Status.LOST
        client.token += 1
        agency.log.add(now, Kind.TRANSFER_LOST, former.id, client.id)
        return
    client.priority = True
    agency.join_waitlist(client)
