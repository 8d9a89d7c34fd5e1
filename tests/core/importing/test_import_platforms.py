"""Each platform profile on a small file in that platform's real column layout.

Expected orders, lines and customers are worked out by hand from the rows below.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import (
    AMAZON_ALL_ORDERS_HEADER,
    BIGCOMMERCE_HEADER,
    ETSY_ITEMS_HEADER,
    ETSY_ORDERS_HEADER,
    SQUARE_HEADER,
    UCI_HEADER,
    WOO_ALGOLPLUS_HEADER,
    lines_of,
    orders_by_id,
    query,
    write_export,
)

from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files, preview_file
from ppdesk.core.store import open_store


def test_woocommerce_algolplus_with_blank_continuation_rows(tmp_path: Path, home: Path) -> None:
    path = write_export(tmp_path / "orders.csv", WOO_ALGOLPLUS_HEADER, [
        {"Order Number": "501", "Order Status": "completed", "Order Date": "2024-02-01 10:15",
         "First Name (Billing)": "Maya", "Email (Billing)": "Maya@Shop.test", "SKU": "OIL-1",
         "Name": "Olive oil", "Quantity": "2", "Item Cost": "8.50", "Coupon Code": "WELCOME",
         "Order Total Amount": "25.00"},
        # "populate other columns on product rows" off: the order number is blank
        {"SKU": "", "Name": "Bread knife", "Product Variation": "Oak handle", "Quantity": "1",
         "Item Cost": "8.00"},
        {"Order Number": "502", "Order Status": "wc-refunded", "Order Date": "2024-02-03 09:00",
         "Email (Billing)": "maya@shop.test", "SKU": "OIL-1", "Name": "Olive oil",
         "Quantity": "1", "Item Cost": "8.50"},
        {"Order Number": "503", "Order Status": "cancelled", "Order Date": "2024-02-04 12:00",
         "SKU": "OIL-1", "Name": "Olive oil", "Quantity": "1", "Item Cost": "8.50"},
    ])
    store = open_store(home)
    summary = import_files(store, [path])
    assert summary.files[0].profile == "woocommerce"
    assert lines_of(store) == [("501", 1, "OIL-1", 2.0, 8.5),
                               ("501", 2, "Bread knife - Oak handle", 1.0, 8.0),
                               ("502", 1, "OIL-1", 1.0, 8.5), ("503", 1, "OIL-1", 1.0, 8.5)]
    orders = orders_by_id(store)
    assert orders["501"]["customer_key"] == orders["502"]["customer_key"] == "maya@shop.test"
    assert (orders["501"]["first_name"], orders["501"]["discount_code"]) == ("Maya", "WELCOME")
    assert orders["502"]["financial_status"] == "refunded"
    assert (orders["503"]["cancelled"], orders["503"]["customer_id"]) == (1, None)
    assert summary.customers_added == 1


def test_woocommerce_custom_export_products_in_one_cell(tmp_path: Path, home: Path) -> None:
    path = write_export(tmp_path / "woocommerce_orders.csv",
                        ["Customer Email", "Order Date", "Products"], [
        {"Customer Email": "JEFF@Mail.test", "Order Date": "2024-10-08T16:15:14",
         "Products": "Rioja Reserva 2019, Wine glass, set of 2, Corkscrew x 2"},
        {"Customer Email": "jeff@mail.test", "Order Date": "2024-11-02T09:01:00",
         "Products": "Rioja Reserva 2019"},
    ])
    store = open_store(home)
    first = import_files(store, [path])
    assert (first.orders_added, first.lines_added, first.customers_added) == (2, 4, 1)
    by_order: dict[str, list[tuple[str, float]]] = {}
    for order_id, _n, key, qty, _price in lines_of(store):
        by_order.setdefault(order_id, []).append((key, qty))
    # "set of 2" starts lower-case: it continues "Wine glass"; "x 2" is a quantity.
    assert sorted(by_order.values(), key=len) == [
        [("Rioja Reserva 2019", 1.0)],
        [("Rioja Reserva 2019", 1.0), ("Wine glass, set of 2", 1.0), ("Corkscrew", 2.0)]]
    again = import_files(store, [path])  # synthesised order ids are stable
    assert (again.orders_added, again.lines_added, again.duplicates_skipped) == (0, 0, 4)


def test_etsy_items_buyer_username_and_marketplace_flag(tmp_path: Path, home: Path) -> None:
    path = write_export(tmp_path / "EtsySoldOrderItems2021.csv", ETSY_ITEMS_HEADER, [
        {"Sale Date": "12/26/21", "Item Name": "moon stickers | planner, journal",
         "Buyer": "Jane Doe (janed)", "Quantity": "1", "Price": "3.25", "Currency": "USD",
         "Transaction ID": "11", "Listing ID": "900", "Order ID": "7001",
         "Date Paid": "12/26/2021", "Variations": "Size:Small"},
        {"Sale Date": "12/26/21", "Item Name": "sun stickers", "Buyer": "Jane Doe (janed)",
         "Quantity": "2", "Price": "4.5", "Currency": "USD", "Transaction ID": "12",
         "Listing ID": "901", "Order ID": "7001"},
        {"Sale Date": "01/03/22", "Item Name": "sun stickers", "Buyer": "janed",
         "Quantity": "1", "Price": "4.50", "Currency": "USD", "Transaction ID": "13",
         "Listing ID": "901", "Order ID": "7002"},
        {"Sale Date": "01/05/22", "Item Name": "sun stickers", "Buyer": "", "Quantity": "1",
         "Price": "4.50", "Currency": "USD", "Transaction ID": "14", "Listing ID": "901",
         "Order ID": "7003"},
    ])
    store = open_store(home)
    summary = import_files(store, [path])
    assert summary.files[0].platform == "etsy"
    orders = orders_by_id(store)
    assert orders["7001"]["customer_key"] == orders["7002"]["customer_key"] == "etsy:janed"
    assert orders["7003"]["customer_id"] is None
    assert {o["marketing_allowed"] for o in orders.values()} == {0}
    assert (orders["7001"]["order_date"], orders["7002"]["order_date"]) == (
        "2021-12-26", "2022-01-03")
    assert lines_of(store) == [
        ("7001", 1, "moon stickers | planner, journal - Size:Small", 1.0, 3.25),
        ("7001", 2, "sun stickers", 2.0, 4.5), ("7002", 1, "sun stickers", 1.0, 4.5),
        ("7003", 1, "sun stickers", 1.0, 4.5)]


def test_etsy_orders_file_then_items_file(tmp_path: Path, home: Path) -> None:
    orders_file = write_export(tmp_path / "EtsySoldOrders2023.csv", ETSY_ORDERS_HEADER, [
        {"Sale Date": "03/14/23", "Order ID": "8001", "Buyer User ID": "4242",
         "First Name": "Lena", "Number of Items": "1", "Currency": "EUR", "Order Value": "12.00",
         "Order Total": "15.00", "Status": "Completed", "Buyer": "Lena K (lenak)"}])
    items_file = write_export(tmp_path / "EtsySoldOrderItems2023.csv", ETSY_ITEMS_HEADER, [
        {"Sale Date": "03/14/23", "Item Name": "Linen towel", "Buyer": "Lena K (lenak)",
         "Quantity": "1", "Price": "12.00", "Currency": "EUR", "Transaction ID": "1",
         "Listing ID": "55", "Order ID": "8001"}])
    store = open_store(home)
    first = import_files(store, [orders_file])
    assert (first.files[0].profile, first.orders_added, first.lines_added) == (
        "etsy_orders", 1, 0)
    second = import_files(store, [items_file])
    assert (second.orders_added, second.lines_added) == (0, 1)
    order = orders_by_id(store)["8001"]
    assert (order["customer_key"], order["first_name"], order["total"]) == (
        "etsy:lenak", "Lena", 15.0)


def test_square_line_totals_money_symbols_and_separate_time(tmp_path: Path, home: Path) -> None:
    path = write_export(tmp_path / "items-2024-05-01.csv", SQUARE_HEADER, [
        {"Date": "2024-05-01", "Time": "13:05:09", "Time Zone": "Eastern Time (US & Canada)",
         "Item": "Espresso machine", "Qty": "2", "Price Point Name": "Regular",
         "Gross Sales": "$1,234.50", "Transaction ID": "TX1", "Event Type": "Payment",
         "Customer ID": "CUST9", "Customer Name": "Sam Wu"},
        {"Date": "2024-05-01", "Time": "13:05:09", "Time Zone": "Eastern Time (US & Canada)",
         "Item": "Beans", "Qty": "1", "SKU": "BEAN-1", "Gross Sales": "$14.00",
         "Transaction ID": "TX1", "Event Type": "Payment"},
        {"Date": "2024-05-02", "Time": "08:00:00", "Time Zone": "Eastern Time (US & Canada)",
         "Item": "Beans", "Qty": "1", "SKU": "BEAN-1", "Gross Sales": "$14.00",
         "Transaction ID": "TX2", "Event Type": "Payment"},
    ])
    store = open_store(home)
    import_files(store, [path])
    assert lines_of(store) == [("TX1", 1, "Espresso machine - Regular", 2.0, 617.25),
                               ("TX1", 2, "BEAN-1", 1.0, 14.0), ("TX2", 1, "BEAN-1", 1.0, 14.0)]
    orders = orders_by_id(store)
    assert (orders["TX1"]["ordered_at"], orders["TX1"]["utc_offset_min"]) == (
        "2024-05-01 13:05:09", None)
    assert (orders["TX1"]["customer_key"], orders["TX1"]["first_name"]) == ("square:CUST9", "Sam")
    assert orders["TX2"]["customer_id"] is None  # anonymous POS sale: a guest


def test_bigcommerce_product_details_cell(tmp_path: Path, home: Path) -> None:
    details = ("Product ID: 86, Product Qty: 1, Product SKU: TENT-2, Product Name: Tent, "
               "2 person, green, Product Unit Price: 199.00, Product Total Price: 199.00|"
               "Product ID: 90, Product Qty: 3, Product SKU: PEG-10, Product Name: Pegs, "
               "Product Unit Price: 4.00, Product Total Price: 12.00")
    path = write_export(tmp_path / "orders-2024-09-24.csv", BIGCOMMERCE_HEADER, [
        {"Order ID": "100", "Customer ID": "0", "Customer Name": "Rita Ora",
         "Customer Email": "rita@camp.test", "Order Date": "Mon, 23 Sep 2024 14:21:24 +0000",
         "Order Status": "Completed", "Order Currency Code": "AUD", "Product Details": details,
         "Order Total (inc tax)": "211.00"}])
    store = open_store(home)
    import_files(store, [path])
    assert lines_of(store) == [("100", 1, "TENT-2", 1.0, 199.0), ("100", 2, "PEG-10", 3.0, 4.0)]
    assert query(store, "SELECT name FROM products ORDER BY name") == [("Pegs",),
                                                                       ("Tent, 2 person, green",)]
    order = orders_by_id(store)["100"]
    # Customer ID 0 is a guest account at BigCommerce: the e-mail identifies the customer.
    assert (order["customer_key"], order["ordered_at"], order["utc_offset_min"]) == (
        "rita@camp.test", "2024-09-23 14:21:24", 0)


def test_amazon_tab_separated_report(tmp_path: Path, home: Path) -> None:
    path = write_export(tmp_path / "All Orders Report.txt", AMAZON_ALL_ORDERS_HEADER, [
        {"amazon-order-id": "114-1234567-1234567", "purchase-date": "2023-05-01T10:22:33+00:00",
         "order-status": "Shipped", "product-name": "USB cable", "sku": "USB-1", "quantity": "2",
         "currency": "USD", "item-price": "19.98"},
        {"amazon-order-id": "114-7654321-7654321", "purchase-date": "2023-05-02T08:00:00-07:00",
         "order-status": "Cancelled", "product-name": "USB cable", "sku": "USB-1",
         "quantity": "0", "currency": "USD", "item-price": "0.00"},
    ], delimiter="\t")
    store = open_store(home)
    summary = import_files(store, [path])
    assert (summary.files[0].platform, summary.files[0].delimiter) == ("amazon", "\t")
    orders = orders_by_id(store)
    assert {o["marketing_allowed"] for o in orders.values()} == {0}
    assert orders["114-7654321-7654321"]["cancelled"] == 1
    assert orders["114-7654321-7654321"]["utc_offset_min"] == -420
    assert lines_of(store)[0] == ("114-1234567-1234567", 1, "USB-1", 2.0, 9.99)


def test_generic_uci_online_retail_cancellations_and_month_first(
        tmp_path: Path, home: Path) -> None:
    text = (UCI_HEADER + "\n"
            "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
            "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\n"
            "C536379,D,Discount,-1,12/13/2010 9:41,27.50,14527,United Kingdom\n"
            "536380,85123A,WHITE HANGING HEART,2,12/13/2010 10:00,2.55,,United Kingdom\n")
    path = tmp_path / "Online Retail.csv"
    path.write_text(text, encoding="utf-8")
    preview = preview_file(path)
    assert preview.platform == "generic"
    assert preview.mapping["order_id"] == "InvoiceNo" and preview.mapping["sku"] == "StockCode"
    assert preview.mapping["customer_id"] == "CustomerID"
    store = open_store(home)
    summary = import_files(store, [path])
    assert summary.files[0].dayfirst is False
    orders = orders_by_id(store)
    assert orders["C536379"]["cancelled"] == 1 and orders["536365"]["cancelled"] == 0
    assert orders["536365"]["order_date"] == "2010-12-01"
    assert orders["536380"]["order_date"] == "2010-12-13"
    assert orders["536365"]["customer_key"] == "generic:17850"
    assert orders["536380"]["customer_id"] is None


def test_generic_mapping_given_by_the_user(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("Ref,When,Thing,Buyer\nA1,2024-01-05,Soap,x@y.test\nA1,2024-01-05,Towel,"
                    "x@y.test\n", encoding="utf-8")
    store = open_store(home)
    with pytest.raises(InputError) as err:
        import_files(store, [path])
    assert "sales.csv" in str(err.value) and "order_id" in str(err.value)
    summary = import_files(store, [path], mapping={"order_id": "Ref", "order_date": "when",
                                                   "product_name": "Thing", "email": "Buyer"})
    assert (summary.orders_added, summary.lines_added, summary.customers_added) == (1, 2, 1)
    with pytest.raises(InputError) as err:
        import_files(store, [path], mapping={"order_id": "Nope"})
    assert err.value.column == "Nope"


def test_an_empty_column_in_the_mapping_unmaps_a_guess(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text("Order ID,Order Date,Product,Customer\nK1,2024-02-02,Mug,Jo Smith\n",
                    encoding="utf-8")
    assert preview_file(path).mapping["customer_id"] == "Customer"
    store = open_store(home)
    import_files(store, [path], mapping={"customer_id": ""})
    assert orders_by_id(store)["K1"]["customer_id"] is None
