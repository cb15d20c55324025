"""Coaching requests: import requests and the coach pool, triage each request, match coaches."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.core.answers import MEETING_MODES, parse_yes_no, read_meeting_modes, split_multi
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.management import chain_mask
from toolkit.core.text import EMAIL_PATTERN
from toolkit.errors import InputFileError, SettingsError
from toolkit.intake.signups import HEADER_VARIANTS
from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.problems import ProblemReport, collect_problems, problem_rows
from toolkit.io.readers import Table, read_table
from toolkit.store.pairs import save_pairs

if TYPE_CHECKING:
    from toolkit.store.connection import Store

__all__ = [
    "COACH_FIELDS",
    "REQUEST_FIELDS",
    "CoachMatch",
    "CoachingImport",
    "MatchSettings",
    "TriageRules",
    "coach_eligibility",
    "coach_scores",
    "match_coaches",
    "objectives_of",
    "parse_dates",
    "read_coaches",
    "read_requests",
    "save_coaching",
    "triage",
    "validate_coaches",
    "validate_requests",
]

# -- fields and the headers recognised for them ---------------------------------------------
REQUEST_FIELDS = (
    "name", "email", "department", "grade", "line_manager_email", "manager_approved",
    "cost_approved", "need", "objective_1", "objective_2", "objective_3", "objectives",
    "meeting_mode", "requested_on",
)
REQUEST_REQUIRED = ("name", "email", "department", "grade", "manager_approved")
COACH_FIELDS = (
    "name", "email", "department", "pool", "capacity", "specialisms", "cost_per_session",
    "meeting_mode", "line_manager_email",
)
COACH_REQUIRED = ("name", "email", "pool")

_VARIANTS: dict[str, tuple[str, ...]] = {
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
_ROUTES = ("internal", "external")
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y",
                 "%d/%m/%y %H:%M", "%d/%m/%y %H:%M:%S", "%d.%m.%Y", "%d %B %Y", "%d %b %Y",
                 # US order last, for dates that cannot be UK ones (Microsoft Forms in CSV).
                 "%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M:%S")


def _fold(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip().str.casefold().str.replace(
        r"\s+", " ", regex=True)


def parse_dates(series: pd.Series) -> pd.Series:
    """Read dates written as ISO (2026-01-14), UK (14/01/2026) or spelt out (14 January 2026).

    Day-first is tried before month-first, so 03/02/2026 is 3 February; a date that can only
    be month-first (01/31/2026) is still read. Returns day-precision timestamps; missing (NaT)
    where the cell is empty or unreadable.

    Examples
    --------
    >>> days = parse_dates(pd.Series(["2026-01-14 09:30", "03/02/2026", "5 March 2026", "x"]))
    >>> days.dt.strftime("%Y-%m-%d").tolist()
    ['2026-01-14', '2026-02-03', '2026-03-05', nan]
    """
    text = series.fillna("").astype(str).str.strip()
    out = pd.to_datetime(text.where(text.str.match(r"^\d{4}-\d{2}-\d{2}")), format="ISO8601",
                         errors="coerce")
    for fmt in _DATE_FORMATS:
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out = out.fillna(pd.to_datetime(text.where(todo), format=fmt, errors="coerce"))
    return out.dt.normalize().astype("datetime64[ns]")


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


class _Checker:
    """Collects problems (row, field, value, problem) found by vectorised checks."""

    def __init__(self, table: Table, fields: tuple[str, ...], required: tuple[str, ...],
                 mapping: dict[str, str] | str | Path | None, kind: str,
                 variants: dict[str, tuple[str, ...]] | None = None) -> None:
        if mapping is not None and not isinstance(mapping, dict):
            mapping = read_mapping(mapping)
        self.source = table.source
        self.columns = find_columns(table.headers, mapping, table.question_text,
                                    f"'{table.source}'", fields=fields, required=required,
                                    variants=variants or _VARIANTS)
        if table.data.empty:
            raise InputFileError(
                f"'{table.source}' has a header row but no {kind} below it: export it again "
                "once it has some.")
        self.table = table
        self.rows = table.rows.reset_index(drop=True)
        raw = table.data.reset_index(drop=True)
        self.canon = pd.DataFrame({
            name: (raw[self.columns[name]].fillna("").astype(str).str.strip()
                   if name in self.columns else pd.Series("", index=raw.index, dtype=object))
            for name in fields
        })
        self.found: list[pd.DataFrame] = []

    def add(self, mask: pd.Series | np.ndarray, name: str, message: str | pd.Series) -> None:
        # Masks and per-row messages are taken in row order, whatever their index.
        index = self.rows.index
        if not isinstance(message, str):
            message = pd.Series(np.asarray(message, dtype=object), index=index)
        self.found.append(problem_rows(self.rows, np.asarray(mask), name,
                                       self.canon[name].set_axis(index), message))

    def required(self, names: tuple[str, ...]) -> None:
        for name in names:
            header = self.columns.get(name, name)
            self.add(self.canon[name] == "", name,
                     f"The {name.replace('_', ' ')} is empty: fill it in (column '{header}').")

    def email(self, name: str, unique: bool = True, optional: bool = False) -> pd.Series:
        mail = self.canon[name].str.casefold()
        self.add((mail != "") & ~mail.str.match(EMAIL_PATTERN), name,
                 "This is not an e-mail address: write it as name@example.org"
                 + (", or leave it empty." if optional else "."))
        if unique:
            dup = (mail != "") & mail.duplicated(keep=False)
            first = pd.Series(self.rows.to_numpy()).groupby(mail.to_numpy()).transform("min")
            self.add(dup & (self.rows != first), name, pd.Series(
                [f"The same e-mail is already on row {r}: keep one row and delete the other."
                 for r in first]))
        return mail

    def result(self, records: pd.DataFrame) -> CoachingImport:
        problems = collect_problems(self.found, self.canon.columns)
        bad = self.rows.isin(problems["row"]).to_numpy()
        rejected = pd.concat([self.rows.rename("row"), self.table.data.reset_index(drop=True)],
                             axis=1)[bad].reset_index(drop=True)
        records.insert(0, "row", self.rows.to_numpy())
        return CoachingImport(records=records[~bad].reset_index(drop=True), problems=problems,
                              rejected=rejected, columns=self.columns, source=self.source,
                              sha256=self.table.sha256, notices=list(self.table.notices))


def validate_requests(table: Table, mapping: dict[str, str] | str | Path | None = None,
                      ladder: Ladder | str | Path | None = None) -> CoachingImport:
    """Map, normalise and check coaching requests read by :func:`~toolkit.io.readers.read_table`.

    Parameters
    ----------
    table : Table
        The export as read.
    mapping : dict, str or Path, optional
        Canonical field -> header (or a JSON file holding it).
    ladder : Ladder, str or Path, optional
        The grade ladder (default: UK higher-education grades).

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
    check = _Checker(table, REQUEST_FIELDS, REQUEST_REQUIRED, mapping, "requests")
    canon = check.canon
    check.required(("name", "email", "department", "grade"))
    email = check.email("email")
    manager = check.email("line_manager_email", unique=False, optional=True)
    check.add((manager != "") & (manager == email), "line_manager_email",
              "The line manager is the person themselves: give their manager's e-mail.")
    level = ladder.levels_of(pd.Series(canon["grade"], dtype="string"))
    unknown = (canon["grade"] != "") & level.isna().to_numpy()
    check.add(unknown, "grade", pd.Series(
        [f"'{g}' is not a grade on the ladder '{ladder.name}'; "
         + (f"did you mean {ladder.suggest(g)}? Correct it" if ladder.suggest(g) else
            f"use one of {list(ladder.levels)}")
         + ", or add this spelling as a synonym in a ladder file (--ladder)."
         for g in canon["grade"]]))
    approvals = {}
    for name in ("manager_approved", "cost_approved"):
        answer = parse_yes_no(canon[name])
        check.add(answer.isna(), name,
                  "Write 'yes' if the line manager approved, or 'no' (or leave it empty) if not.")
        approvals[name] = answer.fillna(False).astype(bool)
    mode = read_meeting_modes(pd.Series(canon["meeting_mode"], dtype="string"))
    check.add((canon["meeting_mode"] != "") & mode.isna().to_numpy(), "meeting_mode",
              f"Unknown meeting preference: use one of {sorted(set(MEETING_MODES.values()))}.")
    requested = parse_dates(canon["requested_on"])
    check.add((canon["requested_on"] != "") & requested.isna(), "requested_on",
              "This is not a date: write it as 2026-01-31 or 31/01/2026.")
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
    result = check.result(records)
    if "cost_approved" not in check.columns:
        result.notices.append(
            f"'{table.source}' has no column saying whether the line manager approved the "
            "cost: external requests stay on hold until it is recorded (or drop that rule).")
    result.records["level"] = result.records["level"].astype("int64")
    result.records["objectives"] = result.records["objectives"].map(lambda o: list(o[:3]))
    return result


