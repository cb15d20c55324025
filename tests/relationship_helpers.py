"""Small stores of invented people and pairs for the relationship tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.store import Store

PEOPLE = [
    # email, name, department, level, role, capacity
    ("mentee.one@example.org", "Ada One", "Physics", 1, "mentee", 1),
    ("mentee.two@example.org", "Bea Two", "Chemistry", 1, "mentee", 1),
    ("mentee.three@example.org", "Cy Three", "Biology", 2, "mentee", 1),
    ("mentee.four@example.org", "Di Four", "Physics", 0, "mentee", 1),
    ("mentor.one@example.org", "Ed Mentor", "Mathematics", 4, "mentor", 2),
    ("mentor.two@example.org", "Flo Mentor", "Biology", 5, "mentor", 2),
    ("mentor.three@example.org", "Gus Mentor", "Chemistry", 4, "mentor", 1),
]


def people_frame() -> pd.DataFrame:
    frame = pd.DataFrame(PEOPLE, columns=["email", "name", "department", "level", "role",
                                          "capacity"])
    frame["grade"] = frame["level"].map(lambda lv: f"Grade {lv + 5}")
    frame["line_manager_email"] = ""
    frame["topics"] = ""
    frame["meeting_mode"] = "either"
    frame["gender"] = ""
    frame["mentor_gender_preference"] = ""
    return frame


def make_store(folder: Path, pairs: list[tuple[str, str]] | None = None,
               status: str = "proposed", start_date: str | None = "2026-10-01") -> Store:
    store = Store(folder / "scheme.sqlite")
    store.save_signups(people_frame(), "2026")
    if pairs is None:
        pairs = [("mentee.one@example.org", "mentor.one@example.org"),
                 ("mentee.two@example.org", "mentor.two@example.org"),
                 ("mentee.three@example.org", "mentor.one@example.org")]
    store.add_pairs(pd.DataFrame(pairs, columns=["mentee_email", "mentor_email"]), "2026",
                    status=status, start_date=start_date)
    return store


def snapshot(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything a lifecycle change may touch, to compare before and after."""
    return (store.query("SELECT * FROM pairs ORDER BY id"),
            store.query("SELECT * FROM pair_events ORDER BY id"),
            store.query("SELECT * FROM meetings ORDER BY id"))
