"""Mentor-mentee pairing: the rules, the score and the exact solver put together, explained.

:func:`match_mentors` pairs every mentee it can with a mentor who is more senior, in another
department, outside their line-management chain and with room left, choosing the pairs that
are best for the scheme as a whole (an *optimal assignment*, not a stable matching: see
:mod:`toolkit.core.assignment`). :class:`MentorMatcher` keeps the rules and score components of
one set of sign-ups so that a new weight or objective re-matches at once (the notebook's
sliders use it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.core.assignment import OBJECTIVES, default_method, solve_assignment
from toolkit.errors import InputFileError, RowProblemsError, RuleError, SettingsError
from toolkit.pairing.scoring import (
    COMPONENTS,
    DEFAULT_IDEAL_GAP,
    DEFAULT_MIN_GAP,
    RULES,
    Eligibility,
    combine_scores,
    eligibility,
    pair_mask,
    score_components,
    validate_weights,
)
from toolkit.store.pairs import load_pairs, save_pairs

if TYPE_CHECKING:
    from toolkit.intake.signups import SignupImport
    from toolkit.store.connection import Store

__all__ = [
    "PAIR_COLUMNS",
    "MatchResult",
    "MentorMatcher",
    "compare_pairs",
    "match_mentors",
    "previous_pairs",
    "read_pairs_file",
    "run_summary",
    "save_match",
    "solve_assignment",
    "store_constraints",
]

#: The columns of ``MatchResult.pairs`` and of ``pairs.csv`` (then one per component).
PAIR_COLUMNS = ["mentee_email", "mentor_email", "score", *COMPONENTS]

_PAIR_FIELDS = ("mentee_email", "mentor_email")
_PAIR_VARIANTS = {
    "mentee_email": ("mentee email", "mentee e-mail", "mentee", "mentee address"),
    "mentor_email": ("mentor email", "mentor e-mail", "mentor", "mentor address"),
}


def _emails(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip().str.lower()


def _pairs_frame(pairs: pd.DataFrame | None, what: str) -> pd.DataFrame:
    """Normalise a pair list to ``mentee_email, mentor_email`` (lower-case, unique rows)."""
    if pairs is None or len(pairs) == 0:
        return pd.DataFrame({"mentee_email": pd.Series(dtype=str),
                             "mentor_email": pd.Series(dtype=str)})
    missing = [c for c in _PAIR_FIELDS if c not in pairs.columns]
    if missing:
        raise SettingsError(f"The {what} need the columns mentee_email and mentor_email "
                            f"(missing {missing}).")
    out = pd.DataFrame({c: _emails(pairs[c]).to_numpy(dtype=object) for c in _PAIR_FIELDS})
    return out.drop_duplicates().reset_index(drop=True)


def read_pairs_file(path: str | Path, what: str = "pairs") -> pd.DataFrame:
    """Read a CSV/XLSX of pairs (``mentee_email, mentor_email``): locks, forbidden or current.

    Headers such as "Mentee" or "Mentor e-mail" are recognised; e-mails are trimmed and
    lower-cased; blank rows are ignored.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the pairs are ("locked pairs", ...), for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``mentee_email, mentor_email``.

    Raises
    ------
    InputFileError
        If the file cannot be read or lacks one of the two columns.
    RowProblemsError
        If a row has only one of the two e-mails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "locks.csv"
    >>> _ = p.write_text("Mentee,Mentor\\nA@example.org,b@example.org\\n,\\n")
    >>> read_pairs_file(p).values.tolist()
    [['a@example.org', 'b@example.org']]
    """
    from toolkit.io.columns import find_columns
    from toolkit.io.readers import read_table

    table = read_table(path)
    columns = find_columns(table.headers, None, table.question_text, f"The {what} file "
                           f"'{table.source}'", fields=_PAIR_FIELDS, required=_PAIR_FIELDS,
                           variants=_PAIR_VARIANTS)
    data = pd.DataFrame({c: _emails(table.data[columns[c]]) for c in _PAIR_FIELDS})
    rows = pd.Series(np.asarray(table.rows), index=data.index)
    blank = (data["mentee_email"] == "") & (data["mentor_email"] == "")
    half = (data["mentee_email"] == "") ^ (data["mentor_email"] == "")
    if half.any():
        problems = pd.DataFrame({
            "row": rows[half].to_numpy(),
            "field": np.where(data.loc[half, "mentee_email"] == "", "mentee_email",
                              "mentor_email"),
            "value": "",
            "problem": "Both e-mails are needed: give the mentee's and the mentor's.",
        })
        raise RowProblemsError(f"The {what} file '{table.source}' has {int(half.sum())} row(s) "
                               "with only one e-mail: complete or delete them.", problems)
    return _pairs_frame(data[~blank], what)


RUNNING = ("proposed", "active", "renewed")
FINISHED = ("ended", "withdrawn")


def previous_pairs(store: Store, scheme: str = "mentoring") -> pd.DataFrame:
    """Return the pairs that have finished (ended or withdrawn): they are not made again.

    Pairs still running are not "previous": see :func:`store_constraints`, which keeps them.
    To renew a finished pair, lock it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.connection import Store
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a"], "mentor_email": ["b"]}),
    ...                         "2025", status="ended")
    ...     previous_pairs(store).values.tolist()
    [['a', 'b']]
    """
    stored = load_pairs(store, scheme=scheme, statuses=FINISHED)
    return _pairs_frame(stored[list(_PAIR_FIELDS)] if len(stored) else None, "stored pairs")


def store_constraints(store: Store, people: pd.DataFrame, scheme: str = "mentoring"
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read what the store says about a new matching round: pairs to keep and pairs to avoid.

    Pairs still running (proposed, active or renewed) are kept as they are and use up their
    mentor's places, so matching again never gives anyone a second mentor. A running pair
    whose mentee is not in these sign-ups still takes its mentor's place (the mentor's
    capacity is lowered). Finished pairs are never proposed again.

    Parameters
    ----------
    store : Store
        The scheme store.
    people : pandas.DataFrame
        The sign-ups about to be matched.
    scheme : str
        ``"mentoring"`` (default).

    Returns
    -------
    (people, current, previous) : tuple of pandas.DataFrame
        The sign-ups with capacities lowered where needed, the running pairs to keep
        (``mentee_email, mentor_email``) and the finished pairs to avoid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.connection import Store
    >>> people = pd.DataFrame({"email": ["a", "b"], "role": ["mentee", "mentor"],
    ...                        "capacity": [1, 2]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a", "z"],
    ...                                       "mentor_email": ["b", "b"]}), "2026")
    ...     adjusted, current, previous = store_constraints(store, people)
    >>> current.values.tolist(), adjusted["capacity"].tolist(), len(previous)
    ([['a', 'b']], [1, 1], 0)
    """
    running = _pairs_frame(load_pairs(store, scheme=scheme, statuses=RUNNING)[list(_PAIR_FIELDS)],
                           "running pairs")
    people = people.copy()
    email = people["email"].astype(str).str.strip().str.lower()
    mentees = set(email[people["role"].isin(["mentee", "both"])])
    mentors = set(email[people["role"].isin(["mentor", "both"])])
    keep = running["mentee_email"].isin(mentees) & running["mentor_email"].isin(mentors)
    elsewhere = running[~keep & running["mentor_email"].isin(mentors)]
    if len(elsewhere):
        taken = elsewhere["mentor_email"].value_counts()
        lowered = people["capacity"].astype(int) - email.map(taken).fillna(0).astype(int)
        people["capacity"] = lowered.clip(lower=0).to_numpy()
    return people, running[keep].reset_index(drop=True), previous_pairs(store, scheme)


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
    before = _pairs_frame(before, "earlier pairs")
    after = _pairs_frame(after, "pairs")
    both = before.merge(after, on="mentee_email", how="outer", suffixes=("_before", "_after"))
    both = both.rename(columns={"mentor_email_before": "before", "mentor_email_after": "after"})
    both[["before", "after"]] = both[["before", "after"]].fillna("")
    change = np.select(
        [both["before"] == both["after"], both["before"] == "", both["after"] == ""],
        ["same", "newly matched", "now unmatched"], default="new mentor")
    both["change"] = change
    return both.sort_values("mentee_email").reset_index(drop=True)[
        ["mentee_email", "before", "after", "change"]]


