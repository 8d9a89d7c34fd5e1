"""Writes of the importer: import batches and rejects, customers, products, orders, lines.

Called inside one ``transaction()`` per import (the caller owns it), so a failure
or a cancel leaves the store as it was. Built for a million lines in seconds:

- keys of the incoming rows go into TEMP tables and are joined against the store
  once, never one SELECT per row;
- new rows get their ids assigned here (max(id) + 1 ...): the import holds the
  write lock (BEGIN IMMEDIATE), so no one else can take those ids, and the lines
  of new orders can be inserted without looking anything up;
- inserts are ``executemany`` of many-row VALUES lists, in chunks, with a
  progress/cancel check per chunk;
- a bulk import (``is_bulk``) rebuilds the plain indexes once at the end and
  checks foreign keys once before committing instead of per row.

Idempotency: an order is (platform, store order id); a line is (order, position in
the order). Already stored lines are counted as duplicates; an order seen again
whose financial status or cancellation changed is updated.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core.store.lines import FrameUpdate, included_orders

CHUNK = 100_000


@dataclass
class WriteCounts:
    orders_added: int = 0
    orders_updated: int = 0
    lines_added: int = 0
    customers_added: int = 0
    duplicates_skipped: int = 0
    products_added: int = 0


def tune_for_bulk(conn: sqlite3.Connection) -> None:
    """A larger page cache, in-memory temp tables, and helper threads for index sorts."""
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA threads = 2")  # CREATE INDEX may sort with a second thread


def is_bulk(conn: sqlite3.Connection, incoming_lines: int) -> bool:
    """Whether an import is large next to what the store holds (then bulk paths pay off)."""
    return incoming_lines > 50_000 and incoming_lines > _row_count(conn, "order_lines") // 2


@contextmanager
def foreign_keys_checked_once(conn: sqlite3.Connection, *, enabled: bool) -> Iterator[None]:
    """Per-row foreign-key checks off around one bulk transaction; ON again afterwards.

    Checking each of a million inserted rows against its parents costs more than one
    ``PRAGMA foreign_key_check`` over the written tables, which ``verify_foreign_keys``
    runs inside the same transaction before it commits. SQLite ignores this pragma
    inside a transaction, so this wraps ``transaction()``; the ``finally`` restores
    enforcement whatever happens, so the connection is never left without it.
    """
    if not enabled:
        yield
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def verify_foreign_keys(conn: sqlite3.Connection) -> None:
    """Raise (so the transaction rolls back) if a written row points at a missing parent."""
    for table in _IMPORTED_TABLES:
        bad = conn.execute(f"PRAGMA foreign_key_check({table})").fetchone()
        if bad is not None:
            raise sqlite3.IntegrityError(
                f"import would break a reference: {bad[0]} row {bad[1]} -> {bad[2]}")


# Every table the importer writes rows into that has a foreign key.
_IMPORTED_TABLES = ("import_rejects", "customers", "orders", "order_lines")


def begin_batch(conn: sqlite3.Connection, *, file_name: str, file_path: str, file_hash: str,
                sheet: str | None, platform: str, imported_at: str,
                mapping: dict[str, str]) -> int:
    cur = conn.execute(
        "INSERT INTO import_batches(file_name, file_path, file_hash, sheet, platform, "
        "imported_at, mapping_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (file_name, file_path, file_hash, sheet, platform, imported_at,
         json.dumps(mapping, ensure_ascii=False)),
    )
    return int(cur.lastrowid or 0)


def finish_batch(conn: sqlite3.Connection, batch_id: int, *, rows_read: int,
                 counts: WriteCounts, rows_rejected: int) -> None:
    conn.execute(
        "UPDATE import_batches SET rows_read = ?, orders_added = ?, orders_updated = ?, "
        "lines_added = ?, customers_added = ?, duplicates_skipped = ?, rows_rejected = ? "
        "WHERE id = ?",
        (rows_read, counts.orders_added, counts.orders_updated, counts.lines_added,
         counts.customers_added, counts.duplicates_skipped, rows_rejected, batch_id),
    )


def write_rejects(conn: sqlite3.Connection, batch_id: int,
                  rejects: Iterable[tuple[str, int | None, str | None, str]]) -> None:
    conn.executemany(
        "INSERT INTO import_rejects(batch_id, file, row, column, reason) VALUES (?, ?, ?, ?, ?)",
        [(batch_id, *r) for r in rejects],
    )


def _column(values: pd.Series | np.ndarray, *, empty_is_null: bool = True) -> list[Any]:
    """A column as Python values for sqlite3; NaN, None (and "" if asked) become NULL.

    Floats are passed as they are: SQLite stores a bound NaN as NULL.
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return list(arr.tolist())
    out = pd.Series(arr, dtype=object)
    mask = out.isna()
    if empty_is_null:
        mask |= out == ""
    return list(out.where(~mask, None).tolist() if mask.any() else out.tolist())


