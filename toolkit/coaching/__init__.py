"""Coaching requests: triage each request, match coaches, follow sessions and objectives.

The package by layer:

- importers: :mod:`~toolkit.coaching.requests` (the request form and the coach pool) and
  :mod:`~toolkit.coaching.records` (the session log, objective scores, the pairs file);
- engines, pure functions over DataFrames: :mod:`~toolkit.coaching.triage` (internal,
  external or on hold), :mod:`~toolkit.coaching.matching` (who may coach whom, the best
  matching, the waiting list) and :mod:`~toolkit.coaching.progress` (sessions against the
  limits, objective progress);
- outputs: :mod:`~toolkit.coaching.outputs` (the tracking workbook, objectives forms);
- the service: :mod:`~toolkit.coaching.round` (a round end to end, used by the ``coaching``
  command and the notebook panel alike). What it saves goes through
  :mod:`toolkit.store.coaching`; its charts are in :mod:`toolkit.plots.coaching`.
"""

from toolkit.coaching.matching import CoachMatch, MatchSettings, match_coaches
from toolkit.coaching.progress import (
    DEFAULT_LIMITS,
    ObjectiveProgress,
    SessionLimits,
    SessionStatus,
    objective_progress,
    objectives_of,
    session_status,
)
from toolkit.coaching.records import read_objective_scores, read_pairs, read_sessions
from toolkit.coaching.requests import CoachingImport, read_coaches, read_requests
from toolkit.coaching.round import (
    CoachingRound,
    RoundCheck,
    check_round,
    run_round,
    save_round,
    write_check,
    write_round,
)
from toolkit.coaching.triage import TriageRules, triage

__all__ = [
    "DEFAULT_LIMITS",
    "CoachMatch",
    "CoachingImport",
    "CoachingRound",
    "MatchSettings",
    "ObjectiveProgress",
    "RoundCheck",
    "SessionLimits",
    "SessionStatus",
    "TriageRules",
    "check_round",
    "match_coaches",
    "objective_progress",
    "objectives_of",
    "read_coaches",
    "read_objective_scores",
    "read_pairs",
    "read_requests",
    "read_sessions",
    "run_round",
    "save_round",
    "session_status",
    "triage",
    "write_check",
    "write_round",
]
