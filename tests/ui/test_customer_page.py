"""The Customer page on the demo store: a real customer's record, saved, then erased."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ppdesk.core.customers.record import customer_record
from ppdesk.core.store.connection import Store
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.customer_page import CustomerPage
from ppdesk.ui.tasks import running_tasks


def _settle(qtbot) -> None:
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    qtbot.wait(20)


def _busiest_customer(store: Store) -> str:
    conn = store.connect()
    try:
        row = conn.execute("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id"
                           " WHERE c.email IS NOT NULL GROUP BY c.id"
                           " ORDER BY COUNT(*) DESC, c.id LIMIT 1").fetchone()
    finally:
        conn.close()
    return str(row[0])


def test_show_save_and_erase_a_customer(qtbot, demo_store: Store, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = demo_store
    email = _busiest_customer(store)
    expected = customer_record(store, email)
    page = CustomerPage(AppContext(store))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.email.setText(email.upper())
    page.show_record()
    _settle(qtbot)
    assert page.orders_model.rowCount() == len(expected.orders) > 1
    assert page.emails_model.rowCount() == len(expected.emails)
    target = tmp_path / "record.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export_button.click()
    assert json.loads(target.read_text())["email"] == email
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.forget_button.click()
    _settle(qtbot)
    after = customer_record(store, email)
    assert (after.customers, after.orders, after.emails) == ([], [], [])
    assert after.suppression is not None   # the salted hash still keeps them off the list
    assert "was erased" in " ".join(page.messages.texts())
    page.shutdown()
