"""Erasure: replacing a person's address and removing their personal data, everywhere at once.

The repository of :mod:`toolkit.privacy`: it finds where an address is held (every column of
every table whose name says it holds one, so tables added by later migrations are covered),
reads what a purge needs to know (who took part in what, and when it ended), and writes an
erasure in one transaction with SQLite's secure delete on, followed by a ``VACUUM`` so no copy
of the old bytes stays in the file. The log of erasures (``erasures``) says when and how many
rows, never who.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from toolkit.core.statuses import RUNNING
from toolkit.errors import StoreError
from toolkit.store.connection import Store, now_utc, query

__all__ = [
    "ERASED_DOMAIN",
    "ERASED_TEXT",
    "FREE_TEXT_COLUMNS",
    "Erasure",
    "address_columns",
    "load_addresses",
    "load_cohort_ends",
    "load_draw_dates",
    "load_erasures",
    "load_feedback_rows",
    "load_involvements",
    "load_names",
    "load_people_answers",
    "save_erasure",
    "save_erasure_log",
    "text_scrubber",
]

#: The domain of the anonymous addresses that replace erased ones (``.invalid`` is reserved:
#: no mail can ever reach it).
ERASED_DOMAIN = "erased.invalid"
#: What an erased free-text answer becomes (kept non-empty, so answers are still counted).
ERASED_TEXT = "[erased]"

#: The names of columns that hold notes written about a pair or a person: blanked on erasure
#: wherever they are (``coaching_objectives.objective`` is blanked for the coachee only).
FREE_TEXT_COLUMNS = ("note", "notes", "comment", "comments", "details", "description",
                     "concern", "summary")
#: Tables never changed by an erasure: the store's own bookkeeping.
_BOOKKEEPING = ("schema_version", "erasures")
#: Column names (besides ``*email``) that hold an address.
_ADDRESS_NAMES = ("respondent", "coachee", "coach")
#: The smallest name the sweep looks for inside other text (shorter ones match too much).
_SHORTEST_NAME = 3


@dataclass
class Erasure:
    """What to change in the store to erase some people.

    Attributes
    ----------
    tokens : dict
        Each address to erase (as stored, and in any other spelling to look for in text)
        -> the anonymous address that replaces it: one per person.
    names : list of str
        Their names, removed from every free-text column (and blanked in their own rows).
    answers : dict
        Stored address -> the person's sign-up answers (``people.extra``, JSON) with their
        free text removed.
    feedback_ids : list of int
        The survey answers (``feedback.id``) that are free text by these people.
    kind : str
        ``"erase"`` (one person on request) or ``"purge"`` (retention).
    """

    tokens: dict[str, str]
    names: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    feedback_ids: list[int] = field(default_factory=list)
    kind: str = "erase"


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name") if r[0] not in _BOOKKEEPING]


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(r[1], str(r[2]).upper()) for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _free_text_columns(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Return ``(table, column, key)`` of the notes written about a pair or a person.

    Columns named as notes (:data:`FREE_TEXT_COLUMNS`) in a table with a ``pair_id`` or an
    ``email`` column (the key), in every table, later versions' too.
    """
    found = []
    for table in _tables(conn):
        columns = [c for c, _ in _columns(conn, table)]
        key = "pair_id" if "pair_id" in columns else "email" if "email" in columns else None
        found += [(table, c, key) for c in columns if key and c.lower() in FREE_TEXT_COLUMNS]
    return found


def address_columns(store: Store) -> list[tuple[str, str]]:
    """Return every ``(table, column)`` that holds e-mail addresses.

    A column holds addresses when its name ends in ``email`` or is ``respondent``,
    ``coachee`` or ``coach``: the convention every table of the store follows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     ("people", "line_manager_email") in address_columns(store)
    True
    """
    return [(t, c) for t in _tables(store.conn) for c, _ in _columns(store.conn, t)
            if c.lower().endswith("email") or c.lower() in _ADDRESS_NAMES]


def load_addresses(store: Store) -> pd.DataFrame:
    """Return every distinct address held in the store (``email``), as stored.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_addresses(store).columns.tolist()
    ['email']
    """
    parts = [f'SELECT "{c}" AS email FROM "{t}" WHERE "{c}" IS NOT NULL AND "{c}" != \'\''
             for t, c in address_columns(store)]
    return query(store, " UNION ".join(parts) + " ORDER BY email")


