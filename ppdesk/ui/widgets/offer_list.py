"""The saved offers under the editor: one row each (product, offer, discount, state), with
Edit, Pause/Resume, Duplicate and Delete for the selected row.

The list only shows offers and says which action the merchant asked for (signals with
the offer id); the page runs the core call and refreshes.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.offers import Offer
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel

COLUMNS = [
    Column("trigger", "If bought"),
    Column("complement", "Offer"),
    Column("discount", "Discount"),
    Column("state", "State"),
]


class SavedOffers(QGroupBox):
    """Signals carry the selected offer's id: ``edit``, ``pause``, ``resume``,
    ``duplicate``, ``delete``."""

    edit = Signal(int)
    pause = Signal(int)
    resume = Signal(int)
    duplicate = Signal(int)
    delete = Signal(int)
    undo = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Saved offers", parent)
        self.offers: list[Offer] = []
        self.model = DataFrameTableModel(pd.DataFrame(columns=[c.key for c in COLUMNS]),
                                         COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.view.doubleClicked.connect(lambda _i: self._emit(self.edit))
        self.edit_button = QPushButton("Edit")
        self.pause_button = QPushButton("Pause")
        self.duplicate_button = QPushButton("Duplicate…")
        self.duplicate_button.setToolTip("Copy this offer for another product (the copy starts "
                                         "paused)")
        self.delete_button = QPushButton("Delete")
        self.edit_button.clicked.connect(lambda: self._emit(self.edit))
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.duplicate_button.clicked.connect(lambda: self._emit(self.duplicate))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete))
        self.undo_button = QPushButton("Undo delete")
        self.undo_button.setVisible(False)  # the page shows it after a delete
        self.undo_button.clicked.connect(self.undo.emit)
        self.copy_all_button = QPushButton("Copy HTML of all running")
        self.copy_all_button.setToolTip("One block for every running offer: the first that "
                                        "matches the order shows (paused ones are left out)")
        buttons = QHBoxLayout()
        for b in (self.edit_button, self.pause_button, self.duplicate_button,
                  self.delete_button, self.undo_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_offers(self, offers: list[Offer], select_id: int | None = None) -> None:
        self.offers = list(offers)
        frame = pd.DataFrame({
            "trigger": [o.trigger.name for o in offers],
            "complement": [o.complement.name for o in offers],
            "discount": [" / ".join(f"{v.discount_percent:g}%" for v in o.variants)
                         for o in offers],
            "state": ["Running" if o.active else "Paused" for o in offers],
        }, columns=[c.key for c in COLUMNS])
        self.model.set_frame(frame, COLUMNS)
        self.setTitle(f"Saved offers ({len(offers)})" if offers else "Saved offers (none yet)")
        self.copy_all_button.setEnabled(any(o.active for o in offers))
        if select_id is not None:
            self.select(select_id)
        self._update_buttons()

    def select(self, offer_id: int) -> None:
        for row, offer in enumerate(self.offers):
            if offer.id == offer_id:
                self.view.selectRow(row)
                return

    def selected(self) -> Offer | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.model.visible_frame().index[rows[0].row()]
        return self.offers[int(source)]

    def _emit(self, signal: Signal) -> None:  # type: ignore[valid-type]
        offer = self.selected()
        if offer is not None and offer.id is not None:
            signal.emit(offer.id)  # type: ignore[attr-defined]

    def _pause_or_resume(self) -> None:
        offer = self.selected()
        if offer is not None:
            self._emit(self.pause if offer.active else self.resume)

    def _update_buttons(self) -> None:
        offer = self.selected()
        for b in (self.edit_button, self.pause_button, self.duplicate_button,
                  self.delete_button):
            b.setEnabled(offer is not None)
        self.pause_button.setText("Resume" if offer is not None and not offer.active
                                  else "Pause")
