"""Offers page: the suggested complement and why, live preview, Copy HTML, saving the rule."""

from __future__ import annotations

from page_helpers import show_page
from PySide6.QtGui import QGuiApplication

from ppdesk.core.offers import load_offers
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.offers_page import OffersPage
from ppdesk.ui.tasks import running_tasks


def test_suggest_preview_copy_and_save(qtbot, demo_ctx: AppContext) -> None:
    page = OffersPage(demo_ctx)
    show_page(qtbot, page, ready=lambda: page.built is not None)
    built = page.built
    assert built.offer.trigger.product_key == page.trigger.currentData()
    assert built.offer.evidence is not None
    assert built.offer.complement.name in page.why.text()
    assert built.offer.complement.name in page.preview.html()
    # a new discount re-renders the preview with the new figure
    page.discount.setValue(20)
    qtbot.waitUntil(lambda: page.built is not built and not running_tasks(), timeout=30000)
    assert page.built.offer.variants[0].discount_percent == 20
    assert "20% off" in page.preview.html()
    page.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == page.built.snippet
    assert "<script" in copied  # the pasted block has its countdown; the preview does not
    assert "<script" not in page.preview.html()
    assert page.built.offer.complement.name in copied
    page.use_button.click()
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 1 and not running_tasks(), timeout=30000)
    saved = load_offers(demo_ctx.store, active_only=False)
    assert [o.trigger.product_key for o in saved] == [built.offer.trigger.product_key]
    assert saved[0].variants[0].discount_percent == 20
