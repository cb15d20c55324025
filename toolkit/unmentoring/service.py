"""Where a scheme keeps its rounds: load them, and save a drawn round, from a file or the store.

A scheme keeps its UnMentoring rounds either in a history file (``round, group, email``, with
a log of seeds beside it) or in its store. The ``draw`` command and the draw panel both go
through these functions, so a round is read and saved the same way whichever is used.
Wherever a store is expected, an open :class:`~toolkit.store.connection.Store` or the path of
its file may be given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from pathlib import Path

import pandas as pd

from toolkit.core.management import ancestors
from toolkit.core.text import normalise_emails
from toolkit.errors import LifecycleError, SettingsError
from toolkit.store.connection import Store
from toolkit.store.draws import (
    CHANGED,
    EXISTS,
    draw_inputs_state,
    load_draw_history,
    load_draw_rounds,
    save_draw,
)
from toolkit.store.pairs import load_pairs
from toolkit.store.people import load_people
from toolkit.unmentoring.announcements import parse_week
from toolkit.unmentoring.history import (
    append_history,
    history_lock,
    history_state,
    read_history,
    round_exists_message,
    rounds_changed_message,
    settings_text,
    single_round,
)

__all__ = [
    "ONE_PLACE",
    "load_exclusions",
    "load_history",
    "load_rounds",
    "rounds_lock",
    "rounds_place",
    "rounds_state",
    "save_round",
]

#: The message when neither or both of a history file and a store are given.
ONE_PLACE = ("Give either a history file or a scheme store (not both) so earlier rounds are "
             "known.")

StoreLike = Store | str | Path


@contextmanager
def _opened(store: StoreLike) -> Iterator[Store]:
    """Yield an open store: the one given, or the file at the path given (closed after)."""
    if isinstance(store, Store):
        yield store
        return
    with Store(store) as opened:
        yield opened


def rounds_place(history: str | Path | None = None, store: StoreLike | None = None) -> str:
    """Say where the rounds are kept, as messages put it; exactly one place must be given.

    Raises
    ------
    SettingsError
        If neither or both are given (:data:`ONE_PLACE`).

    Examples
    --------
    >>> rounds_place(history="draws.csv")
    "the history 'draws.csv'"
    >>> rounds_place(store="scheme.sqlite")
    "the store 'scheme.sqlite'"
    """
    if (history is None) == (store is None):
        raise SettingsError(ONE_PLACE)
    if history is not None:
        return f"the history '{history}'"
    return f"the store '{store.path if isinstance(store, Store) else store}'"


def rounds_lock(history: str | Path | None = None,
                store: StoreLike | None = None) -> AbstractContextManager:
    """Hold the history file's lock from reading the rounds to saving the new one.

    With a history file, another draw of the same file waits (then stops with a message)
    until this one is saved, so two draws never both miss each other's round; the store
    needs no lock of its own (it saves in one transaction). See
    :func:`toolkit.unmentoring.history.history_lock`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with rounds_lock(history=pathlib.Path(tempfile.mkdtemp()) / "h.csv"):
    ...     pass
    """
    rounds_place(history, store)
    return history_lock(history) if history is not None else nullcontext()


def load_history(history: str | Path | None = None,
                 store: StoreLike | None = None) -> pd.DataFrame:
    """Return the earlier rounds (``round, group, email``, in the order drawn) from one place.

    Parameters
    ----------
    history : str or Path, optional
        The history file (a missing file is an empty history).
    store : Store, str or Path, optional
        The scheme store.

    Raises
    ------
    SettingsError
        If neither or both are given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> load_history(history=pathlib.Path(tempfile.mkdtemp()) / "history.csv").empty
    True
    """
    rounds_place(history, store)
    if history is not None:
        return read_history(history)
    with _opened(store) as opened:
        return load_draw_history(opened)


def rounds_state(history: str | Path | None = None, store: StoreLike | None = None) -> str:
    """Return a fingerprint of everything a draw is made from, besides the sign-up list.

    Take it *before* reading the history (and the exclusions) for a draw, and give it to
    :func:`save_round`: if the place changed in between or since, the round is refused
    rather than saved against a history it did not know. With a history file it covers
    every round and its rows; with a store, also the people and their line managers, the
    pairs and the log of erasures (so an erasure, a withdrawal or another session's round
    all count).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rounds_state(store=folder / "s.sqlite") == rounds_state(store=folder / "s.sqlite")
    True
    """
    rounds_place(history, store)
    if history is not None:
        return history_state(history)
    with _opened(store) as opened:
        return draw_inputs_state(opened)


def load_rounds(store: StoreLike) -> pd.DataFrame:
    """Return the rounds saved in a store with what repeats them, oldest first.

    Returns
    -------
    pandas.DataFrame
        Columns ``round, seed, week, settings`` (JSON text) and ``created_at``.
    """
    with _opened(store) as opened:
        return load_draw_rounds(opened)


def load_exclusions(store: StoreLike, emails: Iterable[str] | None = None) -> pd.DataFrame:
    """List the pairs never to draw together: mentee with mentor, and line-management chains.

    Mentoring and coaching pairs come from the store's pairs table (any status: someone's
    former mentor is still not a random colleague); line management from the people table,
    followed up the chain (see :func:`toolkit.core.management.ancestors`).

    Parameters
    ----------
    store : Store, str or Path
        The scheme store.
    emails : iterable of str, optional
        Keep only pairs in which both people are among these.

    Returns
    -------
    pandas.DataFrame
        Columns ``email_a, email_b, reason``.
    """
    with _opened(store) as opened:
        pairs = load_pairs(opened)
        people = load_people(opened)
    frames = [pd.DataFrame({"email_a": normalise_emails(pairs["mentee_email"]),
                            "email_b": normalise_emails(pairs["mentor_email"]),
                            "reason": pairs["scheme"].astype(str) + " pair"})]
    chain = ancestors(dict(zip(people["email"].astype(str),
                               people["line_manager_email"].fillna("").astype(str),
                               strict=True)))
    frames.append(pd.DataFrame({"email_a": chain["person"], "email_b": chain["manager"],
                                "reason": "line management"}))
    out = pd.concat(frames, ignore_index=True)
    if emails is not None:
        keep = set(map(str, emails))
        out = out[out["email_a"].isin(keep) & out["email_b"].isin(keep)]
    return out.drop_duplicates(["email_a", "email_b"]).reset_index(drop=True)


def save_round(draw: pd.DataFrame, seed: int, history: str | Path | None = None,
               store: StoreLike | None = None, week: str | date | None = None,
               settings: dict | None = None, redraw: bool = False,
               known_rounds: Sequence[str] | None = None, state: str | None = None) -> str:
    """Save a drawn round with its seed, week and settings, in the history file or the store.

    Either way the round is written in one step (a temporary file renamed over the history
    and its log, or one store transaction): on any failure nothing changes.

    Parameters
    ----------
    draw : pandas.DataFrame
        One round as returned by :func:`~toolkit.unmentoring.draw.draw_round`.
    seed : int
        The seed it was drawn with (kept so the draw can be repeated).
    history : str or Path, optional
        The history file (created if missing); give this or ``store``.
    store : Store, str or Path, optional
        The scheme store.
    week : str or date, optional
        A day in the week to meet in, or an ISO week; its Monday is kept.
    settings : dict, optional
        Anything else needed to repeat the draw (locks, breaks, method).
    redraw : bool
        Replace the round if its label is already saved.
    known_rounds : sequence of str, optional
        With a history file: the rounds the draw was made from; if another round was saved
        since, the round is refused (draw it again).
    state : str, optional
        :func:`rounds_state` taken before the draw read its history: if the history file or
        the store changed since (a round saved or replaced by another session, someone
        erased or withdrawn, a sign-up import), the round is refused and nothing is written
        (checked under the history's lock, or inside the store's transaction).

    Returns
    -------
    str
        Where the round was saved, as :func:`rounds_place` says it.

    Raises
    ------
    LifecycleError
        If the round is already saved and ``redraw`` is False, or the place changed since
        ``state`` or ``known_rounds`` (nothing is written).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> d = pd.DataFrame({"round": ["r1"] * 2, "group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> save_round(d, 7, store=folder / "s.sqlite", week="2026-10-07").endswith("s.sqlite'")
    True
    >>> load_rounds(folder / "s.sqlite")[["round", "seed", "week"]].values.tolist()
    [['r1', 7, '2026-10-05']]
    """
    where = rounds_place(history, store)
    label = single_round(draw)
    monday = parse_week(week)
    week = None if monday is None else monday.isoformat()
    if history is not None:
        append_history(history, draw, redraw=redraw, seed=seed, week=week, settings=settings,
                       known_rounds=known_rounds, state=state)
        return where
    with _opened(store) as opened:
        outcome = save_draw(opened, label, draw, seed, week, settings_text(settings), redraw,
                            state=state)
    if outcome == CHANGED:
        raise LifecycleError(rounds_changed_message(label, where))
    if outcome == EXISTS:
        raise LifecycleError(round_exists_message(label, where))
    return where
