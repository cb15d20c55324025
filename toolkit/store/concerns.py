"""Concerns: the lead's private log of a pair's worries, one row per concern.

Each concern names its pair, the day it was raised, a category, a free-text note, an
optional follow-up date and the day it was closed. The note is private to the lead: no
report reads this table, and erasing a person erases the notes about their pairs.
"""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = [
    "CONCERN_COLUMNS",
    "load_concerns",
    "save_concern",
    "save_concern_closed",
    "save_concern_follow_up",
]

#: The columns :func:`load_concerns` returns.
CONCERN_COLUMNS = ["id", "pair_id", "on_date", "category", "note", "follow_up", "closed_on"]


def save_concern(store: Store, pair_id: int, on_date: str, category: str, note: str = "",
                 follow_up: str | None = None) -> int:
    """Record one concern about a pair, as given (the caller checks it), and return its id.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> save_concern(store, pid, "2026-11-02", "other", "a private note", "2026-12-01")
    1
    """
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO concerns (pair_id, on_date, category, note, follow_up, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (int(pair_id), str(on_date), str(category), str(note), follow_up, now_utc()))
    return int(cur.lastrowid)


def load_concerns(store: Store, pair_ids: list[int] | None = None,
                  open_only: bool = False) -> pd.DataFrame:
    """Return the concerns (columns :data:`CONCERN_COLUMNS`), by pair, date and id.

    Parameters
    ----------
    store : Store
    pair_ids : list of int, optional
        Only these pairs' concerns.
    open_only : bool
        Only the concerns not yet closed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_concerns(store).columns.tolist()
    ['id', 'pair_id', 'on_date', 'category', 'note', 'follow_up', 'closed_on']
    """
    where, params = [], []
    if open_only:
        where.append("closed_on IS NULL")
    if pair_ids is not None:
        where.append(f"pair_id IN ({', '.join('?' * len(pair_ids))})")
        params += [int(i) for i in pair_ids]
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    frame = query(store, f"SELECT {', '.join(CONCERN_COLUMNS)} FROM concerns{clause} "
                         "ORDER BY pair_id, on_date, id", tuple(params))
    if frame.empty:
        return pd.DataFrame(columns=CONCERN_COLUMNS)
    for column in ("follow_up", "closed_on"):  # missing dates are None, never NaN
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def save_concern_closed(store: Store, concern_id: int, on_date: str) -> int:
    """Close a concern on ``on_date``; return how many rows changed (0: no such open concern).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> cid = save_concern(store, pid, "2026-11-02", "other")
    >>> save_concern_closed(store, cid, "2026-12-01"), save_concern_closed(store, cid, "2026-12-02")
    (1, 0)
    """
    with store.transaction() as conn:
        cur = conn.execute("UPDATE concerns SET closed_on = ? WHERE id = ? AND closed_on IS NULL",
                           (str(on_date), int(concern_id)))
    return int(cur.rowcount)


def save_concern_follow_up(store: Store, concern_id: int, follow_up: str | None) -> int:
    """Set (or clear, with None) an open concern's follow-up date; return the rows changed."""
    with store.transaction() as conn:
        cur = conn.execute("UPDATE concerns SET follow_up = ? WHERE id = ? AND closed_on IS NULL",
                           (follow_up, int(concern_id)))
    return int(cur.rowcount)
