"""Feedback survey import: Likert answers read onto ordered scales, free text kept apart.

:func:`read_survey` reads a form tool's export, checking every row with the importers' one
row-problem collector (:class:`~toolkit.io.problems.RowChecker`): a cell holding a control
character (NUL...) or a character that reverses the direction of text, in any column free
text included, or a respondent's address that is not one (or carries an invisible
character), is a row problem naming the row and the column; such rows are listed and left
out. :func:`save_survey` keeps the answers in the store (through
:mod:`toolkit.store.feedback`) as the cohort's feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.core.answers import ROLE_VALUES
from toolkit.core.text import EMAIL_PATTERN, fold, fold_key
from toolkit.errors import InputFileError, SettingsError
from toolkit.intake.signups import HEADER_VARIANTS
from toolkit.io.problems import PROBLEM_COLUMNS, ProblemReport, RowChecker
from toolkit.io.readers import read_table
from toolkit.store.connection import Store
from toolkit.store.feedback import save_feedback_answers

__all__ = [
    "LIKERT_SCALES",
    "SurveyImport",
    "classify_answers",
    "no_question_message",
    "no_scale_message",
    "read_survey",
    "save_survey",
    "unknown_answers_message",
]

#: Known answer scales, lowest first. Any spelling that folds to one of these labels (case,
#: spaces and punctuation ignored, :func:`toolkit.core.text.fold_key`) or to one of its
#: synonyms is read onto the scale.
LIKERT_SCALES: dict[str, tuple[str, ...]] = {
    "agreement": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                  "Strongly agree"),
    "satisfaction": ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
                     "Satisfied", "Very satisfied"),
    "usefulness": ("Not at all useful", "Slightly useful", "Moderately useful", "Very useful",
                   "Extremely useful"),
    "likelihood": ("Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely",
                   "Very likely"),
    "frequency": ("Never", "Rarely", "Sometimes", "Often", "Always"),
}
_SYNONYMS: dict[str, dict[str, int]] = {
    "agreement": {"neither agree or disagree": 2, "neutral": 2, "neither": 2,
                  "disagree strongly": 0, "agree strongly": 4, "somewhat disagree": 1,
                  "somewhat agree": 3, "tend to disagree": 1, "tend to agree": 3},
    "satisfaction": {"neutral": 2, "neither": 2, "not satisfied": 1,
                     "neither satisfied or dissatisfied": 2, "extremely satisfied": 4,
                     "extremely dissatisfied": 0},
    "usefulness": {"not useful": 0, "somewhat useful": 2, "useful": 3},
    "likelihood": {"neutral": 2, "neither": 2, "not sure": 2, "extremely likely": 4,
                   "extremely unlikely": 0},
    "frequency": {"occasionally": 2, "usually": 3, "very often": 3},
}
#: Columns of a form export that are never questions (and names are never kept).
_SKIP = {"id", "starttime", "completiontime", "lastmodifiedtime", "timestamp", "name",
         "fullname", "yourname", "submittedat", "submissiondate", "responseid"}

SURVEY_FIELDS = ("email", "role", "name")
SURVEY_VARIANTS: dict[str, tuple[str, ...]] = {
    "name": HEADER_VARIANTS["name"],
    "email": ("email", "e-mail", "email address", "e-mail address", "your email",
              "your e-mail address", "respondent email", "work email"),
    "role": ("role", "respondent role", "i took part as", "i took part as a",
             "i took part in the scheme as a", "i took part in the scheme as",
             "taking part as", "which role are you answering for", "are you a mentor or mentee",
             "mentor or mentee", "answering as"),
}
#: An answer that is a whole number, perhaps with punctuation around it ("4", "4.").
_WHOLE_NUMBER = re.compile(r"^[^0-9a-z]*(\d+)[^0-9a-z]*$")

#: Role answers by their key (letters and digits only), so "Mentor / mentee" means both.
_ROLE_KEYS = {fold_key(answer): role for answer, role in ROLE_VALUES.items()}


def _scale_lookup() -> dict[str, dict[str, int]]:
    lookup: dict[str, dict[str, int]] = {}
    for name, labels in LIKERT_SCALES.items():
        words = {fold_key(label): i for i, label in enumerate(labels)}
        words.update({fold_key(word): i for word, i in _SYNONYMS.get(name, {}).items()})
        lookup[name] = words
    return lookup


_LOOKUP = _scale_lookup()


def no_question_message(source: str) -> str:
    """Say that a survey export has no question column."""
    return (f"'{source}' has no question columns besides e-mail and role: check that this is "
            "the survey export.")


def no_scale_message(source: str) -> str:
    """Say that no column of a survey export holds answers on a scale."""
    return (f"None of the columns of '{source}' holds answers on a scale (agree, satisfied, "
            "useful, how often, 1 to 10...): check that this is the survey export, or give the "
            "labels of its scales in `scales`. Nothing was read.")


def unknown_answers_message(question: str, unknown: list[str], labels: tuple[str, ...]) -> str:
    """Say which answers to a question are missing from the scale given for it."""
    return (f"The scale given for the question '{question}' does not include the answer(s) "
            f"{unknown}: add them to its labels {list(labels)}.")


@dataclass
class SurveyImport(ProblemReport):
    """What importing a feedback survey produced.

    Attributes
    ----------
    responses : pandas.DataFrame
        One row per answer: ``respondent`` (e-mail, lower case; "" if anonymous), ``role``
        (mentee, mentor, both or ""), ``question``, ``answer`` (as written), ``kind`` (likert
        or text) and ``level`` (0 = lowest point of the scale; missing for text).
    questions : pandas.DataFrame
        One row per question: ``question``, ``kind``, ``scale`` (name), ``labels`` (the
        scale's labels, lowest first, joined with "; ").
    source, sha256 : str
        The file and its fingerprint.
    notices : list of str
        Notes for the lead.
    problems : pandas.DataFrame
        The rows left out, one problem each (``row, field, value, problem``: the spreadsheet
        row, the field or question, what was found, how to fix it); empty when none.
    """

    responses: pd.DataFrame
    questions: pd.DataFrame
    source: str = ""
    sha256: str = ""
    notices: list[str] = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    fix_hint = ("correct those rows in the export and import it again (the other rows' "
                "answers are read as they are).")


def classify_answers(responses: pd.DataFrame,
                     scales: dict[str, list[str]] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decide which questions are Likert items and read their answers onto ordered scales.

    A question is a Likert item when every answer is a label (or a known variant) of one
    of :data:`LIKERT_SCALES`, when its answers are whole numbers from 1 to at most 10, or
    when ``scales`` gives its labels; anything else is free text.

    Parameters
    ----------
    responses : pandas.DataFrame
        Long answers with columns ``question`` and ``answer`` (others kept).
    scales : dict, optional
        Question -> its labels, lowest first, for scales the toolkit does not know.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The responses with ``kind`` and ``level`` added, and the questions table.

    Examples
    --------
    >>> long = pd.DataFrame({"question": ["Q1", "Q1", "Q2"],
    ...                      "answer": ["agree", "Strongly Agree", "It was great"]})
    >>> answers, questions = classify_answers(long)
    >>> answers["level"].tolist(), questions["scale"].tolist()
    ([3, 4, <NA>], ['agreement', ''])
    """
    scales = scales or {}
    out = responses.copy()
    out["kind"] = "text"
    out["level"] = pd.array([pd.NA] * len(out), dtype="Int64")
    rows = []
    for question in pd.unique(out["question"]):
        mask = (out["question"] == question).to_numpy()
        answers = out.loc[mask, "answer"]
        keys = fold_key(answers)
        distinct = set(keys)
        scale_name, labels, mapping = "", (), None
        if question in scales:
            labels = tuple(scales[question])
            mapping = {fold_key(label): i for i, label in enumerate(labels)}
            unknown = sorted(set(fold(answers[~keys.isin(list(mapping))])))
            if unknown:
                raise SettingsError(unknown_answers_message(question, unknown, labels))
            scale_name = "custom"
        else:
            for name, words in _LOOKUP.items():
                if distinct and distinct <= set(words):
                    scale_name, labels, mapping = name, LIKERT_SCALES[name], words
                    break
            numbers = fold(answers).str.extract(_WHOLE_NUMBER, expand=False)
            if mapping is None and distinct and numbers.notna().all():
                values = numbers.astype(int)
                top = int(values.max())
                if 1 <= values.min() and top <= 10:
                    top = max(top, 5)
                    labels = tuple(str(k) for k in range(1, top + 1))
                    mapping = {label: i for i, label in enumerate(labels)}
                    scale_name = f"1 to {top}"
                    keys = values.astype(str)
        if mapping is not None:
            out.loc[mask, "kind"] = "likert"
            out.loc[mask, "level"] = keys.map(mapping).astype("Int64").to_numpy()
        rows.append({"question": question, "kind": "likert" if mapping is not None else "text",
                     "scale": scale_name, "labels": "; ".join(labels)})
    questions = pd.DataFrame(rows, columns=["question", "kind", "scale", "labels"])
    return out, questions


def read_survey(path: str | Path, mapping: dict[str, str] | str | Path | None = None,
                scales: dict[str, list[str]] | None = None,
                sheet: str | None = None) -> SurveyImport:
    """Read an end-of-year feedback survey export (CSV or XLSX from any form tool).

    Every column other than the respondent's e-mail, role, name and the form's own
    bookkeeping (ID, times) is a question. Names are never read into the toolkit. Every row
    is checked first (:class:`~toolkit.io.problems.RowChecker`): a control character or a
    direction override in any cell (line breaks are allowed in answers), or a respondent's
    address that is not one, is a problem; such rows are left out and listed in
    ``problems`` with their spreadsheet row, column and how to fix them.

    Parameters
    ----------
    path : str or Path
        The export.
    mapping : dict or path, optional
        ``{"email": header, "role": header, "name": header}`` when the headers are not
        recognised (the name column is only identified so that it is left out).
    scales : dict, optional
        Question -> labels (lowest first) for answer scales the toolkit does not know.
    sheet : str, optional
        The worksheet of an XLSX file.

    Returns
    -------
    SurveyImport

    Raises
    ------
    InputFileError
        If the file has no role column or no question.
    RowProblemsError
        If every row has a problem (its ``problems`` list them all).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
    >>> _ = f.write_text("Email,Role,The scheme was useful,Comments\\n"
    ...                  "a@example.org,Mentee,Agree,Great\\nb@example.org,Mentor,Neutral,\\n")
    >>> survey = read_survey(f)
    >>> survey.questions[["question", "kind"]].values.tolist()
    [['The scheme was useful', 'likert'], ['Comments', 'text']]
    """
    table = read_table(path, sheet=sheet)
    check = RowChecker(table, SURVEY_FIELDS, required=("role",), mapping=mapping,
                       kind="survey answers", variants=SURVEY_VARIANTS)
    columns = check.columns
    mail = (check.emails("email", unique=False, optional=True) if "email" in columns
            else pd.Series("", index=check.canon.index))
    problems = check.problems()
    good = ~check.bad
    if not good.any():  # every row has a problem: nothing to read
        SurveyImport(pd.DataFrame(), pd.DataFrame(), table.source,
                     problems=problems).raise_for_problems()
    data = table.data.reset_index(drop=True)[good].reset_index(drop=True)
    used = set(columns.values())
    questions = [h for h in table.headers
                 if h not in used and fold_key(h) not in _SKIP]
    role_raw = data[columns["role"]].astype(str)
    role = fold_key(role_raw).map(_ROLE_KEYS).fillna("").astype(str)
    notices = list(table.notices)
    if not problems.empty:
        notices.append(f"{problems['row'].nunique()} row(s) of '{table.source}' have problems "
                       "(listed with their row and column) and were left out: correct them "
                       "and import the survey again.")
    odd = sorted(set(role_raw[(role == "") & (role_raw.str.strip() != "")]))
    if odd:
        notices.append(f"Role answers {odd} are not mentee, mentor or both: those respondents "
                       "count only in the overall figures.")
    email = mail[good].reset_index(drop=True)
    # A column of e-mail addresses identifies people: never keep it as answers.
    for q in list(questions):
        given = data[q].astype(str).str.strip()
        given = given[given != ""]
        if len(given) and given.str.casefold().str.match(EMAIL_PATTERN).mean() > 0.5:
            questions.remove(q)
            notices.append(f"'{q}' holds e-mail addresses, so it was left out: answers that "
                           "identify people are never kept.")
    if not questions:
        raise InputFileError(no_question_message(table.source))
    wide = data[questions].copy()
    wide.insert(0, "respondent", email.to_numpy())
    wide.insert(1, "role", role.to_numpy())
    long = wide.melt(id_vars=["respondent", "role"], var_name="question", value_name="answer")
    long["answer"] = long["answer"].astype(str).str.strip()
    long = long[long["answer"] != ""].reset_index(drop=True)
    responses, table_q = classify_answers(long, scales)
    if not (table_q["kind"] == "likert").any():
        raise InputFileError(no_scale_message(table.source))
    for q in table_q.loc[table_q["kind"] == "text", "question"]:
        n_distinct = long.loc[long["question"] == q, "answer"].nunique()
        if 1 < n_distinct <= 7:
            notices.append(f"'{q}' has only {n_distinct} different answers but they are not "
                           "on a scale the toolkit knows, so it is treated as free text: give "
                           "its labels in `scales` to chart it.")
    return SurveyImport(responses=responses, questions=table_q, source=table.source,
                        sha256=table.sha256, notices=notices, problems=problems)


def save_survey(store: Store, survey: SurveyImport, cohort: str) -> int:
    """Save survey answers as the cohort's feedback.

    Earlier answers of the cohort to the same questions are replaced. Runs in one
    transaction. Returns the number of answers saved.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> long = pd.DataFrame({"respondent": ["a@example.org"], "role": ["mentee"],
    ...                      "question": ["Q1"], "answer": ["Agree"]})
    >>> answers, questions = classify_answers(long)
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     save_survey(store, SurveyImport(answers, questions), "2026")
    1
    """
    return save_feedback_answers(store, survey.responses, cohort, survey.source, survey.sha256)
