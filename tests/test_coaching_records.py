"""Coaching as the organisational development team runs it: the approved coach list,
coachees' choices, chemistry outcomes, agreed sessions, spend, and saving them."""

from __future__ import annotations

import sqlite3

import docx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli.main import main
from toolkit.coaching.budget import spend_report
from toolkit.coaching.choice import check_choices, pairs_to_keep
from toolkit.coaching.matching import (
    CHOOSING,
    MatchSettings,
    coach_eligibility,
    match_coaches,
)
from toolkit.coaching.outputs import form_names, write_objectives_forms
from toolkit.coaching.progress import ObjectiveProgress, check_agreed, limits_with, session_status
from toolkit.coaching.registers import read_approved_coaches, read_register
from toolkit.coaching.requests import read_coaches, read_requests
from toolkit.coaching.round import run_round, save_round
from toolkit.coaching.supervision import COACH_WARNING_KINDS, CoachRules, coach_warnings
from toolkit.coaching.triage import triage
from toolkit.core.ladder import DEFAULT_LADDER
from toolkit.demo.sample import COACHING_START, COACHING_TODAY
from toolkit.store.coaching import (
    load_coaching_records,
    load_coaching_sessions,
    save_coaching_records,
)
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pair_events, load_pairs
from toolkit.store.schema import MIGRATIONS
from toolkit.widgets.coaching import CoachingPanel


# -- per-person files never overwrite each other ---------------------------------------------
def test_two_coachees_differing_only_in_the_domain_get_two_forms(tmp_path):
    pairs = pd.DataFrame({"coachee_email": ["ann@maths.example.org", "ann@physics.example.org",
                                            "bo@example.org"],
                          "coachee_name": ["Ann One", "Ann Two", "Bo"],
                          "coach_name": ["C", "D", "E"], "route": "internal"})
    per = pd.DataFrame({"email": ["ann@maths.example.org", "ann@physics.example.org"],
                        "number": [1, 1], "objective": ["Lead", "Write"],
                        "start_score": pd.array([3, 4], dtype="Int64"),
                        "end_score": pd.array([pd.NA, pd.NA], dtype="Int64")})
    progress = ObjectiveProgress(per_objective=per, per_coachee=pd.DataFrame(),
                                 missing=pd.DataFrame())
    written = write_objectives_forms(tmp_path, pairs, progress)
    assert len(written) == len(set(written)) == 3
    assert sorted(tmp_path.glob("*.docx")) == sorted(written)
    texts = {p.name: "\n".join(par.text for par in docx.Document(p).paragraphs)
             for p in written}
    assert sum("Ann One" in t for t in texts.values()) == 1
    assert sum("Ann Two" in t for t in texts.values()) == 1
    assert "objectives_bo.docx" in texts  # a unique address keeps its short name


def test_form_names_are_unique_whatever_the_addresses():
    emails = ["a.b@example.org", "a-b@example.org", "a_b@example.org", "A.B@other.example.org",
              "a-b-example-org-2@example.org", "x@example.org"]
    names = form_names(emails)
    assert len(set(names)) == len(emails)
    assert names[-1] == "objectives_x.docx"


def test_status_forms_command_writes_one_form_per_coachee(tmp_path, capsys):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("coachee_email,coach_email,route,start_date\n"
                     "ann@maths.example.org,c@example.org,internal,2026-03-02\n"
                     "ann@physics.example.org,d@example.org,internal,2026-03-02\n")
    sessions = tmp_path / "sessions.csv"
    sessions.write_text("Email,Date,Type\nann@maths.example.org,2026-03-05,chemistry\n")
    scores = tmp_path / "scores.csv"
    scores.write_text("Email,Objective,Start score\nann@maths.example.org,1,4\n"
                      "ann@physics.example.org,1,5\n")
    code = main(["coaching", "status", "--pairs", str(pairs), "--sessions", str(sessions),
                 "--scores", str(scores), "--today", "2026-04-01", "--out", str(tmp_path),
                 "--forms"])
    assert code == 0
    assert "Wrote 2 objectives form(s)" in capsys.readouterr().out
    assert len(list((tmp_path / "objectives_forms").glob("*.docx"))) == 2


# -- saving a round again ---------------------------------------------------------------------
def test_saving_a_round_with_sessions_again_never_duplicates_pairs(sample_dir, tmp_path):
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", sample_dir / "coaching_scores.csv",
                     COACHING_TODAY)
    with Store(tmp_path / "s.sqlite") as store:
        first = save_round(store, done, "2026")
        pairs_once = load_pairs(store, scheme="coaching")
        sessions_once = load_coaching_sessions(store, "2026")
        second = save_round(store, done, "2026")
        third = save_round(store, done, "2026")
        pairs = load_pairs(store, scheme="coaching")
        sessions = load_coaching_sessions(store, "2026")
    assert len(pairs) == len(pairs_once) == len(done.match.pairs)
    assert not pairs.duplicated(["mentee_email", "mentor_email"]).any()
    with_sessions = set(sessions_once["pair_id"])
    assert with_sessions  # the case the bug was about: pairs that have sessions
    assert with_sessions <= set(second["pairs"]) and with_sessions <= set(third["pairs"])
    assert second["pairs"] == third["pairs"] and sorted(second["pairs"]) == sorted(pairs["id"])
    assert len(sessions) == len(sessions_once)
    assert second["sessions"] == third["sessions"] == 0
    assert len(first["pairs"]) == len(second["pairs"])


