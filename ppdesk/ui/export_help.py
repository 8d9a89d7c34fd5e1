"""Where each platform hides its order export: the clicks, in the merchant's words.

Shown on the welcome screen and the Import page. Plain help text, no logic.
"""

from __future__ import annotations

EXPORT_STEPS: dict[str, str] = {
    "Shopify": (
        "In your Shopify admin click <b>Orders</b>, then <b>Export</b> (top right). Choose "
        "<b>All orders</b> (or a date range) and <b>CSV for Excel, Numbers, or other "
        "spreadsheet programs</b>, then <b>Export orders</b>. Shopify emails you the file."
    ),
    "WooCommerce": (
        "WooCommerce has no built-in order export. Install the free <b>Order Export for "
        "WooCommerce</b> plugin (or <b>WooCommerce Customer / Order / Coupon Export</b>), then go "
        "to <b>WooCommerce &gt; Export Orders</b>, pick a date range, choose <b>CSV</b> and one "
        "row per product line, and click <b>Export</b>."
    ),
    "Etsy": (
        "On Etsy open <b>Shop Manager &gt; Settings &gt; Options</b>, tab <b>Download Data</b>. "
        "Under <b>Orders</b> choose the year (or month), pick <b>Order Items</b> and click "
        "<b>Download CSV</b>. Repeat for each year you want to analyse."
    ),
    "Square": (
        "In the Square Dashboard go to <b>Reports &gt; Sales &gt; Item Sales</b> (or "
        "<b>Transactions</b>), set the date range, click <b>Export</b> and choose <b>Item "
        "Detail CSV</b>: one row per item sold."
    ),
    "BigCommerce": (
        "In the BigCommerce control panel open <b>Orders &gt; Export</b>, choose the "
        "<b>Default</b> template (it has one row per product), file format <b>CSV</b>, and "
        "click <b>Export my orders</b>."
    ),
    "Amazon": (
        "In Seller Central open <b>Reports &gt; Fulfillment</b> (or <b>Reports &gt; Order "
        "Reports</b>), request the <b>All Orders</b> report for your date range, and download "
        "it when it is ready (a tab-separated .txt file). Amazon does not let you email "
        "marketplace buyers, so these orders count for analysis only."
    ),
    "Other (any spreadsheet)": (
        "Any CSV, TSV or Excel file with one row per order line works. It needs an order "
        "number, an order date, and a product SKU or name; quantity, price, customer email "
        "and so on help. ppdesk will ask you which column is which."
    ),
}
