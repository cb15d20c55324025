"""Settings files: one reader for every JSON settings file a lead may write.

Weights, warning rules, column mappings, ladders and a scheme's rules are all small JSON
objects. They are read here, so every one of them gives the same clear messages when the file
is missing, is not JSON, is not an object, or names a setting that does not exist.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from toolkit.errors import SettingsError

__all__ = ["read_settings"]


def read_settings(source: str | Path | Mapping[str, Any] | None, what: str = "settings",
                  allowed: Iterable[str] | None = None,
                  example: str | None = None) -> dict[str, Any]:
    """Read a JSON object of settings from a file (or take a mapping as it is).

    Parameters
    ----------
    source : str, Path, mapping or None
        The JSON file, or the settings themselves; None gives an empty dict.
    what : str
        What the file holds, for messages ("weights", "column mapping").
    allowed : iterable of str, optional
        The settings that exist; any other key is refused, with the closest name suggested.
    example : str, optional
        A short example of the file, shown when it is not valid.

    Returns
    -------
    dict
        A new dict of the settings.

    Raises
    ------
    SettingsError
        If the file is missing or unreadable, is not one JSON object, or names a setting
        that is not in ``allowed``.

    Examples
    --------
    >>> read_settings({"topics": 1}, "weights", allowed=["topics", "seniority"])
    {'topics': 1}
    >>> read_settings({"topic": 1}, "weights", allowed=["topics", "seniority"])
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The weights: 'topic' is not a setting (did you mean 'topics'?); \
the settings are ['seniority', 'topics'].
    """
    hint = f" It must look like {example}." if example else ""
    if source is None:
        return {}
    if isinstance(source, Mapping):
        data: Any = dict(source)
        where = f"The {what}"
    else:
        path = Path(source)
        where = f"The {what} file '{path}'"
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SettingsError(f"{where} does not exist: check the path.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{where} cannot be read ({exc}): save it as UTF-8 text."
                                ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SettingsError(
                f"{where} is not valid JSON ({exc.msg} on line {exc.lineno}).{hint}") from None
        if not isinstance(data, dict):
            raise SettingsError(f"{where} must hold one JSON object {{...}}.{hint}")
    if allowed is not None:
        names = sorted(set(allowed))
        for key in data:
            if key not in names:
                close = difflib.get_close_matches(str(key), names, n=1)
                maybe = f" (did you mean '{close[0]}'?)" if close else ""
                raise SettingsError(f"{where}: '{key}' is not a setting{maybe}; the settings "
                                    f"are {names}.")
    return data
