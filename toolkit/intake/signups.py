"""Sign-up import: map a form export's columns, normalise answers, and report every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.core.answers import MEETING_MODES, ROLE_VALUES, read_meeting_modes, split_multi
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.text import fold, is_email, normalise_emails
from toolkit.errors import InputFileError
from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.problems import PROBLEM_COLUMNS, ProblemReport, RowChecker
from toolkit.io.readers import Table, read_table

__all__ = [
    "BAD_CAPACITY",
    "GENDER_PREFERENCES",
    "HEADER_VARIANTS",
    "MANAGER_IS_SELF",
    "MANAGER_NOT_EMAIL",
    "NO_SIGNUPS",
    "OPTIONAL_FIELDS",
    "PROBLEM_COLUMNS",
    "REQUIRED_FIELDS",
    "SIGNUP_FIELDS",
    "UNKNOWN_GENDER_PREFERENCE",
    "UNKNOWN_MEETING_MODE",
    "UNKNOWN_ROLE",
    "SignupImport",
    "find_signup_columns",
    "manager_cycle_message",
    "read_roles",
    "read_signups",
    "same_person_message",
    "unknown_grade_message",
    "validate_signups",
]

REQUIRED_FIELDS = ("name", "email", "department", "grade", "role")
OPTIONAL_FIELDS = (
    "line_manager_email",
    "capacity",
    "topics",
    "meeting_mode",
    "gender",
    "mentor_gender_preference",
    "mentors_wanted",
    "mentor_kind_wanted",
    "mentor_kind",
    "not_paired_with",
)
#: Every sign-up field, in the order problems are listed within a row.
SIGNUP_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

#: Headers recognised for each canonical field, compared after folding case and dropping
#: everything but letters and digits ("E-mail address" -> "emailaddress").
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "your name", "participant name", "preferred name", "names"),
    "email": (
        "email", "e-mail", "email address", "e-mail address", "work email", "your email",
        "your email address", "your e-mail address", "university email", "mail",
    ),
    "department": (
        "department", "dept", "your department", "school", "school or department",
        "department or school", "division", "unit", "team", "home department",
    ),
    "grade": ("grade", "job grade", "your grade", "current grade", "grade or level", "grade/level",
              "level",
              "staff grade", "career stage", "position"),
    "role": (
        "role", "mentoring role", "signing up as", "sign up as", "participation",
        "mentor or mentee", "i would like to be", "i would like to be a", "scheme role",
    ),
    "line_manager_email": (
        "line manager email", "line manager e-mail", "line manager", "manager email",
        "manager", "line managers email", "line manager email address", "supervisor email",
    ),
    "capacity": ("capacity", "number of mentees", "max mentees", "maximum mentees",
                 "how many mentees", "mentee capacity"),
    "topics": ("topics", "topic", "interests", "topics of interest", "areas", "themes",
               "areas of interest"),
    "meeting_mode": ("meeting mode", "meeting preference", "meeting format", "how to meet",
                     "meet", "mode", "preferred meeting mode"),
    "gender": ("gender", "gender identity", "sex"),
    "mentor_gender_preference": (
        "mentor gender preference", "preferred mentor gender", "mentor gender",
        "gender preference",
    ),
    "mentors_wanted": ("mentors wanted", "preferred mentors", "mentor choices",
                       "mentors you would like", "requested mentors"),
    "mentor_kind_wanted": ("mentor kind wanted", "kind of mentor wanted", "kind of mentor",
                           "type of mentor wanted", "mentor wanted"),
    "mentor_kind": ("mentor kind", "about me as a mentor", "mentor type", "kind of mentor i am"),
    "not_paired_with": ("not paired with", "do not pair with", "please do not pair me with",
                        "not with", "avoid pairing with"),
}

GENDER_PREFERENCES = {
    "woman": "woman",
    "a woman": "woman",
    "female": "woman",
    "women": "woman",
    "man": "man",
    "a man": "man",
    "male": "man",
    "men": "man",
    "no preference": "",
    "none": "",
    "either": "",
    "any": "",
    "no": "",
    "not important": "",
}

#: The message when a file has its header row but nobody below it (``{source}``: file name).
NO_SIGNUPS = ("'{source}' has a header row but no sign-ups below it: export the responses "
              "again once people have signed up.")
#: The problem with a line manager's e-mail that is not an e-mail address.
MANAGER_NOT_EMAIL = ("This is not an e-mail address: give the line manager's work e-mail, or "
                     "leave it empty.")
#: The problem with a person named as their own line manager.
MANAGER_IS_SELF = ("The line manager is the person themselves: give their manager's e-mail or "
                   "leave it empty.")
#: The problem with a role the toolkit does not know.
UNKNOWN_ROLE = "Unknown role: write 'mentor', 'mentee' or 'both' (mentor and mentee)."
#: The problem with a capacity that is not a whole number of 0 or more.
BAD_CAPACITY = ("The capacity must be a whole number of mentees, 0 or more (0 = not available "
                "this round); leave it empty for 1.")
#: The problem with a meeting preference the toolkit does not know.
UNKNOWN_MEETING_MODE = (f"Unknown meeting preference: use one of "
                        f"{sorted(set(MEETING_MODES.values()))}, or leave it empty.")
#: The problem with a mentor-gender preference the toolkit does not know.
UNKNOWN_GENDER_PREFERENCE = ("Unknown preference: use 'woman', 'man' or 'no preference', or "
                             "leave it empty.")


def same_person_message(other_rows: str) -> str:
    """Return the problem of a sign-up whose e-mail is also on ``other_rows`` ("4" or "4, 7").

    Examples
    --------
    >>> same_person_message("4")  # doctest: +ELLIPSIS
    'The same person (same e-mail) also signed up on row 4: keep one row and delete the other.'
    """
    return (f"The same person (same e-mail) also signed up on row {other_rows}: keep one row and "
            "delete the other.")


def manager_cycle_message(rows: str) -> str:
    """Return the problem of line managers going round in a circle on ``rows`` ("2, 3, 4").

    Examples
    --------
    >>> manager_cycle_message("2, 3")  # doctest: +ELLIPSIS
    'The line managers on rows 2, 3 go round in a circle (someone would manage their own...'
    """
    return (f"The line managers on rows {rows} go round in a circle (someone would manage their "
            "own manager): correct the line manager of one of them.")


def unknown_grade_message(grade: str, ladder: Ladder, suggestion: str | None) -> str:
    """Return the problem of a grade that is not on the ladder, with the nearest one if any.

    Examples
    --------
    >>> from toolkit.core.ladder import LECTURER_LADDER
    >>> unknown_grade_message("Dean", LECTURER_LADDER, None)[:81]
    "'Dean' is not a grade on the ladder 'Lecturer to Professor': use one of Lecturer,"
    """
    shown = grade if len(grade) <= 60 else grade[:57] + "..."
    return (f"'{shown}' is not a grade on the ladder '{ladder.name}': "
            + (f"did you mean {suggestion}? Correct it" if suggestion else
               f"use one of {', '.join(ladder.levels)}")
            + "; or, if the scheme uses another ladder, choose it (the grade ladder drop-down "
            "on page 01, or --ladder); or add this spelling to a ladder file as a synonym.")


@dataclass
class SignupImport(ProblemReport):
    """What importing a sign-up export produced.

    Attributes
    ----------
    people : pandas.DataFrame
        The clean sign-ups: canonical columns, ``level`` (ladder index), ``row`` (spreadsheet
        row), then any other columns of the export, unchanged.
    problems : pandas.DataFrame
        Every problem found, with columns ``row, field, value, problem``.
    rejected : pandas.DataFrame
        The rows set aside because they have problems, as read (with ``row``).
    columns : dict of str to str
        Which header of the file was used for each canonical field.
    source : str
        The file name.
    sha256 : str
        The SHA-256 of the file.
    ladder : Ladder
        The ladder grades were read onto.
    notices : list of str
        Notes for the lead that are not problems.
    """

    people: pd.DataFrame
    problems: pd.DataFrame
    rejected: pd.DataFrame
    columns: dict[str, str]
    source: str
    sha256: str
    ladder: Ladder
    notices: list[str] = field(default_factory=list)

    fix_hint = ("fix them in the spreadsheet and import it again, or leave those rows out on "
                "purpose (--skip-invalid on the command line).")


def find_signup_columns(headers: list[str], mapping: dict[str, str] | None = None,
                        question_text: dict[str, str] | None = None, source: str = "the file",
                        auto_detect: bool = True, required: tuple[str, ...] = REQUIRED_FIELDS,
                        ) -> dict[str, str]:
    """Decide which header holds each sign-up field (see :func:`~toolkit.io.columns.find_columns`).

    Examples
    --------
    >>> find_signup_columns(["Full Name", "E-mail address", "Dept", "Grade", "Role"])["department"]
    'Dept'
    """
    return find_columns(headers, mapping, question_text, source, fields=SIGNUP_FIELDS,
                        required=required, variants=HEADER_VARIANTS, auto_detect=auto_detect)


def read_roles(answers: pd.Series) -> pd.Series:
    """Read the role answers: ``mentor``, ``mentee``, ``both``, or missing when not known.

    Examples
    --------
    >>> read_roles(pd.Series(["Mentor", "mentee; mentor;", "observer"])).tolist()
    ['mentor', 'both', nan]
    """
    key = fold(answers).str.rstrip(";").str.replace(r"\s*;\s*", ";", regex=True)
    return key.map(ROLE_VALUES)


def _manager_cycles(email: pd.Series, manager: pd.Series) -> set[str]:
    """Return the e-mails that sit on a cycle of line managers (a manages b manages a)."""
    boss = {e: m for e, m in zip(email, manager, strict=True) if m and e and m != e}
    on_cycle: set[str] = set()
    state: dict[str, int] = {}
    for start in sorted(boss):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in boss and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = boss[node]
        if node is not None and state.get(node) == 1 and node in path:
            on_cycle.update(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    return on_cycle


def _check_managers(check: RowChecker, email: pd.Series, bad_email: pd.Series) -> pd.Series:
    """Check the line managers' e-mails (not e-mails, the person themselves, circles)."""
    manager = normalise_emails(check.canon["line_manager_email"])
    bad_manager = (manager != "") & ~is_email(manager)
    check.add(bad_manager, "line_manager_email", MANAGER_NOT_EMAIL)
    check.add((manager != "") & (manager == email), "line_manager_email", MANAGER_IS_SELF)
    members = _manager_cycles(email.where(~bad_email, ""), manager.where(~bad_manager, ""))
    if members:
        on_cycle = email.isin(members)
        circle = ", ".join(str(r) for r in sorted(check.rows[on_cycle]))
        check.add(on_cycle, "line_manager_email", manager_cycle_message(circle))
    return manager


