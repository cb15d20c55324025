"""Mentor pairing: the rules, the score and the exact solver, with the files and store around them.

- :mod:`~toolkit.pairing.scoring` and :mod:`~toolkit.pairing.matching` are the engine: pure
  functions of the sign-ups (:func:`match_mentors`, :class:`MentorMatcher`).
- :mod:`~toolkit.pairing.rules` holds a scheme's own rules (:class:`SchemeRules`): grades who
  may take part, the grade gap, the same department, mentors per mentee.
- :mod:`~toolkit.pairing.settings` and :mod:`~toolkit.pairing.pair_files` read the lead's
  files (weights; the rules; pairs to lock, forbid or keep).
- :mod:`~toolkit.pairing.service` gathers a round's inputs from the sign-ups, the files and
  the store (:func:`gather_match_inputs`, used by both the ``match`` command and the pairing
  panel) and saves the pairs (:func:`save_match`).
- :mod:`~toolkit.pairing.outputs` writes ``pairs.csv``, ``unmatched.csv`` and ``run.json``;
  :mod:`~toolkit.pairing.introductions` drafts one introduction e-mail per pair.
"""

from toolkit.pairing.introductions import render_introductions, write_introductions
from toolkit.pairing.matching import (
    PAIR_COLUMNS,
    MatchResult,
    MentorMatcher,
    compare_pairs,
    match_mentors,
    run_summary,
)
from toolkit.pairing.outputs import write_match_outputs
from toolkit.pairing.pair_files import read_pairs_file
from toolkit.pairing.rules import SchemeRules
from toolkit.pairing.scoring import COMPONENTS, DEFAULT_WEIGHTS, validate_weights
from toolkit.pairing.service import (
    MatchInputs,
    gather_match_inputs,
    load_finished_pairs,
    load_pairing_constraints,
    save_match,
)
from toolkit.pairing.settings import read_rules, read_weights, write_rules

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "PAIR_COLUMNS",
    "MatchInputs",
    "MatchResult",
    "MentorMatcher",
    "SchemeRules",
    "compare_pairs",
    "gather_match_inputs",
    "load_finished_pairs",
    "load_pairing_constraints",
    "match_mentors",
    "read_pairs_file",
    "read_rules",
    "read_weights",
    "render_introductions",
    "run_summary",
    "save_match",
    "validate_weights",
    "write_introductions",
    "write_match_outputs",
    "write_rules",
]
