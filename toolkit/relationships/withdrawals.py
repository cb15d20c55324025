"""Withdrawals from a list: everyone on it leaves the scheme, and their running pairs end.

A lead often learns of withdrawals in bulk (a list from HR, a form "I can no longer take
part"): a CSV or XLSX with each person's e-mail, the date they withdrew and, optionally, a
reason. :func:`read_withdrawals` checks every row with the importers' one row-problem
collector (:class:`~toolkit.io.problems.RowChecker`) and works out which pairs each person
is in; :func:`save_withdrawals` ends those pairs as *withdrawn*, the same way a single
withdrawal is recorded (:func:`~toolkit.relationships.changes.withdraw_pair`), all in one
transaction.

A reason that names one of the reason categories
(:data:`~toolkit.relationships.lifecycle.WITHDRAWAL_REASONS`) is kept as that category;
any other wording is kept as category *other* with the words as the lead's private note.
Neither is ever published: reports count withdrawals, never their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from toolkit.core import dates
from toolkit.core.statuses import FINISHED, RUNNING
from toolkit.core.text import fold
from toolkit.io.problems import ProblemReport, RowChecker
from toolkit.io.readers import Table, read_table
from toolkit.relationships.changes import pair_table, withdraw_pair
from toolkit.relationships.lifecycle import WITHDRAWAL_REASONS, Lifecycle
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs

__all__ = [
    "EMPTY_DATE",
    "NOT_A_DATE",
    "NO_PAIR",
    "WITHDRAWAL_COLUMNS",
    "WITHDRAWAL_FIELDS",
    "WITHDRAWAL_VARIANTS",
    "WithdrawalImport",
    "before_start_message",
    "future_date_message",
    "read_withdrawals",
    "reason_category",
    "save_withdrawals",
    "validate_withdrawals",
]

#: The fields of a withdrawals list.
WITHDRAWAL_FIELDS = ("email", "date", "reason")
#: The usual spellings of each field's header.
WITHDRAWAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "email address", "e-mail address", "work email", "your email",
              "participant email", "who"),
    "date": ("date", "withdrawn on", "date withdrawn", "withdrawal date", "left on",
             "date of withdrawal", "when"),
    "reason": ("reason", "why", "reason for withdrawing", "reason for withdrawal", "comment",
               "comments", "note", "notes"),
}
#: The columns of :attr:`WithdrawalImport.withdrawals`: one row per pair to end.
WITHDRAWAL_COLUMNS = ["row", "email", "on_date", "pair_id", "by", "reason", "note"]

EMPTY_DATE = "The date is empty: give the date the person withdrew."
NOT_A_DATE = ("This is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (if the whole file "
              "writes the month first, import it with --month-first).")
NO_PAIR = ("Nobody with this address is in a pair in the store: check the address against "
           "the status table.")

_CATEGORIES = {fold(pd.Series(list(WITHDRAWAL_REASONS))).iloc[k]: reason
               for k, reason in enumerate(WITHDRAWAL_REASONS)}


def future_date_message(today: str) -> str:
    """Return the problem of a withdrawal dated after ``today``.

    Examples
    --------
    >>> future_date_message("2027-03-01")[:47]
    'The date is in the future (today is 1 Mar 2027)'
    """
    return (f"The date is in the future (today is {dates.readable_date(today)}): record a "
            "withdrawal once it has happened.")


def before_start_message(start: str) -> str:
    """Return the problem of a withdrawal dated before one of the person's pairs started.

    Examples
    --------
    >>> before_start_message("2026-10-05")
    'The date is before their pair started on 5 Oct 2026: check the date.'
    """
    return (f"The date is before their pair started on {dates.readable_date(start)}: check "
            "the date.")


def reason_category(reason: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split reasons into a category and a private note.

    A reason that is one of :data:`~toolkit.relationships.lifecycle.WITHDRAWAL_REASONS`
    (any case or spacing) is that category with no note; anything else is ``other`` with
    the words as the note; an empty reason is ``other`` with no note.

    Examples
    --------
    >>> category, note = reason_category(pd.Series(["Workload or time", "moved abroad", ""]))
    >>> category.tolist(), note.tolist()
    (['workload or time', 'other', 'other'], ['', 'moved abroad', ''])
    """
    known = fold(reason).map(_CATEGORIES)
    category = known.fillna("other").astype(str)
    note = reason.where(known.isna() & (reason != ""), "").astype(str)
    return category, note


