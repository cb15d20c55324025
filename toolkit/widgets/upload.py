"""One upload control for every app page: keep the file in the scheme's imports, then re-read it.

A page offers an :class:`UploadBox` beside each input file it reads. The lead picks a CSV or
XLSX file; the box keeps it in the scheme's ``imports`` folder (through
:func:`toolkit.schemes.folder.save_upload`, so nothing lands outside the scheme) and hands
the kept path to the panel, which reads it again. The confirmation, or what went wrong, is
shown right beside the button.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from toolkit.errors import ToolkitError
from toolkit.schemes.folder import Scheme, save_upload
from toolkit.widgets.base import message_html

__all__ = ["UploadBox", "upload_button", "upload_row"]


#: Shows an upload button's label without the count of files that ipywidgets adds to it.
UPLOAD_CSS = ("<style>.toolkit-upload{font-size:0 !important}"
              ".toolkit-upload::before{content:attr(title);"
              "font-size:var(--jp-widgets-font-size,13px)}</style>")


def upload_button(label: str) -> widgets.FileUpload:
    """Make an upload button for one CSV or XLSX file, labelled ``label`` and nothing else.

    ipywidgets ends the label with a count of files, "(0)" before any upload, which reads as
    if something were wrong; the button shows its tooltip's words instead (with
    :func:`upload_row`, which carries the style that does it).

    Examples
    --------
    >>> upload_button("Upload the export").tooltip
    'Upload the export'
    """
    upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=label,
                                tooltip=label,
                                layout=widgets.Layout(width="auto", min_width="190px"))
    upload.add_class("toolkit-upload")
    return upload


def upload_row(upload: widgets.FileUpload, status: widgets.Widget) -> widgets.HBox:
    """Put an upload button and the words beside it on one line, with the button's style."""
    style = widgets.HTML(UPLOAD_CSS, layout=widgets.Layout(display="none"))
    return widgets.HBox([style, upload, status],
                        layout=widgets.Layout(align_items="center", gap="12px"))


class UploadBox:
    """An upload button for one input file, kept in the scheme and passed on to a panel.

    Parameters
    ----------
    scheme : Scheme
        The scheme whose ``imports`` folder keeps the file.
    what : str
        What the file is, in the lead's words ("the meetings export").
    on_file : callable
        Called with the kept file's path after each upload (the panel re-reads it).
    current : str or Path, optional
        The file in use now (named in the parameters, or the sample's), shown beside the button.

    Attributes
    ----------
    upload : ipywidgets.FileUpload
        The button itself.
    status : ipywidgets.HTML
        The file in use, or what went wrong with the last upload.
    path : Path or None
        The last file kept (None until something is uploaded).

    Examples
    --------
    >>> import tempfile
    >>> from toolkit.schemes.folder import create_scheme
    >>> seen = []
    >>> box = UploadBox(create_scheme("ours", tempfile.mkdtemp()), "the list", seen.append)
    >>> box.receive("list.csv", b"name,email\\n").name, seen[0].parent.name
    ('list.csv', 'imports')
    """

    def __init__(self, scheme: Scheme, what: str, on_file: Callable[[Path], Any],
                 current: str | Path | None = None) -> None:
        self.scheme, self.what, self.on_file = scheme, what, on_file
        self.path: Path | None = None
        self.upload = upload_button(f"Upload {what}")
        self.status = widgets.HTML(layout=widgets.Layout(flex="1 1 auto"))
        self.upload.observe(self._uploaded, names="value")
        self.show_current(current)
        self.widget = upload_row(self.upload, self.status)

    def show_current(self, current: str | Path | None) -> None:
        """Say which file is in use now (or that none is yet)."""
        if current is None:
            self.status.value = (f"No file yet: upload {html.escape(self.what)} "
                                 "(.csv or .xlsx).")
        else:
            self.status.value = f"Using <b>{html.escape(Path(current).name)}</b>."

    def _uploaded(self, change: dict) -> None:
        files = change["new"]
        if files:
            self.receive(files[0]["name"], bytes(files[0]["content"]))

    def receive(self, name: str, content: bytes) -> Path | None:
        """Keep an uploaded file and hand it on; a problem is shown beside the button.

        Returns
        -------
        Path or None
            The kept file, or None when it could not be kept.
        """
        try:
            path = save_upload(self.scheme, name, content)
        except ToolkitError as exc:
            self.status.value = message_html(str(exc), "error")
            return None
        self.path = path
        self.status.value = message_html(
            f"Kept {path.name} in the scheme's imports folder and read it.", "ok")
        self.on_file(path)
        return path

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        display(self.widget)
