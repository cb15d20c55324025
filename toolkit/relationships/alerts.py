"""Early warnings: documented, configurable rules that pick out pairs needing attention.

Each rule is one function with the same arguments (the pairs as
:func:`~toolkit.relationships.changes.pair_table` gives them, their meetings, the day of the
check, the rules' settings and the lifecycle) returning its warnings, so each can be checked
alone; :func:`check_pairs` runs the rules switched on and puts their warnings together. This
module is pure: :mod:`toolkit.relationships.status` runs it on a store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from toolkit.core import dates
from toolkit.core.statuses import RUNNING
from toolkit.errors import SettingsError
from toolkit.relationships.lifecycle import RENEWING, Lifecycle

#: The sides of a pair who can cancel a meeting on their own.
SIDES = ("mentee", "mentor")

__all__ = [
    "MESSAGE_PLACEHOLDERS",
    "RULES",
    "RULE_CHECKS",
    "WARNING_COLUMNS",
    "AlertRules",
    "behind_pace",
    "cancellations",
    "check_pairs",
    "concern_follow_up",
    "follow_up_columns",
    "format_warnings",
    "meeting_counts",
    "mentor_all_withdrew",
    "message_values",
    "mid_term_review",
    "months_into_term",
    "no_first_meeting",
    "one_side_cancels",
    "pace_table",
    "running_pairs",
    "term_ending",
]

#: Every rule: its name, a title, and what it looks for (with the default settings).
RULES: dict[str, tuple[str, str]] = {
    "no_first_meeting": (
        "No first meeting",
        "A running pair has no held meeting {first_meeting_weeks} weeks or more after it was "
        "made.",
    ),
    "behind_pace": (
        "Behind the meeting pace",
        "A running pair has held fewer meetings in its current term than it agreed (spread "
        "evenly over the year) or, with no number agreed, than the pace asks by now "
        "({pace_text}).",
    ),
    "cancellations": (
        "Cancellations in a row",
        "The last {cancellations_in_a_row} meetings of a running pair were all cancelled.",
    ),
    "term_ending": (
        "Term ending",
        "An active or renewed pair's term ends within {term_end_days} days, or has ended "
        "without a decision: ask both about renewal.",
    ),
    "mentor_all_withdrew": (
        "Mentor whose mentees all withdrew",
        "A mentor has at least {mentor_withdrawals_min} pair(s), and every one of them was "
        "withdrawn.",
    ),
    "one_side_cancels": (
        "One side keeps cancelling",
        "The mentee, or the mentor, of a running pair cancelled {one_side_cancellations} or "
        "more of this term's meetings.",
    ),
    "mid_term_review": (
        "Mid-term review due",
        "An active or renewed pair reached month {mid_term_months} of its term in the last "
        "{mid_term_window_days} days, and no mid-term review is recorded for this term.",
    ),
    "concern_follow_up": (
        "Concern to follow up",
        "A concern you recorded for a pair, still open, has a follow-up date that has come.",
    ),
}

#: The columns of a warnings table.
WARNING_COLUMNS = ["rule", "title", "pair_id", "mentee_email", "mentee_name", "mentor_email",
                   "mentor_name", "since", "detail", "recipients"]

#: The placeholders a warning's message template may use.
MESSAGE_PLACEHOLDERS = (*WARNING_COLUMNS, "mentee_first_name", "mentor_first_name", "target",
                        "start", "term_end", "renewal_sentence", "recipient_first_name")


@dataclass(frozen=True)
class AlertRules:
    """The settings of the early-warning rules (see :data:`RULES`).

    Parameters
    ----------
    first_meeting_weeks : int
        Weeks after pairing by which the first meeting should have happened (default 6).
    pace : tuple of (int, int)
        Checkpoints ``(months into the term, meetings held by then)``; the default asks for
        1 by month 4, 2 by month 8 and 3 by month 12 (three meetings a year).
    cancellations_in_a_row : int
        How many cancelled meetings in a row raise a warning (default 2).
    term_end_days : int
        Warn this many days before a term ends (default 30).
    mentor_withdrawals_min : int
        A mentor is flagged when all of at least this many pairs were withdrawn (default 1).
    one_side_cancellations : int
        Cancellations by the same side of a pair in one term that raise a warning
        (default 3).
    mid_term_months : int
        Months into a term at which the mid-term review is due (default 6).
    mid_term_window_days : int
        For how many days from then the review is prompted, unless it is recorded
        (default 30).
    enabled : tuple of str
        The rules to run (default all of :data:`RULES`).

    Examples
    --------
    >>> AlertRules(first_meeting_weeks=4).first_meeting_weeks
    4
    >>> AlertRules(enabled=("nonsense",))
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: Unknown warning rule(s) ['nonsense']: ...
    """

    first_meeting_weeks: int = 6
    pace: tuple[tuple[int, int], ...] = ((4, 1), (8, 2), (12, 3))
    cancellations_in_a_row: int = 2
    term_end_days: int = 30
    mentor_withdrawals_min: int = 1
    one_side_cancellations: int = 3
    mid_term_months: int = 6
    mid_term_window_days: int = 30
    enabled: tuple[str, ...] = tuple(RULES)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.enabled) - set(RULES))
        if unknown:
            raise SettingsError(f"Unknown warning rule(s) {unknown}: the rules are {list(RULES)}.")
        for name in ("first_meeting_weeks", "cancellations_in_a_row", "term_end_days",
                     "mentor_withdrawals_min", "one_side_cancellations", "mid_term_months",
                     "mid_term_window_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise SettingsError(
                    f"The warning setting '{name}' must be a whole number, 1 or more "
                    f"(got {value!r}).")
        if not self.pace or any(m < 1 or n < 1 for m, n in self.pace):
            raise SettingsError(
                "The pace must list (months, meetings) checkpoints such as ((4, 1), (8, 2)), "
                f"each 1 or more (got {self.pace!r}).")

    @property
    def target(self) -> int:
        """Meetings a year the pace asks for (its last checkpoint, scaled to 12 months)."""
        months, count = max(self.pace)
        return round(count * 12 / months)

    def describe(self) -> pd.DataFrame:
        """Return each rule's title and what it checks, with these settings filled in.

        Examples
        --------
        >>> AlertRules().describe().loc[0, "checks"]
        'A running pair has no held meeting 6 weeks or more after it was made.'
        """
        pace_text = ", ".join(f"{n} by month {m}" for m, n in sorted(self.pace))
        values = {**self.__dict__, "pace_text": pace_text}
        return pd.DataFrame([
            {"rule": name, "title": title, "checks": text.format(**values),
             "enabled": name in self.enabled}
            for name, (title, text) in RULES.items()])


def running_pairs(pairs: pd.DataFrame, today: date | str) -> pd.DataFrame:
    """Return the pairs that have started by ``today`` and are still running.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2, 3], "status": ["active", "ended", "proposed"],
    ...                       "start": ["2026-10-01", "2026-10-01", "2027-05-01"]})
    >>> running_pairs(pairs, "2027-01-01")["pair_id"].tolist()
    [1]
    """
    started = _started(pairs, today)
    return started[started["status"].isin(RUNNING)].reset_index(drop=True)


def _started(pairs: pd.DataFrame, today: date | str) -> pd.DataFrame:
    """Return the pairs whose start date is known and not after ``today``."""
    day = dates.today(today).isoformat()
    return pairs[pairs["start"].notna() & (pairs["start"].fillna("9") <= day)]


def meeting_counts(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str) -> pd.DataFrame:
    """Count each pair's meetings up to today, in all and in the current term.

    Returns
    -------
    pandas.DataFrame
        ``pair_id, held, cancelled, held_in_term, last_meeting`` (0 / None when none).

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2], "term_start": ["2026-10-01", "2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1, 1], "on_date": ["2026-11-01", "2026-12-01"],
    ...                       "status": ["held", "cancelled"]})
    >>> meeting_counts(pairs, meets, "2027-01-01").values.tolist()
    [[1, 1, 1, 1, '2026-12-01'], [2, 0, 0, 0, None]]
    """
    today_iso = dates.today(today).isoformat()
    m = (_meetings(meets)[lambda f: f["on_date"] <= today_iso]
         .merge(pairs[["pair_id", "term_start"]], on="pair_id")
         .sort_values(["pair_id", "on_date"], kind="stable"))
    held = m["status"] == "held"
    in_term = held & (m["on_date"] >= m["term_start"].fillna(""))
    counts = pd.DataFrame({
        "held": held.groupby(m["pair_id"]).sum(),
        "cancelled": (~held).groupby(m["pair_id"]).sum(),
        "held_in_term": in_term.groupby(m["pair_id"]).sum(),
        "last_meeting": m.groupby("pair_id")["on_date"].last(),
    })
    out = pairs[["pair_id"]].merge(counts, left_on="pair_id", right_index=True, how="left")
    for c in ("held", "cancelled", "held_in_term"):
        out[c] = out[c].fillna(0).astype("int64")
    out["last_meeting"] = out["last_meeting"].astype(object).where(out["last_meeting"].notna(),
                                                                    None)
    return out.reset_index(drop=True)


def _meetings(meets: pd.DataFrame) -> pd.DataFrame:
    """Meetings with whole-number pair ids (an empty frame is left as it is)."""
    return meets.astype({"pair_id": "int64"}) if not meets.empty else meets


def months_into_term(term_start: pd.Series, today: date | str) -> pd.Series:
    """Return the whole months from each term's start to ``today`` (NaN when unknown).

    A month counts once its day is reached (the 31st counts on a shorter month's last day),
    as :func:`toolkit.core.dates.add_months` moves dates.

    Examples
    --------
    >>> months_into_term(pd.Series(["2026-10-01", "2026-10-15", None]), "2027-04-10").tolist()
    [6.0, 5.0, nan]
    """
    day = dates.today(today)
    stamps = pd.to_datetime(pd.Series(term_start, copy=False), errors="coerce")
    guess = (day.year - stamps.dt.year) * 12 + (day.month - stamps.dt.month)
    guess = guess.fillna(0).astype("int64").clip(lower=0)
    reached = dates.add_months(stamps.dt.strftime("%Y-%m-%d"), guess).fillna("9") <= day.isoformat()
    whole = (guess - (~reached).astype("int64")).clip(lower=0).astype(float)
    return whole.where(stamps.notna())


def _agreed(pairs: pd.DataFrame) -> pd.Series:
    """Each pair's agreed meetings a year as floats (NaN: none agreed, the scheme's pace)."""
    if "meetings_per_year" not in pairs:
        return pd.Series(float("nan"), index=pairs.index)
    return pd.to_numeric(pairs["meetings_per_year"], errors="coerce").astype(float)


def pace_table(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
               rules: AlertRules | None = None) -> pd.DataFrame:
    """Compare each pair's meetings in its current term with the pace it should keep.

    A pair that agreed its own number of meetings a year (``meetings_per_year``) should have
    held, after ``m`` whole months of its term, ``floor(m * per_year / 12)`` meetings: its
    meetings spread evenly over the year. A pair with no agreed number follows the scheme's
    ``pace`` checkpoints (three a year by default).

    Returns
    -------
    pandas.DataFrame
        ``pair_id, held_in_term, needed, by_month, behind, per_year``: the meetings held
        this term, how many the pace asks for by now (the latest checkpoint passed,
        ``by_month``; 0 before the first), whether the pair is behind, and the meetings a
        year the pair is held to.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2, 3], "term_start": ["2026-10-01"] * 3,
    ...                       "meetings_per_year": [None, None, 6]})
    >>> meets = pd.DataFrame({"pair_id": [1], "on_date": ["2026-11-01"], "status": ["held"]})
    >>> pace_table(pairs, meets, "2027-06-01").to_numpy().tolist()
    [[1, 1, 2, 8, True, 3], [2, 0, 2, 8, True, 3], [3, 0, 4, 8, True, 6]]
    """
    rules = rules or AlertRules()
    today_iso = dates.today(today).isoformat()
    counts = meeting_counts(pairs, meets, today)
    needed = pd.Series(0, index=pairs.index)
    by_month = pd.Series(0, index=pairs.index)
    for months, count in sorted(rules.pace):
        passed = dates.add_months(pairs["term_start"], months).fillna("9") <= today_iso
        needed = needed.where(~passed, count)
        by_month = by_month.where(~passed, months)
    agreed = _agreed(pairs)
    own = agreed.notna()
    if own.any():
        own_needed = np.floor(months_into_term(pairs["term_start"], today).fillna(0)
                              * agreed / 12)
        own_by = np.ceil(own_needed * 12 / agreed)
        needed = needed.where(~own, own_needed).astype("int64")
        by_month = by_month.where(~own, own_by).astype("int64")
    held = counts["held_in_term"].to_numpy()
    return pd.DataFrame({"pair_id": pairs["pair_id"].to_numpy(), "held_in_term": held,
                         "needed": needed.to_numpy(), "by_month": by_month.to_numpy(),
                         "behind": held < needed.to_numpy(),
                         "per_year": agreed.fillna(rules.target).astype("int64").to_numpy()})


def _warnings(pairs: pd.DataFrame, rule: str, since: pd.Series | str,
              detail: pd.Series | str, recipients: pd.Series | str) -> pd.DataFrame:
    """One rule's warnings for ``pairs``, in the rule's order: by date, then by e-mail."""
    out = pairs[["pair_id", "mentee_email", "mentee_name", "mentor_email", "mentor_name"]].copy()
    out.insert(0, "title", RULES[rule][0])
    out.insert(0, "rule", rule)
    out["since"] = since.to_numpy() if isinstance(since, pd.Series) else since
    out["detail"] = detail.to_numpy() if isinstance(detail, pd.Series) else detail
    out["recipients"] = (recipients.to_numpy() if isinstance(recipients, pd.Series)
                         else recipients)
    out["pair_id"] = out["pair_id"].astype("Int64")
    return (out[WARNING_COLUMNS].sort_values(["since", "mentee_email", "mentor_email"],
                                             kind="stable").reset_index(drop=True))


def _with_counts(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str) -> pd.DataFrame:
    """Return the running pairs, with their meeting counts."""
    running = running_pairs(pairs, today)
    return running.merge(meeting_counts(running, meets, today), on="pair_id")


def no_first_meeting(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                     rules: AlertRules | None = None,
                     lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Warn of running pairs with no held meeting ``first_meeting_weeks`` after pairing.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["proposed"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"]})
    >>> meets = pd.DataFrame(columns=["pair_id", "on_date", "status"])
    >>> no_first_meeting(pairs, meets, "2026-12-01")["detail"].tolist()
    ['Paired on 1 Oct 2026; no meeting held in 8 weeks.']
    """
    rules = rules or AlertRules()
    now = pd.Timestamp(dates.today(today))
    running = _with_counts(pairs, meets, today)
    started = pd.to_datetime(running["start"])
    late = running[(running["held"] == 0)
                   & (started + pd.Timedelta(weeks=rules.first_meeting_weeks) <= now)]
    weeks = (now - pd.to_datetime(late["start"])).dt.days // 7
    return _warnings(late, "no_first_meeting", late["start"],
                     "Paired on " + dates.readable_dates(late["start"])
                     + "; no meeting held in " + weeks.astype(str) + " weeks.", "mentee and mentor")


