"""The sign-up import panel: match an export's columns to the fields, see every problem."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from toolkit.core.ladder import DEFAULT_LADDER_NAME, LADDERS, resolve_ladder
from toolkit.errors import ToolkitError
from toolkit.intake.overview import signup_counts
from toolkit.intake.service import save_signups_to_store
from toolkit.intake.signups import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    find_signup_columns,
    validate_signups,
)
from toolkit.io.columns import read_mapping
from toolkit.io.readers import read_table
from toolkit.plots.intake import plot_signup_counts
from toolkit.schemes.folder import (
    Scheme,
    resolve_scheme,
    save_ladder,
    save_mapping,
    save_upload,
)
from toolkit.widgets.base import MessageArea, Panel, button, figure_png, safely, show_table
from toolkit.widgets.scheme import scheme_banner
from toolkit.widgets.upload import upload_button, upload_row

__all__ = ["ColumnMappingPanel", "SignupImportPanel"]

#: The sample scheme's form export and its mapping, in ``sample_data/``.
SAMPLE_EXPORT, SAMPLE_MAPPING = "signups_forms.xlsx", "signups_forms_mapping.json"


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
                layout=widgets.Layout(width="960px", max_width="100%"),
            )
            dropdown.observe(self._changed, names="value")
            self.dropdowns[name] = dropdown
        self._none = none
        self.listeners: list[Any] = []
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
        for listener in self.listeners:
            listener(self.result)

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


class SignupImportPanel(Panel):
    """Notebook 01 in one panel: give the export, map its questions, see problems, save.

    Everything below the mapping follows it live: the problems table, the counts by
    department and grade and the chart are redrawn whenever a drop-down changes. Nothing is
    written until **Save the sign-ups** is pressed; then the clean sign-ups go into the
    scheme's store under the cohort and the mapping into the scheme's settings, so notebook 02
    needs neither the file nor the mapping again.

    Controls: ``upload`` (a CSV or XLSX export from this computer), ``cohort`` (text),
    ``save_button``; ``mapper`` is the :class:`ColumnMappingPanel` of the current file (None
    until a file is given). ``result`` is the latest check; ``saved`` what the last save wrote.

    Parameters
    ----------
    scheme : Scheme, str or Path, optional
        The scheme (empty: the current one).
    signups : str or Path, optional
        An export to start with (otherwise upload one; the sample scheme starts from the
        sample form export).
    mapping : dict or path, optional
        A starting mapping; by default the one saved with the scheme's last import.
    ladder : str or Path, optional
        The grade ladder (a shipped ladder's short name or a ladder file); by default the one
        saved with the scheme's last import, else UK higher education. The page has a
        drop-down to change it; it is saved with the sign-ups, and the other pages use it.
    sheet, cohort
        As for :func:`toolkit.intake.signups.read_signups`; ``cohort`` is the year or round.
    root : str or Path
        The project folder (``..`` from a notebook).
    """

    def __init__(self, scheme: Scheme | str | Path | None = "", signups: str | Path | None = None,
                 mapping: dict | str | Path | None = None, ladder: Any = None,
                 sheet: str | None = None, cohort: str = "2026", root: str | Path = "..") -> None:
        super().__init__()
        self.scheme = scheme if isinstance(scheme, Scheme) else resolve_scheme(scheme, root)
        sample = Path(root) / "sample_data"
        if signups is None and self.scheme.is_sample and (sample / SAMPLE_EXPORT).is_file():
            signups = sample / SAMPLE_EXPORT  # the sample scheme starts from the sample form
            mapping = sample / SAMPLE_MAPPING if mapping is None else mapping
        if mapping is None and self.scheme.mapping_file.is_file():
            mapping = self.scheme.mapping_file
        self.start_mapping = mapping
        chosen = str(ladder or self.scheme.saved_ladder or DEFAULT_LADDER_NAME)
        self.ladder = resolve_ladder(chosen)
        options = [(f"{lad.name} ({key})", key) for key, lad in LADDERS.items()]
        if chosen not in LADDERS:  # the scheme's own ladder file
            options.append((f"{self.ladder.name} ({Path(chosen).name})", chosen))
        self.ladder_choice = widgets.Dropdown(
            options=options, value=chosen, description="Grade ladder",
            style={"description_width": "initial"}, layout=widgets.Layout(width="460px"))
        self.ladder_choice.observe(self._new_ladder, names="value")
        self.path: Path | None = None
        self.sheet = sheet
        self.mapper: ColumnMappingPanel | None = None
        self.saved = None
        self.upload = upload_button("Upload the export")
        self.upload.observe(self._uploaded, names="value")
        self.file_label = widgets.HTML("No export given yet: upload the form's answers "
                                       "(.csv or .xlsx).")
        self.mapping_area = widgets.VBox()
        self.counts_area = widgets.VBox()
        self.cohort = widgets.Text(value=str(cohort), description="Cohort",
                                   layout=widgets.Layout(width="240px"))
        self.save_button = button("Save the sign-ups", button_style="primary", icon="save",
                                  disabled=True)
        self.save_button.on_click(lambda _: self.save())
        self.save_messages = MessageArea()
        self.widget = widgets.VBox([
            scheme_banner(self.scheme),
            upload_row(self.upload, self.file_label),
            self.ladder_choice,
            self.mapping_area,
            self.counts_area,
            widgets.HBox([self.cohort, self.save_button]),
            self.save_messages,
            self.messages,
        ])
        if signups is not None:
            self.load(signups)

    @safely
    def load(self, path: str | Path) -> None:
        """Read an export and show its mapping, problems and counts."""
        self.path = Path(path)
        self.mapper = ColumnMappingPanel(path, mapping=self.start_mapping, ladder=self.ladder,
                                         sheet=self.sheet)
        self.mapper.listeners.append(self._follow)
        self.file_label.value = (f"<b>{html.escape(Path(path).name)}</b>: choose below which "
                                 "question holds each field.")
        self.mapping_area.children = (self.mapper.widget,)
        self._follow(self.mapper.result)

    @safely
    def _new_ladder(self, change: dict) -> None:
        """Read the grades again on the ladder chosen, keeping the column choices."""
        self.clear_messages()
        self.ladder = resolve_ladder(change["new"])
        if self.path is not None:
            if self.mapper is not None:
                self.start_mapping = self.mapper.mapping
            self.load(self.path)

    def _uploaded(self, change: dict) -> None:
        files = change["new"]
        if files:
            self._keep_upload(files[0])

    @safely
    def _keep_upload(self, file: Any) -> None:
        self.clear_messages()
        path = save_upload(self.scheme, file["name"], bytes(file["content"]))
        self.load(path)

    @property
    def result(self) -> Any:
        """The latest check of the export (None until a file is read)."""
        return None if self.mapper is None else self.mapper.result

    @result.setter
    def result(self, value: Any) -> None:  # the base class sets it; the mapper holds it
        pass

    def _follow(self, result: Any) -> None:
        self.save_button.disabled = result is None or result.people.empty
        if result is None or result.people.empty:
            self.counts_area.children = ()
            return
        people = result.people
        by_department = signup_counts(people, "department", self.ladder)
        by_grade = signup_counts(people, "grade", self.ladder)
        self.counts_area.children = (
            widgets.HTML("<h4>Who signed up (the clean rows)</h4>"),
            widgets.HBox([show_table(by_department.reset_index()),
                          show_table(by_grade.reset_index())],
                         layout=widgets.Layout(gap="32px")),
            widgets.Image(value=figure_png(plot_signup_counts(people, self.ladder)), format="png",
                          layout=widgets.Layout(max_width="900px")),
        )

    @safely
    def save(self) -> None:
        """Save the clean sign-ups in the scheme's store and the mapping in its settings."""
        self.save_messages.clear_output()
        if self.result is None:
            self.error("Give the export first.")
            return
        self.saved = save_signups_to_store(self.result, self.scheme.store,
                                           self.cohort.value.strip(), skip_invalid=True)
        save_mapping(self.scheme, self.mapper.mapping)
        save_ladder(self.scheme, self.ladder_choice.value)
        kind = "warning" if self.saved.skipped_rows else "ok"
        self.say_beside(self.save_messages, self.saved.summary("the scheme's store")
                        + " The column choices and the grade ladder were saved with the "
                        "scheme.", kind)
