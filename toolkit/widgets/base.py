"""Notebook building blocks: panels whose controls and results tests can drive without a kernel.

Every panel exposes its controls as attributes (``panel.slider.value = 3``,
``panel.button.click()``) and its current result as ``panel.result``. Callbacks run through
:func:`safely`, so a :class:`~toolkit.errors.ToolkitError` is shown as a friendly message in
the panel's ``messages`` area instead of a lost traceback.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

import ipywidgets as widgets
import pandas as pd
from IPython import get_ipython
from IPython.display import HTML, display

from toolkit.core.dates import parse_dates
from toolkit.errors import NotReadyError, RowProblemsError, SettingsError, ToolkitError

__all__ = [
    "DateBox",
    "MessageArea",
    "Panel",
    "as_html",
    "button",
    "error_html",
    "figure_png",
    "how_to_use",
    "in_app_mode",
    "message_html",
    "note",
    "readable",
    "safely",
    "show_errors_plainly",
    "show_table",
    "styled",
]

F = TypeVar("F", bound=Callable[..., Any])

_STYLE = {
    "error": ("#8a1c1c", "#fdecea"),
    "warning": ("#7a4b00", "#fff4e5"),
    "ok": ("#1e5631", "#edf7ed"),
    "info": ("#0b3d91", "#e8f0fe"),
}


def message_html(text: str, kind: str = "info") -> str:
    """Return a coloured message box as HTML (kinds: error, warning, ok, info)."""
    colour, background = _STYLE.get(kind, _STYLE["info"])
    return (
        f'<div style="border-left:4px solid {colour};background:{background};color:{colour};'
        f'padding:6px 10px;margin:4px 0;white-space:pre-line">{html.escape(text)}</div>'
    )


def note(text: str, kind: str = "info") -> HTML:
    """Return a message box for a notebook cell to show (instead of a quoted string).

    Examples
    --------
    >>> "Not saved yet" in note("Not saved yet").data
    True
    """
    return HTML(message_html(text, kind))


#: Set in the kernel of a page the app (Voila, ``make app``) runs, and never in JupyterLab.
_APP_VARIABLES = ("VOILA_KERNEL_ID", "VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_REQUEST_URL")

#: How to use a page, in the app and in JupyterLab.
APP_HOW_TO = ("This is the app view: each page has already run. Read the short explanation "
              "above each step and use the buttons, drop-downs and upload buttons of its "
              "panels; nothing is written until you press a button.")
LAB_HOW_TO = ("This is JupyterLab: run one cell at a time with Shift+Enter (or Run > Run All "
              "Cells), read the short explanation above each step, and change only the first "
              "cell (the parameters) when you want other settings. Then use the panels' "
              "buttons; nothing is written until you press one.")


def in_app_mode(environ: dict[str, str] | None = None) -> bool:
    """Tell whether this page runs in the app (Voila), where a lead sees no code and no cells.

    Examples
    --------
    >>> in_app_mode({"VOILA_KERNEL_ID": "1"}), in_app_mode({})
    (True, False)
    """
    environ = os.environ if environ is None else environ
    return any(environ.get(name) for name in _APP_VARIABLES)


def how_to_use(version: str | None = None, environ: dict[str, str] | None = None) -> HTML:
    """Return a note saying how to use the pages here: buttons in the app, Shift+Enter in Lab.

    Examples
    --------
    >>> "buttons" in how_to_use(environ={"VOILA_KERNEL_ID": "1"}).data
    True
    >>> "Shift+Enter" in how_to_use(environ={}).data
    True
    """
    text = APP_HOW_TO if in_app_mode(environ) else LAB_HOW_TO
    if version:
        text = f"Mentoring Scheme Toolkit {version} is ready. {text}"
    return note(text, "ok")


def button(description: str, **kwargs: Any) -> widgets.Button:
    """Return a button as wide as its label (ipywidgets' fixed width cuts long labels short)."""
    kwargs.setdefault("layout", widgets.Layout(width="auto", min_width="148px",
                                               align_self="flex-start"))  # not page-wide
    return widgets.Button(description=description, **kwargs)


def show_table(frame: pd.DataFrame, max_rows: int = 200) -> widgets.HTML:
    """Render a DataFrame as a scrollable HTML widget (for use inside panels)."""
    shown = _plain_headers(readable(frame.head(max_rows)))
    more = "" if len(frame) <= max_rows else f"<p>… and {len(frame) - max_rows} more rows.</p>"
    body = shown.to_html(index=False, na_rep="", escape=True, border=0, classes="tk-table",
                         float_format=lambda v: f"{v:.2f}")
    body = _SHOWN_DATE.sub(lambda m: "&nbsp;".join(m.groups()), body)  # 5 Oct 2026 on one line
    return widgets.HTML(
        f'<div style="max-height:420px;overflow:auto"><style>{_TABLE_CSS}</style>'
        + body + more + "</div>"
    )


_SHOWN_DATE = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\b")


#: Room between the columns of a panel's table, so that neighbouring dates do not run together.
_TABLE_CSS = (".tk-table td, .tk-table th {padding: 3px 14px 3px 4px; vertical-align: top; "
              "text-align: left}")


def _plain_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """Write column names as words (``pair_id`` as ``pair id``) for a table a lead reads."""
    if isinstance(frame.columns, pd.MultiIndex):
        return frame
    return frame.set_axis([str(c).replace("_", " ") for c in frame.columns], axis=1)


_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


def _day_first(value: Any) -> Any:
    """Write a date as a lead reads it (3 Feb 2026); leave anything else unchanged."""
    if isinstance(value, pd.Timestamp | date) and not pd.isna(value):
        return f"{value.day} {value:%b %Y}"
    return value


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy as a lead reads it: dates day first (3 Feb 2026), yes/no, gaps blank.

    Dates are date values or ISO text (``2026-02-03``); true/false become yes/no; missing
    values (None, NaN, NaT, <NA>) become blank. Numbers are left to the table's format.

    Examples
    --------
    >>> shown = readable(pd.DataFrame({"on": [pd.Timestamp("2026-02-03"), pd.NaT],
    ...                                "since": ["2026-07-20", None], "on_time": [True, False]}))
    >>> shown.to_dict("list")
    {'on': ['3 Feb 2026', ''], 'since': ['20 Jul 2026', ''], 'on_time': ['yes', 'no']}
    >>> readable(pd.DataFrame({"since": ["2026-10-05", ""]}))["since"].tolist()
    ['5 Oct 2026', '']
    >>> readable(pd.DataFrame({"pair": pd.array([7, None], dtype="Int64")}))["pair"].tolist()
    [7, '']
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "yes", False: "no"}).astype(object)
            continue
        if pd.api.types.is_integer_dtype(values) and values.isna().any():  # <NA> shows raw
            out[column] = values.astype(object).where(values.notna(), "")
            continue
        if pd.api.types.is_numeric_dtype(values):
            continue
        present = values.notna()
        if pd.api.types.is_datetime64_any_dtype(values):
            shown = values.map(_day_first)
        else:
            text = values[present].astype(str).str.strip()
            text = text[text != ""]  # a blank cell does not stop a column of dates
            if len(text) and text.str.fullmatch(_ISO_DATE).all():
                shown = values.map(lambda v: _day_first(pd.Timestamp(v))
                                   if pd.notna(v) and str(v).strip() else v)
            else:
                shown = values.map(lambda v: {True: "yes", False: "no"}.get(v, v)
                                   if isinstance(v, bool) else _day_first(v))
        out[column] = shown.astype(object).where(present, "")
    return out


