"""The scheme store: one SQLite file per scheme, written in transactions.

:class:`Store` holds the connection, the transactions and the schema's migrations; each table
family has a small repository module of ``load_*`` (read) and ``save_*`` (write) functions:
:mod:`~toolkit.store.people` (people and their sign-ups), :mod:`~toolkit.store.pairs` (pairs,
runs and pair events), :mod:`~toolkit.store.meetings`, :mod:`~toolkit.store.draws`
(UnMentoring rounds), :mod:`~toolkit.store.coaching`, :mod:`~toolkit.store.feedback`
(survey answers), :mod:`~toolkit.store.concerns` (the lead's private concern log) and
:mod:`~toolkit.store.erasure` (erasing people everywhere, and the log of erasures).
:mod:`~toolkit.store.schema` holds the tables and their migrations. All of
the toolkit's SQL lives in this package.
"""

from toolkit.store.connection import Store, now_utc, open_store
from toolkit.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "now_utc", "open_store"]
