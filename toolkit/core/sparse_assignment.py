"""The sparse exact assignment: large schemes without the dense row x slot matrix.

:func:`solve_sparse` gives the same optimum as :func:`toolkit.core.assignment.solve_assignment`
(most pairs, then for spread the most columns used, then the best total; fairness's lowest
score) when every row takes at most one column, but never holds every pair at once. The
pairs come from a *pair source* (:data:`PairSource`): ``source(rows)`` gives the scores of
some rows' pairs as a block (rows x columns, ``-inf`` where a pair is not allowed), one block
of mentees at a time; a source that also takes ``cols=`` scores a few columns only.

**How it works (column generation).** One pass over the blocks keeps, for each row, its
``K`` best columns as candidates (``K`` adaptive: more when places are scarce; each column's
:data:`BY_COLUMN` best rows are added) and a longer list of its :data:`KEEP` best pairs, with
the best score left off that list (the row's *cut*). The problem on the candidates is solved
exactly as a sparse assignment
(:func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`, each place repeated once
per unit of capacity), and its dual prices ``u`` (rows) and ``v`` (places) are read off the
residual graph of that optimum by shortest paths (see :func:`_match`; HiGHS's LP is the
fallback). Every eligible pair left out is then *priced*: its reduced cost is
``w - u[row] - v[col]``. A pair with a positive reduced cost could improve the objective:
each row's :data:`ADD` best such pairs are added to the candidates and the problem solved
again, until no pair has one. The kept lists make pricing cheap and still complete: a pair
off a row's list scores at most the cut, and its column's price is at least the lowest price
``p`` of any place, so its reduced cost is at most ``w(cut) - u[row] - p`` (with the
first-place bonus for spread). Only rows where that bound is positive are scored again, and
only against the columns priced below ``w(cut) - u[row]`` (the others cannot gain), block by
block.

**Why that proves optimality for the full problem.** Make the prices feasible for the dual
of the *full* problem: clip them at 0 and add the largest reduced cost seen over every pair
(``eps``, about 1e-9 or 0) to each row's price. Any feasible dual bounds the full optimum
from above (weak duality), so ``full optimum <= sum(u) + sum(cap * v) + rows * eps``, and
the candidate solution reaches ``sum(w x)``. The difference is ``gap``, recorded in the
report. The weights are the dense solver's: each pair earns ``big`` plus its shifted score
(and for spread each column's first place another ``big``) with ``big = D k + 1`` at least
1, so a gap below 1 proves the number of pairs (and for spread the number of columns used)
exactly, and the total score to within ``gap``. The fairness stages use whole-number
weights (1 per pair), so there ``gap < 1`` proves the count exactly.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from itertools import chain

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import (
    min_weight_full_bipartite_matching,
)

from toolkit.core.progress import stages
from toolkit.errors import RuleError

__all__ = ["PairSource", "matrix_source", "solve_sparse"]

#: ``source(rows)``: the scores of those rows' pairs as a block (rows x columns, ``-inf`` where
#: a pair is not allowed), or as ``(rows, cols, scores)`` of the allowed pairs. A source that
#: takes ``cols=`` too scores those columns only (to price a few rows cheaply).
PairSource = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]

#: A left-out pair is added when its reduced cost is above this (HiGHS is asked for 1e-10).
TOLERANCE = 1e-9
#: The most best pairs kept per row after the first pass (to price without re-scoring).
KEEP = 1024
#: The most left-out pairs added per row and round (those with the largest reduced cost).
ADD = 8
#: Each column's best rows also taken as first candidates.
BY_COLUMN = 3
#: The HiGHS options: tight feasibility so the priced check is meaningful.
HIGHS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def matrix_source(score: np.ndarray, eligible: np.ndarray) -> PairSource:
    """Serve the pairs of a dense score matrix by blocks of rows (for tests and small runs).

    Examples
    --------
    >>> src = matrix_source(np.array([[0.5, 0.2]]), np.array([[True, False]]))
    >>> src(np.array([0])).tolist()
    [[0.5, -inf]]
    """
    def source(rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        block = np.where(eligible[rows], score[rows], -np.inf)
        return block if cols is None else block[:, cols]
    return source


def _dense(got: object, rows: np.ndarray, m: int) -> np.ndarray:
    """Return a source's answer as a block (rows x columns, ``-inf`` where not allowed)."""
    if isinstance(got, np.ndarray) and got.ndim == 2:
        return np.asarray(got, dtype=np.float64)
    r, c, s = got  # type: ignore[misc]
    block = np.full((len(rows), m), -np.inf)
    order = np.argsort(rows, kind="stable")
    local = order[np.searchsorted(rows[order], np.asarray(r, dtype=np.int64))]
    block[local, np.asarray(c, dtype=np.int64)] = np.asarray(s, dtype=np.float64)
    return block


