"""Building, saving and loading offers on a store filled by the real importer."""

from __future__ import annotations

from pathlib import Path

import pytest
from shopdata import shop_store

from ppdesk.core.errors import InputError
from ppdesk.core.offers import (
    build_all_offers,
    build_offer,
    load_offers,
    render_snippet,
    save_offer,
    set_product_details,
)
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store


@pytest.fixture
def store(home: Path) -> Store:
    return shop_store(home)


def test_complement_comes_from_analytics_with_its_figures(store: Store) -> None:
    offer = build_offer(store, "MUG-1")
    assert offer.complement.product_key == "BEANS-1"
    assert offer.evidence is not None
    assert offer.evidence.orders_together == 8      # every one of the 8 mug orders
    assert offer.evidence.confidence == 1.0
    # Hypergeometric tail by hand: P(X >= 8) = C(13,8) / C(29,8) = 1287 / 4292145.
    assert offer.evidence.p_value == pytest.approx(1287 / 4292145)
    assert [v.discount_percent for v in offer.variants] == [15.0]
    assert offer.window_minutes == 30
    assert offer.price_after(0) == 21.17             # 24.90 less 15 %, half-up
    assert offer.variants[0].discount_code == f"THANKS15-{offer.trigger.product_id}"


def test_test_discounts_become_variants(store: Store) -> None:
    offer = build_offer(store, "MUG-1", discount=15, test_discounts=[10, 0, 10], minutes=45)
    assert [(v.position, v.discount_percent) for v in offer.variants] == [
        (0, 15.0), (1, 10.0), (2, 0.0)]
    assert offer.window_minutes == 45
    assert offer.price_after(1) == 22.41 and offer.price_after(2) == 24.90


def test_save_and_load_round_trip_and_replace(store: Store) -> None:
    saved = save_offer(store, build_offer(store, "MUG-1", test_discounts=[10]))
    assert saved.id is not None
    loaded = load_offers(store)
    assert len(loaded) == 1
    assert loaded[0].complement.product_key == "BEANS-1"
    assert [(v.discount_percent, v.discount_code) for v in loaded[0].variants] == [
        (v.discount_percent, v.discount_code) for v in saved.variants]
    again = save_offer(store, build_offer(store, "MUG-1", discount=12, minutes=60))
    assert again.id == saved.id
    loaded = load_offers(store)
    assert len(loaded) == 1 and loaded[0].window_minutes == 60
    assert [v.discount_percent for v in loaded[0].variants] == [12.0]


def test_unknown_product_suggests_close_keys(store: Store) -> None:
    with pytest.raises(InputError, match="did you mean 'MUG-1'"):
        build_offer(store, "MUG-2")
    with pytest.raises(InputError, match="'MUG-1'"):
        build_offer(store, "ceramic mug")


def test_product_without_complement_says_what_to_do(store: Store) -> None:
    with pytest.raises(InputError, match="--complement"):
        build_offer(store, "TEA-1")
    offer = build_offer(store, "TEA-1", complement_key="MUG-1")
    assert offer.complement.product_key == "MUG-1" and offer.evidence is None


def test_bad_inputs(store: Store) -> None:
    with pytest.raises(InputError, match="between 0 and 90"):
        build_offer(store, "MUG-1", discount=95)
    with pytest.raises(InputError, match="30 to 60"):
        build_offer(store, "MUG-1", minutes=20)
    with pytest.raises(InputError, match="must differ"):
        build_offer(store, "MUG-1", complement_key="MUG-1")


def test_merchant_entered_fields_are_checked_and_used(store: Store) -> None:
    with pytest.raises(InputError, match="https://"):
        set_product_details(store, "BEANS-1", image_url="javascript:alert(1)")
    set_product_details(store, "BEANS-1", image_url="https://cdn.example.com/b.jpg",
                        url="https://shop.example.com/products/beans",
                        platform_variant_id="gid://shopify/ProductVariant/4455",
                        platform_product_id="77")
    settings = load_settings(store)
    settings.store.store_url = "https://shop.example.com"
    save_settings(store, settings)
    offer = build_offer(store, "MUG-1", platform="shopify")
    assert offer.complement.image_url == "https://cdn.example.com/b.jpg"
    assert offer.link(0).url == (
        f"https://shop.example.com/cart/4455:1?discount=THANKS15-{offer.trigger.product_id}")
    woo = build_offer(store, "MUG-1", platform="woocommerce")
    assert woo.link(0).url == ("https://shop.example.com/?add-to-cart=77&apply_coupon="
                               f"THANKS15-{offer.trigger.product_id}")


def test_all_products_at_once(store: Store) -> None:
    offers, skipped = build_all_offers(store)
    pairs = {o.trigger.product_key: o.complement.product_key for o in offers}
    assert pairs == {"MUG-1": "BEANS-1", "BEANS-1": "PAPER-1", "PAPER-1": "BEANS-1"}
    assert [k for k, _ in skipped] == ["TEA-1"]
    for offer in offers:
        save_offer(store, offer)
    assert {o.rule.split(" (")[0] for o in load_offers(store)} == {
        "If the order holds Ceramic mug", "If the order holds Coffee beans",
        "If the order holds Paper filters"}


def test_hostile_name_from_an_import_is_inert(home: Path) -> None:
    hostile = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    store = shop_store(home, beans_name=hostile)
    settings = load_settings(store)
    settings.store.store_url = "https://shop.example.com"
    save_settings(store, settings)
    html = render_snippet(build_offer(store, "MUG-1", platform="other"))
    assert hostile not in html
    assert html.count("<script>") == 1 and html.count("</script>") == 1
    assert "onerror=alert(1)>" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
