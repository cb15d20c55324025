"""Coaching kept in the store: requests, the coach pool, sessions and objective scores."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from toolkit.core.statuses import RUNNING
from toolkit.store.connection import Store, now_utc, query
from toolkit.store.pairs import save_pairs

__all__ = [
    "COACH_COLUMNS",
    "RECORD_TABLES",
    "REQUEST_COLUMNS",
    "load_coaching_coaches",
    "load_coaching_records",
    "load_coaching_requests",
    "load_coaching_sessions",
    "load_objective_scores",
    "save_coaching",
    "save_coaching_records",
    "save_progress",
]

#: The columns of a triaged request that the store keeps (``coaching_requests``).
REQUEST_COLUMNS = ("email", "name", "department", "grade", "line_manager_email",
                   "manager_approved", "cost_approved", "need", "objectives", "meeting_mode",
                   "requested_on", "route", "status", "reason", "outcome", "coach_email")
#: The columns of a coach that the store keeps (``coaching_coaches``).
COACH_COLUMNS = ("email", "name", "department", "pool", "capacity", "specialisms",
                 "cost_per_session", "meeting_mode")


def load_objective_scores(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return each coachee's objectives with their scores at the start and at the end.

    Parameters
    ----------
    store : Store
    cohort : str, optional
        Only coaching rounds named after this cohort (``"2026"`` takes ``"2026"`` and
        ``"2026 coaching"``).

    Returns
    -------
    pandas.DataFrame
        ``coachee, number, objective, score_before, score_after`` (scores may be missing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_objective_scores(store).columns.tolist()
    ['coachee', 'number', 'objective', 'score_before', 'score_after']
    """
    sql = ("SELECT p.mentee_email AS coachee, o.number, o.objective, "
           "o.start_score AS score_before, o.end_score AS score_after FROM coaching_objectives o "
           "JOIN pairs p ON p.id = o.pair_id WHERE p.scheme = 'coaching'")
    params: tuple = ()
    if cohort is not None:
        sql += " AND (p.cohort = ? OR substr(p.cohort, 1, ?) = ?)"
        params = (cohort, len(cohort) + 1, f"{cohort} ")
    return query(store, sql + " ORDER BY p.mentee_email, o.number", params)


