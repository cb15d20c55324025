"""The lead's private concern log: a worry about a pair, when to follow it up, and its close.

A concern is something a lead should keep an eye on: meetings that keep falling through, a
mentor pushing their own agenda, a pair that does not get on, a confidentiality slip. Each
has a date, a category (:data:`CONCERN_CATEGORIES`), a free-text note, an optional
follow-up date and, once dealt with, the day it was closed. An open concern whose follow-up
date has come raises the ``concern_follow_up`` warning.

The note is for the lead alone: no report, chart or drafted message ever shows it, and
erasing a person erases the notes of their pairs' concerns (the ``concerns`` table).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from toolkit.core import dates
from toolkit.errors import SettingsError
from toolkit.relationships.alerts import follow_up_columns
from toolkit.relationships.changes import find_pair
from toolkit.store.concerns import (
    CONCERN_COLUMNS,
    load_concerns,
    save_concern,
    save_concern_closed,
    save_concern_follow_up,
)
from toolkit.store.connection import Store

__all__ = [
    "CONCERN_CATEGORIES",
    "CONCERN_COLUMNS",
    "MAX_NOTE_LENGTH",
    "add_concern",
    "close_concern",
    "concerns_table",
    "move_follow_up",
    "with_follow_ups",
]

#: The kinds of concern a lead records. Private: never counted in a report.
CONCERN_CATEGORIES = (
    "meetings not happening",
    "actions not followed up",
    "agenda imposed",
    "the pair does not get on",
    "confidentiality",
    "wellbeing",
    "other",
)
#: The longest note kept (characters); a longer one is refused, not cut.
MAX_NOTE_LENGTH = 2000


def _check_category(category: str) -> str:
    if category not in CONCERN_CATEGORIES:
        raise SettingsError(f"The concern category must be one of {list(CONCERN_CATEGORIES)} "
                            f"(got {category!r}). Nothing was recorded.")
    return category


def add_concern(store: Store, pair_id: int, category: str, note: str = "",
                on_date: date | str | None = None, follow_up: date | str | None = None,
                today: date | str | None = None) -> int:
    """Record a concern about a pair in the lead's private log; return its number.

    Parameters
    ----------
    store : Store
    pair_id : int
        The pair (any status: a concern may outlive the pair).
    category : str
        One of :data:`CONCERN_CATEGORIES`.
    note : str
        Free text, private to the lead (at most :data:`MAX_NOTE_LENGTH` characters).
    on_date : date or str, optional
        The day the concern was raised (default ``today``); never in the future.
    follow_up : date or str, optional
        The day to look at it again; on or after ``on_date``.
    today : date or str, optional
        The day it is recorded (default: the real date).

    Raises
    ------
    LifecycleError
        If the store has no such pair.
    SettingsError
        If the category is unknown, the note too long, or a date impossible.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> add_concern(store, 1, "agenda imposed", "mentee felt steered", "2026-12-01",
    ...             follow_up="2027-01-15", today="2026-12-02")
    1
    >>> add_concern(store, 1, "gossip", today="2026-12-02")
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The concern category must be one of [...] (got 'gossip'). ...
    """
    find_pair(store, pair_id)
    _check_category(category)
    note = str(note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise SettingsError(f"The note has {len(note)} characters; keep it to "
                            f"{MAX_NOTE_LENGTH}. Nothing was recorded.")
    now = dates.today(today)
    day = now if on_date is None else dates.as_date(on_date, "concern date")
    if day > now:
        raise SettingsError(f"The concern date {dates.readable_date(day)} is after today "
                            f"({dates.readable_date(now)}): check the date. "
                            "Nothing was recorded.")
    due = None if follow_up is None else dates.as_date(follow_up, "follow-up date")
    if due is not None and due < day:
        raise SettingsError(f"The follow-up date {dates.readable_date(due)} comes before the "
                            f"concern ({dates.readable_date(day)}): check the date. Nothing was "
                            "recorded.")
    return save_concern(store, int(pair_id), day.isoformat(), category, note,
                        None if due is None else due.isoformat())


def _open_concern(store: Store, concern_id: int) -> pd.Series:
    found = load_concerns(store)
    found = found[found["id"] == int(concern_id)]
    if found.empty:
        raise SettingsError(f"There is no concern {int(concern_id)} in the log: list the "
                            "concerns to find its number.")
    row = found.iloc[0]
    if row["closed_on"] is not None and not pd.isna(row["closed_on"]):
        raise SettingsError(f"Concern {int(concern_id)} was already closed on "
                            f"{row['closed_on']}. Nothing was changed.")
    return row


def close_concern(store: Store, concern_id: int, on_date: date | str | None = None) -> str:
    """Close an open concern (default: today); return the day it was closed.

    Raises
    ------
    SettingsError
        If there is no such concern, it is already closed, or the day comes before it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> cid = add_concern(store, 1, "other", on_date="2026-12-01", today="2026-12-01")
    >>> close_concern(store, cid, "2027-01-10")
    '2027-01-10'
    """
    row = _open_concern(store, concern_id)
    day = dates.today(on_date).isoformat()
    if day < str(row["on_date"]):
        raise SettingsError(f"Concern {int(concern_id)} was raised on "
                            f"{dates.readable_date(row['on_date'])}; it cannot be closed on "
                            f"{dates.readable_date(day)}. Nothing was changed.")
    save_concern_closed(store, int(concern_id), day)
    return day


def move_follow_up(store: Store, concern_id: int, follow_up: date | str | None) -> str | None:
    """Set a new follow-up date on an open concern (None: no follow-up); return it.

    Raises
    ------
    SettingsError
        If there is no such open concern, or the date comes before the concern.
    """
    row = _open_concern(store, concern_id)
    due = None if follow_up is None else dates.as_date(follow_up, "follow-up date").isoformat()
    if due is not None and due < str(row["on_date"]):
        raise SettingsError(f"The follow-up date {dates.readable_date(due)} comes before the "
                            f"concern ({dates.readable_date(row['on_date'])}): check the date. "
                            "Nothing was changed.")
    save_concern_follow_up(store, int(concern_id), due)
    return due


def concerns_table(store: Store, pair_id: int | None = None, open_only: bool = False,
                   today: date | str | None = None) -> pd.DataFrame:
    """Return the concern log (the lead's private view), with whether each follow-up is due.

    Returns
    -------
    pandas.DataFrame
        :data:`~toolkit.store.concerns.CONCERN_COLUMNS` and ``due`` (an open concern whose
        follow-up date has come by ``today``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     concerns_table(store).columns.tolist()[-2:]
    ['closed_on', 'due']
    """
    day = dates.today(today).isoformat()
    frame = load_concerns(store, None if pair_id is None else [int(pair_id)], open_only)
    due = frame["closed_on"].isna() & frame["follow_up"].notna() & (
        frame["follow_up"].fillna("9") <= day)
    return frame.assign(due=due.astype(bool)).reset_index(drop=True)


def with_follow_ups(store: Store, pairs: pd.DataFrame) -> pd.DataFrame:
    """Add each pair's ``open_concerns`` and ``next_follow_up`` from the log (no notes)."""
    return follow_up_columns(pairs, load_concerns(store, open_only=True))