def _texts(values: pd.Series) -> list[Any]:
    """A text column as Python values for a ``NULLIF(?, '')`` parameter.

    Missing values arrive as NaN (pandas' ``str`` dtype) or None; sqlite3 binds both as
    NULL, so only "" needs the NULLIF in the statement.
    """
    return list(values.tolist())


def _rows(*columns: list[Any]) -> list[tuple[Any, ...]]:
    return list(zip(*columns, strict=True))


def _stage_keys(conn: sqlite3.Connection, table: str, keys: Sequence[Any]) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (k PRIMARY KEY)")
    conn.execute(f"DELETE FROM {table}")
    conn.executemany(f"INSERT OR IGNORE INTO {table}(k) VALUES (?)", ((k,) for k in keys))


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])


def _is_empty(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None


# Rows per INSERT statement: one statement per row spends about half its time in
# per-statement work (the bind loop, sqlite3_reset, Python's executemany step); a
# VALUES list of many rows pays that once per list. 200 rows x 16 columns stays far
# below SQLite's limit of 32,766 bound variables. Measured: a million lines insert
# about twice as fast as with one row per statement.
ROWS_PER_STATEMENT = 200


def _numbered(row_sql: str, offset: int) -> str:
    """``row_sql`` with every ``?N`` renumbered to ``?(N + offset)``."""
    return re.sub(r"\?(\d+)", lambda m: f"?{int(m.group(1)) + offset}", row_sql)


def _insert_columns(conn: sqlite3.Connection, head: str, row_sql: str,
                    columns: Sequence[Sequence[Any]],
                    tick: Callable[[int], None] | None = None) -> None:
    """``head VALUES row_sql, row_sql, ...`` for rows given as equally long columns.

    ``row_sql`` is one row's VALUES tuple with numbered parameters ``?1 .. ?width`` (a
    number may repeat, e.g. to format one value twice). Rows go ``ROWS_PER_STATEMENT``
    to a statement, ``CHUNK`` rows per ``executemany``, calling ``tick`` between chunks.
    """
    width, n = len(columns), len(columns[0])
    # One flat list of the values, row after row, filled column by column with strided
    # slice assignments (C loops over the existing Python objects); each statement's
    # parameters are then a plain slice of it. Measured on a million lines: about 1.5x
    # faster than an object grid in numpy (zero-filled, then fromiter per column,
    # reshape and tolist).
    flat: list[Any] = [None] * (n * width)
    for j, column in enumerate(columns):
        flat[j::width] = column if isinstance(column, list) else list(column)
    k = ROWS_PER_STATEMENT
    many = f"{head} VALUES " + ", ".join(_numbered(row_sql, i * width) for i in range(k))
    one = f"{head} VALUES {row_sql}"
    step = width * k
    for start in range(0, n, CHUNK):  # CHUNK is a multiple of k: only the last has a tail
        stop = min(n, start + CHUNK)
        full = start + (stop - start) // k * k
        conn.executemany(many, (flat[i:i + step] for i in range(start * width, full * width,
                                                                 step)))
        conn.executemany(one, (flat[i:i + width] for i in range(full * width, stop * width,
                                                                width)))
        if tick is not None:
            tick(min(n, start + CHUNK))


class deferred_indexes:  # noqa: N801 - used as a context manager, reads like a statement
    """Drop the plain (non-unique) indexes of ``tables`` and rebuild them on exit.

    Building an index once over sorted data is several times faster than updating it
    for each of a million random inserts. Only worth it when the insert is large
    compared with what the tables already hold; the definitions are read back from
    ``sqlite_master``, so this follows whatever the migrations create.
    """

    def __init__(self, conn: sqlite3.Connection, tables: tuple[str, ...], enabled: bool) -> None:
        self.conn, self.tables, self.enabled = conn, tables, enabled
        self.saved: list[tuple[str, str]] = []

    def __enter__(self) -> deferred_indexes:
        if self.enabled:
            marks = ",".join("?" * len(self.tables))
            self.saved = self.conn.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%'",
                self.tables).fetchall()
            for name, _sql in self.saved:
                self.conn.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        # On an error the transaction rolls back, which restores the dropped indexes too.
        if exc[0] is None:
            for _name, sql in self.saved:
                self.conn.execute(sql)


