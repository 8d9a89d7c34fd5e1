"""``customer_record``: a customer's orders, emails (planned, sent, skipped and why),
unsubscribes, bounces and holdout membership, gathered by address.

The same document answers ``ppdesk customer show`` (a summary) and ``customer
export`` (everything, GDPR article 15: the right of access).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.store import Store
from ppdesk.core.store import customer_queries as cq
from ppdesk.core.store import suppression_queries as sq


def normalise(email: str) -> str:
    value = (email or "").strip().lower()
    if "@" not in value or any(c.isspace() for c in value):
        raise InputError(f"'{email}' is not an email address")
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in rows]


@dataclass(frozen=True)
class CustomerRecord:
    email: str
    customers: list[dict[str, Any]]
    orders: list[dict[str, Any]]           # one per order, with its lines
    emails: list[dict[str, Any]]           # outbox rows with their events
    suppression: dict[str, Any] | None
    mailbox: list[dict[str, Any]]          # unsubscribes, bounces, complaints read from IMAP
    holdout: list[dict[str, Any]]

    @property
    def found(self) -> bool:
        return bool(self.customers or self.orders or self.emails or self.suppression
                    or self.mailbox)

    def to_json(self) -> dict[str, Any]:
        return {"email": self.email, "customers": self.customers, "orders": self.orders,
                "emails": self.emails, "suppression": self.suppression,
                "mailbox": self.mailbox, "holdout": self.holdout}

    def export_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, default=str, ensure_ascii=False)


def _orders(lines: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    head = ["order_id", "order_number", "platform", "order_date", "financial_status",
            "cancelled", "currency", "total", "discount_code", "accepts_marketing", "email",
            "first_name"]
    for _, group in lines.groupby("order_id", sort=False):
        first = _records(group[head].head(1))[0]
        items = group.dropna(subset=["product_key"])
        first["lines"] = _records(items[["product_key", "product_name", "quantity",
                                         "unit_price"]])
        out.append(first)
    return out


def customer_record(store: Store, email: str) -> CustomerRecord:
    address = normalise(email)
    conn = store.connect()
    try:
        ids = cq.customer_ids(conn, address)
        oids = cq.order_ids(conn, ids, address)
        lines = cq.orders(conn, oids)
        outbox = cq.outbox(conn, ids, address)
        events = cq.events(conn, [int(i) for i in outbox["id"]])
        salt = sq.erasure_salt(conn)
        keys = [address] + ([sq.address_hash(salt, address)] if salt else [])
        suppression = cq.suppression(conn, keys)
        mailbox = _records(cq.inbox_entries(conn, address))
        holdout = [{"customer_id": c, "in_holdout": h, "assigned_at": a}
                   for c, h, a in cq.holdout(conn, ids)]
        customers = cq.customer_rows(conn, ids)
    finally:
        conn.close()
    emails = _records(outbox)
    by_row = {int(k): _records(g.drop(columns="outbox_id"))
              for k, g in events.groupby("outbox_id")} if len(events) else {}
    for row in emails:
        row["events"] = by_row.get(int(row["id"]), [])
    return CustomerRecord(address, customers, _orders(lines), emails, suppression, mailbox,
                          holdout)
