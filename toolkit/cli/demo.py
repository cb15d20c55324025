"""The ``demo`` command: run the whole job on the sample scheme."""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Run the demo; exit 0."""
    # Imported here: the demo touches every feature (the report's plots too), and the other
    # commands should not wait for all of that to load.
    from toolkit.demo.run import run_demo

    run_demo(args.out, sample_dir=args.sample)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``demo`` to the command line."""
    p = commands.add_parser(
        "demo",
        help="run the whole job on the bundled sample scheme",
        description="Run the whole job on the sample scheme and say where the outputs are.",
    )
    p.add_argument("--out", default="demo_output", metavar="DIR",
                   help="folder for the outputs (default demo_output)")
    p.add_argument("--sample", metavar="DIR",
                   help="sample data folder (default: ./sample_data, generated if missing)")
    p.set_defaults(handler=run)
