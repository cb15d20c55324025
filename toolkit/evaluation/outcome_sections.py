"""The report's outcome section (from the HR extract) and its comparison of cohorts.

:func:`section_outcomes` compares mentees with colleagues who did not take part, and
measures the 50:50 aim on the institution's staff; :func:`section_cohorts` puts every
cohort in the store side by side. Every number goes through disclosure control
(:mod:`toolkit.core.disclosure`); tables are written as ``tables/outcomes-*.csv`` and
``tables/cohorts-*.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.disclosure import (
    DisclosureRule,
    as_text,
    describe_count,
    get_rule,
    percentages,
    protect_counts,
    protect_rates,
    publish_count,
    publish_percent,
)
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.errors import SettingsError
from toolkit.evaluation.data import CohortHistory
from toolkit.evaluation.extract import read_hr_extract
from toolkit.evaluation.measures import journeys
from toolkit.evaluation.outcomes import (
    COMPARISON,
    MENTEES,
    RATE_BASES,
    mentees_of,
    outcome_bases,
    outcome_counts,
    outcome_people,
    senior_women,
    wilson_interval,
)
from toolkit.evaluation.sections import Section
from toolkit.plots.evaluation import plot_group_rates, plot_share_interval

__all__ = [
    "OutcomeInputs",
    "cohort_table",
    "outcome_inputs",
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


def _publish(counts: pd.DataFrame, rule: DisclosureRule, total: str | None) -> pd.DataFrame:
    """Publish outcome counts after disclosure control (with a total row when ``total``)."""
    return protect_counts(counts, rule, total_row=total is not None, total_column=False,
                          total_label=total or "Total")


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


def _share_sentence(what: str, women: int, n: int, aim: float, rule: DisclosureRule) -> str:
    if n < rule.min_percentage_base or n == 0:
        return (f"Among {what}, too few gave a gender in the extract to publish the share "
                f"who are women ({describe_count(n, rule)}).")
    low, high = (float(v) for v in wilson_interval(women, n))
    share = 100.0 * women / n
    if high < aim:
        verdict = f"the whole range is below the aim of {aim:g}%"
    elif low > aim:
        verdict = f"the whole range is above the aim of {aim:g}%"
    else:
        verdict = (f"the aim of {aim:g}% is inside the range, so these numbers cannot tell "
                   "the share apart from the aim")
    return (f"Among {what} ({describe_count(n, rule)} people who gave a gender), "
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
    found = int(mentees["in_extract"].sum())
    missing = int((~mentees["in_extract"].astype(bool)).sum())
    comparison = int((people["group"] == COMPARISON).sum())
    sec.paragraphs.append(
        f"From the HR extract '{inputs.source}': {describe_count(found, rule)} mentees (of "
        f"every cohort in the store; someone who was a mentee twice counts once for each "
        f"cohort) and a comparison group of {describe_count(comparison, rule)} colleagues who "
        "never signed up for the scheme and were at the same grades as mentees when they "
        "started. The comparison shows whether mentees did differently; it cannot prove the "
        "scheme was the reason, since people chose to join, and the two groups' mix of "
        "grades can differ. Grade moves are counted over the "
        "year the extract covers (from the grade a year earlier), for mentees and colleagues "
        "alike.")
    notes = []
    if missing:
        notes.append(f"{describe_count(missing, rule).capitalize()} mentees are not in the "
                     "extract (they left the institution's records, or have another e-mail) "
                     "and are not counted.")
    if inputs.set_aside:
        notes.append(f"{inputs.set_aside} row(s) of the extract had problems and were left "
                     "out (the import listed them).")
    if not inputs.has_grade_before:
        notes.append("The extract gives no grade a year earlier, so the comparison group is "
                     "matched on today's grade and its grade moves are not measured.")
    if notes:
        sec.paragraphs.append(" ".join(notes))
    # Each group's totals appear in three tables (overall, by gender, by cohort): they are
    # published alike, a cell hidden in one hidden in all, so none reveals what another hides.
    # The percentages are worked out afterwards from these published counts.
    counted: dict[str, tuple[str, str, str, pd.DataFrame]] = {}
    totals: dict[str, list[pd.DataFrame]] = {MENTEES: [], COMPARISON: []}
    for group, slug in ((MENTEES, "mentees"), (COMPARISON, "comparison")):
        part = people[people["group"] == group]
        if part["people"].any():
            pub = _publish(outcome_counts(part, "gender"), rule, f"All ({group.lower()})")
            counted[f"gender-{slug}"] = (f"{group}, by gender", "Gender", group, pub)
            totals[group].append(pub)
    if mentees["people"].any():
        pub = _publish(outcome_counts(mentees, "cohort"), rule, "All mentees")
        counted["cohort"] = ("Mentees, by cohort", "Cohort", MENTEES, pub)
        totals[MENTEES].append(pub)
    overall_counts = _publish(outcome_counts(people, "group", order=[MENTEES, COMPARISON]),
                              rule, None)
    for group, pubs in totals.items():
        rows = [p.iloc[-1] for p in pubs] + [overall_counts.loc[group]]
        hidden = np.logical_or.reduce([r.isna().to_numpy() for r in rows])
        for p in pubs:
            p.iloc[-1, hidden] = np.nan
        overall_counts.loc[group, hidden] = np.nan
    overall = _with_rates(overall_counts, rule)
    parts = {slug: (title, first, group, _with_rates(pub, rule))
             for slug, (title, first, group, pub) in counted.items()}
    _add_published(sec, "groups", "Outcomes, mentees and comparison group", overall, rule,
                   "Group")
    sec.add_figure("groups", "Outcomes: mentees and the comparison group",
                   plot_group_rates(overall[1], "Outcomes: mentees and the comparison group",
                                    rule=rule, ylabel="% (see the tables for the base)"))
    for slug, (title, first, _group, pub) in parts.items():
        _add_published(sec, slug, title, pub, rule, first)
    by_gender = {group: pub[1] for slug, (_t, _f, group, pub) in parts.items()
                 if slug.startswith("gender-")}
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
        counts = counts.loc[["Staff at the senior grades", "Mentees who moved up"]]
        counts.index = [f"Staff at {senior_grade} and above", "Mentees who moved up a grade"]
        rows, shares = [], []
        for label, (women, n) in counts[["women", "people"]].iterrows():
            sec.add_text(_share_sentence(label[0].lower() + label[1:], int(women), int(n),
                                         aim, rule))
            low, high = (float(v) for v in wilson_interval(women, n))
            shown = n >= rule.min_percentage_base and n > 0
            rows.append({"Group": label, "People (gender given)": publish_count(n, rule),
                         "Women": publish_count(women, rule),
                         "Share of women": publish_percent(women, n, rule),
                         "95% interval": f"{low:.0f}% to {high:.0f}%" if shown else rule.symbol,
                         "Aim": f"{aim:g}%"})
            shares.append({"share": 100.0 * women / n if shown else np.nan,
                           "low": low if shown else np.nan, "high": high if shown else np.nan})
        sec.add_figure("senior-women", f"Women at {senior_grade} and above, with the aim",
                       plot_share_interval(pd.DataFrame(shares, index=counts.index), aim,
                                           f"Women: staff at {senior_grade}+ and mentees who "
                                           "moved up", rule=rule))
        sec.add_table("senior-women", f"Women at {senior_grade} and above, and among mentees "
                      "who moved up", pd.DataFrame(rows),
                      "The interval is a 95% Wilson interval: the range the true share is "
                      "likely to be in, allowing for chance. Shares and intervals of fewer than "
                      f"{rule.min_percentage_base:g} people are not shown.")
    else:
        sec.add_text("The extract has no gender column, so the share of women cannot be "
                     "measured: ask HR to include it.")
    return sec


# -- across years ------------------------------------------------------------------------------
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
    questions = feedback.questions
    if questions.empty:
        return 0, 0
    wanted = questions[(questions["kind"] == "likert")
                       & questions["question"].str.contains("satisf", case=False)]
    if wanted.empty:
        return 0, 0
    question = wanted.iloc[0]
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
                    outcomes: OutcomeInputs | None = None) -> Section:
    """Build the comparison of cohorts: every cohort in the store, side by side.

    Each cohort is published on its own row (no totals across cohorts, since one person can
    be in two), headcounts rounded and percentages of small groups hidden.

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
        f"The store holds {len(history.cohorts)} cohorts ({', '.join(history.cohorts)}). "
        "Each row is one cohort; a person who signed up in two years is in both rows, so "
        "the rows are not added up. 'Satisfied' counts answers above the middle of the scale "
        "to the survey's question about satisfaction."
        + (" Outcomes come from this year's HR extract, for each cohort's mentees."
           if outcomes is not None else ""))
    published = protect_counts(counts, rule, total_row=False, total_column=False)
    rates = protect_rates(num, base, rule)
    mentee_cols = [c for c in num.columns if c.startswith("Mentees: ")]
    if mentee_cols:
        # The outcome section publishes these with an "All mentees" row: hide the same cells
        # here, or a rate hidden there could be worked out from this table and that row.
        n_all, b_all = num[mentee_cols].copy(), base[mentee_cols].copy()
        n_all.loc["All"], b_all.loc["All"] = n_all.sum(), b_all.sum()
        rates[mentee_cols] = protect_rates(n_all, b_all, rule,
                                           total_row=len(num) > 1).drop(index="All")
    sec.add_figure("rates", "Cohorts side by side",
                   plot_group_rates(rates, "Cohorts side by side", rule=rule,
                                    ylabel="% (see the tables for the base)"))
    sec.add_table("counts", "Cohorts side by side: people", _text_table(published, rule,
                                                                         "Cohort"))
    sec.add_table("rates", "Cohorts side by side: percentages", _text_table(rates, rule,
                                                                            "Cohort", "%"),
                  "Matched and met three times: of those who signed up; satisfied: of those "
                  "who answered the question; outcomes: as in the outcome section. A "
                  f"percentage of fewer than {rule.min_percentage_base:g} people is not shown "
                  f"('{rule.symbol}').")
    return sec
