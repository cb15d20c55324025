"""Pair scoring and eligibility: vectorised matrices of mentees x mentors.

Every function here is pure: it takes the mentees' and the mentors' rows (DataFrames with the
columns :func:`toolkit.read_signups` produces) and returns NumPy matrices with one row per
mentee and one column per mentor. No Python loop runs over pairs.

Eligibility is a set of hard rules, each a boolean matrix that marks the pairs it rules out
(:data:`RULES` lists them in the order used to give one reason per pair). The score of an
eligible pair is a weighted sum of components, each in [0, 1] (:data:`COMPONENTS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.core.answers import split_multi
from toolkit.core.management import ancestors, chain_mask
from toolkit.core.text import fold, normalise_emails
from toolkit.errors import SettingsError

__all__ = [
    "CHOICE_COMPONENTS",
    "COMPONENTS",
    "COMPONENT_LABELS",
    "DEFAULT_IDEAL_GAP",
    "DEFAULT_MIN_GAP",
    "DEFAULT_WEIGHTS",
    "RULES",
    "WEIGHT_SETTINGS",
    "BlockScorer",
    "ComponentStack",
    "Eligibility",
    "combine_scores",
    "component_weights",
    "eligibility",
    "named_pairs",
    "not_paired_mask",
    "pair_mask",
    "score_components",
    "validate_weight_settings",
    "validate_weights",
    "weight_totals",
]

#: The score components, in the order of the output columns.
COMPONENTS: tuple[str, ...] = ("topics", "seniority", "meeting_mode", "gender_preference",
                               "mentor_choice", "mentor_kind")

#: The components that count only for mentees who answered their question (a mentee who
#: named no mentor, or wanted no kind of mentor, is scored on the other components alone).
CHOICE_COMPONENTS: tuple[str, ...] = ("mentor_choice", "mentor_kind")

#: What each component measures, in a lead's words (shown in the notebook and the docs).
COMPONENT_LABELS: dict[str, str] = {
    "topics": "share of the mentee's topics the mentor also chose",
    "seniority": "1 when the grade gap is in the ideal range, less the further it is from it",
    "meeting_mode": "1 when both can meet the same way (in person, online, or either), else 0",
    "gender_preference": "1 when the mentee has no preference or the mentor matches it, else 0",
    "mentor_choice": "1 for the mentee's first-named mentor, less for later names, 0 for others "
                     "(counts only for mentees who named mentors)",
    "mentor_kind": "share of the kinds of mentor the mentee wants that the mentor says they are "
                   "(counts only for mentees who chose a kind)",
}

#: Default weights: topics matter most, then the grade gap, then how to meet.
DEFAULT_WEIGHTS: dict[str, float] = {
    "topics": 0.4,
    "seniority": 0.3,
    "meeting_mode": 0.2,
    "gender_preference": 0.1,
    "mentor_choice": 0.3,
    "mentor_kind": 0.2,
}

#: The mentor must be at least this many ladder levels above the mentee (by default).
DEFAULT_MIN_GAP = 1
#: The grade gap (in ladder levels) that scores highest, both ends included.
DEFAULT_IDEAL_GAP: tuple[int, int] = (1, 2)

#: The hard rules, in the order used to name the one reason a pair is ruled out. Each key is
#: the rule's code; the value is how a reason reads ("12 same department").
RULES: dict[str, str] = {
    "mentee_outside": "mentee outside the scheme's grades",
    "not_available": "not available this round (capacity 0)",
    "mentor_below_minimum": "mentor grade below the scheme's minimum",
    "not_more_senior": "not more senior",
    "too_far_apart": "more grades apart than the scheme allows",
    "same_department": "same department",
    "line_management": "in the line-management chain",
    "not_paired_with": "asked not to be paired",
    "forbidden": "forbidden",
    "paired_before": "paired before",
}

#: The rule settings a weights file may hold beside the weights.
WEIGHT_SETTINGS: tuple[str, ...] = ("min_gap", "ideal_gap")


@dataclass
class Eligibility:
    """Which mentee-mentor pairs the rules allow, and why the others are ruled out.

    Attributes
    ----------
    rules : dict of str to numpy.ndarray of bool
        For each rule of :data:`RULES`, True where that rule rules the pair out.
    self_pair : numpy.ndarray of bool
        True where the mentee and the mentor are the same person (never a candidate).
    """

    rules: dict[str, np.ndarray]
    self_pair: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        """True where every rule allows the pair."""
        out = ~self.self_pair
        for excluded in self.rules.values():
            out = out & ~excluded
        return out

    @property
    def reason_codes(self) -> np.ndarray:
        """The first rule (1-based index into :data:`RULES`) that rules each pair out; 0 if none.

        Pairs of a person with themselves get -1.
        """
        codes = np.zeros(self.self_pair.shape, dtype=np.int8)
        for k, name in reversed(list(enumerate(RULES, start=1))):
            codes[self.rules[name]] = k
        codes[self.self_pair] = -1
        return codes

    def with_rule(self, name: str, excluded: np.ndarray) -> Eligibility:
        """Return a copy with one rule's matrix replaced (e.g. a new forbidden list)."""
        rules = dict(self.rules)
        rules[name] = excluded
        return Eligibility(rules=rules, self_pair=self.self_pair)


def _folded(series: pd.Series) -> np.ndarray:
    """Fold answers (:func:`~toolkit.core.text.fold`) into an array that compares fast."""
    return fold(series).to_numpy(dtype=object, copy=True)


def pair_mask(mentee_emails: pd.Series | np.ndarray | list[str],
              mentor_emails: pd.Series | np.ndarray | list[str],
              pairs: pd.DataFrame | None) -> np.ndarray:
    """Mark listed pairs (``mentee_email, mentor_email``) in a mentees x mentors matrix.

    Parameters
    ----------
    mentee_emails, mentor_emails : sequence of str
        The matrix's row and column e-mails (unique, lower-case).
    pairs : pandas.DataFrame or None
        The pairs to mark; e-mails not in the matrix are ignored.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> p = pd.DataFrame({"mentee_email": ["a"], "mentor_email": ["y"]})
    >>> pair_mask(["a", "b"], ["x", "y"], p).tolist()
    [[False, True], [False, False]]
    """
    rows = pd.Index(np.asarray(mentee_emails, dtype=object))
    cols = pd.Index(np.asarray(mentor_emails, dtype=object))
    mask = np.zeros((len(rows), len(cols)), dtype=bool)
    if pairs is None or len(pairs) == 0 or mask.size == 0:
        return mask
    r = rows.get_indexer(normalise_emails(pairs["mentee_email"]))
    c = cols.get_indexer(normalise_emails(pairs["mentor_email"]))
    keep = (r >= 0) & (c >= 0)
    mask[r[keep], c[keep]] = True
    return mask


