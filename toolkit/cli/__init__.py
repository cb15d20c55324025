"""The command line: one module per command, each with ``register`` and ``run``."""

from toolkit.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