# Lookup statements for _known_ids, one per table (the table names are fixed here, never
# built from data).
_KNOWN_IDS_SQL = {
    "customers": "SELECT c.customer_key, c.id FROM _imp_customer_keys k "
                 "JOIN customers c ON c.customer_key = k.k",
    "products": "SELECT p.product_key, p.id FROM _imp_product_keys k "
                "JOIN products p ON p.product_key = k.k",
}


def _known_ids(conn: sqlite3.Connection, table: str, keys: list[str]) -> np.ndarray:
    """Store ids of ``keys`` in ``table`` (customers or products), 0 where the key is new."""
    if _is_empty(conn, table):
        return np.zeros(len(keys), dtype=np.int64)
    _stage_keys(conn, f"_imp_{table[:-1]}_keys", keys)
    existing = dict(conn.execute(_KNOWN_IDS_SQL[table]).fetchall())
    return np.array([existing.get(k, 0) for k in keys], dtype=np.int64)


def upsert_customers(conn: sqlite3.Connection, customers: pd.DataFrame, *, platform: str,
                     batch_id: int) -> tuple[np.ndarray, int]:
    """Store ids aligned with ``customers`` rows; returns (ids, how many were new)."""
    if customers.empty:
        return np.zeros(0, dtype=np.int64), 0
    ids = _known_ids(conn, "customers", customers["customer_key"].tolist())
    is_new = ids == 0
    # New customers are numbered and inserted in key order: both the table and its
    # UNIQUE(customer_key) index then grow at their ends instead of at random places,
    # which made a 190k-customer insert about 4x faster.
    new = customers[is_new]
    by_key = new["customer_key"].argsort(kind="stable").to_numpy()
    new = new.iloc[by_key]
    start = _next_id(conn, "customers")
    new_ids = np.empty(len(new), dtype=np.int64)
    new_ids[by_key] = np.arange(start, start + len(new))
    ids[is_new] = new_ids
    _insert_columns(
        conn, "INSERT INTO customers(id, customer_key, email, first_name, accepts_marketing, "
        "platform, first_batch_id, phone)",
        "(?1, ?2, NULLIF(?3, ''), NULLIF(?4, ''), ?5, ?6, ?7, ?8)",
        [list(range(start, start + len(new))), _column(new["customer_key"]),
         _texts(new["email"]), _texts(new["first_name"]), _column(new["accepts_marketing"]),
         [platform] * len(new), [batch_id] * len(new), _column(_phones(new))])
    old = customers[~is_new]
    if len(old):
        conn.executemany(
            "UPDATE customers SET email = COALESCE(?, email), "
            "first_name = COALESCE(?, first_name), "
            "accepts_marketing = COALESCE(?, accepts_marketing), "
            "phone = COALESCE(?, phone) WHERE id = ?",
            _rows(_column(old["email"]), _column(old["first_name"]),
                  _column(old["accepts_marketing"]), _column(_phones(old)),
                  ids[~is_new].tolist()))
    return ids, int(is_new.sum())


def _phones(customers: pd.DataFrame) -> pd.Series:
    """The customers' E.164 phones ("" = none), for frames built before phones existed too."""
    if "phone" in customers:
        return customers["phone"]
    return pd.Series("", index=customers.index, dtype=object)


