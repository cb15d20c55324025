"""Writing output files safely: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError

__all__ = ["atomic_write", "write_csv_atomic"]


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


def write_csv_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as UTF-8 CSV (no index) atomically; see :func:`atomic_write`."""
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"))
