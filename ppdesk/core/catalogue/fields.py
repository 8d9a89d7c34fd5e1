"""Canonical catalogue fields and the columns of the variant frame every layout builds."""

from __future__ import annotations

#: The catalogue fields ``--map FIELD=COLUMN`` accepts (docs/catalogue.md).
CATALOGUE_FIELDS = (
    "product_id", "parent", "sku", "title", "variant_title", "price", "compare_at_price", "cost",
    "currency", "image_url", "product_url", "category", "tags", "status", "platform_variant_id",
)
#: Fields that only a catalogue has: a ``--map`` naming one of them reads the file as one.
CATALOGUE_ONLY = frozenset(CATALOGUE_FIELDS) - {"sku", "currency"}

#: Text columns of the variant frame ("" = none).
TEXT_COLUMNS = (
    "variant_key", "parent_key", "handle", "sku", "title", "variant_title", "full_name",
    "currency", "image_url", "product_url", "category", "product_type", "tags", "status",
    "platform_product_id", "platform_variant_id", "market_prices",
)
#: Number columns of the variant frame (NaN = none).
NUMBER_COLUMNS = ("price", "compare_at_price", "cost")
