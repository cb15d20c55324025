"""The who-met-whom network: ties made by mentoring and UnMentoring, seen across departments."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from toolkit.core.statuses import MATCHED

__all__ = [
    "METRIC_MEANINGS",
    "NETWORK_VIEWS",
    "UNKNOWN_DEPARTMENT",
    "SchemeNetworks",
    "contact_edges",
    "department_graph",
    "management_edges",
    "network_metrics",
    "new_cross_ties_per_round",
    "people_graph",
    "scheme_networks",
]

UNKNOWN_DEPARTMENT = "Not recorded"
EDGE_COLUMNS = ["a", "b", "source", "round", "cohort"]

#: The three views of a cohort's network, as the report names them.
NETWORK_VIEWS: tuple[str, ...] = ("Before the scheme", "Made by the scheme", "Now")

#: What each network metric means, in one sentence, as the report prints it.
METRIC_MEANINGS: dict[str, str] = {
    "ties": "The number of pairs of people who are connected (counted once however often "
            "they met).",
    "cross_department_share": "Of all ties, the percentage that join people in different "
                              "departments; higher means the network reaches across more.",
    "department_pairs_connected": "Of all the pairs of departments that could be linked, how "
                                  "many are joined by at least one tie.",
    "ei_index": "The E-I index: (ties across departments - ties within departments) / all "
                "ties; -1 means every tie stays inside a department, +1 means every tie "
                "crosses one.",
}


def _ordered(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    a, b = a.astype(str).to_numpy(), b.astype(str).to_numpy()
    return np.minimum(a, b), np.maximum(a, b)


def contact_edges(pairs: pd.DataFrame, draws: pd.DataFrame,
                  matched_statuses: tuple[str, ...] = MATCHED) -> pd.DataFrame:
    """List every tie the schemes made: matched mentoring pairs and UnMentoring groups.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Stored pairs (``mentee_email, mentor_email, status, cohort``).
    draws : pandas.DataFrame
        UnMentoring draws (``round, grp, email``), in the order the rounds were drawn; every
        two people of a group are tied.
    matched_statuses : tuple of str
        Pair statuses that count (a proposal is not a tie).

    Returns
    -------
    pandas.DataFrame
        ``a, b`` (the two e-mails, a < b), ``source`` (mentoring or unmentoring), ``round``
        (the draw round, "" for mentoring), ``cohort`` ("" for draws).

    Examples
    --------
    >>> pairs = pd.DataFrame({"mentee_email": ["b@x"], "mentor_email": ["a@x"],
    ...                       "status": ["active"], "cohort": ["2026"]})
    >>> draws = pd.DataFrame({"round": ["R1"] * 3, "grp": [1, 1, 1],
    ...                       "email": ["c@x", "d@x", "e@x"]})
    >>> edges = contact_edges(pairs, draws)
    >>> edges[["a", "b"]].agg(" ".join, axis=1).tolist(), edges["source"].tolist()[:2]
    (['a@x b@x', 'c@x d@x', 'c@x e@x', 'd@x e@x'], ['mentoring', 'unmentoring'])
    """
    frames = []
    matched = pairs[pairs["status"].isin(matched_statuses)] if len(pairs) else pairs
    if len(matched):
        a, b = _ordered(matched["mentee_email"], matched["mentor_email"])
        frames.append(pd.DataFrame({"a": a, "b": b, "source": "mentoring", "round": "",
                                    "cohort": matched["cohort"].astype(str).to_numpy()}))
    if len(draws):
        rounds = list(pd.unique(draws["round"]))
        d = draws[["round", "grp", "email"]].copy()
        d["order"] = d["round"].map({r: i for i, r in enumerate(rounds)})
        both = d.merge(d, on=["round", "grp", "order"], suffixes=("_a", "_b"))
        both = both[both["email_a"] < both["email_b"]].sort_values(
            ["order", "grp", "email_a", "email_b"], kind="stable")
        frames.append(pd.DataFrame({"a": both["email_a"].to_numpy(),
                                    "b": both["email_b"].to_numpy(), "source": "unmentoring",
                                    "round": both["round"].astype(str).to_numpy(),
                                    "cohort": ""}))
    if not frames:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[EDGE_COLUMNS]


def management_edges(people: pd.DataFrame) -> pd.DataFrame:
    """List the ties people had before any scheme: each person and their line manager.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x", "b@x"], "line_manager_email": ["b@x", ""]})
    >>> management_edges(people)[["a", "b", "source"]].values.tolist()
    [['a@x', 'b@x', 'line management']]
    """
    known = set(people["email"])
    rows = people[people["line_manager_email"].fillna("").isin(known)
                  & (people["line_manager_email"] != people["email"])]
    a, b = _ordered(rows["email"], rows["line_manager_email"])
    return pd.DataFrame({"a": a, "b": b, "source": "line management", "round": "",
                         "cohort": ""}, columns=EDGE_COLUMNS)


def people_graph(edges: pd.DataFrame, departments: Mapping[str, str],
                 people: list[str] | None = None) -> nx.Graph:
    """Build the who-met-whom graph: a node per person (with ``department``), an edge per tie.

    Parameters
    ----------
    edges : pandas.DataFrame
        Ties (``a, b, source``), e.g. from :func:`contact_edges`.
    departments : mapping
        E-mail -> department; people not in it get "Not recorded".
    people : list of str, optional
        Participants to include even with no tie (they still count in department sizes).

    Returns
    -------
    networkx.Graph
        Edges carry ``sources`` (sorted list of how the tie was made).

    Examples
    --------
    >>> edges = pd.DataFrame({"a": ["a@x"], "b": ["b@x"], "source": ["mentoring"]})
    >>> g = people_graph(edges, {"a@x": "Physics", "b@x": "Chemistry"}, ["c@x"])
    >>> sorted(g.nodes(data="department"))
    [('a@x', 'Physics'), ('b@x', 'Chemistry'), ('c@x', 'Not recorded')]
    """
    graph = nx.Graph()
    nodes = sorted(set(people or []) | set(edges["a"]) | set(edges["b"]))
    graph.add_nodes_from((n, {"department": departments.get(n, UNKNOWN_DEPARTMENT)
                              or UNKNOWN_DEPARTMENT}) for n in nodes)
    for a, b, source in zip(edges["a"], edges["b"], edges["source"], strict=True):
        if a == b:
            continue
        if graph.has_edge(a, b):
            graph[a][b]["sources"] = sorted(set(graph[a][b]["sources"]) | {source})
        else:
            graph.add_edge(a, b, sources=[source])
    return graph


def department_graph(graph: nx.Graph) -> nx.Graph:
    """Collapse a people graph to departments.

    Nodes are departments with ``participants`` (people) and ``internal`` (ties inside the
    department); edges join departments with ``ties`` (how many people-ties cross between
    them).

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("a", {"department": "P"}), ("b", {"department": "P"}),
    ...                   ("c", {"department": "C"})])
    >>> g.add_edges_from([("a", "b"), ("a", "c")])
    >>> d = department_graph(g)
    >>> d.nodes["P"], d["P"]["C"]["ties"]
    ({'participants': 2, 'internal': 1}, 1)
    """
    dept = nx.get_node_attributes(graph, "department")
    out = nx.Graph()
    sizes = pd.Series(dept, dtype=object).value_counts() if dept else pd.Series(dtype=int)
    for name in sorted(sizes.index):
        out.add_node(name, participants=int(sizes[name]), internal=0)
    for a, b in graph.edges():
        da, db = dept[a], dept[b]
        if da == db:
            out.nodes[da]["internal"] += 1
        elif out.has_edge(da, db):
            out[da][db]["ties"] += 1
        else:
            out.add_edge(da, db, ties=1)
    return out


def network_metrics(graph: nx.Graph) -> dict[str, float]:
    """Measure how far a people graph reaches across departments.

    Returns
    -------
    dict
        ``ties``, ``cross_ties``, ``within_ties``, ``cross_department_share`` (percent),
        ``department_pairs_connected``, ``department_pairs_possible`` and ``ei_index``
        (``nan`` when there are no ties); meanings in :data:`METRIC_MEANINGS`.

    Examples
    --------
    A triangle inside Physics plus one tie to Chemistry: 1 of 4 ties crosses.

    >>> g = nx.Graph()
    >>> g.add_nodes_from([(n, {"department": "Physics"}) for n in "abc"])
    >>> g.add_node("d", department="Chemistry")
    >>> g.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
    >>> m = network_metrics(g)
    >>> m["cross_department_share"], m["ei_index"], m["department_pairs_connected"]
    (25.0, -0.5, 1)
    """
    dept = nx.get_node_attributes(graph, "department")
    cross = sum(1 for a, b in graph.edges() if dept[a] != dept[b])
    ties = graph.number_of_edges()
    within = ties - cross
    depts = sorted(set(dept.values()) - {UNKNOWN_DEPARTMENT})
    linked = {tuple(sorted((dept[a], dept[b]))) for a, b in graph.edges()
              if dept[a] != dept[b] and UNKNOWN_DEPARTMENT not in (dept[a], dept[b])}
    return {
        "ties": ties,
        "cross_ties": cross,
        "within_ties": within,
        "cross_department_share": 100.0 * cross / ties if ties else float("nan"),
        "department_pairs_connected": len(linked),
        "department_pairs_possible": len(depts) * (len(depts) - 1) // 2,
        "ei_index": (cross - within) / ties if ties else float("nan"),
    }


def new_cross_ties_per_round(edges: pd.DataFrame, departments: Mapping[str, str],
                             before: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each UnMentoring round, how many cross-department ties were new.

    A tie is new when the two people were not already tied before the scheme (``before``),
    by mentoring, or by an earlier round.

    Parameters
    ----------
    edges : pandas.DataFrame
        From :func:`contact_edges` (rounds in the order drawn).
    departments : mapping
        E-mail -> department.
    before : pandas.DataFrame, optional
        Ties that existed already (e.g. :func:`management_edges`).

    Returns
    -------
    pandas.DataFrame
        ``round, ties, cross_ties, new_cross_ties`` (unrounded).

    Examples
    --------
    >>> e = pd.DataFrame({"a": ["a", "a"], "b": ["b", "b"], "source": ["unmentoring"] * 2,
    ...                   "round": ["R1", "R2"]})
    >>> new_cross_ties_per_round(e, {"a": "P", "b": "C"})["new_cross_ties"].tolist()
    [1, 0]
    """
    seen: set[tuple[str, str]] = set()
    for frame in (before, edges[edges["source"] != "unmentoring"]):
        if frame is not None and len(frame):
            seen |= set(zip(frame["a"], frame["b"], strict=True))
    draws = edges[edges["source"] == "unmentoring"]
    rows = []
    for rnd, group in itertools.groupby(
            zip(draws["round"], draws["a"], draws["b"], strict=True), key=lambda t: t[0]):
        ties = [(a, b) for _, a, b in group]
        unknown = UNKNOWN_DEPARTMENT
        cross = [(a, b) for a, b in ties
                 if departments.get(a, unknown) != departments.get(b, unknown)]
        new = [t for t in cross if t not in seen]
        seen |= set(ties)
        rows.append({"round": rnd, "ties": len(ties), "cross_ties": len(cross),
                     "new_cross_ties": len(new)})
    return pd.DataFrame(rows, columns=["round", "ties", "cross_ties", "new_cross_ties"])


