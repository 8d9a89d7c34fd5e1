"""Import: drop or browse order exports, check the preview, import with progress, see the result.

``importing.preview_file`` runs in the background when files arrive and shows the
detected platform, encoding, delimiter, the column mapping and the first rows;
generic files (or wrong guesses) get the mapping dialog. ``importing.import_files``
runs in a child process (a million lines must not freeze the window; see
``ui/worker_process.py``), one import at a time, with a progress bar and Cancel
(the core rolls back: the store is unchanged). The summary lists what was added
and the rejected rows, which can be saved as a spreadsheet-safe CSV.
"""

from __future__ import annotations

import functools
import time
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
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.importing import ImportPreview, ImportSummary, preview_file
from ppdesk.core.importing.profiles import PLATFORMS
from ppdesk.core.importing.store_locale import LocaleGuess, guess_locale
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

FILE_FILTER = "Order exports (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"
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
        self.setMinimumHeight(110)
        label = QLabel(
            "<b>Drop your order export here</b><br>CSV, TSV or Excel, from Shopify, "
            "WooCommerce, Etsy, Square, BigCommerce, Amazon, or any spreadsheet"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.browse_button = QPushButton("Browse…")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignHCenter)

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
    title = "Import orders"
    purpose = (
        "Bring in your store's order export. Importing the same or an overlapping export "
        "again adds nothing twice."
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
        self._started = 0.0
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
        pv.addWidget(self.preview_view, 1)
        # -- result
        self.result_box = QGroupBox("Result")
        grid = QGridLayout()
        self.result_labels: dict[str, QLabel] = {}
        for i, (key, text) in enumerate(
            (
                ("rows_read", "Rows read"),
                ("orders_added", "New orders"),
                ("orders_updated", "Orders updated"),
                ("lines_added", "New order lines"),
                ("customers_added", "New customers"),
                ("duplicates_skipped", "Already in the store"),
                ("rows_rejected", "Rows left out"),
                ("speed", "Speed"),
            )
        ):
            value = QLabel("—")
            value.setObjectName(key)
            self.result_labels[key] = value
            grid.addWidget(QLabel(text), i // 4 * 2, i % 4)
            grid.addWidget(value, i // 4 * 2 + 1, i % 4)
        self.reject_model = DataFrameTableModel(
            pd.DataFrame(columns=[c.key for c in REJECT_COLUMNS]), REJECT_COLUMNS
        )
        self.rejects = TablePanel(
            self.reject_model, export_name="rejected-rows.csv", filter_hint="Filter rejected rows…"
        )
        rv = QVBoxLayout(self.result_box)
        rv.addLayout(grid)
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
        hv.addWidget(ExportHelp())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(help_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.body.addWidget(split, 1)
        self.locale_runner = type(self.runner)(self)   # never cancels an import, nor it

    def refresh(self) -> None:
        super().refresh()

    # -- choosing files ---------------------------------------------------------------------
    def browse(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Choose your order export", "", FILE_FILTER)
        if names:
            self.set_files([Path(n) for n in names])

    def set_files(self, files: list[Path]) -> None:
        self.files = list(files)
        self.mapping = None
        self.platform.setCurrentIndex(0)
        self.sheet.clear()
        self.sheet.setVisible(False)
        self.result_box.setVisible(False)
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
        enc = f"{result.encoding or 'Excel'}"
        delim = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(
            result.delimiter or "", result.delimiter or ""
        )
        mapped = ", ".join(f"{escape(k)} ← <i>{escape(v)}</i>" for k, v in result.mapping.items())
        self.detected.setText(
            f"<b>{escape(result.file)}</b>{more}: {escape(result.label)} · text encoding {enc}"
            + (f" · separated by {delim}" if delim else "")
            + f"<br><small>{mapped}</small>"
        )
        if result.sheets and len(result.sheets) > 1 and not self.sheet.count():
            self.sheet.addItems(result.sheets)
            self.sheet.setCurrentText(result.sheet or result.sheets[0])
            self.sheet.setVisible(True)
        rows = result.rows.astype("object")
        self.preview_model.set_frame(rows, [Column(str(c), str(c)) for c in rows.columns])
        self.preview_view.resizeColumnsToContents()
        self.mapping_button.setEnabled(True)
        self.import_button.setEnabled(not result.missing)
        if result.missing:
            self.messages.show_message(self.Msg.missing, fields=", ".join(result.missing))
        if not result.marketing_allowed:
            self.messages.show_message(self.Msg.marketplace, label=result.label)

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
        self._started = time.monotonic()
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
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self.import_button.setEnabled(True)
        names = ", ".join(f.file for f in result.files)
        for key, label in self.result_labels.items():
            if key == "speed":
                label.setText(f"{result.rows_read / elapsed:,.0f} rows/s ({elapsed:,.1f} s)")
            else:
                label.setText(f"{int(getattr(result, key)):,}")
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
        self.ctx.data_changed.emit()

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
