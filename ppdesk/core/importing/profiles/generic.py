"""Any other order table: guess the canonical fields from common column names.

The guess is shown to the merchant (CLI table output, GUI mapping dialog) and can be
corrected with ``--map FIELD=COLUMN``. UCI Online Retail marks cancellations with a
``C`` invoice prefix (``C536379``) and negative quantities: such invoices are cancelled.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.importing.profiles.base import Profile, flag


class GenericProfile(Profile):
    def score(self, header: list[str]) -> int:
        mapping = self.guess_mapping(header)
        return 1 if not self.missing(mapping) else 0

    def adjust(self, out: pd.DataFrame) -> pd.DataFrame:
        if "order_id" in out and "cancelled" not in out:
            credit = out["order_id"].str.match(r"^[Cc]\d+$")
            if credit.any() and out["order_id"].str.match(r"^\d+$").any():
                out["cancelled"] = flag(credit)
        if "financial_status" in out and "cancelled" not in out:
            status = out["financial_status"].str.lower()
            out["cancelled"] = flag(status.str.startswith("cancel"))
        if "customer_id" in out:
            out["customer_id"] = out["customer_id"].where(out["customer_id"] != "0", "")
        return out


GENERIC = GenericProfile(
    name="generic", platform="generic", label="Table with guessed columns",
    signature=(),
    candidates={
        "order_id": ("invoiceno", "invoice no", "invoice", "invoice number", "invoice_no",
                     "order id", "order_id", "orderid", "order number", "order_number",
                     "order no", "order no.", "order #", "order", "order name", "transaction id",
                     "receipt number", "receipt no"),
        "order_date": ("invoicedate", "invoice date", "order date", "order_date", "created at",
                       "created_at", "date created", "purchase date", "purchase-date",
                       "sale date", "transaction date", "order time", "ordered at", "date",
                       "datetime", "timestamp"),
        "order_time": ("time",),
        "customer_id": ("customerid", "customer id", "customer_id", "customer number",
                        "customer no", "client id", "buyer id", "user id", "customer"),
        "email": ("customer email", "email", "e-mail", "email address", "billing email",
                  "billing_email", "email (billing)", "buyer email", "buyer-email",
                  "contact email", "customer_email"),
        "phone": ("phone", "phone number", "telephone", "tel", "mobile", "mobile number",
                  "cell", "customer phone", "billing phone", "phone (billing)", "contact phone",
                  "whatsapp"),
        "sku": ("stockcode", "stock code", "sku", "item sku", "product sku", "product code",
                "item code", "variant sku", "article number", "product id", "product_id",
                "item id", "asin"),
        "product_name": ("description", "product", "product name", "product_name", "item",
                         "item name", "item_name", "name", "lineitem name", "title",
                         "product title", "article"),
        "variant": ("variant", "variation", "product variation"),
        "quantity": ("quantity", "qty", "quantity ordered", "quantity-purchased", "units",
                     "pcs", "item quantity", "count"),
        "unit_price": ("unitprice", "unit price", "price", "item price", "unit_price",
                       "price each", "item cost", "rate", "sale price"),
        "line_total": ("line total", "total price", "gross sales", "item total", "amount",
                       "sales", "revenue", "line amount"),
        "currency": ("currency", "currency code", "order currency"),
        "financial_status": ("financial status", "payment status", "order status", "status"),
        "cancelled": ("cancelled", "canceled", "cancelled at", "is cancelled"),
        "discount_code": ("discount code", "coupon code", "coupon", "promo code", "voucher"),
        "accepts_marketing": ("accepts marketing", "accepts email marketing", "newsletter",
                              "marketing opt-in", "opt in", "subscribed"),
        "first_name": ("first name", "firstname", "first_name", "billing first name",
                       "customer first name"),
        "total": ("order total", "grand total", "total"),
        "billing_country": ("billing country", "country code", "country", "billing_country"),
        "shipping_country": ("shipping country", "ship country", "shipping_country"),
    },
)
