"""Pairing with the scheme's store: what a new round must keep and avoid, and saving its pairs.

The match command and the pairing panel both start from :func:`gather_match_inputs`: the
sign-ups, the weights file, the lists of pairs to lock, forbid or keep, and the store's running
and finished pairs, gathered and checked in one place. So the command and the panel agree on
every input by construction (a store that does not exist is refused by both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.statuses import FINISHED, RUNNING
from toolkit.core.text import normalise_emails
from toolkit.errors import StoreError
from toolkit.pairing.matching import (
    PAIR_FIELDS,
    MatchResult,
    MentorMatcher,
    Signups,
    normalise_pairs,
)
from toolkit.pairing.pair_files import read_pairs_file
from toolkit.pairing.rules import SchemeRules
from toolkit.pairing.scoring import DEFAULT_IDEAL_GAP, DEFAULT_MIN_GAP
from toolkit.pairing.settings import read_rules, read_weights
from toolkit.store.connection import MISSING_STORE, Store, open_existing
from toolkit.store.pairs import load_pairs, save_pairs

__all__ = [
    "MISSING_PAIRING_STORE",
    "MatchInputs",
    "gather_match_inputs",
    "load_finished_pairs",
    "load_pairing_constraints",
    "save_match",
]

#: The scheme whose pairs this module reads and saves.
SCHEME = "mentoring"

#: The message when the store given for a matching round does not exist (``{path}``).
MISSING_PAIRING_STORE = MISSING_STORE + (
    " For a scheme's first round give no store (leave out --store, or set STORE = None in "
    "notebook 02); notebook 01 makes the store when it saves the sign-ups.")


def load_finished_pairs(store: Store, scheme: str = SCHEME) -> pd.DataFrame:
    """Return the pairs that have finished (ended or withdrawn): they are not made again.

    Pairs still running are not "finished": see :func:`load_pairing_constraints`, which keeps
    them. To renew a finished pair, lock it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a"], "mentor_email": ["b"]}),
    ...                    "2025", status="ended")
    ...     load_finished_pairs(store).values.tolist()
    [['a', 'b']]
    """
    stored = load_pairs(store, scheme=scheme, statuses=FINISHED)
    return normalise_pairs(stored[list(PAIR_FIELDS)] if len(stored) else None, "stored pairs")


def load_pairing_constraints(store: Store, people: pd.DataFrame, scheme: str = SCHEME
                             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read what the store says about a new matching round: pairs to keep and pairs to avoid.

    Pairs still running (proposed, active or renewed) are kept as they are and use up their
    mentor's places, so matching again never gives anyone a second mentor (or, when the
    scheme's rules give mentees several mentors, more than that many). A running pair
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
    >>> people = pd.DataFrame({"email": ["a", "b"], "role": ["mentee", "mentor"],
    ...                        "capacity": [1, 2]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a", "z"],
    ...                                         "mentor_email": ["b", "b"]}), "2026")
    ...     adjusted, current, previous = load_pairing_constraints(store, people)
    >>> current.values.tolist(), adjusted["capacity"].tolist(), len(previous)
    ([['a', 'b']], [1, 1], 0)
    """
    running = normalise_pairs(
        load_pairs(store, scheme=scheme, statuses=RUNNING)[list(PAIR_FIELDS)], "running pairs")
    people = people.copy()
    email = normalise_emails(people["email"])
    mentees = set(email[people["role"].isin(["mentee", "both"])])
    mentors = set(email[people["role"].isin(["mentor", "both"])])
    keep = running["mentee_email"].isin(mentees) & running["mentor_email"].isin(mentors)
    elsewhere = running[~keep & running["mentor_email"].isin(mentors)]
    if len(elsewhere):
        taken = elsewhere["mentor_email"].value_counts()
        lowered = people["capacity"].astype(int) - email.map(taken).fillna(0).astype(int)
        people["capacity"] = lowered.clip(lower=0).to_numpy()
    return people, running[keep].reset_index(drop=True), load_finished_pairs(store, scheme)


