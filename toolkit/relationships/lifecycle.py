"""The life of a pair: proposed, active, renewed, ended or withdrawn, with a dated audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import LifecycleError, SettingsError
from toolkit.store.connection import Store, now_utc, query
from toolkit.store.pairs import load_pairs, save_pairs
from toolkit.store.people import load_people

__all__ = [
    "OPEN_STATUSES",
    "PARTIES",
    "STATUSES",
    "TRANSITIONS",
    "WITHDRAWAL_REASONS",
    "Lifecycle",
    "Rematch",
    "accept_rematch",
    "activate_pairs",
    "add_months",
    "change_status",
    "confirm_first_meeting",
    "current_pairs",
    "end_pair",
    "pair_events",
    "pair_table",
    "pairs_to_forbid",
    "record_renewal_answer",
    "rematch_after_withdrawal",
    "renew_pair",
    "renewal_answers",
    "withdraw_pair",
]

#: Every status a pair can have.
STATUSES = ("proposed", "active", "renewed", "ended", "withdrawn")
#: Statuses of a pair that is still running (it uses a mentor's capacity).
OPEN_STATUSES = ("proposed", "active", "renewed")
#: The legal changes of status: from -> the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("active", "ended", "withdrawn"),
    "active": ("renewed", "ended", "withdrawn"),
    "renewed": ("renewed", "ended", "withdrawn"),
    "ended": (),
    "withdrawn": (),
}
#: Who can withdraw from a pair (``lead``: the scheme lead ended it).
PARTIES = ("mentee", "mentor", "both", "lead")
#: Reason categories for a withdrawal. Private to the lead: never shown in reports.
WITHDRAWAL_REASONS = (
    "workload or time",
    "changed job or role",
    "left the institution",
    "the pair did not get on",
    "health or personal",
    "goals already met",
    "other",
)
_ANSWER = "renewal answer"


@dataclass(frozen=True)
class Lifecycle:
    """The scheme's rules for a pair's term.

    Parameters
    ----------
    term_months : int
        Length of the first term (default 12 months).
    renewal_months : int
        Length of each renewal (default 12 months).
    max_renewals : int
        How many times a pair may be renewed (default once).

    Examples
    --------
    >>> Lifecycle().term_months, Lifecycle(max_renewals=2).max_renewals
    (12, 2)
    """

    term_months: int = 12
    renewal_months: int = 12
    max_renewals: int = 1

    def __post_init__(self) -> None:
        for name in ("term_months", "renewal_months", "max_renewals"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < (0 if name == "max_renewals" else 1):
                raise SettingsError(
                    f"The lifecycle setting '{name}' must be a whole number "
                    f"{'0 or more' if name == 'max_renewals' else '1 or more'} (got {value!r})."
                )


def _iso(value: date | str | None, what: str = "date") -> str:
    """Return an ISO date string from a date or text, or raise SettingsError."""
    if value is None:
        raise SettingsError(f"The {what} is missing: give a date such as 2026-10-05.")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise SettingsError(
            f"The {what} '{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-10-05."
        ) from None


def add_months(dates: pd.Series, months: pd.Series | int) -> pd.Series:
    """Add whole months to ISO dates (the 31st becomes the month's last day).

    Examples
    --------
    >>> add_months(pd.Series(["2026-01-31", "2026-10-05", None]), 1).tolist()
    ['2026-02-28', '2026-11-05', None]
    >>> add_months(pd.Series(["2028-02-29", "2026-12-15"]), pd.Series([12, 14])).tolist()
    ['2029-02-28', '2028-02-15']
    """
    stamps = pd.Series(pd.to_datetime(dates, errors="coerce"), index=dates.index)
    valid = stamps.notna().to_numpy()
    shift = np.broadcast_to(np.asarray(months, dtype="int64"), (len(dates),))
    filled = stamps.fillna(pd.Timestamp("2000-01-01"))
    total = filled.dt.year.to_numpy() * 12 + filled.dt.month.to_numpy() - 1 + shift
    first = pd.to_datetime(pd.DataFrame({"year": total // 12, "month": total % 12 + 1,
                                         "day": 1}))
    day = np.minimum(filled.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
    moved = (first + pd.to_timedelta(day - 1, unit="D")).dt.strftime("%Y-%m-%d")
    return pd.Series(np.where(valid, moved.to_numpy(dtype=object), None), index=dates.index,
                     dtype=object)


def pair_events(store: Store, pair_ids: list[int] | None = None) -> pd.DataFrame:
    """Return the audit trail of pairs: every change and answer, oldest first.

    Columns ``id, pair_id, from_status, to_status, on_date, reason, note, recorded_at``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = confirm_first_meeting(store, pid, "2026-10-20")
    >>> pair_events(store)[["to_status", "on_date"]].to_numpy().tolist()
    [['proposed', '2026-10-05'], ['active', '2026-10-20']]
    """
    if pair_ids is None:
        return query(store, "SELECT * FROM pair_events ORDER BY pair_id, id")
    marks = ", ".join("?" * len(pair_ids))
    return query(store, f"SELECT * FROM pair_events WHERE pair_id IN ({marks}) "
                       "ORDER BY pair_id, id", tuple(int(i) for i in pair_ids))


def pair_table(store: Store, cohort: str | None = None, scheme: str | None = "mentoring",
               statuses: tuple[str, ...] | list[str] | None = None,
               lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Return the pairs with their names, dates and term worked out.

    ``start`` is the pair's start date (the date it was made when none was given),
    ``term_start`` the start of the current term (a renewed pair's latest renewal),
    ``term_end`` the end of the current term.

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
        Columns ``pair_id, cohort, scheme, status, mentee_email, mentee_name,
        mentee_department, mentor_email, mentor_name, mentor_department, start,
        term_start, term_end, renewals``, sorted by pair id.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> pair_table(store)[["pair_id", "mentee_name", "start", "term_end"]].to_numpy().tolist()
    [[1, 'a@example.org', '2026-10-05', '2027-10-05']]
    """
    lifecycle = lifecycle or Lifecycle()
    pairs = load_pairs(store, cohort=cohort, scheme=scheme, statuses=statuses)
    if pairs.empty:
        return pd.DataFrame(columns=[
            "pair_id", "cohort", "scheme", "status", "mentee_email", "mentee_name",
            "mentee_department", "mentor_email", "mentor_name", "mentor_department", "start",
            "term_start", "term_end", "renewals"])
    first = query(store, "SELECT pair_id, MIN(on_date) AS made FROM pair_events GROUP BY pair_id")
    people = query(store, "SELECT email, name, department FROM people")
    frame = pairs.rename(columns={"id": "pair_id"}).merge(first, on="pair_id", how="left")
    frame["start"] = frame["start_date"].where(frame["start_date"].notna(), frame["made"])
    frame["renewals"] = frame["renewals"].astype("int64")
    frame["term_start"] = add_months(
        frame["start"], frame["renewals"].map(
            lambda r: lifecycle.term_months + (r - 1) * lifecycle.renewal_months if r else 0))
    frame["term_end"] = add_months(
        frame["start"], lifecycle.term_months + frame["renewals"] * lifecycle.renewal_months)
    for side in ("mentee", "mentor"):
        named = people.rename(columns={"email": f"{side}_email", "name": f"{side}_name",
                                       "department": f"{side}_department"})
        frame = frame.merge(named, on=f"{side}_email", how="left")
        frame[f"{side}_name"] = frame[f"{side}_name"].fillna(frame[f"{side}_email"])
        frame[f"{side}_department"] = frame[f"{side}_department"].fillna("")
    cols = ["pair_id", "cohort", "scheme", "status", "mentee_email", "mentee_name",
            "mentee_department", "mentor_email", "mentor_name", "mentor_department", "start",
            "term_start", "term_end", "renewals"]
    return frame[cols].sort_values("pair_id").reset_index(drop=True)


def _pair(store: Store, pair_id: int) -> dict[str, Any]:
    rows = query(store, "SELECT * FROM pairs WHERE id = ?", (int(pair_id),))
    if rows.empty:
        raise LifecycleError(
            f"There is no pair {pair_id} in the store: pick a pair from the status table.")
    return rows.iloc[0].to_dict()


def _illegal(pair_id: int, current: str, wanted: str) -> LifecycleError:
    allowed = TRANSITIONS.get(current, ())
    return LifecycleError(
        f"Pair {pair_id} is '{current}' and cannot become '{wanted}': from '{current}' a pair "
        + (f"can only become {', '.join(repr(a) for a in allowed)}." if allowed
           else "cannot change any more (it is finished). Nothing was changed.")
    )


def change_status(store: Store, pair_id: int, to_status: str, on_date: date | str,
                  reason: str = "", note: str = "",
                  lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Move a pair to a new status and record the change, in one transaction.

    Only the changes in :data:`TRANSITIONS` are allowed; anything else raises
    :class:`~toolkit.errors.LifecycleError` and changes nothing. Becoming ``active`` sets
    the start date when the pair has none; becoming ``renewed`` counts one more renewal
    (at most ``lifecycle.max_renewals``).

    Parameters
    ----------
    store : Store
    pair_id : int
    to_status : str
        One of :data:`STATUSES`.
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
    if to_status not in STATUSES:
        raise LifecycleError(
            f"'{to_status}' is not a pair status; the statuses are {list(STATUSES)}.")
    day = _iso(on_date, "date of the change")
    with store.transaction() as conn:
        pair = _pair(store, pair_id)
        current = pair["status"]
        if to_status not in TRANSITIONS.get(current, ()):
            raise _illegal(int(pair_id), current, to_status)
        start = pair["start_date"]
        if start is not None and day < start:
            raise LifecycleError(
                f"Pair {pair_id} started on {start}; a change dated {day} would come before "
                "it. Check the date.")
        renewals = int(pair["renewals"])
        if to_status == "renewed":
            if renewals >= lifecycle.max_renewals:
                raise LifecycleError(
                    f"Pair {pair_id} has already been renewed {renewals} time(s), the most the "
                    f"scheme allows ({lifecycle.max_renewals}): end it instead, and both may "
                    "sign up for the next matching round. Nothing was changed.")
            renewals += 1
        if to_status == "active" and start is None:
            start = day
        term_end = None
        if start is not None:
            months = lifecycle.term_months + renewals * lifecycle.renewal_months
            term_end = add_months(pd.Series([start]), months).iloc[0]
        conn.execute("UPDATE pairs SET status = ?, start_date = ?, term_end = ?, renewals = ? "
                     "WHERE id = ?", (to_status, start, term_end, renewals, int(pair_id)))
        conn.execute(
            "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, reason, note, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (int(pair_id), current, to_status, day, reason, note, now_utc()))
        return _pair(store, pair_id)


def confirm_first_meeting(store: Store, pair_id: int, on_date: date | str,
                          lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Record that a proposed pair's first meeting took place: the pair becomes active.

    Examples
    --------
    >>> import tempfile, pathlib
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
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
    ...     "mentor_email": ["b@example.org", "d@example.org"]}), "2026")
    >>> activate_pairs(store, pd.Series({2: "2026-10-20"}))
    [2]
    >>> load_pairs(store)[["status", "start_date", "term_end"]].iloc[1].tolist()
    ['active', '2026-10-20', '2027-10-20']
    """
    lifecycle = lifecycle or Lifecycle()
    with store.transaction() as conn:
        proposed = load_pairs(store, statuses=("proposed",)).set_index("id")
        wanted = first_meetings[first_meetings.index.isin(proposed.index)].sort_index()
        if wanted.empty:
            return []
        ids = [int(i) for i in wanted.index]
        start = proposed.loc[ids, "start_date"].astype(object)
        start = start.where(start.notna(), pd.Series(wanted.to_numpy(), index=start.index))
        term_end = add_months(start, lifecycle.term_months + proposed.loc[ids, "renewals"]
                              .astype("int64") * lifecycle.renewal_months)
        now = now_utc()
        conn.executemany(
            "UPDATE pairs SET status = 'active', start_date = ?, term_end = ? WHERE id = ?",
            list(zip(start, term_end, ids, strict=True)))
        conn.executemany(
            "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, reason, note, "
            "recorded_at) VALUES (?, 'proposed', 'active', ?, ?, '', ?)",
            [(i, str(d), reason, now) for i, d in zip(ids, wanted, strict=True)])
    return ids


def renew_pair(store: Store, pair_id: int, on_date: date | str,
               lifecycle: Lifecycle | None = None) -> dict[str, Any]:
    """Renew a pair for another term (both parties agreed); see :func:`record_renewal_answer`.

    Examples
    --------
    >>> import tempfile, pathlib
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
        Who withdrew: one of :data:`PARTIES`.
    reason : str
        One of :data:`WITHDRAWAL_REASONS`.
    note : str
        Anything else the lead wants to remember (private).
    lifecycle : Lifecycle, optional

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> withdraw_pair(store, pid, "2026-12-01", by="mentor", reason="workload or time")["status"]
    'withdrawn'
    """
    if by not in PARTIES:
        raise SettingsError(f"Who withdrew must be one of {list(PARTIES)} (got {by!r}).")
    if reason not in WITHDRAWAL_REASONS:
        raise SettingsError(
            f"The withdrawal reason must be one of {list(WITHDRAWAL_REASONS)} (got {reason!r}).")
    text = f"by={by}" + (f"; {note}" if note else "")
    return change_status(store, pair_id, "withdrawn", on_date, reason=reason, note=text,
                         lifecycle=lifecycle)


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
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> _ = record_renewal_answer(store, pid, "mentor", False, "2027-09-01")
    >>> renewal_answers(store).to_numpy().tolist()
    [[1, '', 'no']]
    """
    events = pair_events(store, pair_ids)
    changes = events[events["from_status"].fillna("") != events["to_status"]]
    last_change = events["pair_id"].map(changes.groupby("pair_id")["id"].max()).fillna(0)
    answers = events[(events["reason"] == _ANSWER) & (events["id"] > last_change)]
    parsed = answers["note"].str.extract(r"^(?P<party>mentee|mentor)=(?P<answer>yes|no)")
    parsed["pair_id"] = answers["pair_id"]
    latest = parsed.dropna().drop_duplicates(["pair_id", "party"], keep="last")
    ids = sorted(int(i) for i in latest["pair_id"].unique())
    table = pd.DataFrame({"pair_id": pd.Series(ids, dtype="int64")})
    for party in ("mentee", "mentor"):
        said = latest[latest["party"] == party].set_index("pair_id")["answer"]
        table[party] = table["pair_id"].map(said).astype(object).fillna("")
    return table


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
    if party not in ("mentee", "mentor"):
        raise SettingsError(f"The party answering must be 'mentee' or 'mentor' (got {party!r}).")
    day = _iso(on_date, "date of the answer")
    with store.transaction() as conn:
        pair = _pair(store, pair_id)
        status = pair["status"]
        if status not in ("active", "renewed"):
            raise LifecycleError(
                f"Pair {pair_id} is '{status}': only an active or renewed pair can be asked "
                "about renewal. Nothing was changed.")
        if wants_renewal and int(pair["renewals"]) >= lifecycle.max_renewals:
            raise LifecycleError(
                f"Pair {pair_id} has already been renewed {pair['renewals']} time(s), the most "
                f"the scheme allows ({lifecycle.max_renewals}): it cannot be renewed again. "
                "Nothing was changed.")
        conn.execute(
            "INSERT INTO pair_events (pair_id, from_status, to_status, on_date, reason, note, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (int(pair_id), status, status, day, _ANSWER,
             f"{party}={'yes' if wants_renewal else 'no'}", now_utc()))
        # Only answers given since the pair's last change of status (this term) count.
        events = pair_events(store, [int(pair_id)])
        events = events[(events["reason"] == _ANSWER) & (events["id"] > _last_change_id(events))]
        answers = dict(events["note"].str.split("=").map(tuple).tolist())
        if "mentee" in answers and "mentor" in answers:
            if answers["mentee"] == "yes" and answers["mentor"] == "yes":
                return renew_pair(store, pair_id, day, lifecycle)
            return end_pair(store, pair_id, day, reason="not renewed", lifecycle=lifecycle)
        return _pair(store, pair_id)


