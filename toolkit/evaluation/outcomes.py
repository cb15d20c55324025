"""Outcomes: whether mentees applied, were promoted, moved up and stayed, against colleagues.

The engine of the outcome section, pure functions over the HR extract
(:func:`toolkit.evaluation.extract.read_hr_extract`) and the scheme's sign-ups:

- :func:`outcome_people` puts mentees (of every cohort) and a comparison group of
  non-participants who started at the same grades side by side, one row per person;
- :func:`outcome_counts` counts each outcome by group, gender or cohort, and
  :func:`outcome_bases` gives the number each rate is a percentage of;
- :func:`senior_women` and :func:`wilson_interval` measure the 50:50 aim on what it means:
  the share of women among the institution's staff at the senior grades, and among mentees
  who moved up, each with its 95% interval.

Every number here is unrounded: the report publishes them only through
:mod:`toolkit.core.disclosure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "COMPARISON",
    "MENTEES",
    "OUTCOME_MEASURES",
    "OUTCOME_ORDER",
    "RATE_BASES",
    "given_gender",
    "is_woman",
    "mentees_of",
    "outcome_bases",
    "outcome_counts",
    "outcome_people",
    "senior_women",
    "wilson_interval",
]

#: The group of mentees, and the comparison group of non-participants.
MENTEES = "Mentees"
COMPARISON = "Comparison group"

#: The outcomes counted for each person: (column of :func:`outcome_people`, label).
OUTCOME_MEASURES: list[tuple[str, str]] = [
    ("people", "People"),
    ("applied", "Applied for promotion"),
    ("promoted", "Promoted"),
    ("moved_up", "Moved up a grade"),
    ("retained", "Still employed"),
    ("returned", "Back from a career break"),
    ("returned_retained", "Back from a break and still employed"),
]

#: How the outcome counts of one group are ordered: (smaller, larger) column labels. Those
#: promoted applied; those who moved up have a known earlier grade; and so on. A reader
#: knows it, so disclosure control uses it (:func:`toolkit.core.disclosure.protect_breakdowns`).
OUTCOME_ORDER: list[tuple[str, str]] = [
    ("Applied for promotion", "People"),
    ("Promoted", "Applied for promotion"),
    ("Moved up a grade", "Grade known a year earlier"),
    ("Grade known a year earlier", "People"),
    ("Still employed", "People"),
    ("Back from a career break", "People"),
    ("Back from a break and still employed", "Back from a career break"),
    ("Back from a break and still employed", "Still employed"),
]

#: Each rate of the outcome section: (label, numerator column label, base column label).
RATE_BASES: list[tuple[str, str, str]] = [
    ("Applied for promotion", "Applied for promotion", "People"),
    ("Promoted, of those who applied", "Promoted", "Applied for promotion"),
    ("Moved up a grade", "Moved up a grade", "Grade known a year earlier"),
    ("Still employed", "Still employed", "People"),
    ("Still employed after a career break", "Back from a break and still employed",
     "Back from a career break"),
]

_WOMEN = {"woman", "women", "female", "f", "w"}
_NOT_GIVEN = "Not given"
_Z95 = 1.959963984540054


def mentees_of(people: pd.DataFrame) -> pd.DataFrame:
    """Keep the sign-ups who were mentees (role ``mentee`` or ``both``).

    Examples
    --------
    >>> p = pd.DataFrame({"email": ["a", "b", "c"], "role": ["mentee", "mentor", "both"]})
    >>> mentees_of(p)["email"].tolist()
    ['a', 'c']
    """
    return people[people["role"].isin(["mentee", "both"])].reset_index(drop=True)


def outcome_people(extract: pd.DataFrame, mentees: pd.DataFrame,
                   participants: pd.Series | list[str] | None = None) -> pd.DataFrame:
    """One row per mentee (of every cohort) and per colleague in the comparison group.

    Parameters
    ----------
    extract : pandas.DataFrame
        The HR extract's clean records: ``email, level, employed, applied, promoted,
        returned`` and, when the extract has them, ``gender`` and ``level_before`` (the
        grade a year earlier, as a ladder level; missing when not known).
    mentees : pandas.DataFrame
        Mentees' sign-ups: ``email, cohort, level`` (their grade when they signed up) and
        ``gender``. A person who was a mentee in two cohorts has a row for each.
        Grade moves are measured from the extract's grade a year earlier where it gives
        one (the same year as for the comparison group), else from this sign-up grade.
    participants : sequence of str, optional
        Everyone who signed up in any role, in any cohort: never in the comparison group
        (default: the mentees).

    Returns
    -------
    pandas.DataFrame
        ``email, group, cohort, gender, start_level, level, in_extract, people, applied,
        promoted, moved_up, move_known, retained, returned, returned_retained``. ``group``
        is :data:`MENTEES` or :data:`COMPARISON`; the comparison group is everyone in the
        extract who never signed up and whose grade a year earlier (or now, when the
        extract has no earlier grade) is one a mentee started at; its ``cohort`` is empty.
        A mentee missing from the extract is kept with ``in_extract`` False and no outcome.
        ``moved_up`` counts only where the grade a year earlier is known (``move_known``).

    Examples
    --------
    >>> extract = pd.DataFrame({
    ...     "email": ["a@x", "b@x", "c@x"], "level": [3, 2, 2], "level_before": [2, 2, 2],
    ...     "employed": [True, True, False], "applied": [True, False, True],
    ...     "promoted": [True, False, False], "returned": [False, False, False],
    ...     "gender": ["Woman", "Man", "Woman"]})
    >>> mentees = pd.DataFrame({"email": ["a@x"], "cohort": ["2026"], "level": [2],
    ...                         "gender": ["Woman"]})
    >>> out = outcome_people(extract, mentees)
    >>> out[["email", "group", "moved_up", "retained"]].values.tolist()
    [['a@x', 'Mentees', True, True], ['b@x', 'Comparison group', False, True], \
['c@x', 'Comparison group', False, False]]
    """
    ex = extract.copy()
    if "gender" not in ex:
        ex["gender"] = ""
    if "level_before" not in ex:
        ex["level_before"] = pd.NA
    ex["level_before"] = pd.to_numeric(ex["level_before"], errors="coerce")
    ex = ex.drop_duplicates("email").set_index("email")
    men = mentees.copy().reset_index(drop=True)
    men["cohort"] = men["cohort"].astype(str)
    found = men["email"].isin(ex.index)
    rows = ex.reindex(men["email"])
    sign_up_gender = men.get("gender", pd.Series("", index=men.index)).fillna("").astype(str)
    gender = sign_up_gender.where(sign_up_gender.str.strip() != "",
                                  rows["gender"].fillna("").astype(str).to_numpy())
    # Grade moves are over the year the extract covers, for mentees as for colleagues: from
    # the grade a year earlier where the extract gives it, else from the sign-up grade.
    signed = pd.to_numeric(men["level"], errors="coerce").to_numpy(dtype=float)
    before = rows["level_before"].to_numpy(dtype=float)
    start = np.where(np.isnan(before), signed, before)
    mentee_rows = pd.DataFrame({
        "email": men["email"].to_numpy(),
        "group": MENTEES,
        "cohort": men["cohort"].to_numpy(),
        "gender": gender.to_numpy(),
        "start_level": start,
        "level": rows["level"].to_numpy(dtype=float),
        "in_extract": found.to_numpy(),
    })
    for c in ("employed", "applied", "promoted", "returned"):
        mentee_rows[c] = rows[c].fillna(False).astype(bool).to_numpy() & found.to_numpy()
    taken = set(men["email"]) | set(participants if participants is not None else [])
    started = ex["level_before"].where(ex["level_before"].notna(), ex["level"])
    has_before = bool(ex["level_before"].notna().any())
    pool = ex[~ex.index.isin(taken) & started.isin(set(start[~np.isnan(start)]))
              & (ex["level_before"].notna() | (not has_before))]
    comparison = pd.DataFrame({
        "email": pool.index.to_numpy(),
        "group": COMPARISON,
        "cohort": "",
        "gender": pool["gender"].fillna("").astype(str).to_numpy(),
        "start_level": (pool["level_before"] if has_before else pool["level"]).to_numpy(float),
        "level": pool["level"].to_numpy(dtype=float),
        "in_extract": True,
    })
    for c in ("employed", "applied", "promoted", "returned"):
        comparison[c] = pool[c].astype(bool).to_numpy()
    if not has_before:  # no earlier grade: a comparison colleague's move is not known
        comparison["start_level"] = np.nan
    out = pd.concat([mentee_rows, comparison], ignore_index=True)
    out["people"] = out["in_extract"].astype(bool)
    out["move_known"] = out["people"] & out["start_level"].notna() & out["level"].notna()
    out["moved_up"] = out["move_known"] & (out["level"] > out["start_level"])
    out["retained"] = out.pop("employed").astype(bool)
    out["returned_retained"] = out["returned"] & out["retained"]
    return out[["email", "group", "cohort", "gender", "start_level", "level", "in_extract",
                "people", "applied", "promoted", "moved_up", "move_known", "retained",
                "returned", "returned_retained"]]


def outcome_counts(people: pd.DataFrame, by: str = "group",
                   order: list[str] | None = None) -> pd.DataFrame:
    """Count each outcome by a column of :func:`outcome_people` (people in the extract only).

    Parameters
    ----------
    people : pandas.DataFrame
        From :func:`outcome_people` (or a part of it, e.g. mentees only).
    by : str
        ``group``, ``gender`` or ``cohort``; a blank answer counts as "Not given".
    order : list of str, optional
        The order of the rows (default: sorted); groups in ``order`` with nobody are kept
        with zeros.

    Returns
    -------
    pandas.DataFrame
        Unrounded counts: rows are groups, columns the labels of :data:`OUTCOME_MEASURES`
        and "Grade known a year earlier".

    Examples
    --------
    >>> p = pd.DataFrame({"group": ["Mentees", "Mentees", "Comparison group"],
    ...                   "people": True, "applied": [True, False, True],
    ...                   "promoted": [True, False, False], "moved_up": [True, False, False],
    ...                   "move_known": True, "retained": True, "returned": False,
    ...                   "returned_retained": False})
    >>> outcome_counts(p, order=["Mentees", "Comparison group"])["Promoted"].to_dict()
    {'Mentees': 1, 'Comparison group': 0}
    """
    columns = [c for c, _ in OUTCOME_MEASURES] + ["move_known"]
    labels = {**dict(OUTCOME_MEASURES), "move_known": "Grade known a year earlier"}
    inside = people[people["people"].astype(bool)]
    key = inside[by].fillna("").astype(str).str.strip().replace("", _NOT_GIVEN)
    counts = inside[columns].astype(int).groupby(key.to_numpy()).sum()
    groups = list(order) if order is not None else sorted(counts.index)
    groups += sorted(set(counts.index) - set(groups))
    counts = counts.reindex(groups, fill_value=0).astype(int).rename(columns=labels)
    counts.index.name = by
    return counts


def outcome_bases(counts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split outcome counts into the numerators and bases of the published rates.

    Returns
    -------
    numerators, bases : pandas.DataFrame
        Same rows as ``counts``; columns the labels of :data:`RATE_BASES`.

    Examples
    --------
    >>> c = pd.DataFrame({"People": [10], "Applied for promotion": [4], "Promoted": [1],
    ...                   "Moved up a grade": [2], "Grade known a year earlier": [10],
    ...                   "Still employed": [9], "Back from a career break": [2],
    ...                   "Back from a break and still employed": [2]})
    >>> num, base = outcome_bases(c)
    >>> base["Promoted, of those who applied"].tolist()
    [4]
    """
    num = pd.DataFrame({label: counts[n] for label, n, _ in RATE_BASES}, index=counts.index)
    base = pd.DataFrame({label: counts[b] for label, _, b in RATE_BASES}, index=counts.index)
    return num, base


