"""Same seed, same results: across runs, worker counts and replication counts; and common random numbers.

Replication ``k`` is a pure function of (scenario, seed, k). That is what lets ``compare`` pair replications of two
scenarios, and what makes a result reproducible from its manifest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.experiments.experiment import ExperimentResult, run_experiment
from simulator.inputs.scenario import Scenario
from simulator.model import simulate
from simulator.model.agency import Agency
from simulator.model.events import Kind
from simulator.model.streams import STREAM_NAMES, Streams

# A small agency with plenty of departures, so every mechanism (turnover, hiring, transfers) draws numbers.
SMALL = Scenario().with_changes({"staff.clinicians": 8, "demand.referrals_per_week": 28, "horizon_weeks": 40,
                                 "warmup_weeks": 8, "turnover.base_annual_rate": 1.0})


@pytest.fixture(scope="module")
def three() -> ExperimentResult:
    return run_experiment(SMALL, replications=3, jobs=1)


def test_same_seed_gives_identical_results(three: ExperimentResult) -> None:
    again = run_experiment(SMALL, replications=3, jobs=1)
    pd.testing.assert_frame_equal(three.summary, again.summary, check_exact=True)
    pd.testing.assert_frame_equal(three.weekly, again.weekly, check_exact=True)


def test_same_seed_gives_an_identical_event_log() -> None:
    first, second = simulate(SMALL, replication=1), simulate(SMALL, replication=1)
    assert len(first.events) > 1000
    assert first.events == second.events
    assert first.days == second.days


def test_a_run_in_stages_equals_a_run_straight_through() -> None:
    # Stopping and going on (as the conservation tests do at each policy) changes nothing.
    staged = Agency(SMALL, Streams(SMALL.seed, 1))
    staged.start()
    staged.run(until=100.3)
    steps = staged.log.sim_events
    assert steps > 0
    assert staged.schedule.now < 100.3
    assert max(e.time for e in staged.log.events) < 100.3
    log = staged.run()
    assert log.sim_events > steps
    straight = simulate(SMALL, replication=1)
    assert log.events == straight.events
    assert log.days == straight.days
    assert log.sim_events == straight.sim_events


def test_one_clock_the_log_is_written_in_time_order() -> None:
    # Everything the model logs is stamped with the one clock's time when it happens, so the log is in time order
    # as written, and the day records' days never go back.
    log = simulate(SMALL, replication=0)
    times = log.events.column("time")
    assert len(times) > 1000
    assert np.all(np.diff(times) >= 0)
    assert np.all(np.diff(log.days.column("day")) >= 0)


def test_serial_equals_parallel(three: ExperimentResult) -> None:
    parallel = run_experiment(SMALL, replications=3, jobs=2)
    pd.testing.assert_frame_equal(three.summary, parallel.summary, check_exact=True)
    pd.testing.assert_frame_equal(three.weekly, parallel.weekly, check_exact=True)


def test_a_replication_does_not_depend_on_how_many_are_run(three: ExperimentResult) -> None:
    five = run_experiment(SMALL, replications=5, jobs=1)
    assert list(five.summary.replication) == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(three.summary, five.summary.iloc[:3], check_exact=True)
    pd.testing.assert_frame_equal(three.summary.iloc[[2]], five.summary.iloc[[2]], check_exact=True)


def test_replications_and_seeds_differ(three: ExperimentResult) -> None:
    other = run_experiment(SMALL, replications=3, jobs=1, seed=SMALL.seed + 1)
    assert other.seed == SMALL.seed + 1
    assert (three.summary.ee_mean != other.summary.ee_mean).all()
    assert three.summary.ee_mean.nunique() == 3  # and the replications of one seed differ from each other


def test_streams_are_keyed_by_seed_replication_and_name() -> None:
    def draws(seed: int, replication: int, name: str) -> list[float]:
        stream = Streams(seed, replication)[name]
        return [stream.random() for _ in range(5)]

    assert draws(7, 1, "referrals") == draws(7, 1, "referrals")
    assert draws(7, 1, "referrals") != draws(7, 2, "referrals")
    assert draws(7, 1, "referrals") != draws(8, 1, "referrals")
    firsts = {draws(7, 1, name)[0] for name in STREAM_NAMES}
    assert len(firsts) == len(STREAM_NAMES)  # one independent generator per activity


def _referral_times(scenario: Scenario, replication: int) -> np.ndarray:
    log = simulate(scenario, replication=replication)
    return np.array([e.time for e in log.events if e.kind == Kind.REFERRAL])


@pytest.mark.parametrize(("path", "value"), [("paperwork.note_minutes.mean", 25.0), ("paperwork.offload_share", 0.5),
                                             ("climate.supervisor_support", 0.9)])
def test_common_random_numbers_keep_the_referrals(path: str, value: float) -> None:
    # A change that alters every clinician's day (and so which numbers the other streams hand out when) must not
    # move a single referral: the referral stream is drawn by name, whatever else happens.
    changed = SMALL.with_changes({path: value})
    base_log, changed_log = simulate(SMALL, replication=2), simulate(changed, replication=2)
    assert base_log.days != changed_log.days  # the histories did diverge
    base = np.array([e.time for e in base_log.events if e.kind == Kind.REFERRAL])
    other = np.array([e.time for e in changed_log.events if e.kind == Kind.REFERRAL])
    assert len(base) > 1000
    np.testing.assert_array_equal(base, other)
    assert not np.array_equal(base, _referral_times(SMALL, replication=3))  # another replication does move them
