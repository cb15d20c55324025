"""The report's outcome section (from the HR extract) and its comparison of cohorts.

:func:`section_outcomes` compares mentees with colleagues who did not take part, and
measures the 50:50 aim on the institution's staff; :func:`section_cohorts` puts every
cohort in the store side by side. Every number goes through disclosure control
(:mod:`toolkit.core.disclosure`); tables are written as ``tables/outcomes-*.csv`` and
``tables/cohorts-*.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.disclosure import (
    DisclosureRule,
    as_text,
    describe_count,
    get_rule,
    percentages,
    protect_breakdowns,
    protect_counts,
    protect_rates,
    publish_count,
)
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.text import fold
from toolkit.errors import SettingsError
from toolkit.evaluation.data import CohortHistory
from toolkit.evaluation.extract import read_hr_extract
from toolkit.evaluation.measures import journeys, likert_counts, optional_questions
from toolkit.evaluation.outcomes import (
    COMPARISON,
    MENTEES,
    OUTCOME_ORDER,
    RATE_BASES,
    given_gender,
    is_woman,
    mentees_of,
    outcome_bases,
    outcome_counts,
    outcome_people,
    senior_women,
    wilson_interval,
)
from toolkit.evaluation.sections import Section, published_funnels
from toolkit.plots.evaluation import plot_group_rates, plot_share_interval

__all__ = [
    "OutcomeInputs",
    "cohort_table",
    "outcome_inputs",
    "published_outcome_counts",
    "satisfied",
    "section_cohorts",
    "section_outcomes",
]


class OutcomeInputs:
    """What the outcome section is built from: the extract and the mentees of every cohort.

    Attributes
    ----------
    extract : pandas.DataFrame
        The HR extract's clean records (``ExtractImport.records``).
    people : pandas.DataFrame
        From :func:`toolkit.evaluation.outcomes.outcome_people`.
    source : str
        The extract's file name.
    set_aside : int
        Rows of the extract set aside with problems.
    has_gender, has_grade_before : bool
        Whether the extract gives gender and the grade a year earlier.
    problems : pandas.DataFrame
        The extract's rows set aside (``row, field, value, problem``), for the lead only.
    """

    def __init__(self, extract: pd.DataFrame, people: pd.DataFrame, source: str = "",
                 set_aside: int = 0, has_gender: bool = True,
                 has_grade_before: bool = True, problems: pd.DataFrame | None = None) -> None:
        self.extract, self.people, self.source = extract, people, source
        self.set_aside, self.has_gender = set_aside, has_gender
        self.has_grade_before = has_grade_before
        self.problems = problems if problems is not None else pd.DataFrame(
            columns=["row", "field", "value", "problem"])


def outcome_inputs(records: pd.DataFrame, signups: pd.DataFrame, source: str = "",
                   set_aside: int = 0, has_gender: bool = True,
                   has_grade_before: bool = True) -> OutcomeInputs:
    """Put the extract's records and every cohort's sign-ups together for the section.

    Parameters
    ----------
    records : pandas.DataFrame
        ``ExtractImport.records``.
    signups : pandas.DataFrame
        Every cohort's sign-ups (``CohortHistory.people``: ``email, role, level, gender,
        cohort``).

    Examples
    --------
    >>> records = pd.DataFrame({"email": ["a@x", "b@x"], "level": [3, 3],
    ...     "level_before": [2.0, 2.0], "employed": True, "applied": [True, False],
    ...     "promoted": [True, False], "returned": False, "gender": ["Woman", "Man"]})
    >>> signups = pd.DataFrame({"email": ["a@x"], "role": ["mentee"], "level": [2],
    ...                         "gender": ["Woman"], "cohort": ["2026"]})
    >>> outcome_inputs(records, signups).people["group"].tolist()
    ['Mentees', 'Comparison group']
    """
    people = outcome_people(records, mentees_of(signups), signups["email"])
    return OutcomeInputs(records, people, source, set_aside, has_gender, has_grade_before)


def read_outcomes(path: str | Path, signups: pd.DataFrame,
                  ladder: Ladder | str | Path | None = None) -> OutcomeInputs:
    """Read the HR extract and put it together with every cohort's sign-ups.

    Parameters
    ----------
    path : str or Path
        The HR extract (see :func:`toolkit.evaluation.extract.read_hr_extract`).
    signups : pandas.DataFrame
        Every cohort's sign-ups (``CohortHistory.people``).
    ladder : Ladder, str or Path, optional
        The grade ladder (default UK HE).

    Returns
    -------
    OutcomeInputs
        With the rows set aside in ``problems``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "hr.csv"
    >>> _ = f.write_text("Email,Grade,Employed,Applied,Promoted\\na@x.org,Grade 8,Yes,No,No\\n")
    >>> signups = pd.DataFrame(columns=["email", "role", "level", "gender", "cohort"])
    >>> len(read_outcomes(f, signups).people), read_outcomes(f, signups).problems.empty
    (0, True)
    """
    extract = read_hr_extract(path, ladder)
    inputs = outcome_inputs(extract.records, signups, extract.source,
                            int(extract.problems["row"].nunique()), extract.has_gender,
                            extract.has_grade_before)
    inputs.problems = extract.problems
    return inputs


def _text_table(published: pd.DataFrame, rule: DisclosureRule, first: str,
                suffix: str = "") -> pd.DataFrame:
    text = as_text(published, rule, suffix=suffix)
    text.insert(0, first, [str(i) for i in published.index])
    return text.reset_index(drop=True)


def published_outcome_counts(inputs: OutcomeInputs, rule: DisclosureRule | str | None = None
                             ) -> dict[str, pd.DataFrame]:
    """Publish every table of outcome headcounts together, as the report shows them.

    The mentees' outcomes are broken down by gender and by cohort, the comparison group's by
    gender, and the table of groups shows each group's total row again: the tables share
    their totals, so they are protected together (:func:`protect_breakdowns`), and a number
    hidden in one is hidden in all and cannot be worked out from the others. Every other
    number the report gives about these people (percentages, the cohorts side by side, the
    share of women among mentees who moved up) is worked out from these published tables.

    Parameters
    ----------
    inputs : OutcomeInputs
        From :func:`outcome_inputs`.
    rule : DisclosureRule or str, optional
        The disclosure rule (default HESA).

    Returns
    -------
    dict of str to pandas.DataFrame
        Published counts (``NaN`` where hidden): ``groups`` (mentees and comparison group),
        and, for a group with anyone in the extract, ``gender-mentees`` and ``cohort``
        (mentees) and ``gender-comparison``, each with its total row last.

    Examples
    --------
    >>> records = pd.DataFrame({"email": [f"p{i}" for i in range(40)], "level": 3,
    ...     "level_before": 3.0, "employed": True, "applied": [True] * 12 + [False] * 28,
    ...     "promoted": False, "returned": False, "gender": ["Woman", "Man"] * 20})
    >>> signups = records.head(30).assign(role="mentee", cohort=["2025", "2026"] * 15)
    >>> tables = published_outcome_counts(outcome_inputs(records, signups))
    >>> tables["groups"]["People"].tolist(), tables["cohort"]["People"].tolist()
    ([30.0, 10.0], [15.0, 15.0, 30.0])
    """
    rule = get_rule(rule)
    people = inputs.people
    out: dict[str, pd.DataFrame] = {}
    rows = []
    for group, slug in ((MENTEES, "mentees"), (COMPARISON, "comparison")):
        part = people[people["group"] == group]
        if part["people"].any():
            breakdowns = [outcome_counts(part, "gender")]
            labels = [f"All ({group.lower()})"]
            if group == MENTEES:
                breakdowns.append(outcome_counts(part, "cohort"))
                labels.append("All mentees")
            published = protect_breakdowns(breakdowns, rule, labels, OUTCOME_ORDER)
            out[f"gender-{slug}"] = published[0]
            if group == MENTEES:
                out["cohort"] = published[1]
            rows.append(published[0].iloc[-1].rename(group))
        else:  # nobody: a row of zeros, which gives nothing away
            zeros = outcome_counts(part, "group", order=[group])
            rows.append(protect_counts(zeros, rule, total_row=False,
                                       total_column=False).iloc[0])
    out["groups"] = pd.DataFrame(rows)
    out["groups"].index.name = "group"
    return {"groups": out.pop("groups"), **out}


def _describe(published: float, rule: DisclosureRule) -> str:
    """Describe a published headcount in words, as the tables show it."""
    if pd.isna(published):
        return f"a number too small to show ({rule.symbol})"
    return describe_count(published, rule)


def _with_rates(counts: pd.DataFrame, rule: DisclosureRule
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pair published counts with their percentages, worked out from those counts alone.

    Each percentage is of the published numbers in the same row (:func:`percentages`), so it
    is hidden wherever its count or its base is, and tells a reader nothing the counts table
    does not.
    """
    num, base = outcome_bases(counts)
    return counts, percentages(num, base, rule)


