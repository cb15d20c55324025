"""Pairs: mentoring and coaching pairs, the runs that made them and their first event."""

from __future__ import annotations

import json

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = ["load_pairs", "save_pairs"]


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
