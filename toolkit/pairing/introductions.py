"""Introduction e-mail drafts: one per pair, from an editable template.

The template is plain text with ``{placeholders}`` (:data:`PLACEHOLDERS`), as every template
a lead may edit (:mod:`toolkit.io.templates`); an older template with ``$placeholders`` is
still read, with a notice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from toolkit.core.text import fold, normalise_emails
from toolkit.io.outputs import atomic_write
from toolkit.io.templates import Template, shipped_template_text

__all__ = [
    "PLACEHOLDERS",
    "SHIPPED_TEMPLATE",
    "default_template",
    "introduction_template",
    "render_introductions",
    "write_introductions",
]

#: The shipped template's file name in ``toolkit/templates``.
SHIPPED_TEMPLATE = "introduction.txt"

#: The ``{names}`` a template may use.
PLACEHOLDERS: tuple[str, ...] = (
    *(f"{who}_{what}" for who in ("mentee", "mentor")
      for what in ("name", "first_name", "email", "department", "grade", "meeting_mode")),
    "shared_topics",
)

_UNSAFE = re.compile(r"[^a-z0-9]+")


def default_template() -> str:
    """Return the text of the toolkit's introduction template (``templates/introduction.txt``).

    Examples
    --------
    >>> "{mentor_first_name}" in default_template()
    True
    """
    return shipped_template_text(SHIPPED_TEMPLATE)


def introduction_template(text: str | Template | None = None) -> Template:
    """Read an introduction template and check its placeholders before anything is written.

    Parameters
    ----------
    text : str, Template or None
        The template's text (``{placeholders}``, or the older ``$placeholders``); None gives
        :func:`default_template`.

    Returns
    -------
    Template
        Checked against :data:`PLACEHOLDERS`; its ``notices`` say when an older ``$name``
        template was read.

    Raises
    ------
    SettingsError
        If the template uses a placeholder the toolkit does not know (the message names it
        and the closest known one), or a brace that is not part of a placeholder.

    Examples
    --------
    >>> introduction_template("Dear {mentor_first_name},").fields
    ('mentor_first_name',)
    >>> introduction_template("Dear {mentor_nickname},")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The introduction template uses {mentor_nickname}, ...
    """
    if isinstance(text, Template):
        return text.check(PLACEHOLDERS)
    if text is None:
        text = default_template()
    return Template(text, "The introduction template").check(PLACEHOLDERS)


def _details(people: pd.DataFrame, emails: pd.Series, who: str) -> pd.DataFrame:
    info = people.assign(email=normalise_emails(people["email"])).drop_duplicates(
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
                         template: str | Template | None = None) -> pd.DataFrame:
    """Fill the template once per pair.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentee_email, mentor_email`` (e.g. ``MatchResult.pairs``).
    people : pandas.DataFrame
        The sign-ups (``email``, and ``name, department, grade, meeting_mode, topics`` when
        known).
    template : str or Template, optional
        The text with ``{placeholders}`` (:data:`PLACEHOLDERS`; older ``$placeholders`` are
        read too), or a template from :func:`introduction_template`; default
        :func:`default_template`.

    Returns
    -------
    pandas.DataFrame
        ``mentee_email, mentor_email, file, text``: one draft per pair, with a file name.

    Raises
    ------
    SettingsError
        If the template uses a placeholder the toolkit does not know, or a stray brace.

    Examples
    --------
    >>> people = pd.DataFrame({"email": ["a@x.org", "b@x.org"], "name": ["Ann Lee", "Bo Ng"],
    ...                        "topics": ["Grants; Teaching", "Grants"]})
    >>> pairs = pd.DataFrame({"mentee_email": ["a@x.org"], "mentor_email": ["b@x.org"]})
    >>> d = render_introductions(pairs, people, "Dear {mentor_first_name} and "
    ...                          "{mentee_first_name}: {shared_topics}.")
    >>> d["text"].tolist(), d["file"].tolist()
    (['Dear Bo and Ann: Grants.'], ['introduction_a_to_b.txt'])
    """
    tmpl = introduction_template(template)
    mentees = _details(people, normalise_emails(pairs["mentee_email"]), "mentee")
    mentors = _details(people, normalise_emails(pairs["mentor_email"]), "mentor")
    both = pd.concat([mentees, mentors], axis=1)

    def topics(text: str) -> list[str]:
        return [t.strip() for t in str(text).split(";") if t.strip()]

    shared = []
    for mine, theirs in zip(both["_mentee_topics"], both["_mentor_topics"], strict=True):
        theirs_folded = {fold(t) for t in topics(theirs)}
        common = [t for t in topics(mine) if fold(t) in theirs_folded]
        shared.append(", ".join(common) if common else "whatever matters most to the mentee")
    both["shared_topics"] = shared
    texts = [tmpl.render(rec) for rec in both[list(PLACEHOLDERS)].to_dict("records")]

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
