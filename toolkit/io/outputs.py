"""Writing output files safely: whole or not at all, and harmless when a spreadsheet opens them.

Every file is written to a temporary file beside the target and renamed over it, so a failure
never leaves half a file. Every CSV and XLSX file the toolkit writes goes through
:func:`write_csv_atomic` or :func:`write_xlsx_atomic`, which neutralise cells a spreadsheet
would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe, the OWASP rule against CSV injection), quote every text cell
in a CSV (so a line break inside a name never splits a row) and write text as text in XLSX.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError

__all__ = [
    "FORMULA_PREFIXES",
    "atomic_write",
    "neutralise",
    "neutralise_frame",
    "write_csv_atomic",
    "write_csv_blocks_atomic",
    "write_xlsx_atomic",
]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d+)?|\.\d+)%?$")


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Write a file so that it is either wholly new or left exactly as it was.

    ``write`` is called with a temporary path in the same folder; on success the temporary
    file replaces ``path`` in one rename, on any error it is removed and ``path`` is untouched.

    Parameters
    ----------
    path : str or Path
        The file to (re)write; its folder is created if needed.
    write : callable
        Writes the content to the path it is given.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> _ = atomic_write(target, lambda tmp: tmp.write_text("hello"))
    >>> target.read_text()
    'hello'
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolkitError(f"Cannot create the folder '{path.parent}' ({exc.strerror}).") from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def neutralise(value: object) -> object:
    r"""Return a cell's value so that no spreadsheet runs it as a formula.

    Text starting with a formula character gets a leading apostrophe (a plain number such as
    ``-3`` or ``+5%`` is left alone); anything else is returned unchanged.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\"http://example.net\")")
    '\'=HYPERLINK("http://example.net")'
    >>> neutralise("-3"), neutralise("@risk"), neutralise("Ada"), neutralise(7)
    ('-3', "'@risk", 'Ada', 7)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) \
            and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell (and header) :func:`neutralise`-d."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        values = out[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
                or pd.api.types.is_datetime64_any_dtype(values)):
            out[column] = pd.Series([neutralise(v) for v in values], index=out.index,
                                    dtype=object)
    return out


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise a table for CSV, and write NUL bytes as the replacement character."""
    safe = neutralise_frame(frame)
    # A NUL byte makes the file look binary to every reader (the toolkit's too): write the
    # replacement character instead, as the XLSX writer does for what XML cannot hold.
    safe.columns = [c.replace("\x00", "\ufffd") for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = [v.replace("\x00", "\ufffd") if isinstance(v, str) else v
                            for v in safe[column]]
    return safe


def write_csv_blocks_atomic(blocks: Iterable[pd.DataFrame], path: str | Path) -> Path:
    r"""Write a table that comes in blocks of rows as one CSV, atomically, a block at a time.

    For tables too large to hold at once (every pair a national scheme allows): each block
    is written as :func:`write_csv_atomic` writes a table (neutralised, text quoted) and
    then let go, so memory stays at one block. The header is the first block's; ``blocks``
    must give at least one (it may be empty).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> parts = (pd.DataFrame({"name": [n], "n": [k]}) for k, n in enumerate(["=1", "Bo"]))
    >>> _ = write_csv_blocks_atomic(parts, path)
    >>> path.read_bytes()
    b'"name","n"\n"\'=1",0\n"Bo",1\n'
    """

    def write(tmp: Path) -> None:
        first = True
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            for block in blocks:
                _csv_safe(block).to_csv(handle, index=False, header=first,
                                        quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
                first = False
        if first:
            raise ValueError("write_csv_blocks_atomic needs at least one block (for the header)")

    return atomic_write(path, write)


def write_csv_atomic(frame: pd.DataFrame, path: str | Path, quote_text: bool = True) -> Path:
    r"""Write a DataFrame as UTF-8 CSV (no index), neutralised and quoted, atomically.

    Every text cell is quoted and formula-like text is neutralised (:func:`neutralise`), so
    a spreadsheet shows exactly the text and a line break or carriage return inside a cell
    never starts a new row. See :func:`atomic_write`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : str or Path
        The file to write.
    quote_text : bool
        Quote every text cell (default). ``False`` quotes only the cells that need it (a
        comma, a quote mark, a line break or a carriage return inside), as a form export
        does: for the sample files, which stand for such exports. Cells are neutralised
        either way.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = write_csv_atomic(pd.DataFrame({"name": ["=1+1", "Bo\rChen"], "n": [1, 2]}), path)
    >>> path.read_bytes()
    b'"name","n"\n"\'=1+1",1\n"Bo\rChen",2\n'
    >>> pd.read_csv(path)["name"].tolist()
    ["'=1+1", 'Bo\rChen']
    """
    safe = _csv_safe(frame)
    # csv leaves a lone carriage return unquoted when lines end in "\n", and a reader then
    # starts a new row there: a table holding one is always written with its text quoted.
    if not quote_text and any(isinstance(v, str) and "\r" in v
                              for v in [*safe.columns, *safe.to_numpy().ravel()]):
        quote_text = True
    quoting = csv.QUOTE_NONNUMERIC if quote_text else csv.QUOTE_MINIMAL
    return atomic_write(path, lambda tmp: safe.to_csv(
        tmp, index=False, encoding="utf-8", quoting=quoting, lineterminator="\n"))


#: The control characters an XLSX file cannot hold (openpyxl refuses them): shown as U+FFFD.
_NOT_IN_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _xlsx_text(value: object) -> object:
    if isinstance(value, str):
        return _NOT_IN_XLSX.sub("\ufffd", value)
    if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_xlsx_atomic(path: str | Path, sheets: Mapping[str, pd.DataFrame],
                      widths: Mapping[str, float] | None = None) -> Path:
    """Write sheets of tables to one XLSX workbook, text as text, atomically.

    Text cells are stored as text (never as formulas, whatever their first character);
    numbers stay numbers. Each sheet's header row is bold and frozen, and columns are as wide
    as their contents (up to 60 characters) unless ``widths`` names a column's width.

    Parameters
    ----------
    path : str or Path
        The workbook to write.
    sheets : mapping of str to pandas.DataFrame
        Sheet name (cut to Excel's 31 characters) -> table.
    widths : mapping of str to float, optional
        Column header -> width in characters.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> _ = write_xlsx_atomic(path, {"People": pd.DataFrame({"name": ["=1+1"], "n": [3]})})
    >>> import openpyxl
    >>> cell = openpyxl.load_workbook(path)["People"]["A2"]
    >>> cell.value, cell.data_type
    ('=1+1', 's')
    """
    widths = dict(widths or {})

    def write(tmp: Path) -> None:
        import openpyxl  # loaded here: most outputs are CSV (see LAZY_OK in the tests)
        from openpyxl.utils import get_column_letter

        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, table in sheets.items():
            sheet = book.create_sheet(str(name)[:31])
            headers = [str(c) for c in table.columns]
            for col, header in enumerate(headers, start=1):
                cell = sheet.cell(row=1, column=col, value=_xlsx_text(header))
                cell.data_type = "s"
                cell.font = openpyxl.styles.Font(bold=True)
            for row, record in enumerate(table.itertuples(index=False), start=2):
                for col, value in enumerate(record, start=1):
                    cell = sheet.cell(row=row, column=col, value=_xlsx_text(value))
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            sheet.freeze_panes = "A2"
            for col, header in enumerate(headers, start=1):
                longest = max([len(header), *(len(str(v)) for v in table.iloc[:, col - 1])])
                sheet.column_dimensions[get_column_letter(col)].width = widths.get(
                    header, min(60, longest + 2))
        book.save(tmp)

    return atomic_write(path, write)
