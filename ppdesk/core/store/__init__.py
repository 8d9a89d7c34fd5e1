"""The SQLite store: the only package that holds SQL.

- ``connection``: opening the store (WAL, foreign keys, migrations) and ``transaction()``.
- ``migrations``: the numbered schema migrations, run on open.
- one module per area with its queries (``orders``, ...).
"""

from ppdesk.core.store.connection import Store, open_store, transaction

__all__ = ["Store", "open_store", "transaction"]
