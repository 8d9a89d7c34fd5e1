"""The analytics dataset: every order line joined with its order, as a DataFrame.

Reading a million lines back out of SQLite costs about as much as parsing the
CSV again, so the frame is kept as Parquet in the home's ``columnar/`` folder.
Every import writes it from the frame it holds in memory (``FrameUpdate`` below),
in the same all-or-nothing step as its transaction (``lines_cache``); a copy is used
only while it belongs to the store's ``data_version`` (bumped by every import), and
rebuilt from SQLite otherwise. Analytics code calls :func:`load_lines` and never
touches SQL.

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

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ppdesk.core.store import lines_cache
from ppdesk.core.store.connection import Store

EXCLUDED_STATUSES = ("refunded", "voided")

# Two narrow reads joined in numpy instead of one wide JOIN: per-order text (dates,
# ids, codes) is fetched once per order, not once per line, and the line read is all
# numbers. On 1M lines this is several times faster than read_sql_query over the JOIN.
_ORDERS_SQL = """
SELECT id, store_order_id, platform, order_date, ordered_at, COALESCE(customer_id, -1),
       (cancelled = 0 AND COALESCE(lower(financial_status), '') NOT IN ('refunded', 'voided')),
       marketing_allowed, COALESCE(discount_code, '')
FROM orders ORDER BY id
"""

_LINE_NUMBERS_SQL = """
SELECT order_id, product_id, quantity, unit_price FROM order_lines ORDER BY order_id, line_no
"""

_PRODUCTS_SQL = """
SELECT id AS product_id, product_key, sku, name, last_price, currency, image_url, url,
       unit_cost, consumable_override, parent_key, product_type, category
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


# Rows are fetched in chunks: fetchall() and building a frame from a million tuples
# hold the GIL for a second or more, which froze the GUI thread while a page read a
# cold cache in a worker thread; between chunks other threads get to run.
_FETCH_CHUNK = 50_000


def _fetch_frame(conn: sqlite3.Connection, sql: str, columns: list[str]) -> pd.DataFrame:
    cursor = conn.execute(sql)
    parts = []
    while rows := cursor.fetchmany(_FETCH_CHUNK):
        parts.append(pd.DataFrame(rows, columns=columns))
    if not parts:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(parts, ignore_index=True)


def _read_lines_sql(conn: sqlite3.Connection) -> pd.DataFrame:
    orders = _fetch_frame(conn, _ORDERS_SQL,
                          ["order_id", "store_order_id", "platform", "order_date", "ordered_at",
                           "customer_id", "included", "marketing_allowed", "discount_code"])
    lines = _fetch_frame(conn, _LINE_NUMBERS_SQL,
                         ["order_id", "product_id", "quantity", "unit_price"])
    order_ids = orders["order_id"].to_numpy(dtype="int64")
    line_order = lines["order_id"].to_numpy(dtype="int64")
    position = np.searchsorted(order_ids, line_order)
    frame = pd.DataFrame({"order_id": line_order})
    for col in ("store_order_id", "platform"):
        frame[col] = orders[col].astype(str).to_numpy()[position]
    frame["order_date"] = pd.to_datetime(orders["order_date"], format="%Y-%m-%d").to_numpy()[
        position]
    frame["ordered_at"] = pd.to_datetime(orders["ordered_at"],
                                         format="%Y-%m-%d %H:%M:%S").to_numpy()[position]
    frame["customer_id"] = orders["customer_id"].to_numpy(dtype="int64")[position]
    frame["product_id"] = lines["product_id"].to_numpy(dtype="int64")
    frame["quantity"] = lines["quantity"].to_numpy(dtype="float64")
    frame["unit_price"] = pd.to_numeric(lines["unit_price"]).to_numpy(dtype="float64")
    frame["included"] = orders["included"].to_numpy(dtype=bool)[position]
    frame["marketing_allowed"] = orders["marketing_allowed"].to_numpy(dtype=bool)[position]
    frame["discount_code"] = orders["discount_code"].astype(str).to_numpy()[position]
    return frame.astype(LINE_DTYPES)


