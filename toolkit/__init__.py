"""Mentoring Scheme Toolkit: run mentoring, coaching and UnMentoring schemes from notebooks."""

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    InputFileError,
    LifecycleError,
    RowProblemsError,
    RuleError,
    SettingsError,
    StoreError,
    ToolkitError,
)
from .ladder import DEFAULT_LADDER, LADDERS, Ladder, load_ladder
from .matching import MatchResult, MentorMatcher, match_mentors
from .readers import read_table
from .signups import SignupImport, read_signups, validate_signups
from .store import Store, open_store

try:
    __version__ = version("mentoring-toolkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "DEFAULT_LADDER",
    "LADDERS",
    "InputFileError",
    "Ladder",
    "LifecycleError",
    "MatchResult",
    "MentorMatcher",
    "RowProblemsError",
    "RuleError",
    "SettingsError",
    "SignupImport",
    "Store",
    "StoreError",
    "ToolkitError",
    "__version__",
    "load_ladder",
    "match_mentors",
    "open_store",
    "read_signups",
    "read_table",
    "validate_signups",
]
