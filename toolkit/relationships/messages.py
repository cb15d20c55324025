"""Drafted messages for early warnings, from the shipped templates or the lead's own copies.

Each rule has a template, ``alert_<rule>.txt``: plain text with ``{placeholders}``
(:data:`~toolkit.relationships.alerts.MESSAGE_PLACEHOLDERS`), the same syntax and the same
names as the introduction e-mails (``{mentee_first_name}``, ``{mentor_name}``...). A lead's
copy written for an earlier release with ``{mentee_first}`` or ``{mentor_first}`` still works
in this release, with a notice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.errors import SettingsError
from toolkit.io.templates import Template, read_template
from toolkit.relationships.alerts import (
    MESSAGE_PLACEHOLDERS,
    RULES,
    AlertRules,
    message_values,
)
from toolkit.relationships.lifecycle import Lifecycle

__all__ = [
    "LEGACY_PLACEHOLDERS",
    "draft_messages",
    "legacy_placeholder_notice",
    "missing_folder_message",
    "read_alert_templates",
]

#: Placeholders of earlier releases, still accepted in a lead's own templates: old -> new.
LEGACY_PLACEHOLDERS = {"mentee_first": "mentee_first_name", "mentor_first": "mentor_first_name"}


def missing_folder_message(folder: Path) -> str:
    """Return the message for a templates folder that does not exist.

    Examples
    --------
    >>> missing_folder_message(Path("ours"))
    "The templates folder 'ours' does not exist: check the path."
    """
    return f"The templates folder '{folder}' does not exist: check the path."


def legacy_placeholder_notice(source: str, old: str) -> str:
    """Return the notice for a template using a placeholder of an earlier release.

    Examples
    --------
    >>> legacy_placeholder_notice("The template 'a.txt'", "mentee_first")
    "The template 'a.txt' uses {mentee_first}; it still works in this release, but write \
{mentee_first_name} from now on."
    """
    return (f"{source} uses {{{old}}}; it still works in this release, but write "
            f"{{{LEGACY_PLACEHOLDERS[old]}}} from now on.")


def read_alert_templates(folder: str | Path | None = None) -> dict[str, Template]:
    """Return the message template of each rule: the shipped ones, or the lead's own.

    A folder may hold ``alert_<rule>.txt`` files (copies of the shipped ones, edited); any
    rule without a file there keeps the shipped wording. Every template is checked before
    anything is drafted: a placeholder that is not one of
    :data:`~toolkit.relationships.alerts.MESSAGE_PLACEHOLDERS` stops with a message naming
    it. A template using an older placeholder (:data:`LEGACY_PLACEHOLDERS`) carries a notice
    in its ``notices``.

    Raises
    ------
    SettingsError
        If the folder does not exist, or a template is not valid.

    Examples
    --------
    >>> read_alert_templates()["no_first_meeting"].text.splitlines()[0]
    'Subject: Your mentoring pair: has your first meeting taken place?'
    """
    own = None
    if folder is not None:
        own = Path(folder)
        if not own.is_dir():
            raise SettingsError(missing_folder_message(own))
    allowed = (*MESSAGE_PLACEHOLDERS, *LEGACY_PLACEHOLDERS)
    templates = {}
    for name in RULES:
        path = None if own is None or not (own / f"alert_{name}.txt").exists() else (
            own / f"alert_{name}.txt")
        template = read_template(path, f"alert_{name}.txt", allowed)
        template.notices += [legacy_placeholder_notice(template.source, old)
                             for old in LEGACY_PLACEHOLDERS if old in template.fields]
        templates[name] = template
    return templates


def draft_messages(warnings: pd.DataFrame, pairs: pd.DataFrame | None = None,
                   templates: dict[str, Template] | None = None, rules: AlertRules | None = None,
                   lifecycle: Lifecycle | None = None) -> pd.Series:
    """Draft a message for each warning from its rule's template (for the lead to edit).

    Parameters
    ----------
    warnings : pandas.DataFrame
        :func:`~toolkit.relationships.alerts.check_pairs`' warnings.
    pairs : pandas.DataFrame, optional
        :func:`~toolkit.relationships.changes.pair_table`, for start and term dates.
    templates : dict, optional
        :func:`read_alert_templates` (default: the shipped ones).
    rules, lifecycle : optional
        For the yearly target and the renewal sentence.

    Returns
    -------
    pandas.Series
        The drafts, aligned with ``warnings``.

    Examples
    --------
    >>> w = pd.DataFrame({"rule": ["cancellations"], "pair_id": [1],
    ...     "mentee_name": ["Ada Byron"], "mentor_name": ["Bo Chen"], "detail": [""],
    ...     "since": [""]})
    >>> draft_messages(w).iloc[0].splitlines()[2]
    'Dear Ada and Bo,'
    """
    templates = templates or read_alert_templates()
    drafts = []
    for rec, values in zip(warnings.to_dict("records"),
                           message_values(warnings, pairs, rules, lifecycle), strict=True):
        values.update({old: values[new] for old, new in LEGACY_PLACEHOLDERS.items()})
        drafts.append(templates[rec["rule"]].render(values))
    return pd.Series(drafts, index=warnings.index, dtype=object)
