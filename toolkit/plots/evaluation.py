"""Committee-ready figures: colour-blind-safe, titled, each with a text alternative.

Every function takes numbers that have already been through disclosure control (hidden
cells are ``NaN``), draws on a new :class:`matplotlib.figure.Figure` from
:func:`toolkit.plots.figures.new_figure` (no pyplot, no screen: it renders headless, and shows once
in a notebook) and returns it. The figure's text alternative, for screen readers and
for the report's ``alt`` attributes, is in ``fig.alt_text`` (see :func:`alt_text`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from toolkit.core.disclosure import HESA_RULE, DisclosureRule, describe_count, round_counts
from toolkit.plots.figures import PALETTE, new_figure

__all__ = [
    "OKABE_ITO",
    "alt_text",
    "plot_bars",
    "plot_funnel",
    "plot_group_rates",
    "plot_heatmap",
    "plot_likert",
    "plot_network",
    "plot_network_before_after",
    "plot_share_interval",
    "plot_share_vs_aim",
    "plot_slope",
]

#: The Okabe-Ito palette, distinguishable with every common form of colour blindness (the
#: toolkit's shared :data:`toolkit.plots.figures.PALETTE`).
OKABE_ITO = PALETTE
#: A colour-blind-safe diverging palette (ColorBrewer PuOr) for agree/disagree scales.
DIVERGING = ["#b35806", "#f1a340", "#d9d9d9", "#998ec3", "#542788"]
HIDDEN_COLOUR = "#bdbdbd"


def _figure(title: str, alt: str, size: tuple[float, float] = (8, 4.5)) -> Figure:
    fig = new_figure(figsize=size)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    fig.alt_text = alt  # type: ignore[attr-defined]
    return fig


def alt_text(fig: Figure) -> str:
    """Return a figure's text alternative (what a screen reader says instead of the picture).

    Examples
    --------
    >>> alt_text(plot_bars(pd.Series([10.0, 5.0], index=["a", "b"]), "Counts"))
    'Bar chart: Counts. a: 10; b: 5.'
    """
    return str(getattr(fig, "alt_text", fig.get_suptitle()))


def _fmt(value: float, rule: DisclosureRule, fmt: str = "{:.0f}") -> str:
    return rule.symbol if pd.isna(value) else fmt.format(value)


def _listing(parts: Iterable[str], none: str = "No data yet") -> str:
    """Join the parts of a text alternative, or say there is nothing to show."""
    return "; ".join(parts) or none


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            fontsize=11, wrap=True)
    ax.set_axis_off()


def plot_bars(values: pd.Series, title: str, xlabel: str = "", ylabel: str = "People",
              rule: DisclosureRule = HESA_RULE, fmt: str = "{:.0f}",
              colour: str = OKABE_ITO[0]) -> Figure:
    """Draw a bar chart of published values, each bar labelled (hidden ones as ``..``).

    Examples
    --------
    >>> fig = plot_bars(pd.Series([20.0, np.nan], index=["1 mentee", "2 mentees"]), "Load")
    >>> fig.alt_text
    'Bar chart: Load. 1 mentee: 20; 2 mentees: ...'
    """
    pairs = _listing(f"{k}: {_fmt(v, rule, fmt)}" for k, v in values.items())
    fig = _figure(title, f"Bar chart: {title}. {pairs}.")
    ax = fig.add_subplot()
    if values.empty:
        _empty(ax, "No data yet.")
        return fig
    x = np.arange(len(values))
    heights = values.fillna(0).to_numpy(dtype=float)
    bars = ax.bar(x, heights, color=[HIDDEN_COLOUR if pd.isna(v) else colour for v in values])
    ax.bar_label(bars, labels=[_fmt(v, rule, fmt) for v in values], padding=2)
    if len(values) > 6:
        ax.set_xticks(x, [str(i) for i in values.index], rotation=35, ha="right")
    else:
        ax.set_xticks(x, [_wrap(i, 14) for i in values.index])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    return fig


def plot_funnel(counts: pd.Series, title: str = "How far participants got",
                rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw the funnel: people at each stage, widest first, as horizontal bars.

    Examples
    --------
    >>> fig = plot_funnel(pd.Series([160.0, 120.0], index=["Signed up", "Matched"]))
    >>> fig.alt_text.startswith("Funnel chart")
    True
    """
    pairs = _listing(f"{k}: {_fmt(v, rule)}" for k, v in counts.items())
    fig = _figure(title, f"Funnel chart: {title}. People at each stage: {pairs}.", (8, 3.8))
    ax = fig.add_subplot()
    y = np.arange(len(counts))[::-1]
    widths = counts.fillna(0).to_numpy(dtype=float)
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(counts))]
    bars = ax.barh(y, widths, color=colours)
    ax.bar_label(bars, labels=[_fmt(v, rule) for v in counts], padding=3)
    ax.set_yticks(y, list(counts.index))
    ax.set_xlabel(f"People (rounded to the nearest {rule.round_to})")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.12)
    return fig