_RATES_NOTE = ("Each percentage is of the people it concerns: promotions of those who "
               "applied, grade moves of those whose grade a year earlier is known, retention "
               "after a career break of those back from one. Each is worked out from the "
               "published (rounded) headcounts in the table of people, not the true ones, "
               "and is not shown ('{symbol}') where either headcount is hidden or the base "
               "is fewer than {base:g} people.")


def _add_published(sec: Section, slug: str, title: str,
                   published: tuple[pd.DataFrame, pd.DataFrame], rule: DisclosureRule,
                   first: str) -> None:
    counts, rates = published
    sec.add_table(f"{slug}-counts", f"{title}: people", _text_table(counts, rule, first),
                  "Headcounts rounded as the rule says; 'People' are those found in the HR "
                  "extract.")
    sec.add_table(f"{slug}-rates", f"{title}: percentages",
                  _text_table(rates, rule, first, "%"),
                  _RATES_NOTE.format(base=rule.min_percentage_base, symbol=rule.symbol))


def _published_count(n: float, rule: DisclosureRule) -> float:
    """One headcount as published on its own (``NaN`` where the rule hides it)."""
    text = publish_count(n, rule)
    return np.nan if text == rule.symbol else float(text)


def _sum_published(table: pd.DataFrame | None, which) -> float:
    """Add up the published "Moved up a grade" counts of the genders ``which`` picks.

    Hidden (``NaN``) when any of them is hidden: the sum would tell what that cell hides.
    """
    if table is None:
        return 0.0
    rows = table.iloc[:-1]
    cells = rows.loc[which(pd.Series(rows.index, index=rows.index)), "Moved up a grade"]
    return np.nan if cells.isna().any() else float(cells.sum())