# -- helpers ------------------------------------------------------------------------------------
def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def coachee(email, grade="Grade 9", department="Maths", manager="boss@example.org",
            need=("Leadership",), requested="2026-01-05", approved=True, cost=True):
    return {"email": email, "name": email.split("@")[0].title(), "department": department,
            "grade": grade, "level": DEFAULT_LADDER.level_of(grade),
            "line_manager_email": manager, "manager_approved": approved,
            "cost_approved": cost, "need": list(need), "objectives": [],
            "meeting_mode": "either", "requested_on": pd.Timestamp(requested)}


def coach(email, pool="external", capacity=1, specialisms=("Leadership",), cost=300.0,
          department=None, manager=""):
    return {"email": email, "name": email.split("@")[0].title(),
            "department": department or ("External" if pool == "external" else "Physics"),
            "pool": pool, "capacity": capacity, "specialisms": list(specialisms),
            "cost_per_session": cost if pool == "external" else 0.0,
            "meeting_mode": "either", "line_manager_email": manager}


# -- 1. the approved coach list -----------------------------------------------------------------
APPROVED = ("Name,Email,Accreditation body,Accreditation level,Accreditation expires,"
            "Last supervision,Agreement on file\n")


def test_approved_list_problems_have_spreadsheet_row_numbers(tmp_path):
    path = write(tmp_path / "approved.csv", APPROVED
                 + "Gil Ho,gil@example.org,EMCC,Practitioner,2027-05-01,01/07/2026,yes\n"
                 + ",ida@example.org,ICF,PCC,2027-05-01,2026-07-01,yes\n"
                 + "Jo Ko,not-an-address,ICF,PCC,2027-05-01,2026-07-01,yes\n"
                 + "Lu Mo,lu@example.org,ICF,PCC,05/31/2027,2026-07-01,yes\n"
                 + "Ny Oh,gil@example.org,ICF,PCC,2027-05-01,2026-07-01,perhaps\n")
    done = read_approved_coaches(path)
    assert done.records["email"].tolist() == ["gil@example.org"]
    assert done.problems[["row", "field"]].to_numpy().tolist() == [
        [3, "name"], [4, "email"], [5, "accreditation_expires"], [6, "email"],
        [6, "agreement"]]
    assert "month first" in done.problems.loc[2, "problem"]
    assert "on row 2" in done.problems.loc[3, "problem"]


def test_approved_list_is_read_from_xlsx_through_the_shared_importer(tmp_path):
    frame = pd.DataFrame({"Name": ["Gil Ho", "Ida Jo"],
                          "E-mail address": ["gil@example.org", "ida@example.org"],
                          "Accredited by": ["EMCC", ""], "Expiry date": ["2027-05-01", ""],
                          "Date of last supervision": ["2026-07-01", "soon"],
                          "Coaching agreement": ["2026-01-12", "no"]})
    path = tmp_path / "approved.xlsx"
    frame.to_excel(path, index=False)
    done = read_approved_coaches(path)
    assert done.records[["email", "agreement"]].to_numpy().tolist() == [["gil@example.org", True]]
    assert done.records["agreement_date"].iloc[0] == pd.Timestamp("2026-01-12")
    assert done.problems[["row", "field"]].to_numpy().tolist() == [[3, "last_supervision"]]


def approved_frame(**columns):
    base = {"email": ["a@example.org"], "name": ["A"], "accreditation_body": ["EMCC"],
            "accreditation_expires": pd.to_datetime(["2027-06-01"]),
            "last_supervision": pd.to_datetime(["2026-07-01"]), "agreement": [True]}
    return pd.DataFrame({**base, **columns})


@pytest.mark.parametrize(("today", "kinds"), [
    ("2026-10-01", []),                                   # lapses on 2026-10-01: not yet
    ("2026-10-02", ["supervision lapsed"]),
])
def test_supervision_lapses_after_the_set_number_of_months(today, kinds):
    assert coach_warnings(approved_frame(), today)["kind"].tolist() == kinds


def test_supervision_interval_is_a_setting():
    frame = approved_frame()
    assert coach_warnings(frame, "2026-09-01", CoachRules(supervision_months=2)).empty
    lapsed = coach_warnings(frame, "2026-09-02", CoachRules(supervision_months=2))
    assert lapsed[["kind", "due"]].to_numpy().tolist() == [["supervision lapsed", "2026-09-01"]]
    assert "1 Jul 2026" in lapsed["message"].iloc[0] and "every 2 month" in lapsed[
        "message"].iloc[0]
    assert coach_warnings(frame, "2026-09-02", CoachRules(supervision_months=6)).empty


@pytest.mark.parametrize(("today", "kinds"), [
    ("2027-04-30", []),
    ("2027-05-02", ["accreditation expiring"]),           # 30 days' notice
    ("2027-06-01", ["accreditation expiring"]),           # expires today: still valid
    ("2027-06-02", ["accreditation lapsed"]),
])
def test_accreditation_lapse_and_notice(today, kinds):
    frame = approved_frame(last_supervision=pd.to_datetime([today]))
    assert coach_warnings(frame, today)["kind"].tolist() == kinds


