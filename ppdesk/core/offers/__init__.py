"""L1 thank-you offers: builder, discount-test variants, platform links, exported snippet.

- ``builder``: ``build_offer`` / ``build_all_offers`` / ``save_offer`` / ``load_offers``,
  merchant-entered product fields (``set_product_details``).
- ``manage``: pause / resume / duplicate / delete + ``undo_delete`` of saved offers,
  ``product_details`` and ``ranked_complements`` for the editor, ``exportable``.
- ``variants``: ``variant_for_order`` (digits of the order number mod the count).
- ``links``: each platform's add-to-cart link and the checks on merchant URLs.
- ``snippet``: the HTML block, the WooCommerce hook, the Shopify Checkout Blocks export
  and the paste guides.

The names below load their module on first use, so ``ppdesk.core.offers.links`` (the
platform names ``ppdesk offer --platform`` accepts) stays cheap for ``ppdesk --help``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ppdesk.core.offers.builder import (
        build_all_offers,
        build_offer,
        load_offers,
        save_offer,
        set_product_details,
    )
    from ppdesk.core.offers.manage import (
        Deleted,
        delete,
        duplicate,
        exportable,
        find_offer,
        pause,
        product_details,
        ranked_complements,
        resume,
        undo_delete,
        with_details,
    )
    from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant, discounted_price
    from ppdesk.core.offers.snippet import (
        CheckoutBlock,
        render_guide,
        render_snippet,
        shopify_blocks,
        with_local_photos,
        woocommerce_php,
    )
    from ppdesk.core.offers.variants import variant_for_order

_HOME = {
    "builder": ("build_all_offers", "build_offer", "load_offers", "save_offer",
                "set_product_details"),
    "manage": ("Deleted", "delete", "duplicate", "exportable", "find_offer", "pause",
               "product_details", "ranked_complements", "resume", "undo_delete",
               "with_details"),
    "model": ("Offer", "OfferProduct", "OfferVariant", "discounted_price"),
    "snippet": ("CheckoutBlock", "render_guide", "render_snippet", "shopify_blocks",
                "with_local_photos", "woocommerce_php"),
    "variants": ("variant_for_order",),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "CheckoutBlock", "Deleted", "Offer", "OfferProduct", "OfferVariant", "build_all_offers",
    "build_offer", "delete", "discounted_price", "duplicate", "exportable", "find_offer",
    "load_offers", "pause", "product_details", "ranked_complements", "render_guide",
    "render_snippet", "resume", "save_offer", "set_product_details", "shopify_blocks",
    "undo_delete", "variant_for_order", "with_details", "with_local_photos", "woocommerce_php",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
