"""Every CSV and XLSX file the toolkit writes goes through ``toolkit/io/outputs.py``.

That module neutralises cells a spreadsheet would run as formulas, quotes control characters
and writes atomically; a file written any other way would escape all three. This test reads
the package's source and fails on a direct writer anywhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "toolkit"

#: Ways of writing a table to a file without the shared writer.
DIRECT_WRITERS = re.compile(
    r"\.to_csv\(|\.to_excel\(|ExcelWriter\(|csv\.writer\(|csv\.DictWriter\(|"
    r"openpyxl\.Workbook\(|\bWorkbook\(\)|xlsxwriter|\.to_clipboard\(")

#: The one module allowed to write tables directly.
WRITER = PACKAGE / "io" / "outputs.py"

#: Files that still write directly, each with why; empty them as they move to io/outputs.
ALLOWED: set = set()  # every writer goes through toolkit.io.outputs


def _direct_writes(text: str) -> list[tuple[int, str]]:
    """Return (line number, line) of each direct table write in a module's source."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if code.lstrip().startswith((">>>", "...")):
            continue  # a docstring example
        if DIRECT_WRITERS.search(code):
            found.append((number, line.strip()))
    return found


def test_tables_are_written_only_by_the_shared_writer():
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line}"
                 for path in sorted(PACKAGE.rglob("*.py")) if path != WRITER and path not in ALLOWED
                 for number, line in _direct_writes(path.read_text(encoding="utf-8"))]
    assert not offenders, ("write CSV and XLSX files with toolkit.io.outputs "
                           "(write_csv_atomic, write_xlsx_atomic):\n" + "\n".join(offenders))


def test_the_check_finds_a_direct_writer():
    source = ("frame.to_csv(path, index=False)\n# frame.to_excel(path)\n"
              "    >>> frame.to_csv(path)\nbook = openpyxl.Workbook()\n"
              "with pd.ExcelWriter(path) as w:\nwriter = csv.writer(handle)\n"
              "write_csv_atomic(frame, path)\n")
    assert [n for n, _ in _direct_writes(source)] == [1, 4, 5, 6]


def test_the_allowed_files_still_need_it():
    """An allowed file that no longer writes directly must leave the list."""
    for path in ALLOWED:
        assert _direct_writes(path.read_text(encoding="utf-8")), (
            f"{path.name} no longer writes tables directly: remove it from ALLOWED")
