"""WooCommerce product CSV (the built-in exporter, ``wc-product-export-*.csv``).

``Type`` may combine words ("variation, downloadable, virtual"): a row is a
*variation* when it contains "variation", a parent only when "variable" or
"grouped"; everything else (simple, external, subscription) is sold as itself.
A variation's ``Parent`` is ``id:N`` or the parent's SKU. ``Images`` holds
comma-separated URLs, the first being the main image. ``Published`` is 1
(published), 0 (private) or -1 (draft). Exports carry no permalink, so links are
``{store_url}/?p={parent ID}`` (WordPress redirects to the permalink). The platform
ids are the row's own ID, which ``?add-to-cart=`` takes (a variation's adds it).
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
    store_base,
    variant_frame,
)
from ppdesk.core.catalogue.cleaning import Columns, Notes, clean_sku, https_only, lookup, numbers

_STATUS = {"1": "active", "0": "private", "-1": "draft"}


def _images(cols: Columns, owner: pd.Series, rows: np.ndarray, notes: Notes
            ) -> tuple[pd.DataFrame, pd.Series]:
    """Every image URL of each row (exploded), https only; and each row's first image."""
    raw = cols.get("images")
    parts = raw.str.split(",").explode().fillna("").str.strip()
    ordinal = parts.groupby(level=0).cumcount().to_numpy(dtype="float64")
    where = rows[parts.index.to_numpy()]
    urls = https_only(parts.reset_index(drop=True), where, cols.name("images"), notes, "image")
    urls.index = parts.index
    flat = pd.DataFrame({"i": parts.index.to_numpy(), "ord": ordinal, "url": urls.to_numpy()})
    flat = flat[flat["url"] != ""]
    first_per_row = flat.drop_duplicates("i").set_index("i")["url"]
    first = pd.Series(first_per_row.reindex(range(len(rows))).fillna("").to_numpy(dtype=object),
                      index=owner.index, dtype="str")
    # Parent images first by row order, then position within the cell.
    images = image_frame(owner.iloc[flat["i"].to_numpy()].reset_index(drop=True),
                         flat["i"].to_numpy() * 1000.0 + flat["ord"].to_numpy(),
                         flat["url"].reset_index(drop=True))
    return images, first


def build(cols: Columns, notes: Notes, ctx: Context) -> Built:
    rows = cols.rows
    index = cols.frame.index
    ident, kind = cols.get("id"), cols.get("type").str.lower()
    sku, name = clean_sku(cols.get("sku")), cols.get("name")
    is_variation = kind.str.contains("variation", regex=False)
    parent_only = ~is_variation & (kind.str.contains("variable", regex=False)
                                   | kind.str.contains("grouped", regex=False))
    own = ident.where(ident != "", sku)
    own = own.where(own != "", name)
    nameless = (own == "").to_numpy(dtype=bool)
    if nameless.any():
        notes.reject(rows[nameless], cols.name("id"), "has no ID, SKU or Name")

    ref = cols.get("parent")
    by_id = ref.str.extract(r"^id:\s*(\d+)$", expand=False).fillna("")
    sku_to_id = pd.Series(own.to_numpy(), index=sku.to_numpy())
    sku_to_id = sku_to_id[sku_to_id.index != ""]
    sku_to_id = sku_to_id[~sku_to_id.index.duplicated()]
    by_sku = lookup(ref, sku_to_id)
    parent_ref = by_id.where(by_id != "", by_sku.where(by_sku != "", ref))
    orphan = (is_variation & (parent_ref == "")).to_numpy(dtype=bool) & ~nameless
    if orphan.any():
        notes.reject(rows[orphan], cols.name("parent"), "is a variation without a Parent")
    parent_key = own.where(~is_variation, parent_ref)

    parents = pd.DataFrame({"k": own, "name": name, "cat": cols.get("categories"),
                            "tags": cols.get("tags")})[~is_variation.to_numpy()]
    parents = parents.drop_duplicates("k").set_index("k")
    parent_name = lookup(parent_key, parents["name"])
    title = name.where(~is_variation | (parent_name == ""), parent_name)
    attrs = [m for _, m in cols.matching(r"attribute (\d+) value\(s\)")]
    values = [cols.get(m.group(0)).str.replace("\\,", ",", regex=False) for m in attrs]
    from_attrs = join_nonempty(values, ", ") if values else pd.Series("", index=index)
    prefix = title + " - "
    from_name = pd.Series([n[len(p):] if n.startswith(p) else "" for n, p in
                           zip(name.to_numpy(), prefix.to_numpy(), strict=True)],
                          index=index, dtype="str") if is_variation.any() else from_attrs
    variant_title = (from_name.where(from_name != "", from_attrs)).where(is_variation, "")

    def inherit(own_values: pd.Series, column: str) -> pd.Series:
        return own_values.where(own_values != "", lookup(parent_key, parents[column]))

    images, first_own = _images(cols, parent_key, rows, notes)
    image = first_own.where(first_own != "", lookup(parent_key, first_image_of(images)))
    status = lookup(cols.get("published"), _STATUS)
    sellable = (~parent_only).to_numpy(dtype=bool) & ~nameless & ~orphan
    sel = pd.Series(sellable, index=index)
    sale = numbers(cols.get("sale price")[sel], rows[sellable], cols.name("sale price"), notes,
                   "sale price")
    regular = numbers(cols.get("regular price")[sel], rows[sellable],
                      cols.name("regular price"), notes, "regular price")
    on_sale = ~np.isnan(sale)
    numeric_parent = parent_key.str.fullmatch(r"\d+").fillna(False)
    own_id = ident.where(ident.str.fullmatch(r"\d+").fillna(False), "")
    path = ("/?p=" + parent_key).where(numeric_parent, "")

    def pick(series: pd.Series) -> np.ndarray:
        return series[sel].to_numpy(dtype=object)

    variants = variant_frame({
        "variant_key": pick(own), "parent_key": pick(parent_key), "sku": pick(sku),
        "title": pick(title), "variant_title": pick(variant_title), "full_name": pick(name),
        "image_url": pick(image), "product_url": pick(links(store_base(ctx.store_url), path)),
        "category": pick(inherit(cols.get("categories"), "cat")),
        "tags": pick(inherit(cols.get("tags"), "tags")), "status": pick(status),
        # ?add-to-cart= takes the purchasable ID: the variation's own for a variation.
        "platform_product_id": pick(own_id),
        "platform_variant_id": pick(own_id),
        "price": np.where(on_sale, sale, regular),
        "compare_at_price": np.where(on_sale, regular, np.nan),
    }, rows[sellable])
    parent_rows = pd.Series(parent_only.to_numpy(dtype=bool) & ~nameless, index=index)
    return Built(variants, images, own[parent_rows])
