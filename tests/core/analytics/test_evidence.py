"""Evidence: q-values, parent grouping, not-products, substitutes and the quantity rule,
against brute force and hand-worked cases."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from analytics_reference import (
    GUEST,
    TRICKY_KEYS,
    Line,
    bh_by_hand,
    frame,
    products_frame,
    random_catalogue,
    random_lines,
    ref_pairs,
    ref_parents,
    ref_sequential,
)

from ppdesk.core.analytics import not_products, parents
from ppdesk.core.analytics.evidence import Evidence
from ppdesk.core.analytics.stats import bh_adjust
from ppdesk.core.settings import AnalyticsSettings

D = dt.date


@pytest.mark.parametrize("seed", range(5))
def test_bh_adjust_matches_the_definition(seed: int) -> None:
    rng = random.Random(seed)
    # Ties on purpose: real pair p-values repeat (same counts give the same p).
    p = [rng.choice([0.001, 0.01, 0.02, 0.2, 0.5, 1.0]) if rng.random() < 0.5 else rng.random()
         for _ in range(40)]
    expected = bh_by_hand(dict(enumerate(p)))
    assert bh_adjust(np.array(p)).tolist() == pytest.approx([expected[i] for i in range(40)])


@pytest.mark.parametrize("seed", range(4))
def test_q_values_of_pairs_match_brute_force(seed: int) -> None:
    lines = random_lines(seed, orders=120, customers=25)
    until = max(ln.date for ln in lines)
    since = until - dt.timedelta(days=60)  # a window: the family is the window's pairs
    evidence = Evidence(frame(lines), products_frame(TRICKY_KEYS))
    got = evidence.pairs("variant", since, until).pairs
    _, expected = ref_pairs(lines, TRICKY_KEYS, since, until)
    assert len(got) == len(expected)
    for row in got.itertuples(index=False):
        ref = expected[(row.product_a, row.product_b)]
        assert row.q_value == pytest.approx(ref["q_value"], rel=1e-9)
        assert row.recommendable == (ref["orders_together"] >= 3 and ref["lift"] > 1
                                     and ref["q_value"] <= 0.05)
    seq = evidence.sequential("variant", since, until).pairs
    ref_seq = ref_sequential(lines, TRICKY_KEYS, since, until)
    assert len(seq) == len(ref_seq)
    for row in seq.itertuples(index=False):
        assert row.q_value == pytest.approx(ref_seq[(row.product_a, row.product_b)]["q_value"])


def _products(keys: dict[int, str], names: dict[int, str]) -> pd.DataFrame:
    ids = sorted(keys)
    return pd.DataFrame({"product_id": pd.Series(ids, dtype="int64"),
                         "product_key": [keys[i] for i in ids], "sku": [keys[i] for i in ids],
                         "name": [names[i] for i in ids],
                         "consumable_override": pd.Series([None] * len(ids), dtype=object)})


@pytest.mark.parametrize("seed", range(6))
def test_parent_grouping_and_product_level_pairs_match_brute_force(seed: int) -> None:
    keys, names = random_catalogue(seed)
    expected_parent = ref_parents(names, keys)
    got = parents.parent_keys(_products(keys, names))
    assert dict(zip(got["product_id"], got["parent_key"], strict=True)) == expected_parent
    # Product-level pairs are the pairs of the lines relabelled by parent.
    rng = random.Random(seed)
    lines = [Line(o, D(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 50)),
                  rng.choice([GUEST, 1, 2, 3, 4]), rng.randint(1, len(keys)))
             for o in range(1, 90) for _ in range(rng.randint(1, 3))]
    evidence = Evidence(frame(lines), _products(keys, names))
    result = evidence.pairs("product")
    parent_ids = {p: i for i, p in enumerate(sorted(set(expected_parent.values())), start=1)}
    relabelled = [Line(ln.order, ln.date, ln.customer, parent_ids[expected_parent[ln.product]])
                  for ln in lines]
    parent_keys = {i: p for p, i in parent_ids.items()}
    until = max(ln.date for ln in lines)
    total, expected = ref_pairs(relabelled, parent_keys, until - dt.timedelta(days=364), until)
    assert result.orders_total == total
    got_pairs = {(r.product_a, r.product_b): r for r in result.pairs.itertuples(index=False)}
    assert set(got_pairs) == set(expected)
    for key, ref in expected.items():
        assert got_pairs[key].orders_together == ref["orders_together"]
        assert got_pairs[key].q_value == pytest.approx(ref["q_value"])


def test_real_export_name_layouts() -> None:
    # Layouts seen in the shared real exports (Shopify, Etsy, WooCommerce).
    names = {1: "Foldable Travel Bag", 2: "Foldable Travel Bag - Dark Blue / Pack Of 1",
             3: "Foldable Travel Bag - Pink", 4: "Crazy Sofa - Inflatable Towable",
             5: "Banana Slider - Towable", 6: "Neocaridina Rainbow Pack - 6",
             7: "Emani -", 8: "Emani", 9: "quali-tea boba | stickers - Size:Small",
             10: "Jetski Rental - 30 minutes", 11: "Jetski Rental - 1 hour",
             12: "Eleocharis pusilla 'Mini' 1-2-Grow"}
    keys = {i: f"K{i}" for i in names}
    got = parents.parent_keys(_products(keys, names)).set_index("product_id")["parent_key"]
    assert got.to_dict() == {1: "Foldable Travel Bag", 2: "Foldable Travel Bag",
                             3: "Foldable Travel Bag", 4: "K4", 5: "K5",
                             6: "Neocaridina Rainbow Pack", 7: "Emani", 8: "Emani",
                             9: "quali-tea boba | stickers", 10: "Jetski Rental",
                             11: "Jetski Rental", 12: "K12"}
    # The catalogue's parent wins over the name.
    frame_ = _products(keys, names).assign(parent_key=["cat-handle"] + [None] * 11)
    assert parents.parent_keys(frame_).set_index("product_id")["parent_key"][1] == "cat-handle"


@pytest.mark.parametrize(("name", "sku", "kind"), [
    ("Tip", None, "tip"), ("Propina", None, "tip"), ("Napiwek 10%", None, "tip"),
    ("Bahşiş", None, "tip"), ("Dricks", None, "tip"), ("Gorjeta", None, "tip"),
    ("Route Package Protection - $1.15", None, "shipping protection"),
    ("Navidium Shipping Protection", None, "shipping protection"),
    ("Anything", "ROUTEINS15", "shipping protection"),
    ("Gift wrapping", None, "gift wrap"), ("Embrulho para presente", None, "gift wrap"),
    ("Hediye paketi", None, "gift wrap"), ("Presentinslagning", None, "gift wrap"),
    ("$100 Gift Card", None, "gift card"), ("Gift Voucher - R 500.00", None, "gift card"),
    ("Tarjeta de regalo", None, "gift card"), ("Karta podarunkowa 50 zł", None, "gift card"),
    ("Presentkort 500 kr", None, "gift card"), ("Hediye kartı", None, "gift card"),
    ("Discount", None, "discount"), ("Descuento", None, "discount"),
    ("Desconto", None, "discount"), ("Rabatt", None, "discount"), ("İndirim", None, "discount"),
    ("Tipi Tent", None, ""), ("Tip Top Hat", None, ""), ("Gift Box Set", None, ""),
    ("Shipping Box Organiser", None, ""), ("Meerlust Rubicon 2018", None, ""),
])
def test_not_products_by_name_and_sku(name: str, sku: str | None, kind: str) -> None:
    assert not_products.kind_of(name, sku, None) == kind


def test_not_products_left_out_listed_and_put_back() -> None:
    keys = {1: "MUG", 2: "LID", 3: "TIP", 4: "BAG"}
    names = {1: "Mug", 2: "Lid", 3: "Tip", 4: "Bag"}
    products = _products(keys, names).assign(product_type=[None, None, None, "Gift Card"])
    lines = [Line(o, D(2024, 1, o), o, p) for o in range(1, 9) for p in (1, 2, 3)]
    lines += [Line(20, D(2024, 1, 20), 9, 4)]
    ev = Evidence(frame(lines), products)
    assert set(ev.not_products().query("not_product")["product_key"]) == {"TIP", "BAG"}
    assert ev.basket("variant").n_orders == 8  # the gift-card-only order is no order here
    assert {(r.product_a, r.product_b) for r in ev.pairs().pairs.itertuples()} == {("LID", "MUG")}
    back = Evidence(frame(lines), products, kind_overrides={3: True})
    assert ("LID", "TIP") in {(r.product_a, r.product_b) for r in back.pairs().pairs.itertuples()}


def test_substitutes_flagged_and_kept_out_of_complements() -> None:
    # Two shampoos of one type: 6 customers buy one, later the other, never together;
    # once (3 orders) they are bought together with lift > 1 by chance of a small store.
    keys = {1: "SH-A", 2: "SH-B", 3: "BRUSH", 4: "SOCK"}
    names = {1: "Shampoo Oat", 2: "Shampoo Rose", 3: "Brush", 4: "Sock"}
    products = _products(keys, names).assign(product_type=["Shampoo", "shampoo", "Tool", None])
    lines: list[Line] = []
    o = 0
    for c in range(1, 9):  # switchers: A on one order, B on a later one
        o += 1
        lines.append(Line(o, D(2024, 1, c), c, 1))
        o += 1
        lines.append(Line(o, D(2024, 2, c), c, 2))
    for c in range(20, 24):  # together, with a brush
        o += 1
        lines += [Line(o, D(2024, 3, 1), c, 1), Line(o, D(2024, 3, 1), c, 2),
                  Line(o, D(2024, 3, 1), c, 3)]
    for c in range(30, 70):
        o += 1
        lines.append(Line(o, D(2024, 3, 2), c, 4))
    settings = AnalyticsSettings(max_q_value=1.0)
    ev = Evidence(frame(lines), products, settings)
    subs = ev.substitutes()
    assert [(r.product_a, r.product_b, r.customers_apart) for r in subs.itertuples()] == [
        ("SH-A", "SH-B", 8)]  # 12 customers bought both, 4 orders hold both: 8 switched
    row = ev.pairs().pairs.set_index(["product_a", "product_b"]).loc[("SH-A", "SH-B")]
    assert bool(row["substitute"]) and not bool(row["recommendable"])
    assert "SH-B" not in [c.product_key for c in ev.complements(["SH-A"], n=5)]
    assert "BRUSH" in [c.product_key for c in ev.complements(["SH-A"], n=5)]


def _gaps_after(lines: list[Line], product: int) -> tuple[list[int], list[int]]:
    """Brute force: gaps that follow a 1-unit and a 2+-unit occasion of ``product``."""
    days: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for ln in lines:
        if ln.product == product and ln.customer != GUEST:
            days[ln.customer][ln.date] += ln.quantity
    one, more = [], []
    for per_day in days.values():
        ordered = sorted(per_day)
        for a, b in zip(ordered, ordered[1:], strict=False):
            (more if per_day[a] >= 2 else one).append((b - a).days)
    return one, more


@pytest.mark.parametrize("effect", [True, False])
def test_quantity_rule_against_scipy(effect: bool) -> None:
    from scipy.stats import mannwhitneyu

    rng = random.Random(3 if effect else 4)
    lines: list[Line] = []
    o = 0
    for c in range(1, 31):
        day = D(2024, 1, 1)
        for _ in range(4):
            units = rng.choice([1, 1, 2, 3])
            o += 1
            lines.append(Line(o, day, c, 1, quantity=float(units)))
            base = rng.randint(18, 26)
            day += dt.timedelta(days=base * units if effect else base)
    one, more = _gaps_after(lines, 1)
    expected_p = mannwhitneyu(more, one, alternative="greater", method="asymptotic").pvalue
    ev = Evidence(frame(lines), products_frame({1: "beans"}))
    row = ev.timing().iloc[0]
    assert row["quantity_p_value"] == pytest.approx(expected_p, rel=1e-9)
    assert bool(row["quantity_scaled"]) is effect
    assert ("in proportion to the units" in row["quantity_rule"]) is effect
    first = int(row["trigger_day_first"])
    days = ev.reminder_days(np.array([1, 1]), np.array([True, True]), np.array([1.0, 3.0]))
    typical = float(row["typical_units"])
    if effect:
        assert days.tolist() == [np.floor(first * 1 / typical + 0.5),
                                 np.floor(first * 3 / typical + 0.5)]
    else:
        assert days.tolist() == [first, first]


def _clustered_lines(seed: int) -> tuple[list[Line], dict[int, str]]:
    """Customers who buy within taste groups, again and again: many same-order AND
    sequential pairs, often for the same two products."""
    rng = random.Random(seed)
    keys = {i: f"P{i:02d}" for i in range(1, 31)}
    lines, o = [], 0
    for c in range(1, 61):
        group = rng.randrange(5)
        day = D(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 30))
        for _ in range(rng.randint(1, 4)):
            o += 1
            for p in rng.sample(range(group * 6 + 1, group * 6 + 7), rng.randint(1, 3)):
                lines.append(Line(o, day, c, p))
            if rng.random() < 0.3:
                lines.append(Line(o, day, c, rng.randint(1, 30)))
            day += dt.timedelta(days=rng.randint(5, 40))
    return lines, keys


@pytest.mark.parametrize("seed", range(3))
def test_batched_complements_equal_one_basket_at_a_time(seed: int) -> None:
    lines, keys_by_id = _clustered_lines(seed)
    settings = AnalyticsSettings(min_orders_together=1, max_q_value=1.0)
    ev = Evidence(frame(lines), products_frame(keys_by_id), settings)
    # Duplicate evidence (same order and sequential for one pair) is what the ranking dedupes.
    assert len(ev._edges) > len(ev._ranked.place) + 20
    keys = ev.basket("product").products["product_key"].astype(str).to_numpy()
    rng = random.Random(seed)
    baskets = [sorted(rng.sample(range(len(keys)), rng.randint(1, 3))) for _ in range(150)]
    for n in (1, 3, 8):
        batch = ev.complement_ids(baskets, n=n)
        for basket, got in zip(baskets, batch, strict=True):
            one = [c.product_id for c in ev.complements([keys[c] for c in basket], n=n)]
            assert got == one
            assert len(got) <= n
