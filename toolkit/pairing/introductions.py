"""Introduction e-mail drafts: one per pair, from an editable template."""

from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path

import pandas as pd

from toolkit.errors import SettingsError
from toolkit.io.outputs import atomic_write

__all__ = [
    "PLACEHOLDERS",
    "default_template",
    "render_introductions",
    "write_introductions",
]

#: The ``$names`` a template may use.
PLACEHOLDERS: tuple[str, ...] = (
    *(f"{who}_{what}" for who in ("mentee", "mentor")
      for what in ("name", "first_name", "email", "department", "grade", "meeting_mode")),
    "shared_topics",
)

_UNSAFE = re.compile(r"[^a-z0-9]+")


def default_template() -> str:
    """Return the toolkit's introduction template (``toolkit/templates/introduction.txt``).

    Examples
    --------
    >>> "$mentor_first_name" in default_template()
    True
    """
    return resources.files("toolkit").joinpath("templates/introduction.txt").read_text(
        encoding="utf-8")


def _details(people: pd.DataFrame, emails: pd.Series, who: str) -> pd.DataFrame:
    info = people.assign(email=people["email"].astype(str).str.lower()).drop_duplicates(
        "email").set_index("email")
    rows = info.reindex(emails.to_numpy()).reset_index(drop=True)

    def col(name: str, fallback: pd.Series | str = "") -> pd.Series:
        if isinstance(fallback, str):
            fallback = pd.Series(fallback, index=rows.index, dtype=object)
        if name not in rows:
            return fallback
        values = rows[name].astype(object)
        given = values.notna() & (values.astype(str).str.strip() != "")
        return values.where(given, fallback).astype(str)

    email = pd.Series(emails.to_numpy(), index=rows.index, dtype=object)
    name = col("name", email)
    out = pd.DataFrame({
        f"{who}_name": name.to_numpy(),
        f"{who}_first_name": name.str.split().str[0].fillna(name).to_numpy(),
        f"{who}_email": email.to_numpy(),
        f"{who}_department": col("department").to_numpy(),
        f"{who}_grade": col("grade").to_numpy(),
        f"{who}_meeting_mode": col("meeting_mode", "either").to_numpy(),
        f"_{who}_topics": col("topics").to_numpy(),
    })
    return out


def render_introductions(pairs: pd.DataFrame, people: pd.DataFrame,
                         template: str | None = None) -> pd.DataFrame:
    """Fill the template once per pair.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentee_email, mentor_email`` (e.g. ``MatchResult.pairs``).
    people : pandas.DataFrame
        The sign-ups (``email``, and ``name, department, grade, meeting_mode, topics`` when
        known).
    template : str, optional
        The text with ``$placeholders`` (:data:`PLACEHOLDERS`); default
        :func:`default_template`.

    Returns
    -------
    pandas.DataFrame
        ``mentee_email, mentor_email, file, text``: one draft per pair, with a file name.

    Raises
    ------
    SettingsError
        If the template uses a placeholder the toolkit does not know, or a stray ``$``.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x.org", "b@x.org"], "name": ["Ann Lee", "Bo Ng"],
    ...                        "topics": ["Grants; Teaching", "Grants"]})
    >>> pairs = pd.DataFrame({"mentee_email": ["a@x.org"], "mentor_email": ["b@x.org"]})
    >>> d = render_introductions(pairs, people, "Dear $mentor_first_name and "
    ...                          "$mentee_first_name: $shared_topics.")
    >>> d["text"].tolist(), d["file"].tolist()
    (['Dear Bo and Ann: Grants.'], ['introduction_a_to_b.txt'])
    """
    template = default_template() if template is None else template
    tmpl = string.Template(template)
    unknown = sorted(set(tmpl.get_identifiers()) - set(PLACEHOLDERS))
    if unknown or not tmpl.is_valid():
        raise SettingsError(
            "The introduction template uses "
            + (f"unknown placeholder(s) {', '.join('$' + u for u in unknown)}" if unknown
               else "a '$' that is not a placeholder (write $$ for a dollar sign)")
            + f"; the placeholders are {', '.join('$' + p for p in PLACEHOLDERS)}."
        )
    mentees = _details(people, pairs["mentee_email"].astype(str).str.lower(), "mentee")
    mentors = _details(people, pairs["mentor_email"].astype(str).str.lower(), "mentor")
    both = pd.concat([mentees, mentors], axis=1)

    def topics(text: str) -> list[str]:
        return [t.strip() for t in str(text).split(";") if t.strip()]

    shared = []
    for mine, theirs in zip(both["_mentee_topics"], both["_mentor_topics"], strict=True):
        theirs_folded = {t.casefold() for t in topics(theirs)}
        common = [t for t in topics(mine) if t.casefold() in theirs_folded]
        shared.append(", ".join(common) if common else "whatever matters most to the mentee")
    both["shared_topics"] = shared
    texts = [tmpl.substitute(rec) for rec in both[list(PLACEHOLDERS)].to_dict("records")]

    def local(email: str) -> str:
        return _UNSAFE.sub("-", email.split("@")[0].lower()).strip("-")

    files = [f"introduction_{local(a)}_to_{local(b)}.txt"
             for a, b in zip(both["mentee_email"], both["mentor_email"], strict=True)]
    return pd.DataFrame({"mentee_email": both["mentee_email"].to_numpy(),
                         "mentor_email": both["mentor_email"].to_numpy(),
                         "file": files, "text": texts})


def write_introductions(drafts: pd.DataFrame, folder: str | Path) -> list[Path]:
    """Write each draft as a text file in ``folder`` (each written atomically).

    Returns
    -------
    list of Path
        The files written, in the order of ``drafts``.
    """
    folder = Path(folder)
    written = []
    for name, text in zip(drafts["file"], drafts["text"], strict=True):
        written.append(atomic_write(folder / name,
                                    lambda tmp, t=text: tmp.write_text(t, encoding="utf-8")))
    return written
