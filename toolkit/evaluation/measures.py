"""Year-end measures: how far participants got, mentor load, equality, feedback, coaching.

The evaluation's engine: pure functions from the scheme's records (DataFrames) to unrounded
tables. Nothing here reads a file or the store; the report passes every result through
:mod:`toolkit.core.disclosure` before anything is published.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.core.disclosure import HESA_RULE, DisclosureRule, describe_count, publish_mean
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.statuses import MATCHED
from toolkit.core.text import fold
from toolkit.errors import SettingsError

__all__ = [
    "FUNNEL_ORDER",
    "FUNNEL_STAGES",
    "MAX_CATEGORIES",
    "MAX_CATEGORY_LENGTH",
    "MAX_CATEGORY_WORDS",
    "MENTEE_BINS",
    "NOT_GIVEN",
    "NO_SCORED_OBJECTIVE",
    "OBJECTIVE_COLUMNS",
    "OWN_FIELDS",
    "SMALL_GROUPS",
    "ObjectiveChange",
    "equality_characteristics",
    "equality_table",
    "free_text_message",
    "free_text_reason",
    "funnel",
    "has_objective_scores",
    "journeys",
    "ladder_grades",
    "likert_counts",
    "mentees_per_mentor",
    "mentor_load",
    "missing_objective_columns_message",
    "not_a_question_message",
    "objective_change",
    "optional_questions",
    "score_distribution",
    "senior_share",
]

#: The stages of the funnel: (column in :func:`journeys`, label in the report).
FUNNEL_STAGES: list[tuple[str, str]] = [
    ("signed_up", "Signed up"),
    ("matched", "Matched"),
    ("first_meeting", "Met at least once"),
    ("three_meetings", "Met three or more times"),
    ("renewed", "Renewed"),
]

#: How the stages nest, as (smaller, larger) labels: everyone who met was matched, and so
#: on. A reader knows it, so disclosure control uses it too.
FUNNEL_ORDER: list[tuple[str, str]] = [
    ("Matched", "Signed up"),
    ("Met at least once", "Matched"),
    ("Met three or more times", "Met at least once"),
    ("Renewed", "Matched"),
]

#: The groups of :func:`mentees_per_mentor`: no mentee, one, two, three or more.
MENTEE_BINS: list[str] = ["No mentee", "1 mentee", "2 mentees", "3 or more"]

#: The columns of a table of coaching objective scores, one row per objective.
OBJECTIVE_COLUMNS: tuple[str, ...] = ("coachee", "objective", "score_before", "score_after")

#: Said when no coaching objective has a score both before and after.
NO_SCORED_OBJECTIVE = "No coaching objective has a score both before and after."

_WOMEN = {"woman", "women", "female", "f", "w"}

#: The toolkit's own fields of a sign-up: never an optional question of the form.
OWN_FIELDS = frozenset({
    "row", "name", "email", "department", "grade", "level", "role", "line_manager_email",
    "capacity", "topics", "meeting_mode", "gender", "mentor_gender_preference", "first_cohort",
    "cohort", "timestamp", "signed_up", "matched", "first_meeting", "three_meetings",
    "renewed", "pairs_held", "mentors_wanted", "mentor_kind_wanted", "mentor_kind",
    "not_paired_with"})
#: Free-text limits of :func:`free_text_reason`: a category is at most this long...
MAX_CATEGORY_LENGTH = 60
#: ... has at most this many words...
MAX_CATEGORY_WORDS = 8
#: ... and a closed question has at most this many different answers.
MAX_CATEGORIES = 20
#: The group that answers given by too few people to name are put together in.
SMALL_GROUPS = "Other answers (small groups)"

#: The group of people who left a characteristic blank.
NOT_GIVEN = "Not given"


def journeys(people: pd.DataFrame, pairs: pd.DataFrame, meetings: pd.DataFrame,
             matched_statuses: tuple[str, ...] = MATCHED) -> pd.DataFrame:
    """How far each sign-up got: matched, met once, met three times, renewed.

    Parameters
    ----------
    people : pandas.DataFrame
        The cohort's sign-ups (``email`` and the characteristics to report by).
    pairs : pandas.DataFrame
        Stored pairs (``id, mentee_email, mentor_email, status, renewals``); only those of
        the people given count.
    meetings : pandas.DataFrame
        Meetings (``pair_id, status``); only held ones count.
    matched_statuses : tuple of str
        The pair statuses that count as matched.

    Returns
    -------
    pandas.DataFrame
        ``people`` with boolean columns for every stage of :data:`FUNNEL_STAGES` and
        ``pairs_held`` (most meetings held in any one of the person's pairs).

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org"]})
    >>> pairs = pd.DataFrame({"id": [1], "mentee_email": ["a@x.org"],
    ...                       "mentor_email": ["b@x.org"], "status": ["renewed"], "renewals": [1]})
    >>> meetings = pd.DataFrame({"pair_id": [1, 1, 1], "status": ["held"] * 3})
    >>> journeys(people, pairs, meetings)[["matched", "three_meetings", "renewed"]].sum().tolist()
    [2, 2, 2]
    """
    out = people.copy()
    pairs = pairs[pairs["status"].isin(matched_statuses)]
    held = (meetings[meetings["status"] == "held"].groupby("pair_id").size()
            if len(meetings) else pd.Series(dtype=int))
    per_pair = pd.DataFrame({
        "pair_id": pairs["id"].to_numpy(),
        "renewed": (pairs["status"].eq("renewed")
                    | pairs.get("renewals", pd.Series(0, index=pairs.index)).fillna(0).gt(0))
        .to_numpy(),
    })
    per_pair["held"] = per_pair["pair_id"].map(held).fillna(0).astype(int)
    sides = pd.concat([
        per_pair.assign(email=pairs["mentee_email"].to_numpy()),
        per_pair.assign(email=pairs["mentor_email"].to_numpy()),
    ], ignore_index=True)
    by_person = sides.groupby("email").agg(pairs_held=("held", "max"), renewed=("renewed", "any"))
    out["signed_up"] = True
    out["matched"] = out["email"].isin(by_person.index)
    out["pairs_held"] = out["email"].map(by_person["pairs_held"]).fillna(0).astype(int)
    out["first_meeting"] = out["pairs_held"] >= 1
    out["three_meetings"] = out["pairs_held"] >= 3
    out["renewed"] = out["email"].isin(by_person.index[by_person["renewed"].astype(bool)])
    return out


def funnel(journey: pd.DataFrame, by: str | None = None,
           order: list[str] | None = None) -> pd.DataFrame:
    """Count people at each stage of the funnel, overall or by a characteristic.

    Parameters
    ----------
    journey : pandas.DataFrame
        From :func:`journeys`.
    by : str, optional
        A column (``department``, ``grade``, ``gender``...); blank answers count as
        "Not given". None gives one row, "All".
    order : list of str, optional
        The order of the groups (e.g. grades in ladder order); default alphabetical.

    Returns
    -------
    pandas.DataFrame
        Unrounded counts; rows are groups, columns the stage labels.

    Examples
    --------
    >>> j = pd.DataFrame({"signed_up": [True] * 3, "matched": [True, True, False],
    ...                   "first_meeting": [True, False, False], "three_meetings": [False] * 3,
    ...                   "renewed": [False] * 3, "gender": ["Woman", "Man", ""]})
    >>> funnel(j, "gender")["Matched"].to_dict()
    {'Man': 1, 'Not given': 0, 'Woman': 1}
    """
    cols = [c for c, _ in FUNNEL_STAGES]
    labels = dict(FUNNEL_STAGES)
    if by is None:
        counts = journey[cols].sum().to_frame("All").T
    else:
        key = journey[by].astype(str).str.strip().replace("", NOT_GIVEN)
        counts = journey[cols].groupby(key.to_numpy()).sum()
        if order is not None:
            known = [g for g in order if g in counts.index]
            counts = counts.reindex(known + sorted(set(counts.index) - set(known)))
    counts = counts.astype(int).rename(columns=labels)
    counts.index.name = by or ""
    return counts


def ladder_grades(people: pd.DataFrame, ladder: Ladder | str | Path | None = None
                  ) -> tuple[pd.Series, list[str]]:
    """Name each person's grade as the ladder does, so that one grade is one group.

    A form export writes the same grade many ways ("Associate Professor", "associate
    professor "); the import read each onto a ladder level, and this gives every person the
    ladder's name for their level. A person whose level is not known (an older record) is
    read onto the ladder by their grade as written, and failing that grouped with those who
    wrote the grade the same way up to case and spacing; a blank grade is "Not given".

    Parameters
    ----------
    people : pandas.DataFrame
        Sign-ups with ``grade`` and, when known, ``level`` (the ladder index).
    ladder : Ladder, str or Path, optional
        The scheme's ladder (default UK HE).

    Returns
    -------
    names : pandas.Series
        The grade name of each person, aligned with ``people``.
    order : list of str
        The names present, most junior first (grades not on the ladder after them).

    Examples
    --------
    >>> people = pd.DataFrame({"grade": ["Associate Professor", "associate  professor",
    ...                                  "Grade 7", "Visiting Fellow", "visiting fellow", ""],
    ...                        "level": [4, 4, 2, None, None, None]})
    >>> names, order = ladder_grades(people)
    >>> names.tolist()
    ['Grade 9', 'Grade 9', 'Grade 7', 'Visiting Fellow', 'Visiting Fellow', 'Not given']
    >>> order
    ['Grade 7', 'Grade 9', 'Visiting Fellow', 'Not given']
    """
    lad = resolve_ladder(ladder)
    grade = (people["grade"] if "grade" in people else pd.Series("", index=people.index))
    grade = grade.fillna("").astype(str).str.strip()
    level = (pd.to_numeric(people["level"], errors="coerce") if "level" in people
             else pd.Series(np.nan, index=people.index)).astype(float)
    level = level.where(level.between(0, len(lad.levels) - 1))
    level = level.fillna(lad.levels_of(grade).astype(float))
    names = pd.Series(np.array(lad.levels, dtype=object)[level.fillna(0).to_numpy(dtype=int)],
                      index=people.index, dtype=object).where(level.notna())
    key = fold(grade)
    spelling = grade.groupby(key.to_numpy()).transform("first")
    names = names.fillna(spelling.where(grade != "", NOT_GIVEN))
    on_ladder = [lad.levels[i] for i in sorted(level.dropna().astype(int).unique())]
    others = sorted(set(names) - set(on_ladder) - {NOT_GIVEN})
    order = on_ladder + others + ([NOT_GIVEN] if NOT_GIVEN in set(names) else [])
    return names, order


def mentor_load(people: pd.DataFrame, pairs: pd.DataFrame,
                matched_statuses: tuple[str, ...] = MATCHED) -> pd.DataFrame:
    """How many mentees each mentor took, against how many they offered to take.

    Returns
    -------
    pandas.DataFrame
        One row per mentor (role mentor or both): ``email, capacity, mentees``.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["m@x.org", "n@x.org"], "role": ["mentor", "both"],
    ...                        "capacity": [2, 1]})
    >>> pairs = pd.DataFrame({"mentor_email": ["m@x.org"], "status": ["active"]})
    >>> mentor_load(people, pairs)["mentees"].tolist()
    [1, 0]
    """
    mentors = people.loc[people["role"].isin(["mentor", "both"]), ["email", "capacity"]].copy()
    taken = pairs[pairs["status"].isin(matched_statuses)].groupby("mentor_email").size()
    mentors["mentees"] = mentors["email"].map(taken).fillna(0).astype(int)
    return mentors.reset_index(drop=True)


def mentees_per_mentor(load: pd.DataFrame) -> pd.DataFrame:
    """Count mentors by how many mentees they took: none, one, two, three or more.

    Parameters
    ----------
    load : pandas.DataFrame
        From :func:`mentor_load` (column ``mentees``).

    Returns
    -------
    pandas.DataFrame
        One row per group of :data:`MENTEE_BINS`, column ``Mentors`` (unrounded).

    Examples
    --------
    >>> mentees_per_mentor(pd.DataFrame({"mentees": [0, 1, 1, 4]}))["Mentors"].tolist()
    [1, 2, 0, 1]
    """
    bins = np.minimum(load["mentees"].to_numpy(dtype=int), len(MENTEE_BINS) - 1)
    counts = np.bincount(bins, minlength=len(MENTEE_BINS))
    return pd.Series(counts, index=MENTEE_BINS).to_frame("Mentors")


def score_distribution(pairs: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Bin the pair scores the matching gave (every stored pair with a score).

    Returns
    -------
    pandas.DataFrame
        ``low, high, label, n`` per bin (unrounded counts); empty when no pair has a score.

    Examples
    --------
    >>> score_distribution(pd.DataFrame({"score": [0.1, 0.5, 0.55, 0.9]}), bins=2)["n"].tolist()
    [1, 3]
    """
    scores = pd.to_numeric(pairs.get("score", pd.Series(dtype=float)),
                           errors="coerce").dropna().to_numpy(dtype=float)
    if not len(scores):
        return pd.DataFrame(columns=["low", "high", "label", "n"])
    counts, edges = np.histogram(scores, bins=bins)
    return pd.DataFrame({
        "low": edges[:-1], "high": edges[1:],
        "label": [f"{a:.2f}–{b:.2f}" for a, b in itertools.pairwise(edges)],
        "n": counts,
    })


