"""The email side of the one link builder: quantities in the cart, UTM tags per flow, codes
applied per platform, review links per review site. Expected URLs are written out by hand."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import offer_link, page_link, review_link, with_params

UTM = "utm_source=ppdesk&utm_medium=email&utm_campaign="


def test_shopify_reorder_fills_the_cart_with_the_same_quantity() -> None:
    link = offer_link("shopify", store_url="https://shop.example.com/", product_url=None,
                      platform_product_id=None, platform_variant_id="44556677",
                      discount_code=None, quantity=3, campaign="replenishment")
    assert link.url == f"https://shop.example.com/cart/44556677:3?{UTM}replenishment"
    assert link.adds_to_cart and not link.applies_code


def test_shopify_cart_permalink_applies_the_code_before_the_tags() -> None:
    link = offer_link("shopify", store_url="https://shop.example.com", product_url=None,
                      platform_product_id=None, platform_variant_id="9", discount_code="LOYAL10",
                      campaign="loyalty")
    assert link.url == f"https://shop.example.com/cart/9:1?discount=LOYAL10&{UTM}loyalty"


def test_without_a_campaign_links_stay_as_the_offer_builder_makes_them() -> None:
    link = offer_link("shopify", store_url="https://s.example", product_url=None,
                      platform_product_id=None, platform_variant_id="9", discount_code=None)
    assert link.url == "https://s.example/cart/9:1"


def test_woocommerce_quantity_and_tags() -> None:
    link = offer_link("woocommerce", store_url="https://wp.example.org", product_url=None,
                      platform_product_id="321", platform_variant_id=None,
                      discount_code=None, quantity=2, campaign="replenishment")
    assert link.url == ("https://wp.example.org/?add-to-cart=321&quantity=2&"
                        f"{UTM}replenishment")


def test_product_page_fallback_keeps_its_query_and_gets_the_tags() -> None:
    link = offer_link("other", store_url="https://s.example",
                      product_url="https://s.example/p/1?colour=red", platform_product_id=None,
                      platform_variant_id=None, discount_code=None, campaign="cross_sell")
    assert link.url == f"https://s.example/p/1?colour=red&{UTM}cross_sell"
    assert not link.adds_to_cart


def test_shopify_discount_link_tags_both_the_link_and_its_redirect() -> None:
    url = page_link("shopify", store_url="https://shop.example.com",
                    page_url="https://shop.example.com/products/beans", discount_code="THANKS",
                    campaign="loyalty")
    assert url is not None
    parts = urlsplit(url)
    assert parts.path == "/discount/THANKS"
    query = parse_qs(parts.query)
    assert query["redirect"] == [f"/products/beans?{UTM}loyalty"]
    assert query["utm_campaign"] == ["loyalty"]


def test_page_link_to_another_site_never_gets_a_shopify_discount_path() -> None:
    url = page_link("shopify", store_url="https://shop.example.com",
                    page_url="https://subscriptions.example.net/join", discount_code="THANKS",
                    campaign="loyalty")
    assert url == f"https://subscriptions.example.net/join?{UTM}loyalty"


def test_woocommerce_page_link_uses_the_coupon_plugin_parameter() -> None:
    url = page_link("woocommerce", store_url="https://wp.example.org", page_url=None,
                    discount_code="THANKS", campaign="cross_sell", coupon_param="coupon")
    assert url == f"https://wp.example.org/?coupon=THANKS&{UTM}cross_sell"
    with pytest.raises(InputError, match="coupon URL parameter"):
        page_link("woocommerce", store_url="https://wp.example.org", page_url=None,
                  discount_code="THANKS", campaign="x", coupon_param="bad param")


def test_page_link_needs_some_address() -> None:
    assert page_link("shopify", store_url="", page_url=None, discount_code=None,
                     campaign="review") is None


@pytest.mark.parametrize(("site", "expected"), [
    ("product_page", f"https://s.example/products/mug?{UTM}review#reviews"),
    ("judgeme", f"https://s.example/products/mug?{UTM}review#judgeme_product_reviews"),
    ("google", f"https://g.page/r/abc/review?{UTM}review"),
    ("etsy", f"https://g.page/r/abc/review?{UTM}review"),
])
def test_review_link_per_site(site: str, expected: str) -> None:
    assert review_link(site, product_url="https://s.example/products/mug",
                       review_page_url="https://g.page/r/abc/review",
                       campaign="review") == expected


def test_review_link_without_its_page_is_none() -> None:
    assert review_link("google", product_url="https://s.example/p", review_page_url="",
                       campaign="review") is None
    assert review_link("product_page", product_url=None, review_page_url="https://x.example",
                       campaign="review") is None


def test_with_params_replaces_and_keeps_the_fragment_last() -> None:
    assert with_params("https://s.example/a?utm_source=old&x=1#top", {"utm_source": "ppdesk"}) \
        == "https://s.example/a?x=1&utm_source=ppdesk#top"
