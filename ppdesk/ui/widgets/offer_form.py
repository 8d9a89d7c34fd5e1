"""The offer editor's form: trigger and offered product with their photos, discount, window,
headline, text, button, platform, and the offered product's photo URL, link and ids.

The form only holds values; the page reads them (``values()``), fills them
(``load_offer``, ``set_details``) and decides what an edit means. ``dirty`` is set by
the merchant's own edits only (programmatic fills block it), so the page can ask
before a product switch throws edits away.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.offers.model import name_with_key
from ppdesk.ui.widgets.field_form import dspin, spin

PLATFORM_NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "other": "Other"}
PHOTO_PX = 56


@dataclass(frozen=True)
class FormValues:
    trigger: str | None
    complement: str | None
    discount: float
    minutes: int
    headline: str
    body: str
    cta: str
    platform: str
    image_url: str
    url: str
    variant_id: str
    woo_id: str


def photo_label() -> QLabel:
    label = QLabel("No photo")
    label.setFixedSize(PHOTO_PX, PHOTO_PX)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("border: 1px solid palette(mid); border-radius: 4px; font-size: 10px;")
    return label


def show_photo(label: QLabel, path: Path | None) -> None:
    pixmap = QPixmap(str(path)) if path else QPixmap()
    if pixmap.isNull():
        label.setPixmap(QPixmap())
        label.setText("No photo")
    else:
        label.setPixmap(pixmap.scaled(PHOTO_PX, PHOTO_PX, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation))


class OfferForm(QWidget):
    """Signals: ``edited()`` after any change by the merchant; ``trigger_picked(key)``
    when they choose another trigger product; ``complement_picked(key)``."""

    edited = Signal()
    trigger_picked = Signal(str)
    complement_picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dirty = False
        self._filling = False
        self.trigger = QComboBox()
        self.trigger.setEditable(True)
        self.trigger.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.trigger.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.trigger.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.trigger.activated.connect(self._trigger_activated)
        self.trigger_photo = photo_label()
        self.complement = QComboBox()
        self.complement.activated.connect(self._complement_activated)
        self.complement_photo = photo_label()
        self.why = QLabel("")
        self.why.setWordWrap(True)
        self.discount = dspin(0, 90, 5, 0, " % off")
        self.minutes = spin(30, 60, " minutes")
        self.headline = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("A sentence or two under the headline (optional)")
        self.body.setFixedHeight(52)
        self.cta = QLineEdit()
        self.platform = QComboBox()
        for key, name in PLATFORM_NAMES.items():
            self.platform.addItem(name, key)
        self.image_url = QLineEdit()
        self.image_url.setPlaceholderText("https://… photo")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://… product page")
        self.variant_id = QLineEdit()
        self.variant_id.setPlaceholderText("digits, from the product's admin page")
        self.woo_id = QLineEdit()
        self.woo_id.setPlaceholderText("digits, from the product's admin page")
        for w in (self.discount, self.minutes):
            w.valueChanged.connect(lambda _v: self._touched())
        for e in (self.headline, self.cta, self.image_url, self.url, self.variant_id,
                  self.woo_id):
            e.textEdited.connect(lambda _t: self._touched())
        self.body.textChanged.connect(self._touched)
        self.platform.activated.connect(lambda _i: self._touched())

        offer_box = QGroupBox("The offer")
        form = QFormLayout(offer_box)
        form.addRow("When the order holds", _with_photo(self.trigger, self.trigger_photo))
        form.addRow("Offer", _with_photo(self.complement, self.complement_photo))
        form.addRow("", self.why)
        form.addRow("Discount", self.discount)
        form.addRow("Offer lasts", self.minutes)
        form.addRow("Headline", self.headline)
        form.addRow("Text", self.body)
        form.addRow("Button", self.cta)
        form.addRow("Your store runs on", self.platform)
        details_box = QGroupBox("The offered product (from your catalogue; you may correct it)")
        details = QFormLayout(details_box)
        details.addRow("Photo URL", self.image_url)
        details.addRow("Product link", self.url)
        details.addRow("Shopify variant id", self.variant_id)
        details.addRow("WooCommerce product id", self.woo_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(offer_box)
        layout.addWidget(details_box)

    # -- what the merchant did ----------------------------------------------------------------
    def _touched(self) -> None:
        if not self._filling:
            self.dirty = True
            self.edited.emit()

    def _trigger_activated(self, _index: int) -> None:
        key = self.trigger.currentData()
        if key:
            self.trigger_picked.emit(str(key))

    def _complement_activated(self, _index: int) -> None:
        key = self.complement.currentData()
        if key:
            self.dirty = True
            self.complement_picked.emit(str(key))

    # -- filling ----------------------------------------------------------------------------
    def _fill(self, fn: Any) -> None:
        self._filling = True
        try:
            fn()
        finally:
            self._filling = False

    def set_products(self, items: list[tuple[str, str]]) -> None:
        """The trigger picker's ``(key, name)`` list (keeps the current pick if still there)."""
        current = self.trigger.currentData()

        def fill() -> None:
            self.trigger.blockSignals(True)
            self.trigger.clear()
            for key, name in items:
                self.trigger.addItem(name_with_key(name, key), key)
            index = self.trigger.findData(current) if current else 0
            self.trigger.setCurrentIndex(max(index, 0))
            self.trigger.lineEdit().setCursorPosition(0)
            self.trigger.blockSignals(False)

        self._fill(fill)

    def select_trigger(self, key: str) -> None:
        self._fill(lambda: self.trigger.setCurrentIndex(max(0, self.trigger.findData(key))))
        self.trigger.lineEdit().setCursorPosition(0)  # the name's start, not its tail

    def set_complements(self, items: list[tuple[str, str]], current: str | None) -> None:
        def fill() -> None:
            self.complement.clear()
            for key, name in items:
                self.complement.addItem(name, key)
            if current is not None and self.complement.findData(current) < 0:
                self.complement.addItem(current, current)
            index = self.complement.findData(current) if current else 0
            self.complement.setCurrentIndex(max(index, 0))

        self._fill(fill)

    def set_texts(self, *, discount: float, minutes: int, headline: str, body: str, cta: str,
                  platform: str) -> None:
        def fill() -> None:
            self.discount.setValue(discount)
            self.minutes.setValue(minutes)
            self.headline.setText(headline)
            self.body.setPlainText(body)
            self.cta.setText(cta)
            self.platform.setCurrentIndex(max(0, self.platform.findData(platform)))

        self._fill(fill)

    def set_details(self, *, image_url: str, url: str, variant_id: str, woo_id: str) -> None:
        def fill() -> None:
            for edit, value in ((self.image_url, image_url), (self.url, url),
                                (self.variant_id, variant_id), (self.woo_id, woo_id)):
                edit.setText(value)
                edit.setCursorPosition(0)

        self._fill(fill)

    def values(self) -> FormValues:
        return FormValues(
            self.trigger.currentData(), self.complement.currentData(), self.discount.value(),
            self.minutes.value(), self.headline.text(), self.body.toPlainText(),
            self.cta.text(), str(self.platform.currentData()), self.image_url.text().strip(),
            self.url.text().strip(), self.variant_id.text().strip(), self.woo_id.text().strip())


def _with_photo(combo: QComboBox, photo: QLabel) -> QWidget:
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(photo)
    line.addWidget(combo, 1)
    return row
