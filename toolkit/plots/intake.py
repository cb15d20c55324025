"""Who signed up, drawn: sign-ups by department and by grade, coloured by role."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from toolkit.core.ladder import DEFAULT_LADDER, Ladder
from toolkit.intake.overview import ROLE_ORDER, signup_counts
from toolkit.plots.figures import PALETTE, counts_axis, new_figure

__all__ = ["ROLE_COLOURS", "plot_signup_counts"]

#: Colour-blind-safe palette (Okabe and Ito) for roles.
ROLE_COLOURS = {"mentee": PALETTE[0], "both": PALETTE[2], "mentor": PALETTE[1]}


def plot_signup_counts(people: pd.DataFrame, ladder: Ladder = DEFAULT_LADDER) -> Figure:
    """Draw sign-ups by department and by grade as stacked bars coloured by role.

    Parameters
    ----------
    people : pandas.DataFrame
        Clean sign-ups.
    ladder : Ladder
        The grade ladder, for ordering grades.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels; ``fig.alt_text`` describes them in words.

    Examples
    --------
    >>> people = pd.DataFrame({"department": ["A", "B"], "level": [0, 5],
    ...                        "role": ["mentee", "mentor"]})
    >>> fig = plot_signup_counts(people)
    >>> len(fig.axes)
    2
    """
    fig = new_figure(figsize=(12, 4.5))
    axes = fig.subplots(1, 2)
    for ax, by, title in ((axes[0], "department", "Sign-ups by department"),
                          (axes[1], "grade", "Sign-ups by grade")):
        table = signup_counts(people, by, ladder)
        left = pd.Series(0, index=table.index)
        for role in ROLE_ORDER:
            ax.barh(table.index.astype(str), table[role], left=left, color=ROLE_COLOURS[role],
                    label=role)
            left = left + table[role]
        ax.invert_yaxis()
        ax.set_title(title)
        ax.set_xlabel("people")
        counts_axis(ax.xaxis)
    # Below the charts, so that it never covers a bar.
    fig.legend(*axes[0].get_legend_handles_labels(), title="signed up as",
               loc="outside lower center", ncols=len(ROLE_ORDER))
    roles = people["role"].value_counts()
    fig.alt_text = (  # type: ignore[attr-defined]
        f"Bar charts of {len(people)} sign-ups: "
        + ", ".join(f"{roles.get(r, 0)} {r}" for r in ROLE_ORDER)
        + f", across {people['department'].nunique()} departments and "
        f"{people['level'].nunique() if 'level' in people else 0} grades."
    )
    return fig
