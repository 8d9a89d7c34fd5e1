"""The merchant's per-product override of the replenishable (consumable) classification.

``products.consumable_override``: NULL lets the automatic rule decide
(``core/analytics/consumables.py``), 1 marks the product consumable, 0 not.
"""

from __future__ import annotations

import sqlite3


def set_consumable_override(conn: sqlite3.Connection, product_key: str,
                            value: bool | None) -> bool:
    """Set (True/False) or clear (None) the override; False when no product has that key."""
    stored = None if value is None else int(bool(value))
    cursor = conn.execute("UPDATE products SET consumable_override = ? WHERE product_key = ?",
                          (stored, product_key))
    return cursor.rowcount > 0
