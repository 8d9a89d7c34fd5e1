"""Importing a Shopify products export: variants, images, links, re-import, matching, costs.

Expected values are worked out by hand from the small files in ``catalogue_helpers``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from catalogue_helpers import query, shopify_orders, shopify_products, write_csv

from ppdesk.core.errors import InputError
from ppdesk.core.importing import import_files
from ppdesk.core.results.costs import set_unit_cost
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store, open_store
from ppdesk.core.store.products_queries import product_by_key, set_product_details


@pytest.fixture
def store(home: Path) -> Store:
    s = open_store(home)
    settings = load_settings(s)
    settings.store.store_url = "https://shop.example.com/"
    save_settings(s, settings)
    return s


def _variants(home: Path) -> dict[str, tuple[object, ...]]:
    rows = query(home, "SELECT variant_key, parent_key, sku, title, variant_title, full_name, "
                       "price, compare_at_price, cost, image_url, product_url, product_type, "
                       "category, status, market_prices FROM catalogue_variants")
    return {str(r[0]): r[1:] for r in rows}


def test_variants_images_and_links(tmp_path: Path, store: Store, home: Path) -> None:
    summary = import_files(store, [shopify_products(tmp_path / "products_export_1.csv")])
    [c] = summary.catalogue
    assert (c.parents, c.variants, c.images, c.rows_read) == (2, 3, 3, 5)
    v = _variants(home)
    assert set(v) == {"mug/Sage//", "mug/Sand//", "scarf/Default Title//"}
    sage, sand, scarf = v["mug/Sage//"], v["mug/Sand//"], v["scarf/Default Title//"]
    # Sage has no Variant Image: the product's first image BY POSITION (mug-1, row 4).
    assert sage[8] == "https://cdn.example.com/mug-1.png"
    assert sand[8] == "https://cdn.example.com/mug-sand.png"
    assert sand[1] == "MUG-SAND"                     # spreadsheet apostrophe removed
    assert sage[:5] == ("mug", "MUG-SAGE", "Travel Mug", "Sage", "Travel Mug - Sage")
    assert sage[5:8] == (24.0, 30.0, 9.5)
    assert sage[9] == "https://shop.example.com/products/mug"
    assert (sage[10], sage[11], sage[12]) == ("Mugs", "Home > Mugs", "active")
    assert json.loads(str(sage[13])) == {"Poland": "99.00"}
    assert scarf[3] is None and scarf[4] == "Wool Scarf" and scarf[12] == "draft"
    # The http image is dropped with its row and column named.
    assert [(d.row, d.column) for d in summary.dropped] == [(5, "Image Src")]
    assert "https" in summary.dropped[0].reason
    images = query(home, "SELECT parent_key, position, url FROM catalogue_images "
                         "ORDER BY parent_key, position")
    assert [i[2].rsplit("/", 1)[1] for i in images] == ["mug-1.png", "mug-2.png", "scarf.png"]


def test_reimport_updates_in_place(tmp_path: Path, store: Store, home: Path) -> None:
    path = shopify_products(tmp_path / "products_export_1.csv")
    import_files(store, [path])
    text = path.read_text(encoding="utf-8").replace("24.00", "26.00")
    path.write_text(text, encoding="utf-8")
    summary = import_files(store, [path])
    [c] = summary.catalogue
    assert (c.variants_added, c.variants_updated) == (0, 3)
    assert query(home, "SELECT COUNT(*) FROM catalogue_variants") == [(3,)]
    assert query(home, "SELECT COUNT(*) FROM catalogue_images") == [(3,)]
    assert query(home, "SELECT price FROM catalogue_variants WHERE sku = 'MUG-SAGE'") == [(26.0,)]


def test_orders_match_by_sku_name_and_handle(tmp_path: Path, store: Store, home: Path) -> None:
    orders = shopify_orders(tmp_path / "orders_export_1.csv", [
        ("#1", "1", "Travel Mug - Sage", "24.00", "MUG-SAGE"),     # SKU
        ("#1", "1", "Wool Scarf", "45.00", ""),                    # name (single variant)
        ("#2", "2", "Travel Mug - Sand", "24.00", ""),             # name "Title - Variant"
        ("#3", "1", "Travel Mug - Lilac", "24.00", ""),            # handle: title before " - "
        ("#3", "3", "Gift Wrap", "5.00", ""),                      # not in the catalogue
        ("#4", "1", "Candle", "12.00", "CANDLE"),                  # not in the catalogue
    ])
    import_files(store, [orders])       # orders first: the catalogue must match them later
    summary = import_files(store, [shopify_products(tmp_path / "products_export_1.csv")])
    m = summary.matching
    assert m is not None
    assert (m.ordered_products, m.matched) == (6, 4)
    assert m.by_rule == {"sku": 1, "name": 2, "handle": 1}
    # Largest revenue first: Gift Wrap 3 x 5 = 15 > Candle 12.
    assert [(u["product_key"], u["revenue"]) for u in m.unmatched] == [("Gift Wrap", 15.0),
                                                                       ("CANDLE", 12.0)]
    rows = dict((r[0], r[1:]) for r in query(
        home, "SELECT product_key, parent_key, catalogue_match, image_url, url, unit_cost, "
              "product_type FROM products"))
    assert rows["MUG-SAGE"] == ("mug", "sku", "https://cdn.example.com/mug-1.png",
                                "https://shop.example.com/products/mug", 9.5, "Mugs")
    assert rows["Travel Mug - Sand"][:3] == ("mug", "name", "https://cdn.example.com/mug-sand.png")
    assert rows["Travel Mug - Lilac"][:2] == ("mug", "handle")
    assert rows["Gift Wrap"][0] is None


def test_orders_imported_after_the_catalogue_match_too(tmp_path: Path, store: Store,
                                                       home: Path) -> None:
    import_files(store, [shopify_products(tmp_path / "products_export_1.csv")])
    summary = import_files(store, [shopify_orders(tmp_path / "o.csv", [
        ("#9", "1", "Wool Scarf", "45.00", "")])])
    assert summary.matching is not None and summary.matching.matched == 1
    assert query(home, "SELECT parent_key FROM products") == [("scarf",)]


def test_merchant_values_win_over_the_catalogue(tmp_path: Path, store: Store,
                                                home: Path) -> None:
    import_files(store, [shopify_orders(tmp_path / "o.csv", [
        ("#1", "1", "Travel Mug - Sage", "24.00", "MUG-SAGE")])])
    set_unit_cost(store, "MUG-SAGE", 7.25)
    conn = store.connect()
    row = product_by_key(conn, "MUG-SAGE")
    assert row is not None
    with conn:
        set_product_details(conn, row.id, image_url="https://mine.example.com/a.png", url=None,
                            platform_product_id=None, platform_variant_id="123")
    conn.close()
    import_files(store, [shopify_products(tmp_path / "products_export_1.csv")])
    assert query(home, "SELECT unit_cost, unit_cost_source, image_url, url, platform_variant_id "
                       "FROM products") == [(7.25, "merchant", "https://mine.example.com/a.png",
                                             "https://shop.example.com/products/mug", "123")]
    set_unit_cost(store, "MUG-SAGE", None)      # cleared: the catalogue's cost applies again
    import_files(store, [shopify_products(tmp_path / "products_export_1.csv")])
    assert query(home, "SELECT unit_cost, unit_cost_source FROM products") == [(9.5, "catalogue")]


def test_catalogue_cost_feeds_contribution_margin(tmp_path: Path, store: Store) -> None:
    from ppdesk.core.results.data import load_inputs

    import_files(store, [shopify_orders(tmp_path / "o.csv", [
        ("#1", "2", "Travel Mug - Sage", "24.00", "MUG-SAGE")]),
        shopify_products(tmp_path / "products_export_1.csv")])
    inputs = load_inputs(store)
    assert float(inputs.lines["line_cost"].sum()) == pytest.approx(2 * 9.5)
    assert float(inputs.orders["cogs"].sum()) == pytest.approx(19.0)


def test_no_handle_column_is_exit_2_and_store_unchanged(tmp_path: Path, store: Store,
                                                        home: Path) -> None:
    good = shopify_products(tmp_path / "products_export_1.csv")
    bad = write_csv(tmp_path / "products.csv", ["Title", "Variant Price", "Vendor"],
                    [{"Title": "Mug", "Variant Price": "3"}])
    with pytest.raises(InputError) as err:
        import_files(store, [good, bad], platform="shopify")
    assert err.value.file == "products.csv"
    assert "Handle" in str(err.value) or "handle" in str(err.value)
    assert query(home, "SELECT COUNT(*) FROM catalogue_variants") == [(0,)]
    assert query(home, "SELECT COUNT(*) FROM import_batches") == [(0,)]


def test_rows_without_handle_are_listed_rejects(tmp_path: Path, store: Store) -> None:
    path = shopify_products(tmp_path / "products_export_1.csv")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(",Orphan,,,,,,,,,,,,,ORPH,5.00,,,,,,,,\n")
    summary = import_files(store, [path])
    assert [(r.row, r.column) for r in summary.rejected] == [(7, "Handle")]
    assert summary.catalogue[0].variants == 3


def test_catalogue_matching_no_order_says_so(tmp_path: Path, store: Store) -> None:
    import_files(store, [shopify_orders(tmp_path / "o.csv", [
        ("#1", "1", "Candle", "12.00", "CANDLE")])])
    summary = import_files(store, [shopify_products(tmp_path / "products_export_1.csv")])
    assert summary.matching is not None and summary.matching.matched == 0
    assert "matches none of the 1 ordered products" in (summary.matching.message or "")


def test_preview_recognises_a_catalogue(tmp_path: Path) -> None:
    from ppdesk.core.importing import preview_file

    preview = preview_file(shopify_products(tmp_path / "products_export_1.csv"))
    assert (preview.label, preview.platform, preview.missing) == (
        "Shopify products export", "shopify", [])
    assert len(preview.rows) == 5
