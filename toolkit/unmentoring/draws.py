"""UnMentoring draws: each month, pair every active participant with someone they have not met.

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
algorithm (networkx), which is O(n^3). Above that a fast method pairs people greedily by the
same weights (in a seeded random order) and then repairs the draw with improving two-pair swaps
(2-opt) until no swap helps; ``benchmarks/bench_draws.py`` compares it with the exact method.

With an odd count one group of three is formed. Its first member is whoever has been in a
trio least (and longest ago), its second the best new partner for them among those with the
fewest trio turns; the two count as one person in the matching, where the weights also favour
a third member with few trio turns. If that draw still has a repeat, other first and second
members are tried (every choice, for small schemes) and the draw with the fewest repeats
kept. A draw depends only on the participants, the history and the seed: no set order, no
hash seed, no clock.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from toolkit.core.text import EMAIL_PATTERN
from toolkit.errors import (
    InputFileError,
    LifecycleError,
    RowProblemsError,
    RuleError,
    SettingsError,
    StoreError,
)
from toolkit.intake.signups import HEADER_VARIANTS
from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.outputs import atomic_write
from toolkit.io.problems import collect_problems, problem_rows
from toolkit.io.readers import read_table
from toolkit.store.connection import query
from toolkit.store.pairs import load_pairs
from toolkit.store.people import load_people

if TYPE_CHECKING:
    from toolkit.store.connection import Store

__all__ = [
    "DRAW_COLUMNS",
    "EXACT_LIMIT",
    "ROUNDS_LOG_COLUMNS",
    "append_history",
    "default_seed",
    "draw_round",
    "draw_statistics",
    "history_summary",
    "load_history",
    "participant_summary",
    "read_history",
    "read_participants",
    "repeat_pairs",
    "round_exists_message",
    "round_labels",
    "rounds_log_path",
    "save_draw_to_store",
    "store_exclusions",
    "store_history",
    "store_rounds",
    "validate_participants",
]

#: Columns of a draw and of the history file: one row per person per round.
DRAW_COLUMNS = ["round", "group", "email"]

#: Columns of the log of rounds kept beside a history file.
ROUNDS_LOG_COLUMNS = ["round", "seed", "week", "settings"]

#: Up to this many people to pair, the exact blossom algorithm is used (method "auto").
EXACT_LIMIT = 150

PARTICIPANT_FIELDS = ("name", "email", "department", "paused")
PARTICIPANT_REQUIRED = ("name", "email", "department")
PARTICIPANT_VARIANTS: dict[str, tuple[str, ...]] = {
    **{k: HEADER_VARIANTS[k] for k in ("name", "email", "department")},
    "paused": ("paused", "pause", "pause this month", "skip this month", "sitting out",
               "on pause", "away this month", "skip", "paused this month", "on hold"),
}
_PAUSED_VALUES = {
    "": False, "no": False, "n": False, "false": False, "0": False, "active": False,
    "yes": True, "y": True, "true": True, "1": True, "paused": True, "pause": True,
    "skip": True, "x": True, "on hold": True,
}
_NOISE_LEVELS = 256


def round_exists_message(label: str, where: str) -> str:
    """Return the message for a refused draw of a round label that already exists.

    Examples
    --------
    >>> round_exists_message("2026-10", "'history.csv'")[:38]
    "Round '2026-10' is already drawn in 'h"
    """
    return (
        f"Round '{label}' is already drawn in {where}; nothing was changed. Give the new "
        "round its own label (e.g. the next month), or re-draw that round on purpose "
        "with --redraw (the notebook: tick 'replace this round')."
    )


# -- participants ----------------------------------------------------------------------------
def validate_participants(table: object, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Map and check an UnMentoring sign-up table read by :func:`~toolkit.io.readers.read_table`.

    Parameters
    ----------
    table : Table
        The sign-up list as read (CSV or XLSX).
    mapping : dict, optional
        Field -> header for lists whose headers the toolkit does not recognise; the fields
        are ``name, email, department`` and the optional ``paused`` (yes/no).

    Returns
    -------
    pandas.DataFrame
        Columns ``row, name, email, department, paused`` (bool), sorted by e-mail.

    Raises
    ------
    RowProblemsError
        Listing every row with a missing or invalid value, or a repeated e-mail.
    InputFileError
        If a required column is missing.
    """
    source = f"'{table.source}'"
    columns = find_columns(table.headers, mapping, table.question_text, source,
                           fields=PARTICIPANT_FIELDS, required=PARTICIPANT_REQUIRED,
                           variants=PARTICIPANT_VARIANTS)
    if table.data.empty:
        raise InputFileError(f"{source} has a header row but nobody below it: export the "
                             "sign-up list again once people have joined.")
    rows = table.rows.to_numpy()
    cols = {f: (table.data[columns[f]].fillna("").str.strip().to_numpy(dtype=object)
                if f in columns else np.full(len(rows), "", dtype=object))
            for f in PARTICIPANT_FIELDS}
    email = np.array([e.casefold() for e in cols["email"]], dtype=object)
    paused_key = pd.Series(cols["paused"], dtype=object).str.casefold()
    paused = paused_key.map(_PAUSED_VALUES)
    found: list[pd.DataFrame] = []

    def add(mask: np.ndarray, field: str, problem: str) -> None:
        found.append(problem_rows(pd.Series(rows), mask, field, pd.Series(cols[field]), problem))

    for f in PARTICIPANT_REQUIRED:
        add(cols[f] == "", f, f"The {f} is empty: fill it in (column '{columns[f]}').")
    bad = np.array([e != "" and not EMAIL_PATTERN.match(e) for e in email], dtype=bool)
    add(bad, "email", "This is not an e-mail address: write it as name@example.org.")
    dup = pd.Series(email).duplicated(keep=False).to_numpy() & (email != "")
    add(dup, "email", "The same person (same e-mail) is listed more than once: keep one row.")
    add(paused.isna().to_numpy(), "paused",
        "Write 'yes' if the person sits out this month, or 'no' (or leave it empty).")
    # Within a row, problems are listed by field name (alphabetically).
    problems = collect_problems(found, sorted(PARTICIPANT_FIELDS))
    if not problems.empty:
        raise RowProblemsError(
            f"{source} has {len(problems)} problem(s) on {problems['row'].nunique()} row(s): "
            "fix them in the sign-up list and draw again (nobody is left out silently).",
            problems)
    people = pd.DataFrame({
        "row": rows.astype("int64"),
        "name": cols["name"],
        "email": email,
        "department": [" ".join(d.split()) for d in cols["department"]],
        "paused": paused.to_numpy(dtype=bool),
    })
    people[["name", "email", "department"]] = people[["name", "email", "department"]].astype(
        "str")
    return people.sort_values("email", kind="stable").reset_index(drop=True)


