"""The report's HTML, rendered from the jinja2 templates shipped in ``toolkit/templates``.

``report.html.j2`` is the page and ``report_section.html.j2`` one section (the page uses it
for each section; a notebook shows a section with it alone). Autoescaping is on: every text
is escaped, so nothing a lead typed (a department, a survey question) can add markup.
"""

from __future__ import annotations

import base64
import functools
import io
import re

import jinja2
import pandas as pd
from matplotlib.figure import Figure

__all__ = [
    "PAGE_TEMPLATE",
    "SECTION_TEMPLATE",
    "png_base64",
    "png_bytes",
    "render_page",
    "render_section",
    "table_cells",
]

#: The page template, in ``toolkit/templates``.
PAGE_TEMPLATE = "report.html.j2"
#: The template of one section (a macro ``section(section, links)``).
SECTION_TEMPLATE = "report_section.html.j2"

#: A cell that reads as a number (or a hidden number): right-aligned in a table.
_NUMBER = re.compile(r"^([-+]?[\d.,]+%?|\.\.|[-+]?[\d.]+ \(\w+\)|\d+ of \d+)$")


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("toolkit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def png_bytes(fig: Figure, dpi: int = 110, metadata: dict | None = None) -> bytes:
    """Render a figure as PNG bytes (with no software stamp, so the bytes are reproducible).

    Examples
    --------
    >>> from toolkit.plots.figures import new_figure
    >>> png_bytes(new_figure())[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={**(metadata or {}), "Software": None})
    return buffer.getvalue()


def png_base64(png: bytes) -> str:
    """Encode PNG bytes for a ``data:`` address, so the page needs no other file.

    Examples
    --------
    >>> png_base64(b"\\x89PNG")
    'iVBORw=='
    """
    return base64.b64encode(png).decode("ascii")


def table_cells(table: pd.DataFrame) -> list[list[dict[str, object]]]:
    """Turn a published text table into cells: ``text`` and whether it reads as a ``number``.

    Numbers (and hidden cells, ``..``) are right-aligned in the report, words left-aligned.

    Examples
    --------
    >>> table_cells(pd.DataFrame({"Group": ["Physics"], "People": ["20"]}))
    [[{'text': 'Physics', 'number': False}, {'text': '20', 'number': True}]]
    """
    rows = []
    for record in table.itertuples(index=False):
        texts = ["" if pd.isna(value) else str(value) for value in record]
        rows.append([{"text": t, "number": bool(_NUMBER.match(t))} for t in texts])
    return rows


def render_section(section: dict[str, object], links: bool = False) -> str:
    """Render one section (a mapping as :meth:`toolkit.evaluation.sections.Section.view`).

    ``links`` adds links to the figure and table files written beside the page.

    Examples
    --------
    >>> print(render_section({"slug": "s", "title": "A & B", "paragraphs": ["1 < 2"],
    ...                       "items": []}))
    <section id="s"><h2>A &amp; B</h2>
    <p>1 &lt; 2</p>
    </section>
    """
    macro = _environment().get_template(SECTION_TEMPLATE).module.section
    return str(macro(section, links))


def render_page(sections: list[dict[str, object]], cohort: str, statement: str,
                version: str, made_on: str) -> str:
    """Render the whole report page: header, contents, every section, footer.

    Parameters
    ----------
    sections : list of dict
        Each as :meth:`toolkit.evaluation.sections.Section.view`.
    cohort : str
        The cohort, for the title.
    statement : str
        The disclosure rule in plain words.
    version : str
        The toolkit's version.
    made_on : str
        The date, as the page shows it.

    Returns
    -------
    str
        The page, a complete HTML document.

    Examples
    --------
    >>> page = render_page([], "2026", "Rounded.", "1.0", "1 July 2026")
    >>> page.splitlines()[0], "<title>Mentoring scheme evaluation: cohort 2026</title>" in page
    ('<!DOCTYPE html>', True)
    """
    return _environment().get_template(PAGE_TEMPLATE).render(
        sections=sections, cohort=cohort, statement=statement, version=version,
        made_on=made_on)
