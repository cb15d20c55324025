"""The scheme store: one SQLite file per scheme, written in transactions.

:class:`Store` holds the connection, the transactions and the schema's migrations; each table
family has a small repository module of ``load_*`` (read) and ``save_*`` (write) functions:
:mod:`toolkit.store.people` (people and their sign-ups) and :mod:`toolkit.store.pairs`
(pairs and their runs). All of the toolkit's SQL lives in this package.
"""

from toolkit.store.connection import Store, now_utc, open_store
from toolkit.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "now_utc", "open_store"]
