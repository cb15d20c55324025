import json

import pandas as pd
import pytest

from toolkit import read_signups
from toolkit.core.answers import split_multi
from toolkit.core.ladder import CIVIL_SERVICE_LADDER, DEFAULT_LADDER
from toolkit.errors import InputFileError, RowProblemsError, SettingsError
from toolkit.intake import signup_counts
from toolkit.intake.signups import (
    BAD_CAPACITY,
    MANAGER_IS_SELF,
    MANAGER_NOT_EMAIL,
    NO_SIGNUPS,
    PROBLEM_COLUMNS,
    UNKNOWN_GENDER_PREFERENCE,
    UNKNOWN_MEETING_MODE,
    UNKNOWN_ROLE,
    find_signup_columns,
    manager_cycle_message,
    same_person_message,
    unknown_grade_message,
)
from toolkit.plots.intake import plot_signup_counts
from toolkit.widgets.signups import ColumnMappingPanel

from .helpers import HEADER, person, write_csv, write_xlsx


def load(tmp_path, rows, header=HEADER, **kw):
    return read_signups(write_csv(tmp_path / "s.csv", rows, header=header), **kw)


def only_problem(result):
    assert len(result.problems) == 1, result.problems
    return result.problems.iloc[0]


# -- headers and mapping ---------------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    ["Name", "Email", "Department", "Grade", "Role"],
    ["full name", "E-mail address", "Dept", "GRADE", " Role "],
    ["Your name", "e-mail", "Dept.", "Job grade", "Signing up as"],
    ["NAME", "Email Address", "School", "Grade/level", "Mentor or mentee"],
])
def test_header_variants_are_recognised(tmp_path, headers):
    result = load(tmp_path, [person()[:5]], header=headers)
    assert result.ok
    assert set(result.columns) == {"name", "email", "department", "grade", "role"}
    assert result.people.loc[0, "email"] == "ada@example.org"


def test_mapping_file_handles_a_forms_own_questions(tmp_path):
    header = ["ID", "Email", "Name", "Where do you work?", "Your grade?", "Mentor or mentee?"]
    path = write_xlsx(tmp_path / "forms.xlsx",
                      [[1, "ada@example.org", "Ada", "Maths", "Professor", "Mentor"]],
                      header=header)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"department": "Where do you work?", "grade": "Your grade?",
                                   "role": "Mentor or mentee?"}))
    result = read_signups(path, mapping=mapping)
    assert result.ok
    assert result.people.loc[0, ["department", "level", "role"]].tolist() == ["Maths", 5, "mentor"]
    assert result.people.loc[0, "ID"] == "1"  # other columns are kept


def test_missing_required_column_names_it_and_lists_headers(tmp_path):
    with pytest.raises(InputFileError, match=r"required field\(s\) \['grade'\].*'Dept'"):
        load(tmp_path, [["Ada", "a@example.org", "Maths", "mentor"]],
             header=["Name", "Email", "Dept", "Role"])


@pytest.mark.parametrize(("mapping", "message"), [
    ({"favourite_colour": "Name"}, "unknown field"),
    ({"grade": "What grade?"}, r"no such column.*'Grade'"),
])
def test_bad_mappings_are_explained(tmp_path, mapping, message):
    with pytest.raises(SettingsError, match=message):
        load(tmp_path, [person()], mapping=mapping)