def read_participants(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                      sheet: str | None = None) -> pd.DataFrame:
    """Read an UnMentoring sign-up list (CSV or XLSX) and check every row.

    Parameters
    ----------
    path : str or Path
        The list: ``name, email, department`` and optionally ``paused`` (yes/no).
    mapping : dict, str or Path, optional
        Field -> header, or a JSON file holding that object.
    sheet : str, optional
        The worksheet of an XLSX file.

    Returns
    -------
    pandas.DataFrame
        Columns ``row, name, email, department, paused``, sorted by e-mail.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "coffee.csv"
    >>> _ = p.write_text("Name,Email,Department,Paused\\nAda,ADA@example.org,Maths,no\\n"
    ...                  "Bo,bo@example.org,Physics,yes\\n", encoding="utf-8")
    >>> read_participants(p)[["email", "paused"]].values.tolist()
    [['ada@example.org', False], ['bo@example.org', True]]
    """
    if mapping is not None and not isinstance(mapping, dict):
        mapping = read_mapping(mapping)
    return validate_participants(read_table(path, sheet=sheet), mapping)


def _clean_participants(participants: pd.DataFrame) -> pd.DataFrame:
    """Normalise a participants frame given by a caller (e-mail key, bool paused)."""
    missing = [c for c in ("email", "department") if c not in participants.columns]
    if missing:
        raise InputFileError(f"The participants have no column(s) {missing}: they need at "
                             "least 'email' and 'department' (and optionally 'name', 'paused').")
    frame = pd.DataFrame({
        "email": participants["email"].astype(str).str.strip().str.casefold().to_numpy(),
        "department": participants["department"].astype(str).str.strip().to_numpy(),
        "name": (participants["name"].astype(str).to_numpy() if "name" in participants
                 else participants["email"].astype(str).to_numpy()),
    })
    paused = participants["paused"] if "paused" in participants else pd.Series(
        False, index=participants.index)
    if not pd.api.types.is_bool_dtype(paused):
        paused = paused.fillna("").astype(str).str.strip().str.casefold().map(_PAUSED_VALUES)
        paused = paused.fillna(False)
    frame["paused"] = paused.to_numpy(dtype=bool)
    dup = frame["email"].duplicated(keep=False)
    if dup.any():
        raise RuleError(f"These e-mails are listed more than once: "
                        f"{sorted(frame.loc[dup, 'email'].unique())}. Keep one row each.")
    return frame.sort_values("email", kind="stable").reset_index(drop=True)


