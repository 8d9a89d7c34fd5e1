"""Order lines that are not products: tips, shipping protection, gift wrap, gift cards, discounts.

Shopify and others export these as ordinary line items ("Tip", "Route Package
Protection", "Gift wrapping", "$100 Gift Card"); left in, a tip becomes the store's
best complement of everything. They are recognised by

- the name, in the languages of the stores ppdesk meets (English, Spanish,
  Portuguese, Polish, Swedish, Turkish, German, French, Dutch, Italian; Urdu-speaking
  stores write these in English): either the whole name once amounts, currency
  signs and punctuation are removed ("Tip", "Propina", "Napiwek 10%", "Discount"), or a
  telling phrase inside it ("gift card", "shipping protection", "Navidium");
- the SKU of the shipping-protection apps (Route, Navidium, Seel, Corso, Extend...);
- the catalogue's product type once a catalogue is imported ("Gift Card", "Tip"...).

:func:`classify` says which and why; the merchant's override (``product_kind_queries``)
wins, in both directions. Everything recognised is kept out of every analysis and
listed (``Evidence.not_products``, ``ppdesk pairs --not-products``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

# Whole names (after normalising) that are never products.
_WHOLE = {
    "tip": ("tip", "tips", "tip jar", "gratuity", "tip for staff", "tip the team",
            "propina", "propinas", "gorjeta", "gorjetas", "napiwek", "dricks", "bahşiş",
            "bahsis", "trinkgeld", "pourboire", "fooi", "mancia", "driver tip", "tip amount"),
    "gift wrap": ("gift wrap", "gift wrapping", "gift wrapped", "gift packing", "gift box wrap",
                  "envoltura de regalo", "envolver para regalo", "papel de regalo",
                  "embrulho para presente", "embrulho de presente", "papel de presente",
                  "pakowanie na prezent", "opakowanie prezentowe", "presentinslagning",
                  "presentförpackning", "hediye paketi", "hediye paket", "geschenkverpackung",
                  "emballage cadeau", "paquet cadeau", "cadeauverpakking", "confezione regalo"),
    "discount": ("discount", "discounts", "coupon", "voucher discount", "descuento", "desconto",
                 "rabat", "rabatt", "zniżka", "znizka", "indirim", "i̇ndirim", "korting",
                 "remise", "réduction", "sconto", "promo"),
    "shipping": ("shipping", "shipping fee", "delivery", "delivery fee", "delivery charges",
                 "envío", "envio", "gastos de envío", "frete", "entrega", "wysyłka", "dostawa",
                 "frakt", "kargo", "kargo ücreti", "versand", "versandkosten", "livraison",
                 "frais de port", "verzending", "spedizione", "cod charges", "cod fee"),
}
# Phrases that make the whole line a non-product wherever they appear.
_PHRASES = {
    "gift card": ("gift card", "giftcard", "gift voucher", "giftvoucher", "e-gift", "egift",
                  "tarjeta de regalo", "cartão presente", "cartão-presente", "vale-presente",
                  "vale presente", "karta podarunkowa", "bon podarunkowy", "presentkort",
                  "hediye kartı", "hediye karti", "hediye çeki", "gutschein", "geschenkkarte",
                  "carte cadeau", "carte-cadeau", "cadeaukaart", "cadeaubon", "buono regalo"),
    "shipping protection": ("shipping protection", "package protection", "order protection",
                            "shipping insurance", "package insurance", "delivery protection",
                            "route package", "route protection", "navidium", "shipping guarantee",
                            "protección de envío", "proteção de envio", "seguro de envío",
                            "seguro de envio", "ochrona przesyłki", "fraktskydd",
                            "kargo koruma", "versandschutz", "protection de livraison"),
    "tip": ("tip for ", "tip to ", "leave a tip", "add a tip"),
}
_SKU_PATTERNS = re.compile(
    r"^(?:routeins\w*|route-?(?:ins|protection)\w*|nvd\w*|navidium\w*|seel-?\w*|corso-?\w*|"
    r"extend-?protection\w*|shipping-?protection\w*|package-?protection\w*|tip|tips|"
    r"gift-?card\w*|giftcard\w*|gift-?wrap\w*)$", re.IGNORECASE)
_TYPES = {"gift card": "gift card", "gift cards": "gift card", "giftcard": "gift card",
          "tip": "tip", "tips": "tip", "shipping protection": "shipping protection",
          "insurance": "shipping protection", "shipping insurance": "shipping protection",
          "gift wrap": "gift wrap", "gift wrapping": "gift wrap", "discount": "discount",
          "service": "shipping", "shipping": "shipping", "fee": "shipping"}

_AMOUNTS = re.compile(r"[\d.,]+\s*%?|[$€£¥₹₨₺zł]|\b(?:rs|pkr|usd|eur|zar|r|kr|sek|pln|tl|try)\b",
                      re.IGNORECASE)
_PUNCT = re.compile(r"[^\w\s&'-]|(?<!\w)-|-(?!\w)|_")

_WHOLE_INDEX: dict[str, str] = {}
_PHRASE_INDEX: dict[str, tuple[str, ...]] = {}


def _plain(text: str) -> str:
    """Case and accents folded ("İndirim", "Envío", "Bahşiş" -> "indirim", "envio", "bahsis")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ı", "i")


