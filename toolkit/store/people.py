"""People and their sign-ups: who signed up to which cohort, in which role."""

from __future__ import annotations

import json
from typing import Protocol

import pandas as pd

from toolkit.errors import StoreError
from toolkit.store.connection import Store, now_utc, query

__all__ = [
    "PEOPLE_COLUMNS",
    "ImportedSignups",
    "load_cohorts",
    "load_directory",
    "load_extra_answers",
    "load_people",
    "save_import",
    "save_signups",
]


class ImportedSignups(Protocol):
    """What :func:`save_import` needs of an import: the clean people and the problems."""

    people: pd.DataFrame
    problems: pd.DataFrame
    source: str
    sha256: str


PEOPLE_COLUMNS = [
    "email", "name", "department", "grade", "level", "role", "line_manager_email", "capacity",
    "topics", "meeting_mode", "gender", "mentor_gender_preference",
]


def save_signups(store: Store, people: pd.DataFrame, cohort: str, source: str = "",
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
    with store.transaction() as conn:
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


def save_import(store: Store, signups: ImportedSignups, cohort: str,
                kind: str = "mentoring") -> int:
    """Save the clean rows of a :class:`~toolkit.intake.signups.SignupImport` for a cohort.

    The rows set aside with problems are not saved; their number is recorded with the
    import so the lead can see that some are still to be fixed.
    """
    return save_signups(store, signups.people, cohort, signups.source, signups.sha256,
                        skipped=int(signups.problems["row"].nunique()), kind=kind)


def load_people(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return the people (of one cohort's sign-ups, if given), with their role that cohort."""
    cols = ", ".join(f"p.{c}" for c in PEOPLE_COLUMNS if c not in ("role", "capacity"))
    if cohort is None:
        frame = query(store,
            f"SELECT {cols}, p.role, p.capacity, p.first_cohort FROM people p ORDER BY p.email"
        )
    else:
        frame = query(store,
            f"SELECT {cols}, s.role, s.capacity, p.first_cohort, s.cohort FROM people p "
            "JOIN signups s ON s.email = p.email WHERE s.cohort = ? ORDER BY p.email",
            (cohort,),
        )
    return frame[[*PEOPLE_COLUMNS, *[c for c in frame.columns if c not in PEOPLE_COLUMNS]]]


def load_cohorts(store: Store) -> list[str]:
    """Return the cohorts that have sign-ups, oldest first."""
    return query(store, "SELECT DISTINCT cohort FROM signups ORDER BY cohort")["cohort"].tolist()


def load_directory(store: Store) -> pd.DataFrame:
    """Return everyone's department (``email, department``), whatever their cohort."""
    return query(store, "SELECT email, name, department FROM people ORDER BY email")


def load_extra_answers(store: Store, cohort: str) -> pd.DataFrame:
    """Return the sign-up form's other answers of a cohort, one column per question.

    Columns of the export that are not one of the toolkit's fields are kept with each person
    (as JSON in the store); this returns them as a frame indexed by e-mail.
    """
    rows = query(store, "SELECT p.email, p.extra FROM people p JOIN signups s "
                        "ON s.email = p.email WHERE s.cohort = ? ORDER BY p.email", (cohort,))
    return pd.DataFrame([json.loads(x or "{}") for x in rows["extra"]],
                        index=pd.Index(rows["email"].to_numpy(), name="email"))
