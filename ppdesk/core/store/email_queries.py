"""Read-only queries the email templates need: a customer, their orders and order lines.

Used to build an email's context (for sending and for the editor's preview with a
real customer). Products come from ``products_queries``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

_INCLUDED = ("o.cancelled = 0 AND COALESCE(lower(o.financial_status), '') "
             "NOT IN ('refunded', 'voided')")


@dataclass(frozen=True)
class CustomerRow:
    id: int
    email: str | None
    first_name: str | None


@dataclass(frozen=True)
class OrderRow:
    id: int
    store_order_id: str
    customer_id: int | None
    first_name: str | None
    ordered_at: str
    order_date: str
    currency: str | None


@dataclass(frozen=True)
class LineRow:
    product_id: int
    quantity: float
    unit_price: float | None


def customer(conn: sqlite3.Connection, customer_id: int) -> CustomerRow | None:
    row = conn.execute("SELECT id, email, first_name FROM customers WHERE id = ?",
                       (customer_id,)).fetchone()
    return None if row is None else CustomerRow(int(row[0]), row[1], row[2])


def _order(row: sqlite3.Row | tuple[object, ...]) -> OrderRow:
    r: tuple[Any, ...] = tuple(row)
    return OrderRow(int(r[0]), str(r[1]), None if r[2] is None else int(r[2]),
                    r[3], str(r[4]), str(r[5]), r[6])


_ORDER_COLUMNS = ("o.id, o.store_order_id, o.customer_id, o.first_name, o.ordered_at, "
                  "o.order_date, o.currency")


def order(conn: sqlite3.Connection, order_id: int) -> OrderRow | None:
    row = conn.execute(f"SELECT {_ORDER_COLUMNS} FROM orders o WHERE o.id = ?",
                       (order_id,)).fetchone()
    return None if row is None else _order(row)


def last_order(conn: sqlite3.Connection, customer_id: int) -> OrderRow | None:
    """The customer's newest included order."""
    row = conn.execute(
        f"SELECT {_ORDER_COLUMNS} FROM orders o WHERE o.customer_id = ? AND {_INCLUDED} "
        "ORDER BY o.ordered_at DESC, o.id DESC LIMIT 1", (customer_id,)).fetchone()
    return None if row is None else _order(row)


def order_dates(conn: sqlite3.Connection, customer_id: int) -> list[str]:
    """Distinct local dates of the customer's included orders, oldest first."""
    rows = conn.execute(
        f"SELECT DISTINCT o.order_date FROM orders o WHERE o.customer_id = ? AND {_INCLUDED} "
        "ORDER BY o.order_date", (customer_id,)).fetchall()
    return [str(r[0]) for r in rows]


def order_lines(conn: sqlite3.Connection, order_id: int) -> list[LineRow]:
    rows = conn.execute(
        "SELECT product_id, quantity, unit_price FROM order_lines "
        "WHERE order_id = ? AND quantity > 0 ORDER BY line_no", (order_id,)).fetchall()
    return [LineRow(int(r[0]), float(r[1]), None if r[2] is None else float(r[2])) for r in rows]


def preview_customer(conn: sqlite3.Connection, *, min_orders: int = 1) -> int | None:
    """A real customer with an email for previews: the one with the newest included order
    among those with at least ``min_orders`` orders."""
    found = preview_customers(conn, min_orders=min_orders, limit=1)
    return found[0] if found else None


def preview_customers(conn: sqlite3.Connection, *, min_orders: int = 1,
                      limit: int = 200) -> list[int]:
    """Real customers with an email, newest included order first (``preview_customer``)."""
    rows = conn.execute(
        f"SELECT o.customer_id FROM orders o JOIN customers c ON c.id = o.customer_id "
        f"WHERE {_INCLUDED} AND c.email IS NOT NULL AND c.email <> '' "
        "GROUP BY o.customer_id HAVING COUNT(DISTINCT o.id) >= ? "
        "ORDER BY MAX(o.ordered_at) DESC, o.customer_id LIMIT ?", (min_orders, limit)).fetchall()
    return [int(r[0]) for r in rows]


def last_quantity(conn: sqlite3.Connection, customer_id: int, product_id: int) -> float | None:
    """How many of ``product_id`` the customer took in their newest included order of it."""
    row = conn.execute(
        f"SELECT SUM(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id "
        f"WHERE o.customer_id = ? AND l.product_id = ? AND l.quantity > 0 AND {_INCLUDED} "
        "GROUP BY o.id ORDER BY o.ordered_at DESC, o.id DESC LIMIT 1",
        (customer_id, product_id)).fetchone()
    return None if row is None or row[0] is None else float(row[0])
