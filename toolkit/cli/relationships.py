"""Command-line commands for relationships: ``status`` (early warnings) and ``meetings import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit.errors import StoreError
from toolkit.store.pairs import load_pairs

__all__ = ["add_meetings", "add_status", "cmd_meetings_import", "cmd_status"]


def _existing_store(path: str):
    from toolkit.store.connection import Store

    if not Path(path).is_file():
        raise StoreError(f"The store '{path}' does not exist: give the .sqlite file of your "
                         "scheme (the demo writes demo_output/scheme.sqlite).")
    return Store(path)


def cmd_status(args: argparse.Namespace) -> int:
    """Print the early warnings of a store's pairs; exit 0 (warnings are not errors)."""
    from toolkit.relationships.alerts import (
        check_store,
        draft_messages,
        format_warnings,
        load_settings,
        load_templates,
    )
    from toolkit.relationships.lifecycle import pair_table
    from toolkit.relationships.meetings import _today

    today = _today(args.today)
    rules, lifecycle = load_settings(args.settings)
    templates = load_templates(args.templates) if args.drafts else None
    with _existing_store(args.store) as store:
        warnings = check_store(store, today, rules, cohort=args.cohort, lifecycle=lifecycle)
        drafts = (draft_messages(warnings, pair_table(store, lifecycle=lifecycle), templates,
                                 rules, lifecycle) if args.drafts else None)
        running = len(load_pairs(store, cohort=args.cohort, scheme="mentoring",
                                  statuses=("proposed", "active", "renewed")))
    print(f"{running} running pair(s) in '{args.store}'.")
    print(format_warnings(warnings, today, drafts))
    return 0


def add_status(sub: argparse._SubParsersAction) -> None:
    """Add the ``status`` command."""
    p = sub.add_parser(
        "status",
        help="list the pairs that need attention now (early warnings)",
        description="Check every running pair against the early-warning rules (no first "
        "meeting within 6 weeks, behind the pace of 3 meetings a year, two cancellations in a "
        "row, term ending within 30 days, a mentor whose mentees all withdrew) and print the "
        "warnings. Exit status 0; 2 when the store cannot be used.",
    )
    p.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    p.add_argument("--today", metavar="DATE",
                   help="check as of this date, YYYY-MM-DD (default: today)")
    p.add_argument("--cohort", metavar="C", help="only this cohort's pairs")
    p.add_argument("--drafts", action="store_true",
                   help="also print a drafted message for each warning")
    p.add_argument("--settings", metavar="FILE",
                   help="JSON object of rule and term settings, e.g. "
                   '{"first_meeting_weeks": 4, "pace": [[4, 1], [8, 2], [12, 3]], '
                   '"term_end_days": 45, "max_renewals": 1}')
    p.add_argument("--templates", metavar="DIR",
                   help="folder with your own message templates (alert_<rule>.txt)")
    p.set_defaults(handler=cmd_status)


def cmd_meetings_import(args: argparse.Namespace) -> int:
    """Import a meetings export; exit 0 when clean, 1 when rows have problems."""
    from toolkit.io.outputs import write_csv_atomic
    from toolkit.io.problems import format_problems
    from toolkit.relationships.meetings import read_meetings, save_meetings

    with _existing_store(args.store) as store:
        result = read_meetings(args.file, store, today=args.today, mapping=args.mapping,
                               sheet=args.sheet, dayfirst=not args.month_first)
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


def add_meetings(sub: argparse._SubParsersAction) -> None:
    """Add the ``meetings`` command (``meetings import FILE``)."""
    p = sub.add_parser("meetings", help="record pairs' meetings from a form export",
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
    imp.set_defaults(handler=cmd_meetings_import)