class _Problem:
    """The pairs a solve may use: the source filtered by locks, capacity and a score floor."""

    def __init__(self, source: PairSource, n: int, m: int, row_ok: np.ndarray,
                 left: np.ndarray, block: int) -> None:
        self.source, self.n, self.m = source, n, m
        self.row_ok, self.left, self.block = row_ok, left, block
        self.col_off = left <= 0
        # Whether the source can score a few columns only (``source(rows, cols=...)``).
        try:
            self.by_columns = "cols" in inspect.signature(source).parameters
        except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
            self.by_columns = False
        self.pairs_considered = 0
        self.rows_rescored = 0
        # Each row's best pairs (kept after the first pass: columns and scores, -inf after
        # the row's last pair) and the best score left off that list.
        self.kept_c = np.zeros((n, 0), dtype=np.int32)
        self.kept_s = np.zeros((n, 0))
        self.cut = np.full(n, -np.inf)

    def blocks(self, floor: float = -np.inf, rows: np.ndarray | None = None):
        """Yield ``(rows, block)`` for the allowed pairs (all rows, or these rows, in order).

        ``block`` is rows x columns, ``-inf`` where a pair is not allowed here.
        """
        rows = np.flatnonzero(self.row_ok) if rows is None else rows
        for start in range(0, len(rows), self.block):
            part = rows[start:start + self.block]
            yield part, self.score(part, None, floor)

    def score(self, part: np.ndarray, cols: np.ndarray | None,
              floor: float = -np.inf) -> np.ndarray:
        """Score some rows with every column, or with these columns only."""
        if cols is None:
            block = _dense(self.source(part), part, self.m)
            off = self.col_off
        elif self.by_columns:
            block = np.asarray(self.source(part, cols=cols), dtype=np.float64)
            off = self.col_off[cols]
        else:
            block = _dense(self.source(part), part, self.m)[:, cols]
            off = self.col_off[cols]
        block[~self.row_ok[part]] = -np.inf
        if off.any():
            block[:, off] = -np.inf
        if floor > -np.inf:
            block[block < floor] = -np.inf
        self.pairs_considered += int(np.count_nonzero(block > -np.inf))
        return block


