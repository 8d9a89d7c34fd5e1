"""What a layout's builder returns, and the small vectorised helpers builders share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ppdesk.core.catalogue.cleaning import arrow_text, text_series
from ppdesk.core.catalogue.fields import NUMBER_COLUMNS, TEXT_COLUMNS

# What urllib.parse.quote(..., safe="/?=&:") leaves as it is.
_QUOTES_TO_ITSELF = r"^[A-Za-z0-9_.~/?=&:\-]*$"


@dataclass
class Built:
    """Variants (one row per sellable variant, ``fields`` columns plus ``_row``) and the
    images of each parent (``parent_key``, ``position``, ``url``)."""

    variants: pd.DataFrame
    images: pd.DataFrame
    # Parents sold only through variants that are not in the file still count as
    # products (a WooCommerce "variable" row); None = the variants' parents.
    parent_only: pd.Series | None = None

    def parent_keys(self) -> pd.Index:
        keys = [self.variants["parent_key"]]
        if self.parent_only is not None:
            keys.append(self.parent_only)
        merged = pd.concat(keys, ignore_index=True)
        return pd.Index(merged[merged != ""].unique())


@dataclass(frozen=True)
class Context:
    """Store facts a builder needs: links are ``{store_url}/products/{handle}`` etc."""

    store_url: str = ""


def variant_frame(columns: dict[str, object], rows: np.ndarray) -> pd.DataFrame:
    """The variant frame in canonical column order; absent text columns "", numbers NaN."""
    n = len(rows)
    out: dict[str, object] = {}
    for name in TEXT_COLUMNS:
        value = columns.get(name)
        if value is None:
            out[name] = pd.Series("", index=pd.RangeIndex(n), dtype="str")
        elif isinstance(value, pd.Series) and value.dtype == "str":
            out[name] = value.reset_index(drop=True)   # already text: no conversion
        else:
            out[name] = pd.Series(np.asarray(value, dtype=object), dtype="str")
    for name in NUMBER_COLUMNS:
        value = columns.get(name)
        out[name] = np.full(n, np.nan) if value is None else np.asarray(value, dtype="float64")
    out["_row"] = np.asarray(rows, dtype=np.int64)
    return pd.DataFrame(out)


def image_frame(parent: pd.Series, position: np.ndarray, url: pd.Series) -> pd.DataFrame:
    """Images with a URL, one row per (parent, url), lowest position first."""
    # Only rows with an image are taken out of pyarrow (most rows have none). Sorted by
    # (parent, position), ties in file order; of a (parent, url) repeated, the first.
    has = np.flatnonzero(((url != "") & (parent != "")).to_numpy(dtype=bool))
    at = pa.array(has, type=pa.int64())
    parents = pd.Series(pd.array(pc.take(arrow_text(parent), at), dtype="str"))
    urls = pd.Series(pd.array(pc.take(arrow_text(url), at), dtype="str"))
    positions = np.asarray(position, dtype="float64")[has]
    ranks = pd.factorize(parents, sort=True)[0]
    order = np.lexsort((positions, ranks))  # stable: equal keys keep file order
    url_codes = pd.factorize(urls, sort=False)[0]
    pair = ranks[order].astype(np.int64) * (int(url_codes.max(initial=0)) + 1) + url_codes[order]
    keep = order[np.sort(np.unique(pair, return_index=True)[1])]
    return pd.DataFrame({"parent_key": parents.to_numpy(dtype=object)[keep],
                         "position": positions[keep],
                         "url": urls.to_numpy(dtype=object)[keep]})


def empty_images() -> pd.DataFrame:
    return pd.DataFrame({"parent_key": pd.Series([], dtype=object),
                         "position": pd.Series([], dtype="float64"),
                         "url": pd.Series([], dtype=object)})


def first_image_of(images: pd.DataFrame) -> pd.Series:
    """parent_key -> its first image by position (``images`` is sorted by position)."""
    return images.drop_duplicates("parent_key").set_index("parent_key")["url"]


def concat(*parts: pa.Array | str) -> pa.Array:
    """Row-wise concatenation of text arrays and constant strings (no missing values)."""
    return pc.binary_join_element_wise(
        *(pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts),
        pa.scalar("", pa.large_string()))


def join_nonempty(parts: list[pd.Series], sep: str) -> pd.Series:
    """Row-wise join of the non-empty cells of ``parts`` with ``sep``."""
    out = arrow_text(parts[0])
    for p in parts[1:]:
        text = arrow_text(p)
        joined = pc.binary_join_element_wise(out, text, pa.scalar(sep, pa.large_string()))
        out = pc.if_else(pc.equal(text, ""), out, pc.if_else(pc.equal(out, ""), text, joined))
    return text_series(out, parts[0].index)


def links(base: str, paths: pd.Series) -> pd.Series:
    """``base`` + path per row ("" when no base or no path); paths are quoted once each."""
    if not base:
        return pd.Series("", index=paths.index, dtype="str")
    # Paths of only unreserved and kept characters (most handles) quote to themselves:
    # those are joined column-wise, the others quoted one distinct value at a time.
    plain = pc.match_substring_regex(arrow_text(paths), _QUOTES_TO_ITSELF).to_numpy(
        zero_copy_only=False)
    out = (base + paths).where(paths != "", "")
    if plain.all():
        return out
    odd = paths[~plain]
    codes, uniq = pd.factorize(odd, sort=False)
    done = np.array([base + quote(u, safe="/?=&:") for u in uniq], dtype=object)
    out[~plain] = done[codes]
    return out


def store_base(store_url: str) -> str:
    """The store URL without trailing slash when it is https, else "" (links need https)."""
    text = (store_url or "").strip().rstrip("/")
    return text if text.lower().startswith("https://") and len(text) > len("https://") else ""


def market_prices(columns: list[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    """JSON ``{"Market": "price"}`` per row from per-market price columns ("" if none).

    Built by column-wise string concatenation (no per-row Python): each value is
    escaped for JSON, then the non-empty pieces are joined."""
    pieces = []
    for name, values in columns:
        text = arrow_text(values)
        if not pc.any(pc.not_equal(text, "")).as_py():
            continue  # a market without a price adds nothing to any row
        escaped = text  # most prices need no escaping: checked once, cheaper than replacing
        if pc.any(pc.match_substring_regex(text, r'["\\]')).as_py():
            escaped = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
        quoted = concat(json.dumps(name, ensure_ascii=False) + ': "', escaped, '"')
        pieces.append(text_series(pc.if_else(pc.equal(text, ""), "", quoted), values.index))
    if not pieces:
        return pd.Series("", index=index, dtype="str")
    body = arrow_text(join_nonempty(pieces, ", "))
    braced = concat("{", body, "}")
    return text_series(pc.if_else(pc.equal(body, ""), "", braced), pieces[0].index)
