"""The scheme chooser of the start page, and the banner that names the scheme on every page."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from toolkit.schemes.folder import (
    Scheme,
    create_scheme,
    list_schemes,
    open_scheme,
    resolve_scheme,
    set_current_scheme,
)
from toolkit.widgets.base import Panel, button, message_html, safely

__all__ = ["SchemePanel", "scheme_banner"]


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
        self.ok(f"{verb} '{scheme.name}'. Every notebook now works on it: its store is "
                f"'{scheme.store}', and what the toolkit writes goes to '{scheme.exports}'.")

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
