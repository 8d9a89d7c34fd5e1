"""The merchant's overrides of "not a product" (migration 7, ``product_kind_overrides``).

Analytics recognises tips, shipping protection, gift wrap, gift cards and discount
lines by name, SKU and catalogue type and keeps them out (``analytics.not_products``);
a row here wins over that guess: ``is_product = 1`` puts a line back, ``0`` takes one out.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime


def load(conn: sqlite3.Connection) -> dict[int, bool]:
    """``{product_id: is_product}`` for every override."""
    rows = conn.execute("SELECT product_id, is_product FROM product_kind_overrides").fetchall()
    return {int(pid): bool(flag) for pid, flag in rows}


def put(conn: sqlite3.Connection, product_id: int, is_product: bool | None) -> None:
    """Set (or with ``None`` clear) the override of one product (caller holds the transaction)."""
    if is_product is None:
        conn.execute("DELETE FROM product_kind_overrides WHERE product_id = ?", (product_id,))
        return
    conn.execute(
        "INSERT INTO product_kind_overrides(product_id, is_product, changed_at) VALUES (?, ?, ?) "
        "ON CONFLICT(product_id) DO UPDATE SET is_product = excluded.is_product, "
        "changed_at = excluded.changed_at",
        (product_id, int(is_product), datetime.now(UTC).isoformat(timespec="seconds")))
