"""Shared building blocks with no input or output, that every feature builds on.

Ladders of grades, the line-management chain, the exact assignment solver, disclosure control,
the statuses of a pair, and the one way the toolkit folds text, reads dates and reads form
answers. Nothing here reads a file, touches the store or draws.
"""

from toolkit.core.assignment import OBJECTIVES, solve_assignment
from toolkit.core.dates import add_months, as_date, iso_dates, parse_dates, today
from toolkit.core.disclosure import HESA_RULE, RULES, DisclosureRule, get_rule
from toolkit.core.ladder import DEFAULT_LADDER, LADDERS, Ladder, load_ladder, resolve_ladder
from toolkit.core.management import ancestors, chain_mask
from toolkit.core.statuses import FINISHED, MATCHED, RUNNING, STATUSES, TRANSITIONS
from toolkit.core.text import EMAIL_PATTERN, fold, fold_key, normalise_emails
from toolkit.core.version import __version__, library_versions

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
