"""Shared building blocks with no input or output, that every feature builds on.

Ladders of grades, the line-management chain, the exact assignment solver, disclosure control,
the statuses of a pair, and the one way the toolkit folds text, reads dates and reads form
answers. Nothing here reads a file, touches the store or draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.core.lazy import lazy_names

if TYPE_CHECKING:  # for type checkers and editors; at run time each name loads on first use
    from toolkit.core.assignment import OBJECTIVES, solve_assignment
    from toolkit.core.dates import add_months, as_date, iso_dates, parse_dates, today
    from toolkit.core.disclosure import HESA_RULE, RULES, DisclosureRule, get_rule
    from toolkit.core.ladder import DEFAULT_LADDER, LADDERS, Ladder, load_ladder, resolve_ladder
    from toolkit.core.management import ancestors, chain_mask
    from toolkit.core.statuses import FINISHED, MATCHED, RUNNING, STATUSES, TRANSITIONS
    from toolkit.core.text import EMAIL_PATTERN, fold, fold_key, normalise_emails
    from toolkit.core.version import __version__, library_versions

#: Where each public name lives (loaded on first use: see :mod:`toolkit.core.lazy`).
_WHERE = {
    "__version__": "toolkit.core.version",
    "add_months": "toolkit.core.dates",
    "ancestors": "toolkit.core.management",
    "as_date": "toolkit.core.dates",
    "chain_mask": "toolkit.core.management",
    "DEFAULT_LADDER": "toolkit.core.ladder",
    "DisclosureRule": "toolkit.core.disclosure",
    "EMAIL_PATTERN": "toolkit.core.text",
    "FINISHED": "toolkit.core.statuses",
    "fold": "toolkit.core.text",
    "fold_key": "toolkit.core.text",
    "get_rule": "toolkit.core.disclosure",
    "HESA_RULE": "toolkit.core.disclosure",
    "iso_dates": "toolkit.core.dates",
    "Ladder": "toolkit.core.ladder",
    "LADDERS": "toolkit.core.ladder",
    "library_versions": "toolkit.core.version",
    "load_ladder": "toolkit.core.ladder",
    "MATCHED": "toolkit.core.statuses",
    "normalise_emails": "toolkit.core.text",
    "OBJECTIVES": "toolkit.core.assignment",
    "parse_dates": "toolkit.core.dates",
    "resolve_ladder": "toolkit.core.ladder",
    "RULES": "toolkit.core.disclosure",
    "RUNNING": "toolkit.core.statuses",
    "solve_assignment": "toolkit.core.assignment",
    "STATUSES": "toolkit.core.statuses",
    "today": "toolkit.core.dates",
    "TRANSITIONS": "toolkit.core.statuses",
}

__all__ = [
    "DEFAULT_LADDER",
    "EMAIL_PATTERN",
    "FINISHED",
    "HESA_RULE",
    "LADDERS",
    "MATCHED",
    "OBJECTIVES",
    "RULES",
    "RUNNING",
    "STATUSES",
    "TRANSITIONS",
    "DisclosureRule",
    "Ladder",
    "__version__",
    "add_months",
    "ancestors",
    "as_date",
    "chain_mask",
    "fold",
    "fold_key",
    "get_rule",
    "iso_dates",
    "library_versions",
    "load_ladder",
    "normalise_emails",
    "parse_dates",
    "resolve_ladder",
    "solve_assignment",
    "today",
]

__getattr__ = lazy_names("toolkit.core", _WHERE, globals())