def read_requests(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                  ladder: Ladder | str | Path | None = None,
                  sheet: str | None = None) -> CoachingImport:
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
    return validate_requests(read_table(path, sheet=sheet), mapping, ladder)


def validate_coaches(table: Table,
                     mapping: dict[str, str] | str | Path | None = None) -> CoachingImport:
    """Map, normalise and check a coach pool read by :func:`~toolkit.io.readers.read_table`.

    Returns
    -------
    CoachingImport
        ``records`` has ``row, name, email, department, pool (internal|external), capacity,
        specialisms (list), cost_per_session (float, 0 for internal), meeting_mode,
        line_manager_email``. An external coach with no department is in "External".
    """
    check = _Checker(table, COACH_FIELDS, COACH_REQUIRED, mapping, "coaches")
    canon = check.canon
    check.required(("name", "email"))
    email = check.email("email")
    manager = check.email("line_manager_email", unique=False, optional=True)
    pool = _fold(canon["pool"]).map(_POOLS)
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
    return check.result(records)


def read_coaches(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                 sheet: str | None = None) -> CoachingImport:
    """Import the coach pool (CSV or XLSX) and report every problem with its row number.

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


def objectives_of(requests: pd.DataFrame) -> pd.DataFrame:
    """List each request's objectives, one row per objective (``email, number, objective``).

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org"], "objectives": [["Lead", "Delegate"]]})
    >>> objectives_of(r).values.tolist()
    [['a@example.org', 1, 'Lead'], ['a@example.org', 2, 'Delegate']]
    """
    long = requests[["email", "objectives"]].explode("objectives").dropna(subset="objectives")
    long["number"] = long.groupby("email", sort=False).cumcount() + 1
    return (long.rename(columns={"objectives": "objective"})[["email", "number", "objective"]]
            .astype({"number": "int64"}).reset_index(drop=True))


# -- triage ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TriageRules:
    """The thresholds that route a request to internal or external coaching.

    Parameters
    ----------
    internal_up_to : str
        The most senior grade that goes to the internal coaching network; every grade above
        it goes to external coaching (default "Grade 8": grade 8 and below internal, grade 9
        and above external).
    require_cost_approval : bool
        External coaching also needs the line manager to approve its cost (default True).
    """

    internal_up_to: str = "Grade 8"
    require_cost_approval: bool = True

    def threshold(self, ladder: Ladder) -> int:
        """Return the ladder level of ``internal_up_to``."""
        level = ladder.level_of(self.internal_up_to)
        if level is None:
            raise SettingsError(
                f"The triage threshold '{self.internal_up_to}' is not a grade on the ladder "
                f"'{ladder.name}': use one of {list(ladder.levels)}.")
        return level


def triage(requests: pd.DataFrame, rules: TriageRules | None = None,
           ladder: Ladder | str | Path | None = None) -> pd.DataFrame:
    """Route each request to internal or external coaching, or put it on hold, with a reason.

    Every request gets exactly one ``status`` (``internal``, ``external`` or ``on hold``) and a
    ``reason`` a person can read; ``route`` says where it goes once it is no longer on hold.

    Parameters
    ----------
    requests : pandas.DataFrame
        ``CoachingImport.records`` from :func:`read_requests`.
    rules : TriageRules, optional
        The thresholds (default: grade 8 and below internal, cost approval needed externally).
    ladder : Ladder, str or Path, optional
        The ladder the requests' levels refer to.

    Returns
    -------
    pandas.DataFrame
        The requests with ``route``, ``status`` and ``reason`` added.

    Raises
    ------
    SettingsError
        If the threshold grade is not on the ladder.

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org", "b@example.org", "c@example.org"],
    ...                   "grade": ["Grade 8", "Grade 9", "Grade 9"], "level": [3, 4, 4],
    ...                   "line_manager_email": ["m@example.org"] * 3,
    ...                   "manager_approved": [True, True, True],
    ...                   "cost_approved": [False, True, False]})
    >>> triage(r)[["route", "status"]].values.tolist()
    [['internal', 'internal'], ['external', 'external'], ['external', 'on hold']]
    """
    rules = rules or TriageRules()
    ladder = resolve_ladder(ladder)
    limit = rules.threshold(ladder)
    top = ladder.label(limit)
    out = requests.copy()
    level = out["level"].to_numpy()
    external = level > limit
    manager = out["line_manager_email"].fillna("").astype(str).to_numpy() != ""
    approved = out["manager_approved"].to_numpy(dtype=bool)
    cost_ok = out["cost_approved"].to_numpy(dtype=bool) | ~np.bool_(rules.require_cost_approval)
    route = np.where(external, "external", "internal")
    grade = out["grade"].astype(str)
    next_step = " Record the approval in the request sheet and import it again."
    conditions = [
        ~manager,
        external & ~approved & ~cost_ok,
        ~approved,
        external & ~cost_ok,
        external,
    ]
    reasons = [
        "On hold: no line manager is named, and coaching needs a development need agreed "
        "with the line manager. Add their e-mail and their approval, then import again.",
        "On hold: external coaching needs the line manager to approve the coaching and its "
        "cost; neither is recorded yet." + next_step,
        "On hold: the line manager has not approved the coaching yet." + next_step,
        "On hold: the line manager approved the coaching but not yet its cost, which external "
        "coaching needs." + next_step,
        ("External coaching: " + grade + f" is above {top}, and the line manager approved "
         + ("the coaching and its cost." if rules.require_cost_approval else "the coaching.")
         ).to_numpy(dtype=object),
    ]
    internal_reason = ("Internal coaching network (free): " + grade + f" is {top} or below, "
                       "and the line manager approved the coaching.").to_numpy(dtype=object)
    out["route"] = route
    out["status"] = np.where(~manager | ~approved | (external & ~cost_ok), "on hold", route)
    out["reason"] = np.select(conditions, reasons, default=internal_reason)
    return out


# -- matching -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatchSettings:
    """How coaches are matched to coachees.

    Parameters
    ----------
    same_department : bool
        Allow a coach from the coachee's own department (default False: another department).
    w_need, w_objectives, w_mode : float
        Weights of the score's parts: the share of the coachee's development needs among the
        coach's specialisms, the share of specialisms named in the objectives that the coach
        covers, and whether their meeting modes suit each other.
    start_date : str, optional
        The ISO date the coaching starts (recorded with each pair).
    """

    same_department: bool = False
    w_need: float = 0.5
    w_objectives: float = 0.2
    w_mode: float = 0.3
    start_date: str | None = None

    def __post_init__(self) -> None:
        weights = (self.w_need, self.w_objectives, self.w_mode)
        if any(not np.isfinite(w) or w < 0 for w in weights):
            raise SettingsError(
                f"The matching weights must be numbers of 0 or more; got need={self.w_need}, "
                f"objectives={self.w_objectives}, mode={self.w_mode}.")


@dataclass
class CoachMatch:
    """The outcome of matching coaches to the requests that passed triage.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per coachee matched: ``coachee_email, coachee_name, coach_email, coach_name,
        route, score, need, objectives, mode, coachee_department, coach_department,
        start_date, cost_per_session``.
    waiting : pandas.DataFrame
        Approved requests left without a coach, oldest first: ``position, email, name,
        route, requested_on, why``.
    requests : pandas.DataFrame
        Every request with ``outcome`` (``matched``, ``waiting list`` or ``on hold``),
        ``coach_email`` and ``note``.
    coaches : pandas.DataFrame
        Every coach with ``places``, ``taken`` and ``free``.
    settings : dict
        The settings used, for the record.
    """

    pairs: pd.DataFrame
    waiting: pd.DataFrame
    requests: pd.DataFrame
    coaches: pd.DataFrame
    settings: dict


def _as_sets(series: pd.Series) -> list[set[str]]:
    return [{str(x).strip().casefold() for x in v if str(x).strip()} if isinstance(v, list)
             else set() for v in series]


def coach_eligibility(requests: pd.DataFrame, coaches: pd.DataFrame,
                      settings: MatchSettings | None = None,
                      manager_of: Mapping[str, str] | None = None) -> dict[str, np.ndarray]:
    """Work out which coach may take which request, rule by rule.

    Parameters
    ----------
    requests : pandas.DataFrame
        Triaged requests (``email, department, route, line_manager_email``).
    coaches : pandas.DataFrame
        The coach pool (``email, department, pool, capacity``, optional
        ``line_manager_email``).
    settings : MatchSettings, optional
    manager_of : mapping, optional
        More line managers (e-mail to e-mail), e.g. from the mentoring sign-ups, to follow
        chains through people who are neither coachee nor coach.

    Returns
    -------
    dict of str to numpy.ndarray
        Boolean matrices (requests x coaches): ``pool`` (the coach is in the request's
        route), ``chain`` (one is in the other's line-management chain), ``self`` (the same
        person), ``department`` (the same department, when that is not allowed), and
        ``eligible`` (pool and none of the others, and the coach has places).

    Examples
    --------
    >>> r = pd.DataFrame({"email": ["a@example.org"], "department": ["Maths"],
    ...                   "route": ["internal"], "line_manager_email": ["c@example.org"]})
    >>> c = pd.DataFrame({"email": ["c@example.org", "d@example.org", "e@example.org"],
    ...                   "department": ["Physics", "Maths", "Physics"],
    ...                   "pool": ["internal"] * 3, "capacity": [1, 1, 1]})
    >>> coach_eligibility(r, c)["eligible"].tolist()
    [[False, False, True]]
    """
    settings = settings or MatchSettings()
    managers: dict[str, str] = dict(manager_of or {})
    for frame in (coaches, requests):
        if "line_manager_email" in frame:
            managers.update({str(e): str(m) for e, m in zip(
                frame["email"], frame["line_manager_email"].fillna(""), strict=True) if m})
    r_mail = requests["email"].astype(str).to_numpy()
    c_mail = coaches["email"].astype(str).to_numpy()
    pool = requests["route"].astype(str).to_numpy()[:, None] == \
        coaches["pool"].astype(str).to_numpy()[None, :]
    chain = chain_mask(r_mail, c_mail, managers)
    same = r_mail[:, None] == c_mail[None, :]
    r_dept = requests["department"].astype(str).str.strip().str.casefold().to_numpy()
    c_dept = coaches["department"].astype(str).str.strip().str.casefold().to_numpy()
    department = (r_dept[:, None] == c_dept[None, :]) & ~np.bool_(settings.same_department)
    places = coaches["capacity"].to_numpy(dtype=np.int64)[None, :] > 0
    eligible = pool & ~chain & ~same & ~department & places
    return {"pool": pool, "chain": chain, "self": same, "department": department,
            "places": np.broadcast_to(places, pool.shape), "eligible": eligible}


def _vocabulary_matrix(sets: list[set[str]], vocab: list[str]) -> np.ndarray:
    index = {term: i for i, term in enumerate(vocab)}
    matrix = np.zeros((len(sets), len(vocab)), dtype=float)
    rows = [i for i, s in enumerate(sets) for t in s if t in index]
    cols = [index[t] for s in sets for t in s if t in index]
    matrix[rows, cols] = 1.0
    return matrix


def coach_scores(requests: pd.DataFrame, coaches: pd.DataFrame,
                 settings: MatchSettings | None = None) -> dict[str, np.ndarray]:
    """Score every (request, coach) pair from 0 to 1 in each part, vectorised.

    ``need`` is the share of the coachee's development needs that are among the coach's
    specialisms; ``objectives`` the share of the specialisms named in the coachee's objectives
    (as words in the text) that the coach offers; ``mode`` is 1 when the meeting modes suit
    each other (equal, or either says "either") and 0 otherwise. ``score`` is their weighted
    sum divided by the sum of the weights.

    Examples
    --------
    >>> r = pd.DataFrame({"need": [["Leadership", "Confidence"]],
    ...                   "objectives": [["Build confidence in meetings"]],
    ...                   "meeting_mode": ["online"]})
    >>> c = pd.DataFrame({"specialisms": [["Leadership"], ["Confidence"]],
    ...                   "meeting_mode": ["either", "in person"]})
    >>> s = coach_scores(r, c)
    >>> s["need"].tolist(), s["objectives"].tolist(), s["mode"].tolist()
    ([[0.5, 0.5]], [[0.0, 1.0]], [[1.0, 0.0]])
    """
    settings = settings or MatchSettings()
    specialisms = _as_sets(coaches["specialisms"])
    needs = _as_sets(requests["need"])
    vocab = sorted(set().union(*specialisms)) if specialisms else []
    c_mat = _vocabulary_matrix(specialisms, vocab)
    need_mat = _vocabulary_matrix(needs, vocab)
    n_need = np.array([max(len(s), 1) for s in needs], dtype=float)[:, None]
    need = need_mat @ c_mat.T / n_need
    text = requests["objectives"].map(
        lambda o: " ".join(o).casefold() if isinstance(o, list) else "")
    obj_mat = np.zeros((len(requests), len(vocab)), dtype=float)
    for j, term in enumerate(vocab):  # one pass per specialism, never per pair
        obj_mat[:, j] = text.str.contains(rf"\b{re.escape(term)}", regex=True).to_numpy()
    named = obj_mat.sum(axis=1, keepdims=True)
    objectives = np.divide(obj_mat @ c_mat.T, named, out=np.zeros((len(requests),
                           len(coaches))), where=named > 0)
    r_mode = requests["meeting_mode"].astype(str).to_numpy()[:, None]
    c_mode = coaches["meeting_mode"].astype(str).to_numpy()[None, :]
    mode = ((r_mode == c_mode) | (r_mode == "either") | (c_mode == "either")).astype(float)
    total_weight = settings.w_need + settings.w_objectives + settings.w_mode
    score = (settings.w_need * need + settings.w_objectives * objectives
             + settings.w_mode * mode) / (total_weight or 1.0)
    return {"need": need, "objectives": objectives, "mode": mode, "score": score}


def _solve(score: np.ndarray, eligible: np.ndarray,
           capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (row, column) pairs that match the most rows, then maximise the total score.

    The pairing engine's exact solver (:func:`toolkit.core.assignment.solve_assignment` with the
    ``coverage`` objective), so coaching and mentoring share one assignment method.
    """
    from toolkit.core.assignment import solve_assignment

    return solve_assignment(score, eligible, capacity, objective="coverage")