@dataclass
class WithdrawalImport(ProblemReport):
    """What reading a withdrawals list produced.

    Attributes
    ----------
    withdrawals : pandas.DataFrame
        One row per pair to end (:data:`WITHDRAWAL_COLUMNS`): the spreadsheet ``row``, the
        person's ``email``, ``on_date``, the ``pair_id``, ``by`` (mentee or mentor: their
        side of that pair), the reason category and the private note.
    problems : pandas.DataFrame
        Every problem, ``row, field, value, problem`` (spreadsheet row numbers).
    already_recorded : int
        People on the list whose pairs have all ended already (skipped, so importing the
        same list again changes nothing).
    source, sha256 : str
    columns : dict of str to str
    notices : list of str
    """

    withdrawals: pd.DataFrame
    problems: pd.DataFrame
    already_recorded: int = 0
    source: str = ""
    sha256: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    fix_hint = ("correct them and import the list again (withdrawals already recorded are not "
                "recorded twice).")

    @property
    def people(self) -> int:
        """How many people on the list have pairs to end."""
        return int(self.withdrawals["email"].nunique())


def validate_withdrawals(table: Table, pairs: pd.DataFrame, today: date | str | None = None,
                         mapping: dict[str, str] | str | Path | None = None,
                         month_first: bool = False) -> WithdrawalImport:
    """Check a withdrawals list against the pairs; work out which pairs each person leaves.

    A row has a problem when the address is not one (or hides an invisible character), is
    on an earlier row too, or belongs to nobody in a pair; when the date is empty, not a
    date, in the future, or before one of the person's running pairs started; or when any
    cell holds a control character or a direction override (line breaks are allowed in
    the reason). Problem rows are reported with their spreadsheet row numbers and never
    silently dropped.

    Parameters
    ----------
    table : Table
        The list as read by :func:`~toolkit.io.readers.read_table`.
    pairs : pandas.DataFrame
        :func:`~toolkit.relationships.changes.pair_table` of the scheme (any status).
    today : date or str, optional
        Dates after it are in the future (default: the real today).
    mapping : dict, str or Path, optional
        Field -> header, or its JSON file.
    month_first : bool
        Read ``05/11/2026`` as May 11; default 5 November.

    Returns
    -------
    WithdrawalImport

    Raises
    ------
    InputFileError
        If the list has no e-mail or date column, or no rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = p.write_text("Email,Date,Reason\\nb@example.org,01/12/2026,Left the institution\\n"
    ...                  "z@example.org,01/12/2026,\\n")
    >>> pairs = pd.DataFrame({"pair_id": [1], "mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"], "status": ["active"], "start": ["2026-10-05"]})
    >>> result = validate_withdrawals(read_table(p), pairs, today="2027-01-01")
    >>> result.withdrawals[["row", "pair_id", "by", "reason"]].to_numpy().tolist()
    [[2, 1, 'mentor', 'left the institution']]
    >>> result.problems[["row", "field"]].to_numpy().tolist()
    [[3, 'email']]
    """
    today_iso = dates.today(today).isoformat()
    check = RowChecker(table, WITHDRAWAL_FIELDS, required=("email", "date"), mapping=mapping,
                       kind="withdrawals", variants=WITHDRAWAL_VARIANTS, multiline=("reason",))
    mail = check.emails("email")
    check.require(("email",))
    text = check.canon["date"]
    on_date = dates.iso_dates(text, month_first=month_first)
    check.add(text == "", "date", EMPTY_DATE)
    check.add((text != "") & on_date.isna(), "date", NOT_A_DATE)
    check.add(on_date.notna() & (on_date.fillna("") > today_iso), "date",
              future_date_message(today_iso))
    sides = pd.concat([
        pairs.assign(email=pairs["mentee_email"].astype(str), by="mentee"),
        pairs.assign(email=pairs["mentor_email"].astype(str), by="mentor"),
    ], ignore_index=True)[["email", "pair_id", "by", "status", "start"]]
    known = mail.isin(set(sides["email"]))
    check.add((mail != "") & ~known & ~check.bad, "email", NO_PAIR)
    running = sides[sides["status"].isin(RUNNING)]
    category, note = reason_category(check.canon["reason"])
    rows = pd.DataFrame({"row": check.rows.to_numpy(), "email": mail.to_numpy(),
                         "on_date": on_date.to_numpy(), "reason": category.to_numpy(),
                         "note": note.to_numpy(), "_k": range(len(mail))})
    wanted = rows.merge(running, on="email", how="inner")
    start = wanted["start"].astype(object)
    early = wanted["on_date"].notna() & start.notna() & (
        wanted["on_date"].fillna("") < start.fillna(""))
    for k, first in (wanted[early].groupby("_k")["start"].max().items()):
        mask = pd.Series(False, index=check.canon.index)
        mask.iloc[int(k)] = True
        check.add(mask, "date", before_start_message(str(first)))
    good_keys = set(rows.loc[~check.bad, "_k"])
    chosen = wanted[wanted["_k"].isin(good_keys)].sort_values(["row", "pair_id"])
    withdrawals = chosen.reset_index(drop=True)[WITHDRAWAL_COLUMNS]
    withdrawals["pair_id"] = withdrawals["pair_id"].astype("int64")
    finished = sides[sides["status"].isin(FINISHED)]["email"]
    already = int((rows["_k"].isin(good_keys) & rows["email"].isin(set(finished))
                   & ~rows["email"].isin(set(running["email"]))).sum())
    notices = list(table.notices)
    if already:
        notices.append(f"{already} person(s) in '{table.source}' have no pair still running "
                       "(withdrawn or ended already) and were skipped.")
    return WithdrawalImport(withdrawals, check.problems(), already, table.source,
                            table.sha256, dict(check.columns), notices)


