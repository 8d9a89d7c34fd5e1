"""Same-order and sequential pairs against hand-worked figures and a brute-force reference."""

from __future__ import annotations

import datetime as dt

import pytest
from analytics_reference import (
    GUEST,
    TRICKY_KEYS,
    Line,
    frame,
    products_frame,
    random_lines,
    ref_pairs,
    ref_sequential,
)

from ppdesk.core.analytics import pairs
from ppdesk.core.analytics.dataset import resolve_window
from ppdesk.core.errors import InputError

D = dt.date
CONTRACT_FIELDS = ["product_a", "product_b", "name_a", "name_b", "orders_with_a",
                   "orders_with_b", "orders_together", "support", "confidence_a_b",
                   "confidence_b_a", "lift"]


def _by_key(table):
    return {(r["product_a"], r["product_b"]): r for r in table.to_dict(orient="records")}


def test_hand_worked_pairs() -> None:
    keys = {1: "coffee", 2: "filter", 3: "mug"}
    lines = [
        Line(1, D(2024, 3, 1), 10, 1), Line(1, D(2024, 3, 1), 10, 2),
        Line(1, D(2024, 3, 1), 10, 2, quantity=3),          # second line of filter: counts once
        Line(2, D(2024, 3, 2), GUEST, 1), Line(2, D(2024, 3, 2), GUEST, 2),  # guest counts
        Line(3, D(2024, 3, 3), 11, 1), Line(3, D(2024, 3, 3), 11, 3),
        Line(4, D(2024, 3, 4), 12, 1), Line(4, D(2024, 3, 4), 12, 2, included=False),
        Line(5, D(2024, 3, 5), 12, 1, included=False), Line(5, D(2024, 3, 5), 12, 3,
                                                             included=False),
        Line(6, D(2024, 3, 6), 13, 2), Line(6, D(2024, 3, 6), 13, 3, quantity=0),
    ]
    # Included orders: 1 {coffee, filter}, 2 {coffee, filter}, 3 {coffee, mug}, 4 {coffee},
    # 6 {filter} -> total 5; coffee 4, filter 3, mug 1; coffee+filter 2, coffee+mug 1.
    result = pairs.same_order_pairs(frame(lines), products_frame(keys))
    assert result.orders_total == 5
    assert (result.since, result.until) == (D(2023, 3, 8), D(2024, 3, 6))
    got = _by_key(result.pairs)
    assert set(got) == {("coffee", "filter"), ("coffee", "mug")}
    cf = got[("coffee", "filter")]
    assert (cf["orders_with_a"], cf["orders_with_b"], cf["orders_together"]) == (4, 3, 2)
    assert cf["support"] == pytest.approx(2 / 5)
    assert cf["confidence_a_b"] == pytest.approx(2 / 4)
    assert cf["confidence_b_a"] == pytest.approx(2 / 3)
    assert cf["lift"] == pytest.approx(2 * 5 / (4 * 3))
    # P(X >= 2), X ~ hypergeometric(5 orders, 4 with coffee, 3 draws): 1 - 0 = 1 (at least
    # 2 of 3 filter orders must hold coffee when only one order lacks it).
    assert cf["p_value"] == pytest.approx(1.0)
    cm = got[("coffee", "mug")]
    assert (cm["orders_together"], cm["lift"]) == (1, pytest.approx(5 / 4))
    assert cm["name_a"] == "Name of coffee" and cm["name_b"] == "Name of mug"
    assert list(result.pairs.columns[:11]) == CONTRACT_FIELDS


def test_rare_pair_gets_small_p_value_and_common_one_does_not() -> None:
    keys = {1: "a", 2: "b", 3: "c"}
    lines = []
    for order in range(1, 101):  # 100 orders of c; a and b only ever together, 4 times
        lines.append(Line(order, D(2024, 1, 1), GUEST, 3))
        if order <= 4:
            lines += [Line(order, D(2024, 1, 1), GUEST, 1), Line(order, D(2024, 1, 1), GUEST, 2)]
    got = _by_key(pairs.same_order_pairs(frame(lines), products_frame(keys)).pairs)
    # P(X >= 4) with 100 orders, 4 with a, 4 draws: 1 / C(100, 4).
    assert got[("a", "b")]["p_value"] == pytest.approx(1 / 3921225)
    assert got[("a", "c")]["p_value"] == pytest.approx(1.0)
    assert got[("a", "b")]["lift"] == pytest.approx(25.0)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("window", [(None, None), (D(2024, 2, 1), D(2024, 3, 15))])
