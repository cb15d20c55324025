"""Pairs: mentoring and coaching pairs, the runs that made them and their first event."""

from __future__ import annotations

import json

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = [
    "PAIR_EVENT_COLUMNS",
    "STATUS_CHANGE_COLUMNS",
    "load_finish_dates",
    "load_made_dates",
    "load_pair",
    "load_pair_events",
    "load_pairs",
    "load_review_dates",
    "save_meetings_per_year",
    "save_pair_event",
    "save_pairs",
    "save_status_changes",
]


def save_pairs(store: Store, pairs: pd.DataFrame, cohort: str, scheme: str = "mentoring",
              settings: dict | None = None, status: str = "proposed",
              start_date: str | None = None) -> list[int]:
    """Record new pairs (and the run that made them) in one transaction.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``mentee_email, mentor_email`` and optionally ``score``; any other numeric
        columns (score components) are kept as JSON in ``components``.
    cohort : str
        The cohort the pairs belong to.
    scheme : str
        ``"mentoring"`` or ``"coaching"``.
    settings : dict, optional
        The matching settings (weights, objective, input fingerprint), stored with the run.
    status : str
        The starting status (default ``"proposed"``); recorded as the pair's first event.
    start_date : str, optional
        ISO date the pair starts.

    Returns
    -------
    list of int
        The new pairs' ids, in the order given.
    """
    now = now_utc()
    known = {"mentee_email", "mentor_email", "score"}
    comp_cols = [c for c in pairs.columns if c not in known
                 and pd.api.types.is_numeric_dtype(pairs[c])]
    ids: list[int] = []
    with store.transaction() as conn:
        run = conn.execute(
            "INSERT INTO runs (kind, cohort, settings, created_at) VALUES (?, ?, ?, ?)",
            (scheme, cohort, json.dumps(settings or {}, default=str), now),
        ).lastrowid
        for rec in pairs.to_dict("records"):
            components = {c: float(rec[c]) for c in comp_cols if pd.notna(rec[c])}
            score = rec.get("score")
            cur = conn.execute(
                "INSERT INTO pairs (scheme, cohort, mentee_email, mentor_email, score, "
                "components, status, start_date, run_id, created_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (scheme, cohort, str(rec["mentee_email"]), str(rec["mentor_email"]),
                 None if score is None or pd.isna(score) else float(score),
                 json.dumps(components), status, start_date, run, now),
            )
            pair_id = int(cur.lastrowid)
            conn.execute(
                "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, "
                "recorded_at) VALUES (?, NULL, ?, ?, ?)",
                (pair_id, status, start_date or now[:10], now),
            )
            ids.append(pair_id)
    return ids


