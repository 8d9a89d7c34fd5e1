"""The planner, the offer builder and the email context name the same complements.

All three ask ``Evidence.complements`` (one ranking); this checks it end to end on a
real SQLite store: the planner's cross-sell pool, the offer's complement and the
email's complements (with their reasons) for the same baskets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from flow_builders import StoreBuilder

from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.emails.context import build_context
from ppdesk.core.flows.planner import plan
from ppdesk.core.offers.builder import build_offer


def _shop(home: Path) -> StoreBuilder:
    shop = StoreBuilder(home)
    rows: list[tuple[str, str, list[str]]] = []
    n = 0

    def add(count: int, keys: list[str]) -> None:
        nonlocal n
        for _ in range(count):
            n += 1
            rows.append((f"c{n}@x.org", f"2026-01-{1 + n % 28:02d} 10:{n % 60:02d}", keys))

    add(14, ["a", "b"])
    add(9, ["a", "c"])
    add(7, ["a", "d", "c"])
    add(12, ["e", "f"])
    add(6, ["e", "b"])
    add(60, ["g"])
    add(30, ["h"])
    shop.bulk_orders(rows)
    shop.settings(holdout_share=0.0, cross_sell_count=3)
    return shop


def test_planner_offer_and_email_agree(home: Path) -> None:
    shop = _shop(home)
    zed_order = shop.order("zed@x.org", "2026-02-20 10:00", ["a"])
    yan_order = shop.order("yan@x.org", "2026-02-20 10:05", ["a", "e"])
    ids = {k: shop.product(k) for k in "abcdefgh"}
    evidence = evidence_for(shop.store)
    expected_a = [c.product_id for c in evidence.complements(["a"], n=3)]
    expected_ae = [c.product_id for c in evidence.complements(["a", "e"], n=3)]
    # The store was built so that both baskets have three complements to agree on.
    assert len(expected_a) == 3 and len(expected_ae) == 3
    assert set(expected_a) <= {ids["b"], ids["c"], ids["d"]}

    result = plan(shop.store, now="2026-02-21T00:00:00Z", rng=np.random.default_rng(0))
    planned = {row.email: list(row.product_ids) for row in result.messages.itertuples()
               if row.flow == "cross_sell"}
    assert planned["zed@x.org"] == expected_a
    assert planned["yan@x.org"] == expected_ae

    offer = build_offer(shop.store, "a")
    assert offer.complement.product_id == expected_a[0]
    assert offer.evidence is not None and offer.evidence.reason

    for customer, order, want in (("zed@x.org", zed_order, expected_a),
                                  ("yan@x.org", yan_order, expected_ae)):
        own = build_context(shop.store, "cross_sell", customer_id=shop.customer(customer),
                            order_id=order)
        assert [c["id"] for c in own["complements"]] == want
        # With the planner's products, every card says which bought product it goes with
        # (customers read a sentence, not the ranking's figures).
        fed = build_context(shop.store, "cross_sell", customer_id=shop.customer(customer),
                            order_id=order, product_ids=planned[customer])
        assert [c["id"] for c in fed["complements"]] == want
        # A card that goes with the product the intro names says nothing more (the intro
        # says it); a card that goes with another bought product names that one. By hand:
        # every suggestion for zed goes with A, the intro's product; yan also bought E,
        # and F was only ever bought with E (12 orders), so F's card names E.
        intro = fed["content"]["intro"]
        assert f"customers who bought the {fed['product']['name']} like to add" in intro
        said = {c["name"]: c["sentence"] for c in fed["cards"] if c["sentence"]}
        if customer == "zed@x.org":
            assert fed["product"]["name"] == "A" and said == {}
        else:
            assert said == {"F": "Customers who bought the E often add the F."}, said
