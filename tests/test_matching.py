import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import Bounds, LinearConstraint, milp

from toolkit import MatchResult, match_mentors
from toolkit.core.assignment import solve_assignment
from toolkit.errors import InputFileError, RowProblemsError, RuleError, SettingsError
from toolkit.pairing.matching import MentorMatcher, compare_pairs, normalise_pairs
from toolkit.pairing.pair_files import HALF_PAIR, read_pairs_file
from toolkit.pairing.service import load_finished_pairs, load_pairing_constraints, save_match
from toolkit.plots.pairing import load_histogram, score_histogram
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs, save_pairs

METHODS = ["scipy", "lapjv"]


# -- a reference optimum by mixed-integer programming ---------------------------------------
def _milp_best(score, eligible, capacity, locked, threshold=None, count=None):
    """Most pairs (or exactly ``count``), then the highest total, by scipy.optimize.milp."""
    n, m = score.shape
    r, c = np.nonzero(eligible)
    lock = np.zeros(len(r), dtype=bool)
    for i, j in locked:
        lock |= (r == i) & (c == j)
    ok = lock | (score[r, c] >= threshold if threshold is not None else True)
    r, c, lock = r[ok], c[ok], lock[ok]
    if len(r) == 0:
        return (0, 0.0) if count in (None, 0) else None
    a_rows = np.zeros((n, len(r)))
    a_rows[r, np.arange(len(r))] = 1
    a_cols = np.zeros((m, len(r)))
    a_cols[c, np.arange(len(r))] = 1
    cons = [LinearConstraint(a_rows, 0, 1), LinearConstraint(a_cols, 0, capacity)]
    bounds = Bounds(lock.astype(float), np.ones(len(r)))
    if count is None:
        first = milp(-np.ones(len(r)), constraints=cons, integrality=np.ones(len(r)),
                     bounds=bounds)
        if first.status != 0:
            return None
        count = round(-first.fun)
    cons.append(LinearConstraint(np.ones((1, len(r))), count, count))
    second = milp(-score[r, c], constraints=cons, integrality=np.ones(len(r)), bounds=bounds)
    if second.status != 0:
        return None
    return count, -second.fun


def reference(score, eligible, capacity, objective, locked=()):
    count, total = _milp_best(score, eligible, capacity, locked)
    if objective == "coverage" or count == 0:
        return count, None, total
    values = np.unique(score[eligible])[::-1]
    for t in values:
        if any(score[i, j] < t for i, j in locked):
            continue
        best = _milp_best(score, eligible, capacity, locked, threshold=t, count=count)
        if best is not None:
            return count, t, best[1]
    raise AssertionError("no threshold is feasible")


@st.composite
def schemes(draw):
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 5))
    eligible = draw(hnp.arrays(bool, (n, m)))
    # Few distinct values: many ties, the hard case for "exact".
    score = draw(hnp.arrays(float, (n, m), elements=st.sampled_from(
        [0.0, 0.125, 0.25, 0.5, 0.6, 0.75, 1.0])))
    capacity = draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, 3)))
    return score, eligible, capacity


def check_rules(rows, cols, eligible, capacity):
    assert len(set(rows.tolist())) == len(rows), "a row paired twice"
    assert eligible[rows, cols].all(), "an ineligible pair"
    assert (np.bincount(cols, minlength=len(capacity)) <= capacity).all(), "capacity exceeded"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("objective", ["coverage", "fairness"])
@settings(max_examples=60, deadline=None)
@given(scheme=schemes())
def test_solver_is_optimal_against_milp(scheme, objective, method):
    score, eligible, capacity = scheme
    rows, cols = solve_assignment(score, eligible, capacity, objective, method=method)
    check_rules(rows, cols, eligible, capacity)
    count, lowest, total = reference(score, eligible, capacity, objective)
    assert len(rows) == count
    assert score[rows, cols].sum() == pytest.approx(total, abs=1e-9)
    if lowest is not None:
        assert score[rows, cols].min() == pytest.approx(lowest)


