"""The exact assignment solver: rows (mentees, coachees) to columns with capacities.

This is an *optimal assignment*, not a stable matching: it finds the set of pairs that is
best for the scheme as a whole under the chosen objective. It does not look for pairs in
which no mentee and mentor would both rather be with each other, and one person's
preference can be traded for a better outcome for the group.

Pairings, coaching and any other feature that assigns people to people with capacities call
:func:`solve_assignment`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import lap
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from toolkit.errors import RuleError, SettingsError

__all__ = ["METHODS", "OBJECTIVES", "default_method", "solve_assignment"]

#: The objectives :func:`solve_assignment` knows.
OBJECTIVES: tuple[str, ...] = ("coverage", "fairness")
#: The exact solvers it can use; ``"auto"`` picks the fastest one installed.
METHODS: tuple[str, ...] = ("auto", "lapjv", "scipy")


def default_method() -> str:
    """Return the solver ``"auto"`` stands for: ``"lapjv"`` when lapx is installed.

    Examples
    --------
    >>> default_method() in ("lapjv", "scipy")
    True
    """
    return "lapjv" if importlib.util.find_spec("lap") is not None else "scipy"


def _best_total(score: np.ndarray, eligible: np.ndarray, capacity: np.ndarray, method: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """Most pairs, then the highest total score; capacity by repeating columns."""
    n, m = score.shape
    slots = np.repeat(np.arange(m), capacity)
    k = min(n, len(slots))
    if k == 0 or not eligible.any():
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    # Shift scores to [0, spread]; one more pair then always beats any gain in total score.
    low = float(np.min(score, where=eligible, initial=np.inf))
    spread = float(np.max(score, where=eligible, initial=-np.inf)) - low
    big = spread * k + 1.0
    # Cost to minimise: -(big + score - low) where allowed, 0 elsewhere; built per column,
    # then repeated once per unit of capacity.
    per_col = score - (low - big)
    np.negative(per_col, out=per_col)
    np.copyto(per_col, 0.0, where=~eligible)
    cost = np.take(per_col, slots, axis=1)
    del per_col
    if method == "lapjv":
        _, x, _ = lap.lapjv(cost, extend_cost=True)
        rows = np.flatnonzero(x >= 0)
        cols = x[rows].astype(np.intp)
    else:
        # Pad to a square so that every column is filled; then subtracting each column's
        # minimum changes no optimum and gives the solver a head start (exact, much faster
        # than plain repeated columns when many rows want the same columns).
        size = max(n, len(slots))
        if size > n:
            cost = np.vstack([cost, np.zeros((size - n, len(slots)))])
        elif size > len(slots):
            cost = np.hstack([cost, np.zeros((n, size - len(slots)))])
        cost -= cost.min(axis=0, keepdims=True)
        rows, cols = linear_sum_assignment(cost)
        real = (rows < n) & (cols < len(slots))
        rows, cols = rows[real], cols[real]
    keep = eligible[rows, slots[cols]]
    return rows[keep].astype(np.intp), slots[cols[keep]].astype(np.intp)


def _max_pairs(allowed: np.ndarray, capacity: np.ndarray) -> int:
    """Count the most pairs the allowed pairs and capacities admit (Hopcroft-Karp)."""
    slots = np.repeat(np.arange(allowed.shape[1]), capacity)
    if len(slots) == 0 or not allowed.any():
        return 0
    graph = csr_matrix(allowed[:, slots])
    match = maximum_bipartite_matching(graph, perm_type="column")
    return int((match >= 0).sum())


def _fairness_threshold(score: np.ndarray, eligible: np.ndarray, capacity: np.ndarray,
                        count: int, floor: float) -> float:
    """Find the highest t such that ``count`` pairs all score t or more (binary search)."""
    values = np.unique(score[eligible])
    lo = int(np.searchsorted(values, floor))  # known feasible
    # At least `count` rows need a pair scoring t or more: t is at most the count-th best
    # row maximum. This bound shortens the search a lot when most rows are paired.
    row_best = np.sort(np.max(score, axis=1, where=eligible, initial=-np.inf))
    ceiling = row_best[len(row_best) - count]
    hi = max(lo, int(np.searchsorted(values, ceiling, side="right")) - 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _max_pairs(eligible & (score >= values[mid]), capacity) >= count:
            lo = mid
        else:
            hi = mid - 1
    return float(values[lo])


def _as_index_pairs(locked: object, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    if locked is None:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    arr = np.asarray(locked, dtype=np.intp).reshape(-1, 2)
    if len(arr) and (arr.min() < 0 or arr[:, 0].max() >= n or arr[:, 1].max() >= m):
        raise SettingsError(f"A locked pair is outside the {n} x {m} score matrix: {arr.tolist()}.")
    return arr[:, 0], arr[:, 1]


def solve_assignment(
    score: np.ndarray,
    eligible: np.ndarray,
    capacity: np.ndarray | Sequence[int],
    objective: str = "coverage",
    locked: np.ndarray | Sequence[tuple[int, int]] | None = None,
    method: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Assign rows to columns optimally: each row at most once, column j at most capacity[j].

    Two objectives, each solved exactly:

    - ``"coverage"``: the most pairs, then the highest total score.
    - ``"fairness"``: the most pairs, then the highest possible lowest pair score, then the
      highest total score. The lowest score is found by binary search over the scores, each
      step a maximum-cardinality check (Hopcroft-Karp); the total is then maximised over the
      pairs that reach it.

    The total is maximised by a linear assignment over columns repeated once per unit of
    capacity: with ``method="lapjv"`` by the Jonker-Volgenant solver of the ``lapx`` package,
    with ``method="scipy"`` by :func:`scipy.optimize.linear_sum_assignment` on the problem
    padded to a square with each column's minimum subtracted (an exact reduction that avoids
    the slow case of plain repeated columns). ``"auto"`` uses lapjv when lapx is installed.
    See ``benchmarks/README.md`` for the measurements behind that choice.

    This is an optimal assignment, not a stable matching. The result depends only on the
    matrices: give rows and columns in a fixed order (e.g. sorted by e-mail) to get the same
    pairs in any process.

    Parameters
    ----------
    score : numpy.ndarray of float, shape (n_rows, n_cols)
        The score of each pair (higher is better; finite where eligible).
    eligible : numpy.ndarray of bool, shape (n_rows, n_cols)
        True where the rules allow the pair.
    capacity : array of int, shape (n_cols,)
        How many rows each column may take (0 = none).
    objective : {"coverage", "fairness"}
        What "best" means (see above).
    locked : array of (row, col) pairs, optional
        Pairs that must be in the result. Each must be eligible, each row locked at most once,
        and no column locked more times than its capacity; they use up that capacity.
    method : {"auto", "lapjv", "scipy"}
        The exact solver for the total score.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Row and column indices of the pairs (locked ones included), sorted by row.

    Raises
    ------
    RuleError
        If a locked pair is not eligible, a row is locked twice, or a column is locked more
        times than its capacity.
    SettingsError
        If the shapes, objective or method are not valid.

    Examples
    --------
    Two mentees both prefer column 0, which has room for one; column 1 has room for two.
    Coverage takes the higher total, fairness the higher lowest score:

    >>> score = np.array([[0.9, 0.6], [0.8, 0.55]])
    >>> eligible = np.ones((2, 2), dtype=bool)
    >>> rows, cols = solve_assignment(score, eligible, [1, 2])
    >>> rows.tolist(), cols.tolist()
    ([0, 1], [0, 1])
    >>> solve_assignment(score, eligible, [1, 2], objective="fairness")[1].tolist()
    [1, 0]
    >>> solve_assignment(score, eligible, [1, 2], objective="fairness", method="scipy")[1].tolist()
    [1, 0]
    """
    score = np.asarray(score, dtype=np.float64)
    eligible = np.asarray(eligible, dtype=bool)
    if score.ndim != 2 or eligible.shape != score.shape:
        raise SettingsError(f"The score and eligibility matrices must have the same 2-D shape "
                            f"(got {score.shape} and {eligible.shape}).")
    n, m = score.shape
    capacity = np.asarray(capacity)
    if capacity.shape != (m,) or (capacity.size and (capacity < 0).any()):
        raise SettingsError(f"The capacities must be {m} whole numbers of 0 or more, one per "
                            f"column (got shape {capacity.shape}).")
    capacity = capacity.astype(np.int64)
    if objective not in OBJECTIVES:
        raise SettingsError(f"The objective must be one of {', '.join(OBJECTIVES)} "
                            f"(got {objective!r}).")
    if method not in METHODS:
        raise SettingsError(f"The method must be one of {', '.join(METHODS)} (got {method!r}).")
    if method == "auto":
        method = default_method()
    if not np.isfinite(score).all() and not np.isfinite(score[eligible]).all():
        raise SettingsError("Every eligible pair needs a finite score (found NaN or infinity).")

    fixed_r, fixed_c = _as_index_pairs(locked, n, m)
    if len(fixed_r):
        if len(np.unique(fixed_r)) < len(fixed_r):
            raise RuleError("A row is locked to more than one column: lock one pair per row.")
        if not eligible[fixed_r, fixed_c].all():
            bad = np.flatnonzero(~eligible[fixed_r, fixed_c])[0]
            raise RuleError(f"The locked pair (row {fixed_r[bad]}, column {fixed_c[bad]}) is "
                            "not eligible.")
    left = capacity - np.bincount(fixed_c, minlength=m)
    if (left < 0).any():
        raise RuleError(f"Column {int(np.flatnonzero(left < 0)[0])} is locked more times than "
                        "its capacity.")
    free = np.ones(n, dtype=bool)
    free[fixed_r] = False
    allowed = eligible & free[:, None] & (left > 0)[None, :]
    rows_on = np.flatnonzero(allowed.any(axis=1))
    cols_on = np.flatnonzero(allowed.any(axis=0))
    if len(rows_on) == n and len(cols_on) == m:  # nothing to leave out: no copies
        sub_allowed, sub_score = allowed, score
    else:
        sub_allowed = allowed[np.ix_(rows_on, cols_on)]
        sub_score = score[np.ix_(rows_on, cols_on)]
    # Nobody can take more rows than there are rows that may go to them: exact, and smaller.
    sub_cap = np.minimum(left[cols_on], sub_allowed.sum(axis=0))

    r, c = _best_total(sub_score, sub_allowed, sub_cap, method)
    if objective == "fairness" and len(r):
        floor = float(sub_score[r, c].min())
        best = _fairness_threshold(sub_score, sub_allowed, sub_cap, len(r), floor)
        if len(fixed_r):
            # The lowest pair overall counts: no need to lift the free pairs above a lock.
            best = min(best, float(score[fixed_r, fixed_c].min()))
        if best > floor:
            r, c = _best_total(sub_score, sub_allowed & (sub_score >= best), sub_cap, method)
    rows = np.concatenate([rows_on[r], fixed_r]).astype(np.intp)
    cols = np.concatenate([cols_on[c], fixed_c]).astype(np.intp)
    order = np.argsort(rows, kind="stable")
    return rows[order], cols[order]
