"""Files that would exhaust the machine end with a clear message, quickly and in bounded memory.

Each hostile file is read in a child process with its memory capped (``resource.RLIMIT_AS``),
so a regression shows as a failure here rather than as a machine that stops answering.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from toolkit.errors import InputFileError
from toolkit.io.readers import Limits, read_table

MEMORY_CAP = 1_500_000_000  # bytes the child may map: Python, pandas and openpyxl fit well under


def _declared_size_xlsx(path: Path) -> Path:
    """A tiny workbook whose sheet claims to be A1:XFD1048576 (17 billion cells)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Department"])
    sheet.append(["Ada Byron", "ada@example.org", "Maths"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"',
                              data)
                assert b"XFD1048576" in data
            dst.writestr(item, data)
    path.write_bytes(out.getvalue())
    return path


def _read_in_a_capped_child(path: Path) -> tuple[int, str, float]:
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))
        from toolkit.errors import ToolkitError
        from toolkit.io.readers import read_table
        try:
            table = read_table({str(path)!r})
        except ToolkitError as exc:
            print("MESSAGE:", exc)
            sys.exit(2)
        print("ROWS:", len(table.data), "COLUMNS:", len(table.headers))
    """)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def test_a_sheet_declaring_a_huge_size_is_read_by_its_real_cells(tmp_path):
    path = _declared_size_xlsx(tmp_path / "declared.xlsx")
    assert path.stat().st_size < 10_000
    code, out, seconds = _read_in_a_capped_child(path)
    assert code == 0, out
    assert "ROWS: 1 COLUMNS: 3" in out
    assert seconds < 30


def test_a_csv_with_a_million_columns_is_refused_quickly(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("name," + ",".join(f"c{i}" for i in range(1_000_000)) + "\nAda,1\n")
    code, out, seconds = _read_in_a_capped_child(path)
    assert code == 2, out
    assert "more columns than the toolkit reads (2,000)" in out
    assert "Traceback" not in out
    assert seconds < 30


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_columns_cells_and_cell_size_have_limits(tmp_path, kind):
    rows = [["Name", "Email"]] + [[f"P{i}", f"p{i}@example.org"] for i in range(30)]
    path = tmp_path / f"t.{kind}"
    if kind == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    else:
        book = openpyxl.Workbook()
        for r in rows:
            book.active.append(r)
        book.save(path)
    assert len(read_table(path).data) == 30
    with pytest.raises(InputFileError, match=r"more rows than the toolkit reads \(20\)"):
        read_table(path, limits=Limits(rows=20))
    with pytest.raises(InputFileError, match=r"more columns than the toolkit reads \(1\)"):
        read_table(path, limits=Limits(columns=1))
    with pytest.raises(InputFileError, match=r"more cells than the toolkit reads \(10\)"):
        read_table(path, limits=Limits(cells=10))
    with pytest.raises(InputFileError, match=r"row 2, column 2 holds 14 characters"):
        read_table(path, limits=Limits(cell_chars=10))
    with pytest.raises(InputFileError, match="more than the toolkit reads"):
        read_table(path, limits=Limits(file_bytes=100))


def test_an_xlsx_that_unpacks_to_too_much_is_refused(tmp_path):
    path = _declared_size_xlsx(tmp_path / "d.xlsx")
    with pytest.raises(InputFileError, match="unpacks to"):
        read_table(path, limits=Limits(unpacked_bytes=1_000))
