"""Coaching requests and the coach pool, imported: every problem listed with its row number."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.core.answers import MEETING_MODES, parse_yes_no, read_meeting_modes, split_multi
from toolkit.core.dates import parse_dates
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.text import fold
from toolkit.intake.signups import HEADER_VARIANTS, unknown_grade_message
from toolkit.io.problems import ProblemReport, RowChecker
from toolkit.io.readers import Table, read_table

__all__ = [
    "COACHING_VARIANTS",
    "COACH_FIELDS",
    "COACH_REQUIRED",
    "NOT_A_DATE",
    "REQUEST_FIELDS",
    "REQUEST_REQUIRED",
    "CoachingImport",
    "check_dates",
    "not_a_date",
    "other_order",
    "read_coaches",
    "read_requests",
    "validate_coaches",
    "validate_requests",
]

# -- fields and the headers recognised for them ---------------------------------------------
#: The request form's fields, in the order their problems are listed.
REQUEST_FIELDS = (
    "name", "email", "department", "grade", "line_manager_email", "manager_approved",
    "cost_approved", "need", "objective_1", "objective_2", "objective_3", "objectives",
    "meeting_mode", "requested_on",
)
#: The request fields that must have a column.
REQUEST_REQUIRED = ("name", "email", "department", "grade", "manager_approved")
#: The coach pool's fields, in the order their problems are listed.
COACH_FIELDS = (
    "name", "email", "department", "pool", "capacity", "specialisms", "cost_per_session",
    "meeting_mode", "line_manager_email",
)
#: The coach pool fields that must have a column.
COACH_REQUIRED = ("name", "email", "pool")

#: The usual spellings of the headers of the coaching exports, field by field.
COACHING_VARIANTS: dict[str, tuple[str, ...]] = {
    **{k: HEADER_VARIANTS[k] for k in ("name", "email", "department", "grade",
                                       "line_manager_email", "meeting_mode")},
    "manager_approved": (
        "line manager approved", "manager approved", "line manager approval",
        "approved by line manager", "has your line manager approved", "manager approval",
        "approved", "line manager agreed", "has your line manager agreed",
    ),
    "cost_approved": (
        "cost approved", "line manager approved cost", "cost approval", "funding approved",
        "budget approved", "has your line manager approved the cost", "cost agreed",
    ),
    "need": ("need", "development need", "development needs", "coaching need", "coaching needs",
             "what would you like coaching on", "areas", "themes"),
    "objective_1": ("objective 1", "first objective", "goal 1", "objective one"),
    "objective_2": ("objective 2", "second objective", "goal 2", "objective two"),
    "objective_3": ("objective 3", "third objective", "goal 3", "objective three"),
    "objectives": ("objectives", "goals", "coaching objectives", "your objectives"),
    "requested_on": ("requested on", "timestamp", "submitted", "submitted on", "start time",
                     "date of request", "request date", "date"),
    "pool": ("pool", "internal or external", "type", "coach type", "network", "provider"),
    "capacity": ("capacity", "number of coachees", "max coachees", "maximum coachees",
                 "how many coachees", "coachee capacity", "places"),
    "specialisms": ("specialisms", "specialism", "specialities", "specialties", "expertise",
                    "areas of expertise", "coaching areas", "topics"),
    "cost_per_session": ("cost per session", "cost", "fee", "fee per session", "session fee",
                         "price per session", "cost per session gbp"),
}

_POOLS = {
    "internal": "internal", "internal network": "internal", "internal coach": "internal",
    "in house": "internal", "in-house": "internal", "staff": "internal",
    "external": "external", "external coach": "external", "external provider": "external",
    "freelance": "external", "associate": "external", "paid": "external",
}

# -- dates ------------------------------------------------------------------------------------
#: The problem of a cell that is not a date in either order; ``{iso}`` and ``{numeric}`` are
#: the same example day written as ISO and as the file writes numeric dates.
NOT_A_DATE = "This is not a date: write it as {iso} or {numeric}."


def not_a_date(example: str, month_first: bool = False) -> str:
    """Say that a cell is not a date, with an example day written the way the file is read.

    Examples
    --------
    >>> not_a_date("2026-01-31")
    'This is not a date: write it as 2026-01-31 or 31/01/2026.'
    >>> not_a_date("2026-01-31", month_first=True)
    'This is not a date: write it as 2026-01-31 or 01/31/2026.'
    """
    day = pd.Timestamp(example)
    return NOT_A_DATE.format(iso=day.strftime("%Y-%m-%d"),
                             numeric=day.strftime("%m/%d/%Y" if month_first else "%d/%m/%Y"))


def other_order(day: pd.Timestamp, month_first: bool = False) -> str:
    """Say that a date can only be read in the other order, and how to import such a file.

    Parameters
    ----------
    day : Timestamp
        The date the cell gives when read the other way.
    month_first : bool
        Whether the file is being read month first.

    Examples
    --------
    >>> print(other_order(pd.Timestamp("2026-01-31")))
    This date can only be read month first (31 January 2026), but the file is read day first: \
