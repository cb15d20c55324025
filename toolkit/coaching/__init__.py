"""Coaching requests: triage each request, match coaches, follow sessions and objectives.

The package by layer:

- importers: :mod:`~toolkit.coaching.requests` (the request form and the coach pool),
  :mod:`~toolkit.coaching.records` (the session log, objective scores, the pairs file) and
  :mod:`~toolkit.coaching.registers` (the approved coach list, choices, chemistry outcomes,
  agreed sessions, spend);
- engines, pure functions over DataFrames: :mod:`~toolkit.coaching.triage` (internal,
  external or on hold), :mod:`~toolkit.coaching.matching` (who may coach whom, the best
  matching, short lists, the waiting list), :mod:`~toolkit.coaching.choice` (coachees'
  choices checked, the pairs a re-match keeps), :mod:`~toolkit.coaching.progress` (sessions
  against the limits or the number agreed, objective progress),
  :mod:`~toolkit.coaching.supervision` (accreditation, supervision and agreement lapses) and
  :mod:`~toolkit.coaching.budget` (approved amounts, spend, totals, the budget);
- outputs: :mod:`~toolkit.coaching.outputs` (the tracking workbook, objectives forms);
- the service: :mod:`~toolkit.coaching.round` (a round end to end, used by the ``coaching``
  command and the notebook panel alike). What it saves goes through
  :mod:`toolkit.store.coaching`; its charts are in :mod:`toolkit.plots.coaching`.
"""

from toolkit.coaching.budget import SpendReport, spend_report
from toolkit.coaching.choice import check_choices, pairs_to_keep
from toolkit.coaching.matching import CoachMatch, MatchSettings, match_coaches
from toolkit.coaching.progress import (
    DEFAULT_LIMITS,
    ObjectiveProgress,
    SessionLimits,
    SessionStatus,
    limits_with,
    objective_progress,
    objectives_of,
    session_status,
)
from toolkit.coaching.records import read_objective_scores, read_pairs, read_sessions
from toolkit.coaching.registers import read_register
from toolkit.coaching.requests import CoachingImport, read_coaches, read_requests
from toolkit.coaching.round import (
    CoachingRound,
    Registers,
    RoundCheck,
    check_round,
    run_round,
    save_round,
    write_check,
    write_round,
)
from toolkit.coaching.supervision import CoachRules, coach_warnings
from toolkit.coaching.triage import TriageRules, triage

__all__ = [
    "DEFAULT_LIMITS",
    "CoachMatch",
    "CoachRules",
    "CoachingImport",
    "CoachingRound",
    "MatchSettings",
    "ObjectiveProgress",
    "Registers",
    "RoundCheck",
    "SessionLimits",
    "SessionStatus",
    "SpendReport",
    "TriageRules",
    "check_choices",
    "check_round",
    "coach_warnings",
    "limits_with",
    "match_coaches",
    "objective_progress",
    "objectives_of",
    "pairs_to_keep",
    "read_coaches",
    "read_objective_scores",
    "read_pairs",
    "read_register",
    "read_requests",
    "read_sessions",
    "run_round",
    "save_round",
    "session_status",
    "spend_report",
    "triage",
    "write_check",
    "write_round",
]
