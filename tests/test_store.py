import re
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from toolkit import Store, open_store
from toolkit.errors import StoreError
from toolkit.store.connection import APPLICATION_ID, NOT_A_STORE, query
from toolkit.store.pairs import load_pairs, save_pairs
from toolkit.store.people import load_cohorts, load_people, save_import, save_signups
from toolkit.store.schema import MIGRATIONS, SCHEMA_VERSION


def test_new_store_has_the_current_schema(tmp_path):
    with open_store(tmp_path / "sub" / "scheme.sqlite") as store:
        assert store.schema_version() == SCHEMA_VERSION
        tables = set(query(store, "SELECT name FROM sqlite_master WHERE type='table'")["name"])
    assert {"people", "signups", "pairs", "pair_events", "draws", "meetings",
            "feedback"} <= tables


def test_signups_are_saved_and_read_back(tmp_path, sample_import):
    path = tmp_path / "scheme.sqlite"
    with Store(path) as store:
        save_import(store, sample_import, "2026")
    with Store(path) as store:  # reopened: nothing lost
        people = load_people(store, "2026")
        imports = query(store, "SELECT * FROM imports")
    assert len(people) == len(sample_import.people)
    assert people["email"].is_unique
    assert imports.loc[0, "sha256"] == sample_import.sha256
    assert imports.loc[0, "rows_skipped"] == 0
    expected = sample_import.people.set_index("email").sort_index()
    got = people.set_index("email").sort_index()
    assert (got["level"] == expected["level"]).all()
    assert (got["role"] == expected["role"]).all()


def test_a_second_year_updates_people_and_keeps_their_first_cohort(tmp_path, sample_people):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people.head(10), "2025")
        changed = sample_people.head(3).assign(department="Moved", role="mentor")
        save_signups(store, changed, "2026")
        assert load_cohorts(store) == ["2025", "2026"]
        now = load_people(store, "2026")
        assert len(now) == 3
        assert set(now["department"]) == {"Moved"}
        assert set(now["first_cohort"]) == {"2025"}
        assert len(load_people(store, "2025")) == 10


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path, sample_people):
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        save_signups(store, sample_people.head(5), "2026")
        before = load_people(store)
        broken = sample_people.iloc[5:10].copy()
        broken.loc[broken.index[-1], "role"] = "spectator"  # violates the CHECK constraint
        with pytest.raises(StoreError, match="Nothing was saved"):
            save_signups(store, broken, "2026")
        pd.testing.assert_frame_equal(load_people(store), before)
        assert len(query(store, "SELECT * FROM imports")) == 1


def test_an_error_inside_a_transaction_rolls_everything_back(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("INSERT INTO runs (kind, settings, created_at) VALUES ('x', '{}', 'now')")
            raise RuntimeError("power cut")
        assert query(store, "SELECT COUNT(*) AS n FROM runs")["n"].item() == 0


def test_a_store_made_before_the_application_id_is_recognised_and_marked(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")
    for version, migration in enumerate(MIGRATIONS, start=1):
        conn.executescript(migration)
        conn.execute("INSERT INTO schema_version VALUES (?, 'then')", (version,))
    conn.commit()
    conn.close()
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == 0
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_version_1_store_holding_a_year_is_migrated_with_its_data(tmp_path):
    """Last year's file (schema 1: no coaching tables) opens, keeps everything, and takes
    coaching records."""
    path = tmp_path / "2025.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO schema_version VALUES (1, '2025-09-01T00:00:00+00:00')")
    conn.executemany(
        "INSERT INTO people (email, name, department, grade, level, role, first_cohort, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, '2025', '2025-09-01')",
        [("a@example.org", "Ada Lovelace", "Maths", "Grade 7", 2, "mentee"),
         ("b@example.org", "Bo Chen", "Physics", "Grade 9", 4, "mentor")])
    conn.executemany("INSERT INTO signups (email, cohort, role, capacity) VALUES (?, '2025', ?, 1)",
                     [("a@example.org", "mentee"), ("b@example.org", "mentor")])
    conn.execute("INSERT INTO pairs (cohort, mentee_email, mentor_email, score, status, "
                 "start_date, created_at) VALUES ('2025', 'a@example.org', 'b@example.org', "
                 "0.8, 'active', '2025-10-01', '2025-10-01')")
    conn.execute("INSERT INTO meetings (pair_id, on_date, status, recorded_at) VALUES "
                 "(1, '2025-11-03', 'held', '2025-11-04')")
    conn.execute("INSERT INTO draw_rounds (round, seed, created_at) VALUES ('2025-10', 7, 'x')")
    conn.executemany("INSERT INTO draws (round, grp, email) VALUES ('2025-10', 0, ?)",
                     [("a@example.org",), ("b@example.org",)])
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert load_people(store, "2025")["email"].tolist() == ["a@example.org", "b@example.org"]
        assert load_pairs(store)[["mentee_email", "status"]].to_numpy().tolist() == [
            ["a@example.org", "active"]]
        assert len(query(store, "SELECT * FROM meetings")) == 1
        assert len(query(store, "SELECT * FROM draws")) == 2
        coaching = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
                                                   "mentor_email": ["c@example.org"]}),
                              "2026 coaching", scheme="coaching")
        with store.transaction() as conn:
            conn.execute("INSERT INTO coaching_sessions (pair_id, on_date, kind, recorded_at) "
                         "VALUES (?, '2026-03-02', 'chemistry', 'now')", (coaching[0],))
        assert len(query(store, "SELECT * FROM coaching_sessions")) == 1


