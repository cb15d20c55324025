"""Privacy: erasing a person on request and purging data past the retention period.

:mod:`~toolkit.privacy.erase` (the service: :func:`erase_person`, :func:`purge`),
:mod:`~toolkit.privacy.retention` (the pure choice of whom a purge erases) and
:mod:`~toolkit.privacy.settings` (the ``retention_months`` setting) and
:mod:`~toolkit.privacy.copies` (the lead's own files that still hold an address). The SQL is in
:mod:`toolkit.store.erasure`.
"""

from toolkit.privacy.copies import CopySearch, find_copies
from toolkit.privacy.erase import ErasureSummary, PurgeSummary, erase_person, purge
from toolkit.privacy.retention import select_expired
from toolkit.privacy.settings import read_retention_months

__all__ = ["CopySearch", "ErasureSummary", "PurgeSummary", "erase_person", "find_copies", "purge",
           "read_retention_months", "select_expired"]
