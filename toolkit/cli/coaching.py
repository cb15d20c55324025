"""The ``coaching`` command: ``triage``, ``match`` and ``status`` of a coaching round."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from toolkit.coaching.budget import SpendReport
from toolkit.coaching.matching import MatchSettings
from toolkit.coaching.progress import DEFAULT_LIMITS as DEFAULTS
from toolkit.coaching.progress import SessionLimits, limits_with
from toolkit.coaching.records import read_pairs
from toolkit.coaching.requests import CoachingImport, read_requests
from toolkit.coaching.round import check_round, run_round, save_round, write_check, write_round
from toolkit.coaching.supervision import CoachRules
from toolkit.coaching.triage import TriageRules, triage
from toolkit.core.dates import readable_date
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import format_problems
from toolkit.store.connection import Store

__all__ = ["register", "run"]


def _print_problems(imports: list[CoachingImport | None]) -> bool:
    """Print each import's notices (to stderr) and problems; return True if any had some."""
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


def _limits(args: argparse.Namespace) -> dict[str, SessionLimits]:
    return limits_with(
        internal_sessions=args.internal_sessions, external_sessions=args.external_sessions,
        internal_months=args.internal_months, external_months=args.external_months,
        internal_chemistry=args.internal_chemistry,
        external_chemistry=args.external_chemistry)


def _registers(args: argparse.Namespace, kinds: tuple[str, ...]) -> dict[str, str | None]:
    return {kind: getattr(args, kind) for kind in kinds}


def _print_warnings(coach_warnings: pd.DataFrame | None, spend: SpendReport | None) -> None:
    """Print the approved coaches' warnings and the money warnings, one a line."""
    if coach_warnings is not None:
        for rec in coach_warnings.to_dict("records"):
            print(f"  coach {rec['kind']}: {rec['coach_email']}: {rec['message']}")
    if spend is not None:
        for rec in spend.warnings.to_dict("records"):
            who = f"{rec['email']}: " if rec["email"] else ""
            print(f"  money, {rec['kind']} ({rec['year']}): {who}{rec['message']}")


def _triage(args: argparse.Namespace) -> int:
    req = read_requests(args.requests, mapping=args.mapping, ladder=args.ladder,
                        sheet=args.sheet, month_first=args.month_first)
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


def _match(args: argparse.Namespace) -> int:
    settings = MatchSettings(same_department=args.same_department, start_date=args.start_date,
                             shortlist=args.shortlist,
                             by_choice=("external",) if args.external_by_choice else ())
    done = run_round(args.requests, args.coaches, rules=_rules(args), settings=settings,
                     ladder=args.ladder, mapping=args.mapping, sheet=args.sheet,
                     month_first=args.month_first, limits=_limits(args), today=args.today,
                     registers=_registers(args, ("approved", "choices", "chemistry", "agreed",
                                                 "spend")),
                     current=args.current, budget=args.budget,
                     coach_rules=CoachRules(supervision_months=args.supervision_months))
    bad = _print_problems([done.requests, done.coaches, *done.registers.imports()])
    print(done.summary())
    for rec in done.match.waiting.to_dict("records"):
        print(f"  waiting {rec['position']:>2}: {rec['email']} ({rec['route']}): {rec['why']}")
    rematched = done.match.requests[done.match.requests["note"].str.startswith(
        "Matched with a new coach")]
    for rec in rematched.to_dict("records"):
        print(f"  re-matched: {rec['email']} with {rec['coach_email']}: {rec['note']}")
    for rec in done.not_kept.to_dict("records"):
        print(f"  not kept: {rec['coachee_email']} with {rec['coach_email']}: {rec['why']}")
    _print_warnings(done.coach_warnings, done.spend)
    written = write_round(done, args.out, forms=False)
    if args.store:
        with Store(args.store) as store:
            saved = save_round(store, done, args.cohort)
        print(f"Saved {len(saved['pairs'])} coaching pair(s) of round '{args.cohort}' in "
              f"'{args.store}'.")
        ended = saved["records"].get("ended", 0)
        if ended:
            print(f"Ended {ended} pair(s) whose chemistry session did not work.")
    print("Wrote: " + ", ".join(str(p) for p in written.values()))
    return 1 if bad else 0


def _status(args: argparse.Namespace) -> int:
    pairs = read_pairs(args.pairs)
    check = check_round(pairs, args.sessions, args.today, scores=args.scores,
                        requests=args.requests, ladder=args.ladder,
                        month_first=args.month_first, limits=_limits(args),
                        registers=_registers(args, ("approved", "agreed", "spend")),
                        budget=args.budget,
                        coach_rules=CoachRules(supervision_months=args.supervision_months))
    bad = _print_problems([check.sessions, check.scores, check.requests,
                           *check.registers.imports()])
    reg = check.status.register["status"].value_counts()
    print(f"On {readable_date(check.status.today)}: {len(pairs)} coaching pair(s): "
          + ", ".join(f"{n} {k}" for k, n in reg.items()) + ".")
    for rec in check.status.warnings.to_dict("records"):
        print(f"  {rec['kind']}: {rec['coachee_email']}: {rec['message']}")
    if check.progress is not None:
        for rec in check.progress.missing.to_dict("records"):
            print(f"  missing {rec['form']} form: {rec['email']}: {rec['note']}")
    _print_warnings(check.coach_warnings, check.spend)
    book, forms = write_check(check, args.out, forms=args.forms)
    print(f"Wrote '{book}'.")
    if args.forms and check.progress is not None:
        print(f"Wrote {len(forms)} objectives form(s) in "
              f"'{Path(args.out) / 'objectives_forms'}'.")
    return 1 if bad else 0


