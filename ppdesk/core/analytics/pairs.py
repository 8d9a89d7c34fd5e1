"""Product pairs: bought in the same order, and bought one after the other by a customer.

Same-order pairs come from the distinct (order, product) rows sorted by order and
product code: each row is paired with the later rows of its order, so every pair
appears once with ``product_a < product_b`` (products are ranked by key), and
counting the pair codes gives ``orders_together``; counting the rows per product
gives ``orders_with``. (The same counts as ``X.T @ X`` of the order x product
incidence matrix, in numpy alone: importing scipy.sparse costs ~0.3 s of start-up.)

The fluke guard: with thousands of products, a pair seen together twice can show
a huge lift by pure chance. ``p_value`` is the chance of seeing the pair together
at least this often if the two products were put into orders independently of
each other (one-sided hypergeometric test: draw ``orders_with_b`` orders out of
``orders_total``, of which ``orders_with_a`` hold A). A small p-value means the
pairing is very unlikely to be a coincidence.

Corrected for chance: a store with 2,000 products tests ~20,000 pairs, and at
p <= 0.05 about 1,000 of them would pass by luck alone. ``q_value`` is the
Benjamini-Hochberg adjusted p-value over the family of every pair bought together
at least once in the window (at the analysis level): among pairs with q <= 0.05, at
most about 5 % are expected to be flukes. Recommendations require a minimum number
of orders together, lift above 1 and ``q_value`` at most ``max_q_value``.

Sequential pairs look across orders: ``customers_a_then_b`` counts customers
whose first purchase date of B is later than their first purchase date of A
(both in the window; guests excluded). Their ``confidence`` is that count over
the customers who bought A and ordered again on a later date; the same
hypergeometric test, among customers who ordered on at least two dates, guards it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ppdesk.core.analytics.dataset import (
    Basket,
    build_basket,
    resolve_window,
)
from ppdesk.core.analytics.stats import bh_adjust, group_starts, hypergeom_sf, unique_triples
from ppdesk.core.progress import CancelToken, ProgressFn, check, report

PAIR_COLUMNS = [
    "product_a", "product_b", "name_a", "name_b", "orders_with_a", "orders_with_b",
    "orders_together", "support", "confidence_a_b", "confidence_b_a", "lift", "p_value",
    "q_value", "product_id_a", "product_id_b",
]
SEQUENTIAL_COLUMNS = [
    "product_a", "product_b", "name_a", "name_b", "customers_with_a", "customers_with_b",
    "customers_a_returning", "customers_b_later", "customers_a_then_b", "confidence", "lift",
    "p_value", "q_value", "product_id_a", "product_id_b",
]
# Pairs expanded per chunk in the sequential count: bounds memory, paces progress.
_CHUNK_PAIRS = 4_000_000


@dataclass(frozen=True)
class PairsResult:
    """Same-order pairs of a window. ``pairs`` holds :data:`PAIR_COLUMNS`."""

    orders_total: int
    since: dt.date | None
    until: dt.date | None
    pairs: pd.DataFrame


@dataclass(frozen=True)
class SequentialResult:
    """Sequential pairs of a window. ``pairs`` holds :data:`SEQUENTIAL_COLUMNS`.

    ``customers_total`` counts customers with an included order in the window;
    ``returning_customers`` those who ordered on at least two dates.
    """

    customers_total: int
    returning_customers: int
    since: dt.date | None
    until: dt.date | None
    pairs: pd.DataFrame


def p_values(together: np.ndarray, total: int | np.ndarray, with_a: np.ndarray,
             with_b: np.ndarray) -> np.ndarray:
    """One-sided hypergeometric P(X >= together), vectorised (see module doc)."""
    if len(together) == 0:
        return np.zeros(0)
    return hypergeom_sf(np.asarray(together), total, with_a, with_b)


def co_occurrences(group: np.ndarray, item: np.ndarray, n_items: int,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every item pair a < b held by at least one group, with how many distinct groups
    hold both, and how many hold each item: ``a, b, count, held``; pairs sorted by a,
    then b. ``group``/``item``: non-negative codes, one row per (group, item)
    occurrence; repeats in a group count once."""
    key = np.sort(np.asarray(group, dtype=np.int64) * n_items
                  + np.asarray(item, dtype=np.int64))
    key = key[group_starts(key)]
    rows, items = np.divmod(key, n_items)
    # The item code stands in for the "day": a row pairs with the later (higher coded)
    # items of its group, exactly the pairs with a < b.
    a, b, count = _count_ordered_pairs(rows, items, items, n_items, progress=None,
                                       cancel=None)
    return a, b, count, np.bincount(items, minlength=n_items).astype(np.int64)


