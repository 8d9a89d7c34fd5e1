"""Etsy listings download, Square item library, BigCommerce products, and ``--map`` tables.

- Etsy (``EtsyListingsDownload.csv``): one row per listing, ``IMAGE1..10``; the
  variations are listed as text, not priced rows, so each listing is one entry; the
  file has no listing id, so the key is the SKU, else the title.
- Square item library export: one row per item variation (``Token``, ``Item Name``,
  ``Variation Name``, ``SKU``, ``Price``, ``Default Unit Cost``, categories); the parent
  is ``Reference Handle`` when present, else the item name.
- BigCommerce products export: ``Item Type`` ``Product`` rows followed by their ``SKU``
  rows (variants; their ``Product Name`` reads ``[S]Size=Small,[RB]Color=Red``);
  ``Rule`` rows are price rules, not products. ``Product URL`` is relative to the store.
- Generic: the canonical catalogue fields named with ``--map``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ppdesk.core.catalogue.built import (
    Built,
    Context,
    empty_images,
    first_image_of,
    image_frame,
    links,
    store_base,
    variant_frame,
)
from ppdesk.core.catalogue.cleaning import Columns, Notes, clean_sku, https_only, lookup, numbers


def _numbered_images(cols: Columns, parent: pd.Series, pattern: str, notes: Notes,
                     mask: np.ndarray | None = None) -> pd.DataFrame:
    """Images from numbered columns (``IMAGE1``..): position = the column's number."""
    frames = []
    for header, m in cols.matching(pattern):
        url = https_only(cols.get(m.group(0)), cols.rows, header, notes, "image")
        if mask is not None:
            url = url.where(mask, "")
        frames.append(image_frame(parent, np.full(len(parent), float(m.group(1))), url))
    if not frames:
        return empty_images()
    merged = pd.concat(frames, ignore_index=True)
    return image_frame(merged["parent_key"], merged["position"].to_numpy(), merged["url"])


def _reject_blank(key: pd.Series, cols: Columns, notes: Notes, column: str, reason: str
                  ) -> np.ndarray:
    blank = (key == "").to_numpy(dtype=bool)
    if blank.any():
        notes.reject(cols.rows[blank], cols.name(column), reason)
    return ~blank


def build_etsy(cols: Columns, notes: Notes, ctx: Context) -> Built:
    title, sku = cols.get("title"), clean_sku(cols.get("sku"))
    key = sku.where(sku != "", title)
    ok = _reject_blank(key, cols, notes, "title", "has no TITLE or SKU")
    images = _numbered_images(cols, key.where(ok, ""), r"image(\d+)", notes)
    sel = pd.Series(ok, index=key.index)
    rows = cols.rows[ok]
    return Built(variant_frame({
        "variant_key": key[sel], "parent_key": key[sel], "sku": sku[sel], "title": title[sel],
        "full_name": title[sel], "currency": cols.get("currency_code")[sel],
        "tags": cols.get("tags")[sel], "status": np.full(len(rows), "active", dtype=object),
        "image_url": lookup(key[sel], first_image_of(images)),
        "price": numbers(cols.get("price")[sel], rows, cols.name("price"), notes, "price"),
    }, rows), images)


def build_square(cols: Columns, notes: Notes, ctx: Context) -> Built:
    item, var = cols.get("item name"), cols.get("variation name")
    sku, token = clean_sku(cols.get("sku")), cols.get("token")
    key = token.where(token != "", sku)
    key = key.where(key != "", (item + "/" + var).where(item != "", ""))
    ok = _reject_blank(key.where(item != "", ""), cols, notes, "item name", "has no Item Name")
    parent = cols.get("reference handle")
    parent = parent.where(parent != "", item)
    archived = cols.get("archived").str.upper().isin(["Y", "YES", "TRUE"])
    sel = pd.Series(ok, index=key.index)
    rows = cols.rows[ok]
    variant_title = var.where(~var.str.lower().isin(["regular", ""]), "")
    category = cols.get("reporting category", "categories", "category")
    return Built(variant_frame({
        "variant_key": key[sel], "parent_key": parent[sel], "sku": sku[sel], "title": item[sel],
        "variant_title": variant_title[sel],
        "full_name": item[sel].where(variant_title[sel] == "", item[sel] + " - " + var[sel]),
        "category": category[sel], "status": np.where(archived[sel], "archived", "active"),
        "platform_variant_id": token[sel],
        "price": numbers(cols.get("price")[sel], rows, cols.name("price"), notes, "price"),
        "cost": numbers(cols.get("default unit cost")[sel], rows, cols.name("default unit cost"),
                        notes, "unit cost"),
    }, rows), empty_images())


