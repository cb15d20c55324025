"""The UnMentoring draw on random rosters and histories; participants, history and store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
    history_summary,
    read_history,
    read_rounds_log,
    round_exists_message,
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
