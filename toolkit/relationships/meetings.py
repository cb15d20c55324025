"""Meetings of pairs: import them from a form export or record one, with every problem reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from toolkit.errors import InputFileError, RowProblemsError, SettingsError
from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.problems import ProblemReport, collect_problems, problem_rows
from toolkit.io.readers import Table, read_table
from toolkit.relationships.lifecycle import Lifecycle, activate_pairs, pair_table
from toolkit.store.connection import Store, now_utc, query

__all__ = [
    "MEETING_FIELDS",
    "MeetingImport",
    "meetings",
    "parse_dates",
    "read_meetings",
    "record_meeting",
    "save_meetings",
    "validate_meetings",
]

#: The fields of a meetings export. A pair is named by ``pair_id`` or by both e-mails.
MEETING_FIELDS = ("pair_id", "mentee_email", "mentor_email", "date", "status", "cancelled_by",
                  "note")
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
STATUS_WORDS = {
    "held": "held", "yes": "held", "y": "held", "met": "held", "took place": "held",
    "happened": "held", "done": "held", "completed": "held", "attended": "held",
    "cancelled": "cancelled", "canceled": "cancelled", "no": "cancelled", "n": "cancelled",
    "did not happen": "cancelled", "didn't happen": "cancelled", "postponed": "cancelled",
    "missed": "cancelled", "no show": "cancelled",
}
CANCELLED_BY_WORDS = {
    "mentee": "mentee", "mentor": "mentor", "both": "both", "either": "both",
    "lead": "lead", "scheme lead": "lead", "organiser": "lead", "organizer": "lead",
    "": "", "unknown": "", "not known": "",
}
_COLUMNS = ["row", "pair_id", "on_date", "status", "cancelled_by", "note"]


def _today(today: date | str | None) -> date:
    if today is None:
        return date.today()
    if isinstance(today, datetime):
        return today.date()
    if isinstance(today, date):
        return today
    try:
        return date.fromisoformat(str(today))
    except ValueError:
        raise SettingsError(f"'today' must be a date such as 2027-06-15 (got {today!r}).") from None


_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y %H:%M",
              "%d/%m/%Y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y %H:%M:%S")
_NAMED_MONTH = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y",
                "%A %d %B %Y", "%a %d %b %Y")


def parse_dates(text: pd.Series, dayfirst: bool = True) -> pd.Series:
    """Read dates as ISO text: ISO dates, then day-first (UK) or month-first dates.

    The order is never guessed from the numbers: with ``dayfirst`` (the default) 03/15/2027
    is not a date (there is no month 15) rather than silently the 15th of March, so a file
    written month first shows up as problems instead of half its dates being misread.
    Dates with the month's name ("5 November 2026") are read either way. Unreadable cells
    become missing.

    Examples
    --------
    >>> parse_dates(pd.Series(["2026-10-05", "05/11/2026", "2026-12-01T00:00:00", "soon",
    ...                        "03/15/2027", "5 Nov 2026"])).tolist()
    ['2026-10-05', '2026-11-05', '2026-12-01', None, None, '2026-11-05']
    >>> parse_dates(pd.Series(["03/15/2027"]), dayfirst=False).tolist()
    ['2027-03-15']
    """
    text = text.fillna("").astype(str).str.strip()
    found = pd.to_datetime(text, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    numeric = _DAY_FIRST if dayfirst else tuple(
        f.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m") for f in _DAY_FIRST)
    for fmt in (*numeric, *_NAMED_MONTH):
        rest = found.isna() & (text != "")
        if not rest.any():
            break
        found[rest] = pd.to_datetime(text[rest], format=fmt, errors="coerce").astype(
            "datetime64[ns]")
    return pd.Series([d.date().isoformat() if pd.notna(d) else None for d in found],
                     index=text.index, dtype=object)


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


def validate_meetings(table: Table, pairs: pd.DataFrame, today: date | str | None = None,
                      mapping: dict[str, str] | None = None, dayfirst: bool = True,
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
        :func:`~toolkit.relationships.lifecycle.pair_table` of the store.
    today : date or str, optional
        Dates after it are in the future (default: the real today).
    mapping : dict, optional
        Canonical field -> header.
    dayfirst : bool
        Read ``05/11/2026`` as 5 November (UK, default) or as May 11.
    existing : pandas.DataFrame, optional
        Meetings already stored (``pair_id, on_date, status``): matching rows are skipped.

    Returns
    -------
    MeetingImport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.io.readers import read_table
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
    today_iso = _today(today).isoformat()
    columns = find_columns(table.headers, mapping, table.question_text, f"'{table.source}'",
                           fields=MEETING_FIELDS, required=("date",), variants=MEETING_VARIANTS)
    if "pair_id" not in columns and not {"mentee_email", "mentor_email"} <= set(columns):
        raise InputFileError(
            f"'{table.source}' must name each pair, by a 'pair_id' column or by both a "
            f"'mentee_email' and a 'mentor_email' column. The headers found are "
            f"{table.headers}: rename those columns or give a mapping.")
    raw = table.data.reset_index(drop=True)
    rows = table.rows.reset_index(drop=True)

    def col(name: str) -> pd.Series:
        return (raw[columns[name]].fillna("").astype(str).str.strip() if name in columns
                else pd.Series("", index=raw.index, dtype=object))

    found: list[pd.DataFrame] = []
    # Which pair.
    pair_id = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    unknown = pd.Series(False, index=raw.index)
    known_ids = set(pairs["pair_id"].astype(int))
    if "pair_id" in columns:
        text = col("pair_id")
        number = pd.to_numeric(text.where(text != ""), errors="coerce")
        whole = number.notna() & (number % 1 == 0)
        pair_id = number.where(whole).astype("Int64")
        pair_id = pair_id.where(pair_id.isin(known_ids))
        unknown = (text != "") & pair_id.isna()
        found.append(problem_rows(rows, unknown, "pair_id", text,
                                  "There is no pair with this number in the store: check the "
                                  "number against the status table."))
    if {"mentee_email", "mentor_email"} <= set(columns):
        mentee = col("mentee_email").str.casefold()
        mentor = col("mentor_email").str.casefold()
        lookup = (pairs.sort_values("pair_id")
                  .drop_duplicates(["mentee_email", "mentor_email"], keep="last")
                  [["mentee_email", "mentor_email", "pair_id"]])
        keyed = pd.DataFrame({"mentee_email": mentee, "mentor_email": mentor})
        by_email = keyed.merge(lookup, how="left", on=["mentee_email", "mentor_email"])[
            "pair_id"].astype("Int64")
        by_email.index = raw.index
        need = pair_id.isna() & ~unknown
        named = (mentee != "") | (mentor != "")
        no_pair = need & named & by_email.isna()
        found.append(problem_rows(
            rows, no_pair, "mentee_email", mentee + " / " + mentor,
            "The store has no pair of this mentee with this mentor: check both e-mails "
            "(or the pair was made after this export was prepared)."))
        unknown = unknown | no_pair
        pair_id = pair_id.fillna(by_email.where(need))
    missing_pair = pair_id.isna() & ~unknown
    found.append(problem_rows(rows, missing_pair, "pair_id", col("pair_id"),
                              "The row does not say which pair met: give the pair number or both "
                              "e-mails."))

    # When.
    date_text = col("date")
    on_date = parse_dates(date_text, dayfirst=dayfirst)
    found.append(problem_rows(rows, date_text == "", "date", date_text,
                              "The date is empty: give the date of the meeting."))
    found.append(problem_rows(rows, (date_text != "") & on_date.isna(), "date", date_text,
                              "This is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (if the "
                              "whole file writes the month first, import it with --month-first)."
                              ))
    future = on_date.notna() & (on_date.fillna("") > today_iso)
    found.append(problem_rows(rows, future, "date", date_text,
                              f"The date is in the future (today is {today_iso}): record a "
                              "meeting once it has taken place."))
    info = pairs.set_index("pair_id")
    start = pair_id.map(info["start"]).astype(object)
    early = on_date.notna() & start.notna() & (on_date.fillna("") < start.fillna(""))
    found.append(problem_rows(rows, early, "date", date_text,
                              "The date is before the pair started on " + start.fillna("")
                              + ": check the date and the pair."))
    if "finished_on" in info.columns:
        finish = pair_id.map(info["finished_on"]).astype(object)
        late = on_date.notna() & finish.notna() & (on_date.fillna("") > finish.fillna("9"))
        found.append(problem_rows(rows, late, "date", date_text,
                                  "The date is after the pair ended or was withdrawn on "
                                  + finish.fillna("") + ": check the date and the pair."))

    # Held or cancelled, and by whom.
    status_text = col("status")
    folded = status_text.str.casefold().str.replace(r"\s+", " ", regex=True)
    status = folded.map(STATUS_WORDS)
    status = status.where(status_text != "", "held" if "status" not in columns else None)
    found.append(problem_rows(rows, status.isna(), "status", status_text,
                              "Say whether the meeting was held or cancelled (held / cancelled)."))
    by_text = col("cancelled_by")
    by = by_text.str.casefold().str.strip().map(CANCELLED_BY_WORDS)
    found.append(problem_rows(rows, by.isna(), "cancelled_by", by_text,
                              "Who cancelled must be mentee, mentor, both or lead (or empty)."))
    held_by = (status == "held") & (by.fillna("") != "")
    found.append(problem_rows(rows, held_by, "cancelled_by", by_text,
                              "The meeting is marked as held but also as cancelled by someone: "
                              "correct one of the two."))

    problems = collect_problems(found, MEETING_FIELDS)
    good = ~rows.isin(problems["row"]).to_numpy()
    frame = pd.DataFrame({
        "row": rows.to_numpy(), "pair_id": pair_id.to_numpy(), "on_date": on_date.to_numpy(),
        "status": status.to_numpy(), "cancelled_by": by.fillna("").to_numpy(),
        "note": col("note").to_numpy(),
    })[good].reset_index(drop=True)
    frame["pair_id"] = frame["pair_id"].astype("int64")
    duplicated = frame.duplicated(["pair_id", "on_date", "status"])
    already = 0
    if existing is not None and not existing.empty:
        seen = frame.merge(existing[["pair_id", "on_date", "status"]].drop_duplicates(),
                           how="left", indicator=True)["_merge"] == "both"
        already = int(seen.sum())
        duplicated = duplicated | seen.to_numpy()
    notices = list(table.notices)
    if already:
        notices.append(f"{already} meeting(s) in '{table.source}' were already recorded and "
                       "were skipped.")
    return MeetingImport(frame[~duplicated.to_numpy()].reset_index(drop=True)[_COLUMNS],
                         problems, already, table.source, table.sha256, columns, notices)


def _pairs_for_check(store: Store, lifecycle: Lifecycle | None = None) -> pd.DataFrame:
    pairs = pair_table(store, scheme=None, lifecycle=lifecycle)
    finished = query(store,
        "SELECT pair_id, MAX(on_date) AS finished_on FROM pair_events "
        "WHERE to_status IN ('ended', 'withdrawn') GROUP BY pair_id")
    return pairs.merge(finished, on="pair_id", how="left")


def meetings(store: Store, pair_ids: list[int] | None = None) -> pd.DataFrame:
    """Return the recorded meetings (``id, pair_id, on_date, status, cancelled_by, note``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = record_meeting(store, pid, "2026-11-02", "cancelled", "mentor", today="2027-01-01")
    >>> meetings(store)[["pair_id", "on_date", "status", "cancelled_by"]].to_numpy().tolist()
    [[1, '2026-11-02', 'cancelled', 'mentor']]
    """
    frame = query(store, "SELECT id, pair_id, on_date, status, cancelled_by, note FROM meetings "
                        "ORDER BY pair_id, on_date, id")
    if pair_ids is not None:
        frame = frame[frame["pair_id"].isin([int(i) for i in pair_ids])].reset_index(drop=True)
    return frame


def read_meetings(path: str | Path, store: Store, today: date | str | None = None,
                  mapping: dict[str, str] | str | Path | None = None, sheet: str | None = None,
                  dayfirst: bool = True, lifecycle: Lifecycle | None = None) -> MeetingImport:
    """Read a meetings export (CSV or XLSX) and check it against the store's pairs.

    Nothing is written: pass the result to :func:`save_meetings`. See
    :func:`validate_meetings` for the checks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = Store(folder / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = (folder / "m.csv").write_text(
    ...     "Mentee email,Mentor email,Date\\na@example.org,b@example.org,20/10/2026\\n")
    >>> result = read_meetings(folder / "m.csv", store, today="2027-01-01")
    >>> save_meetings(store, result)
    1
    >>> from toolkit.store.pairs import load_pairs
    >>> load_pairs(store)["status"].tolist()
    ['active']
    """
    if mapping is not None and not isinstance(mapping, dict):
        mapping = read_mapping(mapping)
    table = read_table(path, sheet=sheet)
    if table.data.empty:
        raise InputFileError(f"'{table.source}' has a header row but no meetings below it.")
    return validate_meetings(table, _pairs_for_check(store, lifecycle), today, mapping,
                             dayfirst, existing=meetings(store))


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
    now = now_utc()
    with store.transaction() as conn:
        # Checked again inside the transaction, so a meeting is never recorded twice, even
        # when two sessions import the same export at once.
        stored = meetings(store)[["pair_id", "on_date", "status"]].drop_duplicates()
        fresh = frame.merge(stored, how="left", on=["pair_id", "on_date", "status"],
                            indicator=True)["_merge"] == "left_only"
        frame = frame[fresh.to_numpy()]
        if frame.empty:
            return 0
        conn.executemany(
            "INSERT INTO meetings (pair_id, on_date, status, cancelled_by, note, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(int(p), str(d), str(s), str(b), str(n), now) for p, d, s, b, n in zip(
                frame["pair_id"], frame["on_date"], frame["status"], frame["cancelled_by"],
                frame["note"], strict=True)])
        if activate:
            held = frame[frame["status"] == "held"].sort_values("on_date")
            activate_pairs(store, held.groupby("pair_id")["on_date"].first(),
                           lifecycle=lifecycle)
    return len(frame)


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
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> record_meeting(store, pid, "2026-11-02", today="2027-01-01")
    1
    >>> record_meeting(store, pid, "2026-09-02", today="2027-01-01")
    Traceback (most recent call last):
    ...
    toolkit.errors.RowProblemsError: The date is before the pair started on 2026-10-05: ...
    """
    day = on_date.isoformat() if isinstance(on_date, date) else str(on_date)
    table = Table(
        data=pd.DataFrame({"pair_id": [str(pair_id)], "date": [day], "status": [status],
                           "cancelled_by": [cancelled_by], "note": [note]}, dtype="string"),
        rows=pd.Series([1], dtype="int64"), headers=["pair_id", "date", "status",
                                                     "cancelled_by", "note"],
        source="the meeting", sha256="")
    result = validate_meetings(table, _pairs_for_check(store, lifecycle), today,
                               existing=meetings(store))
    if not result.ok:
        raise RowProblemsError(str(result.problems["problem"].iloc[0]), result.problems)
    return save_meetings(store, result, lifecycle=lifecycle)
