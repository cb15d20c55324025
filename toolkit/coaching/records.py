"""Coaching records imported: the session log, objective scores and the pairs file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.coaching.requests import COACHING_VARIANTS, CoachingImport, check_dates
from toolkit.core.text import fold
from toolkit.errors import InputFileError
from toolkit.io.problems import RowChecker
from toolkit.io.readers import Table, read_table

__all__ = [
    "PAIR_COLUMNS",
    "SCORE_FIELDS",
    "SESSION_FIELDS",
    "read_objective_scores",
    "read_pairs",
    "read_sessions",
    "validate_objective_scores",
    "validate_sessions",
]

#: The session log's fields, in the order their problems are listed.
SESSION_FIELDS = ("email", "on_date", "kind", "status")
#: The objective score sheet's fields, in the order their problems are listed.
SCORE_FIELDS = ("email", "objective", "start_score", "end_score")
#: The columns ``coaching status`` needs in ``coaching_pairs.csv``.
PAIR_COLUMNS = ("coachee_email", "coach_email", "route", "start_date")

_VARIANTS = {
    "email": COACHING_VARIANTS["email"],
    "on_date": ("date", "session date", "on date", "held on", "date of session", "when"),
    "kind": ("kind", "type", "session type", "type of session", "session"),
    "status": ("status", "held", "outcome", "held or cancelled"),
    "objective": ("objective", "objective number", "objective no", "number", "objective #"),
    "start_score": ("start score", "score at start", "score at the start", "before", "start",
                    "initial score"),
    "end_score": ("end score", "score at end", "score at the end", "after", "end",
                  "final score"),
}
_KINDS = {"chemistry": "chemistry", "chemistry session": "chemistry", "chemistry call":
          "chemistry", "initial": "chemistry", "intro": "chemistry", "introductory": "chemistry",
          "session": "session", "coaching": "session", "coaching session": "session",
          "": "session"}
_HELD = {"held": True, "": True, "yes": True, "done": True, "attended": True,
         "cancelled": False, "canceled": False, "no": False, "missed": False, "no show": False,
         "postponed": False}


def validate_sessions(table: Table, mapping: dict[str, str] | str | Path | None = None,
                      month_first: bool = False) -> CoachingImport:
    """Check a session log: the coachee's e-mail, the date, chemistry or session, held or not.

    Parameters
    ----------
    table : Table
        The log as read by :func:`~toolkit.io.readers.read_table`.
    mapping : dict, str or Path, optional
        Canonical field -> header (or a JSON file holding it).
    month_first : bool
        Read numeric dates month first (03/31/2026). Default False: day first, and a date
        that reads only month first is a problem.

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, on_date (date), kind (chemistry|session), held (bool)``.
    """
    check = RowChecker(table, SESSION_FIELDS, ("email", "on_date"), mapping, "sessions",
                       _VARIANTS)
    canon = check.canon
    check.require(("email", "on_date"))
    email = check.emails("email", unique=False)
    on_date = check_dates(check, "on_date", "2026-03-31", month_first)
    kind = fold(canon["kind"]).map(_KINDS)
    check.add(kind.isna(), "kind", "Write 'chemistry' for the first meeting or 'session'.")
    held = fold(canon["status"]).map(_HELD)
    check.add(held.isna(), "status", "Write 'held' or 'cancelled' (empty means held).")
    records = pd.DataFrame({"email": email, "on_date": on_date, "kind": kind.fillna("session"),
                            "held": held.fillna(True).astype(bool)})
    return CoachingImport.from_check(check, records)


def read_sessions(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                  sheet: str | None = None, month_first: bool = False) -> CoachingImport:
    """Import a session log (CSV or XLSX), reporting every bad row with its row number.

    Parameters
    ----------
    path : str or Path
        The log: the coachee's e-mail, the date, the kind (chemistry or session) and
        whether it was held.
    mapping : dict, str or Path, optional
        Canonical field -> header, or a JSON file holding that object.
    sheet : str, optional
        The worksheet of an XLSX file.
    month_first : bool
        Read numeric dates month first (03/31/2026), as US exports write them.

    Returns
    -------
    CoachingImport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sessions.csv"
    >>> _ = p.write_text("Email,Date,Type\\na@example.org,2026-03-02,Chemistry\\n"
    ...                  "a@example.org,31/03/2026,Session\\na@example.org,31/02/2026,\\n")
    >>> log = read_sessions(p)
    >>> log.records["kind"].tolist(), log.problems[["row", "field"]].values.tolist()
    (['chemistry', 'session'], [[4, 'on_date']])
    """
    return validate_sessions(read_table(path, sheet=sheet), mapping, month_first)


def validate_objective_scores(table: Table,
                              mapping: dict[str, str] | str | Path | None = None
                              ) -> CoachingImport:
    """Check objective scores: each objective (1-3) scored 1-10 at the start and at the end.

    Parameters
    ----------
    table : Table
        The score sheet as read by :func:`~toolkit.io.readers.read_table`.
    mapping : dict, str or Path, optional
        Canonical field -> header (or a JSON file holding it).

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, number, start_score, end_score`` (nullable whole numbers;
        empty where that form has not come back).
    """
    check = RowChecker(table, SCORE_FIELDS, ("email", "objective"), mapping, "scores",
                       _VARIANTS)
    canon = check.canon
    check.require(("email", "objective"))
    email = check.emails("email", unique=False)
    number = pd.to_numeric(canon["objective"].str.extract(r"(\d+)", expand=False),
                           errors="coerce")
    bad_number = (canon["objective"] != "") & ~number.isin([1, 2, 3])
    check.add(bad_number, "objective", "The objective must be 1, 2 or 3.")
    dup = ~bad_number & (email != "") & pd.DataFrame({"e": email, "n": number}).duplicated(
        keep="first")
    check.add(dup, "objective", "This objective of this coachee is already scored on an "
              "earlier row: keep one row.")
    scores = {}
    for name in ("start_score", "end_score"):
        value = pd.to_numeric(canon[name].where(canon[name] != ""), errors="coerce")
        bad = (canon[name] != "") & (value.isna() | ~value.isin(range(1, 11)))
        check.add(bad, name, "A score must be a whole number from 1 to 10 (or empty if the "
                  "form has not come back).")
        scores[name] = value.where(~bad).astype("Int64")
    # A number that is not 1, 2 or 3 (huge, even infinite) is a problem above: 0 here.
    records = pd.DataFrame({"email": email,
                            "number": number.where(~bad_number & number.notna(), 0)
                            .astype("int64"),
                            **scores})
    return CoachingImport.from_check(check, records)


def read_objective_scores(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                          sheet: str | None = None) -> CoachingImport:
    """Import objective scores (CSV or XLSX), reporting every bad row with its row number.

    Parameters
    ----------
    path : str or Path
        The score sheet: the coachee's e-mail, the objective (1-3), the score at the start
        and at the end (1-10, empty until that form comes back).
    mapping : dict, str or Path, optional
        Canonical field -> header, or a JSON file holding that object.
    sheet : str, optional
        The worksheet of an XLSX file.

    Returns
    -------
    CoachingImport
        See :func:`validate_objective_scores`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> _ = p.write_text("Email,Objective,Start score,End score\\n"
    ...                  "a@example.org,1,4,7\\na@example.org,2,5,\\na@example.org,3,11,8\\n")
    >>> s = read_objective_scores(p)
    >>> s.records["end_score"].tolist()
    [7, <NA>]
    >>> s.problems[["row", "field"]].values.tolist()
    [[4, 'start_score']]
    """
    return validate_objective_scores(read_table(path, sheet=sheet), mapping)


def read_pairs(path: str | Path) -> pd.DataFrame:
    """Read coaching pairs written by ``coaching match`` (``coaching_pairs.csv``).

    Returns
    -------
    pandas.DataFrame
        Every column as text, with ``route`` folded to lower case.

    Raises
    ------
    InputFileError
        If a needed column is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "coaching_pairs.csv"
    >>> _ = p.write_text("coachee_email,coach_email,route,start_date\\n"
    ...                  "a@example.org,c@example.org,Internal,2026-03-02\\n")
    >>> read_pairs(p)[["coachee_email", "route"]].values.tolist()
    [['a@example.org', 'internal']]
    """
    table = read_table(path)
    missing = [c for c in PAIR_COLUMNS if c not in table.headers]
    if missing:
        raise InputFileError(
            f"'{table.source}' has no column(s) {missing}: give the coaching_pairs.csv that "
            "'coaching match' wrote (columns coachee_email, coach_email, route, start_date).")
    return table.data.fillna("").astype(str).assign(
        route=lambda f: fold(f["route"]))