def _cell(value: object) -> object:
    """Return a value as SQLite keeps it: lists as JSON, days as ISO text, numpy unboxed."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if pd.api.types.is_scalar(value) and pd.isna(value):  # None, NaN, NaT and NA
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.bool_ | bool | np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return None if value is None or (np.isscalar(value) and pd.isna(value)) else value


def save_coaching(store: Store, cohort: str, requests: pd.DataFrame, coaches: pd.DataFrame,
                  pairs: pd.DataFrame, settings: dict | None = None) -> list[int]:
    """Save a round's triaged requests, coach pool and coach pairs in the store, all at once.

    The pairs go into the shared ``pairs`` table with ``scheme='coaching'`` (coachee as
    mentee, coach as mentor); requests and coaches into ``coaching_requests`` and
    ``coaching_coaches`` (replacing this cohort's earlier rows). Saving a round again
    replaces its pairs that are still only proposed and have no sessions recorded; a pair
    still running (with sessions recorded, or under way) is kept as it is and never recorded
    twice, so saving the same round again changes nothing.

    Parameters
    ----------
    store : Store
        The open scheme store.
    cohort : str
        The round the requests belong to, e.g. ``"2026 spring"``.
    requests : pandas.DataFrame
        Every request with its outcome (:attr:`toolkit.coaching.matching.CoachMatch.requests`);
        the columns of :data:`REQUEST_COLUMNS` that it has are kept.
    coaches : pandas.DataFrame
        The coach pool (:attr:`~toolkit.coaching.matching.CoachMatch.coaches`).
    pairs : pandas.DataFrame
        ``coachee_email, coach_email, score`` and optionally the score's parts (``need,
        objectives, mode``) and ``start_date``.
    settings : dict, optional
        The matching settings, recorded with the run.

    Returns
    -------
    list of int
        The id of each pair in the store, in the order given (a pair kept from an earlier
        save keeps its id).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import load_pairs
    >>> pairs = pd.DataFrame({"coachee_email": ["a@example.org"],
    ...                       "coach_email": ["c@example.org"], "score": [0.8],
    ...                       "start_date": ["2026-03-02"]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     ids = save_coaching(store, "2026", pd.DataFrame(), pd.DataFrame(), pairs)
    ...     load_pairs(store, scheme="coaching")[["mentee_email", "mentor_email"]].values.tolist()
    [['a@example.org', 'c@example.org']]
    """
    now = now_utc()
    req_cols, coach_cols = list(REQUEST_COLUMNS), list(COACH_COLUMNS)
    kept_requests = requests.reindex(columns=req_cols)
    kept_coaches = coaches.reindex(columns=coach_cols)
    frame = pd.DataFrame({"mentee_email": pairs.get("coachee_email", pd.Series(dtype=str)),
                          "mentor_email": pairs.get("coach_email", pd.Series(dtype=str)),
                          "score": pairs.get("score", pd.Series(dtype=float))})
    for part in ("need", "objectives", "mode"):
        if part in pairs:
            frame[part] = pairs[part].astype(float)
    start = pairs["start_date"].iloc[0] if "start_date" in pairs and len(pairs) else None
    with store.transaction() as conn:
        stale = "SELECT id FROM pairs WHERE scheme = 'coaching' AND cohort = ? AND " \
                "status = 'proposed' AND id NOT IN (SELECT pair_id FROM coaching_sessions)"
        conn.execute(f"DELETE FROM coaching_objectives WHERE pair_id IN ({stale})", (cohort,))
        conn.execute(f"DELETE FROM pair_events WHERE pair_id IN ({stale})", (cohort,))
        conn.execute(f"DELETE FROM pairs WHERE id IN ({stale})", (cohort,))
        conn.execute("DELETE FROM coaching_requests WHERE cohort = ?", (cohort,))
        conn.execute("DELETE FROM coaching_coaches WHERE cohort = ?", (cohort,))
        conn.executemany(
            f"INSERT INTO coaching_requests (cohort, {', '.join(req_cols)}, saved_at) VALUES "
            f"(?, {', '.join('?' * len(req_cols))}, ?)",
            [(cohort, *(_cell(v) for v in rec), now)
             for rec in kept_requests.itertuples(index=False)])
        conn.executemany(
            f"INSERT INTO coaching_coaches (cohort, {', '.join(coach_cols)}, saved_at) VALUES "
            f"(?, {', '.join('?' * len(coach_cols))}, ?)",
            [(cohort, *(_cell(v) for v in rec), now)
             for rec in kept_coaches.itertuples(index=False)])
        # A pair still running in this round (it has sessions, or it got going) is the same
        # pair when the round is saved again: it is kept, never recorded a second time.
        running = conn.execute(
            "SELECT mentee_email, mentor_email, MIN(id) FROM pairs WHERE scheme = 'coaching' "
            f"AND cohort = ? AND status IN ({', '.join('?' * len(RUNNING))}) "
            "GROUP BY mentee_email, mentor_email", (cohort, *RUNNING)).fetchall()
        kept = {(str(a), str(b)): int(i) for a, b, i in running}
        key = list(zip(frame["mentee_email"].astype(str), frame["mentor_email"].astype(str),
                       strict=True))
        new = np.array([k not in kept for k in key], dtype=bool)
        made = iter(save_pairs(store, frame[new], cohort, scheme="coaching", settings=settings,
                               start_date=start or None))
        return [next(made) if is_new else kept[k] for k, is_new in zip(key, new, strict=True)]


def save_progress(store: Store, cohort: str, sessions: pd.DataFrame,
                  per_objective: pd.DataFrame | None = None,
                  earlier: pd.DataFrame | None = None) -> dict[str, object]:
    """Record a round's held sessions and objective scores against its coaching pairs.

    Each coachee's sessions go to their latest coaching pair of ``cohort`` (saved with
    :func:`save_coaching`), except sessions on or before the day an earlier pair of theirs
    ended (``earlier``: a chemistry session that did not work), which stay with that pair; a
    session already recorded is not added twice, and scores replace earlier ones. Everything
    is written in one transaction.

    Parameters
    ----------
    store : Store
        The open scheme store.
    cohort : str
        The round the pairs were saved under.
    sessions : pandas.DataFrame
        ``email, on_date, kind`` (and ``held``), from
        :func:`toolkit.coaching.records.read_sessions`.
    per_objective : pandas.DataFrame, optional
        :attr:`toolkit.coaching.progress.ObjectiveProgress.per_objective` (``email, number,
        objective, start_score, end_score``).
    earlier : pandas.DataFrame, optional
        ``email, coach_email, on_date``: pairs that ended on that day (a failed chemistry
        session), whose sessions up to it are theirs.

    Returns
    -------
    dict
        ``sessions`` and ``scores`` (rows written) and ``unknown`` (e-mails with no pair).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> pairs = pd.DataFrame({"coachee_email": ["a@example.org"],
    ...                       "coach_email": ["c@example.org"], "score": [0.8]})
    >>> log = pd.DataFrame({"email": ["a@example.org", "b@example.org"],
    ...                     "on_date": pd.to_datetime(["2026-03-02", "2026-03-03"]),
    ...                     "kind": ["chemistry", "session"]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     _ = save_coaching(store, "2026", pd.DataFrame(), pd.DataFrame(), pairs)
    ...     save_progress(store, "2026", log)
    {'sessions': 1, 'scores': 0, 'unknown': ['b@example.org']}
    """
    now = now_utc()
    pairs = query(store, "SELECT mentee_email AS email, MAX(id) AS pair_id FROM pairs WHERE "
                         "scheme = 'coaching' AND cohort = ? GROUP BY mentee_email", (cohort,))
    pair_of = dict(zip(pairs["email"], pairs["pair_id"].astype(int), strict=True))
    held = sessions[sessions["held"].astype(bool)] if "held" in sessions else sessions
    known = held["email"].isin(pair_of)
    unknown = sorted(set(held.loc[~known, "email"]))
    target = held.loc[known, "email"].map(pair_of)
    if earlier is not None and len(earlier):
        ids = query(store, "SELECT mentee_email AS email, mentor_email AS coach_email, "
                           "MAX(id) AS pair_id FROM pairs WHERE scheme = 'coaching' AND "
                           "cohort = ? GROUP BY mentee_email, mentor_email", (cohort,))
        ended = earlier.dropna(subset=["on_date"]).merge(ids, on=["email", "coach_email"])
        for email, day, pair_id in zip(ended["email"], pd.to_datetime(ended["on_date"]),
                                       ended["pair_id"], strict=True):
            before = (held.loc[known, "email"] == email) & (held.loc[known, "on_date"] <= day)
            target = target.where(~before, int(pair_id))
    session_rows = [(int(p), d.date().isoformat(), k, now) for p, d, k in zip(
        target, held.loc[known, "on_date"], held.loc[known, "kind"], strict=True)]
    score_rows = []
    if per_objective is not None:
        mine = per_objective[per_objective["email"].isin(pair_of)]
        score_rows = [
            (pair_of[e], int(n), str(o), None if pd.isna(s) else int(s),
             None if pd.isna(x) else int(x), now)
            for e, n, o, s, x in zip(mine["email"], mine["number"], mine["objective"],
                                     mine["start_score"], mine["end_score"], strict=True)]
    with store.transaction() as conn:
        before = conn.total_changes
        conn.executemany("INSERT OR IGNORE INTO coaching_sessions (pair_id, on_date, kind, "
                         "recorded_at) VALUES (?, ?, ?, ?)", session_rows)
        added = conn.total_changes - before
        conn.executemany(
            "INSERT INTO coaching_objectives (pair_id, number, objective, start_score, "
            "end_score, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(pair_id, number) DO "
            "UPDATE SET objective = excluded.objective, start_score = excluded.start_score, "
            "end_score = excluded.end_score, updated_at = excluded.updated_at", score_rows)
    return {"sessions": added, "scores": len(score_rows), "unknown": unknown}


def _of_cohort(table: str, cohort: str | None) -> tuple[str, tuple]:
    """Return the query for a table's rows (of one cohort when given), in saving order."""
    if cohort is None:
        return f"SELECT * FROM {table} ORDER BY id", ()
    return f"SELECT * FROM {table} WHERE cohort = ? ORDER BY id", (cohort,)


def load_coaching_requests(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return the saved coaching requests (of one round when ``cohort`` is given).

    ``need`` and ``objectives`` are JSON lists as text; approvals are 0 or 1.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_coaching_requests(store, "2026").columns[:3].tolist()
    ['id', 'cohort', 'email']
    """
    return query(store, *_of_cohort("coaching_requests", cohort))


def load_coaching_coaches(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return the saved coach pools (of one round when ``cohort`` is given).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_coaching_coaches(store).empty
    True
    """
    return query(store, *_of_cohort("coaching_coaches", cohort))


def load_coaching_sessions(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return the recorded coaching sessions with their coachee and coach.

    Returns
    -------
    pandas.DataFrame
        ``pair_id, coachee, coach, cohort, on_date, kind``, by pair then date.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_coaching_sessions(store).columns.tolist()
    ['pair_id', 'coachee', 'coach', 'cohort', 'on_date', 'kind']
    """
    sql = ("SELECT s.pair_id, p.mentee_email AS coachee, p.mentor_email AS coach, p.cohort, "
           "s.on_date, s.kind FROM coaching_sessions s JOIN pairs p ON p.id = s.pair_id")
    params: tuple = ()
    if cohort is not None:
        sql += " WHERE p.cohort = ?"
        params = (cohort,)
    return query(store, sql + " ORDER BY s.pair_id, s.on_date, s.kind", params)


#: The coaching team's registers in the store: kind -> (table, the columns kept, as the
#: register's records name them -> the table's column).
RECORD_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "approved": ("coaching_approved", {
        "email": "email", "name": "name", "accreditation_body": "accreditation_body",
        "accreditation_level": "accreditation_level",
        "accreditation_expires": "accreditation_expires",
        "last_supervision": "last_supervision", "agreement": "agreement",
        "agreement_date": "agreement_date"}),
    "choices": ("coaching_choices", {"email": "coachee_email", "coach_email": "coach_email",
                                     "chosen_on": "chosen_on"}),
    "chemistry": ("coaching_chemistry", {"email": "coachee_email",
                                         "coach_email": "coach_email",
                                         "went_well": "went_well", "on_date": "on_date"}),
    "agreed": ("coaching_agreed", {"email": "email", "sessions": "sessions",
                                   "chemistry": "chemistry", "months": "months"}),
    "spend": ("coaching_spend", {"email": "email", "department": "department", "year": "year",
                                 "approved_amount": "approved_amount", "spent": "spent"}),
}


def save_coaching_records(store: Store, cohort: str,
                          records: dict[str, pd.DataFrame | None]) -> dict[str, int]:
    """Save a round's registers (approved coaches, choices, chemistry, agreed sessions, spend).

    Each register given replaces this cohort's earlier rows of it (saving again changes
    nothing); a register that is None is left as it is. A coaching pair of the cohort whose
    chemistry session did not work, and that is still running, is ended, with the reason in
    its audit trail. Everything is written in one transaction.

    Parameters
    ----------
    store : Store
        The open scheme store.
    cohort : str
        The round's name.
    records : dict
        Kind (``approved``, ``choices``, ``chemistry``, ``agreed``, ``spend``) -> the
        register's clean rows (``CoachingImport.records``), or None.

    Returns
    -------
    dict of str to int
        Rows saved per register, and ``ended``: the pairs ended after a failed chemistry
        session.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> chem = pd.DataFrame({"email": ["a@example.org"], "coach_email": ["c@example.org"],
    ...                      "went_well": [False], "on_date": pd.to_datetime(["2026-03-09"])})
    >>> pairs = pd.DataFrame({"coachee_email": ["a@example.org"],
    ...                       "coach_email": ["c@example.org"], "score": [0.5]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     _ = save_coaching(store, "2026", pd.DataFrame(), pd.DataFrame(), pairs)
    ...     saved = save_coaching_records(store, "2026", {"chemistry": chem})
    ...     again = save_coaching_records(store, "2026", {"chemistry": chem})
    ...     rows = load_coaching_records(store, "chemistry", "2026")
    >>> saved, again, rows[["coachee_email", "went_well", "on_date"]].values.tolist()
    ({'chemistry': 1, 'ended': 1}, {'chemistry': 1, 'ended': 0}, \
[['a@example.org', 0, '2026-03-09']])
    """
    now = now_utc()
    saved: dict[str, int] = {}
    with store.transaction() as conn:
        for kind, frame in records.items():
            if frame is None:
                continue
            table, columns = RECORD_TABLES[kind]
            kept = frame.reindex(columns=list(columns))
            names = list(columns.values())
            conn.execute(f"DELETE FROM {table} WHERE cohort = ?", (cohort,))
            conn.executemany(
                f"INSERT INTO {table} (cohort, {', '.join(names)}, saved_at) VALUES "
                f"(?, {', '.join('?' * len(names))}, ?)",
                [(cohort, *(_cell(v) for v in rec), now)
                 for rec in kept.itertuples(index=False)])
            saved[kind] = len(kept)
        ended = 0
        chemistry = records.get("chemistry")
        if chemistry is not None and len(chemistry):
            failed = chemistry[~chemistry["went_well"].astype(bool)]
            for coachee, coach, day in zip(failed["email"], failed["coach_email"],
                                           failed.get("on_date", pd.Series(pd.NaT,
                                                      index=failed.index)), strict=True):
                on = _cell(day) or now[:10]
                rows = conn.execute(
                    "SELECT id, status FROM pairs WHERE scheme = 'coaching' AND cohort = ? AND "
                    f"mentee_email = ? AND mentor_email = ? AND status IN "
                    f"({', '.join('?' * len(RUNNING))})",
                    (cohort, str(coachee), str(coach), *RUNNING)).fetchall()
                for pair_id, status in rows:
                    conn.execute("UPDATE pairs SET status = 'ended', term_end = ? WHERE id = ?",
                                 (on, pair_id))
                    conn.execute(
                        "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, "
                        "reason, note, recorded_at) VALUES (?, ?, 'ended', ?, ?, '', ?)",
                        (pair_id, status, on, "The chemistry session did not work: the "
                         "coachee is matched with another coach.", now))
                    ended += 1
        saved["ended"] = ended
    return saved


def load_coaching_records(store: Store, kind: str, cohort: str | None = None) -> pd.DataFrame:
    """Return one saved register (of one round when ``cohort`` is given), in saving order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_coaching_records(store, "spend").columns.tolist()[2:]
    ['email', 'department', 'year', 'approved_amount', 'spent', 'saved_at']
    """
    return query(store, *_of_cohort(RECORD_TABLES[kind][0], cohort))