def _people_frame(signups: SignupImport | pd.DataFrame) -> pd.DataFrame:
    people = signups.people if hasattr(signups, "people") else signups
    needed = ["email", "department", "level", "role"]
    missing = [c for c in needed if c not in people.columns]
    if missing:
        raise InputFileError(f"The sign-ups lack the column(s) {missing} that pairing needs: "
                             "import them with toolkit.read_signups.")
    people = people.copy()
    people["email"] = _emails(people["email"])
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
    score: np.ndarray = field(repr=False)
    allowed: np.ndarray = field(repr=False)
    codes: np.ndarray = field(repr=False)
    rows: np.ndarray = field(repr=False)
    cols: np.ndarray = field(repr=False)

    @property
    def eligible(self) -> pd.DataFrame:
        """Every pair the rules allow: ``mentee_email, mentor_email, score`` (can be large)."""
        r, c = np.nonzero(self.allowed)
        return pd.DataFrame({
            "mentee_email": self.matcher.mentees["email"].to_numpy(dtype=object)[r],
            "mentor_email": self.matcher.mentors["email"].to_numpy(dtype=object)[c],
            "score": self.score[r, c],
        })

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
        masked = np.where(self.allowed[rows], self.score[rows], -np.inf)
        masked[np.arange(len(rows)), cols] = -np.inf
        best = masked.argmax(axis=1) if masked.size else np.zeros(len(rows), dtype=int)
        value = masked[np.arange(len(rows)), best] if masked.size else np.full(len(rows), -np.inf)
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
        codes = self.codes[i]
        labels = np.array(["eligible", *RULES.values()], dtype=object)
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
            "score": self.score[i][keep],
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
        total = sum(weights.values())
        lines = []
        paired = self.pairs[self.pairs["mentee_email"] == email]
        cands = self.candidates(email)
        if len(paired):
            row = paired.iloc[0]
            how = {"locked": " (locked by the lead)", "current": " (a pair already running)"}
            lines.append(f"{email} is paired with {row['mentor_email']}"
                         f"{how.get(row['origin'], '')}, score {row['score']:.3f}.")
            for name in COMPONENTS:
                share = weights[name] / total if total else 0.0
                lines.append(f"  {name}: {row[name]:.2f} x weight {share:.2f} = "
                             f"{row[name] * share:.3f}")
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

    def __init__(self, signups: SignupImport | pd.DataFrame, min_gap: int = DEFAULT_MIN_GAP,
                 ideal_gap: tuple[int, int] = DEFAULT_IDEAL_GAP) -> None:
        people = _people_frame(signups)
        self.people = people
        self.min_gap = int(min_gap)
        self.ideal_gap = (int(ideal_gap[0]), int(ideal_gap[1]))
        self.mentees = people[people["role"].isin(["mentee", "both"])].reset_index(drop=True)
        self.mentors = people[people["role"].isin(["mentor", "both"])].reset_index(drop=True)
        self.capacity = self.mentors["capacity"].to_numpy(dtype=np.int64)
        manager_of = dict(zip(people["email"],
                              _emails(people.get("line_manager_email",
                                                 pd.Series([""] * len(people)))),
                              strict=True))
        self.rules: Eligibility = eligibility(self.mentees, self.mentors, self.min_gap,
                                              manager_of)
        self.components = score_components(self.mentees, self.mentors, self.ideal_gap)
        self._mentee_pos = pd.Index(self.mentees["email"])
        self._mentor_pos = pd.Index(self.mentors["email"])

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

    def _fixed(self, pairs: pd.DataFrame, what: str, codes: np.ndarray,
               ignore: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Locate locked/current pairs and check each against the rules (naming the rule)."""
        r = self._mentee_pos.get_indexer(pairs["mentee_email"])
        c = self._mentor_pos.get_indexer(pairs["mentor_email"])
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
            code = int(codes[r[k], c[k]])
            if code == -1:
                raise RuleError(f"{where} pairs a person with themselves.")
            if code > 0:
                rule = list(RULES)[code - 1]
                if rule not in ignore:
                    raise RuleError(f"{where} breaks the rule '{RULES[rule]}': remove it from "
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
    ) -> MatchResult:
        """Match with these weights and objective; see :func:`match_mentors`."""
        weights = validate_weights(weights)
        if objective not in OBJECTIVES:
            raise SettingsError(f"The objective must be one of {', '.join(OBJECTIVES)} "
                                f"(got {objective!r}).")
        locks = _pairs_frame(locks, "locked")
        forbid = _pairs_frame(forbid, "forbidden")
        current = _pairs_frame(current, "current")
        previous = _pairs_frame(previous, "earlier")
        e_mail, m_mail = self.mentees["email"], self.mentors["email"]
        rules = self.rules.with_rule("forbidden", pair_mask(e_mail, m_mail, forbid))
        rules = rules.with_rule("paired_before", pair_mask(e_mail, m_mail, previous))
        codes = rules.reason_codes
        allowed = codes == 0
        # Locks renew earlier pairs; running pairs are kept whatever came before.
        cur_r, cur_c = self._fixed(current, "current", codes, ("paired_before",))
        lock_r, lock_c = self._fixed(locks, "locked", codes, ("paired_before",))
        fixed_r = np.concatenate([cur_r, lock_r])
        fixed_c = np.concatenate([cur_c, lock_c])
        if len(np.unique(fixed_r)) < len(fixed_r):
            dup = pd.Series(fixed_r).duplicated()
            mentee = e_mail.to_numpy()[int(fixed_r[dup.to_numpy()][0])]
            raise RuleError(f"{mentee} is in more than one locked or current pair: a mentee "
                            "has one mentor; keep one of those pairs.")
        load = np.bincount(fixed_c, minlength=len(self.mentors))
        over = np.flatnonzero(load > self.capacity)
        if len(over):
            j = int(over[0])
            raise RuleError(f"{m_mail.to_numpy()[j]} has {int(load[j])} locked or current "
                            f"mentees but a capacity of {int(self.capacity[j])}: the capacity "
                            "rule is broken; unlock a pair or raise the capacity in the sign-ups.")
        allowed_fixed = allowed.copy()
        allowed_fixed[fixed_r, fixed_c] = True
        score = combine_scores(self.components, weights)
        rows, cols = solve_assignment(score, allowed_fixed, self.capacity, objective,
                                      np.column_stack([fixed_r, fixed_c]), method)
        origin = np.full(len(rows), "new", dtype=object)
        origin[np.isin(rows, lock_r)] = "locked"
        origin[np.isin(rows, cur_r)] = "current"
        pairs = pd.DataFrame({
            "mentee_email": e_mail.to_numpy(dtype=object)[rows],
            "mentor_email": m_mail.to_numpy(dtype=object)[cols],
            "score": score[rows, cols],
            **{name: self.components[name][rows, cols] for name in COMPONENTS},
            "origin": origin,
        })
        unmatched = self._unmatched(rows, cols, codes)
        used = method if method != "auto" else default_method()
        settings = {
            "weights": weights,
            "objective": objective,
            "min_gap": self.min_gap,
            "ideal_gap": list(self.ideal_gap),
            "solver": used,
            "locked_pairs": len(locks),
            "forbidden_pairs": len(forbid),
            "current_pairs": len(current),
            "earlier_pairs": len(previous),
        }
        scores = pairs["score"].to_numpy()
        totals = {
            "mentees": len(self.mentees),
            "mentors": len(self.mentors),
            "places": int(self.capacity.sum()),
            "eligible_pairs": int(allowed.sum()),
            "matched": len(pairs),
            "unmatched": len(unmatched),
            "new": int((origin == "new").sum()),
            "locked": int((origin == "locked").sum()),
            "current": int((origin == "current").sum()),
            "total_score": float(scores.sum()),
            "lowest_score": float(scores.min()) if len(scores) else None,
            "mean_score": float(scores.mean()) if len(scores) else None,
        }
        return MatchResult(pairs=pairs, unmatched=unmatched, settings=settings, totals=totals,
                           matcher=self, score=score, allowed=allowed, codes=codes, rows=rows,
                           cols=cols)

    def _unmatched(self, rows: np.ndarray, cols: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
        """Give every mentee without a mentor a reason: what ruled out each candidate."""
        left = np.setdiff1d(np.arange(len(self.mentees)), rows)
        load = np.bincount(cols, minlength=len(self.mentors))
        full = load >= self.capacity
        sub = codes[left]
        k = len(RULES)
        counts = np.stack([(sub == code).sum(axis=1) for code in range(1, k + 1)], axis=1) \
            if len(left) else np.zeros((0, k), dtype=int)
        n_full = ((sub == 0) & full[None, :]).sum(axis=1)
        n_free = ((sub == 0) & ~full[None, :]).sum(axis=1)
        n_cands = (sub >= 0).sum(axis=1)
        labels = list(RULES.values())
        reasons = []
        for t in range(len(left)):
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
    signups: SignupImport | pd.DataFrame,
    weights: Mapping[str, float] | str | Path | None = None,
    objective: str = "coverage",
    locks: pd.DataFrame | None = None,
    forbid: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    min_gap: int | None = None,
    ideal_gap: tuple[int, int] | None = None,
    method: str = "auto",
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
    exact
    optimal assignment (:func:`toolkit.core.assignment.solve_assignment`) under ``objective``:
    ``"coverage"`` (the most mentees matched, then the highest total score) or ``"fairness"``
    (the most matched, then the highest possible lowest pair score, then the highest total).
    This is an optimal assignment, not a stable matching. People are ordered by e-mail before
    solving, so the same sign-ups and settings give the same pairs in any process and in any
    row order.

    Parameters
    ----------
    signups : SignupImport or pandas.DataFrame
        The clean sign-ups from :func:`toolkit.read_signups` (or its ``people``).
    weights : mapping, str or Path, optional
        Component weights, or a weights JSON file (which may also hold ``min_gap`` and
        ``ideal_gap``); missing components keep their default weight, 0 switches one off.
    objective : {"coverage", "fairness"}
        What "best" means.
    locks, forbid, current : pandas.DataFrame, optional
        Pairs (``mentee_email, mentor_email``): to keep as they are, never to make, and already
        running (kept; they use up their mentor's capacity).
    previous : pandas.DataFrame, optional
        Pairs made in earlier rounds (:func:`previous_pairs`), not made again unless locked.
    min_gap : int, optional
        The smallest grade gap in ladder levels (default 1).
    ideal_gap : (int, int), optional
        The gap range that scores highest (default 1 to 2 levels).
    method : {"auto", "lapjv", "scipy"}
        The exact solver (the same optimum either way).

    Returns
    -------
    MatchResult
        ``pairs``, ``unmatched`` (with reasons), ``eligible``, ``explain(email)``.

    Raises
    ------
    RuleError
        If a locked or current pair breaks a rule.
    SettingsError
        If a weight or setting is not valid.

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
        from toolkit.pairing.scoring import load_weights

        weights, settings = load_weights(weights)
    elif isinstance(weights, Mapping) and any(k in weights for k in ("min_gap", "ideal_gap")):
        from toolkit.pairing.scoring import load_weights

        weights, settings = load_weights(weights)
    gap = min_gap if min_gap is not None else settings.get("min_gap", DEFAULT_MIN_GAP)
    ideal = ideal_gap if ideal_gap is not None else settings.get("ideal_gap", DEFAULT_IDEAL_GAP)
    matcher = MentorMatcher(signups, gap, ideal)
    return matcher.match(weights, objective, locks, forbid, current, previous, method)


def save_match(store: Store, result: MatchResult, cohort: str, status: str = "proposed",
               start_date: str | None = None, extra_settings: dict | None = None) -> list[int]:
    """Save a run's new and locked pairs in the store (pairs already running are not re-saved).

    Pairs the store already holds as running are skipped, so saving twice stores nothing new.

    Parameters
    ----------
    store : Store
        The scheme store.
    result : MatchResult
        What :func:`match_mentors` returned.
    cohort : str
        The cohort or year, e.g. ``"2026"``.
    status : str
        The pairs' starting status (default ``"proposed"``).
    start_date : str, optional
        ISO date the pairs start.
    extra_settings : dict, optional
        More to record with the run (e.g. the input's SHA-256).

    Returns
    -------
    list of int
        The stored pairs' ids.
    """
    fresh = result.pairs[result.pairs["origin"] != "current"].drop(columns="origin")
    settings = {**result.settings, **(extra_settings or {})}
    with store.transaction():
        # Saving twice (a double click, a re-run) must not store the same pair twice.
        running = load_pairs(store, scheme="mentoring", statuses=RUNNING)
        known = set(zip(running["mentee_email"], running["mentor_email"], strict=True))
        fresh = fresh[[(e, m) not in known for e, m in
                       zip(fresh["mentee_email"], fresh["mentor_email"], strict=True)]]
        if fresh.empty:
            return []
        return save_pairs(store, fresh, cohort, scheme="mentoring", settings=settings,
                               status=status, start_date=start_date)


def run_summary(result: MatchResult) -> str:
    """One line for the lead: how many matched, and the spread of scores (no names)."""
    t = result.totals
    text = f"{t['matched']} of {t['mentees']} mentees paired ({t['unmatched']} without a mentor)"
    if t["matched"]:
        text += (f"; scores from {t['lowest_score']:.2f} to "
                 f"{result.pairs['score'].max():.2f}, mean {t['mean_score']:.2f}")
    return text + "."