def behind_pace(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                rules: AlertRules | None = None,
                lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Warn of running pairs that held fewer meetings this term than the pace asks by now.

    Pairs that never met are included: :func:`check_pairs` leaves them to
    :func:`no_first_meeting` when that rule is switched on, so nobody is warned twice.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["active"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1], "on_date": ["2026-10-20"], "status": ["held"]})
    >>> behind_pace(pairs, meets, "2027-06-01")["detail"].tolist()
    ['You have held 1 meeting(s) this term; the pace asks for 2 by month 8.']
    """
    running = running_pairs(pairs, today)
    pace = pace_table(running, meets, today, rules)
    late, info = running[pace["behind"].to_numpy()], pace[pace["behind"]]
    own = _agreed(late).notna().to_numpy()
    asks = np.where(own, "at the " + info["per_year"].astype(str)
                    + " meetings a year you agreed, that is ", "the pace asks for ")
    detail = ("You have held " + info["held_in_term"].astype(str) + " meeting(s) this term; "
              + asks + info["needed"].astype(str) + " by month "
              + info["by_month"].astype(str) + ".")
    return _warnings(late, "behind_pace", late["term_start"], detail, "mentee and mentor")


def cancellations(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                  rules: AlertRules | None = None,
                  lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Warn of running pairs whose last ``cancellations_in_a_row`` meetings were all cancelled.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["active"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1, 1], "on_date": ["2026-11-01", "2026-12-01"],
    ...                       "status": ["cancelled", "cancelled"]})
    >>> cancellations(pairs, meets, "2027-01-01")["detail"].tolist()
    ['The last 2 meetings were cancelled (1 Nov 2026 to 1 Dec 2026).']
    """
    rules = rules or AlertRules()
    n = rules.cancellations_in_a_row
    today_iso = dates.today(today).isoformat()
    running = running_pairs(pairs, today)
    meets = _meetings(meets)
    recent = (meets[meets["pair_id"].isin(running["pair_id"]) & (meets["on_date"] <= today_iso)]
              .sort_values(["pair_id", "on_date"], kind="stable").groupby("pair_id").tail(n))
    tally = recent.assign(cancelled=recent["status"] == "cancelled").groupby("pair_id").agg(
        size=("status", "size"), cancelled=("cancelled", "sum"),
        since=("on_date", "first"), last=("on_date", "last"))
    hit = tally[(tally["size"] == n) & (tally["cancelled"] == n)]
    found = running[running["pair_id"].isin(hit.index)]
    if found.empty:
        return _warnings(found, "cancellations", "", "", "mentee and mentor")
    info = hit.reindex(found["pair_id"])
    detail = (f"The last {n} meetings were cancelled ("
              + dates.readable_dates(info["since"]) + " to "
              + dates.readable_dates(info["last"]) + ").")
    return _warnings(found, "cancellations", info["since"], detail, "mentee and mentor")


