"""The whole content of a store's SQLite file as SQL text, to assert that something left it
unchanged (``sqlite3.Connection.iterdump``: every table's schema and rows, in order)."""

from __future__ import annotations

import sqlite3

from ppdesk.core.store import Store


def snapshot(store: Store) -> list[str]:
    conn = sqlite3.connect(store.db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
