"""What the Import page says about a file, in the merchant's words (issue 14).

The importer speaks in canonical field names (``order_id``, ``image_url``) and codec
names (``utf-8-sig``); a merchant reads "Order number from 'Name'" and, only when it
matters, "Text read as Windows Western (cp1252)". The words live here, next to the
fields they name, so the page and any later caller say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Order and catalogue fields as a merchant names them (lower case: they start no sentence).
FIELD_WORDS: dict[str, str] = {
    # orders (profiles.base.CANONICAL_FIELDS and EXTRA_FIELDS)
    "order_id": "order number",
    "order_date": "date",
    "order_time": "time of day",
    "customer_id": "customer number",
    "email": "email",
    "sku": "SKU",
    "product_name": "product",
    "variant": "variant",
    "quantity": "quantity",
    "unit_price": "price",
    "line_total": "line total",
    "total": "order total",
    "currency": "currency",
    "financial_status": "payment status",
    "cancelled": "cancelled",
    "discount_code": "discount code",
    "accepts_marketing": "accepts marketing",
    "first_name": "first name",
    "customer_name": "customer name",
    "phone": "phone",
    "billing_phone": "billing phone",
    "shipping_phone": "shipping phone",
    "billing_country": "billing country",
    "shipping_country": "shipping country",
    # catalogues (catalogue.fields.CATALOGUE_FIELDS)
    "product_id": "product number",
    "parent": "parent product",
    "title": "product name",
    "variant_title": "variant name",
    "price": "price",
    "compare_at_price": "was-price",
    "cost": "cost",
    "image_url": "photo",
    "product_url": "product page",
    "category": "category",
    "tags": "tags",
    "status": "status",
    "platform_variant_id": "variant number",
}

#: Codecs that are UTF-8 as far as a merchant is concerned (nothing to say about them).
_PLAIN_UTF8 = {"utf-8", "utf-8-sig", "ascii"}
_ENCODING_WORDS = {
    "cp1252": "Windows Western (cp1252)",
    "latin-1": "Western European (Latin-1)",
    "utf-8+cp1252": "UTF-8 with some Windows Western (cp1252) rows",
    "utf-16-le": "UTF-16 (Excel \"Unicode text\")",
    "utf-16-be": "UTF-16 (Excel \"Unicode text\")",
    "utf-16-le-bom": "UTF-16 (Excel \"Unicode text\")",
    "utf-16-be-bom": "UTF-16 (Excel \"Unicode text\")",
    "utf-32": "UTF-32",
}


def field_words(field: str) -> str:
    """"order number" for ``order_id``; an unknown field reads as its name with spaces."""
    return FIELD_WORDS.get(field, field.replace("_", " "))


def mapping_pairs(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """(What ppdesk reads, the file's column), capitalised, in the mapping's order."""
    return [(field_words(f)[:1].upper() + field_words(f)[1:], column)
            for f, column in mapping.items()]


def mapping_sentence(mapping: Mapping[str, str], *, most: int = 3) -> str:
    """"Order number from 'Name', date from 'Created at', SKU from 'Lineitem sku' and 5
    more": the first ``most`` fields of the mapping, short enough for one line."""
    parts = [f"{field_words(f)} from '{column}'" for f, column in mapping.items()]
    if not parts:
        return ""
    shown, rest = parts[:most], len(parts) - most
    text = ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")
    return text[:1].upper() + text[1:] + "."


def encoding_words(encoding: str | None) -> str:
    """"" for UTF-8 (and workbooks: ``None``); "Text read as Windows Western (cp1252)"
    otherwise, so a merchant whose accents look wrong knows what was assumed."""
    if encoding is None or encoding.lower() in _PLAIN_UTF8:
        return ""
    return f"Text read as {_ENCODING_WORDS.get(encoding.lower(), encoding)}"