def term_ending(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                rules: AlertRules | None = None,
                lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Warn of active or renewed pairs whose term ends within ``term_end_days`` (or ended).

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["active"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"],
    ...     "term_end": ["2027-10-01"], "renewals": [0]})
    >>> meets = pd.DataFrame(columns=["pair_id", "on_date", "status"])
    >>> term_ending(pairs, meets, "2027-09-21")["detail"].tolist()
    ['The term ends on 1 Oct 2027 (in 10 days). Ask both whether they want to renew.']
    """
    rules, lifecycle = rules or AlertRules(), lifecycle or Lifecycle()
    day = dates.today(today)
    limit = (day + timedelta(days=rules.term_end_days)).isoformat()
    running = running_pairs(pairs, today)
    ending = running[running["status"].isin(RENEWING) & running["term_end"].notna()
                     & (running["term_end"].fillna("9") <= limit)]
    days = (pd.to_datetime(ending["term_end"]) - pd.Timestamp(day)).dt.days
    detail = [(f"The term ends on {dates.readable_date(end)} (in {d} days)." if d >= 0 else
               f"The term ended on {dates.readable_date(end)}, {-d} days ago, with no "
               "decision recorded.")
              + (" Ask both whether they want to renew." if lifecycle.can_renew(r) else
                 " It cannot be renewed again: plan a good ending.")
              for end, d, r in zip(ending["term_end"], days, ending["renewals"], strict=True)]
    return _warnings(ending, "term_ending", ending["term_end"],
                     pd.Series(detail, index=ending.index, dtype=object), "mentee and mentor")


def mentor_all_withdrew(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                        rules: AlertRules | None = None,
                        lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Warn of mentors with at least ``mentor_withdrawals_min`` pairs, every one withdrawn.

    The warning is about the mentor, so its ``pair_id`` is missing.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2], "status": ["withdrawn", "active"],
    ...     "mentee_email": ["a@example.org", "c@example.org"], "mentee_name": ["Ada", "Cy"],
    ...     "mentor_email": ["b@example.org", "d@example.org"], "mentor_name": ["Bo", "Di"],
    ...     "start": ["2026-10-01", "2026-10-01"]})
    >>> mentor_all_withdrew(pairs, pd.DataFrame(), "2027-01-01")[["mentor_name", "detail"]
    ...     ].to_numpy().tolist()
    [['Bo', "All 1 of this mentor's pair(s) were withdrawn."]]
    """
    rules = rules or AlertRules()
    started = _started(pairs, today)
    per = (started.assign(withdrawn=started["status"] == "withdrawn")
           .groupby("mentor_email")
           .agg(n=("pair_id", "size"), w=("withdrawn", "sum"), name=("mentor_name", "first")))
    hit = per[(per["n"] >= rules.mentor_withdrawals_min) & (per["w"] == per["n"])]
    mentors = pd.DataFrame({
        "pair_id": pd.array([pd.NA] * len(hit), dtype="Int64"), "mentee_email": "",
        "mentee_name": "", "mentor_email": hit.index.to_numpy(dtype=object),
        "mentor_name": hit["name"].to_numpy(dtype=object)})
    detail = pd.Series([f"All {n} of this mentor's pair(s) were withdrawn." for n in hit["n"]],
                       dtype=object)
    return _warnings(mentors, "mentor_all_withdrew", "", detail, "mentor")