def _shown_text(value: float, rule: DisclosureRule, suffix: str = "") -> str:
    return rule.symbol if pd.isna(value) else f"{value:.0f}{suffix}"


def _share_sentence(what: str, shown: pd.Series, share: float, low: float, high: float,
                    aim: float, rule: DisclosureRule) -> str:
    """Say the share of women among ``what``, from the published counts ``shown``."""
    if pd.isna(share):
        return (f"Among {what}, too few gave a gender in the extract to publish the share "
                f"who are women ({_describe(shown['people'], rule)}).")
    if high < aim:
        verdict = f"the whole range is below the aim of {aim:g}%"
    elif low > aim:
        verdict = f"the whole range is above the aim of {aim:g}%"
    else:
        verdict = (f"the aim of {aim:g}% is inside the range, so these numbers cannot tell "
                   "the share apart from the aim")
    return (f"Among {what} ({_describe(shown['people'], rule)} people who gave a gender), "
            f"{share:.0f}% are women. Allowing for chance, the true share is likely (95%) "
            f"between {low:.0f}% and {high:.0f}%: {verdict}.")


def section_outcomes(inputs: OutcomeInputs, rule: DisclosureRule | str | None = None,
                     senior_level: int | None = None, senior_grade: str = "Grade 9",
                     aim: float = 50.0, ladder: Ladder | str | Path | None = None) -> Section:
    """Build the outcome section: mentees against colleagues who did not take part.

    Parameters
    ----------
    inputs : OutcomeInputs
        From :func:`outcome_inputs`.
    rule : DisclosureRule or str, optional
        The disclosure rule (default HESA).
    senior_level, senior_grade : int or None, str
        The ladder level (and its name) from which grades count as senior; with no level,
        that of ``senior_grade`` on ``ladder``.
    aim : float
        The scheme's aim for the share of women at the senior grades (percent).
    ladder : Ladder, str or Path, optional
        The grade ladder (default UK HE), to find ``senior_grade``.

    Returns
    -------
    Section
        Tables ``outcomes-groups-*``, ``outcomes-gender-*``, ``outcomes-cohort-*`` and
        ``outcomes-senior-women``, and their figures.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = 200
    >>> records = pd.DataFrame({"email": [f"p{i}@example.org" for i in range(n)],
    ...     "level": rng.integers(2, 6, n), "level_before": rng.integers(2, 5, n).astype(float),
    ...     "employed": rng.random(n) < .9, "applied": rng.random(n) < .3,
    ...     "promoted": rng.random(n) < .1, "returned": rng.random(n) < .05,
    ...     "gender": rng.choice(["Woman", "Man"], n)})
    >>> signups = records.head(60).assign(role="mentee", cohort="2026",
    ...                                   level=records["level_before"].head(60))
    >>> sec = section_outcomes(outcome_inputs(records, signups))
    >>> [t.slug for t in sec.tables][:2]
    ['outcomes-groups-counts', 'outcomes-groups-rates']
    """
    rule = get_rule(rule)
    if senior_level is None:
        lad = resolve_ladder(ladder)
        senior_level = lad.level_of(senior_grade)
        if senior_level is None:
            raise SettingsError(f"'{senior_grade}' is not a grade on the ladder '{lad.name}' "
                                f"({list(lad.levels)}): give one of those as the senior grade.")
    sec = Section("outcomes", "Outcomes: promotion, grade moves and retention")
    people = inputs.people
    mentees = people[people["group"] == MENTEES]
    missing = int((~mentees["in_extract"].astype(bool)).sum())
    # Every headcount below comes from these tables, published together (a number hidden in
    # one is hidden in all); percentages are worked out from them afterwards.
    counted = published_outcome_counts(inputs, rule)
    groups = counted.pop("groups")
    sec.paragraphs.append(
        f"From the HR extract '{inputs.source}': {_describe(groups.loc[MENTEES, 'People'], rule)}"
        " mentees (of every cohort in the store; someone who was a mentee twice counts once "
        "for each cohort) and a comparison group of "
        f"{_describe(groups.loc[COMPARISON, 'People'], rule)} colleagues who "
        "never signed up for the scheme and were at the same grades as mentees when they "
        "started. The comparison shows whether mentees did differently; it cannot prove the "
        "scheme was the reason, since people chose to join, and the two groups' mix of "
        "grades can differ. Grade moves are counted over the "
        "year the extract covers (from the grade a year earlier), for mentees and colleagues "
        "alike.")
    notes = []
    if missing:
        # No number: with the cohorts' sign-ups and the tables it would be one more sum.
        notes.append("Some mentees are not in the extract (they left the institution's "
                     "records, or have another e-mail) and are not counted.")
    if inputs.set_aside:
        notes.append(f"{inputs.set_aside} row(s) of the extract had problems and were left "
                     "out (the import listed them).")
    if not inputs.has_grade_before:
        notes.append("The extract gives no grade a year earlier, so the comparison group is "
                     "matched on today's grade and its grade moves are not measured.")
    if notes:
        sec.paragraphs.append(" ".join(notes))
    titles = {"gender-mentees": (f"{MENTEES}, by gender", "Gender"),
              "gender-comparison": (f"{COMPARISON}, by gender", "Gender"),
              "cohort": (f"{MENTEES}, by cohort", "Cohort")}
    overall = _with_rates(groups, rule)
    parts = {slug: (*titles[slug], _with_rates(pub, rule)) for slug, pub in counted.items()}
    _add_published(sec, "groups", "Outcomes, mentees and comparison group", overall, rule,
                   "Group")
    sec.add_figure("groups", "Outcomes: mentees and the comparison group",
                   plot_group_rates(overall[1], "Outcomes: mentees and the comparison group",
                                    rule=rule, ylabel="% (see the tables for the base)"))
    for slug in ("gender-mentees", "gender-comparison", "cohort"):
        if slug in parts:
            title, first, pub = parts[slug]
            _add_published(sec, slug, title, pub, rule, first)
    by_gender = {group: parts[slug][2][1] for slug, group in
                 (("gender-mentees", MENTEES), ("gender-comparison", COMPARISON))
                 if slug in parts}
    if by_gender:
        joined = pd.concat({g: r.iloc[:-1] for g, r in by_gender.items()})
        joined.index = [f"{g}: {k}" for g, k in joined.index]
        joined = joined[joined.notna().any(axis=1)]  # groups too small to show: tables only
        sec.add_figure("gender", "Outcomes by gender",
                       plot_group_rates(joined, "Outcomes by gender", rule=rule,
                                        ylabel="% (see the tables for the base)"))
    sec.add_text(f"The scheme's aim is {aim:g}% women at {senior_grade} and above. It is "
                 "measured here on what it means: the share of women among the institution's "
                 f"staff at those grades (from the extract), and among mentees who moved up a "
                 "grade. Who joined the scheme is not a measure of it.")
    if inputs.has_gender:
        counts = senior_women(inputs.extract, people, senior_level)
        staff = counts.loc["Staff at the senior grades"]
        labels = [f"Staff at {senior_grade} and above", "Mentees who moved up a grade"]
        # Staff: counted from the whole extract and published here alone. Mentees who moved
        # up: added up from the table of mentees by gender as published, so this row shows
        # nothing that table hides.
        shown = pd.DataFrame({
            "women": [_published_count(staff["women"], rule),
                      _sum_published(counted.get("gender-mentees"), is_woman)],
            "people": [_published_count(staff["people"], rule),
                       _sum_published(counted.get("gender-mentees"), given_gender)],
        }, index=labels)
        shares = percentages(shown[["women"]], shown["people"], rule)["women"]
        low, high = wilson_interval(shown["women"].fillna(0), shown["people"].fillna(0))
        low = np.where(shares.notna(), low, np.nan)
        high = np.where(shares.notna(), high, np.nan)
        rows = []
        for k, label in enumerate(labels):
            sec.add_text(_share_sentence(label[0].lower() + label[1:], shown.iloc[k],
                                         shares.iloc[k], low[k], high[k], aim, rule))
            rows.append({"Group": label,
                         "People (gender given)": _shown_text(shown["people"].iloc[k], rule),
                         "Women": _shown_text(shown["women"].iloc[k], rule),
                         "Share of women": _shown_text(shares.iloc[k], rule, "%"),
                         "95% interval": (rule.symbol if np.isnan(low[k])
                                          else f"{low[k]:.0f}% to {high[k]:.0f}%"),
                         "Aim": f"{aim:g}%"})
        sec.add_figure("senior-women", f"Women at {senior_grade} and above, with the aim",
                       plot_share_interval(pd.DataFrame({"share": shares.to_numpy(),
                                                         "low": low, "high": high},
                                                        index=labels), aim,
                                           f"Women: staff at {senior_grade}+ and mentees who "
                                           "moved up", rule=rule))
        sec.add_table("senior-women", f"Women at {senior_grade} and above, and among mentees "
                      "who moved up", pd.DataFrame(rows),
                      "Shares and intervals are worked out from the published (rounded) "
                      "headcounts, like every percentage in this report; the mentees who moved "
                      "up are added up from the table of mentees by gender. The interval is a "
                      "95% Wilson interval: the range the true share is likely to be in, "
                      f"allowing for chance. Shares and intervals of fewer than "
                      f"{rule.min_percentage_base:g} people are not shown.")
    else:
        sec.add_text("The extract has no gender column, so the share of women cannot be "
                     "measured: ask HR to include it.")
    return sec


