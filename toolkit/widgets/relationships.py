"""Notebook panels for following pairs through the year: status, warnings, meetings, actions.

Each panel takes an open :class:`~toolkit.store.connection.Store` and a fixed "today" (so a
notebook gives
the same answers whenever it is run), exposes its controls as attributes and its latest
result as ``result``, and shows any :class:`~toolkit.errors.ToolkitError` as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.core import dates
from toolkit.core.statuses import RUNNING, STATUSES
from toolkit.plots.relationships import plot_meeting_timeline, plot_pace
from toolkit.relationships.agreements import (
    MOST_MEETINGS_A_YEAR,
    record_meetings_per_year,
    write_agreements,
)
from toolkit.relationships.alerts import AlertRules
from toolkit.relationships.changes import (
    pair_table,
    record_mid_term_review,
    record_renewal_answer,
    renewal_answers,
    withdraw_pair,
)
from toolkit.relationships.concerns import (
    CONCERN_CATEGORIES,
    add_concern,
    close_concern,
    concerns_table,
)
from toolkit.relationships.lifecycle import PARTIES, RENEWING, WITHDRAWAL_REASONS, Lifecycle
from toolkit.relationships.meetings import read_meetings, record_meeting, save_meetings
from toolkit.relationships.messages import read_alert_templates
from toolkit.relationships.rematch import Rematch, accept_rematch, rematch_after_withdrawal
from toolkit.relationships.status import check_store, status_table, warnings_with_messages
from toolkit.relationships.withdrawals import read_withdrawals, save_withdrawals
from toolkit.schemes.folder import Scheme
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs
from toolkit.widgets.base import (
    DateBox,
    MessageArea,
    Panel,
    button,
    figure_png,
    readable,
    safely,
    show_table,
    styled,
)
from toolkit.widgets.upload import UploadBox

__all__ = [
    "AgreementPanel",
    "ConcernPanel",
    "MeetingImportPanel",
    "MeetingPanel",
    "RenewalPanel",
    "ReviewPanel",
    "StatusPanel",
    "TimelinePanel",
    "WarningsPanel",
    "WithdrawalImportPanel",
    "WithdrawalPanel",
    "figure_widget",
    "pairs_by_status",
]

_WIDE = {"description_width": "160px"}


def _button(description: str, style: str = "", disabled: bool = False) -> widgets.Button:
    return button(description, button_style=style, disabled=disabled,
                          layout=widgets.Layout(width="230px"))


def figure_widget(fig: Any) -> widgets.Image:
    """Render a matplotlib Figure as a PNG image widget (works without any backend).

    Examples
    --------
    >>> from toolkit.plots.figures import new_figure
    >>> figure_widget(new_figure(figsize=(2, 1))).format
    'png'
    """
    return widgets.Image(value=figure_png(fig), format="png")


def _set_options(dropdown: widgets.Dropdown, options: list) -> None:
    """Replace a dropdown's options and select the first one (or nothing)."""
    dropdown.options = options
    dropdown.value = options[0][1] if options else None


def _pair_options(store: Store, statuses: tuple[str, ...]) -> list[tuple[str, int]]:
    pairs = pair_table(store, statuses=statuses)
    return [(f"Pair {p}: {a} with {b} ({s})", int(p)) for p, a, b, s in zip(
        pairs["pair_id"], pairs["mentee_name"], pairs["mentor_name"], pairs["status"],
        strict=True)]


def pairs_by_status(store: Store) -> Any:
    """Return how many mentoring pairs the store holds in each status, as a table to show.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> pairs_by_status(store).data.to_dict("list")
    {'status': [], 'pairs': []}
    """
    counts = load_pairs(store, scheme="mentoring")["status"].value_counts()
    frame = pd.DataFrame({"status": [str(s) for s in counts.index],
                          "pairs": counts.to_numpy().astype(int)})
    return styled(frame)