def same_order_pairs(lines: pd.DataFrame, products: pd.DataFrame, *,
                     since: dt.date | str | None = None, until: dt.date | str | None = None,
                     min_orders: int = 1, window_days: int = 365,
                     basket: Basket | None = None) -> PairsResult:
    """Every pair bought together in at least ``min_orders`` included orders of the window.

    Sorted by orders together (most first), then by p-value and keys. ``basket``: an
    already encoded window (shared with timing); ``since``/``until`` are then ignored.
    """
    if basket is None:
        window = resolve_window(lines, since, until, window_days=window_days)
        basket = build_basket(lines, products, window)
    return pairs_from_basket(basket, min_orders=min_orders)


def pairs_from_basket(basket: Basket, *, min_orders: int = 1) -> PairsResult:
    """:func:`same_order_pairs` on an already encoded basket."""
    window = basket.window
    n = basket.n_orders
    if n == 0 or basket.n_products < 2:
        return PairsResult(n, window.since, window.until, _empty(PAIR_COLUMNS))
    a, b, k, with_ = co_occurrences(basket.order, basket.product, basket.n_products)
    # The family corrected for chance is every pair seen together at least once,
    # before any display filter: filtering first would make q depend on --min-orders.
    p = p_values(k, n, with_[a], with_[b])
    q = bh_adjust(p)
    keep = k >= max(int(min_orders), 1)
    a, b, k, p, q = a[keep], b[keep], k[keep], p[keep], q[keep]
    wa, wb = with_[a], with_[b]
    meta = basket.products
    keys = meta["product_key"].to_numpy(dtype=object)
    names = meta["name"].to_numpy(dtype=object)
    ids = meta["product_id"].to_numpy(dtype=np.int64)
    order = np.lexsort((b, a, p, -k))
    a, b, k, wa, wb, p, q = (a[order], b[order], k[order], wa[order], wb[order], p[order],
                             q[order])
    frame = pd.DataFrame({
        **_text(product_a=keys[a], product_b=keys[b], name_a=names[a], name_b=names[b]),
        "orders_with_a": wa, "orders_with_b": wb, "orders_together": k,
        "support": k / n, "confidence_a_b": k / wa, "confidence_b_a": k / wb,
        "lift": k * float(n) / (wa * wb.astype(np.float64)), "p_value": p, "q_value": q,
        "product_id_a": ids[a], "product_id_b": ids[b],
    })
    return PairsResult(n, window.since, window.until, frame)


