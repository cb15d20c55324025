"""Who signed up: counts by role within each department and each grade."""

from __future__ import annotations

import pandas as pd

from toolkit.core.ladder import DEFAULT_LADDER, Ladder

__all__ = ["ROLE_ORDER", "signup_counts"]

#: The roles in the order tables and charts show them.
ROLE_ORDER = ["mentee", "both", "mentor"]


def signup_counts(people: pd.DataFrame, by: str, ladder: Ladder = DEFAULT_LADDER) -> pd.DataFrame:
    """Count sign-ups by role within each value of ``by`` (``department`` or ``grade``).

    Grades are shown by ladder level, most junior first, under the ladder's own names.

    Parameters
    ----------
    people : pandas.DataFrame
        Clean sign-ups (``SignupImport.people``).
    by : str
        ``"department"``, ``"grade"`` or any other column.
    ladder : Ladder
        The ladder the grades were read onto.

    Returns
    -------
    pandas.DataFrame
        One row per value, columns ``mentee, both, mentor, total``.

    Examples
    --------
    >>> people = pd.DataFrame({"department": ["A", "A", "B"], "level": [0, 5, 3],
    ...                        "role": ["mentee", "mentor", "both"]})
    >>> signup_counts(people, "department").loc["A"].tolist()
    [1, 0, 1, 2]
    """
    if by == "grade" and "level" in people:
        key = people["level"].map(ladder.label)
        order = [level for level in ladder.levels if level in set(key)]
    else:
        key = people[by]
        order = sorted(key.dropna().unique())
    table = pd.crosstab(key, people["role"]).reindex(index=order, columns=ROLE_ORDER,
                                                     fill_value=0)
    table.index.name = by
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.astype("int64")
