"""The pairing's settings files: the weights and the scheme's rules.

The weights say how much each score component counts (and may set the grade gaps); the rules
are :mod:`toolkit.pairing.rules`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from toolkit.io.outputs import atomic_write
from toolkit.io.settings import read_settings
from toolkit.pairing.rules import RULE_KEYS, RULES_EXAMPLE, SchemeRules, validate_rules
from toolkit.pairing.scoring import COMPONENTS, WEIGHT_SETTINGS, validate_weight_settings

__all__ = ["RULES_FILE", "WEIGHTS_EXAMPLE", "read_rules", "read_weights", "write_rules"]

#: The rules file's usual name, kept beside the scheme store.
RULES_FILE = "rules.json"

#: What a weights file looks like (shown when one is not valid).
WEIGHTS_EXAMPLE = ('{"topics": 0.4, "seniority": 0.3, "meeting_mode": 0.2, '
                   '"gender_preference": 0.1, "mentor_choice": 0.3, "mentor_kind": 0.2}')


def read_weights(source: str | Path | Mapping[str, object] | None
                 ) -> tuple[dict[str, float], dict]:
    """Read a weights file: a JSON object of component weights and optional rule settings.

    Besides one weight per component (a component left out keeps its default weight; 0
    switches it off), the file may hold ``"min_gap"`` (a whole number: the smallest allowed
    grade gap) and ``"ideal_gap"`` (two whole numbers: the gap range that scores highest).

    Parameters
    ----------
    source : str, Path, mapping or None
        The JSON file, or the object itself; None gives the default weights.

    Returns
    -------
    (dict, dict)
        The validated weights, and the settings found (``min_gap``, ``ideal_gap``).

    Raises
    ------
    SettingsError
        If the file is missing or not JSON, names something that is neither a component
        nor a setting, or holds a value that is not allowed.

    Examples
    --------
    >>> weights, settings = read_weights({"topics": 1, "min_gap": 2})
    >>> weights["topics"], settings
    (1.0, {'min_gap': 2})
    >>> read_weights(None)[0]["topics"]
    0.4
    """
    data = read_settings(source, "weights", allowed=(*COMPONENTS, *WEIGHT_SETTINGS),
                         example=WEIGHTS_EXAMPLE)
    where = ("the weights" if source is None or isinstance(source, Mapping)
             else f"the weights file '{source}'")
    return validate_weight_settings(data, where)


def read_rules(source: str | Path | Mapping[str, object] | SchemeRules | None) -> SchemeRules:
    """Read a scheme's rules file: a JSON object with the keys of :data:`RULE_KEYS`.

    Every key is optional; a key the toolkit does not know is refused (with the closest
    one suggested). Grade names are checked against the sign-ups' ladder when matching.

    Parameters
    ----------
    source : str, Path, mapping, SchemeRules or None
        The JSON file, or the rules themselves; None gives no rules beyond the built-in ones.

    Raises
    ------
    SettingsError
        If the file is missing or not JSON, or a key or value is not allowed.

    Examples
    --------
    >>> read_rules({"max_gap": 2}).max_gap
    2
    >>> read_rules({"max_grap": 2})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.SettingsError: The rules: 'max_grap' is not a setting (did you mean ...
    """
    if isinstance(source, SchemeRules):
        return source
    data = read_settings(source, "rules", allowed=RULE_KEYS, example=RULES_EXAMPLE)
    where = ("the rules" if source is None or isinstance(source, Mapping)
             else f"the rules file '{source}'")
    return validate_rules(data, where)


def write_rules(rules: SchemeRules | Mapping[str, object], path: str | Path) -> Path:
    """Write a scheme's rules as its JSON file (in one step: a failed write changes nothing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = write_rules({"max_gap": 2}, pathlib.Path(tempfile.mkdtemp()) / RULES_FILE)
    >>> read_rules(path) == SchemeRules(max_gap=2)
    True
    """
    data = validate_rules(rules).to_dict()
    text = json.dumps(data, indent=2) + "\n"
    return atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
