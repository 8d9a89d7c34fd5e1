"""Which order lines are variants of one product: the parent product of every product key.

Analytics works at the parent level by default ("Moisturizer - Oily" and
"Moisturizer - Dry" are one product whose variants are never recommended with each
other). The parent of a product is, in order:

1. the catalogue's parent (``products.parent_key``: Shopify handle, WooCommerce parent
   id), once a catalogue matching the product is imported;
2. the product part of a line name laid out as Shopify writes variant lines,
   "Title - Variant title" (options joined by " / "), Etsy's "Title - Size:Small"
   likewise. Only the last " - " splits (titles hold dashes: "Crazy Sofa - Inflatable
   Towable"), and only when the split is credible: two or more products share the
   title, or the variant part clearly looks like options (" / ", "Name:Value", a size
   such as S/M/XL/Small, a number with an optional unit);
3. otherwise the product key itself.

Products whose names are equal (several SKUs under one name, as in Amazon's reports)
share the name as parent. A group of one keeps its own key, so stores without
variants see the same keys at both levels.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_SEPARATOR = " - "
_SIZE = re.compile(
    r"^(?:x{0,3}s|s|m|l|x{1,4}l|\d?x{1,2}l|xxs|one size|os|small|medium|large|x-large|"
    r"xx-large|extra large|extra small|petite|regular|tall|unstitched|stitched)$",
    re.IGNORECASE)
_NUMBER = re.compile(
    r"^\d+(?:[.,]\d+)?\s*(?:ml|l|g|gr|kg|oz|lb|lbs|cm|mm|m|in|pcs|pc|pack|pk|x|ct|"
    r"minutes?|mins?|hours?|h|days?|months?)?$", re.IGNORECASE)
_OPTION = re.compile(r"^[^\s:]{1,20}:\s*\S")


def split_title(name: str) -> tuple[str, str] | None:
    """``(title, variant)`` when ``name`` has the "Title - Variant" layout, else None."""
    cut = name.rfind(_SEPARATOR)
    if cut <= 0:
        if name.endswith(" -") and len(name) > 2:  # Shopify writes "Emani -" for an empty title
            return name[:-2].strip(), ""
        return None
    title, variant = name[:cut].strip(), name[cut + len(_SEPARATOR):].strip()
    return (title, variant) if title else None


def looks_like_variant(variant: str) -> bool:
    """True when the text after the dash is clearly option values, not part of the title."""
    if variant == "":
        return True
    if " / " in variant or _OPTION.match(variant):
        return True
    return bool(_SIZE.match(variant) or _NUMBER.match(variant))


def parent_keys(products: pd.DataFrame) -> pd.DataFrame:
    """``product_id, parent_key, parent_name`` for every product row (see module doc)."""
    ids = products["product_id"].to_numpy(dtype=np.int64)
    keys = products["product_key"].astype(str).to_numpy(dtype=object)
    names = products["name"].where(products["name"].notna(), products["product_key"]) \
        .astype(str).str.strip().to_numpy(dtype=object)
    split = [split_title(n) for n in names]
    titles = np.array([s[0] if s else n for s, n in zip(split, names, strict=True)],
                      dtype=object)
    clear = np.array([s is not None and looks_like_variant(s[1]) for s in split], dtype=bool)
    # How many products share each title, exactly: "Name of b" and "Name of B" are two
    # products (keys differing by case are different products), while "Foldable Travel
    # Bag" and "Foldable Travel Bag - Pink" share theirs.
    title_series = pd.Series(titles)
    shared = title_series.map(title_series.value_counts()).to_numpy(dtype=np.int64) >= 2
    grouped = shared | clear
    parent = np.where(grouped, titles, keys).astype(object)
    parent_name = np.where(grouped, titles, names).astype(object)
    if "parent_key" in products.columns:
        catalogue = products["parent_key"].to_numpy(dtype=object)
        known = pd.notna(catalogue) & (pd.Series(catalogue).astype(str).str.strip() != "") \
            .to_numpy()
        parent = np.where(known, catalogue, parent).astype(object)
        # The catalogue's parent has no name of its own here: the shared title when the
        # names agree on one, else the first variant's name.
        cat_title = pd.Series(titles).groupby(pd.Series(parent)).transform("first") \
            .to_numpy(dtype=object)
        parent_name = np.where(known, cat_title, parent_name).astype(object)
    return pd.DataFrame({"product_id": ids, "parent_key": pd.Series(parent, dtype=object),
                         "parent_name": pd.Series(parent_name, dtype=object)})
