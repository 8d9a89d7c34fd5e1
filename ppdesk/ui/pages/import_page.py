"""Import: drop or browse order or catalogue exports, check the preview, import, see the result.

``importing.preview_file`` runs in the background when files arrive and shows the
detected platform, the column mapping in plain words ("How columns were read"), the
encoding only when it is not UTF-8, and the first rows;
generic files (or wrong guesses) get the mapping dialog. ``importing.import_files``
runs in a child process (a million lines must not freeze the window; see
``ui/worker_process.py``), one import at a time, with a progress bar and Cancel
(the core rolls back: the store is unchanged). The summary lists what was added
and the rejected rows, which can be saved as a spreadsheet-safe CSV.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.importing import ImportPreview, ImportSummary, preview_file
from ppdesk.core.importing.profiles import PLATFORMS
from ppdesk.core.importing.store_locale import LocaleGuess, guess_locale
from ppdesk.core.importing.words import encoding_words, mapping_pairs, mapping_sentence
from ppdesk.core.settings import load_settings
from ppdesk.core.store import Store
from ppdesk.ui.dialogs.mapping_dialog import MappingDialog
from ppdesk.ui.dialogs.welcome_dialog import ExportHelp
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.locale_bar import LocaleBar
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel
from ppdesk.ui.worker_process import import_and_warm

FILE_FILTER = ("Order or product (catalogue) exports (*.csv *.tsv *.txt *.xlsx *.xlsm);;"
               "All files (*)")
# The detected platform -> the help box's entry (ExportHelp follows the file, issue 14).
HELP_FOR_PLATFORM = {
    "shopify": "Shopify", "woocommerce": "WooCommerce", "etsy": "Etsy", "square": "Square",
    "bigcommerce": "BigCommerce", "amazon": "Amazon",
}
ORDER_FIGURES = (
    ("rows_read", "Rows read"),
    ("orders_added", "New orders"),
    ("orders_updated", "Orders updated"),
    ("lines_added", "New order lines"),
    ("customers_added", "New customers"),
    ("duplicates_skipped", "Already in the store"),
    ("rows_rejected", "Rows left out"),
)
CATALOGUE_FIGURES = (
    ("parents", "Products"),
    ("variants", "Variants"),
    ("variants_added", "New variants"),
    ("images", "Photos"),
    ("matched", "Ordered products found"),
    ("missing", "Ordered products missing"),
    ("rows_rejected", "Rows left out"),
)
REJECT_COLUMNS = [
    Column("file", "File"),
    Column("row", "Row", "int"),
    Column("column", "Column"),
    Column("reason", "Why it was left out"),
]


def import_job(store: Store, files: list[Path], **options: Any) -> Callable[..., Any]:
    """The import as a picklable job for a child process (see ``ui/worker_process.py``)."""
    return functools.partial(import_and_warm, store, list(files), **options)


class DropZone(QFrame):
    """A framed area that accepts dropped files and has a Browse button.

    Signals:
        files_dropped(list): paths (``list[Path]``) dropped or picked.
    """

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("dropZone")
        self.setStyleSheet(
            "QFrame#dropZone { border: 2px dashed palette(mid); border-radius: 10px; }"
        )
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.browse_button = QPushButton("Browse…")
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.label, 1)
        self._layout.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.set_compact(False)

    def set_compact(self, compact: bool) -> None:
        """Once a file is chosen the zone shrinks to one line: the preview and the result
        need the room (issue 14: the tall zone left the preview a few rows at 1280x720)."""
        self.compact = compact
        if compact:
            self.label.setText("<b>Drop another export here</b>, or")
            self.setMinimumHeight(0)
            self.setMaximumHeight(52)
            self._layout.setDirection(QVBoxLayout.Direction.LeftToRight)
            self._layout.setContentsMargins(10, 4, 10, 4)
        else:
            self.label.setText(
                "<b>Drop your order or product (catalogue) export here</b><br>CSV, TSV or "
                "Excel, from Shopify, WooCommerce, Etsy, Square, BigCommerce, Amazon, or any "
                "spreadsheet")
            self.setMaximumHeight(16777215)
            self.setMinimumHeight(110)
            self._layout.setDirection(QVBoxLayout.Direction.TopToBottom)
            self._layout.setContentsMargins(9, 9, 9, 9)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)


class ImportPage(Page):
    key = "import"
    title = "Import orders and products"
    purpose = (
        "Bring in your store's order or product (catalogue) export. Importing the same or "
        "an overlapping export again adds nothing twice."
    )
    refresh_on = ()

    class Msg:
        missing = Message(
            "warning",
            "ppdesk could not find these in the file: {fields}. Use "
            '"Which column is which?" to point at the right columns.',
        )
        marketplace = Message(
            "info",
            "{label}: the marketplace does not allow marketing emails "
            "to its buyers, so these orders count for analysis only.",
        )
        done = Message("success", "Imported {orders:,} new orders ({lines:,} lines) from {files}.")
        nothing_new = Message(
            "info", "Nothing new: every order in {files} was already in the store."
        )
        cancelled = Message("info", "Import cancelled. Nothing was changed.")
        catalogue = Message(
            "success", "Catalogue: {variants:,} variants of {parents:,} products with "
            "{images:,} photos from {files}."
        )
        matched = Message(
            "info", "{matched:,} of {ordered:,} ordered products are in the catalogue; the "
            "Catalogue page lists what is missing."
        )
        rejected = Message(
            "warning",
            "{n:,} rows were left out; the table below says why. "
            "Fix them in the file and import it again, or ignore them.",
        )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.files: list[Path] = []
        self.preview: ImportPreview | None = None
        self.mapping: dict[str, str] | None = None
        self.summary: ImportSummary | None = None
        self.drop = DropZone()
        self.drop.files_dropped.connect(self.set_files)
        self.drop.browse_button.clicked.connect(self.browse)
        # -- preview
        self.platform = QComboBox()
        self.platform.addItem("Detect automatically", "auto")
        for name in PLATFORMS:
            self.platform.addItem(
                name.capitalize() if name != "woocommerce" else "WooCommerce", name
            )
        self.platform.activated.connect(lambda _i: self._run_preview())
        self.sheet = QComboBox()
        self.sheet.setVisible(False)
        self.sheet.activated.connect(lambda _i: self._run_preview())
        self.detected = QLabel("")
        self.detected.setWordWrap(True)
        self.detected.setTextFormat(Qt.TextFormat.RichText)
        # the full mapping, two columns, behind an expander: the one-line summary is enough
        # for most files (issue 14: four lines of "order_id ← Name" on a Shopify export)
        self.columns_toggle = QToolButton()
        self.columns_toggle.setText("How columns were read")
        self.columns_toggle.setCheckable(True)
        self.columns_toggle.setAutoRaise(True)
        self.columns_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.columns_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.columns_toggle.toggled.connect(self._show_columns)
        self.columns_toggle.setVisible(False)
        self.columns_list = QLabel("")
        self.columns_list.setTextFormat(Qt.TextFormat.RichText)
        self.columns_list.setVisible(False)
        self.mapping_button = QPushButton("Which column is which?…")
        self.mapping_button.clicked.connect(self.edit_mapping)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        for b in (self.mapping_button, self.import_button):
            b.setEnabled(False)
        self.preview_model = DataFrameTableModel(pd.DataFrame(), [])
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.verticalHeader().setVisible(False)
        self.preview_view.verticalHeader().setDefaultSectionSize(24)
        preview_box = QGroupBox("Preview")
        pv = QVBoxLayout(preview_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Platform"))
        row.addWidget(self.platform)
        row.addWidget(self.sheet)
        row.addStretch(1)
        row.addWidget(self.mapping_button)
        row.addWidget(self.import_button)
        pv.addLayout(row)
        pv.addWidget(self.detected)
        pv.addWidget(self.columns_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        pv.addWidget(self.columns_list)
        pv.addWidget(self.preview_view, 1)
        # -- result
        self.result_box = QGroupBox("Result")
        # Orders and catalogues have their own figures (a catalogue import showed
        # "New orders 0"): one grid each, shown for what the import held.
        self.result_labels: dict[str, QLabel] = {}
        self.catalogue_labels: dict[str, QLabel] = {}
        self.order_grid = self._figure_grid(ORDER_FIGURES, self.result_labels)
        self.catalogue_grid = self._figure_grid(CATALOGUE_FIGURES, self.catalogue_labels)
        self.reject_model = DataFrameTableModel(
            pd.DataFrame(columns=[c.key for c in REJECT_COLUMNS]), REJECT_COLUMNS
        )
        self.rejects = TablePanel(
            self.reject_model, export_name="rejected-rows.csv", filter_hint="Filter rejected rows…"
        )
        rv = QVBoxLayout(self.result_box)
        rv.addWidget(self.order_grid)
        rv.addWidget(self.catalogue_grid)
        rv.addWidget(self.rejects, 1)
        self.result_box.setVisible(False)
        # -- layout: left work area, right help
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.drop)
        # after an import: the zone and currency read from the orders, to confirm or change
        self.locale_bar = LocaleBar(ctx)
        lv.addWidget(self.locale_bar)
        lv.addWidget(preview_box, 2)
        lv.addWidget(self.result_box, 2)
        help_box = QGroupBox("Where do I find my export?")
        hv = QVBoxLayout(help_box)
        self.export_help = ExportHelp()
        hv.addWidget(self.export_help)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(help_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.body.addWidget(split, 1)
        self.locale_runner = type(self.runner)(self)   # never cancels an import, nor it

    @staticmethod
    def _figure_grid(figures: tuple[tuple[str, str], ...], labels: dict[str, QLabel]) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, (key, text) in enumerate(figures):
            value = QLabel("—")
            value.setObjectName(key)
            labels[key] = value
            grid.addWidget(QLabel(text), i // 4 * 2, i % 4)
            grid.addWidget(value, i // 4 * 2 + 1, i % 4)
        return box

    def refresh(self) -> None:
        super().refresh()

    # -- choosing files ---------------------------------------------------------------------
    def browse(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Choose your order or product (catalogue) export", "", FILE_FILTER)
        if names:
            self.set_files([Path(n) for n in names])

    def set_files(self, files: list[Path]) -> None:
        self.files = list(files)
        self.mapping = None
        self.platform.setCurrentIndex(0)
        self.sheet.clear()
        self.sheet.setVisible(False)
        self.result_box.setVisible(False)
        self.drop.set_compact(bool(self.files))
        self._run_preview()

    def _options(self) -> tuple[str, str | None]:
        sheet = self.sheet.currentText() if self.sheet.isVisible() else None
        return str(self.platform.currentData()), sheet or None

    def _run_preview(self) -> None:
        if not self.files:
            return
        path, mapping = self.files[0], self.mapping
        platform, sheet = self._options()
        self.messages.clear()
        self.import_button.setEnabled(False)
        self.detected.setText(f"Reading {escape(path.name)}…")
        self.runner.run(
            lambda _p, _c: preview_file(
                path, platform=platform, mapping=mapping, sheet=sheet, rows=20
            ),
            name=f"Reading {path.name}",
            on_success=self._show_preview,
            on_failure=self._preview_failed,
        )

    def _preview_failed(self, exc: BaseException) -> None:
        self.detected.setText("")
        self.messages.show_error(exc)
        self.mapping_button.setEnabled(False)

    def _show_preview(self, result: object) -> None:
        assert isinstance(result, ImportPreview)
        self.preview = result
        more = f" and {len(self.files) - 1} more file(s)" if len(self.files) > 1 else ""
        enc = encoding_words(result.encoding)
        sentence = mapping_sentence(result.mapping)
        self.detected.setText(
            f"<b>{escape(result.file)}</b>{more}: {escape(result.label)}"
            + (f" · {escape(enc)}" if enc else "")
            + (f"<br>{escape(sentence, quote=False)}" if sentence else "")
        )
        self.columns_list.setText(
            "<table cellspacing='0' cellpadding='1'>"
            + "".join(f"<tr><td>{escape(w)}&nbsp;&nbsp;</td><td>from “{escape(c)}”</td></tr>"
                      for w, c in mapping_pairs(result.mapping))
            + "</table>")
        self.columns_toggle.setVisible(len(result.mapping) > 3)
        self._show_columns(self.columns_toggle.isChecked())
        help_name = HELP_FOR_PLATFORM.get(result.platform)
        if help_name is not None:
            self.export_help.platform.setCurrentText(help_name)
        if result.sheets and len(result.sheets) > 1 and not self.sheet.count():
            self.sheet.addItems(result.sheets)
            self.sheet.setCurrentText(result.sheet or result.sheets[0])
            self.sheet.setVisible(True)
        rows = result.rows.astype("object")
        self.preview_model.set_frame(rows, [Column(str(c), str(c)) for c in rows.columns])
        self._fit_columns()
        self.mapping_button.setEnabled(True)
        self.import_button.setEnabled(not result.missing)
        if result.missing:
            self.messages.show_message(self.Msg.missing, fields=", ".join(result.missing))
        if not result.marketing_allowed:
            self.messages.show_message(self.Msg.marketplace, label=result.label)

    def _show_columns(self, shown: bool) -> None:
        self.columns_list.setVisible(shown and self.columns_toggle.isVisible())
        self.columns_toggle.setArrowType(Qt.ArrowType.DownArrow if shown
                                         else Qt.ArrowType.RightArrow)

    def _fit_columns(self) -> None:
        """Columns sized to their contents but none wider than a third of the view, so
        more headers fit at 1280x720 (a long "Name" pushed the last ones out of sight)."""
        view = self.preview_view
        view.resizeColumnsToContents()
        widest = max(view.viewport().width() // 3, 120)
        header = view.horizontalHeader()
        for i in range(header.count()):
            if header.sectionSize(i) > widest:
                header.resizeSection(i, widest)

    def edit_mapping(self) -> None:
        if self.preview is None:
            return
        dialog = MappingDialog(self.preview.header, self.preview.mapping, self.preview.rows, self)
        if dialog.exec():
            self.mapping = dialog.mapping()
            self._run_preview()

    # -- importing ---------------------------------------------------------------------------
    def start_import(self) -> None:
        if not self.files:
            return
        store, files, mapping = self.ctx.store, list(self.files), self.mapping
        platform, sheet = self._options()
        self.messages.clear()
        self.import_button.setEnabled(False)
        self.runner.run(
            import_job(store, files, platform=platform, mapping=mapping, sheet=sheet),
            name="Importing",
            writes=True,
            in_process=True,
            on_success=self._imported,
            on_failure=self._import_failed,
            on_cancel=self._import_cancelled,
        )

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.messages.show_error(exc)

    def _import_cancelled(self) -> None:
        self.import_button.setEnabled(True)
        self.messages.show_message(self.Msg.cancelled)

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportSummary)
        self.summary = result
        self.import_button.setEnabled(True)
        names = ", ".join(f.file for f in result.files)
        for key, label in self.result_labels.items():
            label.setText(f"{int(getattr(result, key)):,}")
        self._show_catalogue_figures(result)
        self.order_grid.setVisible(bool(result.files))
        self.catalogue_grid.setVisible(bool(result.catalogue))
        rejected = pd.DataFrame(
            [r.to_json() for r in result.rejected], columns=[c.key for c in REJECT_COLUMNS]
        )
        self.reject_model.set_frame(rejected, REJECT_COLUMNS)
        self.rejects.setVisible(not rejected.empty)
        self.result_box.setVisible(True)
        if result.orders_added or result.lines_added:
            self.messages.show_message(
                self.Msg.done, orders=result.orders_added, lines=result.lines_added, files=names
            )
        elif result.files:
            self.messages.show_message(self.Msg.nothing_new, files=names)
        for c in result.catalogue:
            self.messages.show_message(self.Msg.catalogue, variants=c.variants,
                                       parents=c.parents, images=c.images, files=c.file)
        if result.matching is not None and result.matching.ordered_products:
            self.messages.show_message(self.Msg.matched, matched=result.matching.matched,
                                       ordered=result.matching.ordered_products)
        if result.rows_rejected:
            self.messages.show_message(self.Msg.rejected, n=result.rows_rejected)
        if result.orders_added or result.lines_added:
            self._read_locale()
        if result.platform_set is not None:
            self.ctx.settings_written()
        self.ctx.data_changed.emit()

    def _show_catalogue_figures(self, result: ImportSummary) -> None:
        cat, match = result.catalogue, result.matching
        figures = {
            "parents": sum(c.parents for c in cat),
            "variants": sum(c.variants for c in cat),
            "variants_added": sum(c.variants_added for c in cat),
            "images": sum(c.images for c in cat),
            "rows_rejected": sum(c.rows_rejected for c in cat),
        }
        ordered = match.ordered_products if match is not None else 0
        for key, label in self.catalogue_labels.items():
            if key in figures:
                label.setText(f"{figures[key]:,}")
            elif not ordered:   # no orders yet: nothing to match against
                label.setText("no orders yet")
            elif key == "matched":
                label.setText(f"{match.matched:,} of {ordered:,}")  # type: ignore[union-attr]
            else:
                label.setText(f"{ordered - match.matched:,}")  # type: ignore[union-attr]

    def shutdown(self) -> None:
        super().shutdown()
        self.locale_runner.cancel()

    def _read_locale(self) -> None:
        """The zone and currency the orders show, unless the merchant confirmed them already."""
        store = self.ctx.store

        def read(_p: object, _c: object) -> LocaleGuess | None:
            if load_settings(store).store.locale_confirmed:
                return None
            return guess_locale(store)

        self.locale_runner.run(read, name="Reading the time zone of your orders",
                               on_success=self._show_locale,
                               on_failure=self.messages.show_error)

    def _show_locale(self, guess: object) -> None:
        if isinstance(guess, LocaleGuess) and guess.sentence():
            self.locale_bar.ask(guess)
        else:
            self.locale_bar.tell()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(ImportPage))