def save_match(store: Store, result: MatchResult, cohort: str, status: str = "proposed",
               start_date: str | None = None, extra_settings: dict | None = None) -> list[int]:
    """Save a run's new and locked pairs in the store (pairs already running are not re-saved).

    Pairs the store already holds as running are skipped, so saving twice stores nothing new.

    Parameters
    ----------
    store : Store
        The scheme store.
    result : MatchResult
        What :func:`~toolkit.pairing.matching.match_mentors` returned.
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
        running = load_pairs(store, scheme=SCHEME, statuses=RUNNING)
        known = set(zip(running["mentee_email"], running["mentor_email"], strict=True))
        fresh = fresh[[(e, m) not in known for e, m in
                       zip(fresh["mentee_email"], fresh["mentor_email"], strict=True)]]
        if fresh.empty:
            return []
        return save_pairs(store, fresh, cohort, scheme=SCHEME, settings=settings,
                          status=status, start_date=start_date)


@dataclass
class MatchInputs:
    """Everything one matching round starts from, gathered by :func:`gather_match_inputs`.

    Attributes
    ----------
    matcher : MentorMatcher
        The rules and score components of the sign-ups (capacities already lowered for
        mentors whose running pairs are outside these sign-ups).
    weights : dict of str to float
        The starting weights, one per component.
    locks, forbid : pandas.DataFrame
        Pairs to keep as they are, and pairs never to make.
    current : pandas.DataFrame
        Pairs already running (from the ``current`` file and the store): kept as they are.
    previous : pandas.DataFrame
        Finished pairs from the store: not made again unless locked.
    kept_from_store : int
        How many running pairs of the store are among ``current``.
    store : Path or None
        The store the constraints were read from.
    gap_settings : dict
        ``min_gap`` and ``ideal_gap`` from the weights file, if it set them.
    """

    matcher: MentorMatcher
    weights: dict[str, float]
    locks: pd.DataFrame
    forbid: pd.DataFrame
    current: pd.DataFrame
    previous: pd.DataFrame
    kept_from_store: int = 0
    store: Path | None = None
    gap_settings: dict = field(default_factory=dict)

    @property
    def rules(self) -> SchemeRules:
        """The scheme's rules the matcher applies."""
        return self.matcher.scheme_rules

    def with_rules(self, rules: SchemeRules | Mapping[str, object] | str | Path | None
                   ) -> MatchInputs:
        """Return the same inputs under other scheme rules (the sign-ups are scored again)."""
        matcher = MentorMatcher(self.matcher.people,
                                self.gap_settings.get("min_gap", DEFAULT_MIN_GAP),
                                self.gap_settings.get("ideal_gap", DEFAULT_IDEAL_GAP),
                                rules=read_rules(rules), ladder=self.matcher.ladder)
        return replace(self, matcher=matcher)

    @property
    def people(self) -> pd.DataFrame:
        """The sign-ups being matched, as the matcher holds them (sorted by e-mail)."""
        return self.matcher.people

    def match(self, objective: str = "coverage", weights: Mapping[str, float] | None = None,
              locks: pd.DataFrame | None = None, forbid: pd.DataFrame | None = None,
              method: str = "auto", log: Callable[[str], None] | None = None,
              keep_matrices: bool = True) -> MatchResult:
        """Match with these inputs; ``weights``, ``locks`` and ``forbid`` replace the starting ones.

        Running and finished pairs always come from the inputs, so no setting can give a
        mentee a second mentor or repeat a finished pair. ``log`` receives a line per stage
        of a large scheme's block-by-block solve. ``keep_matrices=False`` for a one-off match
        (see :meth:`~toolkit.pairing.matching.MentorMatcher.match`).
        """
        return self.matcher.match(self.weights if weights is None else weights, objective,
                                  locks=self.locks if locks is None else locks,
                                  forbid=self.forbid if forbid is None else forbid,
                                  current=self.current, previous=self.previous, method=method,
                                  log=log, keep_matrices=keep_matrices)