def _waiting_reasons(requests: pd.DataFrame, coaches: pd.DataFrame,
                     rules: dict[str, np.ndarray]) -> np.ndarray:
    """Say, for each request, why no coach took it (counts of coaches each rule excluded)."""
    pool = rules["pool"]
    chain = pool & (rules["chain"] | rules["self"])
    dept = pool & ~chain & rules["department"]
    full = pool & ~chain & ~dept & ~rules["places"]
    could = rules["eligible"].sum(axis=1)
    in_pool = pool.sum(axis=1)
    reasons = []
    for route, n, n_chain, n_dept, n_full, n_could in zip(
            requests["route"], in_pool, chain.sum(axis=1), dept.sum(axis=1), full.sum(axis=1),
            could, strict=True):
        if n == 0:
            reasons.append(f"There is no {route} coach in the pool: add {route} coaches.")
        elif n_could == 0:
            parts = [f"{k} {what}" for k, what in (
                (n_chain, "in the coachee's line-management chain"),
                (n_dept, "in the same department"), (n_full, "with no places"),
            ) if k]
            reasons.append(f"None of the {n} {route} coaches can coach this person: "
                           + ", ".join(parts) + ".")
        else:
            reasons.append(f"All {n_could} {route} coach(es) who could take this request are "
                           "full with other coachees this round; freed places go to the "
                           "waiting list, oldest request first.")
    return np.asarray(reasons, dtype=object)


