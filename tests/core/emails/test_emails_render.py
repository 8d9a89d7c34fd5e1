"""Every default email template rendered for real stored customers (imported with the
real importer), plus the worst-case sample, the sandbox and header safety."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from shopdata import shop_store

from ppdesk.core.emails import (
    KINDS,
    EmailSources,
    preview_context,
    render_email,
    render_with_sources,
    save_custom_sources,
    worst_case_context,
)
from ppdesk.core.offers import set_product_details
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store
from ppdesk.core.templating import TemplateRenderError

TODAY = date(2026, 3, 18)


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def store(home: Path) -> Store:
    store = shop_store(home)
    settings = load_settings(store)
    settings.store.name = "Bean & Co"
    settings.store.postal_address = "12 Roast Street, Portland, OR 97201"
    settings.store.reply_to = "hello@bean.example"
    settings.store.store_url = "https://bean.example"
    settings.store.sign_off = "Brew well"
    save_settings(store, settings)
    for key, slug in (("MUG-1", "mug"), ("BEANS-1", "beans"), ("PAPER-1", "paper")):
        set_product_details(store, key, url=f"https://bean.example/products/{slug}",
                            image_url=f"https://cdn.bean.example/{slug}.jpg")
    return store


def customer_id(store: Store, email: str) -> int:
    conn = sqlite3.connect(store.db_path)
    try:
        return int(conn.execute("SELECT id FROM customers WHERE email = ?", (email,)).fetchone()[0])
    finally:
        conn.close()


def assert_email_basics(html: str, text: str, subject: str) -> None:
    assert "\r" not in subject and "\n" not in subject
    # Every rule inlined (Gmail/Outlook drop <style>); only @media rules stay behind.
    for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S):
        assert block.strip().startswith("@media"), block[:80]
    doc = Tags(html)
    styled = [t for t, a in doc.tags if t in ("p", "td", "a", "h1") and a.get("style")]
    assert len(styled) >= 5
    assert any(t == "table" and a.get("role") == "presentation" for t, a in doc.tags)
    assert "max-width: 600px" in html
    # CAN-SPAM footer in both parts: postal address and an unsubscribe.
    for part in (html, text):
        assert "12 Roast Street, Portland, OR 97201" in part
        assert "mailto:hello@bean.example?subject=Unsubscribe" in part
    assert "Brew well" in text and "Brew well" in html


def test_cross_sell_names_the_bought_product_its_suggestions_go_with(store: Store) -> None:
    ctx = preview_context(store, "cross_sell", today=TODAY)
    assert ctx["customer"]["first_name"] == "Hana"          # #1008, the newest order
    assert ctx["order"]["number"] == "#1008"
    # #1008 holds the mug (first line) and the beans; every one of the 9 filter orders
    # holds beans, only 6 of the 8 mug orders hold filters: the filters go with the beans.
    assert ctx["product"]["name"] == "Coffee beans"
    assert [c["key"] for c in ctx["cards"]] == ["PAPER-1"]
    mail = render_email(store, "cross_sell", ctx)
    assert mail.subject == "Your Coffee beans ships soon: here is what goes with it"
    assert_email_basics(mail.html, mail.text, mail.subject)
    for part in (mail.html, mail.text):
        assert "Paper filters" in part and "https://bean.example/products/paper" in part
        # the filters go with the beans, which the intro names: the card does not repeat it
        assert part.count("customers who bought the Coffee beans like to add") == 1
        assert "often add the Paper filters" not in part
        assert "9 of the 13" not in part and "chance" not in part  # figures stay with the merchant
        assert "$5.00" in part
    assert 'src="https://cdn.bean.example/paper.jpg"' in mail.html
    assert "Bean &amp; Co" in mail.html and "Bean & Co" in mail.text


def test_replenishment_counts_days_since_the_order(store: Store) -> None:
    ctx = preview_context(store, "replenishment", today=TODAY)
    assert ctx["days_since"] == 10                           # 2026-03-08 -> 2026-03-18
    mail = render_email(store, "replenishment", ctx)
    assert mail.subject == "Running low on Ceramic mug?"
    assert_email_basics(mail.html, mail.text, mail.subject)
    assert "10 days ago" in mail.text and "10 days ago" in mail.html
    assert "https://bean.example/products/mug" in mail.text


def test_review_links_to_the_reviews_of_the_product(store: Store) -> None:
    mail = render_email(store, "review", preview_context(store, "review", today=TODAY))
    # Of #1008's mug and beans, the suggestion (filters) goes with the beans: ask about them.
    assert mail.subject == "Hana, how do you like your Coffee beans?"
    assert_email_basics(mail.html, mail.text, mail.subject)
    review = ("https://bean.example/products/beans?utm_source=ppdesk&amp;utm_medium=email"
              "&amp;utm_campaign=review#reviews")
    assert f'href="{review}"' in mail.html
    assert review.replace("&amp;", "&") in mail.text


def test_loyalty_uses_the_customers_own_cadence(store: Store) -> None:
    ctx = preview_context(store, "loyalty", today=TODAY)
    assert ctx["customer"]["first_name"] == "Alice"          # the only repeat customer
    # Alice buys filters and beans on 2026-01-01, 01-29, 02-26: every 28 days.
    assert ctx["orders_count"] == 3 and ctx["cadence_days"] == 28
    mail = render_email(store, "loyalty", ctx)
    assert mail.subject == "Alice, thank you for coming back for the Coffee beans"
    assert_email_basics(mail.html, mail.text, mail.subject)
    assert "every 4 weeks" in mail.text and "every 4 weeks" in mail.html


def test_outbox_row_builds_its_own_context(store: Store) -> None:
    conn = sqlite3.connect(store.db_path)
    order_id, cust = conn.execute(
        "SELECT id, customer_id FROM orders WHERE store_order_id = '#1003'").fetchone()
    paper = conn.execute("SELECT id FROM products WHERE product_key = 'PAPER-1'").fetchone()[0]
    conn.close()
    row = {"customer_id": cust, "trigger_order_id": order_id, "product_ids": f"[{paper}]"}
    mail = render_email(store, "cross_sell", row, today=TODAY)
    assert "Cleo" in mail.text and "Paper filters" in mail.text


def test_outbox_rows_as_sqlite_rows_with_flow_details(store: Store) -> None:
    """The sender passes sqlite3.Row-like rows with the planner's ``details`` JSON."""
    conn = sqlite3.connect(store.db_path)
    conn.row_factory = sqlite3.Row
    ids = {r["product_key"]: r["id"] for r in conn.execute("SELECT id, product_key FROM products")}
    alice = conn.execute("SELECT o.id AS oid, o.customer_id AS cid FROM orders o "
                         "WHERE store_order_id = '#1029'").fetchone()
    review_row = conn.execute(
        "SELECT ? AS customer_id, ? AS trigger_order_id, ? AS product_ids, ? AS details",
        (alice["cid"], alice["oid"], f"[{ids['PAPER-1']}, {ids['MUG-1']}]",
         f'{{"reviewed": [{ids["PAPER-1"]}], "complements": [{ids["MUG-1"]}]}}')).fetchone()
    loyalty_row = conn.execute(
        "SELECT ? AS customer_id, NULL AS trigger_order_id, ? AS product_ids, ? AS details",
        (alice["cid"], f"[{ids['BEANS-1']}]", '{"purchases": 3, "cadence_days": 27}')).fetchone()
    conn.close()
    review = render_email(store, "review", review_row, today=TODAY)
    assert review.subject == "Alice, how do you like your Paper filters?"
    assert "Ceramic mug" in review.text and "https://bean.example/products/mug" in review.text
    loyalty = render_email(store, "loyalty", loyalty_row, today=TODAY)
    # The email's own cadence of the favourite (28 days), not the planner's all-orders one.
    assert "ordered from us 3 times" in loyalty.text and "every 4 weeks" in loyalty.text
    assert "Coffee beans" in loyalty.text


