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

from .helpers import HEADER, person

MEMORY_CAP = 1_500_000_000  # bytes the child may map: Python, pandas and openpyxl fit well under


def _declared_size_xlsx(path: Path, rows: tuple[list[str], ...] = (
        ["Name", "Email", "Department"], ["Ada Byron", "ada@example.org", "Maths"])) -> Path:
    """A tiny workbook whose sheet claims to be A1:XFD1048576 (17 billion cells)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
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


# -- the command line, in a child whose memory is capped --------------------------------------

_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<sheetData>")
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Form1" sheetId="1" r:id="rId1"'
        '/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _long_xlsx(path: Path, rows: int) -> Path:
    """A workbook of ``rows`` sign-ups written as XML straight into the zip (no dimension)."""
    def cell(ref: bytes, text: bytes) -> bytes:
        return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD + b'<row r="1">' + cell(b"A1", b"Name")
                        + cell(b"B1", b"Email") + b"</row>")
            for start in range(2, rows + 2, 10_000):
                sheet.write(b"".join(
                    b'<row r="%d">%s%s</row>' % (r, cell(b"A%d" % r, b"P%d" % r),
                                                 cell(b"B%d" % r, b"p%d@example.org" % r))
                    for r in range(start, min(start + 10_000, rows + 2))))
            sheet.write(b"</sheetData></worksheet>")
    return path


def _cap_memory() -> None:  # runs in the child before it starts Python
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _validate_in_a_capped_child(path: Path) -> tuple[int, str, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "toolkit", "validate", str(path)],
                          capture_output=True, text=True, timeout=120, preexec_fn=_cap_memory,
                          cwd=Path(__file__).resolve().parents[1])
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def test_validate_reads_a_declared_huge_sheet_by_its_real_cells(tmp_path):
    code, out, seconds = _validate_in_a_capped_child(_declared_size_xlsx(
        tmp_path / "declared.xlsx", (HEADER, person(), person("Bo Chen", "bo@example.org",
                                                             role="mentee"))))
    assert code == 0, out
    assert "'declared.xlsx': 2 sign-ups, no problems." in out
    assert seconds < 30


def test_validate_refuses_a_csv_with_a_million_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("Name," + ",".join(f"c{i}" for i in range(1_000_000)) + "\nAda,1\n")
    code, out, seconds = _validate_in_a_capped_child(path)
    assert code == 2, out
    assert "Error: 'wide.csv' has more columns than the toolkit reads (2,000)" in out
    assert "Traceback" not in out
    assert seconds < 30


def test_validate_refuses_an_xlsx_with_a_million_and_a_half_rows(tmp_path):
    path = _long_xlsx(tmp_path / "long.xlsx", 1_500_000)
    assert path.stat().st_size < 40_000_000
    code, out, seconds = _validate_in_a_capped_child(path)
    assert code == 2, out
    assert "Error: 'long.xlsx' has more rows than the toolkit reads (200,000)" in out
    assert "Traceback" not in out
    assert seconds < 30


def test_rows_of_a_sheet_are_counted_before_it_is_opened(tmp_path):
    """The count that refuses a long sheet is exact: one row over the limit, not one under."""
    path = _long_xlsx(tmp_path / "edge.xlsx", 50)
    assert len(read_table(path).data) == 50
    # The header and up to two more header rows (Qualtrics) come on top of the limit.
    assert len(read_table(path, limits=Limits(rows=48, cells=102)).data) == 50
    with pytest.raises(InputFileError, match=r"more rows than the toolkit reads \(47\)"):
        read_table(path, limits=Limits(rows=47))
    with pytest.raises(InputFileError, match=r"more cells than the toolkit reads \(101\)"):
        read_table(path, limits=Limits(cells=101))