def optional_questions(people: pd.DataFrame) -> list[str]:
    """List the sign-up form's optional questions: every column that is not a toolkit field.

    These are the questions a lead may declare as monitoring questions; none of them is ever
    published unless declared.

    Examples
    --------
    >>> optional_questions(pd.DataFrame(columns=["email", "gender", "Ethnicity", "Anything else?"]))
    ['Ethnicity', 'Anything else?']
    """
    return [c for c in people.columns if c not in OWN_FIELDS and str(c).lower() not in OWN_FIELDS]


def free_text_reason(values: pd.Series) -> str | None:
    """Say why a question's answers look like free text, or None when they are a closed set.

    Answers from a short list ("White", "Asian", "Prefer not to say") repeat and are short.
    Answers count as free text when any runs over several lines, is longer than
    :data:`MAX_CATEGORY_LENGTH` characters or :data:`MAX_CATEGORY_WORDS` words, when there
    are more than :data:`MAX_CATEGORIES` different answers, or when, among four or more
    different answers, most people gave an answer no one else gave.

    Parameters
    ----------
    values : pandas.Series
        The answers (blanks are ignored).

    Returns
    -------
    str or None
        The reason in plain words, or None.

    Examples
    --------
    >>> free_text_reason(pd.Series(["White", "Asian", "White", ""])) is None
    True
    >>> free_text_reason(pd.Series(["I would like a mentor who has also moved here from abroad",
    ...                             "No"]))
    'some answers are sentences (up to 12 words)'
    """
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    if text.str.contains(r"[\r\n]").any():
        return "some answers run over several lines"
    longest = int(text.str.len().max())
    if longest > MAX_CATEGORY_LENGTH:
        return f"some answers are up to {longest} characters long"
    words = int(text.str.split().str.len().max())
    if words > MAX_CATEGORY_WORDS:
        return f"some answers are sentences (up to {words} words)"
    counts = text.value_counts()
    if len(counts) > MAX_CATEGORIES:
        return f"there are {len(counts)} different answers"
    if len(counts) >= 4 and int((counts == 1).sum()) > len(text) / 2:
        return "most people gave an answer no one else gave"
    return None


