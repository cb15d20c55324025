"""Speed of erasure on a large store: one person on request, and a purge of half the people."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.privacy.erase import erase_person, purge
from toolkit.store.connection import Store
from toolkit.store.draws import save_draw
from toolkit.store.pairs import save_pairs
from toolkit.store.people import save_signups

N_PEOPLE = 10_000
N_ROUNDS = 12


def _people(n: int, cohort_of: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "email": [f"person{i:05d}@example.org" for i in range(n)],
        "name": [f"Person Number{i:05d}" for i in range(n)],
        "department": [f"Dept {i % 20}" for i in range(n)], "grade": ["Grade 8"] * n,
        "level": [3] * n, "role": np.where(np.arange(n) % 2 == 0, "mentee", "mentor"),
        "line_manager_email": [f"person{(i + 7) % n:05d}@example.org" for i in range(n)],
        "capacity": [1] * n, "topics": [""] * n, "meeting_mode": ["either"] * n,
        "gender": ["woman", "man"] * (n // 2), "mentor_gender_preference": [""] * n,
        "Anything else?": [f"free text {i}" for i in range(n)], "cohort": cohort_of,
    })


def _fill(store: Store) -> None:
    rng = np.random.default_rng(12)
    cohort_of = np.where(np.arange(N_PEOPLE) < N_PEOPLE // 2, "2022", "2026")
    people = _people(N_PEOPLE, cohort_of)
    for cohort, group in people.groupby("cohort"):
        save_signups(store, group.drop(columns="cohort"), str(cohort))
        mentees = group[group["role"] == "mentee"]["email"].to_numpy()
        mentors = group[group["role"] == "mentor"]["email"].to_numpy()
        save_pairs(store, pd.DataFrame({"mentee_email": mentees, "mentor_email": mentors}),
                   str(cohort), status="ended" if cohort == "2022" else "active",
                   start_date=f"{cohort}-10-01")
    for r in range(N_ROUNDS):
        drawn = rng.permutation(people["email"].to_numpy())[:2_000]
        save_draw(store, f"2026-{r + 1:02d}", pd.DataFrame(
            {"group": np.arange(len(drawn)) // 2 + 1, "email": drawn}), seed=r,
            week=f"2026-{r + 1:02d}-05", settings="{}")


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "s.sqlite") as store:
            _fill(store)
            start = time.perf_counter()
            erase_person(store, "person09999@example.org")
            t_erase = time.perf_counter() - start
            start = time.perf_counter()
            summary = purge(store, 12, today="2030-01-01")
            t_purge = time.perf_counter() - start
    return [
        {"name": f"erase one person from {N_PEOPLE} people, {N_ROUNDS} rounds", "value": t_erase,
         "unit": "s", "target": "< 5 s", "ok": t_erase < 5},
        {"name": f"purge {summary.people} people past retention", "value": t_purge, "unit": "s",
         "target": "< 60 s", "ok": t_purge < 60},
    ]
