"""``match --store F --save``: a year scripted from the command line, through the store."""

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs


@pytest.fixture
def store(sample_dir, tmp_path):
    path = tmp_path / "scheme.sqlite"
    assert main(["import", str(sample_dir / "signups.csv"), "--store", str(path)]) == 0
    return path


def test_pairs_the_saved_signups_and_saves_them_as_proposed(store, tmp_path, capsys):
    assert main(["match", "--store", str(store), "--save", "--out", str(tmp_path / "o")]) == 0
    written = pd.read_csv(tmp_path / "o" / "pairs.csv", dtype=str)
    with Store(store, read_only=True) as s:
        saved = load_pairs(s, scheme="mentoring")
    assert len(saved) == len(written) > 100
    assert set(saved["status"]) == {"proposed"} and set(saved["cohort"]) == {"2026"}
    assert set(zip(saved["mentee_email"], saved["mentor_email"], strict=True)) == set(
        zip(written["mentee_email"], written["mentor_email"], strict=True))
    assert "Saved" in capsys.readouterr().out


def test_saving_again_keeps_the_running_pairs_and_adds_none(store):
    assert main(["match", "--store", str(store), "--save"]) == 0
    assert main(["match", "--store", str(store), "--save"]) == 0
    with Store(store, read_only=True) as s:
        saved = load_pairs(s, scheme="mentoring")
    assert saved["mentee_email"].is_unique


def test_the_same_pairs_as_from_the_export(store, sample_dir, tmp_path):
    assert main(["match", "--store", str(store), "--out", str(tmp_path / "a")]) == 0
    assert main(["match", str(sample_dir / "signups.csv"), "--out", str(tmp_path / "b")]) == 0
    a, b = (pd.read_csv(tmp_path / d / "pairs.csv", dtype=str) for d in "ab")
    cols = ["mentee_email", "mentor_email"]
    a, b = (f[cols].sort_values(cols).to_numpy().tolist() for f in (a, b))
    assert a == b


@pytest.mark.parametrize("argv, needs", [
    (["match", "--save", "--out", "o"], "--store"),
    (["match", "--store", "s.sqlite"], "--out"),
])
def test_missing_arguments_are_named(argv, needs, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert needs in capsys.readouterr().err
    assert not (tmp_path / "s.sqlite").exists()


def test_a_cohort_with_nothing_saved_exits_2_saying_how_to_save_it(store, capsys):
    assert main(["match", "--store", str(store), "--save", "--cohort", "2031"]) == 2
    assert "toolkit import" in capsys.readouterr().err


def test_the_forms_other_answers_come_back_from_the_store(tmp_path, sample_dir):
    """A mentee's named mentor and "not paired with" answer survive the store (hard rule)."""
    signups = pd.read_csv(sample_dir / "signups.csv", dtype=str)
    mentee = signups[signups["Role"] == "mentee"].iloc[0]
    first = tmp_path / "first"
    assert main(["match", str(sample_dir / "signups.csv"), "--out", str(first)]) == 0
    given = pd.read_csv(first / "pairs.csv", dtype=str).set_index("mentee_email")
    mentor = given.loc[mentee["Email address"], "mentor_email"]
    signups["not_paired_with"] = ""
    signups.loc[signups["Email address"] == mentee["Email address"], "not_paired_with"] = mentor
    source = tmp_path / "signups.csv"
    signups.to_csv(source, index=False)
    store = tmp_path / "scheme.sqlite"
    assert main(["import", str(source), "--store", str(store)]) == 0
    assert main(["match", "--store", str(store), "--out", str(tmp_path / "o")]) == 0
    again = pd.read_csv(tmp_path / "o" / "pairs.csv", dtype=str).set_index("mentee_email")
    assert again.loc[mentee["Email address"], "mentor_email"] != mentor
