"""The store opens in WAL mode with foreign keys, and migrations run once, in order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.store import open_store, transaction
from ppdesk.core.store.migrations import MIGRATIONS, current_version


def test_new_store_is_migrated_wal_and_enforces_foreign_keys(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    conn = store.connect()
    assert current_version(conn) == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"customers", "orders", "order_lines", "products", "import_batches"} <= tables
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO order_lines(order_id, line_no, product_id, quantity, batch_id)"
                     " VALUES (999, 1, 999, 1, 999)")


def test_reopening_does_not_rerun_migrations(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.connect() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('k', '1')")
    store = open_store(tmp_path)
    conn = store.connect()
    assert conn.execute("SELECT value FROM settings WHERE key='k'").fetchone()[0] == "1"


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = open_store(tmp_path).connect()
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute("INSERT INTO settings(key, value) VALUES ('x', '1')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0


def test_store_from_newer_version_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    conn = store.connect()
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(EnvironmentProblem, match="newer ppdesk"):
        open_store(tmp_path)


def test_garbage_file_is_reported_as_damaged(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(EnvironmentProblem, match="damaged"):
        open_store(tmp_path)
