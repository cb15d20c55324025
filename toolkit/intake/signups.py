"""Sign-up import: map a form export's columns, normalise answers, and report every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.core.answers import MEETING_MODES, ROLE_VALUES, read_meeting_modes, split_multi
from toolkit.core.ladder import Ladder, resolve_ladder
from toolkit.core.text import EMAIL_PATTERN, fold
from toolkit.errors import InputFileError
from toolkit.io.columns import find_columns, read_mapping
from toolkit.io.problems import PROBLEM_COLUMNS, ProblemReport, collect_problems, problem_rows
from toolkit.io.readers import Table, read_table

__all__ = [
    "OPTIONAL_FIELDS",
    "PROBLEM_COLUMNS",
    "REQUIRED_FIELDS",
    "SignupImport",
    "find_signup_columns",
    "read_signups",
    "split_multi",
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
)

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
    return find_columns(headers, mapping, question_text, source,
                        fields=REQUIRED_FIELDS + OPTIONAL_FIELDS, required=required,
                        variants=HEADER_VARIANTS, auto_detect=auto_detect)


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
        If a required column is missing.
    """
    ladder = resolve_ladder(ladder)
    columns = find_signup_columns(table.headers, mapping, table.question_text,
                                  f"'{table.source}'", auto_detect=auto_detect)
    if table.data.empty:
        raise InputFileError(
            f"'{table.source}' has a header row but no sign-ups below it: export the responses "
            "again once people have signed up."
        )
    raw = table.data
    rows = table.rows.reset_index(drop=True)
    canon = pd.DataFrame(index=raw.index)
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        canon[name] = raw[columns[name]].str.strip() if name in columns else pd.Series(
            "", index=raw.index, dtype="string")
    canon = canon.fillna("")
    found: list[pd.DataFrame] = []

    def add(mask: pd.Series, field_name: str, message: pd.Series | str,
            values: pd.Series | None = None) -> None:
        found.append(problem_rows(rows, mask.reset_index(drop=True),
                                  field_name, (canon[field_name] if values is None else values)
                                  .reset_index(drop=True), message if isinstance(message, str)
                                  else message.reset_index(drop=True)))

    # Required values present.
    for name in REQUIRED_FIELDS:
        add(canon[name] == "", name,
            f"The {name.replace('_', ' ')} is empty: fill it in (column '{columns[name]}').")

    # E-mails: the person key.
    email = canon["email"].str.casefold()
    bad_email = (email != "") & ~email.str.match(EMAIL_PATTERN)
    add(bad_email, "email", "This is not an e-mail address: write it as name@example.org.")
    manager = canon["line_manager_email"].str.casefold()
    bad_manager = (manager != "") & ~manager.str.match(EMAIL_PATTERN)
    add(bad_manager, "line_manager_email",
        "This is not an e-mail address: give the line manager's work e-mail, or leave it empty.")
    self_managed = (manager != "") & (manager == email)
    add(self_managed, "line_manager_email",
        "The line manager is the person themselves: give their manager's e-mail or leave it empty.")
    dup = (email != "") & email.duplicated(keep=False)
    if dup.any():
        first_rows = pd.Series(rows.to_numpy(), index=raw.index)[dup].groupby(email[dup]).agg(list)
        others = [
            ", ".join(str(r) for r in first_rows[e] if r != own)
            for e, own in zip(email[dup], rows[dup.to_numpy()], strict=True)
        ]
        message = pd.Series("", index=raw.index, dtype=object)
        message[dup] = [
            f"The same person (same e-mail) also signed up on row {o}: keep one row and delete "
            "the other." for o in others
        ]
        add(dup, "email", message)
    cycle_members = _manager_cycles(email.where(~bad_email, ""), manager.where(~bad_manager, ""))
    if cycle_members:
        cyc = email.isin(cycle_members)
        circle = ", ".join(str(r) for r in sorted(rows[cyc.to_numpy()]))
        add(cyc, "line_manager_email",
            f"The line managers on rows {circle} go round in a circle (someone would manage "
            "their own manager): correct the line manager of one of them.")

    # Grades onto the ladder.
    level = ladder.levels_of(canon["grade"])
    unknown_grade = (canon["grade"] != "") & level.isna()
    if unknown_grade.any():
        suggestions = [ladder.suggest(g) for g in canon["grade"][unknown_grade]]
        message = pd.Series("", index=raw.index, dtype=object)
        message[unknown_grade] = [
            f"'{g}' is not a grade on the ladder '{ladder.name}'; "
            + (f"did you mean {s}? Correct it" if s else
               f"use one of {list(ladder.levels)}")
            + ", or add this spelling as a synonym in a ladder file (--ladder)."
            for g, s in zip(canon["grade"][unknown_grade], suggestions, strict=True)
        ]
        add(unknown_grade, "grade", message)

    # Role.
    role_key = fold(canon["role"]).str.rstrip(";").str.replace(r"\s*;\s*", ";", regex=True)
    role = role_key.map(ROLE_VALUES)
    add((canon["role"] != "") & role.isna(), "role",
        "Unknown role: write 'mentor', 'mentee' or 'both' (mentor and mentee).")

    # Capacity: a whole number >= 0, default 1.
    cap_text = canon["capacity"]
    cap_num = pd.to_numeric(cap_text.where(cap_text != "", None), errors="coerce")
    bad_cap = (cap_text != "") & (cap_num.isna() | (cap_num < 0) | (cap_num % 1 != 0))
    add(bad_cap, "capacity",
        "The capacity must be a whole number of mentees, 0 or more (0 = not available this "
        "round); leave it empty for 1.")
    capacity = cap_num.fillna(1).where(~bad_cap, 0).astype("int64")

    # Meeting mode and mentor-gender preference: known answers or empty.
    mode = read_meeting_modes(canon["meeting_mode"])
    add((canon["meeting_mode"] != "") & mode.isna(), "meeting_mode",
        f"Unknown meeting preference: use one of {sorted(set(MEETING_MODES.values()))}, or leave"
        " it empty.")
    pref = fold(canon["mentor_gender_preference"]).map(GENDER_PREFERENCES)
    add((canon["mentor_gender_preference"] != "") & pref.isna(), "mentor_gender_preference",
        "Unknown preference: use 'woman', 'man' or 'no preference', or leave it empty.")

    problems = collect_problems(found, REQUIRED_FIELDS + OPTIONAL_FIELDS)
    bad_rows = rows.isin(problems["row"]).to_numpy()

    topics = split_multi(canon["topics"]).map("; ".join)
    people = pd.DataFrame({
        "row": rows.to_numpy(),
        "name": canon["name"].to_numpy(),
        "email": email.to_numpy(),
        "department": canon["department"].str.replace(r"\s+", " ", regex=True).to_numpy(),
        "grade": canon["grade"].to_numpy(),
        "level": level.to_numpy(),
        "role": role.to_numpy(),
        "line_manager_email": manager.to_numpy(),
        "capacity": capacity.to_numpy(),
        "topics": topics.to_numpy(),
        "meeting_mode": mode.fillna("either").to_numpy(),
        "gender": canon["gender"].str.replace(r"\s+", " ", regex=True).to_numpy(),
        "mentor_gender_preference": pref.fillna("").to_numpy(),
    })
    extra = [h for h in table.headers if h not in set(columns.values())]
    for header in extra:
        name = header if header not in people.columns else f"{header} (form)"
        people[name] = raw[header].to_numpy()
    text_cols = [c for c in people.columns if c not in ("row", "level", "capacity")]
    people[text_cols] = people[text_cols].astype("string")
    rejected = pd.concat([pd.Series(rows.to_numpy(), name="row"), raw.reset_index(drop=True)],
                         axis=1)[bad_rows].reset_index(drop=True)
    clean = people[~bad_rows].reset_index(drop=True)
    clean["level"] = clean["level"].astype("int64")
    return SignupImport(
        people=clean,
        problems=problems,
        rejected=rejected,
        columns=columns,
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
