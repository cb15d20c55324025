"""A lead's list of people who withdrew: checked row by row, their running pairs end."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.demo.sample import sample_store
from toolkit.errors import InputFileError
from toolkit.io.readers import read_table
from toolkit.relationships.changes import pair_events
from toolkit.relationships.withdrawals import (
    NO_PAIR,
    read_withdrawals,
    reason_category,
    save_withdrawals,
)
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs
from toolkit.widgets.relationships import WithdrawalImportPanel

TODAY = "2027-07-01"
SECRET = "Private words about a manager"


@pytest.fixture
def scheme(tmp_path, sample_dir):
    """The sample scheme's store, a mentee in one pair only, and a mentor of two mentees."""
    path = tmp_path / "scheme.sqlite"
    sample_store(path, sample_dir).close()
    with Store(path, read_only=True) as store:
        pairs = load_pairs(store)
    counts = pairs["mentor_email"].value_counts()
    mentor = counts.index[counts >= 2][0]
    sides = pd.concat([pairs["mentee_email"], pairs["mentor_email"]])
    once = set(sides[~sides.duplicated(keep=False)])
    mentee = pairs.loc[pairs["mentee_email"].isin(once) & (pairs["mentor_email"] != mentor),
                       "mentee_email"].iloc[0]
    return path, mentee, mentor, pairs