def _cohort_funnel(history: CohortHistory, cohort: str, rule: DisclosureRule,
                   monitoring: Iterable[str],
                   ladder: Ladder | str | Path | None = None) -> pd.Series:
    """One cohort's funnel as its participation section publishes it, and its mentees."""
    people = history.people[history.people["cohort"] == cohort]
    pairs = history.pairs[history.pairs["cohort"] == cohort]
    asked = {fold(q) for q in optional_questions(people)} | {"gender"}
    funnels = published_funnels(people, journeys(people, pairs, history.meetings), rule,
                                [q for q in monitoring if fold(q) in asked], ladder)
    roles = funnels["role"]["Signed up"]
    mentees = roles.reindex(["mentee", "both"]).fillna(0.0)  # a role nobody had: 0
    row = funnels["role"].iloc[-1].copy()
    row["Mentees"] = np.nan if mentees.isna().any() else float(mentees.sum())
    return row


# -- across years ------------------------------------------------------------------------------
def _satisfaction_question(feedback) -> pd.Series | None:
    """Find the first Likert question whose text mentions satisfaction (None: there is none)."""
    questions = feedback.questions
    if questions.empty:
        return None
    wanted = questions[(questions["kind"] == "likert")
                       & questions["question"].str.contains("satisf", case=False)]
    return None if wanted.empty else wanted.iloc[0]


