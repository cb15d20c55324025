"""The command line: ``python -m toolkit`` (also installed as ``mentoring-toolkit``).

Each command is a module of this package with ``register(commands)``, which adds its parser,
and ``run(args)``, which does the work and returns the exit status: 0 done, 1 problems the
lead must fix (row problems, a rule broken), 2 an input that cannot be used. Errors the
toolkit raises on purpose are printed as messages, never as tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from toolkit.cli import (
    agreement,
    coaching,
    concern,
    demo,
    draw,
    erase,
    importing,
    match,
    meetings,
    purge,
    report,
    sample,
    status,
    validate,
    withdrawals,
)
from toolkit.core.version import __version__
from toolkit.errors import RowProblemsError, ToolkitError
from toolkit.io.problems import format_problems

__all__ = ["COMMANDS", "build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]

#: The commands, in the order ``--help`` lists them.
COMMANDS = (validate, importing, sample, demo, match, status, meetings, withdrawals, agreement,
            concern, coaching, draw, report, erase, purge)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m toolkit",
        description="Mentoring Scheme Toolkit: import sign-ups, pair mentees with mentors, "
        "draw UnMentoring rounds, track relationships and report on the scheme.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
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