def test_missing_records_are_warnings_too():
    frame = approved_frame(accreditation_body=[""], accreditation_expires=[pd.NaT],
                           last_supervision=[pd.NaT], agreement=[False])
    assert coach_warnings(frame, "2026-09-21")["kind"].tolist() == [
        "no accreditation", "no supervision", "no agreement on file"]


def test_sample_approved_list_shows_one_warning_of_each_kind(sample_dir):
    done = read_approved_coaches(sample_dir / "coaching_approved.csv")
    assert done.ok
    found = coach_warnings(done.records, COACHING_TODAY)
    assert sorted(found["kind"]) == sorted([
        "accreditation lapsed", "accreditation expiring", "no accreditation",
        "supervision lapsed", "no agreement on file"])
    assert set(found["kind"]) <= set(COACH_WARNING_KINDS)


# -- 2. choices, short lists and the chemistry re-match ----------------------------------------
def small_round():
    """Three external coachees and three external coaches; the boss of b coaches too."""
    requests = triage(pd.DataFrame([
        coachee("a@example.org", need=("Leadership",), requested="2026-01-05"),
        coachee("b@example.org", need=("Resilience",), requested="2026-01-06",
                manager="x@example.org"),
        coachee("c@example.org", need=("Leadership", "Resilience"), requested="2026-01-07"),
    ]))
    coaches = pd.DataFrame([
        coach("x@example.org", specialisms=("Resilience",)),
        coach("y@example.org", specialisms=("Leadership",)),
        coach("z@example.org", specialisms=("Leadership", "Resilience"), capacity=2),
    ])
    return requests, coaches


def choices_frame(*rows):
    return pd.DataFrame([{"row": i + 2, "email": e, "coach_email": c}
                         for i, (e, c) in enumerate(rows)])


def test_a_coachee_choice_is_kept_even_when_the_score_prefers_another():
    requests, coaches = small_round()
    free = match_coaches(requests, coaches)
    assert dict(zip(free.pairs["coachee_email"], free.pairs["coach_email"],
                    strict=True))["a@example.org"] != "x@example.org"
    ok, problems = check_choices(choices_frame(("a@example.org", "x@example.org")), requests,
                                 coaches)
    assert problems.empty and ok["coach_email"].tolist() == ["x@example.org"]
    done = match_coaches(requests, coaches, locks=pairs_to_keep(None, None, ok))
    mine = done.pairs.set_index("coachee_email")
    assert mine.loc["a@example.org", "coach_email"] == "x@example.org"
    assert mine.loc["a@example.org", "how"] == "chosen"
    assert done.requests.set_index("email").loc["a@example.org", "note"] == "Chose this coach."
    assert (done.coaches.set_index("email")["taken"] <= coaches.set_index("email")[
        "capacity"]).all()


@pytest.mark.parametrize(("pick", "field", "says"), [
    (("b@example.org", "x@example.org"), "coach_email", "line-management chain"),
    (("a@example.org", "w@example.org"), "coach_email", "not in the coach pool"),
    (("q@example.org", "y@example.org"), "email", "no coaching request"),
    (("a@example.org", "v@example.org"), "coach_email", "not on the approved coach list"),
    (("a@example.org", "i@example.org"), "coach_email", "internal pool"),
])
def test_a_choice_that_breaks_a_rule_is_a_row_problem(pick, field, says):
    requests, coaches = small_round()
    coaches = pd.concat([coaches, pd.DataFrame([coach("v@example.org"),
                                                coach("i@example.org", pool="internal")])],
                        ignore_index=True)
    approved = {"x@example.org", "y@example.org", "z@example.org"}
    picks = choices_frame(("c@example.org", "z@example.org"), pick)
    ok, problems = check_choices(picks, requests, coaches, approved=approved)
    assert ok["row"].tolist() == [2]
    assert problems[["row", "field"]].to_numpy().tolist() == [[3, field]]
    assert says in problems["problem"].iloc[0]


def test_a_choice_on_hold_or_past_the_coach_places_is_a_row_problem():
    requests, coaches = small_round()
    requests = triage(pd.concat([requests.drop(columns=["route", "status", "reason"]),
                                 pd.DataFrame([coachee("h@example.org", cost=False)])],
                                ignore_index=True))
    picks = choices_frame(("a@example.org", "y@example.org"), ("c@example.org", "y@example.org"),
                          ("h@example.org", "z@example.org"))
    ok, problems = check_choices(picks, requests, coaches)
    assert ok["row"].tolist() == [2]
    assert problems["row"].tolist() == [3, 4]
    assert "no place left" in problems["problem"].iloc[0]
    assert "on hold" in problems["problem"].iloc[1]