@pytest.mark.parametrize("objective", ["coverage", "fairness"])
@settings(max_examples=50, deadline=None)
@given(scheme=schemes(), data=st.data())
def test_locks_are_kept_and_the_rest_is_optimal(scheme, objective, data):
    score, eligible, capacity = scheme
    cells = [(i, j) for i, j in zip(*np.nonzero(eligible), strict=True)]
    locked = data.draw(st.lists(st.sampled_from(cells), max_size=3, unique_by=lambda p: p[0])
                       if cells else st.just([]))
    load = np.bincount([j for _, j in locked], minlength=len(capacity))
    capacity = np.maximum(capacity, load)
    rows, cols = solve_assignment(score, eligible, capacity, objective, locked=locked)
    check_rules(rows, cols, eligible, capacity)
    got = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert {(int(i), int(j)) for i, j in locked} <= got
    count, lowest, total = reference(score, eligible, capacity, objective, locked)
    assert len(rows) == count
    assert score[rows, cols].sum() == pytest.approx(total, abs=1e-9)
    if lowest is not None:
        assert score[rows, cols].min() == pytest.approx(lowest)


def test_both_methods_give_the_same_optimum_on_a_larger_scheme():
    rng = np.random.default_rng(3)
    pop = rng.random(60)
    score = 0.6 * pop[None, :] + 0.4 * rng.random((150, 60))
    eligible = rng.random((150, 60)) < 0.5
    capacity = rng.integers(0, 4, 60)
    totals = []
    for method in METHODS:
        rows, cols = solve_assignment(score, eligible, capacity, method=method)
        check_rules(rows, cols, eligible, capacity)
        totals.append((len(rows), score[rows, cols].sum()))
    assert totals[0][0] == totals[1][0]
    assert totals[0][1] == pytest.approx(totals[1][1], abs=1e-9)


def test_solver_refuses_bad_input():
    ok = np.ones((2, 2), dtype=bool)
    with pytest.raises(SettingsError, match="same 2-D shape"):
        solve_assignment(np.zeros((2, 3)), ok, [1, 1])
    with pytest.raises(SettingsError, match="objective must be one of coverage, fairness"):
        solve_assignment(np.zeros((2, 2)), ok, [1, 1], objective="best")
    with pytest.raises(SettingsError, match="capacities"):
        solve_assignment(np.zeros((2, 2)), ok, [1, -1])
    with pytest.raises(RuleError, match="not eligible"):
        solve_assignment(np.zeros((2, 2)), np.eye(2, dtype=bool), [1, 1], locked=[(0, 1)])
    with pytest.raises(RuleError, match="more times than its capacity"):
        solve_assignment(np.zeros((2, 2)), ok, [1, 1], locked=[(0, 0), (1, 0)])


def test_empty_schemes():
    rows, cols = solve_assignment(np.zeros((0, 3)), np.zeros((0, 3), bool), [1, 1, 1])
    assert len(rows) == len(cols) == 0
    rows, cols = solve_assignment(np.zeros((3, 2)), np.ones((3, 2), bool), [0, 0])
    assert len(rows) == 0


# -- match_mentors on whole schemes ---------------------------------------------------------
@st.composite
def people_schemes(draw):
    n = draw(st.integers(2, 9))
    emails = [f"p{k}@example.org" for k in range(n)]
    level = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    managers = [draw(st.sampled_from(["", *emails[:k]])) for k in range(n)]  # no cycles
    return pd.DataFrame({
        "email": emails,
        "department": draw(st.lists(st.sampled_from(["A", "B", "C", " a"]), min_size=n,
                                    max_size=n)),
        "level": level,
        "role": draw(st.lists(st.sampled_from(["mentor", "mentee", "both"]), min_size=n,
                              max_size=n)),
        "capacity": draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
        "line_manager_email": managers,
        "topics": draw(st.lists(st.sampled_from(["x", "y", "x; y", ""]), min_size=n,
                                max_size=n)),
        "meeting_mode": draw(st.lists(st.sampled_from(["online", "in person", "either"]),
                                      min_size=n, max_size=n)),
        "gender": draw(st.lists(st.sampled_from(["Woman", "Man"]), min_size=n, max_size=n)),
        "mentor_gender_preference": draw(st.lists(st.sampled_from(["", "woman"]), min_size=n,
                                                  max_size=n)),
    }).sample(frac=1, random_state=draw(st.integers(0, 100)))


