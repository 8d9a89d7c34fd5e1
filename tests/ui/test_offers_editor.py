"""The Offers editor on the demo store: edits survive save and reload, saved offers are
paused, resumed, duplicated, deleted and restored (checked through the store), a product
switch with unsaved edits asks first, and the catalogue's details are pre-filled."""

from __future__ import annotations

from page_helpers import show_page
from PySide6.QtWidgets import QMessageBox

from ppdesk.core.offers import load_offers, product_details
from ppdesk.core.store import catalogue_queries as cq
from ppdesk.core.store import transaction
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.offers_page import OffersPage
from ppdesk.ui.tasks import running_tasks


def _ready(qtbot, page: OffersPage) -> None:
    qtbot.waitUntil(lambda: page.built is not None and not running_tasks(), timeout=60000)
    qtbot.wait(400)  # the debounced rebuild
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def _open(qtbot, ctx: AppContext) -> OffersPage:
    page = show_page(qtbot, OffersPage(ctx), (1280, 720))
    _ready(qtbot, page)
    return page


def _stored(ctx: AppContext) -> dict[str, bool]:
    return {o.trigger.product_key: o.active for o in load_offers(ctx.store, active_only=False)}


def test_edit_save_reload_keeps_every_field(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, demo_ctx)
    key = page.trigger.currentData()
    page.discount.setValue(25)
    page.minutes.setValue(45)
    page.headline.setText("Before you go")
    page.headline.textEdited.emit("Before you go")
    page.form.body.setPlainText("It pairs with what you bought.")
    page.cta.setText("Yes please")
    page.cta.textEdited.emit("Yes please")
    assert page.form.dirty
    _ready(qtbot, page)
    assert "It pairs with what you bought." in page.preview.html()
    page.use_button.click()
    qtbot.waitUntil(lambda: page.saved.model.rowCount() == 1 and not running_tasks(),
                    timeout=30000)
    [saved] = load_offers(demo_ctx.store)
    assert (saved.trigger.product_key, saved.variants[0].discount_percent, saved.window_minutes,
            saved.headline, saved.body, saved.call_to_action) == (
        key, 25.0, 45, "Before you go", "It pairs with what you bought.", "Yes please")
    assert any("Offer saved" in t for t in page.messages.texts())
    _ready(qtbot, page)
    assert any("Offer saved" in t for t in page.messages.texts())  # stays until dismissed
    # a fresh page shows the saved offer, in place when saved again
    again = _open(qtbot, demo_ctx)
    assert again.headline.text() == "Before you go"
    assert again.form.body.toPlainText() == "It pairs with what you bought."
    assert (again.discount.value(), again.minutes.value()) == (25, 45)
    again.discount.setValue(30)
    _ready(qtbot, again)
    again.use_button.click()
    qtbot.waitUntil(lambda: not running_tasks() and load_offers(demo_ctx.store)[0]
                    .variants[0].discount_percent == 30, timeout=30000)
    assert [o.id for o in load_offers(demo_ctx.store)] == [saved.id]


def test_pause_resume_duplicate_delete_and_undo(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, demo_ctx)
    key = page.trigger.currentData()
    page.use_button.click()
    qtbot.waitUntil(lambda: page.saved.model.rowCount() == 1 and not running_tasks(),
                    timeout=30000)
    page.saved.view.selectRow(0)
    page.saved.pause_button.click()
    qtbot.waitUntil(lambda: _stored(demo_ctx) == {key: False} and not running_tasks(),
                    timeout=30000)
    _ready(qtbot, page)
    page.saved.view.selectRow(0)
    assert page.saved.pause_button.text() == "Resume"
    page.saved.pause_button.click()
    qtbot.waitUntil(lambda: _stored(demo_ctx) == {key: True} and not running_tasks(),
                    timeout=30000)
    _ready(qtbot, page)
    page.saved.view.selectRow(0)
    page.saved.duplicate_button.click()
    dialog = page.duplicate_dialog
    assert dialog.isVisible()
    target = dialog.comboBoxItems()[0]
    dialog.setTextValue(target)
    dialog.accept()
    new_key = target[target.rindex("(") + 1:-1]
    qtbot.waitUntil(lambda: _stored(demo_ctx) == {key: True, new_key: False}
                    and not running_tasks(), timeout=30000)
    _ready(qtbot, page)
    row = [o.trigger.product_key for o in page.saved.offers].index(key)
    page.saved.view.selectRow(row)
    page.saved.delete_button.click()
    qtbot.waitUntil(lambda: _stored(demo_ctx) == {new_key: False} and not running_tasks(),
                    timeout=30000)
    assert page.undo_button.isVisibleTo(page)
    page.undo_button.click()
    qtbot.waitUntil(lambda: _stored(demo_ctx) == {key: True, new_key: False}
                    and not running_tasks(), timeout=30000)
    _ready(qtbot, page)


