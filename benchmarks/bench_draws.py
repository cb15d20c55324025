"""UnMentoring draw: speed and quality against networkx's exact blossom on the complete graph.

Scenario: a synthetic scheme (15 departments of uneven size, about 5% paused, a few people
who left and a few newcomers) with 12 earlier rounds drawn by pure chance, as a scheme that
used random pairing would have. Each timing runs the whole job a lead runs: read the sign-up
CSV and the history CSV, draw, write the draw CSV.

- 1,000 participants: the toolkit's default (``auto``, the fast method at this size) against
  ``method="exact"``, networkx's ``max_weight_matching`` on the complete graph of allowed pairs
  with the same tiered integer weights, side by side in this run. Target: at least twice as
  fast, zero repeats, and a cross-department share no lower than the exact method's.
- 400 participants, one department holding 60% of them: the fast method against the exact
  one where not every pair can mix departments (the exact optimum is below 100%).
- 10,000, 50,000 and 100,000 participants (to show how the time grows): each drawn in a
  fresh process, which reports its peak memory (resident set). Targets: 100,000 in under
  60 s, zero repeats, and a cross-department share within 1 percentage point of the best
  possible, bounded above by ``min(pairs, n - largest department)`` cross-department pairs
  (10,000: under 20 s, as before).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.io.outputs import write_csv_atomic
from toolkit.unmentoring import draw_round, draw_statistics, read_history, read_participants

try:  # POSIX: the peak resident memory of a process
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

ROUNDS = 12


def make_scheme(n: int, folder: Path, seed: int = 0,
                largest: float | None = None) -> tuple[Path, Path]:
    """Write a synthetic sign-up list and a 12-round random history; return both paths.

    ``largest`` gives the largest department's share (default: 20%, then 15%, 10%, ...).
    """
    rng = np.random.default_rng(seed)
    weights = (np.r_[[0.2, 0.15, 0.1], np.full(12, 0.55 / 12)] if largest is None
               else np.r_[[largest], np.full(14, (1 - largest) / 14)])
    depts = [f"Department {k + 1:02d}" for k in range(15)]
    everyone = n + n // 20  # some people from earlier rounds have left
    emails = np.array([f"person{i:05d}@example.org" for i in range(everyone)])
    people = pd.DataFrame({
        "name": [f"Person {i}" for i in range(everyone)],
        "email": emails,
        "department": rng.choice(depts, everyone, p=weights),
    })
    leavers = newcomers = n // 20  # first: in the history only; last: in the roster only
    rounds = []
    for r in range(ROUNDS):
        present = rng.permutation(everyone - newcomers)
        present = present[: len(present) - len(present) // 10]  # some paused that month
        group = np.arange(len(present)) // 2 + 1
        if len(present) % 2:
            group[-1] = group[-2]
        rounds.append(pd.DataFrame({"round": f"2025-{r + 1:02d}", "group": group,
                                    "email": emails[present]}))
    roster = people.iloc[leavers:].reset_index(drop=True)
    roster["paused"] = np.where(rng.random(len(roster)) < 0.05, "yes", "no")
    roster_path, history_path = (folder / f"roster_{n}_{seed}.csv",
                                 folder / f"history_{n}_{seed}.csv")
    roster.to_csv(roster_path, index=False)
    pd.concat(rounds, ignore_index=True).to_csv(history_path, index=False)
    return roster_path, history_path


def timed_draw(roster: Path, history: Path, out: Path, method: str) -> tuple[float, dict]:
    """Run CSV -> draw -> CSV once; return the seconds and the draw's statistics."""
    start = time.perf_counter()
    people = read_participants(roster)
    past = read_history(history)
    draw = draw_round(people, past, seed=2026, round_label="2026-01", method=method)
    write_csv_atomic(draw, out)
    seconds = time.perf_counter() - start
    stats = draw_statistics(draw, people, past).set_index("measure")["value"].to_dict()
    return seconds, stats


def in_fresh_process(roster: Path, history: Path, out: Path) -> dict:
    """Draw (CSV to CSV) in a new Python process; return its seconds, statistics and peak MB.

    A fresh process keeps the peak memory to this draw alone (not the benchmark's own files
    or earlier scenarios).
    """
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                          os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, __file__, "--one", str(roster), str(history),
                           str(out)], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_draw(roster: Path, history: Path, out: Path) -> dict:
    """The work of :func:`in_fresh_process`, run in the new process."""
    start = time.perf_counter()
    people = read_participants(roster)
    past = read_history(history)
    began = time.perf_counter()
    draw = draw_round(people, past, seed=2026, round_label="2026-01")
    drawn = time.perf_counter() - began
    write_csv_atomic(draw, out)
    seconds = time.perf_counter() - start
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource
            else float("nan"))  # kilobytes on Linux
    stats = draw_statistics(draw, people, past).set_index("measure")["value"].to_dict()
    return {"seconds": seconds, "draw_seconds": drawn, "peak_mb": peak,
            "stats": {k: (v.item() if hasattr(v, "item") else v) for k, v in stats.items()}}