def allowed_by_hand(people, a, b, forbid=()):
    """The rules, written out pair by pair (independent of the vectorised code)."""
    row = people.set_index("email").to_dict("index")
    if a == b or row[a]["role"] == "mentor" or row[b]["role"] == "mentee":
        return False
    if row[b]["level"] - row[a]["level"] < 1 or row[b]["capacity"] < 1:
        return False
    if row[a]["department"].strip().casefold() == row[b]["department"].strip().casefold():
        return False
    if (a, b) in forbid:
        return False

    def chain(x):
        up = []
        while x in row and row[x]["line_manager_email"]:  # people who left end the chain
            x = row[x]["line_manager_email"]
            up.append(x)
        return up

    return b not in chain(a) and a not in chain(b)


@pytest.mark.parametrize("objective", ["coverage", "fairness"])
@settings(max_examples=60, deadline=None)
@given(people=people_schemes(), data=st.data())
def test_match_mentors_never_breaks_a_rule_and_is_optimal(people, objective, data):
    emails = sorted(people["email"])
    forbid = data.draw(st.lists(st.tuples(st.sampled_from(emails), st.sampled_from(emails)),
                                max_size=3))
    forbid_df = pd.DataFrame(forbid, columns=["mentee_email", "mentor_email"])
    result = match_mentors(people, objective=objective, forbid=forbid_df)
    pairs = result.pairs
    for a, b in zip(pairs["mentee_email"], pairs["mentor_email"], strict=True):
        assert allowed_by_hand(people, a, b, set(forbid)), (a, b)
    assert not pairs["mentee_email"].duplicated().any()
    cap = people.set_index("email")["capacity"]
    assert (pairs["mentor_email"].value_counts() <= cap.reindex(
        pairs["mentor_email"].value_counts().index)).all()
    # Every mentee is either paired or has a reason.
    mentees = set(people.loc[people["role"] != "mentor", "email"])
    assert set(pairs["mentee_email"]) | set(result.unmatched["mentee_email"]) == mentees
    assert not set(pairs["mentee_email"]) & set(result.unmatched["mentee_email"])
    # Optimal against milp on the hand-checked rules.
    mentors = sorted(people.loc[people["role"] != "mentee", "email"])
    rows = sorted(mentees)
    eligible = np.array([[allowed_by_hand(people, a, b, set(forbid)) for b in mentors]
                         for a in rows], dtype=bool).reshape(len(rows), len(mentors))
    score = result.score  # same order: sorted by e-mail
    count, lowest, total = reference(score, eligible, cap[mentors].to_numpy(), objective)
    assert len(pairs) == count
    assert pairs["score"].sum() == pytest.approx(total, abs=1e-9)
    if lowest is not None:
        assert pairs["score"].min() == pytest.approx(lowest)
    assert result.eligible["score"].notna().all()
    assert len(result.eligible) == eligible.sum()


@settings(max_examples=40, deadline=None)
@given(people=people_schemes(), seed=st.integers(0, 1000))
def test_same_pairs_whatever_the_row_order(people, seed):
    first = match_mentors(people).pairs
    second = match_mentors(people.sample(frac=1, random_state=seed)).pairs
    pd.testing.assert_frame_equal(first, second)


def scheme():
    """A small scheme with every rule at work (used by several tests)."""
    return pd.DataFrame({
        "email": ["ann@example.org", "bo@example.org", "cy@example.org", "di@example.org",
                  "ed@example.org", "fay@example.org"],
        "name": ["Ann", "Bo", "Cy", "Di", "Ed", "Fay"],
        "department": ["Maths", "Physics", "Maths", "Chemistry", "Physics", "Biology"],
        "level": [0, 0, 0, 3, 4, 4],
        "role": ["mentee", "mentee", "mentee", "mentor", "mentor", "both"],
        "capacity": [1, 1, 1, 1, 1, 0],
        "line_manager_email": ["", "", "di@example.org", "", "", ""],
        "topics": ["Grants", "Teaching", "Grants", "Grants; Teaching", "Teaching", "Grants"],
        "meeting_mode": ["online"] * 6,
        "gender": ["Woman", "Man", "Woman", "Woman", "Man", "Woman"],
        "mentor_gender_preference": ["", "", "", "", "", ""],
    })


