"""Following pairs through the year: their status, meetings, warnings, agreements and changes.

The modules, by role:

- :mod:`~toolkit.relationships.lifecycle` (engine): the rules of a pair's life and terms.
- :mod:`~toolkit.relationships.alerts` (engine): the early-warning rules, one function each.
- :mod:`~toolkit.relationships.changes` (service): first meetings, renewals, endings and
  withdrawals recorded in the store; the pairs as the lead sees them.
- :mod:`~toolkit.relationships.rematch` (service): a new partner after a withdrawal.
- :mod:`~toolkit.relationships.status` (service): the status table and the warnings of a store.
- :mod:`~toolkit.relationships.meetings` (importer): meetings from a form export, or one by one.
- :mod:`~toolkit.relationships.withdrawals` (importer): a list of people who withdrew; their
  running pairs end as withdrawn.
- :mod:`~toolkit.relationships.settings` (importer): the lead's rule and term settings file.
- :mod:`~toolkit.relationships.messages` (importer): drafted messages from the templates.
- :mod:`~toolkit.relationships.agreements` (importer and writer): agreements per pair, and
  the meetings a year each pair agreed.
- :mod:`~toolkit.relationships.concerns` (service): the lead's private concern log.
"""

from toolkit.relationships.agreements import (
    read_agreement_template,
    record_meetings_per_year,
    write_agreements,
)
from toolkit.relationships.alerts import RULES, AlertRules, check_pairs, format_warnings
from toolkit.relationships.changes import (
    change_status,
    confirm_first_meeting,
    current_pairs,
    end_pair,
    pair_events,
    pair_table,
    pairs_to_forbid,
    record_mid_term_review,
    record_renewal_answer,
    renew_pair,
    renewal_answers,
    withdraw_pair,
)
from toolkit.relationships.concerns import (
    CONCERN_CATEGORIES,
    add_concern,
    close_concern,
    concerns_table,
    move_follow_up,
)
from toolkit.relationships.lifecycle import PARTIES, WITHDRAWAL_REASONS, Lifecycle
from toolkit.relationships.meetings import (
    MeetingImport,
    read_meetings,
    record_meeting,
    save_meetings,
)
from toolkit.relationships.messages import draft_messages, read_alert_templates
from toolkit.relationships.rematch import Rematch, accept_rematch, rematch_after_withdrawal
from toolkit.relationships.settings import read_relationship_settings
from toolkit.relationships.status import check_store, status_table, warnings_with_messages
from toolkit.relationships.withdrawals import (
    WithdrawalImport,
    read_withdrawals,
    save_withdrawals,
)

__all__ = [
    "CONCERN_CATEGORIES",
    "PARTIES",
    "RULES",
    "WITHDRAWAL_REASONS",
    "AlertRules",
    "Lifecycle",
    "MeetingImport",
    "Rematch",
    "WithdrawalImport",
    "accept_rematch",
    "add_concern",
    "change_status",
    "check_pairs",
    "check_store",
    "close_concern",
    "concerns_table",
    "confirm_first_meeting",
    "current_pairs",
    "draft_messages",
    "end_pair",
    "format_warnings",
    "move_follow_up",
    "pair_events",
    "pair_table",
    "pairs_to_forbid",
    "read_agreement_template",
    "read_alert_templates",
    "read_meetings",
    "read_relationship_settings",
    "read_withdrawals",
    "record_meeting",
    "record_meetings_per_year",
    "record_mid_term_review",
    "record_renewal_answer",
    "rematch_after_withdrawal",
    "renew_pair",
    "renewal_answers",
    "save_meetings",
    "save_withdrawals",
    "status_table",
    "warnings_with_messages",
    "withdraw_pair",
    "write_agreements",
]
