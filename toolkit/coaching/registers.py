"""The coaching team's registers imported, every problem listed with its row number.

The registers: the approved coach list, coachees' choices of coach, chemistry outcomes, the
sessions agreed per coachee, and approved amounts and spend.

Each register is a CSV or XLSX file read with the shared reader and checked with the shared
row checker, like every other import: rows with problems are set aside and listed (``row,
field, value, problem``), the others go ahead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.coaching.requests import COACHING_VARIANTS, CoachingImport, check_dates
from toolkit.core.answers import parse_yes_no
from toolkit.core.dates import parse_dates
from toolkit.core.text import fold
from toolkit.io.problems import RowChecker
from toolkit.io.readers import Table, read_table

__all__ = [
    "AGREED_FIELDS",
    "APPROVED_FIELDS",
    "CHEMISTRY_FIELDS",
    "CHOICE_FIELDS",
    "REGISTERS",
    "SPEND_FIELDS",
    "read_agreed_sessions",
    "read_approved_coaches",
    "read_chemistry",
    "read_choices",
    "read_register",
    "read_spend",
    "validate_agreed_sessions",
    "validate_approved_coaches",
    "validate_chemistry",
    "validate_choices",
    "validate_spend",
]

#: The approved coach list's fields, in the order their problems are listed.
APPROVED_FIELDS = ("name", "email", "accreditation_body", "accreditation_level",
                   "accreditation_expires", "last_supervision", "agreement", "agreement_date")
#: The coachees' choices: who chose which coach (and when).
CHOICE_FIELDS = ("email", "coach_email", "chosen_on")
#: Chemistry outcomes: coachee, coach, whether it went well, and the day.
CHEMISTRY_FIELDS = ("email", "coach_email", "outcome", "on_date")
#: The number of sessions agreed with each coachee (and, optionally, chemistry and months).
AGREED_FIELDS = ("email", "sessions", "chemistry", "months")
#: Approved amount and actual spend per coachee (and year, department when not requested).
SPEND_FIELDS = ("email", "approved_amount", "spent", "year", "department")

_VARIANTS: dict[str, tuple[str, ...]] = {
    "name": COACHING_VARIANTS["name"],
    "email": COACHING_VARIANTS["email"] + ("coachee email", "coachee e-mail", "coachee"),
    "department": COACHING_VARIANTS["department"],
    "coach_email": ("coach email", "coach e-mail", "coach", "chosen coach",
                    "chosen coach email", "coach's email", "coach address"),
    "accreditation_body": ("accreditation body", "accrediting body", "accredited by",
                           "professional body", "accreditation"),
    "accreditation_level": ("accreditation level", "level", "credential",
                            "accreditation grade", "qualification"),
    "accreditation_expires": ("accreditation expires", "accreditation expiry", "expires",
                              "expiry", "expiry date", "valid until", "renewal due"),
    "last_supervision": ("last supervision", "supervision", "last supervised",
                         "date of last supervision", "supervision date"),
    "agreement": ("agreement", "agreement on file", "coaching agreement",
                  "signed agreement", "confidentiality agreement"),
    "agreement_date": ("agreement date", "agreement signed", "date of agreement",
                       "agreement signed on"),
    "chosen_on": ("chosen on", "date chosen", "date", "timestamp", "submitted"),
    "outcome": ("outcome", "chemistry outcome", "went well", "result", "chemistry",
                "continue"),
    "on_date": ("on date", "date", "chemistry date", "held on", "session date"),
    "sessions": ("sessions", "agreed sessions", "number of sessions", "sessions agreed"),
    "chemistry": ("chemistry", "chemistry sessions"),
    "months": ("months", "within months", "window", "window months"),
    "approved_amount": ("approved amount", "approved", "amount approved", "budget approved",
                        "approved cost"),
    "spent": ("spent", "actual spend", "spend", "actual", "amount spent", "invoiced"),
    "year": ("year", "financial year", "academic year", "budget year"),
}

_WENT_WELL = {"went well", "well", "yes", "good", "positive", "continue", "go ahead", "ok",
              "matched", "fit", "a good fit", "y"}
_DID_NOT = {"did not", "did not go well", "didn't", "didnt", "not", "no", "poor", "not a fit",
            "no fit", "rematch", "re-match", "stop", "n", "did not work"}


def _whole_numbers(check: RowChecker, name: str, low: int, what: str) -> pd.Series:
    """Read a field of whole numbers of at least ``low``; empty cells are NA."""
    text = check.canon[name]
    value = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & (value.isna() | (value < low) | (value % 1 != 0))
    check.add(bad, name, f"The {what} must be a whole number, {low} or more.")
    return value.where(~bad).astype("Int64")


def _amounts(check: RowChecker, name: str) -> pd.Series:
    """Read a field of amounts (350, £350, 1,200.50); empty cells are NaN."""
    text = check.canon[name].str.replace(r"[£$€,\s]|GBP|EUR|USD", "", regex=True)
    value = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & (value.isna() | (value < 0))
    check.add(bad, name, "Write an amount such as 1200 or £1,200 (0 or more).")
    return value.where(~bad).astype(float)


def validate_approved_coaches(table: Table, mapping: dict[str, str] | str | Path | None = None,
                              month_first: bool = False) -> CoachingImport:
    """Check the approved coach list: accreditation, supervision and agreement on file.

    The ``agreement`` cell says whether the coach's coaching agreement (confidentiality,
    boundaries) is on file: ``yes``, ``no`` or the date it was signed (which means yes).

    Returns
    -------
    CoachingImport
        ``records``: ``row, name, email, accreditation_body, accreditation_level,
        accreditation_expires, last_supervision (dates, NaT if not given), agreement (bool),
        agreement_date`` (NaT if not given).
    """
    check = RowChecker(table, APPROVED_FIELDS, ("name", "email"), mapping, "approved coaches",
                       _VARIANTS)
    canon = check.canon
    check.require(("name", "email"))
    email = check.emails("email")
    expires = check_dates(check, "accreditation_expires", "2027-03-31", month_first)
    supervised = check_dates(check, "last_supervision", "2026-06-30", month_first)
    signed = check_dates(check, "agreement_date", "2026-01-15", month_first)
    answer = parse_yes_no(canon["agreement"])
    dated = parse_dates(canon["agreement"].where(answer.isna(), ""), month_first=month_first)
    check.add(answer.isna() & dated.isna(), "agreement",
              "Write 'yes' if the coaching agreement is on file, 'no' if not, or the date it "
              "was signed (such as 2026-01-15).")
    agreement = answer.fillna(dated.notna()).astype(bool) | signed.notna()
    records = pd.DataFrame({
        "name": canon["name"], "email": email,
        "accreditation_body": canon["accreditation_body"],
        "accreditation_level": canon["accreditation_level"],
        "accreditation_expires": expires, "last_supervision": supervised,
        "agreement": agreement.to_numpy(), "agreement_date": signed.fillna(dated),
    })
    return CoachingImport.from_check(check, records)


def validate_choices(table: Table, mapping: dict[str, str] | str | Path | None = None,
                     month_first: bool = False) -> CoachingImport:
    """Check the coachees' choices of coach: one row per coachee.

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, coach_email, chosen_on`` (NaT if not given).
    """
    check = RowChecker(table, CHOICE_FIELDS, ("email", "coach_email"), mapping, "choices",
                       _VARIANTS)
    check.require(("email", "coach_email"))
    email = check.emails("email")
    coach = check.emails("coach_email", unique=False)
    check.add((email != "") & (email == coach), "coach_email",
              "A coachee cannot be their own coach: give the chosen coach's e-mail.")
    chosen = check_dates(check, "chosen_on", "2026-02-20", month_first)
    records = pd.DataFrame({"email": email, "coach_email": coach, "chosen_on": chosen})
    return CoachingImport.from_check(check, records)


def validate_chemistry(table: Table, mapping: dict[str, str] | str | Path | None = None,
                       month_first: bool = False) -> CoachingImport:
    """Check chemistry outcomes: whether the first session of coachee and coach went well.

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, coach_email, went_well (bool), on_date`` (NaT if not
        given).
    """
    check = RowChecker(table, CHEMISTRY_FIELDS, ("email", "coach_email", "outcome"), mapping,
                       "chemistry outcomes", _VARIANTS)
    canon = check.canon
    check.require(("email", "coach_email", "outcome"))
    email = check.emails("email", unique=False)
    coach = check.emails("coach_email", unique=False)
    said = fold(canon["outcome"]).str.rstrip(".!")
    well = said.isin(_WENT_WELL)
    check.add((said != "") & ~well & ~said.isin(_DID_NOT), "outcome",
              "Write 'went well' or 'did not' (the chemistry session did not work).")
    pair = pd.DataFrame({"e": email, "c": coach})
    dup = (email != "") & (coach != "") & pair.duplicated(keep="first")
    check.add(dup, "coach_email", "This coachee's chemistry session with this coach is already "
              "on an earlier row: keep one row.")
    on_date = check_dates(check, "on_date", "2026-03-09", month_first)
    records = pd.DataFrame({"email": email, "coach_email": coach,
                            "went_well": well.to_numpy(), "on_date": on_date})
    return CoachingImport.from_check(check, records)


def validate_agreed_sessions(table: Table, mapping: dict[str, str] | str | Path | None = None
                             ) -> CoachingImport:
    """Check the number of sessions agreed with each coachee (one row per coachee).

    ``chemistry`` and ``months`` are optional: empty means the scheme's rule for the route.

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, sessions, chemistry, months`` (nullable whole numbers).
    """
    check = RowChecker(table, AGREED_FIELDS, ("email", "sessions"), mapping, "agreed sessions",
                       _VARIANTS)
    check.require(("email", "sessions"))
    email = check.emails("email")
    records = pd.DataFrame({
        "email": email,
        "sessions": _whole_numbers(check, "sessions", 0, "number of sessions"),
        "chemistry": _whole_numbers(check, "chemistry", 0, "number of chemistry sessions"),
        "months": _whole_numbers(check, "months", 1, "number of months"),
    })
    return CoachingImport.from_check(check, records)


def validate_spend(table: Table, mapping: dict[str, str] | str | Path | None = None
                   ) -> CoachingImport:
    """Check the approved amount and the actual spend of each coachee (one row a year).

    Returns
    -------
    CoachingImport
        ``records``: ``row, email, approved_amount, spent`` (floats; spend 0 when empty),
        ``year`` (text such as ``2026`` or ``2026-27``; empty when not given) and
        ``department`` (empty when not given: taken from the request).
    """
    check = RowChecker(table, SPEND_FIELDS, ("email", "approved_amount"), mapping, "spend",
                       _VARIANTS)
    canon = check.canon
    check.require(("email", "approved_amount"))
    email = check.emails("email", unique=False)
    year = canon["year"].str.replace(r"\s+", "", regex=True)
    check.add((year != "") & ~year.str.fullmatch(r"\d{4}([-/]\d{2}(\d{2})?)?"), "year",
              "Write the year as 2026 or a financial year as 2026-27.")
    dup = (email != "") & pd.DataFrame({"e": email, "y": year}).duplicated(keep="first")
    check.add(dup, "email", "This coachee's spend for this year is already on an earlier row: "
              "keep one row per coachee and year.")
    approved = _amounts(check, "approved_amount")
    spent = _amounts(check, "spent")
    records = pd.DataFrame({"email": email, "approved_amount": approved,
                            "spent": spent.fillna(0.0), "year": year,
                            "department": canon["department"]})
    return CoachingImport.from_check(check, records)


#: Each register: its validator and whether it reads dates.
REGISTERS = {
    "approved": (validate_approved_coaches, True),
    "choices": (validate_choices, True),
    "chemistry": (validate_chemistry, True),
    "agreed": (validate_agreed_sessions, False),
    "spend": (validate_spend, False),
}


def read_register(kind: str, path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                  sheet: str | None = None, month_first: bool = False) -> CoachingImport:
    """Import one of the coaching registers (CSV or XLSX) by its kind.

    Parameters
    ----------
    kind : str
        ``approved``, ``choices``, ``chemistry``, ``agreed`` or ``spend``.
    path : str or Path
        The file.
    mapping : dict, str or Path, optional
        Canonical field -> header, or a JSON file holding that object.
    sheet : str, optional
        The worksheet of an XLSX file.
    month_first : bool
        Read numeric dates month first (01/31/2026).

    Returns
    -------
    CoachingImport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "chemistry.csv"
    >>> _ = p.write_text("Coachee email,Coach email,Outcome\\n"
    ...                  "a@example.org,c@example.org,Went well\\n"
    ...                  "b@example.org,c@example.org,Did not\\n"
    ...                  "d@example.org,c@example.org,perhaps\\n")
    >>> done = read_register("chemistry", p)
    >>> done.records[["email", "went_well"]].values.tolist()
    [['a@example.org', True], ['b@example.org', False]]
    >>> done.problems[["row", "field"]].values.tolist()
    [[4, 'outcome']]
    """
    validate, dated = REGISTERS[kind]
    table = read_table(path, sheet=sheet)
    if dated:
        return validate(table, mapping, month_first)
    return validate(table, mapping)


def read_approved_coaches(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                          sheet: str | None = None, month_first: bool = False
                          ) -> CoachingImport:
    """Import the approved coach list (CSV or XLSX), every problem with its row number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "approved.csv"
    >>> _ = p.write_text("Name,Email,Accreditation body,Level,Expires,Last supervision,"
    ...                  "Agreement on file\\n"
    ...                  "Gil Ho,gil@example.org,EMCC,Senior Practitioner,2027-05-01,"
    ...                  "2026-07-01,12/01/2026\\n"
    ...                  "Ida Jo,ida@example.org,ICF,PCC,soon,2026-02-30,maybe\\n")
    >>> done = read_approved_coaches(p)
    >>> done.records[["email", "agreement"]].values.tolist()
    [['gil@example.org', True]]
    >>> done.records["agreement_date"].dt.date.astype(str).tolist()
    ['2026-01-12']
    >>> done.problems[["row", "field"]].values.tolist()
    [[3, 'accreditation_expires'], [3, 'last_supervision'], [3, 'agreement']]
    """
    return read_register("approved", path, mapping, sheet, month_first)


def read_choices(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                 sheet: str | None = None, month_first: bool = False) -> CoachingImport:
    """Import coachees' choices of coach (CSV or XLSX), every problem with its row number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "choices.csv"
    >>> _ = p.write_text("Coachee email,Chosen coach\\na@example.org,c@example.org\\n"
    ...                  "b@example.org,b@example.org\\na@example.org,d@example.org\\n")
    >>> done = read_choices(p)
    >>> done.records[["email", "coach_email"]].to_numpy().tolist()
    [['a@example.org', 'c@example.org']]
    >>> done.problems[["row", "field"]].to_numpy().tolist()
    [[3, 'coach_email'], [4, 'email']]
    """
    return read_register("choices", path, mapping, sheet, month_first)


def read_chemistry(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                   sheet: str | None = None, month_first: bool = False) -> CoachingImport:
    """Import chemistry outcomes (CSV or XLSX), every problem with its row number.

    See :func:`read_register` for an example.
    """
    return read_register("chemistry", path, mapping, sheet, month_first)


def read_agreed_sessions(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                         sheet: str | None = None) -> CoachingImport:
    """Import the sessions agreed per coachee (CSV or XLSX), problems with row numbers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "agreed.csv"
    >>> _ = p.write_text("Email,Agreed sessions,Months\\na@example.org,3,\\n"
    ...                  "b@example.org,three,6\\n")
    >>> done = read_agreed_sessions(p)
    >>> done.records[["email", "sessions"]].to_numpy().tolist(), done.problems["row"].tolist()
    ([['a@example.org', 3]], [3])
    """
    return read_register("agreed", path, mapping, sheet)


def read_spend(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
               sheet: str | None = None) -> CoachingImport:
    """Import approved amounts and spend per coachee (CSV or XLSX), problems with rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "spend.csv"
    >>> _ = p.write_text('Email,Approved amount,Spent,Year\\na@example.org,"£1,800",600,2026\\n'
    ...                  "b@example.org,lots,,26\\n")
    >>> done = read_spend(p)
    >>> done.records[["approved_amount", "spent", "year"]].to_numpy().tolist()
    [[1800.0, 600.0, '2026']]
    >>> done.problems[["row", "field"]].to_numpy().tolist()
    [[3, 'approved_amount'], [3, 'year']]
    """
    return read_register("spend", path, mapping, sheet)
