"""A scheme's own rules: who may mentor whom, how far apart in grade, how many mentors each.

A rules object (the rules file of ``match --rules`` holds the same JSON object) has these keys,
each optional:

- ``mentor_min_grade``: the lowest grade a mentor may have (a grade on the scheme's ladder);
- ``mentee_min_grade``, ``mentee_max_grade``: the grades mentees may have;
- ``min_gap``, ``max_gap``: the fewest and most grades between mentor and mentee (hard);
- ``same_department``: true allows a mentor from the mentee's own department (default false);
- ``mentors_per_mentee``: how many mentors a mentee may get (default 1).

This module is pure: it checks the values and reads grade names onto a ladder; reading and
writing the file is in :mod:`toolkit.pairing.settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from toolkit.core.ladder import Ladder
from toolkit.errors import SettingsError

__all__ = ["GRADE_KEYS", "RULES_EXAMPLE", "RULE_KEYS", "SchemeRules", "validate_rules"]

#: Every key a rules file may hold.
RULE_KEYS: tuple[str, ...] = ("mentor_min_grade", "mentee_min_grade", "mentee_max_grade",
                              "min_gap", "max_gap", "same_department", "mentors_per_mentee")
#: The keys that name a grade on the ladder.
GRADE_KEYS: tuple[str, ...] = ("mentor_min_grade", "mentee_min_grade", "mentee_max_grade")
#: What a rules file looks like (shown when one is not valid).
RULES_EXAMPLE = ('{"mentor_min_grade": "Grade 7", "mentee_max_grade": "Grade 8", "min_gap": 1, '
                 '"max_gap": 2, "same_department": false, "mentors_per_mentee": 1}')


@dataclass(frozen=True)
class SchemeRules:
    """The rules of one scheme; every field left as None (or its default) adds no rule.

    Examples
    --------
    >>> from toolkit.core.ladder import DEFAULT_LADDER
    >>> rules = SchemeRules(mentor_min_grade="grade 7", max_gap=2)
    >>> rules.levels(DEFAULT_LADDER)
    {'mentor_min_grade': 2, 'mentee_min_grade': None, 'mentee_max_grade': None}
    >>> SchemeRules(mentee_min_grade="Dean").levels(DEFAULT_LADDER)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: 'Dean' (mentee_min_grade in the rules) is not a grade on ...
    """

    mentor_min_grade: str | None = None
    mentee_min_grade: str | None = None
    mentee_max_grade: str | None = None
    min_gap: int | None = None
    max_gap: int | None = None
    same_department: bool = False
    mentors_per_mentee: int = 1

    def to_dict(self) -> dict:
        """Return the rules as the JSON object a rules file holds (unset keys left out)."""
        default = SchemeRules()
        return {k: v for k, v in asdict(self).items() if v != getattr(default, k)}

    def levels(self, ladder: Ladder) -> dict[str, int | None]:
        """Read the grade rules onto ``ladder``: each grade key's level index (None if unset).

        Raises
        ------
        SettingsError
            If a grade is not on the ladder (the message lists the ladder), or the mentees'
            lowest grade is above their highest.
        """
        out: dict[str, int | None] = {}
        for key in GRADE_KEYS:
            name = getattr(self, key)
            if name is None:
                out[key] = None
                continue
            level = ladder.level_of(name)
            if level is None:
                raise SettingsError(
                    f"'{name}' ({key} in the rules) is not a grade on the ladder "
                    f"'{ladder.name}': use one of {list(ladder.levels)}.")
            out[key] = int(level)
        low, high = out["mentee_min_grade"], out["mentee_max_grade"]
        if low is not None and high is not None and low > high:
            raise SettingsError(
                f"The rules' mentee_min_grade ({self.mentee_min_grade}) is above their "
                f"mentee_max_grade ({self.mentee_max_grade}): no mentee could take part.")
        return out


def _whole(value: object, key: str, source: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise SettingsError(f"'{key}' in {source} must be a whole number of {least} or more "
                            f"(got {value!r}).")
    return int(value)


def validate_rules(data: Mapping[str, object] | SchemeRules | None, source: str = "the rules"
                   ) -> SchemeRules:
    """Check a rules object and return it as :class:`SchemeRules`.

    A key set to null counts as left out. Grade names are checked against the ladder later
    (:meth:`SchemeRules.levels`), when the sign-ups' ladder is known.

    Parameters
    ----------
    data : mapping, SchemeRules or None
        The rules; None gives no rules beyond the built-in ones.
    source : str
        Where the rules came from, for messages.

    Raises
    ------
    SettingsError
        If a key is unknown or a value is not allowed.

    Examples
    --------
    >>> validate_rules({"max_gap": 2, "same_department": True})
    SchemeRules(mentor_min_grade=None, mentee_min_grade=None, mentee_max_grade=None, \
min_gap=None, max_gap=2, same_department=True, mentors_per_mentee=1)
    >>> validate_rules({"max_gap": -1})
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: 'max_gap' in the rules must be a whole number of 0 or more \
(got -1).
    """
    if data is None:
        return SchemeRules()
    if isinstance(data, SchemeRules):
        data = data.to_dict()
    unknown = [k for k in data if k not in RULE_KEYS]
    if unknown:
        raise SettingsError(f"{source[0].upper()}{source[1:]}: '{unknown[0]}' is not a rule; the "
                            f"rules are {list(RULE_KEYS)}. {RULES_EXAMPLE}")
    values = {k: v for k, v in data.items() if v is not None}
    out: dict[str, object] = {}
    for key in GRADE_KEYS:
        if key in values:
            if not isinstance(values[key], str) or not values[key].strip():
                raise SettingsError(f"'{key}' in {source} must be a grade name such as "
                                    f"\"Grade 7\" (got {values[key]!r}).")
            out[key] = values[key].strip()
    for key in ("min_gap", "max_gap"):
        if key in values:
            out[key] = _whole(values[key], key, source, 0)
    if "min_gap" in out and "max_gap" in out and out["min_gap"] > out["max_gap"]:  # type: ignore[operator]
        raise SettingsError(f"'min_gap' ({out['min_gap']}) is larger than 'max_gap' "
                            f"({out['max_gap']}) in {source}: no pair could keep both.")
    if "same_department" in values:
        if not isinstance(values["same_department"], bool):
            raise SettingsError(f"'same_department' in {source} must be true or false "
                                f"(got {values['same_department']!r}).")
        out["same_department"] = values["same_department"]
    if "mentors_per_mentee" in values:
        out["mentors_per_mentee"] = _whole(values["mentors_per_mentee"], "mentors_per_mentee",
                                           source, 1)
    return SchemeRules(**out)  # type: ignore[arg-type]
