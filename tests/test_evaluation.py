import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.errors import InputFileError, SettingsError
from toolkit.evaluation.data import (
    load_cohort,
    load_scheme,
    no_cohort_message,
    no_signups_message,
)
from toolkit.evaluation.measures import (
    MENTEE_BINS,
    NO_SCORED_OBJECTIVE,
    SMALL_GROUPS,
    equality_characteristics,
    equality_table,
    free_text_reason,
    funnel,
    has_objective_scores,
    journeys,
    likert_counts,
    mentees_per_mentor,
    mentor_load,
    missing_objective_columns_message,
    not_a_question_message,
    objective_change,
    optional_questions,
    score_distribution,
    senior_share,
)
from toolkit.store.connection import Store
from toolkit.store.pairs import save_pairs
from toolkit.store.people import save_signups

from .evaluation_helpers import COHORT, fill_year, objectives_frame


@pytest.fixture(scope="module")
def year(tmp_path_factory, sample_dir, sample_import):
    path = tmp_path_factory.mktemp("year") / "scheme.sqlite"
    people = sample_import.people.copy()
    with Store(path) as store:
        fill_year(store, people, sample_dir / "survey.csv")
        yield load_scheme(store)


def test_funnel_narrows_and_ignores_proposals(year):
    journey = journeys(year.people, year.pairs, year.meetings)
    f = funnel(journey).iloc[0]
    assert f["Signed up"] == 160
    assert f["Signed up"] >= f["Matched"] >= f["Met at least once"] >= f[
        "Met three or more times"]
    proposed = year.pairs[year.pairs["status"] == "proposed"]
    matched_pairs = year.pairs[year.pairs["status"] != "proposed"]
    only_proposed = set(proposed["mentee_email"]) - set(matched_pairs["mentee_email"]) - set(
        matched_pairs["mentor_email"])
    assert only_proposed
    assert not journey.loc[journey["email"].isin(only_proposed), "matched"].any()


def test_funnel_by_grade_follows_the_ladder(year):
    journey = journeys(year.people, year.pairs, year.meetings)
    order = ["PhD student", "Grade 6", "Grade 7", "Grade 8", "Grade 9", "Grade 10"]
    by_grade = funnel(journey, "grade", order=order)
    assert list(by_grade.index) == order
    assert by_grade["Signed up"].sum() == 160


def test_meetings_count_only_when_held():
    people = pd.DataFrame({"email": ["a", "b"]})
    pairs = pd.DataFrame({"id": [1], "mentee_email": ["a"], "mentor_email": ["b"],
                          "status": ["active"], "renewals": [0]})
    meetings = pd.DataFrame({"pair_id": [1, 1, 1], "status": ["held", "cancelled", "held"]})
    j = journeys(people, pairs, meetings)
    assert j["pairs_held"].tolist() == [2, 2]
    assert not j["three_meetings"].any()


def test_mentor_load_and_scores(year):
    cohort_pairs = year.pairs[year.pairs["cohort"] == COHORT]
    load = mentor_load(year.people, cohort_pairs)
    assert (load["mentees"] <= load["capacity"]).all()
    dist = score_distribution(cohort_pairs)
    assert dist["n"].sum() == len(cohort_pairs)


def test_senior_share_counts_women_at_grade_nine_and_above(year):
    journey = journeys(year.people, year.pairs, year.meetings)
    share = senior_share(journey, senior_level=4)
    senior = year.people[year.people["level"] >= 4]
    assert share.loc["Signed up", "senior"] == len(senior)
    assert share.loc["Signed up", "women"] == (senior["gender"] == "Woman").sum()


