"""Meetings of pairs: import them from a form export or record one, with every problem reported.

The export is checked row by row with the one row-problem collector
(:class:`~toolkit.io.problems.RowChecker`) and the one date reader
(:func:`~toolkit.core.dates.parse_dates`: day first unless ``month_first``); the good rows are
saved through :mod:`toolkit.store.meetings`, and a proposed pair's first held meeting makes it
active.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from toolkit.core import dates
from toolkit.core.text import fold, normalise_emails
from toolkit.errors import InputFileError, RowProblemsError
from toolkit.io.problems import ProblemReport, RowChecker
from toolkit.io.readers import Table, read_table
from toolkit.relationships.changes import activate_pairs, pair_table
from toolkit.relationships.lifecycle import Lifecycle
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings, save_meeting_rows
from toolkit.store.pairs import load_finish_dates

__all__ = [
    "BAD_CANCELLED_BY",
    "BAD_STATUS",
    "CANCELLED_BY_WORDS",
    "EMPTY_DATE",
    "HELD_AND_CANCELLED",
    "MEETING_FIELDS",
    "MEETING_VARIANTS",
    "NOT_A_DATE",
    "NO_PAIR_NAMED",
    "STATUS_WORDS",
    "UNKNOWN_PAIR_EMAILS",
    "UNKNOWN_PAIR_NUMBER",
    "MeetingImport",
    "after_end_message",
    "before_start_message",
    "future_date_message",
    "no_pair_columns_message",
    "pairs_for_meetings",
    "read_meetings",
    "record_meeting",
    "save_meetings",
    "validate_meetings",
]

#: The fields of a meetings export. A pair is named by ``pair_id`` or by both e-mails.
MEETING_FIELDS = ("pair_id", "mentee_email", "mentor_email", "date", "status", "cancelled_by",
                  "note")
#: The usual spellings of each field's header.
MEETING_VARIANTS: dict[str, tuple[str, ...]] = {
    "pair_id": ("pair", "pair id", "pair number", "pair no"),
    "mentee_email": ("mentee email", "mentee e-mail", "mentee", "mentee email address",
                     "mentees email"),
    "mentor_email": ("mentor email", "mentor e-mail", "mentor", "mentor email address",
                     "mentors email"),
    "date": ("date", "meeting date", "date of meeting", "date of the meeting", "when",
             "when did you meet", "meeting on", "on"),
    "status": ("status", "held", "outcome", "held or cancelled", "did the meeting take place",
               "did you meet", "took place", "meeting status"),
    "cancelled_by": ("cancelled by", "canceled by", "who cancelled", "who canceled",
                     "cancelled by whom"),
    "note": ("note", "notes", "comment", "comments"),
}
#: How an answer about the meeting (folded) is read: held or cancelled.
STATUS_WORDS = {
    "held": "held", "yes": "held", "y": "held", "met": "held", "took place": "held",
    "happened": "held", "done": "held", "completed": "held", "attended": "held",
    "cancelled": "cancelled", "canceled": "cancelled", "no": "cancelled", "n": "cancelled",
    "did not happen": "cancelled", "didn't happen": "cancelled", "postponed": "cancelled",
    "missed": "cancelled", "no show": "cancelled",
}
#: How an answer about who cancelled (folded) is read.
CANCELLED_BY_WORDS = {
    "mentee": "mentee", "mentor": "mentor", "both": "both", "either": "both",
    "lead": "lead", "scheme lead": "lead", "organiser": "lead", "organizer": "lead",
    "": "", "unknown": "", "not known": "",
}
#: The columns of :attr:`MeetingImport.meetings`.
MEETING_IMPORT_COLUMNS = ["row", "pair_id", "on_date", "status", "cancelled_by", "note"]

UNKNOWN_PAIR_NUMBER = ("There is no pair with this number in the store: check the number "
                       "against the status table.")
UNKNOWN_PAIR_EMAILS = ("The store has no pair of this mentee with this mentor: check both "
                       "e-mails (or the pair was made after this export was prepared).")
NO_PAIR_NAMED = ("The row does not say which pair met: give the pair number or both e-mails.")
EMPTY_DATE = "The date is empty: give the date of the meeting."
NOT_A_DATE = ("This is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (if the whole file "
              "writes the month first, import it with --month-first).")
BAD_STATUS = "Say whether the meeting was held or cancelled (held / cancelled)."
BAD_CANCELLED_BY = "Who cancelled must be mentee, mentor, both or lead (or empty)."
HELD_AND_CANCELLED = ("The meeting is marked as held but also as cancelled by someone: "
                      "correct one of the two.")


def future_date_message(today: str) -> str:
    """Return the problem of a meeting dated after ``today``.

    Examples
    --------
    >>> future_date_message("2027-03-01")
    'The date is in the future (today is 1 Mar 2027): record a meeting once it has taken place.'
    """
    return (f"The date is in the future (today is {dates.readable_date(today)}): record a "
            "meeting once it has taken place.")


def before_start_message(start: pd.Series) -> pd.Series:
    """Return the problem of meetings dated before their pair started on ``start``.

    Examples
    --------
    >>> before_start_message(pd.Series(["2026-10-01"])).tolist()
    ['The date is before the pair started on 1 Oct 2026: check the date and the pair.']
    """
    return ("The date is before the pair started on " + dates.readable_dates(start)
            + ": check the date and the pair.")


def after_end_message(finish: pd.Series) -> pd.Series:
    """Return the problem of meetings dated after their pair ended on ``finish``.

    Examples
    --------
    >>> after_end_message(pd.Series(["2026-12-01"])).tolist()[0].split(":")[0]
    'The date is after the pair ended or was withdrawn on 1 Dec 2026'
    """
    return ("The date is after the pair ended or was withdrawn on " + dates.readable_dates(finish)
            + ": check the date and the pair.")


def no_pair_columns_message(source: str, headers: list[str]) -> str:
    """Return the message for an export with no column naming the pairs.

    Examples
    --------
    >>> no_pair_columns_message("m.csv", ["Date"])[:30]
    "'m.csv' must name each pair, b"
    """
    return (f"'{source}' must name each pair, by a 'pair_id' column or by both a "
            f"'mentee_email' and a 'mentor_email' column. The headers found are {headers}: "
            "rename those columns or give a mapping.")


@dataclass
class MeetingImport(ProblemReport):
    """What importing meetings produced.

    Attributes
    ----------
    meetings : pandas.DataFrame
        The good rows: ``row, pair_id, on_date, status, cancelled_by, note``.
    problems : pandas.DataFrame
        Every problem, ``row, field, value, problem`` (spreadsheet row numbers).
    already_recorded : int
        Good rows that were already in the store (skipped, so re-importing is safe).
    source, sha256 : str
    columns : dict of str to str
    notices : list of str
    """

    meetings: pd.DataFrame
    problems: pd.DataFrame
    already_recorded: int = 0
    source: str = ""
    sha256: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    fix_hint = ("correct them and import the file again (meetings already recorded are not "
                "duplicated).")


def _which_pair(check: RowChecker, pairs: pd.DataFrame) -> pd.Series:
    """Each row's pair id (by number, else by both e-mails), recording rows naming no pair."""
    canon, columns = check.canon, check.columns
    pair_id = pd.Series(pd.NA, index=canon.index, dtype="Int64")
    unknown = pd.Series(False, index=canon.index)
    if "pair_id" in columns:
        text = canon["pair_id"]
        number = pd.to_numeric(text.where(text != ""), errors="coerce")
        whole = number.notna() & (number % 1 == 0)
        pair_id = number.where(whole).astype("Int64")
        pair_id = pair_id.where(pair_id.isin(set(pairs["pair_id"].astype(int))))
        unknown = (text != "") & pair_id.isna()
        check.add(unknown, "pair_id", UNKNOWN_PAIR_NUMBER)
    if {"mentee_email", "mentor_email"} <= set(columns):
        mentee, mentor = (normalise_emails(canon["mentee_email"]),
                          normalise_emails(canon["mentor_email"]))
        lookup = (pairs.sort_values("pair_id")
                  .drop_duplicates(["mentee_email", "mentor_email"], keep="last")
                  [["mentee_email", "mentor_email", "pair_id"]])
        by_email = (pd.DataFrame({"mentee_email": mentee, "mentor_email": mentor})
                    .merge(lookup, how="left", on=["mentee_email", "mentor_email"])["pair_id"]
                    .astype("Int64"))
        by_email.index = canon.index
        need = pair_id.isna() & ~unknown
        no_pair = need & ((mentee != "") | (mentor != "")) & by_email.isna()
        check.add(no_pair, "mentee_email", UNKNOWN_PAIR_EMAILS, mentee + " / " + mentor)
        unknown = unknown | no_pair
        pair_id = pair_id.fillna(by_email.where(need))
    check.add((pair_id.isna() & ~unknown).to_numpy(dtype=bool), "pair_id", NO_PAIR_NAMED)
    return pair_id


