"""The erasure panel: remove one person's personal data on request, from a notebook."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from toolkit.privacy.copies import find_copies
from toolkit.privacy.erase import ErasureSummary, erase_person
from toolkit.store.connection import Store
from toolkit.widgets.base import Panel, button, safely

__all__ = ["ErasurePanel"]

_WIDE = {"description_width": "160px"}


class ErasurePanel(Panel):
    """Erase one person: type their address, tick the confirmation, click *Erase*.

    Nothing is erased until the box is ticked, and the box is cleared after each erasure,
    so running the notebook from top to bottom never erases anyone. ``result`` is the
    :class:`~toolkit.privacy.erase.ErasureSummary` of the last erasure.

    Parameters
    ----------
    store : Store
        The scheme store, open for writing.
    history : str or Path, optional
        The UnMentoring history file to erase the person from too.
    look_in : str or Path, optional
        The folder whose files (the lead's exports and lists, what the toolkit wrote) are
        searched for the address after each erasure, to be cleaned by hand: the scheme's
        folder (default: the store's folder).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> panel = ErasurePanel(Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite"))
    >>> panel.address.value = "ada@example.org"
    >>> panel.confirm.value  # nothing is erased until this is ticked
    False
    """

    def __init__(self, store: Store, history: str | Path | None = None,
                 look_in: str | Path | None = None) -> None:
        super().__init__()
        self.store, self.history = store, history
        self.look_in = Path(look_in) if look_in else Path(store.path).resolve().parent
        self.address = widgets.Text(value="", description="E-mail address", style=_WIDE,
                                    placeholder="the address of the person to erase",
                                    layout=widgets.Layout(width="620px"))
        self.confirm = widgets.Checkbox(
            value=False, indent=False, layout=widgets.Layout(width="auto"),
            description="I understand this cannot be undone: erase this person's name, "
                        "e-mail address, free text and line-manager link")
        self.button = button("Erase", button_style="danger")
        self.button.on_click(lambda _b: self.erase())
        self.widget = widgets.VBox([self.address, self.confirm, self.button, self.messages])

    @safely
    def erase(self) -> ErasureSummary | None:
        """Erase the person whose address is typed, once the confirmation is ticked."""
        self.clear_messages()
        if not self.address.value.strip():
            self.warn("Type the e-mail address of the person to erase.")
            return None
        if not self.confirm.value:
            self.warn("Tick the box to confirm: an erasure cannot be undone.")
            return None
        address = self.address.value
        summary = erase_person(self.store, address, history=self.history)
        self.result = summary
        self.confirm.value = False
        text = "\n".join(line.strip() for line in summary.lines())
        if summary.found:
            self.address.value = ""
            self.ok(text)
        else:
            self.warn(text)
        self.copies = find_copies(address, [self.look_in],
                                  skip=[self.history] if self.history else [])
        if self.copies.holding or self.copies.unchecked:
            self.warn("\n".join(line.strip() for line in self.copies.lines(self.look_in)))
        return summary