def test_choices_through_the_command_set_rows_aside_with_their_row_numbers(tmp_path,
                                                                          sample_dir, capsys):
    pairs = pd.read_csv(sample_dir / "coaching_choices.csv")
    requests = triage(read_requests(sample_dir / "coaching_requests.csv").records)
    coaches = read_coaches(sample_dir / "coaching_coaches.csv").records
    managed = requests[(requests["status"] != "on hold")
                       & requests["line_manager_email"].isin(coaches["email"])].iloc[0]
    bad = pd.concat([pairs, pd.DataFrame({
        "Coachee email": [managed["email"]],
        "Chosen coach": [managed["line_manager_email"]], "Date chosen": ["01/03/2026"]})])
    bad.to_csv(tmp_path / "choices.csv", index=False)
    code = main(["coaching", "match", str(sample_dir / "coaching_requests.csv"),
                 str(sample_dir / "coaching_coaches.csv"), "--choices",
                 str(tmp_path / "choices.csv"), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1
    assert "'choices.csv': 1 problem(s)" in out
    problems = pd.read_csv(tmp_path / "out" / "coaching_problems.csv")
    assert "line-management chain" in problems["problem"].iloc[0]
    assert problems[["file", "row", "field"]].to_numpy().tolist() == [
        ["choices.csv", len(bad) + 1, "coach_email"]]
    made = pd.read_csv(tmp_path / "out" / "coaching_pairs.csv")
    assert (made["how"] == "chosen").sum() == len(pairs)
    assert not ((made["coachee_email"] == managed["email"])
                & (made["coach_email"] == managed["line_manager_email"])).any()


def test_short_lists_rank_the_best_fitting_allowed_coaches():
    requests, coaches = small_round()
    coaches = pd.concat([coaches, pd.DataFrame([coach("u@example.org", specialisms=())])],
                        ignore_index=True)
    done = match_coaches(requests, coaches, MatchSettings(by_choice=("external",)))
    assert done.pairs.empty
    assert set(done.requests["outcome"]) == {CHOOSING}
    lists = done.shortlists
    b = lists[lists["coachee_email"] == "b@example.org"]
    assert "x@example.org" not in set(b["coach_email"])  # b's line manager: never proposed
    for _, mine in lists.groupby("coachee_email"):
        assert mine["rank"].tolist() == list(range(1, len(mine) + 1))
        assert len(mine) <= 3
        assert mine["score"].is_monotonic_decreasing
    a = lists[lists["coachee_email"] == "a@example.org"]
    assert a["coach_email"].tolist()[:2] == ["y@example.org", "z@example.org"]
    two = match_coaches(requests, coaches, MatchSettings(by_choice=("external",), shortlist=2))
    assert two.shortlists.groupby("coachee_email").size().max() == 2


@st.composite
def rounds(draw):
    n_req = draw(st.integers(2, 7))
    n_coach = draw(st.integers(2, 5))
    needs = ["Leadership", "Resilience", "Confidence"]
    reqs = []
    for i in range(n_req):
        manager = draw(st.sampled_from(["", "boss@example.org"]
                                       + [f"c{j}@example.org" for j in range(n_coach)]))
        reqs.append(coachee(f"r{i}@example.org", grade=draw(st.sampled_from(["Grade 7",
                                                                                "Grade 9"])),
                            manager=manager or "boss@example.org",
                            need=draw(st.lists(st.sampled_from(needs), max_size=2,
                                               unique=True)),
                            requested=f"2026-01-{i + 1:02d}"))
    pool = [coach(f"c{j}@example.org", pool=draw(st.sampled_from(["internal", "external"])),
                  capacity=draw(st.integers(0, 2)),
                  specialisms=draw(st.lists(st.sampled_from(needs), max_size=3, unique=True)))
            for j in range(n_coach)]
    return triage(pd.DataFrame(reqs)), pd.DataFrame(pool), draw(st.randoms())


@settings(max_examples=60, deadline=None)
@given(rounds())
def test_a_failed_chemistry_session_rematches_that_coachee_and_keeps_every_other_pair(case):
    requests, coaches, rnd = case
    before = match_coaches(requests, coaches)
    if before.pairs.empty:
        return
    failed = before.pairs.iloc[rnd.randrange(len(before.pairs))]
    chem = pd.DataFrame({"email": [failed["coachee_email"]],
                         "coach_email": [failed["coach_email"]], "went_well": [False]})
    forbid = {(failed["coachee_email"], failed["coach_email"])}
    after = match_coaches(requests, coaches, locks=pairs_to_keep(before.pairs, chem),
                          forbid=forbid)
    made = set(zip(after.pairs["coachee_email"], after.pairs["coach_email"], strict=True))
    kept = set(zip(before.pairs["coachee_email"], before.pairs["coach_email"],
                   strict=True)) - forbid
    assert kept <= made                      # every other pair is kept as it was
    assert not forbid & made                 # never the coach whose chemistry failed
    # The rules still hold for every pair, and nobody has two coaches.
    assert after.pairs["coachee_email"].is_unique
    rules = coach_eligibility(requests.set_index("email").loc[after.pairs["coachee_email"]]
                              .reset_index(), coaches.set_index("email").loc[
                                  after.pairs["coach_email"]].reset_index())
    assert np.diag(rules["pool"] & ~rules["chain"] & ~rules["self"]
                   & ~rules["department"]).all()
    load = after.pairs["coach_email"].value_counts()
    assert (load <= coaches.set_index("email")["capacity"].reindex(load.index)).all()
    # Whoever else could take the freed place did: the failed coachee is re-matched when
    # an allowed coach has room, else waits with the reason.
    row = after.requests.set_index("email").loc[failed["coachee_email"]]
    if row["outcome"] == "matched":
        assert after.pairs.set_index("coachee_email").loc[failed["coachee_email"],
                                                          "how"] == "re-matched"
    else:
        assert row["outcome"] == "waiting list"


def test_sample_round_rematches_after_its_failed_chemistry_session(sample_dir):
    files = {k: sample_dir / f"coaching_{k}.csv" for k in
             ("approved", "choices", "chemistry", "agreed", "spend")}
    plain = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                      settings=MatchSettings(start_date=COACHING_START),
                      registers={"approved": files["approved"], "choices": files["choices"]},
                      today=COACHING_TODAY)
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     settings=MatchSettings(start_date=COACHING_START), registers=files,
                     today=COACHING_TODAY, budget=9000)
    assert done.problems.empty
    chem = done.registers.records("chemistry")
    [failed] = chem.loc[~chem["went_well"], ["email", "coach_email"]].to_numpy().tolist()
    old = set(zip(plain.match.pairs["coachee_email"], plain.match.pairs["coach_email"],
                  strict=True))
    new = set(zip(done.match.pairs["coachee_email"], done.match.pairs["coach_email"],
                  strict=True))
    assert tuple(failed) in old and tuple(failed) not in new
    assert old - {tuple(failed)} <= new
    assert "re-matched" in set(done.match.pairs["how"])
    assert "1 chemistry session(s) did not work: 1 of those coachees re-matched" in \
        done.summary()


