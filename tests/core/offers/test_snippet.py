"""The exported block, parsed with html.parser: self-contained, scoped, inert for hostile names."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant
from ppdesk.core.offers.snippet import render_guide, render_snippet, shopify_blocks, woocommerce_php
from ppdesk.core.settings import StoreProfile

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</style><style>body{display:none}</style>",
    "</script><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "{{ 7*7 }} ${7*7} \u2028\u2029 -->",
]


class Parsed(HTMLParser):
    """Collects tags with attributes, text, and the bodies of <style> and <script>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)

    def by_class(self, cls: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if cls in (a.get("class") or "").split()]


def make_offer(name: str = "Coffee beans", *, platform: str = "woocommerce",
               image: str | None = "https://cdn.example.com/beans.jpg",
               variants: tuple[float, ...] = (15,), trigger_name: str = "Mug") -> Offer:
    trigger = OfferProduct(1, "MUG-1", trigger_name, 12.0, "USD")
    comp = OfferProduct(2, "BEANS-1", name, 24.90, "USD", image_url=image, url=None,
                        platform_product_id="321", platform_variant_id="44556677")
    return Offer(trigger, comp,
                 tuple(OfferVariant(i, p, f"THANKS{p:g}-1") for i, p in enumerate(variants)),
                 30, "Complete your order", "Add to cart", platform, "https://shop.example.com",
                 "apply_coupon")


