"""Import page end to end: drop a real CSV, preview, import, summary, rejects; cancel midway."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from ppdesk.core.paths import resources_dir
from ppdesk.core.store.lines import data_version, load_lines
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.import_page import ImportPage

SMALL = """\
Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,\
Lineitem sku
#1001,ann@example.com,paid,2026-01-05 10:00:00 -0500,1,Coffee Beans,12.00,COF-1
#1001,ann@example.com,,2026-01-05 10:00:00 -0500,2,Paper Filters,4.50,FIL-1
#1002,bob@example.com,paid,2026-01-06 11:00:00 -0500,1,Coffee Beans,12.00,COF-1
#1003,ann@example.com,paid,2026-02-05 09:30:00 -0500,1,Coffee Beans,12.00,COF-1
#1003,ann@example.com,,2026-02-05 09:30:00 -0500,1,Grinder,40.00,GRI-1
#1004,cat@example.com,paid,not a date,1,Coffee Beans,12.00,COF-1
"""


def _drop(widget, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)  # what Qt calls when the merchant lets go of the file
    assert event.isAccepted()


def _page(qtbot, ctx: AppContext) -> ImportPage:
    page = ImportPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    return page


def test_drop_preview_import_and_summary(qtbot, empty_ctx: AppContext, tmp_path: Path) -> None:
    source = tmp_path / "orders_export.csv"
    source.write_text(SMALL, encoding="utf-8")
    page = _page(qtbot, empty_ctx)
    _drop(page.drop, source)
    assert page.files == [source]
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    assert "Shopify" in page.detected.text() and "orders_export.csv" in page.detected.text()
    assert page.preview_model.rowCount() == 6  # every data row is previewed
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=30000):
        page.import_button.click()
    labels = {k: v.text() for k, v in page.result_labels.items()}
    # by hand: 6 rows, orders #1001-#1003 (5 lines), #1004 has no readable date
    assert labels["rows_read"] == "6"
    assert labels["orders_added"] == "3"
    assert labels["lines_added"] == "5"
    assert labels["customers_added"] == "2"
    assert labels["rows_rejected"] == "1"
    assert page.reject_model.rowCount() == 1
    reject = page.reject_model.row_series(0)
    assert (int(reject["row"]), reject["column"]) == (7, "Created at")
    assert any("Imported 3 new orders (5 lines)" in t for t in page.messages.texts())
    lines = load_lines(empty_ctx.store)
    assert len(lines) == 5 and set(lines["store_order_id"]) == {"#1001", "#1002", "#1003"}
    # the rejected rows are saved as CSV
    out = tmp_path / "rejects.csv"
    assert page.reject_model.save_csv(out) == 1
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][:3] == ["orders_export.csv", "7", "Created at"]
    # importing again adds nothing twice
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=30000):
        page.import_button.click()
    assert page.result_labels["orders_added"].text() == "0"
    assert len(load_lines(empty_ctx.store)) == 5


def test_cancel_midway_leaves_store_unchanged(qtbot, empty_ctx: AppContext, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    shutil.copyfile(resources_dir() / "demo" / "orders_export_demo.csv", big)
    page = _page(qtbot, empty_ctx)
    page.set_files([big])
    qtbot.waitUntil(page.import_button.isEnabled, timeout=30000)
    changed: list[bool] = []
    empty_ctx.data_changed.connect(lambda: changed.append(True))
    page.import_button.click()
    task = page.runner.current
    assert task is not None and task.writes
    with qtbot.waitSignal(task.signals.finished, timeout=60000):
        page.progress.cancel_button.click()  # Cancel while the file is being read
    assert task.cancel_token.cancelled
    qtbot.waitUntil(lambda: page.runner.current is None, timeout=5000)
    assert any("cancelled" in t.lower() for t in page.messages.texts())
    assert changed == []
    conn = empty_ctx.store.connect()
    try:
        assert data_version(conn) == 0
    finally:
        conn.close()
    assert load_lines(empty_ctx.store).empty
    assert page.import_button.isEnabled()


def test_unreadable_file_is_explained_inline(qtbot, empty_ctx: AppContext, tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nwords,here\n", encoding="utf-8")
    page = _page(qtbot, empty_ctx)
    page.set_files([bad])
    qtbot.waitUntil(lambda: bool(page.messages.texts()), timeout=20000)
    text = " ".join(page.messages.texts())
    assert "Traceback" not in text and "fault in ppdesk" not in text
    assert not page.import_button.isEnabled()
