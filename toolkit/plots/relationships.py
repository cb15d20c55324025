"""Charts of how pairs are meeting: a timeline per pair and the pace against the target."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from toolkit.core import dates
from toolkit.core.statuses import RUNNING
from toolkit.plots.figures import PALETTE, new_figure
from toolkit.relationships.alerts import AlertRules, pace_table

__all__ = ["plot_meeting_timeline", "plot_pace"]

_DAYS_PER_MONTH = 365.25 / 12
_HELD, _CANCELLED, _BEHIND, _TARGET = PALETTE[0], PALETTE[5], PALETTE[5], "#7f7f7f"


def _months(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    days = (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days
    return days.to_numpy(dtype=float) / _DAYS_PER_MONTH


def _running_terms(pairs: pd.DataFrame, today: str) -> pd.DataFrame:
    """Return the running pairs whose current term has started by ``today``."""
    return pairs[pairs["status"].isin(RUNNING) & pairs["term_start"].notna()
                 & (pairs["term_start"].fillna("9") <= today)]


def plot_meeting_timeline(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                          rules: AlertRules | None = None,
                          pair_ids: list[int] | None = None) -> Figure:
    """Draw each running pair's meetings in its current term, against the target pace.

    One row per pair (labelled by pair number, never by name): a grey bar from the start of
    the term to today, a dot per held meeting, a cross per cancelled one, and dotted lines
    at the pace's checkpoints (1 by month 4, 2 by month 8, 3 by month 12 by default). Pairs
    behind the pace have their label in orange (colour-blind-safe palette).

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`~toolkit.relationships.changes.pair_table`.
    meets : pandas.DataFrame
        Meetings (``pair_id, on_date, status``).
    today : date or str
    rules : AlertRules, optional
        The pace to draw.
    pair_ids : list of int, optional
        Only these pairs (default: every running pair).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2], "status": ["active", "active"],
    ...     "term_start": ["2026-10-01", "2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1, 1], "on_date": ["2026-11-01", "2027-01-10"],
    ...     "status": ["held", "cancelled"]})
    >>> fig = plot_meeting_timeline(pairs, meets, "2027-03-01")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Pair 1', 'Pair 2']
    """
    rules = rules or AlertRules()
    today_d = dates.today(today)
    shown = _running_terms(pairs, today_d.isoformat())
    if pair_ids is not None:
        shown = shown[shown["pair_id"].isin([int(i) for i in pair_ids])]
    shown = shown.sort_values("pair_id").reset_index(drop=True)
    n = len(shown)
    fig = new_figure(figsize=(9, 1.6 + 0.22 * max(n, 1)))
    ax = fig.subplots()
    if n == 0:
        ax.text(0.5, 0.5, "No running pairs to show.", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    y = pd.Series(np.arange(n)[::-1], index=shown["pair_id"].to_numpy())
    elapsed = _months(pd.Series([pd.Timestamp(today_d)] * n), shown["term_start"])
    ax.hlines(y.to_numpy(), 0, elapsed, color="#e3e3e3", linewidth=6, zorder=1)
    m = meets[meets["pair_id"].isin(shown["pair_id"])
              & (meets["on_date"] <= today_d.isoformat())].merge(
        shown[["pair_id", "term_start"]], on="pair_id")
    m = m[m["on_date"] >= m["term_start"]]
    x = _months(m["on_date"], m["term_start"])
    rows = m["pair_id"].map(y).to_numpy()
    held = (m["status"] == "held").to_numpy()
    ax.scatter(x[held], rows[held], s=28, color=_HELD, zorder=3, label="held")
    ax.scatter(x[~held], rows[~held], s=36, marker="x", color=_CANCELLED, zorder=3,
               label="cancelled")
    for months, count in sorted(rules.pace):
        ax.axvline(months, color=_TARGET, linestyle=":", linewidth=1, zorder=0)
        ax.text(months, 1.0, f"{count} by month {months}", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8, color=_TARGET)
    behind = pace_table(shown, meets, today_d, rules)["behind"].to_numpy()
    ax.set_yticks(y.to_numpy(), [f"Pair {p}" for p in shown["pair_id"]])
    late = {f"Pair {p}" for p, b in zip(shown["pair_id"], behind, strict=True) if b}
    for label in ax.get_yticklabels():
        if label.get_text() in late:
            label.set_color(_BEHIND)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlim(-0.3, max(max(m for m, _ in rules.pace), float(elapsed.max())) + 0.5)
    ax.set_xlabel(f"Months into the current term (grey: so far, to {dates.readable_date(today_d)})")
    ax.tick_params(axis="y", labelsize=7 if n > 30 else 9)
    fig.legend(handles=[  # below the chart, never over a pair's meetings
        Line2D([], [], marker="o", linestyle="", color=_HELD, label="held"),
        Line2D([], [], marker="x", linestyle="", color=_CANCELLED, label="cancelled"),
        Line2D([], [], linestyle="", label="orange label: behind its pace (the number it "
               "agreed, or the dotted lines)", color=_BEHIND),
    ], loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    ax.set_title(f"Meetings of {n} running pair(s)", loc="left", pad=16)
    return fig


def plot_pace(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
              rules: AlertRules | None = None) -> Figure:
    """Draw how many meetings each running pair has held so far against the target pace.

    Each pair is a dot at (months into its term, meetings held); the line is the pace the
    scheme asks for. Nothing identifies a pair, so the chart can be shared.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["active"],
    ...     "term_start": ["2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1], "on_date": ["2026-11-01"], "status": ["held"]})
    >>> plot_pace(pairs, meets, "2027-03-01").axes[0].get_xlabel()
    'Months into the current term'
    """
    rules = rules or AlertRules()
    today_d = dates.today(today)
    shown = _running_terms(pairs, today_d.isoformat()).reset_index(drop=True)
    fig = new_figure(figsize=(7, 4.2))
    ax = fig.subplots()
    elapsed = _months(pd.Series([pd.Timestamp(today_d)] * len(shown)), shown["term_start"])
    pace = pace_table(shown, meets, today_d, rules)
    held, behind = pace["held_in_term"].to_numpy(), pace["behind"].to_numpy(dtype=bool)
    jitter = np.random.default_rng(0).uniform(-0.12, 0.12, len(held))
    ax.scatter(elapsed[~behind], held[~behind] + jitter[~behind], s=18, alpha=0.7,
               color=_HELD, label="on pace")
    ax.scatter(elapsed[behind], held[behind] + jitter[behind], s=18, alpha=0.8,
               color=_BEHIND, label="behind the pace")
    steps = sorted(rules.pace)
    xs = [0] + [m for m, _ in steps] + [max(13, float(elapsed.max()) if len(elapsed) else 13)]
    ys = [0] + [c for _, c in steps] + [steps[-1][1]]
    label = ("the scheme's pace (pairs that agreed their own number are judged by it)"
             if pace["per_year"].ne(rules.target).any() else "target pace")
    ax.step(xs, ys, where="post", color=_TARGET, linestyle="--", label=label)
    ax.set_xlabel("Months into the current term")
    ax.set_ylabel("Meetings held")
    ax.set_title(f"{len(held)} running pairs: {int(behind.sum())} behind the pace", loc="left")
    ax.legend(loc="upper left", fontsize=8)
    return fig