def not_a_question_message(name: str, questions: list[str]) -> str:
    """Say that a declared monitoring question is not an optional question of the form."""
    listed = questions or "none: the sign-up form had no optional questions"
    return (f"'{name}' is not an optional question of the sign-up form, so it cannot be "
            f"declared as a monitoring question. The optional questions are {listed}; gender "
            "is always monitored.")


def free_text_message(name: str, reason: str) -> str:
    """Say that a question with free-text answers can never be a monitoring question."""
    return (f"The question '{name}' cannot be declared as a monitoring question: its answers "
            f"look like free text ({reason}). Only questions answered from a short list "
            "(such as ethnicity or disability) can be published as equality characteristics; "
            "free text can identify people and is never published. Remove it from the "
            "monitoring questions.")


def equality_characteristics(people: pd.DataFrame,
                             monitoring: Iterable[str] = ()) -> list[str]:
    """List the characteristics to publish: gender, then each declared monitoring question.

    Nothing else is ever published: an optional question of the sign-up form that the lead
    did not declare stays out of the report, whatever its answers. A declared question is
    matched case- and space-insensitively and must be an optional question whose answers
    are a closed set (:func:`free_text_reason`). Gender is left out when its answers look
    like free text.

    Parameters
    ----------
    people : pandas.DataFrame
        The cohort's sign-ups, with the optional questions as columns.
    monitoring : iterable of str
        The questions the lead declared as monitoring questions.

    Returns
    -------
    list of str
        Column names, gender first.

    Raises
    ------
    SettingsError
        If a declared question is not an optional question of the form, or its answers are
        free text.

    Examples
    --------
    >>> people = pd.DataFrame({"email": list("abcdef"), "gender": ["Woman", "Man"] * 3,
    ...                        "Ethnicity": ["White", "Asian", "White"] * 2,
    ...                        "Comment": list("uvwxyz")})
    >>> equality_characteristics(people)
    ['gender']
    >>> equality_characteristics(people, ["ethnicity"])
    ['gender', 'Ethnicity']
    >>> equality_characteristics(people, ["Comment"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The question 'Comment' cannot be declared ...
    """
    found = []
    if "gender" in people.columns and free_text_reason(people["gender"]) is None:
        found.append("gender")
    questions = optional_questions(people)
    by_fold = {fold(q): q for q in questions}
    for name in monitoring:
        if fold(name) == "gender":
            continue
        column = name if name in questions else by_fold.get(fold(name))
        if column is None:
            raise SettingsError(not_a_question_message(str(name), questions))
        reason = free_text_reason(people[column])
        if reason is not None:
            raise SettingsError(free_text_message(column, reason))
        if column not in found:
            found.append(column)
    return found