def _published_satisfaction(feedback, rule: DisclosureRule) -> tuple[float, float]:
    """Satisfied and answered, added up from each role's answers as the report publishes them.

    The feedback section publishes each role's answers to each question on its own row, with
    the respondents as its total (:func:`toolkit.core.disclosure.protect_counts`; the rows
    of a table without a total row are protected independently). The sums here are of those
    published rows (one more row for roles that section does not show), hidden (``NaN``)
    when a cell they need is hidden: the sums, rounded on their own, could pin those rows'
    cells down (four answers shown as 0 and a sum shown as 10 hold 2 each).
    """
    question = _satisfaction_question(feedback)
    if question is None:
        return 0.0, 0.0
    points = len(str(question["labels"]).split("; "))
    counts = likert_counts(feedback.responses, feedback.questions, by_role=True)
    part = counts[counts["question"] == question["question"]]
    happy = answered = 0.0
    for _role, rows in part.groupby("role"):
        row = rows.groupby("level")["n"].sum().reindex(range(points), fill_value=0)
        pub = protect_counts(row.to_frame().T, rule, total_row=False, total_column=True,
                             total_label="Respondents").iloc[0]
        above = pub.iloc[:-1][np.arange(points) > (points - 1) / 2]
        if above.isna().any() or pd.isna(pub.iloc[-1]):
            return np.nan, np.nan
        happy += float(above.sum())
        answered += float(pub.iloc[-1])
    return happy, answered


