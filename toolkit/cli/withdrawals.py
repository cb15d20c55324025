"""The ``withdrawals`` command: ``withdrawals import`` records a list of people who withdrew."""

from __future__ import annotations

import argparse
import sys

from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import format_problems
from toolkit.relationships.withdrawals import read_withdrawals, save_withdrawals
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Import a withdrawals list; exit 0 when clean, 1 when rows have problems."""
    with open_existing(args.store, read_only=args.dry_run) as store:
        result = read_withdrawals(args.file, store, today=args.today, mapping=args.mapping,
                                  sheet=args.sheet, month_first=args.month_first,
                                  scheme=args.scheme)
        ended = [] if args.dry_run else save_withdrawals(store, result)
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if args.problems_out:
        write_csv_atomic(result.problems, args.problems_out)
    count = len(result.withdrawals) if args.dry_run else len(ended)
    verb = "would end as withdrawn (dry run)" if args.dry_run else "ended as withdrawn"
    summary = f"'{result.source}': {result.people} person(s) withdrew; {count} pair(s) {verb}"
    if result.ok:
        print(f"{summary}, no problems.")
        return 0
    print(format_problems(result.problems))
    print(f"\n{summary}; {result.problems['row'].nunique()} row(s) have "
          f"{len(result.problems)} problem(s) and were set aside: correct them and import the "
          "list again (withdrawals already recorded are not recorded twice)."
          + (f" The problems are in '{args.problems_out}'." if args.problems_out else ""))
    return 1


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``withdrawals import`` to the command line."""
    p = commands.add_parser("withdrawals", help="record a list of people who withdrew",
                            description="Record withdrawals from the scheme.")
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])
    inner = p.add_subparsers(title="actions", metavar="ACTION")
    imp = inner.add_parser(
        "import",
        help="import a list of people who withdrew (CSV or XLSX)",
        description="Import a list of people who withdrew (CSV or XLSX): each row gives a "
        "person's e-mail, the date they withdrew and optionally a reason. Every pair of "
        "theirs still running ends as withdrawn, recorded in its audit trail. A reason that "
        "is one of the reason categories is kept as it; any other wording is kept as "
        "'other' with the words as a private note. Reasons are never published in reports. "
        "Rows with problems (an address of nobody in a pair, a date in the future or before "
        "the pair started, not a date, a control character) are listed with their row "
        "numbers and not recorded. Exit status: 0 clean, 1 row problems, 2 the file or "
        "store cannot be used.",
    )
    imp.add_argument("file", help="the list: CSV or XLSX")
    imp.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    imp.add_argument("--today", metavar="DATE",
                     help="dates after this are 'in the future' (default: today)")
    imp.add_argument("--mapping", metavar="FILE",
                     help="JSON object from field name (email, date, reason) to the header "
                     "used in the list")
    imp.add_argument("--sheet", metavar="NAME", help="the worksheet of an XLSX file")
    imp.add_argument("--month-first", action="store_true",
                     help="read 05/11/2026 as May 11 (default: 5 November)")
    imp.add_argument("--scheme", default="mentoring", choices=("mentoring", "coaching"),
                     help="whose pairs end (default: mentoring)")
    imp.add_argument("--dry-run", action="store_true", help="check only; record nothing")
    imp.add_argument("--problems-out", metavar="FILE",
                     help="also write the problems as CSV (row,field,value,problem)")
    imp.set_defaults(handler=run)