def one_side_cancels(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                     rules: AlertRules | None = None,
                     lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Warn when one side of a running pair cancelled ``one_side_cancellations`` meetings.

    Only this term's meetings up to ``today`` count, and only those cancelled by the mentee
    alone or by the mentor alone (``cancelled_by``); when both sides reach the threshold,
    each gets its own warning. The warning's ``recipients`` is the side that cancels, so the
    drafted message goes to that person only.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["active"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"]})
    >>> meets = pd.DataFrame({"pair_id": [1, 1, 1, 1],
    ...     "on_date": ["2026-11-01", "2026-12-01", "2027-01-10", "2027-02-01"],
    ...     "status": ["cancelled", "cancelled", "held", "cancelled"],
    ...     "cancelled_by": ["mentor", "mentor", "", "mentor"]})
    >>> one_side_cancels(pairs, meets, "2027-03-01")[["recipients", "detail"]].values.tolist()
    [['mentor', "The mentor cancelled 3 of this term's meetings (the first on 1 Nov 2026)."]]
    """
    rules = rules or AlertRules()
    running = running_pairs(pairs, today)
    if running.empty or meets.empty or "cancelled_by" not in meets:
        return _warnings(running.iloc[0:0], "one_side_cancels", "", "", "")
    today_iso = dates.today(today).isoformat()
    m = _meetings(meets).merge(running[["pair_id", "term_start"]], on="pair_id")
    m = m[(m["status"] == "cancelled") & m["cancelled_by"].isin(SIDES)
          & (m["on_date"] <= today_iso) & (m["on_date"] >= m["term_start"].fillna(""))]
    tally = (m.groupby(["pair_id", "cancelled_by"])
             .agg(n=("on_date", "size"), first=("on_date", "min")).reset_index())
    tally = tally[tally["n"] >= rules.one_side_cancellations]
    found = running.merge(tally, on="pair_id")
    detail = ("The " + found["cancelled_by"] + " cancelled " + found["n"].astype(str)
              + " of this term's meetings (the first on "
              + dates.readable_dates(found["first"]) + ").")
    return _warnings(found, "one_side_cancels", found["first"], detail, found["cancelled_by"])


def mid_term_review(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                    rules: AlertRules | None = None,
                    lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Prompt a mid-term review for pairs that reached month ``mid_term_months`` of their term.

    The prompt shows for ``mid_term_window_days`` from that day (time to send the drafted
    message), and stops sooner once a review is recorded this term (``last_review`` on or
    after the term's start) or the term ends; a term too short to have a middle gets none.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2], "status": ["active", "active"],
    ...     "mentee_email": ["a@example.org", "c@example.org"], "mentee_name": ["Ada", "Cy"],
    ...     "mentor_email": ["b@example.org", "d@example.org"], "mentor_name": ["Bo", "Di"],
    ...     "start": ["2026-10-01"] * 2, "term_start": ["2026-10-01"] * 2,
    ...     "term_end": ["2027-10-01"] * 2, "last_review": [None, "2027-04-02"]})
    >>> mid_term_review(pairs, pd.DataFrame(), "2027-04-15")[["pair_id", "detail"]
    ...     ].values.tolist()
    [[1, 'The term reached month 6 on 1 Apr 2027: time for a mid-term review.']]
    """
    rules = rules or AlertRules()
    day = dates.today(today).isoformat()
    running = running_pairs(pairs, today)
    running = running[running["status"].isin(RENEWING)]
    mid = dates.add_months(running["term_start"], rules.mid_term_months)
    end = running["term_end"] if "term_end" in running else pd.Series(None, index=running.index)
    last = (running["last_review"] if "last_review" in running
            else pd.Series(None, index=running.index, dtype=object))
    reviewed = last.notna() & (last.fillna("") >= running["term_start"].fillna("9"))
    window_over = (pd.to_datetime(mid) + pd.Timedelta(days=rules.mid_term_window_days)
                   ).dt.strftime("%Y-%m-%d").fillna("0") <= day
    due = (mid.notna() & (mid.fillna("9") <= day) & (mid.fillna("9") < end.fillna("9"))
           & (end.fillna("9") > day) & ~window_over & ~reviewed)
    found, since = running[due], mid[due]
    detail = (f"The term reached month {rules.mid_term_months} on " + dates.readable_dates(since)
              + ": time for a mid-term review.")
    return _warnings(found, "mid_term_review", since, detail, "mentee and mentor")


def follow_up_columns(pairs: pd.DataFrame, concerns: pd.DataFrame) -> pd.DataFrame:
    """Add each pair's open concerns to ``pairs``: ``open_concerns`` and ``next_follow_up``.

    ``next_follow_up`` is the earliest follow-up date of the pair's open concerns (None when
    none has one). Nothing of a concern's category or note is carried.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1, 2]})
    >>> concerns = pd.DataFrame({"pair_id": [1, 1, 2], "follow_up": ["2027-03-01",
    ...     "2027-02-01", None], "closed_on": [None, None, "2027-01-05"]})
    >>> follow_up_columns(pairs, concerns).values.tolist()
    [[1, 2, '2027-02-01'], [2, 0, None]]
    """
    open_ = concerns[concerns["closed_on"].isna()].astype({"pair_id": "int64"})
    per = open_.groupby("pair_id").agg(open_concerns=("pair_id", "size"),
                                       next_follow_up=("follow_up", "min"))
    out = pairs.merge(per, left_on="pair_id", right_index=True, how="left")
    out["open_concerns"] = out["open_concerns"].fillna(0).astype("int64")
    out["next_follow_up"] = out["next_follow_up"].astype(object).where(
        out["next_follow_up"].notna(), None)
    return out


def concern_follow_up(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                      rules: AlertRules | None = None,
                      lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Remind the lead of open concerns whose follow-up date has come (any pair's status).

    ``pairs`` carries :func:`follow_up_columns`; without them there is nothing to remind.
    The warning never quotes the concern: read it in the concern log.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["active"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "open_concerns": [1], "next_follow_up": ["2027-02-01"]})
    >>> concern_follow_up(pairs, pd.DataFrame(), "2027-02-01")["detail"].tolist()
    ['A follow-up was due on 1 Feb 2027 (1 open concern(s) for this pair in your log).']
    """
    if "next_follow_up" not in pairs:
        return _warnings(pairs.iloc[0:0], "concern_follow_up", "", "", "lead")
    day = dates.today(today).isoformat()
    found = pairs[pairs["next_follow_up"].notna()
                  & (pairs["next_follow_up"].fillna("9") <= day)]
    detail = ("A follow-up was due on " + dates.readable_dates(found["next_follow_up"]) + " ("
              + found["open_concerns"].astype(str) + " open concern(s) for this pair in your "
              "log).")
    return _warnings(found, "concern_follow_up", found["next_follow_up"], detail, "lead")


#: The function of each rule, in the order of :data:`RULES`.
RULE_CHECKS: dict[str, Callable[..., pd.DataFrame]] = {
    "no_first_meeting": no_first_meeting,
    "behind_pace": behind_pace,
    "cancellations": cancellations,
    "term_ending": term_ending,
    "mentor_all_withdrew": mentor_all_withdrew,
    "one_side_cancels": one_side_cancels,
    "mid_term_review": mid_term_review,
    "concern_follow_up": concern_follow_up,
}


def check_pairs(pairs: pd.DataFrame, meets: pd.DataFrame, today: date | str,
                rules: AlertRules | None = None,
                lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Run the early-warning rules switched on, on pairs and their meetings, as of ``today``.

    Each rule of ``rules.enabled`` runs on its own (:data:`RULE_CHECKS`); switching one off
    never hides another's warnings. A pair warned of no first meeting is not also warned of
    being behind the pace or prompted for a mid-term review (the first warning says more),
    nor is a pair whose term is ending prompted for a mid-term review.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`~toolkit.relationships.changes.pair_table` (any scheme): with
        ``meetings_per_year`` the pace follows each pair's agreed number, with
        ``last_review`` a recorded mid-term review stops its prompt, and with
        :func:`follow_up_columns` open concerns are reminded of.
    meets : pandas.DataFrame
        Meetings: ``pair_id, on_date, status, cancelled_by``.
    today : date or str
        The day the check is made (fixed in tests and the demo).
    rules : AlertRules, optional
        The rules' settings (defaults as in the scheme's handbook).
    lifecycle : Lifecycle, optional
        Term rules (to tell whether a pair can still be renewed).

    Returns
    -------
    pandas.DataFrame
        One row per warning, columns :data:`WARNING_COLUMNS`, in the order of :data:`RULES`,
        then by date and e-mail. ``pair_id`` is missing for the mentor rule.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [1], "status": ["proposed"],
    ...     "mentee_email": ["a@example.org"], "mentee_name": ["Ada"],
    ...     "mentor_email": ["b@example.org"], "mentor_name": ["Bo"],
    ...     "start": ["2026-10-01"], "term_start": ["2026-10-01"],
    ...     "term_end": ["2027-10-01"], "renewals": [0]})
    >>> meets = pd.DataFrame(columns=["pair_id", "on_date", "status", "cancelled_by"])
    >>> check_pairs(pairs, meets, "2027-06-01")[["rule", "pair_id"]].values.tolist()
    [['no_first_meeting', 1]]
    >>> only_pace = AlertRules(enabled=("behind_pace",))
    >>> check_pairs(pairs, meets, "2027-06-01", only_pace)[["rule", "pair_id"]].values.tolist()
    [['behind_pace', 1]]
    """
    rules = rules or AlertRules()
    found = {name: check(pairs, meets, today, rules, lifecycle)
             for name, check in RULE_CHECKS.items() if name in rules.enabled}
    for later, earlier in (("behind_pace", "no_first_meeting"),
                           ("mid_term_review", "no_first_meeting"),
                           ("mid_term_review", "term_ending")):
        if later in found and earlier in found:
            frame = found[later]
            found[later] = frame[~frame["pair_id"].isin(found[earlier]["pair_id"])]
    kept = [frame for frame in found.values() if not frame.empty]
    if not kept:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    return pd.concat(kept, ignore_index=True)


def message_values(warnings: pd.DataFrame, pairs: pd.DataFrame | None = None,
                   rules: AlertRules | None = None,
                   lifecycle: Lifecycle | None = None) -> list[dict[str, str]]:
    """Return the values of :data:`MESSAGE_PLACEHOLDERS` for each warning's message.

    Parameters
    ----------
    warnings : pandas.DataFrame
        :func:`check_pairs`' warnings.
    pairs : pandas.DataFrame, optional
        :func:`~toolkit.relationships.changes.pair_table`, for each pair's start, end of term
        and whether it can be renewed.
    rules, lifecycle : optional
        For the pace's yearly target and the renewal sentence.

    Returns
    -------
    list of dict
        One dict per warning, in order, of text values.

    Examples
    --------
    >>> w = pd.DataFrame({"rule": ["cancellations"], "pair_id": [1],
    ...     "mentee_name": ["Ada Byron"], "mentor_name": ["Bo Chen"]})
    >>> values = message_values(w)[0]
    >>> values["mentee_first_name"], values["mentor_first_name"], values["target"]
    ('Ada', 'Bo', '3')
    """
    rules, lifecycle = rules or AlertRules(), lifecycle or Lifecycle()
    info = pairs.set_index("pair_id") if pairs is not None and not pairs.empty else None
    out = []
    for rec in warnings.to_dict("records"):
        values = {k: ("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
                  for k, v in rec.items()}
        for side in ("mentee", "mentor"):
            values[f"{side}_first_name"] = next(iter(values.get(f"{side}_name", "").split()),
                                                "")
        values["target"] = str(rules.target)
        side = values.get("recipients", "")
        values["recipient_first_name"] = values.get(f"{side}_first_name", "") if side in SIDES \
            else ""
        pid = rec.get("pair_id")
        if info is not None and pid is not None and not pd.isna(pid) and int(pid) in info.index:
            pair = info.loc[int(pid)]
            agreed = pair.get("meetings_per_year")
            if agreed is not None and not pd.isna(agreed):
                values["target"] = str(int(agreed))
            values.update(start=dates.readable_date(pair["start"]),
                          term_end=dates.readable_date(pair["term_end"]))
            values["renewal_sentence"] = (
                f"If you would both like to carry on, the pair can be renewed for another "
                f"{lifecycle.renewal_months} months: please tell me whether you would like to."
                if lifecycle.can_renew(int(pair["renewals"])) else
                "The pair has already been renewed, so this will be its natural end.")
        values["since"] = dates.readable_date(values.get("since", ""))
        values.setdefault("start", values["since"])
        values.setdefault("term_end", values["since"])
        values.setdefault("renewal_sentence",
                          "Please tell me whether you would like to renew for another term.")
        out.append(values)
    return out


def format_warnings(warnings: pd.DataFrame, today: date | str,
                    drafts: pd.Series | None = None) -> str:
    """Render warnings as plain text for the terminal, grouped by rule.

    Examples
    --------
    >>> print(format_warnings(pd.DataFrame(columns=WARNING_COLUMNS), "2027-01-01"))
    No warnings on 1 Jan 2027: every pair is on track.
    """
    day = dates.readable_date(dates.today(today))
    if warnings.empty:
        return f"No warnings on {day}: every pair is on track."
    lines = [f"{len(warnings)} warning(s) on {day}:"]
    for rule, group in warnings.groupby("rule", sort=False):
        lines.append("")
        lines.append(f"{RULES[str(rule)][0]} ({len(group)})")
        for idx, rec in group.iterrows():
            who = (f"pair {rec['pair_id']}: {rec['mentee_name']} with {rec['mentor_name']}"
                   if not pd.isna(rec["pair_id"]) else f"mentor {rec['mentor_name']}")
            lines.append(f"  - {who}. {rec['detail']}")
            if drafts is not None:
                lines += ["      " + t for t in str(drafts.loc[idx]).splitlines()]
    return "\n".join(lines)