if the whole file writes the month first, import it with --month-first (month_first=True); \
otherwise correct the date.
    """
    if month_first:
        return (f"This date can only be read day first ({day:%d %B %Y}), but the file is read "
                "month first (--month-first): if the whole file writes the day first, import "
                "it without --month-first; otherwise correct the date.")
    return (f"This date can only be read month first ({day:%d %B %Y}), but the file is read "
            "day first: if the whole file writes the month first, import it with "
            "--month-first (month_first=True); otherwise correct the date.")


def check_dates(check: RowChecker, name: str, example: str,
                month_first: bool = False) -> pd.Series:
    """Read a field of dates with the one date reader, adding a problem for each bad cell.

    A date that reads only in the other order (01/31/2026 read day first) is a problem with
    a hint to import the file with (or without) ``month_first``; nothing is guessed.

    Parameters
    ----------
    check : RowChecker
        The import's row checker.
    name : str
        The field.
    example : str
        An ISO day for the message (shown as the file should write it).
    month_first : bool
        Read numeric dates month first (01/31/2026).

    Returns
    -------
    pandas.Series
        The dates (NaT where empty or not a date).

    Examples
    --------
    >>> table = Table(pd.DataFrame({"Date": ["31/01/2026", "01/31/2026", "soon"]}),
    ...               pd.Series([2, 3, 4]), ["Date"], "log.csv", "0" * 64)
    >>> check = RowChecker(table, ("date",), ("date",))
    >>> check_dates(check, "date", "2026-01-31").dt.day.tolist()
    [31.0, nan, nan]
    >>> [p[:30] for p in check.problems()["problem"]]
    ['This date can only be read mon', 'This is not a date: write it a']
    """
    text = check.canon[name]
    found = parse_dates(text, month_first=month_first)
    other = parse_dates(text, month_first=not month_first)
    bad = (text != "") & found.isna()
    switched = bad & other.notna()
    check.add(bad & ~switched, name, not_a_date(example, month_first))
    check.add(switched, name, pd.Series(
        [other_order(d, month_first) if pd.notna(d) else "" for d in other]))
    return found


# -- importing ------------------------------------------------------------------------------
@dataclass
class CoachingImport(ProblemReport):
    """What importing a coaching export (requests, coaches, sessions or scores) produced.

    Attributes
    ----------
    records : pandas.DataFrame
        The clean rows with canonical columns and ``row`` (the spreadsheet row).
    problems : pandas.DataFrame
        Every problem, with columns ``row, field, value, problem``.
    rejected : pandas.DataFrame
        The rows set aside because they have problems, as read (with ``row``).
    columns : dict of str to str
        Which header was used for each canonical field.
    source, sha256 : str
        The file name and its fingerprint.
    notices : list of str
        Notes for the officer that are not problems.
    """

    records: pd.DataFrame
    problems: pd.DataFrame
    rejected: pd.DataFrame
    columns: dict[str, str]
    source: str
    sha256: str
    notices: list[str] = field(default_factory=list)

    fix_hint = "fix them in the spreadsheet and import it again."

    @classmethod
    def from_check(cls, check: RowChecker, records: pd.DataFrame) -> CoachingImport:
        """Keep the rows without problems and set the others aside.

        Parameters
        ----------
        check : RowChecker
            The checker the rows were checked with.
        records : pandas.DataFrame
            Every row's canonical values, in the file's order (``row`` is added first).

        Examples
        --------
        >>> table = Table(pd.DataFrame({"Email": ["a@example.org", "x"]}), pd.Series([2, 3]),
        ...               ["Email"], "people.csv", "0" * 64)
        >>> check = RowChecker(table, ("email",), ("email",))
        >>> done = CoachingImport.from_check(check, pd.DataFrame({"email": check.emails("email")}))
        >>> done.records.values.tolist(), done.rejected["row"].tolist()
        ([[2, 'a@example.org']], [3])
        """
        problems = check.problems()
        bad = check.rows.isin(problems["row"]).to_numpy()
        records = records.reset_index(drop=True)
        records.insert(0, "row", check.rows.to_numpy())
        return cls(records=records[~bad].reset_index(drop=True), problems=problems,
                   rejected=check.rejected(), columns=check.columns, source=check.source,
                   sha256=check.table.sha256, notices=list(check.table.notices))


def validate_requests(table: Table, mapping: dict[str, str] | str | Path | None = None,
                      ladder: Ladder | str | Path | None = None,
                      month_first: bool = False) -> CoachingImport:
    """Map, normalise and check coaching requests read by :func:`~toolkit.io.readers.read_table`.

    Parameters
    ----------
    table : Table
        The export as read.
    mapping : dict, str or Path, optional
        Canonical field -> header (or a JSON file holding it).
    ladder : Ladder, str or Path, optional
        The grade ladder (default: UK higher-education grades).
    month_first : bool
        Read numeric request dates month first (01/31/2026), as US exports write them.
        Default False: day first, and a date that reads only month first is a problem.

    Returns
    -------
    CoachingImport
        ``records`` has ``row, name, email, department, grade, level, line_manager_email,
        manager_approved, cost_approved, need, objectives, meeting_mode, requested_on``;
        ``need`` and ``objectives`` are lists, ``requested_on`` a date (NaT if not given).

    Raises
    ------
    InputFileError
        If a required column is missing or the file has no requests.
    """
    ladder = resolve_ladder(ladder)
    check = RowChecker(table, REQUEST_FIELDS, REQUEST_REQUIRED, mapping, "requests",
                       COACHING_VARIANTS)
    canon = check.canon
    check.require(("name", "email", "department", "grade"))
    email = check.emails("email")
    manager = check.emails("line_manager_email", unique=False, optional=True)
    check.add((manager != "") & (manager == email), "line_manager_email",
              "The line manager is the person themselves: give their manager's e-mail.")
    level = ladder.levels_of(pd.Series(canon["grade"], dtype="string"))
    unknown = (canon["grade"] != "") & level.isna().to_numpy()
    check.add(unknown, "grade", pd.Series(
        [unknown_grade_message(g, ladder, ladder.suggest(g)) for g in canon["grade"]]))
    approvals = {}
    for name in ("manager_approved", "cost_approved"):
        answer = parse_yes_no(canon[name])
        check.add(answer.isna(), name,
                  "Write 'yes' if the line manager approved, or 'no' (or leave it empty) if not.")
        approvals[name] = answer.fillna(False).astype(bool)
    mode = read_meeting_modes(pd.Series(canon["meeting_mode"], dtype="string"))
    check.add((canon["meeting_mode"] != "") & mode.isna().to_numpy(), "meeting_mode",
              f"Unknown meeting preference: use one of {sorted(set(MEETING_MODES.values()))}.")
    requested = check_dates(check, "requested_on", "2026-01-31", month_first)
    listed = [canon[f"objective_{i}"] for i in (1, 2, 3)]
    objectives = pd.Series([[o for o in trio if o] for trio in zip(*listed, strict=True)],
                           dtype=object)
    from_list = split_multi(canon["objectives"])
    objectives = objectives.where(objectives.map(len) > 0, from_list)
    check.add(objectives.map(len) > 3, "objectives",
              "Give at most three objectives: keep the three that matter most.")
    records = pd.DataFrame({
        "name": canon["name"], "email": email, "department": canon["department"],
        "grade": canon["grade"], "level": level.to_numpy(),
        "line_manager_email": manager,
        "manager_approved": approvals["manager_approved"],
        "cost_approved": approvals["cost_approved"],
        "need": split_multi(canon["need"]), "objectives": objectives,
        "meeting_mode": mode.fillna("either").to_numpy(),
        "requested_on": requested,
    })
    result = CoachingImport.from_check(check, records)
    if "cost_approved" not in check.columns:
        result.notices.append(
            f"'{table.source}' has no column saying whether the line manager approved the "
            "cost: external requests stay on hold until it is recorded (or drop that rule).")
    result.records["level"] = result.records["level"].astype("int64")
    result.records["objectives"] = result.records["objectives"].map(lambda o: list(o[:3]))
    return result


def read_requests(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                  ladder: Ladder | str | Path | None = None, sheet: str | None = None,
                  month_first: bool = False) -> CoachingImport:
    """Import coaching requests (CSV or XLSX) and report every problem with its row number.

    Parameters
    ----------
    path : str or Path
        The request form's export.
    mapping : dict, str or Path, optional
        Canonical field -> header, or a JSON file holding that object.
    ladder : Ladder, str or Path, optional
        The grade ladder.
    sheet : str, optional
        The worksheet of an XLSX file.
    month_first : bool
        Read numeric request dates month first (01/31/2026), as US exports write them.

    Returns
    -------
    CoachingImport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "requests.csv"
    >>> _ = p.write_text(
    ...     "Name,Email,Department,Grade,Line manager email,Line manager approved\\n"
    ...     "Ada Byron,ada@example.org,Maths,Grade 8,bo@example.org,yes\\n"
    ...     "Cy Dee,cy@example.org,Physics,Grade 12,bo@example.org,maybe\\n")
    >>> result = read_requests(p)
    >>> result.records[["email", "level", "manager_approved"]].values.tolist()
    [['ada@example.org', 3, True]]
    >>> result.problems[["row", "field"]].values.tolist()
    [[3, 'grade'], [3, 'manager_approved']]
    """
    return validate_requests(read_table(path, sheet=sheet), mapping, ladder, month_first)


def validate_coaches(table: Table,
                     mapping: dict[str, str] | str | Path | None = None) -> CoachingImport:
    """Map, normalise and check a coach pool read by :func:`~toolkit.io.readers.read_table`.

    Parameters
    ----------
    table : Table
        The coach pool as read.
    mapping : dict, str or Path, optional
        Canonical field -> header (or a JSON file holding it).

    Returns
    -------
    CoachingImport
        ``records`` has ``row, name, email, department, pool (internal|external), capacity,
        specialisms (list), cost_per_session (float, 0 for internal), meeting_mode,
        line_manager_email``. An external coach with no department is in "External".
    """
    check = RowChecker(table, COACH_FIELDS, COACH_REQUIRED, mapping, "coaches",
                       COACHING_VARIANTS)
    canon = check.canon
    check.require(("name", "email"))
    email = check.emails("email")
    manager = check.emails("line_manager_email", unique=False, optional=True)
    pool = fold(canon["pool"]).map(_POOLS)
    check.add(pool.isna(), "pool", "Write 'internal' or 'external' for each coach.")
    check.add((pool == "internal") & (canon["department"] == ""), "department",
              "An internal coach needs a department (so coachees from it go to someone else).")
    cap = pd.to_numeric(canon["capacity"].where(canon["capacity"] != ""), errors="coerce")
    bad_cap = (canon["capacity"] != "") & (cap.isna() | (cap < 0) | (cap % 1 != 0))
    check.add(bad_cap, "capacity",
              "The capacity must be a whole number of coachees, 0 or more; leave it empty for 1.")
    cost_text = canon["cost_per_session"].str.replace(r"[£$€,\s]|GBP", "", regex=True)
    cost = pd.to_numeric(cost_text.where(cost_text != ""), errors="coerce")
    bad_cost = (cost_text != "") & (cost.isna() | (cost < 0))
    check.add(bad_cost, "cost_per_session",
              "The cost per session must be an amount such as 350 or £350.")
    check.add((pool == "external") & (cost_text == ""), "cost_per_session",
              "An external coach needs a cost per session (line managers approve the cost).")
    mode = read_meeting_modes(pd.Series(canon["meeting_mode"], dtype="string"))
    check.add((canon["meeting_mode"] != "") & mode.isna().to_numpy(), "meeting_mode",
              f"Unknown meeting mode: use one of {sorted(set(MEETING_MODES.values()))}.")
    records = pd.DataFrame({
        "name": canon["name"], "email": email,
        "department": canon["department"].where((canon["department"] != "")
                                                | (pool != "external"), "External"),
        "pool": pool.fillna(""),
        "capacity": cap.fillna(1).where(~bad_cap, 0).astype("int64"),
        "specialisms": split_multi(canon["specialisms"]),
        "cost_per_session": cost.fillna(0.0).where(~bad_cost, 0.0).astype(float),
        "meeting_mode": mode.fillna("either").to_numpy(), "line_manager_email": manager,
    })
    return CoachingImport.from_check(check, records)


def read_coaches(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                 sheet: str | None = None) -> CoachingImport:
    """Import the coach pool (CSV or XLSX) and report every problem with its row number.

    Parameters
    ----------
    path : str or Path
        The coach pool: name, e-mail, department, internal or external, capacity,
        specialisms, cost per session.
    mapping : dict, str or Path, optional
        Canonical field -> header, or a JSON file holding that object.
    sheet : str, optional
        The worksheet of an XLSX file.

    Returns
    -------
    CoachingImport
        See :func:`validate_coaches`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "coaches.csv"
    >>> _ = p.write_text(
    ...     "Name,Email,Department,Internal or external,Capacity,Specialisms,Cost per session\\n"
    ...     "Eve Fox,eve@example.org,Chemistry,Internal,2,Leadership;Confidence;,\\n"
    ...     "Gil Ho,gil@example.org,,External,3,Career transition,£400\\n"
    ...     "Ida Jo,ida@example.org,,External,two,,\\n")
    >>> result = read_coaches(p)
    >>> result.records[["email", "department", "capacity", "cost_per_session"]].values.tolist()
    [['eve@example.org', 'Chemistry', 2, 0.0], ['gil@example.org', 'External', 3, 400.0]]
    >>> result.problems[["row", "field"]].values.tolist()
    [[4, 'capacity'], [4, 'cost_per_session']]
    """
    return validate_coaches(read_table(path, sheet=sheet), mapping)