def css_selectors(css: str) -> list[str]:
    """Every selector of a stylesheet, with @media blocks opened up."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors: list[str] = []
    for match in re.finditer(r"([^{}]+)\{", css):
        head = match.group(1).strip()
        if head.startswith("@media"):
            continue
        selectors += [s.strip() for s in head.split(",")]
    return selectors


def test_block_is_one_root_with_scoped_css_and_no_outside_requests() -> None:
    html = render_snippet(make_offer())
    doc = Parsed(html)
    root = doc.tags[0]
    assert root[0] == "div" and root[1]["id"] and root[1]["id"].startswith("ppd-")
    uid = root[1]["id"]
    selectors = css_selectors("".join(doc.styles))
    assert len(selectors) >= 10
    assert all(s.startswith(f"#{uid}") for s in selectors), selectors
    css = "".join(doc.styles)
    assert "@import" not in css and "url(" not in css
    # Only the product image is fetched; the only link is the add-to-cart button.
    fetched = [(t, a) for t, a in doc.tags if "src" in a or (t == "link")]
    assert fetched == [("img", fetched[0][1])]
    assert fetched[0][1]["src"] == "https://cdn.example.com/beans.jpg"
    hrefs = [a["href"] for t, a in doc.tags if "href" in a]
    assert hrefs == ["https://shop.example.com/?add-to-cart=321&apply_coupon=THANKS15-1"]
    assert [t for t, _ in doc.tags].count("script") == 1
    assert not any(t in ("iframe", "object", "embed", "form") for t, _ in doc.tags)
    # The script makes no requests of its own either.
    script = "".join(doc.scripts)
    for word in ("fetch(", "XMLHttpRequest", "import(", "sendBeacon", "WebSocket", "eval("):
        assert word not in script


def test_prices_before_and_after_discount_are_shown() -> None:
    doc = Parsed(render_snippet(make_offer()))
    text = "".join(doc.text)
    assert "$24.90" in text and "$21.17" in text and "15% off" in text
    assert "THANKS15-1" in text and "Coffee beans" in text


def test_config_json_carries_every_variant_with_its_price_and_link() -> None:
    doc = Parsed(render_snippet(make_offer(variants=(15, 10, 0))))
    script = "".join(doc.scripts)
    raw = re.search(r"var cfg = (\{.*?\});\n", script, re.S)
    assert raw is not None
    cfg = json.loads(raw.group(1))
    variants = cfg["offers"][0]["variants"]
    assert [v["now"] for v in variants] == ["$21.17", "$22.41", "$24.90"]  # 24.90 x .9 = 22.41
    assert variants[2]["code"] == "" and "apply_coupon" not in variants[2]["url"]
    assert variants[1]["url"].endswith("apply_coupon=THANKS10-1")


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("with_js", [True, False])
def test_hostile_product_names_stay_text(name: str, with_js: bool) -> None:
    benign = Parsed(render_snippet(make_offer("Coffee beans"), with_js=with_js))
    html = render_snippet(make_offer(name, trigger_name=name), with_js=with_js)
    doc = Parsed(html)
    # Same element structure as with a harmless name: nothing became markup.
    assert [t for t, _ in doc.tags] == [t for t, _ in benign.tags]
    assert not any(k.startswith("on") for _, a in doc.tags for k in a)
    assert "".join(doc.styles) == "".join(benign.styles)
    # The name is shown as text, whole, in the name paragraph and the image's alt.
    assert name.strip() in "".join(doc.text)
    assert doc.by_class("ppd-img")[0]["alt"] == name
    for script in doc.scripts:
        assert "</" not in script and "<!--" not in script
        raw = re.search(r"var cfg = (\{.*?\});\n", script, re.S)
        assert raw is not None and json.loads(raw.group(1))["offers"][0]["name"] == name


def test_no_js_variant_has_no_script_and_states_the_window() -> None:
    doc = Parsed(render_snippet(make_offer(), with_js=False))
    assert "script" not in [t for t, _ in doc.tags]
    assert "Offer valid for 30 minutes after your order." in "".join(doc.text)


def test_missing_image_means_no_img_and_no_request() -> None:
    doc = Parsed(render_snippet(make_offer(image=None)))
    assert not [a for _, a in doc.tags if "src" in a]


def test_unsafe_image_url_is_dropped() -> None:
    doc = Parsed(render_snippet(make_offer(image="javascript:alert(1)")))
    assert not [a for _, a in doc.tags if "src" in a]


def test_merchant_colours_cannot_break_out_of_css() -> None:
    profile = StoreProfile(primary_color="red}body{display:none", accent_color="#abc")
    doc = Parsed(render_snippet(make_offer(), profile=profile))
    css = "".join(doc.styles)
    assert "display:none}" not in css.replace("[hidden]{display:none}", "")
    assert "#1f6f5c" in css and "#abc" in css


def test_platform_placeholders() -> None:
    woo = Parsed(render_snippet(make_offer(platform="woocommerce"))).tags[0][1]
    assert woo["data-order-time"] == "__PPDESK_ORDER_TIME__"
    shop = Parsed(render_snippet(make_offer(platform="shopify"))).tags[0][1]
    assert shop["data-order-time"] == "{{ order.created_at | date: '%s' }}"
    other = Parsed(render_snippet(make_offer(platform="other"))).tags[0][1]
    assert other["data-order-time"] == "" and other["data-order-number"] == ""


def test_rule_list_carries_each_trigger() -> None:
    first = make_offer()
    second = Offer(OfferProduct(3, "FILTER-9", "Filters", 5.0, "USD"), first.complement,
                   (OfferVariant(0, 10, "THANKS10-3"),), 45, "Add beans", "Add", "woocommerce",
                   "https://shop.example.com", "apply_coupon")
    script = "".join(Parsed(render_snippet([first, second])).scripts)
    cfg = json.loads(re.search(r"var cfg = (\{.*?\});\n", script, re.S).group(1))  # type: ignore[union-attr]
    assert [o["trigger"] for o in cfg["offers"]] == ["MUG-1", "FILTER-9"]
    assert [o["minutes"] for o in cfg["offers"]] == [30, 45]


def test_woocommerce_hook_wraps_the_html_in_a_nowdoc() -> None:
    html = render_snippet(make_offer())
    php = woocommerce_php(html)
    match = re.search(r"<<<'(PPDESK_OFFER_[0-9A-F]+)'\n(.*)\n\1;\n", php, re.S)
    assert match is not None
    assert match.group(2).strip() == html.strip()
    assert "add_action( 'woocommerce_thankyou'" in php
    assert php.count("esc_attr(") == 3


def test_shopify_checkout_blocks_export() -> None:
    block = shopify_blocks(make_offer(platform="shopify"))[0]
    assert block.button_url == "https://shop.example.com/cart/44556677:1?discount=THANKS15-1"
    assert block.button_label == "Add to cart"
    assert block.text == ("Complete your order: Coffee beans, 15% off ($24.90 → $21.17) with "
                          "code THANKS15-1 for the next 30 minutes.")
    guide = render_guide(make_offer(platform="shopify"), platform="shopify")
    assert "Checkout Blocks" in guide and block.button_url in guide
    assert "/variants/" in guide  # tells the merchant where the variant id is
    assert "one-click" in guide and "approved" in guide


def test_woocommerce_guide_is_honest_about_the_coupon_plugin() -> None:
    guide = render_guide(make_offer(), platform="woocommerce", snippet_file="offer.html")
    assert "does NOT apply a coupon" in guide and "?apply_coupon=CODE" in guide
    assert "offer.html.php" in guide and "THANKS15-1" in guide


def test_worst_case_sample_renders_inert() -> None:
    from ppdesk.core.offers.snippet import worst_case_offer

    for with_js in (True, False):
        doc = Parsed(render_snippet(worst_case_offer(), with_js=with_js))
        assert [t for t, _ in doc.tags].count("script") == (1 if with_js else 0)
        assert not [a for _, a in doc.tags if "src" in a]           # no image, no request
        assert not any(k.startswith("on") for _, a in doc.tags for k in a)
        assert "<script>alert(1)</script>" in "".join(doc.text)     # shown as text
        assert "hidden" not in doc.by_class("ppd-price")[0]   # no price, the discount shows
        assert "15% off" in "".join(doc.text)
        assert doc.by_class("ppd-was")[0] and "$" not in "".join(doc.text)
