"""The Shopify Checkout Blocks export as the merchant uses it: numbered steps, and each
field they type into Shopify (heading, text, button label, link, code) with its own Copy
button, filled from ``offers.shopify_blocks`` (the same export the CLI prints)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.offers import CheckoutBlock

STEPS = (
    "In Shopify admin, open Discounts > Create discount > Amount off products, and create "
    "the discount code below for the offered product ({pct}% off, limit one use per "
    "customer).",
    "Install Checkout Blocks (Shopify's own free app), open it, and create a block for the "
    "Thank you page; repeat for the Order status page.",
    "Add a Heading, a Text and a Button block (and an Image block for the photo, if you "
    "like), and copy each field below into it.",
    "Save and publish, then place a test order: the button must open a checkout holding the "
    "product with the discount applied.",
)
PAUSED = ("This offer is paused: it is left out of every export. A block already published "
          "in Shopify stays until you hide or delete it in Checkout Blocks.")


class CheckoutBlocksPanel(QScrollArea):
    """Signal ``copied(what)`` after a field went to the clipboard."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.fields: dict[str, QLineEdit] = {}
        self.copy_buttons: dict[str, QPushButton] = {}
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self.setWidget(self._inner)
        self.show_block(None)

    def show_block(self, block: CheckoutBlock | None, *, paused: bool = False) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.fields, self.copy_buttons = {}, {}
        if block is None:
            self._layout.addWidget(QLabel("Pick a product to see what to paste into Shopify."))
            self._layout.addStretch(1)
            return
        if paused:
            self._layout.addWidget(_wrapped(f"<b>{PAUSED}</b>"))
        pct = f"{block.discount_percent:g}"
        for number, step in enumerate(STEPS, start=1):
            if number == 1 and not block.discount_code:
                step = "No discount on this offer (0%): no code to create."
            self._layout.addWidget(_wrapped(f"<b>{number}.</b> {step.format(pct=pct)}"))
            if number == 3:
                self._layout.addWidget(self._grid(block))
        if not block.adds_to_cart:
            self._layout.addWidget(_wrapped(f"Note: {block.note}"))
        self._layout.addStretch(1)

    def _grid(self, block: CheckoutBlock) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(16, 0, 0, 0)
        for row, (what, value) in enumerate(block.fields()):
            edit = QLineEdit(value)
            edit.setReadOnly(True)
            edit.setCursorPosition(0)
            button = QPushButton("Copy")
            button.setAccessibleName(f"Copy {what.lower()}")
            button.clicked.connect(lambda _c=False, w=what, e=edit: self._copy(w, e.text()))
            grid.addWidget(QLabel(what), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(button, row, 2)
            self.fields[what] = edit
            self.copy_buttons[what] = button
        grid.setColumnStretch(1, 1)
        return box

    def _copy(self, what: str, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(what)


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
