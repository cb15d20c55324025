"""The command line: ``python -m toolkit`` (also installed as ``mentoring-toolkit``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from toolkit.core.version import __version__
from toolkit.errors import RowProblemsError, ToolkitError
from toolkit.io.problems import format_problems

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]


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


def _write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    from toolkit.io.outputs import write_csv_atomic

    return write_csv_atomic(frame, path)


# -- validate -------------------------------------------------------------------------------
def _cmd_validate(args: argparse.Namespace) -> int:
    from toolkit.intake.signups import read_signups

    result = read_signups(args.signups, mapping=args.mapping, ladder=args.ladder,
                          sheet=args.sheet)
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if args.problems_out:
        _write_csv(result.problems, args.problems_out)
    people = result.people
    if result.ok:
        print(f"'{result.source}': {len(people)} sign-ups, no problems.")
        return 0
    print(format_problems(result.problems))
    print(
        f"\n'{result.source}': {len(people)} sign-ups are clean; "
        f"{result.problems['row'].nunique()} row(s) have {len(result.problems)} problem(s) "
        "and must be fixed before those people can take part."
        + (f" The problems are in '{args.problems_out}'." if args.problems_out else "")
    )
    return 1


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check a sign-up export and list every problem",
        description="Check a sign-up export (CSV or XLSX) and list every problem with the row "
        "number a spreadsheet shows. Exit status: 0 clean, 1 row problems, 2 the file cannot "
        "be used at all.",
    )
    p.add_argument("signups", help="the form export: CSV or XLSX")
    _add_import_options(p)
    p.add_argument("--problems-out", metavar="FILE",
                   help="also write the problems as CSV (row,field,value,problem)")
    p.set_defaults(handler=_cmd_validate)


def _add_import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mapping", metavar="FILE",
                   help="JSON object from field name to the header used in the export")
    p.add_argument("--ladder", metavar="FILE",
                   help="grade ladder: a JSON file, or one of uk-he, lecturer, civil-service "
                   "(default uk-he)")
    p.add_argument("--sheet", metavar="NAME", help="the worksheet of an XLSX file (default: first)")


# -- sample ---------------------------------------------------------------------------------
def _cmd_sample(args: argparse.Namespace) -> int:
    from toolkit.demo.sample import write_sample

    written = write_sample(args.out, seed=args.seed)
    print(f"Wrote {len(written)} sample files to '{args.out}':")
    for path in written.values():
        print(f"  {path}")
    return 0


def _add_sample(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sample",
        help="write the synthetic sample scheme",
        description="Write a synthetic, realistic sample scheme (invented names, example.org "
        "addresses) made by a seeded generator.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.set_defaults(handler=_cmd_sample)


# -- demo -----------------------------------------------------------------------------------
def _cmd_demo(args: argparse.Namespace) -> int:
    from toolkit.demo.run import run_demo

    run_demo(args.out, sample_dir=args.sample)
    return 0


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="run the whole job on the bundled sample scheme",
        description="Run the whole job on the sample scheme and say where the outputs are.",
    )
    p.add_argument("--out", default="demo_output", metavar="DIR",
                   help="folder for the outputs (default demo_output)")
    p.add_argument("--sample", metavar="DIR",
                   help="sample data folder (default: ./sample_data, generated if missing)")
    p.set_defaults(handler=_cmd_demo)


# -- status and meetings (relationships through the year) ----------------------------------
def _add_status(sub: argparse._SubParsersAction) -> None:
    from toolkit.cli.relationships import add_status

    add_status(sub)


def _add_meetings(sub: argparse._SubParsersAction) -> None:
    from toolkit.cli.relationships import add_meetings

    add_meetings(sub)


# -- match ----------------------------------------------------------------------------------
def _add_match(sub: argparse._SubParsersAction) -> None:
    from toolkit.cli.match import add_match_arguments, run_match

    p = sub.add_parser(
        "match",
        help="pair mentees with mentors under the scheme's rules",
        description="Pair every mentee it can with a mentor who is more senior, in another "
        "department, outside their line-management chain and with room left, choosing the "
        "best pairs for the scheme as a whole (an optimal assignment, not a stable matching). "
        "Writes pairs.csv, unmatched.csv and run.json to --out. Exit status: 0 done, 1 rows "
        "with problems (without --skip-invalid) or a locked pair that breaks a rule, 2 an "
        "input that cannot be used.",
    )
    add_match_arguments(p)
    p.set_defaults(handler=run_match)


# -- coaching -------------------------------------------------------------------------------
def _add_coaching(sub: argparse._SubParsersAction) -> None:
    from toolkit.cli.coaching import add_coaching_command

    add_coaching_command(sub)


# -- draw -----------------------------------------------------------------------------------
def _add_draw(sub: argparse._SubParsersAction) -> None:
    from toolkit.cli.draw import add_draw_arguments, run_draw

    p = sub.add_parser(
        "draw",
        help="draw an UnMentoring round: everyone meets someone new",
        description="Draw one UnMentoring round: every active participant in a pair (one trio "
        "if the count is odd) with someone they have not been drawn with, from another "
        "department whenever possible. Exit status: 0 drawn, 1 refused (round already drawn, "
        "or the rules cannot be met), 2 unusable input.",
    )
    add_draw_arguments(p)
    p.set_defaults(handler=run_draw)


# -- report ---------------------------------------------------------------------------------
def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit.evaluation.report import cmd_report

    return cmd_report(args)


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the year-end evaluation report (HTML, figures, tables)",
        description="Write a self-contained HTML report of a cohort (participation, feedback, "
        "coaching objectives, the cross-department network, equality monitoring), each "
        "figure as PNG and SVG and each table as CSV, all after disclosure control. Exit "
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
                   "cohort's feedback first")
    p.add_argument("--objectives", metavar="FILE",
                   help="coaching objective scores (CSV/XLSX: coachee, objective, score "
                   "before, score after) instead of those saved in the store")
    p.add_argument("--participants", metavar="FILE",
                   help="the UnMentoring sign-up list, to place people who are not in the "
                   "mentoring sign-ups in their departments")
    p.add_argument("--ladder", metavar="FILE",
                   help="grade ladder: uk-he (default), lecturer, civil-service or a JSON file")
    p.add_argument("--senior-grade", default="Grade 9", metavar="GRADE",
                   help="grade from which the share of women is compared with the aim "
                   "(default 'Grade 9')")
    p.add_argument("--aim", type=_percent, default=50.0, metavar="PERCENT",
                   help="the aim for the share of women at that grade and above (default 50)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_cmd_report)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_validate,
    _add_sample,
    _add_demo,
    _add_match,
    _add_status,
    _add_meetings,
    _add_coaching,
    _add_draw,
    _add_report,
]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m toolkit",
        description="Mentoring Scheme Toolkit: import sign-ups, pair mentees with mentors, "
        "draw UnMentoring rounds, track relationships and report on the scheme.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 fine, 1 row problems, 2 unusable input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except RowProblemsError as exc:
        print(format_problems(exc.problems), file=sys.stderr)
        print(f"\nError: {exc}", file=sys.stderr)
        return exc.exit_code
    except ToolkitError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The output went to a program that stopped reading (`| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