def test_a_store_from_a_newer_toolkit_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (999, 'later')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer toolkit"):
        Store(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match=re.escape(NOT_A_STORE.split("(")[0].format(path=path))):
        Store(path)


def test_pairs_are_recorded_with_their_first_event(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        ids = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
                                            "mentor_email": ["b@example.org"],
                                            "score": [0.7], "topics": [0.5]}),
                              "2026", settings={"objective": "coverage"})
        pairs = load_pairs(store, cohort="2026")
        events = query(store, "SELECT * FROM pair_events")
    assert pairs["id"].tolist() == ids
    assert pairs.loc[0, "components"] == '{"topics": 0.5}'
    assert events["to_status"].tolist() == ["proposed"]


def _foreign_database(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('my own data')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize("kind", ["empty", "foreign", "text", "other-app"])
def test_a_file_that_is_not_a_store_is_refused_and_left_byte_for_byte(tmp_path, kind,
                                                                        read_only):
    path = tmp_path / "scheme.sqlite"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "foreign":
        _foreign_database(path)
    elif kind == "text":
        path.write_text("a shopping list, saved with the wrong name\n" * 10)
    else:
        _foreign_database(path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA application_id = 1234")
        conn.commit()
        conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="is not a scheme store"):
        Store(path, read_only=read_only)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scheme.sqlite"]


def test_a_read_only_store_never_creates_or_changes_a_file(tmp_path):
    path = tmp_path / "scheme.sqlite"
    with pytest.raises(StoreError, match="does not exist"):
        Store(path, read_only=True)
    assert not path.exists()
    with Store(path) as store:
        save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
                                        "mentor_email": ["b@example.org"]}), "2026")
    before = path.read_bytes()
    with Store(path, read_only=True) as store:
        assert len(load_pairs(store)) == 1
        with pytest.raises(StoreError, match="read-only"):
            save_pairs(store, pd.DataFrame({"mentee_email": ["c@example.org"],
                                            "mentor_email": ["b@example.org"]}), "2026")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scheme.sqlite"]


def test_a_read_only_store_from_an_older_toolkit_is_read_without_migrating_the_file(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO schema_version VALUES (1, 'then')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with Store(path, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert load_pairs(store).empty
    assert path.read_bytes() == before


def test_sessions_creating_the_same_store_at_once_all_open_it(tmp_path):
    """A new store appears complete or not at all: a second session never sees it half-made."""
    path = tmp_path / "scheme.sqlite"

    def open_and_count(_):
        with Store(path) as store:
            return store.schema_version()

    with ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(open_and_count, range(16)))
    assert versions == [SCHEMA_VERSION] * 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scheme.sqlite"]


def test_a_store_of_an_earlier_release_with_writes_still_in_its_log_opens(tmp_path):
    """Earlier releases kept stores in write-ahead-log mode; unflushed writes still count."""
    live = tmp_path / "live.sqlite"
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00Z')")
    copy = tmp_path / "scheme.sqlite"
    for suffix in ("", "-wal"):  # what a crash leaves on disk: the log not yet written back
        shutil.copy(str(live) + suffix, str(copy) + suffix)
    conn.close()
    assert (tmp_path / "scheme.sqlite-wal").stat().st_size > 0
    with Store(copy) as store:
        assert store.schema_version() == SCHEMA_VERSION