def test_mapping_file_that_is_not_json(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text("department = Dept")
    with pytest.raises(SettingsError, match="not valid JSON"):
        load(tmp_path, [person()], mapping=bad)


def test_find_columns_prefers_the_mapping():
    found = find_signup_columns(["Name", "Email", "Dept", "Home dept", "Grade", "Role"],
                                {"department": "Home dept"})
    assert found["department"] == "Home dept"


# -- normalisation ---------------------------------------------------------------------------
def test_values_are_normalised(tmp_path):
    rows = [
        person(email="  Ada.Byron@Example.ORG ", role="Mentor and mentee", capacity="",
               topics="Teaching;Grant writing;", mode="Online (Teams)", pref="A woman",
               grade="professor", manager=" BOSS@example.org"),
        person(name="Bo", email="bo@example.org", role="mentee", topics="Teaching, Leadership",
               grade="postdoc", mode="Face to face", capacity="0"),
    ]
    people = load(tmp_path, rows).people
    assert people["email"].tolist() == ["ada.byron@example.org", "bo@example.org"]
    assert people["role"].tolist() == ["both", "mentee"]
    assert people["topics"].tolist() == ["Teaching; Grant writing", "Teaching; Leadership"]
    assert people["meeting_mode"].tolist() == ["online", "in person"]
    assert people["mentor_gender_preference"].tolist() == ["woman", ""]
    assert people["level"].tolist() == [5, 2]
    assert people["capacity"].tolist() == [1, 0]
    assert people["line_manager_email"].tolist() == ["boss@example.org", ""]


def test_split_multi_handles_both_form_styles():
    got = split_multi(pd.Series(["a;b;c;", "a, b", "single", "", None]))
    assert got.tolist() == [["a", "b", "c"], ["a", "b"], ["single"], [], []]


def test_other_ladders(tmp_path):
    rows = [person(grade="HEO"), person(name="B", email="b@example.org", grade="SCS 2")]
    people = load(tmp_path, rows, ladder="civil-service").people
    assert people["level"].tolist() == [CIVIL_SERVICE_LADDER.levels.index("HEO"), 8]


# -- validation: one test per rule -----------------------------------------------------------
@pytest.mark.parametrize(("field", "index"), [
    ("name", 0), ("email", 1), ("department", 2), ("grade", 3), ("role", 4)])
def test_required_values_must_be_present(tmp_path, field, index):
    row = person()
    row[index] = "  "
    problem = only_problem(load(tmp_path, [row]))
    assert (problem["row"], problem["field"]) == (2, field)
    assert problem["problem"] == (f"The {field} is empty: fill it in (column "
                                  f"'{HEADER[index]}').")


@pytest.mark.parametrize("email", ["ada", "ada@", "ada@example", "a da@example.org",
                                   "ada@@example.org"])
def test_invalid_emails(tmp_path, email):
    problem = only_problem(load(tmp_path, [person(email=email)]))
    assert problem["field"] == "email"
    assert "not an e-mail address" in problem["problem"]


def test_unknown_grade_names_the_nearest_level(tmp_path):
    problem = only_problem(load(tmp_path, [person(grade="Asociate professor")]))
    assert problem["field"] == "grade"
    assert problem["problem"] == unknown_grade_message(
        "Asociate professor", DEFAULT_LADDER, "'associate professor' (Grade 9)")
    assert "did you mean 'associate professor' (Grade 9)?" in problem["problem"]
    assert "--ladder" in problem["problem"]
    far = only_problem(load(tmp_path, [person(grade="Astronaut")]))
    assert far["problem"] == unknown_grade_message("Astronaut", DEFAULT_LADDER, None)


@pytest.mark.parametrize("capacity", ["-1", "1.5", "two", "lots"])
def test_invalid_capacity(tmp_path, capacity):
    result = load(tmp_path, [person(capacity=capacity)])
    problem = only_problem(result)
    assert problem["field"] == "capacity" and problem["value"] == capacity
    assert problem["problem"] == BAD_CAPACITY
    assert result.people.empty


def test_unknown_role(tmp_path):
    problem = only_problem(load(tmp_path, [person(role="Observer")]))
    assert problem["field"] == "role"
    assert problem["problem"] == UNKNOWN_ROLE


def test_same_person_twice_names_both_rows(tmp_path):
    rows = [person(), person(name="B", email="b@example.org"), person(email="ADA@example.org")]
    result = load(tmp_path, rows)
    dup = result.problems[result.problems["field"] == "email"]
    assert dup["row"].tolist() == [2, 4]
    assert dup["problem"].tolist() == [same_person_message("4"), same_person_message("2")]
    assert result.people["email"].tolist() == ["b@example.org"]
    thrice = load(tmp_path, [person(), person(email="ADA@example.org"), person()])
    assert thrice.problems["problem"].tolist() == [
        same_person_message("3, 4"), same_person_message("2, 4"), same_person_message("2, 3")]


def test_line_manager_pointing_at_themselves(tmp_path):
    problem = only_problem(load(tmp_path, [person(manager=" ADA@example.org")]))
    assert problem["field"] == "line_manager_email"
    assert problem["problem"] == MANAGER_IS_SELF


def test_cycle_of_line_managers_is_reported_on_each_row(tmp_path):
    rows = [
        person(name="A", email="a@example.org", manager="b@example.org"),
        person(name="B", email="b@example.org", manager="c@example.org"),
        person(name="C", email="c@example.org", manager="a@example.org"),
        person(name="D", email="d@example.org", manager="a@example.org"),
    ]
    result = load(tmp_path, rows)
    assert result.problems["row"].tolist() == [2, 3, 4]
    assert (result.problems["problem"] == manager_cycle_message("2, 3, 4")).all()
    assert result.people["email"].tolist() == ["d@example.org"]


def test_invalid_line_manager_email(tmp_path):
    problem = only_problem(load(tmp_path, [person(manager="my boss")]))
    assert problem["field"] == "line_manager_email"
    assert (problem["value"], problem["problem"]) == ("my boss", MANAGER_NOT_EMAIL)


def test_unknown_meeting_mode_and_preference(tmp_path):
    result = load(tmp_path, [person(mode="by pigeon", pref="someone tall")])
    assert result.problems["field"].tolist() == ["meeting_mode", "mentor_gender_preference"]
    assert result.problems["problem"].tolist() == [UNKNOWN_MEETING_MODE,
                                                   UNKNOWN_GENDER_PREFERENCE]


def test_every_problem_is_reported_at_once_and_rows_kept_aside(tmp_path):
    rows = [
        person(email="bad", grade="Grade 11", role="observer", capacity="x"),
        person(name="Bo", email="bo@example.org"),
        ["", "", "", "", "", "", "", "", "", "", ""],  # blank row: skipped silently
        person(name="Cy", email="cy@example.org", dept=""),
    ]
    result = load(tmp_path, rows)
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    assert result.problems["row"].tolist() == [2, 2, 2, 2, 5]
    assert result.problems["field"].tolist() == ["email", "grade", "role", "capacity",
                                                 "department"]
    assert result.rejected["row"].tolist() == [2, 5]
    assert result.people["email"].tolist() == ["bo@example.org"]
    assert len(result.people) + len(result.rejected) == 3
    with pytest.raises(RowProblemsError) as info:
        result.raise_for_problems()
    assert len(info.value.problems) == 5


def test_header_without_rows_is_refused(tmp_path):
    with pytest.raises(InputFileError) as info:
        load(tmp_path, [])
    assert str(info.value) == NO_SIGNUPS.format(source="s.csv")
    # A missing column is named first, as for a file with rows.
    with pytest.raises(InputFileError, match=r"required field\(s\) \['role'\]"):
        load(tmp_path, [], header=["Name", "Email", "Department", "Grade"])


def test_sample_exports_are_clean(sample_dir):
    plain = read_signups(sample_dir / "signups.csv")
    forms = read_signups(sample_dir / "signups_forms.xlsx",
                         mapping=sample_dir / "signups_forms_mapping.json")
    assert plain.ok and forms.ok
    cols = ["email", "department", "level", "role", "capacity", "line_manager_email"]
    pd.testing.assert_frame_equal(
        plain.people.sort_values("email")[cols].reset_index(drop=True),
        forms.people.sort_values("email")[cols].reset_index(drop=True))


# -- who signed up ---------------------------------------------------------------------------
def test_signup_counts_by_department_and_by_grade_in_ladder_order(sample_import):
    people = sample_import.people
    by_dept = signup_counts(people, "department", sample_import.ladder)
    assert list(by_dept.columns) == ["mentee", "both", "mentor", "total"]
    assert by_dept["total"].sum() == len(people)
    assert by_dept.index.tolist() == sorted(people["department"].unique())
    first = people[people["department"] == by_dept.index[0]]
    assert by_dept.iloc[0]["mentee"] == (first["role"] == "mentee").sum()
    by_grade = signup_counts(people, "grade", sample_import.ladder)
    levels = list(DEFAULT_LADDER.levels)
    assert by_grade.index.tolist() == [g for g in levels if g in set(by_grade.index)]
    assert (by_grade[["mentee", "both", "mentor"]].sum(axis=1) == by_grade["total"]).all()


def test_plot_signup_counts_draws_every_sign_up_and_says_so_in_words(sample_import):
    people = sample_import.people
    fig = plot_signup_counts(people, sample_import.ladder)
    for ax in fig.axes:
        assert sum(bar.get_width() for bar in ax.patches) == len(people)
    roles = people["role"].value_counts()
    assert fig.alt_text.startswith(f"Bar charts of {len(people)} sign-ups: "
                                   f"{roles['mentee']} mentee, {roles['both']} both, "
                                   f"{roles['mentor']} mentor")


# -- the column-mapping panel ----------------------------------------------------------------
def test_mapping_panel_starts_from_the_recognised_columns(sample_dir):
    panel = ColumnMappingPanel(sample_dir / "signups_forms.xlsx",
                               mapping=sample_dir / "signups_forms_mapping.json")
    assert panel.result.ok
    assert panel.mapping == panel.result.columns
    assert len(panel.result.people) == len(read_signups(sample_dir / "signups.csv").people)
    assert panel.last_message == ("ok", f"{len(panel.result.people)} sign-ups, no problems.")


def test_mapping_panel_revalidates_when_a_column_changes(tmp_path):
    rows = [person(), person(name="Bo", email="bo@example.org", grade="Grade 11")]
    panel = ColumnMappingPanel(write_csv(tmp_path / "s.csv", rows))
    assert panel.result.problems["row"].tolist() == [3]
    panel.dropdowns["grade"].value = "Role"  # a wrong column: no row has a known grade
    assert panel.result.problems["field"].tolist() == ["grade", "grade"]
    assert panel.last_message[0] == "warning"
    panel.dropdowns["grade"].value = "(not in this file)"  # a required field left out
    assert panel.result is None
    assert panel.last_message[0] == "error" and "['grade']" in panel.last_message[1]
