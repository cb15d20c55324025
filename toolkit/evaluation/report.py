"""The year-end report: a self-contained HTML file, its figures and tables, safe to publish.

:func:`build_report` reads one cohort's records, builds every section
(:mod:`toolkit.evaluation.sections`), and writes ``report.html`` (from the jinja2 template,
figures embedded, readable offline), ``figures/*.png`` and ``figures/*.svg``, and
``tables/*.csv``; it then checks the whole folder for names and e-mail addresses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from tqdm.auto import tqdm

from toolkit.core.disclosure import DisclosureRule, get_rule
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.version import __version__
from toolkit.errors import SettingsError, ToolkitError
from toolkit.evaluation.data import load_history, load_scheme
from toolkit.evaluation.extract import ExtractImport, read_hr_extract
from toolkit.evaluation.measures import equality_characteristics, has_objective_scores
from toolkit.evaluation.outcome_sections import (
    outcome_inputs,
    section_cohorts,
    section_outcomes,
)
from toolkit.evaluation.render import png_bytes, render_page
from toolkit.evaluation.sections import (
    Section,
    section_coaching,
    section_equality,
    section_feedback,
    section_network,
    section_participation,
)
from toolkit.io.outputs import atomic_write, write_csv_atomic
from toolkit.io.settings import read_settings
from toolkit.store.connection import Store, open_existing
from toolkit.store.people import load_directory

__all__ = [
    "REPORT_PREFIXES",
    "ReportResult",
    "build_report",
    "find_identifiers",
    "leak_message",
    "not_a_grade_message",
    "read_report_settings",
    "senior_on",
]

#: The settings a report settings file may hold.
REPORT_SETTINGS = ("monitoring_questions",)
_SETTINGS_EXAMPLE = '{"monitoring_questions": ["Ethnicity", "Disability"]}'


#: The beginnings of the names of the figure and table files a report writes (one per
#: section): files so named are the report's own and are replaced by the next report.
REPORT_PREFIXES = ("participation-", "feedback-", "coaching-", "network-", "equality-",
                   "outcomes-", "cohorts-")


def leak_message(folder: str | Path, places: int) -> str:
    """Say that a report would have held a person's name or e-mail address."""
    return (f"The report in '{folder}' would have contained a person's name or e-mail address "
            f"({places} place(s)), so those files were removed. Please report this as a bug "
            "in the toolkit.")


def senior_on(ladder: Ladder | str | Path | None, grade: str | None = None
              ) -> tuple[str, int]:
    """Return the senior grade on a ladder and its level (the ladder's usual one by default).

    Raises
    ------
    SettingsError
        If ``grade`` is not on the ladder (the message lists the ladder's grades).

    Examples
    --------
    >>> senior_on("civil-service"), senior_on(None, "Grade 8")
    (('SCS1', 7), ('Grade 8', 3))
    """
    lad = resolve_ladder(ladder)
    grade = grade or lad.senior_grade
    level = lad.level_of(grade)
    if level is None:
        raise SettingsError(not_a_grade_message(grade, lad))
    return lad.levels[level], level


def not_a_grade_message(grade: str, ladder: Ladder) -> str:
    """Say that the senior grade asked for is not on the ladder, and which grades are."""
    return (f"'{grade}' is not a grade on the ladder '{ladder.name}' ({list(ladder.levels)}): "
            "give one of those as the senior grade.")