def eligibility(
    mentees: pd.DataFrame,
    mentors: pd.DataFrame,
    min_gap: int = DEFAULT_MIN_GAP,
    manager_of: Mapping[str, str] | None = None,
    forbid: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    *,
    max_gap: int | None = None,
    mentor_min_level: int | None = None,
    mentee_levels: tuple[int | None, int | None] = (None, None),
    same_department: bool = False,
    not_paired: np.ndarray | None = None,
) -> Eligibility:
    """Apply the scheme's hard rules to every mentee-mentor pair at once.

    The rules: the mentee's grade is within the scheme's (``mentee_levels``, when set); the
    mentor has capacity this round and a grade at least ``mentor_min_level`` (when set); is
    at least ``min_gap`` and at most ``max_gap`` (when set) ladder levels above the mentee;
    works in another department (compared trimmed and case-folded; ``same_department=True``
    drops this rule); is outside the mentee's line-management chain in both directions,
    transitively; neither asked not to be paired with the other (``not_paired``); the pair
    is not forbidden and has not been paired before. Nobody is paired with themselves.

    Parameters
    ----------
    mentees, mentors : pandas.DataFrame
        Rows with ``email, department, level, line_manager_email`` (and ``capacity`` for
        mentors).
    min_gap : int
        The smallest allowed grade gap in ladder levels (default 1: strictly more senior).
    manager_of : mapping of str to str, optional
        Each person's line manager; by default taken from both frames'
        ``line_manager_email``.
    forbid, previous : pandas.DataFrame, optional
        Pairs (``mentee_email, mentor_email``) that must not be made: forbidden by the lead,
        or made in an earlier round.
    max_gap : int, optional
        The largest allowed grade gap in ladder levels.
    mentor_min_level : int, optional
        The lowest ladder level a mentor may have.
    mentee_levels : (int or None, int or None)
        The lowest and highest ladder levels a mentee may have.
    same_department : bool
        True allows a mentor from the mentee's own department.
    not_paired : numpy.ndarray of bool, optional
        True where one of the two asked not to be paired with the other
        (:func:`not_paired_mask`).

    Returns
    -------
    Eligibility

    Examples
    --------
    >>> mentees = pd.DataFrame({"email": ["a"], "department": ["Maths"], "level": [1],
    ...                         "line_manager_email": ["c"]})
    >>> mentors = pd.DataFrame({"email": ["b", "c", "d"], "department": ["maths ", "Physics",
    ...                         "Physics"], "level": [3, 3, 3], "line_manager_email": "",
    ...                         "capacity": [1, 1, 1]})
    >>> e = eligibility(mentees, mentors)
    >>> e.mask.tolist(), e.reason_codes.tolist()
    ([[False, False, True]], [[6, 7, 0]])
    >>> eligibility(mentees, mentors, same_department=True, max_gap=2).mask.tolist()
    [[True, False, True]]
    """
    if int(min_gap) < 0:
        raise SettingsError(f"The minimum grade gap must be 0 or more levels (got {min_gap}).")
    e_mail = mentees["email"].astype(str).to_numpy(dtype=object)
    m_mail = mentors["email"].astype(str).to_numpy(dtype=object)
    if manager_of is None:
        manager_of = {}
        for frame in (mentors, mentees):
            if "line_manager_email" in frame:
                manager_of.update(zip(frame["email"].astype(str),
                                      frame["line_manager_email"].fillna("").astype(str),
                                      strict=True))
    e_level = mentees["level"].to_numpy(dtype=np.int64)
    m_level = mentors["level"].to_numpy(dtype=np.int64)
    capacity = mentors["capacity"].to_numpy(dtype=np.int64) if "capacity" in mentors else (
        np.ones(len(mentors), dtype=np.int64))
    shape = (len(mentees), len(mentors))
    e_dept, m_dept = _codes(_folded(mentees["department"]), _folded(mentors["department"]))
    if max_gap is not None and int(max_gap) < int(min_gap):
        raise SettingsError(f"The largest grade gap ({max_gap}) is below the smallest "
                            f"({min_gap}): no pair could keep both.")
    gap = m_level[None, :] - e_level[:, None]
    low, high = mentee_levels
    outside = np.zeros(len(mentees), dtype=bool)
    if low is not None:
        outside |= e_level < int(low)
    if high is not None:
        outside |= e_level > int(high)
    below = (m_level < int(mentor_min_level) if mentor_min_level is not None
             else np.zeros(len(mentors), dtype=bool))
    rules = {
        "mentee_outside": np.broadcast_to(outside[:, None], shape).copy(),
        "not_available": np.broadcast_to(capacity <= 0, shape).copy(),
        "mentor_below_minimum": np.broadcast_to(below[None, :], shape).copy(),
        "not_more_senior": gap < int(min_gap),
        "too_far_apart": (gap > int(max_gap) if max_gap is not None
                          else np.zeros(shape, dtype=bool)),
        "same_department": ((e_dept[:, None] == m_dept[None, :]) if not same_department
                            else np.zeros(shape, dtype=bool)),
        "line_management": chain_mask(e_mail, m_mail, manager_of),
        "not_paired_with": (np.zeros(shape, dtype=bool) if not_paired is None
                            else np.asarray(not_paired, dtype=bool)),
        "forbidden": pair_mask(e_mail, m_mail, forbid),
        "paired_before": pair_mask(e_mail, m_mail, previous),
    }
    e_key, m_key = _codes(e_mail, m_mail)
    self_pair = e_key[:, None] == m_key[None, :]
    return Eligibility(rules={k: np.asarray(v, dtype=bool) for k, v in rules.items()},
                       self_pair=np.asarray(self_pair, dtype=bool))


