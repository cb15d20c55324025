"""Statistics of a draw: repeats of earlier pairings, and a summary that names nobody."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.core.text import fold
from toolkit.unmentoring.draw import clean_participants, empty_draw, round_labels

__all__ = ["draw_statistics", "repeat_pairs"]


def _group_pairs(draw: pd.DataFrame) -> pd.DataFrame:
    """Every pair drawn in the same group (``email_a < email_b``); a trio gives three."""
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
        ``email, department`` (and ``paused``), as for
        :func:`~toolkit.unmentoring.draw.draw_round`.
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
    history = empty_draw() if history is None else history
    people = clean_participants(participants)
    dept = dict(zip(people["email"], fold(people["department"]), strict=True))
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
