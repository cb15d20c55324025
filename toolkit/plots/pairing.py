"""A matching run, drawn: how the pair scores spread, and how full the mentors are (counts only)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from toolkit.pairing.matching import MatchResult
from toolkit.plots.figures import PALETTE, counts_axis, new_figure

__all__ = ["load_histogram", "score_histogram"]


def score_histogram(result: MatchResult) -> Figure:
    """Plot how the pair scores are spread (counts only: no names).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.pairing.matching import match_mentors
    >>> people = pd.DataFrame({"email": ["a", "b"], "department": ["X", "Y"],
    ...                        "level": [0, 2], "role": ["mentee", "mentor"]})
    >>> score_histogram(match_mentors(people)).axes[0].get_xlabel()
    'pair score (0 = worst, 1 = best)'
    """
    fig = new_figure(figsize=(5, 2.8))
    ax = fig.add_subplot()
    scores = result.pairs["score"].to_numpy()
    ax.hist(scores, bins=np.linspace(0, 1, 21), color=PALETTE[0], edgecolor="white")
    if len(scores):
        ax.axvline(scores.min(), color=PALETTE[5], linestyle="--",
                   label=f"lowest {scores.min():.2f}")
        ax.legend(frameon=False)
    ax.set_xlabel("pair score (0 = worst, 1 = best)")
    ax.set_ylabel("pairs")
    counts_axis(ax.yaxis)
    ax.set_title(f"Scores of {len(scores)} pairs")
    return fig


def load_histogram(result: MatchResult) -> Figure:
    """Plot how many mentees each mentor has, against their capacity (counts only).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.pairing.matching import match_mentors
    >>> people = pd.DataFrame({"email": ["a", "b"], "department": ["X", "Y"],
    ...                        "level": [0, 2], "role": ["mentee", "mentor"]})
    >>> load_histogram(match_mentors(people)).axes[0].get_xlabel()
    'mentees per mentor'
    """
    fig = new_figure(figsize=(5, 2.8))
    ax = fig.add_subplot()
    load = result.load
    top = int(max(load["capacity"].max(), load["mentees"].max(), 1)) if len(load) else 1
    edges = np.arange(top + 2) - 0.5
    ax.hist([load["mentees"], load["capacity"]], bins=edges, label=["mentees", "capacity"],
            color=[PALETTE[2], "#BBBBBB"])
    ax.set_xticks(range(top + 1))
    ax.set_xlabel("mentees per mentor")
    ax.set_ylabel("mentors")
    counts_axis(ax.yaxis)
    ax.set_title(f"Load of {len(load)} mentors")
    ax.legend(frameon=False)
    return fig
