"""A scheme's folder: where its store, settings, imports and exports live, and which is current."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputFileError
from toolkit.io.readers import LIMITS

__all__ = [
    "SAMPLE_SCHEME",
    "SCHEMES_FOLDER_VARIABLE",
    "Scheme",
    "create_scheme",
    "current_scheme",
    "list_schemes",
    "open_scheme",
    "resolve_scheme",
    "save_ladder",
    "save_mapping",
    "save_upload",
    "set_current_scheme",
]

#: An environment variable naming another folder for the schemes (an encrypted drive, say)
#: instead of ``schemes/`` in the project folder.
SCHEMES_FOLDER_VARIABLE = "TOOLKIT_SCHEMES"
#: The name of the scheme that holds the bundled synthetic sample.
SAMPLE_SCHEME = "sample"
_CURRENT = "current.txt"
_MARKER = "scheme.txt"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}$")


@dataclass(frozen=True)
class Scheme:
    """One scheme's folder.

    Attributes
    ----------
    name : str
        The scheme's name (the folder's name).
    path : Path
        The folder.
    """

    name: str
    path: Path

    @property
    def store(self) -> Path:
        """The scheme's store (``scheme.sqlite``)."""
        return self.path / "scheme.sqlite"

    @property
    def settings(self) -> Path:
        """Folder for the scheme's settings files (rules, weights, templates)."""
        return self.path / "settings"

    @property
    def imports(self) -> Path:
        """Folder for the exports the lead brings in (sign-ups, meetings, surveys)."""
        return self.path / "imports"

    @property
    def exports(self) -> Path:
        """Folder for everything the toolkit writes (pairs, drafts, reports)."""
        return self.path / "exports"

    @property
    def mapping_file(self) -> Path:
        """The sign-up form's column mapping, saved by notebook 01 with the sign-ups."""
        return self.settings / "signup_mapping.json"

    @property
    def ladder_file(self) -> Path:
        """The scheme's grade ladder (its short name or a ladder file), saved by notebook 01."""
        return self.settings / "ladder.json"

    @property
    def saved_ladder(self) -> str | None:
        """The ladder chosen when the sign-ups were saved (None: none saved yet).

        Examples
        --------
        >>> import tempfile
        >>> scheme = create_scheme("Physics", tempfile.mkdtemp())
        >>> scheme.saved_ladder is None
        True
        >>> _ = save_ladder(scheme, "civil-service")
        >>> scheme.saved_ladder
        'civil-service'
        """
        try:
            value = json.loads(self.ladder_file.read_text(encoding="utf-8"))["ladder"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return str(value) if value else None

    @property
    def is_sample(self) -> bool:
        """True for the scheme that holds the bundled synthetic sample."""
        return self.name == SAMPLE_SCHEME

    @property
    def folder(self) -> str:
        """The folder as the lead finds it: ``schemes/<name>`` in the project folder.

        When schemes are kept elsewhere (the ``TOOLKIT_SCHEMES`` setting), the whole path.
        """
        if os.environ.get(SCHEMES_FOLDER_VARIABLE, "").strip():
            return str(self.path)
        return "/".join(self.path.parts[-2:])

    def label(self) -> str:
        """Say which scheme this is, in words for the top of a page."""
        if self.is_sample:
            return (f"Working on THE SAMPLE SCHEME (invented people, folder '{self.folder}'). "
                    "Create your own scheme on the start page to use real sign-ups.")
        return f"Working on the scheme '{self.name}' (folder '{self.folder}')."


def _schemes_root(root: str | Path) -> Path:
    elsewhere = os.environ.get(SCHEMES_FOLDER_VARIABLE, "").strip()
    return Path(elsewhere) if elsewhere else Path(root) / "schemes"


def _check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", str(name)).strip()
    if not _NAME.match(name) or name in {".", ".."}:
        raise InputFileError(
            f"'{name}' cannot be a scheme name: use up to 60 letters, digits, spaces, dots, "
            "dashes or underscores, starting with a letter or digit (e.g. 'staff-mentoring-2026').")
    return name


def _make(scheme: Scheme) -> Scheme:
    for folder in (scheme.path, scheme.settings, scheme.imports, scheme.exports):
        folder.mkdir(parents=True, exist_ok=True)
    marker = scheme.path / _MARKER
    if not marker.exists():
        marker.write_text("A Mentoring Scheme Toolkit scheme folder: its store, settings, "
                          "imports and exports. Keep it out of version control.\n",
                          encoding="utf-8")
    return scheme


def create_scheme(name: str, root: str | Path = ".") -> Scheme:
    """Create the folder of a new scheme (or open it if it exists) under ``root/schemes``.

    Parameters
    ----------
    name : str
        The scheme's name, used as its folder name.
    root : str or Path
        The project folder (``..`` from a notebook).

    Returns
    -------
    Scheme

    Raises
    ------
    InputFileError
        If the name cannot be a folder name.

    Examples
    --------
    >>> import tempfile
    >>> scheme = create_scheme("staff-2026", tempfile.mkdtemp())
    >>> scheme.store.name, scheme.exports.is_dir()
    ('scheme.sqlite', True)
    """
    name = _check_name(name)
    return _make(Scheme(name, _schemes_root(root) / name))


def open_scheme(name_or_path: str | Path, root: str | Path = ".") -> Scheme:
    """Open an existing scheme by name (under ``root/schemes``) or by its folder's path.

    Raises
    ------
    InputFileError
        If there is no such scheme; the message lists the schemes there are.
    """
    text = str(name_or_path).strip()
    candidates = [Path(text)] if ("/" in text or os.sep in text) else []
    candidates.append(_schemes_root(root) / text)
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return Scheme(folder.name, folder)
    known = ", ".join(s.name for s in list_schemes(root)) or "none yet"
    raise InputFileError(f"There is no scheme '{text}' (schemes here: {known}). Create it on the "
                         "start page (notebook 00), or check the name.")


def list_schemes(root: str | Path = ".") -> list[Scheme]:
    """Return the schemes under ``root/schemes``, by name."""
    folder = _schemes_root(root)
    if not folder.is_dir():
        return []
    return [Scheme(p.name, p) for p in sorted(folder.iterdir()) if (p / _MARKER).is_file()]


def set_current_scheme(scheme: Scheme, root: str | Path = ".") -> None:
    """Remember ``scheme`` as the one every notebook works on."""
    folder = _schemes_root(root)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{_CURRENT}.{os.getpid()}"
    temporary.write_text(scheme.name + "\n", encoding="utf-8")
    os.replace(temporary, folder / _CURRENT)


def current_scheme(root: str | Path = ".") -> Scheme | None:
    """Return the scheme chosen last on the start page, or None when none was chosen."""
    marker = _schemes_root(root) / _CURRENT
    if not marker.is_file():
        return None
    name = marker.read_text(encoding="utf-8").strip()
    try:
        return open_scheme(name, root)
    except InputFileError:
        return None


def resolve_scheme(scheme: str | Path | None = "", root: str | Path = ".") -> Scheme:
    """Return the scheme a notebook should work on.

    ``scheme`` names a scheme or gives its folder; empty means the current scheme, and when
    none was chosen yet, the sample scheme (created on first use and clearly labelled).

    Examples
    --------
    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> resolve_scheme("", root).is_sample
    True
    >>> set_current_scheme(create_scheme("ours", root), root)
    >>> resolve_scheme("", root).name
    'ours'
    """
    if scheme is not None and str(scheme).strip():
        return open_scheme(scheme, root)
    return current_scheme(root) or create_scheme(SAMPLE_SCHEME, root)


_UPLOADABLE = (".csv", ".xlsx")


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def save_upload(scheme: Scheme, name: str, content: bytes) -> Path:
    """Keep a file the lead uploaded in the scheme's ``imports`` folder and return its path.

    Only the file's own name is kept (no folders), so an upload cannot land outside the
    scheme; a file of the same name is replaced.

    Raises
    ------
    InputFileError
        If the file is not CSV or XLSX, or is larger than the toolkit reads.

    Examples
    --------
    >>> import tempfile
    >>> scheme = create_scheme("ours", tempfile.mkdtemp())
    >>> save_upload(scheme, "../../Form responses.csv", b"name,email\\n").name
    'Form responses.csv'
    """
    base = Path(str(name).replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    if not base.lower().endswith(_UPLOADABLE) or base.startswith("."):
        raise InputFileError(f"'{name}' is not a CSV or XLSX file: export the form's answers as "
                             ".csv or .xlsx and upload that.")
    if len(content) > LIMITS.file_bytes:
        raise InputFileError(f"'{base}' is {len(content) / 1e6:.0f} MB, more than the "
                             f"{LIMITS.file_bytes / 1e6:.0f} MB the toolkit reads: export only "
                             "the answers you need.")
    scheme.imports.mkdir(parents=True, exist_ok=True)
    path = scheme.imports / base
    _write_atomic(path, bytes(content))
    return path


def save_ladder(scheme: Scheme, ladder: str | Path) -> Path:
    """Remember the scheme's grade ladder (a shipped ladder's short name or a ladder file).

    Every page then reads grades on that ladder unless told otherwise.
    """
    scheme.settings.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"ladder": str(ladder)}, indent=2, ensure_ascii=False) + "\n"
    _write_atomic(scheme.ladder_file, text.encode("utf-8"))
    return scheme.ladder_file


def save_mapping(scheme: Scheme, mapping: dict[str, str]) -> Path:
    """Save the sign-up form's column mapping in the scheme's settings and return its path."""
    scheme.settings.mkdir(parents=True, exist_ok=True)
    text = json.dumps(dict(sorted(mapping.items())), indent=2, ensure_ascii=False) + "\n"
    _write_atomic(scheme.mapping_file, text.encode("utf-8"))
    return scheme.mapping_file
