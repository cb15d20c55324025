"""The ``import`` command: check a sign-up export and save its sign-ups in the scheme store."""

from __future__ import annotations

import argparse
import sys

from toolkit.intake.service import save_signups_to_store
from toolkit.intake.signups import read_signups
from toolkit.io.problems import format_problems

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Import sign-ups; exit 0 saved, 1 row problems and nothing saved (see --skip-invalid)."""
    signups = read_signups(args.signups, mapping=args.mapping, ladder=args.ladder,
                           sheet=args.sheet)
    for notice in signups.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if not signups.ok:
        print(format_problems(signups.problems), file=sys.stderr)
        if not args.skip_invalid:
            print(f"\n'{signups.source}': {signups.problems['row'].nunique()} row(s) have "
                  "problems, so nothing was saved. Fix them and import the file again, or add "
                  "--skip-invalid to save the other rows now.", file=sys.stderr)
            return 1
    saved = save_signups_to_store(signups, args.store, args.cohort, skip_invalid=True)
    print(saved.summary())
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``import`` to the command line."""
    p = commands.add_parser(
        "import",
        help="check a sign-up export and save its sign-ups in the scheme store",
        description="Check a sign-up export (CSV or XLSX) like `validate`, then save the "
        "sign-ups in the scheme store under a cohort, so `match --store F --save` can pair "
        "them. Exit status: 0 saved; 1 rows with problems (nothing is saved unless "
        "--skip-invalid, which saves the other rows and lists the ones left out); 2 an input "
        "that cannot be used.",
    )
    p.add_argument("signups", help="the form export: CSV or XLSX")
    p.add_argument("--store", required=True, metavar="F",
                   help="the scheme store (.sqlite); created when it does not exist")
    p.add_argument("--mapping", metavar="F",
                   help="JSON object from field name to the header used in the export")
    p.add_argument("--sheet", metavar="S", help="the worksheet of an XLSX file (default: first)")
    p.add_argument("--ladder", metavar="L",
                   help="grade ladder: a JSON file, or one of uk-he, lecturer, civil-service "
                   "(default uk-he)")
    p.add_argument("--cohort", metavar="C", default="2026",
                   help="the year or round these sign-ups belong to (default 2026)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="save the rows without problems and list the others")
    p.set_defaults(handler=run)
