"""The ``report`` command: write the year-end report, safe to publish."""

from __future__ import annotations

import argparse

from toolkit.core.disclosure import get_rule
from toolkit.io.problems import format_problems
from toolkit.store.connection import open_existing

__all__ = ["register", "run"]


def _percent(text: str) -> float:
    """Read a percentage from 0 to 100 for argparse (a clear message otherwise)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number: give a percentage such "
                                         "as 50.") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage: give a number from 0 "
                                         "to 100.")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``report`` to the command line."""
    p = commands.add_parser(
        "report",
        help="write the year-end evaluation report (HTML, figures, tables)",
        description="Write a self-contained HTML report of a cohort (participation, feedback, "
        "coaching objectives, the cross-department network, equality monitoring; with "
        "--outcomes, promotion, grade moves and retention against a comparison group; when "
        "the store holds more than one cohort, the cohorts side by side), each "
        "figure as PNG and SVG and each table as CSV, all after disclosure control. Only "
        "gender and the declared monitoring questions are published as equality "
        "characteristics. Exit "
        "status: 0 written, 2 the store or a setting cannot be used.",
    )
    p.add_argument("--store", required=True, metavar="FILE", help="the scheme store (.sqlite)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the report into")
    p.add_argument("--cohort", help="the cohort to report on (default: the latest)")
    p.add_argument("--rule", default="hesa", metavar="NAME",
                   help="disclosure rule: hesa (default: HESA rounding) or hesa-strict "
                   "(also hides headcounts under 5)")
    p.add_argument("--survey", metavar="FILE",
                   help="the end-of-year survey export (CSV/XLSX): saved in the store as the "
                   "cohort's feedback first; rows with problems (a control character or a "
                   "hidden direction character in any cell, an address that is not one) are "
                   "listed and left out")
    p.add_argument("--objectives", metavar="FILE",
                   help="coaching objective scores (CSV/XLSX: coachee, objective, score "
                   "before, score after) instead of those saved in the store")
    p.add_argument("--participants", metavar="FILE",
                   help="the UnMentoring sign-up list, to place people who are not in the "
                   "mentoring sign-ups in their departments")
    p.add_argument("--ladder", metavar="FILE",
                   help="grade ladder: uk-he (default), lecturer, civil-service or a JSON file")
    p.add_argument("--senior-grade", metavar="GRADE",
                   help="grade from which the share of women is compared with the aim "
                   "(default two thirds up the ladder: 'Grade 9' on uk-he, 'SCS1' on "
                   "civil-service)")
    p.add_argument("--aim", type=_percent, default=50.0, metavar="PERCENT",
                   help="the aim for the share of women at that grade and above (default 50)")
    p.add_argument("--outcomes", metavar="EXTRACT",
                   help="the yearly HR extract (CSV/XLSX: e-mail, grade now, still employed, "
                   "promotion applied for, promotion gained, returned from a career break; "
                   "optionally gender and grade a year ago): adds the outcome section and "
                   "tables/outcomes-*.csv. Rows with problems are listed and left out")
    p.add_argument("--monitoring", action="append", default=[], metavar="QUESTION",
                   help="an optional question of the sign-up form to publish as an equality "
                   "characteristic besides gender (repeat for several, e.g. --monitoring "
                   "Ethnicity --monitoring Disability); no other optional question is ever "
                   "published, and a question with free-text answers is refused")
    p.add_argument("--settings", metavar="FILE",
                   help='report settings (JSON), e.g. {"monitoring_questions": ["Ethnicity"]}; '
                   "its monitoring questions are added to those given with --monitoring")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the year-end report; return the exit status.

    With ``--survey``, the survey export is first saved in the store as the cohort's feedback
    (replacing earlier answers to the same questions).

    Examples
    --------
    >>> from toolkit.cli.main import main
    >>> main(["report", "--store", "no-such-store.sqlite", "--out", "unused"])  # message on stderr
    2
    """
    # The report's modules load the plotting libraries: imported here, so that other
    # commands start without them.
    from toolkit.evaluation.data import check_monitoring, load_cohort
    from toolkit.evaluation.report import build_report, read_report_settings
    from toolkit.evaluation.survey import read_survey, save_survey

    get_rule(args.rule)  # a wrong rule name stops here, before anything is written
    settings = read_report_settings(args.settings)
    monitoring = list(dict.fromkeys([*settings["monitoring_questions"], *args.monitoring]))
    if args.survey:
        with open_existing(args.store) as store:  # a wrong question stops before the survey
            check_monitoring(store, args.cohort, monitoring)
        survey = read_survey(args.survey)
        with open_existing(args.store) as store:
            cohort = load_cohort(store, args.cohort)
            saved = save_survey(store, survey, cohort)
        print(f"Saved {saved} answers from '{survey.source}' as the feedback of cohort {cohort}.")
        for notice in survey.notices:
            print(f"Note: {notice}")
        if not survey.ok:
            print(format_problems(survey.problems))
    result = build_report(args.store, args.out, cohort=args.cohort, rule=args.rule,
                          ladder=args.ladder, senior_grade=args.senior_grade, aim=args.aim,
                          objectives=args.objectives, participants=args.participants,
                          progress=not args.quiet, outcomes=args.outcomes,
                          monitoring=monitoring)
    if not result.outcome_problems.empty:
        print(f"{result.outcome_problems['row'].nunique()} row(s) of the HR extract had "
              "problems and were left out of the outcomes; correct them and run the report "
              "again:")
        print(format_problems(result.outcome_problems))
    print(f"Wrote the report to '{result.html}', with {len(result.figures)} figures "
          f"(PNG and SVG) in '{result.html.parent / 'figures'}' and {len(result.tables)} "
          f"tables (CSV) in '{result.html.parent / 'tables'}'.")
    published = ", ".join(result.characteristics) or "none"
    print(f"Equality characteristics published: {published} (only gender and the declared "
          "monitoring questions are ever published).")
    print(result.rule.statement())
    return 0
