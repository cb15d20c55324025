"""Several sessions opening (and so creating) the same new store at once."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

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
