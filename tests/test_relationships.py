"""The pair lifecycle: legal and illegal changes, renewals, withdrawals, re-matching."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit.store.pairs as store_pairs
from toolkit.core.statuses import STATUSES, TRANSITIONS
from toolkit.demo.sample import SAMPLE_TODAY, sample_store
from toolkit.errors import LifecycleError, SettingsError
from toolkit.relationships.changes import (
    change_status,
    confirm_first_meeting,
    current_pairs,
    end_pair,
    pair_events,
    pair_table,
    pairs_to_forbid,
    record_renewal_answer,
    renew_pair,
    renewal_answers,
    withdraw_pair,
)
from toolkit.relationships.lifecycle import (
    Lifecycle,
    before_start_message,
    illegal_change_message,
    not_renewable_message,
    unknown_pair_message,
)
from toolkit.relationships.meetings import read_meetings, save_meetings
from toolkit.relationships.rematch import (
    NOTHING_TO_ACCEPT,
    accept_rematch,
    rematch_after_withdrawal,
)
from toolkit.store.pairs import load_pairs, save_pairs

from .relationship_helpers import FakeMatcher, make_store, snapshot


@pytest.fixture
def store(tmp_path):
    with make_store(tmp_path) as opened:
        yield opened


def test_a_pair_lives_through_its_legal_changes_with_a_dated_audit_trail(store):
    confirm_first_meeting(store, 1, "2026-10-20")
    renewed = renew_pair(store, 1, "2027-09-15")
    assert renewed["status"] == "renewed"
    assert renewed["renewals"] == 1
    assert renewed["start_date"] == "2026-10-01"
    assert renewed["term_end"] == "2028-10-01"
    end_pair(store, 1, "2028-10-01")
    events = pair_events(store, [1]).fillna({"from_status": ""})
    assert events[["from_status", "to_status", "on_date"]].to_numpy().tolist() == [
        ["", "proposed", "2026-10-01"],
        ["proposed", "active", "2026-10-20"],
        ["active", "renewed", "2027-09-15"],
        ["renewed", "ended", "2028-10-01"],
    ]
    assert events["recorded_at"].str.len().min() >= 19


def test_activation_sets_the_start_and_term_when_the_pair_had_none(tmp_path):
    with make_store(tmp_path, start_date=None) as store:
        pair = confirm_first_meeting(store, 2, "2026-11-03", lifecycle=Lifecycle(term_months=9))
        assert (pair["start_date"], pair["term_end"]) == ("2026-11-03", "2027-08-03")


@pytest.mark.parametrize(("path", "wanted"), [
    ([], "renewed"),
    ([], "proposed"),
    (["active"], "proposed"),
    (["active"], "active"),
    (["ended"], "active"),
    (["withdrawn"], "active"),
    (["active", "withdrawn"], "renewed"),
    (["active", "ended"], "withdrawn"),
])
def test_an_illegal_change_is_refused_names_the_allowed_ones_and_changes_nothing(
        store, path, wanted):
    for step in path:
        change_status(store, 1, step, "2026-10-20")
    current = path[-1] if path else "proposed"
    before = snapshot(store)
    with pytest.raises(LifecycleError) as refused:
        change_status(store, 1, wanted, "2026-12-01")
    assert str(refused.value) == illegal_change_message(1, current, wanted)
    allowed = TRANSITIONS[current]
    assert (f"can only become {', '.join(repr(a) for a in allowed)}" if allowed
            else "cannot change any more") in str(refused.value)
    for old, new in zip(before, snapshot(store), strict=True):
        pd.testing.assert_frame_equal(old, new)


def test_unknown_status_pair_and_early_date_are_refused(store):
    with pytest.raises(LifecycleError, match="'paused' is not a pair status"):
        change_status(store, 1, "paused", "2026-12-01")
    with pytest.raises(LifecycleError, match=re.escape(unknown_pair_message(99))):
        change_status(store, 99, "active", "2026-12-01")
    with pytest.raises(LifecycleError) as early:
        change_status(store, 1, "active", "2026-09-30")
    assert str(early.value) == before_start_message(1, "2026-10-01", "2026-09-30")
    with pytest.raises(SettingsError, match="'1st October' is not a date"):
        change_status(store, 1, "active", "1st October")


def test_a_change_that_fails_half_way_leaves_the_store_as_it_was(store, monkeypatch):
    before = snapshot(store)

    def broken() -> str:
        raise RuntimeError("disk full")

    # The pair's row is updated, then the clock fails before its event is written.
    monkeypatch.setattr(store_pairs, "now_utc", broken)
    with pytest.raises(RuntimeError):
        change_status(store, 1, "active", "2026-10-20")
    for old, new in zip(before, snapshot(store), strict=True):
        pd.testing.assert_frame_equal(old, new)


def test_renewal_limit_is_configurable(store):
    confirm_first_meeting(store, 1, "2026-10-20")
    renew_pair(store, 1, "2027-09-01")
    before = snapshot(store)
    with pytest.raises(LifecycleError) as refused:
        renew_pair(store, 1, "2028-09-01", lifecycle=Lifecycle(max_renewals=1))
    assert str(refused.value) == not_renewable_message(1, 1, 1)
    for old, new in zip(before, snapshot(store), strict=True):
        pd.testing.assert_frame_equal(old, new)
    twice = renew_pair(store, 1, "2028-09-01", lifecycle=Lifecycle(max_renewals=2))
    assert (twice["renewals"], twice["term_end"]) == (2, "2029-10-01")


def test_lifecycle_settings_are_checked():
    with pytest.raises(SettingsError, match="'term_months' must be a whole number 1 or more"):
        Lifecycle(term_months=0)
    with pytest.raises(SettingsError, match="'max_renewals' must be a whole number 0 or more"):
        Lifecycle(max_renewals=-1)


# -- the pure rules, without a store ---------------------------------------------------------
@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("wanted", STATUSES)
def test_the_engine_allows_exactly_the_transition_table(current, wanted):
    pair = {"id": 5, "status": current, "start_date": "2026-10-01", "renewals": 0}
    if wanted in TRANSITIONS[current]:
        after = Lifecycle().change(pair, wanted, "2026-12-01")
        assert after["status"] == wanted
        assert after["renewals"] == (1 if wanted == "renewed" else 0)
        assert after["term_end"] == ("2028-10-01" if wanted == "renewed" else "2027-10-01")
    else:
        refused = re.escape(illegal_change_message(5, current, wanted))
        with pytest.raises(LifecycleError, match=refused):
            Lifecycle().change(pair, wanted, "2026-12-01")


def test_terms_follow_the_lifecycle_settings():
    start = pd.Series(["2026-01-31", "2026-01-31", "2026-01-31", None])
    renewals = pd.Series([0, 1, 2, 0])
    terms = Lifecycle(term_months=6, renewal_months=3, max_renewals=2).terms(start, renewals)
    assert terms.to_numpy().tolist() == [
        ["2026-01-31", "2026-07-31"], ["2026-07-31", "2026-10-31"],
        ["2026-10-31", "2027-01-31"], [None, None]]


def test_both_yes_renews_and_a_no_ends_the_pair(store):
    for pid in (1, 2):
        confirm_first_meeting(store, pid, "2026-10-20")
    assert record_renewal_answer(store, 1, "mentee", True, "2027-09-01")["status"] == "active"
    assert renewal_answers(store).to_numpy().tolist() == [[1, "yes", ""]]
    assert record_renewal_answer(store, 1, "mentor", True, "2027-09-02")["status"] == "renewed"
    record_renewal_answer(store, 2, "mentor", True, "2027-09-01")
    ended = record_renewal_answer(store, 2, "mentee", False, "2027-09-03")
    assert ended["status"] == "ended"
    last = pair_events(store, [2]).iloc[-1]
    assert (last["to_status"], last["reason"]) == ("ended", "not renewed")


def test_answers_from_an_earlier_term_do_not_count(store):
    confirm_first_meeting(store, 1, "2026-10-20")
    record_renewal_answer(store, 1, "mentee", True, "2027-09-01")
    record_renewal_answer(store, 1, "mentor", True, "2027-09-02")
    lifecycle = Lifecycle(max_renewals=2)
    # In the renewed term, one answer alone must not renew the pair again.
    pair = record_renewal_answer(store, 1, "mentor", True, "2028-09-01", lifecycle)
    assert (pair["status"], pair["renewals"]) == ("renewed", 1)
    assert renewal_answers(store).to_numpy().tolist() == [[1, "", "yes"]]


def test_a_yes_beyond_the_renewal_limit_is_refused_and_not_recorded(store):
    confirm_first_meeting(store, 1, "2026-10-20")
    renew_pair(store, 1, "2027-09-01")
    before = snapshot(store)
    with pytest.raises(LifecycleError, match="cannot be renewed again"):
        record_renewal_answer(store, 1, "mentee", True, "2028-09-01",
                              Lifecycle(max_renewals=1))
    for old, new in zip(before, snapshot(store), strict=True):
        pd.testing.assert_frame_equal(old, new)
    with pytest.raises(LifecycleError, match="Pair 2 is 'proposed': only an active or renewed"):
        record_renewal_answer(store, 2, "mentee", True, "2027-09-01")


def test_withdrawal_keeps_its_private_reason_in_the_audit_trail_only(store):
    withdraw_pair(store, 1, "2026-12-01", by="mentor", reason="workload or time",
                  note="moving to a new project")
    event = pair_events(store, [1]).iloc[-1]
    assert (event["to_status"], event["reason"]) == ("withdrawn", "workload or time")
    assert event["note"] == "by=mentor; moving to a new project"
    assert "workload" not in pair_table(store).to_csv()
    with pytest.raises(SettingsError, match="withdrawal reason must be one of"):
        withdraw_pair(store, 2, "2026-12-01", by="mentee", reason="bored")
    with pytest.raises(SettingsError, match="Who withdrew must be one of"):
        withdraw_pair(store, 2, "2026-12-01", by="cat")


def test_finished_pairs_are_forbidden_and_running_ones_are_current(store):
    confirm_first_meeting(store, 1, "2026-10-20")
    renew_pair(store, 1, "2027-09-01")
    end_pair(store, 2, "2026-12-01", reason="did not start")
    assert pairs_to_forbid(store).to_numpy().tolist() == [
        ["mentee.two@example.org", "mentor.two@example.org"]]
    assert current_pairs(store)["pair_id"].tolist() == [1, 3]


def test_pair_table_works_out_terms_and_names(store):
    confirm_first_meeting(store, 1, "2026-10-20")
    renew_pair(store, 1, "2027-09-01")
    table = pair_table(store).set_index("pair_id")
    assert table.loc[1, ["term_start", "term_end"]].tolist() == ["2027-10-01", "2028-10-01"]
    assert table.loc[2, ["term_start", "term_end"]].tolist() == ["2026-10-01", "2027-10-01"]
    assert table.loc[1, "mentee_name"] == "Ada One"
    assert table.loc[1, "mentor_department"] == "Mathematics"


# -- re-match after a withdrawal ------------------------------------------------------------
def test_rematch_keeps_every_other_pair_and_proposes_only_for_the_person_left_alone(store):
    for pid in (1, 2, 3):
        confirm_first_meeting(store, pid, "2026-10-20")
    withdraw_pair(store, 2, "2027-01-10", by="mentor", reason="changed job or role")
    before = load_pairs(store).set_index("id")
    matcher = FakeMatcher()
    rematch = rematch_after_withdrawal(store, 2, matcher=matcher, weights={"topics": 1})
    call = matcher.calls[0]
    assert call["weights"] == {"topics": 1}
    kept = set(map(tuple, call["current"].to_numpy()))
    assert kept == {("mentee.one@example.org", "mentor.one@example.org"),
                    ("mentee.three@example.org", "mentor.one@example.org")}
    assert ("mentee.two@example.org", "mentor.two@example.org") in set(
        map(tuple, call["forbid"].to_numpy()))
    assert "mentor.two@example.org" not in set(call["signups"]["email"])
    assert (rematch.person, rematch.side) == ("mentee.two@example.org", "mentee")
    assert rematch.proposals["mentee_email"].tolist() == ["mentee.two@example.org"]
    assert rematch.proposals["mentor_email"].tolist() == ["mentor.three@example.org"]

    [new_id] = accept_rematch(store, rematch, "2027-01-20")
    after = load_pairs(store).set_index("id")
    columns = [c for c in before.columns if c != "score"]
    pd.testing.assert_frame_equal(before[columns], after.drop(index=new_id)[columns])
    assert after.loc[new_id, ["mentee_email", "status", "start_date"]].tolist() == [
        "mentee.two@example.org", "proposed", "2027-01-20"]


def test_a_withdrawing_mentor_with_another_pair_stays_for_that_pair(store):
    withdraw_pair(store, 1, "2026-11-01", by="mentor", reason="workload or time")
    matcher = FakeMatcher()
    rematch = rematch_after_withdrawal(store, 1, matcher=matcher)
    signups = matcher.calls[0]["signups"]
    assert "mentor.one@example.org" in set(signups["email"])  # still mentors pair 3
    assert ("mentee.one@example.org", "mentor.one@example.org") in set(
        map(tuple, rematch.forbid.to_numpy()))
    assert rematch.proposals["mentor_email"].tolist() != ["mentor.one@example.org"]


def test_running_pairs_outside_the_cohort_are_not_shown_to_the_engine(store):
    save_pairs(store, pd.DataFrame({"mentee_email": ["old.mentee@example.org"],
                                  "mentor_email": ["mentor.three@example.org"]}), "2025",
                    status="active", start_date="2025-10-01")
    withdraw_pair(store, 2, "2026-11-01", by="mentor", reason="other")
    matcher = FakeMatcher()
    rematch = rematch_after_withdrawal(store, 2, matcher=matcher)
    assert len(rematch.current) == 3
    assert "old.mentee@example.org" not in set(matcher.calls[0]["current"]["mentee_email"])
    assert any("outside cohort 2026" in note for note in rematch.notes)
    signups = matcher.calls[0]["signups"].set_index("email")
    assert signups.loc["mentor.three@example.org", "capacity"] == 0  # taken by the 2025 pair
    assert rematch.proposals.empty


def test_rematch_when_the_mentee_withdrew_offers_the_mentors_place(store):
    confirm_first_meeting(store, 2, "2026-10-20")
    withdraw_pair(store, 2, "2027-01-10", by="mentee", reason="left the institution")
    rematch = rematch_after_withdrawal(store, 2, matcher=FakeMatcher())
    assert (rematch.person, rematch.side) == ("mentor.two@example.org", "mentor")
    assert set(rematch.proposals["mentor_email"]) <= {"mentor.two@example.org"}


def test_rematch_needs_a_withdrawn_pair_and_does_nothing_when_both_left(store):
    with pytest.raises(LifecycleError, match="Pair 1 is 'proposed', not withdrawn"):
        rematch_after_withdrawal(store, 1, matcher=FakeMatcher())
    withdraw_pair(store, 1, "2026-11-01", by="both", reason="other")
    matcher = FakeMatcher()
    rematch = rematch_after_withdrawal(store, 1, matcher=matcher)
    assert rematch.proposals.empty and not matcher.calls
    with pytest.raises(LifecycleError, match=re.escape(NOTHING_TO_ACCEPT)):
        accept_rematch(store, rematch, "2026-11-02")


# -- property: any sequence of requested changes keeps the lifecycle's rules -----------------
@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["proposed", "active", "renewed", "ended", "withdrawn"]),
                max_size=6))
def test_any_sequence_of_changes_follows_the_transition_table(requested):
    with tempfile.TemporaryDirectory() as folder, make_store(Path(folder)) as store:
        status, changes = "proposed", 0
        for wanted in requested:
            before = snapshot(store)
            try:
                change_status(store, 1, wanted, "2026-12-01")
            except LifecycleError:
                allowed = wanted in TRANSITIONS[status] and not (
                    wanted == "renewed" and load_pairs(store)["renewals"].iloc[0] >= 1)
                assert not allowed
                for old, new in zip(before, snapshot(store), strict=True):
                    pd.testing.assert_frame_equal(old, new)
            else:
                assert wanted in TRANSITIONS[status]
                status, changes = wanted, changes + 1
        assert load_pairs(store)["status"].iloc[0] == status
        assert len(pair_events(store, [1])) == changes + 1


def test_rematch_with_the_real_engine_keeps_every_other_pair(sample_dir, tmp_path):
    with sample_store(tmp_path / "s.sqlite", sample_dir) as store:
        save_meetings(store, read_meetings(sample_dir / "meetings.csv", store, SAMPLE_TODAY))
        left = load_pairs(store, statuses=("active",)).iloc[4]
        withdraw_pair(store, int(left["id"]), "2027-05-01", by="mentor",
                      reason="workload or time")
        before = load_pairs(store).set_index("id")
        rematch = rematch_after_withdrawal(store, int(left["id"]))
        assert rematch.person == left["mentee_email"]
        assert len(rematch.current) == len(before) - 1
        assert set(rematch.proposals["mentee_email"]) == {left["mentee_email"]}
        assert left["mentor_email"] not in set(rematch.proposals["mentor_email"])
        new = accept_rematch(store, rematch, "2027-05-10")
        after = load_pairs(store).set_index("id")
        columns = ["mentee_email", "mentor_email", "status", "start_date"]
        pd.testing.assert_frame_equal(before[columns], after.drop(index=new)[columns])
