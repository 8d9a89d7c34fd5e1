"""Shopify orders export (Admin > Orders > Export), and Squarespace's look-alike.

One row per line item; order-level fields (Financial Status, totals, Discount Code,
Id, addresses) only on an order's FIRST row: the shared pipeline carries them
forward by ``Name``. ``Cancelled at`` holds a date for cancelled orders. Customers
are e-mails, else phones (``Phone``, then ``Billing Phone``, then ``Shipping
Phone``): cash-on-delivery stores often have no e-mail. A billing name is never an
identity (two people, one name). ``Billing Country`` tells which country national
phone numbers belong to (importing.identity).

Squarespace copies Shopify's names but uses ``Order ID`` and a separate
``Lineitem variant``: a detector keyed on ``Lineitem name`` alone mis-reads it, so
Shopify excludes those headers and Squarespace has its own profile.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, first_word, flag

_COMMON = {
    "order_date": ("created at",),
    "email": ("email",),
    "sku": ("lineitem sku",),
    "product_name": ("lineitem name",),
    "quantity": ("lineitem quantity",),
    "unit_price": ("lineitem price",),
    "currency": ("currency",),
    "financial_status": ("financial status",),
    "cancelled": ("cancelled at",),
    "discount_code": ("discount code",),
    "accepts_marketing": ("accepts marketing",),
    "total": ("total",),
    "customer_name": ("billing name", "shipping name"),
    "phone": ("phone",),
    "billing_phone": ("billing phone",),
    "shipping_phone": ("shipping phone",),
    "billing_country": ("billing country",),
    "shipping_country": ("shipping country",),
}


class ShopifyProfile(Profile):
    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if "cancelled" in out:
            # "Cancelled at" holds the cancellation time; any value means cancelled.
            out["cancelled"] = flag(out["cancelled"] != "")
        if "customer_name" in out and "first_name" not in out:
            out["first_name"] = first_word(out["customer_name"])
        return out


SHOPIFY = ShopifyProfile(
    name="shopify", platform="shopify", label="Shopify orders export",
    # Merchants trim exports (10- and 34-column subsets exist): ask only for what identifies it.
    signature=("name", "created at", "lineitem name"),
    excluded=("order id", "lineitem variant"),
    candidates={"order_id": ("name",), **_COMMON},
)

SQUARESPACE = ShopifyProfile(
    name="squarespace", platform="squarespace", label="Squarespace orders export",
    signature=("order id", "created at", "lineitem name", "lineitem variant"),
    candidates={"order_id": ("order id",), "variant": ("lineitem variant",), **_COMMON},
)
