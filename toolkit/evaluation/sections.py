"""The report's sections: participation, feedback, coaching, network and equality.

Each ``section_*`` function turns one cohort's records into a :class:`Section` (paragraphs,
figures and tables, every number through disclosure control); a section shows itself in a
notebook exactly as it will look in the report (:func:`toolkit.evaluation.report.build_report`
puts them together).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.core.disclosure import (
    DisclosureRule,
    as_text,
    describe_count,
    get_rule,
    percentages,
    protect_breakdowns,
    protect_counts,
    publish_count,
    publish_mean,
    publish_percent,
    round_counts,
)
from toolkit.core.ladder import Ladder
from toolkit.evaluation.data import SchemeData
from toolkit.evaluation.measures import (
    FUNNEL_ORDER,
    equality_characteristics,
    equality_table,
    free_text_reason,
    funnel,
    has_objective_scores,
    journeys,
    ladder_grades,
    likert_counts,
    mentees_per_mentor,
    mentor_load,
    objective_change,
    optional_questions,
    score_distribution,
    senior_share,
)
from toolkit.evaluation.network import (
    METRIC_MEANINGS,
    department_graph,
    network_metrics,
    new_cross_ties_per_round,
    scheme_networks,
)
from toolkit.evaluation.objectives import read_objectives
from toolkit.evaluation.render import png_base64, png_bytes, render_section, table_cells
from toolkit.plots.evaluation import (
    alt_text,
    plot_bars,
    plot_funnel,
    plot_group_rates,
    plot_heatmap,
    plot_likert,
    plot_network_before_after,
    plot_share_vs_aim,
    plot_slope,
)

__all__ = [
    "ReportFigure",
    "ReportTable",
    "Section",
    "published_funnels",
    "section_coaching",
    "section_equality",
    "section_feedback",
    "section_network",
    "section_participation",
]


@dataclass
class ReportFigure:
    """A figure of the report: ``slug`` names its files; the alt text comes from the figure."""

    slug: str
    title: str
    figure: Figure

    @property
    def alt(self) -> str:
        """The figure's text alternative."""
        return alt_text(self.figure)


@dataclass
class ReportTable:
    """A published table (text, ``..`` for hidden cells), written as ``tables/<slug>.csv``."""

    slug: str
    title: str
    table: pd.DataFrame
    note: str = ""


@dataclass
class Section:
    """One section of the report: a title, opening paragraphs, then text, figures and tables."""

    slug: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[ReportFigure | ReportTable | str] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        """Append a paragraph after what is there so far."""
        self.items.append(text)

    def add_figure(self, slug: str, title: str, figure: Figure) -> None:
        """Append a figure."""
        self.items.append(ReportFigure(f"{self.slug}-{slug}", title, figure))

    def add_table(self, slug: str, title: str, table: pd.DataFrame, note: str = "") -> None:
        """Append a published table."""
        self.items.append(ReportTable(f"{self.slug}-{slug}", title, table, note))

    @property
    def figures(self) -> list[ReportFigure]:
        """The section's figures."""
        return [i for i in self.items if isinstance(i, ReportFigure)]

    @property
    def tables(self) -> list[ReportTable]:
        """The section's tables."""
        return [i for i in self.items if isinstance(i, ReportTable)]

    @property
    def text(self) -> str:
        """All the section's paragraphs, as plain text."""
        return "\n".join([*self.paragraphs, *(i for i in self.items if isinstance(i, str))])

    def view(self, images: dict[str, bytes] | None = None) -> dict[str, object]:
        """Describe the section for the report template: texts, figures (PNG), tables (cells).

        ``images`` gives PNG bytes already rendered, by figure slug; other figures are
        rendered here.
        """
        items: list[dict[str, object]] = []
        for item in self.items:
            if isinstance(item, str):
                items.append({"kind": "text", "text": item})
            elif isinstance(item, ReportFigure):
                png = (images or {}).get(item.slug) or png_bytes(item.figure)
                items.append({"kind": "figure", "slug": item.slug, "title": item.title,
                              "alt": item.alt, "png": png_base64(png)})
            else:
                items.append({"kind": "table", "slug": item.slug, "title": item.title,
                              "head": [str(c) for c in item.table.columns],
                              "rows": table_cells(item.table), "note": item.note})
        return {"slug": self.slug, "title": self.title, "paragraphs": list(self.paragraphs),
                "items": items}

    def to_html(self, links: bool = False, images: dict[str, bytes] | None = None) -> str:
        """Render the section as HTML with its figures embedded as PNG.

        ``links`` adds links to the figure and table files; ``images`` gives PNG bytes
        already rendered, by figure slug.
        """
        return render_section(self.view(images), links)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.to_html()


