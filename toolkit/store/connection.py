"""The scheme store: one SQLite file per scheme, every write one transaction.

A store is marked as the toolkit's own (SQLite's application id), so a file that is not one
(an empty file, another program's database, a document given by mistake) is refused before
anything is written to it. Commands that only read open the store read-only: they never
create or change a file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from toolkit.errors import StoreError
from toolkit.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "BUSY_SECONDS",
    "MISSING_STORE",
    "NOT_A_STORE",
    "STORE_BUSY",
    "Store",
    "now_utc",
    "open_existing",
    "open_store",
    "query",
]

#: SQLite's application id of a scheme store (the bytes "MSTK"), set when a store is made.
APPLICATION_ID = 0x4D53544B

#: The message when a file is not a scheme store; ``{path}`` and ``{why}`` are filled in.
NOT_A_STORE = ("'{path}' is not a scheme store ({why}): nothing was changed in it. Give the "
               ".sqlite file of your scheme, or a new file name to start a new scheme.")

_SQLITE_HEADER = b"SQLite format 3\x00"

#: The message when a command that needs an existing scheme is given a path with no store.
MISSING_STORE = ("The scheme store '{path}' does not exist: check the path (it is the .sqlite "
                 "file of your scheme, such as demo_output/scheme.sqlite).")

#: The most seconds opening or writing a store waits, in all, while another session holds it
#: (another notebook saving, a database browser): then it stops with a message, never hangs.
BUSY_SECONDS = 15.0

#: The message when another session holds the store for longer than :data:`BUSY_SECONDS`.
STORE_BUSY = ("The store '{path}' is held by another session (a notebook or command saving to "
              "it, or a database browser) for over {seconds:g} s; nothing was changed. Close "
              "the other program or let it finish, then try again.")


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
    read_only : bool
        Open for reading only: the file must exist, nothing is ever written to it (a store
        from an older toolkit is brought up to date in memory), and writes are refused.

    Raises
    ------
    StoreError
        If the file is not a scheme store (empty, another program's database, not a
        database), was written by a newer toolkit, or cannot be opened.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "scheme.sqlite") as store:
    ...     store.schema_version() == SCHEMA_VERSION
    True
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        try:
            new = not self.path.exists()
            if not new:
                _check_is_a_store(self.path)
            elif read_only:
                raise StoreError(MISSING_STORE.format(path=self.path))
            else:
                _create_store(self.path)
            if read_only:
                self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                            isolation_level=None, timeout=BUSY_SECONDS)
                if self._version_on_file() < SCHEMA_VERSION:
                    memory = sqlite3.connect(":memory:", isolation_level=None)
                    self.conn.backup(memory)
                    self.conn.close()
                    self.conn = memory
                    self._migrate()
                self._refuse_newer()
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
                self.conn.execute("PRAGMA foreign_keys = ON")
                self._use_rollback_journal()
                self._migrate()
        except OSError as exc:
            raise StoreError(f"The store '{self.path}' cannot be opened ({exc.strerror}): check "
                             "the path and that you may read it.") from None
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
        if self.read_only:
            raise StoreError(f"The store '{self.path}' was opened read-only: nothing can be "
                             "saved to it from here.")
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

    def _use_rollback_journal(self) -> None:
        """Keep the store in one file (SQLite's rollback journal, not write-ahead logging).

        A store in one file can be opened read-only without creating anything beside it; a
        store left in write-ahead mode by an earlier version is switched back. The switch
        waits while another session holds the file, :data:`BUSY_SECONDS` in all, then stops
        with a message (:class:`~toolkit.errors.StoreError`).
        """
        deadline = time.monotonic() + BUSY_SECONDS
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = DELETE")
                self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreError(STORE_BUSY.format(path=self.path,
                                                       seconds=BUSY_SECONDS)) from None
                # Each try waits no longer than the time left (SQLite's own busy wait).
                self.conn.execute(f"PRAGMA busy_timeout = {max(1, int(left * 1000))}")
                time.sleep(min(0.1, left))

    def _version_on_file(self) -> int:
        has = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'schema_version'").fetchone()
        return self.schema_version() if has else 0

    def _refuse_newer(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"'{self.path}' was written by a newer toolkit (schema {current}, this one knows "
                f"up to {SCHEMA_VERSION}): upgrade the toolkit to open it."
            )

    def _migrate(self) -> None:
        was_read_only, self.read_only = self.read_only, False  # an in-memory copy may change
        try:
            self._migrate_now()
        finally:
            self.read_only = was_read_only

    def _migrate_now(self) -> None:
        with self.transaction() as conn:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY "
                         "KEY, applied_at TEXT NOT NULL)")
        self._refuse_newer()
        current = self.schema_version()
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction() as conn:
                if self.schema_version() >= version:  # another session got there first
                    continue
                for statement in MIGRATIONS[version - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, now_utc()))


def _create_store(path: Path) -> None:
    """Make a new, empty store at ``path`` in one step.

    The store is built under a temporary name beside ``path`` and linked into place only when
    complete, so another session opening the same name never sees a half-made file; when two
    sessions create the same store at once, the first to finish wins and the other uses it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.new")
    try:
        draft = Store.__new__(Store)
        draft.path, draft.read_only = temporary, False
        draft.conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            draft.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            draft.conn.execute("PRAGMA foreign_keys = ON")
            draft._use_rollback_journal()
            draft._migrate()
        finally:
            draft.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another session made it first: use theirs
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _check_is_a_store(path: Path) -> None:
    """Refuse a file that is not a scheme store, reading only its first bytes.

    A store the toolkit made carries its application id. A store from before the id was set
    (an earlier version of the toolkit) is recognised by its tables, read without locking or
    creating anything beside it.
    """
    if path.is_dir():
        raise StoreError(NOT_A_STORE.format(path=path, why="it is a folder"))
    header = b""
    for _ in range(20):  # another session may be creating this store at this very moment
        with path.open("rb") as handle:
            header = handle.read(100)
        if header:
            break
        time.sleep(0.05)
    if not header:
        raise StoreError(NOT_A_STORE.format(path=path, why="the file is empty"))
    if not header.startswith(_SQLITE_HEADER) or len(header) < 100:
        raise StoreError(NOT_A_STORE.format(path=path, why="it is not a SQLite database"))
    application_id = int.from_bytes(header[68:72], "big")
    if application_id == APPLICATION_ID:
        return
    if application_id != 0:
        raise StoreError(NOT_A_STORE.format(
            path=path, why="it is another program's database"))
    # A store of an earlier release may hold its latest writes in a write-ahead log beside it.
    wal = path.with_name(path.name + "-wal")
    immutable = "" if wal.exists() and wal.stat().st_size else "&immutable=1"
    probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
    try:
        tables = {r[0] for r in probe.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        tables = set()
    finally:
        probe.close()
    if not {"schema_version", "people", "pairs"} <= tables:
        raise StoreError(NOT_A_STORE.format(
            path=path, why="it is a database without the scheme's tables"))


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


def open_existing(path: str | Path, read_only: bool = False) -> Store:
    """Open the store of a scheme that already exists; never create a new file.

    Parameters
    ----------
    path : str or Path
        The scheme's ``.sqlite`` file.
    read_only : bool
        For commands that only read: the file is never changed (see :class:`Store`).

    Raises
    ------
    StoreError
        If there is no file at ``path``, or it is not a scheme store.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(MISSING_STORE.format(path=path))
    return Store(path, read_only=read_only)
