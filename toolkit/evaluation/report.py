"""The year-end report: a self-contained HTML file, its figures and tables, safe to publish.

Each ``section_*`` function turns one cohort's records into a :class:`Section` (paragraphs,
figures and tables, every number through disclosure control); a section shows itself in a
notebook exactly as it will look in the report. :func:`build_report` runs them all and
writes ``report.html`` (figures embedded, readable offline), ``figures/*.png`` and
``figures/*.svg``, and ``tables/*.csv``.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.core.disclosure import (
    DisclosureRule,
    as_text,
    describe_count,
    get_rule,
    protect_counts,
    protect_rates,
    publish_count,
    publish_mean,
    publish_percent,
)
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.version import __version__
from toolkit.errors import SettingsError, ToolkitError
from toolkit.evaluation.measures import (
    SchemeData,
    equality_characteristics,
    equality_table,
    funnel,
    journeys,
    load_scheme,
    mentor_load,
    objective_change,
    read_objectives,
    score_distribution,
    senior_share,
)
from toolkit.evaluation.network import (
    METRIC_MEANINGS,
    contact_edges,
    department_graph,
    management_edges,
    network_metrics,
    new_cross_ties_per_round,
    people_graph,
)
from toolkit.evaluation.survey import likert_counts
from toolkit.io.outputs import atomic_write, write_csv_atomic
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
from toolkit.store.connection import Store, open_existing
from toolkit.store.people import load_directory

__all__ = [
    "ReportFigure",
    "ReportResult",
    "ReportTable",
    "Section",
    "build_report",
    "find_identifiers",
    "read_objectives",
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

    def to_html(self, links: bool = False, images: dict[str, bytes] | None = None) -> str:
        """Render the section as HTML with its figures embedded as PNG.

        ``links`` adds links to the figure and table files; ``images`` gives PNG bytes
        already rendered, by figure slug.
        """
        out = [f'<section id="{self.slug}"><h2>{html.escape(self.title)}</h2>']
        out += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        for item in self.items:
            if isinstance(item, str):
                out.append(f"<p>{html.escape(item)}</p>")
            elif isinstance(item, ReportFigure):
                raw = (images or {}).get(item.slug) or _png_bytes(item.figure)
                png = base64.b64encode(raw).decode("ascii")
                files = (f' <span class="files">(<a href="figures/{item.slug}.svg">SVG</a>, '
                         f'<a href="figures/{item.slug}.png">PNG</a>)</span>' if links else "")
                out.append(
                    f'<figure><img src="data:image/png;base64,{png}" '
                    f'alt="{html.escape(item.alt, quote=True)}">'
                    f"<figcaption>{html.escape(item.title)}{files}"
                    f"<details><summary>Text description</summary>{html.escape(item.alt)}"
                    "</details></figcaption></figure>")
            else:
                files = (f' <span class="files">(<a href="tables/{item.slug}.csv">CSV</a>)'
                         "</span>" if links else "")
                out.append(f"<h3>{html.escape(item.title)}{files}</h3>")
                out.append(_table_html(item.table))
                if item.note:
                    out.append(f'<p class="note">{html.escape(item.note)}</p>')
        out.append("</section>")
        return "\n".join(out)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.to_html()


_NUMBER = re.compile(r"^([-+]?[\d.,]+%?|\.\.|[-+]?[\d.]+ \(\w+\)|\d+ of \d+)$")


def _table_html(table: pd.DataFrame) -> str:
    """Render a text table: numbers (and hidden cells) right-aligned, words left-aligned."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    rows = []
    for record in table.itertuples(index=False):
        cells = []
        for value in record:
            text = "" if pd.isna(value) else str(value)
            css = ' class="num"' if _NUMBER.match(text) else ""
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")


def _png_bytes(fig: Figure, dpi: int = 110, metadata: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={**(metadata or {}), "Software": None})
    return buffer.getvalue()


def _published_table(published: pd.DataFrame, rule: DisclosureRule, first: str,
                     suffix: str = "", decimals: int = 0) -> pd.DataFrame:
    text = as_text(published, rule, decimals=decimals, suffix=suffix)
    text.insert(0, first, [str(i) for i in published.index])
    return text.reset_index(drop=True)


