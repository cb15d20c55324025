"""Row problems shared by the importers: build, collect and report ``row, field, value, problem``.

Every importer checks a whole file in one pass and reports each problem with its spreadsheet
row, so a lead can fix them all at once. This module holds the pieces they share: the problem
columns, the builder for one check (:func:`problem_rows`), the collection of every check into
one sorted frame (:func:`collect_problems`), the collector every importer checks its rows
with (:class:`RowChecker`), and the ``ok`` / ``raise_for_problems()`` of an import's result
(:class:`ProblemReport`).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from toolkit.core.text import is_email, normalise_emails
from toolkit.errors import InputFileError, RowProblemsError
from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.readers import Table

__all__ = [
    "CONTROL_CHARACTER",
    "DIRECTION_CONTROL",
    "INVISIBLE_IN_EMAIL",
    "PROBLEM_COLUMNS",
    "VALUE_CHARS",
    "ProblemReport",
    "RowChecker",
    "collect_problems",
    "format_problems",
    "problem_rows",
]

#: The most characters of a value a problem shows (longer values are cut, ending in "...").
VALUE_CHARS = 1_000

#: The columns of every problems frame, in order.
PROBLEM_COLUMNS = ["row", "field", "value", "problem"]

#: A problem: a control character (NUL, a line break in a one-line answer...) in a cell.
CONTROL_CHARACTER = ("This contains a control character ({name}) that cannot be part of the "
                     "answer: retype the cell in the spreadsheet.")
#: A problem: a character that changes the direction of text, which can disguise a value.
DIRECTION_CONTROL = ("This contains a hidden character that reverses or isolates text "
                     "({name}), which can make it look like something else: retype the cell.")
#: A problem: an invisible character inside an e-mail address (a look-alike address).
INVISIBLE_IN_EMAIL = ("This address contains an invisible character ({name}), so it only looks "
                      "like the address it copies: retype it.")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
_DIRECTION = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
#: Any character of _CONTROL or _DIRECTION (and, for _ANY, of _LINE_BREAKS).
_ANY_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u061c\u00ad\u180e\u202a-\u202e"
                        r"\u2066-\u2069]")


def _char_name(text: str, pattern: re.Pattern[str]) -> str:
    found = pattern.search(text)
    char = found.group(0) if found else ""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}" if char else ""


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
    shown = values[mask].fillna("").astype(str)
    # A problem list is read by a person: a huge value is cut (the row itself is kept whole).
    shown = shown.where(shown.str.len() <= VALUE_CHARS,
                        shown.str.slice(0, VALUE_CHARS - 3) + "...")
    return pd.DataFrame({"row": rows[mask].to_numpy(), "field": field,
                         "value": shown.to_numpy(), "problem": msg})


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


class RowChecker:
    """Map an export's columns, then collect every problem its rows have, in one pass.

    Every importer works the same way: find the columns
    (:func:`~toolkit.io.columns.find_columns`), take each field as trimmed text (``canon``),
    run vectorised checks that each add the rows they catch (:meth:`add`), and set aside
    every row with a problem (:attr:`bad`, :meth:`rejected`). Row numbers are those a
    spreadsheet shows.

    Parameters
    ----------
    table : Table
        The export as read by :func:`~toolkit.io.readers.read_table`.
    fields, required : tuple of str
        The importer's fields, and those that must have a column.
    mapping : dict, str, Path or None
        A column mapping (field -> header), or its JSON file.
    kind : str
        What the rows are, for messages ("sign-ups", "meetings").
    variants : dict, optional
        The usual spellings of each field's header.
    auto_detect : bool
        Recognise headers for fields the mapping leaves out (default True).
    multiline : tuple of str
        Free-text fields where line breaks and tabs are allowed. In every other field they
        are problems, and in every field so are other control characters (NUL...) and
        characters that reverse the direction of text. Columns that are not fields (extra
        questions, comments) are checked too, as free text; their problems name the header.

    Raises
    ------
    InputFileError
        If a required field has no column, or the file has no rows below its header.

    Examples
    --------
    >>> table = Table(pd.DataFrame({"Name": ["Ada", ""], "Mail": ["ada@example.org", "x"]}),
    ...               pd.Series([2, 3]), ["Name", "Mail"], "people.csv", "0" * 64)
    >>> check = RowChecker(table, ("name", "email"), ("name", "email"), kind="people",
    ...                    variants={"email": ("mail",)})
    >>> check.require()
    >>> _ = check.emails("email")
    >>> check.problems()[["row", "field"]].values.tolist()
    [[3, 'name'], [3, 'email']]
    >>> check.bad.tolist()
    [False, True]
    """

    def __init__(self, table: Table, fields: tuple[str, ...], required: tuple[str, ...] = (),
                 mapping: dict[str, str] | str | Path | None = None, kind: str = "rows",
                 variants: dict[str, tuple[str, ...]] | None = None,
                 auto_detect: bool = True, multiline: tuple[str, ...] = ()) -> None:
        if mapping is not None and not isinstance(mapping, dict):
            mapping = read_mapping(mapping)
        self.table = table
        self.source = table.source
        self.fields = tuple(fields)
        self.columns = find_columns(table.headers, mapping, table.question_text,
                                    f"'{table.source}'", fields=self.fields, required=required,
                                    variants=variants, auto_detect=auto_detect)
        if table.data.empty:
            raise InputFileError(
                f"'{table.source}' has a header row but no {kind} below it: export it again "
                f"once it has some.")
        self.rows = pd.Series(np.asarray(table.rows), name="row")
        raw = table.data.reset_index(drop=True)
        self.canon = pd.DataFrame({
            name: (raw[self.columns[name]].fillna("").astype(str).str.strip()
                   if name in self.columns else pd.Series("", index=raw.index, dtype=object))
            for name in self.fields
        })
        self.found: list[pd.DataFrame] = []
        for name in self.columns:
            self._check_characters(name, name in multiline)
        # The other columns travel with the records (monitoring questions, comments): they
        # may hold line breaks, but no other control character and no direction override.
        mapped = set(self.columns.values())
        for header in table.headers:
            if header not in mapped and header in raw:
                self._check_characters(header, True,
                                       raw[header].fillna("").astype(str).str.strip())

    def _check_characters(self, name: str, multiline: bool,
                          text: pd.Series | None = None) -> None:
        text = self.canon[name] if text is None else text
        # One search over the whole column joined by spaces tells whether any row needs
        # looking at (almost never): each pattern matches one character, and none a space.
        if not (_ANY_MULTILINE if multiline else _ANY).search(" ".join(text)):
            return
        control = text.str.contains(_CONTROL)
        if not multiline:
            control |= text.str.contains(_LINE_BREAKS)
        bad = _CONTROL if multiline else re.compile(f"{_CONTROL.pattern}|{_LINE_BREAKS.pattern}")
        if control.any():
            self.add(control, name, pd.Series([
                CONTROL_CHARACTER.format(name=_char_name(t, bad)) if c else ""
                for t, c in zip(text, control, strict=True)]), values=text.map(repr))
        direction = text.str.contains(_DIRECTION) & ~control
        if direction.any():
            self.add(direction, name, pd.Series([
                DIRECTION_CONTROL.format(name=_char_name(t, _DIRECTION)) if d else ""
                for t, d in zip(text, direction, strict=True)]), values=text.map(repr))

    def add(self, mask: pd.Series | np.ndarray, name: str, message: str | pd.Series,
            values: pd.Series | None = None) -> None:
        """Record a problem with ``name`` on every row where ``mask`` holds.

        Masks, messages and values are taken in row order, whatever their index; the value
        shown is the field's text unless ``values`` are given.
        """
        index = self.rows.index
        if not isinstance(message, str):
            message = pd.Series(np.asarray(message, dtype=object), index=index)
        shown = self.canon[name] if values is None else pd.Series(
            np.asarray(values, dtype=object), index=index)
        self.found.append(problem_rows(self.rows, np.asarray(mask), name, shown, message))

    def require(self, names: tuple[str, ...] | None = None) -> None:
        """Record an empty value of each named field (default: every mapped field)."""
        for name in self.columns if names is None else names:
            header = self.columns.get(name, name)
            self.add(self.canon[name] == "", name,
                     f"The {name.replace('_', ' ')} is empty: fill it in (column '{header}').")

    def emails(self, name: str, unique: bool = True, optional: bool = False) -> pd.Series:
        """Check a column of e-mail addresses and return them normalised.

        Parameters
        ----------
        name : str
            The field.
        unique : bool
            Each address may appear once: later rows repeating one are problems.
        optional : bool
            An empty cell is allowed (say so in the message).
        """
        mail = normalise_emails(self.canon[name])
        hidden = mail.str.contains(_INVISIBLE) & ~mail.str.contains(_DIRECTION)
        if hidden.any():
            self.add(hidden, name, pd.Series([
                INVISIBLE_IN_EMAIL.format(name=_char_name(m, _INVISIBLE)) if h else ""
                for m, h in zip(mail, hidden, strict=True)]), values=mail.map(repr))
        self.add((mail != "") & ~is_email(mail) & ~hidden, name,
                 "This is not an e-mail address: write it as name@example.org"
                 + (", or leave it empty." if optional else "."))
        if unique:
            dup = (mail != "") & mail.duplicated(keep=False)
            first = pd.Series(self.rows.to_numpy()).groupby(mail.to_numpy()).transform("min")
            self.add(dup & (self.rows != first), name, pd.Series(
                [f"The same e-mail is already on row {r}: keep one row and delete the other."
                 for r in first]))
        return mail

    def problems(self) -> pd.DataFrame:
        """Every problem found so far, sorted by row and then by field order."""
        return collect_problems(self.found, self.fields)

    @property
    def bad(self) -> np.ndarray:
        """True for each row that has at least one problem."""
        return self.rows.isin(self.problems()["row"]).to_numpy()

    def rejected(self) -> pd.DataFrame:
        """Return the rows set aside, as read, with their spreadsheet ``row``."""
        return pd.concat([self.rows, self.table.data.reset_index(drop=True)],
                         axis=1)[self.bad].reset_index(drop=True)


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
