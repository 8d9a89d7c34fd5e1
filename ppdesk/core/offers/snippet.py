"""The exported thank-you block: HTML snippet, WooCommerce PHP wrapper, Shopify Checkout Blocks.

The HTML snippet (``offers/snippet.html``) is one self-contained ``<div>``: CSS scoped
under a unique id (every selector starts with ``#ppd-<uid>``, so it cannot restyle the
store's page), no request beyond the product image, a small vanilla script that picks
the rule matching the order, the discount variant from the order number, and runs a
countdown from the order's time (when the page fills ``data-order-time``) or first
view, kept in ``localStorage`` per order so a reload does not restart it; at zero the
block hides itself. ``with_js=False`` gives a static block for stores that strip scripts.

Shopify no longer runs pasted scripts on the thank-you/order-status page, so for
Shopify the export is a Checkout Blocks text + button (label and cart-permalink URL)
with a step-by-step guide; the HTML serves WooCommerce and any store that takes HTML.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ppdesk.core.offers.links import safe_http_url
from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant
from ppdesk.core.settings import StoreProfile
from ppdesk.core.templating import css_color, money, render, templates_dir

# What the page must put in data-order-* for the countdown and rules to use the order.
# WooCommerce: the PHP wrapper replaces these tokens; Shopify: Liquid (legacy pages).
_PLACEHOLDERS = {
    "woocommerce": ("__PPDESK_ORDER_TIME__", "__PPDESK_ORDER_NUMBER__",
                    "__PPDESK_ORDER_PRODUCTS__"),
    # Constants (never data), so marked safe: autoescape would turn ' into &#39; and break Liquid.
    "shopify": (Markup("{{ order.created_at | date: '%s' }}"), Markup("{{ order.order_number }}"),
                Markup("{{ order.line_items | map: 'sku' | join: '|' | escape }}")),
    "other": ("", "", ""),
}


def snippet_uid(offers: Sequence[Offer]) -> str:
    """Stable id of a block (same offers -> same id, so a re-paste keeps running timers)."""
    text = "|".join(f"{o.trigger.product_key}>{o.complement.product_key}:"
                    + ",".join(v.discount_code for v in o.variants) for o in offers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _how(platform: str, adds: bool, applies: bool, has_code: bool) -> str:
    """One line telling the customer what the button does (never "charge")."""
    if adds and applies and platform == "shopify":
        return "Opens a new checkout with this item and your discount; you pay only if you confirm."
    if adds and platform == "woocommerce":
        return ("Adds it to your cart; if the discount is not shown, enter the code at checkout."
                if has_code else "Adds it to your cart; you pay only if you check out.")
    if adds:
        return "Opens a new checkout with this item; you pay only if you confirm."
    if applies:
        return "Applies your discount and opens the product page."
    return "Enter the code at checkout." if has_code else "Opens the product page."


def _offer_view(offer: Offer, platform: str) -> dict[str, Any]:
    c = offer.complement
    variants = []
    for v in offer.variants:
        link = offer.link(v.position, platform=platform)
        after = offer.price_after(v.position)
        variants.append({
            "code": v.discount_code if v.has_discount else "",
            "pct": f"{v.discount_percent:g}%" if v.has_discount else "",
            "was": money(c.price, c.currency) if (c.price is not None and v.has_discount) else "",
            "now": money(after, c.currency) if after is not None else "",
            "url": link.url,
            "how": _how(platform, link.adds_to_cart, link.applies_code, v.has_discount),
        })
    return {"trigger": offer.trigger.product_key, "name": c.name,
            "image": safe_http_url(c.image_url), "headline": offer.headline,
            "body": offer.body, "cta": offer.call_to_action, "minutes": offer.window_minutes,
            "variants": variants}


def render_snippet(offers: Offer | Sequence[Offer], *, platform: str | None = None,
                   with_js: bool = True, profile: StoreProfile | None = None) -> str:
    """The HTML block for one offer or a rule list (first rule matching the order wins).

    ``platform`` decides the button links and which ``data-order-*`` placeholders the
    page is expected to fill (see the paste guides).
    """
    items = [offers] if isinstance(offers, Offer) else list(offers)
    if not items:
        raise ValueError("render_snippet needs at least one offer")
    platform = platform or items[0].platform
    profile = profile or StoreProfile()
    views = [_offer_view(o, platform) for o in items]
    first = dict(views[0], variant=views[0]["variants"][0])
    uid = snippet_uid(items)
    order_time, order_number, order_products = _PLACEHOLDERS.get(platform, _PLACEHOLDERS["other"])
    context = {
        "uid": uid, "first": first, "with_js": with_js,
        "config": {"uid": uid, "offers": views},
        "order_time": order_time, "order_number": order_number,
        # Where the page fills it, an order without any trigger product sees no offer.
        "order_products": order_products,
        "primary": css_color(profile.primary_color, "#1f6f5c"),
        "accent": css_color(profile.accent_color, "#f2b134"),
    }
    return render("offers/snippet.html", context)


def woocommerce_php(snippet_html: str) -> str:
    """A ``woocommerce_thankyou`` hook printing the block with the order's time, number, SKUs.

    The HTML sits in a PHP nowdoc (no interpolation) with a random terminator that is
    checked not to occur in it; the order values go in through ``esc_attr``.
    """
    while True:
        end = "PPDESK_OFFER_" + secrets.token_hex(6).upper()
        if end not in snippet_html:
            break
    return render("offers/woocommerce_hook.php.txt", {"html": snippet_html, "end": end})


@dataclass(frozen=True)
class CheckoutBlock:
    """What the merchant types into one Shopify Checkout Blocks text + button block."""

    trigger_key: str
    trigger_name: str
    text: str
    button_label: str
    button_url: str
    discount_code: str
    discount_percent: float
    adds_to_cart: bool
    note: str
    heading: str = ""  # the headline alone, for a Heading block above the text
    detail: str = ""  # the text without the headline, for under that Heading block
    image_url: str = ""  # the offered product's photo, for an Image block

    def fields(self) -> list[tuple[str, str]]:
        """``(what, value)`` of each field the merchant copies, in the guide's order."""
        out = [("Heading", self.heading), ("Text", self.detail or self.text),
               ("Button label", self.button_label), ("Button link", self.button_url)]
        if self.image_url:
            out.append(("Image address", self.image_url))
        if self.discount_code:
            out.append(("Discount code", self.discount_code))
        return out


