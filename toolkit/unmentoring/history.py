"""The history file of UnMentoring rounds (``round, group, email``) and its log of seeds.

The history file keeps every round drawn, one row per person per round, in the order drawn;
a log beside it (``<name>.rounds.csv``: ``round, seed, week, settings, digest``) keeps what
is needed to draw a round again. The contract of the history is just its three columns: a
group label may be any text (``1``, ``A``, ``g1``), and is only compared within its round.

How the two files stay consistent, whatever moment a run is killed at
----------------------------------------------------------------------
Each file is only ever replaced whole, by renaming a finished temporary file over it (one
atomic step of the file system). A round is saved in this order, under the history's lock:

1. the new log is written and renamed into place: every entry that is valid for the current
   history, plus the new round's entry;
2. the new history is written and renamed into place. This rename is the commit point.

Every log entry carries a ``digest`` of the rows of its round (SHA-256 of the sorted
``group<TAB>email`` lines). **Recovery rule on read**: an entry counts only if its round is
in the history and its digest matches that round's rows there (the last such entry wins).
So before the commit the new entry is ignored (its round is absent, or, for a re-drawn
round, its rows differ) and the old entries still match the old history; after it, the new
entry matches. At every instant the log as read holds exactly the seeds of the rounds in the
history as read: never one round behind, never a seed for rows it did not draw. (A log from
an earlier release, without digests, is trusted for the rounds the history has.)

Concurrent writers and killed runs
----------------------------------
Writers take an exclusive lock first (``fcntl.flock`` on a hidden sidecar ``.<name>.lock``,
``msvcrt.locking`` on Windows); the operating system releases it when a process dies, so a
killed run never leaves the history locked. A second writer waits up to
:data:`LOCK_TIMEOUT` seconds and then stops with a message; it re-reads the history under
the lock, so it never loses another writer's round. Whoever takes the lock first removes
temporary files a killed run left (``.<name>.*.tmp``: they hold names and e-mails) and
entries of the log that no longer match, so after the next run no trace of a killed one is
left. A failed write removes its own temporary file and leaves both files as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from glob import escape
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.text import fold, normalise_emails
from toolkit.errors import InputFileError, LifecycleError, SettingsError, StoreError
from toolkit.io.outputs import write_csv_atomic
from toolkit.io.readers import Limits, read_table
from toolkit.unmentoring.draw import DRAW_COLUMNS, empty_draw, round_labels

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None

__all__ = [
    "HISTORY_LIMITS",
    "LOCK_TIMEOUT",
    "ROUNDS_LOG_COLUMNS",
    "append_history",
    "history_lock",
    "history_state",
    "history_summary",
    "lock_path",
    "read_history",
    "read_rounds_log",
    "replace_in_history",
    "round_exists_message",
    "rounds_changed_message",
    "rounds_log_path",
    "settings_text",
    "single_round",
    "sweep_temporaries",
]

#: Columns of the log of rounds kept beside a history file (as :func:`read_rounds_log` gives).
ROUNDS_LOG_COLUMNS = ["round", "seed", "week", "settings"]

#: Seconds a writer waits for another one to finish with the same history before it stops.
LOCK_TIMEOUT = 10.0

_LOG_FILE_COLUMNS = [*ROUNDS_LOG_COLUMNS, "digest"]

#: Locks this process holds: lock file -> [file descriptor, depth] (the lock is re-entrant).
_HELD: dict[str, list[int]] = {}


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


def rounds_changed_message(label: str, where: str) -> str:
    """Return the message for a round refused because its history changed since the draw.

    Examples
    --------
    >>> rounds_changed_message("2026-11", "the store 's.sqlite'")[:49]
    "The store 's.sqlite' changed since round '2026-11"
    """
    return (f"{where[:1].upper()}{where[1:]} changed since round '{label}' was drawn (another "
            "round was saved or replaced, or someone was erased, withdrew or signed up); "
            "nothing was saved. Draw the round again from it as it is now, look through it, "
            "then save.")


def single_round(draw: pd.DataFrame) -> str:
    """Return the label of a draw to save, which must hold exactly one round.

    Raises
    ------
    SettingsError
        If the draw holds no round or several.

    Examples
    --------
    >>> single_round(pd.DataFrame({"round": ["r1", "r1"], "group": [1, 1], "email": ["a", "b"]}))
    'r1'
    """
    labels = round_labels(draw)
    if len(labels) != 1:
        raise SettingsError(f"A draw to save must hold exactly one round; got {labels}.")
    return labels[0]


def settings_text(settings: dict | None) -> str:
    """Return a round's settings as the JSON text kept in the log and the store.

    Examples
    --------
    >>> settings_text({"method": "auto", "breaks": []})
    '{"breaks": [], "method": "auto"}'
    """
    return json.dumps(settings or {}, sort_keys=True, default=str)


def lock_path(history_path: str | Path) -> Path:
    """Return the hidden lock file kept beside a history file while a writer works on it.

    Examples
    --------
    >>> lock_path("draws/history.csv").as_posix()
    'draws/.history.csv.lock'
    """
    path = Path(history_path)
    return path.with_name(f".{path.name}.lock")


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _acquire(lock: Path, timeout: float, history: Path) -> int:
    """Open and lock the lock file, waiting up to ``timeout`` seconds; return its descriptor."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"The history '{history}' cannot be locked for writing ({exc}); "
                             "check the folder can be written to.") from None
        if _try_lock(fd):
            # The holder before us removes the lock file when it is done: a lock taken on a
            # file no longer at that path protects nothing, so take it again.
            if fcntl is None:  # pragma: no cover - Windows never removes an open file
                return fd
            try:
                if os.path.samestat(os.fstat(fd), os.stat(lock)):
                    return fd
            except FileNotFoundError:
                pass
        os.close(fd)
        if time.monotonic() >= deadline:
            raise StoreError(
                f"The history '{history}' is being written by another draw (it has held the "
                f"lock '{lock.name}' for over {timeout:g} s); nothing was changed. Let the "
                "other draw finish, then run this one again.")
        time.sleep(0.05)