def _check_duplicates(check: RowChecker, email: pd.Series) -> None:
    """Mark every row of a person who signed up more than once, naming the other rows."""
    dup = (email != "") & email.duplicated(keep=False)
    if not dup.any():
        return
    rows_of = check.rows[dup].groupby(email[dup]).agg(list)
    message = pd.Series("", index=email.index, dtype=object)
    message[dup] = [same_person_message(", ".join(str(r) for r in rows_of[e] if r != own))
                    for e, own in zip(email[dup], check.rows[dup], strict=True)]
    check.add(dup, "email", message)


def validate_signups(
    table: Table,
    mapping: dict[str, str] | None = None,
    ladder: Ladder | str | Path | None = None,
    auto_detect: bool = True,
) -> SignupImport:
    """Map, normalise and validate the sign-ups in a table read by :func:`read_table`.

    Every problem is found in one pass; rows with problems go to ``rejected`` and every
    problem to ``problems`` (``row`` is the spreadsheet row, the header being row 1).

    Parameters
    ----------
    table : Table
        The export as read.
    mapping : dict, optional
        Canonical field -> header for forms with their own question headers.
    ladder : Ladder, str or Path, optional
        The grade ladder (default: UK higher-education grades).
    auto_detect : bool
        Recognise headers for fields the mapping leaves out (default True).

    Returns
    -------
    SignupImport

    Raises
    ------
    InputFileError
        If a required column is missing, or the file has no sign-ups below its header.
    """
    ladder = resolve_ladder(ladder)
    if table.data.empty:
        # A missing column is named first, as for any export; then the empty file.
        find_signup_columns(table.headers, mapping, table.question_text, f"'{table.source}'",
                            auto_detect=auto_detect)
        raise InputFileError(NO_SIGNUPS.format(source=table.source))
    check = RowChecker(table, SIGNUP_FIELDS, REQUIRED_FIELDS, mapping, kind="sign-ups",
                       variants=HEADER_VARIANTS, auto_detect=auto_detect)
    canon = check.canon
    check.require(REQUIRED_FIELDS)

    # E-mails: the person key.
    email = check.emails("email", unique=False)
    bad_email = (email != "") & ~is_email(email)
    manager = _check_managers(check, email, bad_email)
    _check_duplicates(check, email)

    # Grades onto the ladder.
    level = ladder.levels_of(canon["grade"])
    unknown_grade = ((canon["grade"] != "") & level.isna()).to_numpy()
    message = pd.Series("", index=canon.index, dtype=object)
    message[unknown_grade] = [unknown_grade_message(g, ladder, ladder.suggest(g))
                              for g in canon["grade"][unknown_grade]]
    check.add(unknown_grade, "grade", message)

    role = read_roles(canon["role"])
    check.add((canon["role"] != "") & role.isna(), "role", UNKNOWN_ROLE)

    # Capacity: a whole number >= 0, default 1.
    cap_text = canon["capacity"]
    cap_num = pd.to_numeric(cap_text.where(cap_text != "", None), errors="coerce")
    bad_cap = (cap_text != "") & (cap_num.isna() | (cap_num < 0) | (cap_num % 1 != 0))
    check.add(bad_cap, "capacity", BAD_CAPACITY)
    capacity = cap_num.fillna(1).where(~bad_cap, 0).astype("int64")

    # Meeting mode and mentor-gender preference: known answers or empty.
    mode = read_meeting_modes(canon["meeting_mode"])
    check.add((canon["meeting_mode"] != "") & mode.isna(), "meeting_mode", UNKNOWN_MEETING_MODE)
    pref = fold(canon["mentor_gender_preference"]).map(GENDER_PREFERENCES)
    check.add((canon["mentor_gender_preference"] != "") & pref.isna(),
              "mentor_gender_preference", UNKNOWN_GENDER_PREFERENCE)

    bad_rows = check.bad
    people = pd.DataFrame({
        "row": check.rows.to_numpy(),
        "name": canon["name"].to_numpy(),
        "email": email.to_numpy(),
        "department": canon["department"].str.replace(r"\s+", " ", regex=True).to_numpy(),
        "grade": canon["grade"].to_numpy(),
        "level": level.to_numpy(),
        "role": role.to_numpy(),
        "line_manager_email": manager.to_numpy(),
        "capacity": capacity.to_numpy(),
        "topics": split_multi(canon["topics"]).map("; ".join).to_numpy(),
        "meeting_mode": mode.fillna("either").to_numpy(),
        "gender": canon["gender"].str.replace(r"\s+", " ", regex=True).to_numpy(),
        "mentor_gender_preference": pref.fillna("").to_numpy(),
        # Mentees' choices (names or e-mails, in order) and the kinds of mentor: lists
        # joined with "; " so that a name never carries a stray separator.
        **{name: split_multi(canon[name]).map("; ".join).to_numpy()
           for name in ("mentors_wanted", "mentor_kind_wanted", "mentor_kind",
                        "not_paired_with")},
    })
    raw = table.data.reset_index(drop=True)
    for header in [h for h in table.headers if h not in set(check.columns.values())]:
        name = header if header not in people.columns else f"{header} (form)"
        people[name] = raw[header].to_numpy()
    text_cols = [c for c in people.columns if c not in ("row", "level", "capacity")]
    people[text_cols] = people[text_cols].astype("string")
    clean = people[~bad_rows].reset_index(drop=True)
    clean["level"] = clean["level"].astype("int64")
    return SignupImport(
        people=clean,
        problems=check.problems(),
        rejected=check.rejected(),
        columns=check.columns,
        source=table.source,
        sha256=table.sha256,
        ladder=ladder,
        notices=list(table.notices),
    )


