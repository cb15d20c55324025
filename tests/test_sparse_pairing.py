"""The sparse exact path gives the dense optimum, and its proof step finds what it missed."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from toolkit.cli.main import main
from toolkit.core.assignment import solve_assignment
from toolkit.core.sparse_assignment import matrix_source, solve_sparse
from toolkit.errors import SettingsError
from toolkit.pairing.matching import MentorMatcher
from toolkit.pairing.scoring import (
    CHOICE_COMPONENTS,
    COMPONENTS,
    combine_scores,
    pair_mask,
    validate_weights,
)

OBJECTIVES = ["coverage", "fairness", "spread"]


@st.composite
def problems(draw):
    n = draw(st.integers(1, 40))
    m = draw(st.integers(1, 30))
    eligible = draw(hnp.arrays(bool, (n, m), elements=st.booleans()))
    # Few distinct values: many ties, the hard case for "exact".
    score = draw(hnp.arrays(float, (n, m), elements=st.sampled_from(
        [0.0, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0])))
    capacity = draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, 3)))
    cells = list(zip(*np.nonzero(eligible), strict=True))
    locked = draw(st.lists(st.sampled_from(cells), max_size=4, unique_by=lambda p: p[0])
                  if cells else st.just([]))
    load = np.bincount(np.array([j for _, j in locked], dtype=np.intp), minlength=m)
    return score, eligible, np.maximum(capacity, load), locked


def summary(score, rows, cols, objective):
    """What each objective ranks on, in its order (pairs are ties otherwise)."""
    values = score[rows, cols]
    out = [len(rows)]
    if objective == "spread":
        out.append(len(np.unique(cols)))
    if objective == "fairness":
        out.append(float(values.min()) if len(values) else None)
    return out, float(values.sum())


def check_rules(rows, cols, eligible, capacity, locked):
    assert len(set(rows.tolist())) == len(rows), "a row paired twice"
    assert eligible[rows, cols].all(), "an ineligible pair"
    assert (np.bincount(cols, minlength=len(capacity)) <= capacity).all(), "capacity exceeded"
    kept = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert {(int(i), int(j)) for i, j in locked} <= kept, "a locked pair was dropped"


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=40, deadline=None)
@given(problem=problems(), k=st.integers(1, 3), keep=st.integers(1, 6),
       by_column=st.integers(0, 2))
def test_sparse_gives_the_dense_optimum(problem, objective, k, keep, by_column):
    score, eligible, capacity, locked = problem
    dense = solve_assignment(score, eligible, capacity, objective, locked=locked or None,
                             strategy="dense")
    fixed = np.array(locked, dtype=np.intp).reshape(-1, 2)
    info = {}
    # A small K and a short kept list force the pricing rounds (and the rows scored again
    # in full) to do the work.
    sparse = solve_sparse(matrix_source(score, eligible), len(score), capacity, objective,
                          (fixed[:, 0], fixed[:, 1], score[fixed[:, 0], fixed[:, 1]]),
                          block=7, k=k, report=info, progress=False, keep=keep,
                          by_column=by_column)
    check_rules(*sparse, eligible, capacity, locked)
    want, want_total = summary(score, *dense, objective)
    got, got_total = summary(score, *sparse, objective)
    assert got == want
    assert got_total == pytest.approx(want_total, abs=1e-7)
    assert info["gap"] < 1e-6
    assert info["proof"] == "no left-out pair has positive reduced cost"


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=25, deadline=None)
@given(problem=problems())
def test_solve_assignment_sparse_strategy_matches_dense(problem, objective):
    score, eligible, capacity, locked = problem
    info = {}
    sparse = solve_assignment(score, eligible, capacity, objective, locked=locked or None,
                              strategy="sparse", report=info)
    dense = solve_assignment(score, eligible, capacity, objective, locked=locked or None,
                             strategy="dense")
    assert info["solver"] == "sparse"
    check_rules(*sparse, eligible, capacity, locked)
    assert summary(score, *sparse, objective)[0] == summary(score, *dense, objective)[0]
    assert summary(score, *sparse, objective)[1] == pytest.approx(
        summary(score, *dense, objective)[1], abs=1e-7)


def test_the_proof_step_adds_a_planted_pair_the_candidates_missed():
    # Row 0's best column is 0, but column 0 is row 1's only option; with one candidate per
    # row, row 0 only knows column 0, so the first solve pairs one of them. Pricing must
    # find (0, 1), which the candidate list left out, to pair both.
    score = np.array([[0.9, 0.8], [0.5, 0.0]])
    eligible = np.array([[True, True], [True, False]])
    info = {}
    rows, cols = solve_sparse(matrix_source(score, eligible), 2, np.array([1, 1]), k=1,
                              report=info, progress=False, keep=1, by_column=0)
    assert (rows.tolist(), cols.tolist()) == ([0, 1], [1, 0])
    assert info["rounds"] >= 2
    assert info["candidate_pairs"] == 3


def test_a_better_total_hidden_from_the_candidates_is_found():
    # Every row ranks column 0 first; the true optimum uses each row's second column.
    rng = np.random.default_rng(3)
    n = 30
    score = rng.uniform(0.0, 0.5, (n, n))
    score[:, 0] = 1.0
    eligible = np.ones((n, n), dtype=bool)
    info = {}
    sparse = solve_sparse(matrix_source(score, eligible), n, np.ones(n, dtype=np.int64), k=1,
                          report=info, progress=False, keep=2, by_column=0)
    dense = solve_assignment(score, eligible, np.ones(n, dtype=np.int64), strategy="dense")
    assert len(sparse[0]) == n
    assert score[sparse].sum() == pytest.approx(score[dense].sum(), abs=1e-9)
    assert info["rounds"] >= 2 and info["candidate_pairs"] > n
    assert info["rows_rescored"] > 0  # the kept lists were too short: rows scored again


def test_an_unknown_strategy_is_refused():
    with pytest.raises(SettingsError, match="strategy"):
        solve_assignment(np.ones((1, 1)), np.ones((1, 1), bool), [1], strategy="fast")


@st.composite
def signups(draw):
    n_e = draw(st.integers(1, 25))
    n_m = draw(st.integers(1, 15))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    n = n_e + n_m
    role = np.array(["mentee"] * n_e + ["mentor"] * n_m, dtype=object)
    both = rng.random(n) < 0.1
    role[both] = "both"
    people = pd.DataFrame({
        "email": [f"p{k:03d}@example.org" for k in range(n)],
        "department": rng.choice(["Maths", "Physics", "History", "Law"], n),
        "level": np.r_[rng.integers(0, 4, n_e), rng.integers(2, 7, n_m)],
        "role": role,
        "capacity": np.r_[np.ones(n_e, dtype=int), rng.integers(0, 4, n_m)],
        "line_manager_email": "",
        "topics": rng.choice(["Grants", "Teaching", "Grants; Teaching", "Leadership"], n),
    })
    return people, rng


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=20, deadline=None)
@given(case=st.one_of(signups(), st.deferred(lambda: rich_signups())))
def test_matching_a_scheme_sparsely_gives_the_same_optimum(case, objective):
    people, rng = case
    rules = {"same_department": bool(rng.random() < 0.3)}
    matcher = MentorMatcher(people, rules=rules)
    first = matcher.match(objective=objective, strategy="dense")
    allowed = np.argwhere(first.allowed)
    pick = rng.permutation(len(allowed))
    mentees = matcher.mentees["email"].to_numpy()
    mentors = matcher.mentors["email"].to_numpy()

    def frame(idx):
        return pd.DataFrame({"mentee_email": mentees[allowed[idx, 0]],
                             "mentor_email": mentors[allowed[idx, 1]]})

    # A lock and a current pair (different mentees, mentors with room), a forbidden pair.
    locks = current = forbid = None
    if len(pick) >= 3:
        a, b, f = allowed[pick[0]], allowed[pick[1]], allowed[pick[2]]
        if a[0] != b[0] and (a[1] != b[1] or matcher.capacity[a[1]] >= 2):
            locks, current = frame(pick[:1]), frame(pick[1:2])
        if f[0] not in (a[0], b[0]):
            forbid = frame(pick[2:3])
    dense = matcher.match(objective=objective, locks=locks, forbid=forbid, current=current,
                          strategy="dense")
    sparse = matcher.match(objective=objective, locks=locks, forbid=forbid, current=current,
                           strategy="sparse")
    assert sparse.settings["solver"] == "sparse"
    assert sparse.settings["proof"]["proof"] == "no left-out pair has positive reduced cost"
    for key in ("matched", "pairs", "locked", "current", "mentors_used" if objective == "spread"
                else "matched"):
        assert sparse.totals[key] == dense.totals[key]
    assert sparse.totals["total_score"] == pytest.approx(dense.totals["total_score"], abs=1e-7)
    if objective == "fairness" and dense.totals["lowest_score"] is not None:
        assert sparse.totals["lowest_score"] == pytest.approx(dense.totals["lowest_score"])
    assert set(sparse.unmatched["mentee_email"]) <= set(mentees)


def test_auto_goes_sparse_only_from_the_threshold(monkeypatch):
    score = np.array([[0.9, 0.6], [0.8, 0.55]])
    eligible = np.ones((2, 2), dtype=bool)
    info = {}
    solve_assignment(score, eligible, [1, 2], report=info)
    assert info["solver"] == "dense"
    monkeypatch.setattr("toolkit.core.assignment.SPARSE_FROM", 4)
    info = {}
    rows, cols = solve_assignment(score, eligible, [1, 2], report=info)
    assert info["solver"] == "sparse"
    assert (rows.tolist(), cols.tolist()) == ([0, 1], [0, 1])


def test_several_mentors_per_mentee_keep_the_network_flow():
    score = np.array([[0.9, 0.6], [0.8, 0.55]])
    info = {}
    rows, cols = solve_assignment(score, np.ones((2, 2), bool), [2, 2], row_capacity=[2, 0],
                                  strategy="sparse", report=info)
    assert info["solver"] == "dense"
    assert (rows.tolist(), cols.tolist()) == ([0, 0], [0, 1])


def test_a_large_scheme_says_in_run_json_how_it_was_proved(sample_dir, tmp_path, monkeypatch,
                                                            capsys):
    # The sample scheme, with the threshold lowered so that it counts as large.
    monkeypatch.setattr("toolkit.core.assignment.SPARSE_FROM", 1)
    assert main(["match", str(sample_dir / "signups.csv"), "--out", str(tmp_path / "s")]) == 0
    err = capsys.readouterr().err
    # A line per stage on stderr: block scoring, each round, the writing.
    assert "block by block" in err and "round 1" in err and "Writing the pairs" in err
    monkeypatch.setattr("toolkit.core.assignment.SPARSE_FROM", 10 ** 12)
    assert main(["match", str(sample_dir / "signups.csv"), "--out", str(tmp_path / "d")]) == 0
    sparse = json.loads((tmp_path / "s" / "run.json").read_text())
    dense = json.loads((tmp_path / "d" / "run.json").read_text())
    assert sparse["settings"]["solver"] == "sparse"
    assert sparse["settings"]["proof"]["proof"] == "no left-out pair has positive reduced cost"
    assert sparse["settings"]["proof"]["gap"] < 1e-6
    assert "proof" not in dense["settings"] and dense["settings"]["solver"] != "sparse"
    assert sparse["totals"]["matched"] == dense["totals"]["matched"]
    assert sparse["totals"]["total_score"] == pytest.approx(dense["totals"]["total_score"])
    assert sparse["totals"]["eligible_pairs"] == dense["totals"]["eligible_pairs"]
    # The same files with the same columns, and every pair explained by its components.
    for name in ("pairs.csv", "unmatched.csv"):
        s_frame = pd.read_csv(tmp_path / "s" / name)
        d_frame = pd.read_csv(tmp_path / "d" / name)
        assert list(s_frame.columns) == list(d_frame.columns)
        assert len(s_frame) == len(d_frame)


@st.composite
def rich_signups(draw):
    """Sign-ups using every field the score and the rules read (choices, kinds, managers)."""
    people, rng = draw(signups())
    n = len(people)
    emails = people["email"].to_numpy()
    people["meeting_mode"] = rng.choice(["in person", "online", "either", ""], n)
    people["gender"] = rng.choice(["Woman", "Man", ""], n)
    people["mentor_gender_preference"] = rng.choice(["woman", "man", ""], n, p=[.3, .2, .5])
    people["mentor_kind"] = rng.choice(["coach", "sponsor; coach", ""], n)
    people["mentor_kind_wanted"] = rng.choice(["coach", "sponsor; coach", "", ""], n)
    people["mentors_wanted"] = [
        "; ".join(rng.choice(emails, rng.integers(0, 3), replace=False)) for _ in range(n)]
    people["not_paired_with"] = np.where(rng.random(n) < 0.2, rng.choice(emails, n), "")
    people["line_manager_email"] = np.where(rng.random(n) < 0.3, rng.choice(emails, n), "")
    return people, rng


@settings(max_examples=30, deadline=None)
@given(case=rich_signups(), weights=st.fixed_dictionaries(
    {name: st.sampled_from([0.0, 0.1, 0.3, 0.37, 1.0]) for name in COMPONENTS}))
def test_the_block_scorer_gives_the_reference_scores_exactly(case, weights):
    people, rng = case
    if not any(weights[k] for k in COMPONENTS if k not in CHOICE_COMPONENTS):
        weights["topics"] = 0.4
    weights = validate_weights(weights)
    matcher = MentorMatcher(people, rules={"same_department": bool(rng.random() < 0.3)})
    e_mail, m_mail = matcher.mentees["email"], matcher.mentors["email"]
    forbid = pd.DataFrame({"mentee_email": e_mail.sample(min(2, len(e_mail)), random_state=1),
                           "mentor_email": m_mail.sample(min(2, len(e_mail)), replace=True,
                                                         random_state=2).to_numpy()})
    reference = np.where(
        matcher.rules.with_rule("forbidden", pair_mask(e_mail, m_mail, forbid)).mask,
        combine_scores(matcher.components, weights), -np.inf)
    scorer = matcher.scorer(weights, forbid=forbid)
    rows = rng.permutation(len(e_mail))  # any rows, in any order
    # Exactly equal, not approximately: the same elementwise operations in the same order,
    # so the sparse path's optimum and ties are the dense path's.
    np.testing.assert_array_equal(scorer(rows), reference[rows])
    cols = np.sort(rng.choice(len(m_mail), max(1, len(m_mail) // 2), replace=False))
    np.testing.assert_array_equal(scorer(rows, cols=cols), reference[rows][:, cols])
    r, c = np.nonzero(np.isfinite(reference))
    comps, score = scorer.pair_components(r, c)
    np.testing.assert_array_equal(score, reference[r, c])
    for name in COMPONENTS:
        np.testing.assert_array_equal(comps[name], matcher.components[name][r, c])
    assert scorer.eligible_rows[rows].sum() == np.isfinite(reference).sum()


@settings(max_examples=15, deadline=None)
@given(case=rich_signups())
def test_a_scheme_matched_by_blocks_explains_itself_as_the_dense_match_does(case):
    people, rng = case
    matcher = MentorMatcher(people)
    previous = pd.DataFrame({"mentee_email": matcher.mentees["email"].iloc[:1].to_numpy(),
                             "mentor_email": matcher.mentors["email"].iloc[:1].to_numpy()})
    dense = matcher.match(previous=previous, strategy="dense")
    blocked = matcher.match(previous=previous, strategy="sparse")
    assert blocked.score is None and blocked.scorer is not None  # no whole-scheme matrix
    assert blocked.totals["eligible_pairs"] == dense.totals["eligible_pairs"]
    assert blocked.totals["matched"] == dense.totals["matched"]
    assert list(blocked.pairs.columns) == list(dense.pairs.columns)
    # The same pairs read off the whole-scheme matrices: every figure and word the same.
    same = replace(blocked, score=dense.score, allowed=dense.allowed, codes=dense.codes,
                   scorer=None)
    pd.testing.assert_frame_equal(blocked.eligible, same.eligible)
    pd.testing.assert_frame_equal(blocked.runner_up(), same.runner_up())
    for email in rng.choice(matcher.people["email"].to_numpy(), 3):
        if email in set(matcher.mentees["email"]):
            pd.testing.assert_frame_equal(blocked.candidates(email), same.candidates(email))
        assert blocked.explain(email) == same.explain(email)
    r, c = blocked.rows, blocked.cols
    comps = dense.matcher.components
    for k, name in enumerate(COMPONENTS):
        want = comps[name][r, c]
        if name in CHOICE_COMPONENTS:
            want = np.where(comps.applies[k][r], want, np.nan)
        np.testing.assert_array_equal(blocked.pairs[name].to_numpy(), want)
    np.testing.assert_array_equal(blocked.pairs["score"].to_numpy(), dense.score[r, c])
    pd.testing.assert_frame_equal(
        blocked.unmatched, matcher._unmatched(r, c, dense.codes))


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=15, deadline=None)
@given(case=st.one_of(signups(), st.deferred(lambda: rich_signups())))
def test_a_one_off_match_without_the_component_matrices_is_the_dense_match(case, objective):
    # The command line's one-off match scores every pair with the block scorer and solves
    # densely: exactly the pairs, scores, explanations and reasons of the panel's match.
    people, rng = case
    matcher = MentorMatcher(people, rules={"same_department": bool(rng.random() < 0.3)})
    first = matcher.match(objective=objective, strategy="dense")
    allowed = np.argwhere(first.allowed)
    pick = rng.permutation(len(allowed))
    mentees = matcher.mentees["email"].to_numpy()
    mentors = matcher.mentors["email"].to_numpy()
    locks = forbid = previous = None
    if len(pick) >= 3:
        locks = pd.DataFrame({"mentee_email": mentees[allowed[pick[:1], 0]],
                              "mentor_email": mentors[allowed[pick[:1], 1]]})
        forbid = pd.DataFrame({"mentee_email": mentees[allowed[pick[1:2], 0]],
                               "mentor_email": mentors[allowed[pick[1:2], 1]]})
        previous = pd.DataFrame({"mentee_email": mentees[allowed[pick[2:3], 0]],
                                 "mentor_email": mentors[allowed[pick[2:3], 1]]})
    kwargs = {"objective": objective, "locks": locks, "forbid": forbid, "previous": previous}
    dense = matcher.match(**kwargs, strategy="dense")
    lean = matcher.match(**kwargs, keep_matrices=False)
    assert lean.score is None and lean.scorer is not None
    pd.testing.assert_frame_equal(lean.pairs, dense.pairs)
    pd.testing.assert_frame_equal(lean.unmatched, dense.unmatched)
    assert lean.totals == dense.totals
    assert lean.settings == dense.settings
