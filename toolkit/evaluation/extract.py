"""The yearly HR extract: e-mail, grade now, still employed, promotion, career breaks.

HR gives the scheme lead, once a year, one row per member of staff (or per person of the
departments the scheme serves): their work e-mail, their grade now, whether they are still
employed, whether they applied for promotion this year and whether they gained it, and
whether they returned from a career break. Gender and the grade a year earlier are used when
the extract has them (the grade a year earlier lets the comparison group's grade moves be
measured). :func:`read_hr_extract` reads it through the shared importer: every row with a
problem is listed with its spreadsheet row and set aside, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.io.problems import ProblemReport, RowChecker
from toolkit.io.readers import read_table

__all__ = [
    "EXTRACT_FIELDS",
    "EXTRACT_REQUIRED",
    "EXTRACT_VARIANTS",
    "ExtractImport",
    "read_hr_extract",
]

#: The fields of an HR extract, in the order problems are listed.
EXTRACT_FIELDS: tuple[str, ...] = ("email", "grade", "employed", "applied", "promoted",
                                   "returned", "gender", "grade_before")
#: The fields that must have a column.
EXTRACT_REQUIRED: tuple[str, ...] = ("email", "grade", "employed", "applied", "promoted")
#: How the columns of an extract may be headed (compared ignoring case and punctuation).
EXTRACT_VARIANTS: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "email address", "work email", "work e-mail"),
    "grade": ("grade now", "current grade", "grade this year"),
    "employed": ("still employed", "in post", "employed now", "current employee"),
    "applied": ("promotion applied for", "applied for promotion", "promotion application"),
    "promoted": ("promotion gained", "promoted", "promotion successful"),
    "returned": ("returned from a career break", "returned from career break",
                 "career break return", "returner"),
    "gender": ("sex", "gender identity"),
    "grade_before": ("grade a year ago", "grade last year", "previous grade",
                     "grade before"),
}

_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


@dataclass
class ExtractImport(ProblemReport):
    """An HR extract as read: clean records, and the rows set aside with their problems.

    Attributes
    ----------
    records : pandas.DataFrame
        ``email, grade, level, employed, applied, promoted, returned, gender,
        grade_before, level_before`` (yes/no answers as booleans; ``level_before`` missing
        where the extract gives no earlier grade).
    problems : pandas.DataFrame
        ``row, field, value, problem``: every problem, with its spreadsheet row.
    source : str
        The file's name.
    has_gender, has_grade_before : bool
        Whether the extract has a gender column and a column of the grade a year earlier.
    """

    records: pd.DataFrame
    problems: pd.DataFrame
    source: str
    has_gender: bool = False
    has_grade_before: bool = False
    fix_hint = "correct them in the extract and give it again."


def _yes_no(check: RowChecker, name: str, blank_is_no: bool) -> pd.Series:
    text = check.canon[name].str.casefold()
    known = text.isin(_YES | _NO)  # an empty cell where one is needed: ``require`` says so
    if name in check.columns:
        header = check.columns[name]
        check.add(~known, name, f"Write Yes or No in the column '{header}'"
                  + (" (an empty cell counts as No)." if blank_is_no else "."))
    return text.isin(_YES)


def read_hr_extract(path: str | Path, ladder: Ladder | str | Path | None = None,
                    mapping: dict[str, str] | str | Path | None = None) -> ExtractImport:
    """Read the yearly HR extract (CSV or XLSX) and check every row.

    Parameters
    ----------
    path : str or Path
        The extract: one row per person.
    ladder : Ladder, str or Path, optional
        The grade ladder (default UK HE): every grade must be on it.
    mapping : dict or path, optional
        Field -> header, for headers the toolkit does not recognise (fields: see
        :data:`EXTRACT_FIELDS`).

    Returns
    -------
    ExtractImport
        Clean records and the problems of the rows set aside.

    Raises
    ------
    InputFileError
        If the file cannot be read, has no rows, or lacks a required column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "hr.csv"
    >>> _ = f.write_text("E-mail,Grade now,Still employed,Promotion applied for,"
    ...                  "Promotion gained\\na@example.org,Grade 8,Yes,Yes,No\\n"
    ...                  "b@example.org,Grade 99,Yes,No,No\\n")
    >>> result = read_hr_extract(f)
    >>> result.records[["email", "level", "applied"]].values.tolist()
    [['a@example.org', 3, True]]
    >>> result.problems[["row", "field"]].values.tolist()
    [[3, 'grade']]
    """
    lad = resolve_ladder(ladder)
    table = read_table(path)
    check = RowChecker(table, EXTRACT_FIELDS, EXTRACT_REQUIRED, mapping=mapping,
                       kind="people", variants=EXTRACT_VARIANTS)
    check.require(("email", "grade", "employed"))
    email = check.emails("email")
    levels = {}
    for name in ("grade", "grade_before"):
        grade = check.canon[name]
        level = lad.levels_of(grade)
        wrong = (grade != "") & level.isna()
        if wrong.any():
            messages = [
                f"'{g}' is not a grade on the ladder '{lad.name}'"
                + (f" (did you mean {lad.suggest(g)}?)" if lad.suggest(g) else "")
                + ": give one of its grades." if w else ""
                for g, w in zip(grade, wrong, strict=True)]
            check.add(wrong, name, pd.Series(messages))
        levels[name] = level
    employed = _yes_no(check, "employed", blank_is_no=False)
    applied = _yes_no(check, "applied", blank_is_no=True)
    promoted = _yes_no(check, "promoted", blank_is_no=True)
    returned = _yes_no(check, "returned", blank_is_no=True)
    good = ~check.bad
    records = pd.DataFrame({
        "email": email,
        "grade": check.canon["grade"],
        "level": levels["grade"].fillna(-1).astype(int),
        "employed": employed,
        "applied": applied,
        "promoted": promoted,
        "returned": returned,
        "gender": check.canon["gender"],
        "grade_before": check.canon["grade_before"],
        "level_before": levels["grade_before"].astype("float").to_numpy(),
    })[good].reset_index(drop=True)
    records["level_before"] = records["level_before"].astype(float).where(
        records["grade_before"] != "", np.nan)
    return ExtractImport(records=records, problems=check.problems(), source=table.source,
                         has_gender="gender" in check.columns,
                         has_grade_before="grade_before" in check.columns)