class StatusPanel(Panel):
    """Every pair with its status, term and meetings so far; filter by status.

    ``result`` is the table shown.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # messages print outside a notebook
    ...     panel = StatusPanel(store, "2027-01-01")
    >>> panel.result[["pair_id", "status", "held"]].to_numpy().tolist()
    [[1, 'proposed', 0]]
    """

    def __init__(self, store: Store, today: date | str | None = None,
                 lifecycle: Lifecycle | None = None) -> None:
        super().__init__()
        self.store, self.today, self.lifecycle = store, dates.today(today), lifecycle
        self.status = widgets.Dropdown(options=["all", *STATUSES], value="all",
                                       description="Show pairs", style=_WIDE)
        self.status.observe(lambda _c: self.refresh(), names="value")
        self.table = widgets.VBox()
        self.widget = widgets.VBox([self.status, self.messages, self.table])
        self.refresh()

    @safely
    def refresh(self) -> pd.DataFrame:
        """Rebuild the table from the store."""
        self.clear_messages()
        table = status_table(self.store, self.today, lifecycle=self.lifecycle)
        counts = table["status"].value_counts()
        if table.empty:
            self.info("No pairs are saved in this scheme yet: on page 02 (Pairing), press "
                      "'Save pairs to the store', then open this page again.")
            self.result = table
            self.table.children = ()
            return table
        self.info(f"{len(table)} pair(s) on {self.today.day} {self.today:%b %Y}: "
                  + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES) + ".")
        if self.status.value != "all":
            table = table[table["status"] == self.status.value]
        self.result = table.reset_index(drop=True)
        self.table.children = (show_table(self.result),)
        return self.result


class WarningsPanel(Panel):
    """The pairs that need attention now, each with a drafted message to edit and send.

    ``result`` is the warnings table with a ``message`` column; ``draft`` is the text box
    holding the chosen warning's message.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # messages print outside a notebook
    ...     panel = WarningsPanel(store, "2027-01-01")
    >>> panel.result["rule"].tolist(), panel.draft.value.splitlines()[0]
    (['no_first_meeting'], 'Subject: Your mentoring pair: has your first meeting taken place?')
    """

    def __init__(self, store: Store, today: date | str | None = None,
                 rules: AlertRules | None = None, templates: str | Path | None = None,
                 lifecycle: Lifecycle | None = None) -> None:
        super().__init__()
        self.store, self.today = store, dates.today(today)
        self.rules, self.lifecycle = rules or AlertRules(), lifecycle
        self.templates = read_alert_templates(templates)
        self.rules_view = show_table(self.rules.describe())
        self.rule = widgets.Dropdown(description="Rule", style=_WIDE,
                                     layout=widgets.Layout(width="520px"))
        self.choice = widgets.Dropdown(description="Warning", style=_WIDE,
                                       layout=widgets.Layout(width="820px"))
        self.draft = widgets.Textarea(layout=widgets.Layout(width="820px", height="300px"))
        self.table = widgets.VBox()
        self.rule.observe(lambda _c: self._filter(), names="value")
        self.choice.observe(lambda _c: self._show_draft(), names="value")
        self.widget = widgets.VBox([
            widgets.HTML("<b>The rules</b>"), self.rules_view, self.messages, self.rule,
            self.table, self.choice, widgets.HTML("<b>Drafted message</b> (edit, then copy "
                                                  "into an e-mail)"), self.draft])
        self.refresh()

    @safely
    def refresh(self) -> pd.DataFrame:
        """Run the rules again."""
        self.clear_messages()
        warnings = warnings_with_messages(self.store, self.today, self.rules, self.templates,
                                          lifecycle=self.lifecycle)
        self.result = warnings
        for template in self.templates.values():
            for notice in template.notices:
                self.info(notice)
        if warnings.empty:
            self.ok(f"No warnings on {self.today.day} {self.today:%b %Y}: every pair is on track.")
        else:
            self.warn(f"{len(warnings)} warning(s) on {self.today.day} {self.today:%b %Y}.")
        titles = warnings.drop_duplicates("rule")[["title", "rule"]]
        self.rule.options = [("all rules", "all"), *zip(titles["title"], titles["rule"],
                                                        strict=True)]
        self.rule.value = "all"
        self._filter()
        return warnings

    def _filter(self) -> None:
        shown = self.result if self.rule.value in (None, "all") else self.result[
            self.result["rule"] == self.rule.value]
        self.table.children = (show_table(shown.drop(columns=["message", "mentee_email",
                                                              "mentor_email"])),)
        _set_options(self.choice, [
            (f"{t}: " + (f"pair {p}" if not pd.isna(p) else f"mentor {m}"), int(i))
            for i, t, p, m in zip(shown.index, shown["title"], shown["pair_id"],
                                  shown["mentor_name"], strict=True)])
        self._show_draft()

    def _show_draft(self) -> None:
        index = self.choice.value
        self.draft.value = "" if index is None else str(self.result.loc[index, "message"])


