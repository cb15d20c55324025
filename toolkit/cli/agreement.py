"""The ``agreement`` command: what a pair agreed at its first meeting, and its mid-term review.

``agreement write`` writes the pre-filled agreements; ``agreement pace`` records the number of
meetings a year a pair agreed (the pace warning then follows it); ``agreement review`` records
that a pair held its mid-term review (which ends the review prompt for the term).
"""

from __future__ import annotations

import argparse
import sys

from toolkit.core.dates import readable_date
from toolkit.core.dates import today as as_date_or_today
from toolkit.relationships.agreements import (
    MOST_MEETINGS_A_YEAR,
    read_agreement_template,
    record_meetings_per_year,
    write_agreements,
)
from toolkit.relationships.changes import record_mid_term_review
from toolkit.relationships.settings import read_relationship_settings
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def _write(args: argparse.Namespace) -> int:
    for notice in read_agreement_template(args.template).notices:
        print(f"Note: {notice}", file=sys.stderr)
    _, lifecycle = read_relationship_settings(args.settings)
    with open_existing(args.store, read_only=True) as store:
        written = write_agreements(store, args.out, pair_ids=args.pair or None,
                                   template=args.template, lifecycle=lifecycle)
    print(f"Wrote {len(written)} agreement(s) to '{args.out}' (Word and Markdown). They name "
          "people: keep them private.")
    return 0


def _pace(args: argparse.Namespace) -> int:
    with open_existing(args.store) as store:
        number = record_meetings_per_year(store, args.pair,
                                          None if args.scheme_pace else args.per_year)
    print(f"Pair {args.pair} follows the scheme's pace again." if number is None else
          f"Pair {args.pair} agreed on {number} meetings a year; its pace warning follows it.")
    return 0


def _review(args: argparse.Namespace) -> int:
    with open_existing(args.store) as store:
        pair = record_mid_term_review(store, args.pair, as_date_or_today(args.date))
    print(f"Recorded the mid-term review of pair {args.pair} on "
          f"{readable_date(pair['last_review'])}.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the action asked for (``write``, ``pace`` or ``review``); return the exit status."""
    return {"write": _write, "pace": _pace, "review": _review}[args.action](args)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``agreement write|pace|review`` to the command line."""
    p = commands.add_parser(
        "agreement", help="agreements, the meetings a year each pair agreed, mid-term reviews",
        description="Write the pairs' agreements, record how many meetings a year a pair "
        "agreed at its first meeting, and record its mid-term review.")
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])
    inner = p.add_subparsers(title="actions", metavar="ACTION")

    write = inner.add_parser(
        "write", help="write a pre-filled agreement per pair (Word and Markdown)",
        description="Write a pre-filled agreement for each running pair (or the pairs named), "
        "as Word and Markdown, named by pair number only. Exit status 0; 2 when a pair is "
        "unknown or the store or the template cannot be used.")
    write.add_argument("--store", required=True, metavar="FILE",
                       help="the scheme store (.sqlite)")
    write.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    write.add_argument("--pair", type=int, action="append", metavar="N",
                       help="only this pair (repeat for several)")
    write.add_argument("--template", metavar="FILE",
                       help="your own copy of toolkit/templates/agreement.md")
    write.add_argument("--settings", metavar="FILE",
                       help="JSON rule and term settings (for the term and renewal sentence)")
    write.set_defaults(handler=run, action="write")

    pace = inner.add_parser(
        "pace", help="record the meetings a year a pair agreed",
        description="Record the number of meetings a year a pair agreed at its first meeting; "
        "the pace warning then follows it for that pair. Exit status 0; 1 when the pair is "
        "unknown; 2 when the number is not allowed.")
    pace.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    pace.add_argument("--pair", required=True, type=int, metavar="N", help="the pair's number")
    which = pace.add_mutually_exclusive_group(required=True)
    which.add_argument("--per-year", type=int, metavar="K",
                       help=f"meetings a year, 1 to {MOST_MEETINGS_A_YEAR}")
    which.add_argument("--scheme-pace", action="store_true",
                       help="forget the pair's number: follow the scheme's pace again")
    pace.set_defaults(handler=run, action="pace")

    review = inner.add_parser(
        "review", help="record that a pair held its mid-term review",
        description="Record a pair's mid-term review; the review prompt stops for its current "
        "term. Exit status 0; 1 when the pair is unknown or not running.")
    review.add_argument("--store", required=True, metavar="FILE",
                        help="the scheme store (.sqlite)")
    review.add_argument("--pair", required=True, type=int, metavar="N", help="the pair's number")
    review.add_argument("--date", metavar="DATE", help="the day it was held (default: today)")
    review.set_defaults(handler=run, action="review")
