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

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.core.lazy import lazy_names

if TYPE_CHECKING:  # for type checkers and editors; at run time each name loads on first use
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
    from toolkit.evaluation.report import (
        ReportResult,
        build_report,
        find_identifiers,
        senior_on,
    )
    from toolkit.evaluation.sections import (
        Section,
        section_coaching,
        section_equality,
        section_feedback,
        section_network,
        section_participation,
    )
    from toolkit.evaluation.survey import SurveyImport, read_survey, save_survey

#: Where each public name lives (loaded on first use: see :mod:`toolkit.core.lazy`).
_WHERE = {
    "build_report": "toolkit.evaluation.report",
    "check_monitoring": "toolkit.evaluation.data",
    "CohortHistory": "toolkit.evaluation.data",
    "ensure_signups": "toolkit.evaluation.data",
    "ExtractImport": "toolkit.evaluation.extract",
    "find_identifiers": "toolkit.evaluation.report",
    "load_feedback": "toolkit.evaluation.data",
    "load_history": "toolkit.evaluation.data",
    "load_scheme": "toolkit.evaluation.data",
    "monitoring_choices": "toolkit.evaluation.data",
    "objective_change": "toolkit.evaluation.measures",
    "OutcomeInputs": "toolkit.evaluation.outcome_sections",
    "read_hr_extract": "toolkit.evaluation.extract",
    "read_objectives": "toolkit.evaluation.objectives",
    "read_outcomes": "toolkit.evaluation.outcome_sections",
    "read_survey": "toolkit.evaluation.survey",
    "ReportResult": "toolkit.evaluation.report",
    "save_survey": "toolkit.evaluation.survey",
    "SchemeData": "toolkit.evaluation.data",
    "Section": "toolkit.evaluation.sections",
    "section_coaching": "toolkit.evaluation.sections",
    "section_cohorts": "toolkit.evaluation.outcome_sections",
    "section_equality": "toolkit.evaluation.sections",
    "section_feedback": "toolkit.evaluation.sections",
    "section_network": "toolkit.evaluation.sections",
    "section_outcomes": "toolkit.evaluation.outcome_sections",
    "section_participation": "toolkit.evaluation.sections",
    "senior_on": "toolkit.evaluation.report",
    "SurveyImport": "toolkit.evaluation.survey",
}

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
    "senior_on",
]

__getattr__ = lazy_names("toolkit.evaluation", _WHERE, globals())
