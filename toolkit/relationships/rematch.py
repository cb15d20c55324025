"""A new partner after a withdrawal: the pairing engine re-matches, keeping every other pair."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from toolkit.core.dates import as_date
from toolkit.errors import LifecycleError
from toolkit.pairing.matching import match_mentors
from toolkit.relationships.changes import (
    current_pairs,
    find_pair,
    pair_events,
    pairs_to_forbid,
)
from toolkit.relationships.lifecycle import withdrawn_by
from toolkit.store.connection import Store
from toolkit.store.pairs import save_pairs
from toolkit.store.people import load_people

__all__ = ["NOTHING_TO_ACCEPT", "Rematch", "accept_rematch", "rematch_after_withdrawal"]

#: The message when a re-match with no proposal is accepted.
NOTHING_TO_ACCEPT = "This re-match has no proposal to accept: pair the person by hand instead."


@dataclass
class Rematch:
    """What a re-match after a withdrawal proposes (nothing is written until accepted).

    Attributes
    ----------
    pair_id : int
        The withdrawn pair.
    person : str
        The e-mail of the person left alone.
    side : str
        Their side: ``"mentee"`` or ``"mentor"``.
    current : pandas.DataFrame
        Every other running pair, passed to the engine as ``current`` (kept as they are).
    forbid : pandas.DataFrame
        Earlier pairs the engine must not propose again.
    proposals : pandas.DataFrame
        The new pair(s) for the person left alone (``mentee_email, mentor_email, score``...);
        empty when the engine found nobody.
    result : object
        The engine's whole result.
    cohort : str
        The cohort whose sign-ups were matched.
    notes : list of str
        What the lead should know about the re-match.
    """

    pair_id: int
    person: str
    side: str
    current: pd.DataFrame
    forbid: pd.DataFrame
    proposals: pd.DataFrame
    result: Any = None
    cohort: str = ""
    notes: list[str] = field(default_factory=list)


def _only_as_mentors(signups: pd.DataFrame, person: str, current: pd.DataFrame) -> pd.DataFrame:
    """Keep the mentee left alone the only mentee to match: the others may only mentor."""
    others = (signups["email"] != person) & ~signups["email"].isin(current["mentee_email"])
    signups = signups[~(others & (signups["role"] == "mentee"))].copy()
    signups.loc[others & (signups["role"] == "both"), "role"] = "mentor"
    return signups.reset_index(drop=True)


def rematch_after_withdrawal(store: Store, pair_id: int, cohort: str | None = None,
                             drop_withdrawing: bool = True,
                             matcher: Callable[..., Any] | None = None,
                             **match_options: Any) -> Rematch:
    """Propose a new partner for the person left alone after a withdrawal.

    Every other running pair is passed to the pairing engine as ``current`` (kept, and
    using up its mentor's capacity) and every earlier pair as ``forbid``; the engine sees
    the cohort's sign-ups (without the person who withdrew, when ``drop_withdrawing``).
    The mentee is re-matched unless the mentee is the one who withdrew, in which case the
    mentor's free place is offered. When re-matching a mentee, other people who are not
    mentees in a running pair take part only as possible mentors, so the engine cannot give
    the free places to someone else. Nothing is written: see :func:`accept_rematch`.

    Parameters
    ----------
    store : Store
    pair_id : int
        A withdrawn pair.
    cohort : str, optional
        The sign-ups to match from (default: the pair's cohort).
    drop_withdrawing : bool
        Leave out the person who withdrew (both, when both did).
    matcher : callable, optional
        ``matcher(signups, current=..., forbid=..., **match_options)`` returning a result
        with a ``pairs`` DataFrame; default :func:`toolkit.pairing.matching.match_mentors`.
    **match_options
        Passed on to the matcher (``weights=``, ``objective=``...).

    Returns
    -------
    Rematch

    Raises
    ------
    LifecycleError
        If the pair is not withdrawn.

    Examples
    --------
    A stand-in for the engine that offers the mentee the first free mentor:

    >>> import tempfile, pathlib, types
    >>> from toolkit.relationships.changes import withdraw_pair
    >>> def engine(signups, current, forbid):
    ...     return types.SimpleNamespace(pairs=pd.DataFrame({
    ...         "mentee_email": ["a@example.org"], "mentor_email": ["e@example.org"],
    ...         "score": [0.8]}))
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = withdraw_pair(store, pid, "2026-12-01", by="mentor")
    >>> rematch = rematch_after_withdrawal(store, pid, matcher=engine)
    >>> rematch.person, rematch.proposals["mentor_email"].tolist()
    ('a@example.org', ['e@example.org'])
    >>> accept_rematch(store, rematch, "2026-12-10")
    [2]
    """
    pair = find_pair(store, pair_id)
    if pair["status"] != "withdrawn":
        raise LifecycleError(
            f"Pair {pair_id} is '{pair['status']}', not withdrawn: record the withdrawal first, "
            "then ask for a re-match.")
    cohort = cohort or pair["cohort"]
    by = withdrawn_by(pair_events(store, [int(pair_id)]))
    side = "mentor" if by == "mentee" else "mentee"
    person = pair[f"{side}_email"]
    current = current_pairs(store, scheme=pair["scheme"])
    current = current[current["pair_id"] != int(pair_id)].reset_index(drop=True)
    forbid = pairs_to_forbid(store, scheme=pair["scheme"])
    signups = load_people(store, cohort)
    leaving = {"mentee": [pair["mentee_email"]], "mentor": [pair["mentor_email"]],
               "both": [pair["mentee_email"], pair["mentor_email"]], "lead": []}[by]
    # Someone still in another running pair stays (that pair needs them).
    busy = set(current["mentee_email"]) | set(current["mentor_email"])
    leaving = [email for email in leaving if email not in busy]
    notes = []
    if side == "mentee":
        signups = _only_as_mentors(signups, person, current)
    if drop_withdrawing and leaving:
        signups = signups[~signups["email"].isin(leaving)].reset_index(drop=True)
        notes.append(f"Left out of the re-match: {', '.join(leaving)} (withdrew).")
    if by == "both":
        notes.append("Both withdrew: nobody is left alone, so there is nothing to re-match.")
        empty = pd.DataFrame(columns=["mentee_email", "mentor_email", "score"])
        return Rematch(int(pair_id), "", "", current, forbid, empty, None, cohort, notes)
    matcher = matcher or match_mentors
    # The engine only sees running pairs whose two people are among the sign-ups; the others
    # (e.g. pairs of an earlier cohort) are untouched anyway.
    present = set(signups["email"])
    seen = current["mentee_email"].isin(present) & current["mentor_email"].isin(present)
    if not seen.all():
        notes.append(f"{int((~seen).sum())} running pair(s) of people outside cohort {cohort} "
                     "are kept as they are and not shown to the engine.")
        # Their mentors' places are still taken.
        taken = current.loc[~seen, "mentor_email"].value_counts()
        used = signups["email"].map(taken).fillna(0).astype("int64")
        signups = signups.assign(capacity=(signups["capacity"].astype("int64") - used).clip(
            lower=0))
    result = matcher(signups, current=current.loc[seen, ["mentee_email", "mentor_email"]]
                     .reset_index(drop=True), forbid=forbid, **match_options)
    found = result.pairs
    kept = found.merge(current[["mentee_email", "mentor_email"]], how="left", indicator=True)
    new = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    proposals = new[new[f"{side}_email"] == person].reset_index(drop=True)
    if proposals.empty:
        notes.append(f"The engine found no new partner for {person}.")
    return Rematch(int(pair_id), person, side, current, forbid, proposals, result, cohort, notes)


def accept_rematch(store: Store, rematch: Rematch, start_date: date | str,
                   settings: dict | None = None) -> list[int]:
    """Record a re-match's proposals as new proposed pairs (one transaction).

    Returns
    -------
    list of int
        The new pairs' ids.

    Raises
    ------
    LifecycleError
        If the re-match proposed nobody.

    Examples
    --------
    See :func:`rematch_after_withdrawal`.
    """
    if rematch.proposals.empty:
        raise LifecycleError(NOTHING_TO_ACCEPT)
    day = as_date(start_date, "start date").isoformat()
    return save_pairs(store, rematch.proposals, rematch.cohort, settings={
        "rematch_of_pair": rematch.pair_id, **(settings or {})}, start_date=day)
