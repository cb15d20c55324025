"""``python -m toolkit import``: sign-ups checked, then saved in the scheme store (or not)."""

import pytest

from toolkit.cli.main import main
from toolkit.intake.signups import read_signups
from toolkit.store.connection import Store
from toolkit.store.people import load_cohorts, load_people


def test_import_saves_every_clean_signup_under_the_cohort(capsys, sample_dir, tmp_path):
    store = tmp_path / "scheme" / "scheme.sqlite"
    assert main(["import", str(sample_dir / "signups.csv"), "--store", str(store),
                 "--cohort", "2027"]) == 0
    expected = read_signups(sample_dir / "signups.csv").people
    with Store(store, read_only=True) as s:
        saved = load_people(s, "2027")
        assert load_cohorts(s) == ["2027"]
    assert sorted(saved["email"]) == sorted(expected["email"])
    assert "Saved 160 sign-up(s) of cohort 2027" in capsys.readouterr().out


def test_import_of_a_mapped_form_export(sample_dir, tmp_path):
    store = tmp_path / "scheme.sqlite"
    assert main(["import", str(sample_dir / "signups_forms.xlsx"), "--store", str(store),
                 "--mapping", str(sample_dir / "signups_forms_mapping.json")]) == 0
    with Store(store, read_only=True) as s:
        assert len(load_people(s, "2026")) > 0


def test_row_problems_exit_1_and_nothing_is_saved(capsys, sample_dir, tmp_path):
    store = tmp_path / "scheme.sqlite"
    Store(store).close()  # a scheme that already exists
    before = store.read_bytes()
    assert main(["import", str(sample_dir / "signups_with_problems.csv"),
                 "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert "nothing was saved" in err and "row" in err
    assert store.read_bytes() == before


def test_skip_invalid_saves_the_clean_rows_and_lists_the_others(capsys, sample_dir, tmp_path):
    source = sample_dir / "signups_with_problems.csv"
    checked = read_signups(source)
    store = tmp_path / "scheme.sqlite"
    assert main(["import", str(source), "--store", str(store), "--skip-invalid"]) == 0
    out = capsys.readouterr().out
    with Store(store, read_only=True) as s:
        saved = load_people(s, "2026")
    assert sorted(saved["email"]) == sorted(checked.people["email"])
    for row in checked.problems["row"].unique():
        assert str(int(row)) in out
    assert "NOT saved" in out


@pytest.mark.parametrize("make", ["missing", "foreign"])
def test_unusable_input_exits_2_without_changing_anything(capsys, sample_dir, tmp_path, make):
    store = tmp_path / "scheme.sqlite"
    source = sample_dir / "signups.csv"
    if make == "missing":
        source = tmp_path / "nope.csv"
    else:
        store.write_bytes(b"not a database at all, but a lead's notes")
    before = store.read_bytes() if store.exists() else None
    assert main(["import", str(source), "--store", str(store)]) == 2
    assert "Error:" in capsys.readouterr().err
    assert (store.read_bytes() if store.exists() else None) == before


def test_importing_again_replaces_the_cohort_signup_not_the_people(sample_dir, tmp_path):
    store = tmp_path / "scheme.sqlite"
    for _ in range(2):
        assert main(["import", str(sample_dir / "signups.csv"), "--store", str(store)]) == 0
    with Store(store, read_only=True) as s:
        people = load_people(s, "2026")
    assert people["email"].is_unique
    assert len(people) == 160