class TimelinePanel(Panel):
    """A chart of each running pair's meetings against the target pace.

    ``result`` is the matplotlib Figure shown.
    """

    def __init__(self, store: Store, today: date | str | None = None,
                 rules: AlertRules | None = None, lifecycle: Lifecycle | None = None) -> None:
        super().__init__()
        self.store, self.today, self.rules = store, dates.today(today), rules or AlertRules()
        self.lifecycle = lifecycle
        self.view = widgets.Dropdown(
            options=[("each pair's meetings (all running pairs)", "timeline"),
                     ("each pair's meetings (pairs with a warning)", "warned"),
                     ("pace of all pairs (anonymous)", "pace")],
            value="timeline", description="Chart", style=_WIDE,
            layout=widgets.Layout(width="560px"))
        self.view.observe(lambda _c: self.refresh(), names="value")
        self.chart = widgets.VBox()
        self.widget = widgets.VBox([self.view, self.messages, self.chart])
        self.refresh()

    @safely
    def refresh(self) -> Any:
        """Draw the chosen chart."""
        self.clear_messages()
        pairs, meets = pair_table(self.store, lifecycle=self.lifecycle), load_meetings(self.store)
        if self.view.value == "pace":
            fig = plot_pace(pairs, meets, self.today, self.rules)
        else:
            ids = None
            if self.view.value == "warned":
                warned = check_store(self.store, self.today, self.rules,
                                     lifecycle=self.lifecycle)["pair_id"]
                ids = sorted(int(i) for i in warned.dropna().unique())
            fig = plot_meeting_timeline(pairs, meets, self.today, self.rules, pair_ids=ids)
        self.result = fig
        self.chart.children = (figure_widget(fig),)
        return fig


class AgreementPanel(Panel):
    """Write pre-filled agreements (Word and Markdown) for chosen pairs.

    With no pair chosen, every running pair gets one. ``result`` lists the files written.
    """

    def __init__(self, store: Store, out: str | Path, template: str | Path | None = None,
                 lifecycle: Lifecycle | None = None) -> None:
        super().__init__()
        self.store, self.out, self.template, self.lifecycle = store, Path(out), template, lifecycle
        self.pairs = widgets.SelectMultiple(
            options=_pair_options(store, RUNNING), description="Pairs", style=_WIDE,
            layout=widgets.Layout(width="820px", height="160px"))
        self.docx = widgets.Checkbox(value=True, description="Word (.docx)")
        self.markdown = widgets.Checkbox(value=True, description="Markdown (.md)")
        self.button = _button("Write agreements", "primary")
        self.button.on_click(lambda _b: self.write())
        self.widget = widgets.VBox([
            widgets.HTML("Choose pairs (Ctrl/Cmd-click for several), or none for every "
                         "running pair."), self.pairs,
            widgets.HBox([self.docx, self.markdown]), self.button, self.messages])

    @safely
    def write(self) -> pd.DataFrame:
        """Write the agreements and say where they are."""
        self.clear_messages()
        formats = tuple(f for f, on in (("docx", self.docx.value), ("md", self.markdown.value))
                        if on)
        ids = list(self.pairs.value) or None
        self.result = write_agreements(self.store, self.out, pair_ids=ids, formats=formats,
                                       template=self.template, lifecycle=self.lifecycle)
        self.ok(f"Wrote {len(self.result)} agreement(s) to '{self.out}'.")
        return self.result


