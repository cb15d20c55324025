"""Mentoring Scheme Toolkit: run mentoring, coaching and UnMentoring schemes from notebooks."""

from toolkit.core.ladder import DEFAULT_LADDER, LADDERS, Ladder, load_ladder
from toolkit.core.version import __version__
from toolkit.errors import (
    InputFileError,
    LifecycleError,
    RowProblemsError,
    RuleError,
    SettingsError,
    StoreError,
    ToolkitError,
)
from toolkit.intake.signups import SignupImport, read_signups, validate_signups
from toolkit.io.readers import read_table
from toolkit.pairing.matching import MatchResult, MentorMatcher, match_mentors
from toolkit.store.connection import Store, open_store

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
