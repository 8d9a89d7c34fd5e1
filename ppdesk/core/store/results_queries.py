"""SQL of the results area: what was sent, what bounced, the orders, the offers, product costs.

Results code (``ppdesk/core/results/``) reads through these functions only; each
returns a DataFrame with plain column types so the measurement stays vectorised.
Writes here are the merchant's cost of goods (typed in the app or imported from a
CSV) and, for the demo's simulated month, outbox/holdout rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from ppdesk.core.store.connection import Store
from ppdesk.core.store.lines import data_version

_OUTBOX_SQL = """
SELECT o.id AS outbox_id, o.flow AS flow, o.customer_id AS customer_id, o.email AS email,
       o.trigger_order_id AS trigger_order_id, o.product_ids AS product_ids, o.due_at AS due_at,
       o.state AS state, COALESCE(o.reason, '') AS reason, o.holdout AS holdout,
       o.sent_at AS sent_at, COALESCE(f.detail, '') AS failure_detail
FROM outbox o
LEFT JOIN (SELECT e.outbox_id AS outbox_id, e.detail AS detail FROM outbox_events e
           WHERE e.id IN (SELECT MAX(id) FROM outbox_events WHERE to_state = 'failed'
                          GROUP BY outbox_id)) f ON f.outbox_id = o.id
WHERE o.state IN ('sent', 'failed') OR o.holdout = 1
ORDER BY o.id
"""

_HARD_BOUNCES_SQL = """
SELECT email AS email, created_at AS created_at FROM suppressions WHERE reason = 'hard_bounce'
"""

# Local time as epoch seconds (SQLite parses 'YYYY-MM-DD HH:MM:SS'): numbers read far
# faster than 600k date strings.
_ORDERS_SQL = """
SELECT id AS order_id, store_order_id AS store_order_id,
       COALESCE(customer_id, -1) AS customer_id,
       CAST(strftime('%s', ordered_at) AS INTEGER) AS local_s,
       CAST(strftime('%s', order_date) AS INTEGER) AS date_s,
       utc_offset_min AS utc_offset_min, total AS total,
       COALESCE(discount_code, '') AS discount_code,
       (cancelled = 0 AND COALESCE(lower(financial_status), '') NOT IN ('refunded', 'voided'))
           AS included
FROM orders ORDER BY id
"""
_ORDER_COLUMNS = ["order_id", "store_order_id", "customer_id", "local_s", "date_s",
                  "utc_offset_min", "total", "discount_code", "included"]

_OFFERS_SQL = """
SELECT f.id AS offer_id, f.trigger_product_id AS trigger_product_id,
       f.complement_product_id AS complement_product_id, f.active AS active,
       COALESCE(f.live_since, substr(f.created_at, 1, 10)) AS live_since,
       tp.product_key AS trigger_key, tp.name AS trigger_name,
       cp.product_key AS complement_key, cp.name AS complement_name,
       v.position AS position, v.discount_percent AS discount_percent,
       v.discount_code AS discount_code,
       (SELECT COUNT(*) FROM offer_variants w WHERE w.offer_id = f.id) AS variant_count
FROM offers f
JOIN offer_variants v ON v.offer_id = f.id
JOIN products tp ON tp.id = f.trigger_product_id
JOIN products cp ON cp.id = f.complement_product_id
ORDER BY f.id, v.position
"""


def load_outbox(conn: sqlite3.Connection) -> pd.DataFrame:
    """Outbox rows that were attempted (sent/failed) or held out, with the last failure reply."""
    cur = conn.execute(_OUTBOX_SQL)
    cur.row_factory = None
    columns = [d[0] for d in cur.description]
    frame = pd.DataFrame.from_records(cur.fetchall(), columns=columns)
    frame["holdout"] = frame["holdout"].astype(bool)
    for col in ("outbox_id", "customer_id"):
        frame[col] = frame[col].astype("int64")
    return frame


def load_hard_bounces(conn: sqlite3.Connection) -> pd.DataFrame:
    """Suppressed addresses whose reason is a hard bounce (lower-cased email, when)."""
    return pd.read_sql_query(_HARD_BOUNCES_SQL, conn)


def load_orders(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per order (cancelled ones too, ``included`` says which count); guests get -1.

    ``local_s``/``date_s``: the local order time and date as epoch seconds (a naive clock).
    """
    cur = conn.execute(_ORDERS_SQL)
    cur.row_factory = None  # plain tuples: the Row factory costs seconds on big stores
    frame = pd.DataFrame.from_records(cur.fetchall(), columns=_ORDER_COLUMNS)
    frame["included"] = frame["included"].astype(bool)
    for col in ("order_id", "customer_id"):
        frame[col] = frame[col].astype("int64")
    for col in ("local_s", "date_s", "utc_offset_min", "total"):
        frame[col] = frame[col].astype("float64")
    for col in ("store_order_id", "discount_code"):
        frame[col] = frame[col].astype(str)
    return frame