def _when(check: RowChecker, pair_id: pd.Series, pairs: pd.DataFrame, today: str,
          month_first: bool) -> pd.Series:
    """Each row's ISO date, recording dates that are empty, unreadable or out of the pair."""
    text = check.canon["date"]
    on_date = dates.iso_dates(text, month_first=month_first)
    check.add(text == "", "date", EMPTY_DATE)
    check.add((text != "") & on_date.isna(), "date", NOT_A_DATE)
    check.add(on_date.notna() & (on_date.fillna("") > today), "date", future_date_message(today))
    info = pairs.set_index("pair_id")
    start = pair_id.map(info["start"]).astype(object)
    check.add(on_date.notna() & start.notna() & (on_date.fillna("") < start.fillna("")), "date",
              before_start_message(start))
    if "finished_on" in info.columns:
        finish = pair_id.map(info["finished_on"]).astype(object)
        check.add(on_date.notna() & finish.notna() & (on_date.fillna("") > finish.fillna("9")),
                  "date", after_end_message(finish))
    return on_date


def _outcome(check: RowChecker) -> tuple[pd.Series, pd.Series]:
    """Each row's status (held when the export has no status column) and who cancelled."""
    canon = check.canon
    status = fold(canon["status"]).map(STATUS_WORDS)
    if "status" not in check.columns:
        status = status.where(canon["status"] != "", "held")
    check.add(status.isna(), "status", BAD_STATUS)
    by = fold(canon["cancelled_by"]).map(CANCELLED_BY_WORDS)
    check.add(by.isna(), "cancelled_by", BAD_CANCELLED_BY)
    check.add((status == "held") & (by.fillna("") != ""), "cancelled_by", HELD_AND_CANCELLED)
    return status, by.fillna("")


