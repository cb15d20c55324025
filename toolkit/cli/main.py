"""The command line: ``python -m toolkit`` (also installed as ``mentoring-toolkit``).

Each command is a module of this package with ``register(commands)``, which adds its parser,
and ``run(args)``, which does the work and returns the exit status: 0 done, 1 problems the
lead must fix (row problems, a rule broken), 2 an input that cannot be used. Errors the
toolkit raises on purpose are printed as messages, never as tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from toolkit.core.version import __version__
from toolkit.errors import RowProblemsError, ToolkitError
from toolkit.io.problems import format_problems

__all__ = ["COMMANDS", "build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]

#: The commands, in the order ``--help`` lists them, and the module of this package that
#: holds each. A command's module (and what it needs) is loaded only when that command runs
#: or the whole list is asked for: ``match`` never waits for the report's plotting libraries.
COMMANDS = {"validate": "validate", "import": "importing", "sample": "sample", "demo": "demo",
            "match": "match", "status": "status", "meetings": "meetings",
            "withdrawals": "withdrawals", "agreement": "agreement", "concern": "concern",
            "coaching": "coaching", "draw": "draw", "report": "report", "erase": "erase",
            "purge": "purge"}


def _command_module(name: str):
    """Load the module of one command (see :data:`COMMANDS`)."""
    return importlib.import_module(f"toolkit.cli.{COMMANDS[name]}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command (or only the command ``only``).

    Examples
    --------
    >>> sub = build_parser("match")._subparsers._group_actions[0]
    >>> list(sub.choices)
    ['match']
    """
    parser = argparse.ArgumentParser(
        prog="python -m toolkit",
        description="Mentoring Scheme Toolkit: import sign-ups, pair mentees with mentors, "
        "draw UnMentoring rounds, track relationships and report on the scheme.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in ([only] if only in COMMANDS else COMMANDS):
        _command_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 fine, 1 row problems, 2 unusable input)."""
    words = list(sys.argv[1:] if argv is None else argv)
    # The command is the first word (the command line has no option that takes a value
    # before it); anything else (--help, --version, a mistyped command) gets every command.
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
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
