"""Offers (L1): the thank-you page upsell, edited, previewed, saved and exported.

The form (``widgets/offer_form.py``) holds trigger and offered product with their
photos (the Products page's disk cache, ``core.catalogue.thumbnails``), discount,
window, headline, text, button, platform and the offered product's photo URL, link
and ids, pre-filled from the catalogue (``offers.product_details``); the offered
product is one of the ranked complements (``offers.ranked_complements``, the
analytics' one front door). Every edit re-renders the preview; "Save offer" keeps
every field (``offers.save_offer``, in place when editing) and switching product with
unsaved edits asks first. The saved offers (``widgets/offer_list.py``) can be edited,
paused, resumed, duplicated and deleted with Undo (``offers.manage``). Shopify's main
output is the Checkout Blocks panel (``widgets/checkout_blocks.py``); WooCommerce and
other stores get Copy HTML, Save HTML and (WooCommerce) Save PHP.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core import offers as core
from ppdesk.core.catalogue import thumbnails
from ppdesk.core.offers import CheckoutBlock, Offer
from ppdesk.core.offers.manage import Picked, open_product, trigger_choices
from ppdesk.core.settings import load_settings
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import TaskRunner
from ppdesk.ui.widgets.checkout_blocks import PAUSED, CheckoutBlocksPanel
from ppdesk.ui.widgets.html_preview import HtmlPreview
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.offer_form import OfferForm, show_photo
from ppdesk.ui.widgets.offer_list import SavedOffers

# the paused note for a pasted HTML block (WooCommerce, other platforms)
PAUSED_PASTED = ("This offer is paused: it is left out of every export. The block you pasted "
                 "before stays on your thank-you page until you paste the HTML of all running "
                 "offers again.")


@dataclass(frozen=True)
class Built:
    offer: Offer
    snippet: str  # with the countdown script: what the merchant pastes
    preview: str  # without scripts, cached photos inlined: what the preview shows
    guide: str
    block: CheckoutBlock


class OffersPage(Page):
    key = "offers"
    title = "Offers on the thank-you page"
    purpose = (
        "One complementary product at a small discount, shown right after checkout for a "
        "short time. Pick what was bought; ppdesk suggests what to offer and says why."
    )
    refresh_on = ("data_changed", "settings_changed")

    class Msg:
        no_products = Message("info", "No products yet: import your orders first.")
        copied = Message(
            "success",
            "The offer's HTML is on your clipboard. Paste it as the guide on the right says.",
        )
        copied_all = Message("success", "The HTML of every running offer is on your "
                             "clipboard: paste it in place of the block you pasted before.")
        copied_field = Message("success", "{what} is on your clipboard: paste it into Shopify.")
        saved_file = Message("success", "Saved to {path}.")
        saved_rule = Message("success", "Offer saved: {rule}. Results will measure it.")
        paused = Message("info", "Paused the offer for {name}: it is left out of exports and "
                         "its views no longer count. Paste the HTML of all running offers "
                         "again so your thank-you page stops showing it.")
        paused_shopify = Message("info", "Paused the offer for {name}: it is left out of "
                                 "exports and its views no longer count. Also hide its block "
                                 "in Shopify's Checkout Blocks.")
        resumed = Message("success", "The offer for {name} runs again: paste the new export.")
        deleted = Message("info", "Deleted the offer for {name}. Undo brings it back.")
        restored = Message("success", "The offer for {name} is back.")
        duplicated = Message("success", "Copied the offer for {name}; the copy is paused: "
                             "check it, then Resume.")

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.built: Built | None = None
        self.choices = pd.DataFrame()
        self.saved_offers: list[Offer] = []
        self.editing: Offer | None = None  # the saved offer the form shows, if any
        self.deleted: core.Deleted | None = None
        self._deleted_name = ""
        self._typed: dict[str, tuple[str, str, str, str]] = {}  # merchant-typed details
        self.form = OfferForm()
        self.form.edited.connect(self._changed)
        self.form.trigger_picked.connect(self._trigger_picked)
        self.form.complement_picked.connect(self._complement_picked)
        # The names the tests and the rest of the page use.
        self.trigger, self.complement, self.why = (self.form.trigger, self.form.complement,
                                                   self.form.why)
        self.discount, self.minutes = self.form.discount, self.form.minutes
        self.headline, self.cta, self.platform = (self.form.headline, self.form.cta,
                                                  self.form.platform)
        self.use_button = QPushButton("Save offer")
        self.use_button.setToolTip("Save it as the rule for this product so Results can measure it")
        self.use_button.clicked.connect(self.save_rule)
        self.copy_button = QPushButton("Copy HTML")
        self.copy_button.clicked.connect(self.copy_html)
        self.save_button = QPushButton("Save HTML…")
        self.save_button.clicked.connect(self.save_file)
        self.php_button = QPushButton("Save PHP…")
        self.php_button.setToolTip("The WooCommerce thank-you hook that prints the block")
        self.php_button.clicked.connect(self.save_php)
        self.output_buttons = (self.use_button, self.copy_button, self.save_button,
                               self.php_button)
        buttons = QHBoxLayout()
        for b in self.output_buttons:
            b.setEnabled(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        left_inner = QWidget()
        lv = QVBoxLayout(left_inner)
        lv.setContentsMargins(0, 0, 6, 0)
        lv.addWidget(self.form)
        lv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(left_inner)
        # The buttons stay in sight under the form, however far it is scrolled.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(buttons)
        left.setMinimumWidth(430)
        self.saved = SavedOffers()
        self.rules_model = self.saved.model
        self.saved.edit.connect(self.edit_offer)
        self.saved.pause.connect(lambda i: self._manage(core.pause, i, self._paused_msg(i)))
        self.saved.resume.connect(lambda i: self._manage(core.resume, i, self.Msg.resumed))
        self.saved.duplicate.connect(self.ask_duplicate)
        self.saved.delete.connect(self.delete_offer)
        self.undo_button = self.saved.undo_button
        self.saved.undo.connect(self.undo_delete)
        self.saved.copy_all_button.clicked.connect(self.copy_all)
        self.blocks = CheckoutBlocksPanel()
        self.blocks.copied.connect(
            lambda what: self.messages.show_message(self.Msg.copied_field, what=what))
        self.preview = HtmlPreview()
        self.guide = QPlainTextEdit()
        self.guide.setReadOnly(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.blocks, "Checkout Blocks")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.addTab(self.guide, "How to paste it")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.tabs)
        right.addWidget(self.saved)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([400, 200])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.body.addWidget(split, 1)
        self.discard_box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                                       "You changed this offer and did not save it. Switch "
                                       "product and lose the changes?",
                                       QMessageBox.StandardButton.Discard
                                       | QMessageBox.StandardButton.Cancel, self)
        self.discard_box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.discard_box.finished.connect(self._discard_answered)
        self._pending_trigger: str | None = None
        self.duplicate_dialog = QInputDialog(self)
        self.duplicate_dialog.setWindowTitle("Duplicate the offer")
        self.duplicate_dialog.setLabelText("Copy this offer for the product:")
        self.duplicate_dialog.setComboBoxEditable(False)
        self.duplicate_dialog.textValueSelected.connect(self._duplicate_to)
        self._duplicate_source: int | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.rebuild)
        self.list_runner = TaskRunner(self)
        self.pick_runner = TaskRunner(self)
        self.thumb_runner = TaskRunner(self)  # no progress panel: photos arrive quietly
        self._pick: Picked | None = None
        self._show_outputs()

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        store = self.ctx.store
        self.list_runner.run(
            lambda _p, _c: (trigger_choices(store), core.load_offers(store, active_only=False)),
            name="Reading products", on_success=self._show_choices,
            on_failure=self.messages.show_error)

    def _show_choices(self, result: object) -> None:
        choices, offers = result  # type: ignore[misc]
        self.choices = choices
        self._show_saved(offers)
        self.form.set_products(list(zip(choices["product_key"].astype(str),
                                        choices["name"].astype(str), strict=True)))
        if choices.empty:
            self.messages.show_message(self.Msg.no_products)
            return
        if not self.form.dirty:  # edits are never thrown away by a refresh
            self._open(str(self.form.trigger.currentData()))

    def _show_saved(self, offers: list[Offer]) -> None:
        self.saved_offers = offers
        self.saved.set_offers(offers, self.editing.id if self.editing else None)

    def _saved_for(self, key: str) -> Offer | None:
        return next((o for o in self.saved_offers if o.trigger.product_key == key), None)

    # -- opening a product ------------------------------------------------------------------
    def _trigger_picked(self, key: str) -> None:
        current = self._pick.trigger if self._pick else None
        if key == current:
            return
        if self.form.dirty:
            self._pending_trigger = key
            if current:
                self.form.select_trigger(current)  # stays until the merchant decides
            self.discard_box.open()
            return
        self._open(key)

    def _discard_answered(self, _code: int) -> None:
        key, self._pending_trigger = self._pending_trigger, None
        if key and self.discard_box.clickedButton() is self.discard_box.button(
                QMessageBox.StandardButton.Discard):
            self.form.dirty = False
            self.form.select_trigger(key)
            self._open(key)

    def _open(self, key: str, offer: Offer | None = None) -> None:
        """Fill the form for ``key``: its saved offer when it has one, else the defaults."""
        offer = offer or self._saved_for(key)
        self.editing = offer
        self.form.select_trigger(key)
        if offer is not None:
            self.form.set_texts(discount=offer.variants[0].discount_percent,
                                minutes=offer.window_minutes, headline=offer.headline,
                                body=offer.body, cta=offer.call_to_action,
                                platform=offer.platform)
        else:
            o, s = self.ctx.settings().offers, self.ctx.settings().store
            self.form.set_texts(discount=o.discount_percent, minutes=o.window_minutes,
                                headline=o.headline, body="", cta=o.call_to_action,
                                platform=s.platform)
        self.form.dirty = False
        self._typed.clear()
        self.use_button.setText("Save changes" if offer is not None else "Save offer")
        if offer is not None:
            self.saved.select(offer.id or -1)
        self._load_pick(key, offer.complement.product_key if offer else None)

    def _complement_picked(self, key: str) -> None:
        if self._pick is not None:
            self._remember_typed()
            self._load_pick(self._pick.trigger, key)

    def _remember_typed(self) -> None:
        v = self.form.values()
        if self._pick is not None and self._pick.complement:
            self._typed[self._pick.complement] = (v.image_url, v.url, v.variant_id, v.woo_id)

    def _load_pick(self, trigger: str, complement: str | None) -> None:
        store = self.ctx.store
        self.pick_runner.run(lambda _p, _c: open_product(store, trigger, complement),
                             name="Reading the products", on_success=self._show_pick,
                             on_failure=self._failed)

    def _show_pick(self, result: object) -> None:
        assert isinstance(result, Picked)
        self._pick = result
        # The variant's own name ("... - Normal"), not the ranking's product-level one.
        names = dict(zip(self.choices["product_key"].astype(str),
                         self.choices["name"].astype(str), strict=True)) \
            if not self.choices.empty else {}
        items = [(c.product_key, names.get(c.product_key, c.name)) for c in result.complements]
        self.form.set_complements(items, result.complement)
        d = result.complement_details
        if d is not None:
            typed = self._typed.get(d.product_key)
            image, url, variant, woo = typed or (d.image_url, d.url, d.platform_variant_id,
                                                 d.platform_product_id)
            self.form.set_details(image_url=image, url=url, variant_id=variant, woo_id=woo)
        self._show_photos()
        self._fetch_photos()
        self.rebuild()

    def _photo(self, url: str) -> Path | None:
        return thumbnails.cached(self.ctx.store.home, url) if url else None

    def _show_photos(self) -> None:
        p = self._pick
        show_photo(self.form.trigger_photo, self._photo(p.trigger_details.image_url) if p
                   else None)
        show_photo(self.form.complement_photo, self._photo(self.form.values().image_url))

    def _fetch_photos(self) -> None:
        p = self._pick
        if p is None:
            return
        home = self.ctx.store.home
        urls = [u for u in (p.trigger_details.image_url, self.form.values().image_url)
                if u and self._photo(u) is None]
        if urls:
            self.thumb_runner.run(
                lambda pr, c: thumbnails.fetch_missing(home, urls, progress=pr, cancel=c),
                name="Downloading product photos", on_success=lambda _r: self._show_photos(),
                on_failure=lambda _e: None)  # no photo is not an error: placeholders stay

    # -- building ---------------------------------------------------------------------------
    def _changed(self) -> None:
        self._debounce.start()

    def _build(self) -> Any:
        """A task function building the offer from the form as it stands now."""
        store, v = self.ctx.store, self.form.values()
        editing = self.editing
        photo = self._photo(v.image_url)
        ranked = {c.product_key: c.evidence for c in (self._pick.complements if self._pick
                                                       else [])}

        def work(_p: object, _c: object) -> Built:
            settings = load_settings(store)
            offer = core.build_offer(
                store, str(v.trigger), discount=v.discount, minutes=v.minutes,
                complement_key=v.complement, headline=v.headline, call_to_action=v.cta,
                body=v.body, platform=v.platform, settings=settings)
            offer = core.with_details(offer, image_url=v.image_url, url=v.url,
                                      platform_variant_id=v.variant_id,
                                      platform_product_id=v.woo_id)
            # The figures behind a ranked complement, also when the merchant picked it.
            offer = dataclasses.replace(offer, evidence=ranked.get(offer.complement.product_key))
            if editing is not None:
                offer = dataclasses.replace(offer, id=editing.id, active=editing.active)
            preview = core.render_snippet(offer, with_js=False, profile=settings.store)
            photos = {v.image_url: photo} if photo is not None else {}
            return Built(offer, core.render_snippet(offer, profile=settings.store),
                         core.with_local_photos(preview, photos),
                         core.render_guide(offer, platform=v.platform),
                         core.shopify_blocks(offer)[0])

        return work

    def rebuild(self) -> None:
        if not self.form.values().trigger or self._pick is None:
            return
        self.runner.run(self._build(), name="Building the offer", on_success=self._show,
                        on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.built = None
        for b in self.output_buttons:
            b.setEnabled(False)
        self.why.setText("")
        self.messages.show_error(exc)

    def _show(self, result: object) -> None:
        assert isinstance(result, Built)
        self.built = result
        self.messages.dismiss_error()
        offer = result.offer
        reason = next((c.reason for c in (self._pick.complements if self._pick else [])
                       if c.product_key == offer.complement.product_key), "")
        name = escape(offer.complement.name)
        self.why.setText(f"<b>{name}</b>: {escape(reason)}" if reason
                         else f"You picked <b>{name}</b>.")
        self.preview.set_html(_page(result.preview))
        paused = PAUSED if offer.platform == "shopify" else PAUSED_PASTED
        self.guide.setPlainText((paused + "\n\n" if not offer.active else "") + result.guide)
        self.blocks.show_block(result.block, paused=not offer.active)
        self._show_photos()
        self._show_outputs()

    def _show_outputs(self) -> None:
        """Shopify: the Checkout Blocks panel is the output; elsewhere the HTML buttons."""
        platform = str(self.form.values().platform)
        shopify = platform == "shopify"
        ready = self.built is not None
        paused = ready and not self.built.offer.active  # type: ignore[union-attr]
        self.use_button.setEnabled(ready)
        for b, shown in ((self.copy_button, not shopify), (self.save_button, not shopify),
                         (self.php_button, platform == "woocommerce")):
            b.setVisible(shown)
            b.setEnabled(ready and not paused)
        self.saved.copy_all_button.setVisible(not shopify)
        self.tabs.setTabVisible(0, shopify)
        if shopify and self.tabs.currentIndex() != 0 and not self.built:
            self.tabs.setCurrentIndex(0)
        elif not shopify and self.tabs.currentIndex() == 0:
            self.tabs.setCurrentIndex(1)

    # -- output -----------------------------------------------------------------------------
    def copy_html(self) -> None:
        if self.built is not None:
            QGuiApplication.clipboard().setText(self.built.snippet)
            self.messages.show_message(self.Msg.copied)

    def copy_all(self) -> None:
        """The HTML rule list of every running offer (paused ones left out), as exported."""
        store = self.ctx.store
        platform = str(self.form.values().platform)

        def work(_p: object, _c: object) -> str:
            settings = load_settings(store)
            running = core.exportable(core.load_offers(store, active_only=False,
                                                       settings=settings))
            return core.render_snippet(running, platform=platform, profile=settings.store)

        def done(html: object) -> None:
            QGuiApplication.clipboard().setText(str(html))
            self.messages.show_message(self.Msg.copied_all)

        self.list_runner.run(work, name="Building the offers", on_success=done,
                             on_failure=self.messages.show_error)

    def _save_text(self, caption: str, suffix: str, kind: str, text: str) -> None:
        assert self.built is not None
        name = f"offer-{self.built.offer.trigger.product_key}{suffix}".replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(self, caption, name, kind)
        if path:
            Path(path).write_text(text, encoding="utf-8")
            self.messages.show_message(self.Msg.saved_file, path=path)

    def save_file(self) -> None:
        if self.built is not None:
            self._save_text("Save the offer's HTML", ".html", "HTML files (*.html)",
                            self.built.snippet)

    def save_php(self) -> None:
        if self.built is not None:
            self._save_text("Save the WooCommerce hook", ".php", "PHP files (*.php)",
                            core.woocommerce_php(self.built.snippet))

    # -- saving and managing ----------------------------------------------------------------
    def save_rule(self) -> None:
        if self.built is None:
            return
        store, v, build = self.ctx.store, self.form.values(), self._build()

        def work(p: object, c: object) -> Offer:
            built = build(p, c)
            co = built.offer.complement
            core.set_product_details(store, co.product_key, image_url=v.image_url, url=v.url,
                                     platform_product_id=v.woo_id,
                                     platform_variant_id=v.variant_id)
            return core.save_offer(store, built.offer)

        self.list_runner.run(work, name="Saving the offer", writes=True,
                             on_success=self._rule_saved, on_failure=self.messages.show_error)

    def _rule_saved(self, offer: object) -> None:
        assert isinstance(offer, Offer)
        self.form.dirty = False
        self.editing = offer
        self.messages.show_message(self.Msg.saved_rule, rule=offer.rule)
        self.refresh()

    def edit_offer(self, offer_id: int) -> None:
        offer = next((o for o in self.saved_offers if o.id == offer_id), None)
        if offer is None:
            return
        key = offer.trigger.product_key
        if self.form.dirty and (self.editing is None or self.editing.id != offer_id):
            self._pending_trigger = key
            self.discard_box.open()
            return
        self._open(key, offer)

    def _paused_msg(self, offer_id: int) -> Message:
        """The pause note in the words of the offer's platform (a Shopify block is unpublished
        in Shopify; elsewhere the pasted HTML is replaced)."""
        offer = next((o for o in self.saved_offers if o.id == offer_id), None)
        shopify = offer is not None and offer.platform == "shopify"
        return self.Msg.paused_shopify if shopify else self.Msg.paused

    def _manage(self, fn: Any, offer_id: int, msg: Message) -> None:
        store = self.ctx.store
        offer = next(o for o in self.saved_offers if o.id == offer_id)
        self.list_runner.run(lambda _p, _c: fn(store, offer_id), name="Saving the offer",
                             writes=True, on_failure=self.messages.show_error,
                             on_success=lambda _r: self._managed(msg, offer))

    def _managed(self, msg: Message, offer: Offer) -> None:
        self.messages.show_message(msg, name=offer.trigger.name)
        self.refresh()

    def delete_offer(self, offer_id: int) -> None:
        store = self.ctx.store
        offer = next(o for o in self.saved_offers if o.id == offer_id)

        def done(result: object) -> None:
            assert isinstance(result, core.Deleted)
            self.deleted, self._deleted_name = result, offer.trigger.name
            self.undo_button.setVisible(True)
            if self.editing is not None and self.editing.id == offer_id:
                self.editing = None
            self._managed(self.Msg.deleted, offer)

        self.list_runner.run(lambda _p, _c: core.delete(store, offer_id), name="Deleting",
                             writes=True, on_success=done, on_failure=self.messages.show_error)

    def undo_delete(self) -> None:
        if self.deleted is None:
            return
        store, deleted = self.ctx.store, self.deleted
        name = self._deleted_name

        def done(_r: object) -> None:
            self.deleted = None
            self.undo_button.setVisible(False)
            self.messages.show_message(self.Msg.restored, name=name)
            self.refresh()

        self.list_runner.run(lambda _p, _c: core.undo_delete(store, deleted), name="Undoing",
                             writes=True, on_success=done, on_failure=self.messages.show_error)

    def ask_duplicate(self, offer_id: int) -> None:
        source = next(o for o in self.saved_offers if o.id == offer_id)
        # Not a product with an offer already, nor the offered product itself.
        taken = {o.trigger.product_key for o in self.saved_offers}
        taken.add(source.complement.product_key)
        items = [f"{n}  ({k})" for k, n in zip(self.choices["product_key"].astype(str),
                                              self.choices["name"].astype(str), strict=True)
                 if k not in taken]
        self._duplicate_source = offer_id
        self.duplicate_dialog.setComboBoxItems(items)
        self.duplicate_dialog.open()

    def _duplicate_to(self, text: str) -> None:
        source = self._duplicate_source
        if source is None or not text.endswith(")"):
            return
        key = text[text.rindex("(") + 1:-1]
        store = self.ctx.store

        def done(result: object) -> None:
            assert isinstance(result, Offer)
            self._managed(self.Msg.duplicated, result)

        self.list_runner.run(lambda _p, _c: core.duplicate(store, source, key),
                             name="Duplicating", writes=True, on_success=done,
                             on_failure=self.messages.show_error)


def _page(snippet: str) -> str:
    """Wrap the block in a plain thank-you page so the preview looks like the real place."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        "<body style='font-family: -apple-system, Segoe UI, Roboto, sans-serif; margin: 24px;"
        " background: #fafafa; color: #222'><h2>Thank you for your order!</h2>"
        "<p style='color:#666'>Order #1042 is confirmed.</p>" + snippet + "</body></html>"
    )


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(OffersPage))