def test_only_declared_monitoring_questions_are_characteristics(sample_people, tmp_path):
    people = sample_people.copy()
    people["Ethnicity"] = np.where(np.arange(len(people)) % 3 == 0, "Asian", "White")
    people["Anything else?"] = ""
    people.loc[3, "Anything else?"] = "Happy to meet in the early mornings"
    people.loc[9, "Anything else?"] = "No"
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, people, COHORT)
        data = load_scheme(store)
    assert sorted(optional_questions(data.people)) == ["Anything else?", "Ethnicity"]
    assert equality_characteristics(data.people) == ["gender"]  # nothing undeclared
    assert equality_characteristics(data.people, [" ethnicity "]) == ["gender", "Ethnicity"]
    with pytest.raises(SettingsError, match=re.escape(
            not_a_question_message("Religion", optional_questions(data.people)))):
        equality_characteristics(data.people, ["Religion"])


@pytest.mark.parametrize(("answers", "reason"), [
    (["I would really like a mentor outside my own faculty please", "No"], "sentences"),
    (["Fine", "See you\nsoon"], "several lines"),
    (["x" * 61, "y"], "61 characters"),
    ([f"Answer {i}" for i in range(21)] * 2, "21 different answers"),
    (["Red", "Blue", "Green", "Pink", "Grey", "Red"], "no one else gave"),
])
def test_free_text_is_never_a_monitoring_question(answers, reason):
    people = pd.DataFrame({"email": [f"p{i}@example.org" for i in range(len(answers))],
                           "gender": "Woman", "Comments": answers})
    assert reason in free_text_reason(people["Comments"])
    with pytest.raises(SettingsError, match="look like free text"):
        equality_characteristics(people, ["Comments"])


def test_closed_questions_are_not_free_text():
    ethnicity = pd.Series(["White", "Asian or Asian British", "Prefer not to say", "",
                           "Black, Black British, Caribbean or African", "White"] * 5)
    assert free_text_reason(ethnicity) is None
    assert free_text_reason(pd.Series(["Yes", "No"])) is None


def test_answers_too_few_people_gave_are_grouped_unnamed():
    journey = pd.DataFrame({"signed_up": True, "matched": True, "first_meeting": True,
                            "three_meetings": False, "renewed": False,
                            "Religion": ["None"] * 6 + ["Jain", "Jain", "Buddhist", None]})
    table = equality_table(journey, "Religion", smallest_group=3)
    assert table.index.tolist() == ["None", "Not given", SMALL_GROUPS]
    assert table.loc[SMALL_GROUPS, "Signed up"] == 3


def test_load_scheme_errors(tmp_path, sample_people):
    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(InputFileError, match=re.escape(no_signups_message(store))):
            load_scheme(store)
        save_signups(store, sample_people, COHORT)
        save_signups(store, sample_people.iloc[:5], "2025")
        message = no_cohort_message(store, "1999", ["2025", "2026"])
        assert "has no cohort '1999'; its cohorts are ['2025', '2026']" in message
        with pytest.raises(InputFileError, match=re.escape(message)):
            load_scheme(store, "1999")
        assert load_cohort(store) == "2026"  # the latest
        assert load_cohort(store, "2025") == "2025"
        assert len(load_scheme(store, "2025").people) == 5


def test_mentees_per_mentor_groups_three_and_more():
    load = pd.DataFrame({"mentees": [0, 0, 1, 2, 3, 5]})
    counts = mentees_per_mentor(load)
    assert counts.index.tolist() == MENTEE_BINS
    assert counts["Mentors"].tolist() == [2, 1, 1, 2]


def test_likert_counts_fill_every_point_of_the_scale_per_role():
    answers = pd.DataFrame({"role": ["mentee", "mentee", "mentor", "mentee"],
                            "question": ["Q", "Q", "Q", "Free"],
                            "kind": ["likert", "likert", "likert", "text"],
                            "level": [0, 2, 2, pd.NA]})
    questions = pd.DataFrame({"question": ["Q", "Free"], "kind": ["likert", "text"],
                              "labels": ["Low; Mid; High", ""]})
    counts = likert_counts(answers, questions)
    assert counts.to_dict("list") == {
        "question": ["Q"] * 6, "role": ["mentee"] * 3 + ["mentor"] * 3,
        "level": [0, 1, 2] * 2, "label": ["Low", "Mid", "High"] * 2, "n": [1, 0, 1, 0, 0, 1]}
    overall = likert_counts(answers, questions, by_role=False)
    assert overall["n"].tolist() == [1, 0, 2]