class ReviewPanel(Panel):
    """Record what a pair agreed at its first meeting, and its mid-term review.

    *Record meetings a year* keeps the number of meetings a year the pair agreed (the pace
    warning then follows it for that pair); *Record mid-term review* ends the review prompt
    for the pair's current term. ``result`` is the number recorded, then the pair's row.

    Examples
    --------
    >>> import tempfile, pathlib, contextlib, io
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     panel = ReviewPanel(store, "2027-05-01")
    ...     panel.per_year.value = 6
    ...     _ = panel.record_pace()
    >>> pair_table(store)["meetings_per_year"].tolist()
    [6]
    """

    def __init__(self, store: Store, today: date | str | None = None) -> None:
        super().__init__()
        self.store, self.today = store, dates.today(today)
        self.pair = widgets.Dropdown(options=_pair_options(store, RUNNING), description="Pair",
                                     style=_WIDE, layout=widgets.Layout(width="820px"))
        self.per_year = widgets.BoundedIntText(value=3, min=1, max=MOST_MEETINGS_A_YEAR,
                                               description="Meetings a year", style=_WIDE)
        self.pace_button = _button("Record meetings a year", "primary")
        self.pace_button.on_click(lambda _b: self.record_pace())
        self.date = DateBox(self.today, "Review held on", _WIDE)
        self.review_button = _button("Record mid-term review")
        self.review_button.on_click(lambda _b: self.record_review())
        self.widget = widgets.VBox([
            self.pair, widgets.HBox([self.per_year, self.pace_button]),
            widgets.HBox([self.date, self.review_button]), self.messages])

    @safely
    def record_pace(self) -> int | None:
        """Record the meetings a year the chosen pair agreed."""
        self.clear_messages()
        if self.pair.value is None:
            self.warn("There is no running pair.")
            return None
        self.result = record_meetings_per_year(self.store, self.pair.value,
                                               int(self.per_year.value))
        self.ok(f"Pair {self.pair.value} agreed on {self.result} meetings a year; its pace "
                "warning now follows that number.")
        return self.result

    @safely
    def record_review(self) -> dict | None:
        """Record that the chosen pair held its mid-term review."""
        self.clear_messages()
        if self.pair.value is None:
            self.warn("There is no running pair.")
            return None
        self.result = record_mid_term_review(self.store, self.pair.value, self.date.value)
        self.ok(f"Recorded the mid-term review of pair {self.pair.value} on "
                f"{dates.readable_date(self.result['last_review'])}.")
        return self.result


class ConcernPanel(Panel):
    """The lead's private concern log: record a concern, see the log, close a concern.

    The notes are shown only when *Show my notes* is ticked; nothing here goes into a
    report. ``result`` is the log as shown (after recording or closing, the new state).

    Examples
    --------
    >>> import tempfile, pathlib, contextlib, io
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     panel = ConcernPanel(store, "2027-01-10")
    ...     panel.category.value, panel.note.value = "agenda imposed", "private"
    ...     _ = panel.record()
    >>> panel.result[["id", "pair_id", "category", "closed_on"]].values.tolist()
    [[1, 1, 'agenda imposed', None]]
    """

    def __init__(self, store: Store, today: date | str | None = None) -> None:
        super().__init__()
        self.store, self.today = store, dates.today(today)
        self.pair = widgets.Dropdown(options=_pair_options(store, STATUSES), description="Pair",
                                     style=_WIDE, layout=widgets.Layout(width="820px"))
        self.category = widgets.Dropdown(options=list(CONCERN_CATEGORIES),
                                         value=CONCERN_CATEGORIES[0], description="Category",
                                         style=_WIDE)
        self.date = DateBox(self.today, "Raised on", _WIDE)
        self.follow_up = DateBox(None, "Follow up on", _WIDE)
        self.note = widgets.Textarea(description="Note (private)", style=_WIDE,
                                     layout=widgets.Layout(width="820px", height="80px"))
        self.button = _button("Record concern", "primary")
        self.button.on_click(lambda _b: self.record())
        self.show_notes = widgets.Checkbox(value=False, description="Show my notes")
        self.show_notes.observe(lambda _c: self.refresh(), names="value")
        self.concern = widgets.Dropdown(options=[], description="Open concern", style=_WIDE,
                                        layout=widgets.Layout(width="820px"))
        self.close_button = _button("Close concern")
        self.close_button.on_click(lambda _b: self.close())
        self.table = widgets.VBox()
        self.widget = widgets.VBox([
            self.pair, self.category, widgets.HBox([self.date, self.follow_up]), self.note,
            self.button, self.messages, self.show_notes, self.table,
            widgets.HBox([self.concern, self.close_button])])
        self.refresh()

    @safely
    def refresh(self) -> pd.DataFrame:
        """Show the log (notes only when asked for) and the open concerns to close."""
        table = concerns_table(self.store, today=self.today)
        self.result = table
        shown = table if self.show_notes.value else table.drop(columns="note")
        self.table.children = (show_table(shown),)
        still_open = table[table["closed_on"].isna()]
        _set_options(self.concern, [
            (f"Concern {i}: pair {p}, {c}, raised {d}", int(i)) for i, p, c, d in zip(
                still_open["id"], still_open["pair_id"], still_open["category"],
                still_open["on_date"], strict=True)])
        return table

    @safely
    def record(self) -> pd.DataFrame | None:
        """Record the concern described by the controls, then show the log."""
        self.clear_messages()
        if self.pair.value is None:
            self.warn("There is no pair to record a concern for.")
            return None
        number = add_concern(self.store, self.pair.value, self.category.value,
                             self.note.value, self.date.value, self.follow_up.value,
                             today=self.today)
        self.note.value = ""
        self.ok(f"Recorded concern {number} for pair {self.pair.value}. The note stays "
                "private to you.")
        return self.refresh()

    @safely
    def close(self) -> pd.DataFrame | None:
        """Close the chosen open concern today, then show the log."""
        self.clear_messages()
        if self.concern.value is None:
            self.info("There is no open concern.")
            return None
        day = close_concern(self.store, self.concern.value, self.today)
        self.ok(f"Closed concern {self.concern.value} on {dates.readable_date(day)}.")
        return self.refresh()


