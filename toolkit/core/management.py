"""Line management: who manages whom, directly or up the chain."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["ancestors", "chain_mask"]


def ancestors(manager_of: Mapping[str, str]) -> pd.DataFrame:
    """List every (person, manager above them) pair, following the chain transitively.

    Parameters
    ----------
    manager_of : mapping of str to str
        Each person's direct line manager (e-mail to e-mail); empty values mean none.

    Returns
    -------
    pandas.DataFrame
        Columns ``person, manager, depth`` (1 = direct line manager), sorted. A cycle is
        followed once round and stops.

    Examples
    --------
    >>> ancestors({"a": "b", "b": "c", "c": ""}).values.tolist()
    [['a', 'b', 1], ['a', 'c', 2], ['b', 'c', 1]]
    """
    boss = {p: m for p, m in manager_of.items() if m and m != p}
    people, managers, depths = [], [], []
    for person in sorted(boss):
        seen = {person}
        node, depth = boss.get(person), 1
        while node and node not in seen:
            people.append(person)
            managers.append(node)
            depths.append(depth)
            seen.add(node)
            node, depth = boss.get(node), depth + 1
    return pd.DataFrame({"person": people, "manager": managers, "depth": depths},
                        columns=["person", "manager", "depth"])


def chain_mask(
    rows: pd.Series | np.ndarray | list[str],
    cols: pd.Series | np.ndarray | list[str],
    manager_of: Mapping[str, str],
) -> np.ndarray:
    """Mark the pairs in which one person is in the other's line-management chain.

    ``mask[i, j]`` is True when ``cols[j]`` manages ``rows[i]`` directly or further up, or
    ``rows[i]`` manages ``cols[j]`` directly or further up. Built by scattering the (person,
    manager) list into a boolean matrix: no loop over pairs.

    Parameters
    ----------
    rows, cols : sequence of str
        E-mails for the rows (e.g. mentees) and columns (e.g. mentors) of the matrix.
    manager_of : mapping of str to str
        Each person's direct line manager.

    Returns
    -------
    numpy.ndarray of bool, shape (len(rows), len(cols))

    Examples
    --------
    >>> chain_mask(["a", "x"], ["c", "a"], {"a": "b", "b": "c"}).tolist()
    [[True, False], [False, False]]
    """
    rows = pd.Index(np.asarray(rows, dtype=object))
    cols = pd.Index(np.asarray(cols, dtype=object))
    mask = np.zeros((len(rows), len(cols)), dtype=bool)
    chain = ancestors(manager_of)
    if chain.empty or mask.size == 0:
        return mask
    for lower, upper in (("person", "manager"), ("manager", "person")):
        r = rows.get_indexer_for(chain[lower]) if rows.is_unique else None
        c = cols.get_indexer_for(chain[upper]) if cols.is_unique else None
        if r is None or c is None:
            # Repeated e-mails (e.g. a mentor's column repeated per capacity slot): expand.
            r_pos = pd.DataFrame({"key": rows, "r": np.arange(len(rows))})
            c_pos = pd.DataFrame({"key": cols, "c": np.arange(len(cols))})
            links = chain[[lower, upper]].merge(r_pos, left_on=lower, right_on="key").merge(
                c_pos, left_on=upper, right_on="key")
            mask[links["r"].to_numpy(), links["c"].to_numpy()] = True
            continue
        keep = (r >= 0) & (c >= 0)
        mask[r[keep], c[keep]] = True
    return mask
