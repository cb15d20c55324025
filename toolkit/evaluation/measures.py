"""Year-end evaluation: how far participants got, mentor load, equality monitoring, coaching.

Everything here works on unrounded numbers and returns raw tables; the report passes them
through :mod:`toolkit.core.disclosure` before anything is published.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.core.disclosure import HESA_RULE, DisclosureRule, describe_count, publish_mean
from toolkit.errors import InputFileError, SettingsError
from toolkit.evaluation.survey import SurveyImport, load_feedback
from toolkit.store.coaching import load_objective_scores
from toolkit.store.connection import Store
from toolkit.store.draws import load_draws
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs
from toolkit.store.people import (
    load_cohorts,
    load_directory,
    load_extra_answers,
    load_people,
    save_signups,
)

__all__ = [
    "FUNNEL_STAGES",
    "MATCHED_STATUSES",
    "ObjectiveChange",
    "SchemeData",
    "ensure_signups",
    "equality_characteristics",
    "equality_table",
    "funnel",
    "journeys",
    "load_scheme",
    "mentor_load",
    "objective_change",
    "read_objectives",
    "score_distribution",
    "senior_share",
    "store_objectives",
]

#: Pair statuses that mean two people were actually matched (a proposal is not a match).
MATCHED_STATUSES = ("active", "renewed", "ended", "withdrawn")

#: The stages of the funnel: (column in :func:`journeys`, label in the report).
FUNNEL_STAGES: list[tuple[str, str]] = [
    ("signed_up", "Signed up"),
    ("matched", "Matched"),
    ("first_meeting", "Met at least once"),
    ("three_meetings", "Met three or more times"),
    ("renewed", "Renewed"),
]

_WOMEN = {"woman", "women", "female", "f", "w"}
NOT_GIVEN = "Not given"


@dataclass
class SchemeData:
    """One cohort's records, read from the store in one go.

    Attributes
    ----------
    cohort : str
        The cohort.
    people : pandas.DataFrame
        The cohort's sign-ups (with any optional characteristics from the form as columns).
    directory : pandas.DataFrame
        Every person in the store (``email, department``), to place UnMentoring participants.
    pairs : pandas.DataFrame
        Every mentoring pair in the store (all cohorts; ``cohort`` says which).
    meetings : pandas.DataFrame
        Meetings of those pairs (``pair_id, on_date, status``).
    draws : pandas.DataFrame
        UnMentoring draws (``round, grp, email``) with the round's ``created_at``.
    feedback : SurveyImport
        The cohort's survey answers.
    objectives : pandas.DataFrame
        Coaching objective scores (``coachee, objective, score_before, score_after``); empty
        when there are none.
    """

    cohort: str
    people: pd.DataFrame
    directory: pd.DataFrame
    pairs: pd.DataFrame
    meetings: pd.DataFrame
    draws: pd.DataFrame
    feedback: SurveyImport
    objectives: pd.DataFrame


def load_scheme(store: Store, cohort: str | None = None,
                objectives: pd.DataFrame | str | Path | None = None,
                participants: str | Path | None = None) -> SchemeData:
    """Read what the evaluation needs for one cohort (default: the latest).

    Parameters
    ----------
    store : Store
        The scheme store.
    cohort : str, optional
        The cohort (default: the latest with sign-ups).
    objectives : DataFrame or path, optional
        Coaching objective scores to use instead of those saved in the store (see
        :func:`read_objectives`).
    participants : path, optional
        The UnMentoring sign-up list, to place in their departments the people who took part
        in draws without signing up for mentoring.

    Raises
    ------
    InputFileError
        If the store has no sign-ups (nothing to evaluate) or not the cohort asked for.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_scheme(store)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.InputFileError: The store '...' has no sign-ups yet: ...
    """
    cohorts = load_cohorts(store)
    if not cohorts:
        raise InputFileError(
            f"The store '{store.path}' has no sign-ups yet: import the sign-ups (notebook 01) "
            "before evaluating the scheme."
        )
    cohort = cohorts[-1] if cohort is None else str(cohort)
    if cohort not in cohorts:
        raise InputFileError(
            f"The store '{store.path}' has no cohort '{cohort}'; its cohorts are {cohorts}."
        )
    people = load_people(store, cohort)
    extra = load_extra_answers(store, cohort)
    if len(extra):
        people = people.join(extra[[c for c in extra.columns if c not in people.columns]],
                             on="email")
    directory = load_directory(store)[["email", "department"]]
    if participants is not None:
        from toolkit.unmentoring.participants import read_participants

        others = read_participants(participants)[["email", "department"]]
        others = others[~others["email"].isin(directory["email"])]
        directory = pd.concat([directory, others], ignore_index=True)
    if objectives is None:
        objectives = store_objectives(store, cohort)
    elif not isinstance(objectives, pd.DataFrame):
        objectives = read_objectives(objectives)
    pairs = load_pairs(store, scheme="mentoring")
    meetings = load_meetings(store)[["pair_id", "on_date", "status"]]
    draws = load_draws(store)
    return SchemeData(cohort=cohort, people=people, directory=directory, pairs=pairs,
                      meetings=meetings, draws=draws, feedback=load_feedback(store, cohort),
                      objectives=objectives)


def ensure_signups(store: Store, signups: str | Path, cohort: str) -> int:
    """Import sign-ups into the store only if it has none for the cohort yet.

    This lets the evaluation notebook run from scratch on the sample scheme; a store that
    already holds the cohort is left as it is.

    Returns
    -------
    int
        How many sign-ups the store holds for the cohort afterwards.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     ensure_signups(store, folder / "signups.csv", "2026")
    160
    """
    from toolkit.intake.signups import read_signups

    if cohort not in load_cohorts(store):
        result = read_signups(signups)
        result.raise_for_problems()
        save_signups(store, result.people, cohort, result.source, result.sha256)
    return len(load_people(store, cohort))


def journeys(people: pd.DataFrame, pairs: pd.DataFrame, meetings: pd.DataFrame,
             matched_statuses: tuple[str, ...] = MATCHED_STATUSES) -> pd.DataFrame:
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


def mentor_load(people: pd.DataFrame, pairs: pd.DataFrame,
                matched_statuses: tuple[str, ...] = MATCHED_STATUSES) -> pd.DataFrame:
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


def equality_characteristics(people: pd.DataFrame, max_categories: int = 10) -> list[str]:
    """List the characteristics to monitor: gender, then any other optional category column.

    A column of the sign-ups counts when it is not one of the toolkit's own fields, has
    between 2 and ``max_categories`` different answers and is not free text.

    Examples
    --------
    >>> people = pd.DataFrame({"email": list("abcdef"), "gender": ["Woman", "Man"] * 3,
    ...                        "ethnicity": ["White", "Asian", "White"] * 2,
    ...                        "comment": list("uvwxyz")})
    >>> equality_characteristics(people)
    ['gender', 'ethnicity']
    """
    own = {"row", "name", "email", "department", "grade", "level", "role",
           "line_manager_email", "capacity", "topics", "meeting_mode", "gender",
           "mentor_gender_preference", "first_cohort", "cohort", "Timestamp", "timestamp"}
    found = ["gender"] if "gender" in people.columns else []
    for col in people.columns:
        if col in own or col.lower() in own:
            continue
        values = people[col].dropna().astype(str).str.strip()
        values = values[values != ""]
        distinct = values.nunique()
        if 2 <= distinct <= max_categories and distinct < max(3, len(values) / 3):
            found.append(col)
    return found


def equality_table(journey: pd.DataFrame, characteristic: str = "gender") -> pd.DataFrame:
    """Participation, matching and meeting by one characteristic (unrounded counts).

    Returns
    -------
    pandas.DataFrame
        Rows are categories ("Not given" for blanks), columns ``Signed up, Matched, Met at
        least once, Met three or more times``.

    Examples
    --------
    >>> j = pd.DataFrame({"signed_up": [True] * 2, "matched": [True, False],
    ...                   "first_meeting": [True, False], "three_meetings": [False] * 2,
    ...                   "renewed": [False] * 2, "gender": ["Woman", "Man"]})
    >>> equality_table(j).loc["Woman"].tolist()
    [1, 1, 1, 0]
    """
    return funnel(journey, by=characteristic).drop(columns="Renewed")


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


OBJECTIVE_COLUMNS = ("coachee", "objective", "score_before", "score_after")


def read_objectives(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Read coaching objective scores from a CSV/XLSX (coachee, objective, before, after).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "o.csv"
    >>> _ = f.write_text("Coachee,Objective,Score before,Score after\\na@x,Lead,2,4\\n")
    >>> read_objectives(f).to_dict("records")
    [{'coachee': 'a@x', 'objective': 'Lead', 'score_before': 2.0, 'score_after': 4.0}]
    """
    from toolkit.io.columns import find_columns
    from toolkit.io.readers import read_table

    table = read_table(path)
    variants = {"coachee": ("coachee", "coachee email", "email", "person"),
                "objective": ("objective", "goal", "objective name"),
                "score_before": ("score before", "before", "start score", "initial score"),
                "score_after": ("score after", "after", "end score", "final score")}
    cols = find_columns(table.headers, mapping=mapping, source=f"'{table.source}'",
                        fields=OBJECTIVE_COLUMNS, required=OBJECTIVE_COLUMNS, variants=variants)
    out = pd.DataFrame({c: table.data[cols[c]] for c in OBJECTIVE_COLUMNS})
    for c in ("score_before", "score_after"):
        out[c] = pd.to_numeric(out[c].replace("", np.nan), errors="coerce").astype(float)
    return out


