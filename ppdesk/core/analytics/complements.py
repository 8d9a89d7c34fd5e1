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
            reasons = [f"Bought together with {n} in {kk} of the {w} orders holding it "
                       f"({c:.0%}), {li:.1f}x as often as chance would give (chance that this "
                       f"is a fluke, corrected for every pair tested: {_chance(q)})."
                       for n, kk, w, c, li, q in zip(name_src, k, with_src, conf, same["lift"],
                                                     same["q_value"], strict=True)]
            parts.append(pd.DataFrame({
                "from_code": src, "to_code": dst, "q_value": same["q_value"].to_numpy(),
                "p_value": same["p_value"].to_numpy(), "count": k,
                "confidence": conf.to_numpy(dtype=np.float64),
                "lift": same["lift"].to_numpy(), "source": 0, "reason": reasons}))
    if len(seq):
        reasons = [f"{k} of the {den} customers who bought {a} and came back later went on to "
                   f"buy it ({c:.0%}), {li:.1f}x the usual rate among returning customers "
                   f"(chance that this is a fluke, corrected for every pair tested: "
                   f"{_chance(q)})."
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


def rank(edge_table: pd.DataFrame, baskets: Sequence[Sequence[int]], n: int,
         blocked: Sequence[Sequence[int]] | None = None, key_rank: np.ndarray | None = None,
         ) -> pd.DataFrame:
    """The top ``n`` complements of each basket (lists of product codes).

    Returns rows ``basket, to_code`` plus the winning edge's columns, ordered by basket
    then rank. ``blocked``: per basket, extra codes never to return (besides the basket).
    ``key_rank``: the product key's string rank per code (the last tie-break).
    """
    sizes = np.fromiter((len(b) for b in baskets), dtype=np.int64, count=len(baskets))
    if n <= 0 or sizes.sum() == 0 or edge_table.empty:
        return edge_table.iloc[0:0].assign(basket=pd.Series(dtype="int64"))
    which = np.repeat(np.arange(len(baskets), dtype=np.int64), sizes)
    codes = np.fromiter((c for b in baskets for c in b), dtype=np.int64, count=int(sizes.sum()))
    stop_which, stop_codes = which, codes
    if blocked is not None:
        extra = np.fromiter((len(b) for b in blocked), dtype=np.int64, count=len(blocked))
        stop_which = np.r_[which, np.repeat(np.arange(len(blocked), dtype=np.int64), extra)]
        stop_codes = np.r_[codes, np.fromiter((c for b in blocked for c in b), dtype=np.int64,
                                              count=int(extra.sum()))]
    by_from = edge_table.sort_values("from_code", kind="stable")
    from_codes = by_from["from_code"].to_numpy(dtype=np.int64)
    # Every (basket, edge from one of its products): index arithmetic, no Python loop.
    lo = np.searchsorted(from_codes, codes, side="left")
    hi = np.searchsorted(from_codes, codes, side="right")
    count = hi - lo
    rows = np.repeat(lo, count) + (np.arange(int(count.sum()))
                                   - np.repeat(np.cumsum(count) - count, count))
    hits = by_from.iloc[rows].reset_index(drop=True)
    hits["basket"] = np.repeat(which, count)
    span = int(max(edge_table["to_code"].max(), codes.max(), stop_codes.max())) + 1
    stop = np.unique(stop_which * span + stop_codes)
    hits = hits.loc[~np.isin(hits["basket"].to_numpy() * span + hits["to_code"].to_numpy(),
                             stop)]
    tie = key_rank[hits["to_code"].to_numpy()] if key_rank is not None \
        else hits["to_code"].to_numpy()
    hits = hits.assign(neg_count=-hits["count"], tie=tie)
    hits = hits.sort_values(["basket", "q_value", "p_value", "neg_count", "source", "tie"],
                            kind="stable")
    best = hits.drop_duplicates(["basket", "to_code"])
    best = best.groupby("basket", sort=False).head(n)
    return best.drop(columns=["neg_count", "tie"]).reset_index(drop=True)


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
