"""Making figures that show once in a notebook and render headless everywhere else."""

from __future__ import annotations

from typing import Any

from IPython import get_ipython
from IPython.core.pylabtools import print_figure
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["PALETTE", "counts_axis", "new_figure"]

#: Colour-blind-safe palette (Okabe and Ito), in the order the toolkit uses it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]


def _show_figures_in_notebooks() -> None:
    """Teach a running IPython kernel to show a returned Figure as a PNG, whatever the backend."""
    shell = get_ipython()
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight", dpi=110))


def counts_axis(axis: Axis) -> None:
    """Tick an axis of counts of people or pairs at whole numbers only (never 0.5 people).

    Examples
    --------
    >>> ax = new_figure().subplots()
    >>> _ = ax.bar(["a", "b"], [1, 2]); counts_axis(ax.yaxis)
    >>> all(float(t).is_integer() for t in ax.get_yticks())
    True
    """
    axis.set_major_locator(MaxNLocator(integer=True))


def new_figure(**kwargs: Any) -> Figure:
    """Return a new Figure that is not kept by pyplot (so it is shown once, and freed).

    In a notebook, a cell that returns the figure shows it once as a picture; it is not
    registered with pyplot, so it is not shown a second time at the end of the cell and does
    not pile up in memory. Everywhere else it renders headless (Agg).

    Examples
    --------
    >>> fig = new_figure(figsize=(4, 3))
    >>> fig.get_size_inches().tolist()
    [4.0, 3.0]
    """
    _show_figures_in_notebooks()
    kwargs.setdefault("layout", "constrained")
    return Figure(**kwargs)
