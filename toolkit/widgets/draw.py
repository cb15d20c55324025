"""Notebook panel for the monthly UnMentoring draw: preview, lock or break, re-draw, save, export.

The panel calls the same functions as the ``draw`` command. Its controls are attributes
(``panel.round_label.value = "2026-11"``, ``panel.lock_button.click()``) and its current draw
is ``panel.result``, so tests drive it without a kernel.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.core.dates import readable_date
from toolkit.errors import SettingsError, ToolkitError
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.templates import Template
from toolkit.schemes.folder import Scheme
from toolkit.unmentoring.announcements import (
    TEMPLATE_FIELDS,
    read_email_template,
    write_announcements,
)
from toolkit.unmentoring.draw import default_seed, draw_round, round_labels
from toolkit.unmentoring.participants import participant_summary, read_participants
from toolkit.unmentoring.service import (
    load_exclusions,
    load_history,
    rounds_place,
    rounds_state,
    save_round,
)
from toolkit.unmentoring.statistics import draw_statistics, repeat_pairs
from toolkit.widgets.base import MessageArea, Panel, button, message_html, safely, show_table
from toolkit.widgets.upload import UploadBox

__all__ = ["DrawPanel", "preview_table"]


def preview_table(draw: pd.DataFrame, participants: pd.DataFrame,
                  locks: list[list[str]] | None = None) -> pd.DataFrame:
    """Return the draw as the lead reads it: group, name, department, e-mail, locked.

    Examples
    --------
    >>> people = pd.DataFrame({"name": ["Ada", "Bo"], "email": ["a@x.org", "b@x.org"],
    ...                        "department": ["Maths", "Physics"]})
    >>> d = pd.DataFrame({"round": ["r", "r"], "group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> preview_table(d, people)["name"].tolist()
    ['Ada', 'Bo']
    """
    info = participants.assign(email=participants["email"].astype(str).str.casefold())
    info = info.set_index("email")
    locked = {e for group in (locks or []) for e in group}
    emails = draw["email"].astype(str)
    return pd.DataFrame({
        "group": draw["group"].to_numpy(),
        "name": emails.map(info["name"]).to_numpy(),
        "department": emails.map(info["department"]).to_numpy(),
        "email": emails.to_numpy(),
        "locked": ["yes" if e in locked else "" for e in emails],
    })


class DrawPanel(Panel):
    """Draw a round, look at it, lock or break groups, re-draw the rest, then save and export.

    Parameters
    ----------
    participants : str, Path or DataFrame
        The sign-up list (``name, email, department`` and optionally ``paused``).
    history : str or Path, optional
        The history CSV (``round, group, email``); give this or ``store``.
    store : str or Path, optional
        The scheme store; its mentoring pairs and line managers are kept apart.
    round_label : str
        This round's label, e.g. ``"2026-10"``.
    week : str, optional
        A day in the week to meet in (``YYYY-MM-DD``) or an ISO week (``2026-W41``).
    seed : int, optional
        The seed (default: a number made from the round label).
    out : str or Path, optional
        Folder for the exported draw and announcements (default: beside the history or store).
    mapping : dict or path, optional
        Field -> header for the sign-up list.
    method : str
        ``auto``, ``exact`` or ``fast`` (see :func:`toolkit.unmentoring.draw.draw_round`).
    template : str or Path, optional
        An edited copy of the e-mail template; its wording (or the shipped one) fills the
        ``wording`` text area, where the lead can change it before exporting.
    scheme : Scheme, optional
        With a scheme, the sign-up list can be uploaded (kept in the scheme's imports; the
        round is drawn again from it).

    ``participants`` may be None: the panel then asks for the list. Nothing is saved or
    written until *Save the round* or *Export announcements* is pressed; their confirmations
    appear beside the buttons.
    """

    def __init__(self, participants: str | Path | pd.DataFrame | None,
                 history: str | Path | None = None,
                 store: str | Path | None = None, round_label: str = "",
                 week: str | None = None, seed: int | None = None,
                 out: str | Path | None = None, mapping: Any = None,
                 method: str = "auto", template: str | Path | None = None,
                 scheme: Scheme | None = None) -> None:
        super().__init__()
        rounds_place(history, store)
        self.mapping = mapping
        self.participants: pd.DataFrame | None = (
            participants if isinstance(participants, pd.DataFrame) or participants is None
            else read_participants(participants, mapping=mapping))
        self.history_path = None if history is None else Path(history)
        self.store_path = None if store is None else Path(store)
        where = self.history_path or self.store_path
        self.out = Path(out) if out is not None else where.parent / "unmentoring"
        self.method = method
        self.template = template
        self.locks: list[list[str]] = []
        self.breaks: list[list[str]] = []
        self.saved: str | None = None
        self.drawn_from: list[str] = []
        self.drawn_state: str | None = None
        self.exported: dict[str, Path] = {}
        self.statistics: pd.DataFrame | None = None
        layout = {"style": {"description_width": "120px"},
                  "layout": widgets.Layout(width="360px")}
        self.round_label = widgets.Text(value=str(round_label), description="Round", **layout)
        self.week = widgets.Text(value=readable_date(week) if week else "",
                                 description="Week (date)", placeholder="e.g. 5 Oct 2026",
                                 **layout)
        self.seed = widgets.IntText(
            value=default_seed(round_label) if seed is None else int(seed),
            description="Seed", **layout)
        self.groups = widgets.Dropdown(options=[], description="Group",
                                       style={"description_width": "120px"},
                                       layout=widgets.Layout(width="640px"))
        self.lock_button = button("Lock this group", icon="lock")
        self.break_button = button("Break this group", icon="unlink")
        self.clear_button = button("Clear locks and breaks")
        self.redraw_button = button("Re-draw (new seed)", icon="refresh")
        self.replace = widgets.Checkbox(value=False, description="replace this round if it is "
                                        "already saved", indent=False)
        self.save_button = button("Save the round", button_style="primary",
                                          icon="save")
        self.export_button = button("Export announcements",
                                            icon="envelope")
        self.ics = widgets.Checkbox(value=True, description="with calendar files", indent=False)
        self.preview = widgets.VBox()
        self.stats_view = widgets.VBox()
        self.given_template, wording = self._first_wording(template)
        self.wording = widgets.Textarea(
            value=wording, description="E-mail wording",
            style={"description_width": "120px"},
            layout=widgets.Layout(width="820px", height="260px"))
        self.action_messages = MessageArea()
        self.people_view = widgets.VBox()
        self.uploader = (None if scheme is None else UploadBox(
            scheme, "the sign-up list", self.use,
            current=None if isinstance(participants, pd.DataFrame) else participants))
        self.files = widgets.VBox([*([] if self.uploader is None else [self.uploader.widget]),
                                   self.people_view])
        self.lock_button.on_click(lambda _b: self.lock())
        self.break_button.on_click(lambda _b: self.break_group())
        self.clear_button.on_click(lambda _b: self.clear())
        self.redraw_button.on_click(lambda _b: self.redraw())
        self.save_button.on_click(lambda _b: self.save())
        self.export_button.on_click(lambda _b: self.export())
        for control in (self.round_label, self.week, self.seed):
            control.continuous_update = False
            control.observe(lambda _c: self.draw(), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.round_label, self.week, self.seed]),
            self.messages,
            widgets.HTML("<b>Statistics</b> (no names: safe to share)"),
            self.stats_view,
            widgets.HTML("<b>The draw</b>: pick a group to lock it (keep it, re-draw the "
                         "others) or break it (never these people together this round)."),
            self.groups,
            widgets.HBox([self.lock_button, self.break_button, self.clear_button,
                          self.redraw_button]),
            self.preview,
            widgets.HTML("<b>The e-mail</b>: change the wording as you like; keep the first "
                         "line as <code>Subject: ...</code> and the placeholders in braces ("
                         + ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS) + ")."),
            self.wording,
            widgets.HBox([self.save_button, self.replace, self.export_button, self.ics]),
            self.action_messages,
        ])
        self._show_people()
        self.draw()

    @staticmethod
    def _first_wording(template: str | Path | None) -> tuple[Template | None, str]:
        """Return the given template and its wording (one with a problem is shown as written).

        Its problem is then reported when the round is saved or exported, so the lead can
        correct it in the panel.
        """
        try:
            given = read_email_template(template)
        except SettingsError:
            try:
                return None, Path(str(template)).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None, read_email_template().text
        return given, given.text

    def use(self, path: str | Path) -> pd.DataFrame | None:
        """Draw from another sign-up list (an upload, or a file the lead names)."""
        self.action_messages.clear_output()
        return self._read_people(path)

    @safely
    def _read_people(self, path: str | Path) -> pd.DataFrame | None:
        self.clear_messages()
        self.participants = read_participants(path, mapping=self.mapping)
        self.locks, self.breaks = [], []
        self._show_people()
        return self.draw()

    def _show_people(self) -> None:
        if self.participants is None:
            self.people_view.children = (widgets.HTML(message_html(
                "No sign-up list yet: upload it above (or name it in PARTICIPANTS).")),)
            return
        self.people_view.children = (show_table(participant_summary(self.participants)),)

    def email_template(self) -> Template:
        """Return the wording in the panel as a checked template (subject line, placeholders).

        Raises
        ------
        SettingsError
            If the wording has no ``Subject:`` line or uses an unknown placeholder.
        """
        if self.given_template is not None and self.wording.value == self.given_template.text:
            return self.given_template  # as read, with its notices
        template = Template(self.wording.value, source="The e-mail wording in the panel")
        for part in template.split_subject():
            part.check(TEMPLATE_FIELDS)
        return template

    # -- inputs -------------------------------------------------------------------------------
    def history(self) -> pd.DataFrame:
        """Return the earlier rounds, from the history file or the store."""
        return load_history(self.history_path, self.store_path)

    def exclusions(self) -> pd.DataFrame | None:
        """Pairs never to draw together (from the store), or None with a history file."""
        if self.store_path is None:
            return None
        return load_exclusions(self.store_path, self.participants["email"])

    # -- actions ------------------------------------------------------------------------------
    @safely
    def draw(self) -> pd.DataFrame | None:
        """Draw the round with the current label, seed, locks and breaks, and show it."""
        self.clear_messages()
        self.result = None
        if self.participants is None:
            self.info("Upload the sign-up list above (or name it in PARTICIPANTS) to draw.")
            self.preview.children, self.stats_view.children = (), ()
            return None
        label = self.round_label.value.strip()
        if not label:
            raise SettingsError("Give the round a label (e.g. 2026-10) to draw it.")
        # Taken before the history is read: if the history or the store changes after it
        # (another session saves a round, someone is erased or withdraws), saving refuses.
        state = rounds_state(self.history_path, self.store_path)
        history = self.history()
        if label in set(round_labels(history)):
            self.warn(f"Round '{label}' is already saved. Saving again needs 'replace this "
                      "round' ticked; otherwise give a new label.")
        self.drawn_from = round_labels(history)
        self.drawn_state = state
        self.result = draw_round(self.participants, history, seed=int(self.seed.value),
                                 round_label=label, locks=self.locks, breaks=self.breaks,
                                 exclusions=self.exclusions(), method=self.method)
        self.statistics = draw_statistics(self.result, self.participants, history)
        self._show(history)
        return self.result

    def _show(self, history: pd.DataFrame) -> None:
        table = preview_table(self.result, self.participants, self.locks)
        self.preview.children = (show_table(table, max_rows=1000),)
        self.stats_view.children = (show_table(self.statistics.assign(value=[
            f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"
            for v in self.statistics["value"]])),)
        options = []
        for group, rows in table.groupby("group", sort=True):
            who = " + ".join(f"{n} ({d})" for n, d in zip(rows["name"], rows["department"],
                                                          strict=True))
            options.append((f"{group}: {who}", int(group)))
        self.groups.options = options
        repeats = repeat_pairs(self.result, history)
        if len(repeats):
            self.warn(f"{len(repeats)} pair(s) met before: no draw without repeats exists for "
                      "these participants, so the pairings from the oldest rounds were allowed.")
        self.ok(f"Drawn with seed {self.seed.value}: {len(self.result)} people in "
                f"{self.result['group'].nunique()} groups. Look through it, lock or break "
                "groups if needed, then save.")

    def _selected(self) -> list[str]:
        if self.result is None or self.groups.value is None:
            raise SettingsError("Draw the round first, then pick a group.")
        rows = self.result[self.result["group"] == self.groups.value]
        return sorted(rows["email"].astype(str))

    @safely
    def lock(self) -> pd.DataFrame | None:
        """Keep the selected group as it is and re-draw everyone else."""
        group = self._selected()
        self.locks = [g for g in self.locks if not set(g) & set(group)] + [group]
        return self.draw()

    @safely
    def break_group(self) -> pd.DataFrame | None:
        """Never put the selected group's members together this round; re-draw."""
        group = self._selected()
        self.locks = [g for g in self.locks if not set(g) & set(group)]
        self.breaks += [list(p) for p in combinations(group, 2)]
        return self.draw()

    @safely
    def clear(self) -> pd.DataFrame | None:
        """Forget every lock and break and re-draw."""
        self.locks, self.breaks = [], []
        return self.draw()

    def redraw(self) -> pd.DataFrame | None:
        """Draw again with the next seed (locks and breaks are kept)."""
        self.seed.value = int(self.seed.value) + 1  # observing the seed re-draws
        return self.result

    def save(self) -> str | None:
        """Save the round (see :meth:`save_round`); messages appear beside the button.

        When the save was refused because the history or the store changed since the draw,
        the round is drawn again from them as they are now and shown, to be looked through
        and saved again.
        """
        self.action_messages.clear_output()
        with self.beside(self.action_messages):
            saved = self.save_round()
        if saved is None and self.result is not None and self._stale():
            self.draw()
            if self.result is not None:
                self.say_beside(self.action_messages, "The round was drawn again from the "
                                "rounds as they are now (shown above): look through it, then "
                                "save it.", "warning")
        return saved

    def _stale(self) -> bool:
        try:
            return rounds_state(self.history_path, self.store_path) != self.drawn_state
        except ToolkitError:
            return False

    @safely
    def save_round(self) -> str | None:
        """Save the round in the history file or the store.

        A round already saved is refused (nothing changes) unless 'replace' is ticked, and so
        is a round drawn before the history file or the store changed (another session saved
        or replaced a round, someone was erased or withdrew): it would not know who met then,
        or would bring back an erased address, so it must be drawn again. The e-mail
        template is checked first, so a template that cannot be used stops the save rather
        than the export after it.
        """
        if self.result is None:
            raise SettingsError("There is no draw to save: fix the problem shown above first.")
        self.email_template()
        label = self.round_label.value.strip()
        settings = {"locks": self.locks, "breaks": self.breaks, "method": self.method}
        where = save_round(self.result, int(self.seed.value), history=self.history_path,
                           store=self.store_path, week=self.week.value.strip() or None,
                           settings=settings, redraw=self.replace.value,
                           known_rounds=self.drawn_from, state=self.drawn_state)
        # The saved round is now part of the history: saving it again (replace ticked)
        # is not a change by someone else.
        self.drawn_state = rounds_state(self.history_path, self.store_path)
        self.saved = label
        self.ok(f"Saved round '{label}' (seed {self.seed.value}) in {where}.")
        return label

    def export(self) -> dict[str, Path] | None:
        """Export the announcements (see :meth:`export_files`); messages beside the button."""
        self.action_messages.clear_output()
        with self.beside(self.action_messages):
            return self.export_files()

    @safely
    def export_files(self) -> dict[str, Path] | None:
        """Write the draw CSV, the mail-merge CSV, e-mail drafts and calendar files."""
        if self.result is None:
            raise SettingsError("There is no draw to export: fix the problem shown above "
                                "first.")
        template = self.email_template()
        label = self.round_label.value.strip()
        folder = self.out / label
        week = self.week.value.strip() or None
        written = {"draw": write_csv_atomic(self.result, folder / "draw.csv")}
        written.update(write_announcements(self.result, self.participants, folder, week=week,
                                           template=template,
                                           ics=self.ics.value and week is not None))
        self.exported = written
        for notice in template.notices:
            self.warn(notice)
        if self.saved != label:
            self.warn("Exported, but this round is not saved yet: save it so next month's "
                      "draw knows who met.")
        self.ok(f"Exported to '{folder}': " + ", ".join(p.name for p in written.values()) + ".")
        return written