def validate_meetings(table: Table, pairs: pd.DataFrame, today: date | str | None = None,
                      mapping: dict[str, str] | str | Path | None = None,
                      month_first: bool = False,
                      existing: pd.DataFrame | None = None) -> MeetingImport:
    """Check a meetings export against the pairs in the store; report every problem.

    Each row names a pair by ``pair_id`` or by the mentee's and mentor's e-mails, gives
    the date, and optionally whether it was held or cancelled (default held) and by whom.
    A row has a problem when the pair is unknown, the date is unreadable, in the future,
    before the pair started, or after it ended; problem rows are reported with their
    spreadsheet row numbers and are never silently dropped.

    Parameters
    ----------
    table : Table
        The export as read by :func:`~toolkit.io.readers.read_table`.
    pairs : pandas.DataFrame
        :func:`pairs_for_meetings` (or :func:`~toolkit.relationships.changes.pair_table`).
    today : date or str, optional
        Dates after it are in the future (default: the real today).
    mapping : dict, str or Path, optional
        Canonical field -> header, or its JSON file.
    month_first : bool
        Read ``05/11/2026`` as May 11 (as US forms write it); default 5 November.
    existing : pandas.DataFrame, optional
        Meetings already stored (``pair_id, on_date, status``): matching rows are skipped.

    Returns
    -------
    MeetingImport

    Raises
    ------
    InputFileError
        If the export has no date column, no column naming the pairs, or no rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("Pair,Date,Held\\n1,2026-10-20,yes\\n9,2026-10-21,yes\\n")
    >>> pairs = pd.DataFrame({"pair_id": [1], "mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"], "status": ["active"],
    ...     "start": ["2026-10-05"]})
    >>> result = validate_meetings(read_table(p), pairs, today="2027-01-01")
    >>> result.meetings[["row", "pair_id", "on_date", "status"]].values.tolist()
    [[2, 1, '2026-10-20', 'held']]
    >>> result.problems[["row", "field"]].values.tolist()
    [[3, 'pair_id']]
    """
    today_iso = dates.today(today).isoformat()
    check = RowChecker(table, MEETING_FIELDS, required=("date",), mapping=mapping,
                       kind="meetings", variants=MEETING_VARIANTS, multiline=("note",))
    if "pair_id" not in check.columns and not {"mentee_email", "mentor_email"} <= set(
            check.columns):
        raise InputFileError(no_pair_columns_message(table.source, table.headers))
    pair_id = _which_pair(check, pairs)
    on_date = _when(check, pair_id, pairs, today_iso, month_first)
    status, by = _outcome(check)
    good = ~check.bad
    frame = pd.DataFrame({
        "row": check.rows.to_numpy(), "pair_id": pair_id.to_numpy(),
        "on_date": on_date.to_numpy(), "status": status.to_numpy(),
        "cancelled_by": by.to_numpy(), "note": check.canon["note"].to_numpy(),
    })[good].reset_index(drop=True)
    frame["pair_id"] = frame["pair_id"].astype("int64")
    duplicated = frame.duplicated(["pair_id", "on_date", "status"]).to_numpy()
    already = 0
    if existing is not None and not existing.empty:
        seen = (frame.merge(existing[["pair_id", "on_date", "status"]].drop_duplicates(),
                            how="left", indicator=True)["_merge"] == "both").to_numpy()
        already = int(seen.sum())
        duplicated = duplicated | seen
    notices = list(table.notices)
    if already:
        notices.append(f"{already} meeting(s) in '{table.source}' were already recorded and "
                       "were skipped.")
    return MeetingImport(frame[~duplicated].reset_index(drop=True)[MEETING_IMPORT_COLUMNS],
                         check.problems(), already, table.source, table.sha256,
                         dict(check.columns), notices)