def _published_table(published: pd.DataFrame, rule: DisclosureRule, first: str,
                     suffix: str = "", decimals: int = 0) -> pd.DataFrame:
    text = as_text(published, rule, decimals=decimals, suffix=suffix)
    text.insert(0, first, [str(i) for i in published.index])
    return text.reset_index(drop=True)


def _stage_rates(published: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """Percentages of those who signed up, from the published counts of the same table."""
    return percentages(published.drop(columns="Signed up"), published["Signed up"], rule)


def _rates_note(rule: DisclosureRule) -> str:
    return (f"Each percentage is worked out from the rounded counts of the table above, so it "
            "gives away no number that rounding hid; it is not shown "
            f"('{rule.symbol}') where a count is hidden or for groups of fewer than "
            f"{rule.min_percentage_base:g} people.")


def published_funnels(people: pd.DataFrame, journey: pd.DataFrame,
                      rule: DisclosureRule | str | None = None,
                      monitoring: Iterable[str] = (),
                      ladder: Ladder | str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Publish every breakdown of one cohort's funnel together, as the report shows them.

    The funnel by department, by grade, by role, by gender and by each declared monitoring
    question all break the same people down, and each shows the same "All" row (which is
    also the overall funnel, and the cohort's row when cohorts are compared): they are
    protected together (:func:`toolkit.core.disclosure.protect_breakdowns`, with the order
    of the stages), so a number one table hides is hidden in all and cannot be worked out
    from another.

    Parameters
    ----------
    people : pandas.DataFrame
        The cohort's sign-ups (for the monitoring questions and the grade order).
    journey : pandas.DataFrame
        From :func:`toolkit.evaluation.measures.journeys`.
    rule : DisclosureRule or str, optional
        The disclosure rule.
    monitoring : iterable of str
        The declared monitoring questions.
    ladder : Ladder, str or Path, optional
        The scheme's grade ladder (default UK HE): the table by grade groups grades under
        its names, most junior first (:func:`toolkit.evaluation.measures.ladder_grades`).

    Returns
    -------
    dict of str to pandas.DataFrame
        Published counts (``NaN`` where hidden), each with its "All" row last: keys
        ``role``, ``department`` and ``grade`` (when the sign-ups have them) and one per
        published characteristic (its
        column name, e.g. ``gender``), whose tables count the grouped answers of
        :func:`toolkit.evaluation.measures.equality_table`.

    Examples
    --------
    >>> j = pd.DataFrame({"email": list("abcdefgh") * 5, "signed_up": True,
    ...     "matched": [True] * 30 + [False] * 10, "first_meeting": [True] * 20 + [False] * 20,
    ...     "three_meetings": False, "renewed": False, "role": "mentee",
    ...     "department": ["Physics", "Chemistry"] * 20, "grade": "Grade 7",
    ...     "gender": ["Woman", "Man"] * 20})
    >>> tables = published_funnels(j, j)
    >>> tables["department"].loc["All"].tolist()
    [40.0, 30.0, 20.0, 0.0, 0.0]
    """
    rule = get_rule(rule)
    tables = {"role": funnel(journey, by="role")}
    if "department" in journey:
        tables["department"] = funnel(journey, by="department")
    if "grade" in journey:
        tables["grade"] = funnel(_ladder_journey(people, journey, ladder), by="grade",
                                 order=ladder_grades(people, ladder)[1])
    smallest = _smallest_named_group(rule)
    for characteristic in equality_characteristics(people, monitoring):
        tables[characteristic] = equality_table(journey, characteristic,
                                                smallest_group=smallest, renewed=True)
    published = protect_breakdowns(list(tables.values()), rule, "All", FUNNEL_ORDER)
    return dict(zip(tables, published, strict=True))


def _ladder_journey(people: pd.DataFrame, journey: pd.DataFrame,
                    ladder: Ladder | str | Path | None) -> pd.DataFrame:
    """Give each journey (one row per sign-up, in order) its grade as the ladder names it."""
    return journey.assign(grade=ladder_grades(people, ladder)[0].to_numpy())


def _describe(value: float, rule: DisclosureRule) -> str:
    """Describe a published headcount in words, as the tables show it."""
    if pd.isna(value):
        return f"a number too small to show ({rule.symbol})"
    return describe_count(value, rule)


# -- participation -----------------------------------------------------------------------------
def section_participation(data: SchemeData, rule: DisclosureRule | str | None = None,
                          monitoring: Iterable[str] = (),
                          ladder: Ladder | str | Path | None = None) -> Section:
    """Build the participation section: the funnel overall, by department and by grade.

    Also the mentor load and the distribution of pair scores.

    Parameters
    ----------
    data : SchemeData
        From :func:`toolkit.evaluation.data.load_scheme`.
    rule : DisclosureRule or str, optional
        The disclosure rule (default HESA).
    monitoring : iterable of str
        The declared monitoring questions: the equality section breaks the same funnel down
        by them, so its tables are protected with these (:func:`published_funnels`).
    ladder : Ladder, str or Path, optional
        The scheme's grade ladder (default UK HE): grades are grouped under its names, one
        group per level however the form wrote them.

    Returns
    -------
    Section

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.data import ensure_signups, load_scheme
    >>> from toolkit.store.connection import Store
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> print(section_participation(data).paragraphs[0][:64])
    About 160 people signed up for cohort 2026: about 80 as mentees,
    """
    rule = get_rule(rule)
    sec = Section("participation", "Who took part and how far they got")
    people = data.people
    cohort_pairs = data.cohort_pairs
    journey = journeys(people, cohort_pairs, data.meetings)
    funnels = published_funnels(people, journey, rule, monitoring, ladder)
    roles = funnels["role"]["Signed up"]
    sec.paragraphs.append(
        f"{_describe(roles.iloc[-1], rule).capitalize()} people signed up for cohort "
        f"{data.cohort}: {_describe(roles.get('mentee', 0), rule)} as mentees, "
        f"{_describe(roles.get('mentor', 0), rule)} as mentors and "
        f"{_describe(roles.get('both', 0), rule)} as both.")
    # The overall funnel is the "All" row every breakdown shows, published with them.
    published = funnels["role"].iloc[[-1]].T
    published.columns = ["People"]
    rates = percentages(published, pd.Series(published.loc["Signed up", "People"],
                                             index=published.index), rule)
    table = _published_table(published, rule, "Stage")
    table["% of sign-ups"] = as_text(rates, rule, suffix="%")["People"].to_numpy()
    if not journey["matched"].any():
        sec.paragraphs.append(
            "No pair has been confirmed yet (a proposed pair counts once it is active), so "
            "the later stages are empty. They fill in as pairs start and meetings are "
            "recorded.")
    sec.add_figure("funnel", "How far participants got",
                   plot_funnel(published["People"], rule=rule))
    sec.add_table("funnel", "People at each stage", table)
    for by, label in (("department", "department"), ("grade", "grade")):
        if by not in funnels:
            continue
        counts_pub = funnels[by]
        rates = _stage_rates(counts_pub, rule)
        sec.add_figure(f"by-{by}", f"How far participants got, by {label}",
                       plot_heatmap(rates, f"How far participants got, by {label} "
                                    "(% of those who signed up)", rule=rule))
        sec.add_table(f"by-{by}-counts", f"People at each stage, by {label}",
                      _published_table(counts_pub, rule, label.capitalize()))
        sec.add_table(f"by-{by}-rates", f"Percentage of sign-ups reaching each stage, by "
                      f"{label}", _published_table(rates, rule, label.capitalize(), "%"),
                      _rates_note(rule))
    load = mentor_load(people, cohort_pairs)
    if len(load):
        dist_pub = protect_counts(mentees_per_mentor(load), rule, total_row=True,
                                  total_column=False)
        full = int((load["mentees"] >= load["capacity"]).sum())
        sec.add_text(
            # The number of mentors is the table's total, as the table publishes it.
            f"Mentor load: {_describe(dist_pub['Mentors'].iloc[-1], rule)} people offered "
            "to mentor; "
            f"{describe_count(full, rule)} of them took as many mentees as they offered "
            "to take.")
        sec.add_figure("mentor-load", "Mentees per mentor",
                       plot_bars(dist_pub["Mentors"].iloc[:-1], "Mentees per mentor",
                                 ylabel="Mentors", rule=rule))
        sec.add_table("mentor-load", "Mentees per mentor",
                      _published_table(dist_pub, rule, "Mentees"))
    scores = score_distribution(cohort_pairs)
    if len(scores):
        raw = pd.to_numeric(cohort_pairs["score"], errors="coerce").dropna()
        pub = protect_counts(scores.set_index("label")[["n"]].rename(columns={"n": "Pairs"}),
                             rule, total_row=True, total_column=False)
        sec.add_text(
            f"The matching scored {_describe(pub['Pairs'].iloc[-1], rule)} pairs; the "
            "median score "
            f"is {publish_mean(float(raw.median()), len(raw), rule, decimals=2)} (higher "
            "means a closer fit under the weights used).")
        sec.add_figure("scores", "Distribution of pair scores",
                       plot_bars(pub["Pairs"].iloc[:-1], "Distribution of pair scores",
                                 xlabel="Pair score", ylabel="Pairs", rule=rule,
                                 colour="#009E73"))
        sec.add_table("scores", "Pairs by score", _published_table(pub, rule, "Score"))
    else:
        sec.add_text("No pair scores are stored yet for this cohort.")
    return sec


# -- feedback ----------------------------------------------------------------------------------
def section_feedback(data: SchemeData, rule: DisclosureRule | str | None = None) -> Section:
    """Build the feedback section: diverging bars per question, mentees and mentors side by side.

    Free-text answers are counted but never shown: comments can identify people.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.data import ensure_signups, load_scheme
    >>> from toolkit.store.connection import Store
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> section_feedback(data).paragraphs[0][:40]
    'No survey answers are stored for this co'
    """
    rule = get_rule(rule)
    sec = Section("feedback", "What participants said")
    responses, questions = data.feedback.responses, data.feedback.questions
    if responses.empty:
        sec.paragraphs.append("No survey answers are stored for this cohort yet: import the "
                              "end-of-year survey to fill this section.")
        return sec
    respondents = responses.drop_duplicates(["respondent", "role"])
    by_role = respondents["role"].replace("", "not given").value_counts()
    sec.paragraphs.append(
        f"{describe_count(respondents['respondent'].nunique(), rule).capitalize()} people "
        "answered the end-of-year survey (" + ", ".join(
            f"{describe_count(n, rule)} {r}s" if r in ("mentee", "mentor")
            else f"{describe_count(n, rule)} {r}" for r, n in sorted(by_role.items()))
        + "). Each bar shows how a group answered one question: disagreement to the left, "
        "agreement to the right, the neutral answer split across the middle.")
    counts = likert_counts(responses, questions, by_role=True)
    panels: dict[str, dict[str, pd.DataFrame]] = {}
    rows = []
    scales = questions.loc[questions["kind"] == "likert", "labels"]
    for role, title in (("mentee", "Mentees"), ("mentor", "Mentors")):
        sub = counts[counts["role"] == role]
        if sub.empty:
            continue
        for labels in dict.fromkeys(scales):
            qs = questions.loc[(questions["kind"] == "likert")
                               & (questions["labels"] == labels), "question"]
            part = sub[sub["question"].isin(qs)]
            if part.empty:
                continue
            pivot = part.pivot_table(index="question", columns="level", values="n",
                                     aggfunc="sum", sort=False).reindex(list(qs))
            pivot.columns = labels.split("; ")
            published = protect_counts(pivot.fillna(0), rule, total_row=False,
                                       total_column=True, total_label="Respondents")
            base = published.pop("Respondents")
            pct = percentages(published, base, rule)
            panels.setdefault(labels, {})
            panels[labels][title] = pct
            ends = labels.split("; ")
            text = as_text(pct, rule, suffix="%")
            text.insert(0, "Respondents", as_text(base.to_frame(), rule).iloc[:, 0])
            text.insert(0, "Question", list(pivot.index))
            text.insert(0, "Role", title)
            rows.append((f"Survey answers: {title.lower()}, from '{ends[0]}' to '{ends[-1]}'",
                         text.reset_index(drop=True)))
    for k, group in enumerate(panels.values(), start=1):
        sec.add_figure(f"likert-{k}", "Survey answers, mentees and mentors side by side",
                       plot_likert(group, "What participants said", rule=rule))
    for k, (name, table) in enumerate(rows, start=1):
        sec.add_table(f"answers-{k}", name, table,
                      "Percentages of those who answered each question; a row of "
                      f"'{rule.symbol}' had too few answers to publish.")
    for q in questions.loc[questions["kind"] == "text", "question"]:
        n = int((responses["question"] == q).sum())
        sec.add_text(
            f"{describe_count(n, rule).capitalize()} people wrote a comment for '{q}'. "
            "Comments are "
            "not reproduced in this report because they can identify people; the scheme lead "
            "reads them in the store.")
    return sec


# -- coaching ----------------------------------------------------------------------------------
def section_coaching(objectives: pd.DataFrame | str | Path | None,
                     rule: DisclosureRule | str | None = None) -> Section:
    """Build the coaching section: objective scores before and after, with a Wilcoxon test.

    Parameters
    ----------
    objectives : pandas.DataFrame, path or None
        ``coachee, objective, score_before, score_after`` (``SchemeData.objectives``, or a
        file, see :func:`toolkit.evaluation.objectives.read_objectives`); with no objective
        scored both before and after, the section says there is nothing to compare yet.
    rule : DisclosureRule or str, optional
        The disclosure rule.

    Examples
    --------
    >>> objectives = pd.DataFrame({"coachee": list("abcdefghij"), "objective": "Delegate",
    ...                            "score_before": [2, 3, 2, 4, 1, 3, 2, 2, 3, 1],
    ...                            "score_after": [4, 4, 3, 5, 3, 2, 4, 5, 4, 3]})
    >>> section = section_coaching(objectives)
    >>> [type(item).__name__ for item in section.items]
    ['ReportFigure', 'ReportTable']
    """
    rule = get_rule(rule)
    sec = Section("coaching", "How coaching objectives moved")
    if objectives is not None and not isinstance(objectives, pd.DataFrame):
        objectives = read_objectives(objectives)
    if not has_objective_scores(objectives):
        sec.paragraphs.append("No coaching objective has been scored both before and after "
                              "yet, so there is nothing to compare.")
        return sec
    result = objective_change(objectives)
    sec.paragraphs.append(result.statement(rule))
    per = result.per_coachee
    sec.add_figure("objectives", "Objective scores before and after coaching",
                   plot_slope(per["before"], per["after"], rule=rule))
    n = result.n_coachees
    hide = n <= rule.max_average_base
    rows = [
        ("Coachees with scores before and after", publish_count(n, rule)),
        ("Objectives scored", publish_count(result.n_objectives, rule)),
        ("Coachees scoring higher after", publish_count(result.n_up, rule)),
        ("Coachees scoring lower after", publish_count(result.n_down, rule)),
        ("Median score before", publish_mean(result.median_before, n, rule)),
        ("Median score after", publish_mean(result.median_after, n, rule)),
        ("Median change", publish_mean(result.median_change, n, rule)),
        ("Wilcoxon signed-rank p-value", rule.symbol if hide else f"{result.p_value:.3g}"),
        ("Effect size (rank-biserial correlation)",
         rule.symbol if hide else f"{result.effect_size:+.2f} ({result.magnitude})"),
    ]
    sec.add_table("objectives", "Coaching objectives: before and after",
                  pd.DataFrame(rows, columns=["Measure", "Value"]))
    return sec


# -- network -----------------------------------------------------------------------------------
def section_network(data: SchemeData, rule: DisclosureRule | str | None = None) -> Section:
    """Build the network section: departments linked before the scheme and now, with metrics.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.data import ensure_signups, load_scheme
    >>> from toolkit.store.connection import Store
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> section_network(data).tables[0].table["Measure"].tolist()[:2]
    ['Ties between people', 'Share of ties across departments']
    """
    rule = get_rule(rule)
    sec = Section("network", "How the scheme connected departments")
    networks = scheme_networks(data.people, data.pairs, data.draws, data.directory,
                               data.cohort)
    graphs = networks.graphs
    sec.paragraphs.append(
        "Everyone who signed up for mentoring or took part in an UnMentoring draw is a point "
        "in this network; two people are tied when they were paired for mentoring, drawn "
        "together for an UnMentoring conversation, or (before the scheme) one line-manages "
        "the other. The drawings gather people into their departments: a circle's size is "
        "the number of participants, a line's thickness the number of ties between two "
        "departments.")
    if networks.made.empty:
        sec.paragraphs.append("No mentoring pair is active and no UnMentoring round has been "
                              "drawn yet, so the scheme has made no ties so far.")
    sec.add_figure("departments", "Departments linked before the scheme and now",
                   plot_network_before_after(department_graph(graphs["Before the scheme"]),
                                             department_graph(graphs["Now"]), rule=rule))
    metrics = {k: network_metrics(g) for k, g in graphs.items()}
    rows = []
    for key, label in (("ties", "Ties between people"),
                       ("cross_department_share", "Share of ties across departments"),
                       ("department_pairs_connected", "Department pairs connected"),
                       ("ei_index", "E-I index")):
        row = {"Measure": label}
        for name, m in metrics.items():
            if key == "ties":
                row[name] = publish_count(m["ties"], rule)
            elif key == "cross_department_share":
                row[name] = publish_percent(m["cross_ties"], m["ties"], rule)
            elif key == "department_pairs_connected":
                row[name] = (f"{m['department_pairs_connected']} of "
                             f"{m['department_pairs_possible']}")
            else:
                row[name] = _ei_index(m["cross_ties"], m["ties"], rule)
        row["What it means"] = METRIC_MEANINGS[key]
        rows.append(row)
    sec.add_table("metrics", "Network measures", pd.DataFrame(rows),
                  "Shares and the E-I index are not shown when based on fewer than "
                  f"{rule.min_percentage_base:g} ties.")
    per_round = new_cross_ties_per_round(networks.made, networks.departments, networks.before)
    if len(per_round):
        pub = per_round.set_index("round")[["ties", "cross_ties", "new_cross_ties"]]
        pub = protect_counts(pub, rule, total_row=True, total_column=False)
        pub.columns = ["Ties", "Across departments", "New across departments"]
        sec.add_text(
            "New cross-department ties per UnMentoring round: how many pairs drawn in each "
            "round joined people from different departments who had not been tied before "
            "(by line management, mentoring or an earlier round).")
        sec.add_figure("new-ties", "New cross-department ties per UnMentoring round",
                       plot_bars(pub["New across departments"].iloc[:-1],
                                 "New cross-department ties per UnMentoring round",
                                 xlabel="Round", ylabel="New ties", rule=rule,
                                 colour="#E69F00"))
        sec.add_table("new-ties", "Ties made in each UnMentoring round",
                      _published_table(pub, rule, "Round"))
    else:
        sec.add_text("No UnMentoring round is stored yet.")
    return sec


# -- equality ----------------------------------------------------------------------------------
def section_equality(data: SchemeData, rule: DisclosureRule | str | None = None,
                     senior_level: int = 4, senior_grade: str = "Grade 9",
                     aim: float = 50.0, monitoring: Iterable[str] = (),
                     ladder: Ladder | str | Path | None = None) -> Section:
    """Build the equality section: rates by gender and the monitoring questions; senior women.

    Only gender and the questions the lead declared in ``monitoring`` are published (see
    :func:`toolkit.evaluation.measures.equality_characteristics`); answers that fewer than
    a few people gave are put together as "Other answers (small groups)", never named.

    Parameters
    ----------
    data : SchemeData
        The cohort.
    rule : DisclosureRule or str, optional
        The disclosure rule.
    senior_level : int
        The ladder level from which people count as senior (4 = grade 9 on the UK HE ladder).
    senior_grade : str
        That level's name, for the text.
    aim : float
        The scheme's aim for the share of women at that level and above (percent).
    monitoring : iterable of str
        The optional sign-up questions declared as monitoring questions.
    ladder : Ladder, str or Path, optional
        The scheme's grade ladder (default UK HE), as the participation section groups grades.

    Raises
    ------
    SettingsError
        If a declared question is not an optional question of the form, or is free text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.data import ensure_signups, load_scheme
    >>> from toolkit.store.connection import Store
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> print(section_equality(data).text.splitlines()[-1])
    Of the participants at Grade 9 and above, 40% are women, against the scheme's aim of 50%.
    """
    rule = get_rule(rule)
    sec = Section("equality", "Equality monitoring")
    journey = journeys(data.people, data.cohort_pairs, data.meetings)
    sec.paragraphs.append(
        "Participation, matching and meeting by gender and by each monitoring question the "
        "scheme lead declared. Groups are compared by the percentage of those who signed up "
        "who reached each stage.")
    characteristics = equality_characteristics(data.people, monitoring)
    undeclared = [q for q in optional_questions(data.people) if q not in characteristics]
    if undeclared:
        sec.paragraphs.append(
            f"The sign-up form asked {len(undeclared)} other optional question(s) that were "
            "not declared as monitoring questions; their answers are not published.")
    if "gender" in data.people.columns and "gender" not in characteristics:
        sec.paragraphs.append(
            f"The answers to the gender question look like free text "
            f"({free_text_reason(data.people['gender'])}), so they are not published.")
    # Published with the participation section's breakdowns (:func:`published_funnels`).
    funnels = published_funnels(data.people, journey, rule, monitoring, ladder)
    for k, characteristic in enumerate(characteristics, start=1):
        label = characteristic.replace("_", " ")
        counts_pub = funnels[characteristic].drop(columns="Renewed")
        rates = _stage_rates(counts_pub, rule)
        sec.add_figure(f"{k}-{_slug(label)}", f"Matching and meeting by {label}",
                       plot_group_rates(rates, f"Matching and meeting by {label}", rule=rule))
        sec.add_table(f"{k}-{_slug(label)}-counts", f"People at each stage, by {label}",
                      _published_table(counts_pub, rule, label.capitalize()))
        sec.add_table(f"{k}-{_slug(label)}-rates",
                      f"Percentage of sign-ups reaching each stage, by {label}",
                      _published_table(rates, rule, label.capitalize(), "%"),
                      _rates_note(rule))
    if "gender" in journey.columns and "level" in journey.columns:
        share = senior_share(journey, senior_level)
        share_pub = protect_counts(share[["senior", "women"]], rule, total_row=False,
                                   total_column=False)
        if "grade" in funnels:
            # The people at the senior grades are a sum of rows of the table by grade: add
            # up those rows as published (hidden if any is), or the sum, rounded on its own,
            # could pin them down (four grades shown as 0 and a sum shown as 10 hold 2 each).
            share_pub["senior"] = _senior_rows(funnels["grade"],
                                               _ladder_journey(data.people, journey, ladder),
                                               senior_level,
                                               list(share.index))
        shares = percentages(share_pub[["women"]], share_pub["senior"], rule)["women"]
        text = as_text(shares.to_frame(), rule, suffix="%").iloc[0, 0]
        if text == rule.symbol:
            sentence = (f"Too few participants are at {senior_grade} and above to publish the "
                        "share who are women.")
        else:
            sentence = (f"Of the participants at {senior_grade} and above, {text} are women, "
                        f"against the scheme's aim of {aim:g}%.")
        sec.add_text(sentence)
        sec.add_figure("senior-women", f"Women at {senior_grade} and above",
                       plot_share_vs_aim(shares, aim, f"Women among participants at "
                                         f"{senior_grade} and above", rule=rule))
        sec.add_table("senior-women", f"Women among participants at {senior_grade} and above",
                      pd.DataFrame({
                          "Stage": list(share.index),
                          f"People at {senior_grade}+": as_text(share_pub[["senior"]],
                                                                rule).iloc[:, 0].to_numpy(),
                          "Women": as_text(share_pub[["women"]], rule).iloc[:, 0].to_numpy(),
                          "Share of women": as_text(shares.to_frame(), rule,
                                                    suffix="%").iloc[:, 0].to_numpy(),
                          "Aim": f"{aim:g}%",
                      }))
    return sec


def _senior_rows(by_grade: pd.DataFrame, journey: pd.DataFrame, senior_level: int,
                 stages: list[str]) -> pd.Series:
    """Add up the published rows of the table by grade at ``senior_level`` and above."""
    grade = journey["grade"].astype(str).str.strip()
    level = pd.to_numeric(journey["level"], errors="coerce")
    senior = set(grade[level >= senior_level])
    rows = by_grade.iloc[:-1]
    cells = rows.loc[[g in senior for g in rows.index], stages]
    return cells.sum().where(~cells.isna().any(), np.nan)


def _smallest_named_group(rule: DisclosureRule) -> int:
    """Give the fewest people an answer needs to be named: more than rounding shows as 0."""
    return max(3, rule.suppress_counts_below, int(np.floor(rule.round_to / 2)) + 1)


def _ei_index(cross: float, ties: float, rule: DisclosureRule) -> str:
    """Work out the E-I index from the published (rounded) counts of ties, like every share."""
    shown_ties = float(round_counts(ties, rule))
    if shown_ties < rule.min_percentage_base or shown_ties <= 0 \
            or 0 < cross < rule.suppress_counts_below:
        return rule.symbol
    shown_cross = float(round_counts(cross, rule))
    return f"{(2 * shown_cross - shown_ties) / shown_ties:+.2f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
