"""The sign-up import panel: match an export's columns to the fields, see every problem."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from toolkit.core.ladder import resolve_ladder
from toolkit.errors import ToolkitError
from toolkit.intake.signups import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    find_signup_columns,
    validate_signups,
)
from toolkit.io.columns import read_mapping
from toolkit.io.readers import read_table
from toolkit.widgets.base import Panel, safely, show_table

__all__ = ["ColumnMappingPanel"]


class ColumnMappingPanel(Panel):
    """Choose which column of an export holds each field, and see every problem at once.

    One dropdown per canonical field lists the export's headers, starting from what the
    toolkit recognised; changing one re-validates at once. ``result`` is the latest
    :class:`~toolkit.intake.signups.SignupImport` (or None while a required field is unmapped).

    Parameters
    ----------
    path : str or Path
        The export (CSV or XLSX).
    mapping : dict or path, optional
        A starting mapping (canonical field -> header).
    ladder : Ladder, str or Path, optional
        The grade ladder.
    sheet : str, optional
        The XLSX worksheet.
    """

    def __init__(self, path: str | Path, mapping: dict | str | Path | None = None,
                 ladder: Any = None, sheet: str | None = None) -> None:
        super().__init__()
        self.table = read_table(path, sheet=sheet)
        self.ladder = resolve_ladder(ladder)
        if mapping is not None and not isinstance(mapping, dict):
            mapping = read_mapping(mapping)
        try:
            start = find_signup_columns(self.table.headers, mapping, self.table.question_text,
                                        f"'{self.table.source}'")
        except ToolkitError:
            start = find_signup_columns(self.table.headers, mapping, self.table.question_text,
                                        f"'{self.table.source}'", required=())
        none = "(not in this file)"
        self.dropdowns: dict[str, widgets.Dropdown] = {}
        for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            label = name.replace("_", " ") + (" *" if name in REQUIRED_FIELDS else "")
            dropdown = widgets.Dropdown(
                options=[none, *self.table.headers], value=start.get(name, none),
                description=label, style={"description_width": "190px"},
                layout=widgets.Layout(width="640px"),
            )
            dropdown.observe(self._changed, names="value")
            self.dropdowns[name] = dropdown
        self._none = none
        self.problems_view = widgets.VBox()
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{html.escape(self.table.source)}</b>: {len(self.table.data)} rows. "
                         "Fields marked * are required."),
            *self.dropdowns.values(), self.messages, self.problems_view,
        ])
        self.validate()

    @property
    def mapping(self) -> dict[str, str]:
        """The current mapping: canonical field -> header."""
        return {k: d.value for k, d in self.dropdowns.items() if d.value != self._none}

    def _changed(self, _change: dict) -> None:
        self.validate()

    @safely
    def validate(self) -> Any:
        """Validate with the current mapping and show the problems table."""
        self.clear_messages()
        self.result = None
        self.problems_view.children = ()
        self.result = validate_signups(self.table, self.mapping, self.ladder, auto_detect=False)
        for notice in self.result.notices:
            self.warn(notice)
        if self.result.ok:
            self.ok(f"{len(self.result.people)} sign-ups, no problems.")
        else:
            self.warn(
                f"{len(self.result.people)} sign-ups are clean; "
                f"{self.result.problems['row'].nunique()} row(s) have "
                f"{len(self.result.problems)} problem(s) and are set aside until fixed. "
                "Row numbers are those your spreadsheet shows."
            )
            self.problems_view.children = (show_table(self.result.problems),)
        return self.result
