"""A client mix (``demand.client_mix``): kinds of client with their own cadence, session length, note burden and
episode length. What arithmetic and theory fix: the referral shares, Little's law for the shares in care, the
caseload target, billing in proportion to session length; what must not move: a one-kind mix is the model without
a mix, and the mix draws from streams of its own."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import ScenarioError, load_scenario, load_scenario_text, run_replication
from simulator.inputs.scenario import Scenario
from simulator.model.caseload import target_caseload
from simulator.model.clients import Client
from simulator.model.diary import Diary
from simulator.model.kinds import client_kinds
from simulator.model.rules import Rules

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

# A small agency (12 clinicians, referrals scaled with them) so that a replication takes a fraction of a second.
SMALL = ["staff.clinicians=12", "demand.referrals_per_week=41", "horizon_weeks=40", "warmup_weeks=8"]

MIX = """\
extends: baseline.yaml
name: mix
demand:
  client_mix:
    - name: weekly
      share: 0.6
    - name: monthly
      share: 0.4
      sessions_per_week: 0.25
      session_minutes: 30
      note_minutes: 10
      mean_sessions_per_episode: 8
"""


def scenario(text: str, overrides: list[str] | None = None) -> Scenario:
    return load_scenario_text(text, name="mix.yaml", base_dir=SCENARIOS, overrides=SMALL + (overrides or []))


def problem_of(text: str) -> tuple[int | None, str, str]:
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, name="mix.yaml", base_dir=SCENARIOS)
    assert len(error.value.problems) == 1, str(error.value)
    problem = error.value.problems[0]
    assert problem.file == "mix.yaml"
    return problem.line, problem.field, problem.message


# -- the schema ------------------------------------------------------------------------------------------------


def test_shares_that_do_not_add_up_to_one_are_named_with_their_line() -> None:
    line, field, message = problem_of(MIX.replace("share: 0.4", "share: 0.3"))
    assert (line, field) == (4, "demand.client_mix")
    assert "add up to 1" in message
    assert "0.6 + 0.3" in message


def test_two_kinds_with_one_name_are_refused() -> None:
    line, field, message = problem_of(MIX.replace("name: monthly", "name: weekly"))
    assert (line, field) == (4, "demand.client_mix")
    assert "weekly given twice" in message


def test_a_misspelt_field_of_a_kind_gets_did_you_mean() -> None:
    line, field, message = problem_of(MIX.replace("note_minutes: 10", "note_minute: 10"))
    assert (line, field) == (11, "demand.client_mix.1.note_minute")
    assert "did you mean 'note_minutes'" in message


@pytest.mark.parametrize(("old", "new", "line", "field", "fragment"), [
    ("sessions_per_week: 0.25", "sessions_per_week: 0", 9, "demand.client_mix.1.sessions_per_week", "> 0"),
    ("share: 0.4", "share: yes", 8, "demand.client_mix.1.share", "true/false"),
    ("name: monthly", "name: 2nd kind", 7, "demand.client_mix.1.name", "start with a letter"),
])
def test_a_bad_field_of_a_kind_is_named_alone(old: str, new: str, line: int, field: str, fragment: str) -> None:
    # One problem, not also "the list is too short" for the kind pydantic dropped.
    assert problem_of(MIX.replace(old, new))[:2] == (line, field)
    assert fragment in problem_of(MIX.replace(old, new))[2]


def test_an_empty_mix_is_refused() -> None:
    line, field, message = problem_of("extends: baseline.yaml\nname: mix\ndemand:\n  client_mix: []\n")
    assert (line, field) == (4, "demand.client_mix")
    assert "at least 1" in message


def test_a_policy_cannot_change_the_mix() -> None:
    text = MIX + "policies:\n  - at_week: 10\n    name: p\n    set:\n      demand.client_mix: null\n"
    line, field, message = problem_of(text)
    assert (line, field) == (17, "policies.0.set.demand.client_mix")
    assert "cannot change" in message


# -- arithmetic ------------------------------------------------------------------------------------------------


def test_shares_in_care_follow_littles_law() -> None:
    s = scenario(MIX)
    weekly, monthly = client_kinds(s)
    d = s.demand
    # Expected weeks in care: scheduled sessions until the episode ends, over the cadence.
    weeks = [1 / ((1 - d.no_show_rate) / sessions + d.no_show_rate * d.dropout_after_no_show) / per_week
             for sessions, per_week in ((d.mean_sessions_per_episode, 1.0), (8, 0.25))]
    stock = [0.6 * weeks[0], 0.4 * weeks[1]]
    assert weekly.care_share == pytest.approx(stock[0] / sum(stock))
    assert monthly.care_share == pytest.approx(stock[1] / sum(stock))
    assert monthly.bills == pytest.approx(30 / s.workload.session_minutes)
    assert monthly.note_scale == pytest.approx(10 / s.paperwork.note_minutes.mean)
    assert monthly.cadence_days == 28
    assert monthly.weekly


def test_the_caseload_target_counts_the_minutes_of_the_average_client_in_care() -> None:
    s = scenario(MIX, ["workload.caseload_cap=200"])
    weekly, monthly = client_kinds(s)
    per_client = (weekly.care_share * s.workload.session_minutes + monthly.care_share * 30 * 0.25) \
        * (1 - s.demand.no_show_rate * s.workload.overbooking)
    billable = s.workload.productivity_target * s.staff.contract_hours_per_week * 60
    assert target_caseload(s) == math.floor(billable / per_client + 1e-9)
    # Sparser, shorter contacts: a larger caseload fills the same billable time.
    assert target_caseload(s) > target_caseload(scenario("extends: baseline.yaml\nname: one\n",
                                                         ["workload.caseload_cap=200"]))


def test_a_kinds_next_session_comes_at_its_cadence_on_its_weekday() -> None:
    s = scenario(MIX)
    rules = Rules.of(s)
    diary = Diary(0, frozenset(), len(rules.kinds))
    client = Client(0, 0.0, kind=1)
    client.needs_intake = False
    diary.book_next(client, 2, rules)  # a Wednesday: the quietest weekday is Monday (0)
    assert client.weekday == 0
    assert diary.weekday_load[1] == [1, 0, 0, 0, 0]
    assert client in diary.agenda.on(28)  # four weeks on, on its Monday
    diary.book_next(client, 28, rules)
    assert client in diary.agenda.on(56)
    diary.release(client)
    assert diary.weekday_load[1] == [0, 0, 0, 0, 0]


# -- the model -------------------------------------------------------------------------------------------------


def test_one_kind_is_the_model_without_a_mix() -> None:
    plain = run_replication(scenario("extends: baseline.yaml\nname: one\n"), 0, events=True)
    one = run_replication(scenario("extends: baseline.yaml\nname: one\ndemand:\n  client_mix:\n"
                                   "    - {name: everyone, share: 1}\n"), 0, events=True)
    for table in ("events", "days"):
        pd.testing.assert_frame_equal(getattr(plain, table), getattr(one, table))


@pytest.fixture(scope="module")
def mixed() -> tuple[Scenario, pd.DataFrame, pd.DataFrame]:
    s = scenario(MIX, ["horizon_weeks=60"])
    result = run_replication(s, 0, events=True)
    assert result.events is not None
    assert result.days is not None
    return s, result.events, result.days


def test_referrals_come_in_the_declared_shares(mixed: tuple[Scenario, pd.DataFrame, pd.DataFrame]) -> None:
    _, events, _ = mixed
    kinds = events.loc[events.kind == "referral", "value"].to_numpy()
    n = len(kinds)
    share = float(np.mean(kinds == 1))
    assert set(np.unique(kinds)) == {0.0, 1.0}
    assert abs(share - 0.4) < 4 * math.sqrt(0.4 * 0.6 / n)  # binomial: four standard errors


def test_time_in_care_by_kind_follows_littles_law(mixed: tuple[Scenario, pd.DataFrame, pd.DataFrame]) -> None:
    s, events, _ = mixed
    kind = pd.concat([events.loc[events.kind.isin(["referral", "initial"]), ["client", "value"]]]) \
        .set_index("client")["value"]
    start = events[events.kind.isin(["assign", "initial"])].groupby("client").time.min()
    end = events[events.kind.isin(["discharge", "dropout", "transfer_lost"])].groupby("client").time.max()
    stays = start.to_frame("start").join(end.rename("end")).fillna(s.horizon_weeks * 7.0)
    window = s.warmup_weeks * 7.0
    stays["days"] = (stays["end"].clip(lower=window) - stays["start"].clip(lower=window)).clip(lower=0)
    stays["kind"] = kind.reindex(stays.index).to_numpy()
    observed = stays.groupby("kind")["days"].sum() / stays["days"].sum()
    # The initial caseloads are drawn by the care shares and the flow keeps them: both kinds within 4 points.
    for index, rules in enumerate(client_kinds(s)):
        assert observed[float(index)] == pytest.approx(rules.care_share, abs=0.04)


def test_a_shorter_session_bills_in_proportion_to_its_length() -> None:
    half = scenario("extends: baseline.yaml\nname: half\ndemand:\n  client_mix:\n"
                    "    - {name: half, share: 1, session_minutes: 26.5}\n")
    result = run_replication(half, 0, events=True)
    days = result.days
    assert days is not None
    billed_notes = days["notes_done"] - days["unbilled_notes"]
    # Every progress note of this one kind bills half a 53-minute session once done.
    assert days["billed_sessions"].sum() == pytest.approx(0.5 * billed_notes.sum())
    assert days["billed_sessions"].sum() > 0


def test_lighter_notes_leave_less_desk_time() -> None:
    def desk_minutes(note: int) -> float:
        result = run_replication(scenario(MIX.replace("note_minutes: 10", f"note_minutes: {note}")), 0)
        return float(result.summary["paperwork_share"])

    light, heavy = desk_minutes(5), desk_minutes(40)
    assert light < heavy - 0.02


def test_a_mix_leaves_the_referral_stream_alone() -> None:
    plain = run_replication(scenario("extends: baseline.yaml\nname: one\n"), 0, events=True)
    mix = run_replication(scenario(MIX), 0, events=True)
    assert plain.events is not None
    assert mix.events is not None

    def referral_times(events: pd.DataFrame) -> np.ndarray:
        return events.loc[events.kind == "referral", "time"].to_numpy()

    # Common random numbers: the kinds are drawn from a stream of their own, so referral k comes at the same time.
    np.testing.assert_array_equal(referral_times(plain.events), referral_times(mix.events))


def test_the_bundled_community_mix_loads_and_raises_caseloads() -> None:
    s = load_scenario(SCENARIOS / "community_mix.yaml")
    assert [kind.name for kind in client_kinds(s)] == ["weekly therapy", "fortnightly therapy", "case management"]
    assert sum(kind.care_share for kind in client_kinds(s)) == pytest.approx(1.0)
    assert target_caseload(s) > target_caseload(load_scenario(SCENARIOS / "baseline.yaml"))


def test_the_apps_parameter_table_explains_a_kinds_fields_in_words() -> None:
    from ui.about import parameter_rows

    kind_rows = {row["parameter"]: row for row in parameter_rows() if row["section"] == "Client mix (each kind)"}
    assert kind_rows["share of referrals"]["default"] == "required"
    assert kind_rows["note length"]["default"] == "the agency's single value"
    mix = next(row for row in parameter_rows() if row["parameter"] == "client mix")
    assert mix["default"] == "one kind of client"


def test_diff_shows_the_mix_a_kind_a_line() -> None:
    from simulator.inputs.diff import scenario_diff

    changes = {d.path: (d.a, d.b) for d in scenario_diff(load_scenario(SCENARIOS / "baseline.yaml"),
                                                          load_scenario(SCENARIOS / "community_mix.yaml"))}
    assert changes["demand.client_mix"] == ("one kind of client", "3 kinds")
    _, kind = changes["demand.client_mix.case management"]
    assert kind == "share 0.2, 0.25 sessions/week, 30 min sessions, 12 min notes, 12 sessions an episode"
