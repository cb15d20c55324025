"""The UnMentoring draw: pair every active participant with someone they have not met (pure).

The draw is an optimisation over all groups at once. Each possible pair of people gets an
integer weight built from priority tiers, so that a better tier always outweighs any amount of
the tiers below it:

1. the pair has never been drawn together before (a repeat-free draw always wins);
2. among unavoidable repeats, the pair last met longest ago ("oldest repeats first");
3. the two work in different departments;
4. neither has met anyone from the other's department yet (0, 1 or 2 points);
5. a seeded pseudo-random number, which breaks the remaining ties.

A maximum-weight perfect matching on these weights is the draw (an optimal assignment, not a
stable matching). Up to :data:`EXACT_LIMIT` people it is found exactly with Edmonds' blossom
algorithm (networkx), which is O(n^3). Above that a fast method works on sampled candidate
partners (:data:`FAST_CANDIDATES` per person, mostly from other departments; every pair up to
:data:`FAST_DENSE` people): it takes candidate pairs greedily by the same weights, pairs the
people left over among themselves, then repairs the draw with improving two-pair swaps (2-opt,
by the tiers, vectorised over all pairs short of the best at once, with new candidates each
pass), and re-pairs exactly any pairs still repeated together with pairs around them. Time and
memory grow about linearly with the number of people; ``benchmarks/bench_draws.py`` compares
the method with the exact one and measures it up to 100,000 people.

With an odd count one group of three is formed, and the place in it goes round: whoever has
been in a trio least (and longest ago) comes first. The trio's first two members are chosen
by a search (every choice, for up to :data:`SMALL_POOL` people to pair), the third by the
matching, where the weights favour a third with few trio turns; every candidate draw is
compared by, in order: (1) whether it has any repeat at all, (2) the trio's total of earlier
trio turns, (3) its number of repeats, (4) its weight. For up to :data:`SMALL_POOL` people
(method "auto" or "exact") this is exact: if a draw without repeats exists, the draw is one,
and its trio has the fewest earlier trio turns of all repeat-free draws; if none exists, the
trio has the fewest earlier trio turns of all draws, and the draw the fewest repeats among
those. So nobody is in a trio twice before everyone has been in one once, except when only a
draw with a repeat would allow it while a repeat-free draw exists. A draw depends only on the
participants, the history and the seed: no set order, no hash seed, no clock.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from toolkit.core.text import fold, normalise_emails
from toolkit.errors import InputFileError, RuleError, SettingsError

__all__ = [
    "DRAW_COLUMNS",
    "EXACT_LIMIT",
    "FAST_CANDIDATES",
    "FAST_DENSE",
    "FAST_EXACT_TRIES",
    "FAST_PASSES",
    "NO_DRAW_POSSIBLE",
    "ONE_TRIO_ONLY",
    "PAUSED_VALUES",
    "SMALL_POOL",
    "clean_participants",
    "default_seed",
    "draw_round",
    "empty_draw",
    "round_labels",
]

#: Columns of a draw and of the history file: one row per person per round.
DRAW_COLUMNS = ["round", "group", "email"]

#: Up to this many people to pair, the exact blossom algorithm is used (method "auto").
EXACT_LIMIT = 150

#: Up to this many people to pair (odd), every choice of trio is searched (see the module).
SMALL_POOL = 16

#: How a "paused" answer is read (after folding): True sits this round out.
PAUSED_VALUES = {
    "": False, "no": False, "n": False, "false": False, "0": False, "active": False,
    "yes": True, "y": True, "true": True, "1": True, "paused": True, "pause": True,
    "skip": True, "x": True, "on hold": True,
}

#: The message when the exclusions, locks and breaks leave someone with nobody to meet.
NO_DRAW_POSSIBLE = (
    "No draw can put everyone in a group: the exclusions (mentoring pairs, line management, "
    "broken pairs) leave someone with nobody to meet. Unlock or un-break some pairs, or pause "
    "one of the people concerned this month.")

#: The message when locks would make a second trio, or a trio with an even count.
ONE_TRIO_ONLY = ("Only one group of three is formed, and only when the number of people is "
                 "odd: lock that trio as a pair instead.")

_NOISE_LEVELS = 256


def empty_draw() -> pd.DataFrame:
    """Return a draw (or history) with no rows: ``round`` (text), ``group`` (int), ``email``.

    Examples
    --------
    >>> empty = empty_draw()
    >>> empty.columns.tolist(), str(empty["group"].dtype), len(empty)
    (['round', 'group', 'email'], 'int64', 0)
    """
    return pd.DataFrame({"round": pd.Series([], dtype="str"),
                         "group": pd.Series([], dtype="int64"),
                         "email": pd.Series([], dtype="str")})


def round_labels(history: pd.DataFrame) -> list[str]:
    """Return the round labels of a history in the order they were drawn (first appearance).

    Examples
    --------
    >>> h = pd.DataFrame({"round": ["b", "b", "a"], "group": [1, 1, 1], "email": ["x", "y", "z"]})
    >>> round_labels(h)
    ['b', 'a']
    """
    return [str(r) for r in pd.unique(history["round"].astype(str))]


def clean_participants(participants: pd.DataFrame) -> pd.DataFrame:
    """Normalise a participants frame given by a caller: e-mail keys, a bool ``paused``.

    Parameters
    ----------
    participants : pandas.DataFrame
        At least ``email`` and ``department``; optionally ``name`` (default: the e-mail) and
        ``paused`` (bool, or yes/no text; see :data:`PAUSED_VALUES`; default: nobody).

    Returns
    -------
    pandas.DataFrame
        Columns ``email, department, name, paused``, sorted by e-mail.

    Raises
    ------
    InputFileError
        If ``email`` or ``department`` is missing.
    RuleError
        If an e-mail is listed twice.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["B@x.org", "a@x.org"], "department": ["M", "P"],
    ...                        "paused": ["Yes", ""]})
    >>> clean_participants(people)[["email", "paused"]].values.tolist()
    [['a@x.org', False], ['b@x.org', True]]
    """
    missing = [c for c in ("email", "department") if c not in participants.columns]
    if missing:
        raise InputFileError(f"The participants have no column(s) {missing}: they need at "
                             "least 'email' and 'department' (and optionally 'name', 'paused').")
    frame = pd.DataFrame({
        "email": normalise_emails(participants["email"]).to_numpy(),
        "department": participants["department"].astype(str).str.strip().to_numpy(),
        "name": (participants["name"].astype(str).to_numpy() if "name" in participants
                 else participants["email"].astype(str).to_numpy()),
    })
    paused = participants["paused"] if "paused" in participants else pd.Series(
        False, index=participants.index)
    if not pd.api.types.is_bool_dtype(paused):
        paused = fold(paused).map(PAUSED_VALUES).fillna(False)
    frame["paused"] = paused.to_numpy(dtype=bool)
    dup = frame["email"].duplicated(keep=False)
    if dup.any():
        raise RuleError(f"These e-mails are listed more than once: "
                        f"{sorted(frame.loc[dup, 'email'].unique())}. Keep one row each.")
    return frame.sort_values("email", kind="stable").reset_index(drop=True)


def default_seed(round_label: str) -> int:
    """Return the seed used when none is given: a stable number made from the round label.

    Examples
    --------
    >>> default_seed("2026-10") == default_seed("2026-10")
    True
    """
    return zlib.crc32(str(round_label).encode("utf-8")) % 1_000_000


def _mix(x: np.ndarray) -> np.ndarray:
    """Splitmix64 finaliser on uint64 arrays (wrapping arithmetic)."""
    x = x.astype(np.uint64)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@dataclass
class _Scorer:
    """Vectorised pair scores over people numbered 0..n-1 (participants sorted by e-mail)."""

    n: int
    dept: np.ndarray          # department code per person
    met: np.ndarray           # (n, departments) True when the person has met that department
    rep_keys: np.ndarray      # sorted keys lo * n + hi of pairs drawn before
    rep_age: np.ndarray       # rounds since they last met (1 = the latest round)
    ban_keys: np.ndarray      # sorted keys of pairs that must never be drawn
    seed_mix: np.uint64
    rounds: int               # number of past rounds
    turn: np.ndarray          # how far each person is from the most trio turns so far

    def __post_init__(self) -> None:
        # Both directions of every earlier pair and of every banned pair, grouped by person,
        # so one person's row against many is a scatter and a gather, not a search.
        self._rows = {}
        for name, keys, values in (("age", self.rep_keys, self.rep_age),
                                   ("ban", self.ban_keys, np.ones(len(self.ban_keys), np.int64))):
            lo, hi = keys // self.n, keys % self.n
            owner = np.concatenate([lo, hi])
            order = np.argsort(owner, kind="stable")
            other = np.concatenate([hi, lo])[order]
            vals = np.concatenate([values, values])[order]
            ptr = np.searchsorted(owner[order], np.arange(self.n + 1))
            self._rows[name] = (ptr, other, vals)

    def _row(self, name: str, i: int, cols: np.ndarray) -> np.ndarray:
        ptr, other, vals = self._rows[name]
        start, stop = ptr[i], ptr[i + 1]
        if start == stop:
            return np.zeros(cols.shape, dtype=np.int64)
        dense = np.zeros(self.n, dtype=np.int64)
        dense[other[start:stop]] = vals[start:stop]
        return dense[cols]

    @staticmethod
    def _lookup(keys: np.ndarray, table: np.ndarray, values: np.ndarray) -> np.ndarray:
        if not len(table):
            return np.zeros(keys.shape, dtype=np.int64)
        pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        return np.where(table[pos] == keys, values[pos], 0)

    def parts(self, a: np.ndarray, b: np.ndarray, noise: bool = True) -> dict[str, np.ndarray]:
        """Return the tier components of the pairs (a[k], b[k])."""
        a = np.atleast_1d(np.asarray(a, dtype=np.int64))
        b = np.atleast_1d(np.asarray(b, dtype=np.int64))
        if b.size == 1 and a.size > 1:  # every component is symmetric
            a, b = b, a
        one = a.size == 1 and b.size > 1
        a, b = np.broadcast_arrays(a, b)
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        if one:
            age = self._row("age", int(a[0]), b)
            banned = self._row("ban", int(a[0]), b) > 0
        else:
            age = self._lookup(keys, self.rep_keys, self.rep_age)
            banned = self._lookup(keys, self.ban_keys, np.ones(len(self.ban_keys), np.int64)) > 0
        da, db = self.dept[a], self.dept[b]
        fresh = (~self.met[a, db]).astype(np.int64) + ~self.met[b, da]
        out = {"allowed": ~banned & (a != b), "new": (age == 0).astype(np.int64), "age": age,
               "cross": (da != db).astype(np.int64), "fresh": fresh}
        out["noise"] = ((_mix(keys.astype(np.uint64) ^ self.seed_mix)
                         % np.uint64(_NOISE_LEVELS)).astype(np.int64) if noise
                        else np.zeros(keys.shape, dtype=np.int64))
        return out


def _multipliers(terms: int, rounds: int, noise: bool = True, turns: int = 0,
                 turn_first: bool = False) -> dict[str, int]:
    """Tier multipliers so that each tier outweighs the sum of all lower tiers over ``terms``.

    From the top: new pair, age of a repeat, the trio's third member's turn (fewest trios so
    far), different departments, new to each other's departments, noise. With
    ``turn_first`` the third member's turn comes above everything (used once no draw without
    a repeat exists, so that the trio place still goes round).
    """
    top_noise = _NOISE_LEVELS - 1 if noise else 0
    m = {"noise": 1 if noise else 0}
    m["fresh"] = terms * top_noise + 1
    below = 2 * m["fresh"] + top_noise
    m["cross"] = terms * below + 1
    below += m["cross"]
    if not turn_first:
        m["turn"] = terms * below + 1
        below += turns * m["turn"]
    m["age"] = terms * below + 1
    below += rounds * m["age"]
    m["new"] = terms * below + 1
    if turn_first:
        below += m["new"]
        m["turn"] = terms * below + 1
    return m


def _weights(parts: dict[str, np.ndarray], mult: dict[str, int]) -> np.ndarray:
    big = max(mult.values()) * 4 > np.iinfo(np.int64).max // 4
    dtype = object if big else np.int64
    w = np.zeros(parts["new"].shape, dtype=dtype)
    for key in ("new", "age", "cross", "fresh", "noise"):
        if mult[key]:
            w = w + parts[key].astype(dtype) * (int(mult[key]) if big else np.int64(mult[key]))
    return w


class _Units:
    """People to pair; one of them may carry a second person (the seed of the trio)."""

    def __init__(self, scorer: _Scorer, pool: np.ndarray, mate: dict[int, int],
                 mult: dict[str, int]) -> None:
        self.s, self.pool, self.mult = scorer, pool, mult
        self.mate = np.full(scorer.n, -1, dtype=np.int64)
        for x, a in mate.items():
            self.mate[x] = a

    def weight(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weight and allowed-flag of joining unit i with unit j (sums over member pairs)."""
        i = np.atleast_1d(np.asarray(i, dtype=np.int64))
        j = np.atleast_1d(np.asarray(j, dtype=np.int64))
        noise = bool(self.mult["noise"])
        p = self.s.parts(i, j, noise)
        w, ok = _weights(p, self.mult), p["allowed"].copy()
        i, j = np.broadcast_arrays(i, j)
        for own, other in ((i, j), (j, i)):
            m = self.mate[own]
            sel = m >= 0
            if sel.any():
                q = self.s.parts(m[sel], other[sel], noise)
                turn = self.s.turn[other[sel]].astype(w.dtype) * (
                    int(self.mult["turn"]) if w.dtype == object else np.int64(self.mult["turn"]))
                w[sel] = w[sel] + _weights(q, self.mult) + turn
                ok[sel] &= q["allowed"]
        return w, ok