def test_same_order_pairs_match_brute_force(seed: int, window) -> None:
    lines = random_lines(seed)
    since, until = window
    resolved = resolve_window(frame(lines), since, until)
    total, expected = ref_pairs(lines, TRICKY_KEYS, resolved.since, resolved.until)
    result = pairs.same_order_pairs(frame(lines), products_frame(TRICKY_KEYS),
                                    since=since, until=until)
    assert result.orders_total == total
    got = _by_key(result.pairs)
    assert set(got) == set(expected)
    for key, ref in expected.items():
        row = got[key]
        assert row["product_a"] < row["product_b"]
        for name, value in ref.items():
            assert row[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (key, name)


@pytest.mark.parametrize("seed", range(4))
def test_min_orders_keeps_only_frequent_pairs(seed: int) -> None:
    lines = random_lines(seed, orders=120)
    resolved = resolve_window(frame(lines))
    _, expected = ref_pairs(lines, TRICKY_KEYS, resolved.since, resolved.until)
    result = pairs.same_order_pairs(frame(lines), products_frame(TRICKY_KEYS), min_orders=3)
    assert set(_by_key(result.pairs)) == {k for k, v in expected.items()
                                          if v["orders_together"] >= 3}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("window", [(None, None), (D(2024, 1, 20), D(2024, 4, 1))])
def test_sequential_pairs_match_brute_force(seed: int, window) -> None:
    lines = random_lines(seed, orders=80)
    since, until = window
    resolved = resolve_window(frame(lines), since, until)
    expected = ref_sequential(lines, TRICKY_KEYS, resolved.since, resolved.until)
    result = pairs.sequential_pairs(frame(lines), products_frame(TRICKY_KEYS), since=since,
                                    until=until)
    got = _by_key(result.pairs)
    assert set(got) == set(expected)
    for key, ref in expected.items():
        for name, value in ref.items():
            assert got[key][name] == pytest.approx(value, rel=1e-9, abs=1e-12), (key, name)


def test_sequential_hand_worked() -> None:
    keys = {1: "kit", 2: "refill", 3: "case"}
    lines = [
        Line(1, D(2024, 1, 1), 1, 1), Line(2, D(2024, 1, 20), 1, 2),   # kit then refill
        Line(3, D(2024, 1, 2), 2, 1), Line(3, D(2024, 1, 2), 2, 2),    # same day: not "then"
        Line(4, D(2024, 1, 9), 2, 3),                                  # ... then case, later
        Line(5, D(2024, 1, 5), 3, 1), Line(6, D(2024, 1, 5), 3, 3),    # two orders, one day
        Line(7, D(2024, 1, 3), GUEST, 1), Line(8, D(2024, 1, 30), GUEST, 2),  # guests never
        Line(9, D(2024, 1, 2), 4, 2), Line(10, D(2024, 2, 1), 4, 1, included=False),
    ]
    result = pairs.sequential_pairs(frame(lines), products_frame(keys))
    got = _by_key(result.pairs)
    assert set(got) == {("kit", "refill"), ("kit", "case"), ("refill", "case")}
    assert got[("kit", "refill")]["customers_a_then_b"] == 1
    # Customers who bought kit and ordered again on a later date: 1 and 2 (3 did not).
    assert got[("kit", "refill")]["customers_a_returning"] == 2
    assert got[("kit", "refill")]["confidence"] == pytest.approx(0.5)
    assert result.customers_total == 4 and result.returning_customers == 2


def test_default_window_ends_on_newest_order_even_if_cancelled() -> None:
    lines = [Line(1, D(2023, 1, 1), 1, 1), Line(1, D(2023, 1, 1), 1, 2),
             Line(2, D(2024, 1, 1), 1, 1), Line(2, D(2024, 1, 1), 1, 2),
             Line(3, D(2024, 6, 30), 1, 1, included=False)]
    result = pairs.same_order_pairs(frame(lines), products_frame({1: "a", 2: "b"}))
    assert (result.since, result.until) == (D(2023, 7, 2), D(2024, 6, 30))
    assert result.orders_total == 1  # order 1 is outside, order 3 cancelled
    whole = pairs.same_order_pairs(frame(lines), products_frame({1: "a", 2: "b"}),
                                   since="2023-01-01", until="2023-01-01")
    assert whole.orders_total == 1 and whole.pairs["orders_together"].tolist() == [1]


def test_bad_windows_are_input_errors() -> None:
    data = frame([Line(1, D(2024, 1, 1), 1, 1)])
    with pytest.raises(InputError, match="after"):
        resolve_window(data, "2024-02-01", "2024-01-01")
    with pytest.raises(InputError, match="--since '2024-02-30' is not a date"):
        resolve_window(data, "2024-02-30")


def test_empty_data_gives_empty_results() -> None:
    empty = frame([])
    result = pairs.same_order_pairs(empty, products_frame({}))
    assert result.orders_total == 0 and result.pairs.empty and result.since is None
    assert pairs.sequential_pairs(empty, products_frame({})).pairs.empty


def test_sort_options() -> None:
    lines = random_lines(3, orders=150)
    table = pairs.same_order_pairs(frame(lines), products_frame(TRICKY_KEYS)).pairs
    by_together = pairs.sort_pairs(table, "together")["orders_together"].tolist()
    assert by_together == sorted(by_together, reverse=True)
    by_lift = pairs.sort_pairs(table, "lift")["lift"].tolist()
    assert by_lift == sorted(by_lift, reverse=True)
    by_p = pairs.sort_pairs(table, "evidence")["p_value"].tolist()
    assert by_p == sorted(by_p)
