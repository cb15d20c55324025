"""The history file of UnMentoring rounds (``round, group, email``) and its log of seeds.

The history file keeps every round drawn, one row per person per round, in the order drawn;
a log beside it (``<name>.rounds.csv``: ``round, seed, week, settings``) keeps what is needed
to draw a round again. Both are rewritten atomically: a failure leaves them as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from toolkit.core.text import fold, normalise_emails
from toolkit.errors import InputFileError, LifecycleError, SettingsError, StoreError
from toolkit.io.outputs import atomic_write
from toolkit.io.readers import read_table
from toolkit.unmentoring.draw import DRAW_COLUMNS, empty_draw, round_labels

__all__ = [
    "ROUNDS_LOG_COLUMNS",
    "append_history",
    "history_summary",
    "read_history",
    "read_rounds_log",
    "round_exists_message",
    "rounds_log_path",
    "settings_text",
    "single_round",
]

#: Columns of the log of rounds kept beside a history file.
ROUNDS_LOG_COLUMNS = ["round", "seed", "week", "settings"]


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
        return empty_draw()
    table = read_table(path)
    folded = {fold(h): h for h in table.headers}
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
        "email": normalise_emails(data[folded["email"]]).astype("str").to_numpy(),
    })



def rounds_log_path(history_path: str | Path) -> Path:
    """Return the path of the log of seeds and settings kept beside a history file.

    Examples
    --------
    >>> rounds_log_path("draws/history.csv").as_posix()
    'draws/history.rounds.csv'
    """
    path = Path(history_path)
    return path.with_name(f"{path.stem}.rounds.csv")


def read_rounds_log(history_path: str | Path) -> pd.DataFrame:
    """Read the log kept beside a history file: ``round, seed, week, settings``, as text.

    A history without a log (rounds saved without a seed) gives an empty log.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> read_rounds_log(pathlib.Path(tempfile.mkdtemp()) / "history.csv").columns.tolist()
    ['round', 'seed', 'week', 'settings']
    """
    log_path = rounds_log_path(history_path)
    if not log_path.exists():
        return pd.DataFrame(columns=ROUNDS_LOG_COLUMNS)
    return pd.read_csv(log_path, dtype=str, keep_default_na=False)


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
        One round as returned by :func:`~toolkit.unmentoring.draw.draw_round`.
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
    StoreError
        If the file cannot be written (the history is then unchanged).

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
    label = single_round(draw)
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
            log = read_rounds_log(path)
            entry = pd.DataFrame([[label, str(int(seed)), week or "", settings_text(settings)]],
                                 columns=ROUNDS_LOG_COLUMNS)
            log = pd.concat([log[log["round"] != label], entry], ignore_index=True)
            atomic_write(rounds_log_path(path),
                         lambda tmp: log.to_csv(tmp, index=False, encoding="utf-8",
                                                lineterminator="\n"))
        return path
    except OSError as exc:
        raise StoreError(
            f"The round '{label}' could not be saved to the history '{path}' ({exc}); the "
            "history is unchanged. Check there is disk space and that the file is not open in "
            "another program, then save again.") from None


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
