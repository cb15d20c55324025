"""UnMentoring rounds in the store: each round's seed and settings, and who met whom."""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = ["load_draw_history", "load_draw_rounds", "load_draws", "save_draw"]


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


def save_draw(store: Store, label: str, draw: pd.DataFrame, seed: int, week: str | None,
              settings: str, replace: bool = False) -> bool:
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

    Returns
    -------
    bool
        True when saved; False when the round is already saved and ``replace`` is False
        (then nothing is written).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pd.DataFrame({"group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     save_draw(store, "r1", d, 5, None, "{}"), save_draw(store, "r1", d, 6, None, "{}")
    (True, False)
    """
    with store.transaction() as conn:
        exists = conn.execute("SELECT 1 FROM draw_rounds WHERE round = ?", (label,)).fetchone()
        if exists and not replace:
            return False
        conn.execute("DELETE FROM draws WHERE round = ?", (label,))
        conn.execute(
            "INSERT INTO draw_rounds (round, seed, week, settings, created_at) VALUES "
            "(?, ?, ?, ?, ?) ON CONFLICT(round) DO UPDATE SET seed = excluded.seed, "
            "week = excluded.week, settings = excluded.settings",
            (label, int(seed), week, settings, now_utc()))
        conn.executemany("INSERT INTO draws (round, grp, email) VALUES (?, ?, ?)",
                         [(label, int(g), str(e)) for g, e in
                          zip(draw["group"], draw["email"], strict=True)])
    return True
