"""Shopify products export (``products_export_1.csv``): every layout from 2021 to now.

Rows of one product share its ``Handle``; product-level cells (Title, Vendor, Type,
Product Category, Tags, Status, Gift Card) are written on its first row only. A
*variant row* carries a price, an option value or a SKU (the README's definition);
*image-only rows* carry the handle and an image. Per-market columns of newer exports
(``Price / Poland``, ``Compare At Price / Poland``) are kept as JSON beside the base
price. The variant's image is its own ``Variant Image``, else the product's first
image by ``Image Position``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ppdesk.core.catalogue.built import (
    Built,
    Context,
    first_image_of,
    image_frame,
    join_nonempty,
    links,
    market_prices,
    store_base,
    variant_frame,
)
from ppdesk.core.catalogue.cleaning import (
    Columns,
    Notes,
    clean_sku,
    fill_within,
    group_codes,
    https_only,
    lookup,
    numbers,
)
from ppdesk.core.importing.parsing import parse_bools


def build(cols: Columns, notes: Notes, ctx: Context) -> Built:
    rows = cols.rows
    handle = cols.get("handle")
    anything = pd.Series(False, index=handle.index)
    for name in ("title", "variant sku", "variant price", "image src", "option1 value"):
        anything |= cols.get(name) != ""
    orphan = ((handle == "") & anything).to_numpy(dtype=bool)
    if orphan.any():
        notes.reject(rows[orphan], cols.name("handle"), "has no Handle, so it belongs to no "
                     "product")
    keep = (handle != "").to_numpy(dtype=bool)

    codes = group_codes(handle)

    def product_cell(name: str) -> pd.Series:
        return fill_within(cols.get(name), codes)

    title = product_cell("title")
    title = title.where(title != "", handle)
    ptype = product_cell("type")
    gift = parse_bools(product_cell("gift card")) == 1.0
    ptype = ptype.where(~(gift & (ptype == "").to_numpy()), "Gift Card")
    status = product_cell("status").str.lower()
    published = parse_bools(product_cell("published"))
    status = status.where(status != "", np.where(published == 0.0, "draft",
                                                 np.where(published == 1.0, "active", "")))

    image_src = https_only(cols.get("image src"), rows, cols.name("image src"), notes, "image")
    position = numbers(cols.get("image position"), rows, cols.name("image position"), notes,
                       "image position")
    # Without a position, file order decides (exports list images in position order).
    order = np.where(np.isnan(position), 1e9 + np.arange(len(rows)), position)
    images = image_frame(handle.where(keep, ""), order, image_src)
    own_image = https_only(cols.get("variant image"), rows, cols.name("variant image"), notes,
                           "variant image")

    options = [cols.get(f"option{i} value") for i in (1, 2, 3)]
    sku = clean_sku(cols.get("variant sku"))
    price_text = cols.get("variant price")
    is_variant = (price_text != "") | (sku != "")
    for o in options:
        is_variant |= o != ""
    v = keep & is_variant.to_numpy(dtype=bool)

    variant_title = join_nonempty(options, " / ")
    variant_title = variant_title.where(variant_title.str.lower() != "default title", "")
    key = handle + "/" + options[0] + "/" + options[1] + "/" + options[2]
    first = first_image_of(images)
    image = own_image.where(own_image != "", lookup(handle, first))
    full_name = title.where(variant_title == "", title + " - " + variant_title)
    markets = [(header.split("/", 1)[1].strip(), cols.get(m.group(0)))
               for header, m in cols.matching(r"price / (.+)")]
    sel = pd.Series(v, index=handle.index)

    def pick(series: pd.Series) -> pd.Series:
        return series[sel]

    def money(name: str, what: str) -> np.ndarray:
        return numbers(cols.get(name)[sel], rows[v], cols.name(name), notes, what)

    variants = variant_frame({
        "variant_key": pick(key), "parent_key": pick(handle), "handle": pick(handle),
        "sku": pick(sku), "title": pick(title), "variant_title": pick(variant_title),
        "full_name": pick(full_name), "image_url": pick(image),
        "product_url": pick(links(store_base(ctx.store_url), "/products/" + handle)),
        "category": pick(product_cell("product category")), "product_type": pick(ptype),
        "tags": pick(product_cell("tags")), "status": pick(status),
        "market_prices": market_prices([(n, s[sel]) for n, s in markets],
                                       handle[sel].index),
        "price": money("variant price", "price"),
        "compare_at_price": money("variant compare at price", "compare-at price"),
        "cost": money("cost per item", "cost per item"),
    }, rows[v])
    return Built(variants, images)
