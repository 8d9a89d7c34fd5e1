"""Complements for many baskets at once, for the planner.

``analytics.complements.best_complements`` answers one basket per call (about 50 ms,
mostly building its explanations), and a store with 100,000 customers has thousands
of distinct recent baskets. The planner therefore computes every product's
complements once, from the same evidence and the same fluke guard: same-order pairs
and sequential pairs (A then B) of the analytics window, kept only when seen in at
least ``min_orders_together`` orders/customers, above chance (lift > 1) and with a
p-value of at most ``max_p_value``; strongest evidence (smallest p-value, then most
orders) first. For a basket of several products, each candidate keeps its best
evidence with any product of the basket. For a single product this is the order
``best_complements`` gives; for a larger basket it can differ slightly, because
``best_complements`` pools the basket's orders before testing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ppdesk.core.analytics.dataset import build_basket, resolve_window
from ppdesk.core.analytics.pairs import (
    pairs_from_basket,
    recommendable,
    sequential_from_basket,
)
from ppdesk.core.flows.candidates import ComplementsFn
from ppdesk.core.settings import AnalyticsSettings


def _edges(lines: pd.DataFrame, products: pd.DataFrame,
           settings: AnalyticsSettings) -> pd.DataFrame:
    window = resolve_window(lines, window_days=settings.window_days)
    basket = build_basket(lines, products, window)
    need = max(1, settings.min_orders_together)
    same = pairs_from_basket(basket, min_orders=need).pairs
    same = same[recommendable(same, min_together=need, max_p_value=settings.max_p_value)]
    seq = sequential_from_basket(basket, min_customers=need).pairs
    if not seq.empty:
        seq = seq[recommendable(seq, min_together=need, max_p_value=settings.max_p_value)]
    ids = dict(zip(products["product_key"].astype(str), products["product_id"].astype(int),
                   strict=True))
    parts = [
        pd.DataFrame({"key": same["product_a"].astype(str), "other": same["product_id_b"],
                      "p": same["p_value"], "n": same["orders_together"], "src": 0}),
        pd.DataFrame({"key": same["product_b"].astype(str), "other": same["product_id_a"],
                      "p": same["p_value"], "n": same["orders_together"], "src": 0}),
    ]
    if not seq.empty:
        parts.append(pd.DataFrame({"key": seq["product_a"].astype(str),
                                   "other": seq["product_b"].astype(str).map(ids),
                                   "p": seq["p_value"], "n": seq["customers_a_then_b"],
                                   "src": 1}))
    edges = pd.concat(parts, ignore_index=True).dropna(subset=["other"])
    edges["other"] = edges["other"].astype(np.int64)
    return edges.sort_values(["key", "p", "n", "src", "other"],
                             ascending=[True, True, False, True, True], kind="stable")


def batch_complements(lines: pd.DataFrame, products: pd.DataFrame,
                      settings: AnalyticsSettings) -> ComplementsFn:
    """A complements function (basket keys, n -> product ids) backed by one pairs pass."""
    edges = _edges(lines, products, settings)
    table: dict[str, list[tuple[float, int, int]]] = {}
    for key, group in edges.groupby("key", sort=False):
        best = group.drop_duplicates("other")
        table[str(key)] = list(zip(best["p"].astype(float), (-best["n"]).astype(int),
                                   best["other"].astype(int), strict=True))
    ids = dict(zip(products["product_key"].astype(str), products["product_id"].astype(int),
                   strict=True))

    def complements(keys: tuple[str, ...], n: int) -> list[int]:
        inside = {ids.get(k) for k in keys}
        best: dict[int, tuple[float, int, int]] = {}
        for key in keys:
            for entry in table.get(key, ()):
                other = entry[2]
                if other not in inside and (other not in best or entry < best[other]):
                    best[other] = entry
        return [other for _, _, other in sorted(best.values())][:n]

    return complements
