"""Text as people type it: one fold for comparing answers, and e-mail addresses as keys."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = ["EMAIL_PATTERN", "fold", "fold_key", "is_email", "normalise_emails"]

#: What the toolkit accepts as an e-mail address (after :func:`normalise_emails`).
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[a-z]{2,}$")

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold_one(text: object) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text)).casefold()).strip()


def fold(values: pd.Series | str | None) -> pd.Series | str:
    """Fold text for comparing answers: Unicode-normalised, case folded, spaces squeezed.

    Missing values become empty text. This is the one fold the toolkit compares typed answers
    with (roles, yes/no, statuses, departments, categories); :func:`fold_key` builds on it for
    headers, where punctuation does not count either.

    Parameters
    ----------
    values : pandas.Series, str or None
        The text as typed.

    Returns
    -------
    pandas.Series or str
        The folded text, of the same kind as given.

    Examples
    --------
    >>> fold("  Mentor   AND mentee ")
    'mentor and mentee'
    >>> fold(pd.Series(["Yes", None, "ＮＯ"])).tolist()
    ['yes', '', 'no']
    """
    if isinstance(values, pd.Series):
        # Answers repeat (a column of departments holds a few dozen): fold each once.
        folded: dict[object, str] = {}
        out = []
        for v in values.to_numpy(dtype=object):
            try:
                out.append(folded[v])
            except KeyError:
                out.append(folded.setdefault(v, _fold_one(v)))
            except TypeError:  # pragma: no cover - a value that cannot be a key
                out.append(_fold_one(v))
        return pd.Series(out, index=values.index, dtype=object)
    return _fold_one(values)


def fold_key(values: pd.Series | str | None) -> pd.Series | str:
    """Fold text to a key of letters and digits only (for matching headers and spellings).

    Examples
    --------
    >>> fold_key("E-mail address:")
    'emailaddress'
    >>> fold_key(pd.Series(["Dept.", None])).tolist()
    ['dept', '']
    """
    if isinstance(values, pd.Series):
        return fold(values).str.replace(_NOT_ALNUM, "", regex=True)
    return _NOT_ALNUM.sub("", _fold_one(values))


def normalise_emails(values: pd.Series) -> pd.Series:
    """Return e-mail addresses as keys: Unicode NFC, trimmed and lower-case; missing as "".

    Examples
    --------
    >>> normalise_emails(pd.Series([" Ada@Example.ORG", None])).tolist()
    ['ada@example.org', '']
    """
    return pd.Series(
        [unicodedata.normalize("NFC", "" if v is None or (not isinstance(v, str) and pd.isna(v))
                               else str(v)).strip().casefold()
         for v in values.to_numpy(dtype=object)],
        index=values.index, dtype=object)


def is_email(values: pd.Series) -> pd.Series:
    """Mark the (normalised) values that are e-mail addresses the toolkit accepts.

    Examples
    --------
    >>> is_email(pd.Series(["ada@example.org", "ada@", ""])).tolist()
    [True, False, False]
    """
    return pd.Series([bool(EMAIL_PATTERN.match(v)) if isinstance(v, str) else False
                      for v in values], index=values.index, dtype=bool)
