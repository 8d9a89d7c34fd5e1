"""L1 thank-you offers: builder, discount-test variants, platform links, exported snippet.

- ``builder``: ``build_offer`` / ``build_all_offers`` / ``save_offer`` / ``load_offers``,
  merchant-entered product fields (``set_product_details``).
- ``variants``: ``variant_for_order`` (digits of the order number mod the count).
- ``links``: each platform's add-to-cart link and the checks on merchant URLs.
- ``snippet``: the HTML block, the WooCommerce hook, the Shopify Checkout Blocks export
  and the paste guides.
"""

from ppdesk.core.offers.builder import (
    build_all_offers,
    build_offer,
    load_offers,
    save_offer,
    set_product_details,
)
from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant, discounted_price
from ppdesk.core.offers.snippet import (
    CheckoutBlock,
    render_guide,
    render_snippet,
    shopify_blocks,
    woocommerce_php,
)
from ppdesk.core.offers.variants import variant_for_order

__all__ = [
    "CheckoutBlock", "Offer", "OfferProduct", "OfferVariant", "build_all_offers", "build_offer",
    "discounted_price", "load_offers", "render_guide", "render_snippet", "save_offer",
    "set_product_details", "shopify_blocks", "variant_for_order", "woocommerce_php",
]
