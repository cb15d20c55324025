"""Row problems shared by the importers: build, collect and report ``row, field, value, problem``.

Every importer checks a whole file in one pass and reports each problem with its spreadsheet
row, so a lead can fix them all at once. This module holds the pieces they share: the problem
columns, the builder for one check (:func:`problem_rows`), the collection of every check into
one sorted frame (:func:`collect_problems`), and the ``ok`` / ``raise_for_problems()`` of an
import's result (:class:`ProblemReport`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import ClassVar

import numpy as np
import pandas as pd

from toolkit.errors import RowProblemsError

__all__ = [
    "PROBLEM_COLUMNS",
    "ProblemReport",
    "collect_problems",
    "format_problems",
    "problem_rows",
]

#: The columns of every problems frame, in order.
PROBLEM_COLUMNS = ["row", "field", "value", "problem"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=PROBLEM_COLUMNS)


def problem_rows(rows: pd.Series, mask: pd.Series | np.ndarray, field: str,
                 values: pd.Series, message: pd.Series | str) -> pd.DataFrame:
    """Return one problem per row where ``mask`` holds: a check's findings as a frame.

    Parameters
    ----------
    rows : pandas.Series
        The spreadsheet row of each record (the header being row 1).
    mask : pandas.Series or numpy.ndarray
        True where the record has this problem. Missing values (NA) count as False. A Series
        is aligned on ``rows``' index; an array is taken in order.
    field : str
        The canonical field the problem is about.
    values : pandas.Series
        The values shown to the lead (missing values are shown as empty text).
    message : pandas.Series or str
        What is wrong and what to do: one sentence for every row, or one per record.

    Returns
    -------
    pandas.DataFrame
        Columns ``row, field, value, problem``; empty (with those columns) if no row has it.

    Examples
    --------
    >>> rows = pd.Series([2, 3, 4])
    >>> grade = pd.Series(["Grade 7", "", None])
    >>> problem_rows(rows, pd.Series([False, True, pd.NA], dtype="boolean"), "grade", grade,
    ...              "The grade is empty.").values.tolist()
    [[3, 'grade', '', 'The grade is empty.']]
    >>> problem_rows(rows, grade == "x", "grade", grade, "Never.").empty
    True
    """
    if not isinstance(mask, pd.Series):
        mask = pd.Series(np.asarray(mask), index=rows.index)
    mask = mask.astype("boolean").fillna(False).astype(bool)
    if not mask.any():
        return _empty()
    msg = message[mask].to_numpy(dtype=object) if isinstance(message, pd.Series) else message
    return pd.DataFrame({"row": rows[mask].to_numpy(), "field": field,
                         "value": values[mask].fillna("").astype(str).to_numpy(),
                         "problem": msg})


def collect_problems(frames: Iterable[pd.DataFrame], field_order: Iterable[str]) -> pd.DataFrame:
    """Put the problems found by every check into one frame, by row then field order.

    Parameters
    ----------
    frames : iterable of pandas.DataFrame
        Problems frames (``row, field, value, problem``), such as :func:`problem_rows` returns;
        empty ones are skipped.
    field_order : iterable of str
        The fields in the order their problems are listed within a row (usually the order of
        the file's fields). A field not named comes last. The sort is stable: problems of the
        same row and field keep the order of ``frames``.

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (int64), ``field, value, problem``, with a fresh index; empty (with
        those columns) when there is no problem.

    Examples
    --------
    >>> found = [
    ...     pd.DataFrame({"row": [5, 2], "field": "email", "value": ["x", "y"],
    ...                   "problem": "Not an e-mail."}),
    ...     pd.DataFrame({"row": [5], "field": "name", "value": [""],
    ...                   "problem": "The name is empty."}),
    ... ]
    >>> collect_problems(found, ["name", "email"])[["row", "field"]].values.tolist()
    [[2, 'email'], [5, 'name'], [5, 'email']]
    >>> collect_problems([], ["name"]).columns.tolist()
    ['row', 'field', 'value', 'problem']
    """
    problems = pd.concat([f for f in frames if not f.empty] or [_empty()], ignore_index=True)
    problems["row"] = problems["row"].astype("int64")
    order = {name: i for i, name in enumerate(field_order)}
    return (problems.assign(_o=problems["field"].map(order))
            .sort_values(["row", "_o"], kind="stable").drop(columns="_o")
            .reset_index(drop=True))


class ProblemReport:
    """Mixin for an import's result: ``ok`` and ``raise_for_problems()`` from its problems.

    The class using it has a ``problems`` frame (``row, field, value, problem``) and a
    ``source`` (the file name), and sets ``fix_hint``: the sentence after the colon of the
    error, saying how to fix the file.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Result(ProblemReport):
    ...     problems: pd.DataFrame
    ...     source: str
    ...     fix_hint = "fix the file."
    >>> found = pd.DataFrame({"row": [3, 3], "field": ["name", "email"], "value": "",
    ...                       "problem": "Empty."})
    >>> result = Result(found, "a.csv")
    >>> result.ok
    False
    >>> result.raise_for_problems()
    Traceback (most recent call last):
    ...
    toolkit.errors.RowProblemsError: 'a.csv' has 2 problem(s) on 1 row(s): fix the file.
    >>> Result(found.iloc[:0], "a.csv").raise_for_problems()
    """

    #: The sentence after the colon of :meth:`raise_for_problems`' message.
    fix_hint: ClassVar[str] = "fix them and import the file again."
    problems: pd.DataFrame
    source: str

    @property
    def ok(self) -> bool:
        """True when no row has a problem."""
        return self.problems.empty

    def raise_for_problems(self) -> None:
        """Raise :class:`RowProblemsError` listing every problem, if there are any."""
        if not self.ok:
            raise RowProblemsError(
                f"'{self.source}' has {len(self.problems)} problem(s) on "
                f"{self.problems['row'].nunique()} row(s): {self.fix_hint}", self.problems)


def format_problems(problems: pd.DataFrame, width: int = 100) -> str:
    """Render problems (``row, field, value, problem``) as a readable plain-text table.

    Examples
    --------
    >>> p = pd.DataFrame({"row": [3], "field": ["grade"], "value": ["G11"],
    ...                   "problem": ["'G11' is not a grade on the ladder."]})
    >>> print(format_problems(p))
    row  field  value  problem
      3  grade  G11    'G11' is not a grade on the ladder.
    """
    if problems.empty:
        return "No problems found."
    values = problems["value"].astype(str).map(lambda v: v if len(v) <= 30 else v[:27] + "...")
    w_row = max(3, problems["row"].astype(str).str.len().max())
    w_field = max(5, problems["field"].astype(str).str.len().max())
    w_value = max(5, values.str.len().max())
    indent = w_row + w_field + w_value + 6
    wrap = max(30, width - indent)
    lines = [f"{'row':>{w_row}}  {'field':<{w_field}}  {'value':<{w_value}}  problem"]
    for row, field, value, problem in zip(problems["row"], problems["field"], values,
                                          problems["problem"], strict=True):
        text = textwrap.wrap(str(problem), wrap) or [""]
        lines.append(f"{row:>{w_row}}  {field:<{w_field}}  {value:<{w_value}}  {text[0]}")
        lines += [" " * indent + t for t in text[1:]]
    return "\n".join(lines)