def _list(folder: Path, rows: list[str]) -> Path:
    path = folder / "withdrawals.csv"
    path.write_text("E-mail,Date withdrawn,Reason\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_everyone_on_the_list_leaves_every_running_pair(scheme, tmp_path):
    path, mentee, mentor, pairs = scheme
    listed = _list(tmp_path, [f"{mentee.upper()},05/12/2026,Changed JOB or role",
                              f'{mentor},2026-12-10,"{SECRET}\nsecond line"'])
    with Store(path) as store:
        result = read_withdrawals(listed, store, today=TODAY)
        assert result.ok and result.people == 2
        both = {mentee, mentor}  # on either side of a pair (a person may be both)
        mine = pairs[pairs["mentee_email"].isin(both) | pairs["mentor_email"].isin(both)]
        assert sorted(result.withdrawals["pair_id"]) == sorted(mine["id"])
        ended = save_withdrawals(store, result)
        after = load_pairs(store).set_index("id")
        assert sorted(ended) == sorted(mine["id"])
        assert (after.loc[ended, "status"] == "withdrawn").all()
        assert (after.drop(index=ended)["status"] == "proposed").all()  # nobody else
        events = pair_events(store, ended)
        last = events[events["to_status"] == "withdrawn"].set_index("pair_id")
        first = int(mine.loc[mine["mentee_email"] == mentee, "id"].iloc[0])
        assert last.loc[first, "reason"] == "changed job or role"
        assert last.loc[first, "note"] == "by=mentee"
        other = int(mine.loc[mine["mentor_email"] == mentor, "id"].iloc[0])
        assert last.loc[other, "reason"] == "other"
        assert last.loc[other, "note"] == f"by=mentor; {SECRET}\nsecond line"
        # The same list again changes nothing and says so.
        again = read_withdrawals(listed, store, today=TODAY)
        assert again.withdrawals.empty and again.already_recorded == 2
        assert save_withdrawals(store, again) == []


def test_problem_rows_name_the_row_and_column_and_end_nothing(scheme, tmp_path):
    path, mentee, mentor, _ = scheme
    listed = _list(tmp_path, [
        f"{mentee},05/12/2026,",                    # 2: fine
        "nobody@example.org,05/12/2026,",           # 3: not in a pair
        f"{mentor},2027-09-01,",                    # 4: in the future
        f"{mentor},someday,",                       # 5: not a date (and a repeat)
        f"{mentor[:2]}\u200b{mentor[2:]},05/12/2026,",  # 6: a look-alike address
        f"{mentor},05/12/2026,bad\x07reason",       # 7: a control character
        ",05/12/2026,",                             # 8: no address
        f"{mentor},01/01/2020,",                    # 9: before the pair started
    ])
    with Store(path, read_only=True) as store:
        result = read_withdrawals(listed, store, today=TODAY)
    found = result.problems.groupby("row")["field"].apply(list).to_dict()
    assert found[3] == ["email"] and NO_PAIR in result.problems["problem"].tolist()
    assert found[4] == ["date"] and found[5] == ["email", "date"]
    assert found[6] == ["email"] and found[7] == ["email", "reason"]
    assert found[8] == ["email"] and found[9] == ["email", "date"]
    assert 2 not in found
    assert result.withdrawals["row"].unique().tolist() == [2]
    text = result.problems.set_index("row")["problem"]
    assert "invisible character" in text[6]
    assert "before their pair started" in " ".join(result.problems.loc[
        result.problems["row"] == 9, "problem"])


def test_a_list_without_an_email_or_date_column_is_refused(scheme, tmp_path):
    path, *_ = scheme
    listed = tmp_path / "w.csv"
    listed.write_text("Name,When\nAda,2026-12-01\n", encoding="utf-8")
    with Store(path, read_only=True) as store, pytest.raises(InputFileError, match="email"):
        read_withdrawals(listed, store, today=TODAY)


def test_reason_categories_and_private_notes():
    category, note = reason_category(pd.Series(["HEALTH OR PERSONAL", "moved", ""]))
    assert category.tolist() == ["health or personal", "other", "other"]
    assert note.tolist() == ["", "moved", ""]


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(argv)
    return code, out.getvalue()


def test_the_command_exit_statuses_and_dry_run(scheme, tmp_path):
    path, mentee, mentor, _ = scheme
    clean = _list(tmp_path, [f"{mentee},05/12/2026,workload or time"])
    before = path.read_bytes()
    code, said = _run(["withdrawals", "import", str(clean), "--store", str(path), "--today",
                       TODAY, "--dry-run"])
    assert code == 0 and "1 pair(s) would end as withdrawn (dry run)" in said
    assert path.read_bytes() == before  # a dry run never changes the store
    code, said = _run(["withdrawals", "import", str(clean), "--store", str(path), "--today",
                       TODAY])
    assert code == 0 and "1 person(s) withdrew; 1 pair(s) ended as withdrawn" in said
    (tmp_path / "more").mkdir()
    bad = _list(tmp_path / "more", [f"{mentor},05/12/2026,", "nobody@example.org,05/12/2026,"])
    problems = tmp_path / "problems.csv"
    code, said = _run(["withdrawals", "import", str(bad), "--store", str(path), "--today",
                       TODAY, "--problems-out", str(problems)])
    assert code == 1 and "1 row(s) have 1 problem(s)" in said
    assert read_table(problems).data["row"].tolist() == ["3"]
    code, said = _run(["withdrawals", "import", str(bad), "--store",
                       str(tmp_path / "missing.sqlite")])
    assert code == 2 and "does not exist" in said


def test_free_text_reasons_are_never_published(scheme, tmp_path):
    path, mentee, _, _ = scheme
    listed = _list(tmp_path, [f"{mentee},05/12/2026,{SECRET}"])
    assert _run(["withdrawals", "import", str(listed), "--store", str(path), "--today",
                 TODAY])[0] == 0
    code, said = _run(["report", "--store", str(path), "--out", str(tmp_path / "report"),
                       "--quiet"])
    assert code == 0, said
    for written in (tmp_path / "report").rglob("*"):
        if written.is_file():
            assert SECRET.encode() not in written.read_bytes(), written.name


def test_the_panel_checks_at_once_and_records_on_the_button(scheme, tmp_path):
    path, mentee, _, _ = scheme
    listed = _list(tmp_path, [f"{mentee},05/12/2026,", "nobody@example.org,05/12/2026,"])
    with Store(path) as store:
        panel = WithdrawalImportPanel(store, listed, TODAY)
        assert panel.result.withdrawals["email"].tolist() == [mentee]
        assert panel.last_message[0] == "warning"
        assert (load_pairs(store)["status"] == "proposed").all()  # nothing yet
        ended = panel.save()
        assert len(ended) == 1 and panel.ended == ended
        assert load_pairs(store).set_index("id").loc[ended[0], "status"] == "withdrawn"
        assert "1 row(s) with problems were not recorded" in panel.last_message[1]
        assert panel.result.withdrawals.empty  # read again: nothing left to record
        empty = WithdrawalImportPanel(store, None, TODAY)
        assert empty.button.disabled and empty.save() == []
