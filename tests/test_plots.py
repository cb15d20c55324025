import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import toolkit.plots.evaluation as plots


def _dept_graph():
    g = nx.Graph()
    g.add_node("Physics", participants=22, internal=3)
    g.add_node("Chemistry", participants=14, internal=1)
    g.add_node("Biology", participants=3, internal=0)
    g.add_edge("Physics", "Chemistry", ties=6)
    return g


def _no_ties():
    g = nx.Graph()
    g.add_nodes_from(_dept_graph().nodes(data=True))
    return g


LIKERT = pd.DataFrame([[5.0, 10.0, 20.0, 40.0, 25.0], [np.nan] * 5],
                      index=["Worth it", "Met often"],
                      columns=["SD", "D", "N", "A", "SA"])

CASES = {
    "bars": lambda: plots.plot_bars(pd.Series([10.0, np.nan], index=["a", "b"]), "Bars"),
    "bars-empty": lambda: plots.plot_bars(pd.Series(dtype=float), "Nothing"),
    "funnel": lambda: plots.plot_funnel(pd.Series([160.0, 120.0, 90.0],
                                                  index=["Signed up", "Matched", "Met"])),
    "heatmap": lambda: plots.plot_heatmap(pd.DataFrame({"Matched": [80.0, np.nan]},
                                                       index=["P", "C"]), "Heat"),
    "heatmap-empty": lambda: plots.plot_heatmap(pd.DataFrame(), "Heat"),
    "group-rates": lambda: plots.plot_group_rates(
        pd.DataFrame({"Matched": [80.0, np.nan], "Met": [60.0, np.nan]},
                     index=["Woman", "Non-binary"]), "Groups"),
    "share": lambda: plots.plot_share_vs_aim(pd.Series([38.0, np.nan],
                                                       index=["Signed up", "Matched"])),
    "likert": lambda: plots.plot_likert({"Mentees": LIKERT, "Mentors": LIKERT}),
    "likert-7": lambda: plots.plot_likert({"All": pd.DataFrame(
        [[5.0, 5, 10, 20, 30, 20, 10]], index=["Q"], columns=list("1234567"))}),
    "likert-empty": lambda: plots.plot_likert({}),
    "slope": lambda: plots.plot_slope(np.arange(10) % 4 + 1, np.arange(10) % 5 + 1),
    "slope-too-few": lambda: plots.plot_slope([1, 2], [3, 4]),
    "network": lambda: plots.plot_network(_dept_graph(), "Departments"),
    "network-empty": lambda: plots.plot_network(nx.Graph(), "Nobody"),
    "network-before-after": lambda: plots.plot_network_before_after(_no_ties(), _dept_graph()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_plot_renders_headless_with_title_and_alt_text(name):
    fig = CASES[name]()
    assert isinstance(fig, Figure)
    assert fig.get_suptitle()
    assert len(plots.alt_text(fig)) > 20
    for fmt in ("png", "svg"):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        assert buffer.getbuffer().nbytes > 1000


def test_hidden_values_are_said_in_the_alt_text():
    fig = CASES["likert"]()
    assert "Mentees, 'Met often': too few answers to show" in plots.alt_text(fig)
    assert "b: .." in plots.alt_text(CASES["bars"]())


def test_network_labels_round_participants():
    fig = plots.plot_network(_dept_graph(), "Departments")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Physics\n(20)" in texts and "Biology\n(5)" in texts
