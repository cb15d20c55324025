"""Coaching charts: objective scores at the start and the end, and where the pairs stand."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.plots.figures import PALETTE, new_figure

__all__ = ["STATE_COLOURS", "plot_objective_scores", "plot_session_use"]

#: The colour of each state a coaching pair can be in, in the order of a pair's life (the
#: states of :data:`toolkit.coaching.progress.PAIR_STATES`).
STATE_COLOURS = {"not started": "#c9ced6", "active": PALETTE[0], "complete": PALETTE[2],
                 "past end date": PALETTE[5], "closed": "#6d6d6d"}


def plot_objective_scores(per_objective: pd.DataFrame) -> Figure:
    """Plot every objective scored twice: its start and end score joined by a line.

    No names or labels identify anyone: each grey line is one objective; the thick line is
    the mean. Objectives without both scores are left out (the title says how many are in).

    Parameters
    ----------
    per_objective : pandas.DataFrame
        ``start_score`` and ``end_score`` of each objective
        (:attr:`toolkit.coaching.progress.ObjectiveProgress.per_objective`).

    Examples
    --------
    >>> per = pd.DataFrame({"start_score": pd.array([3, 5, 4], dtype="Int64"),
    ...                     "end_score": pd.array([7, 6, pd.NA], dtype="Int64")})
    >>> fig = plot_objective_scores(per)
    >>> fig.axes[0].get_title()
    'Objectives scored at the start and at the end (2 of 3)'
    """
    both = per_objective.dropna(subset=["start_score", "end_score"])
    start = both["start_score"].astype(float).to_numpy()
    end = both["end_score"].astype(float).to_numpy()
    fig = new_figure(figsize=(5.5, 4.5))
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)
    jitter = rng.uniform(-0.15, 0.15, size=(len(both), 2))  # separates equal scores
    for s, e, j in zip(start, end, jitter, strict=True):
        ax.plot([0, 1], [s + j[0], e + j[1]], color="#9aa5b1", alpha=0.6, lw=1)
    if len(both):
        ax.plot([0, 1], [start.mean(), end.mean()], color=PALETTE[0], lw=3, marker="o",
                label=f"Mean: {start.mean():.1f} to {end.mean():.1f}")
        ax.legend(loc="lower right")
    ax.set_xticks([0, 1], ["At the start", "At the end"])
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(0.5, 10.5)
    ax.set_yticks(range(1, 11))
    ax.set_ylabel("Score (1-10)")
    ax.set_title(f"Objectives scored at the start and at the end ({len(both)} of "
                 f"{len(per_objective)})")
    return fig


def plot_session_use(register: pd.DataFrame) -> Figure:
    """Plot how many pairs are in each state, by route (counts only, nobody named).

    Parameters
    ----------
    register : pandas.DataFrame
        ``route`` and ``status`` of each pair
        (:attr:`toolkit.coaching.progress.SessionStatus.register`).

    Examples
    --------
    >>> reg = pd.DataFrame({"route": ["internal", "internal", "external"],
    ...                     "status": ["complete", "active", "active"]})
    >>> [t.get_text() for t in plot_session_use(reg).axes[0].get_yticklabels()]
    ['external', 'internal']
    """
    counts = pd.crosstab(register["route"], register["status"]).reindex(
        columns=[s for s in STATE_COLOURS if s in set(register["status"])])
    fig = new_figure(figsize=(6.5, 2.8))
    ax = fig.add_subplot()
    left = np.zeros(len(counts))
    for status in counts.columns:
        values = counts[status].to_numpy()
        ax.barh(counts.index, values, left=left, color=STATE_COLOURS[status], label=status)
        left += values
    ax.set_xlabel("Coaching pairs")
    if len(counts.columns):
        ax.legend(ncols=3, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.3))
    else:
        ax.text(0.5, 0.5, "No coaching pairs yet", ha="center", transform=ax.transAxes)
    ax.set_title("Where the coaching pairs stand")
    return fig