def _stage_rates(counts: pd.DataFrame, rule: DisclosureRule, total_row: bool) -> pd.DataFrame:
    base = counts["Signed up"]
    return protect_rates(counts.drop(columns="Signed up"), base, rule, total_row=total_row)


def _rates_note(rule: DisclosureRule) -> str:
    return (f"Percentages are not shown ('{rule.symbol}') for groups of fewer than "
            f"{rule.min_percentage_base:g} people; where that would leave a single group "
            "hidden, the next smallest is hidden too, so it cannot be worked out from the "
            "'All' row.")


def _with_all(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts.copy()
    out.loc["All"] = counts.sum()
    return out


# -- participation -----------------------------------------------------------------------------
def section_participation(data: SchemeData, rule: DisclosureRule | str | None = None
                          ) -> Section:
    """Build the participation section: the funnel overall, by department and by grade.

    Also the mentor load and the distribution of pair scores.

    Parameters
    ----------
    data : SchemeData
        From :func:`toolkit.evaluation.measures.load_scheme`.
    rule : DisclosureRule or str, optional
        The disclosure rule (default HESA).

    Returns
    -------
    Section

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.measures import ensure_signups, load_scheme
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
    cohort_pairs = data.pairs[data.pairs["cohort"] == data.cohort]
    journey = journeys(people, cohort_pairs, data.meetings)
    roles = people["role"].value_counts()
    sec.paragraphs.append(
        f"{describe_count(len(people), rule).capitalize()} people signed up for cohort "
        f"{data.cohort}: {describe_count(roles.get('mentee', 0), rule)} as mentees, "
        f"{describe_count(roles.get('mentor', 0), rule)} as mentors and "
        f"{describe_count(roles.get('both', 0), rule)} as both.")
    overall = funnel(journey)
    published = protect_counts(overall.T.rename(columns={"All": "People"}), rule,
                               total_row=False, total_column=False)
    rates = protect_rates(overall.T.rename(columns={"All": "% of sign-ups"}),
                          pd.Series(overall["Signed up"].iloc[0], index=overall.columns), rule)
    table = _published_table(published, rule, "Stage")
    table["% of sign-ups"] = as_text(rates, rule, suffix="%")["% of sign-ups"].to_numpy()
    if not journey["matched"].any():
        sec.paragraphs.append(
            "No pair has been confirmed yet (a proposed pair counts once it is active), so "
            "the later stages are empty. They fill in as pairs start and meetings are "
            "recorded.")
    sec.add_figure("funnel", "How far participants got",
                   plot_funnel(published["People"], rule=rule))
    sec.add_table("funnel", "People at each stage", table)
    ladder_order = (people.sort_values(["level", "grade"])["grade"].drop_duplicates().tolist()
                    if "level" in people else None)
    for by, label, order in (("department", "department", None),
                             ("grade", "grade", ladder_order)):
        counts = funnel(journey, by=by, order=order)
        counts_pub = protect_counts(counts, rule, total_row=True, total_column=False,
                                    total_label="All")
        rates = _stage_rates(_with_all(counts), rule, total_row=True)
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
        bins = np.minimum(load["mentees"], 3)
        names = ["No mentee", "1 mentee", "2 mentees", "3 or more"]
        dist = pd.Series(np.bincount(bins, minlength=4), index=names).to_frame("Mentors")
        dist_pub = protect_counts(dist, rule, total_row=True, total_column=False)
        full = int((load["mentees"] >= load["capacity"]).sum())
        sec.add_text(
            f"Mentor load: {describe_count(len(load), rule)} people offered to mentor; "
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
            f"The matching scored {describe_count(len(raw), rule)} pairs; the median score "
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
    >>> from toolkit.evaluation.measures import ensure_signups, load_scheme
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
            base = pivot.sum(axis=1)
            pct = protect_rates(pivot, base, rule)
            panels.setdefault(labels, {})
            panels[labels][title] = pct
            ends = labels.split("; ")
            text = as_text(pct, rule, suffix="%")
            text.insert(0, "Respondents", [publish_count(b, rule) for b in base])
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
        file, see :func:`toolkit.evaluation.measures.read_objectives`); with no objective scored
        both
        before and after, the section says there is nothing to compare yet.
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
    if not _has_scores(objectives):
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
    >>> from toolkit.evaluation.measures import ensure_signups, load_scheme
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> section_network(data).tables[0].table["Measure"].tolist()[:2]
    ['Ties between people', 'Share of ties across departments']
    """
    rule = get_rule(rule)
    sec = Section("network", "How the scheme connected departments")
    departments = dict(zip(data.directory["email"], data.directory["department"], strict=True))
    participants = sorted(set(data.people["email"]) | set(data.draws["email"]))
    earlier = data.pairs[data.pairs["cohort"].astype(str) < data.cohort]
    current = data.pairs[data.pairs["cohort"] == data.cohort]
    no_draws = data.draws.iloc[:0]
    before_edges = pd.concat([management_edges(data.people),
                              contact_edges(earlier, no_draws)], ignore_index=True)
    scheme_edges = contact_edges(current, data.draws)
    graphs = {
        "Before the scheme": people_graph(before_edges, departments, participants),
        "Made by the scheme": people_graph(scheme_edges, departments, participants),
        "Now": people_graph(pd.concat([before_edges, scheme_edges], ignore_index=True),
                            departments, participants),
    }
    sec.paragraphs.append(
        "Everyone who signed up for mentoring or took part in an UnMentoring draw is a point "
        "in this network; two people are tied when they were paired for mentoring, drawn "
        "together for an UnMentoring conversation, or (before the scheme) one line-manages "
        "the other. The drawings gather people into their departments: a circle's size is "
        "the number of participants, a line's thickness the number of ties between two "
        "departments.")
    if scheme_edges.empty:
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
                row[name] = (rule.symbol if m["ties"] < rule.min_percentage_base
                             else f"{m['ei_index']:+.2f}")
        row["What it means"] = METRIC_MEANINGS[key]
        rows.append(row)
    sec.add_table("metrics", "Network measures", pd.DataFrame(rows),
                  "Shares and the E-I index are not shown when based on fewer than "
                  f"{rule.min_percentage_base:g} ties.")
    per_round = new_cross_ties_per_round(scheme_edges, departments, before_edges)
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
                     aim: float = 50.0) -> Section:
    """Build the equality section: rates by gender and other characteristics; senior women.

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

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.measures import ensure_signups, load_scheme
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> print(section_equality(data).text.splitlines()[-1])
    Of the participants at Grade 9 and above, 40% are women, against the scheme's aim of 50%.
    """
    rule = get_rule(rule)
    sec = Section("equality", "Equality monitoring")
    cohort_pairs = data.pairs[data.pairs["cohort"] == data.cohort]
    journey = journeys(data.people, cohort_pairs, data.meetings)
    sec.paragraphs.append(
        "Participation, matching and meeting by gender and by every other optional "
        "characteristic the sign-up form asked about. Groups are compared by the percentage "
        "of those who signed up who reached each stage.")
    for k, characteristic in enumerate(equality_characteristics(data.people), start=1):
        label = characteristic.replace("_", " ")
        counts = equality_table(journey, characteristic)
        counts_pub = protect_counts(counts, rule, total_row=True, total_column=False,
                                    total_label="All")
        rates = _stage_rates(_with_all(counts), rule, total_row=True)
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
        shares = pd.Series({k: np.nan if v["senior"] < rule.min_percentage_base or
                            not v["senior"] else round(100.0 * v["women"] / v["senior"])
                            for k, v in share.iterrows()}, dtype=float)
        signed = share.loc["Signed up"]
        text = publish_percent(signed["women"], signed["senior"], rule)
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
                          f"People at {senior_grade}+": [publish_count(v, rule)
                                                         for v in share["senior"]],
                          "Women": [publish_count(v, rule) for v in share["women"]],
                          "Share of women": [publish_percent(w, s, rule) for w, s in
                                             zip(share["women"], share["senior"], strict=True)],
                          "Aim": f"{aim:g}%",
                      }))
    return sec


