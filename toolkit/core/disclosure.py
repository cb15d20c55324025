"""Disclosure control: round, suppress and protect every number a report publishes.

The default rule is the UK higher-education standard (HESA's rounding methodology): every
headcount is rounded to the nearest 5 (0, 1 and 2 become 0; 3 and 4 become 5; halves round
up), totals are rounded after summing the unrounded numbers, percentages on fewer than 22.5
people and averages on 7 or fewer people are suppressed, and suppressed cells are shown as
``..``. On top of that, *secondary suppression* hides further cells wherever a hidden cell
could otherwise be worked out by subtraction from the totals a table shows.

Published tables are numeric DataFrames in which a suppressed cell is ``NaN``; turn them into
text with :func:`as_text` (``..`` for suppressed cells) before writing them out.

Percentages are derived from published counts
---------------------------------------------
A percentage computed from true counts gives them away (one renewal among 160 people is
"1%", though the count shows 0). So every percentage the toolkit publishes is computed from
the *published* counts, numerator and base alike (:func:`percentages`): it is hidden wherever
either count is hidden, and it tells a reader nothing the rounded counts beside it do not.
:func:`protect_rates` and :func:`publish_percent` publish the counts first, then divide.

How recoverability is decided
-----------------------------
A table with totals is a set of linear equations: each row whose total is shown sums to that
total, and so does each column. Draw a graph with a node for every such line (row or column,
the total row and column included) and an edge for every hidden cell joining its row and its
column; lines whose total is not shown all become one unconstrained node. A hidden cell can
be worked out from the shown numbers exactly when its edge is a *bridge* of that graph (an
edge on no cycle). Secondary suppression therefore hides, for every bridge, the cheapest
further cells that close a cycle through it (small cells first, totals last), until no bridge
is left.

Rounded totals can pin a count down too: four cells published as 0 (each 0 to 2) under a
total published as 10 (8 to 12) must each be exactly 2. :func:`pinned_cells` finds every
cell whose value the published table fixes exactly (the table's equations with each shown
number replaced by the range of true values it stands for form a network; a cell is fixed
when no cycle of that network can move it), and :func:`protect_counts` hides the totals of
its lines until none is left.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import networkx as nx
import numpy as np
import pandas as pd
from scipy.optimize import linprog

from toolkit.errors import SettingsError

__all__ = [
    "HESA_RULE",
    "RULES",
    "DisclosureRule",
    "as_text",
    "count_ranges",
    "describe_count",
    "get_rule",
    "percentages",
    "pinned_breakdowns",
    "pinned_cells",
    "protect_breakdowns",
    "protect_counts",
    "protect_means",
    "protect_rates",
    "publish_count",
    "publish_mean",
    "publish_percent",
    "recoverable_cells",
    "round_counts",
    "secondary_suppression",
]


@dataclass(frozen=True)
class DisclosureRule:
    """How published numbers are protected.

    Parameters
    ----------
    name : str
        A short title, quoted in the report.
    round_to : int
        Headcounts are rounded to the nearest multiple of this (halves up); 1 means no
        rounding.
    min_percentage_base : float
        A percentage is suppressed when it is based on fewer people than this.
    max_average_base : int
        An average (mean, median, test result) is suppressed when it is based on this many
        people or fewer.
    suppress_counts_below : int
        Headcounts from 1 up to this number minus one are suppressed outright, not rounded
        (0, the default, suppresses none: rounding alone protects them).
    symbol : str
        What a suppressed cell shows.
    secondary : bool
        Hide further cells so that no hidden cell can be worked out from the totals.

    Examples
    --------
    >>> HESA_RULE.round_to, HESA_RULE.symbol
    (5, '..')
    """

    name: str = "UK higher-education standard (HESA rounding)"
    round_to: int = 5
    min_percentage_base: float = 22.5
    max_average_base: int = 7
    suppress_counts_below: int = 0
    symbol: str = ".."
    secondary: bool = True

    def __post_init__(self) -> None:
        if self.round_to < 1 or self.min_percentage_base < 0 or self.max_average_base < 0 \
                or self.suppress_counts_below < 0:
            raise SettingsError(
                f"The disclosure rule '{self.name}' has a negative or zero setting: round_to "
                "must be 1 or more and the thresholds 0 or more."
            )

    def statement(self) -> str:
        """Describe the rule in plain words, for the report.

        Examples
        --------
        >>> print(HESA_RULE.statement()[:60])
        Disclosure control: UK higher-education standard (HESA round
        """
        parts = []
        if self.round_to > 1:
            half = self.round_to / 2
            low = int(np.ceil(half) - 1)
            parts.append(
                f"every headcount is rounded to the nearest multiple of {self.round_to} "
                f"(0 to {low} become 0, {low + 1} to {self.round_to - 1} become "
                f"{self.round_to}, halves round up)"
            )
        else:
            parts.append("headcounts are shown unrounded")
        if self.suppress_counts_below > 1:
            parts.append(
                f"headcounts from 1 to {self.suppress_counts_below - 1} are not shown at all")
        parts.append("totals are rounded after adding up the unrounded numbers, so a total "
                     "may differ slightly from the sum of the rounded numbers above it")
        parts.append("percentages are worked out from the published headcounts, never from "
                     "the true ones, and are not shown where a headcount is hidden or based on "
                     f"fewer than {self.min_percentage_base:g} people")
        if self.secondary and self.round_to > 1:
            parts.append("a total is hidden where, with the rounded numbers beside it, it "
                         "would give away an exact headcount")
        parts.append(f"averages and statistical tests based on {self.max_average_base} or "
                     "fewer people are not shown")
        if self.secondary:
            parts.append("where a hidden number could be worked out by subtraction from a "
                         "total, further numbers are hidden too")
        text = "; ".join(parts)
        return (f"Disclosure control: {self.name}. " + text[0].upper() + text[1:]
                + f". A hidden number is shown as '{self.symbol}'. No names or e-mail "
                "addresses appear in this report.")


#: The UK higher-education standard rule (the default everywhere).
HESA_RULE = DisclosureRule()

#: Rules a lead can pick by name (``report --rule NAME``).
RULES: dict[str, DisclosureRule] = {
    "hesa": HESA_RULE,
    "hesa-strict": replace(
        HESA_RULE, name="HESA rounding, with headcounts under 5 hidden", suppress_counts_below=5),
}


def get_rule(rule: DisclosureRule | str | None) -> DisclosureRule:
    """Return a rule from a rule or its name in :data:`RULES` (``None``: the HESA rule).

    Raises
    ------
    SettingsError
        If the name is not known.

    Examples
    --------
    >>> get_rule("hesa-strict").suppress_counts_below
    5
    """
    if rule is None:
        return HESA_RULE
    if isinstance(rule, DisclosureRule):
        return rule
    if str(rule) in RULES:
        return RULES[str(rule)]
    raise SettingsError(
        f"The disclosure rule must be one of {sorted(RULES)} (got '{rule}')."
    )


def round_counts(values: np.ndarray | pd.Series | float, rule: DisclosureRule = HESA_RULE
                 ) -> np.ndarray:
    """Round headcounts to the nearest multiple of ``rule.round_to``, halves up.

    Parameters
    ----------
    values : array-like of int
        Non-negative headcounts.
    rule : DisclosureRule
        The rule (default HESA: nearest 5).

    Returns
    -------
    numpy.ndarray of int
        The rounded counts.

    Examples
    --------
    >>> round_counts([0, 1, 2, 3, 4, 5, 7, 8, 12, 13]).tolist()
    [0, 0, 0, 5, 5, 5, 5, 10, 10, 15]
    """
    arr = np.asarray(values, dtype=float)
    step = rule.round_to
    return (np.floor(arr / step + 0.5) * step).astype(int)


def _line_nodes(n_rows: int, n_cols: int, total_row: bool, total_column: bool):
    """Graph nodes of the rows and columns of a table with its margins (see module notes)."""
    free = ("free",)
    rows = [("row", i) if total_column else free for i in range(n_rows)]
    cols = [("col", j) if total_row else free for j in range(n_cols)]
    return rows, cols


def recoverable_cells(hidden: np.ndarray, total_row: bool = True,
                      total_column: bool = True) -> np.ndarray:
    """Find hidden cells that can be worked out exactly from the shown numbers and totals.

    Parameters
    ----------
    hidden : numpy.ndarray of bool
        Which cells are hidden, for the whole table *including* its margins: the last row is
        the total row when ``total_row``, the last column the total column when
        ``total_column``.
    total_row, total_column : bool
        Whether the table shows a row of column totals and a column of row totals.

    Returns
    -------
    numpy.ndarray of bool
        True for each hidden cell that subtraction (of any combination of rows and columns)
        reveals.

    Examples
    --------
    A 2x2 table with totals where one cell alone is hidden: subtraction reveals it.

    >>> hidden = np.zeros((3, 3), dtype=bool); hidden[0, 0] = True
    >>> recoverable_cells(hidden)[0, 0]
    np.True_
    >>> hidden[0, 1] = hidden[1, 0] = hidden[1, 1] = True
    >>> recoverable_cells(hidden).any()
    np.False_
    """
    hidden = np.asarray(hidden, dtype=bool)
    out = np.zeros_like(hidden)
    if not (total_row or total_column) or not hidden.any():
        return out
    graph = _hidden_graph(hidden, total_row, total_column)
    for u, v in nx.bridges(graph):
        for key in graph[u][v]:
            out[key] = True
    return out


def _hidden_graph(hidden: np.ndarray, total_row: bool, total_column: bool) -> nx.MultiGraph:
    rows, cols = _line_nodes(*hidden.shape, total_row, total_column)
    graph = nx.MultiGraph()
    for i, j in zip(*np.nonzero(hidden), strict=True):
        if rows[i] != cols[j]:  # a cell joining two unconstrained lines is never revealed
            graph.add_edge(rows[i], cols[j], key=(int(i), int(j)))
    return graph


def secondary_suppression(hidden: np.ndarray, values: np.ndarray, total_row: bool = True,
                          total_column: bool = True,
                          eligible: np.ndarray | None = None) -> np.ndarray:
    """Hide further cells until no hidden cell can be worked out from the totals.

    For each hidden cell that subtraction would reveal, the cheapest set of further cells
    that closes a cycle through it is hidden: few cells first, then small values, and
    totals only when nothing else will do. Deterministic.

    Parameters
    ----------
    hidden : numpy.ndarray of bool
        The cells hidden so far (whole table including margins, as in
        :func:`recoverable_cells`).
    values : numpy.ndarray
        The unrounded values of the same cells, to prefer hiding small ones.
    total_row, total_column : bool
        Which margins the table shows.
    eligible : numpy.ndarray of bool, optional
        Cells that may be hidden to protect another (default all); hiding a cell everyone
        can work out anyway (a rate of an empty group) protects nothing.

    Returns
    -------
    numpy.ndarray of bool
        The hidden cells after secondary suppression (a superset of ``hidden``).

    Examples
    --------
    >>> values = np.array([[1, 9, 10], [20, 30, 50], [21, 39, 60]])
    >>> hidden = np.zeros((3, 3), dtype=bool); hidden[0, 0] = True
    >>> secondary_suppression(hidden, values).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    hidden = np.asarray(hidden, dtype=bool).copy()
    values = np.nan_to_num(np.asarray(values, dtype=float))
    if not (total_row or total_column) or not hidden.any():
        return hidden
    n, m = hidden.shape
    rows, cols = _line_nodes(n, m, total_row, total_column)
    is_margin = np.zeros((n, m), dtype=bool)
    if total_row:
        is_margin[-1, :] = True
    if total_column:
        is_margin[:, -1] = True
    # Cost of hiding a cell: a big step per new cell (fewest cells first), totals dearest.
    cost = 1_000.0 + np.abs(values) + np.where(is_margin, 1_000_000.0, 0.0)
    if eligible is not None:
        cost = np.where(np.asarray(eligible, dtype=bool) | is_margin, cost, np.inf)
    full = nx.MultiGraph()
    for i in range(n):
        for j in range(m):
            if rows[i] != cols[j]:
                full.add_edge(rows[i], cols[j], key=(i, j))

    def weight(u, v, keys):
        best = min(0.0 if hidden[k] else cost[k] for k in keys)
        return None if np.isinf(best) else best  # None: this hop cannot be used

    while True:
        bridges = sorted(
            k for k in zip(*np.nonzero(recoverable_cells(hidden, total_row, total_column)),
                           strict=True)
        )
        if not bridges:
            return hidden
        i, j = (int(x) for x in bridges[0])
        u, v = rows[i], cols[j]
        full.remove_edge(u, v, key=(i, j))
        try:
            path = nx.dijkstra_path(full, u, v, weight=weight)
        except nx.NetworkXNoPath:  # pragma: no cover - a table with margins always has one
            hidden[:] = True
            return hidden
        finally:
            full.add_edge(u, v, key=(i, j))
        for a, b in itertools.pairwise(path):
            keys = sorted((k for k in full[a][b] if k != (i, j)),
                          key=lambda k: (0.0 if hidden[k] else cost[k], k))
            hidden[keys[0]] = True


def count_ranges(published: np.ndarray, rule: DisclosureRule = HESA_RULE
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Give the range of true headcounts each published number can stand for.

    A number shown as ``v`` stands for every count that rounds to ``v`` and that the rule
    would not have hidden; a hidden number (``NaN``) stands for any count from 0.

    Parameters
    ----------
    published : numpy.ndarray
        Published headcounts (``NaN`` where hidden).
    rule : DisclosureRule
        The rule they were published under.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The lowest and highest true count of each cell (``inf`` for a hidden cell).

    Examples
    --------
    >>> lo, hi = count_ranges(np.array([0.0, 5.0, np.nan]))
    >>> lo.tolist(), hi.tolist()
    ([0.0, 3.0, 0.0], [2.0, 7.0, inf])
    >>> count_ranges(np.array([0.0, 5.0]), get_rule("hesa-strict"))[1].tolist()
    [0.0, 7.0]
    """
    values = np.asarray(published, dtype=float)
    hidden = np.isnan(values)
    v = np.nan_to_num(values)
    step = rule.round_to
    lo = np.maximum(0.0, np.ceil(v - step / 2))
    hi = np.ceil(v + step / 2) - 1
    small = rule.suppress_counts_below
    if small > 1:  # counts from 1 to small - 1 would have been hidden, so they are not these
        lo = np.where((lo >= 1) & (lo < small), np.minimum(float(small), hi), lo)
        hi = np.where((lo == 0) & (hi >= 1) & (hi < small), 0.0, hi)
    lo = np.where(hidden, 0.0, lo)
    hi = np.where(hidden, np.inf, hi)
    return lo, hi


def pinned_cells(values: np.ndarray, published: np.ndarray, rule: DisclosureRule = HESA_RULE,
                 total_row: bool = True, total_column: bool = True) -> np.ndarray:
    """Find cells whose true value the published table fixes exactly, beyond what they show.

    Every shown number is replaced by the range of true counts it stands for
    (:func:`count_ranges`, hidden cells: any count); with its totals the table is then a
    network in which the true table is one feasible flow. A cell is fixed when no cycle of
    the residual network passes through it, in either direction (the network's equations are
    totally unimodular, so a cell that can move at all can move by a whole person). A cell
    whose own number already stands for a single count (a 0 under a rule that hides 1 to 4)
    is not reported.

    Parameters
    ----------
    values : numpy.ndarray
        The true counts of the whole table, margins included (margins as the sums of their
        lines).
    published : numpy.ndarray
        What is shown for each cell (``NaN`` where hidden).
    rule : DisclosureRule
        The rule (for the ranges).
    total_row, total_column : bool
        Whether the last row / column are totals.

    Returns
    -------
    numpy.ndarray of bool
        True where a reader could work out the cell's exact count.

    Examples
    --------
    Four counts of 2 are each shown as 0, but their total of 8 is shown as 10 (8 to 12):
    each must be 2.

    >>> values = np.array([[2], [2], [2], [2], [8]])
    >>> published = np.array([[0.0], [0.0], [0.0], [0.0], [10.0]])
    >>> pinned_cells(values, published, total_row=True, total_column=False).ravel().tolist()
    [True, True, True, True, True]
    >>> published[-1, 0] = np.nan
    >>> pinned_cells(values, published, total_row=True, total_column=False).any()
    np.False_
    """
    values = np.asarray(values, dtype=float)
    published = np.asarray(published, dtype=float)
    n, m = values.shape
    rows, cols = n - int(total_row), m - int(total_column)
    lo, hi = count_ranges(published, rule)
    # Nodes: 0 the source, 1 the sink, then the rows, then the columns.
    row_node = 2 + np.arange(rows)
    col_node = 2 + rows + np.arange(cols)
    edges: list[tuple[int, int, float, float, float, tuple[int, int] | None]] = []
    for i in range(rows):
        for j in range(cols):
            edges.append((row_node[i], col_node[j], values[i, j], lo[i, j], hi[i, j], (i, j)))
    for i in range(rows):
        cell = (i, m - 1) if total_column else None
        flow = values[i, :cols].sum()
        edges.append((0, row_node[i], flow, *((lo[cell], hi[cell]) if cell else (0, np.inf)),
                      cell))
    for j in range(cols):
        cell = (n - 1, j) if total_row else None
        flow = values[:rows, j].sum()
        edges.append((col_node[j], 1, flow, *((lo[cell], hi[cell]) if cell else (0, np.inf)),
                      cell))
    grand = (n - 1, m - 1) if total_row and total_column else None
    edges.append((1, 0, values[:rows, :cols].sum(),
                  *((lo[grand], hi[grand]) if grand else (0, np.inf)), grand))
    fixed = _fixed_edges(edges, 2 + rows + cols)
    out = np.zeros((n, m), dtype=bool)
    for (_u, _v, _flow, low, high, cell), pinned in zip(edges, fixed, strict=True):
        if cell is None or (not np.isnan(published[cell]) and low == high):
            continue
        out[cell] = pinned
    return out


def _fixed_edges(edges: list, size: int) -> list[bool]:
    """Which arcs of a feasible circulation no cycle of its residual network can move.

    ``edges`` are ``(tail, head, flow, low, high, key)`` over nodes ``0 .. size - 1``;
    parallel arcs are allowed (the residual network counts its arcs between two nodes).
    """
    residual = np.zeros((size, size), dtype=int)
    for u, v, flow, low, high, _ in edges:
        residual[u, v] += flow < high
        residual[v, u] += flow > low
    fixed = []
    for u, v, flow, low, high, _ in edges:
        others = residual.copy()
        others[u, v] -= flow < high
        others[v, u] -= flow > low
        up = flow < high and _reaches(others > 0, v, u)
        down = flow > low and _reaches(others > 0, u, v)
        fixed.append(not (up or down))
    return fixed


def _reaches(adjacency: np.ndarray, start: int, goal: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` along the arcs of ``adjacency``."""
    seen = np.zeros(len(adjacency), dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    while frontier.any():
        frontier = adjacency[frontier].any(axis=0) & ~seen
        seen |= frontier
        if seen[goal]:
            return True
    return False


def _publish(values: np.ndarray, rule: DisclosureRule, total_row: bool, total_column: bool
             ) -> np.ndarray:
    """Round and hide the cells of a whole table (margins included): the published numbers."""
    hidden = (values > 0) & (values < rule.suppress_counts_below)
    rounded = round_counts(values, rule).astype(float)
    margin = np.zeros(values.shape, dtype=bool)
    if total_row:
        margin[-1, :] = True
    if total_column:
        margin[:, -1] = True
    if rule.secondary:
        hidden = secondary_suppression(hidden, values, total_row, total_column)
    while True:
        published = np.where(hidden, np.nan, rounded)
        if not (rule.secondary and (total_row or total_column)):
            return published
        pinned = pinned_cells(values, published, rule, total_row, total_column)
        if not pinned.any():
            return published
        # Hide the totals of the lines through the fixed cells (all totals if need be).
        lines = np.zeros(values.shape, dtype=bool)
        for i, j in zip(*np.nonzero(pinned), strict=True):
            if total_column:
                lines[i, -1] = True
            if total_row:
                lines[-1, j] = True
        extra = lines & ~hidden
        if not extra.any():
            extra = margin & ~hidden
        if not extra.any():  # pragma: no cover - with every total hidden nothing is fixed
            return np.where(pinned | hidden, np.nan, rounded)
        hidden = hidden | extra


def protect_counts(table: pd.DataFrame, rule: DisclosureRule = HESA_RULE,
                   total_row: bool = True, total_column: bool = True,
                   total_label: str = "Total") -> pd.DataFrame:
    """Publish a table of headcounts: add totals, suppress, then round.

    Totals are summed from the unrounded counts and rounded afterwards; counts below
    ``rule.suppress_counts_below`` are hidden, and secondary suppression hides more where a
    hidden count could be worked out from the totals, or where the rounded totals would fix
    a count exactly (:func:`pinned_cells`).

    Parameters
    ----------
    table : pandas.DataFrame
        Unrounded non-negative headcounts; rows and columns are the categories.
    rule : DisclosureRule
        The rule (default HESA).
    total_row, total_column : bool
        Add a row of column totals / a column of row totals.
    total_label : str
        The label of the total row and column.

    Returns
    -------
    pandas.DataFrame
        Rounded counts (float), ``NaN`` where hidden, with the totals added.

    Examples
    --------
    >>> t = pd.DataFrame({"Women": [12, 2], "Men": [31, 9]}, index=["Grade 8", "Grade 9"])
    >>> protect_counts(t)
             Women   Men  Total
    Grade 8   10.0  30.0   45.0
    Grade 9    0.0  10.0   10.0
    Total     15.0  40.0   55.0
    """
    raw = table.apply(pd.to_numeric).fillna(0).astype(float)
    full = raw.copy()
    if total_column:
        full[total_label] = raw.sum(axis=1)
    if total_row:
        full.loc[total_label] = full.sum(axis=0)
    published = _publish(full.to_numpy(dtype=float), rule, total_row, total_column)
    return pd.DataFrame(published, index=full.index, columns=full.columns)


def _breakdown_edges(part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tail and head of each row's arc in the network of linked breakdowns.

    Breakdown ``t``'s cells run from node ``t`` to node ``t + 1`` and the shared total (part
    ``-1``) from the last node back to node 0, so each node says "breakdown ``t`` adds up to
    the same as breakdown ``t + 1``" and the total closes the circle.
    """
    k = int(part.max()) + 1
    tail = np.where(part >= 0, part, k)
    head = np.where(part >= 0, part + 1, 0)
    return tail, head


def _close_bridges(hidden: np.ndarray, tail: np.ndarray, head: np.ndarray,
                   cost: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Hide the cheapest further arcs until no hidden arc is a bridge (one column).

    A ``known`` cell is worked out from its row anyway (hidden or not): it protects nothing
    and is never hidden to protect another.
    """
    hidden = hidden.copy()
    full = nx.MultiGraph()
    for r, (u, v) in enumerate(zip(tail, head, strict=True)):
        if not known[r]:
            full.add_edge(int(u), int(v), key=r)

    def weight(u, v, keys):
        return min(0.0 if hidden[k] else cost[k] for k in keys)

    while True:
        graph = nx.MultiGraph()
        for r in np.nonzero(hidden & ~known)[0]:
            graph.add_edge(int(tail[r]), int(head[r]), key=int(r))
        bridges = sorted(k for u, v in nx.bridges(graph) for k in graph[u][v])
        if not bridges:
            return hidden
        r = bridges[0]
        u, v = int(tail[r]), int(head[r])
        full.remove_edge(u, v, key=r)
        try:
            path = nx.dijkstra_path(full, u, v, weight=weight)
        except nx.NetworkXNoPath:  # pragma: no cover - the total always closes a cycle
            hidden[:] = True
            return hidden
        finally:
            full.add_edge(u, v, key=r)
        for a, b in itertools.pairwise(path):
            keys = sorted((k for k in full[a][b] if k != r),
                          key=lambda k: (0.0 if hidden[k] else cost[k], k))
            hidden[keys[0]] = True


def _ordered_ranges(published: np.ndarray, rule: DisclosureRule,
                    order: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give the ranges of :func:`count_ranges`, narrowed by the order of each row.s columns.

    ``order`` lists ``(smaller, larger)`` column positions: in every row the first count is
    at most the second (nobody is promoted who did not apply). Returns the low and high ends
    and the cells whose own number or row fixes them (low equals high).
    """
    lo, hi = count_ranges(published, rule)
    exact = ~np.isnan(published) & (lo == hi)
    for _ in range(len(order) + 1):
        before = (lo.copy(), hi.copy())
        for small, large in order:
            hi[:, small] = np.minimum(hi[:, small], hi[:, large])
            lo[:, large] = np.maximum(lo[:, large], lo[:, small])
        if np.array_equal(before[0], lo) and np.array_equal(before[1], hi):
            break
    return lo, hi, exact | (lo == hi)


def _breakdown_pinned(values: np.ndarray, published: np.ndarray, part: np.ndarray,
                      rule: DisclosureRule, order: list[tuple[int, int]] | None = None
                      ) -> np.ndarray:
    """:func:`pinned_breakdowns` on stacked rows (``part``: breakdown of each row, -1 total).

    A cell its own number or its row already fixes is not reported (nothing hides it).
    """
    tail, head = _breakdown_edges(part)
    lo, hi, known = _ordered_ranges(published, rule, order or [])
    if order:  # the order ties the columns together: one linear programme over them all
        return _lp_pinned(part, lo, hi, known, order)
    out = np.zeros(values.shape, dtype=bool)
    size = int(part.max()) + 2
    for j in range(values.shape[1]):
        edges = [(int(tail[r]), int(head[r]), values[r, j], lo[r, j], hi[r, j], r)
                 for r in range(len(values))]
        for r, fixed in enumerate(_fixed_edges(edges, size)):
            out[r, j] = fixed and not known[r, j]
    return out


def _lp_pinned(part: np.ndarray, lo: np.ndarray, hi: np.ndarray, known: np.ndarray,
               order: list[tuple[int, int]]) -> np.ndarray:
    """Cells that the sums of linked breakdowns and the order of each row's columns fix.

    Each cell's least and greatest value over every table consistent with what is shown
    (a linear programme: the sums, the order within each row, each cell in its range); a
    cell is fixed when the two meet to within a whole person. ``known`` cells (fixed by
    their own number or row) are not reported.
    """
    n, m = lo.shape
    index = np.arange(n * m).reshape(n, m)
    a_eq = []
    for t in range(int(part.max()) + 1):
        rows = np.nonzero(part == t)[0]
        for j in range(m):
            line = np.zeros(n * m)
            line[index[rows, j]] = 1.0
            line[index[-1, j]] = -1.0
            a_eq.append(line)
    a_ub = np.zeros((n * len(order), n * m))
    for k, (r, (small, large)) in enumerate(itertools.product(range(n), order)):
        a_ub[k, index[r, small]], a_ub[k, index[r, large]] = 1.0, -1.0
    bounds = [(a, None if np.isinf(b) else b) for a, b in zip(lo.ravel(), hi.ravel(),
                                                               strict=True)]
    def solve(c: np.ndarray, limits=bounds):
        return linprog(c, A_ub=a_ub if len(a_ub) else None,
                       b_ub=np.zeros(len(a_ub)) if len(a_ub) else None,
                       A_eq=np.array(a_eq), b_eq=np.zeros(len(a_eq)), bounds=limits,
                       method="highs")

    # A few corners of the feasible tables first (hidden cells capped, so every direction
    # has one): a cell that differs by a whole person between two of them is not fixed,
    # and needs no programme of its own.
    cap = 2.0 * (np.max(hi[np.isfinite(hi)], initial=0.0) + 10.0)
    capped = [(a, cap if b is None else b) for a, b in bounds]
    rng = np.random.default_rng(0)
    corners = [res.x for res in (solve(rng.normal(size=n * m), capped) for _ in range(6))
               if res.status == 0]
    seen_low = np.min(corners, axis=0) if corners else np.full(n * m, np.inf)
    seen_high = np.max(corners, axis=0) if corners else np.full(n * m, -np.inf)
    moves = np.ceil(seen_low - 1e-7) < np.floor(seen_high + 1e-7)
    out = np.zeros((n, m), dtype=bool)
    for k in np.nonzero(~known.ravel() & ~moves)[0]:
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(n * m)
            c[k] = sign
            res = solve(c)
            ends.append(sign * res.fun if res.status == 0 else np.inf)
        out.flat[k] = np.ceil(ends[0] - 1e-7) >= np.floor(ends[1] + 1e-7)
    return out


def _stack(tables: list[pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """Stack the rows of several breakdowns and their shared total row into one array."""
    columns = tables[0].columns
    for t in tables[1:]:
        if list(t.columns) != list(columns):
            raise ValueError("Linked breakdowns must have the same columns, in the same order.")
    raws = [t.apply(pd.to_numeric).fillna(0).to_numpy(dtype=float) for t in tables]
    total = raws[0].sum(axis=0)
    for raw in raws[1:]:
        if not np.allclose(raw.sum(axis=0), total):
            raise ValueError("Linked breakdowns must add up to the same totals: they break "
                             "down the same people.")
    values = np.vstack([*raws, total[None, :]])
    part = np.concatenate([np.full(len(r), t) for t, r in enumerate(raws)] + [[-1]])
    return values, part.astype(int)


def pinned_breakdowns(values: list[pd.DataFrame], published: list[pd.DataFrame],
                      rule: DisclosureRule = HESA_RULE) -> list[np.ndarray]:
    """Find cells that breakdowns published together fix exactly (hidden or rounded).

    The attack of :func:`pinned_cells` on several tables that break the same people down
    in different ways (by gender, by cohort): each shows the same total row, so each
    column's cells in one table and in another must add up to the same number.

    Parameters
    ----------
    values : list of pandas.DataFrame
        The true counts of each breakdown, without its total row.
    published : list of pandas.DataFrame
        What is shown for each, with the shared total row last (``NaN`` where hidden);
        every table's total row must be published alike.
    rule : DisclosureRule
        The rule (for the ranges each shown number stands for).

    Returns
    -------
    list of numpy.ndarray of bool
        For each published table (total row included), True where a reader of all of them
        could work out the cell's exact count.

    Examples
    --------
    Alone, each table is safe: four counts of 2, each shown as 0, beside a hidden total,
    and cohorts of 8 and 0 shown as 10 and 0. Together they say the total is at least 8 and
    at most 8, and so give every count away.

    >>> by_gender = pd.DataFrame({"n": [2, 2, 2, 2]}, index=["W", "M", "N", "X"])
    >>> by_cohort = pd.DataFrame({"n": [8, 0]}, index=["2025", "2026"])
    >>> gender = pd.DataFrame({"n": [0.0, 0.0, 0.0, 0.0, np.nan]})
    >>> cohort = pd.DataFrame({"n": [10.0, 0.0, np.nan]})
    >>> [p.ravel().tolist() for p in pinned_breakdowns([by_gender, by_cohort],
    ...                                                [gender, cohort])]
    [[True, True, True, True, True], [True, True, True]]
    """
    stacked, part = _stack(list(values))
    totals = [np.asarray(p, dtype=float)[-1] for p in published]
    shown = np.vstack([np.asarray(p, dtype=float)[:-1] for p in published] + [totals[0][None]])
    pinned = _breakdown_pinned(stacked, shown, part, rule)
    return [np.vstack([pinned[part == t], pinned[-1:]]) for t in range(len(published))]


def protect_breakdowns(tables: list[pd.DataFrame], rule: DisclosureRule = HESA_RULE,
                       total_labels: str | list[str] = "Total",
                       order: list[tuple[str, str]] | None = None) -> list[pd.DataFrame]:
    """Publish several breakdowns of the same people together, with the total row they share.

    Tables that break the same people down in different ways (outcomes by gender and by
    cohort) show the same total row, so each can be worked out from the others: published
    one by one, a count or total that one table hides can be recovered from another. Here
    they are protected as one set of equations: the total row is published once, the same in
    every table, and secondary suppression and the test of rounded totals
    (:func:`pinned_breakdowns`) look at all the tables at once. The columns are independent
    measures (nothing adds them up).

    Parameters
    ----------
    tables : list of pandas.DataFrame
        Unrounded non-negative headcounts, the same columns in each, adding up to the same
        totals.
    rule : DisclosureRule
        The rule (default HESA).
    total_labels : str or list of str
        The label of each table's total row.
    order : list of (str, str), optional
        Pairs of columns ``(smaller, larger)``: in every row the first count is at most the
        second (those promoted are among those who applied). A reader can use that too: a
        count its row already fixes (promotions under applications shown as exactly 0)
        protects nothing, so it is never the cell hidden to protect another.

    Returns
    -------
    list of pandas.DataFrame
        Each table published (rounded, ``NaN`` where hidden) with its total row last.

    Raises
    ------
    ValueError
        If the tables have different columns or different totals.

    Examples
    --------
    The tables of :func:`pinned_breakdowns`: a hidden total no longer gives the counts
    away, because one cohort and one gender are hidden too.

    >>> by_gender = pd.DataFrame({"n": [2, 2, 2, 2]}, index=["W", "M", "N", "X"])
    >>> by_cohort = pd.DataFrame({"n": [8, 0]}, index=["2025", "2026"])
    >>> gender, cohort = protect_breakdowns([by_gender, by_cohort])
    >>> gender["n"].tolist(), cohort["n"].tolist()
    ([nan, 0.0, 0.0, 0.0, nan], [10.0, nan, nan])
    """
    tables = list(tables)
    labels = [total_labels] * len(tables) if isinstance(total_labels, str) \
        else list(total_labels)
    values, part = _stack(tables)
    columns = list(tables[0].columns)
    positions = [(columns.index(a), columns.index(b)) for a, b in (order or [])]
    published = _publish_breakdowns(values, part, rule, positions)
    out = []
    for t, (table, label) in enumerate(zip(tables, labels, strict=True)):
        rows = np.vstack([published[part == t], published[-1:]])
        out.append(pd.DataFrame(rows, index=[*table.index, label], columns=table.columns))
    return out


def _publish_breakdowns(values: np.ndarray, part: np.ndarray, rule: DisclosureRule,
                        order: list[tuple[int, int]]) -> np.ndarray:
    """Round and hide the stacked rows of linked breakdowns (see :func:`protect_breakdowns`)."""
    hidden = (values > 0) & (values < rule.suppress_counts_below)
    rounded = round_counts(values, rule).astype(float)
    if not rule.secondary or not (part >= 0).any():  # no rows: the total is 0, shown
        return np.where(hidden, np.nan, rounded)
    tail, head = _breakdown_edges(part)
    is_total = (part < 0)[:, None]
    # As in secondary_suppression: fewest cells first, then small ones, the total last.
    cost = 1_000.0 + np.abs(values) + np.where(is_total, 1_000_000.0, 0.0)
    while True:
        # Which cells their rows fix depends on what is hidden: look again each round.
        known = _ordered_ranges(np.where(hidden, np.nan, rounded), rule, order)[2]
        for j in range(values.shape[1]):
            hidden[:, j] = _close_bridges(hidden[:, j], tail, head, cost[:, j], known[:, j])
        published = np.where(hidden, np.nan, rounded)
        pinned = _breakdown_pinned(values, published, part, rule, order)
        if not pinned.any():
            return published
        for j in np.nonzero(pinned.any(axis=0))[0]:
            # Hide the total first; if it is hidden already, the cheapest fixed cell (the
            # next round of secondary suppression then protects that one in turn).
            # A hidden cell fixed by the other columns: hide more of its own column.
            if not hidden[-1, j]:
                hidden[-1, j] = True
                continue
            fixed = np.nonzero(pinned[:, j] & ~hidden[:, j])[0]
            if not len(fixed):
                fixed = np.nonzero(~hidden[:, j])[0]
            if len(fixed):
                hidden[fixed[np.argmin(cost[fixed, j])], j] = True
            else:  # pragma: no cover - the whole column hidden, yet a cell fixed
                return np.where(pinned | hidden, np.nan, rounded)


def percentages(numerators: pd.DataFrame, bases: pd.DataFrame | pd.Series,
                rule: DisclosureRule = HESA_RULE, decimals: int = 0) -> pd.DataFrame:
    """Derive percentages from *published* counts, so they reveal nothing the counts hide.

    Each percentage is ``100 * numerator / base`` of the published (rounded) numbers; it is
    hidden wherever its numerator or its base is hidden, and wherever the published base is
    below ``rule.min_percentage_base`` or 0.

    Parameters
    ----------
    numerators : pandas.DataFrame
        Published counts (``NaN`` where hidden), e.g. from :func:`protect_counts`.
    bases : pandas.DataFrame or Series
        Published counts each percentage is based on (a Series applies to every column of
        its row).
    rule : DisclosureRule
        The rule (for the smallest base).
    decimals : int
        Decimal places.

    Returns
    -------
    pandas.DataFrame
        Percentages (float), ``NaN`` where hidden.

    Examples
    --------
    One renewal among 160 people is published as 0, so its percentage is 0%, not 1%:

    >>> counts = protect_counts(pd.DataFrame({"n": [160, 1]}, index=["Signed up", "Renewed"]),
    ...                         total_row=False, total_column=False)
    >>> percentages(counts, pd.Series(counts.loc["Signed up", "n"], index=counts.index))
                   n
    Signed up  100.0
    Renewed      0.0
    """
    num = numerators.apply(pd.to_numeric).astype(float)
    if isinstance(bases, pd.Series):
        base = pd.DataFrame({c: bases.astype(float) for c in num.columns}, index=num.index)
    else:
        base = bases.apply(pd.to_numeric).astype(float).reindex_like(num)
    b = base.to_numpy(dtype=float)
    a = num.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.round(100.0 * a / b, decimals)
    hidden = np.isnan(a) | np.isnan(b) | ~(b > 0) | (b < rule.min_percentage_base)
    pct[hidden] = np.nan
    return pd.DataFrame(pct, index=num.index, columns=num.columns)


def protect_rates(numerators: pd.DataFrame, bases: pd.DataFrame | pd.Series,
                  rule: DisclosureRule = HESA_RULE, total_row: bool = False,
                  decimals: int = 0) -> pd.DataFrame:
    """Publish percentages of true counts: publish the counts first, then divide.

    The numerators and bases are published as one table of counts (rounded, small ones
    hidden, with the last row as the total of the rows above when ``total_row``), and the
    percentages are derived from what is published (:func:`percentages`), so a percentage
    never gives away a count that rounding or suppression hid.

    Parameters
    ----------
    numerators : pandas.DataFrame
        Unrounded counts of people with the outcome.
    bases : pandas.DataFrame or Series
        Unrounded counts of people each percentage is based on (a Series applies to every
        column of its row).
    rule : DisclosureRule
        The rule (default HESA: percentages on fewer than 22.5 people hidden).
    total_row : bool
        The last row is an overall row, the sum of the rows above.
    decimals : int
        Decimal places of the percentages.

    Returns
    -------
    pandas.DataFrame
        Percentages (float), ``NaN`` where hidden or where the base is 0.

    Examples
    --------
    >>> num = pd.DataFrame({"matched": [20, 3, 23]}, index=["Chemistry", "Physics", "All"])
    >>> protect_rates(num, pd.Series([25, 5, 30], index=num.index), total_row=True)
               matched
    Chemistry     80.0
    Physics        NaN
    All           83.0
    """
    num = numerators.apply(pd.to_numeric).fillna(0).astype(float)
    if isinstance(bases, pd.Series):
        base = pd.DataFrame({c: bases.astype(float) for c in num.columns}, index=num.index)
    else:
        base = bases.apply(pd.to_numeric).astype(float).reindex_like(num)
    values = np.hstack([num.to_numpy(dtype=float), base.fillna(0).to_numpy(dtype=float)])
    is_total = (total_row and len(values) > 1
                and np.allclose(values[-1], values[:-1].sum(axis=0)))
    published = _publish(values, rule, bool(is_total), False)
    k = num.shape[1]
    return percentages(pd.DataFrame(published[:, :k], index=num.index, columns=num.columns),
                       pd.DataFrame(published[:, k:], index=num.index, columns=num.columns),
                       rule, decimals)


def protect_means(means: pd.DataFrame | pd.Series, bases: pd.DataFrame | pd.Series,
                  rule: DisclosureRule = HESA_RULE, decimals: int = 1
                  ) -> pd.DataFrame | pd.Series:
    """Publish averages, hiding those based on ``rule.max_average_base`` people or fewer.

    Examples
    --------
    >>> protect_means(pd.Series([3.2, 4.5]), pd.Series([12, 7])).tolist()
    [3.2, nan]
    """
    b = bases.astype(float)
    if isinstance(means, pd.DataFrame) and isinstance(b, pd.Series):
        b = pd.DataFrame({c: b for c in means.columns}, index=means.index)
    return means.astype(float).round(decimals).where(b > rule.max_average_base)


def as_text(published: pd.DataFrame, rule: DisclosureRule = HESA_RULE,
            decimals: int = 0, suffix: str = "") -> pd.DataFrame:
    """Turn a published table into text: ``..`` for hidden cells, fixed decimals elsewhere.

    Examples
    --------
    >>> as_text(pd.DataFrame({"n": [10.0, np.nan]}), suffix="").to_dict("list")
    {'n': ['10', '..']}
    """
    fmt = f"{{:.{decimals}f}}{suffix}"
    text = published.map(lambda v: rule.symbol if pd.isna(v) else fmt.format(v))
    text.index = published.index
    return text


def publish_count(n: float, rule: DisclosureRule = HESA_RULE) -> str:
    """Publish one headcount as text.

    Examples
    --------
    >>> publish_count(163), publish_count(2), publish_count(2, get_rule("hesa-strict"))
    ('165', '0', '..')
    """
    if 0 < n < rule.suppress_counts_below:
        return rule.symbol
    return str(int(round_counts(n, rule)))


def describe_count(n: float, rule: DisclosureRule = HESA_RULE) -> str:
    """Describe one headcount in words for a sentence: "about 15", or "fewer than 3".

    A count that rounds to 0 is described by the range it stands for, never as "none",
    which would tell a true 0 apart from 1 or 2.

    Examples
    --------
    >>> describe_count(13), describe_count(2), describe_count(0), describe_count(7, HESA_RULE)
    ('about 15', 'fewer than 3', 'fewer than 3', 'about 5')
    """
    text = publish_count(n, rule)
    if text == rule.symbol:
        return f"a number too small to show ({rule.symbol})"
    if rule.round_to == 1:
        return text
    if text == "0":
        return f"fewer than {int(np.floor(rule.round_to / 2)) + 1}"
    return f"about {text}"


def publish_percent(numerator: float, base: float, rule: DisclosureRule = HESA_RULE,
                    decimals: int = 0) -> str:
    """Publish one percentage of true counts as text, derived from their published values.

    Both counts are published first (rounded, or hidden under the rule) and the percentage is
    computed from what is published: hidden when either is hidden or the base is too small.

    Examples
    --------
    >>> publish_percent(11, 40), publish_percent(5, 20), publish_percent(1, 160)
    ('25%', '..', '0%')
    >>> publish_percent(1, 160, get_rule("hesa-strict"))
    '..'
    """
    counts = np.array([[numerator, base]], dtype=float)
    published = _publish(counts, rule, False, False)
    value = percentages(pd.DataFrame(published[:, :1]), pd.Series(published[:, 1]), rule,
                        decimals).iloc[0, 0]
    return rule.symbol if pd.isna(value) else f"{value:.{decimals}f}%"


def publish_mean(value: float, base: float, rule: DisclosureRule = HESA_RULE,
                 decimals: int = 1) -> str:
    """Publish one average as text (hidden when based on too few people).

    Examples
    --------
    >>> publish_mean(3.456, 20), publish_mean(3.456, 7)
    ('3.5', '..')
    """
    if base <= rule.max_average_base or not np.isfinite(value):
        return rule.symbol
    return f"{value:.{decimals}f}"