def load_orders_cached(store: Store) -> pd.DataFrame:
    """:func:`load_orders`, cached as Parquet per ``data_version`` like the lines frame."""
    conn = store.connect()
    try:
        version = data_version(conn)
        cache = store.columnar_dir / f"results-orders-v{version}.parquet"
        if cache.exists():
            return pd.read_parquet(cache)
        frame = load_orders(conn)
    finally:
        conn.close()
    for old in store.columnar_dir.glob("results-orders-v*.parquet"):
        old.unlink(missing_ok=True)
    tmp = cache.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(cache)
    return frame


def load_offer_variants(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per offer variant with the offer's trigger/complement products and live date."""
    return pd.read_sql_query(_OFFERS_SQL, conn)


def load_offer_pauses(conn: sqlite3.Connection) -> pd.DataFrame:
    """offer_id, paused_at, resumed_at (UTC ISO text; resumed_at NULL while paused)."""
    return pd.read_sql_query("SELECT offer_id, paused_at, resumed_at FROM offer_pauses "
                             "ORDER BY offer_id, paused_at", conn)


def product_lookup(conn: sqlite3.Connection) -> pd.DataFrame:
    """product_id, product_key, sku, name of every product (for matching a cost CSV)."""
    return pd.read_sql_query(
        "SELECT id AS product_id, product_key, COALESCE(sku, '') AS sku, name FROM products", conn
    )


def set_unit_costs(conn: sqlite3.Connection, costs: Mapping[int, float | None]) -> int:
    """Store cost of goods per product id (``None`` clears it); returns rows changed.

    A cost set here is the merchant's and outranks a catalogue's cost per item; clearing
    it lets the catalogue's cost apply again at the next import."""
    cur = conn.executemany(
        "UPDATE products SET unit_cost = ?, unit_cost_source = "
        "CASE WHEN ? IS NULL THEN NULL ELSE 'merchant' END WHERE id = ?",
        [(cost, cost, int(pid)) for pid, cost in costs.items()],
    )
    return int(cur.rowcount)


def insert_outbox_rows(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert outbox rows as dicts with the table's column names (demo simulation, tests)."""
    columns = ("plan_key", "flow", "customer_id", "email", "trigger_order_id", "product_ids",
               "template", "due_at", "state", "reason", "holdout", "subject", "planned_at",
               "sent_at", "updated_at")
    cur = conn.executemany(
        f"INSERT OR IGNORE INTO outbox ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})",
        [tuple(row.get(c) for c in columns) for row in rows],
    )
    return int(cur.rowcount)


def insert_holdout(conn: sqlite3.Connection, rows: Sequence[tuple[int, int, str]]) -> None:
    """(customer_id, in_holdout, assigned_at) rows; an existing assignment is kept."""
    conn.executemany(
        "INSERT OR IGNORE INTO holdout (customer_id, in_holdout, assigned_at) VALUES (?, ?, ?)",
        rows,
    )


def customers_with_orders(conn: sqlite3.Connection) -> pd.DataFrame:
    """customer_id, email of customers with an email address (for the demo simulation)."""
    return pd.read_sql_query(
        "SELECT id AS customer_id, email FROM customers WHERE email IS NOT NULL AND email != '' "
        "ORDER BY id", conn
    )