def plot_heatmap(table: pd.DataFrame, title: str, value_label: str = "% of those who signed up",
                 rule: DisclosureRule = HESA_RULE, fmt: str = "{:.0f}") -> Figure:
    """Draw a heatmap of published percentages; hidden cells are hatched and marked ``..``.

    Examples
    --------
    >>> t = pd.DataFrame({"Matched": [80.0, np.nan]}, index=["Physics", "Chemistry"])
    >>> "Chemistry, Matched: .." in plot_heatmap(t, "Rates").alt_text
    True
    """
    cells = _listing(f"{r}, {c}: {_fmt(table.loc[r, c], rule, fmt)}"
                      for r in table.index for c in table.columns)
    fig = _figure(title, f"Heatmap: {title} ({value_label}). {cells}.",
                  (max(6.0, 1.3 * len(table.columns) + 3), max(3.0, 0.42 * len(table) + 1.6)))
    ax = fig.add_subplot()
    if table.empty:
        _empty(ax, "No data yet.")
        return fig
    data = np.ma.masked_invalid(table.to_numpy(dtype=float))
    ax.set_facecolor("white")
    image = ax.imshow(data, cmap="cividis", vmin=0, vmax=100, aspect="auto")
    for (i, j), value in np.ndenumerate(table.to_numpy(dtype=float)):
        if np.isnan(value):  # hidden: white with grey hatching, never a colour of the scale
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                   edgecolor=HIDDEN_COLOUR, linewidth=0))
        dark = not np.isnan(value) and value < 55
        ax.text(j, i, _fmt(value, rule, fmt), ha="center", va="center", fontsize=9,
                color="white" if dark else "black")
    ax.set_xticks(range(len(table.columns)), [_wrap(c, 14) for c in table.columns])
    ax.set_yticks(range(len(table.index)), list(table.index))
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, label=value_label, shrink=0.9)
    return fig


