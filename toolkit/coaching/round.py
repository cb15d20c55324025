"""A coaching round end to end: import, triage, match, track, write and save.

The ``coaching`` command and the notebook's coaching panel both run a round through these
functions, so a command and a button do the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

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
    objective_progress,
    objectives_of,
    session_status,
)
from toolkit.coaching.records import read_objective_scores, read_sessions
from toolkit.coaching.requests import CoachingImport, read_coaches, read_requests
from toolkit.coaching.triage import TriageRules, triage
from toolkit.core.ladder import Ladder
from toolkit.errors import InputFileError
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.problems import PROBLEM_COLUMNS
from toolkit.store.coaching import save_coaching, save_progress
from toolkit.store.connection import Store

__all__ = [
    "TODAY_NEEDED",
    "CoachingRound",
    "RoundCheck",
    "check_round",
    "import_problems",
    "run_round",
    "save_round",
    "write_check",
    "write_round",
]

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
        return import_problems([self.requests, self.coaches, self.sessions, self.scores])

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
              limits: dict[str, SessionLimits] | None = None,
              ladder: Ladder | str | Path | None = None,
              mapping: dict[str, str] | str | Path | None = None, sheet: str | None = None,
              month_first: bool = False) -> CoachingRound:
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
    ladder : Ladder, str or Path, optional
        The grade ladder (name or JSON file).
    mapping : dict or path, optional
        Column mapping for the request export.
    sheet : str, optional
        The worksheet of an XLSX request export.
    month_first : bool
        Read numeric dates in the request export and the session log month first
        (01/31/2026), as US exports write them. Default False: day first, and a date that
        reads only month first is a row problem.

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
    req = read_requests(requests, mapping=mapping, ladder=ladder, sheet=sheet,
                        month_first=month_first)
    pool = read_coaches(coaches)
    match = match_coaches(triage(req.records, rules, ladder), pool.records, settings)
    done = CoachingRound(requests=req, coaches=pool, match=match)
    if sessions is not None:
        done.sessions = read_sessions(sessions, month_first=month_first)
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

    Parameters
    ----------
    done : CoachingRound
        From :func:`run_round`.
    out : str or Path
        The output folder.
    forms : bool
        Also write each matched coachee's objectives form (when scores were given).
    limits : dict, optional
        Session limits per route, for the cost if every external session is used.

    Returns
    -------
    dict of str to Path
        ``tracking`` (XLSX), ``pairs``, ``waiting`` (CSV), ``problems`` (CSV, when any) and
        ``forms`` (the folder of objectives forms, when written).
    """
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

    Returns
    -------
    dict
        ``pairs`` (the new pairs' ids), ``sessions`` and ``scores`` (rows written) and
        ``unknown`` (e-mails in the session log with no pair).
    """
    match = done.match
    saved: dict[str, object] = {"sessions": 0, "scores": 0, "unknown": []}
    with store.transaction():
        saved["pairs"] = save_coaching(store, cohort, match.requests, match.coaches,
                                       match.pairs, match.settings)
        if done.sessions is not None:
            saved.update(save_progress(
                store, cohort, done.sessions.records,
                None if done.progress is None else done.progress.per_objective))
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
    """

    pairs: pd.DataFrame
    sessions: CoachingImport
    status: SessionStatus
    scores: CoachingImport | None = None
    requests: CoachingImport | None = None
    progress: ObjectiveProgress | None = None

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem of every input, with the file it is in first."""
        return import_problems([self.sessions, self.scores, self.requests])


def check_round(pairs: pd.DataFrame, sessions: str | Path, today: str,
                scores: str | Path | None = None, requests: str | Path | None = None,
                ladder: Ladder | str | Path | None = None,
                limits: dict[str, SessionLimits] | None = None,
                month_first: bool = False) -> RoundCheck:
    """Check a round's sessions against the limits and its objectives, on a given day.

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
        Read numeric dates in the session log and the requests month first (01/31/2026).

    Returns
    -------
    RoundCheck
    """
    log = read_sessions(sessions, month_first=month_first)
    check = RoundCheck(pairs=pairs, sessions=log,
                       status=session_status(pairs, log.records, today,
                                             limits or DEFAULT_LIMITS))
    if requests is not None:
        check.requests = read_requests(requests, ladder=ladder, month_first=month_first)
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
    book = write_tracking_workbook(out / "coaching_status.xlsx",
                                   tracking_sheets(None, check.status, check.progress))
    written: list[Path] = []
    if forms and check.progress is not None:
        written = write_objectives_forms(out / "objectives_forms", check.pairs, check.progress)
    return book, written