# -- 3. sessions agreed per person, limits from the command line -------------------------------
def one_pair(route="internal"):
    return pd.DataFrame({"coachee_email": ["a@example.org"], "coach_email": ["c@example.org"],
                         "route": [route], "start_date": ["2026-03-02"]})


def sessions_log(n, route_start="2026-03-02"):
    days = pd.date_range(route_start, periods=n + 1, freq="14D")
    return pd.DataFrame({"email": "a@example.org", "on_date": days,
                         "kind": ["chemistry"] + ["session"] * n, "held": True})


def test_the_defaults_are_the_scheme_rules():
    limits = limits_with()
    assert (limits["internal"].chemistry, limits["internal"].sessions,
            limits["internal"].months) == (1, 4, 6)
    assert limits["external"].sessions == 6


def test_a_number_agreed_with_the_coachee_replaces_the_route_limit():
    agreed = pd.DataFrame({"email": ["a@example.org"], "sessions": pd.array([3], "Int64"),
                           "chemistry": pd.array([pd.NA], "Int64"),
                           "months": pd.array([pd.NA], "Int64")})
    plain = session_status(one_pair(), sessions_log(4), "2026-06-01")
    mine = session_status(one_pair(), sessions_log(4), "2026-06-01", agreed=agreed)
    assert plain.register.loc[0, ["sessions_allowed", "limit_from"]].tolist() == [
        4, "scheme rule"]
    assert plain.warnings.empty
    assert mine.register.loc[0, ["sessions_allowed", "limit_from", "status"]].tolist() == [
        3, "agreed", "complete"]
    assert mine.warnings["kind"].tolist() == ["over the limit"]
    assert "3 (and 1 chemistry) were agreed with this coachee" in mine.warnings[
        "message"].iloc[0]


def test_an_agreed_number_above_the_limit_is_a_row_problem_unless_the_limit_is_raised():
    agreed = pd.DataFrame({"row": [2, 3], "email": ["a@example.org", "b@example.org"],
                           "sessions": [5, 6]})
    routes = {"a@example.org": "internal", "b@example.org": "external"}
    ok, problems = check_agreed(agreed, routes)
    assert ok["row"].tolist() == [3]
    assert problems[["row", "field", "value"]].to_numpy().tolist() == [[2, "sessions", "5"]]
    assert "--internal-sessions" in problems["problem"].iloc[0]
    ok, problems = check_agreed(agreed, routes, limits_with(internal_sessions=5))
    assert problems.empty and len(ok) == 2


def test_limits_and_agreed_sessions_from_the_status_command(tmp_path, capsys):
    pairs = write(tmp_path / "pairs.csv", "coachee_email,coach_email,route,start_date\n"
                  "a@example.org,c@example.org,internal,2026-03-02\n"
                  "b@example.org,d@example.org,internal,2026-03-02\n")
    rows = ["Email,Date,Type"] + [f"{who}@example.org,2026-0{m}-03,{kind}" for who in "ab"
                                  for m, kind in ((3, "chemistry"), (4, "session"),
                                                  (5, "session"), (6, "session"),
                                                  (7, "session"), (8, "session"))]
    log = write(tmp_path / "sessions.csv", "\n".join(rows) + "\n")
    agreed = write(tmp_path / "agreed.xlsx", "")
    pd.DataFrame({"Email": ["a@example.org", "b@example.org"],
                  "Agreed sessions": [4, 9]}).to_excel(agreed, index=False)
    base = ["coaching", "status", "--pairs", str(pairs), "--sessions", str(log),
            "--today", "2026-08-20", "--out", str(tmp_path / "out")]
    assert main(base) == 0
    assert capsys.readouterr().out.count("over the limit:") == 2   # 5 of 4, twice
    assert main([*base, "--internal-sessions", "5"]) == 0
    assert "over the limit" not in capsys.readouterr().out
    code = main([*base, "--internal-sessions", "5", "--agreed", str(agreed)])
    out = capsys.readouterr().out
    assert code == 1                                            # b's 9 is above the 5 allowed
    assert "'agreed.xlsx': 1 problem(s)" in out
    sheet = pd.read_excel(tmp_path / "out" / "coaching_status.xlsx", sheet_name="Sessions")
    assert sheet[["Coachee e-mail", "Sessions allowed", "Limit from"]].to_numpy().tolist() == [
        ["a@example.org", 4, "agreed"], ["b@example.org", 5, "scheme rule"]]
    assert "a@example.org: 5 coaching and 1 chemistry session(s) held; 4 (and 1 chemistry) " \
        "were agreed" in out


