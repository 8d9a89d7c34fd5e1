"""WooCommerce, Etsy, Square, BigCommerce and ``--map`` catalogues, on hand-written files."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalogue_helpers import query, write_csv

from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store, open_store

WOO_HEADER = ["ID", "Type", "SKU", "Name", "Published", "Sale price", "Regular price",
              "Categories", "Tags", "Images", "Parent", "Attribute 1 name",
              "Attribute 1 value(s)"]


@pytest.fixture
def store(home: Path) -> Store:
    s = open_store(home)
    settings = load_settings(s)
    settings.store.store_url = "https://woo.example.com"
    save_settings(s, settings)
    return s


def _rows(home: Path) -> dict[str, tuple[object, ...]]:
    return {str(r[0]): r[1:] for r in query(
        home, "SELECT variant_key, parent_key, title, variant_title, price, compare_at_price, "
              "image_url, product_url, status, platform_product_id, platform_variant_id, "
              "category FROM catalogue_variants")}


def test_woocommerce_variable_simple_ragged_rows(tmp_path: Path, store: Store,
                                                 home: Path) -> None:
    path = tmp_path / "wc-product-export.csv"
    lines = [
        ",".join(WOO_HEADER),
        # A variable parent and two variations: Parent as id:N and as the parent's SKU.
        '10,variable,TEE,T-shirt,1,,,Clothes,cotton,"https://img.example.com/tee.jpg, '
        'https://img.example.com/tee-2.jpg",,Size,"S, M"',
        '11,"variation, virtual",TEE-S,T-shirt - S,1,,20,,,,id:10,Size,S',
        '12,variation,TEE-M,T-shirt - M,1,15,20,,,https://img.example.com/tee-m.jpg,TEE,Size,M',
        # A simple product written by an earlier batch: 9 fields, shorter than the header.
        "13,simple,CAP,Cap,-1,,12,Hats,,http://img.example.com/cap.jpg",
        "14,grouped,,Bundle,0,,,,,,,,",
    ]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    summary = import_files(store, [path])
    [c] = summary.catalogue
    assert (c.parents, c.variants, c.images) == (3, 3, 3)  # parents 10, 13, 14
    rows = _rows(home)
    assert set(rows) == {"11", "12", "13"}
    assert rows["11"][:8] == ("10", "T-shirt", "S", 20.0, None,
                              "https://img.example.com/tee.jpg",   # the parent's first image
                              "https://woo.example.com/?p=10", "active")
    assert rows["11"][8:] == ("11", "11", "Clothes")                 # category inherited
    assert rows["12"][3:6] == (15.0, 20.0, "https://img.example.com/tee-m.jpg")  # on sale
    assert rows["12"][0] == "10"                                     # parent found by SKU
    assert rows["13"][5] is None and rows["13"][7] == "draft"        # http image dropped
    assert [(d.row, d.column) for d in summary.dropped] == [(5, "Images")]


def test_etsy_listings(tmp_path: Path, store: Store, home: Path) -> None:
    header = ["TITLE", "DESCRIPTION", "PRICE", "CURRENCY_CODE", "QUANTITY", "TAGS", "IMAGE1",
              "IMAGE2", "SKU"]
    path = write_csv(tmp_path / "EtsyListingsDownload.csv", header, [
        {"TITLE": "Oak Board", "DESCRIPTION": "line 1\nline 2", "PRICE": "40", "CURRENCY_CODE":
         "USD", "IMAGE1": "https://i.etsystatic.com/1.jpg", "IMAGE2": "https://i.etsystatic.com/2.jpg"},
        {"TITLE": "Ash Spoon", "PRICE": "12.5", "CURRENCY_CODE": "USD", "SKU": "SPOON"},
    ])
    summary = import_files(store, [path])
    assert summary.catalogue[0].platform == "etsy"
    assert query(home, "SELECT variant_key, price, currency, image_url FROM catalogue_variants "
                       "ORDER BY id") == [("Oak Board", 40.0, "USD",
                                           "https://i.etsystatic.com/1.jpg"),
                                          ("SPOON", 12.5, "USD", None)]


def test_square_item_library(tmp_path: Path, store: Store, home: Path) -> None:
    header = ["Token", "Item Name", "Variation Name", "SKU", "Description", "Categories",
              "Price", "Default Unit Cost", "Archived"]
    path = write_csv(tmp_path / "item-library.csv", header, [
        {"Token": "T1", "Item Name": "Latte", "Variation Name": "Small", "SKU": "LAT-S",
         "Price": "4.50", "Default Unit Cost": "1.10", "Categories": "Coffee"},
        {"Token": "T2", "Item Name": "Latte", "Variation Name": "Large", "Price": "5.50",
         "Archived": "Y"},
        {"Token": "T3", "Item Name": "Scone", "Variation Name": "Regular", "Price": "3"},
    ])
    import_files(store, [path])
    assert query(home, "SELECT variant_key, parent_key, full_name, price, cost, status, "
                       "platform_variant_id FROM catalogue_variants ORDER BY id") == [
        ("T1", "Latte", "Latte - Small", 4.5, 1.1, "active", "T1"),
        ("T2", "Latte", "Latte - Large", 5.5, None, "archived", "T2"),
        ("T3", "Scone", "Scone", 3.0, None, "active", "T3")]


def test_bigcommerce_products_and_sku_rows(tmp_path: Path, store: Store, home: Path) -> None:
    header = ["Item Type", "Product ID", "Product Name", "Product Type", "Product Code/SKU",
              "Price", "Cost Price", "Retail Price", "Sale Price", "Product URL", "Category",
              "Product Image URL - 1", "Product Visible?"]
    path = write_csv(tmp_path / "products-2024.csv", header, [
        {"Item Type": "Product", "Product ID": "77", "Product Name": "Tee", "Price": "20",
         "Cost Price": "8", "Product URL": "/tee/", "Category": "Shirts",
         "Product Image URL - 1": "https://cdn.bc.example.com/tee.jpg",
         "Product Visible?": "Y"},
        {"Item Type": "SKU", "Product Name": "[S]Size=Small", "Product Code/SKU": "TEE-S"},
        {"Item Type": "SKU", "Product Name": "[S]Size=Large", "Product Code/SKU": "TEE-L",
         "Price": "22"},
        {"Item Type": "Rule", "Product Name": "", "Price": "1"},
        {"Item Type": "Product", "Product ID": "78", "Product Name": "Mug", "Price": "9",
         "Product Code/SKU": "MUG", "Product Visible?": "N"},
    ])
    summary = import_files(store, [path])
    assert summary.catalogue[0].parents == 2
    assert query(home, "SELECT parent_key, sku, full_name, price, image_url, product_url, "
                       "status FROM catalogue_variants ORDER BY id") == [
        ("77", "TEE-S", "Tee - Small", None, "https://cdn.bc.example.com/tee.jpg",
         "https://woo.example.com/tee/", "active"),
        ("77", "TEE-L", "Tee - Large", 22.0, "https://cdn.bc.example.com/tee.jpg",
         "https://woo.example.com/tee/", "active"),
        ("78", "MUG", "Mug", 9.0, None, None, "hidden")]


def test_any_table_through_map(tmp_path: Path, store: Store, home: Path) -> None:
    path = write_csv(tmp_path / "my-products.csv", ["Code", "Name", "Colour", "Sell", "Photo"], [
        {"Code": "A1", "Name": "Lamp", "Colour": "Red", "Sell": "12,50",
         "Photo": "https://x.example.com/a.png"},
        {"Code": "A2", "Name": "Lamp", "Colour": "Blue", "Sell": "12,50",
         "Photo": "javascript:alert(1)"},
    ])
    summary = import_files(store, [path], mapping={
        "sku": "Code", "title": "Name", "variant_title": "Colour", "price": "Sell",
        "image_url": "Photo", "parent": "Name"})
    assert summary.catalogue[0].platform == "generic"
    assert [d.column for d in summary.dropped] == ["Photo"]
    assert query(home, "SELECT variant_key, parent_key, full_name, price, image_url "
                       "FROM catalogue_variants ORDER BY id") == [
        ("A1", "Lamp", "Lamp - Red", 12.5, "https://x.example.com/a.png"),
        ("A2", "Lamp", "Lamp - Blue", 12.5, None)]


def test_map_without_title_sku_or_id_is_refused(tmp_path: Path, store: Store,
                                                home: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["Sell", "Photo"], [{"Sell": "1", "Photo": ""}])
    with pytest.raises(InputError) as err:
        import_files(store, [path], mapping={"price": "Sell"})
    assert "title, sku or product_id" in str(err.value) and err.value.file == "t.csv"
    with pytest.raises(InputError) as err:
        import_files(store, [path], mapping={"title": "Nope"})
    assert err.value.column == "Nope"
    assert query(home, "SELECT COUNT(*) FROM import_batches") == [(0,)]


def test_broken_csv_row_is_a_listed_reject(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "products_export_1.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\n"
                    "a,A,A1,1.00\n"
                    "b,B,B1,2.00,extra,cells\n"
                    "c,C,C1,3.00\n", encoding="utf-8")
    summary = import_files(store, [path])
    assert [(r.row, r.column) for r in summary.rejected] == [(3, None)]
    assert "fields" in summary.rejected[0].reason
    assert summary.catalogue[0].variants == 2
