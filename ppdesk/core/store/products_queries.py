"""Product look-ups and the product fields a merchant enters by hand.

Order exports do not carry a product's image URL, page URL or the platform's own
ids (Shopify variant id for cart permalinks, WooCommerce product id for
``?add-to-cart=``), so the merchant types them in the offers page; they are kept
on the ``products`` row (``image_url``, ``url``, ``platform_product_id``,
``platform_variant_id``); an imported catalogue fills them too, but never overwrites
what the merchant typed (``details_source``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

_COLUMNS = ("id, product_key, sku, name, last_price, currency, image_url, url, "
            "platform_product_id, platform_variant_id")


@dataclass(frozen=True)
class ProductRow:
    id: int
    product_key: str
    sku: str | None
    name: str
    last_price: float | None
    currency: str | None
    image_url: str | None
    url: str | None
    platform_product_id: str | None
    platform_variant_id: str | None


def _row(row: sqlite3.Row | tuple[object, ...]) -> ProductRow:
    return ProductRow(*row)


def product_by_key(conn: sqlite3.Connection, product_key: str) -> ProductRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM products WHERE product_key = ?",
                       (product_key,)).fetchone()
    return None if row is None else _row(tuple(row))


def product_by_id(conn: sqlite3.Connection, product_id: int) -> ProductRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM products WHERE id = ?", (product_id,)).fetchone()
    return None if row is None else _row(tuple(row))


def products_by_ids(conn: sqlite3.Connection, ids: list[int]) -> dict[int, ProductRow]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT {_COLUMNS} FROM products WHERE id IN ({marks})", ids).fetchall()
    return {int(r[0]): _row(tuple(r)) for r in rows}


def all_product_keys(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(product_key, name)`` of every product, for "did you mean" suggestions."""
    return [(str(r[0]), str(r[1]))
            for r in conn.execute("SELECT product_key, name FROM products ORDER BY product_key")]


def set_product_details(conn: sqlite3.Connection, product_id: int, *, image_url: str | None,
                        url: str | None, platform_product_id: str | None,
                        platform_variant_id: str | None) -> None:
    """Store the merchant-entered fields (None or "" clears a field); marked as the
    merchant's, so a catalogue import only fills the ones left empty."""
    conn.execute(
        "UPDATE products SET image_url = ?, url = ?, platform_product_id = ?, "
        "platform_variant_id = ?, details_source = 'merchant' WHERE id = ?",
        (image_url or None, url or None, platform_product_id or None,
         platform_variant_id or None, product_id),
    )