def load_names(store: Store, addresses: Iterable[str]) -> list[str]:
    """Return the names held with these addresses (every table with ``name`` and ``email``)."""
    addresses = list(addresses)
    if not addresses:
        return []
    marks = ", ".join("?" * len(addresses))
    names: set[str] = set()
    for table in _tables(store.conn):
        cols = {c for c, _ in _columns(store.conn, table)}
        if {"name", "email"} <= cols:
            names |= set(query(store, f'SELECT name FROM "{table}" WHERE email IN ({marks})',
                               tuple(addresses))["name"].dropna().astype(str))
    return sorted(n for n in names if n.strip())


def load_people_answers(store: Store) -> pd.DataFrame:
    """Return everyone's other sign-up answers as stored (``email, extra``: JSON text)."""
    return query(store, "SELECT email, extra FROM people ORDER BY email")


def load_feedback_rows(store: Store) -> pd.DataFrame:
    """Return every stored survey answer with its id.

    Columns ``id, cohort, respondent, question, answer``.
    """
    return query(store, "SELECT id, cohort, respondent, question, answer FROM feedback "
                        "ORDER BY id")


def load_involvements(store: Store) -> pd.DataFrame:
    """Return who took part in which cohort, and how: ``email, cohort, what, running``.

    One row per sign-up, coaching request, coach, survey answer and side of a pair;
    ``running`` is True for a side of a pair that is still running (proposed, active or
    renewed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_involvements(store).columns.tolist()
    ['email', 'cohort', 'what', 'running']
    """
    marks = ", ".join("?" * len(RUNNING))
    frame = query(store, f"""
        SELECT email, cohort, 'sign-up' AS what, 0 AS running FROM signups
        UNION ALL SELECT email, cohort, 'coaching request', 0 FROM coaching_requests
        UNION ALL SELECT email, cohort, 'coach', 0 FROM coaching_coaches
        UNION ALL SELECT respondent, cohort, 'survey', 0 FROM feedback WHERE respondent != ''
        UNION ALL SELECT mentee_email, cohort, 'pair', status IN ({marks}) FROM pairs
        UNION ALL SELECT mentor_email, cohort, 'pair', status IN ({marks}) FROM pairs
        """, (*RUNNING, *RUNNING))
    return frame.astype({"running": bool})


def load_cohort_ends(store: Store) -> pd.DataFrame:
    """Return each cohort's last recorded day and whether it still runs.

    Columns ``cohort, last_day, running``: ``last_day`` is the latest of its imports, its
    pairs' events and meetings and its coaching records (ISO date); ``running`` is True while
    any pair of the cohort is still running.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_cohort_ends(store).columns.tolist()
    ['cohort', 'last_day', 'running']
    """
    marks = ", ".join("?" * len(RUNNING))
    frame = query(store, f"""
        WITH days AS (
            SELECT cohort, substr(imported_at, 1, 10) AS day, 0 AS running FROM imports
            UNION ALL SELECT p.cohort, e.on_date, 0 FROM pair_events e
                JOIN pairs p ON p.id = e.pair_id
            UNION ALL SELECT p.cohort, m.on_date, 0 FROM meetings m
                JOIN pairs p ON p.id = m.pair_id
            UNION ALL SELECT cohort, substr(saved_at, 1, 10), 0 FROM coaching_requests
            UNION ALL SELECT cohort, substr(saved_at, 1, 10), 0 FROM coaching_coaches
            UNION ALL SELECT cohort, substr(recorded_at, 1, 10), 0 FROM feedback
            UNION ALL SELECT cohort, NULL, status IN ({marks}) FROM pairs
        )
        SELECT cohort, MAX(day) AS last_day, MAX(running) AS running FROM days
        GROUP BY cohort ORDER BY cohort
        """, RUNNING)
    return frame.astype({"running": bool})


def load_draw_dates(store: Store) -> pd.DataFrame:
    """Return the day of each person's UnMentoring rounds (``email, day``).

    The day is the round's week, or the day it was saved when it has no week.
    """
    return query(store, "SELECT d.email, COALESCE(NULLIF(r.week, ''), substr(r.created_at, 1, "
                        "10)) AS day FROM draws d JOIN draw_rounds r ON r.round = d.round")


def load_erasures(store: Store) -> pd.DataFrame:
    """Return the log of erasures: ``erased_at, kind, people, rows_changed, per_table``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     len(load_erasures(store))
    0
    """
    return query(store, "SELECT erased_at, kind, people, rows_changed, per_table FROM erasures "
                        "ORDER BY id")


