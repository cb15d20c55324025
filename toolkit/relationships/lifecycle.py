"""The rules of a pair's life: which changes of status are allowed, and when its terms end.

A pair is *proposed* when it is made, becomes *active* at its first meeting, and ends *renewed*
(for another term, a limited number of times), *ended* or *withdrawn* (see
:mod:`toolkit.core.statuses`). This module is pure: it decides what a change does to a pair's
row and works out term dates, and never touches the store;
:mod:`toolkit.relationships.changes` records the changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.core.dates import add_months, readable_date
from toolkit.core.statuses import STATUSES, TRANSITIONS
from toolkit.errors import LifecycleError, SettingsError

__all__ = [
    "MID_TERM_REVIEW",
    "PARTIES",
    "RENEWAL_ANSWER",
    "RENEWING",
    "WITHDRAWAL_REASONS",
    "Lifecycle",
    "answers_this_term",
    "before_start_message",
    "check_withdrawal",
    "illegal_change_message",
    "not_renewable_message",
    "renewal_note",
    "renewal_outcome",
    "unknown_pair_message",
    "withdrawal_note",
    "withdrawn_by",
]

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
#: The reason recorded with a renewal answer in a pair's audit trail.
RENEWAL_ANSWER = "renewal answer"
#: The statuses of a pair that may be asked about renewal.
RENEWING = ("active", "renewed")
#: The reason recorded with a mid-term review in a pair's audit trail.
MID_TERM_REVIEW = "mid-term review"


def unknown_pair_message(pair_id: int) -> str:
    """Return the message for a pair number the store does not hold.

    Examples
    --------
    >>> unknown_pair_message(99)
    'There is no pair 99 in the store: pick a pair from the status table.'
    """
    return f"There is no pair {pair_id} in the store: pick a pair from the status table."


def illegal_change_message(pair_id: int, current: str, wanted: str) -> str:
    """Return the message refusing a change of status, naming the changes allowed.

    Examples
    --------
    >>> illegal_change_message(1, "active", "proposed")
    "Pair 1 is 'active' and cannot become 'proposed': from 'active' a pair can only become \
'renewed', 'ended', 'withdrawn'."
    """
    allowed = TRANSITIONS.get(current, ())
    return (f"Pair {pair_id} is '{current}' and cannot become '{wanted}': from '{current}' a "
            "pair " + (f"can only become {', '.join(repr(a) for a in allowed)}." if allowed
                       else "cannot change any more (it is finished). Nothing was changed."))


def before_start_message(pair_id: int, start: str, day: str) -> str:
    """Return the message refusing a change dated before the pair started.

    Examples
    --------
    >>> before_start_message(1, "2026-10-01", "2026-09-30")
    'Pair 1 started on 1 Oct 2026; a change dated 30 Sep 2026 would come before it. Check the date.'
    """
    return (f"Pair {pair_id} started on {readable_date(start)}; a change dated "
            f"{readable_date(day)} would come before it. "
            "Check the date.")


def not_renewable_message(pair_id: int, renewals: int, most: int) -> str:
    """Return the message refusing a renewal beyond the scheme's limit.

    Examples
    --------
    >>> not_renewable_message(1, 1, 1)[:60]
    'Pair 1 has already been renewed 1 time(s), the most the sche'
    """
    return (f"Pair {pair_id} has already been renewed {renewals} time(s), the most the scheme "
            f"allows ({most}): it cannot be renewed again; end it instead, and both may sign up "
            "for the next matching round. Nothing was changed.")


@dataclass(frozen=True)
class Lifecycle:
    """The scheme's rules for a pair's term.

    Parameters
    ----------
    term_months : int
        Length of the first term (default 12 months).
    renewal_months : int
        Length of each renewal (default 12 months).
    max_renewals : int or None
        How many times a pair may be renewed; None (the default, as in the handbook) sets
        no limit, 0 allows no renewal.

    Examples
    --------
    >>> Lifecycle().term_months, Lifecycle().max_renewals, Lifecycle(max_renewals=2).max_renewals
    (12, None, 2)
    >>> Lifecycle(term_months=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The lifecycle setting 'term_months' must be a whole number \
1 or more (got 0).
    """

    term_months: int = 12
    renewal_months: int = 12
    max_renewals: int | None = None

    def __post_init__(self) -> None:
        for name in ("term_months", "renewal_months", "max_renewals"):
            value = getattr(self, name)
            if name == "max_renewals" and value is None:
                continue
            least = 0 if name == "max_renewals" else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise SettingsError(
                    f"The lifecycle setting '{name}' must be a whole number {least} or more"
                    + (" (or null for no limit)" if name == "max_renewals" else "")
                    + f" (got {value!r}).")

    def months_to_end(self, renewals: int) -> int:
        """Return how many months after the start a pair renewed ``renewals`` times ends.

        Examples
        --------
        >>> Lifecycle().months_to_end(0), Lifecycle(renewal_months=6).months_to_end(2)
        (12, 24)
        """
        return self.term_months + int(renewals) * self.renewal_months

    def terms(self, start: pd.Series, renewals: pd.Series) -> pd.DataFrame:
        """Work out each pair's current term from its start date and renewals.

        Returns
        -------
        pandas.DataFrame
            ``term_start`` (the start, or the latest renewal's start) and ``term_end``, as
            ISO text (None where the start is unknown), on ``start``'s index.

        Examples
        --------
        >>> Lifecycle().terms(pd.Series(["2026-10-01", "2026-10-01", None]),
        ...                   pd.Series([0, 1, 0])).to_numpy().tolist()
        [['2026-10-01', '2027-10-01'], ['2027-10-01', '2028-10-01'], [None, None]]
        """
        renewals = renewals.astype("int64")
        previous = renewals.map(lambda r: self.months_to_end(r - 1) if r else 0)
        return pd.DataFrame({"term_start": add_months(start, previous),
                             "term_end": add_months(start, renewals.map(self.months_to_end))},
                            index=start.index)

    def term_end(self, start: str | None, renewals: int) -> str | None:
        """Return the end of the current term of a pair that started on ``start``.

        Examples
        --------
        >>> Lifecycle().term_end("2026-01-31", 0), Lifecycle().term_end(None, 0)
        ('2027-01-31', None)
        """
        if start is None:
            return None
        return add_months(pd.Series([start]), self.months_to_end(renewals)).iloc[0]

    def can_renew(self, renewals: int) -> bool:
        """Return True when a pair renewed ``renewals`` times may be renewed once more.

        Examples
        --------
        >>> Lifecycle().can_renew(5), Lifecycle(max_renewals=1).can_renew(1)
        (True, False)
        """
        return self.max_renewals is None or int(renewals) < self.max_renewals

    def change(self, pair: Mapping[str, Any], to_status: str, day: str) -> dict[str, Any]:
        """Return a pair's row after a change of status on ``day``, or refuse the change.

        Only the changes in :data:`~toolkit.core.statuses.TRANSITIONS` are allowed. Becoming
        ``active`` sets the start date when the pair has none; becoming ``renewed`` counts one
        more renewal (at most :attr:`max_renewals`).

        Parameters
        ----------
        pair : mapping
            The pair's ``id, status, start_date, renewals``.
        to_status : str
            One of :data:`~toolkit.core.statuses.STATUSES`.
        day : str
            The ISO date of the change.

        Returns
        -------
        dict
            ``status, start_date, term_end, renewals`` after the change.

        Raises
        ------
        LifecycleError
            If the status is unknown, the change is not allowed, it would come before the
            pair started, or the pair has used up its renewals.

        Examples
        --------
        >>> pair = {"id": 1, "status": "proposed", "start_date": None, "renewals": 0}
        >>> Lifecycle().change(pair, "active", "2026-10-20")
        {'status': 'active', 'start_date': '2026-10-20', 'term_end': '2027-10-20', 'renewals': 0}
        >>> Lifecycle().change(pair, "renewed", "2026-10-20")
        Traceback (most recent call last):
        ...
        toolkit.errors.LifecycleError: Pair 1 is 'proposed' and cannot become 'renewed': ...
        """
        pair_id, current = int(pair["id"]), str(pair["status"])
        if to_status not in STATUSES:
            raise LifecycleError(
                f"'{to_status}' is not a pair status; the statuses are {list(STATUSES)}.")
        if to_status not in TRANSITIONS.get(current, ()):
            raise LifecycleError(illegal_change_message(pair_id, current, to_status))
        start = pair.get("start_date")
        start = None if start is None or pd.isna(start) else str(start)
        if start is not None and day < start:
            raise LifecycleError(before_start_message(pair_id, start, day))
        renewals = int(pair["renewals"])
        if to_status == "renewed":
            if not self.can_renew(renewals):
                raise LifecycleError(not_renewable_message(pair_id, renewals, self.max_renewals))
            renewals += 1
        if to_status == "active" and start is None:
            start = day
        return {"status": to_status, "start_date": start,
                "term_end": self.term_end(start, renewals), "renewals": renewals}

    def check_renewal_answer(self, pair: Mapping[str, Any], wants_renewal: bool) -> None:
        """Refuse a renewal answer for a pair that is not running, or a yes past the limit.

        Raises
        ------
        LifecycleError

        Examples
        --------
        >>> Lifecycle().check_renewal_answer({"id": 2, "status": "proposed", "renewals": 0},
        ...                                  True)
        Traceback (most recent call last):
        ...
        toolkit.errors.LifecycleError: Pair 2 is 'proposed': only an active or renewed pair \
can be asked about renewal. Nothing was changed.
        """
        pair_id, status = int(pair["id"]), str(pair["status"])
        if status not in RENEWING:
            raise LifecycleError(
                f"Pair {pair_id} is '{status}': only an active or renewed pair can be asked "
                "about renewal. Nothing was changed.")
        if wants_renewal and not self.can_renew(int(pair["renewals"])):
            raise LifecycleError(
                not_renewable_message(pair_id, int(pair["renewals"]), self.max_renewals))


def answers_this_term(events: pd.DataFrame) -> pd.DataFrame:
    """Return each party's renewal answer given since the pair's last change of status.

    Answers given before the pair's last change (for example before it was renewed) belong
    to an earlier term and do not count; a later answer replaces an earlier one.

    Parameters
    ----------
    events : pandas.DataFrame
        Audit-trail events: ``id, pair_id, from_status, to_status, reason, note``.

    Returns
    -------
    pandas.DataFrame
        ``pair_id, mentee, mentor`` (``"yes"``, ``"no"`` or ``""`` when not answered), for
        the pairs with at least one such answer, by pair id.

    Examples
    --------
    >>> events = pd.DataFrame({"id": [1, 2, 3, 4], "pair_id": 7,
    ...     "from_status": [None, "proposed", "active", "active"],
    ...     "to_status": ["proposed", "active", "active", "active"],
    ...     "reason": ["", "", RENEWAL_ANSWER, RENEWAL_ANSWER],
    ...     "note": ["", "", "mentor=no", "mentor=yes"]})
    >>> answers_this_term(events).to_numpy().tolist()
    [[7, '', 'yes']]
    """
    changes = events[events["from_status"].fillna("") != events["to_status"]]
    last_change = events["pair_id"].map(changes.groupby("pair_id")["id"].max()).fillna(0)
    answers = events[(events["reason"] == RENEWAL_ANSWER) & (events["id"] > last_change)]
    parsed = answers["note"].str.extract(r"^(?P<party>mentee|mentor)=(?P<answer>yes|no)")
    parsed["pair_id"] = answers["pair_id"]
    latest = parsed.dropna().drop_duplicates(["pair_id", "party"], keep="last")
    ids = sorted(int(i) for i in latest["pair_id"].unique())
    table = pd.DataFrame({"pair_id": pd.Series(ids, dtype="int64")})
    for party in ("mentee", "mentor"):
        said = latest[latest["party"] == party].set_index("pair_id")["answer"]
        table[party] = table["pair_id"].map(said).astype(object).fillna("")
    return table


def renewal_note(party: str, wants_renewal: bool) -> str:
    """Return the audit-trail note of a renewal answer (``mentee=yes``, ``mentor=no``).

    Raises
    ------
    SettingsError
        If ``party`` is not ``"mentee"`` or ``"mentor"``.

    Examples
    --------
    >>> renewal_note("mentor", False)
    'mentor=no'
    """
    if party not in ("mentee", "mentor"):
        raise SettingsError(f"The party answering must be 'mentee' or 'mentor' (got {party!r}).")
    return f"{party}={'yes' if wants_renewal else 'no'}"


def renewal_outcome(mentee: str, mentor: str) -> str | None:
    """Return what the two renewal answers decide: ``"renewed"``, ``"ended"`` or None (wait).

    Examples
    --------
    >>> renewal_outcome("yes", "yes"), renewal_outcome("yes", "no"), renewal_outcome("yes", "")
    ('renewed', 'ended', None)
    """
    if not mentee or not mentor:
        return None
    return "renewed" if mentee == mentor == "yes" else "ended"


def check_withdrawal(by: str, reason: str) -> None:
    """Refuse a withdrawal by someone not in :data:`PARTIES` or for an unknown reason.

    Raises
    ------
    SettingsError

    Examples
    --------
    >>> check_withdrawal("mentor", "bored")
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The withdrawal reason must be one of [...] (got 'bored').
    """
    if by not in PARTIES:
        raise SettingsError(f"Who withdrew must be one of {list(PARTIES)} (got {by!r}).")
    if reason not in WITHDRAWAL_REASONS:
        raise SettingsError(
            f"The withdrawal reason must be one of {list(WITHDRAWAL_REASONS)} (got {reason!r}).")


def withdrawal_note(by: str, note: str = "") -> str:
    """Return the audit-trail note of a withdrawal: who withdrew, then the lead's note.

    Examples
    --------
    >>> withdrawal_note("mentor", "moving to a new project")
    'by=mentor; moving to a new project'
    """
    return f"by={by}" + (f"; {note}" if note else "")


def withdrawn_by(events: pd.DataFrame) -> str:
    """Return who withdrew from a pair, from its audit trail (``"lead"`` when not said).

    Examples
    --------
    >>> withdrawn_by(pd.DataFrame({"to_status": ["proposed", "withdrawn"],
    ...                            "note": ["", "by=mentee; moved away"]}))
    'mentee'
    """
    notes = events.loc[events["to_status"] == "withdrawn", "note"].fillna("")
    found = notes.str.extract(r"^by=(\w+)")[0].dropna()
    return str(found.iloc[-1]) if len(found) else "lead"