# -- coaching objectives -------------------------------------------------------------------
def test_wilcoxon_matches_scipy_on_per_coachee_means():
    df = objectives_frame(n=20)
    result = objective_change(df)
    per = df.groupby("coachee")[["score_before", "score_after"]].mean()
    expected = stats.wilcoxon(per["score_after"], per["score_before"])
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.n_coachees == 20 and result.n_objectives == 40


def test_rank_biserial_effect_size_by_hand():
    # Changes +1, +2, +3, -1: ranks of |d| are 1.5, 3, 4, 1.5; W+ = 8.5, W- = 1.5.
    df = pd.DataFrame({"coachee": list("abcd"), "objective": "x",
                       "score_before": [2, 2, 2, 3], "score_after": [3, 4, 5, 2]})
    result = objective_change(df)
    assert result.effect_size == pytest.approx((8.5 - 1.5) / 10)
    assert (result.n_up, result.n_down, result.n_same) == (3, 1, 0)
    assert result.magnitude == "large"


def test_no_change_at_all():
    df = pd.DataFrame({"coachee": list("abcdefghij"), "objective": "x",
                       "score_before": [3] * 10, "score_after": [3] * 10})
    result = objective_change(df)
    assert result.p_value == 1.0 and result.effect_size == 0.0
    assert "did not change" in result.statement()


def test_statement_is_plain_and_protected():
    result = objective_change(objectives_frame(n=20))
    text = result.statement()
    assert "Wilcoxon signed-rank test" in text
    assert "unlikely" in text and "rank-biserial" in text
    assert "About 20 coachees" in text
    small = objective_change(objectives_frame(n=6))
    assert "too few to publish" in small.statement()


def test_objective_errors():
    with pytest.raises(SettingsError,
                       match=re.escape(missing_objective_columns_message(["score_after"]))):
        objective_change(pd.DataFrame({"coachee": [], "objective": [], "score_before": []}))
    unscored = pd.DataFrame({"coachee": ["a"], "objective": ["x"], "score_before": [1],
                             "score_after": [None]})
    assert not has_objective_scores(unscored)
    with pytest.raises(SettingsError, match=NO_SCORED_OBJECTIVE):
        objective_change(unscored)


def test_coaching_objectives_come_from_the_store(tmp_path, sample_people):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people, COHORT)
        emails = sorted(sample_people["email"])
        pairs = pd.DataFrame({"mentee_email": emails[:3], "mentor_email": emails[3:6]})
        this_year = save_pairs(store, pairs, "2026 coaching", scheme="coaching")
        last_year = save_pairs(store, pairs.iloc[:1], "2025 coaching", scheme="coaching")
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO coaching_objectives (pair_id, number, objective, start_score, "
                "end_score, updated_at) VALUES (?, ?, ?, ?, ?, 'now')",
                [(this_year[0], 1, "Delegate", 3, 6), (this_year[0], 2, "", 4, None),
                 (this_year[1], 1, "Present", 5, 7), (last_year[0], 1, "Old", 1, 2)])
        data = load_scheme(store, COHORT)
    objectives = data.objectives
    assert objectives["objective"].tolist() == ["Delegate", "Objective 2", "Present"]
    assert objectives["coachee"].tolist() == [emails[0], emails[0], emails[1]]
    assert objectives["score_after"].isna().sum() == 1


def test_unmentoring_list_places_people_in_departments(tmp_path, sample_dir, sample_people):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people, COHORT)
        data = load_scheme(store, participants=sample_dir / "unmentoring.csv")
    unmentoring = pd.read_csv(sample_dir / "unmentoring.csv")
    newcomers = set(unmentoring["email"]) - set(sample_people["email"])
    assert newcomers and newcomers <= set(data.directory["email"])
    assert data.directory["email"].is_unique