def _release(lock: Path, fd: int) -> None:
    try:
        if fcntl is not None:
            lock.unlink(missing_ok=True)  # while still held, so no waiter keeps a stale file
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(fd)


def sweep_temporaries(path: str | Path) -> list[Path]:
    """Remove the hidden temporary files a killed run left beside ``path``; return them.

    Only files named as the toolkit's atomic writer names them (``.<name>.*.tmp``) are
    removed. Call it only while holding the lock that every writer of ``path`` takes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / ".history.csv.x1y2.tmp").write_text("left by a killed run")
    >>> [p.name for p in sweep_temporaries(folder / "history.csv")]
    ['.history.csv.x1y2.tmp']
    """
    path = Path(path)
    if not path.parent.is_dir():
        return []
    removed = []
    for stale in sorted(path.parent.glob(f".{escape(path.name)}.*.tmp")):
        try:
            stale.unlink()
            removed.append(stale)
        except FileNotFoundError:
            pass
    return removed


@contextmanager
def history_lock(path: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the exclusive lock of a history file while reading, drawing and saving a round.

    Re-entrant within a process. On taking it, temporary files a killed run left are removed
    and the log is cleaned of entries that no longer match (see the module's notes).

    Parameters
    ----------
    path : str or Path
        The history file.
    timeout : float, optional
        Seconds to wait for another writer (default :data:`LOCK_TIMEOUT`).

    Raises
    ------
    StoreError
        If another process holds the lock for more than ``timeout`` seconds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
    >>> with history_lock(p):
    ...     lock_path(p).exists()
    True
    >>> lock_path(p).exists()
    False
    """
    path = Path(path)
    lock = lock_path(path)
    key = os.path.abspath(lock)
    held = _HELD.get(key)
    if held is not None:
        held[1] += 1
        try:
            yield path
        finally:
            held[1] -= 1
        return
    fd = _acquire(lock, LOCK_TIMEOUT if timeout is None else timeout, path)
    _HELD[key] = [fd, 1]
    try:
        for target in (path, rounds_log_path(path)):
            sweep_temporaries(target)
        _compact_log(path)
        yield path
    finally:
        del _HELD[key]
        _release(lock, fd)


#: The history file is written by the toolkit and grows by one row per person per round, so it
#: may hold more rows than a form export: a year of a 100,000-person scheme is 1.2 million.
HISTORY_LIMITS = Limits(rows=2_500_000)


def _read_raw(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Read the history's rows as text (labels stripped, e-mails normalised), with row numbers."""
    table = read_table(path, limits=HISTORY_LIMITS)
    folded = {fold(h): h for h in table.headers}
    missing = [c for c in DRAW_COLUMNS if c not in folded]
    if missing:
        raise InputFileError(
            f"The history '{path}' has no column(s) {missing}; it must have the columns "
            f"{DRAW_COLUMNS} (as written by the draw). Its headers are {table.headers}.")
    data = table.data
    raw = pd.DataFrame({
        "round": data[folded["round"]].str.strip().astype("str").to_numpy(),
        "group": data[folded["group"]].str.strip().astype("str").to_numpy(),
        "email": normalise_emails(data[folded["email"]]).astype("str").to_numpy(),
    })
    for column in DRAW_COLUMNS:
        empty = (raw[column] == "").to_numpy()
        if empty.any():
            row = int(table.rows[empty].iloc[0])
            raise InputFileError(f"The history '{path}', row {row}: the {column} is empty. "
                                 "Fill it in, or restore the file from a backup.")
    return raw, table.rows


def _raw_history(path: Path) -> pd.DataFrame:
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in DRAW_COLUMNS})
    return _read_raw(path)[0]


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Give groups as whole numbers when every label is one (and no two of a round merge)."""
    number = pd.to_numeric(raw["group"], errors="coerce")
    whole = bool(len(raw)) and bool((number.notna() & (number % 1 == 0)).all())
    if whole:
        texts = raw[["round", "group"]].drop_duplicates()
        numbers = pd.DataFrame({"round": raw["round"], "n": number}).drop_duplicates()
        whole = len(texts) == len(numbers)
    group = number.astype("int64") if whole else raw["group"].astype("str")
    if not len(raw):
        group = pd.Series([], dtype="int64")
    return pd.DataFrame({"round": raw["round"].astype("str").to_numpy(),
                         "group": group.to_numpy(),
                         "email": raw["email"].astype("str").to_numpy()})


def read_history(path: str | Path) -> pd.DataFrame:
    """Read the draw history (CSV ``round, group, email``); a missing file is an empty history.

    Parameters
    ----------
    path : str or Path
        The history file, one row per person per round, rounds in the order drawn.

    Returns
    -------
    pandas.DataFrame
        Columns ``round`` (text), ``group`` and ``email`` (lower case). The group is a whole
        number (int) when every label in the file is one, otherwise text: any text is a
        group label (``A``, ``g1``), compared only within its round.

    Raises
    ------
    InputFileError
        If the file lacks a column or a cell of one is empty.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "h.csv"
    >>> read_history(p).shape
    (0, 3)
    >>> _ = p.write_text("round,group,email\\nr1,A,a@x.org\\nr1,A,b@x.org\\n")
    >>> read_history(p)["group"].tolist()
    ['A', 'A']
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return empty_draw()
    return _typed(_read_raw(path)[0])


