"""Recognising a catalogue export by its header, beside order exports.

A header is a catalogue when every column of a layout's signature is present
(normalised: case and blanks ignored); ``--platform`` picks among that platform's
layouts only, and a ``--map`` that names a catalogue-only field (``title``,
``price``, ``image_url``, ...) reads any table as a catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ppdesk.core.catalogue import others, shopify, woocommerce
from ppdesk.core.catalogue.built import Built, Context
from ppdesk.core.catalogue.cleaning import Columns, Notes
from ppdesk.core.catalogue.fields import CATALOGUE_ONLY
from ppdesk.core.importing.profiles.base import norm

Builder = Callable[[Columns, Notes, Context], Built]


@dataclass(frozen=True)
class Layout:
    name: str
    platform: str
    label: str
    signature: tuple[str, ...]
    build: Builder
    # Columns only this kind of export has: a header with one of them but not the whole
    # signature is this layout missing a column, and is told so (not read as orders).
    hints: tuple[str, ...] = ()
    # The (normalised) columns ``build`` reads, as regular expressions; () = all of them.
    # Parsing only these is cheaper; ``Columns`` refuses a header column left unread,
    # so a builder that starts reading a new column without listing it fails loudly.
    reads: tuple[str, ...] = ()


SHOPIFY_PRODUCTS = Layout("shopify_products", "shopify", "Shopify products export",
                          ("handle", "title", "variant price"), shopify.build,
                          ("variant price", "variant sku", "variant compare at price",
                           "cost per item"),
                          reads=("handle", "title", "type", "gift card", "status", "published",
                                 "product category", "tags", "image src", "image position",
                                 "variant image", "option[123] value", "variant sku",
                                 "variant price", "variant compare at price", "cost per item",
                                 "price / .+"))
WOO_PRODUCTS = Layout("woocommerce_products", "woocommerce", "WooCommerce products export",
                      ("id", "type", "name", "regular price", "parent"), woocommerce.build,
                      ("regular price", "sale price"))
ETSY_LISTINGS = Layout("etsy_listings", "etsy", "Etsy listings download",
                       ("title", "price", "currency_code", "image1"), others.build_etsy,
                       ("currency_code",))
SQUARE_ITEMS = Layout("square_items", "square", "Square item library export",
                      ("item name", "variation name", "price"), others.build_square,
                      ("variation name",))
BIGCOMMERCE_PRODUCTS = Layout("bigcommerce_products", "bigcommerce",
                              "BigCommerce products export",
                              ("item type", "product name", "price"), others.build_bigcommerce,
                              ("product code/sku",))
LAYOUTS = (SHOPIFY_PRODUCTS, WOO_PRODUCTS, ETSY_LISTINGS, SQUARE_ITEMS, BIGCOMMERCE_PRODUCTS)


def generic_layout(platform: str, mapping: Mapping[str, str]) -> Layout:
    """A ``--map`` table; recorded under ``platform`` (``generic`` when auto)."""
    own = dict(mapping)

    def build(cols: Columns, notes: Notes, ctx: Context) -> Built:
        return others.build_generic(cols, notes, ctx, own)

    name = "generic" if platform in ("auto", "generic") else platform
    return Layout("generic_catalogue", name, "catalogue table (columns from --map)", (), build)


def recognise(header: list[str], platform: str = "auto",
              mapping: Mapping[str, str] | None = None) -> Layout | None:
    """The catalogue layout of ``header``, or None when the file is not a catalogue."""
    if mapping and CATALOGUE_ONLY & {f for f, c in mapping.items() if c}:
        return generic_layout(platform, mapping)
    names = {norm(h) for h in header}
    own = [layout for layout in LAYOUTS if platform in ("auto", layout.platform)]
    for layout in own:
        if all(s in names for s in layout.signature):
            return layout
    for layout in own:
        if any(h in names for h in layout.hints):
            return layout  # loading names the signature column it lacks
    return None
