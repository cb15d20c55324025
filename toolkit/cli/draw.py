"""The ``draw`` command: draw one UnMentoring round from a sign-up list and record it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from toolkit.core.progress import stages
from toolkit.errors import LifecycleError, SettingsError
from toolkit.io.outputs import write_csv_atomic
from toolkit.unmentoring.announcements import (
    parse_week,
    read_email_template,
    write_announcements,
)
from toolkit.unmentoring.draw import default_seed, draw_round, round_labels
from toolkit.unmentoring.history import round_exists_message, sweep_temporaries
from toolkit.unmentoring.participants import read_participants
from toolkit.unmentoring.service import (
    load_exclusions,
    load_history,
    rounds_lock,
    rounds_place,
    rounds_state,
    save_round,
)
from toolkit.unmentoring.statistics import draw_statistics, repeat_pairs

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Run the ``draw`` command; return the exit status.

    The options are checked and the history (file or store) is read first, and an existing
    round is refused, before anything is drawn or written. The draw is written to ``--out``,
    then the round is added to the history in one step (see
    :mod:`toolkit.unmentoring.history`; with a history file its lock is held from reading
    to saving), or in one store transaction, then the announcements are written. A round is
    refused (exit 1, nothing saved) if the history file or the store changed while it was
    drawn (see :func:`toolkit.unmentoring.service.rounds_state`).
    """
    label = str(args.round_label).strip()
    if not label:
        raise SettingsError("The round label is empty: give one such as --round 2026-10.")
    out = Path(args.out)
    if args.history and out.resolve() == Path(args.history).resolve():
        raise SettingsError("--out and --history are the same file: the draw would overwrite "
                            "the history. Give the draw its own file name.")
    if args.ics and not args.announcements:
        raise SettingsError("--ics goes with --announcements DIR: the calendar files are "
                            "written there.")
    if args.ics and not args.week:
        raise SettingsError("--ics needs --week: the calendar files propose the week to meet.")
    monday = parse_week(args.week)
    week = None if monday is None else monday.isoformat()
    template = None
    if args.announcements:  # checked before anything is drawn or written
        template = read_email_template(args.template)
        for notice in template.notices:
            print(f"Note: {notice}", file=sys.stderr)
    # A bar on the terminal (not in scripts or logs) for large schemes, where reading the
    # history and drawing take a while.
    with stages(["reading the sign-ups", "reading the history", "drawing", "writing"],
                "UnMentoring draw") as step:
        step("reading the sign-ups")
        participants = read_participants(args.participants, mapping=args.mapping,
                                         sheet=args.sheet)
        where = rounds_place(args.history, args.store)
        # With a history file, its lock is held from reading the rounds to saving the new one:
        # a second draw of the same file waits, and never draws without knowing this round.
        with rounds_lock(args.history, args.store):
            step("reading the history")
            # Taken first: a change to the store after it (another session's round, an
            # erasure, a withdrawal) makes the save refuse this round rather than save it
            # against it. A history file needs none: its lock is held until the save.
            state = rounds_state(store=args.store) if args.store else None
            history = load_history(args.history, args.store)
            exclusions = None
            if args.store and not args.no_exclusions:
                exclusions = load_exclusions(args.store, participants["email"])
            exists = label in set(round_labels(history))
            if exists and not args.redraw:
                raise LifecycleError(round_exists_message(label, where))
            seed = default_seed(label) if args.seed is None else int(args.seed)
            step("drawing")
            draw = draw_round(participants, history, seed=seed, round_label=label,
                              exclusions=exclusions, method=args.method)
            step("writing")
            if args.history:
                sweep_temporaries(out)
            write_csv_atomic(draw, out)
            settings = {"method": args.method, "participants": str(args.participants),
                        "exclusions": 0 if exclusions is None else len(exclusions)}
            save_round(draw, seed, history=args.history, store=args.store, week=week,
                       settings=settings, redraw=args.redraw,
                       known_rounds=round_labels(history), state=state)
    _report(draw, participants, history, label, seed, out, where, exists)
    if args.announcements:
        written = write_announcements(draw, participants, args.announcements, week=week,
                                      template=template, ics=args.ics)
        print(f"Announcements in '{args.announcements}': "
              + ", ".join(f"{k} ({Path(v).name})" for k, v in written.items()) + ".")
    return 0


