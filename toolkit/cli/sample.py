"""The ``sample`` command: write the synthetic sample scheme."""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Write the sample scheme; exit 0."""
    from toolkit.demo.sample import write_sample  # here: the generator loads every feature

    written = write_sample(args.out, seed=args.seed)
    print(f"Wrote {len(written)} sample files to '{args.out}':")
    for path in written.values():
        print(f"  {path}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``sample`` to the command line."""
    p = commands.add_parser(
        "sample",
        help="write the synthetic sample scheme",
        description="Write a synthetic, realistic sample scheme (invented names, example.org "
        "addresses) made by a seeded generator.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.set_defaults(handler=run)
