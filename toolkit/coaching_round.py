"""One coaching round end to end (import, triage, match, track, write), and its command line."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .coaching import (
    CoachingImport,
    CoachMatch,
    MatchSettings,
    TriageRules,
    match_coaches,
    objectives_of,
    read_coaches,
    read_requests,
    triage,
)
from .coaching_progress import (
    DEFAULT_LIMITS,
    ObjectiveProgress,
    SessionLimits,
    SessionStatus,
    objective_progress,
    read_objective_scores,
    read_sessions,
    session_status,
)
from .errors import InputFileError
from .readers import read_table

__all__ = ["CoachingRound", "add_coaching_command", "read_pairs", "run_round", "write_round"]

PAIR_COLUMNS = ("coachee_email", "coach_email", "route", "start_date")


@dataclass
class CoachingRound:
    """Everything one run over a coaching round produced.

    Attributes
    ----------
    requests, coaches : CoachingImport
        The imports (clean rows and every problem).
    match : CoachMatch
        Triage and matching: pairs, waiting list, every request's outcome, coach places.
    sessions, scores : CoachingImport or None
        The session log and objective scores, when given.
    status : SessionStatus or None
        Sessions against the limits on ``today``, when a session log was given.
    progress : ObjectiveProgress or None
        Objective progress and missing forms, when given.
    """

    requests: CoachingImport
    coaches: CoachingImport
    match: CoachMatch
    sessions: CoachingImport | None = None
    scores: CoachingImport | None = None
    status: SessionStatus | None = None
    progress: ObjectiveProgress | None = None

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem of every input, with the file it is in first."""
        parts = [imp.problems.assign(file=imp.source) for imp in
                 (self.requests, self.coaches, self.sessions, self.scores)
                 if imp is not None and not imp.ok]
        columns = ["file", "row", "field", "value", "problem"]
        if not parts:
            return pd.DataFrame(columns=columns)
        return pd.concat(parts, ignore_index=True)[columns]

    def summary(self) -> str:
        """Describe the round in a few plain sentences (counts only)."""
        outcome = self.match.requests["outcome"].value_counts()
        route = self.match.pairs["route"].value_counts()
        lines = [
            f"{len(self.match.requests)} requests: {outcome.get('matched', 0)} matched "
            f"({route.get('internal', 0)} internal, {route.get('external', 0)} external), "
            f"{outcome.get('waiting list', 0)} on the waiting list, "
            f"{outcome.get('on hold', 0)} on hold.",
        ]
        if self.status is not None:
            kinds = self.status.warnings["kind"].value_counts(sort=False)
            lines.append(f"On {self.status.today.date()}: {len(self.status.warnings)} warning(s)"
                         + ("" if kinds.empty else " (" + ", ".join(
                             f"{n} {k}" for k, n in kinds.items()) + ")") + ".")
        if self.progress is not None:
            lines.append(f"{len(self.progress.missing)} objectives form(s) missing.")
        if not self.problems.empty:
            lines.append(f"{len(self.problems)} input problem(s) set rows aside: see problems.")
        return "\n".join(lines)


def run_round(requests: str | Path, coaches: str | Path, sessions: str | Path | None = None,
              scores: str | Path | None = None, today: str | None = None,
              rules: TriageRules | None = None, settings: MatchSettings | None = None,
              limits: dict[str, SessionLimits] | None = None, ladder: str | None = None,
              mapping: dict[str, str] | str | Path | None = None) -> CoachingRound:
    """Import a coaching round's files, triage and match, and check sessions and objectives.

    Rows with problems are set aside (and listed in ``problems``); the rest go ahead.

    Parameters
    ----------
    requests, coaches : str or Path
        The request form's export and the coach pool.
    sessions, scores : str or Path, optional
        The session log and the objective scores.
    today : str, optional
        The ISO date to check sessions on (required with ``sessions``).
    rules, settings, limits
        Triage thresholds, matching settings and session limits (defaults: the scheme's).
    ladder : str, optional
        The grade ladder (name or JSON file).
    mapping : dict or path, optional
        Column mapping for the request export.

    Returns
    -------
    CoachingRound

    Examples
    --------
    >>> import tempfile
    >>> from toolkit.sample import COACHING_TODAY, write_sample
    >>> files = write_sample(tempfile.mkdtemp())
    >>> done = run_round(files["coaching_requests"], files["coaching_coaches"],
    ...                  files["coaching_sessions"], files["coaching_scores"], COACHING_TODAY)
    >>> print(done.summary().splitlines()[0])
    40 requests: 23 matched (17 internal, 6 external), 4 on the waiting list, 13 on hold.
    """
    req = read_requests(requests, mapping=mapping, ladder=ladder)
    pool = read_coaches(coaches)
    match = match_coaches(triage(req.records, rules, ladder), pool.records, settings)
    done = CoachingRound(requests=req, coaches=pool, match=match)
    if sessions is not None:
        if today is None:
            raise InputFileError("Give the day to check the sessions on (today, e.g. "
                                 "'2026-09-21'), so that the warnings can be reproduced.")
        done.sessions = read_sessions(sessions)
        done.status = session_status(match.pairs, done.sessions.records, today,
                                     limits or DEFAULT_LIMITS)
    if scores is not None:
        done.scores = read_objective_scores(scores)
        done.progress = objective_progress(
            objectives_of(req.records), done.scores.records,
            None if done.status is None else done.status.register)
    return done


