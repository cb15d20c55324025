"""Notebook panel for a coaching round: set the triage threshold and rules, see the outcome."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from toolkit.coaching.matching import MatchSettings
from toolkit.coaching.round import CoachingRound, run_round
from toolkit.coaching.triage import TriageRules
from toolkit.core.ladder import resolve_ladder
from toolkit.widgets.base import Panel, button, safely, show_table

__all__ = ["CoachingPanel"]


class CoachingPanel(Panel):
    """Triage and match a coaching round, with the thresholds as controls.

    The most senior grade for internal coaching is a drop-down of the ladder's grades; two
    tick boxes say whether external coaching needs cost approval and whether a coach may come
    from the coachee's own department. Clicking the button runs the round again. ``result``
    is the latest :class:`~toolkit.coaching.round.CoachingRound` (None after an error).

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
    """

    def __init__(self, requests: str | Path, coaches: str | Path,
                 sessions: str | Path | None = None, scores: str | Path | None = None,
                 today: str | None = None, start_date: str | None = None,
                 ladder: str | None = None, month_first: bool = False) -> None:
        super().__init__()
        self.paths = {"requests": requests, "coaches": coaches, "sessions": sessions,
                      "scores": scores}
        self.today = today
        self.start_date = start_date
        self.ladder_name = ladder
        self.month_first = month_first
        levels = list(resolve_ladder(ladder).levels)
        default = TriageRules().internal_up_to
        self.threshold = widgets.Dropdown(
            options=levels, value=default if default in levels else levels[len(levels) // 2],
            description="Internal up to", style={"description_width": "120px"})
        self.cost_approval = widgets.Checkbox(
            value=True, description="External coaching needs cost approval", indent=False)
        self.same_department = widgets.Checkbox(
            value=False, description="A coach may be in the coachee's department", indent=False)
        self.button = button("Triage and match", button_style="primary")
        self.button.on_click(lambda _b: self.run())
        self.tables = widgets.VBox()
        self.widget = widgets.VBox([
            self.threshold, self.cost_approval, self.same_department, self.button,
            self.messages, self.tables,
        ])
        self.run()

    @safely
    def run(self) -> CoachingRound:
        """Run the round with the current controls and show what came out."""
        self.clear_messages()
        self.result = None
        self.tables.children = ()
        rules = TriageRules(internal_up_to=self.threshold.value,
                            require_cost_approval=self.cost_approval.value)
        settings = MatchSettings(same_department=self.same_department.value,
                                 start_date=self.start_date)
        self.result = run_round(**self.paths, today=self.today, rules=rules, settings=settings,
                                ladder=self.ladder_name, month_first=self.month_first)
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
        if not self.result.problems.empty:
            parts += [widgets.HTML("<b>Problems</b>"),
                      show_table(self.result.problems)]
        self.tables.children = tuple(parts)
        return self.result
