"""The lead's settings file for following pairs: the warning rules and the pair's term."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from toolkit.errors import SettingsError
from toolkit.io.settings import read_settings
from toolkit.relationships.alerts import AlertRules
from toolkit.relationships.lifecycle import Lifecycle

__all__ = ["SETTINGS_EXAMPLE", "SETTING_NAMES", "bad_pace_message", "read_relationship_settings"]

#: Every setting the file may hold: the rules' (:class:`AlertRules`) and the term's
#: (:class:`Lifecycle`), and ``retention_months`` (read by :mod:`toolkit.privacy.settings`),
#: so one settings file serves the whole scheme.
SETTING_NAMES = (*(f.name for f in (*fields(AlertRules), *fields(Lifecycle))),
                 "retention_months")
#: An example of the file, shown when it is not valid.
SETTINGS_EXAMPLE = ('{"first_meeting_weeks": 4, "pace": [[4, 1], [8, 2], [12, 3]], '
                    '"term_end_days": 45, "one_side_cancellations": 3, "mid_term_months": 6, '
                    '"max_renewals": null}')


def bad_pace_message() -> str:
    """Return the message for a ``pace`` that is not a list of [months, meetings] pairs.

    Examples
    --------
    >>> bad_pace_message()[:40]
    "'pace' must be a list of [months, meetin"
    """
    return ("'pace' must be a list of [months, meetings] pairs, such as [[4, 1], [8, 2], "
            "[12, 3]].")


def read_relationship_settings(source: str | Path | Mapping[str, Any] | None
                               ) -> tuple[AlertRules, Lifecycle]:
    """Read the warning rules' and the lifecycle's settings from a JSON file (or a mapping).

    Any of ``first_meeting_weeks``, ``pace`` (a list of [months, meetings], for the pairs
    with no agreed number of meetings a year), ``cancellations_in_a_row``,
    ``term_end_days``, ``mentor_withdrawals_min``, ``one_side_cancellations``,
    ``mid_term_months``, ``mid_term_window_days``, ``enabled`` (a list of rule names),
    ``term_months``,
    ``renewal_months`` and ``max_renewals`` (``null``, the default, for no limit); the rest
    keep their defaults. ``None`` gives the defaults. The file is read by
    :func:`toolkit.io.settings.read_settings`, so it gives the same messages as every
    settings file.

    Returns
    -------
    tuple of (AlertRules, Lifecycle)

    Raises
    ------
    SettingsError
        If the file cannot be read, names a setting that does not exist, or holds a value
        that is not allowed.

    Examples
    --------
    >>> rules, lifecycle = read_relationship_settings({"pace": [[6, 1], [12, 2]],
    ...                                                "max_renewals": 0})
    >>> rules.pace, lifecycle.max_renewals
    (((6, 1), (12, 2)), 0)
    >>> read_relationship_settings({"weeks": 3})
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The rule and term settings: 'weeks' is not a setting; ...
    """
    data = read_settings(source, "rule and term settings", allowed=SETTING_NAMES,
                         example=SETTINGS_EXAMPLE)
    rule_names = {f.name for f in fields(AlertRules)}
    lifecycle_names = {f.name for f in fields(Lifecycle)}
    rules = {k: v for k, v in data.items() if k in rule_names}
    if "pace" in rules:
        try:
            rules["pace"] = tuple((int(m), int(n)) for m, n in rules["pace"])
        except (TypeError, ValueError):
            raise SettingsError(bad_pace_message()) from None
    if "enabled" in rules:
        rules["enabled"] = tuple(rules["enabled"])
    return AlertRules(**rules), Lifecycle(**{k: v for k, v in data.items()
                                            if k not in rule_names and k in lifecycle_names})
