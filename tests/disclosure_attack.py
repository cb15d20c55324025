"""An attacker for property tests: what can be worked out from tables published together.

Independent of :mod:`toolkit.core.disclosure`'s own checks: every published number becomes
the range of true counts it stands for, the tables' sums and the outcomes' own order
(nobody is promoted without applying) become linear constraints, and a linear programme
finds the least and greatest true value of every cell. A cell is given away when those meet
(to within a whole person) though what is shown for it stands for more than one count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from toolkit.core.disclosure import DisclosureRule, count_ranges

__all__ = ["OUTCOME_ORDER", "Attack"]

#: Within one row of an outcome table: (smaller, larger) columns.
OUTCOME_ORDER = [
    ("Applied for promotion", "People"),
    ("Promoted", "Applied for promotion"),
    ("Moved up a grade", "Grade known a year earlier"),
    ("Grade known a year earlier", "People"),
    ("Still employed", "People"),
    ("Back from a career break", "People"),
    ("Back from a break and still employed", "Back from a career break"),
    ("Back from a break and still employed", "Still employed"),
]


class Attack:
    """Collect published cells and what ties them, then look for cells given away."""

    def __init__(self, rule: DisclosureRule) -> None:
        self.rule = rule
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
            for small, large in OUTCOME_ORDER:
                if small in published.columns and large in published.columns:
                    self.less.append((self.var((row_key, small)), self.var((row_key, large))))
        if total is not None:
            for column in published.columns:
                terms = {self.var(((name, label), column)): 1.0 for label in rows[:-1]}
                terms[self.var((total, column))] = -1.0
                self.equal.append(terms)

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
        out = []
        for k in range(n):
            if self.exact[k]:
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
