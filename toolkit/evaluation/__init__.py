"""The year-end evaluation: measures of the year, and a report that is safe to publish.

- :mod:`~toolkit.evaluation.measures` and :mod:`~toolkit.evaluation.network`: the engine,
  pure functions from the scheme's records to unrounded tables and graphs.
- :mod:`~toolkit.evaluation.survey` and :mod:`~toolkit.evaluation.objectives`: the importers
  of the feedback survey and of coaching objective scores.
- :mod:`~toolkit.evaluation.outcomes` and :mod:`~toolkit.evaluation.extract`: the outcome
  engine (mentees against a comparison group, women at the senior grades) and the reader of
  the yearly HR extract.
- :mod:`~toolkit.evaluation.data`: one cohort's records (or every cohort's), read from the
  store.
- :mod:`~toolkit.evaluation.sections`, :mod:`~toolkit.evaluation.render` and
  :mod:`~toolkit.evaluation.report`: the report's sections (every number through disclosure
  control), its HTML template and the files it writes.
"""

from toolkit.evaluation.data import (
    CohortHistory,
    SchemeData,
    check_monitoring,
    ensure_signups,
    load_feedback,
    load_history,
    load_scheme,
    monitoring_choices,
)
from toolkit.evaluation.extract import ExtractImport, read_hr_extract
from toolkit.evaluation.measures import objective_change
from toolkit.evaluation.objectives import read_objectives
from toolkit.evaluation.outcome_sections import (
    OutcomeInputs,
    read_outcomes,
    section_cohorts,
    section_outcomes,
)
from toolkit.evaluation.report import ReportResult, build_report, find_identifiers
from toolkit.evaluation.sections import (
    Section,
    section_coaching,
    section_equality,
    section_feedback,
    section_network,
    section_participation,
)
from toolkit.evaluation.survey import SurveyImport, read_survey, save_survey

__all__ = [
    "CohortHistory",
    "ExtractImport",
    "OutcomeInputs",
    "ReportResult",
    "SchemeData",
    "Section",
    "SurveyImport",
    "build_report",
    "check_monitoring",
    "ensure_signups",
    "find_identifiers",
    "load_feedback",
    "load_history",
    "load_scheme",
    "monitoring_choices",
    "objective_change",
    "read_hr_extract",
    "read_objectives",
    "read_outcomes",
    "read_survey",
    "save_survey",
    "section_coaching",
    "section_cohorts",
    "section_equality",
    "section_feedback",
    "section_network",
    "section_outcomes",
    "section_participation",
]
