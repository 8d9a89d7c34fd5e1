"""Helpers for the importer tests: write exports in each platform's real column layout.

Headers are copied from ../shared/data/real-exports/FORMATS.md (facts about the
platforms' formats); every data row in the tests is written by hand.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ppdesk.core.store import Store


def _columns(header_line: str) -> list[str]:
    """A header as FORMATS.md writes it (one comma-separated line) as a list of names."""
    return header_line.split(",")

SHOPIFY_HEADER = _columns(
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,"
    "Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,"
    "Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
)

ETSY_ITEMS_HEADER = _columns(
    "Sale Date,Item Name,Buyer,Quantity,Price,Coupon Code,Coupon Details,Discount Amount,"
    "Shipping Discount,Order Shipping,Order Sales Tax,Item Total,Currency,Transaction ID,"
    "Listing ID,Date Paid,Date Shipped,Ship Name,Ship Address1,Ship Address2,Ship City,"
    "Ship State,Ship Zipcode,Ship Country,Order ID,Variations,Order Type,Listings Type,"
    "Payment Type,InPerson Discount,InPerson Location,VAT Paid by Buyer,SKU"
)

ETSY_ORDERS_HEADER = _columns(
    "Sale Date,Order ID,Buyer User ID,Full Name,First Name,Last Name,Number of Items,"
    "Payment Method,Date Shipped,Street 1,Street 2,Ship City,Ship State,Ship Zipcode,"
    "Ship Country,Currency,Order Value,Coupon Code,Coupon Details,Discount Amount,"
    "Shipping Discount,Shipping,Sales Tax,Order Total,Status,Card Processing Fees,Order Net,"
    "Adjusted Order Total,Adjusted Card Processing Fees,Adjusted Net Order Amount,Buyer,"
    "Order Type,Payment Type,InPerson Discount,InPerson Location,SKU"
)

WOO_ALGOLPLUS_HEADER = [
    "Order Number", "Order Status", "Order Date", "Customer Note", "First Name (Billing)",
    "Last Name (Billing)", "Company (Billing)", "Address 1&2 (Billing)", "City (Billing)",
    "State Code (Billing)", "Postcode (Billing)", "Country Code (Billing)", "Email (Billing)",
    "Phone (Billing)", "First Name (Shipping)", "Last Name (Shipping)", "Address 1&2 (Shipping)",
    "City (Shipping)", "State Code (Shipping)", "Postcode (Shipping)", "Country Code (Shipping)",
    "Item #", "SKU", "Name", "Product Variation", "Quantity", "Quantity (- Refund)", "Item Cost",
    "Order Line (w/o tax)", "Order Line Tax", "Order Line Total", "Order Line Total Refunded",
    "Order Line Total (- Refund)", "Image URL", "Coupon Code", "Discount Amount",
    "Discount Amount Tax", "Payment Method Title", "Coupons Used", "Cart Discount Amount",
    "Order Subtotal Amount", "Order Tax Amount", "Order Shipping Amount", "Order Refund Amount",
    "Order Total Amount", "Order Total Tax Amount", "Total items", "Total products",
]

SQUARE_HEADER = _columns(
    "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,"
    "Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,"
    "Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,"
    "Itemization Type"
)

AMAZON_ALL_ORDERS_HEADER = _columns(
    "amazon-order-id,merchant-order-id,purchase-date,last-updated-date,order-status,"
    "fulfillment-channel,sales-channel,order-channel,url,ship-service-level,product-name,sku,"
    "asin,item-status,quantity,currency,item-price,item-tax,shipping-price,shipping-tax,"
    "gift-wrap-price,gift-wrap-tax,item-promotion-discount,ship-promotion-discount,ship-city,"
    "ship-state,ship-postal-code,ship-country,promotion-ids"
)

BIGCOMMERCE_HEADER = [
    "Order ID", "Customer ID", "Customer Name", "Customer Email", "Customer Phone", "Order Date",
    "Order Status", "Subtotal (inc tax)", "Subtotal (ex tax)", "Tax Total",
    "Shipping Cost (inc tax)", "Shipping Cost (ex tax)", "Ship Method", "Coupon Details",
    "Order Total (inc tax)", "Order Total (ex tax)", "Payment Method", "Total Quantity",
    "Order Currency Code", "Product Details",
]

UCI_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def rows_from(header: Sequence[str], records: Sequence[Mapping[str, str]]) -> list[list[str]]:
    """Rows aligned with ``header`` from dicts naming only the cells that hold something."""
    for rec in records:
        unknown = set(rec) - set(header)
        assert not unknown, f"not in the header: {unknown}"
    return [[rec.get(h, "") for h in header] for rec in records]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ",",
             lineterminator: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_export(path: Path, header: Sequence[str], records: Sequence[Mapping[str, str]], *,
                 delimiter: str = ",", encoding: str = "utf-8", bom: bool = False,
                 lineterminator: str = "\n") -> Path:
    text = csv_text(header, rows_from(header, records), delimiter=delimiter,
                    lineterminator=lineterminator)
    data = text.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf"}.get(encoding, b"") + data
    path.write_bytes(data)
    return path


def query(store: Store, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(store.db_path)
    try:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def table_counts(store: Store) -> dict[str, int]:
    tables = ("import_batches", "import_rejects", "customers", "products", "orders",
              "order_lines", "settings")
    return {t: query(store, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


def orders_by_id(store: Store) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(store.db_path)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "SELECT o.*, c.customer_key AS customer_key FROM orders o "
            "LEFT JOIN customers c ON c.id = o.customer_id").fetchall()
        return {r["store_order_id"]: dict(r) for r in rows}
    finally:
        conn.close()


def lines_of(store: Store) -> list[tuple[Any, ...]]:
    """(store order id, line no, product key, quantity, unit price) sorted."""
    return query(store, "SELECT o.store_order_id, l.line_no, p.product_key, l.quantity, "
                        "l.unit_price FROM order_lines l JOIN orders o ON o.id = l.order_id "
                        "JOIN products p ON p.id = l.product_id "
                        "ORDER BY o.store_order_id, l.line_no")
