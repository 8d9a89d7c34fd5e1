"""Shopify exports: continuation rows, statuses, offsets, customer fallbacks, rejects.

Every expected value below was worked out by hand from the rows written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import SHOPIFY_HEADER, lines_of, orders_by_id, query, write_export

from ppdesk.core.importing import import_files
from ppdesk.core.store import Store, open_store

ROWS = [
    # row 2: first row of #1001, order-level fields set, multi-line gift note
    {"Name": "#1001", "Email": " Ann@Example.com ", "Financial Status": "paid",
     "Accepts Marketing": "yes", "Currency": "USD", "Total": "30.00", "Discount Code": "SAVE10",
     "Created at": "2024-03-09 10:00:00 -0500", "Lineitem quantity": "1",
     "Lineitem name": "Mug - Blue", "Lineitem price": "10.00", "Lineitem sku": "MUG-B",
     "Billing Name": "Ann Lee", "Notes": "Happy birthday,\nfrom all of us\n\"cheers\"",
     "Id": "5550001"},
    # row 3: continuation row: only Name, Email, Created at and Lineitem fields
    {"Name": "#1001", "Email": "ann@example.com", "Created at": "2024-03-09 10:00:00 -0500",
     "Lineitem quantity": "2", "Lineitem name": "Tea - 100g", "Lineitem price": "10.00"},
    # row 4: no e-mail, a phone written with +1: the customer +15550102000 (issue 16);
    # refunded; after the DST change
    {"Name": "#1002", "Financial Status": "refunded", "Accepts Marketing": "no",
     "Currency": "USD", "Created at": "2024-03-10 09:30:00 -0400", "Lineitem quantity": "1",
     "Lineitem name": "Mug - Blue", "Lineitem price": "12.50", "Lineitem sku": " MUG-B ",
     "Billing Name": "Bob Ray", "Billing Phone": "'+1 (555) 010-2000"},
    # row 5: cancelled, late evening local time (next day in UTC); formula-looking name
    {"Name": "#1003", "Financial Status": "voided", "Currency": "USD",
     "Created at": "2024-03-11 23:30:00 -0400", "Cancelled at": "2024-03-12 08:00:00 -0400",
     "Lineitem quantity": "1", "Lineitem name": "=SUM(A1:A3)", "Lineitem price": "5",
     "Billing Name": "Cleo Park"},
    # row 6: quantity is not a number -> rejected
    {"Name": "#1004", "Financial Status": "paid", "Currency": "USD",
     "Created at": "2024-03-12 01:00:00 +00:00", "Lineitem quantity": "two",
     "Lineitem name": "Tea - 100g"},
    # row 7: second line of #1004, fine (a guest: no e-mail, phone or name)
    {"Name": "#1004", "Created at": "2024-03-12 01:00:00 +00:00", "Lineitem quantity": "1",
     "Lineitem name": "Mug - Blue", "Lineitem price": "11.00", "Lineitem sku": "MUG-B"},
    # row 8: unreadable date -> rejected, and #1005 has no other row
    {"Name": "#1005", "Financial Status": "paid", "Created at": "yesterday",
     "Lineitem quantity": "1", "Lineitem name": "Mug - Blue", "Lineitem sku": "MUG-B"},
]


@pytest.fixture
def imported(tmp_path: Path, home: Path) -> tuple[Store, object]:
    path = write_export(tmp_path / "orders_export_1.csv", SHOPIFY_HEADER, ROWS)
    store = open_store(home)
    return store, import_files(store, [path])


def test_counts_and_rejects(imported: tuple[Store, object]) -> None:
    _store, summary = imported
    doc = summary.to_json()
    assert doc["files"] == ["orders_export_1.csv"]
    assert doc["rows_read"] == 7
    assert doc["orders_added"] == 4
    assert doc["lines_added"] == 5
    # #1001 by its e-mail, #1002 by its phone; #1003 and #1004 are guests.
    assert doc["customers_added"] == 2
    assert doc["duplicates_skipped"] == 0
    # Rows as a spreadsheet shows them: the 3-line note in row 2 does not shift them.
    assert doc["rejected"] == [
        {"file": "orders_export_1.csv", "row": 6, "column": "Lineitem quantity",
         "reason": "quantity 'two' is not a number"},
        {"file": "orders_export_1.csv", "row": 8, "column": "Created at",
         "reason": "'yesterday' cannot be read as a date"},
    ]


def test_orders_carry_order_level_fields_and_keep_local_time(
        imported: tuple[Store, object]) -> None:
    store, _ = imported
    orders = orders_by_id(store)
    assert sorted(orders) == ["#1001", "#1002", "#1003", "#1004"]
    o1 = orders["#1001"]
    assert (o1["ordered_at"], o1["order_date"], o1["utc_offset_min"]) == (
        "2024-03-09 10:00:00", "2024-03-09", -300)
    assert (o1["financial_status"], o1["cancelled"], o1["discount_code"]) == ("paid", 0, "SAVE10")
    assert (o1["accepts_marketing"], o1["total"], o1["currency"]) == (1, 30.0, "USD")
    assert (o1["customer_key"], o1["email"], o1["first_name"]) == (
        "ann@example.com", "ann@example.com", "Ann")
    assert o1["platform"] == "shopify" and o1["marketing_allowed"] == 1
    o2 = orders["#1002"]
    assert (o2["utc_offset_min"], o2["financial_status"]) == (-240, "refunded")
    assert (o2["customer_key"], o2["first_name"]) == ("+15550102000", "Bob")
    o3 = orders["#1003"]
    # Local calendar date as exported (it is already 2024-03-12 in UTC).
    assert (o3["order_date"], o3["cancelled"], o3["financial_status"]) == (
        "2024-03-11", 1, "voided")
    assert o3["customer_id"] is None
    o4 = orders["#1004"]
    assert o4["customer_id"] is None and o4["utc_offset_min"] == 0
    # Its status sits on its first row, rejected for the quantity: the order still gets it.
    assert (o4["financial_status"], o4["currency"]) == ("paid", "USD")


def test_lines_products_and_formula_text(imported: tuple[Store, object]) -> None:
    store, _ = imported
    assert lines_of(store) == [
        ("#1001", 1, "MUG-B", 1.0, 10.0),
        ("#1001", 2, "Tea - 100g", 2.0, 10.0),
        ("#1002", 1, "MUG-B", 1.0, 12.5),
        ("#1003", 1, "=SUM(A1:A3)", 1.0, 5.0),
        ("#1004", 2, "MUG-B", 1.0, 11.0),  # line 1 of #1004 was rejected; numbering is stable
    ]
    products = {r[0]: r[1:] for r in query(
        store, "SELECT product_key, sku, name, last_price FROM products")}
    # Newest priced line of MUG-B is #1004 (2024-03-12).
    assert products == {"MUG-B": ("MUG-B", "Mug - Blue", 11.0),
                        "Tea - 100g": (None, "Tea - 100g", 10.0),
                        "=SUM(A1:A3)": (None, "=SUM(A1:A3)", 5.0)}


def test_customers(imported: tuple[Store, object]) -> None:
    store, _ = imported
    rows = query(store, "SELECT customer_key, email, phone, first_name, accepts_marketing, "
                        "platform FROM customers ORDER BY customer_key")
    # Contract: id, else e-mail, else phone in E.164; a billing name is never an identity.
    assert rows == [("+15550102000", None, "+15550102000", "Bob", 0, "shopify"),
                    ("ann@example.com", "ann@example.com", None, "Ann", 1, "shopify")]


def test_batch_and_rejects_are_recorded(imported: tuple[Store, object], tmp_path: Path) -> None:
    import hashlib

    store, _ = imported
    digest = hashlib.sha256((tmp_path / "orders_export_1.csv").read_bytes()).hexdigest()
    batch = query(store, "SELECT file_name, file_hash, platform, rows_read, orders_added, "
                         "lines_added, customers_added, rows_rejected, mapping_json "
                         "FROM import_batches")
    assert len(batch) == 1
    assert batch[0][:8] == ("orders_export_1.csv", digest, "shopify", 7, 4, 5, 2, 2)
    assert '"order_id": "Name"' in batch[0][8]
    assert query(store, "SELECT row, column FROM import_rejects ORDER BY row") == [
        (6, "Lineitem quantity"), (8, "Created at")]


def test_squarespace_is_not_read_as_shopify(tmp_path: Path, home: Path) -> None:
    header = ["Order ID", "Email", "Financial Status", "Created at", "Lineitem quantity",
              "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem variant",
              "Billing Name", "Cancelled at"]
    path = write_export(tmp_path / "squarespace.csv", header, [
        {"Order ID": "00017", "Email": "z@x.org", "Financial Status": "PAID",
         "Created at": "2024-06-01 09:00:00 +0200", "Lineitem quantity": "1",
         "Lineitem name": "Candle", "Lineitem variant": "Lavender", "Lineitem price": "9.00"}])
    store = open_store(home)
    summary = import_files(store, [path])
    assert summary.files[0].platform == "squarespace"
    assert lines_of(store) == [("00017", 1, "Candle - Lavender", 1.0, 9.0)]


def test_merchant_trimmed_subset_without_quantity(tmp_path: Path, home: Path) -> None:
    header = ["Name", "Email", "Created at", "Lineitem name", "Lineitem price"]
    path = write_export(tmp_path / "subset.csv", header, [
        {"Name": "#7", "Email": "a@b.test", "Created at": "31/12/2023 22:36",
         "Lineitem name": "Scarf", "Lineitem price": "20.00"},
        {"Name": "#8", "Email": "a@b.test", "Created at": "02/01/2024 09:05",
         "Lineitem name": "Scarf", "Lineitem price": "20.00"}])
    store = open_store(home)
    summary = import_files(store, [path])
    assert (summary.files[0].platform, summary.files[0].dayfirst) == ("shopify", True)
    assert lines_of(store) == [("#7", 1, "Scarf", 1.0, 20.0), ("#8", 1, "Scarf", 1.0, 20.0)]
    orders = orders_by_id(store)
    assert (orders["#7"]["ordered_at"], orders["#8"]["order_date"]) == (
        "2023-12-31 22:36:00", "2024-01-02")
