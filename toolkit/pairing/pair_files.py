"""Lists of pairs a lead keeps in a spreadsheet: pairs to lock, to forbid, or already running."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.text import normalise_emails
from toolkit.errors import RowProblemsError
from toolkit.io.columns import find_columns
from toolkit.io.problems import collect_problems, problem_rows
from toolkit.io.readers import read_table
from toolkit.pairing.matching import PAIR_FIELDS, normalise_pairs

__all__ = ["HALF_PAIR", "PAIR_VARIANTS", "read_pairs_file"]

#: Headers recognised for the two columns of a pairs file.
PAIR_VARIANTS: dict[str, tuple[str, ...]] = {
    "mentee_email": ("mentee email", "mentee e-mail", "mentee", "mentee address"),
    "mentor_email": ("mentor email", "mentor e-mail", "mentor", "mentor address"),
}

#: The problem of a row that gives only one of the two e-mails.
HALF_PAIR = "Both e-mails are needed: give the mentee's and the mentor's."


def read_pairs_file(path: str | Path, what: str = "pairs") -> pd.DataFrame:
    """Read a CSV/XLSX of pairs (``mentee_email, mentor_email``): locks, forbidden or current.

    Headers such as "Mentee" or "Mentor e-mail" are recognised; e-mails are trimmed and
    lower-cased; blank rows are ignored. A file with a header and no rows holds no pairs.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the pairs are ("locked pairs", ...), for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``mentee_email, mentor_email``.

    Raises
    ------
    InputFileError
        If the file cannot be read or lacks one of the two columns.
    RowProblemsError
        If a row has only one of the two e-mails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "locks.csv"
    >>> _ = p.write_text("Mentee,Mentor\\nA@example.org,b@example.org\\n,\\n")
    >>> read_pairs_file(p).values.tolist()
    [['a@example.org', 'b@example.org']]
    """
    table = read_table(path)
    columns = find_columns(table.headers, None, table.question_text,
                           f"The {what} file '{table.source}'", fields=PAIR_FIELDS,
                           required=PAIR_FIELDS, variants=PAIR_VARIANTS)
    data = pd.DataFrame({c: normalise_emails(table.data[columns[c]]) for c in PAIR_FIELDS})
    rows = pd.Series(np.asarray(table.rows), index=data.index)
    empty = {c: data[c] == "" for c in PAIR_FIELDS}
    half = empty["mentee_email"] ^ empty["mentor_email"]
    if half.any():
        problems = collect_problems(
            [problem_rows(rows, half & empty[c], c, data[c], HALF_PAIR) for c in PAIR_FIELDS],
            PAIR_FIELDS)
        raise RowProblemsError(f"The {what} file '{table.source}' has {int(half.sum())} row(s) "
                               "with only one e-mail: complete or delete them.", problems)
    return normalise_pairs(data[~(empty["mentee_email"] & empty["mentor_email"])], what)
