"""Platform profiles and their detection from a file's header.

``detect(header)`` returns the best-fitting profile (the generic one when no
platform fits); ``for_platform(name, header)`` the best profile of a platform the
user named with ``--platform``.
"""

from __future__ import annotations

from ppdesk.core.importing.platforms import PLATFORMS
from ppdesk.core.importing.profiles.amazon import (
    AMAZON_FLAT,
    AMAZON_INTERNATIONAL,
    AMAZON_ORDER_REPORT,
    AMAZON_SALE_REPORT,
)
from ppdesk.core.importing.profiles.base import (
    CANONICAL_FIELDS,
    EXTRA_FIELDS,
    Profile,
)
from ppdesk.core.importing.profiles.bigcommerce import BIGCOMMERCE
from ppdesk.core.importing.profiles.etsy import ETSY_ITEMS, ETSY_ORDERS
from ppdesk.core.importing.profiles.generic import GENERIC
from ppdesk.core.importing.profiles.shopify import SHOPIFY, SQUARESPACE
from ppdesk.core.importing.profiles.square import SQUARE
from ppdesk.core.importing.profiles.woocommerce import WOO_ALGOLPLUS, WOO_PACKED, WOO_SKYVERGE

PROFILES: tuple[Profile, ...] = (
    SHOPIFY, SQUARESPACE, ETSY_ITEMS, ETSY_ORDERS, WOO_ALGOLPLUS, WOO_SKYVERGE, WOO_PACKED,
    SQUARE, BIGCOMMERCE, AMAZON_FLAT, AMAZON_ORDER_REPORT, AMAZON_SALE_REPORT,
    AMAZON_INTERNATIONAL, GENERIC,
)


def detect(header: list[str]) -> Profile:
    """The profile whose signature fits the header best; generic when none does."""
    best = max(PROFILES, key=lambda p: p.score(header))
    return best if best.score(header) > 0 else GENERIC


def for_platform(platform: str, header: list[str]) -> Profile:
    """The best profile of ``platform`` (its first one when none recognises the header)."""
    if platform == "auto":
        return detect(header)
    own = [p for p in PROFILES if p.platform == platform]
    if not own:
        raise ValueError(f"unknown platform {platform!r}")
    return max(own, key=lambda p: p.score(header))


__all__ = ["CANONICAL_FIELDS", "EXTRA_FIELDS", "PLATFORMS", "PROFILES", "Profile", "detect",
           "for_platform"]
