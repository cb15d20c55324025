"""The ``purge`` command: erase everyone whose cohorts ended before the retention period."""

from __future__ import annotations

import argparse

from toolkit.privacy.erase import purge
from toolkit.privacy.settings import read_retention_months
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Purge (or only count, with ``--dry-run``); exit 0, or 2 for an unusable store or setting.

    Exit 0 also when nothing was old enough.
    """
    months = read_retention_months(args.settings, args.months)
    with open_existing(args.store, read_only=True) as store:  # count first, changing nothing
        summary = purge(store, months, today=args.today, dry_run=True)
    if summary.found and not args.dry_run:
        with open_existing(args.store) as store:
            summary = purge(store, months, today=args.today)
    for line in summary.lines():
        print(line)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``purge`` to the command line."""
    p = commands.add_parser(
        "purge",
        help="erase the personal data of cohorts that ended more than N months ago",
        description="Erase (as the erase command does) everyone whose every cohort, pair and "
        "UnMentoring round ended more than N months ago. People still in a running pair or a "
        "more recent cohort are kept, and the command says how many and why. Exit status: 0 "
        "done (also when nothing was old enough), 2 the store or the settings cannot be used.",
    )
    p.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    p.add_argument("--older-than-months", "--months", dest="months", type=int, metavar="N",
                   help="the retention period in months (wins over the settings file)")
    p.add_argument("--settings", metavar="FILE",
                   help='the scheme\'s JSON settings file holding {"retention_months": N}')
    p.add_argument("--today", metavar="DATE",
                   help="count back from this date, YYYY-MM-DD (default: today)")
    p.add_argument("--dry-run", action="store_true",
                   help="only say how many people would be erased; change nothing")
    p.set_defaults(handler=run)
