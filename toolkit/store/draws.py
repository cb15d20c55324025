"""UnMentoring rounds in the store: each round's seed and settings, and who met whom."""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, query

__all__ = ["load_draws"]


def load_draws(store: Store) -> pd.DataFrame:
    """Return every drawn group, oldest round first (``round, grp, email, created_at``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_draws(store).columns.tolist()
    ['round', 'grp', 'email', 'created_at']
    """
    return query(store,
                 "SELECT d.round, d.grp, d.email, r.created_at FROM draws d "
                 "JOIN draw_rounds r ON r.round = d.round "
                 "ORDER BY r.created_at, d.round, d.grp, d.email")