def test_every_kind_renders_for_every_sample(store: Store) -> None:
    settings = load_settings(store)
    for kind in KINDS:
        mail = render_with_sources(kind, worst_case_context(kind, settings=settings))
        assert_email_basics(mail.html, mail.text, mail.subject)
        assert "Åsa-Maríe" in mail.text
        assert "<script>" not in mail.html and "onerror=alert(1)>" not in mail.html


def test_hostile_imported_name_is_inert_in_html_and_subject(home: Path) -> None:
    hostile = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    store = shop_store(home, beans_name=hostile)
    cust = customer_id(store, "c9@example.com")               # bought only the beans
    mail = render_email(store, "replenishment", preview_context(store, "replenishment", cust,
                                                                today=TODAY))
    assert "<script>" not in mail.html and "<img src=x" not in mail.html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert hostile in mail.text                               # plain text shows it as it is
    assert mail.subject.startswith("Running low on </script>")


def test_subject_never_carries_line_breaks() -> None:
    ctx = worst_case_context("cross_sell")
    ctx["content"] = dict(ctx["content"], subject="Mug\r\nBcc: everyone@example.com")
    mail = render_with_sources("cross_sell", ctx)
    assert "\r" not in mail.subject and "\n" not in mail.subject
    assert "Bcc: everyone@example.com" in mail.subject         # kept as text, one line


def test_edited_templates_render_in_the_sandbox(store: Store) -> None:
    ctx = preview_context(store, "cross_sell", today=TODAY)
    with pytest.raises(TemplateRenderError, match="line 2"):
        render_email(store, "cross_sell", ctx, template_source="ok\n{{ ''.__class__ }}")
    custom = EmailSources(subject="Hey {{ customer.first_name }}\nBcc: x",
                          html="<p>{{ product.name }} <b>{{ '<i>' }}</b></p>")
    save_custom_sources(store, "cross_sell", custom)
    mail = render_email(store, "cross_sell", ctx)
    assert mail.subject == "Hey Hana Bcc: x"
    assert re.search(r"<p>Coffee beans <b>&lt;i&gt;</b></p>", mail.html)
    assert "Paper filters" in mail.text                       # default text part kept


def test_unknown_kind_is_an_input_error(store: Store) -> None:
    from ppdesk.core.errors import InputError

    with pytest.raises(InputError, match="unknown email kind"):
        preview_context(store, "newsletter")
