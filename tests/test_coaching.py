"""Coaching requests: import, triage, matching rules and the waiting list."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli.main import main
from toolkit.coaching.matching import (
    OUTCOMES,
    MatchSettings,
    coach_eligibility,
    coach_scores,
    match_coaches,
)
from toolkit.coaching.progress import objectives_of
from toolkit.coaching.records import read_sessions
from toolkit.coaching.requests import (
    check_dates,
    not_a_date,
    other_order,
    read_coaches,
    read_requests,
)
from toolkit.coaching.triage import TriageRules, triage
from toolkit.core.ladder import DEFAULT_LADDER
from toolkit.core.management import chain_mask
from toolkit.errors import InputFileError, RowProblemsError, SettingsError
from toolkit.io.problems import RowChecker
from toolkit.io.readers import Table
from toolkit.store.coaching import (
    load_coaching_coaches,
    load_coaching_requests,
    save_coaching,
)
from toolkit.store.connection import SCHEMA_VERSION, Store
from toolkit.store.pairs import load_pairs

HEADER = ("Timestamp,Name,Email,Department,Grade,Line manager email,Line manager approved,"
          "Line manager approved cost,Development need,Objective 1,Objective 2,Meeting mode\n")


def request(grade="Grade 8", manager="m@example.org", approved=True, cost=False, email=None,
            department="Maths", **extra):
    return {"email": email or f"{grade.replace(' ', '').lower()}@example.org", "name": "X",
            "department": department, "grade": grade,
            "level": DEFAULT_LADDER.level_of(grade), "line_manager_email": manager,
            "manager_approved": approved, "cost_approved": cost, "need": [],
            "objectives": [], "meeting_mode": "either",
            "requested_on": pd.Timestamp("2026-01-05"), **extra}


# -- triage ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("grade", "manager", "approved", "cost", "status", "route", "reason"), [
    ("Grade 8", "m@example.org", True, False, "internal", "internal", "Internal coaching"),
    ("Grade 8", "m@example.org", True, True, "internal", "internal", "Grade 8 is Grade 8 or"),
    ("Grade 6", "m@example.org", True, False, "internal", "internal", "Internal coaching"),
    ("PhD student", "m@example.org", True, False, "internal", "internal", "Grade 8 or below"),
    ("Grade 9", "m@example.org", True, True, "external", "external", "above Grade 8"),
    ("Grade 10", "m@example.org", True, True, "external", "external", "External coaching"),
    ("Grade 9", "m@example.org", True, False, "on hold", "external", "not yet its cost"),
    ("Grade 9", "m@example.org", False, False, "on hold", "external",
     "approve the coaching and its cost; neither"),
    ("Grade 9", "m@example.org", False, True, "on hold", "external", "not approved the coach"),
    ("Grade 8", "m@example.org", False, False, "on hold", "internal", "not approved the coach"),
    ("Grade 8", "m@example.org", False, True, "on hold", "internal", "not approved the coach"),
    ("Grade 8", "", True, False, "on hold", "internal", "no line manager is named"),
    ("Grade 9", "", True, True, "on hold", "external", "no line manager is named"),
])
def test_triage_boundaries(grade, manager, approved, cost, status, route, reason):
    out = triage(pd.DataFrame([request(grade, manager, approved, cost)]))
    assert out.loc[0, "status"] == status
    assert out.loc[0, "route"] == route
    assert reason in out.loc[0, "reason"]


def test_triage_thresholds_are_configurable():
    frame = pd.DataFrame([request("Grade 8"), request("Grade 9", cost=False)])
    moved = triage(frame, TriageRules(internal_up_to="Grade 7"))
    assert moved["route"].tolist() == ["external", "external"]
    no_cost = triage(frame, TriageRules(require_cost_approval=False))
    assert no_cost["status"].tolist() == ["internal", "external"]
    with pytest.raises(SettingsError, match="'Grade 11' is not a grade on the ladder"):
        triage(frame, TriageRules(internal_up_to="Grade 11"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans(), st.booleans(), st.booleans()),
                min_size=1, max_size=20))
def test_every_request_gets_exactly_one_status_and_a_reason(rows):
    frame = pd.DataFrame([request(DEFAULT_LADDER.label(lv), "m@example.org" if has else "", a, c,
                                  email=f"p{i}@example.org")
                          for i, (lv, has, a, c) in enumerate(rows)])
    out = triage(frame)
    assert len(out) == len(frame)
    assert out["status"].isin(["internal", "external", "on hold"]).all()
    # The reason says the status: why it waits, or which network and why.
    opening = out["status"].map({"on hold": "On hold: ", "internal": "Internal coaching network",
                                 "external": "External coaching: "})
    assert all(r.startswith(o) for r, o in zip(out["reason"], opening, strict=True))
    ready = out["status"] != "on hold"
    assert (out.loc[ready, "status"] == out.loc[ready, "route"]).all()
    assert (out["route"] == np.where(out["level"] <= 3, "internal", "external")).all()


# -- import ---------------------------------------------------------------------------------
def test_requests_bad_rows_are_reported_with_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(
        HEADER
        + "2026-01-05,Ada,ada@example.org,Maths,Grade 8,bo@example.org,Yes,,Leadership;,Lead,,"
          "Online\n"
        + ",,,,,,,,,,,\n"
        + "2026-01-06,Cy,not-an-address,Maths,Grade 8,bo@example.org,Yes,,,,,\n"
        + "2026-01-07,Di,di@example.org,Maths,Senior lectuer,bo@example.org,Yes,,,,,\n"
        + "2026-01-08,Ed,ed@example.org,Maths,Grade 9,bo@example.org,perhaps,Yes,,,,\n"
        + "yesterday,Fi,fi@example.org,Maths,Grade 7,bo@example.org,Yes,,,,,by pigeon\n"
        + "2026-01-09,Gus,ADA@example.org,,Grade 7,ada@example.org,Yes,,,,,\n"
        + "2026-01-10,Hal,hal@example.org,Maths,Grade 7,hal@example.org,Yes,,,,,\n",
        encoding="utf-8")
    result = read_requests(path)
    found = result.problems[["row", "field"]].to_numpy().tolist()
    assert found == [
        [4, "email"], [5, "grade"], [6, "manager_approved"], [7, "meeting_mode"],
        [7, "requested_on"], [8, "email"], [8, "department"], [8, "line_manager_email"],
        [9, "line_manager_email"],
    ]
    assert result.records["email"].tolist() == ["ada@example.org"]
    assert set(result.rejected["row"]) == {4, 5, 6, 7, 8, 9}
    problems = result.problems.set_index(["row", "field"])["problem"]
    assert "did you mean 'senior lecturer' (Grade 9)?" in problems[(5, "grade")]
    assert "already on row 2" in problems[(8, "email")]
    with pytest.raises(RowProblemsError, match="has 9 problem"):
        result.raise_for_problems()
    assert result.records.loc[0, "need"] == ["Leadership"]
    assert result.records.loc[0, "objectives"] == ["Lead"]
    assert result.records.loc[0, "meeting_mode"] == "online"


def test_requests_missing_a_required_column_is_an_input_error(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text("Name,Email,Department,Grade\nAda,ada@example.org,Maths,Grade 8\n")
    with pytest.raises(InputFileError, match=r"no column for the required field\(s\) "
                                             r"\['manager_approved'\]"):
        read_requests(path)


def test_objectives_from_one_multi_choice_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Name,Email,Department,Grade,Approved,Objectives\n"
                    "Ada,ada@example.org,Maths,Grade 8,yes,Lead; Delegate; Speak up\n"
                    "Bo,bo@example.org,Maths,Grade 8,yes,a; b; c; d\n")
    result = read_requests(path)
    assert result.records.loc[0, "objectives"] == ["Lead", "Delegate", "Speak up"]
    assert result.problems[["row", "field"]].to_numpy().tolist() == [[3, "objectives"]]
    assert objectives_of(result.records)["number"].tolist() == [1, 2, 3]


def test_coach_pool_bad_rows(tmp_path):
    path = tmp_path / "coaches.csv"
    path.write_text(
        "Name,Email,Department,Internal or external,Capacity,Specialisms,Cost per session\n"
        "Eve,eve@example.org,Chemistry,Internal,2,Leadership;,\n"
        "Gil,gil@example.org,,External,1,Confidence,\"£1,200\"\n"
        "Ida,ida@example.org,,External,1,,\n"
        "Jo,jo@example.org,,Internal,-1,,\n"
        "Kit,kit@example.org,Maths,Volunteer,,,\n"
        "Lu,lu@example.org,Maths,Internal,,,lots\n")
    result = read_coaches(path)
    assert result.problems[["row", "field"]].to_numpy().tolist() == [
        [4, "cost_per_session"], [5, "department"], [5, "capacity"], [6, "pool"],
        [7, "cost_per_session"]]
    assert result.records["cost_per_session"].tolist() == [0.0, 1200.0]
    assert result.records["department"].tolist() == ["Chemistry", "External"]


def test_sample_requests_and_coaches_import_cleanly(sample_dir):
    requests = read_requests(sample_dir / "coaching_requests.csv")
    coaches = read_coaches(sample_dir / "coaching_coaches.csv")
    assert requests.ok and coaches.ok
    levels = set(requests.records["level"])
    assert {3, 4} <= levels  # grades on both sides of the 8/9 boundary
    assert not requests.records["manager_approved"].all()
    assert set(coaches.records["pool"]) == {"internal", "external"}
    out = triage(requests.records)
    assert {"internal", "external", "on hold"} == set(out["status"])


# -- matching -------------------------------------------------------------------------------
def _instance(draw_requests, draw_coaches, managers):
    requests = pd.DataFrame([
        request(email=f"r{i}@example.org", department=f"D{d}",
                grade="Grade 7" if route == "internal" else "Grade 9", cost=True,
                approved=ok, manager=managers.get(f"r{i}@example.org", "m@example.org"),
                requested_on=pd.Timestamp("2026-01-01") + pd.Timedelta(days=day),
                need=[n for n in ("Leadership", "Confidence") if n in need], row=i + 2)
        for i, (d, route, ok, day, need) in enumerate(draw_requests)])
    coaches = pd.DataFrame({
        "email": [f"c{j}@example.org" for j in range(len(draw_coaches))],
        "name": [f"C{j}" for j in range(len(draw_coaches))],
        "department": [f"D{d}" for d, _, _, _ in draw_coaches],
        "pool": [p for _, p, _, _ in draw_coaches],
        "capacity": [c for _, _, c, _ in draw_coaches],
        "specialisms": [[s for s in ("Leadership", "Confidence") if s in sp]
                        for _, _, _, sp in draw_coaches],
        "cost_per_session": 0.0, "meeting_mode": "either",
        "line_manager_email": [managers.get(f"c{j}@example.org", "")
                               for j in range(len(draw_coaches))],
    })
    return requests, coaches


needs = st.sets(st.sampled_from(["Leadership", "Confidence"]))
request_rows = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["internal", "external"]),
                                  st.booleans(), st.integers(0, 30), needs),
                        min_size=1, max_size=6)
coach_rows = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["internal", "external"]),
                                st.integers(0, 2), needs), min_size=0, max_size=4)


@st.composite
def instances(draw):
    reqs = draw(request_rows)
    coaches = draw(coach_rows)
    people = [f"r{i}@example.org" for i in range(len(reqs))] + \
        [f"c{j}@example.org" for j in range(len(coaches))]
    managers = {}
    for person in people:
        boss = draw(st.sampled_from(["", *people]))
        if boss != person:
            managers[person] = boss
    same = draw(st.booleans())
    return (*_instance(reqs, coaches, managers), managers, same)


def _brute_force(eligible, score, capacity):
    """Best (matched, total score) over every assignment of rows to a column or none."""
    best = (0, 0.0)
    n_rows, n_cols = eligible.shape
    for choice in itertools.product(range(-1, n_cols), repeat=n_rows):
        used = np.bincount([c for c in choice if c >= 0], minlength=n_cols)
        if (used > capacity).any():
            continue
        if any(c >= 0 and not eligible[i, c] for i, c in enumerate(choice)):
            continue
        value = (sum(c >= 0 for c in choice),
                 sum(score[i, c] for i, c in enumerate(choice) if c >= 0))
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-9):
            best = value
    return best


@settings(max_examples=80, deadline=None)
@given(instances())
def test_matching_rules_hold_and_the_coverage_optimum_is_found(case):
    requests, coaches, managers, same = case
    triaged = triage(requests)
    options = MatchSettings(same_department=same)
    result = match_coaches(triaged, coaches, options)
    pairs = result.pairs
    coachee = triaged.set_index("email")
    coach = coaches.set_index("email")
    # Each coachee at most once, only approved requests, capacity respected.
    assert pairs["coachee_email"].is_unique
    assert (coachee.loc[pairs["coachee_email"], "status"] != "on hold").all()
    used = pairs["coach_email"].value_counts()
    assert (used <= coach.loc[used.index, "capacity"]).all()
    # Never in the chain, never oneself, right pool, another department unless allowed.
    if len(pairs):
        chain = chain_mask(pairs["coachee_email"], pairs["coach_email"], managers)
        assert not np.diag(chain).any()
        assert (coachee.loc[pairs["coachee_email"], "route"].to_numpy()
                == coach.loc[pairs["coach_email"], "pool"].to_numpy()).all()
        if not same:
            assert (coachee.loc[pairs["coachee_email"], "department"].to_numpy()
                    != coach.loc[pairs["coach_email"], "department"].to_numpy()).all()
    # As many coachees as any eligible matching gives (Hopcroft-Karp on place slots).
    ready = triaged[triaged["status"] != "on hold"].reset_index(drop=True)
    rules = coach_eligibility(ready, coaches, options, managers)
    graph = nx.Graph()
    graph.add_nodes_from(("r", i) for i in range(len(ready)))
    for i, j in zip(*np.nonzero(rules["eligible"]), strict=True):
        for slot in range(int(coaches.loc[j, "capacity"])):
            graph.add_edge(("r", int(i)), ("c", int(j), slot))
    top = [("r", i) for i in range(len(ready))]
    maximum = len(nx.bipartite.maximum_matching(graph, top_nodes=top)) // 2
    assert len(pairs) == maximum
    # And the best total score among those (brute force on small cases).
    if len(ready) <= 5 and len(coaches) <= 3:
        score = coach_scores(ready, coaches, options)["score"]
        best = _brute_force(rules["eligible"], score, coaches["capacity"].to_numpy())
        assert best[0] == len(pairs)
        assert pairs["score"].sum() == pytest.approx(best[1], abs=1e-3)
    # The waiting list is everyone approved and unmatched, oldest first.
    waiting = result.waiting
    assert set(waiting["email"]) == set(ready["email"]) - set(pairs["coachee_email"])
    assert waiting["requested_on"].is_monotonic_increasing
    assert waiting["position"].tolist() == list(range(1, len(waiting) + 1))
    # Each reason either names the rules that ruled every coach out, or says they are full.
    routes = waiting["route"]
    assert all(w.startswith((f"There is no {r} coach", "None of the ", "All ")) and r in w
               for w, r in zip(waiting["why"], routes, strict=True))
    # Every request has exactly one outcome.
    assert result.requests["outcome"].isin(OUTCOMES).all()


def test_waiting_list_says_which_rule_excluded_each_coach():
    requests = pd.DataFrame([
        request("Grade 7", manager="boss@example.org", email="a@example.org",
                department="Maths", requested_on=pd.Timestamp("2026-01-01"), row=2),
        request("Grade 7", manager="m@example.org", email="b@example.org", department="Physics",
                requested_on=pd.Timestamp("2026-01-02"), row=3),
        request("Grade 7", manager="m@example.org", email="c@example.org", department="Physics",
                requested_on=pd.Timestamp("2026-01-03"), row=4),
    ])
    coaches = pd.DataFrame({
        "email": ["boss@example.org", "d@example.org", "e@example.org"],
        "name": ["Boss", "D", "E"], "department": ["Physics", "Maths", "Chemistry"],
        "pool": ["internal", "internal", "external"], "capacity": [1, 1, 1],
        "specialisms": [[], [], []], "cost_per_session": [0.0, 0.0, 300.0],
        "meeting_mode": ["either"] * 3, "line_manager_email": ["", "", ""]})
    result = match_coaches(triage(requests), coaches)
    why = result.waiting.set_index("email")["why"]
    assert why["a@example.org"] == (
        "None of the 2 internal coaches can coach this person: 1 in the coachee's "
        "line-management chain, 1 in the same department.")
    assert result.pairs["coachee_email"].tolist() == ["b@example.org"]
    assert "full with other coachees" in why["c@example.org"]
    assert result.waiting["email"].tolist() == ["a@example.org", "c@example.org"]
    no_pool = match_coaches(triage(pd.DataFrame([request("Grade 9", cost=True)])), coaches[:2])
    assert no_pool.waiting.loc[0, "why"].startswith("There is no external coach in the pool")


def test_older_requests_win_ties():
    requests = pd.DataFrame([
        request("Grade 7", email=f"{x}@example.org", department="Maths",
                requested_on=pd.Timestamp(day), row=i + 2)
        for i, (x, day) in enumerate([("late", "2026-02-01"), ("early", "2026-01-01")])])
    coaches = pd.DataFrame({"email": ["c@example.org"], "name": ["C"], "department": ["Art"],
                            "pool": ["internal"], "capacity": [1], "specialisms": [[]],
                            "cost_per_session": [0.0], "meeting_mode": ["either"]})
    result = match_coaches(triage(requests), coaches)
    assert result.pairs["coachee_email"].tolist() == ["early@example.org"]
    assert result.waiting["email"].tolist() == ["late@example.org"]


def test_taken_places_reduce_capacity():
    requests = pd.DataFrame([request("Grade 7", email="a@example.org")])
    coaches = pd.DataFrame({"email": ["c@example.org"], "name": ["C"], "department": ["Art"],
                            "pool": ["internal"], "capacity": [1], "specialisms": [[]],
                            "cost_per_session": [0.0], "meeting_mode": ["either"]})
    assert len(match_coaches(triage(requests), coaches).pairs) == 1
    full = match_coaches(triage(requests), coaches, taken={"c@example.org": 1})
    assert full.pairs.empty and len(full.waiting) == 1


def test_scores_are_vectorised_overlaps():
    requests = pd.DataFrame({"need": [["Leadership", "Confidence"], []],
                             "objectives": [["Build my confidence", "Lead"], []],
                             "meeting_mode": ["online", "in person"]})
    coaches = pd.DataFrame({"specialisms": [["Confidence", "Resilience"], []],
                            "meeting_mode": ["in person", "either"]})
    s = coach_scores(requests, coaches, MatchSettings(w_need=1, w_objectives=1, w_mode=2))
    assert s["need"].tolist() == [[0.5, 0.0], [0.0, 0.0]]
    assert s["objectives"].tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert s["mode"].tolist() == [[0.0, 1.0], [1.0, 1.0]]
    assert s["score"][0, 0] == pytest.approx((0.5 + 1.0 + 0.0) / 4)
    with pytest.raises(SettingsError, match="weights must be numbers of 0 or more"):
        MatchSettings(w_need=-1)


def test_sample_round_matches_with_chain_and_waiting(sample_dir):
    requests = read_requests(sample_dir / "coaching_requests.csv").records
    coaches = read_coaches(sample_dir / "coaching_coaches.csv").records
    result = match_coaches(triage(requests), coaches)
    managers = dict(zip(requests["email"], requests["line_manager_email"], strict=True))
    # The sample has a coach who manages a coachee: never paired with them.
    bosses = set(coaches["email"]) & set(requests["line_manager_email"])
    assert bosses
    pairs = set(zip(result.pairs["coachee_email"], result.pairs["coach_email"], strict=True))
    assert not any((p, managers[p]) in pairs for p in managers)
    # Every approved request is matched or waiting, never both; the sample's pool runs out.
    ready = set(result.requests.query("status != 'on hold'")["email"])
    matched, waiting = set(result.pairs["coachee_email"]), set(result.waiting["email"])
    assert matched | waiting == ready and not matched & waiting
    assert (len(matched), len(waiting)) == (23, 4)


# -- the store ------------------------------------------------------------------------------
def test_save_coaching_uses_the_shared_pairs_table(tmp_path, sample_dir):
    requests = read_requests(sample_dir / "coaching_requests.csv").records
    coaches = read_coaches(sample_dir / "coaching_coaches.csv").records
    result = match_coaches(triage(requests), coaches, MatchSettings(start_date="2026-03-02"))
    with Store(tmp_path / "s.sqlite") as store:
        assert store.schema_version() == SCHEMA_VERSION >= 2  # coaching came in 2
        ids = save_coaching(store, "2026", result.requests, result.coaches, result.pairs,
                            result.settings)
        ids_again = save_coaching(store, "2026", result.requests, result.coaches, result.pairs,
                                  result.settings)
        stored = load_pairs(store, scheme="coaching")
        saved = load_coaching_requests(store, "2026")
        pool = load_coaching_coaches(store)
    assert len(ids) == len(result.pairs) == len(stored) == len(ids_again)  # replaced
    assert set(stored["start_date"]) == {"2026-03-02"}
    assert len(saved) == len(requests)
    assert set(saved["outcome"]) == set(OUTCOMES)
    assert len(pool) == len(coaches)


def test_sample_problem_export_reports_each_mistake(sample_dir):
    result = read_requests(sample_dir / "coaching_requests_with_problems.csv")
    assert result.problems[["row", "field"]].to_numpy().tolist() == [
        [3, "email"], [4, "grade"], [5, "manager_approved"], [6, "requested_on"],
        [7, "email"], [8, "line_manager_email"], [9, "meeting_mode"]]
    assert len(result.records) == 1


def test_a_missing_cost_approval_column_is_noticed(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Name,Email,Department,Grade,Line manager email,Approved\n"
                    "Ada,ada@example.org,Maths,Grade 9,bo@example.org,yes\n")
    result = read_requests(path)
    assert any("approved the cost" in n for n in result.notices)
    assert triage(result.records).loc[0, "status"] == "on hold"


# -- dates: the one reader, day first unless asked --------------------------------------------
US_EXPORT = ("Timestamp,Name,Email,Department,Grade,Line manager email,Line manager approved\n"
             "01/31/2026 10:15:00,Ada,ada@example.org,Maths,Grade 8,bo@example.org,yes\n"
             "02/03/2026 09:00:00,Cy,cy@example.org,Maths,Grade 8,bo@example.org,yes\n")
US_LOG = ("Email,Date,Type,Status\n"
          "a@example.org,01/31/2026,Chemistry,Held\n"
          "a@example.org,02/03/2026,Session,Held\n")
#: Each coaching importer that reads dates: its reader, a month-first export, the date field.
DATED = {"requests": (read_requests, US_EXPORT, "requested_on"),
         "sessions": (read_sessions, US_LOG, "on_date")}


@pytest.mark.parametrize("kind", DATED)
def test_a_month_first_date_is_a_row_problem_with_a_hint(kind, tmp_path):
    read, text, name = DATED[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    result = read(path)
    assert result.problems[["row", "field"]].to_numpy().tolist() == [[2, name]]
    assert result.problems.loc[0, "problem"] == other_order(pd.Timestamp("2026-01-31"))
    assert "--month-first" in result.problems.loc[0, "problem"]
    # The ambiguous one is read day first, as every importer reads it: 2 March.
    assert result.records[name].tolist() == [pd.Timestamp("2026-03-02")]


@pytest.mark.parametrize("kind", DATED)
def test_month_first_reads_a_us_export(kind, tmp_path):
    read, text, name = DATED[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    result = read(path, month_first=True)
    assert result.ok
    assert result.records[name].tolist() == [pd.Timestamp("2026-01-31"),
                                             pd.Timestamp("2026-02-03")]
    # Read month first, a date that reads only day first is the problem, with the other hint.
    path.write_text(text.replace("01/31/2026", "31/01/2026"))
    again = read(path, month_first=True)
    assert again.problems["problem"].tolist() == [other_order(pd.Timestamp("2026-01-31"),
                                                              month_first=True)]


def test_a_cell_that_is_no_date_in_either_order():
    table = Table(pd.DataFrame({"Date": ["31/13/2026", "yesterday", ""]}), pd.Series([2, 3, 4]),
                  ["Date"], "log.csv", "0" * 64)
    for month_first in (False, True):
        check = RowChecker(table, ("date",), ("date",))
        days = check_dates(check, "date", "2026-01-31", month_first)
        assert days.isna().all()
        assert check.problems()["problem"].tolist() == [not_a_date("2026-01-31", month_first)] * 2


def test_triage_and_match_commands_take_month_first(tmp_path, sample_dir, capsys):
    path = tmp_path / "requests.csv"
    path.write_text(US_EXPORT)
    assert main(["coaching", "triage", str(path)]) == 1
    assert "can only be read month first" in capsys.readouterr().out
    assert main(["coaching", "triage", str(path), "--month-first"]) == 0
    assert "2 request(s)" in capsys.readouterr().out
    coaches = str(sample_dir / "coaching_coaches.csv")
    assert main(["coaching", "match", str(path), coaches, "--out", str(tmp_path)]) == 1
    assert main(["coaching", "match", str(path), coaches, "--out", str(tmp_path),
                 "--month-first"]) == 0
    assert "2 requests: 2 matched" in capsys.readouterr().out
    # Nobody waits: the workbook still has its (empty) waiting list.
    assert pd.read_excel(tmp_path / "coaching_tracking.xlsx", sheet_name="Waiting list").empty


def test_status_command_takes_month_first(tmp_path, capsys):
    log = tmp_path / "sessions.csv"
    log.write_text(US_LOG)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("coachee_email,coach_email,route,start_date\n"
                     "a@example.org,c@example.org,internal,2026-01-31\n")
    args = ["coaching", "status", "--pairs", str(pairs), "--sessions", str(log),
            "--today", "2026-02-10", "--out", str(tmp_path)]
    assert main(args) == 1
    assert "can only be read month first" in capsys.readouterr().out
    assert main([*args, "--month-first"]) == 0
    assert "1 active" in capsys.readouterr().out
    register = pd.read_excel(tmp_path / "coaching_status.xlsx", sheet_name="Sessions")
    assert register.loc[0, ["Chemistry held", "Sessions held"]].tolist() == [1, 1]
