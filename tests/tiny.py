"""The tiny agency the command-line and sweep tests run (5 clinicians, 20 weeks; a replication takes about 0.2 s).

Tests point at its lines (``tiny.yaml:5: staff.clinicians``), so the text is fixed here once.
"""

TINY = """\
name: tiny
horizon_weeks: 20
warmup_weeks: 4
replications: 2
staff: {clinicians: 5}
demand: {referrals_per_week: 16}
"""