class _CheckedFilePanel(Panel):
    """A file the lead gives or uploads, checked against the store at once, recorded on a click.

    Nothing changes until the lead presses the panel's button. With a ``scheme``, the panel
    has an upload button: the file is kept in the scheme's imports and checked again.
    Subclasses say what the file is and how it is read, described and recorded.
    """

    #: The button, what the file is (for the upload and the messages), what the button does.
    button_text = what = does = ""
    #: What the panel says before any file is given.
    waiting = ""

    def __init__(self, store: Store, path: str | Path | None = None,
                 today: date | str | None = None,
                 mapping: dict | str | Path | None = None, sheet: str | None = None,
                 lifecycle: Lifecycle | None = None, scheme: Scheme | None = None) -> None:
        super().__init__()
        self.store, self.today = store, dates.today(today)
        self.path = None if path is None else Path(path)
        self.lifecycle = lifecycle
        self.mapping, self.sheet = mapping, sheet
        self.button = _button(self.button_text, "primary")
        self.button.on_click(lambda _b: self.save())
        self.problems_view = widgets.VBox()
        self.save_messages = MessageArea()
        self.uploader = (None if scheme is None else
                         UploadBox(scheme, self.what, self.use, current=self.path))
        top = [] if self.uploader is None else [self.uploader.widget]
        self.widget = widgets.VBox([*top, self.messages, self.problems_view,
                                    widgets.HBox([self.button, self.save_messages],
                                                 layout=widgets.Layout(gap="12px"))])
        if self.path is None:
            self.button.disabled = True
            self.info(self.waiting)
        else:
            self.check()

    def use(self, path: str | Path) -> Any:
        """Check another file (an upload, or a file the lead names)."""
        self.path = Path(path)
        self.button.disabled = False
        self.save_messages.clear_output()
        return self.check()

    def _read(self) -> Any:
        raise NotImplementedError

    def _found(self) -> str:
        """Say what the file holds that can be recorded."""
        raise NotImplementedError

    def _nothing(self) -> Any:
        """Return what a click records when no file was given."""
        raise NotImplementedError

    def _record(self) -> tuple[Any, str]:
        """Record the good rows; return what was recorded, and say it in words."""
        raise NotImplementedError

    @safely
    def check(self) -> Any:
        """Read and check the file against the store (nothing is recorded)."""
        self.clear_messages()
        self.result = None
        self._read()
        for notice in self.result.notices:
            self.info(notice)
        if self.result.ok:
            self.ok(f"{self._found()}, no problems. Press '{self.button_text}' to "
                    f"{self.does}.")
            self.problems_view.children = ()
        else:
            self.warn(f"{self._found()}; {self.result.problems['row'].nunique()} row(s) have "
                      "problems and will not be recorded until corrected (row numbers as "
                      "your spreadsheet shows).")
            self.problems_view.children = (show_table(self.result.problems),)
        return self.result

    @safely
    def save(self) -> Any:
        """Record the good rows of the file checked last; return what was recorded."""
        self.save_messages.clear_output()
        if self.result is None:
            self.say_beside(self.save_messages, f"Give {self.what} first: upload it above.",
                            "error")
            return self._nothing()
        done, text = self._record()
        problems = self.result.problems
        self._read()  # what is left to record: nothing, until the file changes
        self.say_beside(self.save_messages, text, "ok")
        if not problems.empty:
            self.say_beside(self.save_messages, f"{problems['row'].nunique()} row(s) with "
                            f"problems were not recorded: correct them in {self.what} and "
                            "upload it again.", "warning")
        return done


