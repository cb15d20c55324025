"""Changes in the store of a pair's life: first meetings, renewals, endings and withdrawals.

Each change follows the rules of :class:`~toolkit.relationships.lifecycle.Lifecycle` and is
written with its date to the pair's audit trail, in one transaction: a refused change leaves
the store exactly as it was. This module also reads the pairs back as a lead sees them
(:func:`pair_table`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from toolkit.core.dates import as_date
from toolkit.core.statuses import FINISHED, RUNNING
from toolkit.errors import LifecycleError
from toolkit.relationships.lifecycle import (
    MID_TERM_REVIEW,
    RENEWAL_ANSWER,
    RENEWING,
    Lifecycle,
    answers_this_term,
    check_withdrawal,
    renewal_note,
    renewal_outcome,
    unknown_pair_message,
    withdrawal_note,
)
from toolkit.store.connection import Store
from toolkit.store.pairs import (
    load_made_dates,
    load_pair,
    load_pair_events,
    load_pairs,
    load_review_dates,
    save_pair_event,
    save_status_changes,
)
from toolkit.store.people import load_directory

__all__ = [
    "PAIR_TABLE_COLUMNS",
    "activate_pairs",
    "change_status",
    "confirm_first_meeting",
    "current_pairs",
    "end_pair",
    "find_pair",
    "pair_events",
    "pair_table",
    "pairs_to_forbid",
    "record_mid_term_review",
    "record_renewal_answer",
    "renew_pair",
    "renewal_answers",
    "withdraw_pair",
]

#: The columns of :func:`pair_table`.
PAIR_TABLE_COLUMNS = ["pair_id", "cohort", "scheme", "status", "mentee_email", "mentee_name",
                      "mentee_department", "mentor_email", "mentor_name", "mentor_department",
                      "start", "term_start", "term_end", "renewals", "meetings_per_year",
                      "last_review"]


def find_pair(store: Store, pair_id: int) -> dict[str, Any]:
    """Return a pair's row from the store.

    Raises
    ------
    LifecycleError
        If the store has no such pair.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> find_pair(store, 4)
    Traceback (most recent call last):
    ...
    toolkit.errors.LifecycleError: There is no pair 4 in the store: pick a pair from the ...
    """
    pair = load_pair(store, pair_id)
    if pair is None:
        raise LifecycleError(unknown_pair_message(pair_id))
    return pair


def pair_events(store: Store, pair_ids: list[int] | None = None) -> pd.DataFrame:
    """Return the audit trail of pairs: every change and answer, oldest first.

    Columns ``id, pair_id, from_status, to_status, on_date, reason, note, recorded_at``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = confirm_first_meeting(store, pid, "2026-10-20")
    >>> pair_events(store)[["to_status", "on_date"]].to_numpy().tolist()
    [['proposed', '2026-10-05'], ['active', '2026-10-20']]
    """
    return load_pair_events(store, pair_ids)


def pair_table(store: Store, cohort: str | None = None, scheme: str | None = "mentoring",
               statuses: tuple[str, ...] | list[str] | None = None,
               lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Return the pairs with their names, dates and term worked out.

    ``start`` is the pair's start date (the date it was made when none was given),
    ``term_start`` the start of the current term (a renewed pair's latest renewal),
    ``term_end`` the end of the current term, ``meetings_per_year`` the number of meetings
    a year the pair agreed (missing: the scheme's pace), ``last_review`` the day of its
    latest mid-term review (missing: none).

    Parameters
    ----------
    store : Store
    cohort, scheme : str, optional
        Restrict to a cohort and scheme (default: mentoring pairs of every cohort).
    statuses : sequence of str, optional
        Restrict to these statuses.
    lifecycle : Lifecycle, optional
        Term lengths (default 12 months, renewable once for 12).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PAIR_TABLE_COLUMNS`, sorted by pair id.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> pair_table(store)[["pair_id", "mentee_name", "start", "term_end"]].to_numpy().tolist()
    [[1, 'a@example.org', '2026-10-05', '2027-10-05']]
    """
    lifecycle = lifecycle or Lifecycle()
    pairs = load_pairs(store, cohort=cohort, scheme=scheme, statuses=statuses)
    if pairs.empty:
        return pd.DataFrame(columns=PAIR_TABLE_COLUMNS)
    frame = pairs.rename(columns={"id": "pair_id"}).merge(load_made_dates(store), on="pair_id",
                                                          how="left")
    frame["start"] = frame["start_date"].where(frame["start_date"].notna(), frame["made"])
    frame["renewals"] = frame["renewals"].astype("int64")
    frame[["term_start", "term_end"]] = lifecycle.terms(frame["start"], frame["renewals"])
    frame["meetings_per_year"] = frame["meetings_per_year"].astype("Int64")
    reviews = load_review_dates(store, MID_TERM_REVIEW).rename(columns={"on_date": "last_review"})
    frame = frame.merge(reviews, on="pair_id", how="left")
    frame["last_review"] = frame["last_review"].astype(object).where(
        frame["last_review"].notna(), None)
    people = load_directory(store)
    for side in ("mentee", "mentor"):
        named = people.rename(columns={"email": f"{side}_email", "name": f"{side}_name",
                                       "department": f"{side}_department"})
        frame = frame.merge(named, on=f"{side}_email", how="left")
        frame[f"{side}_name"] = frame[f"{side}_name"].fillna(frame[f"{side}_email"])
        frame[f"{side}_department"] = frame[f"{side}_department"].fillna("")
    return frame[PAIR_TABLE_COLUMNS].sort_values("pair_id").reset_index(drop=True)


