"""Grade ladders: the ordered levels of seniority that grades are read onto."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import SettingsError

__all__ = [
    "CIVIL_SERVICE_LADDER",
    "DEFAULT_LADDER",
    "DEFAULT_LADDER_NAME",
    "LADDERS",
    "LECTURER_LADDER",
    "Ladder",
    "load_ladder",
    "resolve_ladder",
]

_SPACES = re.compile(r"[\s_\-./]+")


def _key(text: str) -> str:
    """Fold a grade as written into a comparison key (case, spaces and dashes ignored)."""
    return _SPACES.sub(" ", str(text)).strip().casefold()


@dataclass(frozen=True)
class Ladder:
    """An ordered list of seniority levels, lowest first, each with its synonyms.

    Parameters
    ----------
    name : str
        A short title shown in messages, e.g. ``"UK higher-education grades"``.
    levels : sequence of str
        Level names from the most junior to the most senior.
    synonyms : dict of str to sequence of str, optional
        Other ways people write a level, keyed by the level name.

    Examples
    --------
    >>> ladder = Ladder("Academic", ["Lecturer", "Senior Lecturer", "Reader", "Professor"],
    ...                 {"Senior Lecturer": ["SL"]})
    >>> ladder.level_of("senior  lecturer"), ladder.level_of("sl"), ladder.level_of("Dean")
    (1, 1, None)
    """

    name: str
    levels: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __init__(
        self,
        name: str,
        levels: Sequence[str],
        synonyms: dict[str, Iterable[str]] | None = None,
    ) -> None:
        levels = tuple(str(level).strip() for level in levels)
        if not levels:
            raise SettingsError(f"The ladder '{name}' has no levels: list at least two grades.")
        synonyms = {str(k).strip(): tuple(str(s) for s in v) for k, v in (synonyms or {}).items()}
        unknown = [k for k in synonyms if k not in levels]
        if unknown:
            raise SettingsError(
                f"The ladder '{name}' gives synonyms for {unknown}, which are not among its "
                f"levels {list(levels)}: correct the level names."
            )
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "synonyms", synonyms)
        lookup: dict[str, int] = {}
        for index, level in enumerate(levels):
            for spelling in (level, *synonyms.get(level, ())):
                key = _key(spelling)
                if key in lookup and lookup[key] != index:
                    raise SettingsError(
                        f"The ladder '{name}' uses '{spelling}' for two levels "
                        f"('{levels[lookup[key]]}' and '{level}'): keep it on one only."
                    )
                lookup[key] = index
        object.__setattr__(self, "_lookup", lookup)

    @property
    def senior_grade(self) -> str:
        """The grade from which people count as senior unless the lead chooses another.

        Two thirds of the way up: Grade 9 on the UK higher-education ladder, SCS1 (the
        Senior Civil Service) on the civil-service one.

        Examples
        --------
        >>> LADDERS["uk-he"].senior_grade, LADDERS["civil-service"].senior_grade
        ('Grade 9', 'SCS1')
        """
        return self.levels[min(len(self.levels) - 1, round(len(self.levels) * 2 / 3))]

    def level_of(self, grade: str | None) -> int | None:
        """Return the level index (0 is the most junior) of a grade, or None if unknown."""
        if grade is None or (isinstance(grade, float) and np.isnan(grade)):
            return None
        return self._lookup.get(_key(grade))  # type: ignore[attr-defined]

    def levels_of(self, grades: pd.Series) -> pd.Series:
        """Vectorised :meth:`level_of`: a nullable integer Series aligned with ``grades``."""
        keys = grades.astype("string").str.replace(_SPACES, " ", regex=True).str.strip()
        return keys.str.casefold().map(self._lookup).astype("Int64")  # type: ignore[attr-defined]

    def label(self, level: int) -> str:
        """Return the canonical name of a level index."""
        return self.levels[level]

    def _closest(self, grade: str) -> tuple[str, str] | None:
        spellings = {}
        for level in self.levels:
            for spelling in (level, *self.synonyms.get(level, ())):
                spellings[_key(spelling)] = level
        match = difflib.get_close_matches(_key(grade), list(spellings), n=1, cutoff=0.5)
        return (match[0], spellings[match[0]]) if match else None

    def suggest(self, grade: str) -> str | None:
        """Describe the closest known spelling of an unknown grade, e.g. ``'lecturer' (Grade 8)``.

        Examples
        --------
        >>> DEFAULT_LADDER.suggest("Senior lectuer")
        "'senior lecturer' (Grade 9)"
        """
        closest = self._closest(grade)
        if closest is None:
            return None
        spelling, level = closest
        return f"'{level}'" if spelling == _key(level) else f"'{spelling}' ({level})"

    def to_dict(self) -> dict:
        """Return the ladder as the JSON-ready structure :func:`load_ladder` reads."""
        return {
            "name": self.name,
            "levels": [
                {"name": level, "synonyms": list(self.synonyms.get(level, ()))}
                for level in self.levels
            ],
        }


def load_ladder(path: str | Path) -> Ladder:
    """Read a ladder from a JSON file.

    The file holds ``{"name": ..., "levels": [{"name": ..., "synonyms": [...]}, ...]}``
    with levels from the most junior to the most senior. A level may also be a plain string.

    Parameters
    ----------
    path : str or Path
        The JSON file.

    Returns
    -------
    Ladder

    Raises
    ------
    SettingsError
        If the file cannot be read or does not have that shape.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SettingsError(f"The ladder file '{path}' does not exist: check the path.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(
            f"The ladder file '{path}' is not valid JSON ({exc}): see "
            "sample_data/ladders/ for the expected shape."
        ) from None
    levels = data.get("levels") if isinstance(data, dict) else None
    if not isinstance(levels, list) or len(levels) < 2:
        raise SettingsError(
            f"The ladder file '{path}' must hold an object with a 'levels' list of at least two "
            "grades, most junior first."
        )
    names: list[str] = []
    synonyms: dict[str, list[str]] = {}
    for entry in levels:
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            names.append(entry["name"])
            syn = entry.get("synonyms", [])
            if not isinstance(syn, list) or not all(isinstance(s, str) for s in syn):
                raise SettingsError(
                    f"In the ladder file '{path}', the synonyms of '{entry['name']}' must be a "
                    "list of text."
                )
            synonyms[entry["name"]] = syn
        else:
            raise SettingsError(
                f"In the ladder file '{path}', each level must be text or an object with a "
                f"'name' (got {entry!r})."
            )
    return Ladder(str(data.get("name", path.stem)), names, synonyms)