def is_woman(gender: pd.Series) -> pd.Series:
    """Whether each answer to the gender question means a woman.

    Examples
    --------
    >>> is_woman(pd.Series(["Woman", " female", "Man", ""])).tolist()
    [True, True, False, False]
    """
    return gender.fillna("").astype(str).str.strip().str.casefold().isin(_WOMEN)


def given_gender(gender: pd.Series) -> pd.Series:
    """Whether each answer to the gender question gives a gender (the base of a share).

    A blank, "Prefer not to say" and the tables' own "Not given" do not.

    Examples
    --------
    >>> given_gender(pd.Series(["Woman", "", "Prefer not to say", "Not given"])).tolist()
    [True, False, False, False]
    """
    text = gender.fillna("").astype(str).str.strip().str.casefold()
    return (text != "") & ~text.isin(["prefer not to say", _NOT_GIVEN.casefold()])


def senior_women(extract: pd.DataFrame, people: pd.DataFrame, senior_level: int
                 ) -> pd.DataFrame:
    """Count women at the senior grades on staff, and among mentees who moved up.

    Parameters
    ----------
    extract : pandas.DataFrame
        The HR extract (``level, employed`` and ``gender``).
    people : pandas.DataFrame
        From :func:`outcome_people`.
    senior_level : int
        The ladder level from which a grade counts as senior (4: grade 9 on the UK ladder).

    Returns
    -------
    pandas.DataFrame
        Rows "Staff at the senior grades" (everyone still employed at ``senior_level`` or
        above), "Mentees who moved up" and "Mentees who moved up to the senior grades";
        columns ``women``, ``people`` (those who gave a gender: the base of the share).

    Examples
    --------
    >>> extract = pd.DataFrame({"level": [4, 4, 5, 3], "employed": [True, True, True, True],
    ...                         "gender": ["Woman", "Man", "Man", "Woman"]})
    >>> people = pd.DataFrame({"group": ["Mentees"], "gender": ["Woman"], "moved_up": [True],
    ...                        "level": [4.0]})
    >>> senior_women(extract, people, 4)["women"].tolist()
    [1, 1, 1]
    """
    gender = extract.get("gender", pd.Series("", index=extract.index))
    staff = extract["employed"].astype(bool) & (pd.to_numeric(extract["level"]) >= senior_level)
    movers = people[(people["group"] == MENTEES) & people["moved_up"].astype(bool)]
    up_senior = movers[movers["level"] >= senior_level]
    rows = {
        "Staff at the senior grades": (gender[staff], gender[staff]),
        "Mentees who moved up": (movers["gender"], movers["gender"]),
        "Mentees who moved up to the senior grades": (up_senior["gender"], up_senior["gender"]),
    }
    return pd.DataFrame({
        "women": [int((is_woman(g) & given_gender(g)).sum()) for g, _ in rows.values()],
        "people": [int(given_gender(g).sum()) for _, g in rows.values()],
    }, index=list(rows))


def wilson_interval(successes: float | np.ndarray, n: float | np.ndarray,
                    z: float = _Z95) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval of a proportion (95% by default), in percent.

    Better than the textbook interval for small groups and for shares near 0 or 100%:
    it never leaves 0 to 100.

    Parameters
    ----------
    successes, n : float or array
        Counts (``n`` 0 gives NaN).
    z : float
        The normal quantile (1.96 for 95%).

    Returns
    -------
    low, high : numpy.ndarray
        The interval's ends, in percent.

    Examples
    --------
    >>> low, high = wilson_interval(20, 50)
    >>> round(float(low), 1), round(float(high), 1)
    (27.6, 53.8)
    """
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
        low = np.where(m > 0, 100 * (centre - half), np.nan)
        high = np.where(m > 0, 100 * (centre + half), np.nan)
    return np.clip(low, 0, 100), np.clip(high, 0, 100)