def equality_table(journey: pd.DataFrame, characteristic: str = "gender",
                   smallest_group: int = 1, renewed: bool = False) -> pd.DataFrame:
    """Participation, matching and meeting by one characteristic (unrounded counts).

    Answers given by fewer than ``smallest_group`` people are put together as
    :data:`SMALL_GROUPS`, so the table never names an answer only one or two people gave.

    Returns
    -------
    pandas.DataFrame
        Rows are categories ("Not given" for blanks), columns ``Signed up, Matched, Met at
        least once, Met three or more times`` (and ``Renewed`` when ``renewed``: the
        columns of the other breakdowns of the funnel, to protect them together).

    Examples
    --------
    >>> j = pd.DataFrame({"signed_up": [True] * 2, "matched": [True, False],
    ...                   "first_meeting": [True, False], "three_meetings": [False] * 2,
    ...                   "renewed": [False] * 2, "gender": ["Woman", "Man"]})
    >>> equality_table(j).loc["Woman"].tolist()
    [1, 1, 1, 0]
    >>> equality_table(j, smallest_group=2).index.tolist()
    ['Other answers (small groups)']
    """
    key = journey[characteristic].astype(str).str.strip().where(
        journey[characteristic].notna(), "")
    sizes = key[key != ""].value_counts()
    small = sizes.index[sizes < smallest_group]
    grouped = journey.assign(**{characteristic: key.where(~key.isin(small), SMALL_GROUPS)})
    table = funnel(grouped, by=characteristic)
    return table if renewed else table.drop(columns="Renewed")