def write_round(done: CoachingRound, out: str | Path, forms: bool = True,
                limits: dict[str, SessionLimits] | None = None) -> dict[str, Path]:
    """Write a round's outputs: the tracking workbook, pairs and waiting-list CSVs, forms.

    Returns
    -------
    dict of str to Path
        ``tracking`` (XLSX), ``pairs``, ``waiting`` (CSV), ``problems`` (CSV, when any) and
        ``forms`` (the folder of objectives forms, when written).
    """
    from .coaching_outputs import tracking_sheets, write_objectives_forms, write_tracking_workbook
    from .outputs import write_csv_atomic

    out = Path(out)
    written = {
        "tracking": write_tracking_workbook(out / "coaching_tracking.xlsx", tracking_sheets(
            done.match, done.status, done.progress, limits)),
        "pairs": write_csv_atomic(done.match.pairs, out / "coaching_pairs.csv"),
        "waiting": write_csv_atomic(done.match.waiting, out / "waiting_list.csv"),
    }
    if not done.problems.empty:
        written["problems"] = write_csv_atomic(done.problems, out / "coaching_problems.csv")
    if forms and done.progress is not None:
        write_objectives_forms(out / "objectives_forms", done.match.pairs, done.progress)
        written["forms"] = out / "objectives_forms"
    return written


def read_pairs(path: str | Path) -> pd.DataFrame:
    """Read coaching pairs written by ``coaching match`` (``coaching_pairs.csv``).

    Raises
    ------
    InputFileError
        If a needed column is missing.
    """
    table = read_table(path)
    missing = [c for c in PAIR_COLUMNS if c not in table.headers]
    if missing:
        raise InputFileError(
            f"'{table.source}' has no column(s) {missing}: give the coaching_pairs.csv that "
            "'coaching match' wrote (columns coachee_email, coach_email, route, start_date).")
    return table.data.fillna("").astype(str).assign(
        route=lambda f: f["route"].str.strip().str.casefold())


# -- command line ---------------------------------------------------------------------------
def _print_problems(imports: list[CoachingImport | None]) -> bool:
    from .cli import format_problems

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
    from .outputs import write_csv_atomic

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
        from .coaching import save_coaching
        from .store import Store

        with Store(args.store) as store:
            ids = save_coaching(store, match, args.cohort)
        print(f"Saved {len(ids)} coaching pair(s) of round '{args.cohort}' in '{args.store}'.")
    print("Wrote: " + ", ".join(str(p) for p in written.values()))
    return 1 if bad else 0


def _cmd_status(args: argparse.Namespace) -> int:
    from .coaching_outputs import tracking_sheets, write_objectives_forms, write_tracking_workbook

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


def add_coaching_command(sub: argparse._SubParsersAction) -> None:
    """Add ``coaching triage|match|status`` to the command line's sub-commands."""
    p = sub.add_parser(
        "coaching", help="coaching requests: triage, match coaches, track sessions",
        description="Coaching requests: route each to internal or external coaching (or on "
        "hold), match coaches, and check sessions and objectives. Exit status: 0 fine, 1 some "
        "rows had problems (listed, and set aside), 2 a file cannot be used at all.")
    commands = p.add_subparsers(title="coaching commands", metavar="STEP")

    def request_options(q: argparse.ArgumentParser) -> None:
        q.add_argument("--mapping", metavar="FILE",
                       help="JSON object from field name to the header used in the export")
        q.add_argument("--ladder", metavar="FILE", help="grade ladder (default uk-he)")
        q.add_argument("--sheet", metavar="NAME", help="worksheet of an XLSX export")
        q.add_argument("--internal-up-to", default="Grade 8", metavar="GRADE",
                       help="most senior grade for internal coaching (default 'Grade 8')")
        q.add_argument("--no-cost-approval", action="store_true",
                       help="do not require cost approval for external coaching")

    t = commands.add_parser("triage", help="route every request, with a reason",
                            description="Give every request one status (internal, external or "
                            "on hold) and a reason.")
    t.add_argument("requests", help="the request form's export: CSV or XLSX")
    request_options(t)
    t.add_argument("--out", metavar="FILE", help="also write the triage as CSV")
    t.set_defaults(handler=_cmd_triage)

    m = commands.add_parser("match", help="match coaches; list the waiting list with reasons",
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

    s = commands.add_parser("status", help="sessions against the limits, objectives, forms",
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
