"""The ``erase`` command: remove one person's personal data on request."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit.privacy.copies import find_copies
from toolkit.privacy.erase import ErasureSummary, erase_person, is_known
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Erase the person; exit 0 done, 1 nobody has that address, 2 the store cannot be used."""
    with open_existing(args.store, read_only=True) as store:  # nobody: the file is untouched
        known = is_known(store, args.email, args.history)
    if known:
        with open_existing(args.store) as store:
            summary = erase_person(store, args.email, history=args.history)
    else:
        summary = ErasureSummary(people=0)
    for line in summary.lines():
        print(line)
    # The lead's own files (form exports, the UnMentoring list, what was sent out) are not
    # rewritten: say which still hold the address, or the next import brings them back.
    folders = args.look_in or [Path(args.store).resolve().parent]
    copies = find_copies(args.email, folders, skip=[args.history] if args.history else [])
    for line in copies.lines():
        print(line)
    return 0 if summary.found else 1


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``erase`` to the command line."""
    p = commands.add_parser(
        "erase",
        help="erase one person's personal data on request (name, e-mail, free text)",
        description="Remove a person's name, e-mail address, free-text answers and notes and "
        "line-manager link everywhere in the store (and the UnMentoring history file with "
        "--history). Their address is replaced by an anonymous one, so counts, pairs and "
        "rounds (and last year's report) stay the same. The store is rewritten so no copy of "
        "the old data remains, and the erasure is logged with its date, not who. Exit status: "
        "0 done, 1 nobody has that address (nothing changed), 2 the store cannot be used.",
    )
    p.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    p.add_argument("--email", required=True, metavar="ADDRESS",
                   help="the person's e-mail address (any case)")
    p.add_argument("--history", metavar="FILE",
                   help="the UnMentoring history file (round,group,email) to erase them from too")
    p.add_argument("--look-in", action="append", metavar="DIR",
                   help="a folder whose files (exports, lists, drafts) are searched for the "
                   "address afterwards, to clean by hand; repeat for more (default: the "
                   "store's folder)")
    p.set_defaults(handler=run)