def senior_share(journey: pd.DataFrame, senior_level: int, characteristic: str = "gender",
                 women: set[str] | None = None) -> pd.DataFrame:
    """Count women among participants at or above a grade (e.g. grade 9 and above).

    Parameters
    ----------
    journey : pandas.DataFrame
        From :func:`journeys` (needs ``level`` and the characteristic).
    senior_level : int
        The ladder level from which people count as senior (grade 9 on the UK HE ladder is 4).
    characteristic : str
        The column holding gender.
    women : set of str, optional
        Answers that mean a woman (folded to lower case); default woman/female/f/w.

    Returns
    -------
    pandas.DataFrame
        Rows ``Signed up`` and ``Matched``; columns ``senior`` (people at or above the level),
        ``women`` (of them), unrounded.

    Examples
    --------
    >>> j = pd.DataFrame({"level": [4, 4, 5, 2], "gender": ["Woman", "Man", "Female", "Woman"],
    ...                   "signed_up": [True] * 4, "matched": [True, False, False, True]})
    >>> senior_share(j, 4).to_dict("index")
    {'Signed up': {'senior': 3, 'women': 2}, 'Matched': {'senior': 1, 'women': 1}}
    """
    women = women or _WOMEN
    senior = journey["level"].astype(int) >= senior_level
    is_woman = journey[characteristic].astype(str).str.strip().str.casefold().isin(women)
    rows = {}
    for col, label in (("signed_up", "Signed up"), ("matched", "Matched")):
        stage = journey[col].astype(bool) & senior
        rows[label] = {"senior": int(stage.sum()), "women": int((stage & is_woman).sum())}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass
