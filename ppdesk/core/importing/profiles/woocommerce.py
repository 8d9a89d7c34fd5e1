"""WooCommerce order exports. Core WooCommerce exports no orders, so these are plugin layouts.

- Advanced Order Export For WooCommerce (AlgolPlus), a common default: one row per
  product; with "populate other columns on product rows" off, continuation rows
  leave ``Order Number`` blank, so it is filled down.
- SkyVerge "one row per line item": ``order_id``/``order_number``, ``billing_email``,
  ``item_name``/``item_sku``/``item_quantity``.
- A merchant's custom export seen in the wild: ``Customer Email,Order Date,Products``,
  one row per order, every product joined with ", " in one cell and NO order id.
  The order id is synthesised from e-mail + date (stable across re-imports); a piece
  starting with a lower-case letter continues the previous name ("Wine, red"),
  and a trailing "x 2" / "× 2" is a quantity.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, flag, synthesize_ids


class WooProfile(Profile):
    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if "financial_status" in out:
            status = out["financial_status"].str.lower().str.replace(r"^wc-", "", regex=True)
            out["financial_status"] = status
            if "cancelled" not in out:
                out["cancelled"] = flag(status.str.startswith("cancel"))
        if "customer_id" in out:
            out["customer_id"] = out["customer_id"].where(out["customer_id"] != "0", "")
        return out


class WooPackedProfile(Profile):
    """One row per order, products joined in one cell."""

    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        email = out["email"] if "email" in out else pd.Series("", index=out.index, dtype="str")
        out["order_id"] = synthesize_ids("woo-", email, out["order_date"])
        pieces = out["product_name"].str.split(r"\s*[,\n|]\s+", regex=True)
        exploded = out.assign(product_name=pieces).explode("product_name", ignore_index=True)
        exploded["product_name"] = exploded["product_name"].fillna("").astype("str").str.strip()
        exploded = _rejoin_continuations(exploded)
        qty = exploded["product_name"].str.extract(r"\s+[x×]\s?(\d+)$", expand=False)
        exploded["quantity"] = qty.fillna("1").astype("str")
        exploded["product_name"] = exploded["product_name"].str.replace(
            r"\s+[x×]\s?\d+$", "", regex=True)
        return exploded[exploded["product_name"] != ""].reset_index(drop=True)


def _rejoin_continuations(frame: pd.DataFrame) -> pd.DataFrame:
    """Glue a piece that starts lower-case back onto the previous piece of the same row."""
    cont = frame["product_name"].str.match(r"^[a-z]") & frame["_row"].eq(frame["_row"].shift())
    if not cont.any():
        return frame
    group = (~cont).cumsum()
    names = frame.groupby(group, sort=False)["product_name"].agg(", ".join)
    first = frame[~cont].copy()
    first["product_name"] = names.to_numpy()
    return first.reset_index(drop=True)


_ALGOL = {
    "order_id": ("order number", "order id", "order #"),
    "order_date": ("order date",),
    "email": ("email (billing)", "billing email", "customer email"),
    "first_name": ("first name (billing)", "billing first name"),
    "customer_id": ("customer user id", "customer id"),
    "sku": ("sku",),
    "product_name": ("name", "item name", "product name"),
    "variant": ("product variation",),
    "quantity": ("quantity",),
    "unit_price": ("item cost",),
    "financial_status": ("order status",),
    "discount_code": ("coupon code", "coupons used"),
    "total": ("order total amount",),
    "currency": ("order currency", "currency"),
    "phone": ("phone (billing)", "billing phone"),
    "billing_country": ("country code (billing)",),
    "shipping_country": ("country code (shipping)",),
}

WOO_ALGOLPLUS = WooProfile(
    name="woocommerce", platform="woocommerce",
    label="WooCommerce order export (Advanced Order Export)",
    signature=("order number", "order status", "order date", "quantity"),
    candidates=_ALGOL, fill_down_order_id=True,
)

WOO_SKYVERGE = WooProfile(
    name="woocommerce_skyverge", platform="woocommerce",
    label="WooCommerce order export (one row per line item)",
    signature=("order_id", "order_date", "billing_email", "item_name"),
    candidates={
        "order_id": ("order_number", "order_id"), "order_date": ("order_date",),
        "email": ("billing_email",), "first_name": ("billing_first_name",),
        "customer_id": ("customer_id",), "sku": ("item_sku", "sku"),
        "product_name": ("item_name",), "quantity": ("item_quantity", "quantity"),
        "unit_price": ("item_price", "item_cost"), "financial_status": ("status", "order_status"),
        "discount_code": ("coupon_code", "coupons"), "total": ("order_total",),
        "currency": ("order_currency", "currency"),
        "phone": ("billing_phone",), "billing_country": ("billing_country",),
        "shipping_country": ("shipping_country",),
    },
)

WOO_PACKED = WooPackedProfile(
    name="woocommerce_packed", platform="woocommerce",
    label="WooCommerce custom export (products in one cell, no order id)",
    signature=("order date", "products"),
    excluded=("order number", "order id", "order_id"),
    candidates={"email": ("customer email", "email", "billing email"),
                "order_date": ("order date",), "product_name": ("products",)},
    synthesize_order_id=True,
)
