"""SQL of the L1 thank-you offers (``offers``) and their discount-test variants
(``offer_variants``), tables of migration 3.

One offer per trigger product (``UNIQUE (trigger_product_id)``): saving an offer for a
product that has one replaces it, variants included, in one transaction. Pauses
(``offer_pauses``, migration 14) keep when an offer was off, so Results can leave
those views out; a deleted offer can be put back whole (``restore_offer``) for Undo.
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
    body: str = ""


@dataclass(frozen=True)
class PauseRow:
    offer_id: int
    paused_at: str
    resumed_at: str | None


@dataclass(frozen=True)
class VariantRow:
    offer_id: int
    position: int
    discount_percent: float
    discount_code: str


_OFFER_COLUMNS = ("id, trigger_product_id, complement_product_id, window_minutes, headline, "
                  "call_to_action, platform, active, live_since, created_at, updated_at, body")


def _offer(row: sqlite3.Row | tuple[object, ...]) -> OfferRow:
    values = list(tuple(row))
    values[7] = bool(values[7])
    return OfferRow(*values)


def upsert_offer(conn: sqlite3.Connection, *, trigger_product_id: int,
                 complement_product_id: int, window_minutes: int, headline: str,
                 call_to_action: str, platform: str, active: bool, now: str,
                 body: str = "") -> int:
    """Insert or replace the offer of ``trigger_product_id``; returns its id (kept on replace)."""
    conn.execute(
        "INSERT INTO offers(trigger_product_id, complement_product_id, window_minutes, headline, "
        "call_to_action, platform, active, created_at, updated_at, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(trigger_product_id) DO UPDATE SET "
        "complement_product_id = excluded.complement_product_id, "
        "window_minutes = excluded.window_minutes, headline = excluded.headline, "
        "call_to_action = excluded.call_to_action, platform = excluded.platform, "
        "active = excluded.active, updated_at = excluded.updated_at, body = excluded.body",
        (trigger_product_id, complement_product_id, window_minutes, headline, call_to_action,
         platform, int(active), now, now, body),
    )
    row = conn.execute("SELECT id FROM offers WHERE trigger_product_id = ?",
                       (trigger_product_id,)).fetchone()
    return int(row[0])


def update_offer(conn: sqlite3.Connection, offer_id: int, *, trigger_product_id: int,
                 complement_product_id: int, window_minutes: int, headline: str,
                 call_to_action: str, platform: str, active: bool, now: str,
                 body: str = "") -> bool:
    """Change offer ``offer_id`` in place (an edit); False when it no longer exists."""
    cur = conn.execute(
        "UPDATE offers SET trigger_product_id = ?, complement_product_id = ?, "
        "window_minutes = ?, headline = ?, call_to_action = ?, platform = ?, active = ?, "
        "updated_at = ?, body = ? WHERE id = ?",
        (trigger_product_id, complement_product_id, window_minutes, headline, call_to_action,
         platform, int(active), now, body, offer_id))
    return cur.rowcount > 0


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
    """Delete the offer; its variants and pauses go with it (ON DELETE CASCADE)."""
    conn.execute("DELETE FROM offer_pauses WHERE offer_id = ?", (offer_id,))
    conn.execute("DELETE FROM offers WHERE id = ?", (offer_id,))


def restore_offer(conn: sqlite3.Connection, row: OfferRow, variants: list[VariantRow],
                  pauses: list[PauseRow]) -> None:
    """Put a deleted offer back exactly as it was (same id, so Results keep its history)."""
    conn.execute(
        f"INSERT INTO offers({_OFFER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.id, row.trigger_product_id, row.complement_product_id, row.window_minutes,
         row.headline, row.call_to_action, row.platform, int(row.active), row.live_since,
         row.created_at, row.updated_at, row.body))
    conn.executemany(
        "INSERT INTO offer_variants(offer_id, position, discount_percent, discount_code) "
        "VALUES (?, ?, ?, ?)",
        [(row.id, v.position, v.discount_percent, v.discount_code) for v in variants])
    conn.executemany(
        "INSERT INTO offer_pauses(offer_id, paused_at, resumed_at) VALUES (?, ?, ?)",
        [(row.id, p.paused_at, p.resumed_at) for p in pauses])


def start_pause(conn: sqlite3.Connection, offer_id: int, at: str) -> None:
    """Record that the offer is off from ``at`` (UTC ISO), unless a pause is already open."""
    conn.execute(
        "INSERT INTO offer_pauses(offer_id, paused_at) SELECT ?, ? WHERE NOT EXISTS "
        "(SELECT 1 FROM offer_pauses WHERE offer_id = ? AND resumed_at IS NULL)",
        (offer_id, at, offer_id))


def end_pause(conn: sqlite3.Connection, offer_id: int, at: str) -> None:
    conn.execute("UPDATE offer_pauses SET resumed_at = ? WHERE offer_id = ? "
                 "AND resumed_at IS NULL", (at, offer_id))


def pauses_of(conn: sqlite3.Connection, offer_id: int) -> list[PauseRow]:
    rows = conn.execute("SELECT offer_id, paused_at, resumed_at FROM offer_pauses "
                        "WHERE offer_id = ? ORDER BY paused_at, id", (offer_id,)).fetchall()
    return [PauseRow(int(r[0]), str(r[1]), None if r[2] is None else str(r[2])) for r in rows]


def all_pauses(conn: sqlite3.Connection) -> list[PauseRow]:
    rows = conn.execute("SELECT offer_id, paused_at, resumed_at FROM offer_pauses "
                        "ORDER BY offer_id, paused_at, id").fetchall()
    return [PauseRow(int(r[0]), str(r[1]), None if r[2] is None else str(r[2])) for r in rows]