def figure_png(fig: Any) -> bytes:
    """Render a matplotlib figure to PNG bytes, trimmed to what it draws (no backend needed).

    Examples
    --------
    >>> from toolkit.plots.figures import new_figure
    >>> figure_png(new_figure(figsize=(2, 1)))[:4]
    b'\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def as_html(shown: Any) -> str:
    """Give what a view shows as the HTML text of an HTML widget.

    Tables (styled or not) as tables, notes and HTML as they are, a figure as a PNG picture
    with its alt text. A live view is an HTML widget whose text is replaced, never an output
    area that captures a display: under the app, an output area redrawn while the page was
    still running left the server waiting for the cell's reply until its timeout.

    Examples
    --------
    >>> "<table" in as_html(pd.DataFrame({"n": [1]})), as_html(note("Hi"))[-10:]
    (True, '">Hi</div>')
    """
    if isinstance(shown, pd.DataFrame):
        shown = styled(shown)
    if hasattr(shown, "to_html"):
        return shown.to_html()
    if hasattr(shown, "savefig"):
        alt = html.escape(str(getattr(shown, "alt_text", "A chart")), quote=True)
        data = base64.b64encode(figure_png(shown)).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{alt}" style="max-width:100%">'
    if hasattr(shown, "data") and isinstance(shown.data, str):
        return shown.data
    return f"<pre>{html.escape(str(shown))}</pre>"


def styled(frame: pd.DataFrame, empty: str | None = None) -> Any:
    """Return a table as a lead reads it: no index, two decimals, blanks for gaps, dates day first.

    With ``empty`` given, an empty table is shown as that message instead.

    Examples
    --------
    >>> html_text = styled(pd.DataFrame({"score": [0.123456, None]})).to_html()
    >>> "0.12" in html_text and "nan" not in html_text
    True
    >>> who = pd.DataFrame({"who": ["Ada <ada@example.org>"]})
    >>> "&lt;ada@example.org&gt;" in styled(who).to_html()
    True
    """
    if empty is not None and frame.empty:
        return note(empty)
    return (_plain_headers(readable(frame)).style.hide(axis="index")
            .format(precision=2, na_rep="", escape="html")
            .set_table_styles([{"selector": "td, th",
                                "props": "white-space: normal; text-align: left; "
                                         "max-width: 36em; vertical-align: top"}]))


class DateBox(widgets.HBox):
    """A date the lead types day first (``3 Feb 2026`` or ``03/02/2026``); ``value`` is a date.

    Browsers show their own date pickers month first in some settings, so the toolkit asks
    for dates as text, always written back day first. ``value`` reads the text (None when
    empty) and raises :class:`~toolkit.errors.SettingsError` when it is not a date.

    Examples
    --------
    >>> box = DateBox(date(2026, 2, 3), "Date")
    >>> box.text.value, box.value
    ('3 Feb 2026', datetime.date(2026, 2, 3))
    >>> box.text.value = "04/03/2026"
    >>> box.value
    datetime.date(2026, 3, 4)
    """

    def __init__(self, value: date | None = None, description: str = "",
                 style: dict | None = None) -> None:
        self.text = widgets.Text(description=description, placeholder="e.g. 3 Feb 2026",
                                 style=style or {}, layout=widgets.Layout(width="360px"))
        super().__init__([self.text])
        self.value = value

    @property
    def value(self) -> date | None:
        """The date typed (None when the box is empty)."""
        text = self.text.value.strip()
        if not text:
            return None
        parsed = parse_dates(pd.Series([text]))[0]
        if pd.isna(parsed):
            raise SettingsError(
                f"'{text}' in '{self.text.description}' is not a date: write it day first, "
                "e.g. 3 Feb 2026 or 03/02/2026.")
        return parsed.date()

    @value.setter
    def value(self, value: date | None) -> None:
        self.text.value = "" if value is None else _day_first(value)


class MessageArea(widgets.VBox):
    """Where a panel's messages show: one coloured box per message, newest last.

    A box of HTML widgets, not an output area: under the app, an output area written to
    while the page was still running left the server waiting for that cell's reply until
    its timeout.

    Examples
    --------
    >>> area = MessageArea()
    >>> area.add("Saved.", "ok"); len(area.children)
    1
    >>> area.clear_output(); len(area.children)
    0
    """

    def add(self, text: str, kind: str = "info") -> None:
        """Show one more message."""
        self.children = (*self.children, widgets.HTML(message_html(text, kind)))

    def clear_output(self, wait: bool = False) -> None:
        """Remove every message (``wait`` is accepted as an output area takes it)."""
        self.children = ()


class Panel:
    """Base class of the toolkit's notebook panels.

    Subclasses build their controls in ``__init__``, put them in ``self.widget``, and call
    ``self.info(...)``/``self.error(...)`` to talk to the lead.
    """

    def __init__(self) -> None:
        self.messages = MessageArea()
        self.widget: widgets.Widget = widgets.VBox([self.messages])
        self.result: Any = None

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        display(self.widget)

    def _say(self, text: str, kind: str) -> None:
        self.last_message = (kind, text)
        (getattr(self, "speaking_into", None) or self.messages).add(text, kind)

    @contextlib.contextmanager
    def beside(self, area: MessageArea) -> Iterator[None]:
        """Show every message said inside the block in ``area`` (beside its button)."""
        previous = getattr(self, "speaking_into", None)
        self.speaking_into = area
        try:
            yield
        finally:
            self.speaking_into = previous

    def say_beside(self, area: MessageArea, text: str, kind: str = "ok") -> None:
        """Show a message in ``area``: the place beside the button that caused it."""
        self.last_message = (kind, text)
        area.add(text, kind)

    def clear_messages(self) -> None:
        """Remove the messages shown so far."""
        self.messages.clear_output()
        self.last_message = None

    def info(self, text: str) -> None:
        """Show an information message."""
        self._say(text, "info")

    def ok(self, text: str) -> None:
        """Show a success message."""
        self._say(text, "ok")

    def warn(self, text: str) -> None:
        """Show a warning."""
        self._say(text, "warning")

    def error(self, text: str) -> None:
        """Show an error the lead can act on."""
        self._say(text, "error")


def safely(method: F) -> F:
    """Decorate a panel callback so a ToolkitError is shown in the panel, not raised."""

    @functools.wraps(method)
    def wrapper(self: Panel, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RowProblemsError as exc:
            self.error(f"{exc} ({len(exc.problems)} problem(s); see the table.)")
            return None
        except ToolkitError as exc:
            self.error(str(exc))
            return None

    return wrapper  # type: ignore[return-value]


def error_html(error: BaseException) -> str:
    """Show a toolkit error as a page does: a note for a step not done yet, else an error.

    Examples
    --------
    >>> "#fff4e5" in error_html(NotReadyError("Save the sign-ups first."))
    True
    """
    return message_html(str(error), "warning" if isinstance(error, NotReadyError) else "error")


def _show_toolkit_error(shell: Any, etype: type, value: BaseException, tb: Any,
                        tb_offset: int | None = None) -> None:
    display(HTML(error_html(value)))


def show_errors_plainly() -> bool:
    """In a notebook, show a toolkit error raised by a cell as a message box, not a traceback.

    The lead sees what went wrong and how to fix it; the cell still counts as failed (so the
    notebook stops there). Programming errors keep their full traceback.

    Returns
    -------
    bool
        True when running in IPython (and the handler is now in place).
    """
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((ToolkitError,), _show_toolkit_error)
    return True


show_errors_plainly()
