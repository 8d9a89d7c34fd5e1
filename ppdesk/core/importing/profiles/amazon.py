"""Amazon Seller Central order reports and the sales reports derived from them.

- Flat-file "All Orders" report (tab separated ``.txt``): ``amazon-order-id``,
  ``purchase-date`` (ISO 8601 with offset), ``item-price`` is the LINE total; no buyer.
- "Order Report" / unshipped variant: ``order-id``, ``order-item-id``, ``buyer-email``
  (an anonymised relay address), ``quantity-purchased``.
- The "Amazon Sale Report" (a pandas re-save seen on Kaggle): ``Order ID``, ``Date``
  ``04-30-22``, ``Status``, ``Qty`` (0 on cancelled lines), ``Amount`` (line total).
- The "International sale report" (wholesale): ``DATE``, ``CUSTOMER``, ``SKU``, ``PCS``,
  ``RATE``; no order id, so one is synthesised from customer + date.
Amazon buyers may not receive marketing email: orders are analytics-only.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, flag, synthesize_ids


class AmazonProfile(Profile):
    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if self.synthesize_order_id:
            who = out["customer_id"] if "customer_id" in out else pd.Series(
                "", index=out.index, dtype="str")
            out["order_id"] = synthesize_ids("amz-", who, out["order_date"])
        if "financial_status" in out:
            status = out["financial_status"].str.lower()
            out["cancelled"] = flag(status.str.contains("cancel"))
        return out


AMAZON_FLAT = AmazonProfile(
    name="amazon", platform="amazon", label="Amazon all-orders report",
    signature=("amazon-order-id", "purchase-date"),
    marketing_allowed=False,
    candidates={
        "order_id": ("amazon-order-id",), "order_date": ("purchase-date",),
        "sku": ("sku", "asin"), "product_name": ("product-name",), "quantity": ("quantity",),
        "line_total": ("item-price",), "currency": ("currency",),
        "financial_status": ("order-status",), "discount_code": ("promotion-ids",),
    },
)

AMAZON_ORDER_REPORT = AmazonProfile(
    name="amazon_order_report", platform="amazon", label="Amazon order report",
    signature=("order-id", "order-item-id", "purchase-date"),
    marketing_allowed=False,
    candidates={
        "order_id": ("order-id",), "order_date": ("purchase-date",),
        "email": ("buyer-email",), "first_name": ("buyer-name",),
        "sku": ("sku", "asin"), "product_name": ("product-name",),
        "quantity": ("quantity-purchased", "quantity"), "line_total": ("item-price",),
        "currency": ("currency",), "financial_status": ("order-status",),
    },
)

AMAZON_SALE_REPORT = AmazonProfile(
    name="amazon_sale_report", platform="amazon", label="Amazon sale report",
    signature=("order id", "date", "status", "asin", "qty", "amount"),
    marketing_allowed=False,
    candidates={
        "order_id": ("order id",), "order_date": ("date",), "sku": ("sku", "asin"),
        "product_name": ("style",), "quantity": ("qty",), "line_total": ("amount",),
        "currency": ("currency",), "financial_status": ("status",),
        "discount_code": ("promotion-ids",),
    },
)

AMAZON_INTERNATIONAL = AmazonProfile(
    name="amazon_international", platform="amazon", label="Amazon international sale report",
    signature=("date", "customer", "sku", "pcs", "rate"),
    excluded=("order id",),
    marketing_allowed=False, synthesize_order_id=True,
    candidates={
        "order_date": ("date",), "customer_id": ("customer",), "sku": ("sku",),
        "product_name": ("style",), "quantity": ("pcs",), "unit_price": ("rate",),
        "line_total": ("gross amt",),
    },
)
