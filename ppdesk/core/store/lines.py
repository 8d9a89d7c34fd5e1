"""The analytics dataset: every order line joined with its order, as a DataFrame.

Reading a million lines back out of SQLite costs about as much as parsing the
CSV again, so the frame is cached as Parquet in the home's ``columnar/`` folder
and rebuilt only when the store changed (``data_version`` below, bumped by every
import). Analytics code calls :func:`load_lines` and never touches SQL.

Columns of the lines frame (one row per order line, cancelled orders included):

==================  ===========  ==================================================
column              dtype        meaning
==================  ===========  ==================================================
order_id            int64        ``orders.id`` (store-internal)
store_order_id      str          the platform's order number
platform            str          source platform of the order
order_date          datetime64   local calendar date of the order (midnight)
ordered_at          datetime64   local date-time as exported
customer_id         int64        ``customers.id``; -1 for guests
product_id          int64        ``products.id``
quantity            float64      units on the line
unit_price          float64      NaN when unknown
included            bool         order neither cancelled nor refunded/voided
marketing_allowed   bool         False for marketplace orders (Amazon, Etsy)
discount_code       str          may be empty
==================  ===========  ==================================================
"""

from __future__ import annotations

import os
import sqlite3
import threading

import pandas as pd

from ppdesk.core.store.connection import Store

EXCLUDED_STATUSES = ("refunded", "voided")

_LINES_SQL = """
SELECT l.order_id AS order_id, o.store_order_id AS store_order_id, o.platform AS platform,
       o.order_date AS order_date, o.ordered_at AS ordered_at,
       COALESCE(o.customer_id, -1) AS customer_id, l.product_id AS product_id,
       l.quantity AS quantity, l.unit_price AS unit_price,
       (o.cancelled = 0 AND COALESCE(lower(o.financial_status), '') NOT IN ('refunded', 'voided'))
           AS included,
       o.marketing_allowed AS marketing_allowed, COALESCE(o.discount_code, '') AS discount_code
FROM order_lines l JOIN orders o ON o.id = l.order_id
ORDER BY l.order_id, l.line_no
"""

_PRODUCTS_SQL = """
SELECT id AS product_id, product_key, sku, name, last_price, currency, image_url, url,
       unit_cost, consumable_override
FROM products ORDER BY id
"""

DATA_VERSION_KEY = "data_version"


def data_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (DATA_VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def bump_data_version(conn: sqlite3.Connection) -> int:
    """Mark the orders data as changed (call inside the import's transaction)."""
    new = data_version(conn) + 1
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (DATA_VERSION_KEY, str(new)),
    )
    return new


def _read_lines_sql(conn: sqlite3.Connection) -> pd.DataFrame:
    frame = pd.read_sql_query(_LINES_SQL, conn)
    frame["order_date"] = pd.to_datetime(frame["order_date"], format="%Y-%m-%d")
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"], format="%Y-%m-%d %H:%M:%S")
    for col in ("order_id", "customer_id", "product_id"):
        frame[col] = frame[col].astype("int64")
    frame["quantity"] = frame["quantity"].astype("float64")
    frame["unit_price"] = frame["unit_price"].astype("float64")
    frame["included"] = frame["included"].astype(bool)
    frame["marketing_allowed"] = frame["marketing_allowed"].astype(bool)
    for col in ("store_order_id", "platform", "discount_code"):
        frame[col] = frame[col].astype(str)
    return frame


def load_lines(store: Store, columns: list[str] | None = None) -> pd.DataFrame:
    """The lines frame (see module doc), from the Parquet cache when it is current.

    ``columns``: only these (skipping the text columns reads a million lines ~3x faster).
    """
    conn = store.connect()
    try:
        version = data_version(conn)
        cache = store.columnar_dir / f"lines-v{version}.parquet"
        if cache.exists():
            return pd.read_parquet(cache, columns=columns)
        frame = _read_lines_sql(conn)
    finally:
        conn.close()
    for old in store.columnar_dir.glob("lines-v*.parquet"):
        if old != cache:  # another thread may be reading the current one
            old.unlink(missing_ok=True)
    # Unique per thread: two background readers may rebuild the cache at the same time.
    tmp = cache.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(cache)
    return frame[columns] if columns else frame


def load_products(store: Store) -> pd.DataFrame:
    """Every product: id, key, SKU, name, last price, currency, image/url, cost, consumable override."""
    conn = store.connect()
    try:
        return pd.read_sql_query(_PRODUCTS_SQL, conn)
    finally:
        conn.close()
