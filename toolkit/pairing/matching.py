"""Mentor-mentee pairing: the rules, the score and the exact solver put together, explained.

:func:`match_mentors` pairs every mentee it can with a mentor who is more senior, in another
department, outside their line-management chain and with room left, choosing the pairs that
are best for the scheme as a whole (an *optimal assignment*, not a stable matching: see
:mod:`toolkit.core.assignment`). :class:`MentorMatcher` keeps the rules and score components of
one set of sign-ups so that a new weight or objective re-matches at once (the notebook's
sliders use it).

This module is the engine: it reads no file and no store. The lists of pairs it takes come
from :mod:`toolkit.pairing.pair_files` and :mod:`toolkit.pairing.service`, its weights from
:func:`toolkit.pairing.settings.read_weights`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

import toolkit.core.assignment as assignment
from toolkit.core.assignment import OBJECTIVES, default_method, solve_assignment
from toolkit.core.ladder import DEFAULT_LADDER, Ladder
from toolkit.core.sparse_assignment import solve_sparse
from toolkit.core.text import normalise_emails
from toolkit.errors import InputFileError, RuleError, SettingsError
from toolkit.pairing.rules import SchemeRules, validate_rules
from toolkit.pairing.scoring import (
    CHOICE_COMPONENTS,
    COMPONENTS,
    DEFAULT_IDEAL_GAP,
    DEFAULT_MIN_GAP,
    RULES,
    WEIGHT_SETTINGS,
    BlockScorer,
    ComponentStack,
    Eligibility,
    combine_scores,
    component_weights,
    eligibility,
    named_pairs,
    not_paired_mask,
    pair_mask,
    score_components,
    validate_weight_settings,
    validate_weights,
)

__all__ = [
    "PAIR_COLUMNS",
    "PAIR_FIELDS",
    "WEIGHTS_NOT_A_MAPPING",
    "MatchResult",
    "MentorMatcher",
    "Signups",
    "compare_pairs",
    "match_mentors",
    "normalise_pairs",
    "run_summary",
]

#: The columns of ``MatchResult.pairs`` and of ``pairs.csv`` (then one per component).
PAIR_COLUMNS = ["mentee_email", "mentor_email", "score", *COMPONENTS]

#: Why a choice component does not count for a mentee, for the pair explanation.
CHOICE_NOT_MADE = {"mentor_choice": "the mentee named no mentor among the sign-ups",
                   "mentor_kind": "the mentee chose no kind of mentor"}

#: The two columns of every list of pairs (locks, forbidden, current, earlier).
PAIR_FIELDS = ("mentee_email", "mentor_email")

#: The message when :func:`match_mentors` is given a weights file instead of the weights.
WEIGHTS_NOT_A_MAPPING = (
    "The weights must be a mapping such as {{'topics': 0.4}} (got {value!r}): read a weights "
    "file with toolkit.pairing.read_weights(path) and pass the weights and settings it returns."
)


class Signups(Protocol):
    """An import of sign-ups, such as :class:`~toolkit.intake.signups.SignupImport`."""

    people: pd.DataFrame


def normalise_pairs(pairs: pd.DataFrame | None, what: str = "pairs") -> pd.DataFrame:
    """Return a list of pairs as ``mentee_email, mentor_email``: e-mails as keys, no repeats.

    Parameters
    ----------
    pairs : pandas.DataFrame or None
        Pairs with (at least) the columns ``mentee_email`` and ``mentor_email``; None or an
        empty frame gives no pairs.
    what : str
        What the pairs are ("locked pairs", ...), for messages.

    Raises
    ------
    SettingsError
        If a column is missing.

    Examples
    --------
    >>> p = pd.DataFrame({"mentee_email": [" A@x.org", "a@x.org"], "mentor_email": ["b@x.org"] * 2,
    ...                   "score": [0.5, 0.7]})
    >>> normalise_pairs(p).values.tolist()
    [['a@x.org', 'b@x.org']]
    """
    if pairs is None or len(pairs) == 0:
        return pd.DataFrame({"mentee_email": pd.Series(dtype=object),
                             "mentor_email": pd.Series(dtype=object)})
    missing = [c for c in PAIR_FIELDS if c not in pairs.columns]
    if missing:
        raise SettingsError(f"The {what} need the columns mentee_email and mentor_email "
                            f"(missing {missing}).")
    out = pd.DataFrame({c: normalise_emails(pairs[c]).to_numpy(dtype=object)
                        for c in PAIR_FIELDS})
    return out.drop_duplicates().reset_index(drop=True)


def compare_pairs(before: pd.DataFrame | None, after: pd.DataFrame) -> pd.DataFrame:
    """Say what changed for each mentee between two sets of pairs.

    Returns
    -------
    pandas.DataFrame
        Columns ``mentee_email, before, after, change`` with change one of ``same``,
        ``new mentor``, ``newly matched``, ``now unmatched``; sorted by e-mail.

    Examples
    --------
    >>> old = pd.DataFrame({"mentee_email": ["a", "b"], "mentor_email": ["x", "y"]})
    >>> new = pd.DataFrame({"mentee_email": ["a", "c"], "mentor_email": ["z", "y"]})
    >>> compare_pairs(old, new)["change"].tolist()
    ['new mentor', 'now unmatched', 'newly matched']
    """
    before = normalise_pairs(before, "earlier pairs")
    after = normalise_pairs(after, "pairs")
    both = before.merge(after, on="mentee_email", how="outer", suffixes=("_before", "_after"))
    both = both.rename(columns={"mentor_email_before": "before", "mentor_email_after": "after"})
    both[["before", "after"]] = both[["before", "after"]].fillna("")
    change = np.select(
        [both["before"] == both["after"], both["before"] == "", both["after"] == ""],
        ["same", "newly matched", "now unmatched"], default="new mentor")
    both["change"] = change
    return both.sort_values("mentee_email").reset_index(drop=True)[
        ["mentee_email", "before", "after", "change"]]


def _people_frame(signups: Signups | pd.DataFrame) -> pd.DataFrame:
    people = signups.people if hasattr(signups, "people") else signups
    needed = ["email", "department", "level", "role"]
    missing = [c for c in needed if c not in people.columns]
    if missing:
        raise InputFileError(f"The sign-ups lack the column(s) {missing} that pairing needs: "
                             "import them with toolkit.read_signups.")
    people = people.copy()
    people["email"] = normalise_emails(people["email"])
    if people["email"].duplicated().any():
        dup = sorted(people.loc[people["email"].duplicated(), "email"])[0]
        raise InputFileError(f"'{dup}' signed up more than once: keep one row per person.")
    if "capacity" not in people:
        people["capacity"] = 1
    people["capacity"] = pd.to_numeric(people["capacity"]).fillna(0).astype(np.int64)
    people["level"] = pd.to_numeric(people["level"]).astype(np.int64)
    return people.sort_values("email", kind="stable").reset_index(drop=True)


@dataclass
class MatchResult:
    """The outcome of one matching run, with the reasons behind it.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per pair, sorted by mentee e-mail: ``mentee_email, mentor_email, score``, one
        column per score component (each in [0, 1]), and ``origin`` (``new``, ``locked`` or
        ``current``).
    unmatched : pandas.DataFrame
        ``mentee_email, reason`` for every mentee left without a mentor.
    settings : dict
        Weights, objective, rule settings and solver: everything needed to repeat the run.
    totals : dict
        Counts and score summaries (no names).
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    settings: dict
    totals: dict
    matcher: MentorMatcher = field(repr=False)
    #: The whole scheme's scores, allowed pairs and reason codes; None for a large scheme
    #: matched block by block (then worked out for the mentees asked about).
    score: np.ndarray | None = field(repr=False)
    allowed: np.ndarray | None = field(repr=False)
    codes: np.ndarray | None = field(repr=False)
    rows: np.ndarray = field(repr=False)
    cols: np.ndarray = field(repr=False)
    scorer: BlockScorer | None = field(default=None, repr=False)
    constraints: tuple = field(default=(None, None), repr=False)

    def _scores(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return some mentees' scores with every mentor, and which pairs the rules allow."""
        if self.score is not None and self.allowed is not None:
            return self.score[rows], self.allowed[rows]
        assert self.scorer is not None
        block = self.scorer(np.asarray(rows, dtype=np.int64))
        return self.scorer.scores(np.asarray(rows, dtype=np.int64)), block > -np.inf

    def _codes(self, i: int) -> np.ndarray:
        """One mentee's reason codes, one per mentor."""
        if self.codes is not None:
            return self.codes[i]
        return self.matcher._reason_codes(np.array([i]), *self.constraints)[0]

    @property
    def outside(self) -> pd.DataFrame:
        """Everyone outside the scheme's rules: ``email, role, reason`` (never paired)."""
        return self.matcher.outside

    @property
    def eligible(self) -> pd.DataFrame:
        """Every pair the rules allow: ``mentee_email, mentor_email, score`` (can be large)."""
        return pd.concat(list(self.eligible_blocks()), ignore_index=True)

    def eligible_blocks(self, mentees_per_block: int = 500) -> Iterator[pd.DataFrame]:
        """Every pair the rules allow, a block of mentees at a time (at least one block).

        What :attr:`eligible` holds at once, for writing a national scheme's pairs without
        holding them all (hundreds of millions of rows): one block of mentees' pairs at a
        time, in the same order.
        """
        n = len(self.matcher.mentees)
        mentees = self.matcher.mentees["email"].to_numpy(dtype=object)
        mentors = self.matcher.mentors["email"].to_numpy(dtype=object)
        step = max(mentees_per_block, 1)
        for start in range(0, max(n, 1), step):
            rows = np.arange(start, min(n, start + step))
            score, allowed = self._scores(rows)
            r, c = np.nonzero(allowed)
            yield pd.DataFrame({"mentee_email": mentees[rows[r]], "mentor_email": mentors[c],
                                "score": np.asarray(score[r, c], dtype=np.float64)})

    @property
    def load(self) -> pd.DataFrame:
        """Each mentor's mentees against their capacity: ``mentor_email, mentees, capacity``."""
        counts = np.bincount(self.cols, minlength=len(self.matcher.mentors))
        return pd.DataFrame({"mentor_email": self.matcher.mentors["email"].to_numpy(),
                             "mentees": counts,
                             "capacity": self.matcher.capacity})

    def runner_up(self) -> pd.DataFrame:
        """For every pair, the best other mentor the rules allow (ties: first by e-mail).

        Returns
        -------
        pandas.DataFrame
            ``mentee_email, runner_up, runner_up_score`` in the order of ``pairs``;
            empty text and NaN where no other mentor is allowed.
        """
        rows, cols = self.rows, self.cols
        best = np.zeros(len(rows), dtype=np.int64)
        value = np.full(len(rows), -np.inf)
        step = 1000
        for start in range(0, len(rows), step):
            part = slice(start, start + step)
            score, allowed = self._scores(rows[part])
            masked = np.where(allowed, score, -np.inf)
            masked[np.arange(len(masked)), cols[part]] = -np.inf
            if masked.size:
                best[part] = masked.argmax(axis=1)
                value[part] = masked[np.arange(len(masked)), best[part]]
        found = np.isfinite(value)
        emails = self.matcher.mentors["email"].to_numpy(dtype=object)
        return pd.DataFrame({
            "mentee_email": self.matcher.mentees["email"].to_numpy(dtype=object)[rows],
            "runner_up": np.where(found, emails[best] if len(emails) else "", ""),
            "runner_up_score": np.where(found, value, np.nan),
        })

    def candidates(self, email: str) -> pd.DataFrame:
        """Every mentor considered for one mentee: the score, and the rule that ruled them out.

        Returns
        -------
        pandas.DataFrame
            ``mentor_email, status, score, mentees, capacity``, best score first; status is
            ``paired``, ``eligible, full``, ``eligible, room left`` or the rule's wording.
        """
        i = self.matcher.mentee_index(email)
        load = np.bincount(self.cols, minlength=len(self.matcher.mentors))
        codes = self._codes(i)
        labels = np.array(["eligible", *self.matcher.rule_labels.values()], dtype=object)
        status = labels[np.maximum(codes, 0)].copy()
        full = load >= self.matcher.capacity
        status[(codes == 0) & full] = "eligible, full"
        status[(codes == 0) & ~full] = "eligible, room left"
        mine = self.cols[self.rows == i]
        status[mine] = "paired"
        keep = codes >= 0
        frame = pd.DataFrame({
            "mentor_email": self.matcher.mentors["email"].to_numpy(dtype=object)[keep],
            "status": status[keep],
            "score": self._scores(np.array([i]))[0][0][keep],
            "mentees": load[keep],
            "capacity": self.matcher.capacity[keep],
        })
        return frame.sort_values(["score", "mentor_email"], ascending=[False, True],
                                 kind="stable").reset_index(drop=True)

    def explain(self, email: str) -> str:
        """Explain one person's outcome in plain words.

        For a paired mentee: the score by component and the runner-up mentor. For an
        unmatched mentee: which rule ruled out each candidate. For a mentor: their mentees
        and their load.
        """
        email = str(email).strip().lower()
        m = self.matcher
        if email not in set(m.mentees["email"]) and email in set(m.mentors["email"]):
            j = m.mentor_index(email)
            mine = sorted(m.mentees["email"].to_numpy()[self.rows[self.cols == j]])
            cap = int(m.capacity[j])
            return (f"{email} mentors {len(mine)} of a capacity of {cap}"
                    + (f": {', '.join(mine)}." if mine else "."))
        i = m.mentee_index(email)
        weights = self.settings["weights"]
        if self.scorer is not None:
            applies = self.scorer.applies[:, i]
            part = component_weights(weights) * applies
            shares = part / part.sum() if part.sum() > 0 else part
        else:
            shares = m.components.shares(weights)[:, i]
            applies = m.components.applies[:, i]
        lines = []
        paired = self.pairs[self.pairs["mentee_email"] == email]
        cands = self.candidates(email)
        if len(paired):
            how = {"locked": " (locked by the lead)", "current": " (a pair already running)"}
            for _, row in paired.iterrows():
                lines.append(f"{email} is paired with {row['mentor_email']}"
                             f"{how.get(row['origin'], '')}, score {row['score']:.3f}.")
                for k, name in enumerate(COMPONENTS):
                    words = name.replace("_", " ")  # "meeting mode", as the sliders say
                    if not applies[k]:
                        lines.append(f"  {words}: not counted ({CHOICE_NOT_MADE[name]})")
                        continue
                    lines.append(f"  {words}: {row[name]:.2f} x weight {shares[k]:.2f} = "
                                 f"{row[name] * shares[k]:.3f}")
            others = cands[cands["status"].str.startswith("eligible")]
            if len(others):
                best = others.iloc[0]
                lines.append(f"Runner-up: {best['mentor_email']}, score {best['score']:.3f} "
                             f"({best['status'].removeprefix('eligible, ')}).")
            else:
                lines.append("Runner-up: none; no other mentor is allowed by the rules.")
        else:
            reason = self.unmatched.loc[self.unmatched["mentee_email"] == email, "reason"]
            lines.append(f"{email} has no mentor: {reason.iloc[0] if len(reason) else ''}.")
            for status, group in cands.groupby("status", sort=True):
                names = group["mentor_email"].tolist()
                more = f" and {len(names) - 5} more" if len(names) > 5 else ""
                lines.append(f"  {status} ({len(names)}): {', '.join(names[:5])}{more}")
        if email in set(m.mentors["email"]):
            j = m.mentor_index(email)
            mine = sorted(m.mentees["email"].to_numpy()[self.rows[self.cols == j]])
            lines.append(f"As a mentor, {email} has {len(mine)} mentee(s) of a capacity of "
                         f"{int(m.capacity[j])}" + (f": {', '.join(mine)}." if mine else "."))
        del i
        return "\n".join(lines)


class MentorMatcher:
    """The rules and score components of one set of sign-ups, ready to match many times.

    Building it scores every pair once; :meth:`match` then only re-weights, applies locks,
    forbidden and earlier pairs, and solves, so a slider move re-matches in milliseconds.

    Parameters
    ----------
    signups : SignupImport or pandas.DataFrame
        The clean sign-ups (``read_signups(...)`` or its ``people``).
    min_gap : int
        The smallest allowed grade gap in ladder levels (default 1: strictly more senior).
    ideal_gap : (int, int)
        The grade gap range that scores highest (default 1 to 2 levels).

    Examples
    --------
    >>> people = pd.DataFrame({
    ...     "email": ["a@x.org", "b@x.org", "c@x.org"], "department": ["Maths", "Physics",
    ...     "Chemistry"], "level": [0, 2, 3], "role": ["mentee", "mentor", "mentor"],
    ...     "capacity": [1, 1, 1], "topics": ["Grants", "Grants", "Teaching"],
    ...     "line_manager_email": ["", "", ""]})
    >>> result = MentorMatcher(people).match(weights={"topics": 1, "seniority": 0})
    >>> result.pairs[["mentee_email", "mentor_email", "score"]].values.tolist()
    [['a@x.org', 'b@x.org', 1.0]]
    """

    def __init__(self, signups: Signups | pd.DataFrame, min_gap: int = DEFAULT_MIN_GAP,
                 ideal_gap: tuple[int, int] = DEFAULT_IDEAL_GAP,
                 rules: SchemeRules | Mapping[str, object] | None = None,
                 ladder: Ladder | None = None) -> None:
        people = _people_frame(signups)
        self.people = people
        self.scheme_rules = validate_rules(rules)
        self.ladder = ladder or getattr(signups, "ladder", None) or DEFAULT_LADDER
        levels = self.scheme_rules.levels(self.ladder)
        # The rules file's min_gap, when set, is the scheme's: it wins over a weights file's.
        if self.scheme_rules.min_gap is not None:
            min_gap = self.scheme_rules.min_gap
        self.min_gap = int(min_gap)
        self.ideal_gap = (int(ideal_gap[0]), int(ideal_gap[1]))
        self.mentors_per_mentee = self.scheme_rules.mentors_per_mentee
        self.mentees = people[people["role"].isin(["mentee", "both"])].reset_index(drop=True)
        self.mentors = people[people["role"].isin(["mentor", "both"])].reset_index(drop=True)
        self.capacity = self.mentors["capacity"].to_numpy(dtype=np.int64)
        managers = people.get("line_manager_email", pd.Series([""] * len(people)))
        self.manager_of = dict(zip(people["email"], normalise_emails(managers), strict=True))
        self.levels = levels
        # The whole scheme's rule and score matrices are built when first needed: a large
        # scheme is matched block by block (:class:`BlockScorer`) and never needs them.
        self._rules: Eligibility | None = None
        self._components: ComponentStack | None = None
        # The settings are checked now, as when the matrices were built at once.
        max_gap = self.scheme_rules.max_gap
        if self.min_gap < 0:
            raise SettingsError(f"The minimum grade gap must be 0 or more levels (got "
                                f"{self.min_gap}).")
        if max_gap is not None and int(max_gap) < self.min_gap:
            raise SettingsError(f"The largest grade gap ({max_gap}) is below the smallest "
                                f"({self.min_gap}): no pair could keep both.")
        if self.ideal_gap[0] > self.ideal_gap[1]:
            raise SettingsError(f"The ideal grade gap must be (smallest, largest); got "
                                f"{tuple(self.ideal_gap)}.")
        self._mentee_pos = pd.Index(self.mentees["email"])
        self._mentor_pos = pd.Index(self.mentors["email"])
        self.rule_labels = self._labels(levels)
        self._own_reason, self.outside = self._outside(levels)
        self.notices = self._unknown_names()

    @property
    def rules(self) -> Eligibility:
        """Which pairs each rule rules out (mentees x mentors), built on first use."""
        if self._rules is None:
            self._rules = self._eligibility(np.arange(len(self.mentees)))
        return self._rules

    @property
    def components(self) -> ComponentStack:
        """The score components (mentees x mentors), built on first use."""
        if self._components is None:
            self._components = score_components(self.mentees, self.mentors, self.ideal_gap)
        return self._components

    def _eligibility(self, rows: np.ndarray, forbid: pd.DataFrame | None = None,
                     previous: pd.DataFrame | None = None) -> Eligibility:
        """Apply the rules to some mentees only (all mentors), as :func:`eligibility` does."""
        part = self.mentees.iloc[rows].reset_index(drop=True)
        levels = self.levels
        return eligibility(
            part, self.mentors, self.min_gap, self.manager_of, forbid, previous,
            max_gap=self.scheme_rules.max_gap, mentor_min_level=levels["mentor_min_grade"],
            mentee_levels=(levels["mentee_min_grade"], levels["mentee_max_grade"]),
            same_department=self.scheme_rules.same_department,
            not_paired=not_paired_mask(part, self.mentors))

    def _reason_codes(self, rows: np.ndarray, forbid: pd.DataFrame | None,
                      previous: pd.DataFrame | None, block: int = 500) -> np.ndarray:
        """Return the reason codes (:attr:`Eligibility.reason_codes`) of some mentees' rows."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros((len(rows), len(self.mentors)), dtype=np.int8)
        for start in range(0, len(rows), block):
            out[start:start + block] = self._eligibility(rows[start:start + block], forbid,
                                                         previous).reason_codes
        return out

    def scorer(self, weights: Mapping[str, float], forbid: pd.DataFrame | None = None,
               previous: pd.DataFrame | None = None) -> BlockScorer:
        """Return a block scorer for these sign-ups: combined scores of allowed pairs."""
        levels = self.levels
        return BlockScorer(
            self.mentees, self.mentors, weights, min_gap=self.min_gap,
            ideal_gap=self.ideal_gap, manager_of=self.manager_of, forbid=forbid,
            previous=previous, max_gap=self.scheme_rules.max_gap,
            mentor_min_level=levels["mentor_min_grade"],
            mentee_levels=(levels["mentee_min_grade"], levels["mentee_max_grade"]),
            same_department=self.scheme_rules.same_department)

    def _labels(self, levels: Mapping[str, int | None]) -> dict[str, str]:
        """How each rule reads in reasons, with this scheme's grade and gap."""
        labels = dict(RULES)
        if levels["mentor_min_grade"] is not None:
            labels["mentor_below_minimum"] = (
                f"mentor grade below the scheme's minimum "
                f"({self.ladder.label(levels['mentor_min_grade'])})")
        gap = self.scheme_rules.max_gap
        if gap is not None:
            labels["too_far_apart"] = f"more than {gap} grade{'s' if gap != 1 else ''} above"
        return labels

    def _outside(self, levels: Mapping[str, int | None]) -> tuple[pd.Series, pd.DataFrame]:
        """Each mentee's own reason for taking no part (or ""), and everyone outside the rules."""
        e_level = self.mentees["level"].to_numpy(dtype=np.int64)
        own = pd.Series("", index=self.mentees.index, dtype=object)
        low, high = levels["mentee_min_grade"], levels["mentee_max_grade"]
        if low is not None:
            own[e_level < low] = ("mentee grade below the scheme's minimum "
                                  f"({self.ladder.label(low)})")
        if high is not None:
            own[e_level > high] = ("mentee grade above the scheme's maximum "
                                   f"({self.ladder.label(high)})")
        frames = [pd.DataFrame({"email": self.mentees["email"][own != ""], "role": "mentee",
                                "reason": own[own != ""]})]
        least = levels["mentor_min_grade"]
        if least is not None:
            below = self.mentors["level"].to_numpy(dtype=np.int64) < least
            frames.append(pd.DataFrame({"email": self.mentors["email"][below], "role": "mentor",
                                        "reason": self.rule_labels["mentor_below_minimum"]}))
        out = pd.concat(frames, ignore_index=True)
        return own, out.sort_values(["email", "role"], kind="stable").reset_index(drop=True)

    def _unknown_names(self) -> list[str]:
        """Names in the choice answers that match nobody who signed up (said, never dropped)."""
        notices = []
        fields = {"mentors_wanted": "mentors wanted", "not_paired_with": "not paired with"}
        for column, what in fields.items():
            if column not in self.people:
                continue
            named = named_pairs(self.people[column], self.people)
            missing = named[named["col"] < 0]
            emails = self.people["email"].to_numpy(dtype=object)
            for row, token in zip(missing["row"], missing["token"], strict=True):
                notices.append(f"{emails[row]} named '{token}' under '{what}', who is not "
                               "among these sign-ups: check the spelling or the e-mail.")
        return notices

    def mentee_index(self, email: str) -> int:
        """Return the row of a mentee; SettingsError if the e-mail is not a mentee's."""
        pos = self._mentee_pos.get_indexer([str(email).strip().lower()])[0]
        if pos < 0:
            raise SettingsError(f"'{email}' is not among the mentees (role mentee or both) of "
                                "these sign-ups: check the e-mail.")
        return int(pos)

    def mentor_index(self, email: str) -> int:
        """Return the column of a mentor; SettingsError if the e-mail is not a mentor's."""
        pos = self._mentor_pos.get_indexer([str(email).strip().lower()])[0]
        if pos < 0:
            raise SettingsError(f"'{email}' is not among the mentors (role mentor or both) of "
                                "these sign-ups: check the e-mail.")
        return int(pos)

    def _fixed(self, pairs: pd.DataFrame, what: str, codes: np.ndarray | None,
               ignore: tuple[str, ...], forbid: pd.DataFrame | None = None,
               previous: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Locate locked/current pairs and check each against the rules (naming the rule).

        ``codes`` are the whole scheme's reason codes; None works them out for the pairs'
        mentees only (a large scheme), with these forbidden and earlier pairs.
        """
        r = self._mentee_pos.get_indexer(pairs["mentee_email"])
        c = self._mentor_pos.get_indexer(pairs["mentor_email"])
        if codes is None:
            known = np.unique(r[r >= 0])
            part = self._reason_codes(known, forbid, previous)
            codes = np.zeros((len(self.mentees), 0), dtype=np.int8)
            lookup = {int(i): part[k] for k, i in enumerate(known)}
        else:
            lookup = None
        mentees = pairs["mentee_email"].to_numpy(dtype=object)
        mentors = pairs["mentor_email"].to_numpy(dtype=object)
        for k in range(len(pairs)):
            mentee, mentor = mentees[k], mentors[k]
            where = f"The {what} pair {mentee} -> {mentor}"
            if r[k] < 0:
                raise RuleError(f"{where} cannot be kept: {mentee} is not among the sign-ups "
                                "as a mentee (role mentee or both).")
            if c[k] < 0:
                raise RuleError(f"{where} cannot be kept: {mentor} is not among the sign-ups "
                                "as a mentor (role mentor or both).")
            code = int(lookup[int(r[k])][c[k]] if lookup is not None else codes[r[k], c[k]])
            if code == -1:
                raise RuleError(f"{where} pairs a person with themselves.")
            if code > 0:
                rule = list(RULES)[code - 1]
                if rule not in ignore:
                    raise RuleError(f"{where} breaks the rule '{self.rule_labels[rule]}': "
                                    "remove it from "
                                    f"the {what} pairs or change the sign-ups.")
        return r.astype(np.intp), c.astype(np.intp)

    def match(
        self,
        weights: Mapping[str, float] | None = None,
        objective: str = "coverage",
        locks: pd.DataFrame | None = None,
        forbid: pd.DataFrame | None = None,
        current: pd.DataFrame | None = None,
        previous: pd.DataFrame | None = None,
        method: str = "auto",
        strategy: str = "auto",
        log: Callable[[str], None] | None = None,
        keep_matrices: bool = True,
    ) -> MatchResult:
        """Match with these weights and objective; see :func:`match_mentors`.

        ``log``, when given, is called with a line on each stage of a large scheme's
        block-by-block solve (the ``match`` command prints them). ``keep_matrices=False``
        is for a one-off match (the ``match`` command): the dense solve then takes its score
        matrix from the block scorer, without building or keeping the score components of
        every pair (the same pairs, in a third of the memory); a panel that re-matches on
        every slider keeps them.
        """
        weights = validate_weights(weights)
        if objective not in OBJECTIVES:
            raise SettingsError(f"The objective must be one of {', '.join(OBJECTIVES)} "
                                f"(got {objective!r}).")
        locks = normalise_pairs(locks, "locked pairs")
        forbid = normalise_pairs(forbid, "forbidden pairs")
        current = normalise_pairs(current, "current pairs")
        previous = normalise_pairs(previous, "earlier pairs")
        e_mail, m_mail = self.mentees["email"], self.mentors["email"]
        per = self.mentors_per_mentee
        blocked = self._blocked(strategy)
        lean = not (blocked or keep_matrices or strategy == "dense") and per == 1
        codes = allowed = None
        if not (blocked or lean):
            rules = self.rules.with_rule("forbidden", pair_mask(e_mail, m_mail, forbid))
            rules = rules.with_rule("paired_before", pair_mask(e_mail, m_mail, previous))
            codes = rules.reason_codes
            allowed = codes == 0
        # Locks renew earlier pairs; running pairs are kept whatever came before.
        cur_r, cur_c = self._fixed(current, "current", codes, ("paired_before",), forbid,
                                   previous)
        lock_r, lock_c = self._fixed(locks, "locked", codes, ("paired_before",), forbid,
                                     previous)
        fixed_r = np.concatenate([cur_r, lock_r])
        fixed_c = np.concatenate([cur_c, lock_c])
        if per > 1:  # a pair both running and locked is one pair
            _, first = np.unique(fixed_r * max(len(self.mentors), 1) + fixed_c,
                                 return_index=True)
            first = np.sort(first)
            fixed_r, fixed_c = fixed_r[first], fixed_c[first]
        counts = np.bincount(fixed_r, minlength=len(self.mentees))
        if (counts > per).any():
            mentee = e_mail.to_numpy()[int(np.flatnonzero(counts > per)[0])]
            if per == 1:
                raise RuleError(f"{mentee} is in more than one locked or current pair: a "
                                "mentee has one mentor; keep one of those pairs.")
            raise RuleError(f"{mentee} is in more than {per} locked or current pairs: the "
                            f"scheme gives a mentee at most {per} mentors; keep {per} of them.")
        load = np.bincount(fixed_c, minlength=len(self.mentors))
        over = np.flatnonzero(load > self.capacity)
        if len(over):
            j = int(over[0])
            raise RuleError(f"{m_mail.to_numpy()[j]} has {int(load[j])} locked or current "
                            f"mentees but a capacity of {int(self.capacity[j])}: the capacity "
                            "rule is broken; unlock a pair or raise the capacity in the sign-ups.")
        proof: dict = {}
        scorer = None
        if blocked or lean:
            scorer = self.scorer(weights, forbid, previous)
            _, fixed_s = scorer.pair_components(fixed_r, fixed_c)
            if lean:
                rows, cols = self._solve_lean(scorer, objective, fixed_r, fixed_c, fixed_s,
                                              method, proof)
            else:
                if log is not None:
                    log(f"Pairing {len(self.mentees):,} mentees with {len(self.mentors):,} "
                        "mentors block by block (exact, with a proof of optimality).")
                rows, cols = solve_sparse(scorer, len(self.mentees), self.capacity, objective,
                                          (fixed_r, fixed_c, fixed_s), report=proof, log=log,
                                          progress=False if log is not None else None)
            comps, pair_score = scorer.pair_components(rows, cols)
            applies = scorer.applies
            unscored = np.flatnonzero(scorer.eligible_rows < 0)
            for start in range(0, len(unscored), 500):
                scorer(unscored[start:start + 500])
            eligible_pairs = int(scorer.eligible_rows.sum())
            score = None
        else:
            allowed_fixed = allowed.copy()
            allowed_fixed[fixed_r, fixed_c] = True
            score = combine_scores(self.components, weights)
            row_capacity = (np.full(len(self.mentees), per, dtype=np.int64) if per > 1
                            else None)
            rows, cols = solve_assignment(score, allowed_fixed, self.capacity, objective,
                                          np.column_stack([fixed_r, fixed_c]), method,
                                          row_capacity, strategy, proof)
            comps = {name: self.components[name][rows, cols] for name in COMPONENTS}
            pair_score = score[rows, cols]
            applies = self.components.applies
            eligible_pairs = int(allowed.sum())
        origin = np.full(len(rows), "new", dtype=object)
        width = max(len(self.mentors), 1)
        keys = rows * width + cols
        origin[np.isin(keys, lock_r * width + lock_c)] = "locked"
        origin[np.isin(keys, cur_r * width + cur_c)] = "current"
        pairs = pd.DataFrame({
            "mentee_email": e_mail.to_numpy(dtype=object)[rows],
            "mentor_email": m_mail.to_numpy(dtype=object)[cols],
            "score": pair_score,
            **{name: np.where(applies[k][rows], comps[name], np.nan)
               if name in CHOICE_COMPONENTS else comps[name]
               for k, name in enumerate(COMPONENTS)},
            "origin": origin,
        })
        if log is not None and blocked:
            log("Giving each mentee left without a mentor a reason.")
        unmatched = self._unmatched(rows, cols, codes, forbid, previous)
        used = method if method != "auto" else default_method()
        settings = {
            "weights": weights,
            "objective": objective,
            "min_gap": self.min_gap,
            "ideal_gap": list(self.ideal_gap),
            "solver": "sparse" if proof.get("solver") == "sparse" else used,
            "locked_pairs": len(locks),
            "forbidden_pairs": len(forbid),
            "current_pairs": len(current),
            "earlier_pairs": len(previous),
            "rules": self.scheme_rules.to_dict(),
            "mentors_per_mentee": per,
        }
        if proof.get("solver") == "sparse":
            settings["proof"] = {key: proof[key] for key in (
                "rounds", "pairs_considered", "rows_rescored", "candidate_pairs", "k", "gap",
                "proof")}
        scores = pairs["score"].to_numpy()
        totals = {
            "mentees": len(self.mentees),
            "mentors": len(self.mentors),
            "places": int(self.capacity.sum()),
            "eligible_pairs": eligible_pairs,
            "matched": int(pairs["mentee_email"].nunique()),
            "pairs": len(pairs),
            "unmatched": len(unmatched),
            "mentors_used": int(pairs["mentor_email"].nunique()),
            "outside_rules": len(self.outside),
            "new": int((origin == "new").sum()),
            "locked": int((origin == "locked").sum()),
            "current": int((origin == "current").sum()),
            "total_score": float(scores.sum()),
            "lowest_score": float(scores.min()) if len(scores) else None,
            "mean_score": float(scores.mean()) if len(scores) else None,
        }
        return MatchResult(pairs=pairs, unmatched=unmatched, settings=settings, totals=totals,
                           matcher=self, score=score, allowed=allowed, codes=codes, rows=rows,
                           cols=cols, scorer=scorer, constraints=(forbid, previous))

    def _solve_lean(self, scorer: BlockScorer, objective: str, fixed_r: np.ndarray,
                    fixed_c: np.ndarray, fixed_s: np.ndarray, method: str,
                    proof: dict) -> tuple[np.ndarray, np.ndarray]:
        """Solve densely on the block scorer's whole matrix (no component matrices).

        The scores are bit for bit those :func:`combine_scores` gives, and the solver never
        reads a score where a pair is not allowed, so the pairs are those of the dense path.
        """
        score = scorer(np.arange(len(self.mentees), dtype=np.int64))
        allowed = np.isfinite(score)
        allowed[fixed_r, fixed_c] = True
        score[fixed_r, fixed_c] = fixed_s
        np.copyto(score, 0.0, where=~allowed)
        return solve_assignment(score, allowed, self.capacity, objective,
                                np.column_stack([fixed_r, fixed_c]), method, None, "dense",
                                proof)

    def _blocked(self, strategy: str) -> bool:
        """Say whether to match block by block, never holding the whole score matrix.

        Yes for a large scheme (see :data:`toolkit.core.assignment.SPARSE_FROM`) or
        ``strategy="sparse"``, with one mentor per mentee.
        """
        if strategy not in assignment.STRATEGIES:
            raise SettingsError(f"The strategy must be one of "
                                f"{', '.join(assignment.STRATEGIES)} (got {strategy!r}).")
        if self.mentors_per_mentee > 1 or strategy == "dense":
            return False
        if strategy == "sparse":
            return True
        return len(self.mentees) * int(self.capacity.clip(0).sum()) >= assignment.SPARSE_FROM

    def _unmatched(self, rows: np.ndarray, cols: np.ndarray, codes: np.ndarray | None,
                   forbid: pd.DataFrame | None = None,
                   previous: pd.DataFrame | None = None) -> pd.DataFrame:
        """Give every mentee without a mentor a reason: what ruled out each candidate.

        Without the whole scheme's ``codes``, the rules are worked out for those mentees only.
        """
        left = np.setdiff1d(np.arange(len(self.mentees)), rows)
        load = np.bincount(cols, minlength=len(self.mentors))
        full = load >= self.capacity
        sub = codes[left] if codes is not None else self._reason_codes(left, forbid, previous)
        k = len(RULES)
        counts = np.stack([(sub == code).sum(axis=1) for code in range(1, k + 1)], axis=1) \
            if len(left) else np.zeros((0, k), dtype=int)
        n_full = ((sub == 0) & full[None, :]).sum(axis=1)
        n_free = ((sub == 0) & ~full[None, :]).sum(axis=1)
        n_cands = (sub >= 0).sum(axis=1)
        labels = list(self.rule_labels.values())
        own = self._own_reason.to_numpy(dtype=object)[left]
        reasons = []
        for t in range(len(left)):
            if own[t]:
                reasons.append(own[t])
                continue
            parts = [f"{int(counts[t, j])} {labels[j]}" for j in range(k) if counts[t, j]]
            if n_full[t]:
                parts.append(f"{int(n_full[t])} full")
            if n_free[t]:
                parts.append(f"{int(n_free[t])} with room but needed to pair others")
            if n_cands[t] == 0:
                reasons.append("no mentors signed up")
            else:
                word = "mentor" if n_cands[t] == 1 else "mentors"
                reasons.append(f"of {int(n_cands[t])} {word}: {', '.join(parts)}")
        return pd.DataFrame({
            "mentee_email": self.mentees["email"].to_numpy(dtype=object)[left],
            "reason": pd.Series(reasons, dtype=object),
        })


def match_mentors(
    signups: Signups | pd.DataFrame,
    weights: Mapping[str, object] | None = None,
    objective: str = "coverage",
    locks: pd.DataFrame | None = None,
    forbid: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    min_gap: int | None = None,
    ideal_gap: tuple[int, int] | None = None,
    method: str = "auto",
    rules: SchemeRules | Mapping[str, object] | None = None,
    ladder: Ladder | None = None,
    strategy: str = "auto",
) -> MatchResult:
    """Pair mentees with mentors: every rule kept, the best pairs for the scheme as a whole.

    The hard rules (never broken): a mentee's role is mentee or both, a mentor's mentor or
    both, nobody is paired with themselves; the mentor is at least ``min_gap`` ladder levels
    above the mentee, in another department, outside the mentee's line-management chain
    (both ways, transitively), and takes at most ``capacity`` mentees (0: not available);
    forbidden and earlier pairs are not made; locked and current pairs are kept (a locked or
    current pair that breaks a rule raises :class:`~toolkit.errors.RuleError` naming the rule).

    Each allowed pair scores the weighted average of the components in
    :data:`toolkit.pairing.scoring.COMPONENTS` (each in [0, 1]). The pairs are then chosen by an
    exact optimal assignment (:func:`toolkit.core.assignment.solve_assignment`) under
    ``objective``:
    ``"coverage"`` (the most mentees matched, then the highest total score), ``"fairness"``
    (the most matched, then the highest possible lowest pair score, then the highest total)
    or ``"spread"`` (the most matched, then the most mentors with at least one mentee, then
    the highest total: every willing mentor gets a first mentee before anyone a second).
    With ``mentors_per_mentee`` above 1 "matched" counts pairs: a mentee may get up to that
    many different mentors.
    This is an optimal assignment, not a stable matching. People are ordered by e-mail before
    solving, so the same sign-ups and settings give the same pairs in any process and in any
    row order.

    Parameters
    ----------
    signups : SignupImport or pandas.DataFrame
        The clean sign-ups from :func:`toolkit.read_signups` (or its ``people``).
    weights : mapping, optional
        Component weights (which may also hold ``min_gap`` and ``ideal_gap``, as a weights
        file does: read one with :func:`toolkit.pairing.settings.read_weights`); missing
        components keep their default weight, 0 switches one off.
    objective : {"coverage", "fairness", "spread"}
        What "best" means.
    locks, forbid, current : pandas.DataFrame, optional
        Pairs (``mentee_email, mentor_email``): to keep as they are, never to make, and already
        running (kept; they use up their mentor's capacity).
    previous : pandas.DataFrame, optional
        Pairs made in earlier rounds (:func:`toolkit.pairing.service.load_finished_pairs`),
        not made again unless locked.
    min_gap : int, optional
        The smallest grade gap in ladder levels (default 1).
    ideal_gap : (int, int), optional
        The gap range that scores highest (default 1 to 2 levels).
    method : {"auto", "lapjv", "scipy"}
        The exact solver (the same optimum either way).
    rules : SchemeRules or mapping, optional
        The scheme's own rules (:mod:`toolkit.pairing.rules`): grades who may take part, the
        smallest and largest grade gap, whether the same department is allowed, and how many
        mentors a mentee may get. People outside them are in ``result.outside`` and never
        paired; a mentee outside them is unmatched with that reason.
    ladder : Ladder, optional
        The ladder the rules' grade names are read onto (default: the sign-ups' own, else
        the UK higher-education ladder).
    strategy : {"auto", "dense", "sparse"}
        How the exact solve is run (the same optimum either way): ``"sparse"`` keeps each
        mentee's best mentors, solves, then prices every pair left out until none could
        improve the result, and says so in ``settings["proof"]``; ``"auto"`` takes it for
        large schemes (see :func:`toolkit.core.assignment.solve_assignment`).

    Returns
    -------
    MatchResult
        ``pairs``, ``unmatched`` (with reasons), ``eligible``, ``explain(email)``.

    Raises
    ------
    RuleError
        If a locked or current pair breaks a rule.
    SettingsError
        If a weight or setting is not valid, or ``weights`` is not a mapping.

    Examples
    --------
    >>> people = pd.DataFrame({
    ...     "email": ["ann@example.org", "bo@example.org", "cy@example.org", "di@example.org"],
    ...     "department": ["Maths", "Physics", "Maths", "Chemistry"],
    ...     "level": [0, 0, 3, 4], "role": ["mentee", "mentee", "mentor", "mentor"],
    ...     "capacity": [1, 1, 1, 1], "line_manager_email": ["", "", "", "bo@example.org"],
    ...     "topics": ["Grants", "Teaching", "Teaching", "Grants; Teaching"]})
    >>> result = match_mentors(people)
    >>> result.pairs[["mentee_email", "mentor_email"]].values.tolist()
    [['ann@example.org', 'di@example.org'], ['bo@example.org', 'cy@example.org']]
    >>> result.unmatched.empty
    True
    """
    settings: dict = {}
    if weights is not None and not isinstance(weights, Mapping):
        raise SettingsError(WEIGHTS_NOT_A_MAPPING.format(value=weights))
    if weights is not None and any(k in weights for k in WEIGHT_SETTINGS):
        weights, settings = validate_weight_settings(weights)
    gap = min_gap if min_gap is not None else settings.get("min_gap", DEFAULT_MIN_GAP)
    ideal = ideal_gap if ideal_gap is not None else settings.get("ideal_gap", DEFAULT_IDEAL_GAP)
    matcher = MentorMatcher(signups, gap, ideal, rules=rules, ladder=ladder)
    return matcher.match(weights, objective, locks, forbid, current, previous, method, strategy)


def run_summary(result: MatchResult) -> str:
    """One line for the lead: how many matched, and the spread of scores (no names)."""
    t = result.totals
    text = f"{t['matched']} of {t['mentees']} mentees paired ({t['unmatched']} without a mentor)"
    if t.get("pairs", t["matched"]) != t["matched"]:
        text += f" in {t['pairs']} pairs"
    if t["matched"]:
        text += (f"; scores from {t['lowest_score']:.2f} to "
                 f"{result.pairs['score'].max():.2f}, mean {t['mean_score']:.2f}")
    return text + "."

