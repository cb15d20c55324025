"""A seeded generator of synthetic, realistic scheme data (names invented, example.org)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .ladder import CIVIL_SERVICE_LADDER, DEFAULT_LADDER, LECTURER_LADDER

__all__ = [
    "DEPARTMENTS",
    "SURVEY_QUESTIONS",
    "TOPICS",
    "generate_people",
    "generate_survey",
    "generate_unmentoring",
    "write_sample",
]

DIVISION = "Division of Natural and Life Sciences"
DEPARTMENTS = [
    "Biochemistry", "Chemistry", "Earth Sciences", "Ecology and Evolution",
    "Mathematics", "Neuroscience", "Physics and Astronomy", "Psychology",
]
TOPICS = [
    "Career progression", "Grant writing", "Teaching and learning", "Leadership",
    "Work-life balance", "Publishing", "Returning from leave", "Promotion applications",
    "Networking", "Public engagement", "Managing a team", "Moving into industry",
]
_FIRST = [
    "Amara", "Bilal", "Carys", "Dimitri", "Elif", "Farah", "Gideon", "Hana", "Ioan", "Jovana",
    "Kwame", "Leilani", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rhiannon", "Soren",
    "Tamsin", "Uzma", "Viktor", "Wren", "Xiadani", "Yusuf", "Zofia", "Anselm", "Brigid",
    "Caspian", "Delphine", "Emeka", "Freya", "Gethin", "Hollis", "Ines", "Jasper", "Kalinda",
    "Lorcan", "Mireille", "Niamh", "Olusegun", "Petra", "Rafferty", "Saoirse", "Teodor", "Ulla",
    "Valentin", "Winifred", "Yannick", "Zainab",
]
_LAST = [
    "Abernethy", "Balogun", "Castellanos", "Drummond", "Ekwueme", "Fairweather", "Galbraith",
    "Haddad", "Iwasaki", "Jablonski", "Kowalczyk", "Lindqvist", "Mbeki", "Nakagawa", "Okonkwo",
    "Pemberton", "Quintero", "Rasmussen", "Szabo", "Thorncroft", "Umarov", "Vasquez", "Whitlock",
    "Xu", "Yilmaz", "Zeller", "Ashdown", "Brannigan", "Chaudhry", "Delacroix", "Eriksen", "Fenwick",
    "Grimaldi", "Holloway", "Ishikawa", "Jovanovic", "Kerrigan", "Lachance", "Moreau", "Nwosu",
]
# People per grade level (PhD student .. Grade 10) in a division of about 160 sign-ups.
_GRADE_COUNTS = [24, 10, 40, 36, 26, 24]
_GRADE_WORDS = {  # how people write their grade on a free-text form
    0: ["PhD student", "PhD candidate", "Doctoral student"],
    1: ["Grade 6", "Research assistant"],
    2: ["Grade 7", "Postdoc", "Postdoctoral researcher", "Research fellow"],
    3: ["Grade 8", "Lecturer", "Senior research fellow"],
    4: ["Grade 9", "Associate professor", "Associate Professor"],
    5: ["Grade 10", "Professor"],
}
_WOMEN_SHARE = [0.55, 0.55, 0.5, 0.45, 0.38, 0.28]


def _names(rng: np.random.Generator, n: int) -> list[str]:
    pairs = [(f, s) for f in _FIRST for s in _LAST]
    picks = rng.choice(len(pairs), size=n, replace=False)
    return [f"{pairs[i][0]} {pairs[i][1]}" for i in picks]


def _email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "") + "@example.org"


def generate_people(seed: int = 2026) -> pd.DataFrame:
    """Generate a synthetic mentoring sign-up list with canonical columns.

    About 160 people in eight departments, grades from PhD student to professor; juniors
    sign up as mentees, seniors as mentors, many in between as both; each has a line manager
    more senior in their own department (some managers did not sign up); topics, meeting
    preferences, gender (fewer women at senior grades, as in many divisions) and, for some
    women mentees, a preference for a woman mentor.

    Parameters
    ----------
    seed : int
        The random seed: the same seed gives the same people.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, email, department, grade, role, line_manager_email, capacity, topics,
        meeting_mode, gender, mentor_gender_preference, level``.

    Examples
    --------
    >>> people = generate_people()
    >>> len(people), people["email"].str.endswith("@example.org").all()
    (160, np.True_)
    """
    rng = np.random.default_rng(seed)
    levels = np.repeat(np.arange(6), _GRADE_COUNTS)
    n = len(levels)
    extra_managers = 16
    names = _names(rng, n + extra_managers)
    dept = rng.choice(len(DEPARTMENTS), size=n)
    # Every department has at least one professor and one associate professor.
    for level in (5, 4):
        idx = np.flatnonzero(levels == level)
        dept[idx[: len(DEPARTMENTS)]] = np.arange(len(DEPARTMENTS))
    gender = np.where(rng.random(n) < np.take(_WOMEN_SHARE, levels), "Woman", "Man").astype(object)
    other = rng.random(n)
    gender[other < 0.03] = "Non-binary"
    gender[(other >= 0.03) & (other < 0.06)] = "Prefer not to say"

    role = np.empty(n, dtype=object)
    u = rng.random(n)
    role[levels <= 1] = "mentee"
    role[levels == 2] = np.where(u[levels == 2] < 0.25, "both", "mentee")
    role[levels == 3] = np.where(u[levels == 3] < 0.45, "both",
                                 np.where(u[levels == 3] < 0.75, "mentor", "mentee"))
    role[levels == 4] = np.where(u[levels == 4] < 0.2, "both", "mentor")
    role[levels == 5] = "mentor"
    capacity = np.where(np.isin(role, ["mentor", "both"]), rng.choice([1, 1, 2, 2, 3], size=n), 1)

    emails = [_email(x) for x in names[:n]]
    outside = [_email(x) for x in names[n:]]
    manager = []
    for i in range(n):
        seniors = np.flatnonzero(
            (dept == dept[i]) & (levels > levels[i]) & (levels <= levels[i] + 2))
        if levels[i] == 5 or (rng.random() < 0.15 and levels[i] >= 3):
            manager.append(outside[dept[i] % len(outside)] if levels[i] < 5 else "")
        elif len(seniors):
            manager.append(emails[int(rng.choice(seniors))])
        else:
            manager.append(outside[(dept[i] + 8) % len(outside)])

    topics = []
    for i in range(n):
        k = int(rng.integers(1, 5))
        weights = np.ones(len(TOPICS))
        if levels[i] <= 2:
            weights[[0, 1, 5, 7 if levels[i] == 2 else 11]] += 2
        if levels[i] >= 4:
            weights[[3, 10, 9]] += 2
        if gender[i] == "Woman":
            weights[[4, 6]] += 1
        chosen = rng.choice(len(TOPICS), size=k, replace=False, p=weights / weights.sum())
        topics.append([TOPICS[j] for j in sorted(chosen)])
    mode = rng.choice(["in person", "online", "either"], size=n, p=[0.35, 0.25, 0.4])
    pref = np.where(
        (gender == "Woman") & np.isin(role, ["mentee", "both"]) & (rng.random(n) < 0.3),
        "woman", "")
    frame = pd.DataFrame({
        "name": names[:n],
        "email": emails,
        "department": np.take(DEPARTMENTS, dept),
        "grade": np.take(DEFAULT_LADDER.levels, levels),
        "role": role,
        "line_manager_email": manager,
        "capacity": capacity,
        "topics": topics,
        "meeting_mode": mode,
        "gender": gender,
        "mentor_gender_preference": pref,
        "level": levels,
    })
    # Shuffle so the export is in sign-up order, not grade order.
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def generate_unmentoring(people: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """Generate an UnMentoring sign-up list: many mentoring sign-ups plus other colleagues.

    Columns ``name, email, department, paused`` (``yes`` for people sitting out this month).
    """
    rng = np.random.default_rng(seed + 1)
    chosen = people.sample(n=70, random_state=seed + 1)[["name", "email", "department"]]
    used = set(people["name"])
    spare = [n for n in _names(rng, 400) if n not in used][:30]
    newcomers = pd.DataFrame({
        "name": spare,
        "email": [_email(x) for x in spare],
        "department": rng.choice(DEPARTMENTS, size=len(spare)),
    })
    frame = pd.concat([chosen, newcomers], ignore_index=True)
    frame["paused"] = np.where(rng.random(len(frame)) < 0.08, "yes", "no")
    return frame.sample(frac=1, random_state=seed + 2).reset_index(drop=True)


#: The end-of-year survey's Likert questions: (question, labels lowest first, mean tilt).
SURVEY_QUESTIONS: list[tuple[str, tuple[str, ...], float]] = [
    ("We met as often as we had planned",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     0.3),
    ("Our conversations were worth the time they took",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     1.0),
    ("The pairing suited what I wanted from the scheme",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     0.7),
    ("I know more colleagues outside my department than a year ago",
     ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
     0.5),
    ("How satisfied are you with the scheme overall?",
     ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied",
      "Very satisfied"), 0.9),
]
_COMMENTS = [
    "It helped me plan my promotion application.",
    "Hard to find times that suited us both.",
    "More structure for the first meeting would help.",
    "Very glad I signed up; I will do it again.",
    "We only met twice because of teaching.",
    "Meeting someone from another department was the best part.",
    "",
]


def generate_survey(people: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """Generate a synthetic end-of-year feedback survey, as a form tool exports it.

    About 60% of the sign-ups answer, each as a mentee or a mentor (people who are both
    answer for one role); five Likert questions with form-style labels (a few left blank)
    and a free-text comment, some of which name a colleague, as real comments do.

    Parameters
    ----------
    people : pandas.DataFrame
        The sign-ups (:func:`generate_people`).
    seed : int
        The random seed.

    Returns
    -------
    pandas.DataFrame
        Columns ``ID, Start time, Completion time, Email, Name``, the role question, the
        Likert questions and the comment.

    Examples
    --------
    >>> survey = generate_survey(generate_people())
    >>> survey.shape[1], survey["Email"].str.endswith("@example.org").all()
    (12, np.True_)
    """
    rng = np.random.default_rng(seed + 11)
    picked = people[rng.random(len(people)) < 0.6].reset_index(drop=True)
    n = len(picked)
    role = np.where(picked["role"] == "both",
                    np.where(rng.random(n) < 0.5, "Mentor", "Mentee"),
                    np.where(picked["role"] == "mentor", "Mentor", "Mentee"))
    start = datetime(2027, 7, 1, 9, 0)
    times = [start + timedelta(minutes=int(m))
             for m in np.sort(rng.integers(0, 60 * 24 * 14, n))]
    frame = pd.DataFrame({
        "ID": np.arange(1, n + 1),
        "Start time": [t.strftime("%m/%d/%y %H:%M:%S") for t in times],
        "Completion time": [(t + timedelta(minutes=6)).strftime("%m/%d/%y %H:%M:%S")
                            for t in times],
        "Email": picked["email"].to_numpy(),
        "Name": picked["name"].to_numpy(),
        "Which role are you answering for?": role,
    })
    satisfaction = rng.normal(0, 0.8, n)  # some people like everything more than others
    for question, labels, tilt in SURVEY_QUESTIONS:
        shift = tilt + satisfaction + np.where(role == "Mentor", 0.2, 0.0)
        level = np.clip(np.rint(2 + shift + rng.normal(0, 0.8, n)), 0, 4).astype(int)
        answers = np.take(labels, level).astype(object)
        answers[rng.random(n) < 0.04] = ""
        frame[question] = answers
    comments = np.take(_COMMENTS, rng.integers(0, len(_COMMENTS), n)).astype(object)
    others = people["name"].to_numpy()
    for i in np.flatnonzero(rng.random(n) < 0.08):
        comments[i] = f"Thanks to {others[int(rng.integers(len(others)))]} for the advice."
    frame["Is there anything else you would like to tell us?"] = comments
    return frame


_FORM_QUESTIONS = {
    "department": "Which department do you work in?",
    "grade": "What is your current grade or job title?",
    "role": "Would you like to be a mentor, a mentee, or both?",
    "line_manager_email": "What is your line manager's e-mail address?",
    "capacity": "If you are mentoring, how many mentees could you support this year?",
    "topics": "Which topics would you like mentoring conversations to cover?",
    "meeting_mode": "How would you prefer to meet?",
    "gender": "How would you describe your gender? (used only for anonymous equality monitoring)",
    "mentor_gender_preference": "Would you prefer a mentor of a particular gender?",
}
_ROLE_WORDS = {"mentor": "Mentor", "mentee": "Mentee", "both": "Mentor and mentee"}
_MODE_WORDS = {"in person": "Face to face", "online": "Online (Teams)", "either": "No preference"}


def _forms_export(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Dress the people up as a Microsoft Forms export: question headers, free-text grades."""
    start = datetime(2026, 9, 1, 9, 0)
    times = [start + timedelta(minutes=int(m)) for m in np.sort(rng.integers(0, 60 * 24 * 20,
                                                                              len(people)))]
    grade_words = [
        _GRADE_WORDS[int(lv)][int(rng.integers(len(_GRADE_WORDS[int(lv)])))]
        for lv in people["level"]
    ]
    return pd.DataFrame({
        "ID": np.arange(1, len(people) + 1),
        "Start time": [t.strftime("%m/%d/%y %H:%M:%S") for t in times],
        "Completion time": [(t + timedelta(minutes=4)).strftime("%m/%d/%y %H:%M:%S")
                            for t in times],
        "Email": people["email"].str.upper().where(rng.random(len(people)) < 0.1,
                                                   people["email"]),
        "Name": people["name"],
        _FORM_QUESTIONS["department"]: people["department"],
        _FORM_QUESTIONS["grade"]: grade_words,
        _FORM_QUESTIONS["role"]: people["role"].map(_ROLE_WORDS),
        _FORM_QUESTIONS["line_manager_email"]: people["line_manager_email"],
        _FORM_QUESTIONS["capacity"]: np.where(people["role"] == "mentee", "",
                                              people["capacity"].astype(str)),
        _FORM_QUESTIONS["topics"]: people["topics"].map(lambda t: "".join(f"{x};" for x in t)),
        _FORM_QUESTIONS["meeting_mode"]: people["meeting_mode"].map(_MODE_WORDS),
        _FORM_QUESTIONS["gender"]: people["gender"],
        _FORM_QUESTIONS["mentor_gender_preference"]: people["mentor_gender_preference"].map(
            {"woman": "A woman", "": "No preference"}),
    })


