"""Notebook panel for a coaching round: set the triage threshold and rules, see the outcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd

from toolkit.coaching.matching import MatchSettings
from toolkit.coaching.progress import SessionLimits
from toolkit.coaching.round import CoachingRound, run_round, save_round, write_round
from toolkit.coaching.supervision import CoachRules
from toolkit.coaching.triage import TriageRules
from toolkit.core.ladder import resolve_ladder
from toolkit.errors import SettingsError
from toolkit.schemes.folder import Scheme
from toolkit.store.connection import open_store
from toolkit.widgets.base import (
    MessageArea,
    Panel,
    as_html,
    button,
    message_html,
    safely,
    show_table,
)
from toolkit.widgets.upload import UploadBox

__all__ = ["CoachingPanel"]


class CoachingPanel(Panel):
    """Triage and match a coaching round, with the thresholds as controls.

    The most senior grade for internal coaching is a drop-down of the ladder's grades; tick
    boxes say whether external coaching needs cost approval, whether a coach may come from
    the coachee's own department, and whether external coachees choose their own coach from
    a short list (whose length is a control too). Clicking the button runs the round again.
    ``result`` is the latest :class:`~toolkit.coaching.round.CoachingRound` (None after an
    error).

    Parameters
    ----------
    requests, coaches : str or Path
        The request export and the coach pool.
    sessions, scores : str or Path, optional
        The session log and objective scores.
    today : str, optional
        The ISO date sessions are checked on (needed with ``sessions``).
    start_date : str, optional
        The date the coaching starts, recorded with each pair.
    ladder : str, optional
        The grade ladder.
    month_first : bool
        Read numeric dates in the requests and the session log month first (01/31/2026), as
        US exports write them (default: day first).
    registers : dict, optional
        The coaching team's registers: ``approved``, ``choices``, ``chemistry``, ``agreed``
        and ``spend`` files (each optional).
    limits : dict, optional
        Session limits by route (default: the scheme's rules).
    budget : float, optional
        The coaching budget of each year.
    supervision_months : int
        Supervision lapses this many months after the last one (default 3).
    current : str or Path, optional
        The pairs made before (``coaching_pairs.csv``), kept by a re-match.
    store : str or Path, optional
        The scheme store the round is saved in by *Write the workbook and save the round*.
    out : str or Path, optional
        The folder the workbook and objectives forms are written to by the same button.
    cohort : str
        This round's name in the store.
    scheme : Scheme, optional
        With a scheme, each input file has an upload button (kept in the scheme's imports;
        the round is run again with it).

    Nothing is written until the lead presses the save button; ``written`` and ``saved`` then
    hold the files written and the counts saved.
    """

    UPLOADS: ClassVar[dict[str, str]] = {
        "requests": "the coaching requests", "coaches": "the coach pool",
        "sessions": "the session log", "scores": "the objective scores"}

    def __init__(self, requests: str | Path | None, coaches: str | Path | None,
                 sessions: str | Path | None = None, scores: str | Path | None = None,
                 today: str | None = None, start_date: str | None = None,
                 ladder: str | None = None, month_first: bool = False,
                 registers: dict[str, str | Path | None] | None = None,
                 limits: dict[str, SessionLimits] | None = None,
                 budget: float | None = None, supervision_months: int = 3,
                 current: str | Path | None = None, store: str | Path | None = None,
                 out: str | Path | None = None, cohort: str = "coaching",
                 scheme: Scheme | None = None) -> None:
        super().__init__()
        self.paths = {"requests": requests, "coaches": coaches, "sessions": sessions,
                      "scores": scores}
        self.store_path, self.out, self.cohort = store, out, cohort
        self.written: dict[str, Path] = {}
        self.saved: dict[str, object] | None = None
        self.today = today
        self.start_date = start_date
        self.ladder_name = ladder
        self.month_first = month_first
        self.registers = registers
        self.limits = limits
        self.budget = budget
        self.coach_rules = CoachRules(supervision_months=supervision_months)
        self.current = current
        levels = list(resolve_ladder(ladder).levels)
        default = TriageRules().internal_up_to
        self.threshold = widgets.Dropdown(
            options=levels, value=default if default in levels else levels[len(levels) // 2],
            description="Internal up to", style={"description_width": "120px"})
        self.cost_approval = widgets.Checkbox(
            value=True, description="External coaching needs cost approval", indent=False,
            layout=widgets.Layout(width="auto"))
        self.same_department = widgets.Checkbox(
            value=False, description="A coach may be in the coachee's department", indent=False,
            layout=widgets.Layout(width="auto"))
        self.by_choice = widgets.Checkbox(
            value=False, description="External coachees choose their coach from a short list",
            indent=False, layout=widgets.Layout(width="auto"))
        self.shortlist = widgets.BoundedIntText(
            value=3, min=1, max=20, description="Short list", style={"description_width":
                                                                     "120px"})
        self.button = button("Triage and match", button_style="primary")
        self.button.on_click(lambda _b: self.run())
        self.tables = widgets.VBox()
        self.save_button = button("Write the workbook and save the round", icon="save",
                                  button_style="success", disabled=store is None or out is None)
        self.save_button.on_click(lambda _b: self.save())
        self.save_messages = MessageArea()
        self.uploads = {} if scheme is None else {
            key: UploadBox(scheme, what, lambda path, key=key: self.use(key, path),
                           current=self.paths[key]) for key, what in self.UPLOADS.items()}
        self.save_row = widgets.HBox([self.save_button, self.save_messages],
                                     layout=widgets.Layout(gap="12px", align_items="center"))
        self.problems_view = widgets.VBox()
        self.views: list[tuple[widgets.HTML, Callable[[CoachingRound], Any], str]] = []
        self.shown: list[Any] = []  # what each live view shows now (None: its message)
        self.files = widgets.VBox([*(box.widget for box in self.uploads.values()),
                                   self.problems_view])
        self.widget = widgets.VBox([
            self.threshold, self.cost_approval, self.same_department, self.by_choice,
            self.shortlist, self.button, self.messages, self.tables,
        ])
        self.run()

    def view(self, part: Callable[[CoachingRound], Any],
             missing: str = "Nothing to show: this needs a file not given yet.") -> widgets.HTML:
        """Return a live view of one part of the round, shown again after every run.

        ``part`` picks a table (shown without index, two decimals, dates day first) or a
        figure from the round; when the round or that part is missing (no file for it), the
        ``missing`` message is shown instead. The view is an HTML widget whose text is
        replaced (see :func:`~toolkit.widgets.base.as_html`).
        """
        area = widgets.HTML()
        self.views.append((area, part, missing))
        self.shown.append(None)
        self._show_view(len(self.views) - 1)
        return area

    def _show_view(self, index: int) -> None:
        area, part, missing = self.views[index]
        try:
            shown = None if self.result is None else part(self.result)
        except AttributeError:  # a part of the round that was not made (its file not given)
            shown = None
        self.shown[index] = shown
        if shown is None:
            area.value = message_html(missing if self.result is not None else
                                      "Nothing yet: upload the coaching requests and the "
                                      "coach pool at the top of the page, or fix the "
                                      "problem shown there.", "info")
        elif isinstance(shown, pd.DataFrame) and not len(shown):
            area.value = message_html("None.", "ok")
        else:
            area.value = as_html(shown)

    def use(self, key: str, path: str | Path) -> CoachingRound | None:
        """Run the round again with another file for ``key`` (requests, coaches, ...)."""
        if key not in self.paths:
            raise SettingsError(f"'{key}' is not one of the coaching files: "
                                f"{', '.join(self.paths)}.")
        self.paths[key] = path
        return self.run()

    @safely
    def save(self) -> dict[str, object] | None:
        """Write the tracking workbook and forms, and save the round in the store.

        The round is saved in one transaction (all of it or nothing); the confirmation is shown
        beside the button.
        """
        self.save_messages.clear_output()
        if self.result is None:
            self.say_beside(self.save_messages, "There is no round to save: give the requests "
                            "and the coach pool first (see the message above).", "error")
            return None
        if self.store_path is None or self.out is None:
            raise SettingsError("This panel was made without a store and an output folder, "
                                "so it cannot save.")
        self.written = write_round(self.result, self.out, limits=self.limits)
        with open_store(self.store_path) as store:
            self.saved = save_round(store, self.result, self.cohort)
        self.say_beside(self.save_messages,
                        f"Saved the round '{self.cohort}' ({self.saved['sessions']} session(s) "
                        f"recorded) and wrote {len(self.written)} file(s) to '{self.out}'.",
                        "ok")
        unknown = list(self.saved["unknown"])
        if unknown:
            self.say_beside(self.save_messages,
                            f"{len(unknown)} e-mail(s) in the session log have no coaching "
                            f"pair and were not recorded: {', '.join(map(str, unknown[:10]))}.",
                            "warning")
        return self.saved

    @safely
    def run(self) -> CoachingRound | None:
        """Run the round with the current controls and show what came out."""
        self.clear_messages()
        self.result = None
        self.tables.children = ()
        for index in range(len(self.views)):
            self._show_view(index)
        if self.paths["requests"] is None or self.paths["coaches"] is None:
            self.info("Upload the coaching requests and the coach pool above (or name them in "
                      "REQUESTS and COACHES) to triage and match.")
            return None
        rules = TriageRules(internal_up_to=self.threshold.value,
                            require_cost_approval=self.cost_approval.value)
        settings = MatchSettings(same_department=self.same_department.value,
                                 start_date=self.start_date, shortlist=self.shortlist.value,
                                 by_choice=("external",) if self.by_choice.value else ())
        self.result = run_round(**self.paths, today=self.today, rules=rules, settings=settings,
                                ladder=self.ladder_name, month_first=self.month_first,
                                registers=self.registers, limits=self.limits,
                                budget=self.budget, coach_rules=self.coach_rules,
                                current=self.current)
        for line in self.result.summary().splitlines():
            self.info(line)
        if not self.result.problems.empty:
            self.warn(f"{len(self.result.problems)} row(s) have problems and were set aside: "
                      "see the table below; fix them in the spreadsheet and run again.")
        outcome = self.result.match.requests.groupby(["route", "outcome"]).size().rename(
            "requests").reset_index()
        parts = [widgets.HTML("<b>Outcome by route</b>"), show_table(outcome),
                 widgets.HTML("<b>Waiting list, oldest request first</b>"),
                 show_table(self.result.match.waiting)]
        done = self.result
        if self.by_choice.value or done.registers.choices is not None:
            parts += [widgets.HTML("<b>Short lists for coachees choosing their coach</b>"),
                      show_table(done.match.shortlists)]
        if done.coach_warnings is not None:
            parts += [widgets.HTML("<b>Approved coaches: accreditation, supervision, "
                                   "agreement</b>"), show_table(done.coach_warnings)]
        if done.spend is not None:
            parts += [widgets.HTML("<b>Approved and spent, by department and year</b>"),
                      show_table(done.spend.totals), show_table(done.spend.warnings)]
        if not self.result.problems.empty:
            parts += [widgets.HTML("<b>Problems</b>"),
                      show_table(self.result.problems)]
        self.tables.children = tuple(parts)
        self.problems_view.children = (
            (widgets.HTML("<b>Problems in the files</b> (row as your spreadsheet shows)"),
             show_table(self.result.problems)) if not self.result.problems.empty else
            (widgets.HTML(message_html("No problems in the files.", "ok")),))
        for index in range(len(self.views)):
            self._show_view(index)
        return self.result
