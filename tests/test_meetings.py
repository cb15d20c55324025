"""Meeting import and recording: every bad row reported with its row number, none dropped."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli.main import main
from toolkit.demo.sample import SAMPLE_TODAY, sample_store
from toolkit.errors import InputFileError, RowProblemsError
from toolkit.io.readers import Table, read_table
from toolkit.relationships.changes import pair_events, withdraw_pair
from toolkit.relationships.meetings import (
    BAD_CANCELLED_BY,
    BAD_STATUS,
    EMPTY_DATE,
    HELD_AND_CANCELLED,
    NO_PAIR_NAMED,
    NOT_A_DATE,
    UNKNOWN_PAIR_EMAILS,
    UNKNOWN_PAIR_NUMBER,
    after_end_message,
    before_start_message,
    future_date_message,
    no_pair_columns_message,
    read_meetings,
    record_meeting,
    save_meetings,
    validate_meetings,
)
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs

from .relationship_helpers import make_store

TODAY = "2027-03-01"


@pytest.fixture
def store(tmp_path):
    with make_store(tmp_path) as opened:
        yield opened


def write(tmp_path, text, name="meetings.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_kind_of_bad_row_is_reported_with_its_spreadsheet_row(store, tmp_path):
    path = write(tmp_path, (
        "Mentee email,Mentor email,Date of meeting,Did the meeting take place?,Cancelled by\n"
        "mentee.one@example.org,mentor.one@example.org,20/10/2026,Yes,\n"          # 2 fine
        "mentee.one@example.org,mentor.two@example.org,21/10/2026,Yes,\n"          # 3 no pair
        "\n"                                                                       # 4 blank
        "MENTEE.TWO@example.org,mentor.two@example.org,2027-04-01,Yes,\n"          # 5 future
        "mentee.two@example.org,mentor.two@example.org,15/09/2026,Yes,\n"          # 6 too early
        "mentee.two@example.org,mentor.two@example.org,31/02/2027,Yes,\n"          # 7 not a date
        "mentee.two@example.org,mentor.two@example.org,,Yes,\n"                    # 8 no date
        "mentee.two@example.org,mentor.two@example.org,01/11/2026,Perhaps,\n"      # 9 status
        "mentee.two@example.org,mentor.two@example.org,02/11/2026,No,the cat\n"    # 10 who
        "mentee.two@example.org,mentor.two@example.org,03/11/2026,Yes,Mentor\n"    # 11 both
        ",,04/11/2026,Yes,\n"                                                      # 12 no pair
        "mentee.three@example.org,mentor.one@example.org,05/11/2026,No,Mentee\n"   # 13 fine
    ))
    result = read_meetings(path, store, today=TODAY)
    assert result.problems[["row", "field"]].to_numpy().tolist() == [
        [3, "mentee_email"], [5, "date"], [6, "date"], [7, "date"], [8, "date"],
        [9, "status"], [10, "cancelled_by"], [11, "cancelled_by"], [12, "pair_id"]]
    problems = result.problems.set_index("row")["problem"]
    assert problems.to_dict() == {
        3: UNKNOWN_PAIR_EMAILS, 5: future_date_message(TODAY),
        6: before_start_message(pd.Series(["2026-10-01"])).iloc[0], 7: NOT_A_DATE,
        8: EMPTY_DATE, 9: BAD_STATUS, 10: BAD_CANCELLED_BY, 11: HELD_AND_CANCELLED,
        12: NO_PAIR_NAMED}
    assert result.problems.set_index("row").loc[3, "value"] == (
        "mentee.one@example.org / mentor.two@example.org")
    assert result.meetings[["row", "pair_id", "on_date", "status", "cancelled_by"]
                           ].to_numpy().tolist() == [
        [2, 1, "2026-10-20", "held", ""], [13, 3, "2026-11-05", "cancelled", "mentee"]]
    # Nothing is dropped: every data row is either good or has a problem.
    assert set(result.meetings["row"]) | set(result.problems["row"]) == set(range(2, 14)) - {4}
    with pytest.raises(RowProblemsError, match="9 problem"):
        result.raise_for_problems()


def test_pairs_can_be_named_by_number_and_meetings_after_a_withdrawal_are_refused(
        store, tmp_path):
    withdraw_pair(store, 2, "2026-12-01", by="mentee", reason="other")
    path = write(tmp_path, "Pair,Date,Status\n1,2026-11-02,held\n2,2026-11-20,held\n"
                           "2,2026-12-05,held\n42,2026-11-02,held\nx,2026-11-02,held\n")
    result = read_meetings(path, store, today=TODAY)
    assert result.problems[["row", "field"]].to_numpy().tolist() == [
        [4, "date"], [5, "pair_id"], [6, "pair_id"]]
    assert result.problems["problem"].tolist() == [
        after_end_message(pd.Series(["2026-12-01"])).iloc[0], UNKNOWN_PAIR_NUMBER,
        UNKNOWN_PAIR_NUMBER]
    assert result.meetings["pair_id"].tolist() == [1, 2]


def test_xlsx_exports_with_real_dates_are_read(store, tmp_path):
    path = tmp_path / "meetings.xlsx"
    pd.DataFrame({"Pair number": [1, 3],
                  "Meeting date": pd.to_datetime(["2026-10-21", "2026-11-30"]),
                  "Outcome": ["Held", "Cancelled"], "Who cancelled": ["", "Mentor"]}
                 ).to_excel(path, index=False)
    result = read_meetings(path, store, today=TODAY)
    assert result.ok
    assert result.meetings[["pair_id", "on_date", "status", "cancelled_by"]
                           ].to_numpy().tolist() == [
        [1, "2026-10-21", "held", ""], [3, "2026-11-30", "cancelled", "mentor"]]


def test_a_file_that_does_not_name_pairs_is_refused(store, tmp_path):
    with pytest.raises(InputFileError) as unnamed:
        read_meetings(write(tmp_path, "Mentee email,Date\na@example.org,2026-10-20\n"),
                      store, today=TODAY)
    assert str(unnamed.value) == no_pair_columns_message("meetings.csv",
                                                         ["Mentee email", "Date"])
    with pytest.raises(InputFileError, match=r"no column for the required field\(s\) \['date'\]"):
        read_meetings(write(tmp_path, "Pair,When exactly\n1,2026-10-20\n"), store, today=TODAY)


def test_saving_confirms_first_meetings_and_reimporting_adds_nothing(store, tmp_path):
    path = write(tmp_path, "Pair,Date,Held\n1,2026-11-02,no\n1,2026-11-20,yes\n"
                           "1,2026-12-20,yes\n2,2026-11-03,no\n")
    assert save_meetings(store, read_meetings(path, store, today=TODAY)) == 4
    statuses = load_pairs(store).set_index("id")["status"]
    assert statuses.to_dict() == {1: "active", 2: "proposed", 3: "proposed"}
    activation = pair_events(store, [1]).iloc[-1]
    assert (activation["to_status"], activation["on_date"]) == ("active", "2026-11-20")
    again = read_meetings(path, store, today=TODAY)
    assert again.ok and again.already_recorded == 4 and again.meetings.empty
    assert save_meetings(store, again) == 0
    assert len(load_meetings(store)) == 4


def test_month_first_dates_are_read_only_when_asked(store, tmp_path, capsys):
    path = write(tmp_path, "Pair,Date\n1,11/05/2026\n2,01/15/2027\n3,15/01/2027\n")
    day_first = read_meetings(path, store, today=TODAY)
    assert day_first.meetings[["pair_id", "on_date"]].to_numpy().tolist() == [
        [3, "2027-01-15"]]
    assert day_first.problems[["row", "problem"]].to_numpy().tolist() == [
        [2, before_start_message(pd.Series(["2026-10-01"])).iloc[0]], [3, NOT_A_DATE]]
    month_first = read_meetings(path, store, today=TODAY, month_first=True)
    assert month_first.meetings[["pair_id", "on_date"]].to_numpy().tolist() == [
        [1, "2026-11-05"], [2, "2027-01-15"]]
    assert month_first.problems[["row", "problem"]].to_numpy().tolist() == [[4, NOT_A_DATE]]
    store.close()
    code = main(["meetings", "import", str(path), "--store", str(tmp_path / "scheme.sqlite"),
                 "--today", TODAY, "--month-first", "--dry-run"])
    assert code == 1
    assert "2 meeting(s) would be recorded (dry run)" in capsys.readouterr().out


def test_recording_one_meeting_uses_the_same_checks(store):
    assert record_meeting(store, 1, "2026-11-02", today=TODAY) == 1
    assert record_meeting(store, 1, "2026-11-02", today=TODAY) == 0
    with pytest.raises(RowProblemsError, match=re.escape(future_date_message(TODAY))):
        record_meeting(store, 1, "2027-03-02", today=TODAY)
    with pytest.raises(RowProblemsError, match=re.escape(UNKNOWN_PAIR_NUMBER)):
        record_meeting(store, 7, "2026-11-02", today=TODAY)
    assert len(load_meetings(store)) == 1


def test_sample_meetings_import_cleanly_against_the_sample_pairs(sample_dir, tmp_path):
    with sample_store(tmp_path / "s.sqlite", sample_dir) as store:
        result = read_meetings(sample_dir / "meetings.csv", store, today=SAMPLE_TODAY)
        assert result.ok
        assert result.meetings["row"].tolist() == read_table(
            sample_dir / "meetings.csv").rows.tolist()
        broken = read_meetings(sample_dir / "meetings_with_problems.csv", store,
                               today=SAMPLE_TODAY)
        assert sorted(broken.problems["field"].unique()) == ["date", "mentee_email", "status"]


def test_a_dry_run_records_nothing_and_leaves_the_store_as_it_was(store, tmp_path, capsys):
    store.close()
    path = write(tmp_path, "Pair,Date\n1,2026-11-02\n2,2026-11-03\n")
    stored = tmp_path / "scheme.sqlite"
    before = stored.read_bytes()
    assert main(["meetings", "import", str(path), "--store", str(stored), "--today", TODAY,
                 "--dry-run"]) == 0
    assert "2 meeting(s) would be recorded (dry run), no problems" in capsys.readouterr().out
    assert stored.read_bytes() == before


def test_notes_may_have_line_breaks_but_no_control_characters(store, tmp_path):
    path = write(tmp_path, 'Pair,Date,Note\n1,2026-11-02,"went well\nnext: January"\n'
                           "2,2026-11-03,odd\x07note\n")
    result = read_meetings(path, store, today=TODAY)
    assert result.meetings["note"].tolist() == ["went well\nnext: January"]
    assert result.problems[["row", "field"]].to_numpy().tolist() == [[3, "note"]]
    assert "U+0007" in result.problems["problem"].iloc[0]


def test_cli_imports_meetings_and_reports_problems(store, tmp_path, capsys):
    store.close()
    path = write(tmp_path, "Pair,Date\n1,2026-11-02\n9,2026-11-02\n")
    problems = tmp_path / "problems.csv"
    code = main(["meetings", "import", str(path), "--store", str(tmp_path / "scheme.sqlite"),
                 "--today", TODAY, "--problems-out", str(problems)])
    out = capsys.readouterr().out
    assert code == 1
    assert "1 meeting(s) recorded" in out and "no pair with this number" in out
    assert pd.read_csv(problems)["row"].tolist() == [3]
    code = main(["meetings", "import", str(path), "--store", str(tmp_path / "nope.sqlite")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


ROW_VALUES = st.tuples(
    st.sampled_from(["1", "2", "3", "9", "", "x"]),
    st.sampled_from(["2026-10-20", "20/11/2026", "2030-01-01", "2026-01-01", "31/02/2027", "",
                     "soon"]),
    st.sampled_from(["held", "Yes", "cancelled", "No", "", "Maybe"]),
    st.sampled_from(["", "mentee", "Mentor", "the dog"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW_VALUES, min_size=1, max_size=12))
def test_every_row_is_either_recorded_or_reported(rows):
    pairs = pd.DataFrame({"pair_id": [1, 2, 3], "mentee_email": ["a", "b", "c"],
                          "mentor_email": ["d", "e", "f"], "status": "active",
                          "start": "2026-10-01", "finished_on": [None, None, "2026-12-01"]})
    table = Table(data=pd.DataFrame(rows, columns=["Pair", "Date", "Status", "Cancelled by"],
                                    dtype="string"),
                  rows=pd.Series(range(2, len(rows) + 2), dtype="int64"),
                  headers=["Pair", "Date", "Status", "Cancelled by"], source="x.csv", sha256="")
    result = validate_meetings(table, pairs, today=TODAY)
    good, bad = set(result.meetings["row"]), set(result.problems["row"])
    assert not good & bad
    assert good | bad <= set(range(2, len(rows) + 2))
    assert (result.meetings["on_date"] <= TODAY).all()
    assert (result.meetings["on_date"] >= "2026-10-01").all()
    assert result.meetings["status"].isin(["held", "cancelled"]).all()
    # A row in neither list can only be a repeat of a good row of the same file.
    missing = set(range(2, len(rows) + 2)) - good - bad
    assert not missing or good
    assert len(result.meetings) == len(result.meetings.drop_duplicates(
        ["pair_id", "on_date", "status"]))
