"""Evaluation report: time to build it, and disclosure control on large tables."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from evaluation_helpers import fill_year, objectives_frame  # noqa: E402

from toolkit.core.disclosure import (  # noqa: E402
    get_rule,
    pinned_cells,
    protect_counts,
    protect_rates,
    recoverable_cells,
)
from toolkit.demo.sample import write_sample  # noqa: E402
from toolkit.evaluation.report import build_report  # noqa: E402
from toolkit.intake.signups import read_signups  # noqa: E402
from toolkit.store.connection import Store  # noqa: E402


def _scaled(people: pd.DataFrame, times: int) -> pd.DataFrame:
    """Copies of the sample scheme with distinct addresses (and line managers kept inside)."""
    copies = []
    for k in range(times):
        c = people.copy()
        c["email"] = c["email"].str.replace("@", f".{k}@", regex=False)
        c["line_manager_email"] = c["line_manager_email"].where(
            c["line_manager_email"] == "", c["line_manager_email"].str.replace(
                "@", f".{k}@", regex=False))
        c["name"] = c["name"] + f" {k}"
        copies.append(c)
    return pd.concat(copies, ignore_index=True)


def _time_report(people: pd.DataFrame, folder: Path, survey: Path) -> float:
    with Store(folder / "s.sqlite") as store:
        fill_year(store, people, survey, rounds=6)
    start = time.perf_counter()
    build_report(folder / "s.sqlite", folder / "report", objectives=objectives_frame(40),
                 progress=False)
    return time.perf_counter() - start


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_sample(tmp / "sample")
        people = read_signups(tmp / "sample" / "signups.csv").people
        for times, target in ((1, 30.0), (10, 60.0)):
            folder = tmp / f"x{times}"
            folder.mkdir()
            seconds = _time_report(_scaled(people, times), folder, tmp / "sample" / "survey.csv")
            rows.append({"name": f"build the report, {len(people) * times} sign-ups",
                         "value": seconds, "unit": "s", "target": f"< {target:g} s",
                         "ok": seconds < target})
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.integers(5, 40, size=(40, 12)))
    table = table.where(rng.random(table.shape) > 0.04, rng.integers(1, 5, size=table.shape))
    start = time.perf_counter()
    published = protect_counts(table, get_rule("hesa-strict"))
    seconds = time.perf_counter() - start
    hidden = published.isna().to_numpy()
    small = int(((table.to_numpy() > 0) & (table.to_numpy() < 5)).sum())
    rows.append({"name": f"protect a 40x12 count table with totals ({small} small cells, "
                 f"{int(hidden.sum()) - small} hidden besides)",
                 "value": seconds, "unit": "s", "target": "< 5 s", "ok": seconds < 5})
    rows.append({"name": "hidden cells recoverable by subtraction after protection",
                 "value": float(recoverable_cells(hidden).sum()), "unit": "cells",
                 "target": "0", "ok": not recoverable_cells(hidden).any()})
    full = table.copy()
    full["Total"] = table.sum(axis=1)
    full.loc["Total"] = full.sum()
    pinned = pinned_cells(full.to_numpy(dtype=float), published.to_numpy(),
                          get_rule("hesa-strict"))
    rows.append({"name": "cells whose exact count the rounded table gives away",
                 "value": float(pinned.sum()), "unit": "cells", "target": "0",
                 "ok": not pinned.any()})
    bases = pd.Series(rng.integers(1, 60, size=200))
    nums = pd.DataFrame({"rate": (bases * rng.random(200)).astype(int)})
    start = time.perf_counter()
    protect_rates(pd.concat([nums, nums.sum().to_frame().T], ignore_index=True),
                  pd.concat([bases, pd.Series([bases.sum()])], ignore_index=True),
                  total_row=True)
    seconds = time.perf_counter() - start
    rows.append({"name": "protect 200 percentages with an overall row", "value": seconds,
                 "unit": "s", "target": "< 5 s", "ok": seconds < 5})
    return rows
