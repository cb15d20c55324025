"""An attacker for property tests: what can be worked out from tables published together.

Independent of :mod:`toolkit.core.disclosure`'s own checks: every published number becomes
the range of true counts it stands for, the tables' sums and the outcomes' own order
(nobody is promoted without applying) become linear constraints, and a linear programme
finds the least and greatest true value of every cell. A cell is given away when those meet
(to within a whole person) though what is shown for it, with the other numbers of its own
row, stands for more than one count (promotions in a row whose applications are shown as
exactly 0 are 0 for anyone: that is the 0 shown, not a count given away).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from toolkit.core.disclosure import DisclosureRule, count_ranges
from toolkit.evaluation.outcomes import OUTCOME_ORDER

__all__ = ["Attack", "examples"]

def examples(ci: int) -> int:
    """How many examples a disclosure property runs: ``ci`` (quick), more when exploring.

    Under ``HYPOTHESIS_PROFILE=explore`` it is ``HYPOTHESIS_EXPLORE_EXAMPLES`` (default 200).
    """
    if os.environ.get("HYPOTHESIS_PROFILE") == "explore":
        return int(os.environ.get("HYPOTHESIS_EXPLORE_EXAMPLES", "200"))
    return ci


class Attack:
    """Collect published cells and what ties them, then look for cells given away.

    ``order`` lists the (smaller, larger) columns of every row (default: the outcomes').
    """

    def __init__(self, rule: DisclosureRule,
                 order: list[tuple[str, str]] = OUTCOME_ORDER) -> None:
        self.rule = rule
        self.order = order
        self.index: dict[object, int] = {}
        self.low: list[float] = []
        self.high: list[float] = []
        self.exact: list[bool] = []
        self.equal: list[dict[int, float]] = []
        self.less: list[tuple[int, int]] = []

    def var(self, key: object) -> int:
        if key not in self.index:
            self.index[key] = len(self.low)
            self.low.append(0.0)
            self.high.append(np.inf)
            self.exact.append(False)
        return self.index[key]

    def shown(self, key: object, value: float) -> None:
        """A cell published as ``value`` (``NaN`` where hidden)."""
        k = self.var(key)
        lo, hi = count_ranges(np.array([value], dtype=float), self.rule)
        self.low[k] = max(self.low[k], float(lo[0]))
        self.high[k] = min(self.high[k], float(hi[0]))
        self.exact[k] = self.exact[k] or (not np.isnan(value) and lo[0] == hi[0])

    def table(self, name: str, published: pd.DataFrame, total: object | None = None) -> None:
        """A published table of outcome counts; its last row is ``total`` (a shared key)."""
        rows = list(published.index)
        for r, label in enumerate(rows):
            row_key = total if (total is not None and r == len(rows) - 1) else (name, label)
            for column in published.columns:
                self.shown((row_key, column), published.iloc[r][column])
            pairs = [(self.var((row_key, a)), self.var((row_key, b))) for a, b in self.order
                     if a in published.columns and b in published.columns]
            self.less.extend(pairs)
            self._row_exact(pairs)
        if total is not None:
            for column in published.columns:
                terms = {self.var(((name, label), column)): 1.0 for label in rows[:-1]}
                terms[self.var((total, column))] = -1.0
                self.equal.append(terms)

    def _row_exact(self, pairs: list[tuple[int, int]]) -> None:
        """Mark the cells a row's own numbers fix, with its order alone."""
        low = {k: self.low[k] for pair in pairs for k in pair}
        high = {k: self.high[k] for pair in pairs for k in pair}
        for _ in range(len(pairs) + 1):
            for small, large in pairs:
                high[small] = min(high[small], high[large])
                low[large] = max(low[large], low[small])
        for k in low:
            self.exact[k] = self.exact[k] or low[k] == high[k]

    def given_away(self) -> list[object]:
        """The keys of cells whose true value everything published fixes."""
        n = len(self.low)
        a_eq = np.zeros((len(self.equal), n))
        for i, terms in enumerate(self.equal):
            for k, c in terms.items():
                a_eq[i, k] = c
        a_ub = np.zeros((len(self.less), n))
        for i, (small, large) in enumerate(self.less):
            a_ub[i, small], a_ub[i, large] = 1.0, -1.0
        bounds = [(lo, None if np.isinf(hi) else hi)
                  for lo, hi in zip(self.low, self.high, strict=True)]
        keys = {k: key for key, k in self.index.items()}
        # Feasible tables first (hidden cells capped): a cell that differs by a whole person
        # between two of them is not fixed; only the others need their own programmes.
        cap = 2.0 * (max([h for h in self.high if np.isfinite(h)], default=0.0) + 10.0)
        capped = [(lo, cap if hi is None else hi) for lo, hi in bounds]
        rng = np.random.default_rng(0)
        found = []
        for _ in range(8):
            res = linprog(rng.normal(size=n), A_ub=a_ub if len(a_ub) else None,
                          b_ub=np.zeros(len(a_ub)) if len(a_ub) else None,
                          A_eq=a_eq if len(a_eq) else None,
                          b_eq=np.zeros(len(a_eq)) if len(a_eq) else None,
                          bounds=capped, method="highs")
            if res.status == 0:  # the cap can cut every table off: then no shortcut
                found.append(res.x)
        moves = np.zeros(n, dtype=bool)
        if found:
            moves = np.ceil(np.min(found, axis=0) - 1e-7) < np.floor(np.max(found, axis=0)
                                                                     + 1e-7)
        out = []
        for k in range(n):
            if self.exact[k] or moves[k]:
                continue
            ends = []
            for sign in (1.0, -1.0):
                c = np.zeros(n)
                c[k] = sign
                res = linprog(c, A_ub=a_ub if len(a_ub) else None,
                              b_ub=np.zeros(len(a_ub)) if len(a_ub) else None,
                              A_eq=a_eq if len(a_eq) else None,
                              b_eq=np.zeros(len(a_eq)) if len(a_eq) else None,
                              bounds=bounds, method="highs")
                assert res.status in (0, 3), res.message  # 3: unbounded above
                ends.append(sign * res.fun if res.status == 0 else np.inf)  # no maximum
            low, high = ends[0], ends[1]
            if np.ceil(low - 1e-7) >= np.floor(high + 1e-7):
                out.append(keys[k])
        return out
