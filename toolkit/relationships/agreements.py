"""Mentoring agreements: one pre-filled document per pair, as Word (.docx) and Markdown.

The agreement is a Markdown template with ``{placeholders}`` (:data:`AGREEMENT_PLACEHOLDERS`),
the one syntax of every template a lead may edit: the shipped ``agreement.md``, or the lead's
own copy of it.
"""

from __future__ import annotations

import re
from numbers import Integral
from pathlib import Path

import docx
import pandas as pd

from toolkit.core.dates import readable_dates
from toolkit.core.statuses import RUNNING
from toolkit.errors import SettingsError
from toolkit.io.outputs import atomic_write
from toolkit.io.templates import Template, read_template
from toolkit.relationships.changes import find_pair, pair_table
from toolkit.relationships.lifecycle import Lifecycle
from toolkit.store.connection import Store
from toolkit.store.pairs import save_meetings_per_year

__all__ = [
    "AGREEMENT_ITEMS",
    "AGREEMENT_PLACEHOLDERS",
    "MOST_MEETINGS_A_YEAR",
    "agreement_fields",
    "missing_items",
    "read_agreement_template",
    "record_meetings_per_year",
    "render_agreement",
    "write_agreements",
    "write_docx",
]

#: The placeholders an agreement template may use.
AGREEMENT_PLACEHOLDERS = ("pair_id", "mentee_name", "mentee_first_name", "mentee_email",
                          "mentee_department", "mentor_name", "mentor_first_name",
                          "mentor_email", "mentor_department", "start", "term_end",
                          "term_months", "target", "renewal_text", "agreed_meetings")

#: The items a first meeting settles, each with the heading (or words) that shows the
#: agreement covers it; a lead's own template missing one carries a notice.
AGREEMENT_ITEMS: dict[str, str] = {
    "short-term objectives": "In the next few months",
    "long-term objectives": "Over the whole term",
    "career goals": "Career goals",
    "the mentee's expectations": "The mentee expects",
    "the mentee's contribution": "The mentee will contribute",
    "the mentor's expectations": "The mentor expects",
    "the mentor's contribution": "The mentor will contribute",
    "confidentiality": "Confidentiality",
    "conflicts of interest": "Conflicts of interest",
    "what belongs with the line manager": "What belongs with the line manager",
    "contact between meetings": "Contact between meetings",
    "agreed meeting frequency": "How often we agreed to meet",
    "review dates": "Mid-term review",
    "boundaries": "Boundaries",
    "next meeting": "Our next meeting",
    "signatures": "Signatures",
}
#: The most meetings a year a pair may record (one a week).
MOST_MEETINGS_A_YEAR = 52

_BOLD = re.compile(r"(\*\*[^*]+\*\*)")


def missing_items(text: str) -> list[str]:
    """Return the first-meeting items (:data:`AGREEMENT_ITEMS`) an agreement's text lacks.

    Examples
    --------
    >>> missing_items(read_agreement_template().text)
    []
    >>> missing_items("# Agreement - Confidentiality")[:3]
    ['short-term objectives', 'long-term objectives', 'career goals']
    """
    folded = text.casefold()
    return [item for item, words in AGREEMENT_ITEMS.items() if words.casefold() not in folded]


def read_agreement_template(path: str | Path | None = None) -> Template:
    """Return the agreement template: the shipped one, or the lead's own Markdown file.

    The template is Markdown: ``#`` and ``##`` headings, ``- `` bullet points, ``**bold**``
    words, and placeholders in braces (:data:`AGREEMENT_PLACEHOLDERS`, such as
    ``{mentee_name}`` or ``{term_end}``) that are filled in for each pair. A placeholder the
    agreement does not know stops with a message naming it. A template that leaves out a
    first-meeting item (:data:`AGREEMENT_ITEMS`) is still used, with a notice naming the
    items missing.

    Raises
    ------
    SettingsError
        If the file does not exist or the template is not valid.

    Examples
    --------
    >>> read_agreement_template().text.splitlines()[0]
    '# Mentoring agreement'
    """
    template = read_template(path, "agreement.md", AGREEMENT_PLACEHOLDERS)
    missing = missing_items(template.text)
    if missing:
        template.notices.append(f"{template.source} leaves out these first-meeting items: "
                                f"{', '.join(missing)}. Add them if your scheme needs them.")
    return template


