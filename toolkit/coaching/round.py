"""A coaching round end to end: import, triage, match, track, write and save.

The ``coaching`` command and the notebook's coaching panel both run a round through these
functions, so a command and a button do the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.coaching.budget import SpendReport, check_spend, spend_report
from toolkit.coaching.choice import check_choices, failed_pairs, pairs_to_keep
from toolkit.coaching.matching import CoachMatch, MatchSettings, match_coaches
from toolkit.coaching.outputs import (
    tracking_sheets,
    write_objectives_forms,
    write_tracking_workbook,
)
from toolkit.coaching.progress import (
    DEFAULT_LIMITS,
    ObjectiveProgress,
    SessionLimits,
    SessionStatus,
    check_agreed,
    objective_progress,
    objectives_of,
    session_status,
)
from toolkit.coaching.records import read_objective_scores, read_pairs, read_sessions
from toolkit.coaching.registers import (
    AGREED_FIELDS,
    APPROVED_FIELDS,
    CHEMISTRY_FIELDS,
    CHOICE_FIELDS,
    REGISTERS,
    SPEND_FIELDS,
    read_register,
)
from toolkit.coaching.requests import CoachingImport, read_coaches, read_requests
from toolkit.coaching.supervision import CoachRules, coach_warnings
from toolkit.coaching.triage import ON_HOLD, TriageRules, triage
from toolkit.core.dates import readable_date
from toolkit.core.dates import today as real_today
from toolkit.core.ladder import Ladder
from toolkit.errors import InputFileError
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import PROBLEM_COLUMNS, collect_problems
from toolkit.store.coaching import save_coaching, save_coaching_records, save_progress
from toolkit.store.connection import Store

__all__ = [
    "REGISTER_FIELDS",
    "TODAY_NEEDED",
    "CoachingRound",
    "Registers",
    "RoundCheck",
    "check_round",
    "import_problems",
    "read_registers",
    "run_round",
    "save_round",
    "with_problems",
    "write_check",
    "write_round",
]

#: Each register's fields, in the order their problems are listed.
REGISTER_FIELDS = {"approved": APPROVED_FIELDS, "choices": CHOICE_FIELDS,
                   "chemistry": CHEMISTRY_FIELDS, "agreed": AGREED_FIELDS,
                   "spend": SPEND_FIELDS}

#: The message when sessions are to be checked but no day is given to check them on.
TODAY_NEEDED = ("Give the day to check the sessions on (today, e.g. '2026-09-21'), so that the "
                "warnings can be reproduced.")


def import_problems(imports: Iterable[CoachingImport | None]) -> pd.DataFrame:
    """Put every problem of several imports in one frame, with the file each is in first.

    Returns
    -------
    pandas.DataFrame
        ``file, row, field, value, problem``; empty (with those columns) when all are clean.

    Examples
    --------
    >>> clean = CoachingImport(pd.DataFrame(), pd.DataFrame(columns=PROBLEM_COLUMNS),
    ...                        pd.DataFrame(), {}, "a.csv", "")
    >>> import_problems([clean, None]).columns.tolist()
    ['file', 'row', 'field', 'value', 'problem']
    """
    parts = [imp.problems.assign(file=imp.source) for imp in imports
             if imp is not None and not imp.ok]
    columns = ["file", *PROBLEM_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def with_problems(imp: CoachingImport, extra: pd.DataFrame, fields: Iterable[str]
                  ) -> CoachingImport:
    """Add problems found by checking an import against other files; set those rows aside.

    Parameters
    ----------
    imp : CoachingImport
        The import as read.
    extra : pandas.DataFrame
        More problems (``row, field, value, problem``), with the import's row numbers.
    fields : iterable of str
        The import's fields, in the order problems are listed within a row.

    Returns
    -------
    CoachingImport
        The same import with the extra problems, its records without those rows, and
        those rows among the rejected ones.

    Examples
    --------
    >>> imp = CoachingImport(pd.DataFrame({"row": [2, 3], "email": ["a", "b"]}),
    ...                      pd.DataFrame(columns=PROBLEM_COLUMNS), pd.DataFrame(), {},
    ...                      "choices.csv", "")
    >>> extra = pd.DataFrame({"row": [3], "field": ["email"], "value": ["b"],
    ...                       "problem": ["Not allowed."]})
    >>> done = with_problems(imp, extra, ["email"])
    >>> done.records["row"].tolist(), done.problems["row"].tolist(), done.ok
    ([2], [3], False)
    """
    if extra.empty:
        return imp
    bad = imp.records["row"].isin(extra["row"])
    rejected = pd.concat([imp.rejected, imp.records[bad]], ignore_index=True)
    return CoachingImport(
        records=imp.records[~bad].reset_index(drop=True),
        problems=collect_problems([imp.problems, extra], fields), rejected=rejected,
        columns=imp.columns, source=imp.source, sha256=imp.sha256, notices=imp.notices)


@dataclass
class Registers:
    """The coaching team's registers of a round, as imported and checked.

    Attributes
    ----------
    approved, choices, chemistry, agreed, spend : CoachingImport or None
        The approved coach list, the coachees' choices, chemistry outcomes, the sessions
        agreed per coachee, approved amounts and spend (each when given).
    """

    approved: CoachingImport | None = None
    choices: CoachingImport | None = None
    chemistry: CoachingImport | None = None
    agreed: CoachingImport | None = None
    spend: CoachingImport | None = None

    def imports(self) -> list[CoachingImport | None]:
        """Every register, in a fixed order (None where not given)."""
        return [self.approved, self.choices, self.chemistry, self.agreed, self.spend]

    def records(self, kind: str) -> pd.DataFrame | None:
        """Return the clean rows of one register (None when it was not given)."""
        imp = getattr(self, kind)
        return None if imp is None else imp.records


def read_registers(paths: dict[str, str | Path | None] | None,
                   month_first: bool = False) -> Registers:
    """Import the registers given: kind (``approved``, ``choices``...) -> file.

    Raises
    ------
    InputFileError
        If a kind is unknown or a file cannot be used at all.

    Examples
    --------
    >>> read_registers({"spend": None}).imports()
    [None, None, None, None, None]
    """
    unknown = sorted(set(paths or {}) - set(REGISTERS))
    if unknown:
        raise InputFileError(f"Unknown coaching register(s) {unknown}: use {list(REGISTERS)}.")
    return Registers(**{kind: read_register(kind, path, month_first=month_first)
                        for kind, path in (paths or {}).items() if path is not None})


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
    registers : Registers
        The approved coach list, choices, chemistry outcomes, agreed sessions and spend
        (each when given), with the rows that break a rule set aside as problems.
    coach_warnings : pandas.DataFrame or None
        Approved coaches whose accreditation, supervision or agreement needs action, when
        the approved list was given.
    spend : SpendReport or None
        Approved amounts and spend per coachee, totals and budget warnings, when given.
    limits : dict
        The session limits used, by route.
    not_kept : pandas.DataFrame
        Pairs of ``current`` that could not be kept, with why (``coachee_email,
        coach_email, why``): the request is no longer approved, or the coach left the pool.
    """

    requests: CoachingImport
    coaches: CoachingImport
    match: CoachMatch
    sessions: CoachingImport | None = None
    scores: CoachingImport | None = None
    status: SessionStatus | None = None
    progress: ObjectiveProgress | None = None
    registers: Registers = field(default_factory=Registers)
    coach_warnings: pd.DataFrame | None = None
    spend: SpendReport | None = None
    limits: dict[str, SessionLimits] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    not_kept: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["coachee_email", "coach_email", "why"]))

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem of every input, with the file it is in first."""
        return import_problems([self.requests, self.coaches, self.sessions, self.scores,
                                *self.registers.imports()])

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
            lines.append(f"On {readable_date(self.status.today)}: "
                         f"{len(self.status.warnings)} warning(s)"
                         + ("" if kinds.empty else " (" + ", ".join(
                             f"{n} {k}" for k, n in kinds.items()) + ")") + ".")
        if self.progress is not None:
            lines.append(f"{len(self.progress.missing)} objectives form(s) missing.")
        how = self.match.pairs["how"].value_counts() if "how" in self.match.pairs else {}
        chemistry = self.registers.records("chemistry")
        failed = 0 if chemistry is None else int((~chemistry["went_well"]).sum())
        if how.get("chosen", 0) or failed:
            lines.append(f"{how.get('chosen', 0)} coach(es) chosen by coachees; {failed} "
                         f"chemistry session(s) did not work: {how.get('re-matched', 0)} of "
                         "those coachees re-matched, every other pair kept.")
        choosing = int((self.match.requests["outcome"] == "choosing").sum())
        if choosing:
            lines.append(f"{choosing} coachee(s) choosing from a short list of up to "
                         f"{self.match.settings.get('shortlist', 3)} coaches.")
        if self.coach_warnings is not None:
            lines.append(f"Approved coaches: {len(self.coach_warnings)} warning(s) about "
                         "accreditation, supervision or agreements.")
        if self.spend is not None:
            lines.append(self.spend_line())
        if len(self.not_kept):
            lines.append(f"{len(self.not_kept)} current pair(s) could not be kept: see "
                         "not_kept.")
        if not self.problems.empty:
            lines.append(f"{len(self.problems)} input problem(s) set rows aside: see problems.")
        return "\n".join(lines)

    def spend_line(self) -> str:
        """Describe the money in one sentence: approved, spent, budget warnings."""
        if self.spend is None:
            return ""
        per = self.spend.per_coachee
        text = (f"Coaching money: {per['approved_amount'].sum():,.2f} approved and "
                f"{per['spent'].sum():,.2f} spent for {per['email'].nunique()} coachee(s)")
        if self.spend.budget is not None:
            text += f"; budget {self.spend.budget:,.2f} a year"
        return text + f"; {len(self.spend.warnings)} money warning(s)."



def run_round(requests: str | Path, coaches: str | Path, sessions: str | Path | None = None,
              scores: str | Path | None = None, today: str | None = None,
              rules: TriageRules | None = None, settings: MatchSettings | None = None,
              limits: dict[str, SessionLimits] | None = None,
              ladder: Ladder | str | Path | None = None,
              mapping: dict[str, str] | str | Path | None = None, sheet: str | None = None,
              month_first: bool = False,
              registers: dict[str, str | Path | None] | None = None,
              current: str | Path | pd.DataFrame | None = None,
              budget: float | None = None,
              coach_rules: CoachRules | None = None) -> CoachingRound:
    """Import a coaching round's files, triage and match, and check sessions and objectives.

    Rows with problems are set aside (and listed in ``problems``); the rest go ahead.

    With the coaching team's registers (``registers``, kind -> file): coachees' **choices**
    of coach are checked against the rules (a choice that breaks one is a row problem) and
    kept; on the routes of ``settings.by_choice`` the other approved coachees get a short
    list instead of a coach. **Chemistry** outcomes keep the pairs whose first session went
    well; a coachee whose chemistry session did not work is matched again (never with that
    coach) while every other pair is kept: the pairs of ``current`` (the
    ``coaching_pairs.csv`` written before) or, without it, the pairs this same round made
    before the outcomes. The **approved** coach list limits external coaches to those on it
    and is checked for lapsed accreditation, supervision and agreements on ``today``.
    **Agreed** sessions replace the route's limits per coachee (never above them), and
    **spend** is totalled by department and year against ``budget``.

    Parameters
    ----------
    requests, coaches : str or Path
        The request form's export and the coach pool.
    sessions, scores : str or Path, optional
        The session log and the objective scores.
    today : str, optional
        The ISO date to check sessions and coaches on (required with ``sessions``; with the
        approved list alone, the real date when not given).
    rules, settings, limits
        Triage thresholds, matching settings and session limits (defaults: the scheme's).
    ladder : Ladder, str or Path, optional
        The grade ladder (name or JSON file).
    mapping : dict or path, optional
        Column mapping for the request export.
    sheet : str, optional
        The worksheet of an XLSX request export.
    month_first : bool
        Read numeric dates in the request export, the session log and the registers month
        first (01/31/2026), as US exports write them. Default False: day first, and a date
        that reads only month first is a row problem.
    registers : dict, optional
        ``approved``, ``choices``, ``chemistry``, ``agreed`` and ``spend`` files (CSV or
        XLSX), each optional.
    current : str, Path or DataFrame, optional
        The pairs made so far (``coaching_pairs.csv``), kept by a re-match.
    budget : float, optional
        The coaching budget of each year, for the money warnings.
    coach_rules : CoachRules, optional
        Supervision interval and expiry notice for the approved coaches.

    Returns
    -------
    CoachingRound

    Raises
    ------
    InputFileError
        If a file cannot be used at all, or sessions are given without ``today``.

    Examples
    --------
    >>> import tempfile
    >>> from toolkit.demo.sample import COACHING_TODAY, write_sample
    >>> files = write_sample(tempfile.mkdtemp())
    >>> done = run_round(files["coaching_requests"], files["coaching_coaches"],
    ...                  files["coaching_sessions"], files["coaching_scores"], COACHING_TODAY)
    >>> print(done.summary().splitlines()[0])
    40 requests: 23 matched (17 internal, 6 external), 4 on the waiting list, 13 on hold.
    """
    if sessions is not None and today is None:
        raise InputFileError(TODAY_NEEDED)
    settings = settings or MatchSettings()
    limits = dict(DEFAULT_LIMITS if limits is None else limits)
    req = read_requests(requests, mapping=mapping, ladder=ladder, sheet=sheet,
                        month_first=month_first)
    pool = read_coaches(coaches)
    regs = read_registers(registers, month_first)
    triaged = triage(req.records, rules, ladder)
    approved = None if regs.approved is None else set(regs.approved.records["email"])
    if regs.chemistry is not None:
        # A pair whose chemistry went well is kept: it must keep the rules like a choice.
        chem = regs.chemistry.records
        _, found = check_choices(chem[chem["went_well"]], triaged, pool.records, settings,
                                 approved=approved)
        regs.chemistry = with_problems(regs.chemistry, found, REGISTER_FIELDS["chemistry"])
    chemistry = regs.records("chemistry")
    forbid = failed_pairs(chemistry)
    if isinstance(current, str | Path):
        current = read_pairs(current)
    choices = None
    if regs.choices is not None:
        known = pairs_to_keep(current, chemistry)
        ok, found = check_choices(regs.choices.records, triaged, pool.records, settings,
                                  approved=approved, forbid=forbid, kept=known)
        regs.choices = with_problems(regs.choices, found, REGISTER_FIELDS["choices"])
        choices = ok
    if chemistry is not None and current is None:
        # The pairs this round made before the chemistry outcomes: every one of them is kept
        # except those that did not work.
        current = match_coaches(triaged, pool.records, settings,
                                locks=pairs_to_keep(None, None, choices),
                                approved=approved).pairs
    match = match_coaches(triaged, pool.records, settings,
                          locks=pairs_to_keep(current, chemistry, choices), forbid=forbid,
                          approved=approved)
    done = CoachingRound(requests=req, coaches=pool, match=match, registers=regs,
                         limits=limits, not_kept=_not_kept(current, forbid, triaged, match))
    agreed = None
    if regs.agreed is not None:
        route_of = dict(zip(triaged["email"], triaged["route"], strict=True))
        route_of.update(zip(match.pairs["coachee_email"], match.pairs["route"], strict=True))
        agreed, found = check_agreed(regs.agreed.records, route_of, limits)
        regs.agreed = with_problems(regs.agreed, found, REGISTER_FIELDS["agreed"])
    if sessions is not None:
        done.sessions = read_sessions(sessions, month_first=month_first)
        done.status = session_status(match.pairs, done.sessions.records, today, limits,
                                     agreed=agreed)
    if scores is not None:
        done.scores = read_objective_scores(scores)
        done.progress = objective_progress(
            objectives_of(req.records), done.scores.records,
            None if done.status is None else done.status.register)
    if regs.approved is not None:
        done.coach_warnings = coach_warnings(regs.approved.records,
                                             str(real_today(today)), coach_rules)
    if regs.spend is not None:
        ok, found = check_spend(regs.spend.records, triaged)
        regs.spend = with_problems(regs.spend, found, REGISTER_FIELDS["spend"])
        done.spend = spend_report(ok, triaged, match.pairs, budget)
    return done


def _not_kept(current: pd.DataFrame | None, forbid: set[tuple[str, str]],
              triaged: pd.DataFrame, match: CoachMatch) -> pd.DataFrame:
    """List the current pairs a re-match could not keep (never silently), with why."""
    columns = ["coachee_email", "coach_email", "why"]
    if current is None or current.empty:
        return pd.DataFrame(columns=columns)
    made = set(zip(match.pairs["coachee_email"], match.pairs["coach_email"], strict=True))
    status = triaged.drop_duplicates("email").set_index("email")["status"]
    pool = set(match.coaches["email"])
    rows = []
    for coachee, coach in zip(current["coachee_email"].astype(str),
                              current["coach_email"].astype(str), strict=True):
        if (coachee, coach) in made or (coachee, coach) in forbid:
            continue
        if coachee not in status.index:
            why = "The coachee has no request in this round's request sheet."
        elif status[coachee] == ON_HOLD:
            why = "The coachee's request is on hold now."
        elif coach not in pool:
            why = "The coach is no longer in the coach pool."
        else:
            why = "The pair could not be kept: check the coach's places in the coach pool."
        rows.append((coachee, coach, why))
    return pd.DataFrame(rows, columns=columns)


def write_round(done: CoachingRound, out: str | Path, forms: bool = True,
                limits: dict[str, SessionLimits] | None = None) -> dict[str, Path]:
    """Write a round's outputs: the tracking workbook, pairs and waiting-list CSVs, forms.

    Parameters
    ----------
    done : CoachingRound
        From :func:`run_round`.
    out : str or Path
        The output folder.
    forms : bool
        Also write each matched coachee's objectives form (when scores were given).
    limits : dict, optional
        Session limits per route, for the cost if every external session is used (default:
        the limits the round was run with).

    Returns
    -------
    dict of str to Path
        ``tracking`` (XLSX), ``pairs``, ``waiting`` (CSV), ``shortlists`` (CSV, when
        coachees choose their coach), ``problems`` (CSV, when any) and ``forms`` (the folder
        of objectives forms, when written).
    """
    out = Path(out)
    regs = done.registers
    choosing = bool(done.match.settings.get("by_choice")) or regs.choices is not None
    sheets = tracking_sheets(
        done.match, done.status, done.progress, limits or done.limits,
        approved=regs.records("approved"), coach_warnings=done.coach_warnings,
        spend=done.spend, shortlists=choosing, agreed=regs.records("agreed"))
    written = {
        "tracking": write_tracking_workbook(out / "coaching_tracking.xlsx", sheets),
        "pairs": write_csv_atomic(done.match.pairs, out / "coaching_pairs.csv"),
        "waiting": write_csv_atomic(done.match.waiting, out / "waiting_list.csv"),
    }
    if choosing:
        written["shortlists"] = write_csv_atomic(done.match.shortlists,
                                                 out / "coaching_shortlists.csv")
    if not done.problems.empty:
        written["problems"] = write_csv_atomic(done.problems, out / "coaching_problems.csv")
    if forms and done.progress is not None:
        write_objectives_forms(out / "objectives_forms", done.match.pairs, done.progress)
        written["forms"] = out / "objectives_forms"
    return written


def save_round(store: Store, done: CoachingRound, cohort: str) -> dict[str, object]:
    """Save a round in the scheme store, in one transaction: all of it, or nothing.

    The triaged requests, the coach pool and the coach pairs are saved under ``cohort``
    (saving a round again replaces its pairs that are still only proposed and have no
    sessions); when the round has a session log, its held sessions and the objective scores
    are recorded against those pairs.

    Parameters
    ----------
    store : Store
        The open scheme store.
    done : CoachingRound
        From :func:`run_round`.
    cohort : str
        The round's name in the store, e.g. ``"2026 coaching"``.

    The round's registers (approved coaches, choices, chemistry outcomes, agreed sessions,
    spend) replace the cohort's earlier ones, and a pair whose chemistry session did not
    work is ended. Saving the same round again changes nothing.

    Returns
    -------
    dict
        ``pairs`` (each pair's id), ``sessions`` and ``scores`` (rows written),
        ``unknown`` (e-mails in the session log with no pair) and ``records`` (rows saved
        per register, and ``ended``: pairs ended after a failed chemistry session).
    """
    match = done.match
    saved: dict[str, object] = {"sessions": 0, "scores": 0, "unknown": [], "records": {}}
    regs = done.registers
    with store.transaction():
        saved["pairs"] = save_coaching(store, cohort, match.requests, match.coaches,
                                       match.pairs, match.settings)
        saved["records"] = save_coaching_records(store, cohort, {
            kind: regs.records(kind) for kind in REGISTERS})
        if done.sessions is not None:
            chemistry = regs.records("chemistry")
            failed = None if chemistry is None else chemistry[~chemistry["went_well"]]
            saved.update(save_progress(
                store, cohort, done.sessions.records,
                None if done.progress is None else done.progress.per_objective, failed))
    return saved


@dataclass
class RoundCheck:
    """A round's sessions and objectives checked against its pairs on a given day.

    Attributes
    ----------
    pairs : pandas.DataFrame
        The coaching pairs checked (``coaching_pairs.csv``).
    sessions : CoachingImport
        The session log.
    status : SessionStatus
        Sessions against the limits, with the warnings.
    scores, requests : CoachingImport or None
        The objective scores and the requests (for the objectives' text), when given.
    progress : ObjectiveProgress or None
        Objective progress and missing forms, when scores were given.
    registers : Registers
        The approved coach list, agreed sessions and spend, when given.
    coach_warnings : pandas.DataFrame or None
        Approved coaches whose accreditation, supervision or agreement needs action.
    spend : SpendReport or None
        Approved amounts and spend, totals and budget warnings.
    """

    pairs: pd.DataFrame
    sessions: CoachingImport
    status: SessionStatus
    scores: CoachingImport | None = None
    requests: CoachingImport | None = None
    progress: ObjectiveProgress | None = None
    registers: Registers = field(default_factory=Registers)
    coach_warnings: pd.DataFrame | None = None
    spend: SpendReport | None = None

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem of every input, with the file it is in first."""
        return import_problems([self.sessions, self.scores, self.requests,
                                *self.registers.imports()])


def check_round(pairs: pd.DataFrame, sessions: str | Path, today: str,
                scores: str | Path | None = None, requests: str | Path | None = None,
                ladder: Ladder | str | Path | None = None,
                limits: dict[str, SessionLimits] | None = None,
                month_first: bool = False,
                registers: dict[str, str | Path | None] | None = None,
                budget: float | None = None,
                coach_rules: CoachRules | None = None) -> RoundCheck:
    """Check a round's sessions against the limits and its objectives, on a given day.

    With the registers: sessions ``agreed`` per coachee replace the route's limits (never
    above them), the ``approved`` coach list is checked for lapses on ``today``, and
    ``spend`` is totalled by department and year against ``budget``.

    Parameters
    ----------
    pairs : pandas.DataFrame
        The round's pairs (``coachee_email, coach_email, route, start_date``), as
        :func:`toolkit.coaching.records.read_pairs` reads them.
    sessions : str or Path
        The session log.
    today : str
        The ISO date to check on.
    scores : str or Path, optional
        The objective scores.
    requests : str or Path, optional
        The request export, for the objectives' text.
    ladder : Ladder, str or Path, optional
        The grade ladder of the requests.
    limits : dict, optional
        Session limits per route (default: the scheme's).
    month_first : bool
        Read numeric dates in the session log, the requests and the registers month first
        (01/31/2026).
    registers : dict, optional
        ``approved``, ``agreed`` and ``spend`` files (choices and chemistry outcomes are
        for ``coaching match``).
    budget : float, optional
        The coaching budget of each year.
    coach_rules : CoachRules, optional
        Supervision interval and expiry notice for the approved coaches.

    Returns
    -------
    RoundCheck
    """
    limits = limits or DEFAULT_LIMITS
    regs = read_registers(registers, month_first)
    log = read_sessions(sessions, month_first=month_first)
    agreed = None
    if regs.agreed is not None:
        route_of = dict(zip(pairs["coachee_email"], pairs["route"], strict=True))
        agreed, found = check_agreed(regs.agreed.records, route_of, limits)
        regs.agreed = with_problems(regs.agreed, found, REGISTER_FIELDS["agreed"])
    check = RoundCheck(pairs=pairs, sessions=log, registers=regs,
                       status=session_status(pairs, log.records, today, limits,
                                             agreed=agreed))
    if regs.approved is not None:
        check.coach_warnings = coach_warnings(regs.approved.records, today, coach_rules)
    if requests is not None:
        check.requests = read_requests(requests, ladder=ladder, month_first=month_first)
    if regs.spend is not None:
        known = triage(check.requests.records, ladder=ladder) if check.requests is not None \
            else pd.DataFrame({"email": pd.Series(dtype=str)})
        ok, found = check_spend(regs.spend.records, known)
        regs.spend = with_problems(regs.spend, found, REGISTER_FIELDS["spend"])
        check.spend = spend_report(ok, known, pairs, budget)
    if scores is not None:
        check.scores = read_objective_scores(scores)
        objectives = objectives_of(check.requests.records) if check.requests is not None \
            else pd.DataFrame(columns=["email", "number", "objective"])
        check.progress = objective_progress(objectives, check.scores.records,
                                            check.status.register)
    return check


def write_check(check: RoundCheck, out: str | Path,
                forms: bool = False) -> tuple[Path, list[Path]]:
    """Write a check's workbook (``coaching_status.xlsx``) and, if asked, the objectives forms.

    Parameters
    ----------
    check : RoundCheck
        From :func:`check_round`.
    out : str or Path
        The output folder.
    forms : bool
        Also write each coachee's objectives form (when scores were given).

    Returns
    -------
    tuple of Path and list of Path
        The workbook, and the forms written in ``objectives_forms`` (none without scores).
    """
    out = Path(out)
    book = write_tracking_workbook(out / "coaching_status.xlsx", tracking_sheets(
        None, check.status, check.progress, approved=check.registers.records("approved"),
        coach_warnings=check.coach_warnings, spend=check.spend))
    written: list[Path] = []
    if forms and check.progress is not None:
        written = write_objectives_forms(out / "objectives_forms", check.pairs, check.progress)
    return book, written
