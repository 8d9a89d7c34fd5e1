"""Every flow's email for real customers of a shared real export (read from
../shared/data/real-exports when present), with the stand-in catalogue of the demo
tests: no statistics, https photos, buttons that put the shown product in the cart,
subjects that name a product the customer bought. These small stores have no pair
strong enough to suggest, so L2 shows no card (the planner would not send it), which is
checked too: no suggestion is ever invented.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from email_checks import STATS_WORDS, VARIANT_BASE, Parsed, cart_lines, fill_demo_catalogue

from ppdesk.core.emails import KINDS, preview_context, render_email
from ppdesk.core.importing import import_files
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import open_store

FOLDER = "shopify_danilo_us"
CUSTOMERS = 12


@pytest.mark.parametrize("kind", KINDS)
def test_real_customers_get_emails_a_store_would_send(real_exports: Path, tmp_path: Path,
                                                      kind: str) -> None:
    (tmp_path / "store").mkdir()
    store = open_store(tmp_path / "store")
    import_files(store, sorted((real_exports / FOLDER).glob("*.csv")), platform="shopify")
    settings = load_settings(store)
    settings.store.store_url = "https://daybreak-and-hound.example.com"
    save_settings(store, settings)
    fill_demo_catalogue(store)
    conn = sqlite3.connect(store.db_path)
    try:
        customers = [int(r[0]) for r in conn.execute(
            "SELECT customer_id FROM orders WHERE customer_id IS NOT NULL AND cancelled = 0 "
            "GROUP BY customer_id ORDER BY COUNT(*) DESC, MAX(ordered_at) DESC LIMIT ?",
            (CUSTOMERS,))]
        bought = {c: {str(n) for (n,) in conn.execute(
            "SELECT DISTINCT p.name FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "JOIN products p ON p.id = l.product_id WHERE o.customer_id = ?", (c,))}
            for c in customers}
    finally:
        conn.close()
    assert len(customers) == CUSTOMERS
    for customer in customers:
        ctx = preview_context(store, kind, customer)
        mail = render_email(store, kind, ctx)
        for part in (mail.subject, mail.html, mail.text):
            assert not STATS_WORDS.search(part), (kind, STATS_WORDS.search(part))
        assert any(name in mail.subject for name in bought[customer]), mail.subject
        page = Parsed(mail.html)
        assert all(str(i.get("src")).startswith("https://") and i.get("alt")
                   for i in page.images)
        shown = {c["id"] for c in ctx["cards"]}
        for url in page.buttons():
            for variant, qty in cart_lines(url):
                assert variant - VARIANT_BASE in shown and qty >= 1, url
        if kind == "cross_sell":
            assert ctx["cards"] == []                    # nothing strong enough to suggest
        if kind in ("replenishment", "loyalty"):
            assert len(ctx["cards"]) == 1 and ctx["cards"][0]["image_url"].startswith("https://")