def named_pairs(answers: pd.Series, targets: pd.DataFrame) -> pd.DataFrame:
    """Read answers that name people (by e-mail or by name) onto the people they name.

    Each answer is a list (``"a@x.org; Ann Lee"``; ``;`` or ``,`` between names), in order of
    preference. A name is compared case-folded and trimmed with the targets' ``name``, an
    e-mail with their ``email``; a name that two targets share names both.

    Parameters
    ----------
    answers : pandas.Series of str
        One answer per person (the row's position is the person's index).
    targets : pandas.DataFrame
        The people who may be named: ``email`` and optionally ``name``.

    Returns
    -------
    pandas.DataFrame
        ``row, col, rank, token``: who named whom (positions), the place in the answer
        (0 first) and the text as written; ``col`` is -1 where the text names none of the
        targets.

    Examples
    --------
    >>> targets = pd.DataFrame({"email": ["x@e.org", "y@e.org"], "name": ["Xi Li", "Yan Bo"]})
    >>> named_pairs(pd.Series(["yan bo; x@e.org", "", "Zed"]), targets).values.tolist()
    [[0, 1, 0, 'yan bo'], [0, 0, 1, 'x@e.org'], [2, -1, 0, 'Zed']]
    """
    text = answers.fillna("").astype(str).reset_index(drop=True)
    if not text.str.strip().astype(bool).any():  # nobody named anyone (the usual case)
        return pd.DataFrame({"row": np.empty(0, np.int64), "col": np.empty(0, np.int64),
                             "rank": np.empty(0, np.int64),
                             "token": np.empty(0, dtype=object)})
    lists = split_multi(text)
    flat = lists.explode().dropna()
    flat = flat[flat.astype(str).str.strip() != ""]
    tokens = pd.DataFrame({"row": flat.index.to_numpy(dtype=np.int64),
                           "token": flat.astype(str).str.strip().to_numpy(dtype=object)})
    tokens["rank"] = tokens.groupby("row").cumcount().to_numpy(dtype=np.int64)
    tokens["key"] = fold(tokens["token"]).to_numpy(dtype=object)
    keys = [pd.DataFrame({"key": normalise_emails(targets["email"]).to_numpy(dtype=object),
                          "col": np.arange(len(targets))})]
    if "name" in targets:
        keys.append(pd.DataFrame({"key": fold(targets["name"].fillna("").astype(str)
                                              ).to_numpy(dtype=object),
                                  "col": np.arange(len(targets))}))
    table = pd.concat(keys, ignore_index=True)
    table = table[table["key"] != ""].drop_duplicates()
    out = tokens.merge(table, on="key", how="left", sort=False)
    out["col"] = out["col"].fillna(-1).astype(np.int64)
    out = out.drop_duplicates(["row", "col", "token"])
    return out[["row", "col", "rank", "token"]].reset_index(drop=True)


def not_paired_mask(mentees: pd.DataFrame, mentors: pd.DataFrame) -> np.ndarray:
    """Mark the pairs that either person asked not to be in (``not_paired_with``).

    A mentee's answer names mentors, a mentor's names mentees (e-mails or names); either
    way the pair is never made.

    Examples
    --------
    >>> mentees = pd.DataFrame({"email": ["a@e.org", "b@e.org"], "name": ["Ann", "Bo"],
    ...                         "not_paired_with": ["Cy", ""]})
    >>> mentors = pd.DataFrame({"email": ["c@e.org", "d@e.org"], "name": ["Cy", "Di"],
    ...                         "not_paired_with": ["", "b@e.org"]})
    >>> not_paired_mask(mentees, mentors).tolist()
    [[True, False], [False, True]]
    """
    mask = np.zeros((len(mentees), len(mentors)), dtype=bool)
    if "not_paired_with" in mentees and len(mentors):
        named = named_pairs(mentees["not_paired_with"], mentors)
        named = named[named["col"] >= 0]
        mask[named["row"].to_numpy(), named["col"].to_numpy()] = True
    if "not_paired_with" in mentors and len(mentees):
        named = named_pairs(mentors["not_paired_with"], mentees)
        named = named[named["col"] >= 0]
        mask[named["col"].to_numpy(), named["row"].to_numpy()] = True
    return mask


