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

Emails use the same builders with a ``quantity`` (a reorder fills the cart with what was
bought: ``/cart/{variant}:{qty}``, WooCommerce ``&quantity=``) and a ``campaign``: every
store link in an email carries ``utm_source=ppdesk&utm_medium=email&utm_campaign=<flow>``
so results can attribute the click. On Shopify's ``/discount/CODE?redirect=...`` link the
UTM parameters go both on the link and on the redirect target, because Shopify's
redirect keeps only the target's own query. :func:`page_link` applies a code to any page
of the store (product, home, subscribe page) the same way; :func:`review_link` builds the
review button per review site. A ``#fragment`` stays last, after the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ppdesk.core.errors import InputError

PLATFORMS = ("shopify", "woocommerce", "other")
DEFAULT_COUPON_PARAM = "apply_coupon"
_ID = re.compile(r"^\d{1,20}$")
_PARAM = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
UTM_SOURCE = "ppdesk"
UTM_MEDIUM = "email"
# Where a review button points, per review site (the merchant's choice per flow):
# the product page's reviews section (Shopify Product Reviews and WooCommerce both
# use #reviews), Judge.me's widget anchor, or a page the merchant pastes (Google
# Business "write a review" link, Etsy shop reviews).
REVIEW_SITES = ("product_page", "judgeme", "google", "etsy")
_REVIEW_ANCHORS = {"product_page": "reviews", "judgeme": "judgeme_product_reviews"}


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


def utm(campaign: str | None) -> dict[str, str]:
    """The UTM parameters of an email link (none outside emails: ``campaign`` None)."""
    if not campaign:
        return {}
    return {"utm_source": UTM_SOURCE, "utm_medium": UTM_MEDIUM, "utm_campaign": campaign}


def with_params(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` merged into its query (replacing same-named ones); the
    fragment stays last."""
    if not params:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in params]
    query += list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query),
                       parts.fragment))


def _shopify_discount(store: str, page: str, code: str, campaign: str | None) -> str:
    """Shopify's shareable discount link: applies ``code``, then opens ``page`` (same shop)."""
    target = urlsplit(with_params(page, utm(campaign)))
    redirect = (target.path or "/") + (f"?{target.query}" if target.query else "") \
        + (f"#{target.fragment}" if target.fragment else "")
    return with_params(f"{store}/discount/{quote(code, safe='')}",
                       {"redirect": redirect, **utm(campaign)})


def _same_shop(store: str | None, page: str | None) -> bool:
    return bool(store and page and urlsplit(page).netloc == urlsplit(store).netloc)


def offer_link(platform: str, *, store_url: str | None, product_url: str | None,
               platform_product_id: str | None, platform_variant_id: str | None,
               discount_code: str | None, coupon_param: str = DEFAULT_COUPON_PARAM,
               quantity: int = 1, campaign: str | None = None) -> OfferLink:
    """Build the add-to-cart link for one product (``discount_code`` None: no code).

    ``quantity`` goes into the cart (at least 1); ``campaign`` (an email's flow) adds
    the UTM parameters.
    """
    store = _base(store_url)
    page = safe_http_url(product_url)
    qty = max(1, int(quantity))
    tags = utm(campaign)
    if platform == "shopify":
        if store and platform_variant_id and _ID.match(platform_variant_id):
            params = {"discount": discount_code} if discount_code else {}
            url = f"{store}/cart/{platform_variant_id}:{qty}"
            if params or tags:
                url += "?" + urlencode({**params, **tags})
            return OfferLink(url, True, bool(discount_code),
                             "Shopify cart permalink: a new checkout holding the product"
                             + (" with the code applied." if discount_code else "."))
        if discount_code and store and page and _same_shop(store, page):
            if campaign:
                url = _shopify_discount(store, page, discount_code, campaign)
            else:
                url = (f"{store}/discount/{quote(discount_code, safe='')}?"
                       + urlencode({"redirect": urlsplit(page).path or "/"}))
            return OfferLink(url, False, True,
                             "No Shopify variant id entered: the link applies the code and opens "
                             "the product page; the customer adds the product to the cart.")
    elif platform == "woocommerce" and store and platform_product_id \
            and _ID.match(platform_product_id):
        params = {"add-to-cart": platform_product_id}
        if qty > 1:
            params["quantity"] = str(qty)
        if discount_code:
            params[checked_coupon_param(coupon_param)] = discount_code
        return OfferLink(f"{store}/?{urlencode({**params, **tags})}", True, bool(discount_code),
                         "WooCommerce adds the product from ?add-to-cart=; the code is applied "
                         f"only if a coupon-by-URL plugin reads ?{coupon_param}=.")
    target = page or store
    if target is None:
        # the command in the form for_window() takes out: the app shows only the words
        raise InputError("the offer needs a link: enter the store's web address in Settings "
                         "(or run 'ppdesk settings set store.store_url=https://...') or the "
                         "product page URL of the offered product")
    return OfferLink(with_params(target, tags), False, False,
                     "Opens the product page; the customer types the code at checkout.")


def page_link(platform: str, *, store_url: str | None, page_url: str | None,
              discount_code: str | None, campaign: str | None,
              coupon_param: str = DEFAULT_COUPON_PARAM) -> str | None:
    """A link to a page of the store (product page, home, subscribe page) with the UTM
    parameters and, where the platform can, the code applied; None without any URL.

    Shopify: ``/discount/CODE?redirect=<page>`` (same shop only); WooCommerce: the
    coupon-by-URL plugin's parameter on the page; elsewhere the code is shown as text.
    """
    store = _base(store_url)
    page = safe_http_url(page_url) or store
    if page is None:
        return None
    if discount_code and platform == "shopify" and store and _same_shop(store, page):
        return _shopify_discount(store, page, discount_code, campaign)
    params = utm(campaign)
    if discount_code and platform == "woocommerce":
        params = {checked_coupon_param(coupon_param): discount_code, **params}
    return with_params(page, params)


def review_link(site: str, *, product_url: str | None, review_page_url: str | None,
                campaign: str | None) -> str | None:
    """The review button's link for ``site`` (see :data:`REVIEW_SITES`); None when the
    page it needs is unknown (the email then asks for a reply instead)."""
    if site in _REVIEW_ANCHORS:
        page = safe_http_url(product_url)
        if page is None:
            return None
        url = with_params(page, utm(campaign))
        return urlunsplit(urlsplit(url)._replace(fragment=_REVIEW_ANCHORS[site]))
    page = safe_http_url(review_page_url)
    return None if page is None else with_params(page, utm(campaign))
