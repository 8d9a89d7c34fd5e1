"""The Products page: the demo catalogue with offline thumbnails, the missing-data count,
editing a product's photo/link/id, and thumbnails downloaded in the background."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from loopback_https import serve
from page_helpers import show_page
from PySide6.QtCore import Qt

from ppdesk.core.demo_products import _png
from ppdesk.core.importing import import_files
from ppdesk.core.store import open_store
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.products_page import SHOW, ProductsPage
from ppdesk.ui.tasks import running_tasks


def _settle(qtbot) -> None:
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    qtbot.wait(50)


def _page(qtbot, ctx: AppContext) -> ProductsPage:
    page = show_page(qtbot, ProductsPage(ctx))
    qtbot.wait(50)
    return page


def _sql(home: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def test_demo_catalogue_with_offline_thumbnails(qtbot, demo_ctx: AppContext) -> None:
    page = _page(qtbot, demo_ctx)
    home = demo_ctx.store.home
    [(variants,)] = _sql(home, "SELECT COUNT(*) FROM catalogue_variants")
    assert page.model.rowCount() == variants == 208
    # Missing = ordered products without photo, link or variant id. The export has no ids;
    # the demo stores them as `catalogue fetch-ids` would, so nothing is missing.
    [(lacking,)] = _sql(home, "SELECT COUNT(*) FROM products p WHERE EXISTS (SELECT 1 FROM "
                              "order_lines l WHERE l.product_id = p.id) AND (image_url IS NULL "
                              "OR url IS NULL OR platform_variant_id IS NULL)")
    [(with_ids,)] = _sql(home, "SELECT COUNT(*) FROM catalogue_variants "
                               "WHERE platform_variant_id IS NOT NULL")
    assert with_ids == variants
    assert lacking == 0
    assert page.view_data is not None and page.view_data.missing == lacking
    assert page.missing_label.text() == "Every ordered product has a photo, a link and an id."
    # Every photo came from the disk cache the demo ships: no download was needed.
    urls = set(page.model.frame["image_url"].dropna())
    assert urls and urls <= set(page.model.icons)
    icon = page.model.data(page.model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert icon is not page.model.placeholder and not icon.isNull()
    page.shutdown()


def _forget_variant_ids(home: Path) -> None:
    """The store as a Shopify export alone leaves it: no variant ids (the demo seeds them)."""
    from ppdesk.core.store.lines import bump_data_version

    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        with conn:
            conn.execute("UPDATE catalogue_variant_rows SET platform_variant_id = NULL, "
                         "platform_product_id = NULL" if _has_table(conn, "catalogue_variant_rows")
                         else "UPDATE catalogue_variants SET platform_variant_id = NULL, "
                         "platform_product_id = NULL")
            conn.execute("UPDATE products SET platform_variant_id = NULL")
            bump_data_version(conn)
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def test_edit_photo_link_and_id(qtbot, demo_ctx: AppContext) -> None:
    _forget_variant_ids(demo_ctx.store.home)
    page = _page(qtbot, demo_ctx)
    page.table.select_row(0)
    key = page._key
    assert key is not None
    before = page.view_data.missing
    assert before > 0
    page.id_edit.setText("44012345678")
    page.save_details()
    _settle(qtbot)
    home = demo_ctx.store.home
    assert _sql(home, f"SELECT platform_variant_id, details_source FROM products "
                      f"WHERE product_key = '{key}'") == [("44012345678", "merchant")]
    assert page.view_data.missing == before - 1
    assert page.Msg.saved.text in page.messages.texts()
    # An http photo URL is refused in plain words and nothing changes.
    page.table.select_row(0)
    page.image_edit.setText("http://insecure.example.com/a.png")
    page.save_details()
    _settle(qtbot)
    assert any("https" in t for t in page.messages.texts())
    assert _sql(home, f"SELECT image_url LIKE 'https://%' FROM products "
                      f"WHERE product_key = '{key}'") == [(1,)]
    page.show_combo.setCurrentText(next(k for k, v in SHOW.items() if v))
    page.refresh()
    _settle(qtbot)
    assert page.model.rowCount() == before - 1
    page.shutdown()


PNG = _png(8, 8, (10, 200, 30), (200, 10, 30))


class _Images(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def image_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with serve(_Images, tmp_path, monkeypatch) as url:
        yield url


def test_thumbnails_download_in_the_background(qtbot, home: Path, tmp_path: Path,
                                               image_server: str, qapp: object) -> None:
    path = tmp_path / "products_export_1.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price,Image Src,Image Position\n"
                    f"lamp,Lamp,L1,10.00,{image_server}/lamp.png,1\n"
                    f"desk,Desk,D1,90.00,{image_server}/desk.png,1\n", encoding="utf-8")
    store = open_store(home)
    import_files(store, [path])
    ctx = AppContext(store)
    page = ProductsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30000)
    qtbot.waitUntil(lambda: len(page.model.icons) == 2, timeout=30000)
    _settle(qtbot)
    icon = page.model.data(page.model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert icon is not page.model.placeholder
    assert len(list((home / "cache" / "thumbnails").glob("*.img"))) == 2
    page.shutdown()


def test_import_page_takes_a_products_export(qtbot, empty_ctx: AppContext) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from ppdesk.core.paths import resources_dir
    from ppdesk.ui.pages.import_page import ImportPage

    source = resources_dir() / "demo" / "products_export_demo.csv"
    page = ImportPage(empty_ctx)
    qtbot.addWidget(page)
    page.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    page.drop.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                                   Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    assert "Shopify products export" in page.detected.text()
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=30000):
        page.import_button.click()
    import csv

    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    parents = len({r["Handle"] for r in rows})
    variants = sum(1 for r in rows if r["Variant Price"] or r["Variant SKU"] or r["Option1 Value"])
    photos = sum(1 for r in rows if r["Image Src"])
    expected = f"{variants:,} variants of {parents:,} products with {photos:,} photos"
    assert any(expected in t for t in page.messages.texts()), page.messages.texts()
    assert _sql(empty_ctx.store.home, "SELECT COUNT(*) FROM catalogue_variants") == [(variants,)]
    _settle(qtbot)
