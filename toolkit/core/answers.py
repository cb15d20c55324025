"""Form answers as people give them: roles, yes or no, multiple choice, how to meet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.core.text import fold

__all__ = [
    "MEETING_MODES",
    "ROLE_VALUES",
    "parse_yes_no",
    "read_meeting_modes",
    "split_multi",
]

#: How people write their role, folded, and the role it means.
ROLE_VALUES = {
    "mentor": "mentor",
    "mentors": "mentor",
    "a mentor": "mentor",
    "mentor only": "mentor",
    "mentee": "mentee",
    "mentees": "mentee",
    "a mentee": "mentee",
    "mentee only": "mentee",
    "protege": "mentee",
    "both": "both",
    "mentor and mentee": "both",
    "mentee and mentor": "both",
    "mentor & mentee": "both",
    "mentee & mentor": "both",
    "both mentor and mentee": "both",
    "both a mentor and a mentee": "both",
    "either": "both",
    "mentor;mentee": "both",
    "mentee;mentor": "both",
}

#: How people write how they would like to meet, folded, and the mode it means.
MEETING_MODES = {
    "in person": "in person",
    "in-person": "in person",
    "face to face": "in person",
    "face-to-face": "in person",
    "f2f": "in person",
    "on campus": "in person",
    "online": "online",
    "virtual": "online",
    "video": "online",
    "remote": "online",
    "teams": "online",
    "zoom": "online",
    "phone": "online",
    "either": "either",
    "both": "either",
    "no preference": "either",
    "any": "either",
    "hybrid": "either",
    "mixed": "either",
}

_YES = {"yes", "y", "true", "1", "approved", "agreed", "confirmed", "x", "done", "ok"}
_NO = {"no", "n", "false", "0", "", "not yet", "pending", "not approved", "declined", "waiting",
       "awaiting"}

def parse_yes_no(series: pd.Series) -> pd.Series:
    """Read yes/no answers: True, False, or missing (NA) when the answer is not recognised.

    An empty cell, "pending" or "not yet" count as no.

    Examples
    --------
    >>> parse_yes_no(pd.Series(["Yes", "", "pending", "maybe"])).tolist()
    [True, False, False, <NA>]
    """
    folded = fold(series).str.rstrip(".;")
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[folded.isin(_YES)] = True
    out[folded.isin(_NO)] = False
    return out


def split_multi(series: pd.Series) -> pd.Series:
    """Split multi-choice answers into lists of trimmed answers.

    Microsoft Forms writes ``a;b;c;`` and Google Forms ``a, b``; a semicolon anywhere in the
    cell means semicolons separate the answers, otherwise commas do.

    Examples
    --------
    >>> split_multi(pd.Series(["Teaching;Grants;", "Teaching, Leadership", ""])).tolist()
    [['Teaching', 'Grants'], ['Teaching', 'Leadership'], []]
    """
    text = series.fillna("").astype(str)
    sep = np.where(text.str.contains(";", regex=False), ";", ",")
    return pd.Series(
        [[p.strip() for p in t.split(s) if p.strip()] for t, s in zip(text, sep, strict=True)],
        index=series.index,
        dtype=object,
    )


def read_meeting_modes(series: pd.Series) -> pd.Series:
    """Read meeting preferences: known words first, then keywords ("Online (Teams)")."""
    folded = fold(series)
    mode = folded.map(MEETING_MODES)
    bare = folded.str.replace(r"\(.*?\)", "", regex=True).str.strip()
    mode = mode.fillna(bare.map(MEETING_MODES))
    online = folded.str.contains(r"online|virtual|teams|zoom|video|remote", regex=True)
    person = folded.str.contains(r"in person|in-person|face|campus|office", regex=True)
    either = folded.str.contains(r"either|no preference|both|hybrid", regex=True)
    guess = pd.Series(np.select([either | (online & person), online, person],
                                ["either", "online", "in person"], default=""),
                      index=series.index).replace("", pd.NA)
    return mode.fillna(guess)
