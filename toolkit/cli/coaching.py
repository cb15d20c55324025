"""The ``coaching`` command: ``triage``, ``match`` and ``status`` of a coaching round."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from toolkit.coaching.outputs import (
    tracking_sheets,
    write_objectives_forms,
    write_tracking_workbook,
)
from toolkit.coaching.progress import (
    objective_progress,
    read_objective_scores,
    read_sessions,
    session_status,
)
from toolkit.coaching.requests import (
    CoachingImport,
    MatchSettings,
    TriageRules,
    match_coaches,
    objectives_of,
    read_coaches,
    read_requests,
    save_coaching,
    triage,
)
from toolkit.coaching.round import CoachingRound, read_pairs, write_round
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import format_problems
from toolkit.store.connection import Store

__all__ = ["register"]


def _print_problems(imports: list[CoachingImport | None]) -> bool:
    bad = False
    for imp in imports:
        if imp is None:
            continue
        for notice in imp.notices:
            print(f"Note: {notice}", file=sys.stderr)
        if not imp.ok:
            bad = True
            print(f"'{imp.source}': {len(imp.problems)} problem(s); those rows are set aside:")
            print(format_problems(imp.problems))
            print()
    return bad


def _rules(args: argparse.Namespace) -> TriageRules:
    return TriageRules(internal_up_to=args.internal_up_to,
                       require_cost_approval=not args.no_cost_approval)


def _cmd_triage(args: argparse.Namespace) -> int:
    req = read_requests(args.requests, mapping=args.mapping, ladder=args.ladder,
                        sheet=args.sheet)
    bad = _print_problems([req])
    done = triage(req.records, _rules(args), args.ladder)
    counts = done["status"].value_counts()
    print(f"'{req.source}': {len(done)} request(s): {counts.get('internal', 0)} internal, "
          f"{counts.get('external', 0)} external, {counts.get('on hold', 0)} on hold.")
    for rec in done.to_dict("records"):
        print(f"  row {rec['row']:>3}  {rec['status']:<9} {rec['reason']}")
    if args.out:
        table = done.assign(need=done["need"].map("; ".join),
                            objectives=done["objectives"].map(" | ".join))
        write_csv_atomic(table, args.out)
        print(f"Wrote '{args.out}'.")
    return 1 if bad else 0


def _cmd_match(args: argparse.Namespace) -> int:
    settings = MatchSettings(same_department=args.same_department, start_date=args.start_date)
    req = read_requests(args.requests, mapping=args.mapping, ladder=args.ladder,
                        sheet=args.sheet)
    pool = read_coaches(args.coaches)
    bad = _print_problems([req, pool])
    match = match_coaches(triage(req.records, _rules(args), args.ladder), pool.records,
                          settings)
    done = CoachingRound(requests=req, coaches=pool, match=match)
    print(done.summary())
    for rec in match.waiting.to_dict("records"):
        print(f"  waiting {rec['position']:>2}: {rec['email']} ({rec['route']}): {rec['why']}")
    written = write_round(done, args.out, forms=False)
    if args.store:
        with Store(args.store) as store:
            ids = save_coaching(store, match, args.cohort)
        print(f"Saved {len(ids)} coaching pair(s) of round '{args.cohort}' in '{args.store}'.")
    print("Wrote: " + ", ".join(str(p) for p in written.values()))
    return 1 if bad else 0


def _cmd_status(args: argparse.Namespace) -> int:
    pairs = read_pairs(args.pairs)
    log = read_sessions(args.sessions)
    scores = read_objective_scores(args.scores) if args.scores else None
    req = read_requests(args.requests, ladder=args.ladder) if args.requests else None
    bad = _print_problems([log, scores, req])
    status = session_status(pairs, log.records, args.today)
    progress = None
    if scores is not None:
        objectives = objectives_of(req.records) if req is not None else pd.DataFrame(
            columns=["email", "number", "objective"])
        progress = objective_progress(objectives, scores.records, status.register)
    reg = status.register["status"].value_counts()
    print(f"On {args.today}: {len(pairs)} coaching pair(s): "
          + ", ".join(f"{n} {k}" for k, n in reg.items()) + ".")
    for rec in status.warnings.to_dict("records"):
        print(f"  {rec['kind']}: {rec['coachee_email']}: {rec['message']}")
    if progress is not None:
        for rec in progress.missing.to_dict("records"):
            print(f"  missing {rec['form']} form: {rec['email']}: {rec['note']}")
    out = Path(args.out)
    book = write_tracking_workbook(out / "coaching_status.xlsx",
                                   tracking_sheets(None, status, progress))
    print(f"Wrote '{book}'.")
    if args.forms and progress is not None:
        pairs_named = pairs.assign(coachee_name=pairs.get("coachee_name", ""),
                                   coach_name=pairs.get("coach_name", ""))
        forms = write_objectives_forms(out / "objectives_forms", pairs_named, progress)
        print(f"Wrote {len(forms)} objectives form(s) in '{out / 'objectives_forms'}'.")
    return 1 if bad else 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``coaching triage|match|status`` to the command line."""
    p = commands.add_parser(
        "coaching", help="coaching requests: triage, match coaches, track sessions",
        description="Coaching requests: route each to internal or external coaching (or on "
        "hold), match coaches, and check sessions and objectives. Exit status: 0 fine, 1 some "
        "rows had problems (listed, and set aside), 2 a file cannot be used at all.")
    steps = p.add_subparsers(title="coaching commands", metavar="STEP")

    def request_options(q: argparse.ArgumentParser) -> None:
        q.add_argument("--mapping", metavar="FILE",
                       help="JSON object from field name to the header used in the export")
        q.add_argument("--ladder", metavar="FILE", help="grade ladder (default uk-he)")
        q.add_argument("--sheet", metavar="NAME", help="worksheet of an XLSX export")
        q.add_argument("--internal-up-to", default="Grade 8", metavar="GRADE",
                       help="most senior grade for internal coaching (default 'Grade 8')")
        q.add_argument("--no-cost-approval", action="store_true",
                       help="do not require cost approval for external coaching")

    t = steps.add_parser("triage", help="route every request, with a reason",
                            description="Give every request one status (internal, external or "
                            "on hold) and a reason.")
    t.add_argument("requests", help="the request form's export: CSV or XLSX")
    request_options(t)
    t.add_argument("--out", metavar="FILE", help="also write the triage as CSV")
    t.set_defaults(handler=_cmd_triage)

    m = steps.add_parser("match", help="match coaches; list the waiting list with reasons",
                            description="Triage, then match coaches (never in the coachee's "
                            "line-management chain, another department, within capacity), "
                            "and write the tracking workbook, the pairs and the waiting list.")
    m.add_argument("requests", help="the request form's export: CSV or XLSX")
    m.add_argument("coaches", help="the coach pool: CSV or XLSX")
    request_options(m)
    m.add_argument("--same-department", action="store_true",
                   help="allow coaches from the coachee's own department")
    m.add_argument("--start-date", metavar="YYYY-MM-DD", help="the date coaching starts")
    m.add_argument("--out", default="coaching_output", metavar="DIR",
                   help="folder for the outputs (default coaching_output)")
    m.add_argument("--store", metavar="FILE", help="also save the round in this scheme store")
    m.add_argument("--cohort", default="coaching", metavar="NAME",
                   help="the round's name in the store (default 'coaching')")
    m.set_defaults(handler=_cmd_match)

    s = steps.add_parser("status", help="sessions against the limits, objectives, forms",
                            description="Check each pair's sessions against the limits on a "
                            "given day, show objective progress and missing forms, and write "
                            "coaching_status.xlsx.")
    s.add_argument("--pairs", required=True, metavar="FILE",
                   help="coaching_pairs.csv written by 'coaching match'")
    s.add_argument("--sessions", required=True, metavar="FILE", help="the session log")
    s.add_argument("--scores", metavar="FILE", help="objective scores (start and end)")
    s.add_argument("--requests", metavar="FILE", help="the requests (for objectives' text)")
    s.add_argument("--ladder", metavar="FILE", help="grade ladder (default uk-he)")
    s.add_argument("--today", required=True, metavar="YYYY-MM-DD",
                   help="the day to check on")
    s.add_argument("--out", default="coaching_output", metavar="DIR",
                   help="folder for the outputs (default coaching_output)")
    s.add_argument("--forms", action="store_true",
                   help="also write each coachee's objectives form (.docx)")
    s.set_defaults(handler=_cmd_status)
    p.set_defaults(handler=lambda _args: (p.print_help(), 2)[1])