def _problem_examples(people: pd.DataFrame) -> pd.DataFrame:
    """Make a short export with one of each common mistake, to show what validation reports."""
    rows = people.head(12).copy()
    rows["topics"] = rows["topics"].map(", ".join)
    rows = rows.drop(columns="level")
    rows.loc[1, "email"] = "not-an-address"
    rows.loc[2, "grade"] = "Senior lectuer"
    rows.loc[3, "role"] = "Observer"
    rows["capacity"] = rows["capacity"].astype(str)
    rows.loc[4, "capacity"] = "two"
    rows.loc[5, "department"] = ""
    rows.loc[6, "email"] = rows.loc[0, "email"]
    rows.loc[7, "line_manager_email"] = rows.loc[7, "email"]
    rows.loc[8, "line_manager_email"] = rows.loc[9, "email"]
    rows.loc[9, "line_manager_email"] = rows.loc[8, "email"]
    rows.loc[10, "meeting_mode"] = "by carrier pigeon"
    blank = pd.DataFrame([[""] * len(rows.columns)], columns=rows.columns)
    return pd.concat([rows.iloc[:11], blank, rows.iloc[11:]], ignore_index=True)


def write_sample(out: str | Path, seed: int = 2026) -> dict[str, Path]:
    """Write the whole synthetic sample scheme into a folder.

    Files: ``signups.csv`` (plain headers, Google-Forms-style answers),
    ``signups_forms.xlsx`` with ``signups_forms_mapping.json`` (a Microsoft Forms export with
    its own question headers), ``signups_with_problems.csv`` (one of each common mistake),
    ``unmentoring.csv``, ``survey.csv`` (the end-of-year feedback survey), and
    ``ladders/*.json`` (the shipped grade ladders, to copy and edit).

    Parameters
    ----------
    out : str or Path
        The folder (created if needed).
    seed : int
        The random seed.

    Returns
    -------
    dict of str to Path
        What was written, by short name.
    """
    out = Path(out)
    (out / "ladders").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 7)
    people = generate_people(seed)
    written: dict[str, Path] = {}

    plain = people.drop(columns="level").copy()
    plain["topics"] = plain["topics"].map(", ".join)
    plain.insert(0, "Timestamp", _forms_export(people, rng)["Start time"])
    plain = plain.rename(columns={
        "name": "Name", "email": "Email address", "department": "Department", "grade": "Grade",
        "role": "Role", "line_manager_email": "Line manager email", "capacity": "Capacity",
        "topics": "Topics", "meeting_mode": "Meeting mode", "gender": "Gender",
        "mentor_gender_preference": "Mentor gender preference",
    })
    plain["Capacity"] = plain["Capacity"].astype(str).where(people["role"] != "mentee", "")
    written["signups"] = out / "signups.csv"
    plain.to_csv(written["signups"], index=False, encoding="utf-8")

    forms = _forms_export(people, rng)
    written["signups_forms"] = out / "signups_forms.xlsx"
    with pd.ExcelWriter(written["signups_forms"], engine="openpyxl") as writer:
        forms.to_excel(writer, sheet_name="Form1", index=False)
    written["signups_forms_mapping"] = out / "signups_forms_mapping.json"
    written["signups_forms_mapping"].write_text(
        json.dumps(_FORM_QUESTIONS, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    written["signups_with_problems"] = out / "signups_with_problems.csv"
    _problem_examples(people).to_csv(written["signups_with_problems"], index=False)

    written["unmentoring"] = out / "unmentoring.csv"
    generate_unmentoring(people, seed).to_csv(written["unmentoring"], index=False)

    written["survey"] = out / "survey.csv"
    generate_survey(people, seed).to_csv(written["survey"], index=False)

    for short, ladder in {"uk-he": DEFAULT_LADDER, "lecturer": LECTURER_LADDER,
                          "civil-service": CIVIL_SERVICE_LADDER}.items():
        path = out / "ladders" / f"{short}.json"
        path.write_text(json.dumps(ladder.to_dict(), indent=2) + "\n", encoding="utf-8")
        written[f"ladder_{short}"] = path
    return written
