"""Notebook panel for the year-end report: the rule, the aim, the monitoring questions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from toolkit.core.disclosure import RULES, get_rule
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.errors import ToolkitError
from toolkit.evaluation.data import monitoring_choices
from toolkit.evaluation.report import ReportResult, build_report
from toolkit.evaluation.survey import SurveyImport, read_survey, save_survey
from toolkit.schemes.folder import Scheme
from toolkit.store.connection import Store, open_existing
from toolkit.widgets.base import MessageArea, Panel, button, safely, show_table
from toolkit.widgets.upload import UploadBox

__all__ = ["ReportPanel", "SurveyPanel"]


class SurveyPanel(Panel):
    """Read the end-of-year survey export; import it into the store with one click.

    The export is read (and its questions shown) as soon as it is given or uploaded; nothing
    is saved until the lead presses *Import the survey* (``button``). ``result`` is the
    :class:`~toolkit.evaluation.survey.SurveyImport` (None until a file is read); ``saved``
    the number of answers the last click saved.

    Parameters
    ----------
    store : Store
        The open scheme store.
    cohort : str
        The year or round the answers belong to.
    survey : str or Path, optional
        The survey export named in the parameters.
    scheme : Scheme, optional
        With a scheme, an upload button keeps the export in the scheme's imports.
    """

    def __init__(self, store: Store, cohort: str, survey: str | Path | None = None,
                 scheme: Scheme | None = None) -> None:
        super().__init__()
        self.store, self.cohort = store, str(cohort)
        self.saved = 0
        self.questions_view = widgets.VBox()
        self.button = button("Import the survey", button_style="primary", icon="save",
                             disabled=True)
        self.button.on_click(lambda _b: self.save())
        self.save_messages = MessageArea()
        self.uploader = (None if scheme is None else
                         UploadBox(scheme, "the survey export", self.use, current=survey))
        top = [] if self.uploader is None else [self.uploader.widget]
        self.widget = widgets.VBox([*top, self.messages, self.questions_view,
                                    widgets.HBox([self.button, self.save_messages],
                                                 layout=widgets.Layout(gap="12px"))])
        if survey is None:
            self.info("No survey export given yet: upload it above (or name it in SURVEY).")
        else:
            self.use(survey)

    @safely
    def use(self, path: str | Path) -> SurveyImport:
        """Read a survey export and show its questions (nothing is saved yet)."""
        self.clear_messages()
        self.save_messages.clear_output()
        self.result = None
        self.button.disabled = True
        self.result = read_survey(path)
        for notice in self.result.notices:
            self.info(notice)
        self.questions_view.children = (show_table(self.result.questions),)
        if not self.result.ok:
            self.questions_view.children = (
                widgets.HTML("<b>Rows left out</b> (correct them in the export and upload it "
                             "again)"),
                show_table(self.result.problems), *self.questions_view.children)
        self.button.disabled = False
        self.info(f"{len(self.result.questions)} question(s) read from "
                  f"'{Path(path).name}'. Press 'Import the survey' to save the answers.")
        return self.result

    @safely
    def save(self) -> int:
        """Save the answers as the cohort's feedback (earlier answers to them are replaced)."""
        self.save_messages.clear_output()
        if self.result is None:
            self.say_beside(self.save_messages, "Give the survey export first.", "error")
            return 0
        self.saved = save_survey(self.store, self.result, self.cohort)
        self.say_beside(self.save_messages,
                        f"Imported {self.saved} answer(s) as the feedback of {self.cohort}.",
                        "ok")
        return self.saved


