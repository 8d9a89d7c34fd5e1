"""Settings page load/save cycle and presets; Outbox filters and actions on real outbox rows."""

from __future__ import annotations

from page_helpers import show_page
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QSpinBox

from ppdesk.core.flows import states
from ppdesk.core.flows.model import FLOWS
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.presets import PRESETS
from ppdesk.core.settings import load_settings
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.outbox_page import OutboxPage
from ppdesk.ui.pages.settings_page import SettingsPage
from ppdesk.ui.tasks import running_tasks


def test_settings_save_revert_and_preset(qtbot, empty_ctx: AppContext) -> None:
    page = show_page(qtbot, SettingsPage(empty_ctx))
    assert any("postal address" in t for t in page.messages.texts())
    name = page.form.widget("store", "name")
    address = page.form.widget("store", "postal_address")
    quiet = page.form.widget("flows", "quiet_start_hour")
    consent = page.form.widget("flows", "soft_opt_in")
    assert isinstance(name, QLineEdit) and isinstance(quiet, QSpinBox)
    assert isinstance(consent, QComboBox)
    name.setText("Bean There")
    address.setText("1 Main St, Springfield")  # type: ignore[attr-defined]
    quiet.setValue(21)
    consent.setCurrentIndex(1)
    page.primary.set_color("#123456")
    with qtbot.waitSignal(empty_ctx.settings_changed, timeout=10000):
        page.save_button.click()
    saved = load_settings(empty_ctx.store)
    assert saved.store.name == "Bean There"
    assert saved.store.postal_address == "1 Main St, Springfield"
    assert saved.flows.quiet_start_hour == 21 and saved.flows.soft_opt_in is True
    assert saved.store.primary_color == "#123456"
    # an unsaved edit is dropped by Revert
    name.setText("Typo")
    page.revert_button.click()
    assert name.text() == "Bean There"
    assert not any("postal address" in t for t in page.messages.texts())
    # choosing a provider fills server, port, security and limits from its preset
    gmail = PRESETS["gmail"]
    page.preset.setCurrentText(gmail.label)  # type: ignore[attr-defined]
    page.preset.activated.emit(page.preset.currentIndex())  # type: ignore[attr-defined]
    assert page.host.text() == gmail.host  # type: ignore[attr-defined]
    assert page.port.value() == gmail.port  # type: ignore[attr-defined]
    assert page.form.widget("sending", "per_day").value() == gmail.per_day  # type: ignore[attr-defined]
    assert gmail.note.split(";")[0] in page.preset_note.text()
    assert str(empty_ctx.store.home) in page.schedule_text.toPlainText()
    assert "send-due" in page.schedule_text.toPlainText()


def _all_live(ctx: AppContext) -> None:
    """Every flow Live (a new store's are Draft, and Draft flows plan nothing)."""
    states.go_live(ctx.store, list(FLOWS), overdue="send")


def test_outbox_filters_pause_and_cancel_with_confirmation_and_undo(
        qtbot, demo_ctx: AppContext) -> None:
    _all_live(demo_ctx)
    result = plan(demo_ctx.store)
    planned = len(result.messages)
    assert planned > 0
    page = show_page(qtbot, OutboxPage(demo_ctx))
    frame = page.model.frame
    assert (frame["state"] == "planned").sum() == planned
    page.state.setCurrentText("Planned")
    assert page.model.rowCount() == planned
    page.flow.setCurrentIndex(page.flow.findData("review"))
    reviews = int(((frame["state"] == "planned") & (frame["flow"] == "review")).sum())
    assert page.model.rowCount() == reviews > 0
    page.table.select_row(0)
    qtbot.waitUntil(lambda: not running_tasks() and bool(page.history.toPlainText()), timeout=30000)
    assert page.cancel_button.isEnabled() and not page.sent_button.isEnabled()
    target = int(page.model.row_series(0)["id"])
    # "Don't send" asks first; saying no changes nothing
    page.cancel_button.click()
    box = page.confirm_box
    assert box is not None and "Don't send the Review request email to" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert page.model.frame.set_index("id").loc[target, "state"] == "planned"
    assert page.undo_button.isHidden()
    page.cancel_button.click()
    yes = next(b for b in page.confirm_box.buttons() if b.text() == "Don't send")
    with qtbot.waitSignal(demo_ctx.outbox_changed, timeout=30000):
        yes.click()
    qtbot.waitUntil(lambda: not running_tasks() and not page.runner.busy, timeout=30000)
    after = page.model.frame.set_index("id")
    assert after.loc[target, "state"] == "cancelled"
    assert after.loc[target, "reason"]  # the why is shown
    assert page.model.rowCount() == reviews - 1  # still filtered to planned reviews
    # ... and Undo puts it back as it was
    assert not page.undo_button.isHidden()
    with qtbot.waitSignal(demo_ctx.outbox_changed, timeout=30000):
        page.undo_button.click()
    qtbot.waitUntil(lambda: not running_tasks() and not page.runner.busy, timeout=30000)
    restored = page.model.frame.set_index("id").loc[target]
    assert (restored["state"], restored["reason"]) == ("planned", "")
    assert page.model.rowCount() == reviews and page.undo_button.isHidden()
    # pause all sending is a saved setting, and the page says so
    with qtbot.waitSignal(demo_ctx.settings_changed, timeout=10000):
        page.pause_button.click()
    assert load_settings(demo_ctx.store).sending.paused is True
    qtbot.waitUntil(lambda: not running_tasks() and not page.runner.busy, timeout=30000)
    assert page.pause_button.text() == "Resume sending"
    assert any("paused" in t for t in page.messages.texts())


def test_outbox_try_again_makes_a_failed_email_due(qtbot, demo_ctx: AppContext) -> None:
    from ppdesk.core.store import outbox_queries as oq
    from ppdesk.core.store import transaction

    _all_live(demo_ctx)
    conn = demo_ctx.store.connect()
    row = conn.execute("SELECT id FROM outbox WHERE state = 'planned' LIMIT 1").fetchone()
    target = int(row[0])
    with transaction(conn):
        assert oq.transition(conn, target, ("planned",), "failed", "2026-01-01T00:00:00Z",
                             detail="554 rejected")
    conn.close()
    page = show_page(qtbot, OutboxPage(demo_ctx))
    page.state.setCurrentText("Failed")
    assert page.model.rowCount() == 1
    page.table.select_row(0)
    qtbot.waitUntil(lambda: not running_tasks() and page.retry_button.isEnabled(), timeout=30000)
    assert not page.cancel_button.isEnabled()
    with qtbot.waitSignal(demo_ctx.outbox_changed, timeout=30000):
        page.retry_button.click()
    qtbot.waitUntil(lambda: not running_tasks() and not page.runner.busy, timeout=30000)
    assert page.model.frame.set_index("id").loc[target, "state"] == "due"
    assert page.model.rowCount() == 0  # still filtered to failed
