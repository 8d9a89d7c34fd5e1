"""BigCommerce Orders > Export (default template): one row per order.

``Product Details`` packs every line into one cell: lines separated by ``|``, each
``Product ID: 86, Product Qty: 1, Product SKU: X, Product Name: Y, Product Unit
Price: 12.00, Product Total Price: 12.00``. Names may hold commas, so a field ends
only where the next ``Product <Key>:`` starts. ``Customer ID`` 0 is a guest.
Dates may be ``Mon, 23 Sep 2024 14:21:24 +0000`` or the store's own format.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, first_word, flag

_KEYS = {"qty": "quantity", "sku": "sku", "name": "product_name", "unit price": "unit_price",
         "total price": "line_total", "price": "unit_price"}


class BigCommerceProfile(Profile):
    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if "customer_id" in out:
            out["customer_id"] = out["customer_id"].where(out["customer_id"] != "0", "")
        if "customer_name" in out and "first_name" not in out:
            out["first_name"] = first_word(out["customer_name"])
        if "financial_status" in out:
            status = out["financial_status"].str.lower()
            out["financial_status"] = status
            out["cancelled"] = flag(status.str.startswith("cancel"))
        lines = out["product_details"].str.split(r"\s*\|\s*(?=Product )", regex=True)
        exploded = out.assign(product_details=lines).explode("product_details", ignore_index=True)
        cell = exploded["product_details"].fillna("").astype("str")
        for key, target in _KEYS.items():
            pattern = rf"(?:^|,\s*)Product {key}:\s*(.*?)\s*(?=,\s*Product [A-Za-z ]+:|$)"
            values = cell.str.extract(pattern, flags=2, expand=False).fillna("")
            if target in exploded and key == "price":
                continue
            exploded[target] = values.astype("str")
        return exploded.drop(columns=["product_details"])


BIGCOMMERCE = BigCommerceProfile(
    name="bigcommerce", platform="bigcommerce", label="BigCommerce orders export",
    signature=("order id", "order date", "product details"),
    candidates={
        "order_id": ("order id",), "order_date": ("order date",),
        "customer_id": ("customer id",), "email": ("customer email",),
        "phone": ("customer phone",),
        "customer_name": ("customer name",), "financial_status": ("order status",),
        "currency": ("order currency code",), "total": ("order total (inc tax)",),
        "discount_code": ("coupon details",), "product_details": ("product details",),
    },
)
