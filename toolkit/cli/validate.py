"""The ``validate`` command: check a sign-up export and list every problem."""

from __future__ import annotations

import argparse
import sys

from toolkit.intake.signups import read_signups
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import format_problems

__all__ = ["add_import_options", "register", "run"]


def run(args: argparse.Namespace) -> int:
    """Check a sign-up export; exit 0 clean, 1 row problems (2 is raised as an error)."""
    result = read_signups(args.signups, mapping=args.mapping, ladder=args.ladder,
                          sheet=args.sheet)
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if args.problems_out:
        write_csv_atomic(result.problems, args.problems_out)
    people = result.people
    if result.ok:
        print(f"'{result.source}': {len(people)} sign-ups, no problems.")
        return 0
    print(format_problems(result.problems))
    print(
        f"\n'{result.source}': {len(people)} sign-ups are clean; "
        f"{result.problems['row'].nunique()} row(s) have {len(result.problems)} problem(s) "
        "and must be fixed before those people can take part."
        + (f" The problems are in '{args.problems_out}'." if args.problems_out else "")
    )
    return 1


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``validate`` to the command line."""
    p = commands.add_parser(
        "validate",
        help="check a sign-up export and list every problem",
        description="Check a sign-up export (CSV or XLSX) and list every problem with the row "
        "number a spreadsheet shows. Exit status: 0 clean, 1 row problems, 2 the file cannot "
        "be used at all.",
    )
    p.add_argument("signups", help="the form export: CSV or XLSX")
    add_import_options(p)
    p.add_argument("--problems-out", metavar="FILE",
                   help="also write the problems as CSV (row,field,value,problem)")
    p.set_defaults(handler=run)


def add_import_options(p: argparse.ArgumentParser) -> None:
    """Add ``--mapping``, ``--ladder`` and ``--sheet``, as every sign-up command takes them."""
    p.add_argument("--mapping", metavar="FILE",
                   help="JSON object from field name to the header used in the export")
    p.add_argument("--ladder", metavar="FILE",
                   help="grade ladder: a JSON file, or one of uk-he, lecturer, civil-service "
                   "(default uk-he)")
    p.add_argument("--sheet", metavar="NAME", help="the worksheet of an XLSX file (default: first)")