def test_unmatched_reasons_count_each_rule():
    result = match_mentors(scheme())
    assert isinstance(result, MatchResult)
    # Bo can only have Di (Ed is in Physics too), Cy only Ed (Di manages her): Ann is left.
    pairs = dict(zip(result.pairs["mentee_email"], result.pairs["mentor_email"], strict=True))
    assert pairs == {"bo@example.org": "di@example.org", "cy@example.org": "ed@example.org"}
    reasons = dict(zip(result.unmatched["mentee_email"], result.unmatched["reason"],
                       strict=True))
    assert reasons == {
        "ann@example.org": "of 3 mentors: 1 not available this round (capacity 0), 2 full",
        "fay@example.org": "of 2 mentors: 2 not more senior",  # Fay is not her own candidate
    }


def test_explain_gives_components_runner_up_and_rules():
    result = match_mentors(scheme())
    text = result.explain("bo@example.org")
    assert "bo@example.org is paired with di@example.org" in text
    assert "Runner-up: none" in text
    for name in ("topics", "seniority", "meeting mode", "gender preference"):  # in words
        assert f"  {name}: " in text
    text = result.explain("ann@example.org")
    assert "has no mentor: of 3 mentors" in text
    assert "eligible, full (2): di@example.org, ed@example.org" in text
    assert "mentors 1 of a capacity of 1: bo@example.org" in result.explain("di@example.org")
    with pytest.raises(SettingsError, match="not among the mentees"):
        result.explain("nobody@example.org")
    cands = result.candidates("cy@example.org")
    assert dict(zip(cands["mentor_email"], cands["status"], strict=True)) == {
        "di@example.org": "in the line-management chain", "ed@example.org": "paired",
        "fay@example.org": "not available this round (capacity 0)"}


def test_locks_forbid_and_current():
    people = scheme()
    lock = pd.DataFrame({"mentee_email": ["ANN@example.org "], "mentor_email": ["di@example.org"]})
    locked = match_mentors(people, locks=lock).pairs.set_index("mentee_email")
    assert locked.loc["ann@example.org", "mentor_email"] == "di@example.org"
    assert locked.loc["ann@example.org", "origin"] == "locked"
    assert "bo@example.org" not in locked.index  # Di was Bo's only possible mentor
    forbid = pd.DataFrame({"mentee_email": ["bo@example.org"], "mentor_email": ["di@example.org"]})
    forbidden = match_mentors(people, forbid=forbid)
    assert "bo@example.org" not in set(forbidden.pairs["mentee_email"])
    assert "1 forbidden" in forbidden.unmatched.set_index("mentee_email").loc[
        "bo@example.org", "reason"]
    current = pd.DataFrame({"mentee_email": ["ann@example.org"],
                            "mentor_email": ["ed@example.org"]})
    kept = match_mentors(people, current=current)
    assert kept.pairs.set_index("mentee_email").loc["ann@example.org", "origin"] == "current"
    assert (kept.pairs["mentor_email"] == "ed@example.org").sum() == 1  # capacity used up
    assert kept.totals["current"] == 1


@pytest.mark.parametrize(("lock", "message"), [
    (("cy@example.org", "di@example.org"), "breaks the rule 'in the line-management chain'"),
    (("ann@example.org", "fay@example.org"), r"breaks the rule 'not available this round"),
    (("ann@example.org", "bo@example.org"), "not among the sign-ups as a mentor"),
    (("di@example.org", "ed@example.org"), "not among the sign-ups as a mentee"),
])
def test_a_lock_that_breaks_a_rule_names_the_rule(lock, message):
    locks = pd.DataFrame([lock], columns=["mentee_email", "mentor_email"])
    with pytest.raises(RuleError, match=message):
        match_mentors(scheme(), locks=locks)


def test_two_locks_for_one_mentor_over_capacity():
    locks = pd.DataFrame({"mentee_email": ["ann@example.org", "bo@example.org"],
                          "mentor_email": ["di@example.org", "di@example.org"]})
    with pytest.raises(RuleError, match="capacity rule is broken"):
        match_mentors(scheme(), locks=locks)


