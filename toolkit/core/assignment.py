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
from scipy.sparse import coo_matrix, csr_matrix, vstack
from scipy.sparse.csgraph import maximum_bipartite_matching

from toolkit.core.sparse_assignment import matrix_source, solve_sparse
from toolkit.errors import RuleError, SettingsError

# scipy.optimize (a quarter of a second to load) is imported inside the two functions that
# use it: the default solve (lapjv, most pairs then best total) never needs it.

__all__ = ["METHODS", "OBJECTIVES", "SPARSE_FROM", "STRATEGIES", "default_method",
           "solve_assignment"]

#: The objectives :func:`solve_assignment` knows.
OBJECTIVES: tuple[str, ...] = ("coverage", "fairness", "spread")
#: The exact solvers it can use; ``"auto"`` picks the fastest one installed.
METHODS: tuple[str, ...] = ("auto", "lapjv", "scipy")
#: Dense (the whole row x place matrix) or sparse (candidates, priced; see
#: :mod:`toolkit.core.sparse_assignment`); ``"auto"`` goes sparse from :data:`SPARSE_FROM`.
STRATEGIES: tuple[str, ...] = ("auto", "dense", "sparse")
#: Rows x column places from which ``"auto"`` takes the sparse path (one column per row).
SPARSE_FROM = 40_000_000


def default_method() -> str:
    """Return the solver ``"auto"`` stands for: ``"lapjv"`` when lapx is installed.

    Examples
    --------
    >>> default_method() in ("lapjv", "scipy")
    True
    """
    return "lapjv" if importlib.util.find_spec("lap") is not None else "scipy"


