"""The retention setting: how many months after a cohort ended its people's data is kept."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toolkit.errors import SettingsError
from toolkit.io.settings import read_settings

__all__ = ["RETENTION_SETTING", "no_retention_message", "read_retention_months"]

#: The key of the retention setting in the scheme's settings file (the same file as the rule
#: and term settings of :mod:`toolkit.relationships.settings`).
RETENTION_SETTING = "retention_months"


def no_retention_message() -> str:
    """Say how to give the retention period when none was given.

    Examples
    --------
    >>> no_retention_message()[:35]
    'No retention period was given: pass'
    """
    return ("No retention period was given: pass --older-than-months N (or --months N), or a "
            f'settings file holding {{"{RETENTION_SETTING}": 24}}.')


def read_retention_months(source: str | Path | Mapping[str, Any] | None = None,
                          months: int | None = None) -> int:
    """Return the retention period in months: ``months`` if given, else the settings file's.

    Parameters
    ----------
    source : str, Path, mapping or None
        The scheme's JSON settings file (other settings in it are left alone).
    months : int, optional
        The period given on the command line or in the notebook; wins over the file.

    Raises
    ------
    SettingsError
        If neither gives a period, or it is not a whole number of months (0 or more).

    Examples
    --------
    >>> read_retention_months({"retention_months": 24, "term_months": 12})
    24
    >>> read_retention_months({"retention_months": 24}, months=6)
    6
    >>> read_retention_months({"retention_months": -1})
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The retention period must be a whole number of months, 0 or \
more (got -1).
    """
    if months is None:
        months = read_settings(source, "settings").get(RETENTION_SETTING)
    if months is None:
        raise SettingsError(no_retention_message())
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise SettingsError("The retention period must be a whole number of months, 0 or "
                            f"more (got {months!r}).")
    return months