def pairs_for_meetings(store: Store, lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    """Return every pair of every scheme with its start and, once over, its last day.

    :func:`~toolkit.relationships.changes.pair_table` with ``finished_on``: what a meeting is
    checked against.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> pairs_for_meetings(store)[["pair_id", "start", "finished_on"]].to_numpy().tolist()
    [[1, '2026-10-05', nan]]
    """
    pairs = pair_table(store, scheme=None, lifecycle=lifecycle)
    return pairs.merge(load_finish_dates(store), on="pair_id", how="left")


def read_meetings(path: str | Path, store: Store, today: date | str | None = None,
                  mapping: dict[str, str] | str | Path | None = None, sheet: str | None = None,
                  month_first: bool = False,
                  lifecycle: Lifecycle | None = None) -> MeetingImport:
    """Read a meetings export (CSV or XLSX) and check it against the store's pairs.

    Nothing is written: pass the result to :func:`save_meetings`. See
    :func:`validate_meetings` for the checks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import load_pairs, save_pairs
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = Store(folder / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = (folder / "m.csv").write_text(
    ...     "Mentee email,Mentor email,Date\\na@example.org,b@example.org,20/10/2026\\n")
    >>> result = read_meetings(folder / "m.csv", store, today="2027-01-01")
    >>> save_meetings(store, result)
    1
    >>> load_pairs(store)["status"].tolist()
    ['active']
    """
    return validate_meetings(read_table(path, sheet=sheet), pairs_for_meetings(store, lifecycle),
                             today, mapping, month_first, existing=load_meetings(store))


def save_meetings(store: Store, result: MeetingImport | pd.DataFrame, activate: bool = True,
                  lifecycle: Lifecycle | None = None) -> int:
    """Record the good meetings of an import in one transaction; return how many.

    With ``activate`` (default), a proposed pair's first held meeting confirms it: the
    pair becomes active on that date, recorded in its audit trail. Meetings already in the
    store are skipped (checked inside the transaction).

    Examples
    --------
    See :func:`read_meetings`.
    """
    frame = result.meetings if isinstance(result, MeetingImport) else result
    if frame.empty:
        return 0
    with store.transaction():
        # Checked again inside the transaction, so a meeting is never recorded twice, even
        # when two sessions import the same export at once.
        stored = load_meetings(store)[["pair_id", "on_date", "status"]].drop_duplicates()
        fresh = frame.merge(stored, how="left", on=["pair_id", "on_date", "status"],
                            indicator=True)["_merge"] == "left_only"
        frame = frame[fresh.to_numpy()]
        if frame.empty:
            return 0
        saved = save_meeting_rows(store, frame)
        if activate:
            held = frame[frame["status"] == "held"].sort_values("on_date")
            activate_pairs(store, held.groupby("pair_id")["on_date"].first(),
                           lifecycle=lifecycle)
    return saved


def record_meeting(store: Store, pair_id: int, on_date: date | str, status: str = "held",
                   cancelled_by: str = "", note: str = "", today: date | str | None = None,
                   lifecycle: Lifecycle | None = None) -> int:
    """Record one meeting (from the notebook), with the same checks as an import.

    Returns
    -------
    int
        1 when recorded, 0 when that meeting was already recorded.

    Raises
    ------
    RowProblemsError
        If the meeting has a problem (unknown pair, future date, before the pair started...).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> record_meeting(store, pid, "2026-11-02", today="2027-01-01")
    1
    >>> record_meeting(store, pid, "2026-09-02", today="2027-01-01")
    Traceback (most recent call last):
    ...
    toolkit.errors.RowProblemsError: The date is before the pair started on 5 Oct 2026: ...
    """
    day = on_date.isoformat() if isinstance(on_date, date) else str(on_date)
    headers = ["pair_id", "date", "status", "cancelled_by", "note"]
    table = Table(data=pd.DataFrame([[str(pair_id), day, status, cancelled_by, note]],
                                    columns=headers, dtype="string"),
                  rows=pd.Series([1], dtype="int64"), headers=headers, source="the meeting",
                  sha256="")
    result = validate_meetings(table, pairs_for_meetings(store, lifecycle), today,
                               existing=load_meetings(store))
    if not result.ok:
        raise RowProblemsError(str(result.problems["problem"].iloc[0]), result.problems)
    return save_meetings(store, result, lifecycle=lifecycle)