def _match_exact(units: _Units) -> list[tuple[int, int]]:
    pool = units.pool
    m = len(pool)
    ii, jj = np.triu_indices(m, 1)
    w, ok = units.weight(pool[ii], pool[jj])
    graph = nx.Graph()
    graph.add_nodes_from(range(m))
    graph.add_weighted_edges_from(zip(ii[ok].tolist(), jj[ok].tolist(), w[ok].tolist(),
                                      strict=True))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    if 2 * len(matching) < m:
        raise RuleError(NO_DRAW_POSSIBLE)
    return sorted((int(pool[min(a, b)]), int(pool[max(a, b)])) for a, b in matching)


#: Partners sampled per person by the fast method (three in four from other departments).
FAST_CANDIDATES = 16

#: Up to this many people to pair, the fast method looks at every pair (no sampling).
FAST_DENSE = 256

#: The most times the fast method re-pairs exactly the pairs still repeated after its swaps.
FAST_EXACT_TRIES = 4

#: The most swap-repair passes of the fast method (each is one vectorised sweep).
FAST_PASSES = 60


def _sub_units(units: _Units, pool: np.ndarray) -> _Units:
    sub = _Units(units.s, pool, {}, units.mult)
    sub.mate = units.mate
    return sub


def _candidates(units: _Units, who: np.ndarray, rng: np.random.Generator,
                k: int) -> np.ndarray:
    """Sample ``k`` partners from the pool for each person in ``who``: (len(who), k) ids.

    Three in four come from other departments than the person's own: a third of those from
    departments the person has not met yet (when there are any), the others uniformly; the
    rest come from anyone. A person carrying a trio seed gets its best partners by weight.
    """
    pool = units.pool
    m = len(pool)
    if m <= FAST_DENSE:
        return np.broadcast_to(pool, (len(who), m))
    dept = units.s.dept
    by_dept = pool[np.argsort(dept[pool], kind="stable")]
    sorted_dept = dept[by_dept]
    start = np.searchsorted(sorted_dept, dept[who], side="left")
    size = np.searchsorted(sorted_dept, dept[who], side="right") - start
    others = m - size
    k_cross = k * 3 // 4
    r = (rng.random((len(who), k_cross)) * others[:, None]).astype(np.int64)
    r = np.where(r >= start[:, None], r + size[:, None], r)
    r = np.where(others[:, None] > 0, r, rng.integers(0, m, (len(who), k_cross)))
    cand = np.concatenate([by_dept[np.minimum(r, m - 1)],
                           pool[rng.integers(0, m, (len(who), k - k_cross))]], axis=1)
    unmet = _unmet_partners(units, who, by_dept, rng, k // 4)
    cand[:, : k // 4] = np.where(unmet >= 0, unmet, cand[:, : k // 4])
    for row in np.flatnonzero(units.mate[who] >= 0):
        w, ok = units.weight(who[row], pool)
        w = np.where(ok, w, w - max(units.mult.values()) * 8)
        cand[row] = pool[np.argsort(-w, kind="stable")[:k]]
    return cand


def _unmet_partners(units: _Units, who: np.ndarray, by_dept: np.ndarray,
                    rng: np.random.Generator, k: int) -> np.ndarray:
    """Sample ``k`` partners per person from departments they have not met (-1: none left).

    A department is chosen in proportion to its size in the pool, among those the person
    has not met and other than their own, then a member of it uniformly; people are taken in
    blocks so that memory stays bounded with many departments.
    """
    m = len(by_dept)
    sorted_dept = units.s.dept[by_dept]
    codes = np.arange(units.s.met.shape[1])
    first = np.searchsorted(sorted_dept, codes, side="left")
    count = np.searchsorted(sorted_dept, codes, side="right") - first
    out = np.full((len(who), k), -1, dtype=np.int64)
    block = max(1, 2_000_000 // len(codes))
    for lo in range(0, len(who), block):
        some = who[lo:lo + block]
        weight = np.where(units.s.met[some], 0, count[None, :])
        weight[np.arange(len(some)), units.s.dept[some]] = 0
        cum = np.cumsum(weight, axis=1)
        total = cum[:, -1]
        for c in range(k):
            u = rng.random(len(some)) * total
            d = np.minimum((cum <= u[:, None]).sum(axis=1), len(codes) - 1)
            pick = first[d] + (rng.random(len(some)) * count[d]).astype(np.int64)
            out[lo:lo + len(some), c] = np.where(total > 0, by_dept[np.minimum(pick, m - 1)], -1)
    return out


def _greedy(units: _Units, ea: np.ndarray, eb: np.ndarray, free: np.ndarray,
            allow_banned: bool = False) -> tuple[list[int], list[int]]:
    """Take the given edges best first, each when both ends are still free."""
    w, ok = units.weight(ea, eb)
    if allow_banned:
        w = np.where(ok, w, w - max(units.mult.values()) * 8)
        ok = ea != eb
    order = np.argsort(-w[ok], kind="stable")
    left, right = ea[ok][order].tolist(), eb[ok][order].tolist()
    is_free = free.tolist()
    a_list, b_list = [], []
    for i, j in zip(left, right, strict=True):
        if is_free[i] and is_free[j]:
            is_free[i] = is_free[j] = False
            a_list.append(i)
            b_list.append(j)
    free[a_list] = False
    free[b_list] = False
    return a_list, b_list


def _match_fast(units: _Units, rng: np.random.Generator,
                max_passes: int = FAST_PASSES) -> list[tuple[int, int]]:
    """Greedy pairing on sampled candidate partners, then vectorised improving swaps.

    Every person samples :data:`FAST_CANDIDATES` partners (mostly from other departments);
    the candidate pairs are taken best first by the weights while both people are free, and
    people left over are paired again among themselves (every pair once few are left). The
    draw is then repaired by two-pair swaps by the tiers alone: in each pass every pair short
    of the best possible samples new partners for both its people, each swap's gain is
    computed at once, and the best non-overlapping improving swaps are made. Pairs that are
    still repeats or not allowed are finally compared with everyone. Time and memory grow
    about linearly with the number of people.
    """
    pool = units.pool
    n = units.s.n
    free = np.zeros(n, dtype=bool)
    free[pool] = True
    a_list: list[int] = []
    b_list: list[int] = []
    left = pool
    while len(left) > FAST_DENSE:
        sub = _sub_units(units, left)
        cand = _candidates(sub, left, rng, FAST_CANDIDATES)
        got_a, got_b = _greedy(units, np.repeat(left, cand.shape[1]), cand.ravel(), free)
        if not got_a:
            break
        a_list += got_a
        b_list += got_b
        left = left[free[left]]
    if len(left):
        ii, jj = np.triu_indices(len(left), 1)
        got_a, got_b = _greedy(units, left[ii], left[jj], free, allow_banned=True)
        a_list += got_a
        b_list += got_b
    a, b = np.array(a_list, dtype=np.int64), np.array(b_list, dtype=np.int64)
    # Repair: two-pair swaps by the tiers alone (no noise), until none improves the draw.
    tiers = _Units(units.s, pool, {}, _multipliers(4, units.s.rounds, noise=False,
                                                  turns=int(units.s.turn.max(initial=0))))
    tiers.mate = units.mate
    penalty = tiers.mult["new"] * 8

    def tw(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        w, ok = tiers.weight(x, y)
        return np.where(ok, w, w - penalty)

    best_one = tiers.mult["new"] + tiers.mult["cross"] + 2 * tiers.mult["fresh"]
    pos = np.full(n, -1, dtype=np.int64)
    pos[a] = np.arange(len(a))
    pos[b] = np.arange(len(a))
    cur = tw(a, b)
    dept = units.s.dept
    sweep = still = 0
    last_top = (-1, -1)
    while sweep <= max_passes:
        if sweep < max_passes:
            short = np.flatnonzero(cur < best_one * (1 + (units.mate[a] >= 0)
                                                     + (units.mate[b] >= 0)))
            k = FAST_CANDIDATES
        else:  # last: pairs still repeated or not allowed, against everyone
            short = np.flatnonzero(cur < tiers.mult["new"])
            k = len(pool)
        if not len(short):
            break
        made = 0
        step = max(1, 500_000 // k)  # pairs per chunk: about a million pair scores
        for lo in range(0, len(short), step):
            made += _swap_sweep(units, tw, (a, b, cur, pos), short[lo:lo + step], rng, k)
        sweep += 1
        # Stop sampling once a pass makes no swap, or once three passes in a row have left
        # the top tiers (repeats, same-department pairs) as they were and made few swaps on
        # the lower ones: then only the pass against everyone is left.
        top = (int((cur < tiers.mult["new"]).sum()), int((dept[a] == dept[b]).sum()))
        still = still + 1 if top == last_top and made <= len(short) // 200 else 0
        last_top = top
        if sweep <= max_passes and (not made or (still >= 3 and len(pool) > FAST_DENSE)):
            sweep = max_passes
    for _ in range(FAST_EXACT_TRIES):
        left = np.flatnonzero(cur < tiers.mult["new"])
        if not len(left) or not _exact_fix(units, (a, b, cur, pos), left, rng, tw):
            break
    _, ok = units.weight(a, b)
    if not ok.all():
        raise RuleError(NO_DRAW_POSSIBLE)
    return sorted((int(min(x, y)), int(max(x, y))) for x, y in zip(a, b, strict=True))


def _exact_fix(units: _Units, state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
               left: np.ndarray, rng: np.random.Generator,
               tw: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
    """Re-pair exactly (blossom) the pairs ``left`` with pairs around them; True if better.

    Swaps of two pairs cannot undo every repeat that a longer chain of changes would. So the
    pairs still repeated (or not allowed), plus the pairs of partners sampled for them, up
    to :data:`EXACT_LIMIT` people in all (the whole pool when it is that small), are re-paired
    by the exact method, and the new pairs are kept when they are better by its weights.
    """
    a, b, cur, pos = state
    room = EXACT_LIMIT // 2
    if len(a) <= room:
        chosen = np.arange(len(a))
    else:
        chosen = left[:room // 2]
        near = pos[_candidates(units, np.concatenate([a[chosen], b[chosen]]), rng,
                               FAST_CANDIDATES).ravel()]
        near = np.unique(near[~np.isin(near, chosen)])
        near = rng.permutation(near)[:room - len(chosen)]
        chosen = np.concatenate([chosen, near])
    members = np.concatenate([a[chosen], b[chosen]])
    mult = _multipliers(len(chosen) + 3, units.s.rounds,
                        turns=int(units.s.turn.max(initial=0)))
    sub = _sub_units(units, members)
    sub.mult = mult
    try:
        pairs = np.array(_match_exact(sub), dtype=np.int64).reshape(-1, 2)
    except RuleError:
        return False
    old_w, old_ok = sub.weight(a[chosen], b[chosen])
    new_w, _ = sub.weight(pairs[:, 0], pairs[:, 1])
    if old_ok.all() and new_w.sum() <= old_w.sum():
        return False
    a[chosen], b[chosen] = pairs[:, 0], pairs[:, 1]
    pos[a[chosen]] = chosen
    pos[b[chosen]] = chosen
    cur[chosen] = tw(a[chosen], b[chosen])
    return True


def _swap_sweep(units: _Units, tw: Callable[[np.ndarray, np.ndarray], np.ndarray],
                state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                short: np.ndarray, rng: np.random.Generator, k: int) -> int:
    """One pass of improving swaps for the pairs ``short``; return how many were made.

    ``state`` is (first members, second members, tier weight of each pair, each person's
    pair), all changed in place.
    """
    a, b, cur, pos = state
    end = np.concatenate([a[short], b[short]])
    other = np.concatenate([b[short], a[short]])
    p = np.concatenate([short, short])
    if k >= len(units.pool):
        cand = np.broadcast_to(units.pool, (len(end), len(units.pool)))
    else:
        cand = _candidates(units, end, rng, k)
    q = pos[cand]
    partner = np.where(a[q] == cand, b[q], a[q])
    width = cand.shape[1]
    gain = (tw(np.repeat(end, width), cand.ravel()).reshape(cand.shape)
            + tw(np.repeat(other, width), partner.ravel()).reshape(cand.shape)
            - cur[p][:, None] - cur[q])
    gain = np.where(q == p[:, None], 0, gain)
    col = np.argmax(gain, axis=1)
    best = gain[np.arange(len(end)), col]
    keep = np.flatnonzero(best > 0)
    if not len(keep):
        return 0
    keep = keep[np.argsort(-best[keep], kind="stable")]
    used = np.zeros(len(a), dtype=bool)
    changed = []
    for r in keep.tolist():
        pp, c = int(p[r]), int(col[r])
        qq = int(q[r, c])
        if used[pp] or used[qq]:
            continue
        used[pp] = used[qq] = True
        e, f, w, x = int(end[r]), int(other[r]), int(cand[r, c]), int(partner[r, c])
        a[pp], b[pp], a[qq], b[qq] = e, w, f, x
        pos[[e, w]] = pp
        pos[[f, x]] = qq
        changed += [pp, qq]
    cur[changed] = tw(a[changed], b[changed])
    return len(changed) // 2


def _history_parts(history: pd.DataFrame, index: pd.Index, dept_of: pd.Series,
                   dept_codes: pd.Index) -> dict:
    """Past pairs (with their age), departments met, and trio turns, for the people in index."""
    n = len(index)
    labels = round_labels(history)
    order = {r: k for k, r in enumerate(labels)}
    h = history.assign(k=history["round"].astype(str).map(order).astype("int64"),
                       email=normalise_emails(history["email"].astype(str)))
    pairs = h.merge(h, on=["round", "group", "k"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["email_a"] != pairs["email_b"]]
    ia = index.get_indexer(pairs["email_a"])
    ib = index.get_indexer(pairs["email_b"])
    # Departments met: partner's department, when known.
    pd_code = dept_codes.get_indexer(pairs["email_b"].map(dept_of))
    met = np.zeros((n, max(len(dept_codes), 1)), dtype=bool)
    sel = (ia >= 0) & (pd_code >= 0)
    met[ia[sel], pd_code[sel]] = True
    both = (ia >= 0) & (ib >= 0) & (ia < ib)
    keys = ia[both].astype(np.int64) * n + ib[both]
    last = pairs["k"].to_numpy()[both]
    rep_keys, rep_age = np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    if len(keys):
        frame = pd.DataFrame({"key": keys, "k": last}).groupby("key")["k"].max()
        rep_keys = frame.index.to_numpy(dtype=np.int64)
        rep_age = len(labels) - frame.to_numpy(dtype=np.int64)
    sizes = h.groupby(["round", "group"])["email"].transform("size")
    trio = h[sizes >= 3]
    ti = index.get_indexer(trio["email"])
    trio_count = np.bincount(ti[ti >= 0], minlength=n)
    trio_last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(trio_last, ti[ti >= 0], trio["k"].to_numpy()[ti >= 0])
    return {"met": met, "rep_keys": rep_keys, "rep_age": rep_age, "rounds": len(labels),
            "trio_count": trio_count, "trio_last": trio_last}


def _pair_keys(pairs: Iterable[Sequence[str]], index: pd.Index) -> np.ndarray:
    pairs = [tuple(p) for p in pairs]
    if not pairs:
        return np.array([], dtype=np.int64)
    a = index.get_indexer(normalise_emails(pd.Series([p[0] for p in pairs], dtype=object)))
    b = index.get_indexer(normalise_emails(pd.Series([p[1] for p in pairs], dtype=object)))
    ok = (a >= 0) & (b >= 0)
    lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    return np.unique(lo.astype(np.int64) * len(index) + hi)


def _check_locks(locks: Sequence[Sequence[str]], index: pd.Index, odd: bool) -> list[list[int]]:
    groups, seen = [], set()
    for group in locks:
        members = normalise_emails(pd.Series(list(group), dtype=object)).tolist()
        if len(members) not in (2, 3):
            raise RuleError(f"A locked group must have two or three people; got {members}.")
        pos = index.get_indexer(members)
        unknown = [e for e, p in zip(members, pos, strict=True) if p < 0]
        if unknown:
            raise RuleError(f"Cannot lock {unknown}: not an active participant this round "
                            "(check the e-mail, or that they are not paused).")
        again = sorted(set(members) & seen)
        if again or len(set(members)) < len(members):
            raise RuleError(f"{again or members} would be locked into two groups: unlock one.")
        seen.update(members)
        groups.append(sorted(int(p) for p in pos))
    trios = sum(len(g) == 3 for g in groups)
    if trios > 1 or (trios == 1 and not odd):
        raise RuleError(ONE_TRIO_ONLY)
    return groups


def draw_round(
    participants: pd.DataFrame,
    history: pd.DataFrame | None = None,
    seed: int = 0,
    round_label: str = "next",
    locks: Sequence[Sequence[str]] = (),
    breaks: Sequence[Sequence[str]] = (),
    exclusions: pd.DataFrame | Sequence[Sequence[str]] | None = None,
    method: str = "auto",
) -> pd.DataFrame:
    """Draw one round: every active participant in exactly one pair, or one trio if odd.

    Parameters
    ----------
    participants : pandas.DataFrame
        ``email, department`` and optionally ``name`` and ``paused`` (bool or yes/no);
        paused people are left out this round (their department still counts as met).
    history : pandas.DataFrame, optional
        Earlier rounds, ``round, group, email``, in the order drawn. A round with the same
        label as this one is ignored (so it can be re-drawn).
    seed : int
        The random seed; the same inputs and seed give the same draw in any process.
    round_label : str
        The label of this round (e.g. ``"2026-10"``).
    locks : sequence of sequences of str
        Groups (two or three e-mails) to keep exactly as they are.
    breaks : sequence of pairs of str
        Pairs that must not be drawn together this round.
    exclusions : DataFrame or sequence of pairs, optional
        Pairs never to draw together (``email_a, email_b``), such as
        :func:`toolkit.unmentoring.service.load_exclusions` returns.
    method : {"auto", "exact", "fast"}
        ``exact`` (blossom, best for up to a few hundred people), ``fast`` (greedy plus
        swap repair, for thousands) or ``auto`` (exact up to :data:`EXACT_LIMIT` people).

    Returns
    -------
    pandas.DataFrame
        ``round, group, email``, one row per person, groups numbered from 1.

    Raises
    ------
    RuleError
        If fewer than two people are active, a lock is invalid, or the exclusions leave
        someone without any allowed partner.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org", "d@x.org"],
    ...                        "department": ["Maths", "Maths", "Physics", "Physics"]})
    >>> draw = draw_round(people, seed=1, round_label="2026-10")
    >>> draw.groupby("group")["email"].apply(list).tolist()
    [['a@x.org', 'd@x.org'], ['b@x.org', 'c@x.org']]
    >>> again = draw_round(people, history=draw, seed=1, round_label="2026-11")
    >>> again.groupby("group")["email"].apply(list).tolist()
    [['a@x.org', 'c@x.org'], ['b@x.org', 'd@x.org']]
    """
    if method not in ("auto", "exact", "fast"):
        raise SettingsError(f"The method must be 'auto', 'exact' or 'fast'; got {method!r}.")
    everyone = clean_participants(participants)
    active = everyone[~everyone["paused"]].reset_index(drop=True)
    n = len(active)
    if n < 2:
        raise RuleError(f"Only {n} participant(s) are active this round: a draw needs at least "
                        "two. Check the 'paused' column.")
    index = pd.Index(active["email"].to_numpy(dtype=object))
    folded = fold(everyone["department"])
    dept_codes = pd.Index(sorted(folded.unique()))
    dept_of = pd.Series(folded.to_numpy(), index=everyone["email"].to_numpy())
    if history is None:
        history = empty_draw()
    history = history[history["round"].astype(str) != str(round_label)]
    past = _history_parts(history, index, dept_of, dept_codes)
    ban = [breaks]
    if exclusions is not None:
        ban.append(exclusions[["email_a", "email_b"]].to_numpy().tolist()
                   if isinstance(exclusions, pd.DataFrame) else exclusions)
    scorer = _Scorer(
        n=n, dept=dept_codes.get_indexer(fold(active["department"])).astype(np.int64),
        met=past["met"], rep_keys=past["rep_keys"], rep_age=past["rep_age"],
        ban_keys=np.unique(np.concatenate([_pair_keys(b, index) for b in ban])),
        seed_mix=_mix(np.array([seed & 0xFFFFFFFFFFFF], dtype=np.uint64))[0],
        rounds=past["rounds"],
        turn=past["trio_count"].max(initial=0) - past["trio_count"])
    locked = _check_locks(locks, index, odd=n % 2 == 1)
    taken = np.zeros(n, dtype=bool)
    for g in locked:
        taken[g] = True
    pool = np.flatnonzero(~taken)
    rng = np.random.default_rng(seed)
    use_exact = method == "exact" or (method == "auto" and len(pool) <= EXACT_LIMIT)
    # The exact method sums weights over the whole draw, so each tier must outweigh the lower
    # tiers summed over every pair; the fast method only ever compares a few pairs at a time.
    turns = int(scorer.turn.max(initial=0))
    mult = _multipliers(len(pool) // 2 + 3 if use_exact else 6, past["rounds"], turns=turns)
    groups = [list(g) for g in locked]
    if len(pool) == 0:
        return _as_draw(groups, index, round_label)
    if len(pool) == 1:
        raise RuleError("Everyone else is locked: unlock a group so the last person can join "
                        "it.")
    if len(pool) % 2 == 0:
        units = _Units(scorer, pool, {}, mult)
        pairs = _match_exact(units) if use_exact else _match_fast(units, rng)
        return _as_draw(groups + [list(p) for p in pairs], index, round_label)
    # Odd: one person joins a pair to make the trio (see the module's notes on rotation).
    counts = past["trio_count"]
    noise = _mix(np.arange(n, dtype=np.uint64) ^ scorer.seed_mix)[pool]
    order = pool[np.lexsort((noise, past["trio_last"][pool], counts[pool]))]
    small = len(pool) <= SMALL_POOL
    floor = int(np.sort(counts[pool])[:3].sum())  # the fewest trio turns a trio can have
    phases = [mult]
    if small and use_exact:
        phases.append(_multipliers(len(pool) // 2 + 3, past["rounds"], turns=turns,
                                   turn_first=True))
    best: tuple | None = None
    for phase in phases:
        budget = len(pool) ** 2 if small else 8
        done = False
        for x in order:
            others = pool[pool != x]
            w, ok = _Units(scorer, pool, {}, mult).weight(x, others)
            new = scorer.parts(x, others)["new"]
            # The second member: allowed, new to x, fewest trios so far, then the best weight.
            rank = np.lexsort((-np.where(ok, w, -1).astype(float), counts[others], -new, ~ok))
            for a in others[rank]:
                if budget <= 0 or not ok[others == a][0]:
                    break
                budget -= 1
                rest = pool[pool != a]
                try:
                    pairs = (_match_exact(_Units(scorer, rest, {int(x): int(a)}, phase))
                             if use_exact else
                             _match_fast(_Units(scorer, rest, {int(x): int(a)}, phase), rng))
                except RuleError:
                    continue
                units = _Units(scorer, rest, {int(x): int(a)}, mult)
                trio_w = _Units(scorer, pool, {}, mult).weight(x, a)[0][0]
                total = units.weight(*np.array(pairs).T)[0].sum() + trio_w
                repeats = _count_repeats(scorer, pairs, int(x), int(a))
                third = next(p + q - int(x) for p, q in pairs if int(x) in (p, q))
                key = (repeats > 0, int(counts[x] + counts[a] + counts[third]), repeats,
                       -total)
                if best is None or key < best[0]:
                    best = (key, pairs, int(x), int(a))
                if best[0][:3] == (False, floor, 0):
                    done = True
                    break
            if done or budget <= 0:
                break
        if best is not None and not best[0][0]:
            break  # a repeat-free draw: the turn-first search cannot do better
    if best is None:
        raise RuleError(NO_DRAW_POSSIBLE)
    _, pairs, x, a = best
    out = []
    for p, q in pairs:
        out.append([p, q, a] if x in (p, q) else [p, q])
    return _as_draw(groups + out, index, round_label)


def _count_repeats(scorer: _Scorer, pairs: list[tuple[int, int]], x: int, a: int) -> int:
    groups = [[p, q, a] if x in (p, q) else [p, q] for p, q in pairs]
    left = [g[i] for g in groups for i in range(len(g)) for _ in range(i + 1, len(g))]
    right = [g[j] for g in groups for i in range(len(g)) for j in range(i + 1, len(g))]
    return int((scorer.parts(np.array(left), np.array(right))["new"] == 0).sum())


def _as_draw(groups: list[list[int]], index: pd.Index, round_label: str) -> pd.DataFrame:
    emails = index.to_numpy()
    named = sorted(sorted(str(emails[i]) for i in g) for g in groups)
    rows = [(str(round_label), k, e) for k, g in enumerate(named, start=1) for e in g]
    frame = pd.DataFrame(rows, columns=DRAW_COLUMNS)
    return frame.astype({"round": "str", "group": "int64", "email": "str"})

