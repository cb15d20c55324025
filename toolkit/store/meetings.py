"""Meetings of pairs: held or cancelled, on which date, and by whom."""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = ["MEETING_COLUMNS", "RECORDED_MEETING_COLUMNS", "load_meetings", "save_meeting_rows"]

#: The columns :func:`load_meetings` returns.
MEETING_COLUMNS = ["id", "pair_id", "on_date", "status", "cancelled_by", "note"]


def load_meetings(store: Store, pair_ids: list[int] | None = None) -> pd.DataFrame:
    """Return the recorded meetings, by pair and date (``id, pair_id, on_date, status, ...``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_meetings(store).columns.tolist()
    ['id', 'pair_id', 'on_date', 'status', 'cancelled_by', 'note']
    """
    frame = query(store, f"SELECT {', '.join(MEETING_COLUMNS)} FROM meetings "
                         "ORDER BY pair_id, on_date, id")
    if pair_ids is not None:
        frame = frame[frame["pair_id"].isin([int(i) for i in pair_ids])].reset_index(drop=True)
    return frame


#: The columns a frame given to :func:`save_meeting_rows` holds.
RECORDED_MEETING_COLUMNS = ["pair_id", "on_date", "status", "cancelled_by", "note"]


def save_meeting_rows(store: Store, meetings: pd.DataFrame) -> int:
    """Record meetings (columns :data:`RECORDED_MEETING_COLUMNS`) in one transaction.

    The rows are written as they are: checking them, and leaving out meetings already
    recorded, is the caller's job (:func:`toolkit.relationships.meetings.save_meetings`).

    Returns
    -------
    int
        How many meetings were written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> save_meeting_rows(store, pd.DataFrame({"pair_id": [pid], "on_date": ["2026-11-02"],
    ...     "status": ["held"], "cancelled_by": [""], "note": [""]}))
    1
    >>> load_meetings(store)[["pair_id", "on_date", "status"]].to_numpy().tolist()
    [[1, '2026-11-02', 'held']]
    """
    now = now_utc()
    rows = [(int(p), str(d), str(s), str(b), str(n), now) for p, d, s, b, n in
            meetings[RECORDED_MEETING_COLUMNS].itertuples(index=False, name=None)]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO meetings (pair_id, on_date, status, cancelled_by, note, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
