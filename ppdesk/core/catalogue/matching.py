"""Joining ordered products to catalogue variants: by SKU, else by name, else by handle.

- SKU: the product's SKU (or its key) equals a variant's SKU, compared trimmed,
  case-insensitive and without a spreadsheet's leading apostrophe.
- Name: the order line's name equals the variant's full name as the platform writes
  it on orders ("Title - Variant title" for Shopify, the variation's Name for
  WooCommerce), or the bare title of a product that has only one variant.
- Handle: the line names the product, not the variant: its name (or the part before
  " - ") is a product's title, or as a slug is a handle; it matches that product's
  first variant, which gives the parent, photo and link (not a variant id).

Where two variants share a SKU or name, the first imported wins (stable across imports).
"""

from __future__ import annotations

import pandas as pd


def _n(values: pd.Series) -> pd.Series:
    return (values.fillna("").astype(str).str.strip().str.lstrip("'").str.strip()
            .str.replace(r"\s+", " ", regex=True).str.casefold())


def slug(values: pd.Series) -> pd.Series:
    """Shopify's handle of a title: lower case, runs of other characters as one '-'."""
    return (values.fillna("").astype(str).str.casefold()
            .str.replace(r"[^\w]+", "-", regex=True).str.replace("_", "-", regex=False)
            .str.strip("-"))


def _lookup(keys: pd.Series, ids: pd.Series) -> pd.Series:
    table = pd.Series(ids.to_numpy(), index=keys.to_numpy())
    table = table[table.index != ""]
    return table[~table.index.duplicated(keep="first")]


def match(products: pd.DataFrame, variants: pd.DataFrame) -> pd.DataFrame:
    """``product_id, variant_id, rule`` for every product a variant matches.

    Args:
        products: ``product_id, product_key, sku, name``.
        variants: ``variant_id, parent_key, handle, sku, title, variant_title, full_name``
            in import order.
    """
    if products.empty or variants.empty:
        return pd.DataFrame({"product_id": [], "variant_id": [], "rule": []})
    v = variants
    by_sku = _lookup(_n(v["sku"]), v["variant_id"])
    single = ~v.duplicated(["platform", "parent_key"], keep=False)
    names = pd.concat([_n(v["full_name"]), _n(v["title"].where(single, ""))], ignore_index=True)
    by_name = _lookup(names, pd.concat([v["variant_id"], v["variant_id"]], ignore_index=True))
    first = v.drop_duplicates(["platform", "parent_key"], keep="first")
    by_title = _lookup(_n(first["title"]), first["variant_id"])
    by_handle = _lookup(_n(first["handle"].where(first["handle"] != "", first["parent_key"])),
                        first["variant_id"])

    p = products
    name = _n(p["name"])
    head = name.str.split(" - ", n=1).str[0].fillna("")
    found = _n(p["sku"]).map(by_sku)
    found = found.fillna(_n(p["product_key"]).map(by_sku))
    rule = pd.Series("sku", index=p.index).where(found.notna(), "")
    for rule_name, candidates in (
            ("name", [name.map(by_name)]),
            ("handle", [head.map(by_title), slug(p["name"]).map(by_handle),
                        slug(head).map(by_handle), _n(p["product_key"]).map(by_handle)])):
        for hit in candidates:
            fresh = found.isna() & hit.notna()
            found = found.fillna(hit)
            rule = rule.where(~fresh, rule_name)
    ok = found.notna()
    return pd.DataFrame({"product_id": p["product_id"][ok].astype("int64").to_numpy(),
                         "variant_id": found[ok].astype("int64").to_numpy(),
                         "rule": rule[ok].to_numpy()})