def read_report_settings(source: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    """Read the report's settings file: today its ``monitoring_questions``.

    ``monitoring_questions`` is the list of optional sign-up questions the lead declares as
    monitoring questions (published as equality characteristics besides gender).

    Raises
    ------
    SettingsError
        If the file cannot be read, names another setting, or the questions are not a list
        of texts.

    Examples
    --------
    >>> read_report_settings({"monitoring_questions": ["Ethnicity"]})
    {'monitoring_questions': ['Ethnicity']}
    >>> read_report_settings(None)
    {'monitoring_questions': []}
    """
    settings = read_settings(source, "report settings", allowed=REPORT_SETTINGS,
                             example=_SETTINGS_EXAMPLE)
    questions = settings.get("monitoring_questions", [])
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise SettingsError(
            "The report settings: 'monitoring_questions' must be a list of question titles "
            f"as the sign-up form has them. It must look like {_SETTINGS_EXAMPLE}.")
    return {**settings, "monitoring_questions": list(questions)}


@dataclass
class ReportResult:
    """What :func:`build_report` wrote."""

    html: Path
    figures: dict[str, tuple[Path, Path]]
    tables: dict[str, Path]
    sections: list[Section]
    rule: DisclosureRule
    #: The rows of the HR extract set aside with problems (``row, field, value, problem``);
    #: shown to the lead, never written into the report folder.
    outcome_problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The equality characteristics published: gender and the declared monitoring questions.
    characteristics: list[str] = field(default_factory=list)


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
                 ladder: Ladder | str | Path | None = None, senior_grade: str | None = None,
                 aim: float = 50.0, objectives: pd.DataFrame | str | Path | None = None,
                 participants: str | Path | None = None,
                 progress: bool = True,
                 outcomes: ExtractImport | str | Path | None = None,
                 monitoring: Iterable[str] = ()) -> ReportResult:
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
    senior_grade : str, optional
        The grade from which the share of women is compared with the aim (default the
        ladder's :attr:`~toolkit.core.ladder.Ladder.senior_grade`: Grade 9 on UK HE).
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
    outcomes : ExtractImport or path, optional
        The yearly HR extract (see :func:`toolkit.evaluation.extract.read_hr_extract`): adds
        the outcome section (``tables/outcomes-*.csv``). Rows with problems are left out and
        returned in ``ReportResult.outcome_problems``.
    monitoring : iterable of str
        The optional sign-up questions declared as monitoring questions (published as
        equality characteristics besides gender). No other optional question is published,
        and a question whose answers are free text is refused.

    Returns
    -------
    ReportResult
        When the store holds more than one cohort, the report also compares them
        (``tables/cohorts-*.csv``).

    Raises
    ------
    StoreError
        If the store does not exist.
    InputFileError
        If the store has no sign-ups, or not the cohort asked for.
    SettingsError
        If ``senior_grade`` is not on the ladder, the rule is unknown, or a declared
        monitoring question is not an optional question of the form or is free text
        (nothing is written then).
    ToolkitError
        If, against expectation, a name or e-mail address is found in the output (the
        files are then removed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.evaluation.data import ensure_signups
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    >>> result = build_report(folder / "s.sqlite", folder / "report", progress=False)
    >>> result.html.name, sorted(p.name for p in (folder / "report").iterdir())
    ('report.html', ['figures', 'report.html', 'tables'])
    """
    rule = get_rule(rule)
    lad = resolve_ladder(ladder)
    senior_grade, senior_level = senior_on(lad, senior_grade)
    out = Path(out_dir)
    if outcomes is not None and not isinstance(outcomes, ExtractImport):
        outcomes = read_hr_extract(outcomes, lad)
    own = isinstance(store, Store)
    if not own:
        store = open_existing(store)
    try:
        steps = ["Reading the store", "Participation", "Feedback", "Coaching", "Network",
                 "Equality", "Outcomes", "Cohorts", "Writing files"]
        bar = tqdm(steps, desc="Building the report", disable=not progress, leave=False)
        sections: list[Section] = []
        data = None
        for step in bar:
            bar.set_postfix_str(step)
            if step == "Reading the store":
                data = load_scheme(store, cohort, objectives, participants)
                everyone = load_directory(store)[["name", "email"]]
                history = load_history(store)
                inputs = None if outcomes is None else outcome_inputs(
                    outcomes.records, history.people, outcomes.source,
                    int(outcomes.problems["row"].nunique()), outcomes.has_gender,
                    outcomes.has_grade_before)
                monitoring = list(monitoring)
                # A wrong monitoring question stops here, before any work.
                characteristics = equality_characteristics(data.people, monitoring)
            elif step == "Participation":
                sections.append(section_participation(data, rule, monitoring, lad))
            elif step == "Feedback":
                sections.append(section_feedback(data, rule))
            elif step == "Coaching" and has_objective_scores(data.objectives):
                sections.append(section_coaching(data.objectives, rule))
            elif step == "Network":
                sections.append(section_network(data, rule))
            elif step == "Equality":
                sections.append(section_equality(data, rule, senior_level, senior_grade, aim,
                                                 monitoring, lad))
            elif step == "Outcomes" and inputs is not None:
                sections.append(section_outcomes(inputs, rule, senior_level, senior_grade,
                                                 aim))
            elif step == "Cohorts" and len(history.cohorts) > 1:
                sections.append(section_cohorts(history, rule, inputs, monitoring, lad))
            elif step == "Writing files":
                result = _write(sections, out, data.cohort, rule)
        bar.close()
    finally:
        if not own:
            store.close()
    if outcomes is not None:  # colleagues in the extract who never signed up, too
        everyone = pd.concat([everyone, outcomes.records[["email"]].assign(name="")],
                             ignore_index=True)
    result.characteristics = characteristics
    leaks = find_identifiers(out, everyone)
    if leaks:
        for path in {Path(p) for p, _ in leaks}:
            path.unlink(missing_ok=True)
        raise ToolkitError(leak_message(out, len(leaks)))
    if outcomes is not None:
        result.outcome_problems = outcomes.problems
    return result


def _write(sections: list[Section], out: Path, cohort: str, rule: DisclosureRule
           ) -> ReportResult:
    figures_dir, tables_dir = out / "figures", out / "tables"
    for folder, suffixes in ((figures_dir, (".png", ".svg")), (tables_dir, (".csv",))):
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():  # files an earlier report wrote, and nothing else
            if stale.name.startswith(REPORT_PREFIXES) and stale.suffix in suffixes:
                stale.unlink()
    figures: dict[str, tuple[Path, Path]] = {}
    tables: dict[str, Path] = {}
    images: dict[str, bytes] = {}
    with matplotlib.rc_context({"svg.hashsalt": "mentoring-toolkit"}):
        for sec in sections:
            for fig in sec.figures:
                meta = {"Title": fig.title, "Description": fig.alt}
                images[fig.slug] = png_bytes(fig.figure, dpi=150, metadata=meta)
                png = atomic_write(figures_dir / f"{fig.slug}.png",
                                   lambda p, b=images[fig.slug]: p.write_bytes(b))
                svg = atomic_write(figures_dir / f"{fig.slug}.svg", lambda p, f=fig, m=meta: (
                    f.figure.savefig(p, format="svg", metadata={**m, "Date": None})))
                figures[fig.slug] = (png, svg)
            for table in sec.tables:
                tables[table.slug] = write_csv_atomic(table.table,
                                                      tables_dir / f"{table.slug}.csv")
        page = render_page([sec.view(images) for sec in sections], cohort, rule.statement(),
                           __version__, datetime.now(UTC).strftime("%d %B %Y"))
    html_path = atomic_write(out / "report.html",
                             lambda p: p.write_text(page, encoding="utf-8"))
    return ReportResult(html=html_path, figures=figures, tables=tables, sections=sections,
                        rule=rule)
