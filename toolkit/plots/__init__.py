"""Charts, one module per feature; each takes engine output only and names no individual.

Every function returns a matplotlib figure drawn with the colour-blind-safe palette of
:mod:`toolkit.plots.figures`.
"""

from toolkit.plots.coaching import plot_objective_scores, plot_session_use
from toolkit.plots.evaluation import (
    OKABE_ITO,
    alt_text,
    plot_bars,
    plot_funnel,
    plot_group_rates,
    plot_heatmap,
    plot_likert,
    plot_network,
    plot_network_before_after,
    plot_share_interval,
    plot_share_vs_aim,
    plot_slope,
)
from toolkit.plots.figures import PALETTE, new_figure
from toolkit.plots.intake import plot_signup_counts
from toolkit.plots.pairing import load_histogram, score_histogram
from toolkit.plots.relationships import plot_meeting_timeline, plot_pace

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "alt_text",
    "load_histogram",
    "new_figure",
    "plot_bars",
    "plot_funnel",
    "plot_group_rates",
    "plot_heatmap",
    "plot_likert",
    "plot_meeting_timeline",
    "plot_network",
    "plot_network_before_after",
    "plot_objective_scores",
    "plot_pace",
    "plot_session_use",
    "plot_share_interval",
    "plot_share_vs_aim",
    "plot_signup_counts",
    "plot_slope",
    "score_histogram",
]