def satisfied(feedback) -> tuple[int, int]:
    """Count respondents above the middle of the scale of a question about satisfaction.

    Parameters
    ----------
    feedback : SurveyImport
        One cohort's answers.

    Returns
    -------
    satisfied, answered : int
        Answers above the scale's midpoint, and all answers, to the first Likert question
        whose text mentions satisfaction (0, 0 when there is none).

    Examples
    --------
    >>> from toolkit.evaluation.survey import SurveyImport
    >>> r = pd.DataFrame({"question": ["How satisfied are you?"] * 3, "kind": "likert",
    ...                   "level": [4, 3, 1], "respondent": "", "role": "", "answer": ""})
    >>> q = pd.DataFrame({"question": ["How satisfied are you?"], "kind": ["likert"],
    ...                   "scale": ["satisfaction"], "labels": ["a; b; c; d; e"]})
    >>> satisfied(SurveyImport(r, q))
    (2, 3)
    """
    question = _satisfaction_question(feedback)
    if question is None:
        return 0, 0
    points = len(str(question["labels"]).split("; "))
    answers = feedback.responses[feedback.responses["question"] == question["question"]]
    levels = pd.to_numeric(answers["level"], errors="coerce").dropna()
    return int((levels > (points - 1) / 2).sum()), len(levels)