def test_previous_pairs_are_not_repeated_unless_locked(tmp_path):
    people = scheme()
    first = match_mentors(people)
    with Store(tmp_path / "s.sqlite") as store:
        save_match(store, first, "2025", status="ended")
        before = load_finished_pairs(store)
    assert len(before) == len(first.pairs)
    again = match_mentors(people, previous=before)
    old = set(zip(first.pairs["mentee_email"], first.pairs["mentor_email"], strict=True))
    new = set(zip(again.pairs["mentee_email"], again.pairs["mentor_email"], strict=True))
    assert not old & new
    renew = before.head(1)
    kept = match_mentors(people, previous=before, locks=renew)
    assert renew.iloc[0]["mentee_email"] in set(kept.pairs["mentee_email"])


def test_running_pairs_in_the_store_are_kept_and_saving_twice_adds_nothing(tmp_path):
    people = scheme()
    first = match_mentors(people)
    with Store(tmp_path / "s.sqlite") as store:
        ids = save_match(store, first, "2026")
        assert len(ids) == len(first.pairs) > 0
        assert save_match(store, first, "2026") == []  # a second click stores nothing
        adjusted, running, previous = load_pairing_constraints(store, people)
        assert len(running) == len(first.pairs) and previous.empty
        again = match_mentors(adjusted, current=running, previous=previous)
        assert save_match(store, again, "2026") == []
        stored = load_pairs(store)
    # Matching again with the store never gives anyone a second mentor.
    assert (again.pairs["origin"] == "current").sum() == len(first.pairs)
    assert stored["mentee_email"].is_unique


def test_a_running_pair_outside_the_sign_ups_still_takes_its_mentors_place(tmp_path):
    people = scheme()
    first = match_mentors(people)
    mentor = first.pairs["mentor_email"].iloc[0]
    with Store(tmp_path / "s.sqlite") as store:
        save_pairs(store, pd.DataFrame({"mentee_email": ["someone.else@example.org"],
                                      "mentor_email": [mentor]}), "2025", status="active")
        adjusted, running, _ = load_pairing_constraints(store, people)
    before = int(people.loc[people["email"] == mentor, "capacity"].iloc[0])
    after = int(adjusted.loc[adjusted["email"] == mentor, "capacity"].iloc[0])
    assert running.empty and after == max(0, before - 1)


def test_rematch_keeps_everyone_else_after_a_withdrawal():
    people = scheme()
    first = match_mentors(people).pairs
    leaving = first["mentor_email"].iloc[0]
    stay = first[first["mentor_email"] != leaving][["mentee_email", "mentor_email"]]
    after = match_mentors(people[people["email"] != leaving], current=stay)
    kept = after.pairs[after.pairs["origin"] == "current"]
    assert set(zip(kept["mentee_email"], kept["mentor_email"], strict=True)) == set(
        zip(stay["mentee_email"], stay["mentor_email"], strict=True))


def test_weights_change_the_pairs_and_compare_pairs_shows_it():
    matcher = MentorMatcher(scheme())
    by_topic = matcher.match({"topics": 1, "seniority": 0, "meeting_mode": 0,
                              "gender_preference": 0})
    assert by_topic.settings["weights"]["topics"] == 1
    diff = compare_pairs(by_topic.pairs, matcher.match().pairs)
    assert set(diff["change"]) <= {"same", "new mentor", "newly matched", "now unmatched"}
    assert len(diff) >= len(by_topic.pairs)


def test_read_pairs_file(tmp_path):
    path = tmp_path / "locks.csv"
    path.write_text("Mentee e-mail,Mentor\nA@example.org , b@example.org\n,\n"
                    "a@example.org,B@example.org\n")
    assert read_pairs_file(path).to_numpy().tolist() == [["a@example.org", "b@example.org"]]
    path.write_text("mentee_email,mentor_email\n")
    assert read_pairs_file(path).empty  # a header and no pairs: nothing to lock
    path.write_text("mentee_email,mentor_email\na@example.org,\nc@example.org,d@example.org\n"
                    ",e@example.org\n")
    with pytest.raises(RowProblemsError, match="has 2 row\\(s\\) with only one e-mail") as info:
        read_pairs_file(path, "locked pairs")
    assert info.value.problems[["row", "field", "problem"]].to_numpy().tolist() == [
        [2, "mentor_email", HALF_PAIR], [4, "mentee_email", HALF_PAIR]]
    path.write_text("who,whom\na,b\n")
    with pytest.raises(InputFileError, match="mentee_email"):
        read_pairs_file(path, "locked pairs")


