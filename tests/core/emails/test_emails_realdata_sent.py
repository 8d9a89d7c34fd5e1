"""Cross-sell emails of a real store, SENT through the real planner and sender to the loopback
SMTP server: the shared wine shop's orders (read from ../shared/data/real-exports when
present), the one shared export with pairs strong enough to suggest after the correction
for chance. No shared catalogue belongs to this store, so photos, pages and variant ids
come from the stand-in catalogue of the demo tests. Its export says nothing about
marketing consent, so the merchant's soft opt-in is switched on (a setting), as a shop
mailing its own customers under that rule would.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import sqlite3
from pathlib import Path

import keyring
from email_checks import (
    STATS_WORDS,
    VARIANT_BASE,
    Parsed,
    cart_lines,
    fill_demo_catalogue,
    pair_evidence,
    query,
    store_links,
)
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import PASSWORD, USER, LoopbackSmtp

from ppdesk.core import secrets
from ppdesk.core.flows.outbox import list_messages
from ppdesk.core.flows.states import go_live
from ppdesk.core.importing import import_files
from ppdesk.core.sending.sender import send_due
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import open_store

EXPORT = "woocommerce_wine_shop_custom_export/woocommerce_orders.csv"


def test_real_cross_sells_are_sent_with_photos_cart_buttons_and_true_subjects(
        real_exports: Path, tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    try:
        store = open_store(tmp_path / "home")
        import_files(store, [real_exports / EXPORT])
        fill_demo_catalogue(store)
        conn = sqlite3.connect(store.db_path)
        try:
            newest = conn.execute("SELECT MAX(ordered_at) FROM orders").fetchone()[0]
        finally:
            conn.close()
        now = (dt.datetime.fromisoformat(newest) + dt.timedelta(days=2, hours=2)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        with LoopbackSmtp(tmp_path, mode="starttls") as server:
            settings = load_settings(store)
            settings.store.store_url = "https://wine.example.com"
            # the import set WooCommerce (the export's platform); the stand-in catalogue
            # above is Shopify-shaped (CDN photos, variant ids), so say the store is Shopify,
            # as a merchant would on the Settings page
            assert settings.store.platform == "woocommerce"
            settings.store.platform = "shopify"
            settings.store.postal_address = "1 Vineyard Lane, Stellenbosch, South Africa"
            settings.flows.soft_opt_in = True
            settings.flows.holdout_share = 0.0
            s = settings.sending
            s.host, s.port, s.security, s.username = "127.0.0.1", server.port, server.mode, USER
            s.from_address, s.allow_plaintext_keyring = "hello@wine.example.com", True
            s.per_minute, s.per_day = 1000, 10000
            save_settings(store, settings)
            secrets.store_password("127.0.0.1", USER, PASSWORD, allow_plaintext=True)
            go_live(store, ["cross_sell"], overdue="send", now=now)
            summary = send_due(store, now=now, ssl_context=server.client_ctx)
            received = list(server.received)
    finally:
        keyring.set_keyring(previous)

    assert summary.sent == len(received) >= 3, summary.to_json()
    rows = {str(r["message_id"]): r for r in
            list_messages(store, states=["sent"]).to_dict(orient="records")}
    conn = sqlite3.connect(store.db_path)
    try:
        names = {int(i): str(n) for i, n in conn.execute("SELECT id, name FROM products")}
        for got in received:
            msg = email.message_from_bytes(got.content, policy=email.policy.default)
            row = rows[str(msg["Message-ID"])]
            assert row["flow"] == "cross_sell"
            html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
            text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            subject = str(msg["Subject"])
            page = Parsed(html)
            photos = [str(i.get("src")) for i in page.images]
            assert len(photos) >= 2 and all(p.startswith("https://") for p in photos), photos
            assert all(i.get("alt") and i.get("width") for i in page.images)
            for part in (subject, html, text):
                assert not STATS_WORDS.search(part), STATS_WORDS.search(part)
            featured = [int(i) for i in re.findall(r"\d+", str(row["product_ids"]))]
            carts = [line for url in page.buttons() for line in cart_lines(url)]
            assert len(carts) >= 2
            assert all(v - VARIANT_BASE in featured and q == 1 for v, q in carts), carts
            for url in store_links(html, text):
                assert query(url).get("utm_campaign") == ["cross_sell"], url
            bought = [int(p) for (p,) in conn.execute(
                "SELECT product_id FROM order_lines WHERE order_id = ?",
                (int(row["trigger_order_id"]),))]
            named = [p for p in bought if names[p] in subject]
            assert named, (subject, [names[p] for p in bought])
            # The subject's product really goes with what is shown, counted from the tables.
            pairs = [pair_evidence(store, named[0], v - VARIANT_BASE) for v, _ in carts]
            assert sum(1 for p in pairs if p >= 3) * 2 >= len(pairs), (subject, pairs)
    finally:
        conn.close()