def _ranked(r: np.ndarray, key: np.ndarray,
            c: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sort pairs by row, best key first; return the order and each one's rank in its row.

    Ties are broken by a fixed scramble of the column (when given), so rows with equal
    scores spread over different columns instead of all listing the first ones.
    """
    tie = (np.zeros(len(r), dtype=np.int64) if c is None
           else (c * 2654435761 + r * 40503) % 1000003)
    order = np.lexsort((tie, -key, r))
    rs = r[order]
    start = np.r_[0, np.flatnonzero(rs[1:] != rs[:-1]) + 1]
    rank = np.arange(len(rs)) - np.repeat(start, np.diff(np.r_[start, len(rs)]))
    return order, rank


def _top_per_row(r: np.ndarray, key: np.ndarray, k: int,
                 c: np.ndarray | None = None) -> np.ndarray:
    """Positions of each row's ``k`` largest keys (ties: see :func:`_ranked`)."""
    if len(r) == 0:
        return np.empty(0, dtype=np.int64)
    order, rank = _ranked(r, key, c)
    return order[rank < k]


def _top_of_block(block: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``keep`` best columns (any order among ties), their scores, and the cut.

    The cut is the best score left off the row's list (``-inf`` if none is left off).
    """
    b, m = block.shape
    if m <= keep:
        cols = np.broadcast_to(np.arange(m, dtype=np.int32), (b, m))
        return np.ascontiguousarray(cols), block.copy(), np.full(b, -np.inf)
    part = np.argpartition(-block, keep, axis=1)
    cols = part[:, :keep].astype(np.int32)
    cut = np.take_along_axis(block, part[:, keep:keep + 1], axis=1)[:, 0]
    return cols, np.take_along_axis(block, cols, axis=1), cut


class _Columns:
    """Column places: for spread a bonus column's first place (cap 1) apart from the rest."""

    def __init__(self, cap: np.ndarray, bonus: np.ndarray | None) -> None:
        m = len(cap)
        first = (bonus & (cap > 0)) if bonus is not None else np.zeros(m, dtype=bool)
        rest = cap - first
        self.a = np.full(m, -1, dtype=np.int64)
        self.b = np.full(m, -1, dtype=np.int64)
        self.a[first] = np.arange(int(first.sum()))
        na = int(first.sum())
        self.b[rest > 0] = na + np.arange(int((rest > 0).sum()))
        self.cap = np.r_[np.ones(na), rest[rest > 0]].astype(np.float64)

    def arcs(self, r: np.ndarray, c: np.ndarray, w: np.ndarray,
             big: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each pair's arcs: (pair position, row, place, weight)."""
        ha, hb = self.a[c] >= 0, self.b[c] >= 0
        pos = np.r_[np.flatnonzero(ha), np.flatnonzero(hb)]
        return (pos, r[pos], np.r_[self.a[c[ha]], self.b[c[hb]]],
                np.r_[w[ha] + big, w[hb]])

    def prices(self, v: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """Each column's price for its first place (None without spread) and for the rest.

        A column without such a place has price ``+inf`` (no pair can use it).
        """
        pa = None
        if (self.a >= 0).any():
            pa = np.where(self.a >= 0, v[np.maximum(self.a, 0)], np.inf)
        pb = np.where(self.b >= 0, v[np.maximum(self.b, 0)], np.inf)
        return pa, pb

    @staticmethod
    def reduced(w: np.ndarray, ur: np.ndarray, pa: np.ndarray | None, pb: np.ndarray,
                big: float) -> np.ndarray:
        """Return the largest reduced cost of each pair over its arcs (arrays broadcast).

        ``w`` is the pairs' weights (``-inf`` for no pair), ``ur`` the rows' prices, ``pa``
        and ``pb`` the columns' prices from :meth:`prices`.
        """
        out = w - ur
        if pa is not None:
            return np.maximum(out + (big - pa), out - pb)
        out -= pb
        return out


def _lp(n: int, ar: np.ndarray, ax: np.ndarray, aw: np.ndarray,
        cap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve the candidate problem as an LP with HiGHS (the fallback): arcs used, prices."""
    na = len(ar)
    a_ub = coo_matrix((np.ones(2 * na), (np.r_[ar, n + ax], np.r_[np.arange(na),
                                                                   np.arange(na)])),
                      shape=(n + len(cap), na)).tocsr()
    # Loaded here: scipy.optimize takes a quarter of a second to load, and the common
    # solves (lapjv, and sparse rounds without this fallback) never need it.
    from scipy.optimize import linprog

    res = linprog(-aw, A_ub=a_ub, b_ub=np.r_[np.ones(n), cap], bounds=(0, None),
                  method="highs-ds", options=HIGHS)
    if res.x is None:  # pragma: no cover - the empty assignment is always feasible
        raise RuleError(f"The pairing could not be solved: {res.message}")
    marg = -np.asarray(res.ineqlin.marginals)
    return np.round(res.x) > 0.5, np.maximum(marg[:n], 0.0), np.maximum(marg[n:], 0.0)


def _distances(src: np.ndarray, dst: np.ndarray, cost: np.ndarray, nodes: int,
               root: int, eps: float = 0.0) -> np.ndarray | None:
    """Shortest distances from ``root`` (Bellman-Ford, vectorised, stopping when settled).

    A distance is lowered only by more than ``eps``, so cycles of cost ``-eps`` or more
    (float rounding on the big weights of spread makes some) do not keep it going: at the
    end every edge has ``d[dst] <= d[src] + cost + eps``. Returns None if the distances
    still change after ``nodes`` rounds (a negative cycle).
    """
    order = np.argsort(dst, kind="stable")
    src, dst, cost = src[order], dst[order], cost[order]
    starts = np.r_[0, np.flatnonzero(np.diff(dst)) + 1] if len(dst) else np.empty(0, np.intp)
    heads = dst[starts]
    d = np.full(nodes, np.inf)
    d[root] = 0.0
    for _ in range(nodes):
        best = np.minimum.reduceat(d[src] + cost, starts) if len(starts) else starts
        better = best < d[heads] - eps
        if not better.any():
            return d
        d[heads[better]] = best[better]
    return None


def _match(n: int, ar: np.ndarray, ax: np.ndarray, aw: np.ndarray,
           cap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve the candidate problem exactly, with dual prices: arcs used, row and place prices.

    The pairs: a sparse assignment (each place repeated once per unit of capacity, and one
    private zero-weight column per row so that "no pair" is allowed), by
    :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`. The prices: shortest
    distances ``d`` from a root in the residual graph of that optimum (root -> free row,
    place with room -> root, 0; pair not made row -> place, ``-w``; pair made place -> row,
    ``+w``; matched row -> root and used place <- root, 0), which has no negative cycle
    because the pairs are optimal. Then ``u = d[row]`` and ``v = max(0, -d[place])`` meet
    ``u + v >= w - TOLERANCE`` on every candidate (distances are lowered only by more than
    the tolerance; the proof counts it), with equality on the pairs made up to rounding
    (complementary slackness). If a cycle is ever found, the HiGHS LP gives the prices.
    """
    nx = len(cap)
    capx = cap.astype(np.int64)
    reps = capx[ax]
    arc = np.repeat(np.arange(len(ar)), reps)
    first = np.r_[0, np.cumsum(capx)[:-1]]
    offset = np.arange(len(arc)) - np.repeat(np.cumsum(reps) - reps, reps)
    slot = first[ax[arc]] + offset
    slots = int(capx.sum())
    # Every row is matched exactly once (to a slot or its own dummy), so adding 1 to every
    # weight changes no optimum and keeps every edge's weight nonzero.
    graph = csr_matrix((np.r_[aw[arc] + 1.0, np.ones(n)],
                        (np.r_[ar[arc], np.arange(n)], np.r_[slot, slots + np.arange(n)])),
                       shape=(n, slots + n))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph, maximize=True)
    to = np.full(n, slots, dtype=np.int64)
    to[row_ind] = col_ind
    real = to < slots
    slot_place = np.repeat(np.arange(nx), capx)
    keys = ar * nx + ax
    order = np.argsort(keys, kind="stable")
    want = np.flatnonzero(real) * nx + slot_place[to[real]]
    used = np.zeros(len(ar), dtype=bool)
    used[order[np.searchsorted(keys[order], want)]] = True
    load = np.bincount(ax[used], minlength=nx)
    matched = np.zeros(n, dtype=bool)
    matched[ar[used]] = True
    z = n + nx
    rows_n = np.arange(n)
    places = n + np.arange(nx)
    src = np.r_[ar[~used], n + ax[used], np.full(int((~matched).sum()), z), rows_n[matched],
                places[load < capx], np.full(int((load > 0).sum()), z)]
    dst = np.r_[n + ax[~used], ar[used], rows_n[~matched], np.full(int(matched.sum()), z),
                np.full(int((load < capx).sum()), z), places[load > 0]]
    cost = np.r_[-aw[~used], aw[used], np.zeros(len(src) - len(ar))]
    d = _distances(src, dst, cost, z + 1, z, TOLERANCE)
    if d is None:  # pragma: no cover - float rounding only
        return _lp(n, ar, ax, aw, cap.astype(np.float64))
    u = np.where(np.isfinite(d[:n]), d[:n], 0.0)
    v = np.maximum(0.0, -d[n:z])
    return used, np.maximum(u, 0.0), v


def _rescored(problem: _Problem, again: np.ndarray, cheap: np.ndarray, order: np.ndarray,
              floor: float):
    """Score rows again by blocks, each block with the first ``max(cheap)`` columns of ``order``.

    Yields ``(rows, block, columns)``; ``columns`` is None for every column.
    """
    for start in range(0, len(again), problem.block):
        part = again[start:start + problem.block]
        width = int(cheap[start:start + problem.block].max())
        if width == 0:
            continue
        cols = np.sort(order[:width]) if width < problem.m else None
        yield part, problem.score(part, cols, floor), cols


def _generate(problem: _Problem, weight: Callable[[np.ndarray], np.ndarray],
              columns: _Columns, bonus_big: float, k: int, floor: float,
              seed: tuple[np.ndarray, np.ndarray, np.ndarray],
              report: dict, tick: Callable[[str], None]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Column generation to a proved optimum: the pairs, their scores, the weighted total.

    ``weight`` maps scores to weights elementwise and ``-inf`` (no pair) to ``-inf``.
    """
    n, m = problem.n, problem.m
    cr, cc, cs = seed
    rounds = 0
    while True:
        rounds += 1
        tick(f"round {rounds}: {len(cr)} candidate pairs")
        w = weight(cs)
        pos, ar, ax, aw = columns.arcs(cr, cc, w, bonus_big)
        if len(pos) == 0:
            return (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty(0),
                    0.0)
        t0 = time.perf_counter()
        used, u, v = _match(n, ar, ax, aw, columns.cap)
        t1 = time.perf_counter()
        x = used.astype(np.float64)
        total = float(aw @ x)
        keys = np.sort(cr * m + cc)
        add = []
        pa, pb = columns.prices(v)
        # A pair outside a row's kept list scores at most the row's cut, and its column's
        # price is at least the lowest price of any place: so its reduced cost is at most
        # weight(cut) - u - (lowest price), or with the first-place bonus
        # weight(cut) - u + max(bonus - lowest first-place price, -lowest other price).
        # Only rows where that could be positive are scored again in full; the others are
        # proved as they are. (When places are scarce every price is high, and this bound,
        # not v >= 0, is what spares most rows.)
        lowest = -float(np.min(pb, initial=np.inf))
        if pa is not None:
            lowest = max(lowest, bonus_big - float(np.min(pa, initial=np.inf)))
        cut = problem.cut
        has = np.isfinite(cut) & (cut >= floor) & problem.row_ok
        limit = np.full(n, -np.inf)
        if np.isfinite(lowest):
            limit[has] = weight(cut[has]) + lowest - u[has]
        again = np.flatnonzero(limit > TOLERANCE)
        # How many columns are cheap enough for each such row (the only ones it could gain).
        col_price_all = pb if pa is None else np.minimum(pb, pa - bonus_big)
        col_price = np.sort(col_price_all[np.isfinite(col_price_all)])
        slack = limit[again] - lowest
        cheap = np.searchsorted(col_price, slack - TOLERANCE)
        # Candidates' reduced costs are at most the tolerance (see _match): counted here.
        worst = float(np.max(limit, where=limit <= TOLERANCE, initial=TOLERANCE))
        # The columns a row skips are priced at least its slack: their reduced costs are at
        # most slack - price (at most the tolerance), which the bound counts.
        beyond = cheap < len(col_price)
        if beyond.any():
            worst = max(worst, float(np.max(slack[beyond] - col_price[cheap[beyond]])))
        problem.rows_rescored += len(again)
        # Rows scored again are grouped by how many columns they could gain from (the
        # cheapest first, so a group scores the first ``max(cheap)`` columns by price).
        by_slack = np.argsort(cheap, kind="stable")
        again, cheap = again[by_slack], cheap[by_slack]
        order = np.argsort(np.where(np.isfinite(col_price_all), col_price_all, np.inf),
                           kind="stable")
        qs = problem.kept_s
        if floor > -np.inf:
            qs = np.where(qs >= floor, qs, -np.inf)
        kept_rows = np.flatnonzero(problem.row_ok)
        # The kept lists first (by slices of rows), then the rows scored again in full.
        sweeps = [(kept_rows[i:i + 4 * problem.block], None, None)
                  for i in range(0, len(kept_rows), 4 * problem.block)]
        for rows, block, some in chain(sweeps, _rescored(problem, again, cheap, order, floor)):
            if block is None:
                cols = problem.kept_c[rows]
                scores = qs[rows]
                red = columns.reduced(weight(scores), u[rows, None],
                                      None if pa is None else pa[cols], pb[cols], bonus_big)
            else:
                scores = block
                ca = None if pa is None else (pa if some is None else pa[some])[None, :]
                cb = (pb if some is None else pb[some])[None, :]
                red = columns.reduced(weight(block), u[rows, None], ca, cb, bonus_big)
            if red.size:
                worst = max(worst, float(red.max()))
            # Each row's few pairs with the largest reduced cost (found in one pass, without
            # sorting every improving pair), those above the tolerance.
            take = min(k, ADD, red.shape[1])
            if take == 0:
                continue
            if red.shape[1] > take:
                best = np.argpartition(-red, take - 1, axis=1)[:, :take]
                red = np.take_along_axis(red, best, axis=1)
            else:
                best = np.broadcast_to(np.arange(red.shape[1]), red.shape)
            li, lj = np.nonzero(red > TOLERANCE)
            if not len(li):
                continue
            lj = best[li, lj]
            r = rows[li]
            if block is None:
                c = problem.kept_c[r, lj].astype(np.int64)
            else:
                c = (lj if some is None else some[lj]).astype(np.int64)
            s = scores[li, lj]
            key = r * m + c
            at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            new = keys[at] != key if len(keys) else np.ones(len(key), dtype=bool)
            r, c, s = r[new], c[new], s[new]
            # Each new pair once (a re-scored row also has kept pairs).
            key, first = np.unique(r * m + c, return_index=True)
            keys = np.sort(np.r_[keys, key])
            add.append((r[first], c[first], s[first]))
        bound = float(u.sum() + columns.cap @ v + n * worst)
        report.setdefault("round_log", []).append({
            "candidates": len(cr), "rows_rescored": len(again),
            "added": sum(len(a[0]) for a in add), "solve_s": round(t1 - t0, 2),
            "cheap_cols": [int(np.percentile(cheap, q)) if len(cheap) else 0
                           for q in (50, 90, 100)],
            "cols": len(col_price),
            "price_s": round(time.perf_counter() - t1, 2)})
        if not add or sum(len(a[0]) for a in add) == 0:
            report["rounds"] = report.get("rounds", 0) + rounds
            report["candidate_pairs"] = max(report.get("candidate_pairs", 0), len(cr))
            report["gap"] = max(report.get("gap", 0.0), bound - total)
            chosen = x > 0.5
            return (ar[chosen].astype(np.intp), cc[pos[chosen]].astype(np.intp),
                    cs[pos[chosen]], total)
        cr = np.r_[cr, *[a[0] for a in add]]
        cc = np.r_[cc, *[a[1] for a in add]]
        cs = np.r_[cs, *[a[2] for a in add]]


def solve_sparse(source: PairSource, n_rows: int, capacity: np.ndarray,
                 objective: str = "coverage",
                 locked: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                 block: int = 1000, k: int | None = None, report: dict | None = None,
                 progress: bool | None = None, keep: int | None = None,
                 log: Callable[[str], None] | None = None, by_column: int = BY_COLUMN
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Solve a one-column-per-row assignment exactly from a pair source, with a proof.

    Parameters
    ----------
    source : PairSource
        ``source(rows)`` gives the eligible pairs ``(rows, cols, scores)`` of those rows
        (locked pairs included: they are set aside here).
    n_rows : int
        The number of rows.
    capacity : array of int
        Each column's capacity.
    objective : {"coverage", "fairness", "spread"}
        As in :func:`toolkit.core.assignment.solve_assignment`.
    locked : (rows, cols, scores), optional
        Pairs kept as they are (already checked: eligible, one per row, within capacity).
    block : int
        Rows per block: memory is about ``block x columns`` pairs at a time.
    k : int, optional
        Candidate columns kept per row at first (default: adaptive, from rows per place).
    report : dict, optional
        Filled with how the optimum was proved: ``solver``, ``rounds``,
        ``pairs_considered``, ``rows_rescored``, ``candidate_pairs``, ``k``, ``gap``,
        ``proof``, and ``round_log`` (per round: candidates, rows scored again, pairs added,
        how many columns those rows could gain from, seconds solving and pricing).
    progress : bool, optional
        Show the rounds on a bar (default: when in a terminal or notebook).
    keep : int, optional
        Best pairs kept per row after the first pass, to price without scoring the row
        again (default :data:`KEEP`; at least ``k``).
    log : callable, optional
        Called with one line per stage (the first pass, each round), e.g. to print progress.
    by_column : int
        Each column's best rows also taken as first candidates (default :data:`BY_COLUMN`;
        0 takes the rows' best columns only).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Row and column indices of the pairs (locked ones included), sorted by row.

    Examples
    --------
    >>> score = np.array([[0.9, 0.6], [0.8, 0.55]])
    >>> info = {}
    >>> r, c = solve_sparse(matrix_source(score, np.ones((2, 2), bool)), 2, np.array([1, 2]),
    ...                     report=info, progress=False)
    >>> r.tolist(), c.tolist(), info["proof"]
    ([0, 1], [0, 1], 'no left-out pair has positive reduced cost')
    """
    began = time.perf_counter()
    capacity = np.asarray(capacity, dtype=np.int64)
    m = len(capacity)
    fixed_r, fixed_c, fixed_s = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
                                 np.empty(0)) if locked is None else locked
    fixed_r = np.asarray(fixed_r, dtype=np.int64)
    fixed_c = np.asarray(fixed_c, dtype=np.int64)
    row_ok = np.ones(n_rows, dtype=bool)
    row_ok[fixed_r] = False
    left = capacity - np.bincount(fixed_c, minlength=m)
    report = {} if report is None else report
    problem = _Problem(source, n_rows, m, row_ok, left, block)
    names = ["pricing"] + [f"round {i}" for i in range(1, 41)]
    with stages(names, "Sparse pairing", enabled=progress) as step:
        # Pass 0: the figures the weights need, and each row's best columns by score.
        step("pricing")
        if log is not None:
            log("Sparse pairing: scoring every mentee's pairs by blocks, keeping the best.")
        low, high = np.inf, -np.inf
        rows_on = np.zeros(n_rows, dtype=bool)
        col_count = np.zeros(m, dtype=np.int64)
        parts = []
        slots = int(np.maximum(left, 0).sum())
        live = int(row_ok.sum())
        kk = k if k is not None else int(np.clip(np.ceil(3 * live / max(slots, 1)) + 27, 30, 64))
        keep = min(max(KEEP if keep is None else int(keep), kk), m)
        kept_c = np.zeros((n_rows, keep), dtype=np.int32)
        kept_s = np.full((n_rows, keep), -np.inf)
        # Each column's few best rows too, so that the first solve already sees a mentee
        # for every mentor (fewer rounds where places are scarce).
        per_col = max(int(by_column), 0)
        col_rows = np.zeros((per_col, m), dtype=np.int64)
        col_scores = np.full((per_col, m), -np.inf)
        for rows, block in problem.blocks():
            if per_col and len(rows) > per_col:
                top = np.argpartition(-block, per_col - 1, axis=0)[:per_col]
            else:
                top = np.broadcast_to(np.arange(len(rows))[:, None], block.shape)
            if per_col:
                both_s = np.r_[col_scores, np.take_along_axis(block, top, axis=0)]
                both_r = np.r_[col_rows, rows[top]]
                pick = np.argsort(-both_s, axis=0, kind="stable")[:per_col]
                col_scores = np.take_along_axis(both_s, pick, axis=0)
                col_rows = np.take_along_axis(both_r, pick, axis=0)
            on = block > -np.inf
            if on.any():
                low = min(low, float(np.min(block, where=on, initial=np.inf)))
                high = max(high, float(block.max()))
            rows_on[rows] = on.any(axis=1)
            col_count += on.sum(axis=0)
            del on
            cols, scores, cut = _top_of_block(block, keep)
            kept_c[rows, :cols.shape[1]] = cols
            kept_s[rows, :cols.shape[1]] = scores
            problem.cut[rows] = cut
            # The first candidates: each row's kk best of its kept list. Ties are broken by
            # a fixed scramble of the column, so rows with equal scores spread over different
            # columns (any choice is sound: the pricing rounds prove the result either way).
            if cols.shape[1] > kk:
                tie = ((cols.astype(np.int64) * 2654435761 + rows[:, None] * 40503)
                       % 1000003) * (1e-9 / 1000003)
                best = np.argpartition(-(scores + tie), kk - 1, axis=1)[:, :kk]
                c = np.take_along_axis(cols, best, axis=1)
                s = np.take_along_axis(scores, best, axis=1)
            else:
                c, s = cols, scores
            r = np.repeat(rows, c.shape[1])
            c, s = c.ravel().astype(np.int64), s.ravel()
            real = s > -np.inf
            parts.append((r[real], c[real], s[real]))
        problem.kept_c, problem.kept_s = kept_c, kept_s
        report.update(solver="sparse", k=kk)
        cap_eff = np.minimum(np.maximum(left, 0), col_count)
        n_pairs = min(int(rows_on.sum()), int(cap_eff.sum()))
        if n_pairs == 0:
            rr, cc = np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
        else:
            real = col_scores > -np.inf
            parts.append((col_rows[real], np.broadcast_to(np.arange(m), real.shape)[real],
                          col_scores[real]))
            seed = tuple(np.concatenate([p[i] for p in parts]) for i in range(3))
            # A pair on both lists is one candidate.
            _, once = np.unique(seed[0] * m + seed[1], return_index=True)
            seed = tuple(a[np.sort(once)] for a in seed)
            big = (high - low) * n_pairs + 1.0
            bonus = np.bincount(fixed_c, minlength=m) == 0
            spread = objective == "spread"
            cols = _Columns(cap_eff, bonus if spread else None)
            rounds = iter(names[1:])

            def tick(what: str) -> None:
                step(next(rounds, names[-1]))
                if log is not None:
                    log(f"Sparse pairing, {what} ({time.perf_counter() - began:.0f} s).")

            def shifted(s: np.ndarray) -> np.ndarray:
                return big + s - low

            rr, cc, ss, _ = _generate(problem, shifted, cols, big if spread else 0.0, kk,
                                      -np.inf, seed, report, tick)
            if objective == "fairness" and len(rr):
                rr, cc = _fair(problem, rr, cc, ss, fixed_s, cap_eff, kk, seed, report, tick,
                               shifted)
    rows = np.concatenate([rr, fixed_r]).astype(np.intp)
    cols_out = np.concatenate([cc, fixed_c]).astype(np.intp)
    order = np.lexsort((cols_out, rows))
    report.update(pairs_considered=problem.pairs_considered,
                  rows_rescored=problem.rows_rescored,
                  proof="no left-out pair has positive reduced cost",
                  seconds=round(time.perf_counter() - began, 3))
    report.setdefault("rounds", 0)
    report.setdefault("candidate_pairs", 0)
    report.setdefault("gap", 0.0)
    return rows[order], cols_out[order]


def _fair(problem: _Problem, rr: np.ndarray, cc: np.ndarray, ss_chosen: np.ndarray,
          fixed_s: np.ndarray, cap: np.ndarray, k: int,
          seed: tuple[np.ndarray, np.ndarray, np.ndarray], report: dict,
          tick: Callable[[str], None],
          shifted: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Fairness: the highest lowest score keeping the most pairs, then the best total.

    The lowest score is found by binary search over the scores; each step is a cardinality
    solve (weight 1 per pair, so ``gap < 1`` proves the count) on the pairs scoring at least
    that much, priced like any other.
    """
    count = len(rr)
    plain = _Columns(cap, None)
    floor = float(ss_chosen.min())
    # At least `count` rows need a pair scoring t or more: t is at most the count-th best row
    # maximum (as in the dense search), which shortens the search.
    row_best = np.full(problem.n, -np.inf)
    found = []
    for rows, block in problem.blocks(floor):
        row_best[rows] = block.max(axis=1)
        found.append(np.unique(block[block > -np.inf]))
    values = np.unique(np.concatenate(found))
    ceiling = np.sort(row_best)[problem.n - count]
    lo = int(np.searchsorted(values, floor))
    hi = max(lo, int(np.searchsorted(values, ceiling, side="right")) - 1)
    sr, sc, ss = seed

    def ones(s: np.ndarray) -> np.ndarray:
        return np.where(s > -np.inf, 1.0, -np.inf)

    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = ss >= values[mid]
        *_, total = _generate(problem, ones, plain, 0.0, k, float(values[mid]),
                              (sr[keep], sc[keep], ss[keep]), report, tick)
        if round(total) >= count:
            lo = mid
        else:
            hi = mid - 1
    best = float(values[lo])
    if len(fixed_s):
        # The lowest pair overall counts: no need to lift the free pairs above a lock.
        best = min(best, float(np.min(fixed_s)))
    if best > floor:
        keep = ss >= best
        rr, cc, *_ = _generate(problem, shifted, plain, 0.0, k, best,
                               (sr[keep], sc[keep], ss[keep]), report, tick)
    return rr, cc
