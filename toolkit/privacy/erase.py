"""Erasing a person on request, and purging people past the retention period.

:func:`erase_person` finds a person by e-mail address (in any case or Unicode spelling,
:func:`toolkit.core.text.normalise_emails`), replaces their address everywhere by an anonymous
one (``erased-<random>@erased.invalid``) and removes their name, line-manager link and
free-text answers, in the store and, when given, the UnMentoring history file. Their rows stay,
so every count, pair and round (and so every published number) stays the same.
:func:`purge` does the same for everyone whose every cohort ended more than N months ago.
Both return a summary whose :meth:`~ErasureSummary.lines` the command line and the notebook
panel print.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from toolkit.core.dates import add_months, readable_date
from toolkit.core.dates import today as as_today
from toolkit.core.text import is_email, normalise_emails
from toolkit.errors import InputFileError, SettingsError, StoreError
from toolkit.evaluation.survey import classify_answers
from toolkit.privacy.retention import KEPT_REASONS, select_expired
from toolkit.store.connection import Store
from toolkit.store.erasure import (
    ERASED_DOMAIN,
    Erasure,
    load_addresses,
    load_cohort_ends,
    load_draw_dates,
    load_feedback_rows,
    load_involvements,
    load_names,
    load_people_answers,
    save_erasure,
    text_scrubber,
)
from toolkit.unmentoring.history import read_history, replace_in_history

__all__ = [
    "ErasureSummary",
    "PurgeSummary",
    "anonymous_address",
    "erase_person",
    "free_text_answers",
    "is_known",
    "private_answers",
    "purge",
]

#: What an erasure removes, in the words the summary uses.
REMOVED = ("name", "e-mail address (replaced by an anonymous one)", "line-manager link",
           "free-text answers and notes")


def anonymous_address() -> str:
    """Return a new anonymous address, unique to one erased person.

    Examples
    --------
    >>> a = anonymous_address()
    >>> a.startswith("erased-") and a.endswith("@erased.invalid"), a == anonymous_address()
    (True, False)
    """
    return f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"


def private_answers(answers: pd.DataFrame, erased: list[str]) -> dict[str, str]:
    """Return the erased people's other sign-up answers with everything identifying removed.

    An answer nobody else in the store gave to the same question (free text such as
    "Anything else?", or a rare answer that would single the person out) is removed; an
    answer shared with someone else (a category, such as a monitoring answer the report
    counts) is kept, so the report's counts stay the same.

    Parameters
    ----------
    answers : pandas.DataFrame
        Everyone's ``email, extra`` (JSON objects of question -> answer).
    erased : list of str
        The stored addresses being erased.

    Returns
    -------
    dict
        Address -> the new JSON text, for the erased people only.

    Examples
    --------
    >>> answers = pd.DataFrame({"email": ["a@x.org", "b@x.org"], "extra": [
    ...     '{"ethnicity": "Asian", "comment": "I love chess"}',
    ...     '{"ethnicity": "Asian", "comment": ""}']})
    >>> private_answers(answers, ["a@x.org"])
    {'a@x.org': '{"comment": null, "ethnicity": "Asian"}'}
    """
    parsed = {e: json.loads(x or "{}") for e, x in zip(answers["email"], answers["extra"],
                                                        strict=True)}
    given: dict[tuple[str, str], int] = {}
    for values in parsed.values():
        for question, value in values.items():
            if value is not None and str(value).strip():
                key = (question, str(value).strip().casefold())
                given[key] = given.get(key, 0) + 1
    out = {}
    for email in erased:
        values = parsed.get(email, {})
        kept = {q: (v if v is None or not str(v).strip()
                    or given.get((q, str(v).strip().casefold()), 0) > 1 else None)
                for q, v in values.items()}
        out[email] = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    return out


def free_text_answers(feedback: pd.DataFrame, erased: list[str]) -> list[int]:
    """Return the ids of the survey answers by these people that are free text.

    Questions are told apart as the report does (:func:`toolkit.evaluation.survey.
    classify_answers`, cohort by cohort): answers on a scale stay, so the survey's bars stay
    the same; free text goes.

    Examples
    --------
    >>> fb = pd.DataFrame({"id": [1, 2, 3], "cohort": ["2026"] * 3,
    ...     "respondent": ["a@x.org", "a@x.org", "b@x.org"], "question": ["Q1", "Q2", "Q2"],
    ...     "answer": ["Agree", "Loved it", "Fine"]})
    >>> free_text_answers(fb, ["a@x.org"])
    [2]
    """
    ids: list[int] = []
    mine = feedback["respondent"].isin(erased)
    for _, rows in feedback[feedback["cohort"].isin(feedback.loc[mine, "cohort"])].groupby(
            "cohort"):
        classified, _ = classify_answers(rows[["id", "respondent", "question", "answer"]])
        text = classified[(classified["kind"] == "text") & classified["respondent"].isin(erased)
                          & (classified["answer"].astype(str).str.strip() != "")]
        ids += [int(i) for i in text["id"]]
    return sorted(ids)


@dataclass
class ErasureSummary:
    """What an erasure changed (never who it was about).

    Attributes
    ----------
    people : int
        How many people were erased (0 when nobody had the address).
    per_table : dict
        Table of the store -> rows changed.
    history_rows : int
        Rows of the UnMentoring history file changed.
    """

    people: int
    per_table: dict[str, int] = field(default_factory=dict)
    history_rows: int = 0

    @property
    def found(self) -> bool:
        """Whether anyone had the address (or was past the retention period)."""
        return self.people > 0

    def lines(self) -> list[str]:
        """Say what was removed and where, as lines to print.

        Examples
        --------
        >>> ErasureSummary(1, {"people": 1, "pairs": 2}, 3).lines()[1:4]
        ['  people: 1 row(s)', '  pairs: 2 row(s)', '  UnMentoring history file: 3 row(s)']
        """
        if not self.found:
            return ["Nobody with that address is in the store or the history: nothing was "
                    "changed."]
        lines = [f"Erased {self.people} person(s): " + ", ".join(REMOVED) + ". Their "
                 "anonymous part in the counts, pairs and rounds is kept. Rows changed:"]
        lines += [f"  {table}: {n} row(s)" for table, n in self.per_table.items()]
        if self.history_rows:
            lines.append(f"  UnMentoring history file: {self.history_rows} row(s)")
        lines.append("The store was rewritten so that no copy of the old data remains in it; "
                     "the erasure is logged with its date and counts, not who.")
        return lines


@dataclass
class PurgeSummary(ErasureSummary):
    """What a purge changed, and how many people it kept and why.

    Attributes
    ----------
    cutoff : str
        ISO date: involvement that ended before it was past the retention period.
    kept : dict
        Reason (:data:`toolkit.privacy.retention.KEPT_REASONS`) -> how many people.
    dry_run : bool
        Nothing was changed; ``people`` says how many would have been erased.
    """

    cutoff: str = ""
    kept: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def lines(self) -> list[str]:
        """Say how many were erased (or would be), and how many were kept and why."""
        if not self.found:
            lines = [f"Nobody's cohorts ended before {readable_date(self.cutoff)}: nothing "
                     "was old enough to purge, nothing was changed."]
        elif self.dry_run:
            lines = [f"A purge would erase {self.people} person(s) whose cohorts all ended "
                     f"before {readable_date(self.cutoff)} (dry run: nothing was changed)."]
        else:
            lines = super().lines()
        lines += [f"Kept {n} person(s): {KEPT_REASONS[r]}." for r, n in self.kept.items()]
        return lines


def _match(store: Store, address: str) -> tuple[str, list[str]]:
    target = str(normalise_emails(pd.Series([address])).iloc[0])
    if not bool(is_email(pd.Series([target])).iloc[0]):
        raise SettingsError(f"'{address}' is not an e-mail address: give the address of the "
                            "person to erase, such as ada.lovelace@example.org.")
    stored = load_addresses(store)["email"]
    return target, sorted(stored[normalise_emails(stored) == target])


def is_known(store: Store, address: str, history: str | Path | None = None) -> bool:
    """Whether anyone in the store (or the history file) has this address, in any spelling.

    Reads only: the command line asks this of a store opened read-only, so a store where
    nobody has the address is left byte for byte as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> is_known(Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite"), "ada@example.org")
    False
    """
    target, stored = _match(store, address)
    _check_history(history)
    if stored:
        return True
    return history is not None and target in set(read_history(history)["email"])


def _check_history(history: str | Path | None) -> None:
    if history is not None and not Path(history).is_file():
        raise InputFileError(f"The history file '{history}' does not exist: check the path "
                             "(nothing was changed).")


def _history_rows(path: Path, tokens: dict[str, str]) -> int:
    """How many rows of the history hold one of the addresses being erased."""
    return int(read_history(path)["email"].isin(tokens.keys()).sum())


def _write_history(path: Path, tokens: dict[str, str]) -> None:
    # The history module rewrites the file and its log of rounds together, under its lock,
    # so the seeds of the rounds still count afterwards (their fingerprints are renewed).
    replace_in_history(path, tokens, text_scrubber(tokens, []))


def _erasure(store: Store, tokens: dict[str, str], stored: list[str], kind: str) -> Erasure:
    return Erasure(tokens=tokens, names=load_names(store, stored),
                   answers=private_answers(load_people_answers(store), stored),
                   feedback_ids=free_text_answers(load_feedback_rows(store), stored), kind=kind)


def erase_person(store: Store, address: str, history: str | Path | None = None
                 ) -> ErasureSummary:
    """Erase one person's personal data from the store (and the history file, if given).

    Parameters
    ----------
    store : Store
        The scheme store, open for writing.
    address : str
        The person's e-mail address, in any case or Unicode spelling.
    history : str or Path, optional
        The UnMentoring history file (``round, group, email``), rewritten in one step.

    Returns
    -------
    ErasureSummary
        ``found`` is False when nobody has the address (then nothing is changed).

    Raises
    ------
    SettingsError
        If ``address`` is not an e-mail address.
    InputFileError
        If ``history`` is given but does not exist, or cannot be read as a history.
    StoreError
        If the store or the history cannot be written (the store is then unchanged; if the
        history alone failed, the message says so and running the erasure again finishes it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["ada@example.org"],
    ...     "mentor_email": ["bo@example.org"]}), "2026")
    >>> erase_person(store, " ADA@example.org").per_table
    {'pairs': 1}
    >>> erase_person(store, "ada@example.org").found
    False
    """
    target, stored = _match(store, address)
    _check_history(history)
    token = anonymous_address()
    tokens = {**dict.fromkeys(stored, token), target: token}
    history_rows = _history_rows(Path(history), tokens) if history is not None else 0
    if not stored and not history_rows:
        return ErasureSummary(people=0)
    per_table = save_erasure(store, _erasure(store, tokens, stored, "erase")) if stored else {}
    if history_rows:
        try:
            _write_history(Path(history), tokens)
        except (OSError, StoreError) as exc:
            raise StoreError(
                f"The person was erased from the store, but the history '{history}' could not "
                f"be rewritten ({exc}): it is unchanged. Close any program using it and run "
                "the same erasure again to finish.") from None
    return ErasureSummary(people=1, per_table=per_table, history_rows=history_rows)


def purge(store: Store, months: int, today: date | str | None = None,
          dry_run: bool = False) -> PurgeSummary:
    """Erase everyone whose every cohort, pair and round ended more than ``months`` ago.

    People still in a running pair, in a cohort that still has running pairs, or who took
    part in a cohort or UnMentoring round that ended within the period are kept (the summary
    says how many, and why). A cohort ends on its last recorded day: its last import, pair
    event, meeting, coaching record or survey answer.

    Parameters
    ----------
    store : Store
    months : int
        The retention period (:func:`toolkit.privacy.settings.read_retention_months`).
    today : date or str, optional
        The day to count back from (default: the real date).
    dry_run : bool
        Only count: change nothing.

    Returns
    -------
    PurgeSummary

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> purge(store, 24).lines()[0][:24]
    "Nobody's cohorts ended b"
    """
    cutoff = str(add_months(pd.Series([as_today(today).isoformat()]), -int(months)).iloc[0])
    involvements = load_involvements(store)
    draw_days = load_draw_dates(store)
    anonymous = f"@{ERASED_DOMAIN}"
    involvements = involvements[~involvements["email"].str.endswith(anonymous)]
    draw_days = draw_days[~draw_days["email"].str.endswith(anonymous)]
    choice = select_expired(involvements, load_cohort_ends(store), draw_days, cutoff)
    summary = PurgeSummary(people=len(choice.expired), cutoff=cutoff,
                           kept={str(k): int(v) for k, v in choice.kept.items()},
                           dry_run=dry_run)
    if choice.expired and not dry_run:
        tokens = {email: anonymous_address() for email in choice.expired}
        summary.per_table = save_erasure(store, _erasure(store, tokens, choice.expired,
                                                          "purge"))
    return summary
