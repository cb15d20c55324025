"""The scheme chooser of the start page, and the banner that names the scheme on every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
from IPython.display import display

from toolkit.core.dates import today as real_today
from toolkit.core.ladder import DEFAULT_LADDER_NAME
from toolkit.demo.sample import COACHING_START, COACHING_TODAY, SAMPLE_TODAY, sample_store
from toolkit.errors import InputFileError, NotReadyError
from toolkit.schemes.folder import (
    Scheme,
    create_scheme,
    list_schemes,
    open_scheme,
    resolve_scheme,
    set_current_scheme,
)
from toolkit.store.connection import Store, open_existing
from toolkit.widgets.base import Panel, button, message_html, safely

__all__ = ["NO_STORE_YET", "SchemePanel", "SchemeSession", "no_store_yet_message",
           "scheme_banner", "scheme_session"]

#: What a page says on a new scheme that has no store yet: which pages and buttons come first.
NO_STORE_YET = ("The scheme '{name}' has nothing {purpose} yet: its store is made when its "
                "sign-ups are saved. First, on page 01 (Import the sign-ups), upload your form "
                "export and press 'Save the sign-ups'; then, on page 02 (Pairing), press "
                "'Save pairs to the store'. Then open this page again.")


def no_store_yet_message(scheme: Scheme, purpose: str = "to show") -> str:
    """Say what to do first on a page that needs the store of a scheme that has none yet.

    Examples
    --------
    >>> from toolkit.schemes.folder import Scheme
    >>> print(no_store_yet_message(Scheme("staff", Path("schemes/staff")), "to report on")[:58])
    The scheme 'staff' has nothing to report on yet: its store
    """
    return NO_STORE_YET.format(name=scheme.name, purpose=purpose)


def scheme_banner(scheme: Scheme) -> widgets.HTML:
    """Return the line at the top of a page that says which scheme it works on."""
    return widgets.HTML(message_html(scheme.label(), "warning" if scheme.is_sample else "info"))


class SchemePanel(Panel):
    """Create a scheme or open one; the choice is remembered for every notebook.

    Controls: ``existing`` (drop-down of the schemes in the project), ``open_button``,
    ``new_name`` (text box) and ``create_button``. ``scheme`` is the current scheme.

    Parameters
    ----------
    root : str or Path
        The project folder (``..`` from a notebook).
    scheme : str, optional
        A scheme to start from (name or folder); empty means the one chosen last.
    """

    def __init__(self, root: str | Path = "..", scheme: str | Path | None = "") -> None:
        super().__init__()
        self.root = Path(root)
        self.scheme = resolve_scheme(scheme, self.root)
        self.banner = scheme_banner(self.scheme)
        self.existing = widgets.Dropdown(description="Your schemes",
                                         style={"description_width": "initial"})
        self.open_button = button("Open this scheme", icon="folder-open")
        self.new_name = widgets.Text(placeholder="e.g. staff-mentoring-2026",
                                     description="New scheme",
                                     style={"description_width": "initial"})
        self.create_button = button("Create and open", button_style="primary", icon="plus")
        self.open_button.on_click(lambda _: self.open())
        self.create_button.on_click(lambda _: self.create())
        self._refresh()
        self.widget = widgets.VBox([
            self.banner,
            widgets.HBox([self.existing, self.open_button]),
            widgets.HBox([self.new_name, self.create_button]),
            self.messages,
        ])

    def _refresh(self) -> None:
        names = [s.name for s in list_schemes(self.root)]
        self.existing.options = names
        self.existing.value = self.scheme.name if self.scheme.name in names else None
        self.open_button.disabled = not names
        self.banner.value = scheme_banner(self.scheme).value

    def _choose(self, scheme: Scheme, verb: str) -> None:
        set_current_scheme(scheme, self.root)
        self.scheme = scheme
        self._refresh()
        self.clear_messages()
        self.ok(f"{verb} '{scheme.name}'. Every page now works on it. Its files are in the "
                f"folder '{scheme.folder}': the store, the files you upload (in 'imports') and "
                "what the toolkit writes (in 'exports').")

    @safely
    def open(self) -> None:
        """Open the scheme chosen in ``existing`` and make it current."""
        if not self.existing.value:
            self.error("There is no scheme to open yet: type a name and press "
                       "'Create and open'.")
            return
        self._choose(open_scheme(self.existing.value, self.root), "Opened")

    @safely
    def create(self) -> None:
        """Create the scheme named in ``new_name`` (or open it if it exists) and make it current."""
        name = self.new_name.value.strip()
        if not name:
            self.error("Type a name for the new scheme first (e.g. staff-mentoring-2026).")
            return
        self._choose(create_scheme(name, self.root), "Created and opened")
        self.new_name.value = ""


@dataclass
class SchemeSession:
    """What a notebook needs of its scheme: where the store, inputs and outputs are.

    On the sample scheme, inputs left as ``None`` in a notebook's parameters are the sample's
    own files; on a lead's scheme they must be given. Outputs go to the scheme's ``exports``.

    Attributes
    ----------
    scheme : Scheme
        The scheme the notebook works on.
    root : Path
        The project folder.
    """

    scheme: Scheme
    root: Path

    @property
    def store_path(self) -> Path:
        """The scheme's store."""
        return self.scheme.store

    def file(self, given: str | Path | None, sample_name: str | None = None) -> Path | None:
        """Return the file the lead gave, else on the sample scheme the sample's own one."""
        if given:
            return Path(given)
        if self.scheme.is_sample and sample_name:
            return self.root / "sample_data" / sample_name
        return None

    def need(self, given: str | Path | None, sample_name: str | None, what: str) -> Path:
        """Like :meth:`file`, but the file is required: say how to give it when missing."""
        path = self.file(given, sample_name)
        if path is None:
            raise InputFileError(
                f"Give {what} in the parameters cell at the top of this notebook (a path such "
                f"as '../{self.scheme.folder}/imports/your-file.xlsx'), then run the notebook "
                "again.")
        return path

    def ladder(self, given: str | Path | None = None) -> str:
        """Return the grade ladder a page reads grades on.

        The one the lead gave, else the one saved with the scheme's sign-ups (page 01),
        else the UK higher-education ladder.

        Examples
        --------
        >>> import tempfile
        >>> from toolkit.schemes.folder import create_scheme, save_ladder
        >>> root = Path(tempfile.mkdtemp())
        >>> session = SchemeSession(create_scheme("Policy", root=root), root)
        >>> session.ladder()
        'uk-he'
        >>> _ = save_ladder(session.scheme, "civil-service")
        >>> session.ladder(), session.ladder("lecturer")
        ('civil-service', 'lecturer')
        """
        return str(given or self.scheme.saved_ladder or DEFAULT_LADDER_NAME)

    def day(self, given: str | None, sample: str = "relationships") -> str:
        """Return the day a page works on: the one the lead gave, else today.

        On the sample scheme, the sample's own day instead of today: its records are a
        simulated year, and its checks are made on the day that year stops
        (``sample`` names which: ``"relationships"``, ``"coaching"`` or ``"coaching start"``).

        Examples
        --------
        >>> import tempfile
        >>> from toolkit.schemes.folder import create_scheme
        >>> root = Path(tempfile.mkdtemp())
        >>> session = SchemeSession(create_scheme("Physics", root=root), root)
        >>> session.day("2027-01-04")
        '2027-01-04'
        >>> session.day(None) == str(real_today())
        True
        """
        if given:
            return str(given)
        if self.scheme.is_sample:
            return {"relationships": SAMPLE_TODAY, "coaching": COACHING_TODAY,
                    "coaching start": COACHING_START}[sample]
        return str(real_today())

    def folder(self, given: str | Path | None, name: str) -> Path:
        """Return the output folder the lead gave, else ``exports/<name>`` of the scheme."""
        return Path(given) if given else self.scheme.exports / name

    def open_store(self, purpose: str = "to show") -> Store:
        """Open the scheme's store; the sample scheme's is filled with the sample year first.

        Parameters
        ----------
        purpose : str
            What the page does with the store, for the note on a new scheme ("to follow",
            "to report on").

        Raises
        ------
        NotReadyError
            If a lead's scheme has no store yet: the message says to save the sign-ups on
            page 01 and the pairs on page 02 first (pages show it as a note).
        """
        if self.scheme.is_sample:
            return sample_store(self.scheme.store, self.root / "sample_data")
        if not self.scheme.store.is_file():
            raise NotReadyError(no_store_yet_message(self.scheme, purpose))
        return open_existing(self.scheme.store)

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        display(scheme_banner(self.scheme))


def scheme_session(scheme: str | Path | None = "", root: str | Path = "..") -> SchemeSession:
    """Return the scheme a notebook works on (empty: the one chosen on the start page).

    Examples
    --------
    >>> import tempfile
    >>> session = scheme_session("", tempfile.mkdtemp())
    >>> session.scheme.is_sample, session.file(None, "meetings.csv").name
    (True, 'meetings.csv')
    """
    return SchemeSession(resolve_scheme(scheme, root), Path(root))