def test_normalise_pairs_makes_keys_and_refuses_a_frame_without_the_columns():
    pairs = pd.DataFrame({"mentee_email": [" A@x.org", "a@x.org", "c@x.org"],
                          "mentor_email": ["B@x.org", "b@x.org", "d@x.org"]})
    assert normalise_pairs(pairs).to_numpy().tolist() == [["a@x.org", "b@x.org"],
                                                          ["c@x.org", "d@x.org"]]
    assert list(normalise_pairs(None).columns) == ["mentee_email", "mentor_email"]
    with pytest.raises(SettingsError, match="The locked pairs need the columns"):
        normalise_pairs(pd.DataFrame({"mentee": ["a"]}), "locked pairs")


def test_sample_scheme_all_paired_within_rules(sample_import):
    result = match_mentors(sample_import)
    assert result.totals["matched"] + result.totals["unmatched"] == result.totals["mentees"]
    people = sample_import.people.set_index("email")
    pairs = result.pairs
    assert (people.loc[pairs["mentor_email"], "level"].to_numpy()
            > people.loc[pairs["mentee_email"], "level"].to_numpy()).all()
    assert (people.loc[pairs["mentor_email"], "department"].to_numpy()
            != people.loc[pairs["mentee_email"], "department"].to_numpy()).all()


def test_runner_up_is_the_best_other_allowed_mentor():
    result = match_mentors(scheme())
    second = result.runner_up().set_index("mentee_email")
    # Bo's only allowed mentor is his own; Cy's only one is Ed (Di manages her).
    assert second.loc["bo@example.org", "runner_up"] == ""
    assert np.isnan(second.loc["bo@example.org", "runner_up_score"])
    people = scheme().assign(capacity=[1, 1, 1, 2, 2, 0])
    result = match_mentors(people)
    second = result.runner_up().set_index("mentee_email")
    mine = result.pairs.set_index("mentee_email")["mentor_email"]
    assert second.loc["ann@example.org", "runner_up"] in {"di@example.org", "ed@example.org"}
    assert second.loc["ann@example.org", "runner_up"] != mine["ann@example.org"]


@settings(max_examples=40, deadline=None)
@given(people=people_schemes(), data=st.data())
def test_current_pairs_are_kept_after_someone_withdraws(people, data):
    first = match_mentors(people).pairs
    if first.empty:
        return
    leaving = data.draw(st.sampled_from(sorted(people["email"])))
    stay = first[(first["mentee_email"] != leaving) & (first["mentor_email"] != leaving)]
    current = stay[["mentee_email", "mentor_email"]].iloc[: data.draw(
        st.integers(0, len(stay)))]
    after = match_mentors(people[people["email"] != leaving], current=current)
    got = set(zip(after.pairs["mentee_email"], after.pairs["mentor_email"], strict=True))
    assert set(zip(current["mentee_email"], current["mentor_email"], strict=True)) <= got
    assert leaving not in set(after.pairs["mentee_email"]) | set(after.pairs["mentor_email"])
    remaining = people[people["email"] != leaving]
    for a, b in got:
        assert allowed_by_hand(remaining, a, b)
    load = after.pairs["mentor_email"].value_counts()
    cap = remaining.set_index("email")["capacity"]
    assert (load <= cap.reindex(load.index)).all()


def test_the_charts_count_every_pair_and_every_mentor(sample_import):
    result = match_mentors(sample_import)
    scores = score_histogram(result).axes[0]
    assert sum(bar.get_height() for bar in scores.patches) == len(result.pairs)
    assert scores.get_title() == f"Scores of {len(result.pairs)} pairs"
    assert scores.get_legend().get_texts()[0].get_text() == (
        f"lowest {result.pairs['score'].min():.2f}")
    load = load_histogram(result).axes[0]
    mentors = len(result.matcher.mentors)
    heights = [bar.get_height() for bar in load.patches]
    assert sum(heights) == 2 * mentors  # one bar set for mentees, one for capacity
    assert load.get_title() == f"Load of {mentors} mentors"
