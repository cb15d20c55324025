"""Speed of the relationship checks on a large scheme: warnings, meeting import, status table."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.relationships.alerts import check_pairs
from toolkit.relationships.changes import pair_table
from toolkit.relationships.meetings import read_meetings, save_meetings
from toolkit.relationships.status import check_store, status_table
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import save_pairs

N_PAIRS = 5_000
TODAY = "2027-07-01"


def _pairs(n: int, rng: np.random.Generator) -> pd.DataFrame:
    start = pd.Timestamp("2026-07-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    return pd.DataFrame({
        "mentee_email": [f"mentee{i:05d}@example.org" for i in range(n)],
        "mentor_email": [f"mentor{i % (n // 2):05d}@example.org" for i in range(n)],
        "start_date": start.strftime("%Y-%m-%d"),
    })


def _meetings(pairs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    per = rng.integers(0, 9, len(pairs))
    idx = np.repeat(np.arange(len(pairs)), per)
    start = pd.to_datetime(pairs["start_date"]).to_numpy()[idx]
    days = rng.integers(5, 300, len(idx))
    dates = pd.Series(start + days.astype("timedelta64[D]"))
    dates = dates.where(dates <= pd.Timestamp(TODAY), pd.Timestamp(TODAY))
    return pd.DataFrame({
        "Mentee email": pairs["mentee_email"].to_numpy()[idx],
        "Mentor email": pairs["mentor_email"].to_numpy()[idx],
        "Date": dates.dt.strftime("%d/%m/%Y"),
        "Held": np.where(rng.random(len(idx)) < 0.15, "No", "Yes"),
    })


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run() -> list[dict]:
    rng = np.random.default_rng(5)
    pairs = _pairs(N_PAIRS, rng)
    export = _meetings(pairs, rng)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        export.to_csv(folder / "meetings.csv", index=False)
        with Store(folder / "s.sqlite") as store:
            with store.transaction():
                for start, group in pairs.groupby("start_date"):
                    save_pairs(store, group[["mentee_email", "mentor_email"]], "2026",
                                    start_date=str(start))
            result, t_read = _timed(lambda: read_meetings(folder / "meetings.csv", store, TODAY))
            _, t_save = _timed(lambda: save_meetings(store, result))
            warnings, t_check = _timed(lambda: check_store(store, TODAY))
            _, t_status = _timed(lambda: status_table(store, TODAY))
            table, meets = pair_table(store), load_meetings(store)
            _, t_rules = _timed(lambda: check_pairs(table, meets, TODAY))
    n_rows = len(export)
    return [
        {"name": f"check {n_rows} meeting rows against {N_PAIRS} pairs", "value": t_read,
         "unit": "s", "target": "< 5 s", "ok": t_read < 5},
        {"name": f"record {len(result.meetings)} meetings (+ activations)", "value": t_save,
         "unit": "s", "target": "< 30 s", "ok": t_save < 30},
        {"name": f"early warnings from the store ({len(warnings)} found)", "value": t_check,
         "unit": "s", "target": "< 3 s", "ok": t_check < 3},
        {"name": "early-warning rules alone (in memory)", "value": t_rules, "unit": "s",
         "target": "< 1 s", "ok": t_rules < 1},
        {"name": "status table", "value": t_status, "unit": "s", "target": "< 3 s",
         "ok": t_status < 3},
    ]
