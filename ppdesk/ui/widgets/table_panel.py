"""A filter box, a sortable table view over a ``DataFrameTableModel``, and "Save as CSV…".

Every table of the app goes through here, so the rules a merchant relies on live
once: the figures fit the window (text columns give up width first, elided with
the whole text in a tooltip), a column chooser (header right-click or the
"Columns" button) hides what a page marks secondary, and the sort arrow is shown
only on the column the rows are really sorted by.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ppdesk.ui.models.dataframe_model import DataFrameTableModel

# Rows measured when fitting columns. Qt's default (1000) made the pairs page spend
# ~0.35 s of its first paint in 91,000 model.data() calls for 1,588 pairs; the
# visible rows plus a few screens give the same widths in practice (capped at 260 px).
RESIZE_ROWS = 100
MAX_COLUMN = 260  # widest a column starts; a longer name is elided
MIN_TEXT_COLUMN = 150  # narrowest a text column is squeezed to: a name must stay readable
VISIBLE_ROWS = 6  # the view never shrinks below this many rows (dense pages must fit 720)
ROW_PX = 24  # a one-line row
ARROW_ROOM = 12  # beside a header's text for the sort arrow (Fusion draws it at the right)


def rows(n: int) -> str:
    """"row" or "rows" for ``n`` ("1 row", "0 rows", "1 of 3 rows")."""
    return "row" if n == 1 else "rows"


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
        hidden: Iterable[str] = (),
        wrap_long_text: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``hidden``: keys of columns shown only when the merchant picks them (secondary
        figures and internal keys), so the ones that matter fit at 1280x720.
        ``wrap_long_text``: when a text column had to be cut to fit, rows become two lines
        tall and long texts wrap (a wine shop's "Kanonkop Kadette Cabernet Sauvignon 2020"
        stays readable); short texts keep one line, so more rows show."""
        super().__init__(parent)
        self.model = model
        self.export_name = export_name
        self._hidden = set(hidden)
        self._content: dict[int, int] = {}  # content widths measured by resize_columns
        self._natural: dict[int, int] = {}  # the same, at most MAX_COLUMN
        self._wrap = wrap_long_text
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(filter_hint)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda text: self.model.set_filter(text))
        self.count_label = QLabel()
        self.save_button = QPushButton("Save as CSV…")
        self.save_button.clicked.connect(self.ask_save)
        self.view = QTableView()
        self.view.setModel(model)
        # no arrow until the merchant sorts: the page's own order (best first) is kept;
        # Qt would otherwise sort by the first column and point the arrow at it
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setMinimumHeight(ROW_PX * (VISIBLE_ROWS + 1) + 4)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(ROW_PX)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setResizeContentsPrecision(RESIZE_ROWS)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.viewport().installEventFilter(self)
        header = self.view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.columns_button = QToolButton()
        self.columns_button.setText("Columns")
        self.columns_button.setToolTip("Choose which columns the table shows")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setMenu(QMenu(self.columns_button))
        self.columns_button.menu().aboutToShow.connect(
            lambda: self._fill_column_menu(self.columns_button.menu())
        )
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.columns_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if compact:  # a small summary table: no filter or export row
            for widget in (self.filter_edit, self.count_label, self.save_button,
                           self.columns_button):
                widget.setVisible(False)
            self.view.setMinimumHeight(ROW_PX * 4 + 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        for signal in (model.modelReset, model.layoutChanged):
            signal.connect(self._update_count)
        model.modelReset.connect(self._apply_columns)
        self._apply_columns()
        self._update_count()

    # -- columns ----------------------------------------------------------------------------
    def visible_keys(self) -> list[str]:
        return [c.key for c in self.model.columns if c.key not in self._hidden]

    def set_column_visible(self, key: str, visible: bool) -> None:
        """Show or hide a column by key; the last visible column cannot be hidden."""
        if not visible and self.visible_keys() == [key]:
            return
        (self._hidden.discard if visible else self._hidden.add)(key)
        self._apply_columns()
        if visible and self._natural:
            self.resize_columns()

    def resize_columns(self) -> None:
        """Fit columns to their content (Qt measures the first rows), at most MAX_COLUMN
        wide, then squeeze long text columns so the figures are on screen without scrolling."""
        header = self.view.horizontalHeader()
        # Qt reserves the header's *height* beside every section for the sort arrow: 50 px
        # on a three-line header, which pushed the last figures behind the scrollbar. The
        # arrow needs ARROW_ROOM, and only where the header is the widest part.
        header.setSortIndicatorShown(False)
        try:
            self._content = {}
            for i in range(header.count()):
                cells = self.view.sizeHintForColumn(i)
                self._content[i] = max(cells, header.sectionSizeHint(i) + ARROW_ROOM)
        finally:
            header.setSortIndicatorShown(True)
        self._natural = {i: min(w, MAX_COLUMN) for i, w in self._content.items()}
        self._fit()

    def _fit(self) -> None:
        header = self.view.horizontalHeader()
        natural = self._natural
        shown = [i for i in natural if i < header.count() and not header.isSectionHidden(i)]
        if not shown:
            return
        columns = self.model.columns
        # long texts (names, subjects, reasons) give way; figures, keys and short texts
        # ("yes", a state) keep their width, so they are never the ones cut off
        give = [i for i in shown if i < len(columns) and columns[i].fmt == "text"
                and natural[i] > MIN_TEXT_COLUMN]
        room = self.view.viewport().width() - sum(natural[i] for i in shown if i not in give)
        widths = {i: natural[i] for i in shown}
        wanted = sum(natural[i] for i in give)
        if wanted > room:
            # shrink in proportion; a text that would go below MIN_TEXT_COLUMN stops there
            # and the others share what is left
            floored: set[int] = set()
            while True:
                flex = [i for i in give if i not in floored]
                left = max(0, room - MIN_TEXT_COLUMN * len(floored))
                scale = left / sum(natural[i] for i in flex) if flex else 1.0
                low = {i for i in flex if natural[i] * scale < MIN_TEXT_COLUMN}
                if not low:
                    break
                floored |= low
            for i in give:
                widths[i] = MIN_TEXT_COLUMN if i in floored else int(natural[i] * scale)
        else:
            # room to spare: long texts capped at MAX_COLUMN get it back, up to their content
            spare = room - wanted
            for i in give:
                extra = min(spare, self._content.get(i, natural[i]) - natural[i])
                widths[i], spare = natural[i] + extra, spare - extra
        for i, width in widths.items():
            header.resizeSection(i, width)
        if self._wrap:
            self._set_wrapped(any(widths[i] < self._content.get(i, 0) for i in give))

    def _set_wrapped(self, wrapped: bool) -> None:
        """Two-line rows with word wrap when a long text was cut, else one-line rows."""
        view = self.view
        view.setWordWrap(wrapped)
        # wrapped text is cut at the end of its second line; one line keeps its end too
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        line = view.fontMetrics().lineSpacing()
        view.verticalHeader().setDefaultSectionSize(2 * line + 8 if wrapped else ROW_PX)

    @property
    def wrapped(self) -> bool:
        """Whether rows are two lines tall (``wrap_long_text`` and a text was cut)."""
        return self._wrap and self.view.verticalHeader().defaultSectionSize() > ROW_PX

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the viewport, not the panel: a vertical scrollbar appearing narrows it without
        # resizing the panel, and the last figure went behind it
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize \
                and self._natural:
            self._fit()
        return super().eventFilter(watched, event)

    def _apply_columns(self) -> None:
        header = self.view.horizontalHeader()
        for i, column in enumerate(self.model.columns):
            header.setSectionHidden(i, column.key in self._hidden)
        section, order = self.model.sort_state() or (-1, Qt.SortOrder.AscendingOrder)
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (section, order):
            header.setSortIndicator(section, order)

    def _fill_column_menu(self, menu: QMenu) -> None:
        menu.clear()
        visible = self.visible_keys()
        for column in self.model.columns:
            action = QAction(column.header, menu)
            action.setCheckable(True)
            action.setChecked(column.key in visible)
            action.setEnabled(visible != [column.key])  # keep at least one column
            if column.tooltip:
                action.setToolTip(column.tooltip)
            action.toggled.connect(
                lambda on, key=column.key: self.set_column_visible(key, on)
            )
            menu.addAction(action)

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        self._fill_column_menu(menu)
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

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
            f"{shown:,} of {total:,} {rows(total)}" if shown != total
            else f"{total:,} {rows(total)}"
        )
        self.save_button.setEnabled(shown > 0)
