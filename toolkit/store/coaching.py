"""Coaching kept in the store: requests, the coach pool, sessions and objective scores."""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, query

__all__ = ["load_objective_scores"]


def load_objective_scores(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return each coachee's objectives with their scores at the start and at the end.

    Parameters
    ----------
    store : Store
    cohort : str, optional
        Only coaching rounds named after this cohort (``"2026"`` takes ``"2026"`` and
        ``"2026 coaching"``).

    Returns
    -------
    pandas.DataFrame
        ``coachee, number, objective, score_before, score_after`` (scores may be missing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_objective_scores(store).columns.tolist()
    ['coachee', 'number', 'objective', 'score_before', 'score_after']
    """
    sql = ("SELECT p.mentee_email AS coachee, o.number, o.objective, "
           "o.start_score AS score_before, o.end_score AS score_after FROM coaching_objectives o "
           "JOIN pairs p ON p.id = o.pair_id WHERE p.scheme = 'coaching'")
    params: tuple = ()
    if cohort is not None:
        sql += " AND (p.cohort = ? OR substr(p.cohort, 1, ?) = ?)"
        params = (cohort, len(cohort) + 1, f"{cohort} ")
    return query(store, sql + " ORDER BY p.mentee_email, o.number", params)
