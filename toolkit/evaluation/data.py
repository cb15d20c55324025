"""What the evaluation reads from the store: one cohort's records, feedback and objectives.

Every read goes through the store's repository modules; the UnMentoring sign-up list, when
given, is read with the UnMentoring importer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.errors import InputFileError
from toolkit.evaluation.measures import (
    OBJECTIVE_COLUMNS,
    equality_characteristics,
    free_text_reason,
    optional_questions,
)
from toolkit.evaluation.objectives import read_objectives
from toolkit.evaluation.survey import SurveyImport, classify_answers
from toolkit.intake.signups import read_signups
from toolkit.store.coaching import load_objective_scores
from toolkit.store.connection import Store
from toolkit.store.draws import load_draws
from toolkit.store.feedback import load_feedback_answers
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs
from toolkit.store.people import (
    load_cohorts,
    load_directory,
    load_extra_answers,
    load_people,
    save_import,
)
from toolkit.unmentoring.participants import read_participants

__all__ = [
    "CohortHistory",
    "SchemeData",
    "check_monitoring",
    "ensure_signups",
    "load_cohort",
    "load_feedback",
    "load_history",
    "load_objectives",
    "load_scheme",
    "load_signups_with_answers",
    "monitoring_choices",
    "no_cohort_message",
    "no_signups_message",
]


def no_signups_message(store: Store) -> str:
    """Say that a store has no sign-ups to evaluate, and what to do."""
    return (f"The store '{store.path}' has no sign-ups yet: import the sign-ups (notebook 01) "
            "before evaluating the scheme.")


def no_cohort_message(store: Store, cohort: str, cohorts: list[str]) -> str:
    """Say that a store has no such cohort, and which cohorts it has."""
    return f"The store '{store.path}' has no cohort '{cohort}'; its cohorts are {cohorts}."


@dataclass
class SchemeData:
    """One cohort's records, read from the store in one go.

    Attributes
    ----------
    cohort : str
        The cohort.
    people : pandas.DataFrame
        The cohort's sign-ups (with any optional characteristics from the form as columns).
    directory : pandas.DataFrame
        Every person in the store (``email, department``), to place UnMentoring participants.
    pairs : pandas.DataFrame
        Every mentoring pair in the store (all cohorts; ``cohort`` says which).
    meetings : pandas.DataFrame
        Meetings of those pairs (``pair_id, on_date, status``).
    draws : pandas.DataFrame
        UnMentoring draws (``round, grp, email``) with the round's ``created_at``.
    feedback : SurveyImport
        The cohort's survey answers.
    objectives : pandas.DataFrame
        Coaching objective scores (``coachee, objective, score_before, score_after``); empty
        when there are none.
    """

    cohort: str
    people: pd.DataFrame
    directory: pd.DataFrame
    pairs: pd.DataFrame
    meetings: pd.DataFrame
    draws: pd.DataFrame
    feedback: SurveyImport
    objectives: pd.DataFrame

    @property
    def cohort_pairs(self) -> pd.DataFrame:
        """The mentoring pairs of this cohort."""
        return self.pairs[self.pairs["cohort"] == self.cohort]


@dataclass
class CohortHistory:
    """Every cohort's sign-ups, pairs, meetings and feedback, to compare years side by side.

    Attributes
    ----------
    cohorts : list of str
        The cohorts with sign-ups, oldest first.
    people : pandas.DataFrame
        One row per sign-up (``email, role, gender, level, cohort``...): a person who signed
        up in two cohorts has two rows. Their grade is the one the store holds now (that of
        their latest sign-up).
    pairs, meetings : pandas.DataFrame
        Every mentoring pair (``cohort`` says which) and their meetings.
    feedback : dict of str to SurveyImport
        Each cohort's survey answers.
    """

    cohorts: list[str]
    people: pd.DataFrame
    pairs: pd.DataFrame
    meetings: pd.DataFrame
    feedback: dict[str, SurveyImport]


def load_history(store: Store) -> CohortHistory:
    """Read every cohort's records from the store, for the comparison across years.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_history(store).cohorts
    []
    """
    cohorts = load_cohorts(store)
    frames = [load_people(store, c) for c in cohorts]
    people = (pd.concat(frames, ignore_index=True) if frames
              else load_people(store).assign(cohort=pd.Series(dtype=str)))
    return CohortHistory(
        cohorts=cohorts, people=people, pairs=load_pairs(store, scheme="mentoring"),
        meetings=load_meetings(store)[["pair_id", "on_date", "status"]],
        feedback={c: load_feedback(store, c) for c in cohorts})


def load_cohort(store: Store, cohort: str | None = None) -> str:
    """Return the cohort to evaluate: the one asked for, once checked, or the latest.

    Raises
    ------
    InputFileError
        If the store has no sign-ups (nothing to evaluate) or not the cohort asked for.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_cohort(store)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.InputFileError: The store '...' has no sign-ups yet: ...
    """
    cohorts = load_cohorts(store)
    if not cohorts:
        raise InputFileError(no_signups_message(store))
    cohort = cohorts[-1] if cohort is None else str(cohort)
    if cohort not in cohorts:
        raise InputFileError(no_cohort_message(store, cohort, cohorts))
    return cohort


def load_scheme(store: Store, cohort: str | None = None,
                objectives: pd.DataFrame | str | Path | None = None,
                participants: str | Path | None = None) -> SchemeData:
    """Read what the evaluation needs for one cohort (default: the latest).

    Parameters
    ----------
    store : Store
        The scheme store.
    cohort : str, optional
        The cohort (default: the latest with sign-ups).
    objectives : DataFrame or path, optional
        Coaching objective scores to use instead of those saved in the store (see
        :func:`toolkit.evaluation.objectives.read_objectives`).
    participants : path, optional
        The UnMentoring sign-up list, to place in their departments the people who took part
        in draws without signing up for mentoring.

    Returns
    -------
    SchemeData

    Raises
    ------
    InputFileError
        If the store has no sign-ups (nothing to evaluate) or not the cohort asked for.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     data = load_scheme(store)
    >>> data.cohort, len(data.people), data.feedback.responses.empty
    ('2026', 160, True)
    """
    cohort = load_cohort(store, cohort)
    people = load_signups_with_answers(store, cohort)
    directory = load_directory(store)[["email", "department"]]
    if participants is not None:
        others = read_participants(participants)[["email", "department"]]
        others = others[~others["email"].isin(directory["email"])]
        directory = pd.concat([directory, others], ignore_index=True)
    if objectives is None:
        objectives = load_objectives(store, cohort)
    elif not isinstance(objectives, pd.DataFrame):
        objectives = read_objectives(objectives)
    pairs = load_pairs(store, scheme="mentoring")
    meetings = load_meetings(store)[["pair_id", "on_date", "status"]]
    draws = load_draws(store)
    return SchemeData(cohort=cohort, people=people, directory=directory, pairs=pairs,
                      meetings=meetings, draws=draws, feedback=load_feedback(store, cohort),
                      objectives=objectives)


def load_signups_with_answers(store: Store, cohort: str) -> pd.DataFrame:
    """Read a cohort's sign-ups with the form's optional questions as extra columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     len(load_signups_with_answers(store, "2026"))
    0
    """
    people = load_people(store, cohort)
    extra = load_extra_answers(store, cohort)
    if len(extra):
        people = people.join(extra[[c for c in extra.columns if c not in people.columns]],
                             on="email")
    return people


def monitoring_choices(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """List the optional sign-up questions a lead may declare as monitoring questions.

    Parameters
    ----------
    store : Store
        The scheme store.
    cohort : str, optional
        The cohort (default: the latest).

    Returns
    -------
    pandas.DataFrame
        One row per optional question of the form: ``question``, ``answers`` (how many
        people answered) and ``free_text`` (why its answers look like free text, so that it
        can never be declared; empty for a question answered from a short list).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> from toolkit.intake.signups import read_signups
    >>> from toolkit.store.people import save_signups
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> people = read_signups(folder / "signups.csv").people
    >>> people["Ethnicity"] = ["White", "Asian"] * 80
    >>> people["Anything else?"] = ""
    >>> people.loc[0, "Anything else?"] = "I would like to meet on the other campus, please"
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = save_signups(store, people, "2026")
    ...     choices = monitoring_choices(store)
    >>> choices[["question", "answers"]].to_dict("records")
    [{'question': 'Ethnicity', 'answers': 160}, {'question': 'Anything else?', 'answers': 1}]
    >>> choices["free_text"].tolist()
    ['', 'some answers are sentences (up to 10 words)']
    """
    people = load_signups_with_answers(store, load_cohort(store, cohort))
    rows = []
    for question in optional_questions(people):
        answers = people[question].dropna().astype(str).str.strip()
        rows.append({"question": question, "answers": int((answers != "").sum()),
                     "free_text": free_text_reason(people[question]) or ""})
    return pd.DataFrame(rows, columns=["question", "answers", "free_text"])


def check_monitoring(store: Store, cohort: str | None, monitoring: list[str]) -> list[str]:
    """Check declared monitoring questions against a cohort's sign-ups, before any work.

    Returns
    -------
    list of str
        The characteristics the report will publish (gender first).

    Raises
    ------
    SettingsError
        If a declared question is not an optional question of the form or is free text.
    InputFileError
        If the store has no sign-ups or not the cohort.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     _ = ensure_signups(store, folder / "signups.csv", "2026")
    ...     check_monitoring(store, None, [])
    ['gender']
    """
    people = load_signups_with_answers(store, load_cohort(store, cohort))
    return equality_characteristics(people, monitoring)


def ensure_signups(store: Store, signups: str | Path, cohort: str) -> int:
    """Import sign-ups into the store only if it has none for the cohort yet.

    This lets the evaluation notebook run from scratch on the sample scheme; a store that
    already holds the cohort is left as it is.

    Returns
    -------
    int
        How many sign-ups the store holds for the cohort afterwards.

    Raises
    ------
    RowProblemsError
        If the sign-ups have rows with problems (nothing is saved).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.demo.sample import write_sample
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_sample(folder)
    >>> with Store(folder / "s.sqlite") as store:
    ...     ensure_signups(store, folder / "signups.csv", "2026")
    160
    """
    if cohort not in load_cohorts(store):
        result = read_signups(signups)
        result.raise_for_problems()
        save_import(store, result, cohort)
    return len(load_people(store, cohort))


def load_objectives(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Read the coaching objective scores the coaching feature saved in the store.

    Parameters
    ----------
    store : Store
        The scheme store.
    cohort : str, optional
        Keep coaching rounds whose label is the cohort or starts with it and a space
        (``"2026"`` keeps ``"2026"`` and ``"2026 coaching"``); None keeps every round.

    Returns
    -------
    pandas.DataFrame
        ``coachee, objective, score_before, score_after`` (empty when there are none); an
        objective saved without a name is called "Objective <number>".

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     load_objectives(store).columns.tolist()
    ['coachee', 'objective', 'score_before', 'score_after']
    """
    rows = load_objective_scores(store, cohort)
    if rows.empty:
        return pd.DataFrame(columns=list(OBJECTIVE_COLUMNS))
    rows["objective"] = rows["objective"].where(rows["objective"].astype(str).str.strip() != "",
                                                "Objective " + rows["number"].astype(str))
    for c in ("score_before", "score_after"):
        rows[c] = pd.to_numeric(rows[c], errors="coerce").astype(float)
    return rows[list(OBJECTIVE_COLUMNS)].reset_index(drop=True)


def load_feedback(store: Store, cohort: str | None = None,
                  scales: dict[str, list[str]] | None = None) -> SurveyImport:
    """Read a cohort's stored feedback back, with Likert answers on their scales.

    Parameters
    ----------
    store : Store
        The scheme store.
    cohort : str, optional
        The cohort (default: every cohort's answers).
    scales : dict, optional
        Question -> labels (lowest first) for answer scales the toolkit does not know.

    Returns
    -------
    SurveyImport

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     len(load_feedback(store, "2026").responses)
    0
    """
    responses, questions = classify_answers(load_feedback_answers(store, cohort), scales)
    return SurveyImport(responses=responses, questions=questions, source=str(store.path))
