"""The products listing: every catalogue variant and every ordered product, one row each.

``ppdesk products`` and the app's Products page show it. A variant that an order
named carries that product's key and values (the merchant's edits first); a
catalogue variant no order named is keyed like the contract's product key (its SKU,
else its full name); an ordered product the catalogue lacks is listed too, so
``missing`` (ordered, but without a photo, a link or a platform id) names every gap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core.catalogue.built import store_base
from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import safe_http_url
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import catalogue_queries as q
from ppdesk.core.store import products_queries as pq

COLUMNS = ("product_key", "parent", "title", "variant_title", "sku", "price",
           "compare_at_price", "cost", "currency", "image_url", "product_url",
           "platform_variant_id", "category", "orders")
_NEEDED = ("image_url", "product_url", "platform_variant_id")


def products_frame(store: Store, *, missing: bool = False) -> pd.DataFrame:
    """The listing (``COLUMNS`` plus ``variant_id``/``product_id``), ordered products first."""
    from ppdesk.core.settings import load_settings

    conn = store.connect()
    try:
        frame = q.listing(conn)
    finally:
        conn.close()
    # A store URL set after the import still gives Shopify products their links.
    base = store_base(load_settings(store).store.store_url or "")
    no_link = frame["product_url"].isna() & frame["handle"].notna()
    if base and no_link.any():
        frame.loc[no_link, "product_url"] = base + "/products/" + frame.loc[no_link, "handle"]
    if missing:
        lacks = np.zeros(len(frame), dtype=bool)
        for column in _NEEDED:
            lacks |= frame[column].isna().to_numpy() | (frame[column] == "").to_numpy()
        frame = frame[(frame["orders"] > 0).to_numpy() & lacks]
    frame = frame.sort_values(["orders", "parent", "product_key"], ascending=[False, True, True],
                              na_position="last", kind="stable")
    return frame.reset_index(drop=True)


def missing_count(store: Store) -> int:
    return len(products_frame(store, missing=True))


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """``{"products": [{COLUMNS...}]}`` with nulls for missing values."""
    rows = frame.loc[:, list(COLUMNS)].astype(object).to_numpy()
    return {"products": [{c: _clean(v) for c, v in zip(COLUMNS, r, strict=True)} for r in rows]}


def _https(value: str | None, what: str, product_key: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.lower().startswith("https://") or safe_http_url(text) is None:
        raise InputError(f"the {what} of {product_key!r} must be an absolute https URL, "
                         f"not {text[:60]!r}")
    return text


def set_details(store: Store, product_key: str, *, image_url: str | None,
                product_url: str | None, platform_variant_id: str | None) -> None:
    """The merchant's photo URL, link and variant id for one listed product ("" clears)."""
    image = _https(image_url, "photo URL", product_key)
    link = _https(product_url, "link", product_key)
    variant_id = (platform_variant_id or "").strip() or None
    frame = products_frame(store)
    row = frame[frame["product_key"] == product_key]
    if row.empty:
        raise InputError(f"no product with the key {product_key!r} in this store")
    first = row.iloc[0]
    conn = store.connect()
    try:
        with transaction(conn):
            if pd.notna(first["product_id"]):
                current = pq.product_by_id(conn, int(first["product_id"]))
                pq.set_product_details(
                    conn, int(first["product_id"]), image_url=image, url=link,
                    platform_product_id=current.platform_product_id if current else None,
                    platform_variant_id=variant_id)
            else:
                q.set_variant_details(conn, int(first["variant_id"]), image_url=image,
                                      product_url=link, platform_variant_id=variant_id)
    finally:
        conn.close()
