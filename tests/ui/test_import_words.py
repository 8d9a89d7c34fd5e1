"""Import page in plain words (issue 14): the mapping, the encoding, the help box, the
catalogue's own result figures, and a drop zone that makes room once a file is chosen."""

from __future__ import annotations

from pathlib import Path

from csv_files import write_csv
from test_import_page import SMALL, _page

from ppdesk.core.settings import load_settings
from ppdesk.ui.context import AppContext

WOO = "woocommerce_wine_shop_custom_export/woocommerce_orders.csv"
PRODUCTS_HEADER = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant SKU",
                   "Variant Price", "Image Src", "Image Position", "Status"]


def test_the_mapping_and_encoding_read_as_words(qtbot, empty_ctx: AppContext,
                                                tmp_path: Path) -> None:
    source = tmp_path / "orders_export.csv"
    source.write_text(SMALL, encoding="utf-8-sig")   # a BOM, as Excel writes it
    page = _page(qtbot, empty_ctx)
    assert page.drop.maximumHeight() > 500            # tall until a file is chosen
    page.set_files([source])
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    text = page.detected.text()
    assert "Order number from 'Name', date from 'Created at'" in text
    assert "order_id" not in text and "order_date" not in text and "←" not in text
    assert "utf" not in text.lower() and "encoding" not in text.lower()
    # the full list sits behind "How columns were read", two columns, plain words
    assert page.columns_toggle.isVisible() and not page.columns_list.isVisible()
    page.columns_toggle.click()
    assert page.columns_list.isVisible()
    listing = page.columns_list.text()
    assert "Quantity" in listing and "Lineitem quantity" in listing
    assert "lineitem_quantity" not in listing and "quantity ←" not in listing
    # the help box follows the detected platform; the zone is one line now
    assert page.export_help.platform.currentText() == "Shopify"
    assert page.drop.maximumHeight() <= 60


def test_a_windows_file_says_how_its_text_was_read(qtbot, empty_ctx: AppContext,
                                                   tmp_path: Path) -> None:
    source = tmp_path / "orders_export.csv"
    source.write_bytes(SMALL.replace("Paper Filters", "Crème Filters").encode("cp1252"))
    page = _page(qtbot, empty_ctx)
    page.set_files([source])
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    assert "Text read as Windows Western (cp1252)" in page.detected.text()


def test_a_woocommerce_export_moves_the_help_and_the_store_platform(
        qtbot, empty_ctx: AppContext, real_exports: Path) -> None:
    assert load_settings(empty_ctx.store).store.platform == "shopify"   # the default
    page = _page(qtbot, empty_ctx)
    page.export_help.platform.setCurrentText("Shopify")
    page.set_files([real_exports / WOO])
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    assert page.export_help.platform.currentText() == "WooCommerce"
    with qtbot.waitSignal(empty_ctx.settings_changed, timeout=60000):
        page.import_button.click()
    qtbot.waitUntil(lambda: page.result_box.isVisible(), timeout=60000)
    saved = load_settings(empty_ctx.store).store
    assert (saved.platform, saved.platform_source) == ("woocommerce", "import")
    assert empty_ctx.settings().store.platform == "woocommerce"   # the pages read it anew


def test_a_catalogue_import_shows_catalogue_figures(qtbot, empty_ctx: AppContext,
                                                    tmp_path: Path) -> None:
    orders = tmp_path / "orders_export.csv"
    orders.write_text(SMALL, encoding="utf-8")
    img = "https://cdn.example.com/"
    # by hand: 2 products, 3 variants (a mug in two colours, a grinder), 2 photos;
    # the orders name COF-1, FIL-1 and GRI-1: only GRI-1 is in this catalogue
    products = write_csv(tmp_path / "products_export_1.csv", PRODUCTS_HEADER, [
        {"Handle": "mug", "Title": "Mug", "Option1 Name": "Colour", "Option1 Value": "Sage",
         "Variant SKU": "MUG-S", "Variant Price": "20", "Image Src": img + "m.png",
         "Image Position": "1", "Status": "active"},
        {"Handle": "mug", "Option1 Value": "Sand", "Variant SKU": "MUG-D",
         "Variant Price": "20"},
        {"Handle": "grinder", "Title": "Grinder", "Option1 Name": "Title",
         "Option1 Value": "Default Title", "Variant SKU": "GRI-1", "Variant Price": "40",
         "Image Src": img + "g.png", "Image Position": "1", "Status": "active"},
    ])
    page = _page(qtbot, empty_ctx)
    page.set_files([orders])
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=30000):
        page.import_button.click()
    assert page.order_grid.isVisible() and not page.catalogue_grid.isVisible()
    page.set_files([products])
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=30000):
        page.import_button.click()
    assert page.catalogue_grid.isVisible() and not page.order_grid.isVisible()
    figures = {k: v.text() for k, v in page.catalogue_labels.items()}
    assert (figures["parents"], figures["variants"], figures["images"]) == ("2", "3", "2")
    assert figures["matched"] == "1 of 3" and figures["missing"] == "2"
    assert "speed" not in page.result_labels
    shown = " ".join(w.text() for w in page.result_box.findChildren(type(page.detected))
                     if w.isVisible())
    assert "rows/s" not in shown and "New orders" not in shown
