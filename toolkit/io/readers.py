"""Reading form exports (CSV in any common encoding, XLSX) into tables of text.

Every input is bounded before it can exhaust the machine: the file's size, its rows, its
columns, the number of cells and the length of one cell each have a limit (:data:`LIMITS`)
that a real form export never meets; a file over one is refused with a message saying which
and by how much. An XLSX file is read by streaming over the cells that exist, never by the
size its sheet declares.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.errors import InputFileError

__all__ = ["LIMITS", "Limits", "Table", "read_table"]


@dataclass(frozen=True)
class Limits:
    """The most an input file may hold; far above any real form export.

    Attributes
    ----------
    file_bytes : int
        The file's size (default 100 MB).
    rows : int
        Records below the header (default 200,000).
    columns : int
        Columns (default 2,000).
    cells : int
        Rows times columns (default 20 million).
    cell_chars : int
        Characters in one cell (default 32,767, Excel's own limit).
    unpacked_bytes : int
        An XLSX file's contents once unpacked (default 1 GB).
    """

    file_bytes: int = 100_000_000
    rows: int = 200_000
    columns: int = 2_000
    cells: int = 20_000_000
    cell_chars: int = 32_767
    unpacked_bytes: int = 1_000_000_000


#: The limits every import uses unless given others.
LIMITS = Limits()

_NEUTRALISED = r"^'(?=[=+\-@\t\r])"
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row\s*>")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


@dataclass
class Table:
    """A form export read as text, with the spreadsheet row number of every record.

    Attributes
    ----------
    data : pandas.DataFrame
        One column per header, every cell as text ("" when empty), plus nothing else.
    rows : pandas.Series
        For each record, the row number a spreadsheet program shows (the header is row 1).
    headers : list of str
        The headers as written in the file.
    question_text : dict of str to str
        For exports with a second header row (Qualtrics), each header's question text.
    source : str
        The file name, for messages.
    sha256 : str
        The SHA-256 of the file's bytes (recorded with every run for audit).
    notices : list of str
        Things the lead should know that are not errors (e.g. the encoding that was assumed).
    """

    data: pd.DataFrame
    rows: pd.Series
    headers: list[str]
    source: str
    sha256: str
    question_text: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def _decode(raw: bytes, source: str) -> tuple[str, str | None]:
    """Decode CSV bytes: BOMs first, then UTF-8, then Windows-1252 with a notice."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), None
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"'{source}' starts like {encoding.upper()} text but byte {exc.start} cannot "
                    "be read: open it in Excel and save it again as 'CSV UTF-8 (Comma delimited)'."
                ) from None
    if b"\x00" in raw[:4096]:
        raise InputFileError(
            f"'{source}' is not a text file (it contains NUL bytes): export the form responses "
            "as CSV or XLSX."
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputFileError(
                f"'{source}' is neither UTF-8 nor Windows-1252 text (byte {utf8_error.start} "
                "cannot be read): open it in Excel and save it again as 'CSV UTF-8 (Comma "
                "delimited)'."
            ) from None
        return text, (
            f"'{source}' is not UTF-8; it was read as Windows-1252 (what Excel's plain 'CSV' "
            "format writes). If accented names look wrong, save it as 'CSV UTF-8' instead."
        )


def _sniff_delimiter(text: str) -> str:
    """Choose the separator that splits the header row into the most columns (comma on a tie).

    Only the header row decides: answers hold commas, semicolons and tabs of their own, so a
    guess from the rows below can split a file the toolkit itself wrote in the wrong places.
    """
    best, widest = ",", 1
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader(io.StringIO(text[:65_536], newline=""),
                                     delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(header) > widest:
            best, widest = delimiter, len(header)
    return best


def _too_many(source: str, what: str, limit: int) -> InputFileError:
    return InputFileError(
        f"'{source}' has more {what} than the toolkit reads ({limit:,}): this is not a form "
        "export the toolkit can use. Check that you chose the right file, or split it.")


def _check_record(record: list, number: int, source: str, limits: Limits) -> None:
    if len(record) > limits.columns:
        raise _too_many(source, "columns", limits.columns)
    for index, cell in enumerate(record):
        # A cell the toolkit wrote neutralised carries one apostrophe more than its text.
        if len(cell) - cell.startswith("'") > limits.cell_chars:
            raise InputFileError(
                f"'{source}', row {number}, column {index + 1} holds {len(cell):,} characters, "
                f"more than a spreadsheet cell can ({limits.cell_chars:,}): check that you "
                "chose the right file.")


def _read_csv(raw: bytes, source: str, limits: Limits
              ) -> tuple[list[tuple[int, list[str]]], list[str]]:
    text, notice = _decode(raw, source)
    delimiter = _sniff_delimiter(text)
    # The limit is the csv module's global setting: put it back afterwards, for other readers.
    previous = csv.field_size_limit(max(limits.cell_chars + 2, 1024))
    records: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        for number, record in enumerate(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if len(record) > limits.columns:
                raise _too_many(source, "columns", limits.columns)
            if not any(c.strip() for c in record):
                continue
            _check_record(record, number, source, limits)
            records.append((number, record))
            cells += len(record)
            if len(records) > limits.rows + 3:
                raise _too_many(source, "rows", limits.rows)
            if cells > limits.cells:
                raise _too_many(source, "cells", limits.cells)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputFileError(
                f"'{source}' has a cell longer than a spreadsheet cell can be "
                f"({limits.cell_chars:,} characters), or a quote mark that is never closed: "
                "check that you chose the right file, or export the responses again.") from None
        raise InputFileError(
            f"'{source}' is not a well-formed CSV file ({exc}): check for a stray quote mark, "
            "or export the responses again."
        ) from None
    finally:
        csv.field_size_limit(previous)
    return records, [notice] if notice else []


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


def _read_xlsx(raw: bytes, source: str, sheet: str | None, limits: Limits
               ) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked <= limits.unpacked_bytes:
                _check_sheet_sizes(archive, source, limits)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"'{source}' looks like an Excel workbook but cannot be opened ({exc}): open it in "
            "Excel, save it again as .xlsx, or export the responses as CSV.") from None
    if unpacked > limits.unpacked_bytes:
        raise InputFileError(
            f"'{source}' unpacks to {unpacked / 1e6:,.0f} MB, more than the toolkit reads "
            f"({limits.unpacked_bytes / 1e6:,.0f} MB): this is not a form export it can use.")
    import openpyxl  # loaded here: most exports are CSV (see LAZY_OK in the tests)

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputFileError(
            f"'{source}' looks like an Excel workbook but cannot be opened ({exc}): open it in "
            "Excel, save it again as .xlsx, or export the responses as CSV."
        ) from None
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise InputFileError(
            f"'{source}' cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}): "
            "save it again as .xlsx or export it as CSV."
        ) from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0] if book.worksheets else None
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise InputFileError(
                f"'{source}' has no sheet named '{sheet}'; its sheets are {book.sheetnames}: "
                "give one of those names."
            )
        if worksheet is None:
            raise InputFileError(f"'{source}' has no sheets: export the responses again.")
        # Stream over the cells that exist: the size a sheet declares may be anything.
        worksheet.reset_dimensions()
        records: list[tuple[int, list[str]]] = []
        cells = 0
        try:
            for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if len(row) > limits.columns:
                    raise _too_many(source, "columns", limits.columns)
                if not any(v is not None and str(v).strip() for v in row):
                    continue
                record = [_cell_text(v) for v in row]
                _check_record(record, number, source, limits)
                records.append((number, record))
                cells += len(record)
                if len(records) > limits.rows + 3:
                    raise _too_many(source, "rows", limits.rows)
                if cells > limits.cells:
                    raise _too_many(source, "cells", limits.cells)
        except InputFileError:
            raise
        except Exception as exc:  # a sheet that parses badly half-way
            raise InputFileError(
                f"'{source}' cannot be read to the end ({type(exc).__name__}: {exc}): open it "
                "in Excel, save it again as .xlsx, or export the responses as CSV.") from None
        return records
    finally:
        book.close()


def _check_sheet_sizes(archive: zipfile.ZipFile, source: str, limits: Limits) -> None:
    """Refuse a workbook with a sheet holding more rows or cells than :class:`Limits` allows.

    Runs before the workbook is opened, because opening a sheet that does not declare its
    size makes openpyxl parse all of it. The end tags of rows (an empty row has none) and the
    cells are counted while each sheet is unpacked in pieces, so memory stays small and a
    huge sheet is refused in about a second, without parsing a single cell.
    """
    most_rows = limits.rows + 3  # the header and up to two more header rows (Qualtrics)
    for info in archive.infolist():
        name = info.filename.lower()
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        rows = cells = 0
        tail = b""
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                cut = data.rfind(b"<")
                cut = len(data) if cut < 0 else cut
                rows += len(_ROW_END.findall(data, 0, cut))
                cells += len(_CELL_START.findall(data, 0, cut))
                tail = data[cut:]
                if rows > most_rows:
                    raise _too_many(source, "rows", limits.rows)
                if cells > limits.cells:
                    raise _too_many(source, "cells", limits.cells)


def read_table(path: str | Path, sheet: str | None = None, limits: Limits = LIMITS) -> Table:
    """Read a CSV or XLSX form export as text, keeping each record's spreadsheet row number.

    CSV files may be UTF-8 (with or without the byte-order mark Excel adds), UTF-16, or
    Windows-1252 (read with a notice); commas, semicolons and tabs are all recognised as
    separators. XLSX files are read from the first sheet unless ``sheet`` names another.
    Qualtrics exports (three header rows) are recognised and their question texts kept.
    Blank records are dropped here; they carry no data to lose.

    Parameters
    ----------
    path : str or Path
        The export.
    sheet : str, optional
        The worksheet to read from an XLSX file.
    limits : Limits, optional
        The most the file may hold (default :data:`LIMITS`).

    Returns
    -------
    Table

    Raises
    ------
    InputFileError
        If the file is missing, unreadable, empty, over a limit, or in a format the toolkit
        cannot read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("Name,Dept\\nAda,Maths\\n\\nBo,Physics\\n", encoding="utf-8-sig")
    >>> t = read_table(p)
    >>> t.headers, list(t.rows)
    (['Name', 'Dept'], [2, 4])
    """
    path = Path(path)
    source = path.name
    try:
        size = path.stat().st_size
        if size > limits.file_bytes and path.is_file():
            raise InputFileError(
                f"'{source}' is {size / 1e6:,.0f} MB, more than the toolkit reads "
                f"({limits.file_bytes / 1e6:,.0f} MB): this is not a form export it can use. "
                "Check that you chose the right file.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"The file '{path}' does not exist: check the path.") from None
    except IsADirectoryError:
        raise InputFileError(f"'{path}' is a folder, not a file: give the export's path.") from None
    except OSError as exc:
        raise InputFileError(f"The file '{path}' cannot be read ({exc.strerror}).") from None
    if not raw.strip():
        raise InputFileError(f"'{source}' is empty: export the form responses again.")
    notices: list[str] = []
    if raw.startswith(_OLE_MAGIC):
        raise InputFileError(
            f"'{source}' is an old-style Excel .xls file: open it in Excel and save it as .xlsx "
            "(Excel Workbook) or as CSV UTF-8."
        )
    if raw.startswith(_XLSX_MAGIC):
        numbered = _read_xlsx(raw, source, sheet, limits)
    else:
        if sheet is not None:
            notices.append(f"'{source}' is a CSV file, so the sheet name '{sheet}' was ignored.")
        numbered, more = _read_csv(raw, source, limits)
        notices += more
    if not numbered:
        raise InputFileError(f"'{source}' has no rows: export the form responses again.")
    header = numbered[0][1]
    # A header the toolkit wrote neutralised ('=...) reads back as the text it was.
    headers = [re.sub(_NEUTRALISED, "", str(h).strip()) for h in header]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise InputFileError(f"'{source}' has no header row: the first row must name the columns.")
    body = numbered[1:]
    question_text: dict[str, str] = {}
    if len(body) >= 2 and str(body[1][1][0] if body[1][1] else "").startswith('{"ImportId"'):
        question_text = {h: str(q).strip() for h, q in zip(headers, body[0][1], strict=False)}
        body = body[2:]
        notices.append(f"'{source}' is a Qualtrics export: its two extra header rows were skipped.")
    headers = _unique_headers(headers)
    width = len(headers)
    cells = []
    for _, record in body:
        values = [str(c) for c in record[:width]]
        values += [""] * (width - len(values))
        cells.append(values)
    data = pd.DataFrame(cells, columns=headers, dtype="string") if cells else pd.DataFrame(
        {h: pd.Series(dtype="string") for h in headers}
    )
    # A cell the toolkit wrote neutralised ('=...) reads back as the text it was.
    data = data.apply(lambda col: col.str.replace(_NEUTRALISED, "", regex=True))
    rows = pd.Series([n for n, _ in body], dtype="int64", name="row")
    return Table(
        data=data,
        rows=rows,
        headers=headers,
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        question_text=question_text,
        notices=notices,
    )


def _unique_headers(headers: list[str]) -> list[str]:
    """Name blank headers and make repeated ones unique, as spreadsheets allow both."""
    seen: dict[str, int] = {}
    out = []
    for index, header in enumerate(headers):
        name = header or f"Column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out