# The frame's columns and dtypes, shared by the SQLite read and the import's in-memory
# assembly so that both produce the same frame.
LINE_DTYPES: dict[str, str] = {
    "order_id": "int64", "store_order_id": "str", "platform": "str",
    "order_date": "datetime64[us]", "ordered_at": "datetime64[us]", "customer_id": "int64",
    "product_id": "int64", "quantity": "float64", "unit_price": "float64", "included": "bool",
    "marketing_allowed": "bool", "discount_code": "str",
}


def included_orders(financial_status: np.ndarray, cancelled: np.ndarray) -> np.ndarray:
    """``included`` for orders with this status and cancellation (the SQL in _ORDERS_SQL)."""
    status = pd.Series(financial_status, dtype=object).fillna("").astype(str).str.lower()
    return (np.asarray(cancelled, dtype=np.int64) == 0) & ~status.isin(
        EXCLUDED_STATUSES).to_numpy(dtype=bool)


def _ascending(keys: np.ndarray, minor: np.ndarray) -> bool:
    """Whether rows are already sorted by (keys, minor) (an export lists orders in order)."""
    step = np.diff(keys)
    return bool((step >= 0).all() and (np.diff(minor)[step == 0] > 0).all())


def _text_take(values: pd.Series, at: np.ndarray) -> pd.Series:
    """``values[at]`` as the frame's ``str`` dtype, missing values as ""."""
    return values.astype("str").fillna("").take(at).reset_index(drop=True)


class FrameUpdate:
    """The lines frame after an import, assembled in memory while the import writes.

    It starts from the current columnar copy (nothing, for an empty store); the
    import adds the lines of the orders it creates (their ids exceed every stored
    id, so they go after the stored ones) and the new ``included`` of the orders whose
    status it changed. Lines added to orders stored before, or a store with data but
    no current copy, make ``frame`` read the result back from SQLite instead (inside
    the transaction, so it sees the import's rows); both are rare.
    """

    def __init__(self, conn: sqlite3.Connection, store: Store) -> None:
        self.base = lines_cache.current_file(conn, store, data_version(conn))
        self.previous = self.base  # the copy the store names until the import commits
        self.from_sql = self.base is None and conn.execute(
            "SELECT 1 FROM order_lines LIMIT 1").fetchone() is not None
        self.parts: list[pd.DataFrame] = []
        self.updates: list[tuple[np.ndarray, np.ndarray]] = []

    def add_lines_of_new_orders(self, *, order_id: np.ndarray, line_no: np.ndarray,
                                at: np.ndarray, store_order_id: pd.Series, platform: str,
                                secs: np.ndarray, customer_id: np.ndarray,
                                included: np.ndarray, marketing_allowed: bool,
                                discount_code: pd.Series, product_id: np.ndarray,
                                quantity: np.ndarray, unit_price: np.ndarray) -> None:
        """Lines the import inserts for orders it inserts.

        Per-line arrays, except ``store_order_id``/``secs``/``customer_id``/``included``/
        ``discount_code``, which are per order and picked for each line by ``at``.
        """
        if self.from_sql or not len(order_id):
            return
        keys = np.asarray(order_id, dtype=np.int64)
        if len(keys) > 1 and not _ascending(keys, np.asarray(line_no)):
            order = np.lexsort((line_no, keys))  # the SQLite read's ORDER BY order_id, line_no
            keys, at = keys[order], at[order]
            product_id, quantity = product_id[order], quantity[order]
            unit_price = unit_price[order]
        line_secs = np.asarray(secs, dtype=np.int64)[at]
        n = len(keys)
        # SQLite formats ordered_at/order_date from these seconds: date() is the day's floor.
        part = pd.DataFrame({
            "order_id": keys,
            # Taken as Arrow strings: going through Python objects costs 4x more.
            "store_order_id": _text_take(store_order_id, at),
            "platform": pd.array(pa.array([platform]).take(pa.array(np.zeros(n, np.int32))),
                                 dtype="str"),
            "order_date": (line_secs - line_secs % 86_400).astype("datetime64[s]"),
            "ordered_at": line_secs.astype("datetime64[s]"),
            "customer_id": np.asarray(customer_id, dtype=np.int64)[at],
            "product_id": np.asarray(product_id, dtype=np.int64),
            "quantity": np.asarray(quantity, dtype=np.float64),
            "unit_price": np.asarray(unit_price, dtype=np.float64),
            "included": np.asarray(included, dtype=bool)[at],
            "marketing_allowed": np.full(n, bool(marketing_allowed)),
            "discount_code": _text_take(discount_code, at),
        })
        self.parts.append(part.astype(LINE_DTYPES))

    def lines_added_to_stored_orders(self) -> None:
        self.from_sql = True

    def set_included(self, order_id: np.ndarray, included: np.ndarray) -> None:
        """Orders stored before whose ``included`` the import changed."""
        if len(order_id):
            self.updates.append((np.asarray(order_id, dtype=np.int64),
                                 np.asarray(included, dtype=bool)))

    def unchanged_copy(self) -> Path | None:
        """The import-written copy, if the import changed nothing it holds.

        A re-import of a file already stored then names the same file for the new
        version instead of writing a million rows again. Only copies named by an
        import qualify: a ``lines-v*`` file is removed by readers once it looks old.
        """
        if self.from_sql or self.parts or self.updates or self.base is None:
            return None
        return None if self.base.name.startswith("lines-v") else self.base

    def holds_no_lines(self) -> bool:
        """Whether the store holds no order line and the import adds none (a catalogue
        imported first): then no copy is worth writing; a reader builds the empty frame."""
        return not (self.from_sql or self.parts or self.updates or self.base is not None)

    def frame(self, conn: sqlite3.Connection) -> pd.DataFrame:
        """The lines frame as the transaction leaves the store."""
        if self.from_sql:
            return _read_lines_sql(conn)
        pieces = ([pd.read_parquet(self.base)] if self.base is not None else []) + self.parts
        if not pieces:
            return _read_lines_sql(conn)  # nothing stored, nothing added: the empty frame
        frame = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
        for ids, flags in self.updates:  # in the order the files were written
            hit = frame["order_id"].isin(ids).to_numpy()
            if hit.any():
                new = pd.Series(flags, index=ids)
                values = frame["included"].to_numpy(copy=True)
                values[hit] = new.reindex(frame["order_id"].to_numpy()[hit]).to_numpy(dtype=bool)
                frame["included"] = values
        return frame


