"""Small stores for the results tests: orders as a Shopify export, sends and offers as rows.

Orders are written as a Shopify ``orders_export.csv`` and imported with the real
importer; outbox rows go in through ``results_queries.insert_outbox_rows`` and
offers/suppressions with plain SQL (tests may use SQL).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ppdesk.core.store import Store, open_store, transaction
from ppdesk.core.store import results_queries as q

SHOPIFY_HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status",
                  "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
                  "Discount Code", "Discount Amount", "Created at", "Lineitem quantity",
                  "Lineitem name", "Lineitem price", "Lineitem sku", "Cancelled at", "Id"]


@dataclass
class Order:
    number: str                      # "#1001"
    email: str
    created: str                     # "2026-03-02 10:00:00 +0000"
    lines: list[tuple[str, str, float, float]]  # (sku, name, quantity, price)
    total: float
    code: str = ""
    status: str = "paid"
    cancelled: bool = False


@dataclass
class Send:
    flow: str
    email: str
    sent_at: str | None              # UTC ISO, None for holdout / failed
    state: str = "sent"
    holdout: bool = False
    due_at: str | None = None
    reason: str = ""
    detail: str = ""                 # failure reply, written as an outbox event


@dataclass
class Variant:
    percent: float
    code: str


@dataclass
class OfferSpec:
    trigger_sku: str
    complement_sku: str
    live_since: str
    variants: list[Variant] = field(default_factory=list)


def write_shopify_csv(path: Path, orders: list[Order]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SHOPIFY_HEADER)
        for o in orders:
            for i, (sku, name, qty, price) in enumerate(o.lines):
                first = i == 0
                writer.writerow([
                    o.number, o.email, o.status if first else "", o.created if first else "",
                    "fulfilled" if first else "", "yes" if first else "", "USD" if first else "",
                    f"{o.total:.2f}" if first else "", "0.00" if first else "",
                    "0.00" if first else "", f"{o.total:.2f}" if first else "",
                    o.code if first else "", "0.00" if first else "", o.created, f"{qty:g}",
                    name, f"{price:.2f}", sku,
                    (o.created if o.cancelled else "") if first else "",
                    o.number.strip("#") if first else "",
                ])
    return path


def import_orders(store: Store, tmp: Path, orders: list[Order], name: str = "orders_export.csv"
                  ) -> None:
    from ppdesk.core.importing import import_files

    import_files(store, [write_shopify_csv(tmp / name, orders)], platform="shopify")


def customer_ids(store: Store) -> dict[str, int]:
    conn = store.connect()
    try:
        rows = conn.execute("SELECT id, lower(email) FROM customers").fetchall()
    finally:
        conn.close()
    return {str(r[1]): int(r[0]) for r in rows}


def add_sends(store: Store, sends: list[Send]) -> None:
    ids = customer_ids(store)
    rows = []
    for i, s in enumerate(sends):
        due = s.due_at or s.sent_at or "2026-01-01T00:00:00+00:00"
        rows.append({
            "plan_key": f"{s.flow}|{s.email}|{i}", "flow": s.flow,
            "customer_id": ids[s.email.lower()], "email": s.email, "trigger_order_id": None,
            "product_ids": json.dumps([]), "template": s.flow, "due_at": due,
            "state": "cancelled" if s.holdout else s.state,
            "reason": "holdout" if s.holdout else s.reason, "holdout": 1 if s.holdout else 0,
            "subject": "s", "planned_at": due, "sent_at": s.sent_at, "updated_at": due,
        })
    conn = store.connect()
    try:
        with transaction(conn):
            q.insert_outbox_rows(conn, rows)
            for i, s in enumerate(sends):
                if s.detail:
                    oid = conn.execute("SELECT id FROM outbox WHERE plan_key = ?",
                                       (f"{s.flow}|{s.email}|{i}",)).fetchone()[0]
                    conn.execute("INSERT INTO outbox_events (outbox_id, at, from_state, to_state, "
                                 "detail) VALUES (?, ?, 'sending', 'failed', ?)",
                                 (oid, due, s.detail))
            holdouts = [(ids[s.email.lower()], 1, "2026-01-01T00:00:00+00:00")
                        for s in sends if s.holdout]
            q.insert_holdout(conn, holdouts)
    finally:
        conn.close()


def add_suppression(store: Store, email: str, reason: str, created_at: str) -> None:
    conn = store.connect()
    try:
        conn.execute("INSERT INTO suppressions (email, reason, source, created_at) "
                     "VALUES (?, ?, 'test', ?)", (email.lower(), reason, created_at))
    finally:
        conn.close()


def add_offer(store: Store, spec: OfferSpec) -> int:
    conn: sqlite3.Connection = store.connect()
    try:
        with transaction(conn):
            pid = {str(r[1]): int(r[0])
                   for r in conn.execute("SELECT id, product_key FROM products")}
            cur = conn.execute(
                "INSERT INTO offers (trigger_product_id, complement_product_id, window_minutes, "
                "headline, call_to_action, platform, active, live_since, created_at, updated_at) "
                "VALUES (?, ?, 30, 'h', 'c', 'shopify', 1, ?, ?, ?)",
                (pid[spec.trigger_sku], pid[spec.complement_sku], spec.live_since,
                 spec.live_since, spec.live_since))
            offer_id = int(cur.lastrowid or 0)
            for pos, v in enumerate(spec.variants):
                conn.execute("INSERT INTO offer_variants (offer_id, position, discount_percent, "
                             "discount_code) VALUES (?, ?, ?, ?)",
                             (offer_id, pos, v.percent, v.code))
    finally:
        conn.close()
    return offer_id


def set_costs(store: Store, costs: dict[str, float]) -> None:
    conn = store.connect()
    try:
        for key, cost in costs.items():
            conn.execute("UPDATE products SET unit_cost = ? WHERE product_key = ?", (cost, key))
    finally:
        conn.close()


def new_store(home: Path) -> Store:
    return open_store(home)



def load_orders(store: Store, tmp: Path, orders: list[Order], name: str = "orders_export.csv"
                ) -> None:
    import_orders(store, tmp, orders, name)