def test_switching_product_with_edits_asks_first(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, demo_ctx)
    first = page.trigger.currentData()
    page.headline.setText("Mine")
    page.headline.textEdited.emit("Mine")
    _ready(qtbot, page)
    other = page.trigger.itemData(1)
    page.trigger.setCurrentIndex(1)
    page.trigger.activated.emit(1)
    assert page.discard_box.isVisible()
    assert page.trigger.currentData() == first and page.headline.text() == "Mine"
    page.discard_box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not page.discard_box.isVisible(), timeout=5000)
    assert page.trigger.currentData() == first and page.headline.text() == "Mine"
    page.trigger.setCurrentIndex(1)
    page.trigger.activated.emit(1)
    page.discard_box.button(QMessageBox.StandardButton.Discard).click()
    _ready(qtbot, page)
    assert page.trigger.currentData() == other
    assert page.headline.text() == demo_ctx.settings().offers.headline
    assert page.built.offer.trigger.product_key == other


def test_ids_and_links_prefilled_from_the_catalogue(qtbot, demo_ctx: AppContext) -> None:
    store = demo_ctx.store
    # As `ppdesk catalogue fetch-ids` stores them: ids on the catalogue variants, matched.
    from ppdesk.core.catalogue.writing import rematch

    conn = store.connect()
    try:
        with transaction(conn):
            ids = [(int(v), str(9000 + int(v)), str(4400000 + int(v)))
                   for v in cq.listing(conn)["variant_id"].dropna().astype(int)]
            cq.set_platform_ids(conn, ids)
            rematch(conn)
    finally:
        conn.close()
    page = _open(qtbot, demo_ctx)
    offered = page.built.offer.complement.product_key
    expected = product_details(store, offered)
    assert expected.platform_variant_id.startswith("44")
    v = page.form.values()
    assert (v.image_url, v.url, v.variant_id, v.woo_id) == (
        expected.image_url, expected.url, expected.platform_variant_id,
        expected.platform_product_id)
    assert v.image_url and v.url
    # Shopify: the Checkout Blocks panel carries the cart permalink with that variant id
    link = page.blocks.fields["Button link"].text()
    assert f"/cart/{expected.platform_variant_id}:1" in link
    page.blocks.copy_buttons["Button link"].click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == link
    assert not page.form.complement_photo.pixmap().isNull()  # the demo's cached photo


def test_copy_all_running_leaves_paused_offers_out(qtbot, demo_ctx: AppContext) -> None:
    from PySide6.QtGui import QGuiApplication

    from ppdesk.core.offers import build_offer, pause, save_offer

    store = demo_ctx.store
    page = _open(qtbot, demo_ctx)
    first = save_offer(store, build_offer(store, page.trigger.currentData()))
    second_key = page.trigger.itemData(1)
    second = save_offer(store, build_offer(store, second_key))
    assert first.id is not None
    pause(store, first.id)
    page.refresh()
    _ready(qtbot, page)
    page.platform.setCurrentIndex(page.platform.findData("woocommerce"))
    page.platform.activated.emit(page.platform.currentIndex())
    _ready(qtbot, page)
    assert page.saved.copy_all_button.isVisibleTo(page)
    assert page.blocks.isHidden() or page.tabs.currentWidget() is not page.blocks
    page.saved.copy_all_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    html = QGuiApplication.clipboard().text()
    assert f'"trigger": "{second.trigger.product_key}"' in html
    assert f'"trigger": "{first.trigger.product_key}"' not in html
    # the paused offer's own Copy HTML is off while the form shows it
    assert page.built.offer.id == first.id and not page.copy_button.isEnabled()
    # the paused note speaks the platform's words: a pasted block, not Shopify's Checkout Blocks
    note = page.guide.toPlainText().split("\n\n")[0]
    assert note.startswith("This offer is paused") and "paste the HTML of all running" in note
    assert "Shopify" not in note and "Checkout Blocks" not in note