def read_withdrawals(path: str | Path, store: Store, today: date | str | None = None,
                     mapping: dict[str, str] | str | Path | None = None,
                     sheet: str | None = None, month_first: bool = False,
                     scheme: str = "mentoring",
                     lifecycle: Lifecycle | None = None) -> WithdrawalImport:
    """Read a withdrawals list (CSV or XLSX) and check it against the store's pairs.

    Nothing is written: pass the result to :func:`save_withdrawals`. See
    :func:`validate_withdrawals` for the checks; ``scheme`` says whose pairs end (default
    the mentoring scheme's).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = Store(folder / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> _ = (folder / "w.csv").write_text("E-mail,Date\\na@example.org,2026-12-01\\n")
    >>> result = read_withdrawals(folder / "w.csv", store, today="2027-01-01")
    >>> save_withdrawals(store, result)
    [1]
    >>> load_pairs(store)["status"].tolist()
    ['withdrawn']
    """
    return validate_withdrawals(read_table(path, sheet=sheet),
                                pair_table(store, scheme=scheme, lifecycle=lifecycle),
                                today, mapping, month_first)


def save_withdrawals(store: Store, result: WithdrawalImport,
                     lifecycle: Lifecycle | None = None) -> list[int]:
    """End the pairs of everyone on the list as withdrawn, in one transaction.

    Each pair is ended as :func:`~toolkit.relationships.changes.withdraw_pair` ends one (its
    audit trail says who withdrew, the reason category and the private note). A pair that
    is no longer running (ended meanwhile, or the same list imported twice) is skipped,
    checked inside the transaction. Returns the pairs ended.

    Examples
    --------
    See :func:`read_withdrawals`.
    """
    frame = result.withdrawals
    if frame.empty:
        return []
    ended: list[int] = []
    with store.transaction():
        running = set(load_pairs(store, statuses=RUNNING)["id"].astype(int))
        for rec in frame.itertuples(index=False):
            pair_id = int(rec.pair_id)
            if pair_id not in running:
                continue
            withdraw_pair(store, pair_id, str(rec.on_date), by=str(rec.by),
                          reason=str(rec.reason), note=str(rec.note), lifecycle=lifecycle)
            running.discard(pair_id)
            ended.append(pair_id)
    return ended
