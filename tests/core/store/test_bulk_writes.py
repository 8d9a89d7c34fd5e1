"""The bulk write helpers of ``store.orders``: multi-row inserts, one foreign-key check.

Expected rows are written out in plain Python; the store is a real SQLite file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ppdesk.core.store import open_store, transaction
from ppdesk.core.store import orders as store_orders


def test_new_store_uses_16k_pages(tmp_path: Path) -> None:
    conn = open_store(tmp_path).connect()
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 16384


def test_insert_columns_writes_every_row_in_order_with_nulls_and_repeated_parameters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 450 rows with chunks of 400: two full 200-row statements, then a 50-row tail
    # (a single-row statement), in two chunks.
    monkeypatch.setattr(store_orders, "CHUNK", 400)
    conn = open_store(tmp_path).connect()
    conn.execute("CREATE TEMP TABLE t (a INTEGER, b TEXT, c INTEGER, d REAL)")
    a = list(range(450))
    b = [None if i % 7 == 0 else f"name {i}" for i in a]
    c = [i * 3 for i in a]
    d = [float("nan") if i % 5 == 0 else i / 4 for i in a]
    ticks: list[int] = []
    store_orders._insert_columns(conn, "INSERT INTO t(a, b, c, d)", "(?1, ?2, ?1 + ?3, ?4)",
                                 [a, b, c, d], ticks.append)
    expected = [(i, None if i % 7 == 0 else f"name {i}", i + i * 3,
                 None if i % 5 == 0 else i / 4) for i in range(450)]
    rows = conn.execute("SELECT a, b, c, d FROM t ORDER BY rowid").fetchall()
    assert [tuple(r) for r in rows] == expected
    assert ticks == [400, 450]


def test_insert_columns_with_no_rows_writes_nothing(tmp_path: Path) -> None:
    conn = open_store(tmp_path).connect()
    conn.execute("CREATE TEMP TABLE t (a INTEGER)")
    store_orders._insert_columns(conn, "INSERT INTO t(a)", "(?1)", [[]])
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0


def _orphan_line(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO order_lines(order_id, line_no, product_id, quantity, batch_id)"
                  " VALUES (999, 1, 999, 1, 999)")


def test_an_orphan_written_without_per_row_checks_rolls_the_transaction_back(
        tmp_path: Path) -> None:
    conn = open_store(tmp_path).connect()
    with pytest.raises(sqlite3.IntegrityError, match="order_lines"), \
            store_orders.foreign_keys_checked_once(conn, enabled=True), transaction(conn):
        _orphan_line(conn)  # accepted: enforcement is off for this transaction only
        store_orders.verify_foreign_keys(conn)
    assert conn.execute("SELECT COUNT(*) FROM order_lines").fetchone()[0] == 0
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):  # enforced per row again
        _orphan_line(conn)


def test_checks_stay_per_row_when_not_bulk(tmp_path: Path) -> None:
    conn = open_store(tmp_path).connect()
    with pytest.raises(sqlite3.IntegrityError), \
            store_orders.foreign_keys_checked_once(conn, enabled=False), transaction(conn):
        _orphan_line(conn)


def test_bulk_means_over_50k_lines_and_over_half_the_stored_lines(tmp_path: Path) -> None:
    conn = open_store(tmp_path).connect()
    assert not store_orders.is_bulk(conn, 50_000)
    assert store_orders.is_bulk(conn, 50_001)
