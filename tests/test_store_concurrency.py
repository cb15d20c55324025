"""Several sessions opening (and so creating) the same new store at once, or one held."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from toolkit.errors import StoreError
from toolkit.store.connection import SCHEMA_VERSION, Store, query


def _open(path: str) -> int:
    with Store(path) as store:
        return store.schema_version()


def test_sessions_creating_the_same_store_at_once_all_succeed(tmp_path):
    paths = [str(tmp_path / f"s{i}.sqlite") for i in range(8)]
    with ProcessPoolExecutor(4) as pool:
        versions = list(pool.map(_open, [p for p in paths for _ in range(4)]))
    assert versions == [SCHEMA_VERSION] * len(versions)
    with Store(paths[0]) as store:
        assert query(store, "SELECT COUNT(*) AS n FROM schema_version")["n"].iloc[0] == (
            SCHEMA_VERSION)


def test_a_store_held_by_another_session_stops_with_a_message_not_a_hang(tmp_path,
                                                                          monkeypatch):
    # Each try used to wait SQLite's 15 s, a hundred times over (25 minutes) before any
    # message; now the whole wait is bounded by BUSY_SECONDS.
    path = tmp_path / "scheme.sqlite"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of writing
    monkeypatch.setattr("toolkit.store.connection.BUSY_SECONDS", 0.5)
    started = time.monotonic()
    try:
        with pytest.raises(StoreError, match=r"held by another session .* over 0\.5 s; "
                           r"nothing was changed"):
            Store(path)
        assert time.monotonic() - started < 10
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(path) as store:  # once the other session is done, it opens as usual
        assert store.schema_version() >= 1