def _has_scores(objectives: pd.DataFrame | None) -> bool:
    return (objectives is not None and len(objectives) > 0
            and bool(objectives[["score_before", "score_after"]].notna().all(axis=1).any()))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# -- the whole report --------------------------------------------------------------------------
@dataclass
class ReportResult:
    """What :func:`build_report` wrote."""

    html: Path
    figures: dict[str, tuple[Path, Path]]
    tables: dict[str, Path]
    sections: list[Section]
    rule: DisclosureRule


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:980px;
margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.5}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;
margin-top:2em}h3{font-size:1.05em;margin-top:1.5em}
.rule{background:#f3f6fa;border-left:4px solid #0072B2;padding:.6em 1em}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:.9em;color:#333}details{margin-top:.3em}
table.data{border-collapse:collapse;font-size:.9em;margin:.5em 0}
table.data th,table.data td{border:1px solid #ccc;padding:3px 8px;text-align:left;
vertical-align:top}table.data td.num{text-align:right;white-space:nowrap}
.note,.files{font-size:.85em;color:#555}nav ol{columns:2}
@media print{figure{break-inside:avoid}a{color:inherit}}
"""


def _render_html(sections: list[Section], cohort: str, rule: DisclosureRule,
                 images: dict[str, bytes] | None = None) -> str:
    toc = "".join(f'<li><a href="#{s.slug}">{html.escape(s.title)}</a></li>' for s in sections)
    today = datetime.now(UTC).strftime("%d %B %Y")
    body = "\n".join(s.to_html(links=True, images=images) for s in sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mentoring scheme evaluation: cohort {html.escape(cohort)}</title>
<style>{_CSS}</style></head>
<body><header><h1>Mentoring scheme evaluation: cohort {html.escape(cohort)}</h1>
<p>Made on {today} by the Mentoring Scheme Toolkit {html.escape(__version__)}.</p>
<p class="rule">{html.escape(rule.statement())}</p></header>
<nav><h2>Contents</h2><ol>{toc}</ol></nav>
<main>{body}</main>
<footer><p class="note">Every figure is also in the folder <code>figures/</code> (PNG and SVG)
and every table in <code>tables/</code> (CSV), all after disclosure control.</p></footer>
</body></html>
"""


def find_identifiers(folder: str | Path, people: pd.DataFrame) -> list[tuple[str, str]]:
    """Search every file in a folder for a person's name or e-mail address.

    Parameters
    ----------
    folder : str or Path
        The report folder.
    people : pandas.DataFrame
        ``name`` and/or ``email`` of everyone in the store.

    Returns
    -------
    list of (file, what was found)
        Empty when the folder is clean.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "t.csv").write_text("Physics,10")
    >>> find_identifiers(d, pd.DataFrame({"name": ["Ada Lovelace"], "email": ["ada@x.org"]}))
    []
    """
    needles = set()
    for col in ("name", "email"):
        if col in people:
            needles |= {str(v).strip().casefold() for v in people[col] if str(v).strip()}
    if "email" in people:
        needles |= {str(v).split("@")[0].casefold() for v in people["email"]
                    if "." in str(v).split("@")[0]}
    encoded = [(n, n.encode("utf-8")) for n in sorted(needles)]
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            content = path.read_bytes().lower()
            found += [(str(path), n) for n, b in encoded if b in content]
    return found


def build_report(store: Store | str | Path, out_dir: str | Path, cohort: str | None = None,
                 rule: DisclosureRule | str | None = None,
                 ladder: Ladder | str | Path | None = None, senior_grade: str = "Grade 9",
                 aim: float = 50.0, objectives: pd.DataFrame | str | Path | None = None,
                 participants: str | Path | None = None,
                 progress: bool = True) -> ReportResult:
    """Write the year-end report for a cohort: ``report.html``, its figures and tables.

    Parameters
    ----------
    store : Store, str or Path
        The scheme store (an existing file).
    out_dir : str or Path
        The folder to write into (created if needed; the report's own files are replaced).
    cohort : str, optional
        The cohort (default: the latest).
    rule : DisclosureRule or str, optional
        The disclosure rule (default: the UK higher-education standard, ``"hesa"``).
    ladder : Ladder, str or Path, optional
        The grade ladder, to find ``senior_grade`` (default UK HE).
    senior_grade : str
        The grade from which the share of women is compared with the aim.
    aim : float
        The aim for that share, in percent (default 50).
    objectives : pandas.DataFrame or path, optional
        Coaching objective scores (``coachee, objective, score_before, score_after``, or a
        CSV/XLSX of them) to use instead of those the coaching feature saved in the store.
        The coaching section appears only when some objective has both scores.
    participants : path, optional
        The UnMentoring sign-up list, to place in their departments the people who took part
        in draws without signing up for mentoring.
    progress : bool
        Show a progress bar.

    Returns
    -------
    ReportResult

    Raises
    ------
    InputFileError
        If the store does not exist or has no sign-ups.
    SettingsError
        If ``senior_grade`` is not on the ladder or the rule is unknown.
    ToolkitError
        If, against expectation, a name or e-mail address is found in the output (the
        files are then removed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.measures import ensure_signups, load_scheme
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> result = build_report(folder / "s.sqlite", folder / "report", progress=False)
    >>> result.html.name, sorted(p.name for p in (folder / "report").iterdir())
    ('report.html', ['figures', 'report.html', 'tables'])
    """
    from tqdm.auto import tqdm

    rule = get_rule(rule)
    lad = resolve_ladder(ladder)
    senior_level = lad.level_of(senior_grade)
    if senior_level is None:
        raise SettingsError(
            f"'{senior_grade}' is not a grade on the ladder '{lad.name}' "
            f"({list(lad.levels)}): give one of those as the senior grade."
        )
    out = Path(out_dir)
    own = isinstance(store, Store)
    if not own:
        store = open_existing(store)
    try:
        steps = ["Reading the store", "Participation", "Feedback", "Coaching", "Network",
                 "Equality", "Writing files"]
        bar = tqdm(steps, desc="Building the report", disable=not progress, leave=False)
        sections: list[Section] = []
        data = None
        for step in bar:
            bar.set_postfix_str(step)
            if step == "Reading the store":
                data = load_scheme(store, cohort, objectives, participants)
                everyone = load_directory(store)[["name", "email"]]
            elif step == "Participation":
                sections.append(section_participation(data, rule))
            elif step == "Feedback":
                sections.append(section_feedback(data, rule))
            elif step == "Coaching" and _has_scores(data.objectives):
                sections.append(section_coaching(data.objectives, rule))
            elif step == "Network":
                sections.append(section_network(data, rule))
            elif step == "Equality":
                sections.append(section_equality(data, rule, senior_level, senior_grade, aim))
            elif step == "Writing files":
                result = _write(sections, out, data.cohort, rule)
        bar.close()
    finally:
        if not own:
            store.close()
    leaks = find_identifiers(out, everyone)
    if leaks:
        for path in {Path(p) for p, _ in leaks}:
            path.unlink(missing_ok=True)
        raise ToolkitError(
            f"The report in '{out}' would have contained a person's name or e-mail address "
            f"({len(leaks)} place(s)), so those files were removed. Please report this as a "
            "bug in the toolkit."
        )
    return result


def _write(sections: list[Section], out: Path, cohort: str, rule: DisclosureRule
           ) -> ReportResult:
    figures_dir, tables_dir = out / "figures", out / "tables"
    own = ("participation-", "feedback-", "coaching-", "network-", "equality-")
    for folder, suffixes in ((figures_dir, (".png", ".svg")), (tables_dir, (".csv",))):
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():  # files an earlier report wrote, and nothing else
            if stale.name.startswith(own) and stale.suffix in suffixes:
                stale.unlink()
    figures: dict[str, tuple[Path, Path]] = {}
    tables: dict[str, Path] = {}
    images: dict[str, bytes] = {}
    with matplotlib.rc_context({"svg.hashsalt": "mentoring-toolkit"}):
        for sec in sections:
            for fig in sec.figures:
                meta = {"Title": fig.title, "Description": fig.alt}
                images[fig.slug] = _png_bytes(fig.figure, dpi=150, metadata=meta)
                png = atomic_write(figures_dir / f"{fig.slug}.png",
                                   lambda p, b=images[fig.slug]: p.write_bytes(b))
                svg = atomic_write(figures_dir / f"{fig.slug}.svg", lambda p, f=fig, m=meta: (
                    f.figure.savefig(p, format="svg", metadata={**m, "Date": None})))
                figures[fig.slug] = (png, svg)
            for table in sec.tables:
                tables[table.slug] = write_csv_atomic(table.table,
                                                      tables_dir / f"{table.slug}.csv")
        page = _render_html(sections, cohort, rule, images)
    html_path = atomic_write(out / "report.html",
                             lambda p: p.write_text(page, encoding="utf-8"))
    return ReportResult(html=html_path, figures=figures, tables=tables, sections=sections,
                        rule=rule)
