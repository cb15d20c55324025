"""The toolkit's exceptions: one small tree whose messages a scheme lead can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "InputFileError",
    "LifecycleError",
    "NotReadyError",
    "RowProblemsError",
    "RuleError",
    "SettingsError",
    "StoreError",
    "ToolkitError",
]


class ToolkitError(Exception):
    """Base class for every error the toolkit raises on purpose.

    The message always says what went wrong, where, and what to do next. The
    command line and the notebook widgets catch this class and show the message
    instead of a traceback.
    """

    #: Exit status the command line uses for this kind of error.
    exit_code = 2


class InputFileError(ToolkitError):
    """A file cannot be used at all: unreadable, empty, undecodable, a required column missing."""

    exit_code = 2


class SettingsError(ToolkitError):
    """A settings file or parameter (weights, ladder, mapping, thresholds) is not valid."""

    exit_code = 2


class RowProblemsError(ToolkitError):
    """Some rows of an input have problems; ``problems`` lists every one of them.

    Parameters
    ----------
    message : str
        A summary sentence.
    problems : pandas.DataFrame
        One row per problem with columns ``row, field, value, problem``.
    """

    exit_code = 1

    def __init__(self, message: str, problems: pd.DataFrame) -> None:
        super().__init__(message)
        self.problems = problems


class RuleError(ToolkitError):
    """A requested pair or group breaks one of the scheme's hard rules (the rule is named)."""

    exit_code = 1


class LifecycleError(ToolkitError):
    """A change of a pair's status that the lifecycle does not allow; nothing was changed."""

    exit_code = 1


class StoreError(ToolkitError):
    """The scheme store cannot be opened or written; the store is left as it was."""

    exit_code = 2


class NotReadyError(StoreError):
    """An earlier step has not been done yet, such as a new scheme that has no store.

    The message says which page and which button come first; pages show it as a note.
    """
