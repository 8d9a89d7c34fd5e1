"""The planner's batch complements: hand-worked order, and agreement with best_complements."""

from __future__ import annotations

from pathlib import Path

from flow_builders import StoreBuilder

from ppdesk.core.analytics.complements import best_complements
from ppdesk.core.flows.affinity import batch_complements
from ppdesk.core.settings import AnalyticsSettings
from ppdesk.core.store.lines import load_lines, load_products


def test_batch_complements_rank_like_best_complements(home: Path) -> None:
    shop = StoreBuilder(home)
    rows: list[tuple[str, str, list[str]]] = []
    day = 0

    def add(count: int, keys: list[str]) -> None:
        nonlocal day
        for _ in range(count):
            day += 1
            rows.append((f"c{day}@x.org", f"2026-01-01 10:{day % 60:02d}", keys))

    add(12, ["a", "b"])       # a with b: strongest
    add(6, ["a", "c"])        # a with c: weaker
    add(2, ["a", "d"])        # a with d: seen twice only (below min 3)
    add(30, ["e"])            # background orders without a
    add(10, ["f", "b"])
    shop.bulk_orders(rows)
    ids = {k: shop.product(k) for k in "abcdef"}
    settings = AnalyticsSettings(min_orders_together=3)
    lines, products = load_lines(shop.store), load_products(shop.store)
    complements = batch_complements(lines, products, settings)
    # hand-worked: of 60 orders, 20 hold a. c is in 6 orders, all with a: hypergeometric
    # P(X >= 6) = C(20,6)/C(60,6) = 7.7e-4; b is in 22, 12 with a: P(X >= 12) = 9.3e-3.
    # Stronger evidence first: c, then b; d (2 orders together) fails the minimum of 3.
    assert complements(("a",), 5) == [ids["c"], ids["b"]]
    for key in "abcdef":
        expected = [c.product_id for c in best_complements(shop.store, [key], n=5,
                                                           settings=settings)]
        assert complements((key,), 5) == expected, key
    # a basket never gets its own products back
    assert ids["b"] not in complements(("a", "b"), 5)
