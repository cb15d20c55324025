"""The pairing panel: tune weights live, see why each pair was made, lock, forbid, save, export.

The panel calls the same functions as ``python -m toolkit match``; it only adds controls.
Everything is drivable from plain Python (``panel.sliders["topics"].value = 0.8``,
``panel.lock_button.click()``), and ``panel.result`` is the latest
:class:`~toolkit.pairing.matching.MatchResult`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import HTML

from toolkit.demo.sample import seed_sample_signups
from toolkit.errors import NotReadyError, StoreError
from toolkit.intake.service import load_saved_signups
from toolkit.intake.signups import read_signups
from toolkit.pairing.introductions import (
    default_template,
    introduction_template,
    render_introductions,
    write_introductions,
)
from toolkit.pairing.matching import MatchResult, compare_pairs, run_summary
from toolkit.pairing.outputs import write_match_outputs
from toolkit.pairing.rules import SchemeRules
from toolkit.pairing.scoring import COMPONENT_LABELS, COMPONENTS
from toolkit.pairing.service import gather_match_inputs, save_match
from toolkit.pairing.settings import RULES_FILE, write_rules
from toolkit.plots.pairing import load_histogram, score_histogram
from toolkit.schemes.folder import Scheme, resolve_scheme
from toolkit.store.connection import open_existing
from toolkit.widgets.base import (
    Panel,
    as_html,
    button,
    figure_png,
    message_html,
    note,
    safely,
    show_table,
    styled,
)
from toolkit.widgets.scheme import scheme_banner

__all__ = ["NO_SIGNUPS_YET", "NO_STORE", "TOTAL_LABELS", "PairingPanel",
           "pairs_table", "scheme_pairing_panel", "totals_table"]

_OBJECTIVES = [
    ("Most mentees matched, then the best total score", "coverage"),
    ("Most mentees matched, then protect the lowest-scoring pair", "fairness"),
    ("Most mentees matched, then every willing mentor a first mentee", "spread"),
]
_WIDE = {"style": {"description_width": "130px"}, "layout": widgets.Layout(width="420px")}
_HIGHLIGHT = "background-color:#fff4e5"

#: What the pairing page says on a new scheme whose sign-ups are not saved yet.
NO_SIGNUPS_YET = ("The scheme '{name}' has no sign-ups to pair yet: first, on page 01 (Import "
                  "the sign-ups), upload your form export and press 'Save the sign-ups'. Then "
                  "open this page again.")

#: The message when Save is pressed in a panel that was given no store.
NO_STORE = "No store was given: pass store='...sqlite' to the panel."


def _explanation_html(result: MatchResult, mentee: str | None) -> str:
    """Explain one mentee's outcome as wrapped text (empty when there is no mentee)."""
    if not mentee:
        return ""
    return ('<pre style="white-space:pre-wrap;font-family:inherit">'
            + html.escape(result.explain(mentee)) + "</pre>")