def sequential_pairs(lines: pd.DataFrame, products: pd.DataFrame, *,
                     since: dt.date | str | None = None, until: dt.date | str | None = None,
                     min_customers: int = 1, window_days: int = 365,
                     basket: Basket | None = None, progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> SequentialResult:
    """Every directed pair A -> B with at least ``min_customers`` customers who bought B later.

    Sorted by customers (most first), then by p-value and keys. ``basket`` as in
    :func:`same_order_pairs`.
    """
    if basket is None:
        window = resolve_window(lines, since, until, window_days=window_days)
        basket = build_basket(lines, products, window)
    return sequential_from_basket(basket, min_customers=min_customers, progress=progress,
                                  cancel=cancel)


def first_purchases(basket: Basket) -> pd.DataFrame:
    """One row per (customer, product): ``customer, product, first_day``, guests left out.

    ``customer`` is a 0-based customer code; rows are sorted by customer, then first
    day, then product code. Taken from the basket's purchase occasions (the first one
    of each customer and product).
    """
    occ = basket.occasions
    first = occ["occasion"].to_numpy() == 0
    cust, day, prod = unique_triples(occ["customer_code"].to_numpy()[first],
                                     occ["day"].to_numpy()[first],
                                     occ["product"].to_numpy()[first])
    return pd.DataFrame({"customer": cust, "product": prod, "first_day": day})


def sequential_from_basket(basket: Basket, *, min_customers: int = 1,
                           progress: ProgressFn | None = None,
                           cancel: CancelToken | None = None) -> SequentialResult:
    """:func:`sequential_pairs` on an already encoded basket."""
    window = basket.window
    n_products = basket.n_products
    first = first_purchases(basket)
    cust = first["customer"].to_numpy(dtype=np.int64)
    prod = first["product"].to_numpy(dtype=np.int64)
    day = first["first_day"].to_numpy(dtype=np.int64)
    if len(first) == 0:
        return SequentialResult(0, 0, window.since, window.until, _empty(SEQUENTIAL_COLUMNS))
    occ = basket.occasions
    codes = occ["customer_code"].to_numpy()
    days = occ["day"].to_numpy()
    n_customers = int(codes.max()) + 1
    first_day = np.full(n_customers, np.iinfo(np.int64).max)
    last_day = np.full(n_customers, np.iinfo(np.int64).min)
    np.minimum.at(first_day, codes, days)
    np.maximum.at(last_day, codes, days)
    returning = int((last_day > first_day).sum())

    # Per-product denominators: customers with A, who ordered again after their first A,
    # and who bought B after their first order.
    with_ = np.bincount(prod, minlength=n_products).astype(np.int64)
    returning_after = np.bincount(prod[day < last_day[cust]], minlength=n_products)
    later = np.bincount(prod[day > first_day[cust]], minlength=n_products)

    a, b, k = _count_ordered_pairs(cust, day, prod, n_products, progress=progress,
                                   cancel=cancel)
    # Same correction as same-order pairs: the family is every A -> B seen at least once.
    p_all = p_values(k, returning, returning_after[a], later[b])
    q_all = bh_adjust(p_all)
    keep = k >= max(int(min_customers), 1)
    a, b, k, p, q = a[keep], b[keep], k[keep], p_all[keep], q_all[keep]
    den, lb = returning_after[a].astype(np.int64), later[b].astype(np.int64)
    order = np.lexsort((b, a, p, -k))
    a, b, k, den, lb, p, q = (a[order], b[order], k[order], den[order], lb[order], p[order],
                              q[order])
    meta = basket.products
    keys = meta["product_key"].to_numpy(dtype=object)
    names = meta["name"].to_numpy(dtype=object)
    ids = meta["product_id"].to_numpy(dtype=np.int64)
    frame = pd.DataFrame({
        **_text(product_a=keys[a], product_b=keys[b], name_a=names[a], name_b=names[b]),
        "customers_with_a": with_[a], "customers_with_b": with_[b],
        "customers_a_returning": den, "customers_b_later": lb, "customers_a_then_b": k,
        "confidence": k / den.astype(np.float64),
        "lift": k * float(returning) / (den * lb.astype(np.float64)), "p_value": p,
        "q_value": q, "product_id_a": ids[a], "product_id_b": ids[b],
    })
    return SequentialResult(n_customers, returning, window.since, window.until, frame)


def _count_ordered_pairs(cust: np.ndarray, day: np.ndarray, prod: np.ndarray, n_products: int,
                         *, progress: ProgressFn | None, cancel: CancelToken | None,
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For rows sorted by (customer, day): count (A, B) with A's day < B's day, same customer.

    Returns the pairs' product codes ``a``, ``b`` (sorted by a, then b) and counts.

    Each row is paired with the rows of the same customer on strictly later days:
    those run from the end of its (customer, day) block to the end of its customer
    block, so the pairs are generated with index arithmetic, chunk by chunk.
    """
    m = len(cust)
    idx = np.arange(m, dtype=np.int64)
    cust_start = np.flatnonzero(group_starts(cust))
    cust_end = np.r_[cust_start[1:], m]
    block_start = np.flatnonzero(group_starts(cust, day))
    block_end = np.r_[block_start[1:], m]
    end = np.repeat(cust_end, np.diff(np.r_[cust_start, m]))
    nxt = np.repeat(block_end, np.diff(np.r_[block_start, m]))
    followers = end - nxt
    total = int(followers.sum())
    counts = np.zeros(0, dtype=np.int64)
    dense = n_products * n_products <= 4_000_000  # 32 MB of counters at most
    if dense:
        counts = np.zeros(n_products * n_products, dtype=np.int64)
    partial: list[np.ndarray] = []
    # Chunk boundaries on rows so that each chunk expands to about _CHUNK_PAIRS pairs.
    cum = np.cumsum(followers)
    bounds = np.searchsorted(cum, np.arange(_CHUNK_PAIRS, total, _CHUNK_PAIRS), side="right")
    bounds = np.r_[0, bounds, m]
    done = 0
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        check(cancel)
        f = followers[lo:hi]
        n_pairs = int(f.sum())
        if n_pairs:
            left = np.repeat(idx[lo:hi], f)
            offset = np.arange(n_pairs, dtype=np.int64) - np.repeat(np.cumsum(f) - f, f)
            right = np.repeat(nxt[lo:hi], f) + offset
            code = prod[left] * n_products + prod[right]
            if dense:
                counts += np.bincount(code, minlength=n_products * n_products)
            else:
                uniq, cnt = np.unique(code, return_counts=True)
                partial.append(np.stack([uniq, cnt]))
        done += n_pairs
        report(progress, done, total, "sequential pairs")
    if dense:
        code = np.flatnonzero(counts)
        k = counts[code]
    elif partial:
        merged = pd.DataFrame(np.concatenate(partial, axis=1).T, columns=["code", "n"])
        summed = merged.groupby("code")["n"].sum()
        code, k = summed.index.to_numpy(dtype=np.int64), summed.to_numpy(dtype=np.int64)
    else:
        code = k = np.zeros(0, dtype=np.int64)
    return code // n_products, code % n_products, k


def recommendable(frame: pd.DataFrame, *, min_together: int, max_q_value: float) -> np.ndarray:
    """True where a pair passes the fluke guard: seen often enough, above chance, and its
    q-value (p corrected for the number of pairs tested) at most ``max_q_value``."""
    count = "orders_together" if "orders_together" in frame.columns else "customers_a_then_b"
    return ((frame[count].to_numpy() >= min_together) & (frame["lift"].to_numpy() > 1.0)
            & (frame["q_value"].to_numpy() <= max_q_value))


def sort_pairs(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sort a pairs frame: ``together`` (count), ``lift`` or ``evidence`` (p-value), most first."""
    count = "orders_together" if "orders_together" in frame.columns else "customers_a_then_b"
    keys = {"together": [count, "lift"], "lift": ["lift", count],
            "evidence": ["p_value", count]}[by]
    ascending = [by == "evidence", False]
    return frame.sort_values(keys + ["product_a", "product_b"], ascending=ascending + [True, True],
                             kind="stable").reset_index(drop=True)


def _text(**columns: np.ndarray) -> dict[str, pd.Series]:
    # Plain object columns: pandas would otherwise convert every key and name to Arrow.
    return {name: pd.Series(values, dtype=object) for name, values in columns.items()}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c.startswith(("product_a", "product_b",
                                                                  "name_")) else float)
                         for c in columns})

