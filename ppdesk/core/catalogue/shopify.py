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
import pyarrow as pa
import pyarrow.compute as pc

from ppdesk.core.catalogue.built import (
    Built,
    Context,
    concat,
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
    arrow_text,
    clean_sku,
    group_codes,
    group_first,
    https_only,
    lookup,
    numbers,
    spread,
    text_series,
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

    # Product-level cells are worked out once per product (one row per handle code)
    # and spread to the variant rows at the end; ``p_`` marks such per-product columns.
    def product_cell(name: str) -> pd.Series:
        return group_first(cols.get(name), codes)

    p_handle = group_first(handle, codes)
    p_title = product_cell("title")
    p_title = p_title.where(p_title != "", p_handle)
    p_type = product_cell("type")
    gift = parse_bools(product_cell("gift card")) == 1.0
    p_type = p_type.where(~(gift & (p_type == "").to_numpy()), "Gift Card")
    p_status = product_cell("status").str.lower()
    published = parse_bools(product_cell("published"))
    p_status = p_status.where(p_status != "", np.where(published == 0.0, "draft",
                                                       np.where(published == 1.0, "active",
                                                                "")))

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

    v_codes = codes[v]

    def per_variant(per_product: pd.Series) -> pd.Series:
        return spread(per_product, v_codes)

    sel = pa.array(v)
    v_index = pd.RangeIndex(int(v.sum()))

    def pick(series: pd.Series) -> pd.Series:
        return text_series(pc.filter(arrow_text(series), sel), v_index)

    def money(name: str, what: str) -> np.ndarray:
        return numbers(pick(cols.get(name)), rows[v], cols.name(name), notes, what)

    opts = [pick(o) for o in options]
    variant_title = join_nonempty(opts, " / ")
    vt = arrow_text(variant_title)
    vt = pc.if_else(pc.equal(pc.utf8_lower(vt), "default title"), "", vt)
    variant_title = text_series(vt, v_index)
    v_handle = pick(handle)
    o1, o2, o3 = (arrow_text(o) for o in opts)
    key = text_series(concat(arrow_text(v_handle), "/", o1, "/", o2, "/", o3), v_index)
    p_image = lookup(p_handle, first_image_of(images))
    own = arrow_text(pick(own_image))
    image = text_series(pc.if_else(pc.equal(own, ""), arrow_text(per_variant(p_image)), own),
                        v_index)
    title = per_variant(p_title)
    t = arrow_text(title)
    full_name = text_series(pc.if_else(pc.equal(vt, ""), t, concat(t, " - ", vt)), v_index)
    markets = [(header.split("/", 1)[1].strip(), pick(cols.get(m.group(0))))
               for header, m in cols.matching(r"price / (.+)")]

    variants = variant_frame({
        "variant_key": key, "parent_key": v_handle, "handle": v_handle,
        "sku": pick(sku), "title": title, "variant_title": variant_title,
        "full_name": full_name, "image_url": image,
        "product_url": per_variant(links(store_base(ctx.store_url), "/products/" + p_handle)),
        "category": per_variant(product_cell("product category")),
        "product_type": per_variant(p_type), "tags": per_variant(product_cell("tags")),
        "status": per_variant(p_status),
        "market_prices": market_prices(markets, v_handle.index),
        "price": money("variant price", "price"),
        "compare_at_price": money("variant compare at price", "compare-at price"),
        "cost": money("cost per item", "cost per item"),
    }, rows[v])
    return Built(variants, images)
