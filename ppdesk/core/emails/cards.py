"""Product cards of an email: photo, name, price (with the compare-at price when higher),
one sentence for the customer, and a button that puts the product in the cart.

Every URL comes from ``core/offers/links.py`` (the one module that builds store links),
tagged with the flow's UTM campaign and the flow's discount code where one applies.
Images: only ``https`` sources are shown (an ``http`` image is blocked or flagged as
insecure by most mail apps), always with alt text and a width and height; Shopify's
CDN is asked for a square crop at twice the display size, so the stated size is the
real one on every screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import offer_link, page_link, safe_http_url, with_params
from ppdesk.core.store import products_queries as pq
from ppdesk.core.templating import money

IMAGE_PX = 120
_RESIZING_CDNS = ("cdn.shopify.com",)


@dataclass(frozen=True)
class LinkContext:
    """What every link of one email shares."""

    platform: str
    store_url: str
    coupon_param: str
    campaign: str
    discount_code: str = ""


def image_src(url: str | None) -> str:
    """An https image URL fit for an email ("" when there is none or it is not https)."""
    good = safe_http_url(url)
    if good is None or urlsplit(good).scheme.lower() != "https":
        return ""
    if urlsplit(good).netloc.lower() in _RESIZING_CDNS:
        size = str(IMAGE_PX * 2)
        return with_params(good, {"width": size, "height": size, "crop": "center"})
    return good


def product_page(row: pq.ProductRow, links: LinkContext) -> str:
    """The product's page (else the store) with UTM tags and the code applied; "" if none."""
    return page_link(links.platform, store_url=links.store_url, page_url=row.url,
                     discount_code=links.discount_code or None, campaign=links.campaign,
                     coupon_param=links.coupon_param) or ""


def cart_url(row: pq.ProductRow, links: LinkContext, quantity: int = 1) -> str:
    """The button's URL: a cart holding ``quantity`` of the product where the platform
    allows it (Shopify variant id, WooCommerce product id), else the product page."""
    try:
        link = offer_link(links.platform, store_url=links.store_url, product_url=row.url,
                          platform_product_id=row.platform_product_id,
                          platform_variant_id=row.platform_variant_id,
                          discount_code=links.discount_code or None,
                          coupon_param=links.coupon_param, quantity=quantity,
                          campaign=links.campaign)
    except InputError:  # neither a store address nor a product page: no button at all
        return ""
    return link.url


def card(row: pq.ProductRow, links: LinkContext, *, currency: str, sentence: str,
         button_text: str, quantity: int = 1, compare_at: float | None = None) -> dict[str, Any]:
    """One card's values for the templates (all plain text and checked URLs)."""
    price = row.last_price
    code = row.currency or currency
    was = compare_at if compare_at is not None and price is not None and compare_at > price \
        else None
    return {
        "id": row.id, "key": row.product_key, "name": row.name,
        "image_url": image_src(row.image_url), "image_alt": row.name, "image_px": IMAGE_PX,
        "url": product_page(row, links),
        "price_text": money(price, code) if price is not None else "",
        "compare_text": money(was, code) if was is not None else "",
        "sentence": sentence, "button_text": button_text,
        "button_url": cart_url(row, links, quantity), "quantity": max(1, int(quantity)),
    }
