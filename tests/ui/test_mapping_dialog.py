"""A generic file: the preview names what is missing, the mapping dialog fixes it, it imports."""

from __future__ import annotations

from pathlib import Path

from ppdesk.core.store.lines import load_lines
from ppdesk.ui.context import AppContext
from ppdesk.ui.dialogs.mapping_dialog import NOT_IN_FILE, MappingDialog
from ppdesk.ui.pages.import_page import ImportPage

GENERIC = """Invoice,When,Item code,Item,How many,Buyer
A-1,2026-03-01,SKU-1,Mug,1,zoe@example.com
A-1,2026-03-01,SKU-2,Saucer,2,zoe@example.com
A-2,2026-03-02,SKU-1,Mug,1,yan@example.com
"""


def test_mapping_dialog_requires_fields_and_feeds_the_import(
    qtbot, empty_ctx: AppContext, tmp_path: Path
) -> None:
    source = tmp_path / "sales.csv"
    source.write_text(GENERIC, encoding="utf-8")
    page = ImportPage(empty_ctx)
    qtbot.addWidget(page)
    page.show()
    page.set_files([source])
    qtbot.waitUntil(lambda: page.preview is not None and not page.runner.busy, timeout=20000)
    preview = page.preview
    assert preview is not None
    dialog = MappingDialog(preview.header, {}, preview.rows, page)
    qtbot.addWidget(dialog)
    assert set(dialog.missing()) == {"order_id", "order_date", "sku"}
    dialog.accept()  # refused: required fields are unmapped
    assert dialog.result() == 0 and "Still needed" in dialog.problem.text()
    dialog.combos["order_id"].setCurrentText("Invoice")
    dialog.combos["order_date"].setCurrentText("When")
    dialog.combos["sku"].setCurrentText("Item code")
    dialog.combos["product_name"].setCurrentText("Item")
    dialog.combos["quantity"].setCurrentText("How many")
    dialog.combos["email"].setCurrentText("Buyer")
    assert dialog.samples["order_id"].text() == "e.g. A-1, A-1"
    assert dialog.combos["currency"].currentText() == NOT_IN_FILE
    assert dialog.missing() == []
    page.mapping = dialog.mapping()
    chosen = {
        "order_id": "Invoice",
        "order_date": "When",
        "sku": "Item code",
        "product_name": "Item",
        "quantity": "How many",
        "email": "Buyer",
    }
    assert {f: c for f, c in page.mapping.items() if c} == chosen
    assert set(page.mapping) == set(dialog.combos)  # the rest say "not in this file": ""
    page._run_preview()
    qtbot.waitUntil(page.import_button.isEnabled, timeout=20000)
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=60000):
        page.import_button.click()
    lines = load_lines(empty_ctx.store)
    assert sorted(lines["store_order_id"]) == ["A-1", "A-1", "A-2"]
    assert sorted(lines["quantity"]) == [1.0, 1.0, 2.0]


def test_unmapping_a_guessed_column_drops_it(
    qtbot, empty_ctx: AppContext, tmp_path: Path
) -> None:
    """The guesser maps Email; the merchant says it is not the customer: orders become guests."""
    source = tmp_path / "orders.csv"
    source.write_text("Order ID,Created at,SKU,Quantity,Email\n"
                      "1,2026-03-01,A,1,zoe@example.com\n"
                      "2,2026-03-02,B,1,zoe@example.com\n", encoding="utf-8")
    page = ImportPage(empty_ctx)
    qtbot.addWidget(page)
    page.show()
    page.set_files([source])
    qtbot.waitUntil(lambda: page.preview is not None and not page.runner.busy, timeout=20000)
    preview = page.preview
    assert preview is not None and preview.mapping.get("email") == "Email"
    dialog = MappingDialog(preview.header, preview.mapping, preview.rows, page)
    qtbot.addWidget(dialog)
    dialog.combos["email"].setCurrentText(NOT_IN_FILE)
    page.mapping = dialog.mapping()
    assert page.mapping["email"] == ""
    page._run_preview()
    qtbot.waitUntil(lambda: not page.runner.busy and page.import_button.isEnabled(),
                    timeout=20000)
    with qtbot.waitSignal(empty_ctx.data_changed, timeout=60000):
        page.import_button.click()
    lines = load_lines(empty_ctx.store)
    assert len(lines) == 2
    assert set(lines["customer_id"]) == {-1}  # guests: no customer column any more
