"""Etsy Shop Manager downloads: "Sold Order Items" and "Sold Orders" CSVs.

Items file: one row per item, ``Order ID`` groups them, ``Sale Date`` is MM/DD/YY.
The buyer is ``Display Name (username)``, a bare ``username`` or blank: the username
is the stable part and becomes the customer id. Variations (``Size:Small``) are
appended to the item name, as Shopify does with variants. The orders file has one
row per order and no items: it records orders, buyers and statuses.
Etsy buyers may not be sent marketing email, so their orders are analytics-only.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, first_word, flag


class EtsyProfile(Profile):
    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if "customer_id" in out:
            buyer = out["customer_id"]
            username = buyer.str.extract(r"\(([^()]+)\)\s*$", expand=False).fillna("")
            display = buyer.str.replace(r"\s*\([^()]+\)\s*$", "", regex=True)
            out["customer_id"] = username.where(username != "", buyer)
            if "first_name" not in out:
                out["first_name"] = first_word(display.where(username != "", ""))
        if "financial_status" in out:
            status = out["financial_status"].str.lower()
            out["cancelled"] = flag(status.str.contains("cancel"))
        return out


ETSY_ITEMS = EtsyProfile(
    name="etsy_items", platform="etsy", label="Etsy sold order items",
    signature=("sale date", "item name", "buyer", "order id", "transaction id"),
    marketing_allowed=False,
    candidates={
        "order_id": ("order id",), "order_date": ("sale date",), "customer_id": ("buyer",),
        "sku": ("sku",), "product_name": ("item name",), "variant": ("variations",),
        "quantity": ("quantity",), "unit_price": ("price",), "currency": ("currency",),
        "discount_code": ("coupon code",),
    },
)

ETSY_ORDERS = EtsyProfile(
    name="etsy_orders", platform="etsy", label="Etsy sold orders (no items)",
    signature=("sale date", "order id", "number of items", "order value"),
    marketing_allowed=False, has_lines=False,
    candidates={
        "order_id": ("order id",), "order_date": ("sale date",),
        "customer_id": ("buyer", "buyer user id"), "first_name": ("first name",),
        "currency": ("currency",), "financial_status": ("status",),
        "discount_code": ("coupon code",), "total": ("order total",),
    },
)