def best_cross_share(roster: Path) -> float:
    """Upper bound on the cross-department share of pairs (largest department vs the rest)."""
    people = read_participants(roster)
    active = people[~people["paused"]]
    n = len(active)
    largest = int(active["department"].value_counts().max())
    return 100.0 * min(n // 2, n - largest) / (n // 2)


CROSS = "pairs of colleagues from different departments (%)"
FRESH = "pairs new to each other's departments (%)"
REPEATS = "repeats of an earlier pairing"


def run() -> list[dict]:
    """Run both scenarios and return the figures."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, history = make_scheme(1000, folder)
        fast_s, fast = timed_draw(roster, history, folder / "fast.csv", "auto")
        exact_s, exact = timed_draw(roster, history, folder / "exact.csv", "exact")
        results += [
            {"name": "1,000 people, 12 rounds: toolkit draw (CSV to CSV)", "value": fast_s,
             "unit": "s", "target": "-", "ok": True},
            {"name": "1,000 people: networkx exact blossom, complete graph (CSV to CSV)",
             "value": exact_s, "unit": "s", "target": "-", "ok": True},
            {"name": "1,000 people: speed-up over the exact method", "value": exact_s / fast_s,
             "unit": "x", "target": ">= 2", "ok": exact_s / fast_s >= 2},
            {"name": "1,000 people: repeats (toolkit)", "value": fast[REPEATS], "unit": "pairs",
             "target": "0", "ok": fast[REPEATS] == 0},
            {"name": "1,000 people: repeats (exact)", "value": exact[REPEATS], "unit": "pairs",
             "target": "-", "ok": True},
            {"name": "1,000 people: cross-department share (toolkit)", "value": fast[CROSS],
             "unit": "%", "target": f">= exact ({exact[CROSS]})",
             "ok": fast[CROSS] >= exact[CROSS]},
            {"name": "1,000 people: cross-department share (exact)", "value": exact[CROSS],
             "unit": "%", "target": "-", "ok": True},
            {"name": "1,000 people: new to each other's departments (toolkit)",
             "value": fast[FRESH], "unit": "%", "target": "-", "ok": True},
            {"name": "1,000 people: new to each other's departments (exact)",
             "value": exact[FRESH], "unit": "%", "target": "-", "ok": True},
        ]
        # A scheme where one department holds 60% of the people: not every pair can mix
        # departments, so the share is a real test of the method against the exact optimum.
        roster, history = make_scheme(400, folder, seed=2, largest=0.6)
        fast_s, fast = timed_draw(roster, history, folder / "fast.csv", "fast")
        exact_s, exact = timed_draw(roster, history, folder / "exact.csv", "exact")
        bound = best_cross_share(roster)
        results += [
            {"name": "400 people, one department 60%: cross-department share (toolkit fast)",
             "value": fast[CROSS], "unit": "%",
             "target": f">= exact ({exact[CROSS]}); bound {bound:.1f}",
             "ok": fast[CROSS] >= exact[CROSS]},
            {"name": "400 people, one department 60%: cross-department share (exact)",
             "value": exact[CROSS], "unit": "%", "target": "-", "ok": True},
            {"name": "400 people, one department 60%: repeats (toolkit fast / exact)",
             "value": fast[REPEATS], "unit": "pairs", "target": f"0 (exact {exact[REPEATS]})",
             "ok": fast[REPEATS] == 0},
            {"name": "400 people, one department 60%: seconds (toolkit fast / exact)",
             "value": fast_s, "unit": "s", "target": f"- (exact {exact_s:.1f} s)", "ok": True},
        ]
        for n, limit in ((10_000, 20), (50_000, None), (100_000, 60)):
            roster, history = make_scheme(n, folder, seed=1)
            big = in_fresh_process(roster, history, folder / f"big_{n}.csv")
            bound = best_cross_share(roster)
            label = f"{n:,} people"
            results += [
                {"name": f"{label}, 12 rounds: toolkit draw (CSV to CSV)",
                 "value": big["seconds"], "unit": "s",
                 "target": f"< {limit}" if limit else "-",
                 "ok": limit is None or big["seconds"] < limit},
                {"name": f"{label}: of which the draw itself", "value": big["draw_seconds"],
                 "unit": "s", "target": "-", "ok": True},
                {"name": f"{label}: peak memory of the process", "value": big["peak_mb"],
                 "unit": "MB", "target": "-", "ok": True},
                {"name": f"{label}: repeats", "value": big["stats"][REPEATS], "unit": "pairs",
                 "target": "0", "ok": big["stats"][REPEATS] == 0},
                {"name": f"{label}: cross-department share", "value": big["stats"][CROSS],
                 "unit": "%", "target": f"within 1 pp of the best possible ({bound:.1f})",
                 "ok": big["stats"][CROSS] >= bound - 1},
                {"name": f"{label}: new to each other's departments",
                 "value": big["stats"][FRESH], "unit": "%", "target": "-", "ok": True},
            ]
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one_draw(*map(Path, sys.argv[2:5]))))
    else:
        for row in run():
            print(row)
