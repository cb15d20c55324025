"""One coaching round end to end: import, triage, match, track, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.coaching.progress import (
    DEFAULT_LIMITS,
    ObjectiveProgress,
    SessionLimits,
    SessionStatus,
    objective_progress,
    read_objective_scores,
    read_sessions,
    session_status,
)
from toolkit.coaching.requests import (
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
from toolkit.errors import InputFileError
from toolkit.io.readers import read_table

__all__ = ["CoachingRound", "read_pairs", "run_round", "write_round"]

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
    >>> from toolkit.demo.sample import COACHING_TODAY, write_sample
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
    from toolkit.coaching.outputs import (
        tracking_sheets,
        write_objectives_forms,
        write_tracking_workbook,
    )
    from toolkit.io.outputs import write_csv_atomic

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
