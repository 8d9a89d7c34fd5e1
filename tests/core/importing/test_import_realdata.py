"""Every real export in ../shared/data/real-exports imports with the figures of its SOURCE.md.

Expected numbers are copied from each folder's SOURCE.md tables (not computed by the
importer). Each folder is one store, so each gets its own home. "repeat customers" in
SOURCE.md counts e-mails (Etsy: buyers) with more than one order.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ppdesk.core.importing import import_files
from ppdesk.core.store import open_store

# folder: (data rows, orders, multi-item orders, distinct emails, repeat customers,
#          cancelled, {financial status: orders})  None = not given in SOURCE.md
EXPECTED: dict[str, tuple[Any, ...]] = {
    "shopify_autofulfill_ca": (64, 20, 17, 20, 0, 0, {"paid": 19, "partially_refunded": 1}),
    "shopify_callewaert_eu_71col": (39, 39, 0, 38, 1, 0, {"paid": 39}),
    "shopify_danilo_us": (322, 228, 65, 177, 10, 2, {"paid": 228}),
    "shopify_dna_pt_eur": (143, 137, 6, 127, 8, 3,
                           {"paid": 132, "refunded": 4, "partially_refunded": 1}),
    "shopify_explorer_us_78col": (98, 81, 11, 54, 3, 0, {"paid": 80, "partially_refunded": 1}),
    "shopify_gemstrack_pk": (182, 140, 27, 20, 4, 9,
                             {"paid": 131, "voided": 5, "refunded": 2, "expired": 1,
                              "pending": 1}),
    "shopify_kidsliving_za_75col": (101, 50, 24, 48, 2, 2,
                                    {"paid": 35, "pending": 13, "voided": 2}),
    "shopify_shopping_at_door_pk_xlsx": (601, 561, 31, 0, None, 57,
                                         {"pending": 503, "voided": 58}),
    "shopify_signal_pk_crlf": (115, 114, 1, 95, 5, 0, {"pending": 94, "paid": 20}),
    # Etsy: 266 item rows, 219 orders, 35 with several items (SOURCE.md notes).
    "etsy_starry_sticker_shop_sold_order_items": (266, 219, 35, 0, None, None, None),
    # One row per order, items joined in one cell.
    "woocommerce_wine_shop_custom_export": (1582, 1582, None, None, None, None, None),
    "amazon_in_sale_report_kaggle": (9 + 2709, None, None, None, None, None, None),
}


def _one(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_real_export_figures(real_exports: Path, tmp_path: Path, folder: str) -> None:
    files = sorted(p for p in (real_exports / folder).iterdir() if p.name != "SOURCE.md")
    (tmp_path / folder).mkdir()
    store = open_store(tmp_path / folder)
    summary = import_files(store, files)
    rows, orders, multi, emails, repeat, cancelled, statuses = EXPECTED[folder]
    assert summary.rows_read == rows
    assert summary.rows_rejected == 0, [r.to_json() for r in summary.rejected[:5]]
    conn = sqlite3.connect(store.db_path)
    try:
        if orders is not None:
            assert _one(conn, "SELECT COUNT(*) FROM orders") == orders
        if multi is not None:
            assert _one(conn, "SELECT COUNT(*) FROM (SELECT order_id FROM order_lines "
                              "GROUP BY order_id HAVING COUNT(*) > 1)") == multi
        if emails is not None:
            assert _one(conn, "SELECT COUNT(DISTINCT email) FROM orders") == emails
        if repeat is not None:
            assert _one(conn, "SELECT COUNT(*) FROM (SELECT email FROM orders WHERE email IS "
                              "NOT NULL GROUP BY email HAVING COUNT(*) > 1)") == repeat
        if cancelled is not None:
            assert _one(conn, "SELECT SUM(cancelled) FROM orders") == cancelled
        if statuses is not None:
            assert dict(conn.execute("SELECT financial_status, COUNT(*) FROM orders "
                                     "GROUP BY financial_status").fetchall()) == statuses
        assert _one(conn, "SELECT COUNT(*) FROM order_lines") >= min(rows, orders or rows)
    finally:
        conn.close()
    again = import_files(store, files)
    assert (again.orders_added, again.lines_added, again.orders_updated) == (0, 0, 0)


def test_etsy_buyers(real_exports: Path, tmp_path: Path) -> None:
    # SOURCE.md: "200 buyers, 11 with more than one order; a few rows have a blank Buyer".
    # It counts the blank Buyer as one buyer (and a repeat one: 10 orders have no buyer);
    # ppdesk stores those orders as guests, so 199 customers and 10 repeat customers.
    folder = real_exports / "etsy_starry_sticker_shop_sold_order_items"
    store = open_store(tmp_path)
    import_files(store, sorted(folder.glob("*.csv")))
    conn = sqlite3.connect(store.db_path)
    try:
        assert _one(conn, "SELECT COUNT(*) FROM customers") == 200 - 1
        assert _one(conn, "SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE "
                          "customer_id IS NOT NULL GROUP BY customer_id "
                          "HAVING COUNT(*) > 1)") == 11 - 1
        assert _one(conn, "SELECT COUNT(*) FROM orders WHERE customer_id IS NULL") > 1
        assert _one(conn, "SELECT MAX(marketing_allowed) FROM orders") == 0
    finally:
        conn.close()


def test_amazon_reports(real_exports: Path, tmp_path: Path) -> None:
    folder = real_exports / "amazon_in_sale_report_kaggle"
    store = open_store(tmp_path)
    summary = import_files(store, [folder / "Amazon Sale Report_latest.csv",
                                   folder / "International sale Report.csv"])
    assert [f.profile for f in summary.files] == ["amazon_sale_report", "amazon_international"]
    assert [f.rows_read for f in summary.files] == [9, 2709]
    assert [f.lines_added for f in summary.files] == [9, 2709]
    conn = sqlite3.connect(store.db_path)
    try:
        # The first row of the sale report (405-8078784-5731545) is Cancelled, Date 04-30-22.
        assert conn.execute("SELECT order_date, cancelled FROM orders WHERE store_order_id = "
                            "'405-8078784-5731545'").fetchone() == ("2022-04-30", 1)
    finally:
        conn.close()
