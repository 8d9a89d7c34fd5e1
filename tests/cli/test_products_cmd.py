"""``ppdesk products`` and the catalogue part of ``ppdesk import`` (JSON, table, CSV, exit 2)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from ppdesk.cli.main import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "catalogue"))
from catalogue_helpers import shopify_orders, shopify_products, write_csv  # noqa: E402

KEYS = ["product_key", "parent", "title", "variant_title", "sku", "price", "compare_at_price",
        "cost", "currency", "image_url", "product_url", "platform_variant_id", "category",
        "orders"]


@pytest.fixture
def imported(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert run_cli(["settings", "set", "store.store_url=https://shop.example.com"]) == 0
    orders = shopify_orders(tmp_path / "orders_export_1.csv", [
        ("#1", "1", "Travel Mug - Sage", "24.00", "MUG-SAGE"),
        ("#2", "1", "Travel Mug - Sage", "24.00", "MUG-SAGE"),
        ("#2", "2", "=HYPERLINK(\"x\")", "5.00", ""),
    ])
    products = shopify_products(tmp_path / "products_export_1.csv")
    capsys.readouterr()
    assert run_cli(["import", str(orders), str(products), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_json_reports_catalogue_and_unmatched(imported: dict) -> None:
    cat = imported["catalogue"]
    assert [f["variants"] for f in cat["files"]] == [3]
    assert imported["files"] == ["orders_export_1.csv", "products_export_1.csv"]
    assert cat["matching"]["ordered_products"] == 2 and cat["matching"]["matched"] == 1
    assert [u["product_key"] for u in cat["matching"]["unmatched"]] == ['=HYPERLINK("x")']
    assert [(d["row"], d["column"]) for d in cat["dropped"]] == [(5, "Image Src")]


def test_products_json_one_row_per_variant(imported: dict,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["products", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = doc["products"]
    assert all(list(r) == KEYS for r in rows)
    # 3 catalogue variants + the one ordered product the catalogue lacks.
    assert len(rows) == 4
    sage = next(r for r in rows if r["product_key"] == "MUG-SAGE")
    assert (sage["parent"], sage["orders"], sage["cost"], sage["image_url"], sage["product_url"]
            ) == ("mug", 2, 9.5, "https://cdn.example.com/mug-1.png",
                  "https://shop.example.com/products/mug")
    never = next(r for r in rows if r["product_key"] == "MUG-SAND")
    assert never["orders"] == 0


def test_missing_lists_ordered_products_without_photo_link_or_id(
        imported: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["products", "--missing", "--format", "json"]) == 0
    keys = sorted(r["product_key"] for r in json.loads(capsys.readouterr().out)["products"])
    # Both ordered products lack something: the mug has no variant id (Shopify exports
    # carry none), the other product is not in the catalogue at all.
    assert keys == ['=HYPERLINK("x")', "MUG-SAGE"]


def test_csv_is_guarded_against_formulas(imported: dict,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["products", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == KEYS
    assert [r[0] for r in rows[1:] if "HYPERLINK" in r[0]] == ["'=HYPERLINK(\"x\")"]


def test_table_output(imported: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["products"]) == 0
    out = capsys.readouterr().out
    assert "MUG-SAGE" in out and "4 products" in out


def test_bad_catalogue_exit_2_store_unchanged(tmp_path: Path, home: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_csv(tmp_path / "products_export_1.csv", ["Title", "Variant SKU", "Variant Price"],
                    [{"Title": "Mug", "Variant SKU": "M", "Variant Price": "3"}])
    assert run_cli(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "products_export_1.csv" in err and "'handle'" in err and err.count("\n") == 1
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        assert conn.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0] == 0
    finally:
        conn.close()


def test_import_table_lists_unmatched(tmp_path: Path, home: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    orders = shopify_orders(tmp_path / "o.csv", [("#1", "1", "Candle", "12.00", "CANDLE")])
    products = shopify_products(tmp_path / "products_export_1.csv")
    assert run_cli(["import", str(orders), str(products)]) == 0
    out = capsys.readouterr().out
    assert "Shopify products export: 2 products, 3 variants" in out
    assert "matches none of the 1 ordered products" in out and "CANDLE" in out
