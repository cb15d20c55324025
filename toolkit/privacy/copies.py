"""Files outside the store that still hold a person's address after an erasure.

An erasure changes the store (and the UnMentoring history file when given), but a scheme's
folder also keeps the lead's own files: the form exports uploaded into ``imports``, the
UnMentoring sign-up list, and what the toolkit wrote into ``exports`` (drafts, agreements,
calendar files, pair lists). The toolkit does not rewrite a lead's files; it finds the ones
that still hold the address, so the lead can remove the person from each (otherwise the next
import or draw brings them back).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.core.text import normalise_emails

__all__ = ["MAX_FILES", "MAX_FILE_BYTES", "CopySearch", "find_copies"]

#: Files larger than this (or zip files holding more than this once unpacked) are not read:
#: they are listed as not checked.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: At most this many files are looked at in all; the rest are counted as not checked.
MAX_FILES = 20_000
#: Files that are the toolkit's own stores and their journals (already erased, or not text).
_SKIP_SUFFIXES = {".sqlite", ".sqlite-journal", ".sqlite-wal", ".sqlite-shm", ".lock"}
#: Files kept as zip archives of XML (spreadsheets and documents): their parts are searched.
_ZIPPED = {".xlsx", ".xlsm", ".docx", ".odt", ".ods"}


@dataclass
class CopySearch:
    """The files that still hold an address, and those that could not be checked.

    Attributes
    ----------
    holding : list of Path
        Files whose text holds the address (any case).
    unchecked : list of Path
        Files too large, unreadable or beyond :data:`MAX_FILES`: look at them yourself.
    """

    holding: list[Path] = field(default_factory=list)
    unchecked: list[Path] = field(default_factory=list)

    def lines(self, root: Path | None = None) -> list[str]:
        """Say which files to clean by hand (nothing when none holds the address)."""
        def shown(path: Path) -> str:
            if root is not None and path.is_relative_to(root):
                return str(path.relative_to(root))
            return str(path)

        lines = []
        if self.holding:
            lines.append(f"{len(self.holding)} file(s) outside the store still hold the "
                         "address: remove the person from each (or delete the file), or the "
                         "next import or draw that reads it brings them back:")
            lines += [f"  {shown(p)}" for p in self.holding]
        if self.unchecked:
            lines.append(f"{len(self.unchecked)} file(s) could not be checked (too large or "
                         "unreadable): look at them yourself:")
            lines += [f"  {shown(p)}" for p in self.unchecked[:20]]
            if len(self.unchecked) > 20:
                lines.append(f"  ... and {len(self.unchecked) - 20} more")
        return lines


def _holds(path: Path, needle: bytes) -> bool:
    """Whether the file's bytes (or, for a zip, its parts' bytes) hold ``needle``, any case."""
    if path.suffix.lower() in _ZIPPED and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_FILE_BYTES:
                raise OSError("too large once unpacked")
            return any(needle in archive.read(m).lower() for m in members)
    return needle in path.read_bytes().lower()


def find_copies(address: str, folders: Iterable[str | Path],
                skip: Iterable[str | Path] = ()) -> CopySearch:
    """Find the files under ``folders`` whose text still holds ``address``.

    Every file is searched as bytes, without regard to case: CSV and text files, e-mail
    drafts and calendar files directly, spreadsheets and documents (``.xlsx``, ``.docx``)
    part by part. The toolkit's stores and the files in ``skip`` are left out.

    Parameters
    ----------
    address : str
        The e-mail address (any case or Unicode spelling).
    folders : iterable of str or Path
        The folders to search, with their subfolders (missing ones are passed over).
    skip : iterable of str or Path
        Files not to report (the history file an erasure has just rewritten).

    Returns
    -------
    CopySearch

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "list.csv").write_text("email\\nAda@Example.org\\n")
    >>> _ = (folder / "other.csv").write_text("email\\nbo@example.org\\n")
    >>> [p.name for p in find_copies("ada@example.org", [folder]).holding]
    ['list.csv']
    """
    clean = normalise_emails(pd.Series([address])).iloc[0]
    needle = clean.lower().encode("utf-8")
    skipped = {Path(p).resolve() for p in skip}
    found = CopySearch()
    seen = 0
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            if path.suffix.lower() in _SKIP_SUFFIXES or path.resolve() in skipped:
                continue
            seen += 1
            if seen > MAX_FILES or path.stat().st_size > MAX_FILE_BYTES:
                found.unchecked.append(path)
                continue
            try:
                if _holds(path, needle):
                    found.holding.append(path)
            except (OSError, zipfile.BadZipFile, RuntimeError):
                found.unchecked.append(path)
    return found