class ObjectiveChange:
    """The paired comparison of coaching objective scores before and after.

    Attributes
    ----------
    per_coachee : pandas.DataFrame
        ``coachee, before, after, change``: each coachee's mean over their objectives.
    n_coachees, n_objectives, n_up, n_down, n_same : int
        Unrounded counts.
    median_before, median_after, median_change : float
        Medians over coachees.
    statistic, p_value : float
        The Wilcoxon signed-rank statistic and two-sided p-value (scipy.stats.wilcoxon on
        after - before; coachees with no change are left out, as Wilcoxon's method does).
    effect_size : float
        The matched-pairs rank-biserial correlation, from -1 (every coachee lower after) to
        +1 (every coachee higher after).
    """

    per_coachee: pd.DataFrame
    n_coachees: int
    n_objectives: int
    n_up: int
    n_down: int
    n_same: int
    median_before: float
    median_after: float
    median_change: float
    statistic: float
    p_value: float
    effect_size: float

    @property
    def magnitude(self) -> str:
        """The effect size in words (under 0.1 negligible, 0.3 small, 0.5 medium, else large)."""
        r = abs(self.effect_size)
        if not np.isfinite(r):
            return "not measurable"
        return ("negligible" if r < 0.1 else "small" if r < 0.3
                else "medium" if r < 0.5 else "large")

    def statement(self, rule: DisclosureRule = HESA_RULE) -> str:
        """Say plainly what the test found, with every number under disclosure control."""
        if self.n_coachees <= rule.max_average_base:
            return (f"Fewer than {rule.max_average_base + 1} coachees have scores before and "
                    "after, which is too few to publish a comparison without risking "
                    "identifying someone.")
        n = self.n_coachees
        direction = "rose" if self.median_change > 0 else \
            "fell" if self.median_change < 0 else "did not change"
        if self.p_value < 0.05:
            verdict = ("a change this consistent would be unlikely (less than a 1 in 20 "
                       "chance) if coaching made no difference")
        else:
            verdict = ("a change of this size could easily arise by chance, so these data "
                       "do not show that scores moved")
        return (
            f"{describe_count(n, rule).capitalize()} coachees scored their objectives before and "
            "after "
            f"coaching. The median score {direction} from "
            f"{publish_mean(self.median_before, n, rule)} to "
            f"{publish_mean(self.median_after, n, rule)} (a median change of "
            f"{publish_mean(self.median_change, n, rule)} points); "
            f"{describe_count(self.n_up, rule)} coachees scored higher afterwards and "
            f"{describe_count(self.n_down, rule)} lower. The Wilcoxon signed-rank test, which "
            f"compares each coachee with themselves, gives p = {self.p_value:.3g}: {verdict}. "
            f"The effect size (rank-biserial correlation) is {self.effect_size:+.2f}, a "
            f"{self.magnitude} effect on a scale from -1 (everyone lower) to +1 (everyone "
            "higher)."
        )


def missing_objective_columns_message(missing: list[str]) -> str:
    """Say which columns a table of coaching objective scores lacks, and which it needs.

    Examples
    --------
    >>> missing_objective_columns_message(["score_after"])[:60]
    "The coaching objectives table has no column(s) ['score_after"
    """
    return (f"The coaching objectives table has no column(s) {missing}; it needs "
            f"{list(OBJECTIVE_COLUMNS)}.")


def has_objective_scores(objectives: pd.DataFrame | None) -> bool:
    """Say whether any coaching objective has a score both before and after.

    Examples
    --------
    >>> has_objective_scores(pd.DataFrame({"score_before": [2, None], "score_after": [None, 3]}))
    False
    >>> has_objective_scores(pd.DataFrame({"score_before": [2], "score_after": [3]}))
    True
    """
    return (objectives is not None and len(objectives) > 0
            and bool(objectives[["score_before", "score_after"]].notna().all(axis=1).any()))