@pytest.mark.parametrize("value", ["0", "x", "-2"])
def test_a_limit_that_is_not_a_whole_number_is_refused_by_the_command(value, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["coaching", "status", "--pairs", "p.csv", "--sessions", "s.csv", "--today",
              "2026-08-20", "--internal-months", value])
    assert stopped.value.code == 2
    assert "whole number, 1 or more" in capsys.readouterr().err


# -- 4. approved amount, spend, totals by department and year, the budget ----------------------
SPEND = ("Email,Year,Approved amount,Spent,Department\n"
         "a@example.org,2026,\"£1,800\",1900,\n"
         "b@example.org,2026,2400,600,\n"
         "c@example.org,2026,900,,\n"
         "old@example.org,2025,2000,2000,Law\n"
         "zz@example.org,2026,500,0,\n"
         "a@example.org,2026,100,0,\n")


def test_spend_import_problems_have_row_numbers(tmp_path):
    done = read_register("spend", write(tmp_path / "spend.csv", SPEND + ",2026,x,y,\n"))
    assert done.problems[["row", "field"]].to_numpy().tolist() == [
        [7, "email"], [8, "email"], [8, "approved_amount"], [8, "spent"]]
    assert done.records["approved_amount"].tolist()[:3] == [1800.0, 2400.0, 900.0]


def test_spend_totals_by_department_and_year_with_the_budget_warning():
    spend = pd.DataFrame({"email": ["a@example.org", "b@example.org", "c@example.org",
                                    "old@example.org"],
                          "approved_amount": [1800.0, 2400.0, 900.0, 2000.0],
                          "spent": [1900.0, 600.0, 0.0, 2000.0],
                          "year": ["2026", "2026", "", "2025"],
                          "department": ["", "", "", "Law"]})
    requests = pd.DataFrame({"email": ["a@example.org", "b@example.org", "c@example.org"],
                             "name": ["A", "B", "C"],
                             "department": ["Maths", "Physics", "Maths"],
                             "route": "external",
                             "requested_on": pd.to_datetime(["2026-01-05"] * 3)})
    report = spend_report(spend, requests, budget=4500)
    totals = report.totals[["year", "department", "coachees", "approved_amount", "spent",
                            "remaining"]].to_numpy().tolist()
    assert totals == [
        ["2025", "Law", 1, 2000.0, 2000.0, 0.0],
        ["2025", "All departments", 1, 2000.0, 2000.0, 0.0],
        ["2026", "Maths", 2, 2700.0, 1900.0, 800.0],
        ["2026", "Physics", 1, 2400.0, 600.0, 1800.0],
        ["2026", "All departments", 3, 5100.0, 2500.0, 2600.0],
    ]
    assert report.warnings[["kind", "year", "email"]].to_numpy().tolist() == [
        ["approved over budget", "2026", ""], ["spend over approved", "2026", "a@example.org"]]
    assert "by 600.00" in report.warnings["message"].iloc[0]
    assert spend_report(spend, requests, budget=6000).warnings["kind"].tolist() == [
        "spend over approved"]


