"""The ``status`` command: the pairs that need attention now (early warnings)."""

from __future__ import annotations

import argparse

from toolkit.core.dates import today as as_date_or_today
from toolkit.core.statuses import RUNNING
from toolkit.relationships.alerts import (
    check_store,
    draft_messages,
    format_warnings,
    load_settings,
    load_templates,
)
from toolkit.relationships.lifecycle import pair_table
from toolkit.store.connection import open_existing
from toolkit.store.pairs import load_pairs

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Print the early warnings of a store's pairs; exit 0 (warnings are not errors)."""
    today = as_date_or_today(args.today)
    rules, lifecycle = load_settings(args.settings)
    templates = load_templates(args.templates) if args.drafts else None
    with open_existing(args.store) as store:
        warnings = check_store(store, today, rules, cohort=args.cohort, lifecycle=lifecycle)
        drafts = (draft_messages(warnings, pair_table(store, lifecycle=lifecycle), templates,
                                 rules, lifecycle) if args.drafts else None)
        running = len(load_pairs(store, cohort=args.cohort, scheme="mentoring",
                                  statuses=RUNNING))
    print(f"{running} running pair(s) in '{args.store}'.")
    print(format_warnings(warnings, today, drafts))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``status`` to the command line."""
    p = commands.add_parser(
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
    p.set_defaults(handler=run)