def match_coaches(requests: pd.DataFrame, coaches: pd.DataFrame,
                  settings: MatchSettings | None = None,
                  manager_of: Mapping[str, str] | None = None,
                  taken: Mapping[str, int] | None = None) -> CoachMatch:
    """Match coaches to the requests that passed triage, most coachees first, best score next.

    Rules (hard): the coach is in the request's pool (internal or external), is not the
    coachee, is outside the coachee's line-management chain, works in another department
    (unless ``same_department``), and has a free place. Among the matchings that give a coach
    to as many coachees as possible, the one with the highest total score is chosen (optimal
    assignment, not stable matching); among equal scores older requests win. Requests on hold
    are not matched; approved requests left over go on the waiting list, oldest first (those
    without a request date after the dated ones, in sheet order), each with the reason.

    Parameters
    ----------
    requests : pandas.DataFrame
        The output of :func:`triage`.
    coaches : pandas.DataFrame
        ``CoachingImport.records`` from :func:`read_coaches`.
    settings : MatchSettings, optional
    manager_of : mapping, optional
        More line managers (e-mail to e-mail) to follow chains through.
    taken : mapping, optional
        Places each coach already uses with current coachees (coach e-mail -> count).

    Returns
    -------
    CoachMatch

    Examples
    --------
    >>> r = triage(pd.DataFrame({
    ...     "email": ["a@example.org", "b@example.org"], "name": ["A", "B"],
    ...     "department": ["Maths", "Maths"], "grade": ["Grade 7", "Grade 7"], "level": [2, 2],
    ...     "line_manager_email": ["m@example.org"] * 2, "manager_approved": [True, True],
    ...     "cost_approved": [False, False], "need": [["Leadership"], []],
    ...     "objectives": [[], []], "meeting_mode": ["either"] * 2,
    ...     "requested_on": pd.to_datetime(["2026-01-05", "2026-01-09"])}))
    >>> c = pd.DataFrame({"email": ["c@example.org"], "name": ["C"], "department": ["Physics"],
    ...                   "pool": ["internal"], "capacity": [1], "specialisms": [["Leadership"]],
    ...                   "cost_per_session": [0.0], "meeting_mode": ["online"]})
    >>> m = match_coaches(r, c)
    >>> m.pairs[["coachee_email", "coach_email"]].values.tolist()
    [['a@example.org', 'c@example.org']]
    >>> m.waiting[["position", "email"]].values.tolist()
    [[1, 'b@example.org']]
    """
    settings = settings or MatchSettings()
    order = requests.assign(_date=requests["requested_on"].fillna(pd.Timestamp.max)
                            if "requested_on" in requests else pd.NaT,
                            _row=requests["row"] if "row" in requests else np.arange(
                                len(requests)))
    order = order.sort_values(["_date", "_row", "email"], kind="stable")
    ready = order[order["status"].isin(_ROUTES)].drop(columns=["_date", "_row"])
    ready = ready.reset_index(drop=True)
    pool = coaches.sort_values("email", kind="stable").reset_index(drop=True)
    used = pool["email"].map(dict(taken or {})).fillna(0).astype("int64")
    free = (pool["capacity"].astype("int64") - used).clip(lower=0)
    # Chains run through every request, on hold or not, and every coach.
    managers = dict(manager_of or {})
    for frame in (pool, requests):
        if "line_manager_email" in frame:
            managers.update({str(e): str(m) for e, m in zip(
                frame["email"], frame["line_manager_email"].fillna(""), strict=True) if m})
    rules = coach_eligibility(ready, pool.assign(capacity=free), settings, managers)
    scores = coach_scores(ready, pool, settings)
    # Older requests win ties: a bonus far below any real difference in score.
    age_bonus = 1e-6 * (len(ready) - np.arange(len(ready)))[:, None] / max(len(ready), 1)
    rows, cols = _solve(scores["score"] + age_bonus, rules["eligible"], free.to_numpy())
    pairs = pd.DataFrame({
        "coachee_email": ready["email"].to_numpy()[rows],
        "coachee_name": ready["name"].to_numpy()[rows],
        "coach_email": pool["email"].to_numpy()[cols],
        "coach_name": pool["name"].to_numpy()[cols],
        "route": ready["route"].to_numpy()[rows],
        "score": scores["score"][rows, cols].round(4),
        "need": scores["need"][rows, cols].round(4),
        "objectives": scores["objectives"][rows, cols].round(4),
        "mode": scores["mode"][rows, cols].round(4),
        "coachee_department": ready["department"].to_numpy()[rows],
        "coach_department": pool["department"].to_numpy()[cols],
        "start_date": settings.start_date or "",
        "cost_per_session": pool["cost_per_session"].to_numpy(dtype=float)[cols],
    }).sort_values("coachee_email", kind="stable").reset_index(drop=True)
    left = np.setdiff1d(np.arange(len(ready)), rows)
    why = _waiting_reasons(ready.iloc[left], pool.assign(capacity=free),
                           {k: v[left] for k, v in rules.items()})
    waiting = pd.DataFrame({
        "position": np.arange(1, len(left) + 1, dtype=np.int64),
        "email": ready["email"].to_numpy()[left], "name": ready["name"].to_numpy()[left],
        "route": ready["route"].to_numpy()[left],
        "requested_on": ready["requested_on"].to_numpy()[left],
        "why": why,
    })
    coach_of = dict(zip(pairs["coachee_email"], pairs["coach_email"], strict=True))
    why_of = dict(zip(waiting["email"], waiting["why"], strict=True))
    out = requests.copy()
    out["coach_email"] = [coach_of.get(e, "") for e in out["email"]]
    out["outcome"] = np.where(out["coach_email"] != "", "matched",
                              np.where(out["status"] == "on hold", "on hold", "waiting list"))
    out["note"] = [why_of.get(e, r) if o != "matched" else "Matched with a coach."
                   for e, r, o in zip(out["email"], out["reason"], out["outcome"], strict=True)]
    counts = pairs["coach_email"].value_counts()
    load = pool.assign(places=pool["capacity"], already=used.to_numpy(),
                       taken=pool["email"].map(counts).fillna(0).astype("int64"))
    load["free"] = (load["places"] - load["already"] - load["taken"]).clip(lower=0)
    return CoachMatch(pairs=pairs, waiting=waiting, requests=out, coaches=load,
                      settings=asdict(settings))


