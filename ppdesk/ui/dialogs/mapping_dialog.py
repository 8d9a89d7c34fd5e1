"""Which column is which: the merchant maps ppdesk's fields to the file's columns.

Opened from the Import page for generic files (or any file whose guess is wrong).
It starts from the importer's guessed mapping (``ImportPreview.mapping``), shows
a sample value beside each choice, and refuses to close while a required field
(order number, order date, and a SKU or a product name) is unmapped.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.importing.profiles import CANONICAL_FIELDS

NOT_IN_FILE = "(not in this file)"
LABELS = {
    "order_id": "Order number *",
    "order_date": "Order date *",
    "customer_id": "Customer id",
    "email": "Customer email",
    "sku": "Product SKU (or name) *",
    "product_name": "Product name",
    "quantity": "Quantity",
    "unit_price": "Unit price",
    "currency": "Currency",
    "financial_status": "Payment status",
    "cancelled": "Cancelled",
    "discount_code": "Discount code",
    "accepts_marketing": "Accepts marketing",
    "first_name": "First name",
    "phone": "Customer phone",
}


class MappingDialog(QDialog):
    """Edit ``field -> column``; ``mapping()`` returns the result after ``exec()``."""

    def __init__(
        self,
        header: list[str],
        mapping: dict[str, str],
        sample: pd.DataFrame,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which column is which?")
        self.setMinimumSize(560, 520)
        self.header = header
        self.sample = sample
        self.combos: dict[str, QComboBox] = {}
        self.samples: dict[str, QLabel] = {}
        intro = QLabel(
            "Tell ppdesk which column of your file holds each piece of information. "
            "Fields marked * are needed; the rest make the analysis richer."
        )
        intro.setWordWrap(True)
        form_host = QWidget()
        form = QFormLayout(form_host)
        for field in CANONICAL_FIELDS:
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE)
            combo.addItems(header)
            if mapping.get(field) in header:
                combo.setCurrentText(mapping[field])
            sample_label = QLabel()
            sample_label.setEnabled(False)
            combo.currentTextChanged.connect(lambda _t, f=field: self._update_sample(f))
            row = QHBoxLayout()
            row.addWidget(combo, 1)
            row.addWidget(sample_label, 1)
            form.addRow(LABELS.get(field, field), row)
            self.combos[field] = combo
            self.samples[field] = sample_label
            self._update_sample(field)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def mapping(self) -> dict[str, str]:
        """Every field: its column, or "" for "not in this file".

        An empty value tells the importer to drop its own guess for that field;
        leaving the field out would keep a wrong guess the merchant just removed.
        """
        return {
            f: ("" if c.currentText() == NOT_IN_FILE else c.currentText())
            for f, c in self.combos.items()
        }

    def missing(self) -> list[str]:
        chosen = self.mapping()
        need = [f for f in ("order_id", "order_date") if not chosen[f]]
        if not chosen["sku"] and not chosen["product_name"]:
            need.append("sku")
        return need

    def accept(self) -> None:
        missing = self.missing()
        if missing:
            names = ", ".join(LABELS[f].rstrip(" *") for f in missing)
            self.problem.setText(f"Still needed: {names}.")
            return
        super().accept()

    def _update_sample(self, field: str) -> None:
        column = self.combos[field].currentText()
        text = ""
        if column in self.sample.columns:
            values = self.sample[column].dropna().astype(str)
            values = values[values.str.strip() != ""].head(2).tolist()
            text = (
                "e.g. " + ", ".join(v[:30] for v in values)
                if values
                else "(empty in the first rows)"
            )
        self.samples[field].setText(text)
