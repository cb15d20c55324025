"""Build a scheme store holding a whole (synthetic) year, by inserting rows directly.

Pairing, draws and meetings have their own features; these tests only need plausible rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.evaluation.survey import read_survey, save_survey
from toolkit.store.connection import Store
from toolkit.store.pairs import save_pairs
from toolkit.store.people import save_signups

COHORT = "2026"
NOW = "2026-10-01T09:00:00+00:00"


def naive_pairs(people: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """Pair each mentee with a more senior mentor from another department (greedy)."""
    rng = np.random.default_rng(seed)
    mentors = people[people["role"].isin(["mentor", "both"])].sort_values("email")
    room = dict(zip(mentors["email"], mentors["capacity"].astype(int), strict=True))
    rows = []
    for m in people[people["role"].isin(["mentee", "both"])].sort_values("email").itertuples():
        ok = mentors[(mentors["level"] > m.level) & (mentors["department"] != m.department)
                     & mentors["email"].map(room).gt(0)]
        if ok.empty:
            continue
        pick = ok.iloc[int(rng.integers(len(ok)))]
        room[pick["email"]] -= 1
        rows.append({"mentee_email": m.email, "mentor_email": pick["email"],
                     "score": round(float(rng.uniform(0.35, 0.95)), 3)})
    return pd.DataFrame(rows)


def fill_year(store: Store, people: pd.DataFrame, survey_path: Path | None = None,
              seed: int = 1, rounds: int = 4) -> None:
    """Save sign-ups, pairs (varied statuses), meetings, UnMentoring draws and the survey."""
    rng = np.random.default_rng(seed)
    save_signups(store, people, COHORT)
    pairs = naive_pairs(people, seed)
    ids = save_pairs(store, pairs, COHORT, status="active", start_date="2026-10-01")
    status = rng.choice(["active", "renewed", "ended", "withdrawn", "proposed"], size=len(ids),
                        p=[0.55, 0.15, 0.15, 0.08, 0.07])
    with store.transaction() as conn:
        for pair_id, st in zip(ids, status, strict=True):
            conn.execute("UPDATE pairs SET status = ?, renewals = ? WHERE id = ?",
                         (str(st), int(st == "renewed"), pair_id))
            for k in range(int(rng.integers(0, 6)) if st != "proposed" else 0):
                conn.execute(
                    "INSERT INTO meetings (pair_id, on_date, status, recorded_at) "
                    "VALUES (?, ?, ?, ?)",
                    (pair_id, f"2026-{11 + k // 3:02d}-{1 + 7 * (k % 3):02d}",
                     "held" if rng.random() < 0.85 else "cancelled", NOW))
        emails = sorted(people["email"])
        for r in range(rounds):
            label = f"2026-{r + 1:02d}"
            conn.execute("INSERT INTO draw_rounds (round, seed, created_at) VALUES (?, ?, ?)",
                         (label, r, f"2026-{r + 1:02d}-01T09:00:00+00:00"))
            chosen = rng.permutation(emails)[:60]
            for i, email in enumerate(chosen):
                conn.execute("INSERT INTO draws (round, grp, email) VALUES (?, ?, ?)",
                             (label, min(i // 2, 29), str(email)))
    if survey_path is not None:
        save_survey(store, read_survey(survey_path), COHORT)


def objectives_frame(n: int = 20, seed: int = 3) -> pd.DataFrame:
    """Coaching objectives: n coachees with two objectives each, mostly improving."""
    rng = np.random.default_rng(seed)
    coachee = np.repeat([f"coachee{i}@example.org" for i in range(n)], 2)
    before = rng.integers(1, 5, size=2 * n)
    after = np.clip(before + rng.integers(-1, 4, size=2 * n), 1, 10)
    return pd.DataFrame({"coachee": coachee, "objective": ["Delegate", "Present"] * n,
                         "score_before": before, "score_after": after})
