"""Offers (L1): the thank-you page upsell for a trigger product, previewed live, copied or saved.

``offers.build_offer`` picks the complement (with the evidence in plain words)
and applies discount and window; ``offers.render_snippet`` makes the HTML block
the merchant pastes into the thank-you page, previewed in a real browser engine;
``offers.render_guide`` gives the paste steps for their platform. "Use this
offer" saves it as a rule (``offers.save_offer``), which Results later measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.offers import (
    Offer,
    build_offer,
    load_offers,
    render_guide,
    render_snippet,
    save_offer,
)
from ppdesk.core.settings import load_settings
from ppdesk.core.store import Store
from ppdesk.core.store.lines import load_lines, load_products
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.field_form import dspin, spin
from ppdesk.ui.widgets.html_preview import HtmlPreview
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

SUGGESTED = "Suggested by your orders"
PLATFORM_NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "other": "Other"}
RULE_COLUMNS = [
    Column("rule", "Saved offers (the first matching one shows)"),
    Column("active", "On", "bool"),
]


@dataclass(frozen=True)
class Built:
    offer: Offer
    snippet: str  # with the countdown script: what the merchant pastes
    preview: str  # without scripts: what the preview shows
    guide: str


def product_choices(store: Store) -> pd.DataFrame:
    """Products with their number of order lines for the pickers: first those with a
    recommendable companion (so the page opens on an offer that works), most sold first."""
    products = load_products(store)
    counts = load_lines(store)["product_id"].value_counts()
    pairs = evidence_for(store).pairs("variant").pairs
    good = pairs[pairs["recommendable"].astype(bool)]
    matched = set(good["product_a"].astype(str)) | set(good["product_b"].astype(str))
    out = products.assign(sold=products["product_id"].map(counts).fillna(0).astype(int),
                          has_match=products["product_key"].astype(str).isin(matched))
    return out.sort_values(["has_match", "sold", "name"], ascending=[False, False, True],
                           kind="stable")


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
        saved_file = Message("success", "Saved to {path}.")
        saved_rule = Message("success", "Offer saved: {rule}. Results will measure it.")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.built: Built | None = None
        self.choices = pd.DataFrame()
        self.trigger = QComboBox()
        self.trigger.setEditable(True)
        self.trigger.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.trigger.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.trigger.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.trigger.activated.connect(lambda _i: self._changed())
        self.complement = QComboBox()
        self.complement.activated.connect(lambda _i: self._changed())
        self.why = QLabel("")
        self.why.setWordWrap(True)
        self.discount = dspin(0, 90, 5, 0, " % off")
        self.minutes = spin(30, 60, " minutes")
        self.headline = QLineEdit()
        self.cta = QLineEdit()
        self.platform = QComboBox()
        for key, name in PLATFORM_NAMES.items():
            self.platform.addItem(name, key)
        for w in (self.discount, self.minutes):
            w.valueChanged.connect(lambda _v: self._changed())
        for e in (self.headline, self.cta):
            e.textEdited.connect(lambda _t: self._changed())
        self.platform.activated.connect(lambda _i: self._changed())
        form_box = QGroupBox("The offer")
        form = QFormLayout(form_box)
        form.addRow("When the order holds", self.trigger)
        form.addRow("Offer", self.complement)
        form.addRow("", self.why)
        form.addRow("Discount", self.discount)
        form.addRow("Offer lasts", self.minutes)
        form.addRow("Headline", self.headline)
        form.addRow("Button", self.cta)
        form.addRow("Your store runs on", self.platform)
        self.copy_button = QPushButton("Copy HTML")
        self.copy_button.clicked.connect(self.copy_html)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self.save_file)
        self.use_button = QPushButton("Use this offer")
        self.use_button.setToolTip("Save it as the rule for this product so Results can measure it")
        self.use_button.clicked.connect(self.save_rule)
        buttons = QHBoxLayout()
        for b in (self.copy_button, self.save_button, self.use_button):
            b.setEnabled(False)
            buttons.addWidget(b)
        self.rules_model = DataFrameTableModel(
            pd.DataFrame(columns=["rule", "active"]), RULE_COLUMNS
        )
        self.rules = TablePanel(self.rules_model, export_name="offers.csv", compact=True)
        self.rules.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(form_box)
        lv.addLayout(buttons)
        lv.addWidget(self.rules, 1)
        self.preview = HtmlPreview()
        self.guide = QPlainTextEdit()
        self.guide.setReadOnly(True)
        tabs = QTabWidget()
        tabs.addTab(self.preview, "Preview")
        tabs.addTab(self.guide, "How to paste it")
        self.tabs = tabs
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.body.addWidget(split, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.rebuild)
        self.list_runner = type(self.runner)(self)

    # -- products ---------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        o = self.ctx.settings().offers
        p = self.ctx.settings().store.platform
        for w, v in ((self.discount, o.discount_percent), (self.minutes, o.window_minutes)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        self.headline.setText(o.headline)
        self.cta.setText(o.call_to_action)
        self.platform.setCurrentIndex(max(0, self.platform.findData(p)))
        store = self.ctx.store
        self.list_runner.run(
            lambda _p, _c: (product_choices(store), load_offers(store, active_only=False)),
            name="Reading products",
            on_success=self._show_choices,
            on_failure=self.messages.show_error,
        )

    def _show_choices(self, result: object) -> None:
        choices, offers = result  # type: ignore[misc]
        self.choices = choices
        current = self.trigger.currentData()
        for combo in (self.trigger, self.complement):
            combo.blockSignals(True)
            combo.clear()
        self.complement.addItem(SUGGESTED, None)
        for key, name in zip(choices["product_key"], choices["name"], strict=True):
            self.trigger.addItem(f"{name}  ({key})", key)
            self.complement.addItem(f"{name}  ({key})", key)
        for combo in (self.trigger, self.complement):
            combo.blockSignals(False)
        self.rules_model.set_frame(
            pd.DataFrame({"rule": [o.rule for o in offers], "active": [o.active for o in offers]}),
            RULE_COLUMNS,
        )
        self.messages.clear()
        if choices.empty:
            self.messages.show_message(self.Msg.no_products)
            return
        index = self.trigger.findData(current) if current else 0
        self.trigger.setCurrentIndex(max(index, 0))
        self.rebuild()

    # -- building ---------------------------------------------------------------------------
    def _changed(self) -> None:
        self._debounce.start()

    def rebuild(self) -> None:
        key = self.trigger.currentData()
        if not key:
            return
        store = self.ctx.store
        complement = self.complement.currentData()
        discount, minutes = self.discount.value(), self.minutes.value()
        headline, cta = self.headline.text(), self.cta.text()
        platform = str(self.platform.currentData())

        def work(_p: object, _c: object) -> Built:
            settings = load_settings(store)
            offer = build_offer(
                store,
                key,
                discount=discount,
                minutes=minutes,
                complement_key=complement,
                headline=headline,
                call_to_action=cta,
                platform=platform,
                settings=settings,
            )
            return Built(
                offer,
                render_snippet(offer, platform=platform, profile=settings.store),
                render_snippet(offer, platform=platform, with_js=False, profile=settings.store),
                render_guide(offer, platform=platform),
            )

        self.runner.run(
            work, name="Building the offer", on_success=self._show, on_failure=self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.built = None
        for b in (self.copy_button, self.save_button, self.use_button):
            b.setEnabled(False)
        self.why.setText("")
        self.messages.clear()
        self.messages.show_error(exc)

    def _show(self, result: object) -> None:
        assert isinstance(result, Built)
        self.built = result
        self.messages.clear()
        offer = result.offer
        ev = offer.evidence
        if ev is not None:
            self.why.setText(f"<b>{escape(offer.complement.name)}</b>: {escape(ev.reason)}")
        else:
            self.why.setText(f"You picked <b>{escape(offer.complement.name)}</b>.")
        self.preview.set_html(_page(result.preview))
        self.guide.setPlainText(result.guide)
        for b in (self.copy_button, self.save_button, self.use_button):
            b.setEnabled(True)

    # -- output -----------------------------------------------------------------------------
    def copy_html(self) -> None:
        if self.built is not None:
            QGuiApplication.clipboard().setText(self.built.snippet)
            self.messages.show_message(self.Msg.copied)

    def save_file(self) -> None:
        if self.built is None:
            return
        name = f"offer-{self.built.offer.trigger.product_key}.html".replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the offer's HTML", name, "HTML files (*.html)"
        )
        if path:
            Path(path).write_text(self.built.snippet, encoding="utf-8")
            self.messages.show_message(self.Msg.saved_file, path=path)

    def save_rule(self) -> None:
        if self.built is None:
            return
        store, offer = self.ctx.store, self.built.offer
        self.list_runner.run(
            lambda _p, _c: save_offer(store, offer),
            name="Saving the offer",
            writes=True,
            on_success=self._rule_saved,
            on_failure=self.messages.show_error,
        )

    def _rule_saved(self, offer: object) -> None:
        assert isinstance(offer, Offer)
        self.refresh()
        self.messages.show_message(self.Msg.saved_rule, rule=offer.rule)


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