def agreement_fields(pairs: pd.DataFrame, lifecycle: Lifecycle | None = None,
                     target: int = 3) -> pd.DataFrame:
    """Return the values filled into each pair's agreement.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`~toolkit.relationships.changes.pair_table` rows.
    lifecycle : Lifecycle, optional
        For the term length.
    target : int
        Meetings a year the scheme asks for (a pair's own agreed number, the
        ``meetings_per_year`` column, replaces it when recorded).

    Returns
    -------
    pandas.DataFrame
        One row per pair, one column per placeholder of :data:`AGREEMENT_PLACEHOLDERS`
        (the e-mails when ``pairs`` has them), all text.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [7], "mentee_name": ["Ada Byron"],
    ...     "mentee_department": ["Maths"], "mentor_name": ["Bo"],
    ...     "mentor_department": ["Physics"], "start": ["2026-10-05"],
    ...     "term_end": ["2027-10-05"], "renewals": [0]})
    >>> fields = agreement_fields(pairs)
    >>> fields.loc[0, "renewal_text"], fields.loc[0, "mentee_first_name"]
    ('it can be renewed for 12 more months at a time, as often as you both wish', 'Ada')
    """
    lifecycle = lifecycle or Lifecycle()
    pairs = pairs.reset_index(drop=True)
    cols = [c for c in AGREEMENT_PLACEHOLDERS if c in pairs.columns]
    out = pairs[cols].copy()
    for side in ("mentee", "mentor"):
        out[f"{side}_first_name"] = pairs[f"{side}_name"].fillna("").str.split().str[0]
    out["start"] = readable_dates(out["start"]).replace("", "to be agreed")
    out["term_end"] = readable_dates(out["term_end"]).replace("", "to be agreed")
    out["term_months"] = str(lifecycle.term_months)
    agreed = (pd.to_numeric(pairs["meetings_per_year"], errors="coerce")
              if "meetings_per_year" in pairs else pd.Series(float("nan"), index=pairs.index))
    out["target"] = agreed.fillna(target).astype(int).astype(str)
    out["agreed_meetings"] = [("not yet" if pd.isna(n) else str(int(n))) for n in agreed]
    renewals = pairs["renewals"].fillna(0).astype(int).to_numpy()
    months = lifecycle.renewal_months
    if lifecycle.max_renewals is None:
        out["renewal_text"] = (f"it can be renewed for {months} more months at a time, as "
                               "often as you both wish")
    else:
        times = {1: "once", 2: "twice"}.get(lifecycle.max_renewals,
                                           f"up to {lifecycle.max_renewals} times")
        left = lifecycle.max_renewals - renewals
        out["renewal_text"] = [
            f"it can be renewed {times}, for {months} more months, if you both wish"
            if r == 0 and n > 0 else
            f"it can be renewed again, for {months} more months, if you both wish"
            if n > 0 else "it cannot be renewed again" if r > 0 else "it cannot be renewed"
            for r, n in zip(renewals, left, strict=True)]
    return out.fillna("").astype(str).reset_index(drop=True)


def render_agreement(values: dict[str, str], template: Template | None = None) -> str:
    """Fill one pair's values into the Markdown template (default: the shipped one).

    Examples
    --------
    >>> render_agreement({"mentee_name": "Ada"}, Template("Mentee: {mentee_name}."))
    'Mentee: Ada.'
    """
    template = read_agreement_template() if template is None else template
    return template.render(values)


