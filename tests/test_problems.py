"""The shared row-problems machinery: building, ordering and raising."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from toolkit.coaching.requests import CoachingImport
from toolkit.errors import RowProblemsError
from toolkit.intake.signups import PROBLEM_COLUMNS as SIGNUP_PROBLEM_COLUMNS
from toolkit.intake.signups import SignupImport
from toolkit.io.problems import (
    PROBLEM_COLUMNS,
    ProblemReport,
    RowChecker,
    collect_problems,
    problem_rows,
)
from toolkit.io.readers import Table
from toolkit.relationships.meetings import MeetingImport

ROWS = pd.Series([2, 3, 4, 5])


def frame(rows, field, problem="p"):
    return pd.DataFrame({"row": rows, "field": field, "value": "", "problem": problem})


def test_signups_still_exports_the_problem_columns():
    assert SIGNUP_PROBLEM_COLUMNS is PROBLEM_COLUMNS
    assert PROBLEM_COLUMNS == ["row", "field", "value", "problem"]


def test_problem_rows_treats_missing_mask_values_as_no_problem():
    values = pd.Series(["a", None, "c", "d"], dtype="string")
    for mask in (pd.Series([pd.NA, True, False, pd.NA], dtype="boolean"),
                 pd.Series([None, True, False, np.nan], dtype=object)):
        found = problem_rows(ROWS, mask, "email", values, "Bad.")
        assert found.to_numpy().tolist() == [[3, "email", "", "Bad."]]


def test_problem_rows_with_no_problem_is_empty_with_the_columns():
    found = problem_rows(ROWS, pd.Series([pd.NA] * 4, dtype="boolean"), "email", ROWS, "Bad.")
    assert found.empty and list(found.columns) == PROBLEM_COLUMNS


def test_problem_rows_takes_one_message_per_row_and_array_masks_in_order():
    messages = pd.Series([f"m{i}" for i in range(4)])
    found = problem_rows(ROWS, np.array([True, False, False, True]), "grade", ROWS, messages)
    assert found.to_numpy().tolist() == [[2, "grade", "2", "m0"], [5, "grade", "5", "m3"]]


def test_collect_problems_sorts_by_row_then_field_order_stably():
    found = [frame([4, 2], "email", "first"), pd.DataFrame(columns=PROBLEM_COLUMNS),
             frame([4], "name"), frame([4], "email", "second"), frame([2], "unlisted")]
    problems = collect_problems(found, ("name", "email"))
    assert problems[["row", "field", "problem"]].to_numpy().tolist() == [
        [2, "email", "first"], [2, "unlisted", "p"], [4, "name", "p"],
        [4, "email", "first"], [4, "email", "second"]]
    assert problems["row"].dtype == "int64"
    assert problems.index.tolist() == list(range(5))


def test_collect_problems_of_nothing_is_empty_with_int_rows():
    problems = collect_problems([frame([], "email")], ("email",))
    assert problems.empty and list(problems.columns) == PROBLEM_COLUMNS
    assert problems["row"].dtype == "int64"


@dataclass
class Result(ProblemReport):
    problems: pd.DataFrame
    source: str = "list.csv"
    fix_hint = "fix them."


def test_report_raises_with_every_problem_attached():
    problems = collect_problems([frame([3, 5], "email"), frame([3], "name")], ("name", "email"))
    result = Result(problems)
    assert not result.ok
    with pytest.raises(RowProblemsError) as info:
        result.raise_for_problems()
    assert str(info.value) == "'list.csv' has 3 problem(s) on 2 row(s): fix them."
    assert info.value.problems is problems


def test_report_without_problems_is_ok_and_does_not_raise():
    result = Result(pd.DataFrame(columns=PROBLEM_COLUMNS))
    assert result.ok
    result.raise_for_problems()
    assert "fix_hint" not in Result.__dataclass_fields__


@pytest.mark.parametrize(("kind", "hint"), [
    (SignupImport, "fix them in the spreadsheet and import it again, or leave those rows out "
                   "on purpose (--skip-invalid on the command line)."),
    (MeetingImport, "correct them and import the file again (meetings already recorded are "
                    "not duplicated)."),
    (CoachingImport, "fix them in the spreadsheet and import it again."),
])
def test_each_importer_keeps_its_own_message(kind, hint):
    assert issubclass(kind, ProblemReport) and kind.fix_hint == hint


def _checker(rows, multiline=()):
    frame = pd.DataFrame(rows, columns=["Name", "Email", "Note"], dtype="string")
    table = Table(frame, pd.Series(range(2, len(rows) + 2)), ["Name", "Email", "Note"],
                  "people.csv", "0" * 64)
    check = RowChecker(table, ("name", "email", "note"), ("name", "email"), kind="people",
                       multiline=multiline)
    check.emails("email")
    return check.problems()


@pytest.mark.parametrize(("cell", "column", "message"), [
    ("Ada\x00Byron", "Name", "U+0000"),
    ("Ada\rByron", "Name", "U+000D"),
    ("Ada\nByron", "Name", "U+000A"),
    ("\u202eAda", "Name", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("ada\u200b@example.org", "Email", "U+200B ZERO WIDTH SPACE"),
    ("ada\u2066@example.org", "Email", "U+2066 LEFT-TO-RIGHT ISOLATE"),
])
def test_hidden_and_control_characters_are_row_problems(cell, column, message):
    row = {"Name": "Ada Byron", "Email": "ada@example.org", "Note": ""}
    row[column] = cell
    problems = _checker([list(row.values()), ["Bo Chen", "bo@example.org", ""]])
    assert problems["row"].tolist() == [2]
    assert problems["field"].tolist() == [column.lower()]
    assert message in problems["problem"].iloc[0]


def test_line_breaks_are_allowed_only_in_free_text_fields():
    rows = [["Ada Byron", "ada@example.org", "first line\nsecond line"]]
    assert _checker(rows, multiline=("note",)).empty is not False
    assert _checker(rows)["field"].tolist() == ["note"]
    assert _checker([["Ada", "ada@example.org", "a\x00b"]], multiline=("note",))[
        "field"].tolist() == ["note"]


def test_look_alike_addresses_do_not_pass_as_new_people():
    problems = _checker([["Ada Byron", "ada@example.org", ""],
                         ["Ada Byron", "ADA@example.org\u200b", ""],
                         ["Ada Byron", "Ada@Example.org", ""]])
    assert problems[["row", "field"]].to_numpy().tolist() == [[3, "email"], [4, "email"]]
    assert "invisible character" in problems["problem"].iloc[0]
    assert "already on row 2" in problems["problem"].iloc[1]