def _choices(mentees: pd.DataFrame, mentors: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Score the mentors each mentee named; say which mentees named at least one."""
    out = np.zeros((len(mentees), len(mentors)), dtype=np.float64)
    applies = np.zeros(len(mentees), dtype=bool)
    if "mentors_wanted" not in mentees or not len(mentors):
        return out, applies
    named = named_pairs(mentees["mentors_wanted"], mentors)
    named = named[named["col"] >= 0]
    # Rank among the names that were found: first 1, then down in equal steps.
    named = named.sort_values(["row", "rank"], kind="stable")
    place = named.groupby("row")["rank"].rank(method="dense").to_numpy() - 1
    count = named.groupby("row")["rank"].transform("nunique").to_numpy()
    value = 1.0 - place / np.maximum(count, 1)
    rows, cols = named["row"].to_numpy(), named["col"].to_numpy()
    np.maximum.at(out, (rows, cols), value)
    applies[rows] = True
    return out, applies


def _kinds(mentees: pd.DataFrame, mentors: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Score the kinds of mentor each mentee wants; say which mentees want any."""
    n, m = len(mentees), len(mentors)
    if "mentor_kind_wanted" not in mentees:
        return np.zeros((n, m)), np.zeros(n, dtype=bool)
    wanted = mentees["mentor_kind_wanted"].fillna("").astype(str).reset_index(drop=True)
    have = (mentors["mentor_kind"] if "mentor_kind" in mentors
            else pd.Series([""] * m, dtype=object)).fillna("").astype(str).reset_index(drop=True)
    vocabulary = pd.Index(sorted(set(_topics(pd.concat([wanted, have], ignore_index=True)))))
    te = _topic_matrix(wanted, vocabulary)
    tm = _topic_matrix(have, vocabulary)
    counts = te.sum(axis=1, keepdims=True)
    return (te @ tm.T) / np.maximum(counts, 1.0), counts[:, 0] > 0


def _topics(topics: pd.Series) -> pd.Series:
    """Each person's topics, one per row (index repeated), folded; empty topics dropped."""
    flat = topics.fillna("").astype(str).str.split(";").explode()
    flat = fold(flat)
    return flat[flat != ""]


def _topic_matrix(topics: pd.Series, vocabulary: pd.Index) -> np.ndarray:
    flat = _topics(topics)
    out = np.zeros((len(topics), len(vocabulary)), dtype=np.float64)
    rows = np.asarray(pd.Index(topics.index).get_indexer(flat.index))
    out[rows, vocabulary.get_indexer(flat.to_numpy())] = 1.0
    return out


def _codes(*arrays: np.ndarray) -> list[np.ndarray]:
    """Replace text by integer codes shared across the arrays (fast to compare)."""
    codes, _ = pd.factorize(np.concatenate(arrays))
    bounds = np.cumsum([0, *(len(a) for a in arrays)])
    return [codes[bounds[k]:bounds[k + 1]] for k in range(len(arrays))]


def _gender_code(series: pd.Series) -> np.ndarray:
    """Read a gender (or a preferred gender) as 1 woman, 2 man, 0 anything else."""
    folded = _folded(series)
    out = np.zeros(len(folded), dtype=np.int8)
    out[np.isin(folded, ["woman", "female", "a woman", "women", "f"])] = 1
    out[np.isin(folded, ["man", "male", "a man", "men", "m"])] = 2
    return out


def _lookup(table: np.ndarray, row_key: np.ndarray, col_key: np.ndarray, width: int,
            out: np.ndarray) -> None:
    """Fill ``out[i, j] = table[row_key[i] + col_key[j]]`` via a small (rows x width) table."""
    # Distinct row keys are few: build each distinct row once, then gather rows and columns.
    keys = np.arange(int(row_key.max(initial=0)) + 1)
    rows = table[keys[:, None] + np.arange(width)[None, :]]
    out[...] = rows[row_key][:, col_key]


def score_components(
    mentees: pd.DataFrame,
    mentors: pd.DataFrame,
    ideal_gap: tuple[int, int] = DEFAULT_IDEAL_GAP,
) -> dict[str, np.ndarray]:
    """Score every mentee-mentor pair on each component of :data:`COMPONENTS`, in [0, 1].

    - ``topics``: the share of the mentee's topics that the mentor also chose (0 when the
      mentee chose none); topics are compared trimmed and case-folded.
    - ``seniority``: 1 when the mentor is between ``ideal_gap[0]`` and ``ideal_gap[1]``
      levels above the mentee; ``1 / (1 + d)`` when the gap is ``d`` levels outside that range.
    - ``meeting_mode``: 1 when the two can meet the same way (equal, or either says
      "either"), 0 when one wants in person and the other online.
    - ``gender_preference``: 1 when the mentee has no preference for the mentor's gender or
      the mentor's gender matches it, 0 otherwise.
    - ``mentor_choice``: 1 for the first mentor the mentee named in ``mentors_wanted`` (by
      e-mail or name), then down in equal steps (of three names: 1, 2/3, 1/3), 0 for a
      mentor not named. Counts only for mentees who named a mentor (see ``applies``).
    - ``mentor_kind``: the share of the kinds of mentor the mentee wants
      (``mentor_kind_wanted``) that the mentor ticked about themselves (``mentor_kind``).
      Counts only for mentees who chose a kind.

    Parameters
    ----------
    mentees, mentors : pandas.DataFrame
        Rows with ``level, topics, meeting_mode`` (mentees also
        ``mentor_gender_preference``, mentors ``gender``); missing columns score neutrally.
    ideal_gap : (int, int)
        The grade gap, in ladder levels, that scores highest (both ends included).

    Returns
    -------
    ComponentStack
        One float matrix (mentees x mentors) per component; its ``applies`` says, for each
        component, which mentees it counts for.

    Examples
    --------
    >>> mentees = pd.DataFrame({"level": [0], "topics": ["Grants; Teaching"],
    ...                         "meeting_mode": ["online"], "mentor_gender_preference": ["woman"]})
    >>> mentors = pd.DataFrame({"level": [2, 5], "topics": ["grants", "Teaching; Grants"],
    ...                         "meeting_mode": ["either", "in person"],
    ...                         "gender": ["Woman", "Man"]})
    >>> {k: v.round(2).tolist() for k, v in score_components(mentees, mentors).items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'topics': [[0.5, 1.0]], 'seniority': [[1.0, 0.25]], 'meeting_mode': [[1.0, 0.0]],
     'gender_preference': [[1.0, 0.0]], 'mentor_choice': [[0.0, 0.0]], 'mentor_kind': [[0.0, 0.0]]}
    """
    lo, hi = (int(ideal_gap[0]), int(ideal_gap[1]))
    if lo > hi:
        raise SettingsError(f"The ideal grade gap must be (smallest, largest); got {ideal_gap}.")
    n, m = len(mentees), len(mentors)
    empty = pd.Series([""] * n, index=mentees.index, dtype=object)
    e_topics = mentees["topics"] if "topics" in mentees else empty
    m_topics = mentors["topics"] if "topics" in mentors else pd.Series([""] * m, dtype=object)
    vocabulary = pd.Index(sorted(set(_topics(pd.concat([e_topics, m_topics],
                                                       ignore_index=True)))))
    te = _topic_matrix(e_topics.reset_index(drop=True), vocabulary)
    tm = _topic_matrix(m_topics.reset_index(drop=True), vocabulary)
    counts = te.sum(axis=1, keepdims=True)
    # Every component is written straight into one stacked array: no per-pair Python, and
    # no full-size temporaries beyond the one being filled.
    stack = np.empty((len(COMPONENTS), n, m), dtype=np.float64)
    # Shared topics are counted exactly (sums of 0/1), then divided once: the same bits as
    # the block scorer (:class:`BlockScorer`), whatever order the matrix product adds in.
    np.matmul(te, tm.T, out=stack[0])
    stack[0] /= np.maximum(counts, 1.0)

    e_level = mentees["level"].to_numpy(dtype=np.int64)
    m_level = mentors["level"].to_numpy(dtype=np.int64)
    if n and m:
        # Few distinct gaps: score each once, then look every pair up in the small table.
        low = int(m_level.min() - e_level.max())
        gaps = np.arange(low, int(m_level.max() - e_level.min()) + 1)
        table = 1.0 / (1.0 + np.maximum(lo - gaps, 0) + np.maximum(gaps - hi, 0))
        _lookup(table, e_level.max() - e_level, m_level - m_level.min(),
                int(m_level.max() - m_level.min()) + 1, stack[1])

    def modes(frame: pd.DataFrame, count: int) -> np.ndarray:
        if "meeting_mode" not in frame:
            return np.full(count, "either", dtype=object)
        folded = _folded(frame["meeting_mode"])
        folded[folded == ""] = "either"
        return folded

    e_mode, m_mode, either = _codes(modes(mentees, n), modes(mentors, m),
                                    np.array(["either"], dtype=object))
    k = int(max(e_mode.max(initial=0), m_mode.max(initial=0), either[0])) + 1
    ways = np.arange(k)
    fits = ((ways[:, None] == ways[None, :]) | (ways[:, None] == either[0])
            | (ways[None, :] == either[0])).astype(np.float64)
    stack[2] = fits[e_mode][:, m_mode] if n and m else 0.0

    pref = (_gender_code(mentees["mentor_gender_preference"])
            if "mentor_gender_preference" in mentees else np.zeros(n, dtype=np.int8))
    gender = _gender_code(mentors["gender"]) if "gender" in mentors else np.zeros(m, np.int8)
    wants = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # [pref, gender]
    stack[3] = wants[pref][:, gender] if n and m else 0.0
    stack[4], chose = _choices(mentees, mentors)
    stack[5], wanted = _kinds(mentees, mentors)
    applies = np.ones((len(COMPONENTS), n), dtype=bool)
    applies[4], applies[5] = chose, wanted
    return ComponentStack(stack, applies)


def validate_weights(weights: Mapping[str, object] | None, source: str = "the weights"
                     ) -> dict[str, float]:
    """Check weights and fill in the defaults: one number of 0 or more per component.

    A component missing from ``weights`` keeps its default weight; 0 switches it off.

    Parameters
    ----------
    weights : mapping of str to number, or None
        Component -> weight; None gives :data:`DEFAULT_WEIGHTS`.
    source : str
        Where the weights came from, for messages.

    Returns
    -------
    dict of str to float
        A weight for every component, in the order of :data:`COMPONENTS`.

    Raises
    ------
    SettingsError
        If a name is not a component or a weight is not a number of 0 or more.

    Examples
    --------
    >>> validate_weights({"topics": 2})  # doctest: +NORMALIZE_WHITESPACE
    {'topics': 2.0, 'seniority': 0.3, 'meeting_mode': 0.2, 'gender_preference': 0.1,
     'mentor_choice': 0.3, 'mentor_kind': 0.2}
    >>> validate_weights({"topic": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: Unknown score component 'topic' in the weights; ...
    """
    out = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in COMPONENTS:
            raise SettingsError(
                f"Unknown score component '{name}' in {source}; the components are "
                f"{', '.join(COMPONENTS)}."
            )
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not (
                np.isfinite(value) and value >= 0):
            raise SettingsError(
                f"The weight of '{name}' in {source} must be a number of 0 or more "
                f"(got {value!r}); use 0 to switch the component off."
            )
        out[name] = float(value)
    if not any(out.values()):
        raise SettingsError(
            f"Every weight in {source} is 0, so every pair would score 0 and the pairs would be "
            "arbitrary: give at least one component a weight above 0."
        )
    if not any(out[k] for k in COMPONENTS if k not in CHOICE_COMPONENTS):
        everyone = ", ".join(k for k in COMPONENTS if k not in CHOICE_COMPONENTS)
        raise SettingsError(
            f"Every weight in {source} of a component that counts for every mentee "
            f"({everyone}) is 0, so mentees who made no choice would be paired arbitrarily: "
            "give at least one of them a weight above 0."
        )
    return {name: out[name] for name in COMPONENTS}


def validate_weight_settings(data: Mapping[str, object], source: str = "the weights"
                             ) -> tuple[dict[str, float], dict]:
    """Check a weights object: one weight per component, and optionally the grade gaps.

    This is the weights contract (a weights file holds the same object): besides one weight
    per component, ``"min_gap"`` (a whole number: the smallest allowed grade gap) and
    ``"ideal_gap"`` (two whole numbers: the gap range that scores highest).

    Parameters
    ----------
    data : mapping
        Component -> weight, plus the optional settings of :data:`WEIGHT_SETTINGS`.
    source : str
        Where the object came from, for messages.

    Returns
    -------
    (dict, dict)
        The validated weights (see :func:`validate_weights`), and the settings found
        (``min_gap``, ``ideal_gap`` as a tuple).

    Raises
    ------
    SettingsError
        If a weight or a setting is not allowed.

    Examples
    --------
    >>> weights, settings = validate_weight_settings({"topics": 1, "min_gap": 2})
    >>> weights["topics"], settings
    (1.0, {'min_gap': 2})
    """
    data = dict(data)
    settings = {k: data.pop(k) for k in WEIGHT_SETTINGS if k in data}
    if "min_gap" in settings:
        value = settings["min_gap"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"'min_gap' in {source} must be a whole number of levels, 0 or "
                                f"more (got {value!r}).")
    if "ideal_gap" in settings:
        value = settings["ideal_gap"]
        if (not isinstance(value, list | tuple) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                or value[0] > value[1]):
            raise SettingsError(f"'ideal_gap' in {source} must be two whole numbers "
                                f"[smallest, largest] (got {value!r}).")
        settings["ideal_gap"] = (int(value[0]), int(value[1]))
    return validate_weights(data, source), settings


def combine_scores(components: Mapping[str, np.ndarray], weights: Mapping[str, float]
                   ) -> np.ndarray:
    """Combine component matrices into one score in [0, 1]: the weight-averaged components.

    The weights are divided by their sum, so the score stays in [0, 1]; when every weight
    is 0 every pair scores 0 (the objective then only counts pairs). For a
    :class:`ComponentStack`, a component that does not apply to a mentee (a choice they did
    not make) is left out of that mentee's average, weight and all.

    Examples
    --------
    >>> comps = {"topics": np.array([[1.0, 0.0]]), "seniority": np.array([[0.5, 1.0]])}
    >>> combine_scores(comps, {"topics": 3, "seniority": 1}).tolist()
    [[0.875, 0.25]]
    """
    names = [k for k in components if weights.get(k, 0.0) > 0]
    total = float(sum(weights[k] for k in names))
    first = next(iter(components.values()))
    if total <= 0:
        return np.zeros(first.shape, dtype=np.float64)
    stack = getattr(components, "stack", None)
    if stack is not None and list(components) == list(COMPONENTS):
        # The weighted components added one at a time in the order of COMPONENTS, then each
        # mentee's row divided by the weights that apply to them: elementwise operations
        # only, so the block scorer (:class:`BlockScorer`) reproduces every score exactly.
        full = component_weights(weights)
        out = full[0] * stack[0]
        part = np.empty_like(out)
        for k in range(1, len(COMPONENTS)):
            if full[k]:
                np.multiply(stack[k], full[k], out=part)
                out += part
        per_row = weight_totals(full, components.applies)
        np.divide(out, per_row[:, None], out=out, where=per_row[:, None] > 0)
        out[per_row <= 0] = 0.0
    else:
        share = np.array([weights[k] / total for k in names])
        out = np.zeros(first.shape, dtype=np.float64)
        for name, w in zip(names, share, strict=True):
            out += w * components[name]
    return np.clip(out, 0.0, 1.0, out=out)


class ComponentStack(dict):
    """The score components as a dict of views into one stacked array (fast to combine).

    ``applies`` (components x mentees, bool) says which mentees each component counts for;
    a component that does not apply holds 0 for that mentee.
    """

    def __init__(self, stack: np.ndarray, applies: np.ndarray | None = None) -> None:
        super().__init__((name, stack[k]) for k, name in enumerate(COMPONENTS))
        self.stack = stack
        self.applies = (np.ones(stack.shape[:2], dtype=bool) if applies is None
                        else np.asarray(applies, dtype=bool))

    def shares(self, weights: Mapping[str, float]) -> np.ndarray:
        """Each component's share of each mentee's score (components x mentees).

        Examples
        --------
        >>> stack = ComponentStack(np.zeros((len(COMPONENTS), 1, 1)))
        >>> stack.shares({"topics": 1.0})[:, 0].tolist()
        [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        """
        full = np.array([max(float(weights.get(k, 0.0)), 0.0) for k in COMPONENTS])
        part = full[:, None] * self.applies
        total = part.sum(axis=0, keepdims=True)
        return np.divide(part, total, out=np.zeros_like(part), where=total > 0)


def component_weights(weights: Mapping[str, float]) -> np.ndarray:
    """Return the weights in the order of :data:`COMPONENTS`, 0 for one switched off.

    Examples
    --------
    >>> component_weights({"topics": 2, "seniority": -1}).tolist()
    [2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    return np.array([float(weights.get(k, 0.0)) if float(weights.get(k, 0.0)) > 0 else 0.0
                     for k in COMPONENTS])


def weight_totals(full: np.ndarray, applies: np.ndarray) -> np.ndarray:
    """Each mentee's total weight over the components that apply to them (added in order).

    Examples
    --------
    >>> weight_totals(np.array([0.5, 0.25, 0, 0, 1, 0]),
    ...               np.array([[1, 1], [1, 1], [1, 1], [1, 1], [1, 0], [1, 1]], bool)).tolist()
    [1.75, 0.75]
    """
    out = np.zeros(applies.shape[1])
    for k in range(len(full)):
        if full[k]:
            out = out + full[k] * applies[k]
    return out


def _rows_of(keys_r: np.ndarray, n: int) -> np.ndarray:
    """Row pointers of pairs sorted by row (a CSR index): row i's pairs are ptr[i]:ptr[i+1]."""
    return np.searchsorted(keys_r, np.arange(n + 1))


def _gather(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions of these rows' pairs in a CSR list, and each one's row."""
    start, stop = ptr[rows], ptr[rows + 1]
    size = stop - start
    local = np.repeat(np.arange(len(rows)), size)
    pos = np.repeat(start - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    return pos, local


class BlockScorer:
    """Score a large scheme block by block: the combined score of the pairs the rules allow.

    A pair source for :func:`toolkit.core.sparse_assignment.solve_sparse`: calling it with
    some mentees' rows gives a rows x mentors block of combined scores, ``-inf`` where a rule
    rules the pair out. It gives exactly (bit for bit) what :func:`eligibility`,
    :func:`score_components` and :func:`combine_scores` give for those pairs, with the same
    elementwise operations in the same order, but holds only per-person arrays and the few
    pairs named in lists (line management, choices, forbidden, earlier), never a matrix of
    the whole scheme.

    Parameters
    ----------
    mentees, mentors : pandas.DataFrame
        As for :func:`eligibility` and :func:`score_components` (e-mails unique).
    weights : mapping of str to float
        Validated weights (:func:`validate_weights`).
    min_gap, ideal_gap, max_gap, mentor_min_level, mentee_levels, same_department
        The rules, as for :func:`eligibility` and :func:`score_components`.
    manager_of : mapping of str to str
        Each person's line manager.
    forbid, previous : pandas.DataFrame, optional
        Pairs never to make (``mentee_email, mentor_email``).

    Examples
    --------
    >>> mentees = pd.DataFrame({"email": ["a"], "department": ["X"], "level": [0],
    ...                         "topics": ["Grants"]})
    >>> mentors = pd.DataFrame({"email": ["b", "c"], "department": ["Y", "X"],
    ...                         "level": [2, 2], "topics": ["Grants", ""]})
    >>> scorer = BlockScorer(mentees, mentors, validate_weights({"topics": 1}))
    >>> scorer(np.array([0])).tolist()
    [[1.0, -inf]]
    """

    def __init__(self, mentees: pd.DataFrame, mentors: pd.DataFrame,
                 weights: Mapping[str, float], *, min_gap: int = DEFAULT_MIN_GAP,
                 ideal_gap: tuple[int, int] = DEFAULT_IDEAL_GAP,
                 manager_of: Mapping[str, str] | None = None,
                 forbid: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
                 max_gap: int | None = None, mentor_min_level: int | None = None,
                 mentee_levels: tuple[int | None, int | None] = (None, None),
                 same_department: bool = False) -> None:
        self.mentees, self.mentors = mentees, mentors
        n, m = len(mentees), len(mentors)
        self.n, self.m = n, m
        self.full = component_weights(weights)
        self.min_gap, self.max_gap = int(min_gap), max_gap
        lo, hi = int(ideal_gap[0]), int(ideal_gap[1])
        if lo > hi:
            raise SettingsError(f"The ideal grade gap must be (smallest, largest); got "
                                f"{ideal_gap}.")
        self.ideal_gap = (lo, hi)
        self.manager_of = dict(manager_of or {})
        self.rule_args = {"max_gap": max_gap, "mentor_min_level": mentor_min_level,
                          "mentee_levels": mentee_levels, "same_department": same_department,
                          "forbid": forbid, "previous": previous}
        self._people(mentees, mentors)
        self._rules(mentor_min_level, mentee_levels, same_department)
        self._listed(forbid, previous)
        self.eligible_rows = np.full(n, -1, dtype=np.int64)

    def _people(self, mentees: pd.DataFrame, mentors: pd.DataFrame) -> None:
        """Build the per-person arrays the scores come from."""
        n, m = self.n, self.m
        empty = pd.Series([""] * n, index=mentees.index, dtype=object)
        e_topics = mentees["topics"] if "topics" in mentees else empty
        m_topics = mentors["topics"] if "topics" in mentors else pd.Series([""] * m,
                                                                              dtype=object)
        vocabulary = pd.Index(sorted(set(_topics(pd.concat([e_topics, m_topics],
                                                           ignore_index=True)))))
        te = _topic_matrix(e_topics.reset_index(drop=True), vocabulary)
        # 0/1 in float32: the shared counts are whole numbers, exact in float32.
        self.te = te.astype(np.float32)
        self.tm_t = np.ascontiguousarray(_topic_matrix(m_topics.reset_index(drop=True),
                                                       vocabulary).T.astype(np.float32))
        self.t_count = np.maximum(te.sum(axis=1), 1.0)
        self.e_level = mentees["level"].to_numpy(dtype=np.int64)
        self.m_level = mentors["level"].to_numpy(dtype=np.int64)
        lo, hi = self.ideal_gap
        self.gap_low = int(self.m_level.min(initial=0) - self.e_level.max(initial=0))
        gaps = np.arange(self.gap_low, int(self.m_level.max(initial=0)
                                           - self.e_level.min(initial=0)) + 1)
        seniority = 1.0 / (1.0 + np.maximum(lo - gaps, 0) + np.maximum(gaps - hi, 0))
        self.seniority = seniority
        # Few distinct mentee grades: one row of weighted seniority per grade, gathered whole.
        self.e_grades, self.e_grade = np.unique(self.e_level, return_inverse=True)
        self.grade_seniority = self.full[1] * seniority[self.m_level[None, :]
                                                        - self.e_grades[:, None]
                                                        - self.gap_low]

        def modes(frame: pd.DataFrame, count: int) -> np.ndarray:
            if "meeting_mode" not in frame:
                return np.full(count, "either", dtype=object)
            folded = _folded(frame["meeting_mode"])
            folded[folded == ""] = "either"
            return folded

        e_mode, m_mode, either = _codes(modes(mentees, n), modes(mentors, m),
                                        np.array(["either"], dtype=object))
        k = int(max(e_mode.max(initial=0), m_mode.max(initial=0), either[0])) + 1
        ways = np.arange(k)
        self.fits = ((ways[:, None] == ways[None, :]) | (ways[:, None] == either[0])
                     | (ways[None, :] == either[0])).astype(np.float64)
        self.e_mode, self.m_mode = e_mode, m_mode
        self.pref = (_gender_code(mentees["mentor_gender_preference"])
                     if "mentor_gender_preference" in mentees else np.zeros(n, dtype=np.int8))
        self.gender = (_gender_code(mentors["gender"]) if "gender" in mentors
                       else np.zeros(m, np.int8))
        self.wants = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        # One row per kind of mentee (way of meeting, gender wanted), gathered whole.
        self.mode_rows = self.full[2] * self.fits[:, m_mode]
        self.gender_rows = self.full[3] * self.wants[:, self.gender]
        # Named mentors: few pairs, kept as a list sorted by mentee (the same values as
        # score_components, whose ranks are counted within each mentee's own answer).
        applies = np.ones((len(COMPONENTS), n), dtype=bool)
        chosen = pd.DataFrame({"row": np.empty(0, np.int64), "col": np.empty(0, np.int64),
                               "value": np.empty(0)})
        if "mentors_wanted" in mentees and m:
            named = named_pairs(mentees["mentors_wanted"], mentors)
            named = named[named["col"] >= 0].sort_values(["row", "rank"], kind="stable")
            place = named.groupby("row")["rank"].rank(method="dense").to_numpy() - 1
            count = named.groupby("row")["rank"].transform("nunique").to_numpy()
            chosen = pd.DataFrame({"row": named["row"].to_numpy(np.int64),
                                   "col": named["col"].to_numpy(np.int64),
                                   "value": 1.0 - place / np.maximum(count, 1)})
            chosen = chosen.groupby(["row", "col"], as_index=False)["value"].max()
        applies[4] = False
        applies[4][chosen["row"].to_numpy()] = True
        self.choice_r = chosen["row"].to_numpy(np.int64)
        self.choice_c = chosen["col"].to_numpy(np.int64)
        self.choice_v = chosen["value"].to_numpy(np.float64)
        self.choice_ptr = _rows_of(self.choice_r, n)
        # Kinds of mentor wanted, as the topics.
        self.ke = np.zeros((n, 0), dtype=np.float32)
        self.km_t = np.zeros((0, m), dtype=np.float32)
        self.k_count = np.ones(n)
        applies[5] = False
        if "mentor_kind_wanted" in mentees:
            wanted = mentees["mentor_kind_wanted"].fillna("").astype(str).reset_index(drop=True)
            have = (mentors["mentor_kind"] if "mentor_kind" in mentors
                    else pd.Series([""] * m, dtype=object)).fillna("").astype(str
                                                                      ).reset_index(drop=True)
            vocab = pd.Index(sorted(set(_topics(pd.concat([wanted, have], ignore_index=True)))))
            ke = _topic_matrix(wanted, vocab)
            self.ke = ke.astype(np.float32)
            self.km_t = np.ascontiguousarray(_topic_matrix(have, vocab).T.astype(np.float32))
            counts = ke.sum(axis=1)
            self.k_count = np.maximum(counts, 1.0)
            applies[5] = counts > 0
        self.applies = applies
        self.per_row = weight_totals(self.full, applies)

    def _rules(self, mentor_min_level: int | None,
               mentee_levels: tuple[int | None, int | None], same_department: bool) -> None:
        """Prepare the rules on one person, or on two people's grades and departments."""
        if self.max_gap is not None and int(self.max_gap) < self.min_gap:
            raise SettingsError(f"The largest grade gap ({self.max_gap}) is below the smallest "
                                f"({self.min_gap}): no pair could keep both.")
        capacity = (self.mentors["capacity"].to_numpy(dtype=np.int64)
                    if "capacity" in self.mentors else np.ones(self.m, dtype=np.int64))
        self.col_ok = capacity > 0
        if mentor_min_level is not None:
            self.col_ok &= self.m_level >= int(mentor_min_level)
        low, high = mentee_levels
        self.row_ok = np.ones(self.n, dtype=bool)
        if low is not None:
            self.row_ok &= self.e_level >= int(low)
        if high is not None:
            self.row_ok &= self.e_level <= int(high)
        # The grade rules and the mentor's own rules, one row per mentee grade.
        gap = self.m_level[None, :] - self.e_grades[:, None]
        self.grade_bad = (gap < self.min_gap) | ~self.col_ok[None, :]
        if self.max_gap is not None:
            self.grade_bad |= gap > int(self.max_gap)
        self.e_dept, self.m_dept = _codes(_folded(self.mentees["department"]),
                                          _folded(self.mentors["department"]))
        self.same_department = same_department

    def _listed(self, forbid: pd.DataFrame | None, previous: pd.DataFrame | None) -> None:
        """List the pairs ruled out one by one.

        Line management, asked not to be paired, forbidden, earlier, and a person with
        themselves.
        """
        e_mail = pd.Index(self.mentees["email"].astype(str).to_numpy(dtype=object))
        m_mail = pd.Index(self.mentors["email"].astype(str).to_numpy(dtype=object))
        manager_of = self.manager_of
        if not manager_of:
            for frame in (self.mentors, self.mentees):
                if "line_manager_email" in frame:
                    manager_of.update(zip(frame["email"].astype(str),
                                          frame["line_manager_email"].fillna("").astype(str),
                                          strict=True))
        rs, cs = [], []
        chain = ancestors(manager_of)
        for lower, upper in (("person", "manager"), ("manager", "person")):
            r = e_mail.get_indexer(chain[lower].to_numpy(dtype=object))
            c = m_mail.get_indexer(chain[upper].to_numpy(dtype=object))
            rs.append(r[(r >= 0) & (c >= 0)])
            cs.append(c[(r >= 0) & (c >= 0)])
        for frame, flip in ((self.mentees, False), (self.mentors, True)):
            if "not_paired_with" in frame and self.n and self.m:
                named = named_pairs(frame["not_paired_with"],
                                    self.mentors if not flip else self.mentees)
                named = named[named["col"] >= 0]
                a, b = named["row"].to_numpy(np.int64), named["col"].to_numpy(np.int64)
                rs.append(b if flip else a)
                cs.append(a if flip else b)
        for pairs in (forbid, previous):
            if pairs is not None and len(pairs):
                r = e_mail.get_indexer(normalise_emails(pairs["mentee_email"]))
                c = m_mail.get_indexer(normalise_emails(pairs["mentor_email"]))
                rs.append(r[(r >= 0) & (c >= 0)])
                cs.append(c[(r >= 0) & (c >= 0)])
        e_key, m_key = _codes(e_mail.to_numpy(dtype=object), m_mail.to_numpy(dtype=object))
        c = pd.Index(m_key).get_indexer(e_key)
        rs.append(np.flatnonzero(c >= 0))
        cs.append(c[c >= 0])
        r = np.concatenate(rs).astype(np.int64)
        c = np.concatenate(cs).astype(np.int64)
        order = np.lexsort((c, r))
        self.out_r, self.out_c = r[order], c[order]
        self.out_ptr = _rows_of(self.out_r, self.n)

    def _in_block(self, ptr: np.ndarray, listed: np.ndarray, rows: np.ndarray,
                cols: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the listed pairs of these rows in the block: positions, block row, column."""
        pos, local = _gather(ptr, rows)
        c = listed[pos]
        if cols is None:
            return pos, local, c
        where = np.full(self.m, -1, dtype=np.int64)
        where[cols] = np.arange(len(cols))
        keep = where[c] >= 0
        return pos[keep], local[keep], where[c[keep]]

    def scores(self, rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Return the combined scores of these mentees with every mentor (no rules applied).

        With ``cols``, with those mentors only (the same values).
        """
        rows = np.asarray(rows, dtype=np.int64)
        every = slice(None) if cols is None else np.asarray(cols, dtype=np.int64)
        width = self.m if cols is None else len(every)
        full = self.full
        acc = np.empty((len(rows), width))
        if full[0]:
            np.divide(self.te[rows] @ self.tm_t[:, every], self.t_count[rows, None], out=acc)
            acc *= full[0]
        else:
            acc[...] = 0.0
        if full[1]:
            acc += self.grade_seniority[:, every][self.e_grade[rows]]
        if full[2]:
            acc += self.mode_rows[:, every][self.e_mode[rows]]
        if full[3]:
            acc += self.gender_rows[:, every][self.pref[rows]]
        if full[4]:
            pos, local, c = self._in_block(self.choice_ptr, self.choice_c, rows, cols)
            acc[local, c] += full[4] * self.choice_v[pos]
        if full[5]:
            some = np.flatnonzero(self.applies[5][rows])
            if len(some):
                kinds = np.divide(self.ke[rows[some]] @ self.km_t[:, every],
                                  self.k_count[rows[some], None])
                kinds *= full[5]
                acc[some] += kinds
        per_row = self.per_row[rows]
        np.divide(acc, per_row[:, None], out=acc, where=per_row[:, None] > 0)
        acc[per_row <= 0] = 0.0
        return np.clip(acc, 0.0, 1.0, out=acc)

    def __call__(self, rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Return the combined scores of these mentees' allowed pairs, ``-inf`` if ruled out.

        With ``cols``, with those mentors only.
        """
        rows = np.asarray(rows, dtype=np.int64)
        acc = self.scores(rows, cols)
        every = slice(None) if cols is None else np.asarray(cols, dtype=np.int64)
        bad = self.grade_bad[:, every][self.e_grade[rows]]
        if not self.same_department:
            bad |= self.e_dept[rows, None] == self.m_dept[None, every]
        bad[~self.row_ok[rows]] = True
        _, local, c = self._in_block(self.out_ptr, self.out_c, rows, cols)
        bad[local, c] = True
        np.putmask(acc, bad, -np.inf)
        if cols is None:
            self.eligible_rows[rows] = self.m - np.count_nonzero(bad, axis=1)
        return acc

    def pair_components(self, r: np.ndarray, c: np.ndarray) -> tuple[dict[str, np.ndarray],
                                                                       np.ndarray]:
        """Each component and the combined score of the given pairs only (for explanations).

        The same values as :func:`score_components` and :func:`combine_scores` at those pairs.
        """
        r = np.asarray(r, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        comps = {}
        comps["topics"] = ((self.te[r].astype(np.float64) * self.tm_t.T[c]).sum(axis=1)
                           / self.t_count[r])
        comps["seniority"] = self.seniority[self.m_level[c] - self.e_level[r] - self.gap_low]
        comps["meeting_mode"] = self.fits[self.e_mode[r], self.m_mode[c]]
        comps["gender_preference"] = self.wants[self.pref[r], self.gender[c]]
        choice = np.zeros(len(r))
        if len(self.choice_r):
            keys = self.choice_r * max(self.m, 1) + self.choice_c
            want = r * max(self.m, 1) + c
            at = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
            hit = keys[at] == want
            choice[hit] = self.choice_v[at[hit]]
        comps["mentor_choice"] = choice
        kinds = np.zeros(len(r))
        if self.ke.shape[1]:
            kinds = ((self.ke[r].astype(np.float64) * self.km_t.T[c]).sum(axis=1)
                     / self.k_count[r])
        comps["mentor_kind"] = kinds
        full = self.full
        acc = full[0] * comps["topics"]
        for k, name in enumerate(COMPONENTS[1:], start=1):
            if full[k]:
                acc = acc + full[k] * comps[name]
        per_row = self.per_row[r]
        acc = np.divide(acc, per_row, out=acc, where=per_row > 0)
        acc[per_row <= 0] = 0.0
        return comps, np.clip(acc, 0.0, 1.0)
