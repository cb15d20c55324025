import math

import networkx as nx
import pandas as pd
import pytest

from toolkit.evaluation.network import (
    contact_edges,
    department_graph,
    management_edges,
    network_metrics,
    new_cross_ties_per_round,
    people_graph,
    scheme_networks,
)

DEPTS = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}


def edges(*pairs, source="mentoring", rnd=""):
    return pd.DataFrame({"a": [min(p) for p in pairs], "b": [max(p) for p in pairs],
                         "source": source, "round": rnd, "cohort": ""})


def test_metrics_on_a_hand_checked_graph():
    # a1-a2 (inside A), a1-b1 and a2-b2 (across), b1-b2 (inside B); C has nobody tied.
    g = people_graph(edges(("a1", "a2"), ("a1", "b1"), ("a2", "b2"), ("b1", "b2")), DEPTS,
                     ["c1"])
    m = network_metrics(g)
    assert m["ties"] == 4
    assert m["cross_ties"] == 2 and m["within_ties"] == 2
    assert m["cross_department_share"] == pytest.approx(50.0)
    assert m["ei_index"] == pytest.approx(0.0)
    assert m["department_pairs_connected"] == 1
    assert m["department_pairs_possible"] == 3


def test_ei_index_extremes_and_empty_graph():
    inside = network_metrics(people_graph(edges(("a1", "a2"), ("a2", "a3")), DEPTS))
    across = network_metrics(people_graph(edges(("a1", "b1"), ("b2", "c1")), DEPTS))
    assert inside["ei_index"] == -1 and across["ei_index"] == 1
    assert across["department_pairs_connected"] == 2
    empty = network_metrics(people_graph(edges(), DEPTS, ["a1"]))
    assert empty["ties"] == 0 and math.isnan(empty["ei_index"])


def test_repeated_ties_count_once():
    g = people_graph(pd.concat([edges(("a1", "b1")),
                                edges(("b1", "a1"), source="unmentoring", rnd="R1")]), DEPTS)
    assert g.number_of_edges() == 1
    assert g["a1"]["b1"]["sources"] == ["mentoring", "unmentoring"]


def test_department_graph_sizes_and_ties():
    g = people_graph(edges(("a1", "a2"), ("a1", "b1"), ("a3", "b2"), ("a2", "c1")), DEPTS)
    d = department_graph(g)
    assert d.nodes["A"] == {"participants": 3, "internal": 1}
    assert d["A"]["B"]["ties"] == 2 and d["A"]["C"]["ties"] == 1
    assert not d.has_edge("B", "C")


def test_contact_edges_from_pairs_and_groups_of_three():
    pairs = pd.DataFrame({"mentee_email": ["a1", "a2", "a3"], "mentor_email": ["b1", "b2", "c1"],
                          "status": ["active", "proposed", "withdrawn"],
                          "cohort": ["2026"] * 3})
    draws = pd.DataFrame({"round": ["R1"] * 3 + ["R2"] * 2, "grp": [0, 0, 0, 0, 0],
                          "email": ["a1", "b2", "c1", "a2", "b1"]})
    e = contact_edges(pairs, draws)
    mentoring = e[e["source"] == "mentoring"]
    assert sorted(zip(mentoring["a"], mentoring["b"], strict=True)) == [("a1", "b1"),
                                                                         ("a3", "c1")]
    assert (e["round"] == "R1").sum() == 3  # a group of three makes three ties
    assert (e["round"] == "R2").sum() == 1


def test_new_cross_ties_per_round():
    before = edges(("a3", "b2"), source="line management")
    e = pd.concat([
        edges(("a1", "b1"), ("a2", "a3"), source="unmentoring", rnd="R1"),
        edges(("a1", "b1"), ("a2", "b2"), ("a3", "b2"), source="unmentoring", rnd="R2"),
    ], ignore_index=True)
    out = new_cross_ties_per_round(e, DEPTS, before)
    assert out.to_dict("list") == {"round": ["R1", "R2"], "ties": [2, 3],
                                   "cross_ties": [1, 3], "new_cross_ties": [1, 1]}


def test_management_edges_only_between_listed_people():
    people = pd.DataFrame({"email": ["a1", "a2", "b1"],
                           "line_manager_email": ["a2", "outside@x", ""]})
    m = management_edges(people)
    assert list(zip(m["a"], m["b"], strict=True)) == [("a1", "a2")]
    assert isinstance(people_graph(m, DEPTS), nx.Graph)


def test_scheme_networks_before_made_and_now():
    people = pd.DataFrame({"email": ["a1", "a2", "b1"], "line_manager_email": ["a2", "", ""]})
    pairs = pd.DataFrame({"mentee_email": ["a1", "a2", "b1"], "mentor_email": ["b1", "b1", "c1"],
                          "status": ["active", "active", "proposed"],
                          "cohort": ["2025", "2026", "2026"]})
    draws = pd.DataFrame({"round": ["R1", "R1"], "grp": [0, 0], "email": ["a1", "c1"]})
    directory = pd.DataFrame({"email": list(DEPTS), "department": list(DEPTS.values())})
    n = scheme_networks(people, pairs, draws, directory, "2026")
    # Before: a1's line manager and last year's pair; made: this year's pair and the draw
    # (a proposal is not a tie).
    assert sorted(zip(n.before["a"], n.before["b"], n.before["source"], strict=True)) == [
        ("a1", "a2", "line management"), ("a1", "b1", "mentoring")]
    assert sorted(zip(n.made["a"], n.made["b"], n.made["source"], strict=True)) == [
        ("a1", "c1", "unmentoring"), ("a2", "b1", "mentoring")]
    assert [g.number_of_edges() for g in n.graphs.values()] == [2, 2, 4]
    assert sorted(n.graphs["Now"].nodes()) == ["a1", "a2", "b1", "c1"]  # the drawn c1 too
    assert n.departments["c1"] == "C"
