"""Square item-sales export (Dashboard > Reports / Transactions > Export).

Rows are items; ``Transaction ID`` groups them into sales. ``Gross Sales`` is the
line total (not a unit price) and money carries symbols and thousands separators
(``$1,234.50``). The time sits in its own column next to ``Date``; ``Time Zone`` is
a named zone, not an offset, so no offset is recorded. ``Event Type`` says Payment
or Refund. Most POS sales are anonymous (blank ``Customer ID``): guests.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, first_word


class SquareProfile(Profile):
    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if "financial_status" in out:
            event = out["financial_status"].str.lower()
            out["financial_status"] = event.map(
                lambda e: "refunded" if "refund" in e else "paid" if "payment" in e else e)
        if "customer_name" in out and "first_name" not in out:
            out["first_name"] = first_word(out["customer_name"])
        return out


SQUARE = SquareProfile(
    name="square", platform="square", label="Square item sales",
    signature=("date", "time", "item", "qty", "gross sales", "transaction id"),
    candidates={
        "order_id": ("transaction id",), "order_date": ("date",), "order_time": ("time",),
        "customer_id": ("customer id",), "customer_name": ("customer name",),
        "sku": ("sku",), "product_name": ("item",), "variant": ("price point name",),
        "quantity": ("qty",), "line_total": ("gross sales",),
        "financial_status": ("event type",), "currency": ("currency",),
    },
)