@dataclass
class SchemeNetworks:
    """One cohort's who-met-whom network: the ties before the scheme, those it made, graphs.

    Attributes
    ----------
    before : pandas.DataFrame
        Ties that existed before the cohort: line management and earlier cohorts' pairs.
    made : pandas.DataFrame
        Ties the cohort made: its matched pairs and every UnMentoring draw.
    graphs : dict of str to networkx.Graph
        A people graph for each of :data:`NETWORK_VIEWS`, every participant a node.
    departments : dict of str to str
        E-mail -> department.
    """

    before: pd.DataFrame
    made: pd.DataFrame
    graphs: dict[str, nx.Graph]
    departments: dict[str, str]


def scheme_networks(people: pd.DataFrame, pairs: pd.DataFrame, draws: pd.DataFrame,
                    directory: pd.DataFrame, cohort: str) -> SchemeNetworks:
    """Build a cohort's network before the scheme, made by it, and now.

    Everyone who signed up for the cohort or was drawn for UnMentoring is a node; ties are
    matched pairs, UnMentoring groups and (before the scheme) line management and earlier
    cohorts' pairs.

    Parameters
    ----------
    people : pandas.DataFrame
        The cohort's sign-ups (``email, line_manager_email``).
    pairs : pandas.DataFrame
        Every mentoring pair (``mentee_email, mentor_email, status, cohort``).
    draws : pandas.DataFrame
        UnMentoring draws (``round, grp, email``), in the order drawn.
    directory : pandas.DataFrame
        ``email, department`` of everyone known.
    cohort : str
        The cohort: pairs of earlier cohorts (labels sorting before it) count as before.

    Returns
    -------
    SchemeNetworks

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x", "b@x"], "line_manager_email": ["", ""]})
    >>> pairs = pd.DataFrame({"mentee_email": ["a@x"], "mentor_email": ["b@x"],
    ...                       "status": ["active"], "cohort": ["2026"]})
    >>> draws = pd.DataFrame({"round": ["R1"] * 2, "grp": [1, 1], "email": ["a@x", "c@x"]})
    >>> directory = pd.DataFrame({"email": ["a@x", "b@x", "c@x"],
    ...                           "department": ["P", "C", "B"]})
    >>> networks = scheme_networks(people, pairs, draws, directory, "2026")
    >>> [g.number_of_edges() for g in networks.graphs.values()]
    [0, 2, 2]
    """
    departments = dict(zip(directory["email"], directory["department"], strict=True))
    participants = sorted(set(people["email"]) | set(draws["email"]))
    earlier = pairs[pairs["cohort"].astype(str) < cohort]
    current = pairs[pairs["cohort"] == cohort]
    before = pd.concat([management_edges(people), contact_edges(earlier, draws.iloc[:0])],
                       ignore_index=True)
    made = contact_edges(current, draws)
    now = pd.concat([before, made], ignore_index=True)
    graphs = {view: people_graph(edges, departments, participants)
              for view, edges in zip(NETWORK_VIEWS, (before, made, now), strict=True)}
    return SchemeNetworks(before=before, made=made, graphs=graphs, departments=departments)