def _best_total(score: np.ndarray, eligible: np.ndarray, capacity: np.ndarray, method: str,
                bonus: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Most pairs, then (with ``bonus``) most bonus columns used, then the highest total.

    Capacity by repeating columns. ``bonus`` marks the columns whose first use earns the
    spread bonus (see :func:`solve_assignment` for why the weights are exact).
    """
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
    if bonus is not None and len(slots):
        # The first copy of each bonus column is worth `big` more: a column gets a first row
        # before any column gets a second (slots of one column are interchangeable).
        first = np.flatnonzero(np.r_[True, slots[1:] != slots[:-1]])
        first = first[bonus[slots[first]]]
        cost[:, first] -= np.where(eligible[:, slots[first]], big, 0.0)
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
        from scipy.optimize import linear_sum_assignment  # loaded here: see the imports

        rows, cols = linear_sum_assignment(cost)
        real = (rows < n) & (cols < len(slots))
        rows, cols = rows[real], cols[real]
    keep = eligible[rows, slots[cols]]
    return rows[keep].astype(np.intp), slots[cols[keep]].astype(np.intp)


def _flow_solve(score: np.ndarray, eligible: np.ndarray, row_cap: np.ndarray,
                col_cap: np.ndarray, objective: str, bonus: np.ndarray,
                ceiling: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Rows taking several columns (each pair at most once): exact, by stages with HiGHS.

    The pairs are a flow: source -> row i -> column j (each pair at most once) -> sink. Row
    i's flow comes in by two arcs, its first place (``a_i``, at most 1) and the rest (``b_i``,
    at most ``row_cap[i] - 1``); for spread, column j's leaves by two, its first place
    (``y_j``, at most 1) and the rest (``z_j``, at most ``col_cap[j] - 1``). The stages: the
    most rows with a column (sum of ``a``); for spread, the most columns with a row (sum of
    ``y``); the most pairs; for fairness, the highest lowest score; the best total. Each
    stage bounds one more flow from below by a whole number, which keeps the problem a
    network flow, whose constraint matrix is totally unimodular: the dual simplex method
    then ends on a whole-number vertex, so every stage is exact.
    """
    r, c = np.nonzero(eligible)
    n, m = eligible.shape
    e = len(r)
    if e == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    ys = (np.flatnonzero(bonus & (col_cap > 0)) if objective == "spread"
          else np.empty(0, dtype=np.intp))
    ny = len(ys)
    # Variables: x (pairs), a and b (rows' first and other places), y and z (columns').
    xa, xb, xy, xz = e, e + n, e + 2 * n, e + 2 * n + ny
    nv = e + 2 * n + 2 * ny
    edge = np.arange(e)
    rows_n = np.arange(n)
    row_balance = coo_matrix(
        (np.r_[np.ones(e), -np.ones(2 * n)],
         (np.r_[r, rows_n, rows_n], np.r_[edge, xa + rows_n, xb + rows_n])), shape=(n, nv))
    equalities = [row_balance]
    upper = np.ones(nv)
    upper[xb:xb + n] = np.maximum(row_cap - 1, 0)
    if ny:
        pick = np.isin(c, ys)
        hub = np.searchsorted(ys, c[pick])
        own = np.arange(ny)
        equalities.append(coo_matrix(
            (np.r_[np.ones(int(pick.sum())), -np.ones(2 * ny)],
             (np.r_[hub, own, own], np.r_[np.flatnonzero(pick), xy + own, xz + own])),
            shape=(ny, nv)))
        upper[xz:xz + ny] = col_cap[ys] - 1
    a_eq = vstack(equalities).tocsr()
    other = np.flatnonzero(~np.isin(np.arange(m), ys))
    a_cols = coo_matrix((np.ones(e), (c, edge)), shape=(m, nv)).tocsr()[other]
    cap_other = col_cap[other].astype(float)

    def vector(start: int, stop: int) -> np.ndarray:
        out = np.zeros(nv)
        out[start:stop] = 1.0
        return out

    values = score[r, c]
    floors: list[tuple[np.ndarray, float]] = []  # (vector, least whole value) kept later

    def best(objective_vector: np.ndarray, top: np.ndarray) -> np.ndarray | None:
        a_ub = vstack([a_cols, *[coo_matrix(-v[None, :]) for v, _ in floors]]).tocsr()
        b_ub = np.r_[cap_other, [-least for _, least in floors]]
        from scipy.optimize import linprog  # loaded here: see the imports

        res = linprog(-objective_vector, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq,
                      b_eq=np.zeros(a_eq.shape[0]),
                      bounds=np.column_stack([np.zeros(nv), top]), method="highs-ds")
        if res.status == 2:  # infeasible: only in a fairness trial
            return None
        if res.x is None:  # pragma: no cover - the empty flow is always feasible
            raise RuleError(f"The pairing could not be solved: {res.message}")
        return np.round(res.x)

    def keep_best(objective_vector: np.ndarray) -> None:
        # Whole-number floors only: a floor like P - 0.5 could let a later stage stop at a
        # fractional vertex; the network keeps every vertex whole only with whole bounds.
        x = best(objective_vector, upper)
        assert x is not None
        floors.append((objective_vector, float(round(objective_vector @ x))))

    keep_best(vector(xa, xa + n))  # the most rows with a column
    if ny:
        keep_best(vector(xy, xy + ny))  # the most columns with a row
    count = vector(0, e)
    keep_best(count)  # the most pairs
    if objective == "fairness" and floors[-1][1] > 0:
        levels = np.unique(values)
        lo, hi = 0, len(levels) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            trial = upper.copy()
            trial[:e][values < levels[mid]] = 0.0
            if best(count, trial) is not None:
                lo = mid
            else:
                hi = mid - 1
        # The lowest pair overall counts: no need to lift the free pairs above a lock.
        upper[:e][values < min(float(levels[lo]), ceiling)] = 0.0
    x = best(np.r_[values, np.zeros(nv - e)], upper)
    assert x is not None
    chosen = x[:e] > 0.5
    return r[chosen].astype(np.intp), c[chosen].astype(np.intp)


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
    row_capacity: np.ndarray | Sequence[int] | None = None,
    strategy: str = "auto",
    report: dict | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Assign rows to columns optimally, each pair at most once.

    Row i takes at most ``row_capacity[i]`` columns (default one), column j at most
    ``capacity[j]`` rows.

    Three objectives, each solved exactly:

    - ``"coverage"``: the most pairs, then the highest total score.
    - ``"fairness"``: the most pairs, then the highest possible lowest pair score, then the
      highest total score. The lowest score is found by binary search over the scores, each
      step a maximum-cardinality check (Hopcroft-Karp); the total is then maximised over the
      pairs that reach it.
    - ``"spread"``: the most pairs, then the most columns with at least one row, then the
      highest total score.

    With row capacities above 1, "the most pairs" means the most rows with at least one
    column first (for spread, then the most columns with a row), then the most pairs.

    The total is maximised by a linear assignment over columns repeated once per unit of
    capacity: with ``method="lapjv"`` by the Jonker-Volgenant solver of the ``lapx`` package,
    with ``method="scipy"`` by :func:`scipy.optimize.linear_sum_assignment` on the problem
    padded to a square with each column's minimum subtracted (an exact reduction that avoids
    the slow case of plain repeated columns). ``"auto"`` uses lapjv when lapx is installed.
    See ``benchmarks/README.md`` for the measurements behind that choice.

    **Why the weights are exact.** Let ``k`` be the most pairs possible and ``D`` the range
    of the eligible scores, so any two sets of pairs differ in total (shifted) score by less
    than ``big = D k + 1``. Each pair earns ``big`` plus its shifted score, and for
    ``"spread"`` the first copy of each column (not already used by a locked pair) earns
    another ``big``. (1) *The most pairs*: a set of pairs that is not the largest has an
    augmenting path (Berge); switching along it adds one pair, keeps every copy that was
    filled filled (so loses no bonus), and changes the score by more than ``-big``; so the
    weighted optimum is always a largest set. (2) *Then the most columns*: among largest
    sets the pair term is equal, and the bonus term differs by a multiple of ``big``, more
    than any score difference; a column used only through a later copy could move that row
    to its first copy for the bonus, so at the optimum the bonuses count exactly the columns
    used. (3) *Then the best total*: what is left to compare is the score. The numbers stay
    below ``3 big k`` (about 3 x 10^7 for 3,000 rows), far inside float64's exact range.

    When some row may take more than one column, repeating rows too could give a row the
    same column twice; those problems are solved instead as the network flow they are
    (rows -> columns -> sink, each pair at most once) by HiGHS's dual simplex
    (:func:`scipy.optimize.linprog`) in stages: the most rows with a column (every row gets
    a first column before any row gets a second); for spread, the most columns with a row;
    the most pairs; for fairness, the highest lowest score by binary search; the best total,
    each stage keeping the previous
    optimum as a bound. A network's constraint matrix is totally unimodular, so the simplex
    method ends on a whole-number optimum and the stages are exact. This path is slower than
    the assignment (see ``benchmarks/README.md``).

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
    objective : {"coverage", "fairness", "spread"}
        What "best" means (see above).
    locked : array of (row, col) pairs, optional
        Pairs that must be in the result. Each must be eligible, no pair locked twice, no row
        locked more times than its row capacity and no column more times than its capacity;
        they use up that capacity.
    method : {"auto", "lapjv", "scipy"}
        The exact solver for the total score (when every row takes at most one column).
    row_capacity : array of int, shape (n_rows,), optional
        How many columns each row may take (default 1 each).
    strategy : {"auto", "dense", "sparse"}
        ``"sparse"`` solves on each row's best candidates and proves the optimum by pricing
        every pair left out (:func:`toolkit.core.sparse_assignment.solve_sparse`: the same
        optimum, less memory); ``"auto"`` takes it when every row takes one column and rows
        x column places reach :data:`SPARSE_FROM`. Rows taking several columns always use
        the network flow.
    report : dict, optional
        Filled with the path taken (``solver``: ``"dense"`` or ``"sparse"``) and, for the
        sparse path, how the optimum was proved (rounds, pairs priced, gap).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Row and column indices of the pairs (locked ones included), sorted by row.

    Raises
    ------
    RuleError
        If a locked pair is not eligible or locked twice, or a row or column is locked more
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

    Spread gives every column a first row before any gets a second, whatever the score:

    >>> score = np.array([[0.9, 0.1], [0.8, 0.2]])
    >>> solve_assignment(score, eligible, [2, 2])[1].tolist()
    [0, 0]
    >>> solve_assignment(score, eligible, [2, 2], objective="spread")[1].tolist()
    [0, 1]

    The sparse path reaches the same optimum and says how it proved it:

    >>> info = {}
    >>> solve_assignment(score, eligible, [2, 2], objective="spread", strategy="sparse",
    ...                  report=info)[1].tolist()
    [0, 1]
    >>> info["solver"], info["proof"]
    ('sparse', 'no left-out pair has positive reduced cost')

    A row with room for two gets two different columns:

    >>> solve_assignment(score, eligible, [2, 2], row_capacity=[2, 0])
    (array([0, 0]), array([0, 1]))
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
    row_cap = np.ones(n, dtype=np.int64) if row_capacity is None else np.asarray(row_capacity)
    if row_cap.shape != (n,) or (row_cap.size and (row_cap < 0).any()):
        raise SettingsError(f"The row capacities must be {n} whole numbers of 0 or more, one "
                            f"per row (got shape {row_cap.shape}).")
    row_cap = row_cap.astype(np.int64)
    if objective not in OBJECTIVES:
        raise SettingsError(f"The objective must be one of {', '.join(OBJECTIVES)} "
                            f"(got {objective!r}).")
    if method not in METHODS:
        raise SettingsError(f"The method must be one of {', '.join(METHODS)} (got {method!r}).")
    if method == "auto":
        method = default_method()
    if strategy not in STRATEGIES:
        raise SettingsError(f"The strategy must be one of {', '.join(STRATEGIES)} "
                            f"(got {strategy!r}).")
    report = {} if report is None else report
    if not np.isfinite(score).all() and not np.isfinite(score[eligible]).all():
        raise SettingsError("Every eligible pair needs a finite score (found NaN or infinity).")

    fixed_r, fixed_c = _as_index_pairs(locked, n, m)
    if len(fixed_r):
        if len(np.unique(fixed_r * m + fixed_c)) < len(fixed_r):
            raise RuleError("A pair is locked twice: lock each pair once.")
        if not eligible[fixed_r, fixed_c].all():
            bad = np.flatnonzero(~eligible[fixed_r, fixed_c])[0]
            raise RuleError(f"The locked pair (row {fixed_r[bad]}, column {fixed_c[bad]}) is "
                            "not eligible.")
    row_left = row_cap - np.bincount(fixed_r, minlength=n)
    if (row_left < 0).any():
        if (row_cap <= 1).all():
            raise RuleError("A row is locked to more than one column: lock one pair per row.")
        raise RuleError(f"Row {int(np.flatnonzero(row_left < 0)[0])} is locked more times than "
                        "its row capacity.")
    left = capacity - np.bincount(fixed_c, minlength=m)
    if (left < 0).any():
        raise RuleError(f"Column {int(np.flatnonzero(left < 0)[0])} is locked more times than "
                        "its capacity.")
    if strategy == "auto":
        big = int(row_left.clip(0).sum()) * int(left.clip(0).sum()) >= SPARSE_FROM
        strategy = "sparse" if big else "dense"
    if strategy == "sparse" and (row_cap <= 1).all():
        source = matrix_source(score, eligible & (row_left > 0)[:, None])
        return solve_sparse(source, n, capacity, objective,
                            (fixed_r, fixed_c, score[fixed_r, fixed_c]), report=report)
    report["solver"] = "dense"
    allowed = eligible & (row_left > 0)[:, None] & (left > 0)[None, :]
    allowed[fixed_r, fixed_c] = False
    # Spread: a column already used by a locked pair earns no bonus for its next row.
    bonus = np.bincount(fixed_c, minlength=m) == 0
    rows_on = np.flatnonzero(allowed.any(axis=1))
    cols_on = np.flatnonzero(allowed.any(axis=0))
    if len(rows_on) == n and len(cols_on) == m:  # nothing to leave out: no copies
        sub_allowed, sub_score = allowed, score
    else:
        sub_allowed = allowed[np.ix_(rows_on, cols_on)]
        sub_score = score[np.ix_(rows_on, cols_on)]
    # Nobody can take more rows than there are rows that may go to them: exact, and smaller.
    sub_cap = np.minimum(left[cols_on], sub_allowed.sum(axis=0))
    sub_bonus = bonus[cols_on]

    if (row_left[rows_on] > 1).any():
        r, c = _flow_solve(sub_score, sub_allowed, np.minimum(row_left[rows_on],
                                                              sub_allowed.sum(axis=1)),
                           sub_cap, objective, sub_bonus,
                           float(score[fixed_r, fixed_c].min()) if len(fixed_r) else np.inf)
    else:
        r, c = _best_total(sub_score, sub_allowed, sub_cap, method,
                           sub_bonus if objective == "spread" else None)
        if objective == "fairness" and len(r):
            floor = float(sub_score[r, c].min())
            best = _fairness_threshold(sub_score, sub_allowed, sub_cap, len(r), floor)
            if len(fixed_r):
                # The lowest pair overall counts: no need to lift the free pairs above a lock.
                best = min(best, float(score[fixed_r, fixed_c].min()))
            if best > floor:
                r, c = _best_total(sub_score, sub_allowed & (sub_score >= best), sub_cap,
                                   method)
    rows = np.concatenate([rows_on[r], fixed_r]).astype(np.intp)
    cols = np.concatenate([cols_on[c], fixed_c]).astype(np.intp)
    order = np.lexsort((cols, rows))
    return rows[order], cols[order]
