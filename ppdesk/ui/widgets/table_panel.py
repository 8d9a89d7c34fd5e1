"""A filter box, a sortable table view over a ``DataFrameTableModel``, and "Save as CSV…"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppdesk.ui.models.dataframe_model import DataFrameTableModel

# Rows measured when fitting columns. Qt's default (1000) made the pairs page spend
# ~0.35 s of its first paint in 91,000 model.data() calls for 1,588 pairs; the
# visible rows plus a few screens give the same widths in practice (capped at 260 px).
RESIZE_ROWS = 100


class TablePanel(QWidget):
    """Table with a live text filter and CSV export of the visible rows.

    Signals:
        row_selected(int): the view row that became current (-1 when none).
    """

    row_selected = Signal(int)

    def __init__(
        self,
        model: DataFrameTableModel,
        *,
        export_name: str = "table.csv",
        filter_hint: str = "Filter…",
        compact: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.export_name = export_name
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(filter_hint)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda text: self.model.set_filter(text))
        self.count_label = QLabel()
        self.save_button = QPushButton("Save as CSV…")
        self.save_button.clicked.connect(self.ask_save)
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setResizeContentsPrecision(RESIZE_ROWS)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if compact:  # a small summary table: no filter or export row
            for widget in (self.filter_edit, self.count_label, self.save_button):
                widget.setVisible(False)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        for signal in (model.modelReset, model.layoutChanged):
            signal.connect(self._update_count)
        self._update_count()

    def resize_columns(self) -> None:
        """Fit columns to their content (only the first rows are measured by Qt)."""
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for i in range(header.count()):
            header.resizeSection(i, min(header.sectionSize(i), 260))

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save as CSV", self.export_name, "CSV files (*.csv)"
        )
        if path:
            self.model.save_csv(Path(path))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        self.row_selected.emit(indexes[0].row() if indexes else -1)

    def _update_count(self, *_args: object) -> None:
        shown, total = self.model.rowCount(QModelIndex()), len(self.model.frame)
        self.count_label.setText(
            f"{shown:,} of {total:,} rows" if shown != total else f"{total:,} rows"
        )
        self.save_button.setEnabled(shown > 0)
