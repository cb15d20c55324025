"""The scheme store: one SQLite file per scheme, every write one transaction."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from toolkit.errors import StoreError

if TYPE_CHECKING:
    from toolkit.intake.signups import SignupImport

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "now_utc", "open_store"]

#: Forward migrations, applied in order to bring any older store up to date. Never edit a
#: released entry: add a new one. Each entry is run as one transaction.
MIGRATIONS: list[str] = [
    # 1: people and their sign-ups, and room for pairings, draws, meetings and feedback.
    """
    CREATE TABLE people (
        email TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        department TEXT NOT NULL,
        grade TEXT NOT NULL,
        level INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'both', 'none')),
        line_manager_email TEXT,
        capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 0),
        topics TEXT NOT NULL DEFAULT '',
        meeting_mode TEXT NOT NULL DEFAULT 'either',
        gender TEXT NOT NULL DEFAULT '',
        mentor_gender_preference TEXT NOT NULL DEFAULT '',
        extra TEXT NOT NULL DEFAULT '{}',
        first_cohort TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        cohort TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        rows_imported INTEGER NOT NULL,
        rows_skipped INTEGER NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE signups (
        email TEXT NOT NULL REFERENCES people(email),
        cohort TEXT NOT NULL,
        role TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        import_id INTEGER REFERENCES imports(id),
        PRIMARY KEY (email, cohort)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        cohort TEXT,
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE pairs (
        id INTEGER PRIMARY KEY,
        scheme TEXT NOT NULL DEFAULT 'mentoring',
        cohort TEXT NOT NULL,
        mentee_email TEXT NOT NULL,
        mentor_email TEXT NOT NULL,
        score REAL,
        components TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'proposed',
        start_date TEXT,
        term_end TEXT,
        renewals INTEGER NOT NULL DEFAULT 0,
        run_id INTEGER REFERENCES runs(id),
        created_at TEXT NOT NULL
    );
    CREATE INDEX pairs_mentee ON pairs (mentee_email);
    CREATE INDEX pairs_mentor ON pairs (mentor_email);
    CREATE TABLE pair_events (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        from_status TEXT,
        to_status TEXT NOT NULL,
        on_date TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE draw_rounds (
        round TEXT PRIMARY KEY,
        seed INTEGER NOT NULL,
        week TEXT,
        settings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE draws (
        round TEXT NOT NULL REFERENCES draw_rounds(round),
        grp INTEGER NOT NULL,
        email TEXT NOT NULL,
        PRIMARY KEY (round, email)
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        on_date TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'cancelled')),
        cancelled_by TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        respondent_role TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        respondent TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    """,
    # 2: coaching: requests as triaged, the coach pool, sessions and objective scores.
    """
    CREATE TABLE coaching_requests (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        department TEXT NOT NULL,
        grade TEXT NOT NULL,
        line_manager_email TEXT,
        manager_approved INTEGER NOT NULL DEFAULT 0,
        cost_approved INTEGER NOT NULL DEFAULT 0,
        need TEXT NOT NULL DEFAULT '[]',
        objectives TEXT NOT NULL DEFAULT '[]',
        meeting_mode TEXT NOT NULL DEFAULT 'either',
        requested_on TEXT,
        route TEXT,
        status TEXT,
        reason TEXT,
        outcome TEXT,
        coach_email TEXT,
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email)
    );
    CREATE TABLE coaching_coaches (
        id INTEGER PRIMARY KEY,
        cohort TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        department TEXT NOT NULL,
        pool TEXT NOT NULL CHECK (pool IN ('internal', 'external')),
        capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 0),
        specialisms TEXT NOT NULL DEFAULT '[]',
        cost_per_session REAL NOT NULL DEFAULT 0,
        meeting_mode TEXT NOT NULL DEFAULT 'either',
        saved_at TEXT NOT NULL,
        UNIQUE (cohort, email)
    );
    CREATE TABLE coaching_sessions (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        on_date TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('chemistry', 'session')),
        recorded_at TEXT NOT NULL,
        UNIQUE (pair_id, on_date, kind)
    );
    CREATE TABLE coaching_objectives (
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 3),
        objective TEXT NOT NULL DEFAULT '',
        start_score INTEGER CHECK (start_score BETWEEN 1 AND 10),
        end_score INTEGER CHECK (end_score BETWEEN 1 AND 10),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pair_id, number)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

PEOPLE_COLUMNS = [
    "email", "name", "department", "grade", "level", "role", "line_manager_email", "capacity",
    "topics", "meeting_mode", "gender", "mentor_gender_preference",
]


