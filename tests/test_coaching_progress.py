"""Coaching under way: session limits and warnings on dated fixtures, objective progress."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.coaching.progress import (
    PAIR_STATES,
    SessionLimits,
    objective_progress,
    session_status,
)
from toolkit.coaching.records import read_objective_scores, read_sessions
from toolkit.coaching.round import TODAY_NEEDED, run_round, save_round
from toolkit.demo.sample import COACHING_TODAY
from toolkit.errors import InputFileError, SettingsError
from toolkit.store.coaching import (
    load_coaching_sessions,
    load_objective_scores,
    save_progress,
)
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs

START = "2026-03-02"


def pair(route="internal", email="a@example.org", start=START, **extra):
    return {"coachee_email": email, "coach_email": "c@example.org", "route": route,
            "start_date": start, **extra}


def log(*entries, email="a@example.org"):
    """Sessions as (date, kind[, held]) tuples."""
    return pd.DataFrame({
        "email": email,
        "on_date": pd.to_datetime([e[0] for e in entries]),
        "kind": [e[1] for e in entries],
        "held": [e[2] if len(e) > 2 else True for e in entries],
    })


CHEM = ("2026-03-02", "chemistry")
MONTHLY = [(f"2026-0{m}-02", "session") for m in (4, 5, 6, 7, 8)]


def check(pairs, sessions, today, **kw):
    status = session_status(pd.DataFrame(pairs), sessions, today, **kw)
    return status.register.iloc[0], sorted(status.warnings["kind"])


def test_internal_within_limits_is_complete_without_warnings():
    reg, warnings = check([pair()], log(CHEM, *MONTHLY[:4]), "2026-08-10")
    assert (reg["chemistry_held"], reg["sessions_held"], reg["sessions_left"]) == (1, 4, 0)
    assert reg["end_date"] == pd.Timestamp("2026-09-02")
    assert reg["status"] == "complete"
    assert warnings == []


@pytest.mark.parametrize(("entries", "route"), [
    ([CHEM, *MONTHLY], "internal"),                             # 5 sessions, 4 allowed
    ([CHEM, ("2026-03-09", "chemistry"), *MONTHLY[:2]], "internal"),  # 2 chemistry sessions
    ([CHEM, *[(f"2026-{m:02d}-10", "session") for m in range(3, 10)]], "external"),  # 7 of 6
])
def test_over_the_limit(entries, route):
    _, warnings = check([pair(route)], log(*entries), "2026-09-20")
    assert "over the limit" in warnings


def test_external_allows_six_sessions():
    entries = [CHEM, *[(f"2026-{m:02d}-10", "session") for m in range(3, 9)]]
    reg, warnings = check([pair("external")], log(*entries), "2026-09-20")
    assert reg["sessions_held"] == 6 and reg["status"] == "complete"
    assert warnings == []


def test_cancelled_sessions_do_not_count():
    entries = [CHEM, *MONTHLY[:4], ("2026-08-20", "session", False)]
    reg, warnings = check([pair()], log(*entries), "2026-08-25")
    assert reg["sessions_held"] == 4 and warnings == []


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-05-13", []),                            # 41 days since 2026-04-02
    ("2026-05-14", []),                            # exactly six weeks: not yet
    ("2026-05-15", ["no session for six weeks"]),  # 43 days
])
def test_no_session_for_six_weeks_boundary(today, expected):
    _, warnings = check([pair()], log(CHEM, MONTHLY[0]), today)
    assert warnings == expected


def test_not_started_pair_is_quiet_from_its_start_date():
    status = session_status(pd.DataFrame([pair()]), log(CHEM).iloc[0:0], "2026-04-20")
    assert status.register.loc[0, "status"] == "not started"
    assert status.warnings["message"].tolist() == [
        "No session yet, 49 days after the start date 2 Mar 2026: check that the pair has met."]


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-09-02", []),                      # the end date itself
    ("2026-09-03", ["past the end date"]),   # the day after
])
def test_past_the_end_date_boundary(today, expected):
    entries = [CHEM, ("2026-08-01", "session"), ("2026-08-20", "session")]
    reg, warnings = check([pair()], log(*entries), today)
    assert warnings == expected
    assert reg["status"] == ("past end date" if expected else "active")


def test_session_after_the_end_date_and_window_from_first_session():
    entries = [("2026-03-10", "chemistry"), ("2026-04-10", "session"),
               ("2026-09-11", "session")]
    reg, warnings = check([pair()], log(*entries), "2026-09-12")
    assert reg["end_date"] == pd.Timestamp("2026-09-10")   # six months from the chemistry
    assert "session after the end date" in warnings


def test_closed_pairs_raise_no_time_warnings():
    _, warnings = check([pair(status="closed")], log(CHEM), "2026-12-01")
    assert warnings == []


def test_sessions_for_someone_without_a_pair_are_flagged():
    sessions = pd.concat([log(CHEM), log(CHEM, email="typo@example.org")])
    status = session_status(pd.DataFrame([pair()]), sessions, "2026-03-10")
    assert status.warnings["kind"].tolist() == ["no coaching pair"]
    assert status.warnings["coachee_email"].tolist() == ["typo@example.org"]


def test_limits_are_configurable_and_checked():
    limits = {"internal": SessionLimits(chemistry=0, sessions=2, months=3)}
    reg, warnings = check([pair()], log(CHEM, *MONTHLY[:2]), "2026-05-10", limits=limits)
    assert reg["end_date"] == pd.Timestamp("2026-06-02")
    assert warnings == ["over the limit"]   # a chemistry session where none is allowed
    with pytest.raises(SettingsError, match=r"No session limits for the coaching route\(s\) "
                                            r"\['external'\]"):
        check([pair("external")], log(CHEM), "2026-05-10", limits=limits)
    with pytest.raises(SettingsError, match="Session limits must be whole numbers"):
        SessionLimits(sessions=-1)


def test_session_log_bad_rows_have_row_numbers(tmp_path):
    path = tmp_path / "sessions.csv"
    path.write_text("Email,Date,Type,Status\n"
                    "a@example.org,02/03/2026,Chemistry,Held\n"
                    "a@example.org,2026-13-01,Session,Held\n"
                    "a@example.org,2026-04-01,Workshop,Held\n"
                    "a@example.org,2026-04-08,Session,Rained off\n"
                    "not an address,2026-04-09,Session,\n")
    result = read_sessions(path)
    assert result.problems[["row", "field"]].to_numpy().tolist() == [
        [3, "on_date"], [4, "kind"], [5, "status"], [6, "email"]]
    assert result.records["on_date"].tolist() == [pd.Timestamp("2026-03-02")]


def test_score_sheet_bad_rows_have_row_numbers(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("Email,Objective,Start score,End score\n"
                    "a@example.org,1,4,7\n"
                    "a@example.org,1,5,\n"
                    "a@example.org,4,5,\n"
                    "a@example.org,Objective 2,0,\n"
                    "a@example.org,3,6.5,seven\n")
    result = read_objective_scores(path)
    assert result.problems[["row", "field"]].to_numpy().tolist() == [
        [3, "objective"], [4, "objective"], [5, "start_score"], [6, "start_score"],
        [6, "end_score"]]
    assert "whole number from 1 to 10" in result.problems.loc[2, "problem"]


# -- objectives -----------------------------------------------------------------------------
def objectives(*rows):
    return pd.DataFrame(rows, columns=["email", "number", "objective"])


def scores(*rows):
    frame = pd.DataFrame(rows, columns=["email", "number", "start_score", "end_score"])
    return frame.astype({"start_score": "Int64", "end_score": "Int64"})


def test_objective_progress_arithmetic():
    obj = objectives(("a@example.org", 1, "One"), ("a@example.org", 2, "Two"),
                     ("a@example.org", 3, "Three"), ("b@example.org", 1, "Only"))
    sc = scores(("a@example.org", 1, 2, 8), ("a@example.org", 2, 6, 5),
                ("a@example.org", 3, 4, None), ("b@example.org", 1, 5, 5))
    progress = objective_progress(obj, sc)
    assert progress.per_objective["change"].tolist() == [6, -1, pd.NA, 0]
    a, b = progress.per_coachee.to_dict("records")
    assert (a["objectives"], a["start_scored"], a["end_scored"]) == (3, 3, 2)
    assert a["mean_start"] == 4.0          # (2 + 6) / 2: the objectives scored both times
    assert a["mean_end"] == 6.5            # (8 + 5) / 2
    assert a["mean_change"] == 2.5         # (6 - 1) / 2
    assert a["improved"] == 1
    assert (b["mean_change"], b["improved"]) == (0.0, 0)
    assert progress.missing[["email", "form", "objectives_missing"]].to_numpy().tolist() == [
        ["a@example.org", "end", 1]]


def test_missing_forms_follow_where_the_pair_stands():
    obj = objectives(("a@example.org", 1, "One"), ("b@example.org", 1, "One"),
                     ("c@example.org", 1, "One"))
    sc = scores(("a@example.org", 1, 3, None), ("b@example.org", 1, 3, None))
    register = pd.DataFrame({
        "coachee_email": ["a@example.org", "b@example.org", "c@example.org", "d@example.org"],
        "status": ["active", "complete", "past end date", "active"]})
    progress = objective_progress(obj, sc, register)
    assert progress.missing[["email", "form"]].to_numpy().tolist() == [
        ["b@example.org", "end"], ["c@example.org", "end"], ["c@example.org", "start"],
        ["d@example.org", "objectives"]]
    assert progress.per_coachee["email"].tolist() == [
        "a@example.org", "b@example.org", "c@example.org", "d@example.org"]


def test_scores_for_an_objective_not_in_the_request_are_kept():
    progress = objective_progress(objectives(("a@example.org", 1, "One")),
                                  scores(("a@example.org", 2, 4, 6)))
    assert progress.per_objective["objective"].tolist() == ["One", "(not in the request)"]


def test_sample_activity_matches_the_sample_pairs(sample_dir):
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", sample_dir / "coaching_scores.csv",
                     COACHING_TODAY)
    assert done.problems.empty
    kinds = set(done.status.warnings["kind"])
    assert {"over the limit", "past the end date", "no session for six weeks",
            "no coaching pair"} <= kinds
    orphans = done.status.warnings.query("kind == 'no coaching pair'")
    assert len(orphans) == 1  # only the deliberately mistyped e-mail
    assert set(done.progress.missing["form"]) >= {"start", "end"}
    assert set(done.status.register["status"]) <= set(PAIR_STATES)


def test_progress_is_saved_against_the_stored_pairs(sample_dir, tmp_path):
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", sample_dir / "coaching_scores.csv",
                     COACHING_TODAY)
    log = done.sessions.records
    held = log[log["held"] & log["email"].isin(done.match.pairs["coachee_email"])]
    with Store(tmp_path / "s.sqlite") as store:
        first = save_round(store, done, "2026")
        again = save_progress(store, "2026", log, done.progress.per_objective)
        sessions = load_coaching_sessions(store, "2026")
        scores = load_objective_scores(store, "2026")
        assert len(load_pairs(store, scheme="coaching")) == len(done.match.pairs)
        save_round(store, done, "2026")  # pairs with sessions are kept, with their sessions
        kept = load_coaching_sessions(store, "2026")
    assert len(first["pairs"]) == len(done.match.pairs)
    assert first["unknown"] == ["zainab.grimaldi@mail.example.org"]
    assert first["sessions"] == len(sessions) == len(held.drop_duplicates(
        ["email", "on_date", "kind"]))
    assert set(sessions["coachee"]) == set(held["email"])
    assert again["sessions"] == 0  # a session already recorded is not added twice
    assert first["scores"] == again["scores"] == len(scores) == len(done.progress.per_objective)
    assert set(sessions["pair_id"]) <= set(kept["pair_id"])


def test_saving_proposed_pairs_again_replaces_them(sample_dir, tmp_path):
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv")
    with Store(tmp_path / "s.sqlite") as store:
        first = save_round(store, done, "2026")
        again = save_round(store, done, "2026")
        pairs = load_pairs(store, scheme="coaching")
    assert len(first["pairs"]) == len(again["pairs"]) == len(done.match.pairs)
    assert sorted(pairs["id"]) == sorted(again["pairs"])
    assert (first["sessions"], first["scores"]) == (0, 0)


def test_a_round_with_sessions_needs_a_day_to_check_on(sample_dir):
    with pytest.raises(InputFileError) as caught:
        run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                  sample_dir / "coaching_sessions.csv")
    assert str(caught.value) == TODAY_NEEDED
