"""Mentoring agreements: one pre-filled document per pair, as Word (.docx) and Markdown."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd

from toolkit.errors import SettingsError
from toolkit.io.outputs import atomic_write
from toolkit.relationships.lifecycle import Lifecycle, pair_table
from toolkit.store.connection import Store

__all__ = [
    "agreement_fields",
    "load_agreement_template",
    "markdown_to_docx",
    "render_agreement",
    "write_agreements",
]

_FIELD = re.compile(r"\{(\w+)\}")
_BOLD = re.compile(r"(\*\*[^*]+\*\*)")


def load_agreement_template(path: str | Path | None = None) -> str:
    """Return the agreement template: the shipped one, or the lead's own Markdown file.

    The template is Markdown: ``#`` and ``##`` headings, ``- `` bullet points, ``**bold**``
    words, and fields in braces (``{mentee_name}``, ``{mentee_department}``,
    ``{mentor_name}``, ``{mentor_department}``, ``{start}``, ``{term_end}``,
    ``{term_months}``, ``{renewal_text}``, ``{target}``, ``{pair_id}``) that are filled in
    for each pair.

    Examples
    --------
    >>> load_agreement_template().splitlines()[0]
    '# Mentoring agreement'
    """
    if path is None:
        return (resources.files("toolkit") / "templates" / "agreement.md").read_text(
            encoding="utf-8")
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SettingsError(
            f"The agreement template '{path}' does not exist: check the path, or leave it "
            "empty to use the toolkit's own template.") from None


def agreement_fields(pairs: pd.DataFrame, lifecycle: Lifecycle | None = None,
                     target: int = 3) -> pd.DataFrame:
    """Return the values filled into each pair's agreement.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`~toolkit.relationships.lifecycle.pair_table` rows.
    lifecycle : Lifecycle, optional
        For the term length.
    target : int
        Meetings a year the scheme asks for.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``pair_id, mentee_name, mentee_department, mentor_name,
        mentor_department, start, term_end, term_months, target, renewal_text``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"pair_id": [7], "mentee_name": ["Ada"],
    ...     "mentee_department": ["Maths"], "mentor_name": ["Bo"],
    ...     "mentor_department": ["Physics"], "start": ["2026-10-05"],
    ...     "term_end": ["2027-10-05"], "renewals": [0]})
    >>> agreement_fields(pairs).loc[0, "renewal_text"]
    'it can be renewed once, for 12 more months, if you both wish'
    """
    lifecycle = lifecycle or Lifecycle()
    cols = ["pair_id", "mentee_name", "mentee_department", "mentor_name", "mentor_department",
            "start", "term_end"]
    out = pairs[cols].copy().reset_index(drop=True)
    pairs = pairs.reset_index(drop=True)
    out["start"] = out["start"].fillna("to be agreed")
    out["term_end"] = out["term_end"].fillna("to be agreed")
    out["term_months"] = str(lifecycle.term_months)
    out["target"] = str(target)
    times = {1: "once", 2: "twice"}.get(lifecycle.max_renewals,
                                       f"up to {lifecycle.max_renewals} times")
    renewals = pairs["renewals"].fillna(0).astype(int).to_numpy()
    left = lifecycle.max_renewals - renewals
    out["renewal_text"] = [
        f"it can be renewed {times}, for {lifecycle.renewal_months} more months, if you both wish"
        if r == 0 and n > 0 else
        f"it can be renewed again, for {lifecycle.renewal_months} more months, if you both wish"
        if n > 0 else "it cannot be renewed again" if r > 0 else "it cannot be renewed"
        for r, n in zip(renewals, left, strict=True)]
    return out.astype(str).reset_index(drop=True)


def render_agreement(values: dict[str, str], template: str | None = None) -> str:
    """Fill one pair's values into the Markdown template; unknown fields are left as they are.

    Examples
    --------
    >>> render_agreement({"mentee_name": "Ada"}, "Mentee: {mentee_name}; {other}")
    'Mentee: Ada; {other}'
    """
    template = load_agreement_template() if template is None else template
    return _FIELD.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def _add_runs(paragraph, text: str) -> None:
    for part in _BOLD.split(text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif part:
            paragraph.add_run(part)


def markdown_to_docx(markdown: str, path: str | Path) -> Path:
    """Write simple Markdown (headings, bullets, bold, paragraphs) as a Word document.

    The file is written atomically: a failed write leaves any old file as it was.

    Examples
    --------
    >>> import tempfile, pathlib, docx
    >>> p = markdown_to_docx("# Title\\n\\n- **A:** b\\n", pathlib.Path(tempfile.mkdtemp())
    ...                      / "x.docx")
    >>> [para.text for para in docx.Document(p).paragraphs]
    ['Title', 'A: b']
    """
    import docx

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
                     statuses: tuple[str, ...] = ("proposed", "active", "renewed"),
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
        Which pairs, when ``pair_ids`` is not given.
    scheme : str
        ``"mentoring"`` (default) or ``"coaching"``.
    formats : tuple of str
        ``"docx"`` and/or ``"md"``.
    template : str or Path, optional
        A Markdown template file of the lead's own (see :func:`load_agreement_template`).
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
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = Store(folder / "s.sqlite")
    >>> from toolkit.store.pairs import save_pairs
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
    text = load_agreement_template(template)
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
            row["docx"] = str(markdown_to_docx(markdown, out / f"{stem}.docx"))
        if "md" in formats:
            row["md"] = str(atomic_write(out / f"{stem}.md", lambda tmp, m=markdown:
                                         tmp.write_text(m, encoding="utf-8")))
        rows.append(row)
    return pd.DataFrame(rows, columns=["pair_id", *formats])
