"""UnMentoring rounds in the store: each round's seed and settings, and who met whom."""

from __future__ import annotations

import hashlib

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = ["CHANGED", "EXISTS", "SAVED", "draw_inputs_state", "load_draw_history",
           "load_draw_rounds", "load_draws", "save_draw"]

#: What :func:`save_draw` did: saved the round; found the label saved already (nothing
#: written); found the store changed since the round was drawn (nothing written).
SAVED, EXISTS, CHANGED = "saved", "exists", "changed"

#: Everything a draw from the store is made from, besides the sign-up list: the rounds and
#: who met in them, who manages whom, the pairs (never drawn together), and the erasures.
_STATE_QUERIES = (
    "SELECT rowid, round, grp, email FROM draws ORDER BY rowid",
    "SELECT rowid, round, seed, week, settings FROM draw_rounds ORDER BY rowid",
    "SELECT rowid, email, line_manager_email FROM people ORDER BY rowid",
    "SELECT id, scheme, mentee_email, mentor_email, status FROM pairs ORDER BY id",
    "SELECT id FROM erasures ORDER BY id",
)


def load_draws(store: Store) -> pd.DataFrame:
    """Return every drawn group, oldest round first (``round, grp, email, created_at``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_draws(store).columns.tolist()
    ['round', 'grp', 'email', 'created_at']
    """
    return query(store,
                 "SELECT d.round, d.grp, d.email, r.created_at FROM draws d "
                 "JOIN draw_rounds r ON r.round = d.round "
                 "ORDER BY r.created_at, d.round, d.grp, d.email")


def load_draw_history(store: Store) -> pd.DataFrame:
    """Return every saved round as a draw history: ``round, group, email``, in the order drawn.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     history = load_draw_history(store)
    >>> history.columns.tolist(), str(history["group"].dtype)
    (['round', 'group', 'email'], 'int64')
    """
    frame = query(store,
                  "SELECT d.round, d.grp AS \"group\", d.email FROM draws d JOIN draw_rounds r "
                  "ON r.round = d.round ORDER BY r.rowid, d.grp, d.email")
    return frame.astype({"round": "str", "group": "int64", "email": "str"})


def load_draw_rounds(store: Store) -> pd.DataFrame:
    """Return the saved rounds (``round, seed, week, settings, created_at``), oldest first."""
    return query(store, "SELECT round, seed, week, settings, created_at FROM draw_rounds "
                        "ORDER BY rowid")


def draw_inputs_state(store: Store) -> str:
    """Return a fingerprint of what a draw from this store is made from (besides the list).

    The rounds saved and who met in them, the people and their line managers, the pairs
    (any status) and the log of erasures: if any of them changes (a round saved or
    replaced, someone erased or purged, a pair withdrawn, a sign-up import), the fingerprint
    changes, so a round drawn before can be refused (see :func:`save_draw`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pd.DataFrame({"group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     before = draw_inputs_state(store)
    ...     _ = save_draw(store, "r1", d, 5, None, "{}")
    ...     before == draw_inputs_state(store), len(before)
    (False, 64)
    """
    digest = hashlib.sha256()
    for sql in _STATE_QUERIES:  # streamed in table order: no sort, no frame in memory
        digest.update(f"{sql}\n".encode())
        cursor = store.conn.execute(sql)
        while rows := cursor.fetchmany(50_000):
            digest.update(repr(rows).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def save_draw(store: Store, label: str, draw: pd.DataFrame, seed: int, week: str | None,
              settings: str, replace: bool = False, state: str | None = None) -> str:
    """Save one drawn round (its groups, seed, week and settings) in one transaction.

    Parameters
    ----------
    store : Store
        The scheme store.
    label : str
        The round's label.
    draw : pandas.DataFrame
        The round's ``group, email`` rows.
    seed : int
        The seed it was drawn with.
    week : str or None
        The week to meet in (ISO date of its Monday).
    settings : str
        What else is needed to draw it again, as JSON text.
    replace : bool
        Replace the round if its label is already saved.
    state : str, optional
        :func:`draw_inputs_state` as it was when the round was drawn: if the store has
        changed since (checked inside the transaction), nothing is written.

    Returns
    -------
    str
        :data:`SAVED`; :data:`EXISTS` when the round is already saved and ``replace`` is
        False; :data:`CHANGED` when the store changed since ``state``. Nothing is written
        unless :data:`SAVED`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pd.DataFrame({"group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     drawn_from = draw_inputs_state(store)
    ...     first = save_draw(store, "r1", d, 5, None, "{}", state=drawn_from)
    ...     again = save_draw(store, "r1", d, 6, None, "{}")
    ...     stale = save_draw(store, "r2", d, 6, None, "{}", state=drawn_from)
    >>> first, again, stale
    ('saved', 'exists', 'changed')
    """
    with store.transaction() as conn:
        if state is not None and draw_inputs_state(store) != state:
            return CHANGED
        exists = conn.execute("SELECT 1 FROM draw_rounds WHERE round = ?", (label,)).fetchone()
        if exists and not replace:
            return EXISTS
        conn.execute("DELETE FROM draws WHERE round = ?", (label,))
        conn.execute(
            "INSERT INTO draw_rounds (round, seed, week, settings, created_at) VALUES "
            "(?, ?, ?, ?, ?) ON CONFLICT(round) DO UPDATE SET seed = excluded.seed, "
            "week = excluded.week, settings = excluded.settings",
            (label, int(seed), week, settings, now_utc()))
        conn.executemany("INSERT INTO draws (round, grp, email) VALUES (?, ?, ?)",
                         [(label, int(g), str(e)) for g, e in
                          zip(draw["group"], draw["email"], strict=True)])
    return SAVED
