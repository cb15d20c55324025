"""The UnMentoring draw on random rosters and histories; participants, history and store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toolkit.errors import (
    InputFileError,
    LifecycleError,
    RowProblemsError,
    RuleError,
    SettingsError,
    StoreError,
)
from toolkit.store.connection import Store
from toolkit.store.pairs import save_pairs
from toolkit.store.people import save_signups
from toolkit.unmentoring.draw import (
    DRAW_COLUMNS,
    NO_DRAW_POSSIBLE,
    ONE_TRIO_ONLY,
    draw_round,
    round_labels,
)
from toolkit.unmentoring.history import (
    append_history,
    history_lock,
    history_summary,
    lock_path,
    read_history,
    read_rounds_log,
    round_exists_message,
    rounds_log_path,
)
from toolkit.unmentoring.participants import (
    PAUSED_PROBLEM,
    participant_summary,
    participants_problems_message,
    read_participants,
)
from toolkit.unmentoring.service import (
    ONE_PLACE,
    load_exclusions,
    load_history,
    load_rounds,
    rounds_place,
    save_round,
)
from toolkit.unmentoring.statistics import draw_statistics, repeat_pairs

DEPTS = ["Chemistry", "History", "Physics", "Music"]


def _people(n: int, depts: list[int] | None = None, paused: list[bool] | None = None):
    depts = depts if depts is not None else [i % 3 for i in range(n)]
    return pd.DataFrame({
        "name": [f"Person {i}" for i in range(n)],
        "email": [f"p{i:02d}@example.org" for i in range(n)],
        "department": [DEPTS[d] for d in depts],
        "paused": paused if paused is not None else [False] * n,
    })


def _groups(draw: pd.DataFrame) -> list[list[str]]:
    return draw.groupby("group")["email"].apply(lambda s: sorted(s)).tolist()


def _met(history: pd.DataFrame) -> set[frozenset]:
    met = set()
    for _, g in history.groupby(["round", "group"]):
        met.update(frozenset(p) for p in combinations(sorted(g["email"]), 2))
    return met


def _grouping_exists(people: list[str], ok) -> bool:
    """Brute force: can everyone be put in pairs (plus one trio if odd) using only ok pairs?"""
    n = len(people)

    @cache
    def solve(mask: int, trio_left: bool) -> bool:
        if mask == 0:
            return not trio_left
        i = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << i)
        js = [j for j in range(n) if rest >> j & 1 and ok(people[i], people[j])]
        for j in js:
            if solve(rest & ~(1 << j), trio_left):
                return True
            if trio_left:
                for k in js:
                    if k > j and ok(people[j], people[k]) and solve(
                            rest & ~(1 << j) & ~(1 << k), False):
                        return True
        return False

    return solve((1 << n) - 1, n % 2 == 1)


@st.composite
def schemes(draw):
    n = draw(st.integers(2, 12))
    depts = draw(st.lists(st.integers(0, draw(st.integers(0, 3))), min_size=n, max_size=n))
    paused = draw(st.lists(st.sampled_from([False, False, False, False, True]),
                           min_size=n, max_size=n))
    assume(n - sum(paused) >= 2)
    people = _people(n, depts, paused)
    emails = [*people["email"], "gone1@example.org", "gone2@example.org"]
    rounds = []
    for r in range(draw(st.integers(0, 6))):
        who = [emails[i] for i in draw(st.permutations(range(len(emails))))]
        who = who[:draw(st.integers(2, len(who)))]
        group = [k // 2 + 1 for k in range(len(who))]
        if len(who) % 2:
            group[-1] = group[-2]
        rounds.append(pd.DataFrame({"round": f"r{r}", "group": group, "email": who}))
    history = pd.concat(rounds, ignore_index=True) if rounds else None
    return people, history, draw(st.integers(0, 2**31))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemes())
def test_everyone_once_right_sizes_and_no_avoidable_repeat(scheme):
    people, history, seed = scheme
    draw = draw_round(people, history, seed=seed, round_label="new")
    active = sorted(people.loc[~people["paused"], "email"])
    assert sorted(draw["email"]) == active
    assert list(draw.columns) == DRAW_COLUMNS
    sizes = sorted(draw.groupby("group").size())
    assert sizes == [2] * (len(active) // 2 - 1) + [2 + len(active) % 2]
    assert set(draw["round"]) == {"new"}
    met = _met(history) if history is not None else set()
    repeats = repeat_pairs(draw, history if history is not None else draw.iloc[:0])
    if len(repeats):
        assert not _grouping_exists(active, lambda a, b: frozenset((a, b)) not in met)


@settings(max_examples=60, deadline=None)
@given(schemes())
def test_cross_department_when_a_repeat_free_cross_draw_exists(scheme):
    people, history, seed = scheme
    active = sorted(people.loc[~people["paused"], "email"])
    met = _met(history) if history is not None else set()
    dept = dict(zip(people["email"], people["department"], strict=True))
    if len(active) % 2 or not _grouping_exists(
            active, lambda a, b: frozenset((a, b)) not in met and dept[a] != dept[b]):
        return
    draw = draw_round(people, history, seed=seed, round_label="new")
    for group in _groups(draw):
        assert dept[group[0]] != dept[group[1]]
        assert frozenset(group) not in met


@settings(max_examples=30, deadline=None)
@given(schemes(), st.sampled_from(["fast", "exact"]))
def test_both_methods_keep_the_group_rules(scheme, method):
    people, history, seed = scheme
    draw = draw_round(people, history, seed=seed, round_label="new", method=method)
    active = sorted(people.loc[~people["paused"], "email"])
    assert sorted(draw["email"]) == active
    assert max(draw.groupby("group").size()) <= 3


def test_same_seed_same_draw_and_other_seed_differs():
    people = _people(30)
    a = draw_round(people, seed=7, round_label="r")
    b = draw_round(people.sample(frac=1, random_state=3), seed=7, round_label="r")
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(draw_round(people, seed=8, round_label="r"))


@pytest.mark.parametrize("method", ["exact", "fast"])
def test_reproducible_in_a_new_process(tmp_path, method):
    people = _people(23)
    history = draw_round(people, seed=1, round_label="r1")
    people.to_csv(tmp_path / "people.csv", index=False)
    history.to_csv(tmp_path / "history.csv", index=False)
    here = draw_round(read_participants(tmp_path / "people.csv"),
                      read_history(tmp_path / "history.csv"), seed=99, round_label="r2",
                      method=method)
    code = (
        "import sys; from toolkit.unmentoring import *\n"
        "d = draw_round(read_participants(sys.argv[1]), read_history(sys.argv[2]), seed=99, "
        f"round_label='r2', method='{method}')\nsys.stdout.write(d.to_csv(index=False))\n"
    )
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "people.csv"),
                              str(tmp_path / "history.csv")], capture_output=True, text=True,
                             env=env, check=True).stdout
        assert out == here.to_csv(index=False)


def test_oldest_repeats_are_allowed_first_and_reported():
    people = _people(4, depts=[0, 1, 2, 3])
    e = people["email"].tolist()
    history = pd.DataFrame({
        "round": ["r1"] * 4 + ["r2"] * 4 + ["r3"] * 4,
        "group": [1, 1, 2, 2] * 3,
        "email": [e[0], e[1], e[2], e[3], e[0], e[2], e[1], e[3], e[0], e[3], e[1], e[2]],
    })
    draw = draw_round(people, history, seed=3, round_label="r4")
    assert _groups(draw) == [[e[0], e[1]], [e[2], e[3]]]
    repeats = repeat_pairs(draw, history)
    assert set(repeats["last_round"]) == {"r1"}
    stats = draw_statistics(draw, people, history).set_index("measure")["value"]
    assert stats["repeats of an earlier pairing"] == 2


def test_redraw_ignores_the_round_being_replaced():
    people = _people(6)
    first = draw_round(people, seed=2, round_label="r1")
    again = draw_round(people, first, seed=2, round_label="r1")
    pd.testing.assert_frame_equal(first, again)


def test_trio_turn_rotates():
    people = _people(9)
    history = None
    in_trio: list[str] = []
    for r in range(3):
        draw = draw_round(people, history, seed=r, round_label=f"r{r}")
        sizes = draw.groupby("group").size()
        in_trio += draw[draw["group"].isin(sizes[sizes == 3].index)]["email"].tolist()
        history = draw if history is None else pd.concat([history, draw])
    assert len(in_trio) == 9
    assert len(set(in_trio)) == 9  # nobody is the third twice while others have not been


def test_locks_and_breaks():
    people = _people(10)
    e = people["email"].tolist()
    base = draw_round(people, seed=4, round_label="r")
    first = _groups(base)[0]
    broken = draw_round(people, seed=4, round_label="r", breaks=[first])
    assert first not in _groups(broken)
    locked = draw_round(people, seed=4, round_label="r", locks=[[e[0], e[3]]],
                        breaks=[first])
    assert [e[0], e[3]] in _groups(locked)
    assert sorted(locked["email"]) == sorted(e)


@pytest.mark.parametrize(("locks", "message"), [
    ([["p00@example.org"]], "two or three people"),
    ([["p00@example.org", "nobody@example.org"]], "not an active participant"),
    ([["p00@example.org", "p01@example.org"], ["p01@example.org", "p02@example.org"]],
     "locked into two groups"),
    ([["p00@example.org", "p01@example.org", "p02@example.org"]], ONE_TRIO_ONLY),
])
def test_bad_locks_are_refused(locks, message):
    with pytest.raises(RuleError) as info:
        draw_round(_people(6), seed=1, round_label="r", locks=locks)
    assert message in str(info.value)


def test_paused_people_are_left_out_and_too_few_refused():
    people = _people(5, paused=[False, True, False, True, False])
    draw = draw_round(people, seed=1, round_label="r")
    assert sorted(draw["email"]) == ["p00@example.org", "p02@example.org", "p04@example.org"]
    with pytest.raises(RuleError, match="at least two"):
        draw_round(_people(3, paused=[True, True, False]), seed=1, round_label="r")


def test_exclusions_that_leave_nobody_are_refused():
    people = _people(2, depts=[0, 1])
    with pytest.raises(RuleError) as info:
        draw_round(people, seed=1, round_label="r", exclusions=[people["email"].tolist()])
    assert str(info.value) == NO_DRAW_POSSIBLE


def test_statistics_name_nobody():
    people = _people(11)
    draw = draw_round(people, seed=1, round_label="r")
    stats = draw_statistics(draw, people)
    text = stats.to_csv()
    assert "@" not in text and "Person" not in text
    values = stats.set_index("measure")["value"]
    assert values["trios"] == 1 and values["pairs"] == 4 and values["people drawn"] == 11


# -- participants ---------------------------------------------------------------------------
def test_read_participants_reports_every_problem(tmp_path):
    path = tmp_path / "coffee.csv"
    path.write_text("Full name,E-mail address,Dept,Paused\n"
                    "Ada,ada@example.org,Maths,no\n"
                    ",not-an-address,Maths,maybe\n"
                    "Bo,ADA@example.org,,\n", encoding="utf-8")
    with pytest.raises(RowProblemsError) as info:
        read_participants(path)
    problems = info.value.problems
    assert str(info.value) == participants_problems_message("coffee.csv", problems)
    assert problems[["row", "field"]].to_numpy().tolist() == [
        [3, "name"], [3, "email"], [3, "paused"], [4, "email"], [4, "department"]]
    by_place = problems.set_index(["row", "field"])["problem"]
    assert by_place[(3, "paused")] == PAUSED_PROBLEM
    assert by_place[(4, "email")] == ("The same e-mail is already on row 2: keep one row and "
                                      "delete the other.")
    assert "(column 'Dept')" in by_place[(4, "department")]


def test_read_participants_with_a_mapping(tmp_path):
    path = tmp_path / "coffee.csv"
    path.write_text("Who,Mail,Where\nAda,ada@example.org,Maths\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"name": "Who", "email": "Mail", "department": "Where"}))
    people = read_participants(path, mapping=mapping)
    assert people[["email", "paused"]].to_numpy().tolist() == [["ada@example.org", False]]
    with pytest.raises(InputFileError, match="no column for the required field"):
        read_participants(path)


def test_sample_list_imports_every_row_as_written(sample_dir):
    raw = pd.read_csv(sample_dir / "unmentoring.csv", dtype=str, keep_default_na=False)
    people = read_participants(sample_dir / "unmentoring.csv")
    assert sorted(people["email"]) == sorted(raw["email"].str.lower())
    paused = dict(zip(raw["email"].str.lower(), raw["paused"] == "yes", strict=True))
    assert people["paused"].tolist() == people["email"].map(paused).tolist()
    summary = participant_summary(people).set_index("department")
    assert summary.loc["All departments"].tolist() == [int((~people["paused"]).sum()),
                                                       int(people["paused"].sum())]
    assert summary.drop("All departments")[["active", "paused"]].sum().tolist() == [
        int((~people["paused"]).sum()), int(people["paused"].sum())]


# -- history --------------------------------------------------------------------------------
def test_history_append_refuse_and_redraw(tmp_path):
    path = tmp_path / "history.csv"
    people = _people(8)
    r1 = draw_round(people, seed=1, round_label="r1")
    append_history(path, r1)
    r2 = draw_round(people, read_history(path), seed=1, round_label="r2")
    append_history(path, r2)
    before = path.read_bytes()
    with pytest.raises(LifecycleError, match="Round 'r1' is already drawn"):
        append_history(path, draw_round(people, seed=5, round_label="r1"))
    assert path.read_bytes() == before
    new_r1 = draw_round(people, read_history(path), seed=5, round_label="r1")
    append_history(path, new_r1, redraw=True)
    history = read_history(path)
    assert round_labels(history) == ["r1", "r2"]
    pd.testing.assert_frame_equal(history[history["round"] == "r1"].reset_index(drop=True),
                                  new_r1)


def test_interrupted_save_leaves_the_old_history(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    people = _people(6)
    append_history(path, draw_round(people, seed=1, round_label="r1"))
    before = path.read_bytes()

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("toolkit.io.outputs.os.replace", fail)
    with pytest.raises(StoreError, match="history is unchanged"):
        append_history(path, draw_round(people, read_history(path), seed=1, round_label="r2"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"]


def test_history_file_problems(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("round,email\nr1,a@example.org\n")
    with pytest.raises(InputFileError, match=r"no column\(s\) \['group'\]"):
        read_history(path)
    path.write_text("round,group,email\nr1,,a@example.org\n")
    with pytest.raises(InputFileError, match="row 2: the group is empty"):
        read_history(path)


# -- store ----------------------------------------------------------------------------------
def test_store_rounds_seed_refusal_and_exclusions(tmp_path, sample_people):
    with Store(tmp_path / "scheme.sqlite") as store:
        save_signups(store, sample_people, "2026")
        mentees = sample_people[sample_people["role"] == "mentee"]["email"].head(5).tolist()
        mentors = sample_people[sample_people["role"] == "mentor"]["email"].head(5).tolist()
        save_pairs(store, pd.DataFrame({"mentee_email": mentees, "mentor_email": mentors}),
                        "2026")
        people = sample_people[["name", "email", "department"]]
        excluded = load_exclusions(store, people["email"])
        assert {"mentoring pair", "line management"} <= set(excluded["reason"])
        keys = {frozenset(p) for p in excluded[["email_a", "email_b"]].to_numpy().tolist()}
        assert {frozenset(p) for p in zip(mentees, mentors, strict=True)} <= keys
        for r in range(2):
            draw = draw_round(people, load_history(store=store), seed=r, round_label=f"r{r}",
                              exclusions=excluded)
            assert not any(frozenset(p) in keys for g in _groups(draw)
                           for p in combinations(g, 2))
            save_round(draw, r, store=store, week="2026-10-07")
        with pytest.raises(LifecycleError) as info:
            save_round(draw, 9, store=store)
        assert str(info.value) == round_exists_message("r1", rounds_place(store=store))
        rounds = load_rounds(store)
        assert rounds[["round", "seed", "week"]].to_numpy().tolist() == [
            ["r0", 0, "2026-10-05"], ["r1", 1, "2026-10-05"]]
        save_round(draw, 9, store=store, redraw=True, settings={"method": "fast"})
        rounds = load_rounds(store)
        assert rounds["seed"].tolist() == [0, 9]
        assert json.loads(rounds["settings"].iloc[1]) == {"method": "fast"}
        history = load_history(store=store)
        assert round_labels(history) == ["r0", "r1"]
        assert len(history) == 2 * len(people)
    # The store may be given by its path too: the same rounds are read.
    pd.testing.assert_frame_equal(load_history(store=tmp_path / "scheme.sqlite"), history)


def test_one_save_function_for_the_history_file_and_the_store(tmp_path):
    people = _people(6)
    draw = draw_round(people, seed=4, round_label="r1")
    kept = {"locks": [], "method": "auto"}
    by_file = save_round(draw, 4, history=tmp_path / "h.csv", week="2026-W41", settings=kept)
    by_store = save_round(draw, 4, store=tmp_path / "s.sqlite", week="2026-W41", settings=kept)
    assert by_file == f"the history '{tmp_path / 'h.csv'}'"
    assert by_store == f"the store '{tmp_path / 's.sqlite'}'"
    pd.testing.assert_frame_equal(load_history(history=tmp_path / "h.csv"),
                                  load_history(store=tmp_path / "s.sqlite"))
    log = read_rounds_log(tmp_path / "h.csv")
    stored = load_rounds(tmp_path / "s.sqlite")
    assert log[["round", "week", "settings"]].to_numpy().tolist() == stored[
        ["round", "week", "settings"]].to_numpy().tolist()
    assert log["seed"].astype(int).tolist() == stored["seed"].tolist() == [4]
    for place in ({"history": tmp_path / "h.csv"}, {"store": tmp_path / "s.sqlite"}):
        with pytest.raises(LifecycleError, match="already drawn"):
            save_round(draw, 5, **place)
    for places in ({}, {"history": tmp_path / "h.csv", "store": tmp_path / "s.sqlite"}):
        with pytest.raises(SettingsError) as info:
            save_round(draw, 5, **places)
        assert str(info.value) == ONE_PLACE


def test_history_summary_counts_rounds_in_the_order_drawn():
    people = _people(7)
    history = None
    for label in ("2026-12", "2026-10"):  # labels need not sort in the order drawn
        draw = draw_round(people, history, seed=1, round_label=label)
        history = draw if history is None else pd.concat([history, draw], ignore_index=True)
    assert history_summary(history).to_numpy().tolist() == [["2026-12", 7, 2, 1],
                                                            ["2026-10", 7, 2, 1]]
    assert history_summary(history.iloc[:0]).empty


def test_exact_beats_or_equals_fast_on_repeats():
    rng = np.random.default_rng(0)
    people = _people(40, depts=rng.integers(0, 4, 40).tolist())
    history = None
    for r in range(6):
        d = draw_round(people, history, seed=r, round_label=f"r{r}", method="fast")
        history = d if history is None else pd.concat([history, d])
    for method in ("exact", "fast"):
        d = draw_round(people, history, seed=9, round_label="new", method=method)
        assert len(repeat_pairs(d, history)) == 0



def test_statistics_count_pairs_new_to_each_others_departments():
    people = _people(4, depts=[0, 1, 2, 3])
    e = people["email"].tolist()
    history = pd.DataFrame({"round": ["r1"] * 4, "group": [1, 1, 2, 2],
                            "email": [e[0], e[1], e[2], e[3]]})
    # e0 has met department 1, e2 department 3: (e0, e2) is new on both sides, (e1, e3) too.
    draw = pd.DataFrame({"round": ["r2"] * 4, "group": [1, 1, 2, 2],
                         "email": [e[0], e[2], e[1], e[3]]})
    stats = draw_statistics(draw, people, history).set_index("measure")["value"]
    assert stats["pairs new to each other's departments (%)"] == 100.0
    # Drawn again with their earlier partners' departments: nobody is new to the other's.
    people["department"] = [DEPTS[0], DEPTS[1], DEPTS[1], DEPTS[0]]
    stats = draw_statistics(draw, people, history).set_index("measure")["value"]
    assert stats["pairs new to each other's departments (%)"] == 0.0


def test_read_participants_from_xlsx(tmp_path):
    path = tmp_path / "coffee.xlsx"
    _people(4, paused=[False, True, False, False]).assign(
        paused=lambda f: f["paused"].map({True: "Yes", False: "No"})).to_excel(
        path, sheet_name="Responses", index=False)
    people = read_participants(path, sheet="Responses")
    assert people["paused"].tolist() == [False, True, False, False]
    assert draw_round(people, seed=1, round_label="r")["email"].nunique() == 3


def test_a_failed_store_save_changes_nothing(tmp_path):
    people = _people(6)
    with Store(tmp_path / "scheme.sqlite") as store:
        first = draw_round(people, seed=1, round_label="r1")
        save_round(first, 1, store=store)
        broken = draw_round(people, first, seed=2, round_label="r2")
        broken = pd.concat([broken, broken.iloc[:1]], ignore_index=True)  # one person twice
        with pytest.raises(StoreError, match="Nothing was saved"):
            save_round(broken, 2, store=store)
        assert load_rounds(store)["round"].tolist() == ["r1"]
        pd.testing.assert_frame_equal(load_history(store=store), first)



# -- issue 12: group labels, the rounds log, the lock, temporaries, trio rotation ----------
def test_any_text_is_a_group_label_and_the_draw_still_avoids_repeats(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("round,group,email\n"
                    "2025-01,A,p00@example.org\n2025-01,A,p01@example.org\n"
                    "2025-01,g1,p02@example.org\n2025-01,g1,p03@example.org\n"
                    "2025-02,Table 7,p00@example.org\n2025-02,Table 7,p02@example.org\n"
                    "2025-02,1,p01@example.org\n2025-02,1,p03@example.org\n")
    history = read_history(path)
    assert history["group"].tolist() == ["A", "A", "g1", "g1", "Table 7", "Table 7", "1", "1"]
    people = _people(4)
    draw = draw_round(people, history, seed=0, round_label="2025-03")
    assert _groups(draw) == [["p00@example.org", "p03@example.org"],
                             ["p01@example.org", "p02@example.org"]]  # the only new pairs
    append_history(path, draw, seed=0)
    again = read_history(path)
    assert again["group"].tolist()[:6] == ["A", "A", "g1", "g1", "Table 7", "Table 7"]
    assert round_labels(again) == ["2025-01", "2025-02", "2025-03"]
    assert read_rounds_log(path)["round"].tolist() == ["2025-03"]
    # Whole-number labels still read as numbers; labels that merge as numbers stay text.
    path.write_text("round,group,email\nr,1,a@x.org\nr,1.0,b@x.org\n")
    assert read_history(path)["group"].tolist() == ["1", "1.0"]


def test_formula_like_labels_are_neutralised_and_read_back_identical(tmp_path):
    path = tmp_path / "history.csv"
    draw = draw_round(_people(4), seed=1, round_label="=HYPERLINK(1)")
    append_history(path, draw, seed=1, week="2026-10-05", settings={"note": "@risk"})
    text = path.read_text()
    assert "\n\"'=HYPERLINK(1)\"," in text and "\n=HYPERLINK" not in text
    pd.testing.assert_frame_equal(read_history(path), draw)
    log = read_rounds_log(path)
    assert log["round"].tolist() == ["=HYPERLINK(1)"]
    assert json.loads(log["settings"].iloc[0]) == {"note": "@risk"}


def _crash_on_history_write(monkeypatch, path):
    """Make append_history die after the log is in place, before the history's rename."""
    real = append_history.__globals__["write_csv_atomic"]

    def write(frame, target):
        if os.fspath(target) == os.fspath(path):
            raise KeyboardInterrupt  # as if killed at the commit point
        return real(frame, target)

    monkeypatch.setitem(append_history.__globals__, "write_csv_atomic", write)


