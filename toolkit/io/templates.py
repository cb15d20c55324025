"""Templates a lead may edit: one syntax, ``{placeholder}``, for every message and document.

Introductions, UnMentoring announcements, warning messages and agreements are plain text
files with placeholders in braces, such as ``Dear {first_name},``. ``{{`` and ``}}`` write a
brace. A template is checked against the placeholders its use knows before anything is
written, so a typing mistake stops the run with a message naming it, never halfway through.

Templates written for earlier versions with ``$first_name`` placeholders still work for this
release: they are read as ``{first_name}`` and a notice says so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from toolkit.errors import SettingsError

__all__ = ["Template", "read_template", "shipped_template_text"]

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)\}|[{}]")
_LEGACY = re.compile(r"\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")
_SUBJECT = re.compile(r"^\s*subject\s*:\s*", re.IGNORECASE)


class Template:
    """A text with ``{placeholders}``, checked once and filled in for each person or pair.

    Parameters
    ----------
    text : str
        The template's text.
    source : str
        Where it came from, for messages (a file name, or "the introduction template").

    Attributes
    ----------
    fields : tuple of str
        The placeholders used, in order of first use.
    notices : list of str
        Notes for the lead (an older ``$name`` template read as ``{name}``).

    Raises
    ------
    SettingsError
        If a brace is not part of a placeholder (write ``{{`` or ``}}`` for a brace).

    Examples
    --------
    >>> t = Template("Dear {first_name}, meet {partner} {{in person}}.")
    >>> t.fields
    ('first_name', 'partner')
    >>> t.render({"first_name": "Ada", "partner": "Bo"})
    'Dear Ada, meet Bo {in person}.'
    >>> Template("Dear $first_name,").render({"first_name": "Ada"})
    'Dear Ada,'
    """

    def __init__(self, text: str, source: str = "The template") -> None:
        self.source = source
        self.notices: list[str] = []
        if "{" not in text and "}" not in text and _LEGACY.search(text.replace("$$", "")):
            text = _LEGACY.sub(lambda m: "$" if m.group(0) == "$$"
                               else "{" + (m.group(1) or m.group(2)) + "}", text)
            self.notices.append(
                f"{source} uses the older $name placeholders; they still work in this release, "
                "but write {name} from now on.")
        self.text = text
        self._parts: list[tuple[bool, str]] = []
        seen: dict[str, None] = {}
        at = 0
        for m in _TOKEN.finditer(text):
            self._parts.append((False, text[at:m.start()]))
            token = m.group(0)
            if m.group(1):
                self._parts.append((True, m.group(1)))
                seen.setdefault(m.group(1), None)
            elif token in ("{{", "}}"):
                self._parts.append((False, token[0]))
            else:
                line = text.count("\n", 0, m.start()) + 1
                raise SettingsError(
                    f"{source} has a '{token}' on line {line} that is not part of a "
                    "placeholder: placeholders look like {first_name}; write {{ or }} for a "
                    "brace.")
            at = m.end()
        self._parts.append((False, text[at:]))
        self.fields: tuple[str, ...] = tuple(seen)

    def check(self, allowed: Iterable[str]) -> Template:
        """Refuse placeholders this use of the template does not know; return the template.

        Raises
        ------
        SettingsError
            Naming each unknown placeholder (with the closest known one) and listing those
            that can be used.

        Examples
        --------
        >>> Template("Hi {frist_name}").check(["first_name", "week"])
        Traceback (most recent call last):
        ...
        toolkit.errors.SettingsError: The template uses {frist_name}, which is not a \
placeholder here (did you mean {first_name}?); the placeholders are {first_name}, {week}.
        """
        known = list(dict.fromkeys(allowed))
        for name in self.fields:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                maybe = f" (did you mean {{{close[0]}}}?)" if close else ""
                raise SettingsError(
                    f"{self.source} uses {{{name}}}, which is not a placeholder here{maybe}; "
                    f"the placeholders are {', '.join('{' + k + '}' for k in known)}.")
        return self

    def render(self, values: Mapping[str, object]) -> str:
        """Fill in the placeholders (a missing value is written as empty text)."""
        return "".join(str(values.get(text, "") or "") if is_field else text
                       for is_field, text in self._parts)

    def split_subject(self) -> tuple[Template, Template]:
        """Split an e-mail template into its ``Subject:`` line and its body.

        Raises
        ------
        SettingsError
            If the first line is not ``Subject: ...``.

        Examples
        --------
        >>> subject, body = Template("Subject: Hello {name}\\n\\nDear {name},").split_subject()
        >>> subject.render({"name": "Ada"}), body.render({"name": "Ada"})
        ('Hello Ada', 'Dear Ada,')
        """
        first, _, rest = self.text.partition("\n")
        if not _SUBJECT.match(first):
            raise SettingsError(f"{self.source} must start with a line 'Subject: ...' (the "
                                "e-mail's subject), then the text of the e-mail.")
        subject = Template(_SUBJECT.sub("", first).strip(),
                           f"The subject line of {self.source[:1].lower()}{self.source[1:]}")
        body = Template(rest.lstrip("\n"), self.source)
        return subject, body


def shipped_template_text(name: str) -> str:
    """Return the text of a template shipped with the toolkit (``toolkit/templates/NAME``).

    Examples
    --------
    >>> shipped_template_text("introduction.txt").startswith("Subject:")
    True
    """
    return (resources.files("toolkit") / "templates" / name).read_text(encoding="utf-8")


def read_template(path: str | Path | None, shipped: str,
                  allowed: Iterable[str] | None = None) -> Template:
    """Read a lead's template file, or the shipped one when ``path`` is None, and check it.

    Parameters
    ----------
    path : str, Path or None
        The lead's own copy of the template.
    shipped : str
        The shipped template's file name in ``toolkit/templates``.
    allowed : iterable of str, optional
        The placeholders this use knows; others are refused (see :meth:`Template.check`).

    Raises
    ------
    SettingsError
        If the file cannot be read, or the template is not valid.
    """
    if path is None:
        template = Template(shipped_template_text(shipped), f"The template '{shipped}'")
    else:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SettingsError(f"The template '{path}' does not exist: check the path."
                                ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"The template '{path}' cannot be read ({exc}): save it as "
                                "UTF-8 text.") from None
        template = Template(text, f"The template '{path}'")
    if allowed is not None:
        template.check(allowed)
    return template
