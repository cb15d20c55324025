"""Triage of coaching requests: internal or external coaching, or on hold, each with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.errors import SettingsError

__all__ = ["ON_HOLD", "ROUTES", "TriageRules", "triage"]

#: Where a request goes once it is approved: the coach pools, in this order.
ROUTES = ("internal", "external")

#: The status of a request that waits for an approval.
ON_HOLD = "on hold"


@dataclass(frozen=True)
class TriageRules:
    """The thresholds that route a request to internal or external coaching.

    Parameters
    ----------
    internal_up_to : str
        The most senior grade that goes to the internal coaching network; every grade above
        it goes to external coaching (default "Grade 8": grade 8 and below internal, grade 9
        and above external).
    require_cost_approval : bool
        External coaching also needs the line manager to approve its cost (default True).

    Examples
    --------
    >>> from toolkit.core.ladder import DEFAULT_LADDER
    >>> TriageRules(internal_up_to="Grade 7").threshold(DEFAULT_LADDER)
    2
    """

    internal_up_to: str = "Grade 8"
    require_cost_approval: bool = True

    def threshold(self, ladder: Ladder) -> int:
        """Return the ladder level of ``internal_up_to``.

        Raises
        ------
        SettingsError
            If that grade is not on the ladder.
        """
        level = ladder.level_of(self.internal_up_to)
        if level is None:
            raise SettingsError(
                f"The triage threshold '{self.internal_up_to}' is not a grade on the ladder "
                f"'{ladder.name}': use one of {list(ladder.levels)}.")
        return level


def triage(requests: pd.DataFrame, rules: TriageRules | None = None,
           ladder: Ladder | str | Path | None = None) -> pd.DataFrame:
    """Route each request to internal or external coaching, or put it on hold, with a reason.

    Every request gets exactly one ``status`` (``internal``, ``external`` or ``on hold``) and a
    ``reason`` a person can read; ``route`` says where it goes once it is no longer on hold.

    Parameters
    ----------
    requests : pandas.DataFrame
        ``CoachingImport.records`` from :func:`toolkit.coaching.requests.read_requests`
        (``grade, level, line_manager_email, manager_approved, cost_approved``).
    rules : TriageRules, optional
        The thresholds (default: grade 8 and below internal, cost approval needed externally).
    ladder : Ladder, str or Path, optional
        The ladder the requests' levels refer to.

    Returns
    -------
    pandas.DataFrame
        The requests with ``route``, ``status`` and ``reason`` added.

    Raises
    ------
    SettingsError
        If the threshold grade is not on the ladder.

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org", "b@example.org", "c@example.org"],
    ...                   "grade": ["Grade 8", "Grade 9", "Grade 9"], "level": [3, 4, 4],
    ...                   "line_manager_email": ["m@example.org"] * 3,
    ...                   "manager_approved": [True, True, True],
    ...                   "cost_approved": [False, True, False]})
    >>> triage(r)[["route", "status"]].values.tolist()
    [['internal', 'internal'], ['external', 'external'], ['external', 'on hold']]
    """
    rules = rules or TriageRules()
    ladder = resolve_ladder(ladder)
    limit = rules.threshold(ladder)
    top = ladder.label(limit)
    out = requests.copy()
    level = out["level"].to_numpy()
    external = level > limit
    manager = out["line_manager_email"].fillna("").astype(str).to_numpy() != ""
    approved = out["manager_approved"].to_numpy(dtype=bool)
    cost_ok = out["cost_approved"].to_numpy(dtype=bool) | ~np.bool_(rules.require_cost_approval)
    internal, external_route = ROUTES
    route = np.where(external, external_route, internal)
    grade = out["grade"].astype(str)
    next_step = " Record the approval in the request sheet and import it again."
    conditions = [
        ~manager,
        external & ~approved & ~cost_ok,
        ~approved,
        external & ~cost_ok,
        external,
    ]
    reasons = [
        "On hold: no line manager is named, and coaching needs a development need agreed "
        "with the line manager. Add their e-mail and their approval, then import again.",
        "On hold: external coaching needs the line manager to approve the coaching and its "
        "cost; neither is recorded yet." + next_step,
        "On hold: the line manager has not approved the coaching yet." + next_step,
        "On hold: the line manager approved the coaching but not yet its cost, which external "
        "coaching needs." + next_step,
        ("External coaching: " + grade + f" is above {top}, and the line manager approved "
         + ("the coaching and its cost." if rules.require_cost_approval else "the coaching.")
         ).to_numpy(dtype=object),
    ]
    internal_reason = ("Internal coaching network (free): " + grade + f" is {top} or below, "
                       "and the line manager approved the coaching.").to_numpy(dtype=object)
    out["route"] = route
    out["status"] = np.where(~manager | ~approved | (external & ~cost_ok), ON_HOLD, route)
    out["reason"] = np.select(conditions, reasons, default=internal_reason)
    return out