def change_status(store: Store, pair_id: int, to_status: str, on_date: date | str,
                  reason: str = "", note: str = "",
                  lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Move a pair to a new status and record the change, in one transaction.

    Only the changes the lifecycle allows are made (see
    :meth:`~toolkit.relationships.lifecycle.Lifecycle.change`); anything else raises
    :class:`~toolkit.errors.LifecycleError` and changes nothing.

    Parameters
    ----------
    store : Store
    pair_id : int
    to_status : str
        One of :data:`~toolkit.core.statuses.STATUSES`.
    on_date : date or str
        The date the change happened (ISO text or a date).
    reason, note : str
        Recorded with the event (a withdrawal's reason category is private to the lead).
    lifecycle : Lifecycle, optional
        Term rules (default 12 months, renewable once).

    Returns
    -------
    dict
        The pair's row after the change.

    Raises
    ------
    LifecycleError
        If the pair does not exist or the change is not allowed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> change_status(store, pid, "active", "2026-10-20")["status"]
    'active'
    >>> change_status(store, pid, "proposed", "2026-10-21")
    Traceback (most recent call last):
    ...
    toolkit.errors.LifecycleError: Pair 1 is 'active' and cannot become 'proposed': ...
    """
    lifecycle = lifecycle or Lifecycle()
    day = as_date(on_date, "date of the change").isoformat()
    with store.transaction():
        pair = find_pair(store, pair_id)
        after = lifecycle.change(pair, to_status, day)
        save_status_changes(store, pd.DataFrame([{
            "pair_id": int(pair_id), "from_status": pair["status"], "to_status": to_status,
            "start_date": after["start_date"], "term_end": after["term_end"],
            "renewals": after["renewals"], "on_date": day, "reason": reason, "note": note}]))
        return find_pair(store, pair_id)


def confirm_first_meeting(store: Store, pair_id: int, on_date: date | str,
                          lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Record that a proposed pair's first meeting took place: the pair becomes active.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> pair = confirm_first_meeting(store, pid, "2026-10-20")
    >>> pair["status"], pair["start_date"], pair["term_end"]
    ('active', '2026-10-20', '2027-10-20')
    """
    return change_status(store, pair_id, "active", on_date, reason="first meeting confirmed",
                         lifecycle=lifecycle)


def activate_pairs(store: Store, first_meetings: pd.Series, reason: str = "first meeting recorded",
                   lifecycle: Lifecycle | None = None) -> list[int]:
    """Make proposed pairs active on the date of their first meeting, all in one transaction.

    The same change as :func:`confirm_first_meeting`, for many pairs at once (a meetings
    import); pairs that are not proposed are left as they are.

    Parameters
    ----------
    store : Store
    first_meetings : pandas.Series
        Pair id -> ISO date of its first held meeting.
    reason : str
    lifecycle : Lifecycle, optional

    Returns
    -------
    list of int
        The pairs made active.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
    ...     "mentor_email": ["b@example.org", "d@example.org"]}), "2026")
    >>> activate_pairs(store, pd.Series({2: "2026-10-20"}))
    [2]
    >>> load_pairs(store)[["status", "start_date", "term_end"]].iloc[1].tolist()
    ['active', '2026-10-20', '2027-10-20']
    """
    lifecycle = lifecycle or Lifecycle()
    with store.transaction():
        proposed = load_pairs(store, statuses=("proposed",)).set_index("id")
        wanted = first_meetings[first_meetings.index.isin(proposed.index)].sort_index()
        if wanted.empty:
            return []
        ids = [int(i) for i in wanted.index]
        chosen = proposed.loc[ids]
        start = chosen["start_date"].astype(object)
        start = start.where(start.notna(), pd.Series(wanted.to_numpy(), index=start.index))
        renewals = chosen["renewals"].astype("int64")
        save_status_changes(store, pd.DataFrame({
            "pair_id": ids, "from_status": "proposed", "to_status": "active",
            "start_date": start.to_numpy(),
            "term_end": lifecycle.terms(start, renewals)["term_end"].to_numpy(),
            "renewals": renewals.to_numpy(), "on_date": wanted.astype(str).to_numpy(),
            "reason": reason, "note": ""}))
    return ids


def renew_pair(store: Store, pair_id: int, on_date: date | str,
               lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Renew a pair for another term (both parties agreed); see :func:`record_renewal_answer`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> renew_pair(store, pid, "2027-09-20")["term_end"]
    '2028-10-05'
    """
    return change_status(store, pair_id, "renewed", on_date, reason="both agreed to renew",
                         lifecycle=lifecycle)


def end_pair(store: Store, pair_id: int, on_date: date | str, reason: str = "term ended",
             lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """End a pair (its term is over, or it was not renewed); both may join the next round.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> end_pair(store, pid, "2027-10-05")["status"]
    'ended'
    """
    return change_status(store, pair_id, "ended", on_date, reason=reason, lifecycle=lifecycle)


def withdraw_pair(store: Store, pair_id: int, on_date: date | str, by: str,
                  reason: str = "other", note: str = "",
                  lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Record that someone withdrew from a pair; the pair ends as ``withdrawn``.

    The reason category is kept in the audit trail for the lead only: no report shows it.

    Parameters
    ----------
    store : Store
    pair_id : int
    on_date : date or str
    by : str
        Who withdrew: one of :data:`~toolkit.relationships.lifecycle.PARTIES`.
    reason : str
        One of :data:`~toolkit.relationships.lifecycle.WITHDRAWAL_REASONS`.
    note : str
        Anything else the lead wants to remember (private).
    lifecycle : Lifecycle, optional

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> withdraw_pair(store, pid, "2026-12-01", by="mentor", reason="workload or time")["status"]
    'withdrawn'
    """
    check_withdrawal(by, reason)
    return change_status(store, pair_id, "withdrawn", on_date, reason=reason,
                         note=withdrawal_note(by, note), lifecycle=lifecycle)


def renewal_answers(store: Store, pair_ids: list[int] | None = None) -> pd.DataFrame:
    """Return each party's renewal answer given in the pair's current term.

    Answers given before the pair's last change of status (e.g. before it was renewed) do
    not count.

    Returns
    -------
    pandas.DataFrame
        ``pair_id, mentee, mentor`` (``"yes"``, ``"no"`` or ``""`` when not answered), for
        the pairs with at least one such answer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> _ = record_renewal_answer(store, pid, "mentor", False, "2027-09-01")
    >>> renewal_answers(store).to_numpy().tolist()
    [[1, '', 'no']]
    """
    return answers_this_term(load_pair_events(store, pair_ids))


def record_renewal_answer(store: Store, pair_id: int, party: str, wants_renewal: bool,
                          on_date: date | str,
                          lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Record whether the mentee or the mentor wants to renew; act once both have answered.

    When both said yes the pair is renewed; when either said no it ends (reason "not
    renewed") and both may join the next matching round, where the old pair will not be
    proposed again (see :func:`pairs_to_forbid`). Until both answered nothing else changes.
    All of it happens in one transaction.

    Parameters
    ----------
    store : Store
    pair_id : int
    party : str
        ``"mentee"`` or ``"mentor"``.
    wants_renewal : bool
    on_date : date or str
    lifecycle : Lifecycle, optional

    Returns
    -------
    dict
        The pair's row afterwards.

    Raises
    ------
    LifecycleError
        If the pair is not running (active or renewed), or has used up its renewals and
        the answer is yes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> record_renewal_answer(store, pid, "mentee", True, "2027-09-10")["status"]
    'active'
    >>> record_renewal_answer(store, pid, "mentor", True, "2027-09-12")["status"]
    'renewed'
    """
    lifecycle = lifecycle or Lifecycle()
    note = renewal_note(party, wants_renewal)
    day = as_date(on_date, "date of the answer").isoformat()
    with store.transaction():
        pair = find_pair(store, pair_id)
        lifecycle.check_renewal_answer(pair, wants_renewal)
        save_pair_event(store, pair_id, pair["status"], day, RENEWAL_ANSWER, note)
        answers = renewal_answers(store, [int(pair_id)])
        outcome = renewal_outcome(answers["mentee"].iloc[0], answers["mentor"].iloc[0])
        if outcome == "renewed":
            return renew_pair(store, pair_id, day, lifecycle)
        if outcome == "ended":
            return end_pair(store, pair_id, day, reason="not renewed", lifecycle=lifecycle)
        return find_pair(store, pair_id)


def record_mid_term_review(store: Store, pair_id: int, on_date: date | str,
                           note: str = "") -> dict[str, Any]:
    """Record that a pair held its mid-term review, which ends the review prompt this term.

    The review is an event in the pair's audit trail that changes nothing else.

    Raises
    ------
    LifecycleError
        If the store has no such pair, or the pair is not active or renewed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> record_mid_term_review(store, 1, "2027-04-10")["last_review"]
    '2027-04-10'
    """
    pair = find_pair(store, pair_id)
    if pair["status"] not in RENEWING:
        raise LifecycleError(
            f"Pair {int(pair_id)} is '{pair['status']}': only an active or renewed pair has a "
            "mid-term review. Nothing was changed.")
    day = as_date(on_date).isoformat()
    save_pair_event(store, int(pair_id), str(pair["status"]), day, MID_TERM_REVIEW, note)
    return {**pair, "last_review": day}


def current_pairs(store: Store, cohort: str | None = None,
                  scheme: str = "mentoring") -> pd.DataFrame:
    """Return the pairs still running (proposed, active or renewed): they keep their places.

    Columns ``pair_id, mentee_email, mentor_email``; pass them to the pairing engine's
    ``current=`` so they are kept and use up mentors' capacity.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> ids = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
    ...     "mentor_email": ["b@example.org", "d@example.org"]}), "2026",
    ...     start_date="2026-10-05")
    >>> _ = withdraw_pair(store, ids[0], "2026-11-01", by="mentee")
    >>> current_pairs(store)["pair_id"].tolist()
    [2]
    """
    pairs = load_pairs(store, cohort=cohort, scheme=scheme, statuses=RUNNING)
    return (pairs.rename(columns={"id": "pair_id"})[["pair_id", "mentee_email", "mentor_email"]]
            .reset_index(drop=True))


def pairs_to_forbid(store: Store, scheme: str = "mentoring") -> pd.DataFrame:
    """Return the earlier pairs that must not be proposed again.

    A pair that ended or was withdrawn is never proposed again: the only way for two people
    to carry on is to renew their pair while it runs. Pass the result to the pairing
    engine's ``forbid=``.

    Returns
    -------
    pandas.DataFrame
        Columns ``mentee_email, mentor_email``, one row per earlier pair, sorted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> ids = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
    ...     "mentor_email": ["b@example.org", "d@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> _ = end_pair(store, ids[0], "2027-10-05", reason="not renewed")
    >>> pairs_to_forbid(store).values.tolist()
    [['a@example.org', 'b@example.org']]
    """
    pairs = load_pairs(store, scheme=scheme, statuses=FINISHED)
    return (pairs[["mentee_email", "mentor_email"]].drop_duplicates()
            .sort_values(["mentee_email", "mentor_email"]).reset_index(drop=True))
