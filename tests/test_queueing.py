"""The reduced model against queueing theory: the waitlist of ``scenarios/validation/mmc.yaml`` is an M/M/c queue.

With burnout, turnover, paperwork, reneging, the admin step and no-shows switched off and exponential episodes,
a referral waits for one of c = 1 clinician x 5 slots; episodes last 1.4 days on average. Erlang C then gives the
probability of waiting and the mean wait exactly, at rho = 0.8 (the file) and rho = 0.7 (17.5 referrals a week).

Why passing is not luck. Each case runs 10 replications of 100 years (5,148 measured weeks): about 1.04 million
referrals at rho = 0.8 and 0.9 million at rho = 0.7. Measured over replications, the 95% confidence half-width is
about 3% of the mean wait (3.4% at rho 0.8, 2.8% at 0.7) and about 1% of the probability of waiting. The test
asserts the half-width is below 4% before it judges the 5% tolerance: if precision ever dropped (fewer referrals,
a shorter horizon), the test fails rather than passing loosely. At that precision a correct model misses the 5%
band on the mean wait with probability well under 1%, while a model 10% off (for example a slot freed a day late
or an off-by-one server) lands outside it almost surely.

Little's law is checked on the same runs: the time-average waitlist (weekly snapshots, which sample a stationary
process at fixed times) equals the arrival rate times the mean wait, each measured from the log independently.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from simulator.experiments.experiment import run_experiment
from simulator.experiments.validation import mmc_expectations, mmc_table
from simulator.inputs.scenario import Scenario

REPLICATIONS = 10
TOLERANCE = 0.05  # relative error allowed against Erlang C
PRECISION = 0.04  # largest 95% CI half-width, relative to the estimate, at which the comparison means something


@pytest.mark.slow
@pytest.mark.parametrize(("referrals_per_week", "rho"), [(20.0, 0.8), (17.5, 0.7)])
def test_waitlist_matches_erlang_c(load: Callable[[str], Scenario], referrals_per_week: float, rho: float) -> None:
    scenario = load("validation/mmc.yaml").with_changes({"demand.referrals_per_week": referrals_per_week})
    expected = mmc_expectations(scenario)
    assert expected["servers"] == 5
    assert expected["utilisation"] == pytest.approx(rho)
    result = run_experiment(scenario, replications=REPLICATIONS, jobs=2)

    table = mmc_table([(scenario, result.summary)]).set_index("metric")
    for metric in ("prob_wait_assignment", "wait_days_assignment_mean"):
        row = table.loc[metric]
        half_width = (row.ci_high - row.ci_low) / 2
        assert half_width / row.simulated < PRECISION, f"{metric}: too imprecise to judge ({row.to_dict()})"
        assert abs(row.relative_error) < TOLERANCE, f"{metric}: {row.to_dict()}"

    window = result.weekly[~result.weekly.warmup]
    assert len(window) == REPLICATIONS * (scenario.horizon_weeks - scenario.warmup_weeks)
    by_rep = window.groupby("replication")
    waiting = by_rep.waitlist.mean()  # L_q, time average
    arrivals_per_day = by_rep.referrals.mean() / 7  # lambda, as observed
    wait = result.summary.set_index("replication").wait_days_assignment_mean  # W_q, customer average
    assert waiting.mean() == pytest.approx((arrivals_per_day * wait).mean(), rel=0.02)
    assert arrivals_per_day.mean() == pytest.approx(referrals_per_week / 7, rel=0.01)