def objective_change(objectives: pd.DataFrame) -> ObjectiveChange:
    """Compare coaching objective scores before and after, coachee by coachee.

    Each coachee counts once (the mean of their objectives), because objectives of one
    person are not independent. The test is scipy's paired Wilcoxon signed-rank test; the
    effect size is the matched-pairs rank-biserial correlation over coachees whose score
    changed.

    Parameters
    ----------
    objectives : pandas.DataFrame
        Columns ``coachee, objective, score_before, score_after``; rows missing either score
        are left out.

    Returns
    -------
    ObjectiveChange

    Raises
    ------
    SettingsError
        If a column is missing or no row has both scores.

    Examples
    --------
    >>> df = pd.DataFrame({"coachee": list("abcdefghij"), "objective": ["o"] * 10,
    ...                    "score_before": [2, 3, 2, 4, 1, 3, 2, 2, 3, 1],
    ...                    "score_after": [4, 4, 3, 5, 3, 2, 4, 5, 4, 3]})
    >>> result = objective_change(df)
    >>> result.n_up, result.n_down, round(result.effect_size, 2), result.magnitude
    (9, 1, 0.89, 'large')
    """
    missing = [c for c in OBJECTIVE_COLUMNS if c not in objectives.columns]
    if missing:
        raise SettingsError(missing_objective_columns_message(missing))
    df = objectives.copy()
    df["score_before"] = pd.to_numeric(df["score_before"], errors="coerce")
    df["score_after"] = pd.to_numeric(df["score_after"], errors="coerce")
    df = df.dropna(subset=["score_before", "score_after"])
    if df.empty:
        raise SettingsError(NO_SCORED_OBJECTIVE)
    per = (df.groupby("coachee", sort=True)[["score_before", "score_after"]].mean()
           .rename(columns={"score_before": "before", "score_after": "after"}).reset_index())
    per["change"] = per["after"] - per["before"]
    diff = per["change"].to_numpy(dtype=float)
    nonzero = diff[diff != 0]
    if len(nonzero):
        test = stats.wilcoxon(per["after"].to_numpy(dtype=float),
                              per["before"].to_numpy(dtype=float))
        statistic, p_value = float(test.statistic), float(test.pvalue)
        ranks = stats.rankdata(np.abs(nonzero))
        w_plus, w_minus = ranks[nonzero > 0].sum(), ranks[nonzero < 0].sum()
        effect = float((w_plus - w_minus) / (w_plus + w_minus))
    else:
        statistic, p_value, effect = 0.0, 1.0, 0.0
    return ObjectiveChange(
        per_coachee=per, n_coachees=len(per), n_objectives=len(df),
        n_up=int((diff > 0).sum()), n_down=int((diff < 0).sum()),
        n_same=int((diff == 0).sum()),
        median_before=float(per["before"].median()), median_after=float(per["after"].median()),
        median_change=float(np.median(diff)), statistic=statistic, p_value=p_value,
        effect_size=effect,
    )


def likert_counts(responses: pd.DataFrame, questions: pd.DataFrame,
                  by_role: bool = True) -> pd.DataFrame:
    """Count answers at each point of each Likert question (free text left out).

    Parameters
    ----------
    responses, questions : pandas.DataFrame
        As in :class:`toolkit.evaluation.survey.SurveyImport`: answers with ``role,
        question, kind, level``; questions with ``question, kind, labels`` (the scale's
        labels, lowest first, joined with "; ").
    by_role : bool
        Count mentees and mentors separately (column ``role``; "all" otherwise).

    Returns
    -------
    pandas.DataFrame
        Columns ``question, role, level, label, n`` with every point of every scale present
        (zero counts included).

    Examples
    --------
    >>> answers = pd.DataFrame({"role": ["mentee", "mentor"], "question": ["Q", "Q"],
    ...                         "kind": ["likert"] * 2, "level": [3, 3]})
    >>> qs = pd.DataFrame({"question": ["Q"], "kind": ["likert"],
    ...                    "labels": ["Disagree; Neutral; Agree; Agree a lot"]})
    >>> likert_counts(answers, qs, by_role=False).query("n > 0")[["label", "n"]].values.tolist()
    [['Agree a lot', 2]]
    """
    likert = questions[questions["kind"] == "likert"]
    answers = responses[responses["kind"] == "likert"].copy()
    if not by_role:
        answers["role"] = "all"
    roles = sorted(set(answers["role"])) if len(answers) else []
    frames = []
    for q, labels in zip(likert["question"], likert["labels"], strict=True):
        labels = labels.split("; ")
        grid = pd.MultiIndex.from_product([[q], roles, range(len(labels))],
                                          names=["question", "role", "level"])
        sub = answers[answers["question"] == q]
        n = sub.groupby(["question", "role", "level"]).size().reindex(grid, fill_value=0)
        frame = n.rename("n").reset_index()
        frame["label"] = np.take(labels, frame["level"].to_numpy(dtype=int))
        frames.append(frame[["question", "role", "level", "label", "n"]])
    if not frames:
        return pd.DataFrame(columns=["question", "role", "level", "label", "n"])
    return pd.concat(frames, ignore_index=True)
