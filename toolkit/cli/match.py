"""The ``match`` command: pair mentees with mentors from a sign-up export, writing CSV files."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from toolkit.core.version import library_versions
from toolkit.errors import InputFileError
from toolkit.io.outputs import atomic_write, write_csv_atomic

__all__ = ["add_match_arguments", "register", "run", "write_match_outputs"]


def add_match_arguments(p: argparse.ArgumentParser) -> None:
    """Add the ``match`` command's arguments to a parser."""
    p.add_argument("signups", help="the sign-up export: CSV or XLSX")
    p.add_argument("--mapping", metavar="F",
                   help="JSON object from field name to the header used in the export")
    p.add_argument("--ladder", metavar="F",
                   help="grade ladder: a JSON file, or one of uk-he, lecturer, civil-service "
                   "(default uk-he)")
    p.add_argument("--weights", metavar="F",
                   help='JSON weights, e.g. {"topics": 0.4, "seniority": 0.3, '
                   '"meeting_mode": 0.2, "gender_preference": 0.1}; may also set "min_gap" '
                   'and "ideal_gap"')
    p.add_argument("--objective", choices=["coverage", "fairness"], default="coverage",
                   help="coverage: most mentees matched, then highest total score (default); "
                   "fairness: most matched, then highest lowest score, then highest total")
    p.add_argument("--locks", metavar="F", help="CSV of pairs to keep: mentee_email,mentor_email")
    p.add_argument("--forbid", metavar="F",
                   help="CSV of pairs never to make: mentee_email,mentor_email")
    p.add_argument("--current", metavar="F",
                   help="CSV of pairs already running (kept; only the capacity left is used)")
    p.add_argument("--store", metavar="F",
                   help="the scheme store: pairs made in earlier rounds are not made again "
                   "(lock a pair to renew it)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="go on without the rows that have problems, listed in skipped.csv")
    p.add_argument("--eligible", metavar="FILE",
                   help="also write every pair the rules allow with its score (large)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the outputs")


def _sha256(path: str | Path | None) -> str | None:
    if path is None:
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_match_outputs(result, out: str | Path, run_info: dict | None = None,
                        eligible_path: str | Path | None = None) -> dict[str, Path]:
    """Write ``pairs.csv``, ``unmatched.csv`` and ``run.json`` (and the eligible pairs).

    Parameters
    ----------
    result : MatchResult
        What :func:`toolkit.match_mentors` returned.
    out : str or Path
        The output folder.
    run_info : dict, optional
        More to record in ``run.json`` (input file, fingerprint, skipped rows).
    eligible_path : str or Path, optional
        Where to write every allowed pair (``mentee_email, mentor_email, score``).

    Returns
    -------
    dict of str to Path
        The files written, by short name.
    """
    from toolkit.core.version import __version__
    from toolkit.pairing.matching import PAIR_COLUMNS

    out = Path(out)
    written = {}
    pairs = result.pairs[PAIR_COLUMNS].copy()
    pairs[PAIR_COLUMNS[2:]] = pairs[PAIR_COLUMNS[2:]].round(6)
    written["pairs"] = write_csv_atomic(pairs, out / "pairs.csv")
    written["unmatched"] = write_csv_atomic(result.unmatched[["mentee_email", "reason"]],
                                            out / "unmatched.csv")
    if eligible_path is not None:
        eligible = result.eligible
        eligible["score"] = eligible["score"].round(6)
        written["eligible"] = write_csv_atomic(eligible, eligible_path)
    info = {
        "command": "match",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "toolkit_version": __version__,
        **(run_info or {}),
        "objective": result.settings["objective"],
        "settings": result.settings,
        "versions": library_versions(),
        "totals": result.totals,
        "outputs": sorted(p.name for p in written.values()),
    }
    written["run"] = atomic_write(out / "run.json", lambda tmp: tmp.write_text(
        json.dumps(info, indent=2, default=str) + "\n", encoding="utf-8"))
    return written


def run(args: argparse.Namespace) -> int:
    """Run ``python -m toolkit match``; return the exit status (0, 1 or 2)."""
    from toolkit.core.progress import stages

    with stages(["reading the sign-ups", "pairing", "writing"], "Pairing") as step:
        step("reading the sign-ups")
        return _match(args, step)


def _match(args: argparse.Namespace, step: Callable[[str], None]) -> int:
    from toolkit.intake.signups import read_signups
    from toolkit.pairing.matching import (
        match_mentors,
        read_pairs_file,
        run_summary,
        store_constraints,
    )
    from toolkit.pairing.scoring import load_weights

    signups = read_signups(args.signups, mapping=args.mapping, ladder=args.ladder)
    for notice in signups.notices:
        print(f"Note: {notice}", file=sys.stderr)
    out = Path(args.out)
    skipped = 0
    if not signups.ok:
        if not args.skip_invalid:
            signups.raise_for_problems()
        report = signups.problems.merge(signups.rejected, on="row", how="left")
        write_csv_atomic(report, out / "skipped.csv")
        skipped = int(signups.problems["row"].nunique())
        print(f"Skipped {skipped} row(s) with problems; they are listed in "
              f"'{out / 'skipped.csv'}'.", file=sys.stderr)
    weights, extra = load_weights(args.weights)
    locks = read_pairs_file(args.locks, "locked pairs") if args.locks else None
    forbid = read_pairs_file(args.forbid, "forbidden pairs") if args.forbid else None
    current = read_pairs_file(args.current, "current pairs") if args.current else None
    previous = None
    people = signups.people
    if args.store:
        if not Path(args.store).exists():
            raise InputFileError(f"The store '{args.store}' does not exist: check the path, or "
                                 "leave out --store for a scheme's first round.")
        from toolkit.store.connection import Store

        with Store(args.store) as store:
            people, running, previous = store_constraints(store, people)
        if len(running):
            current = running if current is None else pd.concat(
                [current, running], ignore_index=True).drop_duplicates()
            print(f"Kept {len(running)} pair(s) already running in the store.", file=sys.stderr)
    step("pairing")
    result = match_mentors(people, weights=weights, objective=args.objective, locks=locks,
                           forbid=forbid, current=current, previous=previous,
                           min_gap=extra.get("min_gap"), ideal_gap=extra.get("ideal_gap"))
    inputs = {"signups": args.signups, "weights": args.weights, "locks": args.locks,
              "forbid": args.forbid, "current": args.current, "mapping": args.mapping,
              "ladder": args.ladder}
    run_info = {
        "input": {"file": str(args.signups), "sha256": signups.sha256,
                  "rows_used": len(signups.people), "rows_skipped": skipped},
        "files": {k: {"path": str(v), "sha256": _sha256(v) if Path(v).is_file() else None}
                  for k, v in inputs.items() if v},
        "store": str(args.store) if args.store else None,
    }
    step("writing")
    written = write_match_outputs(result, out, run_info, args.eligible)
    print(run_summary(result))
    print(f"Wrote {', '.join(str(p) for p in written.values())}.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``match`` to the command line."""
    p = commands.add_parser(
        "match",
        help="pair mentees with mentors under the scheme's rules",
        description="Pair every mentee it can with a mentor who is more senior, in another "
        "department, outside their line-management chain and with room left, choosing the "
        "best pairs for the scheme as a whole (an optimal assignment, not a stable matching). "
        "Writes pairs.csv, unmatched.csv and run.json to --out. Exit status: 0 done, 1 rows "
        "with problems (without --skip-invalid) or a locked pair that breaks a rule, 2 an "
        "input that cannot be used.",
    )
    add_match_arguments(p)
    p.set_defaults(handler=run)