def now_utc() -> str:
    """Return the current UTC time as an ISO timestamp (seconds), as the store records it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A scheme's store: a SQLite file holding people, pairs, draws, meetings and feedback.

    Open it with :func:`open_store` (or ``Store(path)``); use it as a context manager to close
    it. Every write method runs in one transaction: on any error nothing is written.

    Parameters
    ----------
    path : str or Path
        The ``.sqlite`` file; created (with its folder) when it does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "scheme.sqlite") as store:
    ...     store.schema_version() == SCHEMA_VERSION
    True
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=15)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._use_wal()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"'{self.path}' cannot be opened as a scheme store ({exc}): check that it is a "
                "store the toolkit made, or give a new file name to start a new scheme."
            ) from None

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one transaction: all of it is written, or none of it.

        Nested calls join the outer transaction.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"The store '{self.path}' cannot be written ({exc}): close any other program "
                "using it (another notebook, a database browser) and try again."
            ) from None
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise StoreError(
                f"Nothing was saved to '{self.path}': the write failed ({exc}). The store is "
                "as it was before; correct the data and try again."
            ) from exc
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        """Return the schema version of the file."""
        row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _use_wal(self) -> None:
        """Switch to write-ahead logging, waiting while another session holds the file.

        Two sessions may open a new store at the same moment (a notebook and its app); the
        switch is not covered by SQLite's busy timeout, so it is retried for a while.
        """
        for attempt in range(100):
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.1)

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "applied_at TEXT NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"'{self.path}' was written by a newer toolkit (schema {current}, this one knows "
                f"up to {SCHEMA_VERSION}): upgrade the toolkit to open it."
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as conn:
                if self.schema_version() >= version:  # another session got there first
                    continue
                for statement in MIGRATIONS[version - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, now_utc()))

    # -- generic access ---------------------------------------------------------------------
    def query(self, sql: str, params: tuple | dict = ()) -> pd.DataFrame:
        """Run a read-only query and return its rows as a DataFrame."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)

    # -- people -----------------------------------------------------------------------------
    def save_signups(self, people: pd.DataFrame, cohort: str, source: str = "",
                     sha256: str = "", skipped: int = 0, kind: str = "mentoring") -> int:
        """Save clean sign-ups for a cohort (e.g. ``"2026"``) in one transaction.

        A person already in the store has their details updated and keeps their first cohort;
        their sign-up for this cohort is replaced. Columns beyond the canonical ones are kept
        as JSON in ``extra``.

        Parameters
        ----------
        people : pandas.DataFrame
            ``SignupImport.people``.
        cohort : str
            The cohort or year the sign-ups belong to.
        source, sha256 : str
            The export's name and fingerprint, recorded with the import.
        skipped : int
            How many rows were set aside with problems (recorded with the import).
        kind : str
            ``"mentoring"``, ``"unmentoring"`` or ``"coaching"``.

        Returns
        -------
        int
            The id of the import record.
        """
        if not str(cohort).strip():
            raise StoreError("The cohort is empty: give the year or label of this round, "
                             "e.g. '2026'.")
        now = now_utc()
        extra_cols = [c for c in people.columns if c not in PEOPLE_COLUMNS and c != "row"]
        records = []
        for rec in people.to_dict("records"):
            extra = {c: (None if pd.isna(rec[c]) else str(rec[c])) for c in extra_cols}
            values = []
            for c in PEOPLE_COLUMNS:
                v = rec.get(c, None)
                v = None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
                if c in ("level", "capacity") and v is not None:
                    v = int(v)
                values.append(v)
            records.append((*values, json.dumps(extra, ensure_ascii=False), cohort, now))
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO imports (kind, cohort, source, sha256, rows_imported, rows_skipped,"
                " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, cohort, source, sha256, len(records), skipped, now),
            )
            import_id = int(cur.lastrowid)
            cols = ", ".join(PEOPLE_COLUMNS)
            marks = ", ".join("?" * (len(PEOPLE_COLUMNS) + 3))
            updates = ", ".join(f"{c} = excluded.{c}" for c in PEOPLE_COLUMNS[1:])
            conn.executemany(
                f"INSERT INTO people ({cols}, extra, first_cohort, updated_at) VALUES ({marks}) "
                f"ON CONFLICT(email) DO UPDATE SET {updates}, extra = excluded.extra, "
                "updated_at = excluded.updated_at",
                records,
            )
            conn.executemany(
                "INSERT INTO signups (email, cohort, role, capacity, import_id) VALUES "
                "(?, ?, ?, ?, ?) ON CONFLICT(email, cohort) DO UPDATE SET role = excluded.role, "
                "capacity = excluded.capacity, import_id = excluded.import_id",
                [(r[0], cohort, r[5], r[7], import_id) for r in records],
            )
        return import_id

    def save_import(self, signups: SignupImport, cohort: str, kind: str = "mentoring") -> int:
        """Save the clean rows of a :class:`~toolkit.intake.signups.SignupImport` for a cohort.

        The rows set aside with problems are not saved; their number is recorded with the
        import so the lead can see that some are still to be fixed.
        """
        return self.save_signups(signups.people, cohort, signups.source, signups.sha256,
                                 skipped=int(signups.problems["row"].nunique()), kind=kind)

    def people(self, cohort: str | None = None) -> pd.DataFrame:
        """Return the people (of one cohort's sign-ups, if given), with their role that cohort."""
        cols = ", ".join(f"p.{c}" for c in PEOPLE_COLUMNS if c not in ("role", "capacity"))
        if cohort is None:
            frame = self.query(
                f"SELECT {cols}, p.role, p.capacity, p.first_cohort FROM people p ORDER BY p.email"
            )
        else:
            frame = self.query(
                f"SELECT {cols}, s.role, s.capacity, p.first_cohort, s.cohort FROM people p "
                "JOIN signups s ON s.email = p.email WHERE s.cohort = ? ORDER BY p.email",
                (cohort,),
            )
        return frame[[*PEOPLE_COLUMNS, *[c for c in frame.columns if c not in PEOPLE_COLUMNS]]]

    # -- pairs ------------------------------------------------------------------------------
    def add_pairs(self, pairs: pd.DataFrame, cohort: str, scheme: str = "mentoring",
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
        with self.transaction() as conn:
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

    def pairs(self, cohort: str | None = None, scheme: str | None = None,
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
        return self.query(f"SELECT * FROM pairs{clause} ORDER BY id", tuple(params))

    def cohorts(self) -> list[str]:
        """Return the cohorts that have sign-ups, oldest first."""
        return self.query("SELECT DISTINCT cohort FROM signups ORDER BY cohort")["cohort"].tolist()


def open_store(path: str | Path) -> Store:
    """Open (or create) a scheme store; see :class:`Store`."""
    return Store(path)