def load_pairs(store: Store, cohort: str | None = None, scheme: str | None = None,
          statuses: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return stored pairs, optionally of one cohort, scheme and set of statuses."""
    where, params = [], []
    if cohort is not None:
        where.append("cohort = ?")
        params.append(cohort)
    if scheme is not None:
        where.append("scheme = ?")
        params.append(scheme)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += list(statuses)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return query(store, f"SELECT * FROM pairs{clause} ORDER BY id", tuple(params))


# -- a pair's life: its events and changes of status (relationships) -----------------------

#: The columns of :func:`load_pair_events`.
PAIR_EVENT_COLUMNS = ["id", "pair_id", "from_status", "to_status", "on_date", "reason", "note",
                      "recorded_at"]
#: The columns a frame given to :func:`save_status_changes` holds.
STATUS_CHANGE_COLUMNS = ["pair_id", "from_status", "to_status", "start_date", "term_end",
                         "renewals", "on_date", "reason", "note"]


def load_pair(store: Store, pair_id: int) -> dict | None:
    """Return one pair's row as a dict, or None when the store has no such pair.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> load_pair(store, pid)["status"], load_pair(store, 99)
    ('proposed', None)
    """
    rows = query(store, "SELECT * FROM pairs WHERE id = ?", (int(pair_id),))
    return None if rows.empty else rows.iloc[0].to_dict()


def load_pair_events(store: Store, pair_ids: list[int] | None = None) -> pd.DataFrame:
    """Return the audit trail of pairs (all, or some): every change and answer, oldest first.

    Columns :data:`PAIR_EVENT_COLUMNS`, by pair and then in the order recorded.
    """
    if pair_ids is None:
        return query(store, "SELECT * FROM pair_events ORDER BY pair_id, id")
    marks = ", ".join("?" * len(pair_ids))
    return query(store, f"SELECT * FROM pair_events WHERE pair_id IN ({marks}) "
                        "ORDER BY pair_id, id", tuple(int(i) for i in pair_ids))


def load_made_dates(store: Store) -> pd.DataFrame:
    """Return the date of each pair's first event, the day it was made (``pair_id, made``)."""
    return query(store, "SELECT pair_id, MIN(on_date) AS made FROM pair_events GROUP BY pair_id")


def load_finish_dates(store: Store) -> pd.DataFrame:
    """Return the day each finished pair ended or was withdrawn (``pair_id, finished_on``)."""
    return query(store, "SELECT pair_id, MAX(on_date) AS finished_on FROM pair_events "
                        "WHERE to_status IN ('ended', 'withdrawn') GROUP BY pair_id")


def save_status_changes(store: Store, changes: pd.DataFrame) -> int:
    """Write changes of status and their events to the audit trail, in one transaction.

    Parameters
    ----------
    changes : pandas.DataFrame
        One row per pair, columns :data:`STATUS_CHANGE_COLUMNS`: the pair's new
        ``to_status, start_date, term_end, renewals``, and the event's ``from_status,
        on_date, reason, note``.

    Returns
    -------
    int
        How many pairs were changed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> save_status_changes(store, pd.DataFrame([{"pair_id": pid, "from_status": "proposed",
    ...     "to_status": "active", "start_date": "2026-10-05", "term_end": "2027-10-05",
    ...     "renewals": 0, "on_date": "2026-10-20", "reason": "", "note": ""}]))
    1
    >>> load_pair_events(store)["to_status"].tolist()
    ['proposed', 'active']
    """
    rows = changes[STATUS_CHANGE_COLUMNS].astype(object)
    rows = rows.where(rows.notna(), None)
    records = list(rows.itertuples(index=False, name=None))
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE pairs SET status = ?, start_date = ?, term_end = ?, renewals = ? "
            "WHERE id = ?",
            [(to, start, end, int(n), int(pid))
             for pid, _, to, start, end, n, *_ in records])
        now = now_utc()
        conn.executemany(
            "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, reason, note, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(int(pid), old, to, str(day), reason or "", note or "", now)
             for pid, old, to, _, _, _, day, reason, note in records])
    return len(records)


def save_pair_event(store: Store, pair_id: int, status: str, on_date: str, reason: str,
                    note: str = "") -> None:
    """Add an event that changes nothing to a pair's audit trail (such as a renewal answer).

    The event goes from ``status`` to ``status``: the pair keeps its status.
    """
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, reason, note, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (int(pair_id), status, status, on_date, reason, note, now_utc()))


def load_review_dates(store: Store, reason: str) -> pd.DataFrame:
    """Return the latest day of each pair's events of one ``reason`` (``pair_id, on_date``).

    Used for the mid-term reviews, recorded as events that change nothing.
    """
    return query(store, "SELECT pair_id, MAX(on_date) AS on_date FROM pair_events "
                        "WHERE reason = ? GROUP BY pair_id", (reason,))


def save_meetings_per_year(store: Store, pair_id: int, per_year: int | None) -> int:
    """Record the number of meetings a year a pair agreed (None: the scheme's pace).

    Returns
    -------
    int
        1 when the pair exists, else 0.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> save_meetings_per_year(store, pid, 6), load_pair(store, pid)["meetings_per_year"]
    (1, 6)
    """
    with store.transaction() as conn:
        cur = conn.execute("UPDATE pairs SET meetings_per_year = ? WHERE id = ?",
                           (None if per_year is None else int(per_year), int(pair_id)))
    return int(cur.rowcount)
