"""Feedback: the answers of the end-of-year survey, one row per answer."""

from __future__ import annotations

import pandas as pd

from toolkit.store.connection import Store, now_utc, query

__all__ = ["load_feedback_answers", "save_feedback_answers"]


def save_feedback_answers(store: Store, answers: pd.DataFrame, cohort: str, source: str = "",
                          sha256: str = "") -> int:
    """Save a cohort's survey answers, replacing earlier answers to the same questions.

    Parameters
    ----------
    store : Store
    answers : pandas.DataFrame
        ``respondent, role, question, answer``, one row per answer.
    cohort : str
    source, sha256 : str
        The export's name and fingerprint, recorded with the import.

    Returns
    -------
    int
        The number of answers saved.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> a = pd.DataFrame({"respondent": [""], "role": ["mentee"], "question": ["Q1"],
    ...                   "answer": ["Agree"]})
    >>> with Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     save_feedback_answers(store, a, "2026"), len(load_feedback_answers(store, "2026"))
    (1, 1)
    """
    now = now_utc()
    records = [(cohort, r["role"], r["question"], r["answer"], r["respondent"], now)
               for r in answers[["role", "question", "answer", "respondent"]].to_dict("records")]
    questions = sorted(set(answers["question"]))
    with store.transaction() as conn:
        conn.executemany("DELETE FROM feedback WHERE cohort = ? AND question = ?",
                         [(cohort, q) for q in questions])
        conn.executemany(
            "INSERT INTO feedback (cohort, respondent_role, question, answer, respondent, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)", records)
        conn.execute(
            "INSERT INTO imports (kind, cohort, source, sha256, rows_imported, rows_skipped, "
            "imported_at) VALUES ('survey', ?, ?, ?, ?, 0, ?)",
            (cohort, source, sha256, len(records), now))
    return len(records)


def load_feedback_answers(store: Store, cohort: str | None = None) -> pd.DataFrame:
    """Return the saved survey answers (``respondent, role, question, answer``)."""
    sql = ("SELECT respondent, respondent_role AS role, question, answer FROM feedback"
           + (" WHERE cohort = ?" if cohort is not None else "") + " ORDER BY id")
    frame = query(store, sql, (cohort,) if cohort is not None else ())
    if frame.empty:
        frame = pd.DataFrame(columns=["respondent", "role", "question", "answer"])
    return frame