# -- history ---------------------------------------------------------------------------------
def _empty_draw() -> pd.DataFrame:
    return pd.DataFrame({"round": pd.Series([], dtype="str"),
                         "group": pd.Series([], dtype="int64"),
                         "email": pd.Series([], dtype="str")})


def read_history(path: str | Path) -> pd.DataFrame:
    """Read the draw history (CSV ``round, group, email``); a missing file is an empty history.

    Parameters
    ----------
    path : str or Path
        The history file, one row per person per round, rounds in the order drawn.

    Returns
    -------
    pandas.DataFrame
        Columns ``round`` (text), ``group`` (int), ``email`` (lower case).

    Raises
    ------
    InputFileError
        If the file lacks a column or a group number is not a whole number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> read_history(pathlib.Path(tempfile.mkdtemp()) / "none.csv").shape
    (0, 3)
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return _empty_draw()
    table = read_table(path)
    folded = {h.strip().casefold(): h for h in table.headers}
    missing = [c for c in DRAW_COLUMNS if c not in folded]
    if missing:
        raise InputFileError(
            f"The history '{path}' has no column(s) {missing}; it must have the columns "
            f"{DRAW_COLUMNS} (as written by the draw). Its headers are {table.headers}.")
    data = table.data
    group = pd.to_numeric(data[folded["group"]].str.strip(), errors="coerce")
    bad = group.isna() | (group % 1 != 0)
    if bad.any():
        row = int(table.rows[bad.to_numpy()].iloc[0])
        raise InputFileError(f"The history '{path}', row {row}: the group must be a whole "
                             "number. Correct it, or restore the file from a backup.")
    return pd.DataFrame({
        "round": data[folded["round"]].str.strip().astype("str").to_numpy(),
        "group": group.astype("int64").to_numpy(),
        "email": data[folded["email"]].str.strip().str.casefold().astype("str").to_numpy(),
    })


def round_labels(history: pd.DataFrame) -> list[str]:
    """Return the round labels of a history in the order they were drawn (first appearance).

    Examples
    --------
    >>> h = pd.DataFrame({"round": ["b", "b", "a"], "group": [1, 1, 1], "email": ["x", "y", "z"]})
    >>> round_labels(h)
    ['b', 'a']
    """
    return [str(r) for r in pd.unique(history["round"].astype(str))]


def rounds_log_path(history_path: str | Path) -> Path:
    """Return the path of the log of seeds and settings kept beside a history file.

    Examples
    --------
    >>> rounds_log_path("draws/history.csv").as_posix()
    'draws/history.rounds.csv'
    """
    path = Path(history_path)
    return path.with_name(f"{path.stem}.rounds.csv")


def append_history(path: str | Path, draw: pd.DataFrame, redraw: bool = False,
                   seed: int | None = None, week: str | None = None,
                   settings: dict | None = None) -> Path:
    """Add a drawn round to the history file in one atomic write.

    The file is rewritten to a temporary file beside it and renamed over it, so a failure
    leaves the old history exactly as it was. A round label that is already there is refused
    (the file is not touched) unless ``redraw`` is True, when that round is replaced in place.

    Parameters
    ----------
    path : str or Path
        The history file (created if it does not exist).
    draw : pandas.DataFrame
        One round as returned by :func:`draw_round`.
    redraw : bool
        Replace the round if its label is already in the history.
    seed : int, optional
        The seed the round was drawn with. When given, the seed, week and settings are kept
        in a log beside the history (``<name>.rounds.csv``: ``round, seed, week, settings``),
        so the draw can be repeated.
    week : str, optional
        The week to meet in, for the log.
    settings : dict, optional
        Locks, breaks and method, for the log.

    Returns
    -------
    Path
        The history file.

    Raises
    ------
    LifecycleError
        If the round already exists and ``redraw`` is False.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
    >>> d = pd.DataFrame({"round": ["r1"] * 2, "group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> _ = append_history(p, d)
    >>> p.read_text().splitlines()[1]
    'r1,1,a@x.org'
    """
    path = Path(path)
    labels = round_labels(draw)
    if len(labels) != 1:
        raise SettingsError(f"A draw to save must hold exactly one round; got {labels}.")
    label = labels[0]
    old = read_history(path)
    if label in set(round_labels(old)):
        if not redraw:
            raise LifecycleError(round_exists_message(label, f"the history '{path}'"))
        parts = [draw[DRAW_COLUMNS] if r == label else old[old["round"] == r]
                 for r in round_labels(old)]
    else:
        parts = [old, draw[DRAW_COLUMNS]]
    new = pd.concat([p for p in parts if not p.empty], ignore_index=True)[DRAW_COLUMNS]
    try:
        atomic_write(path, lambda tmp: new.to_csv(tmp, index=False, encoding="utf-8",
                                                  lineterminator="\n"))
        if seed is not None:
            log_path = rounds_log_path(path)
            log = (pd.read_csv(log_path, dtype=str, keep_default_na=False)
                   if log_path.exists() else pd.DataFrame(columns=ROUNDS_LOG_COLUMNS))
            entry = pd.DataFrame([[label, str(int(seed)), week or "",
                                   json.dumps(settings or {}, sort_keys=True, default=str)]],
                                 columns=ROUNDS_LOG_COLUMNS)
            log = pd.concat([log[log["round"] != label], entry], ignore_index=True)
            atomic_write(log_path, lambda tmp: log.to_csv(tmp, index=False, encoding="utf-8",
                                                          lineterminator="\n"))
        return path
    except OSError as exc:
        raise StoreError(
            f"The round '{label}' could not be saved to the history '{path}' ({exc}); the "
            "history is unchanged. Check there is disk space and that the file is not open in "
            "another program, then save again.") from None


# -- store -----------------------------------------------------------------------------------
def store_history(store: Store) -> pd.DataFrame:
    """Return every round saved in a store as ``round, group, email``, in the order drawn."""
    frame = query(store,
        "SELECT d.round, d.grp AS \"group\", d.email FROM draws d JOIN draw_rounds r "
        "ON r.round = d.round ORDER BY r.rowid, d.grp, d.email")
    if frame.empty:
        return _empty_draw()
    return frame.astype({"round": "str", "group": "int64", "email": "str"})


def load_history(history: str | Path | None = None,
                 store: str | Path | None = None) -> pd.DataFrame:
    """Return the earlier rounds from a history file or a scheme store (give one of them).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> load_history(history=pathlib.Path(tempfile.mkdtemp()) / "history.csv").empty
    True
    """
    if (history is None) == (store is None):
        raise SettingsError("Give either a history file or a scheme store (not both) so "
                            "earlier rounds are known.")
    if history is not None:
        return read_history(history)
    from toolkit.store.connection import Store

    with Store(store) as opened:
        return store_history(opened)


def store_rounds(store: Store) -> pd.DataFrame:
    """Return the saved rounds (``round, seed, week, settings, created_at``), oldest first."""
    return query(store, "SELECT round, seed, week, settings, created_at FROM draw_rounds "
                       "ORDER BY rowid")


def save_draw_to_store(store: Store, draw: pd.DataFrame, seed: int, week: str | None = None,
                       settings: dict | None = None, redraw: bool = False) -> str:
    """Save a drawn round (with its seed, week and settings) in one transaction.

    Parameters
    ----------
    store : Store
        The scheme store.
    draw : pandas.DataFrame
        One round as returned by :func:`draw_round`.
    seed : int
        The seed the round was drawn with (kept so the draw can be repeated).
    week : str, optional
        The week to meet in.
    settings : dict, optional
        Anything else needed to repeat the draw (locks, breaks, method).
    redraw : bool
        Replace the round if its label is already saved.

    Returns
    -------
    str
        The round label.

    Raises
    ------
    LifecycleError
        If the round already exists and ``redraw`` is False (nothing is written).
    """
    from toolkit.store.connection import now_utc

    labels = round_labels(draw)
    if len(labels) != 1:
        raise SettingsError(f"A draw to save must hold exactly one round; got {labels}.")
    label = labels[0]
    with store.transaction() as conn:
        exists = conn.execute("SELECT 1 FROM draw_rounds WHERE round = ?", (label,)).fetchone()
        if exists and not redraw:
            raise LifecycleError(round_exists_message(label, f"the store '{store.path}'"))
        conn.execute("DELETE FROM draws WHERE round = ?", (label,))
        conn.execute(
            "INSERT INTO draw_rounds (round, seed, week, settings, created_at) VALUES "
            "(?, ?, ?, ?, ?) ON CONFLICT(round) DO UPDATE SET seed = excluded.seed, "
            "week = excluded.week, settings = excluded.settings",
            (label, int(seed), week, json.dumps(settings or {}, sort_keys=True, default=str),
             now_utc()))
        conn.executemany("INSERT INTO draws (round, grp, email) VALUES (?, ?, ?)",
                         [(label, int(g), str(e)) for g, e in
                          zip(draw["group"], draw["email"], strict=True)])
    return label


def store_exclusions(store: Store, emails: Iterable[str] | None = None) -> pd.DataFrame:
    """List the pairs never to draw together: mentee with mentor, and line-management chains.

    Mentoring and coaching pairs come from the store's pairs table (any status: someone's
    former mentor is still not a random colleague); line
    management from the people table, followed up the chain (see
    :func:`toolkit.core.management.ancestors`).

    Parameters
    ----------
    store : Store
        The scheme store.
    emails : iterable of str, optional
        Keep only pairs in which both people are among these.

    Returns
    -------
    pandas.DataFrame
        Columns ``email_a, email_b, reason``.
    """
    from toolkit.core.management import ancestors

    pairs = load_pairs(store)
    people = load_people(store)
    frames = [pd.DataFrame({"email_a": pairs["mentee_email"].astype(str).str.casefold(),
                            "email_b": pairs["mentor_email"].astype(str).str.casefold(),
                            "reason": pairs["scheme"].astype(str) + " pair"})]
    chain = ancestors(dict(zip(people["email"].astype(str),
                               people["line_manager_email"].fillna("").astype(str),
                               strict=True)))
    frames.append(pd.DataFrame({"email_a": chain["person"], "email_b": chain["manager"],
                                "reason": "line management"}))
    out = pd.concat(frames, ignore_index=True)
    if emails is not None:
        keep = set(map(str, emails))
        out = out[out["email_a"].isin(keep) & out["email_b"].isin(keep)]
    return out.drop_duplicates(["email_a", "email_b"]).reset_index(drop=True)


# -- the engine ------------------------------------------------------------------------------
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


def _multipliers(terms: int, rounds: int, noise: bool = True, turns: int = 0) -> dict[str, int]:
    """Tier multipliers so that each tier outweighs the sum of all lower tiers over ``terms``.

    From the top: new pair, age of a repeat, the trio's third member's turn (fewest trios so
    far), different departments, new to each other's departments, noise.
    """
    top_noise = _NOISE_LEVELS - 1 if noise else 0
    m = {"noise": 1 if noise else 0}
    m["fresh"] = terms * top_noise + 1
    below = 2 * m["fresh"] + top_noise
    m["cross"] = terms * below + 1
    below += m["cross"]
    m["turn"] = terms * below + 1
    below += turns * m["turn"]
    m["age"] = terms * below + 1
    below += rounds * m["age"]
    m["new"] = terms * below + 1
    return m


def _weights(parts: dict[str, np.ndarray], mult: dict[str, int]) -> np.ndarray:
    big = mult["new"] * 4 > np.iinfo(np.int64).max // 4
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
        raise RuleError(_impossible_message())
    return sorted((int(pool[min(a, b)]), int(pool[max(a, b)])) for a, b in matching)


def _impossible_message() -> str:
    return ("No draw can put everyone in a group: the exclusions (mentoring pairs, line "
            "management, broken pairs) leave someone with nobody to meet. Unlock or un-break "
            "some pairs, or pause one of the people concerned this month.")


def _match_fast(units: _Units, rng: np.random.Generator,
                max_passes: int = 8) -> list[tuple[int, int]]:
    pool = units.pool
    n = units.s.n
    free = np.zeros(n, dtype=bool)
    free[pool] = True
    a_list, b_list = [], []
    for i in pool[rng.permutation(len(pool))]:
        if not free[i]:
            continue
        free[i] = False
        cand = np.flatnonzero(free)
        w, ok = units.weight(i, cand)
        w = np.where(ok, w, w - units.mult["new"] * 8)
        j = int(cand[int(np.argmax(w))])
        free[j] = False
        a_list.append(int(i))
        b_list.append(j)
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
    for _ in range(max_passes):
        cur = tw(a, b)
        improved = False
        for p in np.argsort(cur, kind="stable"):
            if cur[p] >= best_one * (1 + (units.mate[a[p]] >= 0) + (units.mate[b[p]] >= 0)):
                continue
            u, v = a[p], b[p]
            g1 = tw(u, a) + tw(v, b) - cur - cur[p]
            g2 = tw(u, b) + tw(v, a) - cur - cur[p]
            g1[p] = g2[p] = -1
            q1, q2 = int(np.argmax(g1)), int(np.argmax(g2))
            if max(g1[q1], g2[q2]) <= 0:
                continue
            improved = True
            if g1[q1] >= g2[q2]:
                q = q1
                a[p], b[p], a[q], b[q] = u, a[q], v, b[q]
            else:
                q = q2
                a[p], b[p], a[q], b[q] = u, b[q], v, a[q]
            cur[p], cur[q] = tw(a[p], b[p])[0], tw(a[q], b[q])[0]
        if not improved:
            break
    _, ok = units.weight(a, b)
    if not ok.all():
        raise RuleError(_impossible_message())
    return sorted((int(min(x, y)), int(max(x, y))) for x, y in zip(a, b, strict=True))


def _history_parts(history: pd.DataFrame, index: pd.Index, dept_of: pd.Series,
                   dept_codes: pd.Index) -> dict:
    """Past pairs (with their age), departments met, and trio turns, for the people in index."""
    n = len(index)
    labels = round_labels(history)
    order = {r: k for k, r in enumerate(labels)}
    h = history.assign(k=history["round"].astype(str).map(order).astype("int64"),
                       email=history["email"].astype(str).str.strip().str.casefold())
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
    pairs = [tuple(str(e).strip().casefold() for e in p) for p in pairs]
    if not pairs:
        return np.array([], dtype=np.int64)
    a = index.get_indexer([p[0] for p in pairs])
    b = index.get_indexer([p[1] for p in pairs])
    ok = (a >= 0) & (b >= 0)
    lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    return np.unique(lo.astype(np.int64) * len(index) + hi)


def _check_locks(locks: Sequence[Sequence[str]], index: pd.Index, odd: bool) -> list[list[int]]:
    groups, seen = [], set()
    for group in locks:
        members = [str(e).strip().casefold() for e in group]
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
        raise RuleError("Only one group of three is formed, and only when the number of people "
                        "is odd: lock that trio as a pair instead.")
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
        Pairs never to draw together (``email_a, email_b``), e.g. :func:`store_exclusions`.
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
    everyone = _clean_participants(participants)
    active = everyone[~everyone["paused"]].reset_index(drop=True)
    n = len(active)
    if n < 2:
        raise RuleError(f"Only {n} participant(s) are active this round: a draw needs at least "
                        "two. Check the 'paused' column.")
    index = pd.Index(active["email"].to_numpy(dtype=object))
    folded = everyone["department"].str.casefold().str.split().str.join(" ")
    dept_codes = pd.Index(sorted(folded.unique()))
    dept_of = pd.Series(folded.to_numpy(), index=everyone["email"].to_numpy())
    if history is None:
        history = _empty_draw()
    history = history[history["round"].astype(str) != str(round_label)]
    past = _history_parts(history, index, dept_of, dept_codes)
    ban = [breaks]
    if exclusions is not None:
        ban.append(exclusions[["email_a", "email_b"]].to_numpy().tolist()
                   if isinstance(exclusions, pd.DataFrame) else exclusions)
    scorer = _Scorer(
        n=n, dept=dept_codes.get_indexer(active["department"].str.casefold().str.split()
                                         .str.join(" ")).astype(np.int64),
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
    # Odd: one person joins a pair. Try trio seeds in rotation order (fewest trios so far,
    # longest ago, then by chance) until a repeat-free draw is found, within a budget.
    noise = _mix(np.arange(n, dtype=np.uint64) ^ scorer.seed_mix)[pool]
    order = pool[np.lexsort((noise, past["trio_last"][pool], past["trio_count"][pool]))]
    budget = len(pool) ** 2 if len(pool) <= 16 else (8 if use_exact else 2)
    best: tuple | None = None
    for x in order:
        others = pool[pool != x]
        w, ok = _Units(scorer, pool, {}, mult).weight(x, others)
        new = scorer.parts(x, others)["new"]
        # The second member: allowed, new to x, fewest trios so far, then the best weight.
        rank = np.lexsort((-np.where(ok, w, -1).astype(float), past["trio_count"][others],
                           -new, ~ok))
        for a in others[rank]:
            if budget <= 0 or not ok[others == a][0]:
                break
            budget -= 1
            units = _Units(scorer, pool[pool != a], {int(x): int(a)}, mult)
            try:
                pairs = _match_exact(units) if use_exact else _match_fast(units, rng)
            except RuleError:
                continue
            trio_w = _Units(scorer, pool, {}, mult).weight(x, a)[0][0]
            total = units.weight(*np.array(pairs).T)[0].sum() + trio_w
            repeats = _count_repeats(scorer, pairs, int(x), int(a))
            if best is None or (repeats, -total) < (best[0], -best[1]):
                best = (repeats, total, pairs, int(x), int(a))
            if repeats == 0:
                break
        if best is not None and (best[0] == 0 or budget <= 0):
            break
    if best is None:
        raise RuleError(_impossible_message())
    _, _, pairs, x, a = best
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


# -- reporting -------------------------------------------------------------------------------
def participant_summary(participants: pd.DataFrame) -> pd.DataFrame:
    """Count the sign-ups by department: active this round and paused (no names).

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a", "b", "c"], "department": ["M", "M", "P"],
    ...                        "paused": [False, True, False]})
    >>> participant_summary(people).to_numpy().tolist()
    [['M', 1, 1], ['P', 1, 0], ['All departments', 2, 1]]
    """
    people = _clean_participants(participants)
    counts = (people.assign(active=~people["paused"])
              .groupby("department", sort=True)[["active", "paused"]].sum()
              .astype("int64").reset_index())
    total = pd.DataFrame({"department": ["All departments"],
                          "active": [int(counts["active"].sum())],
                          "paused": [int(counts["paused"].sum())]})
    return pd.concat([counts, total], ignore_index=True)


def history_summary(history: pd.DataFrame) -> pd.DataFrame:
    """Summarise earlier rounds, oldest first: people, pairs and trios per round (no names).

    Examples
    --------
    >>> h = pd.DataFrame({"round": ["r1"] * 5, "group": [1, 1, 2, 2, 2],
    ...                   "email": list("abcde")})
    >>> history_summary(h).to_numpy().tolist()
    [['r1', 5, 1, 1]]
    """
    columns = ["round", "people", "pairs", "trios"]
    if history.empty:
        return pd.DataFrame(columns=columns)
    sizes = history.groupby(["round", "group"], sort=False).size().reset_index(name="size")
    out = sizes.groupby("round", sort=False).agg(
        people=("size", "sum"), pairs=("size", lambda s: int((s == 2).sum())),
        trios=("size", lambda s: int((s == 3).sum()))).reset_index()
    order = {r: k for k, r in enumerate(round_labels(history))}
    out = out.sort_values("round", key=lambda s: s.map(order)).reset_index(drop=True)
    return out[columns].astype({"people": "int64", "pairs": "int64", "trios": "int64"})



def _group_pairs(draw: pd.DataFrame) -> pd.DataFrame:
    d = draw[["round", "group", "email"]].astype({"email": str, "round": str})
    pairs = d.merge(d, on=["round", "group"], suffixes=("_a", "_b"))
    return pairs[pairs["email_a"] < pairs["email_b"]].reset_index(drop=True)


def repeat_pairs(draw: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """List the pairs in a draw that were drawn together before, with the last round they met.

    This names people: it is for the lead, never for a report.

    Examples
    --------
    >>> h = pd.DataFrame({"round": ["r1", "r1"], "group": [1, 1], "email": ["a", "b"]})
    >>> d = pd.DataFrame({"round": ["r2", "r2"], "group": [1, 1], "email": ["a", "b"]})
    >>> repeat_pairs(d, h).values.tolist()
    [['a', 'b', 'r1']]
    """
    label = set(round_labels(draw))
    past = history[~history["round"].astype(str).isin(label)]
    order = {r: k for k, r in enumerate(round_labels(past))}
    before = _group_pairs(past)
    before = before.assign(k=before["round"].map(order)).sort_values("k")
    before = before.drop_duplicates(["email_a", "email_b"], keep="last")
    now = _group_pairs(draw)[["email_a", "email_b"]]
    out = now.merge(before[["email_a", "email_b", "round"]], on=["email_a", "email_b"])
    return out.rename(columns={"round": "last_round"}).reset_index(drop=True)


def draw_statistics(draw: pd.DataFrame, participants: pd.DataFrame,
                    history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Summarise a draw without naming anyone: sizes, cross-department share, repeats, trio.

    Parameters
    ----------
    draw : pandas.DataFrame
        One round (``round, group, email``).
    participants : pandas.DataFrame
        ``email, department`` (and ``paused``), as for :func:`draw_round`.
    history : pandas.DataFrame, optional
        Earlier rounds.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure, value``.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a", "b", "c"], "department": ["M", "P", "P"]})
    >>> d = pd.DataFrame({"round": ["r"] * 3, "group": [1, 1, 1], "email": ["a", "b", "c"]})
    >>> s = draw_statistics(d, people).set_index("measure")["value"]
    >>> s["groups"], s["trios"], s["groups mixing departments (%)"]
    (1, 1, 0.0)
    """
    history = _empty_draw() if history is None else history
    people = _clean_participants(participants)
    dept = dict(zip(people["email"], people["department"].str.casefold(), strict=True))
    pairs = _group_pairs(draw)
    same = pairs["email_a"].map(dept) == pairs["email_b"].map(dept)
    mixed_groups = 1 - same.groupby(pairs["group"]).any().mean() if len(pairs) else 0.0
    sizes = draw.groupby("group").size()
    repeats = repeat_pairs(draw, history)
    past = history[~history["round"].astype(str).isin(set(round_labels(draw)))]
    seen = set(past["email"].astype(str))
    trio_members = draw[draw["group"].isin(sizes[sizes == 3].index)]["email"].astype(str)
    past_sizes = past.groupby(["round", "group"])["email"].transform("size")
    past_trio = set(past[past_sizes >= 3]["email"].astype(str))
    # Departments each person has met in earlier rounds (partners' departments, when known).
    before = _group_pairs(past)
    met = set()
    for own, other in (("email_a", "email_b"), ("email_b", "email_a")):
        depts = before[other].map(dept)
        keep = depts.notna()
        met.update(zip(before.loc[keep, own], depts[keep], strict=True))
    fresh = [(a, dept.get(b)) not in met and (b, dept.get(a)) not in met
             for a, b in zip(pairs["email_a"], pairs["email_b"], strict=True)]
    rows = [
        ("people drawn", len(draw)),
        ("paused this round", int(people["paused"].sum())),
        ("newcomers (no earlier round)", int((~draw["email"].astype(str).isin(seen)).sum())),
        ("groups", len(sizes)),
        ("pairs", int((sizes == 2).sum())),
        ("trios", int((sizes == 3).sum())),
        ("groups mixing departments (%)", round(100 * float(mixed_groups), 1)),
        ("pairs of colleagues from different departments (%)",
         round(100 * float((~same).mean()), 1) if len(pairs) else 0.0),
        ("pairs new to each other's departments (%)",
         round(100 * float(np.mean(fresh)), 1) if len(pairs) else 0.0),
        ("repeats of an earlier pairing", len(repeats)),
        ("trio members who were in a trio before", int(trio_members.isin(past_trio).sum())),
    ]
    return pd.DataFrame({"measure": [m for m, _ in rows],
                         "value": pd.Series([v for _, v in rows], dtype=object)})