def _report(draw: pd.DataFrame, participants: pd.DataFrame, history: pd.DataFrame,
            label: str, seed: int, out: Path, where: str, replaced: bool) -> None:
    stats = draw_statistics(draw, participants, history).set_index("measure")["value"]
    trio = " and one trio" if stats["trios"] else ""
    print(f"Round '{label}' (seed {seed}): {stats['people drawn']} people in "
          f"{stats['pairs']} pairs{trio}; {stats['paused this round']} paused; "
          f"{stats['groups mixing departments (%)']}% of groups mix departments.")
    repeats = repeat_pairs(draw, history)
    if len(repeats):
        oldest = ", ".join(sorted(set(repeats["last_round"].astype(str))))
        print(f"Note: {len(repeats)} pair(s) met before: no draw without repeats exists for "
              f"these participants, so the oldest pairings were allowed first (last met in "
              f"round(s) {oldest}).", file=sys.stderr)
    else:
        print("Nobody meets someone they were drawn with before.")
    print(f"Wrote the draw to '{out}' and {'replaced' if replaced else 'added'} the round in "
          f"{where}.")


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``draw`` to the command line."""
    p = commands.add_parser(
        "draw",
        help="draw an UnMentoring round: everyone meets someone new",
        description="Draw one UnMentoring round: every active participant in a pair (one trio "
        "if the count is odd) with someone they have not been drawn with, from another "
        "department whenever possible. Exit status: 0 drawn, 1 refused (round already drawn, "
        "or the rules cannot be met), 2 unusable input.",
    )
    p.add_argument("participants", metavar="PARTICIPANTS",
                   help="the sign-up list: CSV or XLSX with name, email, department and "
                   "optionally paused (yes/no)")
    p.add_argument("--round", required=True, metavar="LABEL", dest="round_label",
                   help="the round's label, e.g. 2026-10; a label already drawn is refused")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--history", metavar="FILE",
                       help="CSV of earlier rounds (round,group,email); the new round is "
                       "appended atomically; created if missing")
    where.add_argument("--store", metavar="FILE",
                       help="the scheme store (.sqlite): earlier rounds, and mentoring pairs "
                       "and line managers never to draw together; the new round is saved there")
    p.add_argument("--seed", type=int, metavar="N",
                   help="random seed (default: a number made from the round label); stored "
                   "with the round so the draw can be repeated")
    p.add_argument("--mapping", metavar="FILE",
                   help="JSON object from field name (name, email, department, paused) to the "
                   "header used in the list")
    p.add_argument("--sheet", metavar="NAME", help="the worksheet of an XLSX file")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="CSV of the draw: round,group,email, one row per person")
    p.add_argument("--redraw", action="store_true",
                   help="replace the round if it was drawn already (on purpose)")
    p.add_argument("--week", metavar="DATE",
                   help="a day in the week to meet in (YYYY-MM-DD) or an ISO week (2026-W41)")
    p.add_argument("--announcements", metavar="DIR",
                   help="also write the mail-merge CSV and e-mail drafts into this folder")
    p.add_argument("--template", metavar="FILE", help="an edited copy of the e-mail template")
    p.add_argument("--ics", action="store_true",
                   help="with --announcements: one calendar file per group (needs --week)")
    p.add_argument("--method", choices=("auto", "exact", "fast"), default="auto",
                   help="exact (blossom), fast (greedy plus swaps, for thousands) or auto "
                   "(default)")
    p.add_argument("--no-exclusions", action="store_true",
                   help="with --store: do not keep mentoring pairs and line-management chains "
                   "apart")
    p.set_defaults(handler=run)
