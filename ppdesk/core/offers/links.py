"""The offer button's link on each platform, and the checks on every URL a merchant types.

- Shopify: a cart permalink ``{store}/cart/{variant_id}:1?discount=CODE`` opens a new
  checkout holding the complement with the code applied (Shopify's own permalink form;
  it needs the numeric *variant* id, which exports do not carry). Without a variant id,
  Shopify's shareable discount link ``{store}/discount/CODE?redirect=/products/...``
  applies the code and opens the product page.
- WooCommerce: ``{store}/?add-to-cart={product_id}`` is WooCommerce core; applying a
  coupon from a link is *not* core, it needs a plugin that reads a URL parameter
  (``apply_coupon`` by default here; the parameter name is configurable because
  plugins differ). Without the plugin the product is added and the customer types the
  code the block shows.
- Anything else: the product page (or the store) and the code shown as text.

None of these charges the customer: the link fills a cart, the customer pays at checkout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from ppdesk.core.errors import InputError

PLATFORMS = ("shopify", "woocommerce", "other")
DEFAULT_COUPON_PARAM = "apply_coupon"
_ID = re.compile(r"^\d{1,20}$")
_PARAM = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def safe_http_url(url: str | None) -> str | None:
    """``url`` when it is a plain absolute http(s) URL, else None (javascript:, data:, junk)."""
    if not url:
        return None
    text = url.strip()
    if not text or any(ch.isspace() or ord(ch) < 32 or ch in "<>\"'`\\" for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def checked_url(url: str | None, field: str) -> str | None:
    """For merchant input: empty -> None, a bad URL -> InputError naming the field."""
    if url is None or not url.strip():
        return None
    good = safe_http_url(url)
    if good is None:
        raise InputError(f"{field} must be a full web address starting with https:// "
                         f"(got {url.strip()[:80]!r})")
    return good


def checked_id(value: str | None, field: str) -> str | None:
    """Platform ids are digits (Shopify variant id, WooCommerce product id)."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    # Merchants often paste the whole admin URL or a gid://shopify/ProductVariant/123.
    match = re.search(r"(\d{3,20})\D*$", text)
    if _ID.match(text):
        return text
    if match and ("variant" in text.lower() or "post=" in text.lower() or text.startswith("gid:")):
        return match.group(1)
    raise InputError(f"{field} must be the number the platform shows (digits only), "
                     f"got {text[:40]!r}")


def checked_coupon_param(name: str) -> str:
    if not _PARAM.match(name):
        raise InputError("the coupon URL parameter must be letters, digits, '_' or '-', "
                         f"got {name!r}")
    return name


@dataclass(frozen=True)
class OfferLink:
    """The button's URL; ``adds_to_cart`` / ``applies_code`` say honestly what it does."""

    url: str
    adds_to_cart: bool
    applies_code: bool
    note: str


def _base(store_url: str | None) -> str | None:
    good = safe_http_url(store_url)
    return good.rstrip("/") if good else None


def offer_link(platform: str, *, store_url: str | None, product_url: str | None,
               platform_product_id: str | None, platform_variant_id: str | None,
               discount_code: str | None, coupon_param: str = DEFAULT_COUPON_PARAM) -> OfferLink:
    """Build the add-to-cart link for one complement (``discount_code`` None: no code)."""
    store = _base(store_url)
    page = safe_http_url(product_url)
    if platform == "shopify":
        if store and platform_variant_id and _ID.match(platform_variant_id):
            url = f"{store}/cart/{platform_variant_id}:1"
            if discount_code:
                url += "?" + urlencode({"discount": discount_code})
            return OfferLink(url, True, bool(discount_code),
                             "Shopify cart permalink: a new checkout holding the product"
                             + (" with the code applied." if discount_code else "."))
        if discount_code and store and page and urlsplit(page).netloc == urlsplit(store).netloc:
            path = urlsplit(page).path or "/"
            return OfferLink(f"{store}/discount/{quote(discount_code, safe='')}?"
                             + urlencode({"redirect": path}), False, True,
                             "No Shopify variant id entered: the link applies the code and opens "
                             "the product page; the customer adds the product to the cart.")
    elif platform == "woocommerce" and store and platform_product_id \
            and _ID.match(platform_product_id):
        params = {"add-to-cart": platform_product_id}
        if discount_code:
            params[checked_coupon_param(coupon_param)] = discount_code
        return OfferLink(f"{store}/?{urlencode(params)}", True, bool(discount_code),
                         "WooCommerce adds the product from ?add-to-cart=; the code is applied "
                         f"only if a coupon-by-URL plugin reads ?{coupon_param}=.")
    target = page or store
    if target is None:
        raise InputError("the offer needs a link: enter the store's web address in Settings "
                         "(or: ppdesk settings set store.store_url=https://...) or the product "
                         "page URL of the offered product")
    return OfferLink(target, False, False,
                     "Opens the product page; the customer types the code at checkout.")