# -- the store ------------------------------------------------------------------------------
def save_coaching(store: Store, match: CoachMatch, cohort: str) -> list[int]:
    """Save a round's triaged requests, coach pool and coach pairs in the store, all at once.

    The pairs go into the shared ``pairs`` table with ``scheme='coaching'`` (coachee as
    mentee, coach as mentor); requests and coaches into ``coaching_requests`` and
    ``coaching_coaches`` (replacing this cohort's earlier rows). Saving a round again
    replaces its pairs that are still only proposed and have no sessions recorded.

    Parameters
    ----------
    store : Store
        The open scheme store.
    match : CoachMatch
        The output of :func:`match_coaches`.
    cohort : str
        The round the requests belong to, e.g. ``"2026 spring"``.

    Returns
    -------
    list of int
        The ids of the new pairs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.connection import Store
    >>> m = CoachMatch(pairs=pd.DataFrame({"coachee_email": ["a@example.org"],
    ...     "coach_email": ["c@example.org"], "score": [0.8], "start_date": ["2026-03-02"]}),
    ...     waiting=pd.DataFrame(), requests=pd.DataFrame(), coaches=pd.DataFrame(), settings={})
    >>> from toolkit.store.pairs import load_pairs
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     ids = save_coaching(store, m, "2026")
    ...     load_pairs(store, scheme="coaching")[["mentee_email", "mentor_email"]].values.tolist()
    [['a@example.org', 'c@example.org']]
    """
    now = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
    req_cols = ["email", "name", "department", "grade", "line_manager_email",
                "manager_approved", "cost_approved", "need", "objectives", "meeting_mode",
                "requested_on", "route", "status", "reason", "outcome", "coach_email"]
    coach_cols = ["email", "name", "department", "pool", "capacity", "specialisms",
                  "cost_per_session", "meeting_mode"]

    def cell(value: object) -> object:
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat()
        if isinstance(value, np.bool_ | bool):
            return int(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
        return None if value is None or (np.isscalar(value) and pd.isna(value)) else value

    requests = match.requests.reindex(columns=req_cols)
    coaches = match.coaches.reindex(columns=coach_cols)
    pairs = match.pairs
    frame = pd.DataFrame({"mentee_email": pairs.get("coachee_email", pd.Series(dtype=str)),
                          "mentor_email": pairs.get("coach_email", pd.Series(dtype=str)),
                          "score": pairs.get("score", pd.Series(dtype=float))})
    for part in ("need", "objectives", "mode"):
        if part in pairs:
            frame[part] = pairs[part].astype(float)
    start = pairs["start_date"].iloc[0] if "start_date" in pairs and len(pairs) else None
    with store.transaction() as conn:
        stale = "SELECT id FROM pairs WHERE scheme = 'coaching' AND cohort = ? AND " \
                "status = 'proposed' AND id NOT IN (SELECT pair_id FROM coaching_sessions)"
        conn.execute(f"DELETE FROM coaching_objectives WHERE pair_id IN ({stale})", (cohort,))
        conn.execute(f"DELETE FROM pair_events WHERE pair_id IN ({stale})", (cohort,))
        conn.execute(f"DELETE FROM pairs WHERE id IN ({stale})", (cohort,))
        conn.execute("DELETE FROM coaching_requests WHERE cohort = ?", (cohort,))
        conn.execute("DELETE FROM coaching_coaches WHERE cohort = ?", (cohort,))
        conn.executemany(
            f"INSERT INTO coaching_requests (cohort, {', '.join(req_cols)}, saved_at) VALUES "
            f"(?, {', '.join('?' * len(req_cols))}, ?)",
            [(cohort, *(cell(v) for v in rec), now)
             for rec in requests.itertuples(index=False)])
        conn.executemany(
            f"INSERT INTO coaching_coaches (cohort, {', '.join(coach_cols)}, saved_at) VALUES "
            f"(?, {', '.join('?' * len(coach_cols))}, ?)",
            [(cohort, *(cell(v) for v in rec), now) for rec in coaches.itertuples(index=False)])
        return save_pairs(store, frame, cohort, scheme="coaching", settings=match.settings,
                               start_date=start or None)
