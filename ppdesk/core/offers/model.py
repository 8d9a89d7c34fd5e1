"""What an L1 thank-you offer is: trigger product, complement, discount variants, window.

Prices after discount are rounded half-up to the cent with ``Decimal`` (binary floats
would show 24.90 x 0.85 = 21.164999... as 21.16); discount codes are derived from the
merchant's prefix, the percentage and the trigger product so they are unique per
variant (``offer_variants.discount_code`` is UNIQUE) and readable on a receipt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import OfferLink, offer_link

MIN_MINUTES, MAX_MINUTES = 30, 60
MIN_DISCOUNT, MAX_DISCOUNT = 0.0, 90.0
MAX_BODY = 500  # the block is a short note on a receipt page, not a landing page



def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def name_with_key(name: str, key: str) -> str:
    """A product as a merchant reads it: its name, with its key in brackets only when the key
    says something the name does not ("Meerlust Rubicon 2018", not "Meerlust Rubicon 2018
    (Meerlust Rubicon 2018)" or "(meerlust-rubicon-2018)")."""
    if not key or _letters(key) in ("", _letters(name)):
        return name
    return f"{name} ({key})"

@dataclass(frozen=True)
class OfferProduct:
    """A product as the offer shows it (merchant-entered fields may be None)."""

    product_id: int
    product_key: str
    name: str
    price: float | None
    currency: str | None
    image_url: str | None = None
    url: str | None = None
    platform_product_id: str | None = None
    platform_variant_id: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Why this complement: the affinity figures from analytics, in plain words too."""

    orders_together: int | None
    confidence: float | None
    lift: float | None
    p_value: float | None
    source: str
    reason: str


@dataclass(frozen=True)
class OfferVariant:
    """One arm of the discount test; ``position`` is what ``variant_for_order`` returns."""

    position: int
    discount_percent: float
    discount_code: str

    @property
    def has_discount(self) -> bool:
        return self.discount_percent > 0


def discounted_price(price: float | None, percent: float) -> float | None:
    """``price`` less ``percent`` %, rounded half-up to the cent (None stays None)."""
    if price is None:
        return None
    value = Decimal(str(price)) * (Decimal(100) - Decimal(str(percent))) / Decimal(100)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def checked_discount(percent: float) -> float:
    value = float(percent)
    if not MIN_DISCOUNT <= value <= MAX_DISCOUNT or value != value:
        raise InputError(f"the discount must be between {MIN_DISCOUNT:g} and {MAX_DISCOUNT:g} "
                         f"percent, got {percent:g}")
    return value


def checked_minutes(minutes: int) -> int:
    value = int(minutes)
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        raise InputError(f"the offer window must be {MIN_MINUTES} to {MAX_MINUTES} minutes, "
                         f"got {minutes}")
    return value


def discount_code(prefix: str, percent: float, trigger_product_id: int) -> str:
    """``THANKS15-12``: prefix, percentage (``12.5`` -> ``12P5``), trigger product id."""
    clean = re.sub(r"[^A-Z0-9]", "", prefix.upper())[:20] or "THANKS"
    pct = f"{percent:g}".replace(".", "P")
    return f"{clean}{pct}-{trigger_product_id}"


@dataclass(frozen=True)
class Offer:
    """One thank-you offer: "if the order holds ``trigger``, offer ``complement``"."""

    trigger: OfferProduct
    complement: OfferProduct
    variants: tuple[OfferVariant, ...]
    window_minutes: int
    headline: str
    call_to_action: str
    platform: str
    store_url: str | None
    coupon_param: str
    evidence: Evidence | None = None
    id: int | None = None
    active: bool = True
    body: str = ""  # a sentence or two under the headline (may be empty)

    def variant(self, position: int = 0) -> OfferVariant:
        return self.variants[position]

    def price_after(self, position: int = 0) -> float | None:
        return discounted_price(self.complement.price, self.variants[position].discount_percent)

    def link(self, position: int = 0, platform: str | None = None) -> OfferLink:
        variant = self.variants[position]
        c = self.complement
        # A 0% arm carries no code, so the control group sees no discount.
        return offer_link(platform or self.platform, store_url=self.store_url, product_url=c.url,
                          platform_product_id=c.platform_product_id,
                          platform_variant_id=c.platform_variant_id,
                          discount_code=variant.discount_code if variant.has_discount else None,
                          coupon_param=self.coupon_param)

    @property
    def rule(self) -> str:
        pcts = " / ".join(f"{v.discount_percent:g}%" for v in self.variants)
        return (f"If the order holds {name_with_key(self.trigger.name, self.trigger.product_key)}"
                f", offer {name_with_key(self.complement.name, self.complement.product_key)} at "
                f"{pcts} off for {self.window_minutes} minutes")

