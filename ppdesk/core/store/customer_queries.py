"""SQL of one customer's record: everything the store holds about an address, and erasing it.

A person can be several customer rows (one per platform id) and guest orders that
carry only the address, so every lookup goes by customer ids *and* the address.
``scrub_text`` walks every text column of every table, so tables added later by
other areas are covered without this module knowing them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from typing import Any

import pandas as pd

FORGOTTEN = "[forgotten]"


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def customer_ids(conn: sqlite3.Connection, email: str) -> list[int]:
    return [int(r[0]) for r in conn.execute(
        "SELECT id FROM customers WHERE lower(trim(email)) = ? OR customer_key = ?"
        " ORDER BY id", (email, email))]


def customer_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    cur = conn.execute(f"SELECT * FROM customers WHERE id IN ({_marks(ids)})", list(ids))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def order_ids(conn: sqlite3.Connection, ids: Sequence[int], email: str) -> list[int]:
    return [int(r[0]) for r in conn.execute(
        f"SELECT id FROM orders WHERE customer_id IN ({_marks(ids)}) OR lower(trim(email)) = ?"
        " ORDER BY ordered_at", (*ids, email))]


def orders(conn: sqlite3.Connection, oids: Sequence[int]) -> pd.DataFrame:
    """One row per order line: order number, date, status, product, quantity, price."""
    return pd.read_sql_query(
        f"SELECT o.id AS order_id, o.store_order_id AS order_number, o.platform, o.order_date,"
        f" o.financial_status, o.cancelled, o.currency, o.total, o.discount_code,"
        f" o.accepts_marketing, o.email, o.first_name, p.product_key, p.name AS product_name,"
        f" l.quantity, l.unit_price FROM orders o"
        f" LEFT JOIN order_lines l ON l.order_id = o.id"
        f" LEFT JOIN products p ON p.id = l.product_id"
        f" WHERE o.id IN ({_marks(oids)}) ORDER BY o.ordered_at, o.id, l.line_no",
        conn, params=list(oids))


def outbox(conn: sqlite3.Connection, ids: Sequence[int], email: str) -> pd.DataFrame:
    return pd.read_sql_query(
        f"SELECT id, flow, state, due_at, sent_at, subject, reason, reason_code, holdout,"
        f" message_id, email FROM outbox WHERE customer_id IN ({_marks(ids)})"
        f" OR lower(email) = ? ORDER BY due_at, id", conn, params=[*ids, email])


def events(conn: sqlite3.Connection, outbox_ids: Sequence[int]) -> pd.DataFrame:
    return pd.read_sql_query(
        f"SELECT outbox_id, at, from_state, to_state, detail FROM outbox_events"
        f" WHERE outbox_id IN ({_marks(outbox_ids)}) ORDER BY outbox_id, id",
        conn, params=list(outbox_ids))


def inbox_entries(conn: sqlite3.Connection, email: str) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT processed_at, kind, action, detail, subject, sender FROM inbox_log"
        " WHERE email = ? ORDER BY id", conn, params=[email])


def holdout(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[int, bool, str]]:
    return [(int(r[0]), bool(r[1]), str(r[2])) for r in conn.execute(
        f"SELECT customer_id, in_holdout, assigned_at FROM holdout"
        f" WHERE customer_id IN ({_marks(ids)})", list(ids))]


def suppression(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT email, reason, source, created_at FROM suppressions"
                       f" WHERE email IN ({_marks(keys)})", list(keys)).fetchone()
    return None if row is None else {"reason": row[1], "source": row[2], "created_at": row[3]}


def _text_columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    out: dict[str, list[str]] = {}
    for table in tables:
        cols = [str(c[1]) for c in conn.execute(f'PRAGMA table_info("{table}")')
                if str(c[2]).upper() in ("TEXT", "")]
        if cols:
            out[table] = cols
    return out


def scrub_text(conn: sqlite3.Connection, needles: Sequence[str]) -> int:
    """Replace each needle (case-insensitive) in every text column of every table."""
    changed = 0
    pattern = re.compile("|".join(re.escape(n) for n in needles if n), re.IGNORECASE)
    for table, cols in _text_columns(conn).items():
        for col in cols:
            where = " OR ".join(f'"{col}" LIKE ?' for _ in needles)
            rows = conn.execute(f'SELECT rowid, "{col}" FROM "{table}" WHERE {where}',
                                [f"%{n}%" for n in needles]).fetchall()
            for rowid, value in rows:
                if isinstance(value, str):
                    conn.execute(f'UPDATE "{table}" SET "{col}" = ? WHERE rowid = ?',
                                 (pattern.sub(FORGOTTEN, value), rowid))
                    changed += 1
    return changed


def erase(conn: sqlite3.Connection, ids: Sequence[int], oids: Sequence[int], email: str,
          key_for: str) -> None:
    """Null the personal columns of the customer's rows; orders and outbox rows stay."""
    extra = {str(c[1]) for c in conn.execute("PRAGMA table_info(customers)")}
    personal: list[str] = [c for c in ("email", "first_name", "last_name", "phone", "name",
                                       "address") if c in extra]
    sets = ", ".join(f"{c} = NULL" for c in personal)
    for position, cid in enumerate(ids):
        conn.execute(f"UPDATE customers SET {sets}, customer_key = ? WHERE id = ?",
                     (f"{key_for}.{position}", cid))
    order_cols = {str(c[1]) for c in conn.execute("PRAGMA table_info(orders)")}
    personal = [str(c) for c in ("email", "first_name", "last_name", "phone", "name",
                                 "shipping_address", "billing_address") if c in order_cols]
    conn.execute(f"UPDATE orders SET {', '.join(f'{c} = NULL' for c in personal)}"
                 f" WHERE id IN ({_marks(oids)})", list(oids))
    conn.execute(f"UPDATE outbox SET email = ?, subject = NULL WHERE customer_id IN"
                 f" ({_marks(ids)}) OR lower(email) = ?", (FORGOTTEN, *ids, email))
    conn.execute("UPDATE inbox_log SET email = NULL, sender = NULL, subject = NULL"
                 " WHERE email = ?", (email,))


def replace_suppression(conn: sqlite3.Connection, email: str, hashed: str, at: str) -> None:
    """The address's suppression row becomes its hash (a new 'manual' one if there was none)."""
    row = conn.execute("SELECT reason, created_at FROM suppressions WHERE email = ?",
                       (email,)).fetchone()
    conn.execute("DELETE FROM suppressions WHERE email = ?", (email,))
    reason, created = (str(row[0]), str(row[1])) if row is not None else ("manual", at)
    conn.execute("INSERT INTO suppressions(email, reason, source, created_at) VALUES"
                 " (?, ?, 'forgotten on request (GDPR art. 17)', ?)"
                 " ON CONFLICT(email) DO NOTHING", (hashed, reason, created))


def compact(conn: sqlite3.Connection) -> None:
    """Rewrite the file so erased values do not linger in free pages or the WAL."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
