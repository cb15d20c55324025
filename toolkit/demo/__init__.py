"""The synthetic sample scheme and the demo that runs the whole year's job on it.

:mod:`~toolkit.demo.sample` generates the sample sign-ups and records (all at ``example.org``);
:mod:`~toolkit.demo.run` runs every step on them, as ``make demo`` does.
"""

from toolkit.demo.run import DemoContext, run_demo
from toolkit.demo.sample import write_sample

__all__ = ["DemoContext", "run_demo", "write_sample"]