def build_bigcommerce(cols: Columns, notes: Notes, ctx: Context) -> Built:
    kind = cols.get("item type").str.lower()
    is_product, is_sku = kind == "product", kind == "sku"
    pid = cols.get("product id")
    name = cols.get("product name")
    group = pd.Series(np.where(is_product, np.arange(len(kind)), np.nan)).ffill()
    group.index = kind.index
    product_of = group.fillna(-1).astype(int)
    head = pd.DataFrame({"g": np.arange(len(kind)), "pid": pid, "name": name,
                         "url": cols.get("product url"), "cat": cols.get("category"),
                         "visible": cols.get("product visible?")})[is_product.to_numpy()]
    head = head.set_index("g")
    parent = pid.where(pid != "", name).where(is_product, lookup(product_of,
        head["pid"].where(head["pid"] != "", head["name"])))
    title = name.where(is_product, lookup(product_of, head["name"]))
    has_skus = set(product_of[is_sku].tolist())
    sellable = (is_sku | (is_product & ~product_of.isin(has_skus))) & (title != "")
    ok = sellable.to_numpy(dtype=bool)
    stray = (is_sku & (title == "")).to_numpy(dtype=bool)
    if stray.any():
        notes.reject(cols.rows[stray], cols.name("item type"), "is a SKU row before any "
                     "Product row")
    variant_title = name.str.findall(r"=([^,\[\]]+)").str.join(" / ").fillna("").where(
        is_sku, "")
    image_mask = is_product.to_numpy(dtype=bool)
    images = _numbered_images(cols, parent, r"product image url - (\d+)", notes, image_mask)
    if images.empty:
        images = _numbered_images(cols, parent, r"product image file - (\d+)", notes, image_mask)
    url_path = lookup(product_of, head["url"])
    absolute = https_only(url_path.where(url_path.str.startswith("http"), ""), cols.rows,
                          cols.name("product url"), notes, "product URL")
    relative = links(store_base(ctx.store_url), url_path.where(url_path.str.startswith("/"), ""))
    visible = lookup(product_of, head["visible"]).str.upper()
    sel = pd.Series(ok, index=kind.index)
    rows = cols.rows[ok]
    sku = clean_sku(cols.get("product code/sku", "product sku"))
    own_price = numbers(cols.get("price")[sel], rows, cols.name("price"), notes, "price")
    sale = numbers(cols.get("sale price")[sel], rows, cols.name("sale price"), notes, "sale")
    on_sale = sale > 0
    full = title.where(variant_title == "", title + " - " + variant_title)
    return Built(variant_frame({
        "variant_key": (parent + "/" + sku.where(sku != "", variant_title))[sel],
        "parent_key": parent[sel], "sku": sku[sel], "title": title[sel],
        "variant_title": variant_title[sel], "full_name": full[sel],
        "image_url": lookup(parent[sel], first_image_of(images)),
        "product_url": absolute.where(absolute != "", relative)[sel],
        "category": lookup(product_of, head["cat"])[sel],
        "status": np.where(visible[sel].isin(["N", "NO", "FALSE"]), "hidden", "active"),
        "platform_product_id": lookup(product_of, head["pid"])[sel],
        "price": np.where(on_sale, sale, own_price),
        "compare_at_price": np.where(on_sale, own_price, numbers(
            cols.get("retail price")[sel], rows, cols.name("retail price"), notes, "retail")),
        "cost": numbers(cols.get("cost price")[sel], rows, cols.name("cost price"), notes,
                        "cost price"),
    }, rows), images)


def build_generic(cols: Columns, notes: Notes, ctx: Context,
                  mapping: Mapping[str, str]) -> Built:
    def f(name: str) -> pd.Series:
        column = mapping.get(name)
        return cols.get(_norm(column)) if column else cols.get("\x00")

    title, sku, pid = f("title"), clean_sku(f("sku")), f("product_id")
    variant_title = f("variant_title")
    key = pid.where(pid != "", sku)
    key = key.where(key != "", (title + "/" + variant_title).where(title != "", ""))
    ok = _reject_blank(key, cols, notes, _norm(mapping.get("title") or mapping.get("sku")
                                               or ""), "has no product id, SKU or title")
    parent = f("parent")
    parent = parent.where(parent != "", title.where(title != "", key))
    title = title.where(title != "", sku)
    rows = cols.rows[ok]
    sel = pd.Series(ok, index=key.index)

    def url(name: str, what: str) -> pd.Series:
        return https_only(f(name), cols.rows, mapping.get(name, name), notes, what)[sel]

    def money(name: str) -> np.ndarray:
        return numbers(f(name)[sel], rows, mapping.get(name, name), notes, name)

    image = url("image_url", "image")
    images = image_frame(parent[sel], np.zeros(int(ok.sum())), image)
    return Built(variant_frame({
        "variant_key": key[sel], "parent_key": parent[sel], "sku": sku[sel], "title": title[sel],
        "variant_title": variant_title[sel],
        "full_name": title.where(variant_title == "", title + " - " + variant_title)[sel],
        "currency": f("currency")[sel], "image_url": image,
        "product_url": url("product_url", "product URL"), "category": f("category")[sel],
        "tags": f("tags")[sel], "status": f("status")[sel].str.lower(),
        "platform_variant_id": f("platform_variant_id")[sel],
        "price": money("price"), "compare_at_price": money("compare_at_price"),
        "cost": money("cost"),
    }, rows), images)


def _norm(name: str) -> str:
    from ppdesk.core.importing.profiles.base import norm

    return norm(name)