def test_a_run_killed_between_the_two_renames_leaves_log_and_history_consistent(
        tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    people = _people(6)
    r1 = draw_round(people, seed=1, round_label="r1")
    append_history(path, r1, seed=1)
    before = path.read_bytes()
    with monkeypatch.context() as m:
        _crash_on_history_write(m, path)
        with pytest.raises(KeyboardInterrupt):
            append_history(path, draw_round(people, r1, seed=2, round_label="r2"), seed=2)
        # The log on disk already has r2, the history does not: r2's entry does not count.
        assert "r2" in rounds_log_path(path).read_text()
        with pytest.raises(KeyboardInterrupt):  # a re-draw of r1 with another seed
            append_history(path, draw_round(people, seed=9, round_label="r1"), seed=9,
                           redraw=True)
    assert path.read_bytes() == before
    log = read_rounds_log(path)
    assert log[["round", "seed"]].to_numpy().tolist() == [["r1", "1"]]  # not r1's new seed
    assert set(log["round"]) == set(round_labels(read_history(path)))
    # The next writer cleans the log; the seed kept reproduces the history.
    append_history(path, draw_round(people, r1, seed=3, round_label="r3"), seed=3)
    raw = pd.read_csv(rounds_log_path(path), dtype=str)
    assert raw[["round", "seed"]].to_numpy().tolist() == [["r1", "1"], ["r3", "3"]]
    pd.testing.assert_frame_equal(draw_round(people, seed=1, round_label="r1"),
                                  read_history(path).query("round == 'r1'"))


def test_a_redraw_replaces_the_seed_and_a_log_without_digests_is_trusted(tmp_path):
    path = tmp_path / "history.csv"
    people = _people(6)
    append_history(path, draw_round(people, seed=1, round_label="r1"), seed=1)
    append_history(path, draw_round(people, seed=5, round_label="r1"), seed=5, redraw=True)
    assert read_rounds_log(path)[["round", "seed"]].to_numpy().tolist() == [["r1", "5"]]
    # A log from an earlier release (no digest column) counts for the rounds the history has.
    rounds_log_path(path).write_text("round,seed,week,settings\nr1,5,,{}\nr0,4,,{}\n")
    assert read_rounds_log(path)[["round", "seed"]].to_numpy().tolist() == [["r1", "5"]]
    append_history(path, draw_round(people, read_history(path), seed=6, round_label="r2"),
                   seed=6)
    assert read_rounds_log(path)["seed"].tolist() == ["5", "6"]


def test_stale_temporaries_are_swept_by_the_next_writer(tmp_path):
    path = tmp_path / "history.csv"
    for name in (".history.csv.abc123.tmp", ".history.rounds.csv.x.tmp"):
        (tmp_path / name).write_text("ada@example.org")  # what a killed run leaves
    (tmp_path / ".other.csv.abc.tmp").write_text("not ours")
    append_history(path, draw_round(_people(4), seed=1, round_label="r1"), seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.csv.abc.tmp", "history.csv", "history.rounds.csv"]


def test_a_failed_write_removes_its_temporary_and_the_lock(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    append_history(path, draw_round(_people(4), seed=1, round_label="r1"), seed=1)
    files = sorted(tmp_path.iterdir())
    before = [p.read_bytes() for p in files]

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("toolkit.io.outputs.os.replace", fail)
    with pytest.raises(StoreError, match="history is unchanged"):
        append_history(path, draw_round(_people(4), read_history(path), seed=2,
                                        round_label="r2"), seed=2)
    assert sorted(tmp_path.iterdir()) == files
    assert [p.read_bytes() for p in files] == before


def _hold_lock(path, seconds: float, label: str | None = None) -> subprocess.Popen:
    """Another process that takes the history's lock (saving a round) and keeps it a while."""
    code = textwrap.dedent(f"""
        import sys, time
        import pandas as pd
        from toolkit.unmentoring.history import append_history, history_lock
        with history_lock({str(path)!r}):
            if {label!r}:
                append_history({str(path)!r}, pd.DataFrame({{
                    "round": [{label!r}] * 2, "group": [1, 1],
                    "email": ["p90@example.org", "p91@example.org"]}}), seed=1)
            print("locked", flush=True)
            time.sleep({seconds})
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_waits_then_stops_with_a_message(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    monkeypatch.setattr("toolkit.unmentoring.history.LOCK_TIMEOUT", 0.3)
    holder = _hold_lock(path, 3)
    try:
        with pytest.raises(StoreError, match="being written by another draw") as info:
            append_history(path, draw_round(_people(4), seed=1, round_label="r1"), seed=1)
        assert "nothing was changed" in str(info.value)
        assert not path.exists()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    # The lock dies with its holder: a killed process never leaves the history locked.
    append_history(path, draw_round(_people(4), seed=1, round_label="r1"), seed=1)
    assert not lock_path(path).exists()


def test_concurrent_writers_never_lose_a_round(tmp_path, monkeypatch):
    path = tmp_path / "history.csv"
    monkeypatch.setattr("toolkit.unmentoring.history.LOCK_TIMEOUT", 20)
    holder = _hold_lock(path, 0.5, label="theirs")
    started = time.monotonic()
    append_history(path, draw_round(_people(4), seed=1, round_label="ours"), seed=1)
    assert time.monotonic() - started > 0.2  # it waited for the other writer
    assert holder.wait() == 0
    holder.stdout.close()
    assert round_labels(read_history(path)) == ["theirs", "ours"]
    assert read_rounds_log(path)["round"].tolist() == ["theirs", "ours"]


def test_a_round_drawn_before_another_was_saved_is_refused(tmp_path):
    path = tmp_path / "history.csv"
    people = _people(6)
    append_history(path, draw_round(people, seed=1, round_label="r1"), seed=1)
    stale = draw_round(people, seed=2, round_label="r2")  # drawn without knowing r1
    with pytest.raises(LifecycleError, match=r"changed since this round was drawn.*'r1'"):
        save_round(stale, 2, history=path, known_rounds=[])
    assert round_labels(read_history(path)) == ["r1"]
    with history_lock(path), history_lock(path):  # re-entrant in one process
        save_round(draw_round(people, read_history(path), seed=2, round_label="r2"), 2,
                   history=path, known_rounds=["r1"])
    assert round_labels(read_history(path)) == ["r1", "r2"]


def _trio(draw: pd.DataFrame) -> list[str]:
    sizes = draw.groupby("group")["email"].transform("size")
    return sorted(draw.loc[sizes == 3, "email"])


def test_trio_place_goes_round_with_five_people():
    people = _people(5)
    history = None
    turns = dict.fromkeys(people["email"], 0)
    for r in range(4):
        draw = draw_round(people, history, seed=r, round_label=f"r{r}")
        trio = _trio(draw)
        # Whoever has been in a trio least comes first: nobody joins it a second time while
        # someone left out of it has been in fewer.
        assert max(turns[e] for e in trio) <= min(turns[e] for e in turns if e not in trio)
        for e in trio:
            turns[e] += 1
        history = draw if history is None else pd.concat([history, draw])
    assert max(turns.values()) - min(turns.values()) <= 1
    assert sorted(turns.values()) == [2, 2, 2, 3, 3]


def _all_draws(n: int):
    """Every way to put people 0..n-1 (n odd) into pairs and one trio."""
    def pairings(rest):
        if not rest:
            yield []
            return
        first = rest[0]
        for k in range(1, len(rest)):
            for more in pairings(rest[1:k] + rest[k + 1:]):
                yield [(first, rest[k]), *more]
    for trio in combinations(range(n), 3):
        rest = [i for i in range(n) if i not in trio]
        for pairs in pairings(rest):
            yield trio, pairs


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.sampled_from([5, 7, 9]), rounds=st.integers(2, 4),
       seed=st.integers(0, 10_000), depts=st.lists(st.integers(0, 3), min_size=9,
                                                   max_size=9))
def test_trio_rotation_property(n, rounds, seed, depts):
    """The property proved, round by round, for a small scheme with no locks or exclusions.

    Order every possible draw (pairs and one trio) by (has a repeat at all, the trio's total
    of earlier trio turns, its number of repeats). The draw made is first in that order. So
    if a repeat-free draw exists the draw is repeat-free, with a trio of the fewest turns
    among those; if none exists, the trio has the fewest turns of all, and among those the
    draw has the fewest repeats. Consequence checked too: whenever a repeat-free draw with a
    trio of the three fewest turns exists, nobody joins the trio while someone left out has
    been in fewer trios (so nobody is in one twice before everyone has been in one once).
    """
    people = _people(n, depts=depts[:n])
    emails = people["email"].tolist()
    history = None
    turns = np.zeros(n, dtype=int)
    for r in range(rounds):
        draw = draw_round(people, history, seed=seed + r, round_label=f"r{r}")
        met = _met(history) if history is not None else set()
        best = None
        for trio, pairs in _all_draws(n):
            links = [(trio[0], trio[1]), (trio[0], trio[2]), (trio[1], trio[2]), *pairs]
            repeats = sum(frozenset((emails[a], emails[b])) in met for a, b in links)
            key = (repeats > 0, int(turns[list(trio)].sum()), repeats)
            best = key if best is None or key < best else best
        trio = [emails.index(e) for e in _trio(draw)]
        repeats = len(repeat_pairs(draw, history)) if history is not None else 0
        assert (repeats > 0, int(turns[trio].sum()), repeats) == best
        fewest = int(np.sort(turns)[:3].sum())
        if best[:2] == (False, fewest):
            left_out = [i for i in range(n) if i not in trio]
            assert turns[trio].max() <= turns[left_out].min()
        turns[trio] += 1
        history = draw if history is None else pd.concat([history, draw])


def _large_scheme(n: int, depts: int, largest: float, rounds: int, seed: int):
    """A random scheme of n people (one department holding about ``largest`` of them), about
    5% paused, and ``rounds`` earlier random rounds that include a few people who have left."""
    rng = np.random.default_rng(seed)
    share = np.r_[[largest], np.full(depts - 1, (1 - largest) / max(depts - 1, 1))]
    share = share[:depts] / share[:depts].sum()
    people = pd.DataFrame({
        "email": [f"p{i:05d}@example.org" for i in range(n)],
        "department": [f"Dept {d}" for d in rng.choice(depts, n, p=share)],
        "paused": rng.random(n) < 0.05,
    })
    emails = np.array([*people["email"], *(f"gone{i}@example.org" for i in range(n // 20))])
    frames = []
    for r in range(rounds):
        who = rng.permutation(emails)[: len(emails) - rng.integers(0, len(emails) // 5)]
        group = np.arange(len(who)) // 2 + 1
        if len(who) % 2:
            group[-1] = group[-2]
        frames.append(pd.DataFrame({"round": f"r{r}", "group": group, "email": who}))
    return people, (pd.concat(frames, ignore_index=True) if frames else None)


def _cross_share(draw: pd.DataFrame, people: pd.DataFrame) -> tuple[float, float]:
    """The share of pairs (inside groups) from different departments, as the statistics and
    the benchmark report it, and the best share possible.

    With an even count the best is min(pairs, people - largest department) / pairs. With an
    odd count the trio holds three pairs: with k of its members from the largest department
    it has at most 3, 2, 2, 0 pairs across (k = 0..3), and the other pairs at most one each
    per remaining person from the other departments.
    """
    share = draw_statistics(draw, people).set_index("measure")["value"][
        "pairs of colleagues from different departments (%)"]
    n = len(draw)
    largest = int(draw["email"].map(dict(zip(people["email"], people["department"],
                                                 strict=True))).value_counts().max())
    others = n - largest
    if n % 2 == 0:
        return float(share), 100 * min(n // 2, others) / (n // 2)
    pairs = (n - 3) // 2
    best = max(trio + min(pairs, others - (3 - k))
               for k, trio in enumerate((3, 2, 2, 0)) if others >= 3 - k and largest >= k)
    return float(share), 100 * best / (pairs + 3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(200, 2000), depts=st.integers(2, 12),
       largest=st.sampled_from([0.1, 0.3, 0.5, 0.6, 0.8]), rounds=st.integers(0, 6),
       seed=st.integers(0, 2**31))
def test_fast_draw_on_large_schemes_keeps_every_guarantee(n, depts, largest, rounds, seed):
    """The sampled fast method on schemes of 200-2,000 people with some history.

    Nobody is drawn twice and everyone active is drawn; there is no repeat, and a repeat-free
    draw always exists here: each person has met at most 2 x 6 others, so everyone can still
    meet more than half of the rest, and then (Dirac) the people can be put in a ring of new
    pairs. The groups mixing departments reach the bound min(groups, people - largest
    department) within one percentage point of the groups.
    """
    people, history = _large_scheme(n, depts, largest, rounds, seed)
    draw = draw_round(people, history, seed=seed, round_label="new", method="fast")
    active = people.loc[~people["paused"], "email"]
    assert sorted(draw["email"]) == sorted(active)
    sizes = sorted(draw.groupby("group").size())
    assert sizes == [2] * (len(active) // 2 - 1) + [2 + len(active) % 2]
    if history is not None:
        assert len(repeat_pairs(draw, history)) == 0
    share, bound = _cross_share(draw, people)
    assert share >= bound - 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(12, 40), rounds=st.integers(2, 12), seed=st.integers(0, 2**31))
def test_sampled_fast_draw_avoids_repeats_whenever_the_exact_draw_does(n, rounds, seed):
    """With sampling forced on a small scheme (so the exact method can be run beside it), the
    fast method makes no repeat whenever the exact method shows that none is needed (swaps
    alone cannot always undo a repeat: the pairs still repeated are re-paired exactly)."""
    people, history = _large_scheme(n, 4, 0.4, rounds, seed)
    exact = draw_round(people, history, seed=seed, round_label="new", method="exact")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("toolkit.unmentoring.draw.FAST_DENSE", 2)
        patch.setattr("toolkit.unmentoring.draw.FAST_CANDIDATES", 4)
        fast = draw_round(people, history, seed=seed, round_label="new", method="fast")
    assert sorted(fast["email"]) == sorted(exact["email"])
    if len(repeat_pairs(exact, history)) == 0:
        assert len(repeat_pairs(fast, history)) == 0
