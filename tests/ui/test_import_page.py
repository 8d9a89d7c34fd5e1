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


def test_after_an_import_the_zone_is_shown_changed_and_undone(
        qtbot, empty_ctx: AppContext, tmp_path: Path) -> None:
    """The orders' -05:00 offsets in January read as New York time; Change… saves another
    zone and currency, and Undo puts the new store's UTC and USD back."""
    from ppdesk.core.settings import load_settings
    from ppdesk.ui.tasks import running_tasks

    source = tmp_path / "orders_export.csv"
    source.write_text(SMALL, encoding="utf-8")
    page = _page(qtbot, empty_ctx)
    bar = page.locale_bar
    assert not bar.isVisibleTo(page)               # nothing imported yet
    _drop(page.drop, source)
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    page.import_button.click()
    qtbot.waitUntil(lambda: bar.isVisibleTo(page), timeout=30000)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert "times in New York time (America/New_York)" in bar.text.text()
    assert bar.confirm_button.isVisibleTo(page)
    before = load_settings(empty_ctx.store).store
    assert (before.time_zone, before.currency, before.locale_confirmed) == ("UTC", "USD", False)
    bar.change_button.click()
    assert bar.editor.isVisibleTo(page)
    assert bar.zone.currentText() == "America/New_York"   # the guess, ready to keep or change
    bar.zone.setCurrentText("Europe/Madrid")
    bar.currency.setText("eur")
    with qtbot.waitSignal(bar.saved, timeout=20000):
        bar.save_button.click()
    saved = load_settings(empty_ctx.store).store
    assert (saved.time_zone, saved.currency, saved.locale_confirmed) == (
        "Europe/Madrid", "EUR", True)
    assert bar.text.text() == "Times in Madrid time (Europe/Madrid), amounts in EUR."
    assert bar.undo_button.isVisibleTo(page) and not bar.editor.isVisibleTo(page)
    with qtbot.waitSignal(bar.saved, timeout=20000):
        bar.undo_button.click()
    back = load_settings(empty_ctx.store).store
    assert (back.time_zone, back.currency, back.locale_confirmed) == ("UTC", "USD", False)
    assert bar.text.text().startswith("Undone: back to times in UTC, amounts in USD")
    assert not bar.undo_button.isVisibleTo(page)


def test_a_zone_that_does_not_exist_is_refused_in_the_bar(
        qtbot, empty_ctx: AppContext) -> None:
    page = _page(qtbot, empty_ctx)
    bar = page.locale_bar
    bar.tell()
    bar.change_button.click()
    bar.zone.setCurrentText("Mars/Olympus")
    bar.currency.setText("EUR")
    bar.save_button.click()
    assert "'Mars/Olympus' is not a time zone" in bar.text.text()
    from ppdesk.core.settings import load_settings

    assert load_settings(empty_ctx.store).store.time_zone == "UTC"