def save_erasure_log(conn: sqlite3.Connection, kind: str, people: int,
                     per_table: dict[str, int]) -> None:
    """Record that an erasure happened: when, what kind, how many people and rows (not who).

    Called inside the erasure's transaction by :func:`save_erasure`.
    """
    conn.execute("INSERT INTO erasures (erased_at, kind, people, rows_changed, per_table) "
                 "VALUES (?, ?, ?, ?, ?)",
                 (now_utc(), kind, int(people), int(sum(per_table.values())),
                  json.dumps(per_table, sort_keys=True)))


def _pattern(needles: Iterable[str], before: str, after: str) -> re.Pattern[str] | None:
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    if not needles:
        return None
    return re.compile(f"(?<!{before})(?:{'|'.join(map(re.escape, needles))})(?!{after})",
                      re.IGNORECASE)


def text_scrubber(tokens: dict[str, str], names: list[str], with_names: bool = True
                  ) -> Callable[[object], object]:
    """Return a function that replaces addresses (and names) inside a text value.

    Addresses are matched whatever their case, as whole addresses (``ada@x.org`` is not
    found inside ``nada@x.org``), also as JSON writes them (``zo\\u00eb@x.org``); names as
    whole words, replaced by :data:`ERASED_TEXT`.

    Examples
    --------
    >>> scrub = text_scrubber({"ada@x.org": "e1@erased.invalid"}, ["Ada Lovelace"])
    >>> scrub('{"locks": ["ADA@x.org", "nada@x.org"]}; met Ada Lovelace')
    '{"locks": ["e1@erased.invalid", "nada@x.org"]}; met [erased]'
    >>> scrub("Write to ada@x.org. Not to ada@x.org.uk")
    'Write to e1@erased.invalid. Not to ada@x.org.uk'
    >>> text_scrubber({"zoë@x.org": "e2@erased.invalid"}, [])('["zo\\u00eb@x.org"]')
    '["e2@erased.invalid"]'
    """
    escaped = {json.dumps(old)[1:-1]: new for old, new in tokens.items()}  # as JSON writes it
    by_key = {old.casefold(): new for old, new in {**tokens, **escaped}.items()}
    # not inside a longer address: no address character before, none after but a full stop
    # that ends a sentence (``ada@x.org.`` is found, ``ada@x.org.uk`` is another address)
    addresses = _pattern(by_key, r"[\w.+-]", r"[\w+-]|\.[\w-]")
    long_names = [n for n in names if len(n.strip()) >= _SHORTEST_NAME]
    people = _pattern([*long_names, *(json.dumps(n)[1:-1] for n in long_names)], r"\w", r"\w") \
        if with_names else None

    def replace(value: object) -> object:
        if not isinstance(value, str):
            return value
        if addresses is not None:
            value = addresses.sub(lambda m: by_key.get(m.group(0).casefold(),
                                                       next(iter(tokens.values()))), value)
        if people is not None:
            value = people.sub(ERASED_TEXT, value)
        return value

    return replace


def _blank_list(value: object) -> object:
    """Blank every item of a JSON list of free text, keeping how many there were."""
    if not isinstance(value, str):
        return value
    try:
        items = json.loads(value)
    except json.JSONDecodeError:
        return ""
    return json.dumps([""] * len(items)) if isinstance(items, list) else ""


def _update(conn: sqlite3.Connection, changed: dict[str, set[int]], table: str, assign: str,
            where: str, params: tuple = (), values: tuple = ()) -> None:
    """Run ``UPDATE table SET assign WHERE where``, noting which rows it changed."""
    rows = [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}" WHERE {where}', params)]
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        conn.execute(f'UPDATE "{table}" SET {assign} WHERE rowid IN '
                     f'({", ".join("?" * len(chunk))})', (*values, *chunk))
    if rows:
        changed.setdefault(table, set()).update(rows)