def plot_group_rates(rates: pd.DataFrame, title: str, rule: DisclosureRule = HESA_RULE,
                     ylabel: str = "% of those who signed up") -> Figure:
    """Draw grouped bars: for each group (row), the published rate of each stage (column).

    Examples
    --------
    >>> r = pd.DataFrame({"Matched": [80.0, 75.0]}, index=["Woman", "Man"])
    >>> plot_group_rates(r, "By gender").alt_text.count(":")
    3
    """
    cells = _listing(f"{g}, {c}: {_fmt(rates.loc[g, c], rule, '{:.0f}%')}"
                      for g in rates.index for c in rates.columns)
    width_in = max(8.0, 1.45 * rates.shape[1])
    fig = _figure(title, f"Grouped bar chart: {title}. {cells}.", (width_in, 4.5))
    ax = fig.add_subplot()
    if rates.empty:
        _empty(ax, "No data yet.")
        return fig
    n_groups, n_stages = rates.shape
    width = 0.8 / max(1, n_groups)
    x = np.arange(n_stages)
    for k, group in enumerate(rates.index):
        values = rates.loc[group]
        bars = ax.bar(x + (k - (n_groups - 1) / 2) * width, values.fillna(0).to_numpy(float),
                      width, label=str(group), color=OKABE_ITO[k % len(OKABE_ITO)])
        ax.bar_label(bars, labels=[_fmt(v, rule) for v in values], fontsize=8, padding=1)
    ax.set_xticks(x, [_wrap(c, 14) for c in rates.columns])
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 105)
    legend_in = sum(len(str(g)) + 5 for g in rates.index) * 0.1  # about 0.1 inch a letter
    fig.legend(*ax.get_legend_handles_labels(), frameon=False,
               ncols=min(6, n_groups) if legend_in < width_in else min(3, n_groups),
               loc="outside lower center")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_share_vs_aim(shares: pd.Series, aim: float = 50.0,
                      title: str = "Women among participants at grade 9 and above",
                      rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw published percentages against an aim (a dashed line), e.g. the 50:50 aim.

    Examples
    --------
    >>> fig = plot_share_vs_aim(pd.Series([38.0], index=["Signed up"]))
    >>> "aim of 50%" in fig.alt_text
    True
    """
    cells = _listing(f"{k}: {_fmt(v, rule, '{:.0f}%')}" for k, v in shares.items())
    fig = _figure(title, f"Bar chart: {title}, against an aim of {aim:g}%. {cells}.", (7, 3.6))
    ax = fig.add_subplot()
    y = np.arange(len(shares))[::-1]
    bars = ax.barh(y, shares.fillna(0).to_numpy(float),
                   color=[HIDDEN_COLOUR if pd.isna(v) else OKABE_ITO[3] for v in shares])
    ax.bar_label(bars, labels=[_fmt(v, rule, "{:.0f}%") for v in shares], padding=3)
    ax.axvline(aim, color="black", linestyle="--", linewidth=1.2)
    ax.text(aim, len(shares) - 0.45, f" aim {aim:g}%", va="bottom", fontsize=9)
    ax.set_yticks(y, list(shares.index))
    ax.set_xlim(0, 100)
    ax.set_xlabel("% women")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_share_interval(shares: pd.DataFrame, aim: float = 50.0,
                        title: str = "Women at grade 9 and above",
                        rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw published shares with their 95% intervals (whiskers) against an aim.

    Parameters
    ----------
    shares : pandas.DataFrame
        Rows are the groups; columns ``share``, ``low``, ``high`` in percent (``NaN``
        where hidden).
    aim : float
        The aim, in percent (a dashed line).
    title : str
        The figure's title.
    rule : DisclosureRule
        For the symbol of hidden values.

    Examples
    --------
    >>> s = pd.DataFrame({"share": [31.0], "low": [25.0], "high": [37.0]}, index=["Staff"])
    >>> "25% to 37%" in plot_share_interval(s).alt_text
    True
    """
    cells = _listing(
        f"{k}: {_fmt(r['share'], rule, '{:.0f}%')}" + (
            "" if pd.isna(r["share"]) else
            f" (95% interval {r['low']:.0f}% to {r['high']:.0f}%)")
        for k, r in shares.iterrows())
    fig = _figure(title, f"Bar chart with intervals: {title}, against an aim of {aim:g}%. "
                  f"{cells}.", (7, 3.6))
    ax = fig.add_subplot()
    y = np.arange(len(shares))[::-1]
    values = shares["share"].fillna(0).to_numpy(float)
    ax.barh(y, values, height=0.55, color=[HIDDEN_COLOUR if pd.isna(v) else OKABE_ITO[3]
                                           for v in shares["share"]])
    shown = shares["share"].notna().to_numpy()
    if shown.any():
        err = np.vstack([(shares["share"] - shares["low"]).to_numpy(float)[shown],
                         (shares["high"] - shares["share"]).to_numpy(float)[shown]])
        ax.errorbar(values[shown], y[shown], xerr=err, fmt="none", ecolor="black",
                    capsize=4, linewidth=1.2)
    for yy, v in zip(y, shares["share"], strict=True):
        ax.text(1.5, yy + 0.3, _fmt(v, rule, "{:.0f}%"), va="bottom", fontsize=10,
                fontweight="bold")
    ax.axvline(aim, color="black", linestyle="--", linewidth=1.2)
    ax.text(aim, len(shares) - 0.45, f" aim {aim:g}%", va="bottom", fontsize=9)
    ax.set_yticks(y, [_wrap(str(k), 30) for k in shares.index])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% women (bars: the share; whiskers: its 95% interval)")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _likert_on_ax(ax, pcts: pd.DataFrame, rule: DisclosureRule, show_y: bool) -> None:
    labels = list(pcts.columns)
    k = len(labels)
    colours = _likert_colours(k)
    neg = k // 2
    mid = k // 2 if k % 2 else None
    y = np.arange(len(pcts))[::-1]
    values = pcts.to_numpy(dtype=float)
    for row, (yy, vals) in enumerate(zip(y, values, strict=True)):
        if np.isnan(vals).all():
            ax.text(0, yy, f"too few answers to show ({rule.symbol})", ha="center",
                    va="center", fontsize=9, color="#444444")
            continue
        vals = np.nan_to_num(vals)
        left = -(vals[:neg].sum() + (vals[mid] / 2 if mid is not None else 0))
        for j in range(k):
            ax.barh(yy, vals[j], left=left, color=colours[j], edgecolor="white",
                    height=0.7, label=labels[j] if row == 0 else None)
            if vals[j] >= 8:
                ax.text(left + vals[j] / 2, yy, f"{vals[j]:.0f}", ha="center", va="center",
                        fontsize=8, color="white" if j in (0, k - 1) else "black")
            left += vals[j]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-100, 100)
    ax.set_xticks([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"])
    ax.set_yticks(y, [_wrap(q, 34) for q in pcts.index])
    if not show_y:
        ax.tick_params(labelleft=False)
    ax.spines[["top", "right", "left"]].set_visible(False)


def _likert_colours(k: int) -> list[str]:
    """Colours of a k-point scale: :data:`DIVERGING` for five points, else a blend of its ends."""
    if k == 5:
        return DIVERGING
    a, b = np.array([0xb3, 0x58, 0x06]), np.array([0x54, 0x27, 0x88])
    blends = [(1 - t) * a + t * b for t in (i / max(1, k - 1) for i in range(k))]
    return ["#" + "".join(f"{int(v):02x}" for v in c) for c in blends]


def plot_likert(panels: Mapping[str, pd.DataFrame], title: str = "What participants said",
                rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw diverging stacked bars of Likert answers, one panel per group, side by side.

    Parameters
    ----------
    panels : mapping of str to pandas.DataFrame
        Group (e.g. "Mentees", "Mentors") -> published percentages: one row per question,
        one column per answer, lowest first; a row of ``NaN`` is a hidden question.
    title : str
        The figure title.
    rule : DisclosureRule
        For the hidden-cell symbol.

    Examples
    --------
    >>> p = pd.DataFrame([[5.0, 10.0, 20.0, 40.0, 25.0]], index=["Useful?"],
    ...                  columns=["SD", "D", "N", "A", "SA"])
    >>> fig = plot_likert({"Mentees": p, "Mentors": p * np.nan})
    >>> len(fig.axes)
    2
    """
    parts = []
    for group, pcts in panels.items():
        for q, row in pcts.iterrows():
            if row.isna().all():
                parts.append(f"{group}, '{q}': too few answers to show")
            else:
                parts.append(f"{group}, '{q}': " + ", ".join(
                    f"{c} {_fmt(v, rule)}%" for c, v in row.items()))
    n_q = max((len(p) for p in panels.values()), default=1)
    fig = _figure(title, f"Diverging stacked bar chart: {title}. Disagreement to the left, "
                  f"agreement to the right. {_listing(parts, 'No survey answers yet')}.",
                  (4.8 * max(1, len(panels)) + 2.5, 0.75 * n_q + 2.2))
    if not panels:
        _empty(fig.add_subplot(), "No survey answers yet.")
        return fig
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for k, (ax, (group, pcts)) in enumerate(zip(axes, panels.items(), strict=True)):
        _likert_on_ax(ax, pcts, rule, show_y=k == 0)
        ax.set_title(group)
        ax.set_xlabel("% of respondents")
    labels = list(next(iter(panels.values())).columns)
    k = len(labels)
    colours = _likert_colours(k)
    fig.legend(handles=[Patch(color=c, label=lbl) for c, lbl in zip(colours, labels,
                                                                      strict=True)],
               loc="outside lower center", ncols=min(5, k), frameon=False, fontsize=9)
    return fig


def plot_slope(before: Sequence[float], after: Sequence[float],
               title: str = "Coaching objective scores before and after",
               ylabel: str = "Mean objective score",
               rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw a slope chart: one unlabelled line per coachee from before to after.

    Lines going up are blue, down orange, level grey; the thick black line joins the medians.
    Nothing is drawn when there are ``rule.max_average_base`` coachees or fewer.

    Examples
    --------
    >>> fig = plot_slope([2, 3, 2, 4, 1, 3, 2, 2], [4, 4, 3, 5, 3, 2, 4, 5])
    >>> "About 10 coachees: about 5 went up" in fig.alt_text
    True
    """
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    n = len(b)
    ax_fig = _figure(title, "", (6, 4.8))
    ax = ax_fig.add_subplot()
    if n <= rule.max_average_base:
        ax_fig.alt_text = (f"Slope chart: {title}. Not shown: too few coachees to publish.")
        _empty(ax, "Too few coachees to show without risking identifying someone.")
        return ax_fig
    up, down = int((a > b).sum()), int((a < b).sum())
    ax_fig.alt_text = (
        f"Slope chart: {title}. {describe_count(n, rule).capitalize()} coachees: "
        f"{describe_count(up, rule)} went up and {describe_count(down, rule)} went down; the "
        f"median moved from {np.median(b):.1f} to {np.median(a):.1f}.")
    for x0, x1 in zip(b, a, strict=True):
        colour = OKABE_ITO[0] if x1 > x0 else OKABE_ITO[5] if x1 < x0 else "#888888"
        ax.plot([0, 1], [x0, x1], color=colour, alpha=0.45, linewidth=1.2, marker="o",
                markersize=3)
    ax.plot([0, 1], [np.median(b), np.median(a)], color="black", linewidth=3.5, marker="o",
            label="Median")
    ax.set_xticks([0, 1], ["Before coaching", "After coaching"])
    ax.set_xlim(-0.25, 1.25)
    ax.set_ylabel(ylabel)
    ax.legend(handles=[Patch(color=OKABE_ITO[0], label="went up"),
                       Patch(color=OKABE_ITO[5], label="went down"),
                       Patch(color="black", label="median")], frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax_fig


def plot_network(graph: nx.Graph, title: str, ax=None, pos: dict | None = None,
                 rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw a department graph: nodes sized by participants, edges as thick as their ties.

    Parameters
    ----------
    graph : networkx.Graph
        From :func:`toolkit.evaluation.network.department_graph` (``participants``, ``ties``).
    title : str
        The title.
    ax : matplotlib Axes, optional
        Draw into this axes (its figure is returned) instead of a new figure.
    pos : dict, optional
        Node positions (default: a circle in alphabetical order, so two drawings line up).
    rule : DisclosureRule
        Participants shown in labels are rounded by it.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_node("Physics", participants=20); g.add_node("Chemistry", participants=12)
    >>> g.add_edge("Physics", "Chemistry", ties=4)
    >>> plot_network(g, "Departments").alt_text.startswith("Network diagram")
    True
    """
    nodes = sorted(graph.nodes())
    sizes = {n: int(round_counts(graph.nodes[n].get("participants", 0), rule)) for n in nodes}
    ties = {tuple(sorted(e)): graph.edges[e].get("ties", 1) for e in graph.edges()}
    desc = (f"Network diagram: {title}. {len(nodes)} departments; {len(ties)} of "
            f"{len(nodes) * (len(nodes) - 1) // 2} department pairs are linked"
            + (": " + "; ".join(f"{a} and {b}" for a, b in sorted(ties)) if ties else "")
            + ".")
    if ax is None:
        fig = _figure(title, desc, (7, 6.2))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
        ax.set_title(title)
    if not nodes:
        _empty(ax, "No participants yet.")
        return fig
    pos = pos or nx.circular_layout(nodes)
    widths = [0.8 + 3.0 * np.sqrt(max(int(round_counts(t, rule)), 1) / 5) for t in ties.values()]
    nx.draw_networkx_edges(graph, pos, edgelist=list(ties), width=widths,
                           edge_color=OKABE_ITO[4], alpha=0.8, ax=ax)
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes,
                           node_size=[120 + 18 * sizes[n] for n in nodes],
                           node_color=OKABE_ITO[0], ax=ax)
    for n in nodes:
        x, y = pos[n]
        ha = "left" if x > 0.3 else "right" if x < -0.3 else "center"
        ax.text(x * 1.14, y * 1.16, f"{_wrap(n, 16)}\n({sizes[n]})", ha=ha, va="center",
                fontsize=8)
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.35, 1.35)
    ax.set_axis_off()
    return fig


def plot_network_before_after(before: nx.Graph, now: nx.Graph,
                              title: str = "How the scheme connected departments",
                              rule: DisclosureRule = HESA_RULE) -> Figure:
    """Draw two department graphs side by side on the same layout: before and now.

    Examples
    --------
    >>> g = nx.Graph(); g.add_node("Physics", participants=20)
    >>> len(plot_network_before_after(g, g).axes)
    2
    """
    nodes = sorted(set(before.nodes()) | set(now.nodes()))
    pos = nx.circular_layout(nodes) if nodes else {}
    fig = _figure(title, "", (13, 6.2))
    axes = fig.subplots(1, 2)
    plot_network(before, "Before the scheme", ax=axes[0], pos=pos, rule=rule)
    plot_network(now, "Now", ax=axes[1], pos=pos, rule=rule)
    fig.alt_text = (
        f"Two network diagrams: {title}. Nodes are departments (sized by participants, "
        f"number in brackets, rounded); lines are ties between people in two departments. "
        f"Before the scheme {before.number_of_edges()} department pairs were linked; now "
        f"{now.number_of_edges()} are.")
    return fig
