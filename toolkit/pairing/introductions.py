"""Introduction e-mail drafts: one per pair, from an editable template, and the pack's documents.

The template is plain text with ``{placeholders}`` (:data:`PLACEHOLDERS`), as every template
a lead may edit (:mod:`toolkit.io.templates`); an older template with ``$placeholders`` is
still read, with a notice. Beside the drafts, :func:`write_introductions` puts the documents
every pair receives with its introduction (:data:`PACK_DOCUMENTS`): the code of conduct and
the first-meeting question bank, to attach to the e-mails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from toolkit.core.text import fold, normalise_emails
from toolkit.errors import SettingsError
from toolkit.io.outputs import atomic_write
from toolkit.io.templates import Template, shipped_template_text

__all__ = [
    "PACK_DOCUMENTS",
    "PLACEHOLDERS",
    "SHIPPED_TEMPLATE",
    "default_template",
    "introduction_template",
    "render_introductions",
    "write_introductions",
    "write_pack_documents",
]

#: The shipped template's file name in ``toolkit/templates``.
SHIPPED_TEMPLATE = "introduction.txt"

#: The ``{names}`` a template may use.
PLACEHOLDERS: tuple[str, ...] = (
    *(f"{who}_{what}" for who in ("mentee", "mentor")
      for what in ("name", "first_name", "email", "department", "grade", "meeting_mode")),
    "shared_topics",
)

#: The documents of the introduction pack: file name written -> shipped template's name.
PACK_DOCUMENTS: dict[str, str] = {
    "code_of_conduct.md": "code_of_conduct.md",
    "first_meeting_questions.md": "first_meeting_questions.md",
}

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


def write_pack_documents(folder: str | Path,
                         documents: Mapping[str, str | Path] | None = None) -> list[Path]:
    """Write the documents every pair gets with its introduction into ``folder``.

    Parameters
    ----------
    folder : str or Path
        Where the introduction drafts are (created if needed).
    documents : mapping, optional
        File name (one of :data:`PACK_DOCUMENTS`) -> the lead's own file for it; a document
        not given keeps the shipped wording (``toolkit/templates/``).

    Returns
    -------
    list of Path
        The documents written (each written atomically).

    Raises
    ------
    SettingsError
        If a name is not one of the pack's documents, or a lead's own file does not exist.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_pack_documents(tempfile.mkdtemp())]
    ['code_of_conduct.md', 'first_meeting_questions.md']
    """
    texts = {name: shipped_template_text(shipped) for name, shipped in PACK_DOCUMENTS.items()}
    for name, path in (documents or {}).items():
        if name not in PACK_DOCUMENTS:
            raise SettingsError(f"'{name}' is not a document of the introduction pack; they "
                                f"are {list(PACK_DOCUMENTS)}.")
        source = Path(path)
        if not source.is_file():
            raise SettingsError(f"The pack document '{source}' (for {name}) does not exist: "
                                "check the path.")
        texts[name] = source.read_text(encoding="utf-8")
    folder = Path(folder)
    return [atomic_write(folder / name, lambda tmp, t=text: tmp.write_text(t, encoding="utf-8"))
            for name, text in texts.items()]


def write_introductions(drafts: pd.DataFrame, folder: str | Path,
                        documents: Mapping[str, str | Path] | None = None,
                        pack: bool = True) -> list[Path]:
    """Write each draft as a text file in ``folder``, with the pack's documents beside them.

    The code of conduct and the first-meeting question bank (:data:`PACK_DOCUMENTS`, or the
    lead's own ``documents``) are written once into the same folder, to attach to every
    introduction e-mail; ``pack=False`` leaves them out. Every file is written atomically.

    Returns
    -------
    list of Path
        The drafts written, in the order of ``drafts`` (the documents are not listed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> drafts = pd.DataFrame({"file": ["introduction_a_to_b.txt"], "text": ["Dear Bo,"]})
    >>> [p.name for p in write_introductions(drafts, folder)]
    ['introduction_a_to_b.txt']
    >>> sorted(p.name for p in folder.iterdir())
    ['code_of_conduct.md', 'first_meeting_questions.md', 'introduction_a_to_b.txt']
    """
    folder = Path(folder)
    written = []
    for name, text in zip(drafts["file"], drafts["text"], strict=True):
        written.append(atomic_write(folder / name,
                                    lambda tmp, t=text: tmp.write_text(t, encoding="utf-8")))
    if pack:
        write_pack_documents(folder, documents)
    return written
