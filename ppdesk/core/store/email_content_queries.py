"""The email content table (the merchant's words per flow) and the catalogue facts an
email card shows that ``products_queries`` does not carry (the compare-at price).

``email_content`` holds one JSON object of field -> text per flow (migration 7);
``core/emails/content.py`` owns what the fields mean and their defaults.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime


def get_content(conn: sqlite3.Connection, flow: str) -> str | None:
    """The stored JSON of ``flow``'s fields, None when the merchant never saved any."""
    row = conn.execute("SELECT fields_json FROM email_content WHERE flow = ?",
                       (flow,)).fetchone()
    return None if row is None else str(row[0])


def put_content(conn: sqlite3.Connection, flow: str, fields_json: str) -> None:
    conn.execute(
        "INSERT INTO email_content(flow, fields_json, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(flow) DO UPDATE SET fields_json = excluded.fields_json, "
        "updated_at = excluded.updated_at",
        (flow, fields_json, datetime.now(UTC).isoformat(timespec="seconds")))


def delete_content(conn: sqlite3.Connection, flow: str) -> None:
    conn.execute("DELETE FROM email_content WHERE flow = ?", (flow,))


def _has_catalogue(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                       "AND name = 'catalogue_variants'").fetchone()
    cols = {str(r[1]) for r in conn.execute("PRAGMA table_info(products)")}
    return row is not None and "catalogue_variant_id" in cols


def compare_at_prices(conn: sqlite3.Connection, ids: list[int]) -> dict[int, float]:
    """Compare-at ("was") prices of products, from their matched catalogue variant.

    The catalogue tables arrive with the catalogue import (issue 11); on a store without
    them this answers ``{}``, so cards simply show one price.
    """
    if not ids or not _has_catalogue(conn):
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT p.id, v.compare_at_price FROM products p "
        "JOIN catalogue_variants v ON v.id = p.catalogue_variant_id "
        f"WHERE p.id IN ({marks}) AND v.compare_at_price IS NOT NULL", ids).fetchall()
    return {int(r[0]): float(r[1]) for r in rows}