def _snapshot(store: Store, *, from_sql: bool) -> tuple[int, Path | None, pd.DataFrame | None]:
    """The data version and either its current columnar copy or the frame read from SQLite."""
    conn = store.connect()
    try:
        # One read snapshot: the version and the rows it describes belong together
        # even while an import commits in another process.
        conn.execute("BEGIN")
        version = data_version(conn)
        path = None if from_sql else lines_cache.current_file(conn, store, version)
        frame = _read_lines_sql(conn) if path is None else None
        conn.execute("COMMIT")
    finally:
        conn.close()
    return version, path, frame


def load_lines(store: Store, columns: list[str] | None = None) -> pd.DataFrame:
    """The lines frame (see module doc), from the columnar copy when it is current.

    ``columns``: only these (skipping the text columns reads a million lines ~3x faster).
    """
    for attempt in range(3):
        version, path, frame = _snapshot(store, from_sql=attempt == 2)
        if frame is not None:
            break
        try:
            return pd.read_parquet(path, columns=columns)
        except (OSError, ValueError):  # ArrowInvalid is a ValueError
            # Removed by an import that committed since (look again), or unreadable
            # (the third attempt reads SQLite; a named copy is never overwritten here).
            continue
    assert frame is not None
    keep = lines_cache.rebuilt_file(store, version)
    for old in store.columnar_dir.glob("lines-v*.parquet"):
        if old != keep:
            lines_cache.unlink_quietly(old)  # copies rebuilt at older versions
    lines_cache.write_rebuilt(frame, store, version)
    return frame[columns] if columns else frame


def load_products(store: Store) -> pd.DataFrame:
    """Every product: id, key, SKU, name, price, currency, image/url, cost, consumable override,
    and the catalogue's parent key, type and category (None until a catalogue matched)."""
    conn = store.connect()
    try:
        return pd.read_sql_query(_PRODUCTS_SQL, conn)
    finally:
        conn.close()
