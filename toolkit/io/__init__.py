"""Files in and out: exports read, their columns found, row problems collected, outputs written.

Every importer reads its file with :func:`read_table`, finds its columns with
:func:`find_columns` and checks its rows with a :class:`RowChecker`; settings files are read
with :func:`read_settings` and lead-editable templates with :func:`read_template`; outputs are
written with :func:`atomic_write` so a failure never leaves half a file.
"""

from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.outputs import atomic_write, write_csv_atomic
from toolkit.io.problems import (
    PROBLEM_COLUMNS,
    ProblemReport,
    RowChecker,
    collect_problems,
    format_problems,
    problem_rows,
)
from toolkit.io.readers import Table, read_table
from toolkit.io.settings import read_settings
from toolkit.io.templates import Template, read_template

__all__ = [
    "PROBLEM_COLUMNS",
    "ProblemReport",
    "RowChecker",
    "Table",
    "Template",
    "atomic_write",
    "collect_problems",
    "find_columns",
    "format_problems",
    "problem_rows",
    "read_mapping",
    "read_settings",
    "read_table",
    "read_template",
    "write_csv_atomic",
]
