import re

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.demo.sample import SURVEY_QUESTIONS, sample_store
from toolkit.errors import InputFileError, RowProblemsError, SettingsError
from toolkit.evaluation.data import load_cohort, load_feedback
from toolkit.evaluation.measures import likert_counts
from toolkit.evaluation.survey import (
    classify_answers,
    no_question_message,
    no_scale_message,
    read_survey,
    save_survey,
    unknown_answers_message,
)
from toolkit.store.connection import Store


def test_sample_survey_reads_likert_items_and_free_text(sample_dir):
    survey = read_survey(sample_dir / "survey.csv")
    kinds = dict(zip(survey.questions["question"], survey.questions["kind"], strict=True))
    assert [q for q, k in kinds.items() if k == "likert"] == [q for q, _, _ in SURVEY_QUESTIONS]
    assert [q for q, k in kinds.items() if k == "text"] == [
        "Is there anything else you would like to tell us?"]
    assert set(survey.responses["role"]) == {"mentee", "mentor"}
    assert survey.responses["respondent"].str.endswith("@example.org").all()
    assert "Name" not in set(survey.responses["question"])
    likert = survey.responses[survey.responses["kind"] == "likert"]
    assert likert["level"].between(0, 4).all()


def test_form_labels_in_any_spelling_land_on_one_scale():
    long = pd.DataFrame({"question": ["Q"] * 5,
                         "answer": ["agree strongly", "AGREE", "Neutral", "tend to disagree",
                                    "Strongly  disagree"]})
    answers, questions = classify_answers(long)
    assert answers["level"].tolist() == [4, 3, 2, 1, 0]
    assert questions.loc[0, "scale"] == "agreement"


def test_numeric_and_custom_scales():
    long = pd.DataFrame({"question": ["N", "N", "C", "C"],
                         "answer": ["1", "4", "Meh", "Brilliant"]})
    answers, questions = classify_answers(long, scales={"C": ["Poor", "Meh", "Brilliant"]})
    assert answers["level"].tolist() == [0, 3, 1, 2]
    assert questions["scale"].tolist() == ["1 to 5", "custom"]
    message = unknown_answers_message("C", ["meh"], ("Poor", "Brilliant"))
    assert "does not include the answer(s) ['meh']" in message
    with pytest.raises(SettingsError, match=re.escape(message)):
        classify_answers(long, scales={"C": ["Poor", "Brilliant"]})


def test_whole_numbers_with_punctuation_are_a_scale_and_decimals_are_not():
    long = pd.DataFrame({"question": ["N"] * 3 + ["D"] * 2,
                         "answer": ["2.", " 7 ", "(3)", "1.5", "2.0"]})
    answers, questions = classify_answers(long)
    assert answers["level"].tolist()[:3] == [1, 6, 2]
    assert questions["scale"].tolist() == ["1 to 7", ""]
    assert answers["kind"].tolist()[3:] == ["text", "text"]


def test_roles_in_any_spelling(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Role,Useful\nMentor / Mentee,Agree\nMENTEE.,Agree\nA mentor,Agree\n"
                    "Mentor & mentee,Agree\n", encoding="utf-8")
    survey = read_survey(path)
    assert survey.responses["role"].tolist() == ["both", "mentee", "mentor", "both"]
    assert not survey.notices


def test_free_text_stays_out_of_the_counts(sample_dir):
    survey = read_survey(sample_dir / "survey.csv")
    counts = likert_counts(survey.responses, survey.questions)
    assert "Is there anything else you would like to tell us?" not in set(counts["question"])
    assert counts.groupby(["question", "role"])["level"].count().eq(5).all()


def test_save_and_load_round_trip_and_reimport_replaces(sample_dir, tmp_path):
    survey = read_survey(sample_dir / "survey.csv")
    with Store(tmp_path / "s.sqlite") as store:
        saved = save_survey(store, survey, "2026")
        save_survey(store, survey, "2026")
        back = load_feedback(store, "2026")
        assert len(back.responses) == saved == len(survey.responses)
        pd.testing.assert_series_equal(back.responses["level"], survey.responses["level"])
        assert load_feedback(store, "2025").responses.empty


def test_missing_role_column_is_explained(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Email,Useful\na@example.org,Agree\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"no column for the required field\(s\) \['role'\]"):
        read_survey(path)