class MeetingImportPanel(_CheckedFilePanel):
    """Check a meetings export at once; record its good rows with one click.

    Nothing is recorded until the lead presses *Record the good rows*. With a ``scheme``, the
    panel has an upload button: the export is kept in the scheme's imports and checked again.
    ``result`` is the :class:`~toolkit.relationships.meetings.MeetingImport` (None until an
    export is given); ``saved`` how many meetings the last click recorded.
    """

    button_text, what, does = "Record the good rows", "the meetings export", "record them"
    waiting = "No meetings export given yet: upload it above (or name it in MEETINGS)."
    saved = 0

    def _read(self) -> Any:
        self.result = read_meetings(self.path, self.store, self.today, self.mapping, self.sheet,
                                    lifecycle=self.lifecycle)
        return self.result

    def _found(self) -> str:
        return f"{len(self.result.meetings)} new meeting(s) in '{self.result.source}'"

    def _nothing(self) -> int:
        return 0

    def _record(self) -> tuple[int, str]:
        """Record the good rows (first meetings confirm proposed pairs)."""
        self.saved = save_meetings(self.store, self.result, lifecycle=self.lifecycle)
        return self.saved, f"Recorded {self.saved} meeting(s) from '{self.result.source}'."


class WithdrawalImportPanel(_CheckedFilePanel):
    """Check a list of people who withdrew at once; end their pairs with one click.

    The list (CSV or XLSX: e-mail, date, optionally a reason) is checked against the store
    as soon as it is given or uploaded (with a ``scheme``, it is kept in the scheme's
    imports); nothing changes until the lead presses *Record the withdrawals*, which ends
    every running pair of each person on the list as withdrawn. Reasons stay private to
    the lead. ``result`` is the
    :class:`~toolkit.relationships.withdrawals.WithdrawalImport` (None until a list is
    given); ``ended`` the pairs the last click ended.
    """

    button_text, what, does = "Record the withdrawals", "the list of withdrawals", "end them"
    waiting = ("No list of withdrawals given yet: upload it above (e-mail, date, and "
               "optionally a reason).")
    ended: tuple[int, ...] | list[int] = ()

    def _read(self) -> Any:
        self.result = read_withdrawals(self.path, self.store, self.today, self.mapping,
                                       self.sheet, lifecycle=self.lifecycle)
        return self.result

    def _found(self) -> str:
        return (f"{self.result.people} person(s) on the list have "
                f"{len(self.result.withdrawals)} running pair(s) to end")

    def _nothing(self) -> list[int]:
        return []

    def _record(self) -> tuple[list[int], str]:
        """End the running pairs of everyone on the list (reasons stay private)."""
        self.ended = save_withdrawals(self.store, self.result, lifecycle=self.lifecycle)
        return self.ended, (f"Ended {len(self.ended)} pair(s) as withdrawn, from "
                            f"'{self.result.source}'.")