def rounds_log_path(history_path: str | Path) -> Path:
    """Return the path of the log of seeds and settings kept beside a history file.

    Examples
    --------
    >>> rounds_log_path("draws/history.csv").as_posix()
    'draws/history.rounds.csv'
    """
    path = Path(history_path)
    return path.with_name(f"{path.stem}.rounds.csv")


def _digests(raw: pd.DataFrame) -> dict[str, str]:
    """Round label -> digest of its rows (sorted ``group<TAB>email`` lines)."""
    lines = raw["group"].astype(str) + "\t" + raw["email"].astype(str)
    return {str(label): hashlib.sha256("\n".join(sorted(part)).encode("utf-8")).hexdigest()
            for label, part in lines.groupby(raw["round"].astype(str), sort=False)}


def _raw_log(history_path: Path) -> pd.DataFrame:
    log_path = rounds_log_path(history_path)
    if not log_path.exists() or log_path.stat().st_size == 0:
        return pd.DataFrame(columns=_LOG_FILE_COLUMNS, dtype="str")
    table = read_table(log_path)
    folded = {fold(h): h for h in table.headers}
    missing = [c for c in ROUNDS_LOG_COLUMNS if c not in folded]
    if missing:
        raise InputFileError(f"The log of rounds '{log_path}' has no column(s) {missing}; "
                             "restore it from a backup, or remove it (the seeds are then lost).")
    return pd.DataFrame({c: (table.data[folded[c]].astype("str").to_numpy() if c in folded
                             else np.full(len(table.data), "", dtype=object))
                         for c in _LOG_FILE_COLUMNS})


