"""Which people a purge erases: those whose every involvement ended before the cut-off day.

A pure engine over the frames :mod:`toolkit.store.erasure` reads: a person is kept while
they are in a running pair, while a cohort they belong to still has a running pair, or when
their latest cohort or UnMentoring round ended on or after the cut-off; everyone else is
erased by the purge.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["KEPT_REASONS", "Retention", "select_expired"]

#: Why a person is kept, in the order the reasons are checked.
KEPT_REASONS = {
    "running_pair": "still in a running pair",
    "running_cohort": "in a cohort that still has running pairs",
    "recent": "took part in a cohort or round that ended within the retention period",
    "undated": "no date is recorded for their cohort, so it cannot be shown to have ended",
}


@dataclass
class Retention:
    """The outcome of :func:`select_expired`.

    Attributes
    ----------
    expired : list of str
        The addresses whose data is past the retention period, sorted.
    kept : pandas.Series
        How many people are kept for each reason of :data:`KEPT_REASONS` (index: reason).
    """

    expired: list[str]
    kept: pd.Series


def select_expired(involvements: pd.DataFrame, cohort_ends: pd.DataFrame,
                   draw_days: pd.DataFrame, cutoff: str) -> Retention:
    """Find the people whose every involvement ended before ``cutoff``.

    Parameters
    ----------
    involvements : pandas.DataFrame
        ``email, cohort, what, running`` (one row per sign-up, request, answer, side of a
        pair), as :func:`toolkit.store.erasure.load_involvements` returns.
    cohort_ends : pandas.DataFrame
        ``cohort, last_day, running`` per cohort (ISO dates).
    draw_days : pandas.DataFrame
        ``email, day`` of each person's UnMentoring rounds.
    cutoff : str
        ISO date: what ended before this day is past the retention period.

    Returns
    -------
    Retention

    Examples
    --------
    >>> inv = pd.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org"],
    ...                     "cohort": ["2023", "2023", "2026"],
    ...                     "what": ["pair", "pair", "sign-up"], "running": [False, True, False]})
    >>> ends = pd.DataFrame({"cohort": ["2023", "2026"], "last_day": ["2024-06-01", "2026-10-01"],
    ...                      "running": [True, False]})
    >>> out = select_expired(inv, ends, pd.DataFrame(columns=["email", "day"]), "2026-01-01")
    >>> out.expired, out.kept.to_dict()
    ([], {'running_pair': 1, 'running_cohort': 1, 'recent': 1})
    >>> ends["running"] = False
    >>> select_expired(inv.iloc[[0, 2]], ends, pd.DataFrame(columns=["email", "day"]),
    ...                "2026-01-01").expired
    ['a@x.org']
    """
    inv = involvements.merge(cohort_ends.rename(columns={"running": "cohort_running"}),
                             on="cohort", how="left")
    inv["cohort_running"] = inv["cohort_running"].fillna(False).astype(bool)
    inv["running_pair"] = inv["running"].astype(bool) & (inv["what"] == "pair")
    days = pd.concat([inv[["email", "last_day"]].rename(columns={"last_day": "day"}),
                      draw_days[["email", "day"]]], ignore_index=True)
    per_person = pd.DataFrame({
        "running_pair": inv.groupby("email")["running_pair"].any(),
        "running_cohort": inv.groupby("email")["cohort_running"].any(),
        "last_day": days.dropna(subset=["day"]).groupby("email")["day"].max(),
    }, index=pd.Index(sorted(set(days["email"].dropna())), name="email"))
    per_person[["running_pair", "running_cohort"]] = (
        per_person[["running_pair", "running_cohort"]].fillna(False).astype(bool))
    reason = pd.Series("", index=per_person.index, dtype=object)
    undated = per_person["last_day"].isna()
    recent = ~undated & (per_person["last_day"].astype(str) >= cutoff)
    for name, mask in (("undated", undated), ("recent", recent),
                       ("running_cohort", per_person["running_cohort"]),
                       ("running_pair", per_person["running_pair"])):
        reason[mask] = name  # the last that applies wins: the order of KEPT_REASONS
    kept = reason[reason != ""].value_counts()
    kept = kept.reindex([r for r in KEPT_REASONS if r in kept.index])
    return Retention(expired=sorted(reason.index[reason == ""]), kept=kept.astype(int))
