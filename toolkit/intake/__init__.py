"""Sign-up intake: read a form export, map its columns, check every row, count who signed up.

:func:`read_signups` reads a CSV or XLSX export and returns a :class:`SignupImport`: the clean
sign-ups, every problem with its spreadsheet row, and the rows set aside.
:func:`signup_counts` counts them by role within each department or grade (the chart is
:func:`toolkit.plots.intake.plot_signup_counts`).
"""

from toolkit.intake.overview import signup_counts
from toolkit.intake.service import SavedImport, save_signups_to_store
from toolkit.intake.signups import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    SignupImport,
    find_signup_columns,
    read_signups,
    validate_signups,
)

__all__ = [
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "SavedImport",
    "SignupImport",
    "find_signup_columns",
    "read_signups",
    "save_signups_to_store",
    "signup_counts",
    "validate_signups",
]
