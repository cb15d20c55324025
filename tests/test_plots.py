import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import toolkit.plots.evaluation as plots
from toolkit.plots.figures import new_figure


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
    "bars": (lambda: plots.plot_bars(pd.Series([10.0, np.nan], index=["a", "b"]), "Bars"),
             "Bar chart: Bars. a: 10; b: ..."),
    "bars-empty": (lambda: plots.plot_bars(pd.Series(dtype=float), "Nothing"),
                   "Bar chart: Nothing. No data yet."),
    "funnel": (lambda: plots.plot_funnel(pd.Series([160.0, 120.0, 90.0],
                                                   index=["Signed up", "Matched", "Met"])),
               "Funnel chart: How far participants got. People at each stage: Signed up: 160; "
               "Matched: 120; Met: 90."),
    "heatmap": (lambda: plots.plot_heatmap(pd.DataFrame({"Matched": [80.0, np.nan]},
                                                        index=["P", "C"]), "Heat"),
                "Heatmap: Heat (% of those who signed up). P, Matched: 80; C, Matched: ..."),
    "heatmap-empty": (lambda: plots.plot_heatmap(pd.DataFrame(), "Heat"),
                      "Heatmap: Heat (% of those who signed up). No data yet."),
    "group-rates": (lambda: plots.plot_group_rates(
        pd.DataFrame({"Matched": [80.0, np.nan], "Met": [60.0, np.nan]},
                     index=["Woman", "Non-binary"]), "Groups"),
        "Grouped bar chart: Groups. Woman, Matched: 80%; Woman, Met: 60%; Non-binary, "
        "Matched: ..; Non-binary, Met: ..."),
    "share": (lambda: plots.plot_share_vs_aim(pd.Series([38.0, np.nan],
                                                        index=["Signed up", "Matched"])),
              "Bar chart: Women among participants at grade 9 and above, against an aim of 50%. "
              "Signed up: 38%; Matched: ..."),
    "likert": (lambda: plots.plot_likert({"Mentees": LIKERT, "Mentors": LIKERT}),
               "Mentees, 'Worth it': SD 5%, D 10%, N 20%, A 40%, SA 25%; Mentees, 'Met often': "
               "too few answers to show; Mentors, 'Worth it'"),
    "likert-7": (lambda: plots.plot_likert({"All": pd.DataFrame(
        [[5.0, 5, 10, 20, 30, 20, 10]], index=["Q"], columns=list("1234567"))}),
        "All, 'Q': 1 5%, 2 5%, 3 10%, 4 20%, 5 30%, 6 20%, 7 10%."),
    "likert-empty": (lambda: plots.plot_likert({}),
                     "Disagreement to the left, agreement to the right. No survey answers yet."),
    "slope": (lambda: plots.plot_slope(np.arange(10) % 4 + 1, np.arange(10) % 5 + 1),
              "About 10 coachees: about 5 went up and about 5 went down; the median moved from "
              "2.0 to 3.0."),
    "slope-too-few": (lambda: plots.plot_slope([1, 2], [3, 4]),
                      "Not shown: too few coachees to publish."),
    "network": (lambda: plots.plot_network(_dept_graph(), "Departments"),
                "Network diagram: Departments. 3 departments; 1 of 3 department pairs are "
                "linked: Chemistry and Physics."),
    "network-empty": (lambda: plots.plot_network(nx.Graph(), "Nobody"),
                      "Network diagram: Nobody. 0 departments; 0 of 0 department pairs are "
                      "linked."),
    "network-before-after": (lambda: plots.plot_network_before_after(_no_ties(), _dept_graph()),
                             "Before the scheme 0 department pairs were linked; now 1 are."),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_plot_renders_headless_and_says_what_it_shows(name):
    build, expected_alt = CASES[name]
    fig = build()
    assert isinstance(fig, Figure)
    assert fig.get_suptitle()
    assert expected_alt in plots.alt_text(fig)
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        assert magic in buffer.getvalue()[:600]


def test_the_alt_text_defaults_to_the_title():
    fig = new_figure()
    fig.suptitle("Just a title")
    assert plots.alt_text(fig) == "Just a title"
    assert plots.alt_text(new_figure()) == ""


def test_hidden_bars_are_grey_and_labelled():
    fig = CASES["bars"][0]()
    bars = fig.axes[0].patches
    assert to_hex(bars[0].get_facecolor()) == plots.OKABE_ITO[0].lower()
    assert to_hex(bars[1].get_facecolor()) == plots.HIDDEN_COLOUR
    assert [t.get_text() for t in fig.axes[0].texts] == ["10", ".."]


def test_network_labels_round_participants():
    fig = plots.plot_network(_dept_graph(), "Departments")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Physics\n(20)" in texts and "Biology\n(5)" in texts