def cohort_table(history: CohortHistory, outcomes: OutcomeInputs | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Count each cohort's sign-ups, matches, meetings, satisfaction and outcomes.

    Returns
    -------
    counts : pandas.DataFrame
        Unrounded headcounts, one row per cohort.
    numerators, bases : pandas.DataFrame
        The rates of the comparison and the people each is a percentage of.

    Examples
    --------
    >>> from toolkit.evaluation.data import CohortHistory
    >>> people = pd.DataFrame({"email": ["a", "b", "c"], "role": "mentee",
    ...                        "cohort": ["2025", "2026", "2026"]})
    >>> pairs = pd.DataFrame({"id": [1], "mentee_email": ["a"], "mentor_email": ["m"],
    ...                       "status": ["ended"], "renewals": [0], "cohort": ["2025"]})
    >>> meetings = pd.DataFrame({"pair_id": [1, 1, 1], "status": "held"})
    >>> h = CohortHistory(["2025", "2026"], people, pairs, meetings, {})
    >>> cohort_table(h)[0]["Met three or more times"].tolist()
    [1, 0]
    """
    rows, num, base = {}, {}, {}
    for cohort in history.cohorts:
        people = history.people[history.people["cohort"] == cohort]
        pairs = history.pairs[history.pairs["cohort"] == cohort]
        journey = journeys(people, pairs, history.meetings)
        happy, answered = satisfied(history.feedback[cohort]) if cohort in history.feedback \
            else (0, 0)
        row = {"Signed up": len(journey), "Mentees": int(journey["role"].isin(
            ["mentee", "both"]).sum()), "Matched": int(journey["matched"].sum()),
            "Met three or more times": int(journey["three_meetings"].sum()),
            "Answered the satisfaction question": answered, "Satisfied": happy}
        n = {"Matched": row["Matched"], "Met three or more times":
             row["Met three or more times"], "Satisfied": happy}
        b = {"Matched": row["Signed up"], "Met three or more times": row["Signed up"],
             "Satisfied": answered}
        if outcomes is not None:
            mine = outcomes.people[(outcomes.people["group"] == MENTEES)
                                   & (outcomes.people["cohort"] == cohort)]
            counts = outcome_counts(mine.assign(all="all"), "all", order=["all"])
            on, ob = outcome_bases(counts)
            for label, _, _ in RATE_BASES:
                n[f"Mentees: {label.lower()}"] = int(on[label].iloc[0])
                b[f"Mentees: {label.lower()}"] = int(ob[label].iloc[0])
        rows[cohort], num[cohort], base[cohort] = row, n, b
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "cohort"
    return (frame, pd.DataFrame.from_dict(num, orient="index"),
            pd.DataFrame.from_dict(base, orient="index"))


def section_cohorts(history: CohortHistory, rule: DisclosureRule | str | None = None,
                    outcomes: OutcomeInputs | None = None,
                    monitoring: Iterable[str] = (),
                    ladder: Ladder | str | Path | None = None) -> Section:
    """Build the comparison of cohorts: every cohort in the store, side by side.

    Each cohort is published on its own row (no totals across cohorts, since one person can
    be in two), headcounts rounded and percentages of small groups hidden. A cohort's
    sign-ups, matches and meetings are its funnel's "All" row as the participation section
    publishes it with every breakdown (:func:`toolkit.evaluation.sections.published_funnels`,
    with the declared ``monitoring`` questions the cohort's form asked), and its mentees
    the published mentees and "both" added up: nothing here gives away what those hide.

    Examples
    --------
    >>> from toolkit.evaluation.data import CohortHistory
    >>> people = pd.DataFrame({"email": list("abcd"), "role": "mentee",
    ...                        "cohort": ["2025", "2025", "2026", "2026"]})
    >>> pairs = pd.DataFrame(columns=["id", "mentee_email", "mentor_email", "status",
    ...                               "renewals", "cohort"])
    >>> meetings = pd.DataFrame(columns=["pair_id", "status"])
    >>> sec = section_cohorts(CohortHistory(["2025", "2026"], people, pairs, meetings, {}))
    >>> [t.slug for t in sec.tables]
    ['cohorts-counts', 'cohorts-rates']
    """
    rule = get_rule(rule)
    sec = Section("cohorts", "This year and earlier years")
    counts, num, base = cohort_table(history, outcomes)
    sec.paragraphs.append(
        f"The store holds {len(history.cohorts)} cohort{'s' if len(history.cohorts) != 1 else ''} "
        f"({', '.join(history.cohorts)}). "
        "Each row is one cohort; a person who signed up in two years is in both rows, so "
        "the rows are not added up. 'Satisfied' counts answers above the middle of the scale "
        "to the survey's question about satisfaction."
        + (" Outcomes come from this year's HR extract, for each cohort's mentees."
           if outcomes is not None else ""))
    published = protect_counts(counts, rule, total_row=False, total_column=False)
    rates = protect_rates(num, base, rule)
    stages = ["Signed up", "Matched", "Met three or more times"]
    for cohort in history.cohorts:
        row = _cohort_funnel(history, cohort, rule, monitoring, ladder)
        published.loc[cohort, stages] = row[stages].to_numpy()
        published.loc[cohort, "Mentees"] = row["Mentees"]
        if cohort in history.feedback:
            happy, answered = _published_satisfaction(history.feedback[cohort], rule)
            published.loc[cohort, "Satisfied"] = happy
            published.loc[cohort, "Answered the satisfaction question"] = answered
    rates[["Matched", "Met three or more times"]] = percentages(
        published[["Matched", "Met three or more times"]], published["Signed up"], rule)
    rates[["Satisfied"]] = percentages(published[["Satisfied"]],
                                       published["Answered the satisfaction question"], rule)
    if outcomes is not None:
        # The outcome section publishes these counts in its table by cohort (with its
        # "All mentees" row, linked to the tables by gender): the percentages here are
        # worked out from that table as published, so they match it and hide what it hides.
        by_cohort = published_outcome_counts(outcomes, rule).get("cohort")
        mentee_cols = [f"Mentees: {label.lower()}" for label, _, _ in RATE_BASES]
        if by_cohort is None:
            rates[mentee_cols] = np.nan
        else:
            n_pub, b_pub = outcome_bases(by_cohort.iloc[:-1])
            pct = percentages(n_pub, b_pub, rule).reindex(rates.index)
            rates[mentee_cols] = pct.to_numpy()
    sec.add_figure("rates", "Cohorts side by side",
                   plot_group_rates(rates, "Cohorts side by side", rule=rule,
                                    ylabel="% (see the tables for the base)"))
    sec.add_table("counts", "Cohorts side by side: people", _text_table(published, rule,
                                                                         "Cohort"),
                  "Each cohort's sign-ups, matches and meetings are as its participation "
                  "tables publish them; mentees, satisfied and answered are added up from "
                  "the rounded counts published for each role, so they can differ from the "
                  "true numbers by a little more than rounding alone.")
    sec.add_table("rates", "Cohorts side by side: percentages", _text_table(rates, rule,
                                                                            "Cohort", "%"),
                  "Matched and met three times: of those who signed up; satisfied: of those "
                  "who answered the question; outcomes: as in the outcome section. A "
                  f"percentage of fewer than {rule.min_percentage_base:g} people is not shown "
                  f"('{rule.symbol}').")
    return sec
