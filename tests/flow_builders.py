"""Hand-built stores for the flows and sending tests: customers, products, orders as rows.

Tests may use SQL; building rows directly gives exact control over consent,
marketplace flags and offsets that an export would make indirect. Times are
store-local ``YYYY-MM-DD HH:MM:SS`` with offset 0, so local equals UTC unless a
test sets a time zone or an offset.

A builder's store has every flow Live (``live=False`` keeps them Draft, as a new
store is): most flow tests are about what a Live flow plans and sends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ppdesk.core.flows.model import FLOWS
from ppdesk.core.settings import Settings, load_settings, save_settings
from ppdesk.core.store import Store, open_store, transaction
from ppdesk.core.store.lines import bump_data_version


def utc_minutes(delta: dt.timedelta) -> str:
    """Now plus ``delta`` as ``YYYY-MM-DD HH:MM`` in UTC (the builders' offset 0): for tests
    whose orders must be due, overdue or not yet due against the real clock."""
    return (dt.datetime.now(dt.UTC) + delta).strftime("%Y-%m-%d %H:%M")


@dataclass
class StoreBuilder:
    home: Path
    live: bool = True
    store: Store = field(init=False)
    _batch: int = field(init=False, default=0)
    _products: dict[str, int] = field(init=False, default_factory=dict)
    _customers: dict[str, int] = field(init=False, default_factory=dict)
    _orders: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.store = open_store(self.home)
        conn = self.store.connect()
        with transaction(conn):
            cur = conn.execute(
                "INSERT INTO import_batches(file_name, file_path, file_hash, platform, imported_at)"
                " VALUES ('t.csv', '/t.csv', 'x', 'shopify', '2026-01-01T00:00:00Z')")
            self._batch = int(cur.lastrowid or 0)
            if self.live:
                conn.executemany("INSERT INTO flow_states(flow, state, changed_at)"
                                 " VALUES (?, 'live', '2026-01-01T00:00:00Z')",
                                 [(f,) for f in FLOWS])
        conn.close()

    def product(self, key: str, name: str | None = None, consumable: int | None = None) -> int:
        if key not in self._products:
            conn = self.store.connect()
            cur = conn.execute("INSERT INTO products(product_key, sku, name, consumable_override)"
                               " VALUES (?, ?, ?, ?)", (key, key, name or key.title(), consumable))
            self._products[key] = int(cur.lastrowid or 0)
            conn.close()
        return self._products[key]

    def customer(self, email: str, *, accepts: int | None = 1, first_name: str = "Ann") -> int:
        if email not in self._customers:
            conn = self.store.connect()
            cur = conn.execute(
                "INSERT INTO customers(customer_key, email, first_name, accepts_marketing,"
                " platform) VALUES (?, ?, ?, ?, 'shopify')",
                (email.lower(), email, first_name, accepts))
            self._customers[email] = int(cur.lastrowid or 0)
            conn.close()
        return self._customers[email]

    def order(self, email: str, at: str, products: list[str], *, accepts: int | None = 1,
              marketplace: bool = False, cancelled: bool = False, platform: str = "shopify",
              offset_min: int | None = 0) -> int:
        """One order; ``at`` is local 'YYYY-MM-DD HH:MM'. Returns orders.id."""
        customer = self.customer(email, accepts=accepts)
        self._orders += 1
        conn = self.store.connect()
        with transaction(conn):
            cur = conn.execute(
                "INSERT INTO orders(platform, store_order_id, customer_id, email, first_name,"
                " ordered_at, order_date, utc_offset_min, cancelled, accepts_marketing,"
                " marketing_allowed, total, batch_id) VALUES (?, ?, ?, ?, 'Ann', ?, ?, ?, ?, ?,"
                " ?, 10, ?)",
                ("amazon" if marketplace else platform, f"#{1000 + self._orders}", customer,
                 email, at + ":00", at[:10], offset_min, int(cancelled), accepts,
                 0 if marketplace else 1, self._batch))
            order_id = int(cur.lastrowid or 0)
            for i, key in enumerate(products, start=1):
                conn.execute("INSERT INTO order_lines(order_id, line_no, product_id, quantity,"
                             " unit_price, batch_id) VALUES (?, ?, ?, 1, 10, ?)",
                             (order_id, i, self.product(key), self._batch))
            bump_data_version(conn)
        conn.close()
        return order_id

    def bulk_orders(self, rows: list[tuple[str, str, list[str]]]) -> None:
        """Many (email, local time, product keys) orders in one transaction (consenting)."""
        for _, _, keys in rows:
            for key in keys:
                self.product(key)
        conn = self.store.connect()
        with transaction(conn):
            for email, at, keys in rows:
                found = conn.execute("SELECT id FROM customers WHERE customer_key = ?",
                                     (email.lower(),)).fetchone()
                if found is None:
                    cur = conn.execute(
                        "INSERT INTO customers(customer_key, email, first_name, accepts_marketing,"
                        " platform) VALUES (?, ?, 'Ann', 1, 'shopify')", (email.lower(), email))
                    self._customers[email] = int(cur.lastrowid or 0)
                self._orders += 1
                cur = conn.execute(
                    "INSERT INTO orders(platform, store_order_id, customer_id, email, ordered_at,"
                    " order_date, utc_offset_min, accepts_marketing, total, batch_id)"
                    " VALUES ('shopify', ?, ?, ?, ?, ?, 0, 1, 10, ?)",
                    (f"#{1000 + self._orders}", self._customers[email], email, at + ":00",
                     at[:10], self._batch))
                for i, key in enumerate(keys, start=1):
                    conn.execute("INSERT INTO order_lines(order_id, line_no, product_id, quantity,"
                                 " unit_price, batch_id) VALUES (?, ?, ?, 1, 10, ?)",
                                 (cur.lastrowid, i, self._products[key], self._batch))
            bump_data_version(conn)
        conn.close()

    def cancel_order(self, order_id: int) -> None:
        conn = self.store.connect()
        with transaction(conn):
            conn.execute("UPDATE orders SET cancelled = 1 WHERE id = ?", (order_id,))
            bump_data_version(conn)
        conn.close()

    def suppress(self, email: str, reason: str = "unsubscribe") -> None:
        conn = self.store.connect()
        conn.execute("INSERT INTO suppressions(email, reason, source, created_at)"
                     " VALUES (?, ?, 'test', '2026-01-01T00:00:00Z')", (email.lower(), reason))
        conn.close()

    def set_holdout(self, email: str, held: bool) -> None:
        conn = self.store.connect()
        conn.execute("INSERT INTO holdout(customer_id, in_holdout, assigned_at)"
                     " VALUES (?, ?, '2026-01-01T00:00:00Z')", (self.customer(email), int(held)))
        conn.close()

    def settings(self, **flows: object) -> Settings:
        settings = load_settings(self.store)
        for name, value in flows.items():
            section, _, attr = name.partition("__")
            if attr:
                setattr(getattr(settings, section), attr, value)
            else:
                setattr(settings.flows, name, value)
        save_settings(self.store, settings)
        return settings

    def outbox(self) -> pd.DataFrame:
        conn = self.store.connect()
        try:
            return pd.read_sql_query("SELECT * FROM outbox ORDER BY id", conn)
        finally:
            conn.close()

    def events(self, outbox_id: int) -> list[tuple[str | None, str]]:
        conn = self.store.connect()
        try:
            return [(r[0], r[1]) for r in conn.execute(
                "SELECT from_state, to_state FROM outbox_events WHERE outbox_id = ? ORDER BY id",
                (outbox_id,))]
        finally:
            conn.close()


def timing_frame(rows: dict[int, int]) -> pd.DataFrame:
    """A reorder-timing frame where each product id in ``rows`` is replenishable at that day."""
    return pd.DataFrame({"product_id": list(rows), "trigger_day": list(rows.values()),
                         "replenishable": True, "enough_data": True})


def fixed_complements(table: dict[str, list[int]]):  # type: ignore[no-untyped-def]
    """A complements function: basket key tuple (joined by '+') -> product ids."""
    def complements(keys: tuple[str, ...], n: int) -> list[int]:
        return list(table.get("+".join(keys), []))[:n]
    return complements


NO_TIMING = pd.DataFrame({"product_id": pd.Series(dtype="int64"),
                          "trigger_day": pd.Series(dtype="float64"),
                          "replenishable": pd.Series(dtype=bool),
                          "enough_data": pd.Series(dtype=bool)})
