"""The ``status`` command: the pairs that need attention now (early warnings)."""

from __future__ import annotations

import argparse
import sys

from toolkit.core.dates import today as as_date_or_today
from toolkit.relationships.alerts import format_warnings
from toolkit.relationships.changes import current_pairs
from toolkit.relationships.messages import read_alert_templates
from toolkit.relationships.settings import read_relationship_settings
from toolkit.relationships.status import check_store, warnings_with_messages
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Print the early warnings of a store's pairs; exit 0 (warnings are not errors)."""
    today = as_date_or_today(args.today)
    rules, lifecycle = read_relationship_settings(args.settings)
    templates = read_alert_templates(args.templates) if args.drafts else None
    for template in (templates or {}).values():
        for notice in template.notices:
            print(f"Note: {notice}", file=sys.stderr)
    with open_existing(args.store, read_only=True) as store:
        if args.drafts:
            warnings = warnings_with_messages(store, today, rules, templates, cohort=args.cohort,
                                              lifecycle=lifecycle)
            drafts = warnings.pop("message")
        else:
            warnings = check_store(store, today, rules, cohort=args.cohort, lifecycle=lifecycle)
            drafts = None
        running = len(current_pairs(store, cohort=args.cohort))
    print(f"{running} running pair(s) in '{args.store}'.")
    print(format_warnings(warnings, today, drafts))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``status`` to the command line."""
    p = commands.add_parser(
        "status",
        help="list the pairs that need attention now (early warnings)",
        description="Check every running pair against the early-warning rules (no first "
        "meeting within 6 weeks, behind the pace of the meetings a year it agreed (3 when "
        "none is recorded), two cancellations in a row, one side cancelling 3 meetings in a "
        "term, a mid-term review due at month 6, term ending within 30 days, a mentor whose "
        "mentees all withdrew, a concern whose follow-up date has come) and print the "
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
                   '"term_end_days": 45, "one_side_cancellations": 3, "mid_term_months": 6, '
                   '"max_renewals": null}')
    p.add_argument("--templates", metavar="DIR",
                   help="folder with your own message templates (alert_<rule>.txt)")
    p.set_defaults(handler=run)