DEFAULT_LADDER = Ladder(
    "UK higher-education grades",
    ["PhD student", "Grade 6", "Grade 7", "Grade 8", "Grade 9", "Grade 10"],
    {
        "PhD student": [
            "PhD", "PhD candidate", "doctoral student", "research student",
            "postgraduate researcher", "PGR", "DPhil student",
        ],
        "Grade 6": ["G6", "6", "research assistant", "teaching assistant"],
        "Grade 7": [
            "G7", "7", "postdoc", "postdoctoral researcher", "postdoctoral research fellow",
            "research fellow", "research associate", "teaching fellow",
        ],
        "Grade 8": ["G8", "8", "lecturer", "senior research fellow", "senior teaching fellow"],
        "Grade 9": [
            "G9", "9", "associate professor", "senior lecturer", "principal research fellow",
        ],
        "Grade 10": ["G10", "10", "professor", "full professor", "professorial"],
    },
)

LECTURER_LADDER = Ladder(
    "Lecturer to Professor",
    ["Lecturer", "Senior Lecturer", "Reader", "Professor"],
    {"Lecturer": ["L"], "Senior Lecturer": ["SL"], "Reader": ["Associate Professor"],
     "Professor": ["Prof", "Full Professor"]},
)

CIVIL_SERVICE_LADDER = Ladder(
    "UK Civil Service grades",
    ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"],
    {
        "AA": ["Administrative Assistant"],
        "AO": ["Administrative Officer"],
        "EO": ["Executive Officer"],
        "HEO": ["Higher Executive Officer"],
        "SEO": ["Senior Executive Officer"],
        "Grade 7": ["G7"],
        "Grade 6": ["G6"],
        "SCS1": ["SCS 1", "SCS PB1", "Deputy Director"],
        "SCS2": ["SCS 2", "SCS PB2", "Director"],
        "SCS3": ["SCS 3", "SCS PB3", "Director General"],
        "SCS4": ["SCS 4", "Permanent Secretary"],
    },
)

#: The ladders shipped with the toolkit, by short name (``--ladder`` also accepts these names).
#: The short name of the default ladder.
DEFAULT_LADDER_NAME = "uk-he"

LADDERS = {
    DEFAULT_LADDER_NAME: DEFAULT_LADDER,
    "lecturer": LECTURER_LADDER,
    "civil-service": CIVIL_SERVICE_LADDER,
}


def resolve_ladder(ladder: Ladder | str | Path | None) -> Ladder:
    """Return a ladder from a Ladder, a shipped ladder's short name, or a JSON file path."""
    if ladder is None:
        return DEFAULT_LADDER
    if isinstance(ladder, Ladder):
        return ladder
    if str(ladder) in LADDERS:
        return LADDERS[str(ladder)]
    return load_ladder(ladder)