def read_signups(
    path: str | Path,
    mapping: dict[str, str] | str | Path | None = None,
    ladder: Ladder | str | Path | None = None,
    sheet: str | None = None,
) -> SignupImport:
    """Import a sign-up export (CSV or XLSX) and report every problem in it at once.

    Parameters
    ----------
    path : str or Path
        The form export.
    mapping : dict, str or Path, optional
        Canonical field -> header, or the path of a JSON file holding that object.
    ladder : Ladder, str or Path, optional
        The grade ladder, a shipped ladder's short name (``uk-he``, ``lecturer``,
        ``civil-service``) or a ladder JSON file.
    sheet : str, optional
        The worksheet of an XLSX file (default: the first).

    Returns
    -------
    SignupImport
        Clean people, the problems (``row, field, value, problem``) and the rows set aside.

    Raises
    ------
    InputFileError
        If the file cannot be used at all (unreadable, empty, a required column missing).
    SettingsError
        If the mapping or ladder file is not valid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "signups.csv"
    >>> _ = p.write_text(
    ...     "Name,E-mail address,Dept,Grade,Role\\n"
    ...     "Ada Byron,ADA@example.org ,Maths,Professor,Mentor\\n"
    ...     "Bo Chen,bo@example.org,Physics,Grade 11,Mentee\\n", encoding="utf-8")
    >>> result = read_signups(p)
    >>> result.people[["email", "level", "role"]].values.tolist()
    [['ada@example.org', 5, 'mentor']]
    >>> result.problems[["row", "field"]].values.tolist()
    [[3, 'grade']]
    """
    if mapping is not None and not isinstance(mapping, dict):
        mapping = read_mapping(mapping)
    ladder = resolve_ladder(ladder)
    return validate_signups(read_table(path, sheet=sheet), mapping, ladder)
