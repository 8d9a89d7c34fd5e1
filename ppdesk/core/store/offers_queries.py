"""SQL of the L1 thank-you offers (``offers``) and their discount-test variants
(``offer_variants``), tables of migration 3.

One offer per trigger product (``UNIQUE (trigger_product_id)``): saving an offer for a
product that has one replaces it, variants included, in one transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class OfferRow:
    id: int
    trigger_product_id: int
    complement_product_id: int
    window_minutes: int
    headline: str
    call_to_action: str
    platform: str
    active: bool
    live_since: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class VariantRow:
    offer_id: int
    position: int
    discount_percent: float
    discount_code: str


_OFFER_COLUMNS = ("id, trigger_product_id, complement_product_id, window_minutes, headline, "
                  "call_to_action, platform, active, live_since, created_at, updated_at")


def _offer(row: sqlite3.Row | tuple[object, ...]) -> OfferRow:
    values = list(tuple(row))
    values[7] = bool(values[7])
    return OfferRow(*values)


def upsert_offer(conn: sqlite3.Connection, *, trigger_product_id: int,
                 complement_product_id: int, window_minutes: int, headline: str,
                 call_to_action: str, platform: str, active: bool, now: str) -> int:
    """Insert or replace the offer of ``trigger_product_id``; returns its id (kept on replace)."""
    conn.execute(
        "INSERT INTO offers(trigger_product_id, complement_product_id, window_minutes, headline, "
        "call_to_action, platform, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(trigger_product_id) DO UPDATE SET "
        "complement_product_id = excluded.complement_product_id, "
        "window_minutes = excluded.window_minutes, headline = excluded.headline, "
        "call_to_action = excluded.call_to_action, platform = excluded.platform, "
        "active = excluded.active, updated_at = excluded.updated_at",
        (trigger_product_id, complement_product_id, window_minutes, headline, call_to_action,
         platform, int(active), now, now),
    )
    row = conn.execute("SELECT id FROM offers WHERE trigger_product_id = ?",
                       (trigger_product_id,)).fetchone()
    return int(row[0])


def replace_variants(conn: sqlite3.Connection, offer_id: int,
                     variants: list[tuple[float, str]]) -> None:
    """Set the offer's variants to ``[(discount_percent, discount_code), ...]`` in order."""
    conn.execute("DELETE FROM offer_variants WHERE offer_id = ?", (offer_id,))
    conn.executemany(
        "INSERT INTO offer_variants(offer_id, position, discount_percent, discount_code) "
        "VALUES (?, ?, ?, ?)",
        [(offer_id, pos, pct, code) for pos, (pct, code) in enumerate(variants)],
    )


def code_owner(conn: sqlite3.Connection, discount_code: str) -> int | None:
    """The offer id already using ``discount_code`` (codes are unique), if any."""
    row = conn.execute("SELECT offer_id FROM offer_variants WHERE discount_code = ?",
                       (discount_code,)).fetchone()
    return None if row is None else int(row[0])


def offer_for_trigger(conn: sqlite3.Connection, trigger_product_id: int) -> OfferRow | None:
    row = conn.execute(f"SELECT {_OFFER_COLUMNS} FROM offers WHERE trigger_product_id = ?",
                       (trigger_product_id,)).fetchone()
    return None if row is None else _offer(row)


def offer_by_id(conn: sqlite3.Connection, offer_id: int) -> OfferRow | None:
    row = conn.execute(f"SELECT {_OFFER_COLUMNS} FROM offers WHERE id = ?",
                       (offer_id,)).fetchone()
    return None if row is None else _offer(row)


def list_offers(conn: sqlite3.Connection, *, active_only: bool = False) -> list[OfferRow]:
    where = "WHERE active = 1" if active_only else ""
    rows = conn.execute(f"SELECT {_OFFER_COLUMNS} FROM offers {where} ORDER BY id").fetchall()
    return [_offer(r) for r in rows]


def variants_of(conn: sqlite3.Connection, offer_id: int) -> list[VariantRow]:
    rows = conn.execute(
        "SELECT offer_id, position, discount_percent, discount_code FROM offer_variants "
        "WHERE offer_id = ? ORDER BY position", (offer_id,)).fetchall()
    return [VariantRow(int(r[0]), int(r[1]), float(r[2]), str(r[3])) for r in rows]


def set_active(conn: sqlite3.Connection, offer_id: int, active: bool, now: str) -> None:
    conn.execute("UPDATE offers SET active = ?, updated_at = ? WHERE id = ?",
                 (int(active), now, offer_id))


def set_live_since(conn: sqlite3.Connection, offer_id: int, live_since: str | None,
                   now: str) -> None:
    conn.execute("UPDATE offers SET live_since = ?, updated_at = ? WHERE id = ?",
                 (live_since, now, offer_id))


def delete_offer(conn: sqlite3.Connection, offer_id: int) -> None:
    conn.execute("DELETE FROM offers WHERE id = ?", (offer_id,))