def _add_runs(paragraph: object, text: str) -> None:
    """Add text to a Word paragraph, ``**bold**`` parts in bold."""
    for part in _BOLD.split(text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif part:
            paragraph.add_run(part)


def write_docx(markdown: str, path: str | Path) -> Path:
    """Write simple Markdown (headings, bullets, bold, paragraphs) as a Word document.

    The file is written atomically: a failed write leaves any old file as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_docx("# Title\\n\\n- **A:** b\\n", pathlib.Path(tempfile.mkdtemp()) / "x.docx")
    >>> [para.text for para in docx.Document(p).paragraphs]
    ['Title', 'A: b']
    """
    document = docx.Document()
    for line in markdown.splitlines():
        text = line.rstrip()
        if not text.strip():
            continue
        if text.startswith("## "):
            document.add_heading(text[3:].strip(), level=2)
        elif text.startswith("# "):
            document.add_heading(text[2:].strip(), level=1)
        elif text.lstrip().startswith("- "):
            _add_runs(document.add_paragraph(style="List Bullet"), text.lstrip()[2:])
        else:
            _add_runs(document.add_paragraph(), text)
    return atomic_write(path, lambda tmp: document.save(str(tmp)))


def write_agreements(store: Store, out: str | Path, pair_ids: list[int] | None = None,
                     statuses: tuple[str, ...] = RUNNING,
                     scheme: str = "mentoring", formats: tuple[str, ...] = ("docx", "md"),
                     template: str | Path | None = None,
                     lifecycle: Lifecycle | None = None, target: int = 3) -> pd.DataFrame:
    """Write a pre-filled agreement for each pair, as ``.docx`` and/or Markdown.

    Files are named by pair number only (``agreement_pair-0007.docx``), so a folder listing
    reveals nobody's name. UnMentoring has no agreements; coaching may use them too.

    Parameters
    ----------
    store : Store
    out : str or Path
        The folder to write into (created if needed).
    pair_ids : list of int, optional
        The pairs to write (default: every pair of ``statuses``).
    statuses : tuple of str
        Which pairs, when ``pair_ids`` is not given (default: the running ones).
    scheme : str
        ``"mentoring"`` (default) or ``"coaching"``.
    formats : tuple of str
        ``"docx"`` and/or ``"md"``.
    template : str or Path, optional
        A Markdown template file of the lead's own (see :func:`read_agreement_template`).
    lifecycle : Lifecycle, optional
    target : int
        Meetings a year the scheme asks for (printed in the agreement).

    Returns
    -------
    pandas.DataFrame
        ``pair_id`` and one path column per format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = Store(folder / "s.sqlite")
    >>> _ = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026", start_date="2026-10-05")
    >>> written = write_agreements(store, folder / "agreements")
    >>> written["docx"].map(lambda p: pathlib.Path(p).name).tolist()
    ['agreement_pair-0001.docx']
    """
    if scheme == "unmentoring":
        raise SettingsError("UnMentoring conversations have no agreement: choose 'mentoring' "
                            "or 'coaching'.")
    unknown = sorted(set(formats) - {"docx", "md"})
    if unknown or not formats:
        raise SettingsError(f"The agreement formats must be 'docx' and/or 'md' (got {formats}).")
    text = read_agreement_template(template)
    pairs = pair_table(store, scheme=scheme, lifecycle=lifecycle)
    if pair_ids is not None:
        wanted = [int(i) for i in pair_ids]
        missing = sorted(set(wanted) - set(pairs["pair_id"].astype(int)))
        if missing:
            raise SettingsError(f"There is no {scheme} pair {missing} in the store: pick pairs "
                                "from the status table.")
        pairs = pairs[pairs["pair_id"].isin(wanted)]
    else:
        pairs = pairs[pairs["status"].isin(statuses)]
    out = Path(out)
    rows = []
    for values in agreement_fields(pairs, lifecycle, target).to_dict("records"):
        markdown = render_agreement(values, text)
        stem = f"agreement_pair-{int(values['pair_id']):04d}"
        row: dict[str, object] = {"pair_id": int(values["pair_id"])}
        if "docx" in formats:
            row["docx"] = str(write_docx(markdown, out / f"{stem}.docx"))
        if "md" in formats:
            row["md"] = str(atomic_write(out / f"{stem}.md", lambda tmp, m=markdown:
                                         tmp.write_text(m, encoding="utf-8")))
        rows.append(row)
    return pd.DataFrame(rows, columns=["pair_id", *formats])


def record_meetings_per_year(store: Store, pair_id: int, per_year: int | None) -> int | None:
    """Record the number of meetings a year a pair agreed at its first meeting.

    From then on the pace warning follows this number for the pair (checkpoints spread
    evenly over the year) instead of the scheme's ``pace``; None goes back to the scheme's
    pace.

    Returns
    -------
    int or None
        The number recorded.

    Raises
    ------
    LifecycleError
        If the store has no such pair.
    SettingsError
        If the number is not a whole number from 1 to :data:`MOST_MEETINGS_A_YEAR`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.store.pairs import save_pairs
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> [pid] = save_pairs(store, pd.DataFrame({"mentee_email": ["a@example.org"],
    ...     "mentor_email": ["b@example.org"]}), "2026")
    >>> record_meetings_per_year(store, pid, 6)
    6
    >>> record_meetings_per_year(store, pid, 0)
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The meetings a year a pair agreed must be a whole number ...
    """
    find_pair(store, pair_id)
    if per_year is not None:
        if (isinstance(per_year, bool) or not isinstance(per_year, Integral)
                or not 1 <= per_year <= MOST_MEETINGS_A_YEAR):
            raise SettingsError(
                "The meetings a year a pair agreed must be a whole number from 1 to "
                f"{MOST_MEETINGS_A_YEAR} (got {per_year!r}). Nothing was changed.")
    per_year = None if per_year is None else int(per_year)
    save_meetings_per_year(store, pair_id, per_year)
    return per_year
