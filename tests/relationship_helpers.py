"""Small stores of invented people and pairs for the relationship tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.store.connection import Store, query
from toolkit.store.pairs import save_pairs
from toolkit.store.people import save_signups

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
    save_signups(store, people_frame(), "2026")
    if pairs is None:
        pairs = [("mentee.one@example.org", "mentor.one@example.org"),
                 ("mentee.two@example.org", "mentor.two@example.org"),
                 ("mentee.three@example.org", "mentor.one@example.org")]
    save_pairs(store, pd.DataFrame(pairs, columns=["mentee_email", "mentor_email"]), "2026",
                    status=status, start_date=start_date)
    return store


def snapshot(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything a lifecycle change may touch, to compare before and after."""
    return (query(store, "SELECT * FROM pairs ORDER BY id"),
            query(store, "SELECT * FROM pair_events ORDER BY id"),
            query(store, "SELECT * FROM meetings ORDER BY id"))


@dataclass
class FakeResult:
    pairs: pd.DataFrame


class FakeMatcher:
    """Stands in for the pairing engine: keeps `current`, pairs free mentees greedily."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, signups, current, forbid, **options):
        self.calls.append({"signups": signups, "current": current, "forbid": forbid,
                           **options})
        used = current["mentor_email"].value_counts()
        forbidden = set(map(tuple, forbid[["mentee_email", "mentor_email"]].to_numpy()))
        mentors = signups[signups["role"].isin(["mentor", "both"])].sort_values("email")
        free = {m: int(c) - int(used.get(m, 0)) for m, c in
                zip(mentors["email"], mentors["capacity"], strict=True)}
        new = []
        for mentee in sorted(set(signups.loc[signups["role"] == "mentee", "email"])
                             - set(current["mentee_email"])):
            for mentor, places in free.items():
                if places > 0 and (mentee, mentor) not in forbidden:
                    new.append((mentee, mentor, 0.5))
                    free[mentor] -= 1
                    break
        kept = current.assign(score=0.9)
        return FakeResult(pd.concat([kept, pd.DataFrame(
            new, columns=["mentee_email", "mentor_email", "score"])], ignore_index=True))