def store_objectives(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Read the coaching objective scores the coaching feature saved in the store.

    Parameters
    ----------
    store : Store
        The scheme store.
    cohort : str, optional
        Keep coaching rounds whose label is the cohort or starts with it and a space
        (``"2026"`` keeps ``"2026"`` and ``"2026 coaching"``); None keeps every round.

    Returns
    -------
    pandas.DataFrame
        ``coachee, objective, score_before, score_after`` (empty when there are none, or when
        the store has no coaching tables).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     store_objectives(store).columns.tolist()
    ['coachee', 'objective', 'score_before', 'score_after']
    """
    empty = pd.DataFrame(columns=list(OBJECTIVE_COLUMNS))
    rows = load_objective_scores(store, cohort)
    if rows.empty:
        return empty
    rows["objective"] = rows["objective"].where(rows["objective"].astype(str).str.strip() != "",
                                                "Objective " + rows["number"].astype(str))
    for c in ("score_before", "score_after"):
        rows[c] = pd.to_numeric(rows[c], errors="coerce").astype(float)
    return rows[list(OBJECTIVE_COLUMNS)].reset_index(drop=True)


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
        raise SettingsError(
            f"The coaching objectives table has no column(s) {missing}; it needs "
            f"{list(OBJECTIVE_COLUMNS)}."
        )
    df = objectives.copy()
    df["score_before"] = pd.to_numeric(df["score_before"], errors="coerce")
    df["score_after"] = pd.to_numeric(df["score_after"], errors="coerce")
    df = df.dropna(subset=["score_before", "score_after"])
    if df.empty:
        raise SettingsError("No coaching objective has a score both before and after.")
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
