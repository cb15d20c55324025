"""Saving a checked sign-up export into the scheme store, as ``import`` and notebook 01 do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.errors import StoreError
from toolkit.intake.signups import SignupImport
from toolkit.store.connection import open_existing, open_store
from toolkit.store.people import load_cohorts, load_extra_answers, load_people, save_import

__all__ = [
    "NO_SAVED_SIGNUPS",
    "SavedImport",
    "SavedSignups",
    "load_saved_signups",
    "save_signups_to_store",
]


#: The message when a cohort has no saved sign-ups to pair.
NO_SAVED_SIGNUPS = (
    "The store '{store}' holds no sign-ups for cohort {cohort}{others}. Save them first: "
    "notebook 01 (press 'Save the sign-ups') or `python -m toolkit import EXPORT --store "
    "{store} --cohort {cohort}`.")


@dataclass
class SavedSignups:
    """Sign-ups read back from the store: already checked, so they carry no problems.

    Attributes
    ----------
    people : pandas.DataFrame
        The cohort's sign-ups.
    source : str
        Where they came from (the store).
    """

    people: pd.DataFrame
    source: str
    notices: list[str] = field(default_factory=list)
    sha256: str = ""
    ok: bool = True


@dataclass
class SavedImport:
    """What an import saved.

    Attributes
    ----------
    store : Path
        The scheme store.
    cohort : str
        The cohort the sign-ups were saved under.
    saved : int
        People saved (the clean rows).
    skipped_rows : list[int]
        The spreadsheet rows set aside with problems (not saved).
    in_cohort : int
        Everyone the cohort now holds in the store (earlier imports included).
    """

    store: Path
    cohort: str
    saved: int
    skipped_rows: list[int]
    in_cohort: int

    def summary(self, where: str | None = None) -> str:
        """Say in one sentence what was saved and what was set aside.

        ``where`` names the store in words (a page says "the scheme's store"); by default
        its path.
        """
        where = where or f"'{self.store}'"
        text = (f"Saved {self.saved} sign-up(s) of cohort {self.cohort} in {where} "
                f"({self.in_cohort} in the cohort now).")
        if self.skipped_rows:
            rows = ", ".join(str(r) for r in self.skipped_rows[:20])
            left = len(self.skipped_rows) - 20
            more = f" and {left} more" if left > 0 else ""
            text += (f" {len(self.skipped_rows)} row(s) with problems were NOT saved (rows "
                     f"{rows}{more}): fix them and import the file again.")
        return text


def save_signups_to_store(signups: SignupImport, store: str | Path, cohort: str,
                          skip_invalid: bool = False) -> SavedImport:
    r"""Save the clean sign-ups of a checked export in the scheme store, in one transaction.

    Parameters
    ----------
    signups : SignupImport
        The checked export (:func:`toolkit.intake.signups.read_signups`).
    store : str or Path
        The scheme store; created when it does not exist yet.
    cohort : str
        The year or round the sign-ups belong to.
    skip_invalid : bool
        Save the clean rows even when some rows have problems (those rows are listed in the
        result and not saved). Without it, rows with problems stop the import and nothing is
        saved.

    Returns
    -------
    SavedImport

    Raises
    ------
    RowProblemsError
        If rows have problems and ``skip_invalid`` is false (nothing is saved).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.intake.signups import read_signups
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "form.csv").write_text(
    ...     "name,email,department,grade,role\n"
    ...     "Ann Ray,ann@example.org,Physics,Grade 7,mentee\n"
    ...     "Bo Li,bo@example.org,History,Professor,mentor\n")
    >>> saved = save_signups_to_store(read_signups(folder / "form.csv"), folder / "s.sqlite",
    ...                               "2026")
    >>> saved.saved, saved.in_cohort
    (2, 2)
    """
    if not signups.ok and not skip_invalid:
        signups.raise_for_problems()
    skipped = sorted(int(r) for r in signups.problems["row"].unique()) if not signups.ok else []
    with open_store(store) as s:
        save_import(s, signups, str(cohort))
        in_cohort = len(load_people(s, str(cohort)))
    return SavedImport(store=Path(store), cohort=str(cohort), saved=len(signups.people),
                       skipped_rows=skipped, in_cohort=in_cohort)



def load_saved_signups(store: str | Path, cohort: str) -> pd.DataFrame:
    """Return the sign-ups saved in the scheme store for a cohort, ready to pair.

    Raises
    ------
    StoreError
        If the store does not exist or holds no sign-ups for the cohort (the message says
        which cohorts it does hold and how to save this one).
    """
    with open_existing(store, read_only=True) as s:
        people = load_people(s, str(cohort))
        cohorts = load_cohorts(s)
        extra = load_extra_answers(s, str(cohort)).reset_index() if not people.empty else None
    if people.empty:
        others = f" (it holds {', '.join(cohorts)})" if cohorts else ""
        raise StoreError(NO_SAVED_SIGNUPS.format(store=store, cohort=cohort, others=others))
    if extra is not None and len(extra.columns) > 1:  # the form's other answers, as saved
        extra = extra[["email", *[c for c in extra.columns if c not in people.columns]]]
        people = people.merge(extra, on="email", how="left")
    return people
