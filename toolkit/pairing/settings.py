"""The pairing's weights file: how much each score component counts, and the grade gaps."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from toolkit.io.settings import read_settings
from toolkit.pairing.scoring import COMPONENTS, WEIGHT_SETTINGS, validate_weight_settings

__all__ = ["WEIGHTS_EXAMPLE", "read_weights"]

#: What a weights file looks like (shown when one is not valid).
WEIGHTS_EXAMPLE = ('{"topics": 0.4, "seniority": 0.3, "meeting_mode": 0.2, '
                   '"gender_preference": 0.1}')


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
