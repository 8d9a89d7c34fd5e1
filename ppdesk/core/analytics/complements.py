"""The one complements ranking: what goes with a product or a basket, with the reason in words.

The evidence is the window's recommendable pairs at the product (parent) level:

- same order: the pair passes the fluke guard (at least ``min_orders_together`` orders
  together, lift above 1, ``q_value`` at most ``max_q_value``; see ``pairs``);
- sequential: customers who bought A later bought B, guarded the same way.

Substitutes (``substitutes``) and variants of a basket product never qualify: the
basket's products are blocked at the parent level. For a basket, every candidate
keeps its strongest piece of evidence with any basket product; candidates are ranked
by that evidence: smallest q-value, then p-value, then most orders/customers, same
order before sequential, then product key. A single product's ranking is its
recommendable pairs in that order, so the offer builder, the planner and the email
(which all ask ``Evidence.complements``) agree by construction.

:func:`rank` answers many baskets at once with one merge and one sort (the planner's
thousands of baskets); one basket is the same call with one basket.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ppdesk.core.settings import AnalyticsSettings
    from ppdesk.core.store.connection import Store

EDGE_COLUMNS = ["from_code", "to_code", "q_value", "p_value", "count", "confidence", "lift",
                "source", "reason"]


@dataclass(frozen=True)
class Complement:
    """One recommended product (the parent's best-selling variant, ready for an email).

    For ``source == "sequential"``, ``orders_together`` counts customers who bought it
    later rather than orders.
    """

    product_id: int
    product_key: str
    name: str
    orders_together: int
    confidence: float
    lift: float
    p_value: float
    source: str
    reason: str
    q_value: float = float("nan")
    parent_key: str = ""


def _chance(q: float) -> str:
    return "under 1 in 1,000" if q < 0.001 else f"about {q:.1%}"


def edges(same: pd.DataFrame, seq: pd.DataFrame, code_of: dict[str, int],
          blocked_pairs: set[tuple[int, int]]) -> pd.DataFrame:
    """Directed evidence edges (:data:`EDGE_COLUMNS`) from recommendable pair frames.

    ``same``/``seq`` hold only recommendable rows; ``blocked_pairs`` are (code, code)
    pairs that may never recommend each other (substitutes), both directions listed.
    """
    parts = []
    if len(same):
        a = same["product_a"].map(code_of).to_numpy(dtype=np.int64)
        b = same["product_b"].map(code_of).to_numpy(dtype=np.int64)
        k = same["orders_together"].to_numpy(dtype=np.int64)
        for src, dst, with_src, name_src, conf in (
                (a, b, same["orders_with_a"], same["name_a"], same["confidence_a_b"]),
                (b, a, same["orders_with_b"], same["name_b"], same["confidence_b_a"])):
            reasons = [f"{c:.0%} of the orders with {n} also hold this ({kk} of {w}), "
                       f"{li:.1f} times as often as chance would give. The chance that this "
                       f"is pure luck, allowing for every pair checked: {_chance(q)}."
                       for n, kk, w, c, li, q in zip(name_src, k, with_src, conf, same["lift"],
                                                     same["q_value"], strict=True)]
            parts.append(pd.DataFrame({
                "from_code": src, "to_code": dst, "q_value": same["q_value"].to_numpy(),
                "p_value": same["p_value"].to_numpy(), "count": k,
                "confidence": conf.to_numpy(dtype=np.float64),
                "lift": same["lift"].to_numpy(), "source": 0, "reason": reasons}))
    if len(seq):
        reasons = [f"{k} of the {den} customers who bought {a} and came back later went on to "
                   f"buy it ({c:.0%}), {li:.1f} times the usual rate among returning "
                   f"customers. The chance that this is pure luck, allowing for every pair "
                   f"checked: {_chance(q)}."
                   for k, den, a, c, li, q in zip(
                       seq["customers_a_then_b"], seq["customers_a_returning"], seq["name_a"],
                       seq["confidence"], seq["lift"], seq["q_value"], strict=True)]
        parts.append(pd.DataFrame({
            "from_code": seq["product_a"].map(code_of).to_numpy(dtype=np.int64),
            "to_code": seq["product_b"].map(code_of).to_numpy(dtype=np.int64),
            "q_value": seq["q_value"].to_numpy(), "p_value": seq["p_value"].to_numpy(),
            "count": seq["customers_a_then_b"].to_numpy(dtype=np.int64),
            "confidence": seq["confidence"].to_numpy(dtype=np.float64),
            "lift": seq["lift"].to_numpy(), "source": 1, "reason": reasons}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "reason" else "float64")
                             for c in EDGE_COLUMNS}).astype(
            {"from_code": "int64", "to_code": "int64", "count": "int64", "source": "int64"})
    frame = pd.concat(parts, ignore_index=True)
    if blocked_pairs:
        n = int(max(frame["from_code"].max(), frame["to_code"].max())) + 1
        packed = frame["from_code"].to_numpy() * n + frame["to_code"].to_numpy()
        bad = np.array([x * n + y for x, y in blocked_pairs if x < n and y < n], dtype=np.int64)
        frame = frame.loc[~np.isin(packed, bad)]
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class RankedEdges:
    """The edges prepared for ranking: the best edge per (from, to) only, grouped by
    ``from_code`` (``start[c]:start[c + 1]`` are code c's edges, best first). ``place`` is
    each edge's position in the global ranking, ``row`` its row in the edge table."""

    to_code: np.ndarray
    place: np.ndarray
    row: np.ndarray
    start: np.ndarray


def prepare(edge_table: pd.DataFrame, n_codes: int, key_rank: np.ndarray | None = None,
            ) -> RankedEdges:
    """Rank every edge once (see module doc), keep each (from, to)'s best, group by from."""
    to = edge_table["to_code"].to_numpy(dtype=np.int64)
    tie = key_rank[to] if key_rank is not None else to
    order = np.lexsort((tie, edge_table["source"].to_numpy(),
                        -edge_table["count"].to_numpy(), edge_table["p_value"].to_numpy(),
                        edge_table["q_value"].to_numpy()))
    frm = edge_table["from_code"].to_numpy(dtype=np.int64)[order]
    to = to[order]
    # The first occurrence of each (from, to) in ranking order is its best edge.
    _, first = np.unique(frm * max(n_codes, 1) + to, return_index=True)
    place = np.sort(first)
    frm, to, row = frm[place], to[place], order[place]
    by_from = np.argsort(frm, kind="stable")  # stable: keeps the ranking within a code
    start = np.searchsorted(frm[by_from], np.arange(n_codes + 1))
    return RankedEdges(to[by_from], place[by_from], row[by_from], start)


def rank(edges_: RankedEdges, baskets: Sequence[Sequence[int]], n: int,
         blocked: Sequence[Sequence[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The top ``n`` complements of each basket (lists of product codes), all at once.

    Returns ``(basket, row)``: for each answer its basket's index and the winning edge's
    row in the edge table, ordered by basket and then best first. Only integer arrays
    are sorted, and each basket product contributes only its first ``n + |basket| +
    |blocked|`` edges: those always hold the answer (a candidate further down a list
    has at least n better candidates outside the basket above it), so the work does
    not grow with the number of edges per product.
    """
    sizes = np.fromiter((len(b) for b in baskets), dtype=np.int64, count=len(baskets))
    empty = np.zeros(0, dtype=np.int64)
    if n <= 0 or sizes.sum() == 0 or len(edges_.to_code) == 0:
        return empty, empty
    which = np.repeat(np.arange(len(baskets), dtype=np.int64), sizes)
    codes = np.fromiter((c for b in baskets for c in b), dtype=np.int64, count=int(sizes.sum()))
    stop_which, stop_codes = which, codes
    extra = np.zeros(len(baskets), dtype=np.int64)
    if blocked is not None:
        extra = np.fromiter((len(b) for b in blocked), dtype=np.int64, count=len(blocked))
        stop_which = np.r_[which, np.repeat(np.arange(len(blocked), dtype=np.int64), extra)]
        stop_codes = np.r_[codes, np.fromiter((c for b in blocked for c in b), dtype=np.int64,
                                              count=int(extra.sum()))]
    lo = edges_.start[codes]
    depth = np.minimum(edges_.start[codes + 1] - lo, n + sizes[which] + extra[which])
    total = int(depth.sum())
    pos = np.repeat(lo, depth) + (np.arange(total) - np.repeat(np.cumsum(depth) - depth, depth))
    hit_basket = np.repeat(which, depth)
    hit_to = edges_.to_code[pos]
    span = int(max(edges_.to_code.max(), stop_codes.max())) + 1
    packed = hit_basket * span + hit_to
    ok = ~np.isin(packed, np.unique(stop_which * span + stop_codes))
    hit_basket, pos, packed = hit_basket[ok], pos[ok], packed[ok]
    # Sort by (basket, global place), keep each (basket, candidate)'s best, then n per basket.
    places = int(edges_.place.max()) + 1  # places count the edges before the dedupe
    sort = np.argsort(hit_basket * places + edges_.place[pos], kind="stable")
    hit_basket, pos, packed = hit_basket[sort], pos[sort], packed[sort]
    _, first = np.unique(packed, return_index=True)
    first.sort()
    hit_basket, pos = hit_basket[first], pos[first]
    begins = np.r_[0, np.flatnonzero(np.diff(hit_basket)) + 1]
    within = np.arange(len(hit_basket)) - np.repeat(begins, np.diff(np.r_[begins,
                                                                       len(hit_basket)]))
    take = within < n
    return hit_basket[take], edges_.row[pos[take]]


def best_complements(store: Store, basket_keys: Iterable[str] | str, *, n: int = 3,
                     settings: AnalyticsSettings | None = None,
                     exclude_keys: Iterable[str] = ()) -> list[Complement]:
    """Up to ``n`` complements of the basket: ``Evidence.complements`` of the store.

    Raises:
        InputError: a basket key is not a product of this store.
    """
    from ppdesk.core.analytics.evidence import evidence_for

    return evidence_for(store, settings).complements(basket_keys, n=n,
                                                     exclude_keys=exclude_keys)