class MeetingPanel(Panel):
    """Record one meeting: which pair, when, held or cancelled and by whom.

    ``result`` is 1 when the last click recorded a meeting, 0 when it was already recorded.
    """

    def __init__(self, store: Store, today: date | str | None = None,
                 lifecycle: Lifecycle | None = None) -> None:
        super().__init__()
        self.store, self.today, self.lifecycle = store, dates.today(today), lifecycle
        self.pair = widgets.Dropdown(options=_pair_options(store, RUNNING),
                                     description="Pair", style=_WIDE,
                                     layout=widgets.Layout(width="820px"))
        self.date = DateBox(self.today, "Date", _WIDE)
        self.status = widgets.ToggleButtons(options=["held", "cancelled"], value="held",
                                            description="Meeting", style=_WIDE)
        self.cancelled_by = widgets.Dropdown(options=["", "mentee", "mentor", "both", "lead"],
                                             value="", description="Cancelled by", style=_WIDE)
        self.note = widgets.Text(description="Note (private)", style=_WIDE,
                                 layout=widgets.Layout(width="820px"))
        self.button = _button("Record meeting", "primary")
        self.button.on_click(lambda _b: self.record())
        self.widget = widgets.VBox([self.pair, self.date, self.status, self.cancelled_by,
                                    self.note, self.button, self.messages])

    @safely
    def record(self) -> int:
        """Record the meeting described by the controls."""
        self.clear_messages()
        if self.pair.value is None:
            self.warn("There is no running pair to record a meeting for.")
            return 0
        self.result = record_meeting(self.store, self.pair.value, self.date.value,
                                     self.status.value, self.cancelled_by.value,
                                     self.note.value, today=self.today,
                                     lifecycle=self.lifecycle)
        if self.result:
            self.ok(f"Recorded a {self.status.value} meeting of pair {self.pair.value} on "
                    f"{self.date.text.value}.")
        else:
            self.info("That meeting was already recorded.")
        return self.result


class WithdrawalPanel(Panel):
    """Record a withdrawal, then propose a new partner for the person left alone.

    ``result`` is the withdrawn pair after "Record withdrawal", then the
    :class:`~toolkit.relationships.lifecycle.Rematch` after "Propose a new partner", then the new
    pair ids after "Accept". The reason category stays private to the lead.

    Parameters
    ----------
    store : Store
    today : date or str, optional
    matcher : callable, optional
        The pairing engine (default ``toolkit.pairing.matching.match_mentors``).
    **match_options
        Passed to the engine (weights, objective).
    """

    def __init__(self, store: Store, today: date | str | None = None,
                 matcher: Callable[..., Any] | None = None, **match_options: Any) -> None:
        super().__init__()
        self.store, self.today = store, dates.today(today)
        self.matcher, self.match_options = matcher, match_options
        self.rematch: Rematch | None = None
        self.pair = widgets.Dropdown(options=_pair_options(store, RUNNING),
                                     description="Pair", style=_WIDE,
                                     layout=widgets.Layout(width="820px"))
        self.by = widgets.Dropdown(options=list(PARTIES), value="mentee",
                                   description="Who withdrew", style=_WIDE)
        self.reason = widgets.Dropdown(options=list(WITHDRAWAL_REASONS), value="other",
                                       description="Reason (private)", style=_WIDE)
        self.date = DateBox(self.today, "Date", _WIDE)
        self.note = widgets.Text(description="Note (private)", style=_WIDE,
                                 layout=widgets.Layout(width="820px"))
        self.button = _button("Record withdrawal", "warning")
        self.propose_button = _button("Propose a new partner", disabled=True)
        self.accept_button = _button("Accept the proposal", "success", disabled=True)
        self.button.on_click(lambda _b: self.withdraw())
        self.propose_button.on_click(lambda _b: self.propose())
        self.accept_button.on_click(lambda _b: self.accept())
        self.proposals = widgets.VBox()
        self.withdrawn_id: int | None = None
        self.widget = widgets.VBox([
            self.pair, self.by, self.reason, self.date, self.note, self.button,
            self.messages, self.propose_button, self.proposals, self.accept_button])

    @safely
    def withdraw(self) -> Any:
        """Record the withdrawal chosen in the controls."""
        self.clear_messages()
        if self.pair.value is None:
            self.warn("There is no running pair.")
            return None
        self.result = withdraw_pair(self.store, self.pair.value, self.date.value, self.by.value,
                                    self.reason.value, self.note.value)
        self.withdrawn_id = int(self.pair.value)
        self.ok(f"Pair {self.withdrawn_id} is now withdrawn (recorded on {self.date.text.value}). "
                "Click 'Propose a new partner' to re-match the person left alone.")
        self.propose_button.disabled = False
        _set_options(self.pair, _pair_options(self.store, RUNNING))
        return self.result

    @safely
    def propose(self) -> Rematch | None:
        """Ask the pairing engine for a new partner, keeping every other pair."""
        if self.withdrawn_id is None:
            self.warn("Record a withdrawal first.")
            return None
        self.rematch = rematch_after_withdrawal(self.store, self.withdrawn_id,
                                                matcher=self.matcher, **self.match_options)
        self.result = self.rematch
        for note in self.rematch.notes:
            self.info(note)
        if not self.rematch.proposals.empty:
            self.ok(f"Proposed for {self.rematch.person} ({len(self.rematch.current)} other "
                    "running pairs kept as they are):")
            self.proposals.children = (show_table(self.rematch.proposals),)
            self.accept_button.disabled = False
        return self.rematch

    @safely
    def accept(self) -> list[int]:
        """Record the proposal as a new proposed pair."""
        if self.rematch is None:
            return []
        ids = accept_rematch(self.store, self.rematch, self.date.value)
        self.result = ids
        self.accept_button.disabled = True
        self.ok(f"Recorded new pair(s) {ids} as proposed.")
        return ids