def upsert_products(conn: sqlite3.Connection, products: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Store ids aligned with ``products`` rows; known products get the newest name and price."""
    if products.empty:
        return np.zeros(0, dtype=np.int64), 0
    ids = _known_ids(conn, "products", products["product_key"].tolist())
    is_new = ids == 0
    new = products[is_new]
    start = _next_id(conn, "products")
    ids[is_new] = np.arange(start, start + len(new))
    conn.executemany(
        "INSERT INTO products(id, product_key, sku, name, last_price, currency) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        _rows(ids[is_new].tolist(), _column(new["product_key"]), _column(new["sku"]),
              _column(new["name"], empty_is_null=False), _column(new["last_price"]),
              _column(new["currency"])))
    old = products[~is_new]
    if len(old):
        conn.executemany(
            "UPDATE products SET name = COALESCE(?, name), sku = COALESCE(sku, ?), "
            "last_price = COALESCE(?, last_price), currency = COALESCE(?, currency) WHERE id = ?",
            _rows(_column(old["name"]), _column(old["sku"]), _column(old["last_price"]),
                  _column(old["currency"]), ids[~is_new].tolist()))
    return ids, int(is_new.sum())


def _existing_orders(conn: sqlite3.Connection, platform: str, keys: list[str]) -> pd.DataFrame:
    columns = ["store_order_id", "id", "old_status", "old_cancelled"]
    if _is_empty(conn, "orders"):
        return pd.DataFrame(columns=columns)
    _stage_keys(conn, "_imp_order_keys", keys)
    return pd.DataFrame(conn.execute(
        "SELECT o.store_order_id, o.id, COALESCE(o.financial_status, ''), o.cancelled "
        "FROM _imp_order_keys k JOIN orders o ON o.platform = ? AND o.store_order_id = k.k",
        (platform,)).fetchall(), columns=columns)


def _row_count(conn: sqlite3.Connection, table: str) -> int:
    return _next_id(conn, table) - 1  # ids are dense: max(id) is the row count to within deletes


def write_orders(conn: sqlite3.Connection, orders: pd.DataFrame, lines: pd.DataFrame, *,
                 platform: str, marketing_allowed: bool, batch_id: int,
                 customer_ids: np.ndarray, product_ids: np.ndarray,
                 tick: Callable[[int], None] | None = None,
                 frame_update: FrameUpdate | None = None) -> WriteCounts:
    """Insert new orders and lines, update changed statuses, count duplicates.

    ``orders.customer_idx`` and ``lines.order_idx``/``product_idx`` are positions in the
    customers, orders and products frames; ``customer_ids``/``product_ids`` their store ids.
    ``frame_update`` is told what changed, for the columnar copy of the lines frame.
    Run a large import inside ``deferred_indexes``.
    """
    counts = WriteCounts()
    if orders.empty:
        return counts
    found = _existing_orders(conn, platform, orders["store_order_id"].tolist())
    if len(found):
        merged = orders[["store_order_id"]].merge(found, on="store_order_id", how="left")
        order_ids = merged["id"].fillna(0).to_numpy(dtype=np.int64, copy=True)
    else:
        merged = None
        order_ids = np.zeros(len(orders), dtype=np.int64)
    is_new = order_ids == 0
    start = _next_id(conn, "orders")
    order_ids[is_new] = np.arange(start, start + int(is_new.sum()))
    new = orders[is_new]
    cidx = orders["customer_idx"].to_numpy()
    all_cust = (np.where(cidx >= 0, customer_ids[np.maximum(cidx, 0)], -1) if len(customer_ids)
                else np.full(len(cidx), -1))
    cust = [None if v < 0 else v for v in all_cust[is_new].tolist()]
    _insert_columns(
        conn,
        "INSERT INTO orders(id, platform, store_order_id, customer_id, email, first_name, "
        "ordered_at, order_date, utc_offset_min, currency, financial_status, cancelled, "
        "discount_code, accepts_marketing, marketing_allowed, total, batch_id)",
        # The local time travels as seconds; SQLite formats it (faster than Python).
        # NULLIF stores "" as NULL: cheaper in SQLite than mapping the lists in Python.
        "(?1, ?2, ?3, ?4, NULLIF(?5, ''), NULLIF(?6, ''), datetime(?7, 'unixepoch'), "
        "date(?7, 'unixepoch'), ?8, NULLIF(?9, ''), NULLIF(?10, ''), ?11, NULLIF(?12, ''), "
        "?13, ?14, ?15, ?16)",
        [order_ids[is_new].tolist(), [platform] * len(new),
         new["store_order_id"].tolist(), cust, _texts(new["email"]),
         _texts(new["first_name"]), new["_secs"].tolist(),
         _column(new["utc_offset_min"]),
         _texts(new["currency"]), _texts(new["financial_status"]),
         new["cancelled"].astype(int).tolist(), _texts(new["discount_code"]),
         _column(new["accepts_marketing"]), [int(marketing_allowed)] * len(new),
         _column(new["total"]), [batch_id] * len(new)], tick)
    counts.orders_added = len(new)
    if merged is not None and (~is_new).any():
        counts.orders_updated = _update_statuses(conn, orders[~is_new], merged[~is_new],
                                                 order_ids[~is_new], batch_id, frame_update)
    if lines.empty:
        return counts
    add, counts.duplicates_skipped = _lines_to_add(conn, lines, order_ids, is_new)
    order_idx = lines["order_idx"].to_numpy()
    line_orders = order_ids[order_idx]
    line_no = lines["line_no"].to_numpy()
    line_products = product_ids[lines["product_idx"].to_numpy()]
    quantity, unit_price = lines["quantity"].to_numpy(), lines["unit_price"].to_numpy()
    _insert_columns(
        conn, "INSERT INTO order_lines(order_id, line_no, product_id, quantity, "
        "unit_price, batch_id)", "(?1, ?2, ?3, ?4, ?5, ?6)",
        [line_orders[add].tolist(), line_no[add].tolist(), line_products[add].tolist(),
         quantity[add].tolist(), unit_price[add].tolist(), [batch_id] * int(add.sum())], tick)
    counts.lines_added = int(add.sum())
    if frame_update is not None:
        line_is_new = is_new[order_idx]
        if (add & ~line_is_new).any():
            frame_update.lines_added_to_stored_orders()
        sel = add & line_is_new
        frame_update.add_lines_of_new_orders(
            order_id=line_orders[sel], line_no=line_no[sel], at=order_idx[sel],
            store_order_id=orders["store_order_id"], platform=platform,
            secs=orders["_secs"].to_numpy(), customer_id=all_cust,
            included=included_orders(orders["financial_status"].to_numpy(dtype=object),
                                     orders["cancelled"].to_numpy()),
            marketing_allowed=marketing_allowed, discount_code=orders["discount_code"],
            product_id=line_products[sel], quantity=quantity[sel], unit_price=unit_price[sel])
    return counts


def _update_statuses(conn: sqlite3.Connection, incoming: pd.DataFrame, stored: pd.DataFrame,
                     ids: np.ndarray, batch_id: int, frame_update: FrameUpdate | None) -> int:
    """Update orders whose financial status or cancellation changed; returns how many."""
    status = incoming["financial_status"].to_numpy(dtype=object)
    old_status = stored["old_status"].to_numpy(dtype=object)
    cancelled = incoming["cancelled"].to_numpy(dtype=np.int64)
    old_cancelled = stored["old_cancelled"].to_numpy(dtype=np.int64)
    cancel_known = incoming["cancel_known"].to_numpy(dtype=bool)
    cancelled = np.where(cancel_known, cancelled, old_cancelled)
    changed = ((status != "") & (status != old_status)) | (cancelled != old_cancelled)
    if not changed.any():
        return 0
    new_status = np.where(status != "", status, old_status)[changed]
    conn.executemany(
        "UPDATE orders SET financial_status = ?, cancelled = ?, updated_batch_id = ? WHERE id = ?",
        _rows(_column(new_status), cancelled[changed].tolist(), [batch_id] * int(changed.sum()),
              ids[changed].tolist()))
    if frame_update is not None:
        frame_update.set_included(ids[changed], included_orders(new_status, cancelled[changed]))
    return int(changed.sum())


def _lines_to_add(conn: sqlite3.Connection, lines: pd.DataFrame, order_ids: np.ndarray,
                  order_is_new: np.ndarray) -> tuple[np.ndarray, int]:
    """Which incoming lines are not stored yet, and how many already were."""
    order_idx = lines["order_idx"].to_numpy()
    fresh = order_is_new[order_idx]
    if fresh.all():
        return fresh, 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _imp_order_ids (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM _imp_order_ids")
    conn.executemany("INSERT INTO _imp_order_ids(id) VALUES (?)",
                     ((i,) for i in order_ids[~order_is_new].tolist()))
    stored = np.asarray(conn.execute(
        "SELECT order_id, line_no FROM order_lines "
        "WHERE order_id IN (SELECT id FROM _imp_order_ids)").fetchall(),
        dtype=np.int64).reshape(-1, 2)
    # (order id, line number) packed into one int64 so membership is one vectorised isin.
    stored_keys = (stored[:, 0] << 24) | stored[:, 1]
    incoming = (order_ids[order_idx] << 24) | lines["line_no"].to_numpy(dtype=np.int64)
    seen = ~fresh & np.isin(incoming, stored_keys)
    return ~seen, int(seen.sum())


def batch_history(conn: sqlite3.Connection, limit: int = 50) -> pd.DataFrame:
    """The newest import batches (for the import page's history)."""
    return pd.read_sql_query(
        "SELECT id, file_name, platform, imported_at, rows_read, orders_added, orders_updated, "
        "lines_added, customers_added, duplicates_skipped, rows_rejected FROM import_batches "
        "ORDER BY id DESC LIMIT ?", conn, params=(limit,))


def batch_rejects(conn: sqlite3.Connection, batch_id: int) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT file, row, column, reason FROM import_rejects WHERE batch_id = ? ORDER BY id",
        conn, params=(batch_id,))