def _pairs(value: pd.DataFrame | str | Path | None, what: str) -> pd.DataFrame:
    """Return a list of pairs given as a frame, or read from its file."""
    if isinstance(value, str | Path):
        value = read_pairs_file(value, what)
    return normalise_pairs(value, what)


def gather_match_inputs(
    signups: Signups | pd.DataFrame,
    store: str | Path | None = None,
    weights: Mapping[str, object] | str | Path | None = None,
    locks: pd.DataFrame | str | Path | None = None,
    forbid: pd.DataFrame | str | Path | None = None,
    current: pd.DataFrame | str | Path | None = None,
    rules: SchemeRules | Mapping[str, object] | str | Path | None = None,
    ladder: Ladder | str | Path | None = None,
) -> MatchInputs:
    """Gather and check what a matching round starts from: the one way to set up a match.

    The ``match`` command and the pairing panel both call this, so they read the same files
    the same way and treat the store the same way: pairs running there are kept (and use up
    their mentor's places), finished pairs are not made again, and a store path that does
    not exist is refused (a mistyped path must not silently give people a second mentor).

    Parameters
    ----------
    signups : SignupImport or pandas.DataFrame
        The clean sign-ups.
    store : str or Path, optional
        The scheme store; it must exist, and is only read (never changed). None: the
        scheme's first round.
    weights : mapping, str or Path, optional
        Starting weights, or a weights JSON file (see
        :func:`~toolkit.pairing.settings.read_weights`).
    locks, forbid, current : pandas.DataFrame, str or Path, optional
        Pairs to keep, never to make, and already running; or their CSV/XLSX files.
    rules : SchemeRules, mapping, str or Path, optional
        The scheme's rules, or its rules JSON file (see
        :func:`~toolkit.pairing.settings.read_rules`); grade names are read onto the
        sign-ups' ladder.
    ladder : Ladder, str or Path, optional
        The scheme's grade ladder, for sign-ups that do not carry theirs (those saved in a
        store): the rules' grade names and the explanations use it. Default: the sign-ups'
        own, else UK higher education.

    Returns
    -------
    MatchInputs

    Raises
    ------
    SettingsError
        If the weights are not valid.
    InputFileError, RowProblemsError
        If a file of pairs cannot be used.
    StoreError
        If ``store`` does not exist or cannot be opened.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x.org", "b@x.org"], "department": ["X", "Y"],
    ...                        "level": [0, 2], "role": ["mentee", "mentor"]})
    >>> inputs = gather_match_inputs(people, weights={"topics": 1})
    >>> inputs.match().pairs[["mentee_email", "mentor_email"]].values.tolist()
    [['a@x.org', 'b@x.org']]
    """
    people = signups.people if hasattr(signups, "people") else signups
    ladder = (resolve_ladder(ladder) if ladder is not None
              else getattr(signups, "ladder", None))
    start, settings = read_weights(weights)
    scheme_rules = read_rules(rules)
    locks = _pairs(locks, "locked pairs")
    forbid = _pairs(forbid, "forbidden pairs")
    current = _pairs(current, "current pairs")
    previous = normalise_pairs(None)
    kept = 0
    store = Path(store) if store else None
    if store is not None:
        if not store.exists():
            raise StoreError(MISSING_PAIRING_STORE.format(path=store))
        with open_existing(store, read_only=True) as opened:
            people, running, previous = load_pairing_constraints(opened, people)
        kept = len(running)
        if kept:
            current = normalise_pairs(pd.concat([current, running], ignore_index=True))
    matcher = MentorMatcher(people, settings.get("min_gap", DEFAULT_MIN_GAP),
                            settings.get("ideal_gap", DEFAULT_IDEAL_GAP), rules=scheme_rules,
                            ladder=ladder)
    return MatchInputs(matcher=matcher, weights=start, locks=locks, forbid=forbid,
                       current=current, previous=previous, kept_from_store=kept, store=store,
                       gap_settings=settings)