def normalise_name(name: str) -> str:
    """Folded, amounts, currency and punctuation removed, spaces collapsed."""
    text = _AMOUNTS.sub(" ", _plain(name))
    return " ".join(_PUNCT.sub(" ", text).split())


def kind_of(name: str, sku: str | None, product_type: str | None) -> str:
    """The kind of non-product ("tip", "gift card", ...) or "" for a real product."""
    if product_type and str(product_type).strip().casefold() in _TYPES:
        return _TYPES[str(product_type).strip().casefold()]
    if sku and _SKU_PATTERNS.match(str(sku).strip()):
        return "shipping protection" if not str(sku).lower().startswith(("tip", "gift")) \
            else ("tip" if str(sku).lower().startswith("tip") else "gift card")
    folded = _plain(name)
    for kind, phrases in _PHRASE_INDEX.items():
        if any(p in folded for p in phrases):
            return kind
    return _WHOLE_INDEX.get(normalise_name(name), "")


def classify(products: pd.DataFrame, overrides: dict[int, bool] | None = None) -> pd.DataFrame:
    """``product_id, product_key, name, kind, reason, overridden, not_product`` per product.

    ``kind`` is what the name/SKU/type says ("" for products); ``not_product`` is the
    verdict after the merchant's override.
    """
    overrides = overrides or {}
    names = products["name"].where(products["name"].notna(), products["product_key"]).astype(str)
    skus = products["sku"] if "sku" in products.columns else pd.Series([None] * len(products))
    types = products["product_type"] if "product_type" in products.columns \
        else pd.Series([None] * len(products))
    # One call per distinct product (thousands at most, not per order line).
    kinds = [kind_of(n, None if pd.isna(s) else str(s), None if pd.isna(t) else str(t))
             for n, s, t in zip(names, skus, types, strict=True)]
    ids = products["product_id"].to_numpy(dtype=np.int64)
    auto = np.array([k != "" for k in kinds], dtype=bool)
    forced = [overrides.get(int(i)) for i in ids]  # True / False / None per product
    has = np.array([f is not None for f in forced], dtype=bool)
    is_product = np.array([bool(f) for f in forced], dtype=bool)
    verdict = np.where(has, ~is_product, auto)
    reasons = [_reason(k, f) for k, f in zip(kinds, forced, strict=True)]
    return pd.DataFrame({"product_id": ids, "product_key": products["product_key"].to_numpy(),
                         "name": names.to_numpy(), "kind": kinds, "reason": reasons,
                         "overridden": has, "not_product": verdict})


def _reason(kind: str, forced: object) -> str:
    if forced is True:
        return f"recognised as {kind}, put back as a product by you" if kind \
            else "a product (your choice)"
    if forced is False:
        return "taken out of the analyses by you"
    return f"recognised as {kind} (not a product)" if kind else ""


def set_override(store: Any, product_key: str, *, is_product: bool | None) -> None:
    """Put a line back as a product (True), leave it out (False), or back to automatic (None).

    Raises:
        InputError: no product with that key.
    """
    from ppdesk.core.errors import InputError
    from ppdesk.core.store import product_kind_queries, transaction
    from ppdesk.core.store import products_queries as pq

    conn = store.connect()
    try:
        row = pq.product_by_key(conn, product_key.strip())
        if row is None:
            raise InputError(f"no product with the key '{product_key}' in this store; "
                             "'ppdesk pairs --not-products' lists the lines left out")
        with transaction(conn):
            product_kind_queries.put(conn, row.id, is_product)
    finally:
        conn.close()


# Indexes in the folded form the names are compared in (built once at import).
_WHOLE_INDEX.update({normalise_name(p): kind for kind, ps in _WHOLE.items() for p in ps})
_PHRASE_INDEX.update({kind: tuple(_plain(p) for p in ps) for kind, ps in _PHRASES.items()})