class RenewalPanel(Panel):
    """Record each party's renewal answer; the pair is renewed or ended once both answered.

    Lists the active and renewed pairs whose term ends within ``within_days`` (default 60)
    first. ``result`` is the pair after the last answer.
    """

    def __init__(self, store: Store, today: date | str | None = None, within_days: int = 60,
                 lifecycle: Lifecycle | None = None) -> None:
        super().__init__()
        self.store, self.today, self.lifecycle = store, dates.today(today), lifecycle
        self.within_days = within_days
        self.pair = widgets.Dropdown(description="Pair", style=_WIDE,
                                     layout=widgets.Layout(width="820px"))
        self.mentee = widgets.ToggleButtons(options=["not yet", "yes", "no"], value="not yet",
                                            description="Mentee renews?", style=_WIDE)
        self.mentor = widgets.ToggleButtons(options=["not yet", "yes", "no"], value="not yet",
                                            description="Mentor renews?", style=_WIDE)
        self.date = DateBox(self.today, "Date", _WIDE)
        self.button = _button("Record answers", "primary")
        self.button.on_click(lambda _b: self.record())
        self.answers = widgets.VBox()
        self.widget = widgets.VBox([self.pair, self.mentee, self.mentor, self.date, self.button,
                                    self.messages, self.answers])
        self.refresh()

    def refresh(self) -> None:
        """List the pairs (those ending soonest first) and the answers so far."""
        pairs = pair_table(self.store, statuses=RENEWING, lifecycle=self.lifecycle)
        pairs = pairs.sort_values(["term_end", "pair_id"])
        limit = pd.Timestamp(self.today) + pd.Timedelta(days=self.within_days)
        soon = pd.to_datetime(pairs["term_end"]) <= limit
        _set_options(self.pair, [
            (f"Pair {p}: {a} with {b}, term ends {e}" + (" (soon)" if s else ""), int(p))
            for p, a, b, e, s in zip(pairs["pair_id"], pairs["mentee_name"],
                                     pairs["mentor_name"], readable(pairs[["term_end"]])[
                                         "term_end"], soon, strict=True)])
        answers = renewal_answers(self.store)
        self.answers.children = (show_table(answers),) if not answers.empty else ()

    @safely
    def record(self) -> Any:
        """Record the answers given in the controls."""
        self.clear_messages()
        if self.pair.value is None:
            self.warn("There is no active or renewed pair.")
            return None
        pair_id = int(self.pair.value)
        given = [(p, w.value) for p, w in (("mentee", self.mentee), ("mentor", self.mentor))
                 if w.value != "not yet"]
        if not given:
            self.warn("Choose 'yes' or 'no' for at least one of them.")
            return None
        for party, answer in given:
            self.result = record_renewal_answer(self.store, pair_id, party, answer == "yes",
                                                self.date.value, self.lifecycle)
        status = self.result["status"]
        if status == "renewed":
            self.ok(f"Pair {pair_id} is renewed until "
                    f"{dates.readable_date(self.result['term_end'])}.")
        elif status == "ended":
            self.ok(f"Pair {pair_id} has ended; both may join the next matching round (they "
                    "will not be paired together again).")
        else:
            self.info(f"Recorded. Pair {pair_id} waits for the other answer.")
        self.refresh()
        return self.result
