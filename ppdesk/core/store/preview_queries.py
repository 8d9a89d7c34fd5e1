"""Customers the email editor can preview with: recent ones first, optionally searched.

Read-only. ``emails.preview`` decides which of them suit a flow; this module only finds
real customers with an email and an included order, newest order first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

_INCLUDED = ("o.cancelled = 0 AND COALESCE(lower(o.financial_status), '') "
             "NOT IN ('refunded', 'voided')")


@dataclass(frozen=True)
class PreviewCustomerRow:
    id: int
    email: str
    first_name: str | None
    last_order_date: str
    orders: int


def find_customers(conn: sqlite3.Connection, *, search: str = "", min_orders: int = 1,
                   limit: int = 200) -> list[PreviewCustomerRow]:
    """Customers with an email and at least ``min_orders`` included orders, newest order
    first; ``search`` keeps those whose email or first name holds it (any case)."""
    needle = search.strip().lower()   # instr, not LIKE: a typed "%" or "_" is just text
    rows = conn.execute(
        "SELECT c.id, c.email, c.first_name, MAX(o.order_date), COUNT(DISTINCT o.id) "
        "FROM orders o JOIN customers c ON c.id = o.customer_id "
        f"WHERE {_INCLUDED} AND c.email IS NOT NULL AND c.email <> '' "
        "AND (instr(lower(c.email), ?) > 0 OR instr(lower(COALESCE(c.first_name, '')), ?) > 0) "
        "GROUP BY c.id HAVING COUNT(DISTINCT o.id) >= ? "
        "ORDER BY MAX(o.ordered_at) DESC, c.id LIMIT ?",
        (needle, needle, min_orders, limit)).fetchall()
    return [PreviewCustomerRow(int(r[0]), str(r[1]), r[2], str(r[3]), int(r[4])) for r in rows]