def test_the_tracking_workbook_totals_spend_and_warns_about_the_budget(sample_dir, tmp_path,
                                                                      capsys):
    spend = write(tmp_path / "spend.csv", SPEND.replace("a@example.org", "x@example.org"))
    requests = read_requests(sample_dir / "coaching_requests.csv").records
    first = requests["email"].iloc[:3].tolist()
    for mine, email in zip(("b@example.org", "c@example.org", "zz@example.org"), first,
                           strict=True):
        spend.write_text(spend.read_text().replace(mine, email))
    code = main(["coaching", "match", str(sample_dir / "coaching_requests.csv"),
                 str(sample_dir / "coaching_coaches.csv"), "--spend", str(spend),
                 "--budget", "3000", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1  # x@example.org: no request, no department
    assert "money, approved over budget (2026)" in out
    book = tmp_path / "out" / "coaching_tracking.xlsx"
    totals = pd.read_excel(book, sheet_name="Spend totals")
    overall = totals[(totals["Year"] == 2026) & (totals["Department"] == "All departments")]
    assert overall[["Approved amount", "Actual spend", "Budget"]].to_numpy().tolist() == [
        [3800.0, 600.0, 3000.0]]
    warned = pd.read_excel(book, sheet_name="Budget warnings")
    assert set(warned["Warning"]) == {"approved over budget"}
    problems = pd.read_csv(tmp_path / "out" / "coaching_problems.csv")
    assert problems[["row", "field"]].to_numpy().tolist() == [[2, "email"], [7, "email"]]


# -- 5. the registers in the store ---------------------------------------------------------------
def test_the_registers_are_saved_with_the_round_and_saving_again_changes_nothing(sample_dir,
                                                                                tmp_path):
    files = {k: sample_dir / f"coaching_{k}.csv" for k in
             ("approved", "choices", "chemistry", "agreed", "spend")}
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", today=COACHING_TODAY,
                     settings=MatchSettings(start_date=COACHING_START), registers=files)
    with Store(tmp_path / "s.sqlite") as store:
        first = save_round(store, done, "2026")
        snapshot = {k: load_coaching_records(store, k, "2026").drop(columns=["id", "saved_at"])
                    for k in files}
        again = save_round(store, done, "2026")
        pairs = load_pairs(store, scheme="coaching")
        for kind in files:
            now = load_coaching_records(store, kind, "2026").drop(columns=["id", "saved_at"])
            pd.testing.assert_frame_equal(now, snapshot[kind])
    assert {k: first["records"][k] for k in files} == {
        k: len(done.registers.records(k)) for k in files}
    assert first["records"] == again["records"]
    assert len(pairs) == len(done.match.pairs)
    chosen = snapshot["choices"][["coachee_email", "coach_email"]].to_numpy().tolist()
    assert chosen == done.registers.records("choices")[["email", "coach_email"]
                                                       ].to_numpy().tolist()


def test_a_running_pair_whose_chemistry_failed_is_ended_with_the_reason(sample_dir, tmp_path):
    log = pd.read_csv(sample_dir / "coaching_sessions.csv", dtype=str)
    plain = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv")
    made = plain.match.pairs
    pair = made[made["coachee_email"].isin(log["Email"]) & (made["route"] == "external")].iloc[0]
    mine = log[log["Email"] == pair["coachee_email"]]
    chemistry_day = pd.to_datetime(mine["Date"], dayfirst=True).min()
    # Saved once after the chemistry session (the log then holds it alone), and again at the
    # end of the round with the outcome and the full log.
    early = log[pd.to_datetime(log["Date"], dayfirst=True) <= chemistry_day]
    early.to_csv(tmp_path / "early.csv", index=False)
    before = run_round(sample_dir / "coaching_requests.csv",
                       sample_dir / "coaching_coaches.csv", tmp_path / "early.csv",
                       today=COACHING_TODAY)
    chem = write(tmp_path / "chemistry.csv", "Coachee email,Coach email,Outcome,Date\n"
                 f"{pair['coachee_email']},{pair['coach_email']},did not,"
                 f"{chemistry_day:%d/%m/%Y}\n")
    after = run_round(sample_dir / "coaching_requests.csv",
                      sample_dir / "coaching_coaches.csv", sample_dir / "coaching_sessions.csv",
                      today=COACHING_TODAY, registers={"chemistry": chem})
    with Store(tmp_path / "s.sqlite") as store:
        save_round(store, before, "2026")
        saved = save_round(store, after, "2026")
        pairs = load_pairs(store, scheme="coaching")
        events = load_pair_events(store, pairs["id"].tolist())
        sessions = load_coaching_sessions(store, "2026")
    old = pairs[(pairs["mentee_email"] == pair["coachee_email"])
                & (pairs["mentor_email"] == pair["coach_email"])]
    assert saved["records"]["ended"] == 1
    assert old["status"].tolist() == ["ended"]
    reason = events[events["pair_id"] == old["id"].iloc[0]].iloc[-1]
    assert (reason["to_status"], reason["on_date"]) == ("ended", f"{chemistry_day:%Y-%m-%d}")
    assert "chemistry session did not work" in reason["reason"]
    running = pairs[pairs["status"].isin(["proposed", "active"])]
    assert running["mentee_email"].is_unique  # nobody has two coaches
    assert pair["coachee_email"] in set(running["mentee_email"])  # re-matched
    # Sessions up to the failed chemistry session stay with the pair that ended; the new
    # pair gets only the ones after it.
    day = f"{chemistry_day:%Y-%m-%d}"
    theirs = sessions[sessions["coachee"] == pair["coachee_email"]]
    assert theirs.loc[theirs["coach"] == pair["coach_email"], "on_date"].tolist() == [day]
    assert (theirs.loc[theirs["coach"] != pair["coach_email"], "on_date"] > day).all()


def test_a_store_of_the_previous_schema_takes_the_coaching_registers(tmp_path):
    """A store made before the registers' migration opens, keeps its data, and takes them."""
    mine = next(i for i, sql in enumerate(MIGRATIONS) if "coaching_approved" in sql)
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")
    for version, sql in enumerate(MIGRATIONS[:mine], start=1):
        conn.executescript(sql)
        conn.execute("INSERT INTO schema_version VALUES (?, '2026-01-01')", (version,))
    conn.execute("INSERT INTO pairs (scheme, cohort, mentee_email, mentor_email, created_at) "
                 "VALUES ('coaching', '2026', 'a@example.org', 'c@example.org', 'x')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert len(load_pairs(store, scheme="coaching")) == 1
        save_coaching_records(store, "2026", {"agreed": pd.DataFrame({
            "email": ["a@example.org"], "sessions": pd.array([3], "Int64"),
            "chemistry": pd.array([pd.NA], "Int64"), "months": pd.array([pd.NA], "Int64")})})
        agreed = load_coaching_records(store, "agreed")
    assert agreed[["email", "sessions"]].to_numpy().tolist() == [["a@example.org", 3]]
    assert agreed["chemistry"].isna().all()


# -- the notebook panel runs the same service with the registers ---------------------------------
def test_panel_takes_the_registers_and_lets_external_coachees_choose(sample_dir):
    files = {k: sample_dir / f"coaching_{k}.csv" for k in
             ("approved", "choices", "chemistry", "agreed", "spend")}
    limits = limits_with(internal_sessions=3)
    panel = CoachingPanel(sample_dir / "coaching_requests.csv",
                          sample_dir / "coaching_coaches.csv", sample_dir / "coaching_sessions.csv",
                          today=COACHING_TODAY, start_date=COACHING_START, registers=files,
                          limits=limits, budget=9000, supervision_months=6)
    assert panel.result is not None
    # The sample agreed 4 sessions with an internal coachee: above the 3 now allowed.
    assert panel.result.problems[["file", "field", "value"]].to_numpy().tolist() == [
        ["coaching_agreed.csv", "sessions", "4"]]
    assert panel.result.status.register.query("route == 'internal'")[
        "sessions_allowed"].max() == 3
    assert "supervision lapsed" not in set(panel.result.coach_warnings["kind"])  # 6 months
    panel.by_choice.value = True
    panel.shortlist.value = 2
    panel.button.click()
    done = panel.result
    same = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     sample_dir / "coaching_sessions.csv", today=COACHING_TODAY,
                     settings=MatchSettings(start_date=COACHING_START, shortlist=2,
                                            by_choice=("external",)),
                     registers=files, limits=limits, budget=9000,
                     coach_rules=CoachRules(supervision_months=6))
    pd.testing.assert_frame_equal(done.match.pairs, same.match.pairs)
    external = done.match.pairs[done.match.pairs["route"] == "external"]
    assert set(external["how"]) <= {"chosen", "kept", "re-matched"}  # none made by score
    assert done.match.shortlists.groupby("coachee_email").size().max() <= 2


def test_current_pairs_are_kept_and_the_ones_that_cannot_be_are_listed(sample_dir, tmp_path,
                                                                      capsys):
    out = tmp_path / "before"
    assert main(["coaching", "match", str(sample_dir / "coaching_requests.csv"),
                 str(sample_dir / "coaching_coaches.csv"), "--out", str(out)]) == 0
    before = pd.read_csv(out / "coaching_pairs.csv")
    gone = before.iloc[0]
    coaches = pd.read_csv(sample_dir / "coaching_coaches.csv")
    coaches[coaches["Email"] != gone["coach_email"]].to_csv(tmp_path / "coaches.csv",
                                                             index=False)
    capsys.readouterr()
    assert main(["coaching", "match", str(sample_dir / "coaching_requests.csv"),
                 str(tmp_path / "coaches.csv"), "--current", str(out / "coaching_pairs.csv"),
                 "--out", str(tmp_path / "after")]) == 0
    printed = capsys.readouterr().out
    after = pd.read_csv(tmp_path / "after" / "coaching_pairs.csv")
    made = set(zip(after["coachee_email"], after["coach_email"], strict=True))
    lost = before["coach_email"] == gone["coach_email"]
    assert set(zip(before.loc[~lost, "coachee_email"], before.loc[~lost, "coach_email"],
                   strict=True)) <= made
    assert f"not kept: {gone['coachee_email']} with {gone['coach_email']}: The coach is no " \
        "longer in the coach pool." in printed


def test_external_coaches_off_the_approved_list_are_never_matched(tmp_path):
    requests, coaches = small_round()
    done = match_coaches(requests, coaches, approved={"y@example.org"})
    assert set(done.pairs["coach_email"]) == {"y@example.org"}
    assert len(done.pairs) + len(done.waiting) == 3
    rules = coach_eligibility(requests, coaches, approved={"y@example.org"})
    assert rules["unapproved"].any(axis=0).tolist() == [True, False, True]  # x, y, z
    alone = match_coaches(requests.iloc[[1]], coaches, approved={"y@example.org"},
                          taken={"y@example.org": 1})
    assert alone.waiting["why"].iloc[0] == (
        "None of the 3 external coaches can coach this person: 1 in the coachee's "
        "line-management chain, 1 not on the approved coach list, 1 with no places.")
    everyone = match_coaches(requests, coaches)
    assert len(everyone.pairs) == 3  # without the list every external coach may coach


def test_a_chemistry_session_that_went_well_must_keep_the_rules_too(sample_dir, tmp_path):
    requests = triage(read_requests(sample_dir / "coaching_requests.csv").records)
    coaches = read_coaches(sample_dir / "coaching_coaches.csv").records
    managed = requests[(requests["status"] != "on hold")
                       & requests["line_manager_email"].isin(coaches["email"])].iloc[0]
    chem = write(tmp_path / "chemistry.csv", "Coachee email,Coach email,Outcome\n"
                 f"{managed['email']},{managed['line_manager_email']},went well\n")
    done = run_round(sample_dir / "coaching_requests.csv", sample_dir / "coaching_coaches.csv",
                     registers={"chemistry": chem})
    assert done.problems[["file", "row", "field"]].to_numpy().tolist() == [
        ["chemistry.csv", 2, "coach_email"]]
    assert "line-management chain" in done.problems["problem"].iloc[0]
    made = set(zip(done.match.pairs["coachee_email"], done.match.pairs["coach_email"],
                   strict=True))
    assert (managed["email"], managed["line_manager_email"]) not in made