def save_erasure(store: Store, erasure: Erasure) -> dict[str, int]:
    """Erase people from the store in one transaction, then rewrite the file without old bytes.

    Their addresses are replaced by the anonymous ones everywhere (in address columns and
    inside any text, such as a run's settings), their names, line-manager links, free-text
    answers, notes and coaching objectives' wording are removed, and their names are taken
    out of any other text. Counts, pairs, rounds, scores and dates stay, so every published
    number stays the same. Secure delete is on during the write and the file is vacuumed
    after, so neither the file nor its journal keeps the old values. The erasure is logged
    without saying who (:func:`save_erasure_log`).

    Returns
    -------
    dict
        Table -> how many of its rows were changed.

    Raises
    ------
    StoreError
        If the store cannot be written (nothing is then changed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["ada@example.org"],
    ...     "mentor_email": ["bo@example.org"]}), "2026")
    >>> save_erasure(store, Erasure({"ada@example.org": "x1@erased.invalid"}))
    {'pairs': 1}
    >>> load_addresses(store)["email"].tolist()
    ['bo@example.org', 'x1@erased.invalid']
    """
    olds = tuple(erasure.tokens)
    if not olds:
        return {}
    marks = ", ".join("?" * len(olds))
    conn = store.conn
    conn.create_function("toolkit_erase_addresses", 1,
                         text_scrubber(erasure.tokens, erasure.names, with_names=False),
                         deterministic=True)
    conn.create_function("toolkit_erase_all", 1,
                         text_scrubber(erasure.tokens, erasure.names, with_names=True),
                         deterministic=True)
    conn.create_function("toolkit_blank_list", 1, _blank_list, deterministic=True)
    changed: dict[str, set[int]] = {}
    conn.execute("PRAGMA secure_delete = ON")  # freed space is overwritten with zeros
    conn.execute("PRAGMA temp_store = MEMORY")  # VACUUM's working copy never touches the disk
    try:
        with store.transaction() as tx:
            tx.execute("PRAGMA defer_foreign_keys = ON")  # people's key changes with signups'
            _update(tx, changed, "people", "name = '', line_manager_email = NULL",
                    f"email IN ({marks})", olds)
            for old, answers in erasure.answers.items():
                _update(tx, changed, "people", "extra = ?", "email = ? AND extra != ?",
                        (old, answers), (answers,))
            _update(tx, changed, "coaching_requests", "name = '', line_manager_email = NULL, "
                    "need = toolkit_blank_list(need), objectives = toolkit_blank_list("
                    "objectives)", f"email IN ({marks})", olds)
            _update(tx, changed, "coaching_coaches", "name = ''", f"email IN ({marks})", olds)
            for table in _tables(tx):  # any other register holding a name beside the address
                if {"name", "email"} <= {c for c, _ in _columns(tx, table)} and table not in (
                        "people", "coaching_requests", "coaching_coaches"):
                    _update(tx, changed, table, "name = ''",
                            f"name != '' AND email IN ({marks})", olds)
            theirs = (f"pair_id IN (SELECT id FROM pairs WHERE mentee_email IN ({marks}) OR "
                      f"mentor_email IN ({marks}))")
            for table, column, key in _free_text_columns(tx):  # notes on their pairs, and
                where = theirs if key == "pair_id" else f"email IN ({marks})"  # their own
                _update(tx, changed, table, f'"{column}" = \'\'',
                        f'"{column}" != \'\' AND {where}',
                        (*olds, *olds) if key == "pair_id" else olds)
            _update(tx, changed, "coaching_objectives", "objective = ''",
                    "objective != '' AND pair_id IN (SELECT id FROM pairs WHERE scheme = "
                    f"'coaching' AND mentee_email IN ({marks}))", olds)
            for start in range(0, len(erasure.feedback_ids), 500):
                ids = tuple(int(i) for i in erasure.feedback_ids[start:start + 500])
                _update(tx, changed, "feedback", "answer = ?",
                        f"answer != ? AND id IN ({', '.join('?' * len(ids))})",
                        (ERASED_TEXT, *ids), (ERASED_TEXT,))
            for table in _tables(tx):  # every text anywhere, tables of later versions too
                for column, kind in _columns(tx, table):
                    if kind not in ("", "TEXT"):
                        continue
                    scrub = "toolkit_erase_addresses" if column == "name" else "toolkit_erase_all"
                    _update(tx, changed, table, f'"{column}" = {scrub}("{column}")',
                            f'"{column}" IS NOT NULL AND {scrub}("{column}") IS NOT "{column}"')
            per_table = {t: len(rows) for t, rows in sorted(changed.items())}
            save_erasure_log(tx, erasure.kind, len(set(erasure.tokens.values())), per_table)
        conn.execute("VACUUM")
    except sqlite3.Error as exc:
        raise StoreError(f"The store '{store.path}' could not be rewritten after the erasure "
                         f"({exc}): close any other program using it and run the erasure "
                         "again (it finds the rest, if any).") from None
    finally:
        conn.execute("PRAGMA secure_delete = OFF")
    return per_table
