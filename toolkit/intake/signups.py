"""Sign-up import: map a form export's columns, normalise answers, and report every problem."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.core.ladder import DEFAULT_LADDER, LADDERS, Ladder, load_ladder
from toolkit.errors import InputFileError, SettingsError
from toolkit.io.problems import PROBLEM_COLUMNS, ProblemReport, collect_problems, problem_rows
from toolkit.io.readers import Table, read_table

__all__ = [
    "OPTIONAL_FIELDS",
    "PROBLEM_COLUMNS",
    "REQUIRED_FIELDS",
    "SignupImport",
    "find_columns",
    "load_mapping",
    "read_signups",
    "resolve_ladder",
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

ROLE_VALUES = {
    "mentor": "mentor",
    "mentors": "mentor",
    "a mentor": "mentor",
    "mentor only": "mentor",
    "mentee": "mentee",
    "mentees": "mentee",
    "a mentee": "mentee",
    "mentee only": "mentee",
    "protege": "mentee",
    "both": "both",
    "mentor and mentee": "both",
    "mentee and mentor": "both",
    "mentor & mentee": "both",
    "mentee & mentor": "both",
    "both mentor and mentee": "both",
    "both a mentor and a mentee": "both",
    "either": "both",
    "mentor;mentee": "both",
    "mentee;mentor": "both",
}

MEETING_MODES = {
    "in person": "in person",
    "in-person": "in person",
    "face to face": "in person",
    "face-to-face": "in person",
    "f2f": "in person",
    "on campus": "in person",
    "online": "online",
    "virtual": "online",
    "video": "online",
    "remote": "online",
    "teams": "online",
    "zoom": "online",
    "phone": "online",
    "either": "either",
    "both": "either",
    "no preference": "either",
    "any": "either",
    "hybrid": "either",
    "mixed": "either",
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

EMAIL_PATTERN = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[a-z]{2,}$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    return _NOT_ALNUM.sub("", str(text).casefold())


def _fold_words(series: pd.Series) -> pd.Series:
    """Trim, fold case and squeeze spaces, vectorised."""
    return series.str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)


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


def load_mapping(path: str | Path | None) -> dict[str, str]:
    """Read a column-mapping file: a JSON object from canonical field to the file's header.

    Raises
    ------
    SettingsError
        If the file is not such an object or names a field the toolkit does not know.
    """
    if path is None:
        return {}
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SettingsError(f"The mapping file '{path}' does not exist: check the path.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(
            f"The mapping file '{path}' is not valid JSON ({exc}): it must look like "
            '{"email": "Your work e-mail", "department": "Which department are you in?"}.'
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise SettingsError(
            f"The mapping file '{path}' must be one JSON object from field name to header text."
        )
    return data


def find_columns(
    headers: list[str], mapping: dict[str, str] | None = None,
    question_text: dict[str, str] | None = None, source: str = "the file",
    fields: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS,
    required: tuple[str, ...] = REQUIRED_FIELDS,
    variants: dict[str, tuple[str, ...]] | None = None,
    auto_detect: bool = True,
) -> dict[str, str]:
    """Decide which header holds each canonical field.

    A mapping entry wins; otherwise a header is recognised when, ignoring case, spaces and
    punctuation, it equals one of the field's known variants.

    Parameters
    ----------
    headers : list of str
        The headers of the export.
    mapping : dict, optional
        Canonical field -> header, from a mapping file or the notebook widget.
    question_text : dict, optional
        Extra header text (Qualtrics' question row) that a mapping may refer to.
    source : str
        The file name, for messages.
    fields, required : tuple of str
        The canonical fields to look for, and those that must be found.
    variants : dict, optional
        Recognised header spellings per field (default: sign-up fields).
    auto_detect : bool
        Recognise headers for fields the mapping does not name (default). False makes the
        mapping the whole answer, as when a lead chose "not in this file".

    Returns
    -------
    dict of str to str
        Canonical field -> header in the file, for the fields found.

    Raises
    ------
    InputFileError
        If a required field has no column; the message lists the headers found.
    SettingsError
        If the mapping names an unknown field or a header the file does not have.

    Examples
    --------
    >>> find_columns(["Full Name", "E-mail address", "Dept", "Grade", "Role"])["department"]
    'Dept'
    """
    mapping = dict(mapping or {})
    variants = HEADER_VARIANTS if variants is None else variants
    question_text = question_text or {}
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        raise SettingsError(
            f"The column mapping names unknown field(s) {unknown}; the fields are {list(fields)}."
        )
    found: dict[str, str] = {}
    by_question = {text: header for header, text in question_text.items() if text}
    for canonical, header in mapping.items():
        if not header:
            continue
        if header in headers:
            found[canonical] = header
        elif header in by_question:
            found[canonical] = by_question[header]
        else:
            folded = {_fold(h): h for h in headers}
            if _fold(header) in folded:
                found[canonical] = folded[_fold(header)]
            else:
                raise SettingsError(
                    f"The column mapping says '{canonical}' is in the column '{header}', but "
                    f"{source} has no such column. Its headers are: {headers}."
                )
    taken = set(found.values())
    folded_headers = [(h, _fold(h)) for h in headers]
    for canonical in fields if auto_detect else ():
        if canonical in found:
            continue
        wanted = {_fold(v) for v in (canonical, *variants.get(canonical, ()))}
        for header, folded in folded_headers:
            if header not in taken and folded in wanted:
                found[canonical] = header
                taken.add(header)
                break
    missing = [f for f in required if f not in found]
    if missing:
        raise InputFileError(
            f"{source} has no column for the required field(s) {missing}. The headers found "
            f"are: {headers}. Rename those columns, or give a mapping file (--mapping) such as "
            f'{{"{missing[0]}": "<the header that holds it>"}}.'
        )
    return found


def resolve_ladder(ladder: Ladder | str | Path | None) -> Ladder:
    """Return a ladder from a Ladder, a shipped ladder's short name, or a JSON file path."""
    if ladder is None:
        return DEFAULT_LADDER
    if isinstance(ladder, Ladder):
        return ladder
    if str(ladder) in LADDERS:
        return LADDERS[str(ladder)]
    return load_ladder(ladder)


def split_multi(series: pd.Series) -> pd.Series:
    """Split multi-choice answers into lists of trimmed answers.

    Microsoft Forms writes ``a;b;c;`` and Google Forms ``a, b``; a semicolon anywhere in the
    cell means semicolons separate the answers, otherwise commas do.

    Examples
    --------
    >>> split_multi(pd.Series(["Teaching;Grants;", "Teaching, Leadership", ""])).tolist()
    [['Teaching', 'Grants'], ['Teaching', 'Leadership'], []]
    """
    text = series.fillna("").astype(str)
    sep = np.where(text.str.contains(";", regex=False), ";", ",")
    return pd.Series(
        [[p.strip() for p in t.split(s) if p.strip()] for t, s in zip(text, sep, strict=True)],
        index=series.index,
        dtype=object,
    )


def read_meeting_modes(series: pd.Series) -> pd.Series:
    """Read meeting preferences: known words first, then keywords ("Online (Teams)")."""
    folded = _fold_words(series)
    mode = folded.map(MEETING_MODES)
    bare = folded.str.replace(r"\(.*?\)", "", regex=True).str.strip()
    mode = mode.fillna(bare.map(MEETING_MODES))
    online = folded.str.contains(r"online|virtual|teams|zoom|video|remote", regex=True)
    person = folded.str.contains(r"in person|in-person|face|campus|office", regex=True)
    either = folded.str.contains(r"either|no preference|both|hybrid", regex=True)
    guess = pd.Series(np.select([either | (online & person), online, person],
                                ["either", "online", "in person"], default=""),
                      index=series.index).replace("", pd.NA)
    return mode.fillna(guess)


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
    columns = find_columns(table.headers, mapping, table.question_text, f"'{table.source}'",
                           auto_detect=auto_detect)
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
    role_key = _fold_words(canon["role"]).str.rstrip(";").str.replace(r"\s*;\s*", ";", regex=True)
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
    pref = _fold_words(canon["mentor_gender_preference"]).map(GENDER_PREFERENCES)
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
        mapping = load_mapping(mapping)
    ladder = resolve_ladder(ladder)
    return validate_signups(read_table(path, sheet=sheet), mapping, ladder)
