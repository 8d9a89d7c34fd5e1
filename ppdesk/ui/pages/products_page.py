"""Products: the imported catalogue with photos, links and ids, and what is missing.

Lists ``core.catalogue.listing.products_frame`` (one row per variant, plus ordered
products the catalogue lacks) with a thumbnail beside each title. Thumbnails come
from the disk cache (``core.catalogue.thumbnails``); those not cached are
downloaded by a background task (verified https, a timeout) and appear as they
arrive: the page never waits for the network, and a photo that cannot be fetched
keeps a plain placeholder. The selected product's photo URL, link and variant id
are editable; saving goes through ``listing.set_details`` (https only), which marks
them as the merchant's so a later catalogue import does not overwrite them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.catalogue import listing, thumbnails
from ppdesk.core.progress import CancelToken, ProgressFn
from ppdesk.core.store import Store
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import TaskRunner
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

ICON_PX = 40
COLUMNS = [
    Column("title", "Product"),
    Column("variant_title", "Variant"),
    Column("sku", "SKU"),
    Column("price", "Price", "money"),
    Column("cost", "Cost", "money", "Cost per item (yours when you set one, else the catalogue's)"),
    Column("orders", "Orders", "int", "Orders that hold this product"),
    Column("missing", "Missing", "text", "What emails and offers lack for this product"),
    Column("photo", "Photo", "bool"),
    Column("link", "Link", "bool"),
    Column("platform_variant_id", "Variant id"),
    Column("parent", "Parent"),
    Column("product_key", "Key"),
]
SHOW = {"All products": False, "Ordered, missing a photo, link or id": True}
_ANY_INDEX = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ProductsView:
    table: pd.DataFrame
    missing: int


def load_view(store: Store, missing_only: bool, *, progress: ProgressFn,
              cancel: CancelToken) -> ProductsView:
    """Worker side: the listing and the missing-data count."""
    frame = listing.products_frame(store)
    frame["photo"] = frame["image_url"].notna() & (frame["image_url"] != "")
    frame["link"] = frame["product_url"].notna() & (frame["product_url"] != "")
    has_id = frame["platform_variant_id"].notna() & (frame["platform_variant_id"] != "")
    needs = frame["photo"] & frame["link"] & has_id
    lacking = (frame["orders"] > 0) & ~needs
    # one column naming what is missing: the warning counts products lacking "a photo, a
    # link or a variant id", and three Yes/No columns (one of them off screen) did not say
    # which; vectorised: each part is "" or its words, joined and trimmed
    parts = pd.DataFrame({"photo": np.where(frame["photo"], "", "photo"),
                          "link": np.where(frame["link"], "", "link"),
                          "id": np.where(has_id, "", "variant id")}, index=frame.index)
    frame["missing"] = (parts["photo"] + ", " + parts["link"] + ", " + parts["id"]).str.replace(
        r"(^(, )+|(, )+$)", "", regex=True).str.replace(r"(, ){2,}", ", ", regex=True)
    return ProductsView(frame[lacking].reset_index(drop=True) if missing_only else frame,
                        int(lacking.sum()))


class ThumbnailModel(DataFrameTableModel):
    """The table model with each row's photo as the title's decoration."""

    def __init__(self) -> None:
        super().__init__(pd.DataFrame(), COLUMNS)
        self.icons: dict[str, QIcon] = {}
        placeholder = QPixmap(ICON_PX, ICON_PX)
        placeholder.fill(QColor(200, 200, 200))
        self.placeholder = QIcon(placeholder)

    def data(self, index: _ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and index.isValid() and index.column() == 0:
            url = self.row_series(index.row()).get("image_url")
            return self.icons.get(url, self.placeholder) if isinstance(url, str) else None
        return super().data(index, role)

    def add_icons(self, icons: dict[str, QIcon]) -> None:
        if icons:
            self.icons.update(icons)
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0),
                                      [Qt.ItemDataRole.DecorationRole])


class ProductsPage(Page):
    key = "products"
    title = "Catalogue"
    purpose = ("Your catalogue as imported from the store's products export: the photo, link "
               "and ids that offers and emails use. Fix what is missing here.")
    refresh_on = ("data_changed", "settings_changed")

    class Msg:
        empty = Message("info", "No products yet. Import your store's products export (Shopify: "
                                "Products → Export) or orders on the Import page.")
        missing = Message("warning", "{count} ordered products lack a photo, a link or a "
                                     "variant id; emails and offers show them without.")
        saved = Message("success", "Saved. A later catalogue import keeps what you typed.")

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view_data: ProductsView | None = None
        self.show_combo = QComboBox()
        self.show_combo.addItems(list(SHOW))
        self.show_combo.activated.connect(lambda _i: self.refresh())
        self.missing_label = QLabel("")
        self.missing_label.setAccessibleName("Missing data count")
        row = QHBoxLayout()
        row.addWidget(QLabel("Show"))
        row.addWidget(self.show_combo)
        row.addSpacing(16)
        row.addWidget(self.missing_label, 1)
        self.body.addLayout(row)
        self.model = ThumbnailModel()
        self.table = TablePanel(self.model, export_name="products.csv",
                                filter_hint="Filter by product, SKU…",
                                hidden=("photo", "link", "platform_variant_id", "parent",
                                        "product_key"))
        self.table.view.setIconSize(self.table.view.iconSize().expandedTo(
            QPixmap(ICON_PX, ICON_PX).size()))
        self.table.view.verticalHeader().setDefaultSectionSize(ICON_PX + 4)
        self.table.row_selected.connect(self._row_picked)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self._editor())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.body.addWidget(split, 1)
        self.thumb_runner = TaskRunner(self)   # no progress panel: photos arrive quietly
        self.write_runner = TaskRunner(self, self.progress)
        self._key: str | None = None

    def _editor(self) -> QWidget:
        box = QGroupBox("Selected product")
        box.setMinimumWidth(240)
        self.preview = QLabel("Pick a product in the table.")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(160, 160)
        self.image_edit = QLineEdit()
        self.image_edit.setPlaceholderText("https://… photo URL")
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("https://… product page")
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("Shopify variant id / WooCommerce product id")
        self.save_button = QPushButton("Save")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_details)
        form = QFormLayout()
        # labels above the fields: beside them, a narrow panel cut "https://… ph…" to nothing,
        # and a wider one took the table's Orders and Missing columns off screen
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("Photo URL", self.image_edit)
        form.addRow("Link", self.link_edit)
        form.addRow("Variant id", self.id_edit)
        layout = QVBoxLayout(box)
        layout.addWidget(self.preview)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addStretch(1)
        return box

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        store, missing_only = self.ctx.store, SHOW[self.show_combo.currentText()]
        self.runner.run(lambda p, c: load_view(store, missing_only, progress=p, cancel=c),
                        name="Reading the catalogue", on_success=self._show,
                        on_failure=self.messages.show_error)

    def _show(self, result: object) -> None:
        assert isinstance(result, ProductsView)
        self.view_data = result
        keep_saved = self.Msg.saved.text in self.messages.texts()
        self.messages.clear()
        if keep_saved:
            self.messages.show_message(self.Msg.saved)
        self.model.set_frame(result.table, COLUMNS)
        self.table.resize_columns()
        self.missing_label.setText(f"{result.missing} ordered products lack a photo, link or id"
                                   if result.missing else "Every ordered product has a photo, "
                                   "a link and an id.")
        if result.table.empty and not SHOW[self.show_combo.currentText()]:
            self.messages.show_message(self.Msg.empty)
        elif result.missing:
            self.messages.show_message(self.Msg.missing, count=result.missing)
        # rows as tall as a thumbnail only when there are photos: a catalogue without any
        # (or ordered products only) showed ten rows at 1280x720 with empty space beside each
        self.table.view.verticalHeader().setDefaultSectionSize(ICON_PX + 4 if self._urls() else 24)
        self._load_cached_icons()
        self._fetch_thumbnails()
        if self._key is not None:
            self._select_key(self._key)

    def _urls(self) -> list[str]:
        frame = self.model.frame
        if frame.empty or "image_url" not in frame:
            return []
        return [u for u in frame["image_url"].dropna().unique().tolist() if u]

    def _load_cached_icons(self) -> None:
        """Icons for every photo already on disk (cheap: small files, loaded once)."""
        home = self.ctx.store.home
        found: dict[str, QIcon] = {}
        for url in self._urls():
            if url in self.model.icons:
                continue
            path = thumbnails.cached(home, url)
            if path is None:
                continue
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                found[url] = QIcon(pixmap.scaled(ICON_PX, ICON_PX,
                                                 Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
        self.model.add_icons(found)
        self._show_preview()

    def _fetch_thumbnails(self) -> None:
        home = self.ctx.store.home
        missing = [u for u in self._urls() if u not in self.model.icons]
        if not missing:
            return
        task = self.thumb_runner.run(
            lambda p, c: thumbnails.fetch_missing(home, missing, progress=p, cancel=c),
            name="Downloading product photos", on_success=lambda _r: self._load_cached_icons(),
            on_failure=lambda _e: None)  # no photo is not an error: placeholders stay
        task.signals.progress.connect(lambda *_a: self._load_cached_icons())

    # -- editing ----------------------------------------------------------------------------
    def _row_picked(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            self._key = None
            self.save_button.setEnabled(False)
            return
        data = self.model.row_series(row)
        self._key = str(data["product_key"])
        for edit, column in ((self.image_edit, "image_url"), (self.link_edit, "product_url"),
                             (self.id_edit, "platform_variant_id")):
            value = data.get(column)
            edit.setText("" if value is None or pd.isna(value) else str(value))
        self.save_button.setEnabled(True)
        self._show_preview()

    def _select_key(self, key: str) -> None:
        frame = self.model.visible_frame()
        hits = (frame["product_key"] == key).to_numpy().nonzero()[0] if not frame.empty else []
        if len(hits):
            self.table.select_row(int(hits[0]))

    def _show_preview(self) -> None:
        url = self.image_edit.text().strip()
        path = thumbnails.cached(self.ctx.store.home, url) if url else None
        pixmap = QPixmap(str(path)) if path else QPixmap()
        if pixmap.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No photo" if self._key else "Pick a product in the table.")
        else:
            self.preview.setPixmap(pixmap.scaled(160, 160, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))

    def save_details(self) -> None:
        if self._key is None:
            return
        store, key = self.ctx.store, self._key
        image, link, ident = (self.image_edit.text(), self.link_edit.text(),
                              self.id_edit.text())
        self.write_runner.run(
            lambda _p, _c: listing.set_details(store, key, image_url=image, product_url=link,
                                               platform_variant_id=ident),
            name="Saving the product", writes=True, on_success=self._saved,
            on_failure=self.messages.show_error)

    def _saved(self, _result: object) -> None:
        self.messages.clear()
        self.messages.show_message(self.Msg.saved)
        self.refresh()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(ProductsPage))