def _last_change_id(events: pd.DataFrame) -> int:
    changes = events[events["from_status"].fillna("") != events["to_status"]]
    return int(changes["id"].max()) if not changes.empty else 0


def current_pairs(store: Store, cohort: str | None = None,
                  scheme: str = "mentoring") -> pd.DataFrame:
    """Return the pairs still running (proposed, active or renewed): they keep their places.

    Columns ``pair_id, mentee_email, mentor_email``; pass them to the pairing engine's
    ``current=`` so they are kept and use up mentors' capacity.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> ids = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
    ...     "mentor_email": ["b@example.org", "d@example.org"]}), "2026",
    ...     start_date="2026-10-05")
    >>> _ = withdraw_pair(store, ids[0], "2026-11-01", by="mentee")
    >>> current_pairs(store)["pair_id"].tolist()
    [2]
    """
    pairs = load_pairs(store, cohort=cohort, scheme=scheme, statuses=OPEN_STATUSES)
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
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> ids = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org", "c@example.org"],
    ...     "mentor_email": ["b@example.org", "d@example.org"]}), "2026", status="active",
    ...     start_date="2026-10-05")
    >>> _ = end_pair(store, ids[0], "2027-10-05", reason="not renewed")
    >>> pairs_to_forbid(store).values.tolist()
    [['a@example.org', 'b@example.org']]
    """
    pairs = load_pairs(store, scheme=scheme, statuses=("ended", "withdrawn"))
    return (pairs[["mentee_email", "mentor_email"]].drop_duplicates()
            .sort_values(["mentee_email", "mentor_email"]).reset_index(drop=True))


@dataclass
class Rematch:
    """What a re-match after a withdrawal proposes (nothing is written until accepted).

    Attributes
    ----------
    pair_id : int
        The withdrawn pair.
    person : str
        The e-mail of the person left alone.
    side : str
        Their side: ``"mentee"`` or ``"mentor"``.
    current : pandas.DataFrame
        Every other running pair, passed to the engine as ``current`` (kept as they are).
    forbid : pandas.DataFrame
        Earlier pairs the engine must not propose again.
    proposals : pandas.DataFrame
        The new pair(s) for the person left alone (``mentee_email, mentor_email, score``...);
        empty when the engine found nobody.
    result : object
        The engine's whole result.
    """

    pair_id: int
    person: str
    side: str
    current: pd.DataFrame
    forbid: pd.DataFrame
    proposals: pd.DataFrame
    result: Any = None
    cohort: str = ""
    notes: list[str] = field(default_factory=list)


def _default_matcher() -> Callable[..., Any]:
    from toolkit.pairing.matching import match_mentors

    return match_mentors


def _withdrawn_by(store: Store, pair_id: int) -> str:
    events = pair_events(store, [int(pair_id)])
    notes = events.loc[events["to_status"] == "withdrawn", "note"]
    found = notes.str.extract(r"^by=(\w+)")[0].dropna()
    return str(found.iloc[-1]) if len(found) else "lead"


def rematch_after_withdrawal(store: Store, pair_id: int, cohort: str | None = None,
                             drop_withdrawing: bool = True,
                             matcher: Callable[..., Any] | None = None,
                             **match_options: Any) -> Rematch:
    """Propose a new partner for the person left alone after a withdrawal.

    Every other running pair is passed to the pairing engine as ``current`` (kept, and
    using up its mentor's capacity) and every earlier pair as ``forbid``; the engine sees
    the cohort's sign-ups (without the person who withdrew, when ``drop_withdrawing``).
    The mentee is re-matched unless the mentee is the one who withdrew, in which case the
    mentor's free place is offered. When re-matching a mentee, other people who are not
    mentees in a running pair take part only as possible mentors, so the engine cannot give
    the free places to someone else. Nothing is written: see :func:`accept_rematch`.

    Parameters
    ----------
    store : Store
    pair_id : int
        A withdrawn pair.
    cohort : str, optional
        The sign-ups to match from (default: the pair's cohort).
    drop_withdrawing : bool
        Leave out the person who withdrew (both, when both did).
    matcher : callable, optional
        ``matcher(signups, current=..., forbid=..., **match_options)`` returning a result
        with a ``pairs`` DataFrame; default ``toolkit.pairing.matching.match_mentors``.
    **match_options
        Passed on to the matcher (``weights=``, ``objective=``...).

    Returns
    -------
    Rematch

    Raises
    ------
    LifecycleError
        If the pair is not withdrawn, or the pairing engine is not available.

    Examples
    --------
    A stand-in for the engine that offers the mentee the first free mentor:

    >>> import tempfile, pathlib, types
    >>> def engine(signups, current, forbid):
    ...     return types.SimpleNamespace(pairs=pd.DataFrame({
    ...         "mentee_email": ["a@example.org"], "mentor_email": ["e@example.org"],
    ...         "score": [0.8]}))
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = withdraw_pair(store, pid, "2026-12-01", by="mentor")
    >>> rematch = rematch_after_withdrawal(store, pid, matcher=engine)
    >>> rematch.person, rematch.proposals["mentor_email"].tolist()
    ('a@example.org', ['e@example.org'])
    >>> accept_rematch(store, rematch, "2026-12-10")
    [2]
    """
    pair = _pair(store, pair_id)
    if pair["status"] != "withdrawn":
        raise LifecycleError(
            f"Pair {pair_id} is '{pair['status']}', not withdrawn: record the withdrawal first, "
            "then ask for a re-match.")
    cohort = cohort or pair["cohort"]
    by = _withdrawn_by(store, pair_id)
    side = "mentor" if by == "mentee" else "mentee"
    person = pair[f"{side}_email"]
    current = current_pairs(store, scheme=pair["scheme"])
    current = current[current["pair_id"] != int(pair_id)].reset_index(drop=True)
    forbid = pairs_to_forbid(store, scheme=pair["scheme"])
    signups = load_people(store, cohort)
    leaving = {"mentee": [pair["mentee_email"]], "mentor": [pair["mentor_email"]],
               "both": [pair["mentee_email"], pair["mentor_email"]], "lead": []}[by]
    # Someone still in another running pair stays (that pair needs them).
    busy = set(current["mentee_email"]) | set(current["mentor_email"])
    leaving = [email for email in leaving if email not in busy]
    notes = []
    if side == "mentee":
        # Only the person left alone is re-matched: other people not already in a running
        # pair as mentees take part as possible mentors only.
        others = (signups["email"] != person) & ~signups["email"].isin(current["mentee_email"])
        signups = signups[~(others & (signups["role"] == "mentee"))].copy()
        signups.loc[others & (signups["role"] == "both"), "role"] = "mentor"
        signups = signups.reset_index(drop=True)
    if drop_withdrawing and leaving:
        signups = signups[~signups["email"].isin(leaving)].reset_index(drop=True)
        notes.append(f"Left out of the re-match: {', '.join(leaving)} (withdrew).")
    if by == "both":
        notes.append("Both withdrew: nobody is left alone, so there is nothing to re-match.")
        empty = pd.DataFrame(columns=["mentee_email", "mentor_email", "score"])
        return Rematch(int(pair_id), "", "", current, forbid, empty, None, cohort, notes)
    matcher = matcher or _default_matcher()
    # The engine only sees running pairs whose two people are among the sign-ups; the others
    # (e.g. pairs of an earlier cohort) are untouched anyway.
    present = set(signups["email"])
    seen = current["mentee_email"].isin(present) & current["mentor_email"].isin(present)
    if not seen.all():
        notes.append(f"{int((~seen).sum())} running pair(s) of people outside cohort {cohort} "
                     "are kept as they are and not shown to the engine.")
        # Their mentors' places are still taken.
        taken = current.loc[~seen, "mentor_email"].value_counts()
        used = signups["email"].map(taken).fillna(0).astype("int64")
        signups = signups.assign(capacity=(signups["capacity"].astype("int64") - used).clip(
            lower=0))
    result = matcher(signups, current=current.loc[seen, ["mentee_email", "mentor_email"]]
                     .reset_index(drop=True), forbid=forbid, **match_options)
    found = result.pairs
    kept = found.merge(current[["mentee_email", "mentor_email"]], how="left", indicator=True)
    new = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    proposals = new[new[f"{side}_email"] == person].reset_index(drop=True)
    if proposals.empty:
        notes.append(f"The engine found no new partner for {person}.")
    return Rematch(int(pair_id), person, side, current, forbid, proposals, result, cohort, notes)


def accept_rematch(store: Store, rematch: Rematch, start_date: date | str,
                   settings: dict | None = None) -> list[int]:
    """Record a re-match's proposals as new proposed pairs (one transaction).

    Returns
    -------
    list of int
        The new pairs' ids.

    Raises
    ------
    LifecycleError
        If the re-match proposed nobody.

    Examples
    --------
    See :func:`rematch_after_withdrawal`.
    """
    if rematch.proposals.empty:
        raise LifecycleError(
            "This re-match has no proposal to accept: pair the person by hand instead.")
    day = _iso(start_date, "start date")
    return save_pairs(store, rematch.proposals, rematch.cohort, settings={
        "rematch_of_pair": rematch.pair_id, **(settings or {})}, start_date=day)
