"""Approved coaches safe to practise: accreditation, supervision and agreement, checked.

Coaching stays safe and good when each coach is accredited, is supervised regularly and has
a coaching agreement (confidentiality, boundaries) on file. This engine lists, on a fixed
day, every approved coach for whom one of these has lapsed or is about to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.core.dates import add_months, readable_dates
from toolkit.errors import SettingsError

__all__ = ["COACH_WARNING_KINDS", "CoachRules", "coach_warnings"]

#: The kinds of warning about an approved coach, in the order they are listed.
COACH_WARNING_KINDS = ("accreditation lapsed", "accreditation expiring", "no accreditation",
                       "supervision lapsed", "no supervision", "no agreement on file")


@dataclass(frozen=True)
class CoachRules:
    """How often coaches need supervision, and how early to warn about an expiry.

    Parameters
    ----------
    supervision_months : int
        Supervision lapses this many whole months after the last one (default 3).
    notice_days : int
        Warn this many days before an accreditation expires (default 30).
    """

    supervision_months: int = 3
    notice_days: int = 30

    def __post_init__(self) -> None:
        if self.supervision_months < 1 or self.notice_days < 0:
            raise SettingsError(
                "Supervision must be due after 1 month or more, and the notice be 0 days or "
                f"more (got {self.supervision_months} months, {self.notice_days} days).")


def coach_warnings(approved: pd.DataFrame, today: str | pd.Timestamp,
                   rules: CoachRules | None = None) -> pd.DataFrame:
    """List the approved coaches whose accreditation, supervision or agreement needs action.

    Parameters
    ----------
    approved : pandas.DataFrame
        ``email, name, accreditation_body, accreditation_expires, last_supervision,
        agreement`` (from :func:`toolkit.coaching.registers.read_approved_coaches`).
    today : str or Timestamp
        The day to check on (fixed, so that the warnings can be reproduced).
    rules : CoachRules, optional
        Supervision interval and notice (default: every 3 months, 30 days' notice).

    Returns
    -------
    pandas.DataFrame
        ``coach_email, coach_name, kind, due, message``: one row per warning, by e-mail
        and then in the order of :data:`COACH_WARNING_KINDS`. ``due`` is the day it lapsed or
        lapses (empty when nothing is recorded).

    Examples
    --------
    >>> coaches = pd.DataFrame({
    ...     "email": ["a@example.org", "b@example.org"], "name": ["A", "B"],
    ...     "accreditation_body": ["EMCC", "ICF"],
    ...     "accreditation_expires": pd.to_datetime(["2026-09-30", "2027-09-30"]),
    ...     "last_supervision": pd.to_datetime(["2026-08-01", "2026-03-01"]),
    ...     "agreement": [True, False]})
    >>> w = coach_warnings(coaches, "2026-09-15")
    >>> w[["coach_email", "kind", "due"]].values.tolist()
    [['a@example.org', 'accreditation expiring', '2026-09-30'], \
['b@example.org', 'supervision lapsed', '2026-06-01'], \
['b@example.org', 'no agreement on file', '']]
    """
    rules = rules or CoachRules()
    today = pd.Timestamp(today).normalize()
    frame = approved.reset_index(drop=True)
    expires = pd.to_datetime(frame["accreditation_expires"], errors="coerce")
    last = pd.to_datetime(frame["last_supervision"], errors="coerce")
    due = pd.to_datetime(add_months(last.dt.strftime("%Y-%m-%d"), rules.supervision_months))
    body = frame["accreditation_body"].fillna("").astype(str).str.strip() \
        if "accreditation_body" in frame else pd.Series("", index=frame.index)
    agreement = frame["agreement"].fillna(False).astype(bool)
    soon = today + pd.Timedelta(days=rules.notice_days)

    def iso(values: pd.Series) -> pd.Series:
        return values.dt.strftime("%Y-%m-%d").fillna("")

    def day(values: pd.Series) -> pd.Series:  # for the messages a lead reads
        return readable_dates(iso(values))

    checks = {
        "accreditation lapsed": (expires < today,
                                 "The accreditation lapsed on " + day(expires)
                                 + ": ask for the renewed certificate before new coachees."),
        "accreditation expiring": ((expires >= today) & (expires <= soon),
                                   "The accreditation expires on " + day(expires)
                                   + ": ask the coach to renew it."),
        "no accreditation": ((body == "") & expires.isna(),
                             pd.Series("No accreditation is recorded: record the body, level "
                                       "and expiry date.", index=frame.index)),
        "supervision lapsed": (due < today,
                               "The last supervision was on " + day(last) + "; it lapsed on "
                               + day(due) + f" (every {rules.supervision_months} month(s)): "
                               "ask for the date of the next one."),
        "no supervision": (last.isna(),
                           pd.Series("No supervision is recorded: ask for the date of the "
                                     "last one.", index=frame.index)),
        "no agreement on file": (~agreement,
                                 pd.Series("No coaching agreement (confidentiality and "
                                           "boundaries) is on file: get it signed before "
                                           "coaching starts.", index=frame.index)),
    }
    due_of = {"accreditation lapsed": iso(expires), "accreditation expiring": iso(expires),
              "supervision lapsed": iso(due)}
    parts = []
    for kind, (mask, message) in checks.items():
        mask = mask.to_numpy(dtype=bool)
        if not mask.any():
            continue
        parts.append(pd.DataFrame({
            "coach_email": frame["email"].to_numpy()[mask],
            "coach_name": frame["name"].to_numpy()[mask] if "name" in frame else "",
            "kind": kind,
            "due": due_of[kind].to_numpy()[mask] if kind in due_of else "",
            "message": message.to_numpy(dtype=object)[mask],
        }))
    columns = ["coach_email", "coach_name", "kind", "due", "message"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    order = {k: i for i, k in enumerate(COACH_WARNING_KINDS)}
    out["_k"] = out["kind"].map(order)
    out["_e"] = np.asarray(out["coach_email"], dtype=str)
    return (out.sort_values(["_e", "_k"], kind="stable").drop(columns=["_k", "_e"])
            .reset_index(drop=True)[columns])