def _whole(low: int) -> Callable[[str], int]:
    """Return an argument type: a whole number of at least ``low``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"give a whole number, {low} or more (got '{text}')")
        return value
    return parse


def _amount(text: str) -> float:
    """Read an amount such as 25000 or £25,000 given on the command line."""
    try:
        value = float(text.replace(",", "").replace("£", "").strip())
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"give an amount such as 25000 (got '{text}')")
    return value


def run(args: argparse.Namespace) -> int:
    """Run one step of ``coaching``: 0 done, 1 rows with problems (listed and set aside)."""
    if args.step is None:
        args.show_help()
        return 2
    return args.step(args)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``coaching triage|match|status`` to the command line."""
    p = commands.add_parser(
        "coaching", help="coaching requests: triage, match coaches, track sessions",
        description="Coaching requests: route each to internal or external coaching (or on "
        "hold), match coaches, and check sessions and objectives. Exit status: 0 fine, 1 some "
        "rows had problems (listed, and set aside), 2 a file cannot be used at all.")
    p.set_defaults(handler=run, step=None, show_help=p.print_help)
    steps = p.add_subparsers(title="coaching commands", metavar="STEP")

    def month_first(q: argparse.ArgumentParser) -> None:
        q.add_argument("--month-first", action="store_true",
                       help="read dates such as 01/31/2026 month first, as US exports write "
                       "them (default: day first, 31/01/2026)")

    def limit_options(q: argparse.ArgumentParser) -> None:
        for route, default in (("internal", DEFAULTS["internal"]),
                               ("external", DEFAULTS["external"])):
            q.add_argument(f"--{route}-sessions", type=_whole(0), metavar="N",
                           help=f"coaching sessions {route} coaching allows (default "
                           f"{default.sessions})")
            q.add_argument(f"--{route}-chemistry", type=_whole(0), metavar="N",
                           help=f"chemistry sessions {route} coaching allows (default "
                           f"{default.chemistry})")
            q.add_argument(f"--{route}-months", type=_whole(1), metavar="N",
                           help=f"months {route} coaching must be used in (default "
                           f"{default.months})")
        q.add_argument("--agreed", metavar="FILE",
                       help="sessions agreed per coachee (CSV or XLSX: email, sessions, and "
                       "optionally chemistry, months); never above the limits")

    def register_options(q: argparse.ArgumentParser) -> None:
        q.add_argument("--approved", metavar="FILE",
                       help="the approved coach list (CSV or XLSX: name, email, accreditation "
                       "body, level, expiry, last supervision, agreement on file)")
        q.add_argument("--supervision-months", type=_whole(1), default=3, metavar="N",
                       help="supervision lapses N months after the last one (default 3)")
        q.add_argument("--spend", metavar="FILE",
                       help="approved amount and actual spend per coachee (CSV or XLSX: "
                       "email, approved amount, spent, and optionally year, department)")
        q.add_argument("--budget", type=_amount, metavar="AMOUNT",
                       help="the coaching budget of each year: warn when approvals or spend "
                       "pass it")

    def request_options(q: argparse.ArgumentParser) -> None:
        q.add_argument("--mapping", metavar="FILE",
                       help="JSON object from field name to the header used in the export")
        q.add_argument("--ladder", metavar="FILE", help="grade ladder (default uk-he)")
        q.add_argument("--sheet", metavar="NAME", help="worksheet of an XLSX export")
        q.add_argument("--internal-up-to", default="Grade 8", metavar="GRADE",
                       help="most senior grade for internal coaching (default 'Grade 8')")
        q.add_argument("--no-cost-approval", action="store_true",
                       help="do not require cost approval for external coaching")
        month_first(q)

    t = steps.add_parser("triage", help="route every request, with a reason",
                            description="Give every request one status (internal, external or "
                            "on hold) and a reason.")
    t.add_argument("requests", help="the request form's export: CSV or XLSX")
    request_options(t)
    t.add_argument("--out", metavar="FILE", help="also write the triage as CSV")
    t.set_defaults(step=_triage)

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
    m.add_argument("--choices", metavar="FILE",
                   help="coachees' own choices of coach (CSV or XLSX: email, coach email), "
                   "checked against the approved list and the line-management chain")
    m.add_argument("--chemistry", metavar="FILE",
                   help="chemistry outcomes (CSV or XLSX: email, coach email, went well or "
                   "did not): failed pairs are re-matched, every other pair kept")
    m.add_argument("--current", metavar="FILE",
                   help="the coaching_pairs.csv made before, kept by a re-match (default: "
                   "the pairs this round makes without the chemistry outcomes)")
    m.add_argument("--external-by-choice", action="store_true",
                   help="external coachees choose their coach: those without a choice get a "
                   "short list instead of a coach")
    m.add_argument("--shortlist", type=_whole(1), default=3, metavar="N",
                   help="coaches on each short list, best fit first (default 3)")
    m.add_argument("--today", metavar="YYYY-MM-DD",
                   help="the day to check the approved coaches on (default: today)")
    limit_options(m)
    register_options(m)
    m.add_argument("--store", metavar="FILE", help="also save the round in this scheme store")
    m.add_argument("--cohort", default="coaching", metavar="NAME",
                   help="the round's name in the store (default 'coaching')")
    m.set_defaults(step=_match)

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
    limit_options(s)
    register_options(s)
    month_first(s)
    s.set_defaults(step=_status)