def shopify_blocks(offers: Offer | Sequence[Offer]) -> list[CheckoutBlock]:
    """The Checkout Blocks export, one block per offer, first discount variant only.

    A Checkout Blocks block is the same for every order, so it cannot pick a variant
    by order number: discount tests on Shopify run one variant at a time (the guide says so).
    """
    items = [offers] if isinstance(offers, Offer) else list(offers)
    blocks = []
    for offer in items:
        v = offer.variants[0]
        c = offer.complement
        link = offer.link(0, platform="shopify")
        price = ""
        after = offer.price_after(0)
        if c.price is not None and after is not None and v.has_discount:
            price = f" ({money(c.price, c.currency)} → {money(after, c.currency)})"
        deal = f"{v.discount_percent:g}% off{price}" if v.has_discount else "yours to add"
        code = f" with code {v.discount_code}" if v.has_discount else ""
        detail = f"{c.name}, {deal}{code} for the next {offer.window_minutes} minutes."
        if offer.body:
            detail += " " + offer.body
        text = f"{offer.headline}: {detail}"
        blocks.append(CheckoutBlock(offer.trigger.product_key, offer.trigger.name, text,
                                    offer.call_to_action, link.url,
                                    v.discount_code if v.has_discount else "",
                                    v.discount_percent, link.adds_to_cart, link.note,
                                    heading=offer.headline, detail=detail,
                                    image_url=safe_http_url(c.image_url) or ""))
    return blocks


def with_local_photos(html: str, photos: dict[str, Path]) -> str:
    """The preview's HTML with each cached photo inlined (``data:`` URI), so the preview
    shows the real photo offline; the pasted block keeps the https address."""
    for url, path in photos.items():
        try:
            data = path.read_bytes()
        except OSError:
            continue
        kind = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
        uri = f"data:{kind};base64," + base64.b64encode(data).decode("ascii")
        html = html.replace(f'src="{escape(url)}"', f'src="{uri}"')
    return html


def render_guide(offers: Offer | Sequence[Offer], *, platform: str, with_js: bool = True,
                 snippet_file: str | None = None) -> str:
    """The step-by-step paste guide for ``platform``, filled with these offers' specifics."""
    items = [offers] if isinstance(offers, Offer) else list(offers)
    name = platform if platform in _PLACEHOLDERS else "other"
    context: dict[str, Any] = {
        "offers": items, "with_js": with_js, "snippet_file": snippet_file or "",
        "blocks": shopify_blocks(items) if name == "shopify" else [],
        "links": [[o.link(v.position, platform=name) for v in o.variants] for o in items],
        "coupon_param": items[0].coupon_param,
    }
    return render(f"guides/{name}.txt", context)


def guide_path(platform: str) -> str:
    """Where the unfilled default guide for ``platform`` lives (for the GUI's help link)."""
    name = platform if platform in _PLACEHOLDERS else "other"
    return str(templates_dir() / "guides" / f"{name}.txt")


def worst_case_offer(platform: str = "other") -> Offer:
    """A sample offer for the preview: long, accented, emoji, right-to-left and markup-like
    names, no image, no price; what the block must survive before it meets a real store."""
    trigger = OfferProduct(1, "SAMPLE-1", "قهوة عربية مختصة بالهيل", None, "USD")
    complement = OfferProduct(
        2, "SAMPLE-2", "Crème brûlée édition spéciale ☕️🔥 — extra-long limited-batch "
        "single-origin whole beans </script><script>alert(1)</script> \"><img src=x "
        "onerror=alert(1)>", None, "USD")
    return Offer(trigger, complement, (OfferVariant(0, 15.0, "THANKS15-1"),), 30,
                 "Complétez votre commande — 🎁", "Add to cart", platform,
                 "https://shop.example.com", "apply_coupon")
