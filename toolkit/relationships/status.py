"""The pairs of a store as the lead follows them: the status table and the early warnings.

The ``status`` command and the notebook's panels both call these functions, so they always
show the same warnings and the same drafted messages.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from toolkit.core import dates
from toolkit.io.templates import Template
from toolkit.relationships.alerts import AlertRules, check_pairs, meeting_counts
from toolkit.relationships.changes import pair_table
from toolkit.relationships.concerns import with_follow_ups
from toolkit.relationships.lifecycle import Lifecycle
from toolkit.relationships.messages import draft_messages
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings

__all__ = ["STATUS_COLUMNS", "check_store", "status_table", "warnings_with_messages"]

#: The columns of :func:`status_table`.
STATUS_COLUMNS = ["pair_id", "status", "mentee_name", "mentee_department", "mentor_name",
                  "mentor_department", "start", "term_end", "renewals", "held", "cancelled",
                  "last_meeting"]


def check_store(store: Store, today: date | str | None = None, rules: AlertRules | None = None,
                cohort: str | None = None, scheme: str | None = "mentoring",
                lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Run the early-warning rules on the pairs in a store.

    See :func:`~toolkit.relationships.alerts.check_pairs`; ``today`` defaults to the real
    date. Each pair carries its agreed meetings a year, its last mid-term review and its
    open concerns' next follow-up date (never a concern's note).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> check_store(store, "2027-09-20")["rule"].tolist()
    ['no_first_meeting', 'term_ending']
    """
    pairs = with_follow_ups(store, pair_table(store, cohort=cohort, scheme=scheme,
                                              lifecycle=lifecycle))
    return check_pairs(pairs, load_meetings(store), dates.today(today), rules, lifecycle)


def warnings_with_messages(store: Store, today: date | str | None = None,
                           rules: AlertRules | None = None,
                           templates: dict[str, Template] | None = None,
                           cohort: str | None = None,
                           lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Return the store's early warnings, each with a drafted ``message`` to edit and send.

    Parameters
    ----------
    store : Store
    today : date or str, optional
        The day of the check (default: the real date).
    rules : AlertRules, optional
    templates : dict, optional
        :func:`~toolkit.relationships.messages.read_alert_templates` (default: shipped).
    cohort : str, optional
        Only this cohort's pairs.
    lifecycle : Lifecycle, optional

    Returns
    -------
    pandas.DataFrame
        :func:`check_store`'s warnings with a ``message`` column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> warnings_with_messages(store, "2027-01-01")["message"].iloc[0].splitlines()[0]
    'Subject: Your mentoring pair: has your first meeting taken place?'
    """
    warnings = check_store(store, today, rules, cohort=cohort, lifecycle=lifecycle)
    pairs = pair_table(store, lifecycle=lifecycle)
    return warnings.assign(message=draft_messages(warnings, pairs, templates, rules, lifecycle))


def status_table(store: Store, today: date | str | None = None, cohort: str | None = None,
                 scheme: str | None = "mentoring",
                 lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Return every pair with its status, term and meetings so far (the lead's private view).

    Columns :data:`STATUS_COLUMNS`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> status_table(store, "2027-01-01")[["pair_id", "status", "held"]].values.tolist()
    [[1, 'proposed', 0]]
    """
    pairs = pair_table(store, cohort=cohort, scheme=scheme, lifecycle=lifecycle)
    counts = meeting_counts(pairs, load_meetings(store), dates.today(today))
    return pairs.merge(counts, on="pair_id", how="left")[STATUS_COLUMNS]
