"""The ``meetings`` command: ``meetings import`` records pairs' meetings from a form export."""

from __future__ import annotations

import argparse
import sys

from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import format_problems
from toolkit.relationships.meetings import read_meetings, save_meetings
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Import a meetings export; exit 0 when clean, 1 when rows have problems."""
    with open_existing(args.store, read_only=args.dry_run) as store:
        result = read_meetings(args.file, store, today=args.today, mapping=args.mapping,
                               sheet=args.sheet, month_first=args.month_first)
        saved = 0 if args.dry_run else save_meetings(store, result)
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if args.problems_out:
        write_csv_atomic(result.problems, args.problems_out)
    verb = "would be recorded (dry run)" if args.dry_run else "recorded"
    count = len(result.meetings) if args.dry_run else saved
    if result.ok:
        print(f"'{result.source}': {count} meeting(s) {verb}, no problems.")
        return 0
    print(format_problems(result.problems))
    print(f"\n'{result.source}': {count} meeting(s) {verb}; "
          f"{result.problems['row'].nunique()} row(s) have {len(result.problems)} problem(s) "
          "and were set aside: correct them and import the file again (meetings already "
          "recorded are not duplicated)."
          + (f" The problems are in '{args.problems_out}'." if args.problems_out else ""))
    return 1


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``meetings import`` to the command line."""
    p = commands.add_parser("meetings", help="record pairs' meetings from a form export",
                       description="Record pairs' meetings.")
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])
    inner = p.add_subparsers(title="actions", metavar="ACTION")
    imp = inner.add_parser(
        "import",
        help="import a meetings export (CSV or XLSX)",
        description="Import a meetings export (CSV or XLSX): each row names a pair (pair "
        "number, or mentee and mentor e-mails), a date, whether it was held or cancelled, and "
        "by whom. Rows with problems (unknown pair, date in the future, before the pair "
        "started, not a date) are listed with their row numbers and not recorded. Exit status: "
        "0 clean, 1 row problems, 2 the file or store cannot be used.",
    )
    imp.add_argument("file", help="the export: CSV or XLSX")
    imp.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    imp.add_argument("--today", metavar="DATE",
                     help="dates after this are 'in the future' (default: today)")
    imp.add_argument("--mapping", metavar="FILE",
                     help="JSON object from field name to the header used in the export")
    imp.add_argument("--sheet", metavar="NAME", help="the worksheet of an XLSX file")
    imp.add_argument("--month-first", action="store_true",
                     help="read 05/11/2026 as May 11 (default: 5 November)")
    imp.add_argument("--dry-run", action="store_true", help="check only; record nothing")
    imp.add_argument("--problems-out", metavar="FILE",
                     help="also write the problems as CSV (row,field,value,problem)")
    imp.set_defaults(handler=run)
