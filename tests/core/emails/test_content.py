"""The content model: fields a merchant edits as data, tokens filled safely, defaults that
sell without a single statistic, per-flow choices (code, review site, subscription)."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from email_checks import STATS_WORDS, Parsed
from shopdata import shop_store

from ppdesk.core.emails import KINDS, preview_context, render_email, render_with_sources
from ppdesk.core.emails.cards import LinkContext, card, image_src
from ppdesk.core.emails.content import (
    DEFAULTS,
    TEXT_FIELDS,
    EmailContent,
    every,
    everyday_days,
    fill,
    load_content,
    reset_content,
    save_content,
)
from ppdesk.core.emails.context import worst_case_context
from ppdesk.core.errors import InputError
from ppdesk.core.offers import set_product_details
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store
from ppdesk.core.store.products_queries import ProductRow
from ppdesk.core.templating import templates_dir

UTM = "utm_source=ppdesk&utm_medium=email&utm_campaign="


@pytest.fixture
def store(home: Path) -> Store:
    store = shop_store(home)
    settings = load_settings(store)
    settings.store.name = "Bean & Co"
    settings.store.store_url = "https://bean.example"
    settings.store.reply_to = "hello@bean.example"
    save_settings(store, settings)
    for i, (key, slug) in enumerate((("MUG-1", "mug"), ("BEANS-1", "beans"),
                                     ("PAPER-1", "paper")), start=1):
        set_product_details(store, key, url=f"https://bean.example/products/{slug}",
                            image_url=f"https://cdn.bean.example/{slug}.jpg",
                            platform_variant_id=str(1000 + i))
    return store


def test_fill_replaces_known_tokens_and_keeps_unknown_ones() -> None:
    assert fill("Hi {first_name}, your {product} and {other}.",
                {"first_name": "Ann", "product": "Mug"}) == "Hi Ann, your Mug and {other}."


def test_fill_leaves_out_the_sentence_whose_value_is_missing() -> None:
    text = "You ordered it {days_since} ago. Most reorder after {reorder_time}. Enjoy!"
    assert fill(text, {"days_since": "10 days", "reorder_time": ""}) \
        == "You ordered it 10 days ago. Enjoy!"


@pytest.mark.parametrize(("days", "words", "rhythm"), [
    (1, "a day", "every day"), (10, "10 days", "every 10 days"), (20, "20 days", "every 20 days"),
    (21, "3 weeks", "every 3 weeks"), (28, "4 weeks", "every 4 weeks"),
    (55, "8 weeks", "every 8 weeks"), (60, "2 months", "every 2 months"),
    (137, "5 months", "every 5 months"), (None, "", ""), (0, "", ""),
])
def test_days_in_everyday_words(days: int | None, words: str, rhythm: str) -> None:
    assert everyday_days(days) == words and every(days) == rhythm


def test_a_field_is_text_never_markup_or_template_code(store: Store) -> None:
    hostile = "<b>{first_name}</b> {{ 7 * 7 }} {% raw %} <a href=javascript:x>"
    content = dataclasses.replace(DEFAULTS["cross_sell"], heading=hostile, subject=hostile)
    save_content(store, "cross_sell", content)
    mail = render_email(store, "cross_sell", preview_context(store, "cross_sell"))
    assert "&lt;b&gt;Hana&lt;/b&gt; {{ 7 * 7 }} {% raw %} &lt;a href=javascript:x&gt;" in mail.html
    assert "<b>Hana</b> {{ 7 * 7 }} {% raw %} <a href=javascript:x>" in mail.text
    assert "49" not in mail.subject and "<b>Hana</b>" in mail.subject


def test_saved_content_round_trips_and_resets(store: Store) -> None:
    assert load_content(store, "review") == DEFAULTS["review"]
    edited = dataclasses.replace(DEFAULTS["review"], heading="Hello {first_name}!",
                                 review_site="google",
                                 review_page_url="https://g.page/r/abc/review")
    save_content(store, "review", edited)
    assert load_content(store, "review") == edited
    assert load_content(store, "cross_sell") == DEFAULTS["cross_sell"]   # per flow
    reset_content(store, "review")
    assert load_content(store, "review") == DEFAULTS["review"]


@pytest.mark.parametrize(("change", "message"), [
    ({"intro": "Hi {frist_name}"}, r"intro of the cross_sell email uses \{frist_name\}"),
    ({"subject": "one\nBcc: x"}, "subject of the cross_sell email must be one line"),
    ({"discount_code": "10% OFF"}, "discount code"),
    ({"review_site": "trustpilot"}, "review site must be one of"),
    ({"subscribe_url": "javascript:alert(1)"}, "subscribe page URL"),
    ({"heading": "x" * 501}, "longer than 500"),
    ({"offer": "subscription"}, "enter the web address of the store's subscribe page"),
])
def test_bad_fields_are_refused_and_nothing_is_saved(store: Store, change: dict[str, str],
                                                    message: str) -> None:
    with pytest.raises(InputError, match=message):
        save_content(store, "cross_sell", dataclasses.replace(DEFAULTS["cross_sell"], **change))
    assert load_content(store, "cross_sell") == DEFAULTS["cross_sell"]


def test_defaults_and_templates_hold_no_statistics_words() -> None:
    for flow, content in DEFAULTS.items():
        for name in TEXT_FIELDS:
            assert not STATS_WORDS.search(getattr(content, name)), (flow, name)
    for path in (templates_dir() / "emails").iterdir():
        assert not STATS_WORDS.search(path.read_text(encoding="utf-8")), path.name


def test_no_rendered_email_holds_statistics(store: Store) -> None:
    for kind in KINDS:
        for ctx in (preview_context(store, kind), worst_case_context(kind)):
            mail = render_with_sources(kind, ctx)
            for part in (mail.subject, mail.html, mail.text):
                assert not STATS_WORDS.search(part), (kind, STATS_WORDS.search(part))


def test_the_plain_text_part_has_the_same_links(store: Store) -> None:
    for kind in KINDS:
        mail = render_email(store, kind, preview_context(store, kind))
        hrefs = {str(a["href"]).replace("&amp;", "&") for a in Parsed(mail.html).links}
        assert hrefs, kind
        for href in hrefs:
            assert href in mail.text, (kind, href)


def test_cross_sell_has_no_code_by_default_and_an_optional_one_per_flow(store: Store) -> None:
    plain = render_email(store, "cross_sell", preview_context(store, "cross_sell"))
    buttons = Parsed(plain.html).buttons()
    assert f"https://bean.example/cart/1003:1?{UTM}cross_sell" in buttons
    assert "discount" not in plain.html and "Use this code" not in plain.text
    save_content(store, "cross_sell", dataclasses.replace(DEFAULTS["cross_sell"],
                                                          discount_code="PAIR10"))
    coded = render_email(store, "cross_sell", preview_context(store, "cross_sell"))
    carts = [u for u in Parsed(coded.html).buttons() if "/cart/" in u]
    assert carts and all(parse_qs(urlsplit(u).query)["discount"] == ["PAIR10"] for u in carts)
    assert "Use this code at checkout: PAIR10" in coded.text
    # The other flows keep their own (empty) code.
    assert "PAIR10" not in render_email(store, "review", preview_context(store, "review")).html


def test_subscription_offer_links_the_stores_subscribe_page(store: Store) -> None:
    content = dataclasses.replace(DEFAULTS["loyalty"], offer="subscription",
                                  subscribe_url="https://bean.example/pages/subscribe")
    save_content(store, "loyalty", content)
    mail = render_email(store, "loyalty", preview_context(store, "loyalty"))
    assert f'href="https://bean.example/pages/subscribe?{UTM.replace("&", "&amp;")}loyalty"' \
        in mail.html
    # Alice reorders filters and beans every 28 days: the offer names her own rhythm.
    assert "delivered every 4 weeks" in mail.text
    assert "Subscribe" in Parsed(mail.html).text


def test_loyalty_without_a_code_promises_no_reward(store: Store) -> None:
    mail = render_email(store, "loyalty", preview_context(store, "loyalty"))
    assert "reward" not in mail.text.lower()
    save_content(store, "loyalty", dataclasses.replace(DEFAULTS["loyalty"],
                                                       discount_code="LOYAL10"))
    mail = render_email(store, "loyalty", preview_context(store, "loyalty"))
    assert "reward" in mail.text.lower() and "LOYAL10" in mail.text
    reward = [u for u in Parsed(mail.html).buttons() if "/discount/LOYAL10" in u]
    assert reward and parse_qs(urlsplit(reward[0]).query)["redirect"] == [f"/?{UTM}loyalty"]


def _row(price: float | None, image: str | None = "https://cdn.shopify.com/s/p.jpg") -> ProductRow:
    return ProductRow(7, "SPF-50", None, "SPF 50", price, "USD", image,
                      "https://shop.example/products/spf", None, "42")


def test_card_shows_the_compare_at_price_only_when_higher() -> None:
    links = LinkContext("shopify", "https://shop.example", "apply_coupon", "cross_sell")
    higher = card(_row(26.0), links, currency="USD", sentence="s", button_text="Add",
                  compare_at=32.0)
    assert (higher["price_text"], higher["compare_text"]) == ("$26.00", "$32.00")
    lower = card(_row(26.0), links, currency="USD", sentence="s", button_text="Add",
                 compare_at=20.0)
    assert lower["compare_text"] == ""
    assert higher["button_url"] == f"https://shop.example/cart/42:1?{UTM}cross_sell"
    ctx = worst_case_context("cross_sell")
    ctx["cards"] = [higher]
    html = render_with_sources("cross_sell", ctx).html
    assert re.search(r'class="card-was"[^>]*>\$32\.00</span>', html) and "$26.00" in html


def test_images_are_https_sized_and_shopify_cdn_is_asked_for_the_shown_size() -> None:
    assert image_src("http://cdn.example/p.jpg") == ""
    assert image_src("javascript:alert(1)") == ""
    assert image_src("https://cdn.example/p.jpg") == "https://cdn.example/p.jpg"
    assert image_src("https://cdn.shopify.com/s/p.jpg?v=3") \
        == "https://cdn.shopify.com/s/p.jpg?v=3&width=240&height=240&crop=center"


def test_every_field_of_every_default_is_a_plain_string() -> None:
    for content in DEFAULTS.values():
        assert isinstance(content, EmailContent)
        assert all(isinstance(getattr(content, f.name), str)
                   for f in dataclasses.fields(EmailContent))


def test_cross_sell_without_suggestions_keeps_the_thanks_and_drops_the_promise(
        store: Store) -> None:
    cust = customer_id_of(store, "t0@example.com")          # bought only green tea
    ctx = preview_context(store, "cross_sell", cust)
    assert ctx["cards"] == []
    assert ctx["content"]["intro"] == "Thanks for your order!"
    mail = render_email(store, "cross_sell", ctx)
    assert "like to add" not in mail.text and "Picked to go" not in mail.text


def test_review_without_a_review_page_asks_for_a_reply(store: Store) -> None:
    save_content(store, "review", dataclasses.replace(DEFAULTS["review"], review_site="google"))
    mail = render_email(store, "review", preview_context(store, "review"))
    assert "Just reply to this email with a few words" in mail.text
    assert "Write a review" not in mail.text and "#reviews" not in mail.html


def test_woocommerce_buttons_add_the_product_with_its_id(store: Store) -> None:
    settings = load_settings(store)
    settings.store.platform = "woocommerce"
    save_settings(store, settings)
    set_product_details(store, "PAPER-1", url="https://bean.example/products/paper",
                        image_url="https://cdn.bean.example/paper.jpg", platform_product_id="77")
    mail = render_email(store, "cross_sell", preview_context(store, "cross_sell"))
    assert f"https://bean.example/?add-to-cart=77&{UTM}cross_sell" in Parsed(mail.html).buttons()


def test_loyalty_reorders_what_the_customer_took_last_time(home: Path) -> None:
    from flow_builders import StoreBuilder

    shop = StoreBuilder(home)
    shop.product("beans")
    shop.product("mug")
    for day in ("2026-01-01", "2026-01-22", "2026-02-12"):
        shop.order("kim@example.org", f"{day} 10:00", ["beans"])
    shop.order("kim@example.org", "2026-02-20 10:00", ["mug"])      # the trigger: a mug
    beans = shop.product("beans")
    raw = sqlite3.connect(shop.store.db_path)
    with raw:
        raw.execute("UPDATE order_lines SET quantity = 2 WHERE order_id = 3")  # 2 bags last time
    raw.close()
    set_product_details(shop.store, "beans", url="https://bean.example/products/beans",
                        platform_variant_id="555")
    settings = load_settings(shop.store)
    settings.store.store_url = "https://bean.example"
    save_settings(shop.store, settings)
    ctx = preview_context(shop.store, "loyalty")
    assert ctx["product"]["id"] == beans and ctx["cadence_days"] == 21
    assert ctx["cards"][0]["button_url"] == f"https://bean.example/cart/555:2?{UTM}loyalty"
    assert "You reorder the Beans every 3 weeks." in ctx["content"]["intro"]


def customer_id_of(store: Store, email: str) -> int:
    conn = sqlite3.connect(store.db_path)
    try:
        return int(conn.execute("SELECT id FROM customers WHERE email = ?",
                                (email,)).fetchone()[0])
    finally:
        conn.close()


def test_an_unknown_first_name_is_left_out_with_its_comma() -> None:
    """Hand-worked: no name known must not read 'is almost on its way, there'."""
    from ppdesk.core.emails.content import DEFAULTS, fill

    none = {"first_name": "", "product": "Pinotage 2020"}
    ann = {**none, "first_name": "Ann"}
    cases = {
        DEFAULTS["cross_sell"].heading: ("Your Pinotage 2020 is almost on its way",
                                         "Your Pinotage 2020 is almost on its way, Ann"),
        DEFAULTS["replenishment"].heading: ("Time for more Pinotage 2020?",
                                            "Time for more Pinotage 2020, Ann?"),
        DEFAULTS["review"].subject: ("How do you like your Pinotage 2020?",
                                     "Ann, how do you like your Pinotage 2020?"),
        DEFAULTS["review"].heading: ("How is it going?", "How is it going, Ann?"),
        DEFAULTS["loyalty"].heading: ("Thank you for coming back",
                                      "Thank you for coming back, Ann"),
        "Hi {first_name}, your order shipped.": ("Hi there, your order shipped.",
                                                 "Hi Ann, your order shipped."),
        "Dear {first_name}, it shipped.": ("Dear customer, it shipped.",
                                           "Dear Ann, it shipped."),
        "{first_name}! Your order shipped.": ("Your order shipped.",
                                              "Ann! Your order shipped."),
        "Thanks {first_name}! It shipped. {first_name}: see you soon.": (
            "Thanks! It shipped. See you soon.", "Thanks Ann! It shipped. Ann: see you soon."),
        # the name as the object of for/to/with becomes "you"; elsewhere it is left out
        "We saved one for {first_name}.": ("We saved one for you.",
                                           "We saved one for Ann."),
        "Made with {first_name}, by hand.": ("Made with you, by hand.",
                                             "Made with Ann, by hand."),
        "A note to {first_name}": ("A note to you", "A note to Ann"),
        "Thanks {first_name} for your order.": ("Thanks for your order.",
                                                "Thanks Ann for your order."),
        "Good news for {first_name} and the team.": ("Good news for you and the team.",
                                                     "Good news for Ann and the team."),
        "Sent to {first_name}'s door.": ("Sent to your door.", "Sent to Ann's door."),
        "{first_name}'s picks. {first_name}’s box.": ("Your picks. Your box.",
                                                   "Ann's picks. Ann’s box."),
    }
    for text, (without, with_name) in cases.items():
        assert fill(text, none) == without, text
        assert fill(text, ann) == with_name, text