def _valid_log(raw_log: pd.DataFrame, raw_history: pd.DataFrame) -> pd.DataFrame:
    """Apply the recovery rule: per round of the history, the last entry whose digest matches."""
    digests = _digests(raw_history)
    current = raw_log["round"].map(digests)
    legacy = raw_log["digest"] == ""
    ok = current.notna() & (legacy | (raw_log["digest"] == current))
    valid = raw_log[ok.to_numpy()].drop_duplicates("round", keep="last")
    order = {label: k for k, label in enumerate(digests)}
    valid = valid.assign(digest=valid["round"].map(digests))
    return valid.sort_values("round", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True)[_LOG_FILE_COLUMNS]


def _compact_log(path: Path) -> None:
    """Rewrite the log with only its valid entries, if it holds others (under the lock)."""
    raw_log = _raw_log(path)
    if raw_log.empty:
        return
    valid = _valid_log(raw_log, _raw_history(path))
    if valid.astype(str).to_numpy().tolist() != raw_log.astype(str).to_numpy().tolist():
        write_csv_atomic(valid, rounds_log_path(path))


def _state(raw: pd.DataFrame) -> str:
    """Return a fingerprint of every round of a history: labels in order, and their rows."""
    return hashlib.sha256(json.dumps(list(_digests(raw).items())).encode("utf-8")).hexdigest()


def history_state(path: str | Path) -> str:
    """Return a fingerprint of a history file's rounds, for :func:`append_history`'s check.

    It changes whenever a round is added, replaced or has its rows changed (an erasure); a
    missing file has the fingerprint of an empty history.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
    >>> before = history_state(p)
    >>> _ = append_history(p, pd.DataFrame({"round": ["r1"] * 2, "group": [1, 1],
    ...                                     "email": ["a@x.org", "b@x.org"]}))
    >>> before == history_state(p)
    False
    """
    return _state(_raw_history(Path(path)))


def read_rounds_log(history_path: str | Path) -> pd.DataFrame:
    """Read the seeds kept beside a history file: ``round, seed, week, settings``, as text.

    Only entries that match the history's rounds as they are now count (see the module's
    notes), so the log is never behind or ahead of the history. A history without a log
    (rounds saved without a seed) gives an empty log.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> read_rounds_log(pathlib.Path(tempfile.mkdtemp()) / "history.csv").columns.tolist()
    ['round', 'seed', 'week', 'settings']
    """
    path = Path(history_path)
    raw_history = _raw_history(path)  # the history first: its rename is the commit point
    return _valid_log(_raw_log(path), raw_history)[ROUNDS_LOG_COLUMNS]


def _as_written(raw: pd.DataFrame) -> pd.DataFrame:
    """Rows to write: a whole-number label as a number (unquoted), any other label as text."""
    text = raw["group"].astype(str)
    number = pd.to_numeric(text, errors="coerce")
    canonical = number.notna() & (number % 1 == 0)
    canonical &= number.where(canonical, 0).astype("int64").astype(str) == text
    group = pd.Series([int(t) if c else t for t, c in zip(text, canonical, strict=True)],
                      dtype=object, index=raw.index)
    return pd.DataFrame({"round": raw["round"].astype(str), "group": group,
                         "email": raw["email"].astype(str)})[DRAW_COLUMNS]


