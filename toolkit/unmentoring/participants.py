"""The UnMentoring sign-up list: read and check it, and count who takes part this month."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.core.text import fold
from toolkit.errors import RowProblemsError
from toolkit.intake.signups import HEADER_VARIANTS
from toolkit.io.problems import RowChecker
from toolkit.io.readers import Table, read_table
from toolkit.unmentoring.draw import PAUSED_VALUES, clean_participants

__all__ = [
    "PARTICIPANT_FIELDS",
    "PARTICIPANT_REQUIRED",
    "PARTICIPANT_VARIANTS",
    "PAUSED_PROBLEM",
    "participant_summary",
    "participants_problems_message",
    "read_participants",
    "validate_participants",
]

#: The fields of a sign-up list, in the order their problems are listed.
PARTICIPANT_FIELDS = ("name", "email", "department", "paused")

#: The fields that must have a column.
PARTICIPANT_REQUIRED = ("name", "email", "department")

#: The usual spellings of each field's header.
PARTICIPANT_VARIANTS: dict[str, tuple[str, ...]] = {
    **{k: HEADER_VARIANTS[k] for k in ("name", "email", "department")},
    "paused": ("paused", "pause", "pause this month", "skip this month", "sitting out",
               "on pause", "away this month", "skip", "paused this month", "on hold"),
}

#: The problem of a ``paused`` answer that is not yes or no.
PAUSED_PROBLEM = "Write 'yes' if the person sits out this month, or 'no' (or leave it empty)."


def participants_problems_message(source: str, problems: pd.DataFrame) -> str:
    """Return the message of a refused sign-up list: how many problems, and what to do.

    Examples
    --------
    >>> p = pd.DataFrame({"row": [2, 2, 5], "field": ["name", "email", "email"]})
    >>> participants_problems_message("coffee.csv", p)[:44]
    "'coffee.csv' has 3 problem(s) on 2 row(s): f"
    """
    return (f"'{source}' has {len(problems)} problem(s) on {problems['row'].nunique()} row(s): "
            "fix them in the sign-up list and draw again (nobody is left out silently).")


def validate_participants(table: Table,
                          mapping: dict[str, str] | str | Path | None = None) -> pd.DataFrame:
    """Map and check an UnMentoring sign-up table read by :func:`~toolkit.io.readers.read_table`.

    Parameters
    ----------
    table : Table
        The sign-up list as read (CSV or XLSX).
    mapping : dict, str or Path, optional
        Field -> header (or its JSON file) for lists whose headers the toolkit does not
        recognise; the fields are ``name, email, department`` and the optional ``paused``
        (yes/no).

    Returns
    -------
    pandas.DataFrame
        Columns ``row, name, email, department, paused`` (bool), sorted by e-mail.

    Raises
    ------
    RowProblemsError
        Listing every row with a missing or invalid value, or a repeated e-mail.
    InputFileError
        If a required column is missing, or nobody is listed.

    Examples
    --------
    >>> table = Table(pd.DataFrame({"Name": ["Ada"], "Email": ["ADA@example.org"],
    ...                             "Department": ["Maths  Dept"]}),
    ...               pd.Series([2]), ["Name", "Email", "Department"], "coffee.csv", "0" * 64)
    >>> validate_participants(table).values.tolist()
    [[2, 'Ada', 'ada@example.org', 'Maths Dept', False]]
    """
    check = RowChecker(table, PARTICIPANT_FIELDS, PARTICIPANT_REQUIRED, mapping,
                       kind="sign-ups", variants=PARTICIPANT_VARIANTS)
    check.require(PARTICIPANT_REQUIRED)
    email = check.emails("email")
    paused = fold(check.canon["paused"]).map(PAUSED_VALUES)
    check.add(paused.isna(), "paused", PAUSED_PROBLEM)
    problems = check.problems()
    if not problems.empty:
        raise RowProblemsError(participants_problems_message(table.source, problems), problems)
    people = pd.DataFrame({
        "row": check.rows.astype("int64").to_numpy(),
        "name": check.canon["name"].astype(str).to_numpy(),
        "email": email.astype(str).to_numpy(),
        "department": check.canon["department"].str.split().str.join(" ").astype(str)
        .to_numpy(),
        "paused": paused.astype(bool).to_numpy(),
    })
    return people.sort_values("email", kind="stable").reset_index(drop=True)


def read_participants(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                      sheet: str | None = None) -> pd.DataFrame:
    """Read an UnMentoring sign-up list (CSV or XLSX) and check every row.

    Parameters
    ----------
    path : str or Path
        The list: ``name, email, department`` and optionally ``paused`` (yes/no).
    mapping : dict, str or Path, optional
        Field -> header, or a JSON file holding that object.
    sheet : str, optional
        The worksheet of an XLSX file.

    Returns
    -------
    pandas.DataFrame
        Columns ``row, name, email, department, paused``, sorted by e-mail.

    Raises
    ------
    RowProblemsError
        Listing every row with a problem (see :func:`validate_participants`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "coffee.csv"
    >>> _ = p.write_text("Name,Email,Department,Paused\\nAda,ADA@example.org,Maths,no\\n"
    ...                  "Bo,bo@example.org,Physics,yes\\n", encoding="utf-8")
    >>> read_participants(p)[["email", "paused"]].values.tolist()
    [['ada@example.org', False], ['bo@example.org', True]]
    """
    return validate_participants(read_table(path, sheet=sheet), mapping)


def participant_summary(participants: pd.DataFrame) -> pd.DataFrame:
    """Count the sign-ups by department: active this round and paused (no names).

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a", "b", "c"], "department": ["M", "M", "P"],
    ...                        "paused": [False, True, False]})
    >>> participant_summary(people).to_numpy().tolist()
    [['M', 1, 1], ['P', 1, 0], ['All departments', 2, 1]]
    """
    people = clean_participants(participants)
    counts = (people.assign(active=~people["paused"])
              .groupby("department", sort=True)[["active", "paused"]].sum()
              .astype("int64").reset_index())
    total = pd.DataFrame({"department": ["All departments"],
                          "active": [int(counts["active"].sum())],
                          "paused": [int(counts["paused"].sum())]})
    return pd.concat([counts, total], ignore_index=True)