class ReportPanel(Panel):
    """Write the report with the disclosure rule, senior grade and aim chosen in the panel.

    Controls: ``rule`` (drop-down of the known rules, its plain-words statement shown
    underneath), ``senior_grade`` (drop-down of the ladder's grades), ``aim`` (slider, in
    percent), ``questions`` (one tick box per optional question of the sign-up form: the
    ticked ones are the monitoring questions, published besides gender; a question whose
    answers are free text is shown but cannot be ticked) and ``button`` ("Write the
    report"). ``result`` is the latest
    :class:`~toolkit.evaluation.report.ReportResult` (None until the first report is written).

    Parameters
    ----------
    store : str or Path
        The scheme store.
    out : str or Path
        The folder to write the report into.
    cohort : str, optional
        The cohort (default: the latest).
    objectives : DataFrame or path, optional
        Coaching objective scores, instead of those saved in the store.
    participants : path, optional
        The UnMentoring sign-up list (departments of people not in the mentoring sign-ups).
    rule : str
        The starting rule (a name in :data:`toolkit.core.disclosure.RULES`).
    ladder : Ladder, str or Path, optional
        The grade ladder (default UK HE).
    senior_grade : str, optional
        The starting senior grade (default the ladder's usual one: Grade 9 on UK HE).
    aim : float
        The starting aim, in percent.
    outcomes : path, optional
        The yearly HR extract (CSV/XLSX), to add the outcome section; rows with problems
        are listed in the panel and left out.
    monitoring : iterable of str
        The questions ticked at the start (the declared monitoring questions).
    scheme : Scheme, optional
        With a scheme, the HR extract can be uploaded (kept in the scheme's imports).

    Nothing is written until the lead presses the button.

    Examples
    --------
    >>> panel = ReportPanel("scheme.sqlite", "report", rule="hesa-strict")
    >>> panel.rule.value, panel.senior_grade.value, panel.aim.value
    ('hesa-strict', 'Grade 9', 50)
    """

    def __init__(self, store: str | Path, out: str | Path, cohort: str | None = None,
                 objectives: pd.DataFrame | str | Path | None = None,
                 participants: str | Path | None = None, rule: str = "hesa",
                 ladder: Ladder | str | Path | None = None, senior_grade: str | None = None,
                 aim: float = 50.0, outcomes: str | Path | None = None,
                 monitoring: Iterable[str] = (), scheme: Scheme | None = None) -> None:
        super().__init__()
        self.store, self.out, self.cohort = store, out, cohort
        self.outcomes = outcomes
        self.objectives, self.participants = objectives, participants
        self.ladder = resolve_ladder(ladder)
        get_rule(rule)  # a wrong name fails here, with the list of known rules
        style = {"description_width": "150px"}
        self.rule = widgets.Dropdown(options=[(RULES[k].name, k) for k in sorted(RULES)],
                                     value=rule,
                                     description="Disclosure rule", style=style)
        self.senior_grade = widgets.Dropdown(options=list(self.ladder.levels),
                                             value=senior_grade or self.ladder.senior_grade,
                                             description="Senior grade",
                                             style=style)
        self.aim = widgets.IntSlider(value=round(aim), min=0, max=100, step=5,
                                     description="Aim for women (%)",
                                     continuous_update=False, style=style)
        self.statement = widgets.HTML()
        self.questions = self._question_boxes(list(monitoring))
        # Declared questions that cannot be ticked (free text, or not on the form) are still
        # passed on, so writing the report refuses them with a message saying why.
        self.refused = [q for q in monitoring
                        if q not in self.questions or self.questions[q].disabled]
        self.button = button("Write the report", button_style="primary", icon="file")
        self.uploader = (None if scheme is None else
                         UploadBox(scheme, "the HR extract", self.use_outcomes,
                                   current=outcomes))
        self.rule.observe(self._show_rule, names="value")
        self.button.on_click(lambda _b: self.write())
        self._show_rule()
        heading = widgets.HTML(
            "<b>Monitoring questions</b>: tick the optional sign-up questions to publish as "
            "equality characteristics besides gender. Nothing else is published; a question "
            "with free-text answers can never be ticked." if self.questions else
            "<b>Monitoring questions</b>: the sign-up form had no optional questions, so gender "
            "is the only equality characteristic.")
        top = [] if self.uploader is None else [self.uploader.widget]
        self.widget = widgets.VBox([*top, self.rule, self.statement, self.senior_grade,
                                    self.aim, heading, *self.questions.values(), self.button,
                                    self.messages])

    def use_outcomes(self, path: str | Path) -> None:
        """Use another HR extract in the next report (an upload, or a file the lead names)."""
        self.outcomes = path
        self.clear_messages()
        self.info(f"The next report uses the HR extract '{Path(path).name}': press "
                  "'Write the report'.")

    def _question_boxes(self, ticked: list[str]) -> dict[str, widgets.Checkbox]:
        """One tick box per optional sign-up question (none if the store cannot be read yet)."""
        try:
            with open_existing(self.store) as store:
                choices = monitoring_choices(store, self.cohort)
        except ToolkitError:  # the button says what is wrong with the store
            return {}
        boxes = {}
        for row in choices.itertuples(index=False):
            free = bool(row.free_text)
            label = (f"{row.question} (free text, never published: {row.free_text})" if free
                     else f"{row.question} ({row.answers} answers)")
            boxes[row.question] = widgets.Checkbox(
                value=not free and row.question in ticked, description=label, disabled=free,
                indent=False, layout=widgets.Layout(width="auto"))
        return boxes

    @property
    def monitoring(self) -> list[str]:
        """The declared monitoring questions: those ticked, and any that cannot be ticked."""
        ticked = [q for q, box in self.questions.items() if box.value and not box.disabled]
        return [*ticked, *self.refused]

    def _show_rule(self, _change: dict | None = None) -> None:
        text = get_rule(self.rule.value).statement()
        self.statement.value = f"<p style='max-width:760px'>{text}</p>"

    @safely
    def write(self) -> ReportResult:
        """Write the report with the current choices (also what the button does)."""
        self.clear_messages()
        self.result = None
        self.result = build_report(self.store, self.out, cohort=self.cohort,
                                   rule=self.rule.value, ladder=self.ladder,
                                   senior_grade=self.senior_grade.value, aim=self.aim.value,
                                   objectives=self.objectives,
                                   participants=self.participants, progress=False,
                                   outcomes=self.outcomes,
                                   monitoring=self.monitoring)
        self.ok(f"Wrote {self.result.html.name} in '{self.result.html.parent}' with "
                f"{len(self.result.figures)} figures and "
                f"{len(self.result.tables)} tables. Open it in your browser; share the whole "
                f"'{self.result.html.parent.name}' folder.")
        problems = self.result.outcome_problems
        if not problems.empty:
            self.warn(f"{problems['row'].nunique()} row(s) of the HR extract had problems and "
                      "were left out of the outcomes (rows "
                      f"{', '.join(map(str, sorted(set(problems['row']))[:20]))}): correct "
                      "them and write the report again.")
        return self.result
