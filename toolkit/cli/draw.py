"""The ``draw`` command: draw one UnMentoring round from a sign-up list and record it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from toolkit.errors import LifecycleError, SettingsError

__all__ = ["DEMO_ROUNDS", "add_draw_arguments", "demo_draws", "register", "run"]


def add_draw_arguments(p: argparse.ArgumentParser) -> None:
    """Add the ``draw`` command's arguments to a parser."""
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


def run(args: argparse.Namespace) -> int:
    """Run the ``draw`` command; return the exit status.

    The history (file or store) is read first and an existing round is refused before
    anything is drawn or written. The draw is written to ``--out``, then the round is added
    to the history in one atomic step (a temporary file renamed over the old one, or one
    store transaction), then the announcements are written.
    """
    import toolkit.unmentoring.draws as draws
    from toolkit.io.outputs import write_csv_atomic

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
    week = None
    if args.week:
        from toolkit.unmentoring.announcements import parse_week

        week = parse_week(args.week).isoformat()
    participants = draws.read_participants(args.participants, mapping=args.mapping,
                                           sheet=args.sheet)
    store = None
    exclusions = None
    if args.store:
        from toolkit.store.connection import Store

        store = Store(args.store)
    try:
        if store is not None:
            history = draws.store_history(store)
            where = f"the store '{args.store}'"
            if not args.no_exclusions:
                exclusions = draws.store_exclusions(store, participants["email"])
        else:
            history = draws.read_history(args.history)
            where = f"the history '{args.history}'"
        exists = label in set(draws.round_labels(history))
        if exists and not args.redraw:
            raise LifecycleError(draws.round_exists_message(label, where))
        seed = draws.default_seed(label) if args.seed is None else int(args.seed)
        draw = draws.draw_round(participants, history, seed=seed, round_label=label,
                                exclusions=exclusions, method=args.method)
        write_csv_atomic(draw, out)
        settings = {"method": args.method, "participants": str(args.participants),
                    "exclusions": 0 if exclusions is None else len(exclusions)}
        if store is not None:
            draws.save_draw_to_store(store, draw, seed, week=week, settings=settings,
                                     redraw=args.redraw)
        else:
            draws.append_history(args.history, draw, redraw=args.redraw, seed=seed, week=week,
                                 settings=settings)
    finally:
        if store is not None:
            store.close()
    _report(draw, participants, history, label, seed, out, where, exists)
    if args.announcements:
        from toolkit.unmentoring.announcements import write_announcements

        written = write_announcements(draw, participants, args.announcements, week=week,
                                      template=args.template, ics=args.ics)
        print(f"Announcements in '{args.announcements}': "
              + ", ".join(f"{k} ({Path(v).name})" for k, v in written.items()) + ".")
    return 0


def _report(draw: pd.DataFrame, participants: pd.DataFrame, history: pd.DataFrame,
            label: str, seed: int, out: Path, where: str, replaced: bool) -> None:
    from toolkit.unmentoring.draws import draw_statistics, repeat_pairs

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


#: The rounds the demo draws: label and a day in the week to meet.
DEMO_ROUNDS = (("2026-10", "2026-10-05"), ("2026-11", "2026-11-02"), ("2026-12", "2026-12-07"))


def demo_draws(ctx: object) -> None:
    """Run the demo's UnMentoring step: three monthly rounds into the demo store, then export.

    ``ctx`` is the demo's :class:`~toolkit.demo.run.DemoContext`: the sign-up list is read from
    ``ctx.sample``, rounds are saved in ``ctx.store_path`` (with mentoring pairs and line
    managers kept apart), and the last round's draw, mail-merge list, e-mail drafts and
    calendar files are written under ``ctx.out / "unmentoring"``.
    """
    from toolkit.io.outputs import write_csv_atomic
    from toolkit.store.connection import Store
    from toolkit.unmentoring.announcements import write_announcements
    from toolkit.unmentoring.draws import (
        default_seed,
        draw_round,
        draw_statistics,
        read_participants,
        save_draw_to_store,
        store_exclusions,
        store_history,
    )

    print("Step 4. The monthly UnMentoring draw: three rounds, then the announcements")
    people = read_participants(ctx.sample / "unmentoring.csv")
    folder = ctx.out / "unmentoring"
    with Store(ctx.store_path) as store:
        excluded = store_exclusions(store, people["email"])
        print(f"  {int((~people['paused']).sum())} active and {int(people['paused'].sum())} "
              f"paused sign-ups; {len(excluded)} pair(s) kept apart (mentoring pairs, line "
              "management).")
        for label, week in DEMO_ROUNDS:
            history = store_history(store)
            seed = default_seed(label)
            draw = draw_round(people, history, seed=seed, round_label=label,
                              exclusions=excluded)
            save_draw_to_store(store, draw, seed, week=week,
                               settings={"method": "auto", "exclusions": len(excluded)},
                               redraw=True)
            stats = draw_statistics(draw, people, history).set_index("measure")["value"]
            print(f"  Round {label} (seed {seed}): {stats['groups']} groups, "
                  f"{stats['groups mixing departments (%)']}% mixing departments, "
                  f"{stats['repeats of an earlier pairing']} repeat(s).")
        history = store_history(store)
    ctx.outputs["draw"] = write_csv_atomic(draw, folder / "draw.csv")
    ctx.outputs["draw history"] = write_csv_atomic(history, folder / "history.csv")
    written = write_announcements(draw, people, folder, week=week, ics=True)
    ctx.outputs["mail merge"] = written["mail_merge"]
    ctx.outputs["mail drafts"] = written["drafts"]
    ctx.outputs["calendar"] = written["calendar"]
    print(f"  Announcements for {label}: a mail-merge list, {len(draw)} e-mail drafts and "
          f"{draw['group'].nunique()} calendar files in '{folder}'.")


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
    add_draw_arguments(p)
    p.set_defaults(handler=run)
