"""Meetings of pairs: held or cancelled, on which date, and by whom."""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, query

__all__ = ["MEETING_COLUMNS", "load_meetings"]

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