def test_a_name_column_is_never_read(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Your name,Role,Useful\nAda Lovelace,Mentee,Agree\n", encoding="utf-8")
    survey = read_survey(path)
    assert survey.questions["question"].tolist() == ["Useful"]
    assert "Ada Lovelace" not in survey.responses.to_string()


def test_unknown_roles_and_unknown_scales_get_a_notice(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Role,Mood,Useful\nMentee,Sunny,Agree\nObserver,Cloudy,Agree\n"
                    "Mentor,Sunny,Disagree\n", encoding="utf-8")
    survey = read_survey(path)
    assert any("Observer" in n for n in survey.notices)
    assert any("'Mood' has only 2 different answers" in n for n in survey.notices)


def test_a_file_with_no_scale_question_is_refused(tmp_path):
    # The sign-up export given by mistake: no question is on a scale, so nothing is read.
    path = tmp_path / "not_a_survey.csv"
    path.write_text("Name,Email,Role,Dept,Topics\nAda,ada@example.org,Mentee,Maths,Teaching\n",
                    encoding="utf-8")
    with pytest.raises(InputFileError, match=re.escape(no_scale_message("not_a_survey.csv"))):
        read_survey(path)


def test_a_file_with_no_question_is_refused(tmp_path):
    path = tmp_path / "only_people.csv"
    path.write_text("Name,Email,Role,Timestamp\nAda,ada@example.org,Mentee,2026-06-01\n",
                    encoding="utf-8")
    with pytest.raises(InputFileError, match=re.escape(no_question_message("only_people.csv"))):
        read_survey(path)


def test_a_column_of_email_addresses_is_never_kept(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("Email,Role,The scheme was useful,Line manager e-mail\n"
                    "a@example.org,Mentee,Agree,boss@example.org\n"
                    "b@example.org,Mentor,Neutral,chief@example.org\n", encoding="utf-8")
    survey = read_survey(path)
    assert survey.questions["question"].tolist() == ["The scheme was useful"]
    assert not survey.responses["answer"].astype(str).str.contains("@").any()
    assert any("e-mail addresses" in n for n in survey.notices)


def test_control_and_direction_characters_in_free_text_are_row_problems(tmp_path):
    # The same row checks as the sign-up import: any cell, the free-text answers included.
    path = tmp_path / "survey.csv"
    path.write_text(
        "Email,Role,The scheme was useful,Anything else?\n"
        "a@example.org,Mentee,Agree,\"Two lines\nare fine\"\n"
        "b@example.org,Mentor,Agree,Hidden\x01byte\n"
        "c@example.org,Mentee,Disagree,abc\u202edcba\n"
        "d\u200b@example.org,Mentor,Agree,Fine\n"
        "e@example.org,Mentor,Agree\x1b,Fine\n", encoding="utf-8")
    survey = read_survey(path)
    assert survey.problems[["row", "field"]].to_numpy().tolist() == [
        [3, "Anything else?"], [4, "Anything else?"], [5, "email"],
        [6, "The scheme was useful"]]
    problems = dict(zip(survey.problems["row"], survey.problems["problem"], strict=True))
    assert "control character (U+0001" in problems[3] and "retype" in problems[3]
    assert "reverses" in problems[4]
    assert "invisible character" in problems[5]
    assert "control character (U+001B" in problems[6]
    # The rows with problems are left out, the others read, and the lead is told.
    assert set(survey.responses["respondent"]) == {"a@example.org"}
    assert survey.responses["answer"].tolist() == ["Agree", "Two lines\nare fine"]
    assert any("4 row(s)" in n and "left out" in n for n in survey.notices)
    assert not survey.ok


def test_a_survey_whose_every_row_has_a_problem_is_refused_with_the_list(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("Role,Useful,Comments\nMentee,Agree,a\x02b\n", encoding="utf-8")
    with pytest.raises(RowProblemsError, match=r"'survey.csv' has 1 problem\(s\) on 1 row") as err:
        read_survey(path)
    assert err.value.problems[["row", "field"]].to_numpy().tolist() == [[2, "Comments"]]


def test_the_report_command_lists_the_survey_rows_left_out(tmp_path, capsys, sample_dir):
    sample_store(tmp_path / "s.sqlite", sample_dir).close()
    path = tmp_path / "survey.csv"
    text = (sample_dir / "survey.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("It helped", "It\x07 helped")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    code = main(["report", "--store", str(tmp_path / "s.sqlite"), "--out",
                 str(tmp_path / "report"), "--survey", str(path), "--quiet"])
    said = capsys.readouterr().out
    assert code == 0
    assert "1 row(s) of 'survey.csv' have problems" in said
    assert re.search(r"^\s+3\s+Is there anything else", said, re.M)
    with Store(tmp_path / "s.sqlite", read_only=True) as store:
        kept = load_feedback(store, load_cohort(store)).responses
    assert "\x07" not in "".join(kept["answer"].astype(str))
