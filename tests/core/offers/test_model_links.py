"""Offer price math (hand-worked), validation, discount codes and each platform's link."""

from __future__ import annotations

import pytest

from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import checked_id, checked_url, offer_link, safe_http_url
from ppdesk.core.offers.model import (
    checked_discount,
    checked_minutes,
    discount_code,
    discounted_price,
)


@pytest.mark.parametrize(("price", "pct", "expected"), [
    (24.90, 15, 21.17),    # 24.90 x 0.85 = 21.165 -> half-up 21.17 (float math gives 21.16)
    (10.00, 15, 8.50),
    (19.99, 12.5, 17.49),  # 19.99 x 0.875 = 17.49125
    (0.05, 50, 0.03),      # 0.025 -> 0.03
    (12.00, 0, 12.00),
    (99.99, 90, 10.00),    # 9.999 -> 10.00
])
def test_discounted_price_hand_worked(price: float, pct: float, expected: float) -> None:
    assert discounted_price(price, pct) == expected


def test_no_price_stays_none() -> None:
    assert discounted_price(None, 15) is None


@pytest.mark.parametrize("bad", [-1, 90.5, 100])
def test_discount_out_of_range(bad: float) -> None:
    with pytest.raises(InputError, match="between 0 and 90"):
        checked_discount(bad)


@pytest.mark.parametrize("bad", [29, 61, 0])
def test_window_out_of_range(bad: int) -> None:
    with pytest.raises(InputError, match="30 to 60 minutes"):
        checked_minutes(bad)
    assert checked_minutes(30) == 30 and checked_minutes(60) == 60


def test_discount_codes() -> None:
    assert discount_code("thanks", 15, 12) == "THANKS15-12"
    assert discount_code("Th@nks!", 12.5, 3) == "THNKS12P5-3"
    assert discount_code("", 10, 1) == "THANKS10-1"


def test_shopify_cart_permalink() -> None:
    link = offer_link("shopify", store_url="https://shop.example.com/", product_url=None,
                      platform_product_id=None, platform_variant_id="44556677",
                      discount_code="THANKS15-12")
    assert link.url == "https://shop.example.com/cart/44556677:1?discount=THANKS15-12"
    assert link.adds_to_cart and link.applies_code


def test_shopify_without_variant_id_uses_discount_link_to_product_page() -> None:
    link = offer_link("shopify", store_url="https://shop.example.com",
                      product_url="https://shop.example.com/products/beans?x=1",
                      platform_product_id=None, platform_variant_id=None,
                      discount_code="THANKS15-12")
    assert link.url == ("https://shop.example.com/discount/THANKS15-12"
                        "?redirect=%2Fproducts%2Fbeans")
    assert not link.adds_to_cart and link.applies_code


def test_woocommerce_add_to_cart_with_coupon_param() -> None:
    link = offer_link("woocommerce", store_url="https://wp.example.org", product_url=None,
                      platform_product_id="321", platform_variant_id=None,
                      discount_code="THANKS15-12", coupon_param="coupon-code")
    assert link.url == "https://wp.example.org/?add-to-cart=321&coupon-code=THANKS15-12"
    assert "plugin" in link.note


def test_zero_percent_arm_has_no_code_in_link() -> None:
    link = offer_link("shopify", store_url="https://s.example", product_url=None,
                      platform_product_id=None, platform_variant_id="9",
                      discount_code=None)
    assert link.url == "https://s.example/cart/9:1" and not link.applies_code


def test_other_platform_falls_back_to_product_page_or_store() -> None:
    link = offer_link("other", store_url="https://s.example", product_url="https://s.example/p/1",
                      platform_product_id="1", platform_variant_id="2", discount_code="C")
    assert link.url == "https://s.example/p/1" and not link.adds_to_cart
    with pytest.raises(InputError, match="needs a link"):
        offer_link("other", store_url="", product_url=None, platform_product_id=None,
                   platform_variant_id=None, discount_code="C")


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,x", "//evil.example/x",
                                 "https://ok.example/a b", 'https://x.example/"onmouseover="x',
                                 "ftp://x.example/f"])
def test_unsafe_urls_are_refused(bad: str) -> None:
    assert safe_http_url(bad) is None
    with pytest.raises(InputError, match="https://"):
        checked_url(bad, "the image URL")


def test_platform_ids_from_pasted_admin_text() -> None:
    assert checked_id("gid://shopify/ProductVariant/44556677", "id") == "44556677"
    assert checked_id("https://admin.shopify.com/store/x/products/1/variants/998877", "id") \
        == "998877"
    assert checked_id(" 321 ", "id") == "321"
    assert checked_id("", "id") is None
    with pytest.raises(InputError, match="digits"):
        checked_id("abc", "the variant id")


@pytest.mark.parametrize(("name", "key", "shown"), [
    ("Meerlust Rubicon 2018", "Meerlust Rubicon 2018", "Meerlust Rubicon 2018"),
    ("Meerlust Rubicon 2018", "meerlust-rubicon-2018", "Meerlust Rubicon 2018"),
    ("Meerlust Rubicon 2018", "", "Meerlust Rubicon 2018"),
    ("Mug", "SKU-4471", "Mug (SKU-4471)"),
    ("Mug", "mug-blue", "Mug (mug-blue)"),
])
def test_a_product_shows_its_key_only_when_the_name_does_not_say_it(
        name: str, key: str, shown: str) -> None:
    from ppdesk.core.offers.model import name_with_key
    assert name_with_key(name, key) == shown
