"""The scheme store: one SQLite file per scheme, every write one transaction."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from toolkit.errors import StoreError
from toolkit.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MISSING_STORE", "Store", "now_utc", "open_existing", "open_store", "query"]

#: The message when a command that needs an existing scheme is given a path with no store.
MISSING_STORE = ("The scheme store '{path}' does not exist: check the path (it is the .sqlite "
                 "file of your scheme, such as demo_output/scheme.sqlite).")

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


def query(store: Store, sql: str, params: tuple | dict = ()) -> pd.DataFrame:
    """Run a read-only query on the store and return its rows as a DataFrame.

    For the store's repository modules only: everything else reads through them.
    """
    cursor = store.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=names)


def open_store(path: str | Path) -> Store:
    """Open (or create) a scheme store; see :class:`Store`."""
    return Store(path)


def open_existing(path: str | Path) -> Store:
    """Open the store of a scheme that already exists; never create a new file.

    Raises
    ------
    StoreError
        If there is no file at ``path``.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(MISSING_STORE.format(path=path))
    return Store(path)
