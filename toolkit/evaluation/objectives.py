"""Coaching objective scores from a file: coachee, objective, score before, score after."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.evaluation.measures import OBJECTIVE_COLUMNS
from toolkit.io.columns import find_columns
from toolkit.io.readers import read_table

__all__ = ["OBJECTIVE_VARIANTS", "read_objectives"]

#: How the columns of an objectives file may be headed (compared as header keys).
OBJECTIVE_VARIANTS: dict[str, tuple[str, ...]] = {
    "coachee": ("coachee", "coachee email", "email", "person"),
    "objective": ("objective", "goal", "objective name"),
    "score_before": ("score before", "before", "start score", "initial score"),
    "score_after": ("score after", "after", "end score", "final score"),
}


def read_objectives(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Read coaching objective scores from a CSV/XLSX (coachee, objective, before, after).

    Parameters
    ----------
    path : str or Path
        The file, one row per objective.
    mapping : dict, optional
        Field -> header, for headers the toolkit does not recognise.

    Returns
    -------
    pandas.DataFrame
        :data:`toolkit.evaluation.measures.OBJECTIVE_COLUMNS`; a score that is blank or not
        a number is missing.

    Raises
    ------
    InputFileError
        If the file cannot be read or a column is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "o.csv"
    >>> _ = f.write_text("Coachee,Objective,Score before,Score after\\na@x,Lead,2,4\\n")
    >>> read_objectives(f).to_dict("records")
    [{'coachee': 'a@x', 'objective': 'Lead', 'score_before': 2.0, 'score_after': 4.0}]
    """
    table = read_table(path)
    cols = find_columns(table.headers, mapping=mapping, source=f"'{table.source}'",
                        fields=OBJECTIVE_COLUMNS, required=OBJECTIVE_COLUMNS,
                        variants=OBJECTIVE_VARIANTS)
    out = pd.DataFrame({c: table.data[cols[c]] for c in OBJECTIVE_COLUMNS})
    for c in ("score_before", "score_after"):
        out[c] = pd.to_numeric(out[c].replace("", np.nan), errors="coerce").astype(float)
    return out