def append_history(path: str | Path, draw: pd.DataFrame, redraw: bool = False,
                   seed: int | None = None, week: str | None = None,
                   settings: dict | None = None,
                   known_rounds: Sequence[str] | None = None,
                   state: str | None = None) -> Path:
    """Add a drawn round to the history file (and its seed to the log) in one step.

    Under the history's lock, the log and then the history are each rewritten to a
    temporary file and renamed into place; the history's rename commits the round (see the
    module's notes for why the two can never disagree). A failure leaves both as they were.
    A round label that is already there is refused (nothing is touched) unless ``redraw``
    is True, when that round is replaced in place.

    Parameters
    ----------
    path : str or Path
        The history file (created if it does not exist).
    draw : pandas.DataFrame
        One round as returned by :func:`~toolkit.unmentoring.draw.draw_round`.
    redraw : bool
        Replace the round if its label is already in the history.
    seed : int, optional
        The seed the round was drawn with. When given, the seed, week and settings are kept
        in the log beside the history (``<name>.rounds.csv``), so the draw can be repeated.
    week : str, optional
        The week to meet in, for the log.
    settings : dict, optional
        Locks, breaks and method, for the log.
    known_rounds : sequence of str, optional
        The rounds the draw was made from. If the history now holds another round (someone
        saved one since), the round is refused: it was drawn without knowing who met then.
    state : str, optional
        :func:`history_state` when the draw was made: if any round was added, replaced or
        changed since (checked under the lock), the round is refused the same way.

    Returns
    -------
    Path
        The history file.

    Raises
    ------
    LifecycleError
        If the round already exists and ``redraw`` is False, or the history changed since
        the draw was made.
    StoreError
        If the file cannot be written (the history is then unchanged), or another draw
        holds the lock for longer than :data:`LOCK_TIMEOUT` seconds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
    >>> d = pd.DataFrame({"round": ["r1"] * 2, "group": [1, 1], "email": ["a@x.org", "b@x.org"]})
    >>> _ = append_history(p, d, seed=7)
    >>> p.read_text().splitlines()[1]
    '"r1",1,"a@x.org"'
    >>> read_rounds_log(p)[["round", "seed"]].values.tolist()
    [['r1', '7']]
    """
    path = Path(path)
    label = single_round(draw)
    new_rows = pd.DataFrame({
        "round": draw["round"].astype(str).str.strip().to_numpy(),
        "group": draw["group"].astype(str).str.strip().to_numpy(),
        "email": normalise_emails(draw["email"].astype(str)).astype(str).to_numpy()})
    label = label.strip()
    with history_lock(path):
        old = _raw_history(path)
        labels = round_labels(old)
        if known_rounds is not None:
            since = [r for r in labels if r not in set(map(str, known_rounds)) and r != label]
            if since:
                raise LifecycleError(
                    f"The history '{path}' changed since this round was drawn: round(s) "
                    f"{since} were saved meanwhile; nothing was changed. Draw this round "
                    "again so it knows who met in them, then save it.")
        if state is not None and _state(old) != state:
            raise LifecycleError(rounds_changed_message(label, f"the history '{path}'"))
        if label in set(labels):
            if not redraw:
                raise LifecycleError(round_exists_message(label, f"the history '{path}'"))
            parts = [new_rows if r == label else old[old["round"] == r] for r in labels]
        else:
            parts = [old, new_rows]
        new = pd.concat([p for p in parts if not p.empty], ignore_index=True)[DRAW_COLUMNS]
        try:
            log = _valid_log(_raw_log(path), old)
            if seed is not None:
                entry = pd.DataFrame([[label, str(int(seed)), week or "", settings_text(settings),
                                       _digests(new_rows)[label]]], columns=_LOG_FILE_COLUMNS)
                log = pd.concat([log, entry], ignore_index=True)
            if seed is not None or not log.empty:
                write_csv_atomic(log, rounds_log_path(path))
            write_csv_atomic(_as_written(new), path)  # the commit point
        except OSError as exc:
            raise StoreError(
                f"The round '{label}' could not be saved to the history '{path}' ({exc}); the "
                "history is unchanged. Check there is disk space and that the file is not open "
                "in another program, then save again.") from None
        _compact_log(path)
    return path


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


def replace_in_history(path: str | Path, addresses: dict[str, str],
                       scrub: Callable[[object], object] | None = None) -> int:
    """Replace addresses in a history file (and scrub its log of rounds), keeping the seeds.

    Used when a person is erased: their address becomes the anonymous one everywhere in the
    history, and ``scrub`` is applied to the log's text (its settings may name people). The
    log is written first with entries for both the old and the new rows, then the history is
    renamed into place, so a crash at any moment leaves a history whose seeds still count;
    all under the history's lock.

    Returns
    -------
    int
        The number of history rows changed.
    """
    path = Path(path)
    with history_lock(path):
        old = _raw_history(path)
        new = old.copy()
        mapped = new["email"].map(addresses)
        changed = int(mapped.notna().sum())
        new["email"] = mapped.fillna(new["email"])
        log = _valid_log(_raw_log(path), old)
        if not log.empty:
            renewed = log.copy()
            if scrub is not None:
                for column in ("seed", "week", "settings"):
                    renewed[column] = renewed[column].map(scrub)
            renewed["digest"] = renewed["round"].map(_digests(new))
            write_csv_atomic(pd.concat([log, renewed], ignore_index=True),
                             rounds_log_path(path))
        write_csv_atomic(_as_written(new), path)  # the commit point
        _compact_log(path)
    return changed
