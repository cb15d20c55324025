"""Dates as forms write them: one reader for every importer, and whole-month arithmetic.

Every importer reads dates with :func:`parse_dates`. The order of day and month is never
guessed from the numbers: by default dates are read day first (03/02/2026 is 3 February, as in
the UK), and 03/15/2027 is refused rather than silently read as 15 March, so a file written
month first shows up as problems instead of half its dates being misread. Such a file is read
with ``month_first=True`` (``--month-first`` on the command line). ISO dates (2026-02-03) and
dates with the month's name (3 February 2026, Feb 3, 2026) are read either way.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd

from toolkit.errors import SettingsError

__all__ = ["add_months", "as_date", "iso_dates", "parse_dates", "readable_date",
           "readable_dates", "today"]

_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y %H:%M",
              "%d/%m/%Y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y %H:%M:%S", "%d.%m.%Y %H:%M",
              "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M %p")
_MONTH_FIRST = tuple(f.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")
                     for f in _DAY_FIRST)
_NAMED_MONTH = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y",
                "%A %d %B %Y", "%a %d %b %Y", "%d %B %Y %H:%M", "%d %b %Y %H:%M")


def parse_dates(values: pd.Series, month_first: bool = False) -> pd.Series:
    """Read a column of dates as day-precision timestamps; NaT where empty or unreadable.

    Parameters
    ----------
    values : pandas.Series
        Dates as text (or as dates, from a spreadsheet).
    month_first : bool
        Read numeric dates month first (01/31/2026), as US forms write them. Default False:
        day first.

    Returns
    -------
    pandas.Series
        ``datetime64[ns]`` at midnight, with NaT for empty or unreadable cells.

    Examples
    --------
    >>> text = pd.Series(["2026-10-05", "05/11/2026", "2026-12-01T09:30:00", "soon",
    ...                   "03/15/2027", "5 Nov 2026", ""])
    >>> parse_dates(text).dt.strftime("%Y-%m-%d").tolist()
    ['2026-10-05', '2026-11-05', '2026-12-01', nan, nan, '2026-11-05', nan]
    >>> parse_dates(pd.Series(["03/15/2027"]), month_first=True).dt.day.tolist()
    [15]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(values)
        if stamps.dt.tz is not None:
            stamps = stamps.dt.tz_localize(None)
        return stamps.dt.normalize().astype("datetime64[ns]")
    text = pd.Series(values, copy=False).astype(object).where(pd.notna(values), "")
    text = text.astype(str).str.strip()
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}")
    found = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if iso.any():
        found[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce",
                                    utc=True).dt.tz_localize(None).astype("datetime64[ns]")
    numeric = _MONTH_FIRST if month_first else _DAY_FIRST
    for fmt in (*numeric, *_NAMED_MONTH):
        rest = found.isna() & (text != "") & ~iso
        if not rest.any():
            break
        found[rest] = pd.to_datetime(text[rest], format=fmt, errors="coerce").astype(
            "datetime64[ns]")
    return found.dt.normalize()


def iso_dates(values: pd.Series, month_first: bool = False) -> pd.Series:
    """Read dates as :func:`parse_dates` does and return ISO text (``None`` where unreadable).

    Examples
    --------
    >>> iso_dates(pd.Series(["14/01/2026", "x"])).tolist()
    ['2026-01-14', None]
    """
    found = parse_dates(values, month_first=month_first)
    return pd.Series(np.where(found.notna(), found.dt.strftime("%Y-%m-%d"), None),
                     index=found.index, dtype=object)


_ISO_DAY = r"\d{4}-\d{2}-\d{2}"


def readable_date(value: date | datetime | str | None) -> str:
    """Write a date as a lead reads it, day first: ``2026-03-01`` becomes ``1 Mar 2026``.

    For text meant for people (reasons, warnings, notes, drafted messages); files keep ISO
    dates. Accepts a date, a timestamp or ISO text (a time after the date is dropped); blank
    for a missing value, and any other text is returned as it is.

    Examples
    --------
    >>> readable_date("2026-03-01"), readable_date(date(2027, 10, 12)), readable_date(None)
    ('1 Mar 2026', '12 Oct 2027', '')
    >>> readable_date("2026-03-01 14:05"), readable_date("next week")
    ('1 Mar 2026', 'next week')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(_ISO_DAY, text[:10]):
            return value
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%b %Y}"


def readable_dates(values: pd.Series) -> pd.Series:
    """Vectorised :func:`readable_date` for a column of ISO dates (text kept where not one).

    Examples
    --------
    >>> readable_dates(pd.Series(["2026-03-01", None, "2027-12-25"])).tolist()
    ['1 Mar 2026', '', '25 Dec 2027']
    """
    text = values.astype("string").str.strip()
    stamps = pd.to_datetime(text.str.slice(0, 10).where(text.str.fullmatch(
        _ISO_DAY + r"(?:[ T].*)?")), format="%Y-%m-%d", errors="coerce")
    shown = stamps.dt.day.astype("Int64").astype("string") + stamps.dt.strftime(" %b %Y")
    return shown.fillna(text).fillna("").astype(object)


def as_date(value: date | datetime | str | None, what: str = "date") -> date:
    """Read one date given as a setting (ISO text or a date) or raise a clear error.

    Raises
    ------
    SettingsError
        If the value is missing or not a date; the message names ``what``.

    Examples
    --------
    >>> as_date("2026-10-05")
    datetime.date(2026, 10, 5)
    >>> as_date("5/10/2026", "start date")
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The start date '5/10/2026' is not a date: write it as \
YYYY-MM-DD, e.g. 2026-10-05.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise SettingsError(f"The {what} is missing: give a date such as 2026-10-05.")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise SettingsError(
            f"The {what} '{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-10-05."
        ) from None


def today(value: date | datetime | str | None = None) -> date:
    """Return ``value`` as a date, or the real date when it is None.

    Notebooks and commands take a fixed "today" so the same files give the same answers.

    Examples
    --------
    >>> today("2027-07-01")
    datetime.date(2027, 7, 1)
    >>> today() == date.today()
    True
    """
    if value is None:
        return date.today()
    try:
        return as_date(value)
    except SettingsError:
        raise SettingsError(f"'today' must be a date such as 2027-06-15 (got {value!r}).") from None


def add_months(dates: pd.Series, months: pd.Series | int) -> pd.Series:
    """Add whole months to ISO dates (the 31st becomes the month's last day); ISO text back.

    Examples
    --------
    >>> add_months(pd.Series(["2026-01-31", "2026-10-05", None]), 1).tolist()
    ['2026-02-28', '2026-11-05', None]
    >>> add_months(pd.Series(["2028-02-29", "2026-12-15"]), pd.Series([12, 14])).tolist()
    ['2029-02-28', '2028-02-15']
    """
    stamps = pd.to_datetime(pd.Series(dates, copy=False), errors="coerce")
    shift = pd.Series(np.broadcast_to(np.asarray(months, dtype="int64"), (len(stamps),)),
                      index=stamps.index)
    moved = pd.Series(pd.NaT, index=stamps.index, dtype="datetime64[ns]")
    for n in pd.unique(shift):
        rows = shift == n
        moved[rows] = stamps[rows] + pd.DateOffset(months=int(n))
    return pd.Series(np.where(moved.notna(), moved.dt.strftime("%Y-%m-%d"), None),
                     index=stamps.index, dtype=object)
