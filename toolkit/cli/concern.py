"""The ``concern`` command: the lead's private concern log (``add``, ``list``, ``close``).

The notes are printed on the terminal only when asked for (``list --notes``); they are never
written to a report.
"""

from __future__ import annotations

import argparse

import pandas as pd

from toolkit.core.dates import readable_date
from toolkit.relationships.concerns import (
    CONCERN_CATEGORIES,
    add_concern,
    close_concern,
    concerns_table,
    move_follow_up,
)
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def _add(args: argparse.Namespace) -> int:
    """Record a concern; exit 0 (1: no such pair; 2: a category or date not valid)."""
    with open_existing(args.store) as store:
        number = add_concern(store, args.pair, args.category, args.note or "", args.date,
                             args.follow_up, today=args.today)
    due = f"; follow it up on {readable_date(args.follow_up)}" if args.follow_up else ""
    print(f"Recorded concern {number} for pair {args.pair} ({args.category}){due}. "
          "The note stays private to you.")
    return 0


def _list(args: argparse.Namespace) -> int:
    """Print the concern log (notes only with ``--notes``); exit 0."""
    with open_existing(args.store, read_only=True) as store:
        table = concerns_table(store, args.pair, open_only=args.open, today=args.today)
    if table.empty:
        print("No concerns recorded" + (f" for pair {args.pair}." if args.pair else "."))
        return 0
    shown = table.assign(
        follow_up=table["follow_up"].fillna("-"),
        closed_on=table["closed_on"].fillna("open"),
        due=table["due"].map({True: "DUE", False: ""}))
    columns = ["id", "pair_id", "on_date", "category", "follow_up", "closed_on", "due"]
    if args.notes:
        columns.append("note")
    with pd.option_context("display.max_colwidth", 80, "display.width", 160):
        print(shown[columns].to_string(index=False))
    print(f"\n{len(table)} concern(s); {int(table['due'].sum())} follow-up(s) due. "
          "This list is private: do not share it.")
    return 0


def _close(args: argparse.Namespace) -> int:
    """Close a concern, or move its follow-up date; exit 0, 2 when it cannot be done."""
    with open_existing(args.store) as store:
        if args.follow_up:
            due = move_follow_up(store, args.id, args.follow_up)
            print(f"Concern {args.id} stays open; follow it up on {readable_date(due)}.")
        else:
            day = close_concern(store, args.id, args.date)
            print(f"Closed concern {args.id} on {readable_date(day)}.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the action asked for (``add``, ``list`` or ``close``); return the exit status."""
    return {"add": _add, "list": _list, "close": _close}[args.action](args)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``concern add|list|close`` to the command line."""
    p = commands.add_parser(
        "concern", help="your private log of concerns about pairs",
        description="Keep a private log of concerns about pairs (meetings that fall through, "
        "an imposed agenda, a pair that does not get on...). An open concern whose follow-up "
        "date has come is a warning of the 'status' command. Notes are never put in a report.")
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])
    inner = p.add_subparsers(title="actions", metavar="ACTION")

    add = inner.add_parser("add", help="record a concern about a pair",
                           description="Record a concern about a pair. Exit status 0; 1 when "
                           "the store has no such pair; 2 when the category or a date is not "
                           "valid (nothing is recorded then).")
    add.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    add.add_argument("--pair", required=True, type=int, metavar="N", help="the pair's number")
    add.add_argument("--category", required=True, choices=CONCERN_CATEGORIES,
                     help="what kind of concern")
    add.add_argument("--note", metavar="TEXT", help="your private note (quote it)")
    add.add_argument("--date", metavar="DATE", help="when it was raised (default: today)")
    add.add_argument("--follow-up", metavar="DATE", help="when to look at it again")
    add.add_argument("--today", metavar="DATE", help="today's date (default: the real date)")
    add.set_defaults(handler=run, action="add")

    show = inner.add_parser("list", help="list the concerns",
                            description="List the concerns, with the follow-ups that are due. "
                            "Exit status 0.")
    show.add_argument("--store", required=True, metavar="FILE",
                      help="the scheme store (.sqlite)")
    show.add_argument("--pair", type=int, metavar="N", help="only this pair's concerns")
    show.add_argument("--open", action="store_true", help="only the concerns still open")
    show.add_argument("--notes", action="store_true", help="also print your private notes")
    show.add_argument("--today", metavar="DATE",
                      help="follow-ups due by this date (default: today)")
    show.set_defaults(handler=run, action="list")

    close = inner.add_parser("close", help="close a concern, or move its follow-up date",
                             description="Close a concern (or, with --follow-up, keep it open "
                             "with a new follow-up date). Exit status 0; 2 when there is no "
                             "such open concern or the date is not valid.")
    close.add_argument("--store", required=True, metavar="FILE",
                       help="the scheme store (.sqlite)")
    close.add_argument("--id", required=True, type=int, metavar="N",
                       help="the concern's number (see 'concern list')")
    close.add_argument("--date", metavar="DATE", help="the day it was closed (default: today)")
    close.add_argument("--follow-up", metavar="DATE",
                       help="keep it open and look at it again on this date instead")
    close.set_defaults(handler=run, action="close")