def pairs_table(result: MatchResult, people: pd.DataFrame | None = None,
                changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """List the pairs as a lead reads them: names, score by component, what changed.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.pairing.matching import match_mentors
    >>> people = pd.DataFrame({"email": ["a", "b"], "department": ["X", "Y"],
    ...                        "level": [0, 2], "role": ["mentee", "mentor"]})
    >>> list(pairs_table(match_mentors(people)).columns)[:4]
    ['mentee', 'mentor', 'score', 'topics']
    """
    pairs = result.pairs
    frame = pd.DataFrame({"mentee": pairs["mentee_email"], "mentor": pairs["mentor_email"]})
    if people is not None and "name" in people:
        names = dict(zip(people["email"].astype(str).str.lower(), people["name"], strict=True))
        for col in ("mentee", "mentor"):
            frame[col] = [f"{names.get(e, e)} <{e}>" for e in frame[col]]
    frame["score"] = pairs["score"].round(3)
    for name in COMPONENTS:
        frame[name.replace("_", " ")] = pairs[name].round(2)
    second = result.runner_up()
    frame["runner-up"] = second["runner_up"].to_numpy()
    frame["runner-up score"] = second["runner_up_score"].round(3).to_numpy()
    frame["kept"] = pairs["origin"].map({"new": "", "locked": "locked", "current": "running"})
    if changes is not None:
        what = dict(zip(changes["mentee_email"], changes["change"], strict=True))
        frame["changed"] = [what.get(e, "") for e in pairs["mentee_email"]]
        frame["changed"] = frame["changed"].replace("same", "")
    return frame


#: The counts of a pairing run as a lead reads them: (key of ``MatchResult.totals``, label).
TOTAL_LABELS: tuple[tuple[str, str], ...] = (
    ("mentees", "Mentees"), ("mentors", "Mentors"), ("places", "Mentoring places offered"),
    ("eligible_pairs", "Pairs the rules allow"), ("matched", "Mentees paired"),
    ("pairs", "Pairs"), ("unmatched", "Mentees without a mentor"),
    ("mentors_used", "Mentors with a mentee"), ("outside_rules", "Outside the scheme's rules"),
    ("new", "New pairs"), ("locked", "Locked pairs"), ("current", "Pairs already running"),
    ("lowest_score", "Lowest score"), ("mean_score", "Mean score"),
)


def totals_table(result: MatchResult) -> pd.DataFrame:
    """List the counts of a pairing run as a two-column table (no names): what, how many.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.pairing.matching import match_mentors
    >>> people = pd.DataFrame({"email": ["a", "b"], "department": ["X", "Y"],
    ...                        "level": [0, 2], "role": ["mentee", "mentor"]})
    >>> totals_table(match_mentors(people)).head(2).values.tolist()
    [['Mentees', '1'], ['Mentors', '1']]
    """
    t = result.totals
    rows = [(label, "" if t.get(key) is None else
             f"{t[key]:.2f}" if isinstance(t[key], float) else str(t[key]))
            for key, label in TOTAL_LABELS if key in t]
    return pd.DataFrame(rows, columns=["", "Count"])


def _styled(frame: pd.DataFrame) -> widgets.HTML:
    """Show a table with the changed rows highlighted."""
    if "changed" not in frame or not (frame["changed"] != "").any():
        return show_table(frame, max_rows=500)
    marked = (frame["changed"] != "").to_numpy()
    styler = frame.style.hide(axis="index").format(precision=2, na_rep="", escape="html").apply(
        lambda col: np.where(marked, _HIGHLIGHT, ""), axis=0)
    return widgets.HTML('<div style="max-height:420px;overflow:auto">' + styler.to_html()
                        + "</div>")


class PairingPanel(Panel):
    """Pair mentees with mentors and tune the result live.

    Weight sliders and the objective re-match at once; the pairs table shows each score by
    component, with the pairs that changed since the last settings highlighted. Pick a mentee
    to see why they have their mentor (or none); lock or forbid a pair and the pairing runs
    again; save the pairs to the store; export the pairs and one introduction e-mail draft
    per pair from the editable template.

    Parameters
    ----------
    signups : SignupImport, pandas.DataFrame, str or Path
        The clean sign-ups, or the export to read.
    store : str or Path, optional
        The scheme store (it must exist: notebook 01 makes it). Pairs running there are kept,
        finished pairs are not repeated, and Save writes here. The panel reads its inputs
        with :func:`~toolkit.pairing.service.gather_match_inputs`, as the ``match`` command
        does.
    cohort : str
        The cohort saved pairs belong to.
    out : str or Path
        Where Export writes.
    locks, forbid, current : pandas.DataFrame, str or Path, optional
        Starting pairs to keep, never to make, and already running (or their CSV files).
    weights : dict, str or Path, optional
        Starting weights (or a weights JSON file); sliders run from 0 to 1.
    objective : {"coverage", "fairness", "spread"}
        The starting objective.
    rules : SchemeRules, dict, str or Path, optional
        The scheme's rules, or its rules JSON file (see
        :func:`~toolkit.pairing.settings.read_rules`). The rule controls start from them;
        Save rules writes them to this file, or when none was given to ``rules.json``
        beside the store (or beside the sign-ups).
    ladder : Ladder, str or Path, optional
        The grade ladder, when ``signups`` is a file to read.
    mapping : dict, str or Path, optional
        The column mapping, when ``signups`` is a form export with its own headers.
    sheet : str, optional
        The worksheet of an XLSX export.
    """

    def __init__(self, signups: Any, store: str | Path | None = None, cohort: str = "2026",
                 out: str | Path = "pairing_output",
                 locks: pd.DataFrame | str | Path | None = None,
                 forbid: pd.DataFrame | str | Path | None = None,
                 current: pd.DataFrame | str | Path | None = None,
                 weights: dict | str | Path | None = None, objective: str = "coverage",
                 ladder: Any = None, mapping: dict | str | Path | None = None,
                 sheet: str | None = None,
                 rules: SchemeRules | dict | str | Path | None = None) -> None:
        super().__init__()
        source = Path(signups) if isinstance(signups, str | Path) else None
        if isinstance(signups, str | Path):
            signups = read_signups(signups, mapping=mapping, ladder=ladder, sheet=sheet)
            signups.raise_for_problems()
        # The same inputs as `python -m toolkit match`: pairs running in the store are kept
        # (nobody gets a second mentor), finished pairs are not made again.
        self.inputs = gather_match_inputs(signups, store=store, weights=weights, locks=locks,
                                          forbid=forbid, current=current, rules=rules,
                                          ladder=None if source is not None else ladder)
        if isinstance(rules, str | Path):
            self.rules_path = Path(rules)
        elif store is not None:
            self.rules_path = Path(store).with_name(RULES_FILE)
        else:
            self.rules_path = (source.parent if source is not None else Path(".")) / RULES_FILE
        start = self.inputs.weights
        self.signups = signups
        self.store_path = self.inputs.store
        self.matcher = self.inputs.matcher
        self.people = self.matcher.people
        self.previous = self.inputs.previous
        self.cohort = cohort
        self.locks = self.inputs.locks
        self.forbid = self.inputs.forbid
        self.current = self.inputs.current
        self.changes: pd.DataFrame | None = None
        self.result: MatchResult | None = None
        self.followers: list[tuple[widgets.HTML, Callable[[PairingPanel], Any]]] = []

        self.sliders = {
            name: widgets.FloatSlider(
                value=min(start[name], 1.0), min=0.0, max=1.0, step=0.05,
                description=name.replace("_", " "), continuous_update=False,
                style={"description_width": "130px"}, layout=widgets.Layout(width="420px"),
                tooltip=COMPONENT_LABELS[name])
            for name in COMPONENTS
        }
        self.objective = widgets.Dropdown(options=_OBJECTIVES, value=objective,
                                          description="objective",
                                          style={"description_width": "130px"},
                                          layout=widgets.Layout(width="560px"))
        for control in (*self.sliders.values(), self.objective):
            control.observe(self._changed, names="value")
        self._rule_controls(self.inputs.rules)
        mentees = self.matcher.mentees["email"].tolist()
        mentors = self.matcher.mentors["email"].tolist()
        self.mentee_picker = widgets.Dropdown(options=mentees, description="mentee",
                                              layout=widgets.Layout(width="420px"))
        self.mentor_picker = widgets.Dropdown(options=mentors, description="mentor",
                                              layout=widgets.Layout(width="420px"))
        self.mentee_picker.observe(self._picked, names="value")
        self.lock_button = button("Lock this pair", icon="lock")
        self.forbid_button = button("Forbid this pair", icon="ban")
        self.clear_button = button("Clear locks and forbids")
        self.lock_button.on_click(lambda _: self.lock())
        self.forbid_button.on_click(lambda _: self.forbid_pair())
        self.clear_button.on_click(lambda _: self.clear())
        self.save_button = button("Save pairs to the store",
                                          button_style="primary", icon="save",
                                          layout=widgets.Layout(width="220px"))
        self.export_button = button("Export CSV and e-mails",
                                            icon="download", layout=widgets.Layout(width="220px"))
        self.save_button.on_click(lambda _: self.save())
        self.export_button.on_click(lambda _: self.export())
        self.out_dir = widgets.Text(value=str(out), description="export to",
                                    layout=widgets.Layout(width="560px"))
        self.template = widgets.Textarea(value=default_template(), description="e-mail",
                                         layout=widgets.Layout(width="760px", height="260px"))
        self.summary = widgets.HTML()
        self.pairs_view = widgets.VBox()
        self.unmatched_view = widgets.VBox()
        self.outside_view = widgets.VBox()
        self.explain_view = widgets.HTML()
        self.constraints_view = widgets.HTML()
        self.score_plot = widgets.Image(format="png")
        self.load_plot = widgets.Image(format="png")
        self.widget = widgets.VBox([
            widgets.HTML("<b>Weights</b> (0 switches a component off) and objective"),
            *self.sliders.values(), self.objective,
            widgets.HTML("<b>The scheme's rules</b> (never broken; people outside them are "
                         "listed below)"),
            self.mentor_min_grade, self.mentee_min_grade, self.mentee_max_grade,
            self.min_gap, widgets.HBox([self.limit_gap, self.max_gap]), self.same_department,
            self.mentors_per_mentee, self.save_rules_button,
            self.summary, self.messages,
            widgets.HTML("<b>Pairs</b> (highlighted: changed since the last settings)"),
            self.pairs_view,
            widgets.HTML("<b>Mentees without a mentor</b>, and what ruled out each candidate"),
            self.unmatched_view,
            widgets.HTML("<b>Outside the scheme's rules</b> (never paired)"),
            self.outside_view,
            widgets.HBox([self.score_plot, self.load_plot]),
            widgets.HTML("<b>One person</b>: why this pair, the runner-up; lock or forbid"),
            self.mentee_picker, self.mentor_picker,
            widgets.HBox([self.lock_button, self.forbid_button, self.clear_button]),
            self.constraints_view, self.explain_view,
            widgets.HTML("<b>Save and export</b>"), self.out_dir, self.template,
            widgets.HBox([self.save_button, self.export_button]),
        ])
        self.rematch()

    def _rule_controls(self, rules: SchemeRules) -> None:
        """Build the controls that edit the scheme's rules, starting from ``rules``."""
        # "(any)" is the empty text, not None: a drop-down whose value is None shows blank.
        grades = [("(any)", ""), *[(g, g) for g in self.matcher.ladder.levels]]

        def grade(description: str, value: str | None) -> widgets.Dropdown:
            level = self.matcher.ladder.level_of(value) if value else None
            start = self.matcher.ladder.levels[level] if level is not None else ""
            return widgets.Dropdown(options=grades, value=start, description=description,
                                    **_WIDE)

        top = max(len(self.matcher.ladder.levels) - 1, 1)
        self.mentor_min_grade = grade("mentor at least", rules.mentor_min_grade)
        self.mentee_min_grade = grade("mentee at least", rules.mentee_min_grade)
        self.mentee_max_grade = grade("mentee at most", rules.mentee_max_grade)
        self.min_gap = widgets.IntSlider(value=self.matcher.min_gap, min=0, max=top,
                                         description="smallest gap", continuous_update=False,
                                         **_WIDE)
        self.limit_gap = widgets.Checkbox(value=rules.max_gap is not None,
                                          description="limit the largest gap", indent=False,
                                          layout=widgets.Layout(width="160px"))
        self.max_gap = widgets.IntSlider(value=rules.max_gap if rules.max_gap is not None
                                         else min(2, top), min=0, max=top,
                                         description="largest gap", continuous_update=False,
                                         **_WIDE)
        self.same_department = widgets.Checkbox(value=rules.same_department, indent=False,
                                                description="allow a mentor from the "
                                                "mentee's own department")
        self.mentors_per_mentee = widgets.BoundedIntText(
            value=rules.mentors_per_mentee, min=1, max=5, description="mentors per mentee",
            **_WIDE)
        self.save_rules_button = button("Save rules", icon="save",
                                        layout=widgets.Layout(width="220px"))
        self.save_rules_button.on_click(lambda _: self.save_rules())
        for control in (self.mentor_min_grade, self.mentee_min_grade, self.mentee_max_grade,
                        self.min_gap, self.limit_gap, self.max_gap, self.same_department,
                        self.mentors_per_mentee):
            control.observe(self._rules_changed, names="value")

    @property
    def rules(self) -> SchemeRules:
        """The rules the controls show."""
        return SchemeRules(
            mentor_min_grade=self.mentor_min_grade.value or None,
            mentee_min_grade=self.mentee_min_grade.value or None,
            mentee_max_grade=self.mentee_max_grade.value or None,
            min_gap=int(self.min_gap.value),
            max_gap=int(self.max_gap.value) if self.limit_gap.value else None,
            same_department=bool(self.same_department.value),
            mentors_per_mentee=int(self.mentors_per_mentee.value))

    def _rules_changed(self, _change: dict) -> None:
        self.apply_rules()

    @safely
    def apply_rules(self) -> MatchResult:
        """Match again under the rules the controls show (refused with a message if invalid)."""
        self.clear_messages()
        inputs = self.inputs.with_rules(self.rules)
        result = inputs.match(self.objective.value, self.weights, locks=self.locks,
                              forbid=self.forbid)
        self.inputs, self.matcher = inputs, inputs.matcher
        self._show(result)
        return result

    @safely
    def save_rules(self) -> Path:
        """Write the rules the controls show to the scheme's rules file."""
        path = write_rules(self.rules, self.rules_path)
        self.ok(f"Saved the scheme's rules in '{path}'. To start from them next time, set "
                f"RULES = \"{path}\" in the parameters cell; the match command takes them "
                f"as --rules {path}.")
        return path

    # -- state ------------------------------------------------------------------------------
    @property
    def weights(self) -> dict[str, float]:
        """The weights the sliders show."""
        return {name: float(s.value) for name, s in self.sliders.items()}

    def _match(self, locks: pd.DataFrame, forbid: pd.DataFrame) -> MatchResult:
        return self.inputs.match(self.objective.value, self.weights, locks=locks, forbid=forbid)

    def _changed(self, _change: dict) -> None:
        self.rematch()

    def _picked(self, _change: dict | None = None) -> None:
        if self.result is None:
            return
        mentee = self.mentee_picker.value
        mine = self.result.pairs.loc[self.result.pairs["mentee_email"] == mentee,
                                     "mentor_email"]
        if len(mine):
            self.mentor_picker.value = mine.iloc[0]
        self.explain_view.value = _explanation_html(self.result, mentee)
        for area, render in self.followers:
            self._draw(area, render)

    # -- views that follow the panel ------------------------------------------------------------
    def _draw(self, area: widgets.HTML, render: Callable[[PairingPanel], Any]) -> None:
        area.shown = render(self)  # what the area shows now (tests read it without a kernel)
        area.value = as_html(area.shown)

    def follow(self, render: Callable[[PairingPanel], Any]) -> widgets.HTML:
        """Return an area showing ``render(panel)``, drawn again after every change.

        A notebook cell below the panel shows a view this way, so that moving a slider,
        changing a rule, locking a pair or picking a mentee updates it at once (an HTML
        widget whose text is replaced: see :func:`~toolkit.widgets.base.as_html`).
        """
        area = widgets.HTML()
        self.followers.append((area, render))
        if self.result is not None:
            self._draw(area, render)
        return area

    def live_pairs(self) -> widgets.HTML:
        """Show the pairs, score by component, following the panel (names with e-mails)."""
        return self.follow(lambda p: styled(pairs_table(p.result, p.people)))

    def live_unmatched(self) -> widgets.HTML:
        """Show the mentees without a mentor and why, following the panel."""
        return self.follow(lambda p: styled(p.result.unmatched,
                                            empty="Every mentee has a mentor."))

    def live_explanation(self) -> widgets.HTML:
        """Show why the mentee picked in the panel has their mentor, and who came next."""
        return self.follow(lambda p: HTML(_explanation_html(p.result, p.mentee_picker.value))
                           if p.mentee_picker.value else note("There is no mentee to explain."))

    def live_totals(self) -> widgets.HTML:
        """Show the counts of the current pairs (no names), following the panel."""
        return self.follow(lambda p: styled(totals_table(p.result)))

    def _show(self, result: MatchResult) -> None:
        before = self.result
        self.changes = compare_pairs(before.pairs if before is not None else None, result.pairs)
        self.result = result
        moved = int((self.changes["change"] != "same").sum()) if before is not None else 0
        note = f" {moved} mentee(s) changed mentor since the last settings." if moved else ""
        self.summary.value = html.escape(run_summary(result) + note)
        table = pairs_table(result, self.people,
                            self.changes if before is not None else None)
        self.pairs_view.children = (_styled(table),)
        self.unmatched_view.children = (
            show_table(result.unmatched) if len(result.unmatched)
            else widgets.HTML(message_html("Every mentee has a mentor.", "ok")),)
        self.outside_view.children = (
            show_table(result.outside) if len(result.outside)
            else widgets.HTML(message_html("Everyone who signed up is within the scheme's "
                                           "rules.", "ok")),)
        self.score_plot.value = figure_png(score_histogram(result))
        self.load_plot.value = figure_png(load_histogram(result))
        self.constraints_view.value = html.escape(
            f"{len(self.locks)} locked, {len(self.forbid)} forbidden, "
            f"{len(self.current)} running pair(s).")
        self._picked()

    # -- actions ----------------------------------------------------------------------------
    @safely
    def rematch(self) -> MatchResult:
        """Match again with the current weights, objective, locks and forbidden pairs."""
        self.clear_messages()
        result = self._match(self.locks, self.forbid)
        self._show(result)
        return result

    def _selected(self) -> pd.DataFrame:
        return pd.DataFrame({"mentee_email": [self.mentee_picker.value],
                             "mentor_email": [self.mentor_picker.value]})

    @safely
    def lock(self) -> MatchResult:
        """Keep the selected mentee with the selected mentor (refused if it breaks a rule)."""
        self.clear_messages()
        pair = self._selected()
        locks = pd.concat([self.locks[self.locks["mentee_email"] != pair.iloc[0, 0]], pair],
                          ignore_index=True)
        forbid = self.forbid.merge(pair, how="left", indicator=True)
        forbid = forbid[forbid["_merge"] == "left_only"].drop(columns="_merge")
        result = self._match(locks, forbid)  # raises, leaving the locks as they were
        self.locks, self.forbid = locks, forbid.reset_index(drop=True)
        self._show(result)
        self.ok(f"Locked {pair.iloc[0, 0]} with {pair.iloc[0, 1]}.")
        return result

    @safely
    def forbid_pair(self) -> MatchResult:
        """Never pair the selected mentee with the selected mentor."""
        self.clear_messages()
        pair = self._selected()
        locks = self.locks.merge(pair, how="left", indicator=True)
        locks = locks[locks["_merge"] == "left_only"].drop(columns="_merge")
        forbid = pd.concat([self.forbid, pair], ignore_index=True).drop_duplicates()
        result = self._match(locks, forbid)
        self.locks, self.forbid = locks.reset_index(drop=True), forbid.reset_index(drop=True)
        self._show(result)
        self.ok(f"{pair.iloc[0, 0]} will not be paired with {pair.iloc[0, 1]}.")
        return result

    @safely
    def clear(self) -> MatchResult:
        """Drop every lock and forbidden pair, and match again."""
        self.locks = self.locks.iloc[0:0]
        self.forbid = self.forbid.iloc[0:0]
        return self.rematch()

    @safely
    def save(self) -> list[int] | None:
        """Save the new and locked pairs to the store as proposed pairs of the cohort."""
        if self.store_path is None:
            raise StoreError(NO_STORE)
        with open_existing(self.store_path) as s:
            ids = save_match(s, self.result, self.cohort,
                             extra_settings={"sha256": getattr(self.signups, "sha256", "")})
        self.ok(f"Saved {len(ids)} proposed pairs of cohort {self.cohort} in "
                f"'{self.store_path}'.")
        return ids

    @safely
    def export(self) -> dict[str, Path] | None:
        """Write pairs.csv, unmatched.csv, run.json and one introduction draft per pair."""
        out = Path(self.out_dir.value)
        template = introduction_template(self.template.value)
        for notice in template.notices:
            self.warn(notice)
        drafts = render_introductions(self.result.pairs, self.people, template)
        written = write_match_outputs(self.result, out, {
            "input": {"file": getattr(self.signups, "source", ""),
                      "sha256": getattr(self.signups, "sha256", "")}})
        files = write_introductions(drafts, out / "introductions")
        written["introductions"] = out / "introductions"
        self.ok(f"Wrote {written['pairs'].name}, {written['unmatched'].name}, "
                f"{written['run'].name} and {len(files)} e-mail drafts to '{out}'. "
                "They name people: keep them private.")
        return written


def scheme_pairing_panel(scheme: Scheme | str | Path | None = "", cohort: str = "2026",
                         root: str | Path = "..", out: str | Path | None = None,
                         **options: Any) -> PairingPanel:
    """Open the pairing panel on the sign-ups a scheme saved for a cohort (notebook 02).

    The sign-ups come from the scheme's store, as notebook 01 or ``import`` saved them: no
    file or mapping is needed again. Pairs running in the store are kept, Save writes there,
    and Export writes to the scheme's ``exports/pairing`` folder unless ``out`` says otherwise.
    The rules saved with the scheme (``rules.json`` beside its store) apply unless ``rules``
    is given.
    On the sample scheme, the sample sign-ups are saved first if it has none yet.

    Parameters
    ----------
    scheme : Scheme, str or Path, optional
        The scheme (empty: the one chosen on the start page).
    cohort : str
        The cohort to pair.
    root : str or Path
        The project folder (``..`` from a notebook).
    out : str or Path, optional
        Where Export writes.
    **options
        Passed to :class:`PairingPanel` (weights, objective, locks, forbid, current; and
        ``ladder``, by default the one saved with the scheme's sign-ups on page 01).

    Raises
    ------
    NotReadyError
        If a lead's scheme has no store yet: the message says to save the sign-ups on page
        01 first (the page shows it as a note).
    """
    scheme = scheme if isinstance(scheme, Scheme) else resolve_scheme(scheme, root)
    if scheme.is_sample:
        seed_sample_signups(scheme.store, Path(root) / "sample_data", cohort)
    elif not scheme.store.is_file():
        raise NotReadyError(NO_SIGNUPS_YET.format(name=scheme.name))
    people = load_saved_signups(scheme.store, cohort)
    saved_rules = scheme.path / "rules.json"  # where Save rules puts them, beside the store
    if options.get("rules") is None and saved_rules.is_file():
        options["rules"] = saved_rules
    options.setdefault("ladder", scheme.saved_ladder)  # the one saved with the sign-ups
    panel = PairingPanel(people, store=scheme.store, cohort=cohort,
                         out=out or scheme.exports / "pairing", **options)
    panel.scheme = scheme
    panel.widget.children = (scheme_banner(scheme), *panel.widget.children)
    return panel
