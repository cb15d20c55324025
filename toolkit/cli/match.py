"""The ``match`` command: pair mentees with mentors from a sign-up export, writing CSV files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from toolkit.core.progress import stages
from toolkit.errors import InputFileError
from toolkit.intake.service import SavedSignups, load_saved_signups
from toolkit.intake.signups import read_signups
from toolkit.io.outputs import write_csv_atomic
from toolkit.pairing.matching import run_summary
from toolkit.pairing.outputs import file_fingerprints, write_match_outputs
from toolkit.pairing.service import gather_match_inputs, save_match
from toolkit.store.connection import open_existing

__all__ = ["add_match_arguments", "register", "run"]


def add_match_arguments(p: argparse.ArgumentParser) -> None:
    """Add the ``match`` command's arguments to a parser."""
    p.add_argument("signups", nargs="?",
                   help="the sign-up export: CSV or XLSX; leave it out to pair the sign-ups "
                   "saved in --store for --cohort (by `import` or notebook 01)")
    p.add_argument("--mapping", metavar="F",
                   help="JSON object from field name to the header used in the export")
    p.add_argument("--ladder", metavar="F",
                   help="grade ladder: a JSON file, or one of uk-he, lecturer, civil-service "
                   "(default uk-he)")
    p.add_argument("--weights", metavar="F",
                   help='JSON weights, e.g. {"topics": 0.4, "seniority": 0.3, '
                   '"meeting_mode": 0.2, "gender_preference": 0.1}; may also set "min_gap" '
                   'and "ideal_gap"')
    p.add_argument("--objective", choices=["coverage", "fairness", "spread"],
                   default="coverage",
                   help="coverage: most mentees matched, then highest total score (default); "
                   "fairness: most matched, then highest lowest score, then highest total; "
                   "spread: most matched, then most mentors with a mentee, then highest total")
    p.add_argument("--rules", metavar="FILE",
                   help='the scheme\'s rules, a JSON object, e.g. {"mentor_min_grade": '
                   '"Grade 7", "mentee_max_grade": "Grade 8", "min_gap": 1, "max_gap": 2, '
                   '"same_department": false, "mentors_per_mentee": 1}')
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
    p.add_argument("--out", metavar="DIR",
                   help="folder for the outputs (required unless --save is given)")
    p.add_argument("--save", action="store_true",
                   help="save the pairs in --store as proposed pairs of --cohort")
    p.add_argument("--cohort", metavar="C", default="2026",
                   help="the cohort whose saved sign-ups are paired and whose pairs are saved "
                   "(default 2026)")


def run(args: argparse.Namespace) -> int:
    """Run ``python -m toolkit match``; return the exit status (0, 1 or 2)."""
    with stages(["reading the sign-ups", "pairing", "writing"], "Pairing") as step:
        step("reading the sign-ups")
        return _match(args, step)


def _check_arguments(args: argparse.Namespace) -> None:
    if (args.save or args.signups is None) and not args.store:
        raise InputFileError("Give the scheme store with --store: --save writes the pairs "
                             "there, and without a sign-up file the saved sign-ups are read "
                             "from it.")
    if args.out is None and not args.save:
        raise InputFileError("Give --out DIR for the output files (or --save to only save "
                             "the pairs in the store).")


def _progress(line: str) -> None:
    """Show one stage of a long solve on stderr (the outputs stay on stdout)."""
    print(line, file=sys.stderr, flush=True)


def _match(args: argparse.Namespace, step: Callable[[str], None]) -> int:
    _check_arguments(args)
    if args.signups is None:
        signups = SavedSignups(load_saved_signups(args.store, args.cohort), str(args.store))
    else:
        signups = read_signups(args.signups, mapping=args.mapping, ladder=args.ladder)
    for notice in signups.notices:
        print(f"Note: {notice}", file=sys.stderr)
    out = Path(args.out) if args.out else None
    skipped = 0
    if not signups.ok:
        if out is None and args.skip_invalid:
            raise InputFileError("Give --out DIR so the skipped rows can be listed.")
        if not args.skip_invalid:
            signups.raise_for_problems()
        report = signups.problems.merge(signups.rejected, on="row", how="left")
        write_csv_atomic(report, out / "skipped.csv")
        skipped = int(signups.problems["row"].nunique())
        print(f"Skipped {skipped} row(s) with problems; they are listed in "
              f"'{out / 'skipped.csv'}'.", file=sys.stderr)
    inputs = gather_match_inputs(signups, store=args.store, weights=args.weights,
                                 locks=args.locks, forbid=args.forbid, current=args.current,
                                 rules=args.rules,
                                 ladder=args.ladder if args.signups is None else None)
    for notice in inputs.matcher.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if inputs.kept_from_store:
        print(f"Kept {inputs.kept_from_store} pair(s) already running in the store.",
              file=sys.stderr)
    step("pairing")
    # One match, then the files: no component matrices kept for re-matching.
    result = inputs.match(args.objective, log=_progress, keep_matrices=False)
    run_info = {
        "input": {"file": str(args.signups or args.store), "sha256": signups.sha256,
                  "rows_used": len(signups.people), "rows_skipped": skipped},
        "files": file_fingerprints({
            "signups": args.signups, "weights": args.weights, "locks": args.locks,
            "forbid": args.forbid, "current": args.current, "mapping": args.mapping,
            "ladder": args.ladder, "rules": args.rules}),
        "store": str(args.store) if args.store else None,
    }
    step("writing")
    if "proof" in result.settings:  # a large scheme: say what the last stage does
        _progress("Writing the pairs, their explanations and the reasons.")
    print(run_summary(result))
    if out is not None:
        written = write_match_outputs(result, out, run_info, args.eligible)
        if len(result.outside):
            print(f"{len(result.outside)} people are outside the scheme's rules and were not "
                  f"paired; they are listed in '{written['outside_rules']}'.")
        print(f"Wrote {', '.join(str(p) for p in written.values())}.")
    elif len(result.outside):
        print(f"{len(result.outside)} people are outside the scheme's rules and were not "
              "paired (give --out DIR to list them).")
    if args.save:
        with open_existing(args.store) as store:
            ids = save_match(store, result, args.cohort,
                             extra_settings={"sha256": signups.sha256})
        print(f"Saved {len(ids)} proposed pair(s) of cohort {args.cohort} in '{args.store}'.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``match`` to the command line."""
    p = commands.add_parser(
        "match",
        help="pair mentees with mentors under the scheme's rules",
        description="Pair every mentee it can with a mentor who is more senior, in another "
        "department, outside their line-management chain and with room left, choosing the "
        "best pairs for the scheme as a whole (an optimal assignment, not a stable matching). "
        "Writes pairs.csv, unmatched.csv and run.json to --out (and outside_rules.csv when "
        "the scheme's rules, --rules, leave people out). Exit status: 0 done, 1 rows "
        "with problems (without --skip-invalid) or a locked pair that breaks a rule, 2 an "
        "input that cannot be used.",
    )
    add_match_arguments(p)
    p.set_defaults(handler=run)
