"""A scheme's own rules, the spread objective, mentees' choices and several mentors each."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from toolkit.cli.main import main
from toolkit.core.assignment import solve_assignment
from toolkit.core.ladder import DEFAULT_LADDER
from toolkit.errors import RuleError, SettingsError
from toolkit.intake.signups import read_signups
from toolkit.pairing.matching import match_mentors
from toolkit.pairing.rules import SchemeRules, validate_rules
from toolkit.pairing.service import gather_match_inputs, save_match
from toolkit.pairing.settings import read_rules, write_rules
from toolkit.store.connection import Store

from .helpers import write_csv

LEVELS = DEFAULT_LADDER.levels  # PhD student < Grade 6 < ... < Grade 10


# -- an independent reference by mixed-integer programming ------------------------------------
def _solve(c, cons, nv):
    res = milp(-c, constraints=cons, integrality=np.ones(nv), bounds=Bounds(0, 1),
               options={"mip_rel_gap": 0})
    assert res.status == 0
    return res.x


def reference(score, eligible, capacity, per, objective, honour=None):
    """Lexicographic optimum written plainly: x_ij binary, y_j = mentor j used, w_i = mentee
    i has a mentor.

    Stages: most mentees with a mentor; for spread, most mentors used; most pairs; for
    fairness, the highest lowest score; with ``honour`` (a 0/1 matrix), most honoured
    choices; then the best total.
    Returns (mentees matched, pairs, mentors used, lowest score, honoured, total).
    """
    n, m = eligible.shape
    r, c = np.nonzero(eligible)
    e = len(r)
    if e == 0:
        return 0, 0, 0, None, 0, 0.0
    nv = e + m + n
    rows = np.zeros((n, nv))
    rows[r, np.arange(e)] = 1
    cols = np.zeros((m, nv))
    cols[c, np.arange(e)] = 1
    link = cols.copy()
    link[np.arange(m), e + np.arange(m)] = -1  # y_j <= sum_i x_ij
    has = rows.copy()
    has[np.arange(n), e + m + np.arange(n)] = -1  # w_i <= sum_j x_ij
    cons = [LinearConstraint(rows, 0, per), LinearConstraint(cols, 0, capacity),
            LinearConstraint(link, 0, np.inf), LinearConstraint(has, 0, np.inf)]
    matched_vec = np.r_[np.zeros(e + m), np.ones(n)]
    matched = round(matched_vec @ _solve(matched_vec, cons, nv))
    cons.append(LinearConstraint(matched_vec[None], matched, matched))
    used_vec = np.r_[np.zeros(e), np.ones(m), np.zeros(n)]
    used = round(used_vec @ _solve(used_vec, cons, nv))
    if objective == "spread":
        cons.append(LinearConstraint(used_vec[None], used, used))
    count = np.r_[np.ones(e), np.zeros(m + n)]
    pairs = round(count @ _solve(count, cons, nv))
    cons.append(LinearConstraint(count[None], pairs, pairs))
    values = score[r, c]
    lowest = None
    if objective == "fairness" and pairs:
        for t in np.unique(values)[::-1]:
            drop = np.r_[(values < t).astype(float), np.zeros(m + n)]
            trial = [*cons, LinearConstraint(drop[None], 0, 0)]
            res = milp(-count, constraints=trial, integrality=np.ones(nv), bounds=Bounds(0, 1),
                       options={"mip_rel_gap": 0})
            if res.status == 0 and round(count @ res.x) == pairs:
                lowest = float(t)
                cons = trial
                break
    honoured = 0
    if honour is not None:
        h = np.r_[honour[r, c].astype(float), np.zeros(m + n)]
        honoured = round(h @ _solve(h, cons, nv))
        cons.append(LinearConstraint(h[None], honoured, honoured))
    total_vec = np.r_[values, np.zeros(m + n)]
    total = float(total_vec @ _solve(total_vec, cons, nv))
    return matched, pairs, used, lowest, honoured, total


# -- the solver on its own ------------------------------------------------------------------
@pytest.mark.parametrize("objective", ["coverage", "fairness", "spread"])
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_solver_is_lexicographically_optimal(objective, data):
    n = data.draw(st.integers(1, 8))
    m = data.draw(st.integers(1, 6))
    score = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.8, 1.0]),
                                        min_size=n * m, max_size=n * m))).reshape(n, m)
    eligible = np.array(data.draw(st.lists(st.sampled_from([True, True, False]), min_size=n * m,
                                           max_size=n * m)), dtype=bool).reshape(n, m)
    capacity = np.array(data.draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    per = data.draw(st.sampled_from([1, 1, 1, 2, 3]))  # 1: the assignment path; more: the flow
    method = data.draw(st.sampled_from(["lapjv", "scipy"]))
    rows, cols = solve_assignment(score, eligible, capacity, objective, method=method,
                                  row_capacity=np.full(n, per))
    assert eligible[rows, cols].all()
    assert len(set(zip(rows.tolist(), cols.tolist(), strict=True))) == len(rows)
    assert (np.bincount(rows, minlength=n) <= per).all()
    assert (np.bincount(cols, minlength=m) <= capacity).all()
    matched, pairs, used, lowest, _, total = reference(score, eligible, capacity, per, objective)
    assert len(np.unique(rows)) == matched
    assert len(rows) == pairs
    if objective == "spread":
        assert len(np.unique(cols)) == used
    if objective == "fairness" and pairs:
        assert score[rows, cols].min() == pytest.approx(lowest)
    assert score[rows, cols].sum() == pytest.approx(total, abs=1e-6)


def test_spread_gives_every_willing_mentor_a_first_mentee():
    # Mentor 0 suits everyone best and has room for three; coverage fills it up.
    score = np.array([[0.9, 0.2, 0.1]] * 3)
    eligible = np.ones((3, 3), dtype=bool)
    _, cover = solve_assignment(score, eligible, [3, 3, 3])
    _, spread = solve_assignment(score, eligible, [3, 3, 3], objective="spread")
    assert sorted(cover.tolist()) == [0, 0, 0]
    assert sorted(spread.tolist()) == [0, 1, 2]


def test_spread_counts_mentors_already_used_by_locks():
    score = np.array([[0.9, 0.1], [0.9, 0.1], [0.8, 0.1]])
    eligible = np.ones((3, 2), dtype=bool)
    rows, cols = solve_assignment(score, eligible, [3, 3], objective="spread", locked=[(0, 1)])
    # Mentor 1 is already used by the lock: the others may all go to mentor 0.
    assert dict(zip(rows.tolist(), cols.tolist(), strict=True)) == {0: 1, 1: 0, 2: 0}


def test_locks_with_several_mentors_each():
    score = np.ones((2, 3))
    eligible = np.ones((2, 3), dtype=bool)
    rows, cols = solve_assignment(score, eligible, [1, 1, 2], locked=[(0, 0), (0, 1)],
                                  row_capacity=[2, 2])
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 2)]
    with pytest.raises(RuleError, match="locked more times than its row capacity"):
        solve_assignment(score, eligible, [1, 1, 2], locked=[(0, 0), (0, 1), (0, 2)],
                         row_capacity=[2, 2])
    with pytest.raises(RuleError, match="locked twice"):
        solve_assignment(score, eligible, [2, 2, 2], locked=[(0, 0), (0, 0)],
                         row_capacity=[2, 2])


# -- whole schemes under random rules, against the reference ----------------------------------
@st.composite
def schemes(draw):
    n = draw(st.integers(2, 10))
    emails = [f"p{k}@example.org" for k in range(n)]
    names = [f"Person {chr(65 + k)}" for k in range(n)]
    managers = [draw(st.sampled_from(["", *emails[:k]])) for k in range(n)]

    def someone():
        pick = draw(st.integers(0, n - 1))
        return draw(st.sampled_from([emails[pick], names[pick].upper(), "Nobody Known"]))

    def some_people(max_size):
        return "; ".join(someone() for _ in range(draw(st.integers(0, max_size))))

    people = pd.DataFrame({
        "email": emails,
        "name": names,
        "department": draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n)),
        "level": draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)),
        "role": draw(st.lists(st.sampled_from(["mentor", "mentee", "both"]), min_size=n,
                              max_size=n)),
        "capacity": draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
        "line_manager_email": managers,
        "topics": draw(st.lists(st.sampled_from(["x", "y", "x; y", ""]), min_size=n,
                                max_size=n)),
        "not_paired_with": [some_people(2) for _ in range(n)],
        "mentors_wanted": [some_people(2) for _ in range(n)],
        "mentor_kind_wanted": draw(st.lists(st.sampled_from(["", "carer", "carer; industry"]),
                                            min_size=n, max_size=n)),
        "mentor_kind": draw(st.lists(st.sampled_from(["", "carer", "industry"]), min_size=n,
                                     max_size=n)),
    })
    grade = st.one_of(st.none(), st.sampled_from(LEVELS))
    low = draw(st.one_of(st.none(), st.integers(0, 3)))
    rules = {
        "mentor_min_grade": draw(grade),
        "mentee_min_grade": draw(grade),
        "mentee_max_grade": draw(grade),
        "min_gap": low,
        "max_gap": draw(st.one_of(st.none(), st.integers(1 if low is None else low, 4))),
        "same_department": draw(st.booleans()),
        "mentors_per_mentee": draw(st.sampled_from([1, 1, 2, 3])),
    }
    lo, hi = rules["mentee_min_grade"], rules["mentee_max_grade"]
    if lo is not None and hi is not None and LEVELS.index(lo) > LEVELS.index(hi):
        rules["mentee_min_grade"], rules["mentee_max_grade"] = hi, lo
    return people, rules


def named(text, people):
    keys = {k.strip().casefold() for k in str(text).split(";") if k.strip()}
    return {e for e, nm in zip(people["email"], people["name"], strict=True)
            if e in keys or nm.casefold() in keys}


def allowed_by_hand(people, rules, a, b):
    """Every rule written out pair by pair (independent of the vectorised code)."""
    row = people.set_index("email").to_dict("index")
    x, y = row[a], row[b]
    if a == b or x["role"] == "mentor" or y["role"] == "mentee" or y["capacity"] < 1:
        return False
    gap = y["level"] - x["level"]
    if gap < (rules["min_gap"] if rules["min_gap"] is not None else 1):
        return False
    if rules["max_gap"] is not None and gap > rules["max_gap"]:
        return False
    if rules["mentor_min_grade"] and y["level"] < LEVELS.index(rules["mentor_min_grade"]):
        return False
    if rules["mentee_min_grade"] and x["level"] < LEVELS.index(rules["mentee_min_grade"]):
        return False
    if rules["mentee_max_grade"] and x["level"] > LEVELS.index(rules["mentee_max_grade"]):
        return False
    if not rules["same_department"] and x["department"] == y["department"]:
        return False
    if b in named(x["not_paired_with"], people) or a in named(y["not_paired_with"], people):
        return False

    def chain(p):
        up = []
        while p in row and row[p]["line_manager_email"]:
            p = row[p]["line_manager_email"]
            up.append(p)
        return up

    return b not in chain(a) and a not in chain(b)


@pytest.mark.parametrize("objective", ["coverage", "fairness", "spread"])
@settings(max_examples=30, deadline=None)
@given(scheme=schemes())
def test_every_rule_kept_and_optimal_against_milp(objective, scheme):
    people, rules = scheme
    result = match_mentors(people, objective=objective, rules=rules)
    pairs = result.pairs
    per = rules["mentors_per_mentee"]
    for a, b in zip(pairs["mentee_email"], pairs["mentor_email"], strict=True):
        assert allowed_by_hand(people, rules, a, b), (a, b)
    assert not pairs.duplicated(["mentee_email", "mentor_email"]).any()
    assert (pairs["mentee_email"].value_counts() <= per).all()
    cap = people.set_index("email")["capacity"]
    load = pairs["mentor_email"].value_counts()
    assert (load <= cap.reindex(load.index)).all()
    mentees = sorted(people.loc[people["role"] != "mentor", "email"])
    mentors = sorted(people.loc[people["role"] != "mentee", "email"])
    assert set(pairs["mentee_email"]) | set(result.unmatched["mentee_email"]) == set(mentees)
    eligible = np.array([[allowed_by_hand(people, rules, a, b) for b in mentors]
                         for a in mentees], dtype=bool).reshape(len(mentees), len(mentors))
    matched, count, used, lowest, _, total = reference(result.score, eligible,
                                                       cap[mentors].to_numpy(), per, objective)
    assert pairs["mentee_email"].nunique() == matched
    assert len(pairs) == count
    if objective == "spread":
        assert pairs["mentor_email"].nunique() == used
    if lowest is not None:
        assert pairs["score"].min() == pytest.approx(lowest)
    assert pairs["score"].sum() == pytest.approx(total, abs=1e-6)
    # Everyone outside the rules is listed, with the reason, and never paired.
    outside = result.outside
    assert not set(outside["email"][outside["role"] == "mentor"]) & set(pairs["mentor_email"])
    assert not set(outside["email"][outside["role"] == "mentee"]) & set(pairs["mentee_email"])


@settings(max_examples=30, deadline=None)
@given(scheme=schemes(), data=st.data())
def test_choices_honoured_when_that_costs_no_one_a_mentor(scheme, data):
    people, rules = scheme
    rules["mentors_per_mentee"] = 1
    mentors = sorted(people.loc[people["role"] != "mentee", "email"])
    if not mentors:
        return
    people = people.copy()
    # Every mentee names one mentor who signed up: the choice then outweighs everything else.
    people["mentors_wanted"] = [data.draw(st.sampled_from(mentors)) for _ in range(len(people))]
    tiny = 0.001
    weights = {"topics": tiny, "seniority": tiny, "meeting_mode": tiny,
               "gender_preference": tiny, "mentor_choice": 1.0, "mentor_kind": 0}
    result = match_mentors(people, weights=weights, rules=rules)
    mentees = sorted(people.loc[people["role"] != "mentor", "email"])
    eligible = np.array([[allowed_by_hand(people, rules, a, b) for b in mentors]
                         for a in mentees], dtype=bool).reshape(len(mentees), len(mentors))
    wanted = people.set_index("email")["mentors_wanted"]
    honour = np.array([[wanted[a] == b for b in mentors] for a in mentees],
                      dtype=bool).reshape(len(mentees), len(mentors))
    cap = people.set_index("email")["capacity"]
    _, count, _, _, honoured, _ = reference(result.score, eligible, cap[mentors].to_numpy(),
                                            1, "coverage", honour=honour)
    got = result.pairs
    assert len(got) == count
    assert int((got["mentor_email"].to_numpy() == wanted[got["mentee_email"]].to_numpy()).sum()
               ) == honoured


# -- the rules, told plainly ----------------------------------------------------------------
def scheme():
    return pd.DataFrame({
        "email": ["ann@example.org", "bo@example.org", "cy@example.org", "di@example.org",
                  "ed@example.org", "fay@example.org"],
        "name": ["Ann Ash", "Bo Birch", "Cy Cedar", "Di Dogwood", "Ed Elm", "Fay Fir"],
        "department": ["Maths", "Physics", "Maths", "Chemistry", "Physics", "Maths"],
        "grade": ["PhD student", "Grade 8", "Grade 6", "Grade 10", "Grade 7", "Grade 9"],
        "level": [0, 3, 1, 5, 2, 4],
        "role": ["mentee", "mentee", "mentee", "mentor", "mentor", "mentor"],
        "capacity": [1, 1, 1, 2, 2, 2],
        "line_manager_email": [""] * 6,
        "topics": ["Grants", "Teaching", "Grants", "Grants", "Teaching", "Grants"],
    })


def test_grade_rules_report_everyone_left_out():
    rules = {"mentor_min_grade": "Grade 8", "mentee_max_grade": "Grade 7"}
    result = match_mentors(scheme(), rules=rules)
    outside = result.outside.set_index("email")["reason"].to_dict()
    assert outside == {
        "bo@example.org": "mentee grade above the scheme's maximum (Grade 7)",
        "ed@example.org": "mentor grade below the scheme's minimum (Grade 8)",
    }
    reasons = result.unmatched.set_index("mentee_email")["reason"].to_dict()
    assert reasons["bo@example.org"] == "mentee grade above the scheme's maximum (Grade 7)"
    assert "ed@example.org" not in set(result.pairs["mentor_email"])
    cands = result.candidates("ann@example.org").set_index("mentor_email")["status"]
    assert cands["ed@example.org"] == "mentor grade below the scheme's minimum (Grade 8)"


def test_max_gap_and_same_department():
    people = scheme()
    strict = match_mentors(people, rules={"max_gap": 1})
    for a, b in zip(strict.pairs["mentee_email"], strict.pairs["mentor_email"], strict=True):
        gap = (people.set_index("email").loc[b, "level"]
               - people.set_index("email").loc[a, "level"])
        assert 1 <= gap <= 1
    reason = strict.unmatched.set_index("mentee_email")["reason"]["ann@example.org"]
    assert "more than 1 grade above" in reason
    # Ann (Maths) and Fay (Maths): only allowed when the scheme allows the same department.
    locks = pd.DataFrame({"mentee_email": ["ann@example.org"],
                          "mentor_email": ["fay@example.org"]})
    with pytest.raises(RuleError, match="same department"):
        match_mentors(people, locks=locks)
    same = match_mentors(people, locks=locks, rules={"same_department": True})
    assert ("ann@example.org", "fay@example.org") in set(
        zip(same.pairs["mentee_email"], same.pairs["mentor_email"], strict=True))


def test_rules_min_gap_wins_over_the_weights_file():
    result = match_mentors(scheme(), weights={"min_gap": 1}, rules={"min_gap": 3})
    assert result.settings["min_gap"] == 3
    assert result.settings["rules"] == {"min_gap": 3}


def test_not_paired_with_by_name_from_either_side():
    people = scheme()
    people["not_paired_with"] = ["di dogwood", "", "", "", "", "c y@example.org; Cy Cedar"]
    result = match_mentors(people, rules={"mentors_per_mentee": 3})
    got = set(zip(result.pairs["mentee_email"], result.pairs["mentor_email"], strict=True))
    assert ("ann@example.org", "di@example.org") not in got
    assert ("cy@example.org", "fay@example.org") not in got
    assert "asked not to be paired" in set(result.candidates("ann@example.org")["status"])
    # A name that matches nobody is said, not dropped in silence.
    assert any("'c y@example.org'" in n for n in result.matcher.notices)


def test_mentors_wanted_and_kind_are_scored_and_explained():
    people = scheme()
    people["mentors_wanted"] = ["Fay Fir; di@example.org", "", "", "", "", ""]
    people["mentor_kind_wanted"] = ["", "Carer", "", "", "", ""]
    people["mentor_kind"] = ["", "", "", "carer; industry", "", ""]
    result = match_mentors(people, rules={"same_department": True})
    comps = result.matcher.components
    ann, bo = result.matcher.mentee_index("ann@example.org"), result.matcher.mentee_index(
        "bo@example.org")
    di, fay = result.matcher.mentor_index("di@example.org"), result.matcher.mentor_index(
        "fay@example.org")
    assert comps["mentor_choice"][ann, fay] == 1.0 and comps["mentor_choice"][ann, di] == 0.5
    assert comps["mentor_kind"][bo, di] == 1.0
    assert comps.applies[4].tolist() == [True, False, False]
    text = result.explain("cy@example.org")
    assert "mentor choice: not counted" in text and "mentor kind: not counted" in text
    text = result.explain("ann@example.org")
    assert "mentor choice: " in text and "not counted (the mentee named" not in text
    pairs = result.pairs.set_index("mentee_email")
    assert np.isnan(pairs.loc["cy@example.org", "mentor_choice"])
    # Ann's first choice, Fay, gets her: same department is allowed here.
    assert pairs.loc["ann@example.org", "mentor_email"] == "fay@example.org"


def test_a_choice_changes_nothing_for_mentees_who_made_none():
    people = scheme()
    before = match_mentors(people).pairs
    people["mentors_wanted"] = ""
    people["mentor_kind_wanted"] = ""
    pd.testing.assert_frame_equal(before, match_mentors(people).pairs)


def test_several_mentors_each_and_the_store(tmp_path):
    people = scheme()
    store = tmp_path / "s.sqlite"
    with Store(store) as opened:
        first = match_mentors(people)
        save_match(opened, first, "2026")
    running = set(zip(first.pairs["mentee_email"], first.pairs["mentor_email"], strict=True))
    again = gather_match_inputs(people, store=store, rules={"mentors_per_mentee": 2}).match()
    got = again.pairs
    assert running <= set(zip(got["mentee_email"], got["mentor_email"], strict=True))
    assert (got["mentee_email"].value_counts() <= 2).all()
    assert got["mentee_email"].value_counts().max() == 2
    assert not got.duplicated(["mentee_email", "mentor_email"]).any()
    assert set(got.loc[got["origin"] == "current", "mentee_email"]) == {
        a for a, _ in running}
    # Without the rule, matching again keeps one mentor each.
    single = gather_match_inputs(people, store=store).match().pairs
    assert single["mentee_email"].is_unique
    text = again.explain(got["mentee_email"].value_counts().index[0])
    assert text.count(" is paired with ") == 2


def test_rules_file_is_checked(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"mentor_min_grade": "Grade 7", "max_gaps": 2}))
    with pytest.raises(SettingsError, match="'max_gaps' is not a setting"):
        read_rules(path)
    for bad, message in [({"min_gap": 3, "max_gap": 2}, "larger than 'max_gap'"),
                         ({"same_department": "yes"}, "true or false"),
                         ({"mentors_per_mentee": 0}, "1 or more"),
                         ({"mentee_min_grade": 7}, "grade name")]:
        with pytest.raises(SettingsError, match=message):
            validate_rules(bad)
    with pytest.raises(SettingsError, match=r"'Dean' \(mentor_min_grade in the rules\) is not"
                       r" a grade on the ladder .*\['PhD student', 'Grade 6'"):
        match_mentors(scheme(), rules={"mentor_min_grade": "Dean"})
    written = write_rules(SchemeRules(max_gap=2, same_department=True), path)
    assert json.loads(written.read_text()) == {"max_gap": 2, "same_department": True}
    assert read_rules(written) == SchemeRules(max_gap=2, same_department=True)


def test_match_command_with_rules_and_spread(tmp_path, capsys):
    rows = [
        ["Ann Ash", "ann@example.org", "Maths", "PhD student", "mentee", "", "", "Grants", "",
         "", "", "Ed Elm", "", "", ""],
        ["Bo Birch", "bo@example.org", "Physics", "Grade 6", "mentee", "", "", "", "", "", "",
         "", "", "", "ann@example.org"],
        ["Cy Cedar", "cy@example.org", "Maths", "Grade 6", "mentee", "", "", "", "", "", "",
         "", "", "", ""],
        ["Di Dogwood", "di@example.org", "Chemistry", "Grade 10", "mentor", "", "3", "Grants",
         "", "", "", "", "", "", ""],
        ["Ed Elm", "ed@example.org", "Biology", "Grade 8", "mentor", "", "3", "", "", "", "",
         "", "", "", "Cy Cedar"],
        ["Fay Fir", "fay@example.org", "History", "Grade 6", "mentor", "", "3", "", "", "", "",
         "", "", "", ""],
    ]
    header = ["Name", "Email", "Department", "Grade", "Role", "Line manager email", "Capacity",
              "Topics", "Meeting mode", "Gender", "Mentor gender preference", "Mentors wanted",
              "Kind of mentor wanted", "Mentor kind", "Not paired with"]
    signups = write_csv(tmp_path / "signups.csv", rows, header=header)
    people = read_signups(signups).people
    assert people.set_index("email").loc["ed@example.org", "not_paired_with"] == "Cy Cedar"
    rules = write_rules({"mentor_min_grade": "Grade 7", "max_gap": 4}, tmp_path / "rules.json")
    out = tmp_path / "out"
    assert main(["match", str(signups), "--rules", str(rules), "--objective", "spread",
                 "--out", str(out)]) == 0
    pairs = pd.read_csv(out / "pairs.csv")
    got = dict(zip(pairs["mentee_email"], pairs["mentor_email"], strict=True))
    # Fay is below the minimum; Di is 5 grades above Ann (more than 4); Ed asked not to
    # mentor Cy: so Ann has Ed, Cy has Di, and Bo either.
    assert got["ann@example.org"] == "ed@example.org"
    assert got["cy@example.org"] == "di@example.org"
    assert got["bo@example.org"] in {"di@example.org", "ed@example.org"}
    outside = pd.read_csv(out / "outside_rules.csv")
    assert outside.to_numpy().tolist() == [
        ["fay@example.org", "mentor", "mentor grade below the scheme's minimum (Grade 7)"]]
    info = json.loads((out / "run.json").read_text())
    assert info["objective"] == "spread" and info["settings"]["rules"]["max_gap"] == 4
    assert info["files"]["rules"]["sha256"]
    assert {"mentor_choice", "mentor_kind"} <= set(pairs.columns)
    # A grade the ladder does not know: exit status 2, the ladder listed.
    rules.write_text(json.dumps({"mentor_min_grade": "Dean"}))
    assert main(["match", str(signups), "--rules", str(rules), "--out", str(out)]) == 2
    assert "PhD student" in capsys.readouterr().err


# -- the pairing panel's rule controls --------------------------------------------------------
def test_panel_edits_and_saves_the_rules(sample_import, tmp_path):
    from toolkit.widgets.pairing import PairingPanel

    store = tmp_path / "scheme.sqlite"
    Store(store).close()
    panel = PairingPanel(sample_import, store=store, out=tmp_path / "export")
    before = panel.result
    assert panel.rules == SchemeRules(min_gap=1)
    panel.objective.value = "spread"
    assert panel.result.settings["objective"] == "spread"
    assert panel.result.totals["mentors_used"] >= before.totals["mentors_used"]
    panel.mentor_min_grade.value = "Grade 9"
    assert panel.result.settings["rules"]["mentor_min_grade"] == "Grade 9"
    levels = sample_import.people.set_index("email")["level"]
    assert (levels[panel.result.pairs["mentor_email"]] >= 4).all()
    assert (panel.result.outside["role"] == "mentor").any()
    panel.limit_gap.value = True
    panel.max_gap.value = 2
    gaps = (levels[panel.result.pairs["mentor_email"]].to_numpy()
            - levels[panel.result.pairs["mentee_email"]].to_numpy())
    assert gaps.max() <= 2
    panel.mentors_per_mentee.value = 2
    assert panel.result.settings["mentors_per_mentee"] == 2
    # A contradiction is refused with a message, and the last good result stays.
    last = panel.result
    panel.min_gap.value = 3
    kind, text = panel.last_message
    assert kind == "error" and "larger than 'max_gap'" in text
    assert panel.result is last
    panel.min_gap.value = 1
    path = panel.save_rules()
    assert path == tmp_path / "rules.json"
    saved = read_rules(path)
    assert saved.mentor_min_grade == "Grade 9" and saved.max_gap == 2
    assert saved.mentors_per_mentee == 2
    # The saved file gives the command line the same pairs.
    again = PairingPanel(sample_import, store=store, rules=path, objective="spread")
    assert again.rules == saved
    pd.testing.assert_frame_equal(again.result.pairs, panel.result.pairs)


def test_every_mentee_gets_a_first_mentor_before_anyone_a_second():
    # Two mentees, two places: both want mentor 0 and 1 most; mentee 1 can only have mentor 0.
    score = np.array([[1.0, 1.0], [0.1, 0.0]])
    eligible = np.array([[True, True], [True, False]])
    rows, cols = solve_assignment(score, eligible, [1, 1], row_capacity=[2, 2])
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 1), (1, 0)]
