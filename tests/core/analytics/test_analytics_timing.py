"""Reorder timing and the replenishable rule against hand-worked figures and brute force."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from analytics_reference import (
    GUEST,
    TRICKY_KEYS,
    Line,
    frame,
    median_ci,
    products_frame,
    random_lines,
    ref_timing,
)

from ppdesk.core.analytics import timing
from ppdesk.core.analytics.dataset import resolve_window
from ppdesk.core.errors import InputError
from ppdesk.core.settings import AnalyticsSettings

D = dt.date
FIGURES = ["customers", "repeat_customers", "median_days_first_to_second", "median_days_between",
           "p25_days_between", "p75_days_between", "median_ci_low", "median_ci_high", "reorders",
           "enough_data", "trigger_day", "trigger_day_first", "trigger_day_repeat"]


def _rows(table: pd.DataFrame) -> dict[str, dict[str, object]]:
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return {r["product"]: r for r in records}


def _customer_buys(customer: int, product: int, dates: list[dt.date], first_order: int,
                   ) -> list[Line]:
    return [Line(first_order + i, d, customer, product) for i, d in enumerate(dates)]


def test_hand_worked_timing() -> None:
    keys = {1: "beans", 2: "grinder"}
    start = D(2024, 1, 1)
    lines: list[Line] = []
    # Five customers buy beans on day 0, 20 and 40 (+ their own offset); customer 5 also
    # orders beans twice on day 0 (same-day orders are one occasion).
    for c in range(1, 6):
        base = start + dt.timedelta(days=c)
        lines += _customer_buys(c, 1, [base, base + dt.timedelta(days=20 + c),
                                       base + dt.timedelta(days=40 + 2 * c)], c * 10)
    lines.append(Line(99, start + dt.timedelta(days=5), 5, 1))
    lines.append(Line(100, D(2024, 3, 1), 6, 2))                  # grinder: one buyer
    lines.append(Line(101, D(2024, 3, 9), 6, 2, included=False))  # a cancelled reorder
    lines.append(Line(102, D(2024, 3, 2), GUEST, 2))              # guests are not customers
    lines.append(Line(103, D(2024, 3, 20), GUEST, 2))
    table = timing.reorder_timing(frame(lines), products_frame(keys))
    got = _rows(table)
    beans = got["beans"]
    # Customer c: first gap 20 + c, second gap (40 + 2c) - (20 + c) = 20 + c again.
    first_gaps = [20 + c for c in range(1, 6)]
    second_gaps = [(40 + 2 * c) - (20 + c) for c in range(1, 6)]
    gaps = sorted(first_gaps + second_gaps)  # 21,22,23,24,25,21,22,23,24,25
    assert (beans["customers"], beans["repeat_customers"]) == (5, 5)
    assert beans["median_days_first_to_second"] == 23
    assert beans["median_days_between"] == 23
    assert beans["p25_days_between"] == pytest.approx(22)  # linear: position 2.25 -> 22
    assert beans["p75_days_between"] == pytest.approx(24)
    assert (beans["median_ci_low"], beans["median_ci_high"]) == median_ci(gaps)
    assert beans["trigger_day"] == 17  # round(0.75 x 23 = 17.25)
    assert beans["enough_data"] is True
    grinder = got["grinder"]
    assert grinder["customers"] == 1 and grinder["repeat_customers"] == 0
    assert grinder["median_days_between"] is None and grinder["trigger_day"] is None
    assert grinder["enough_data"] is False
    assert "no customer bought it twice" in grinder["timing_note"]


def test_products_bought_only_by_guests_are_listed() -> None:
    lines = [Line(1, D(2024, 1, 1), GUEST, 1), Line(2, D(2024, 1, 2), 3, 2)]
    got = _rows(timing.reorder_timing(frame(lines), products_frame({1: "x", 2: "y"})))
    assert set(got) == {"x", "y"}
    assert got["x"]["customers"] == 0 and got["x"]["enough_data"] is False


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("window", [(None, None), (D(2024, 2, 1), D(2024, 4, 15))])
def test_timing_matches_brute_force(seed: int, window) -> None:
    lines = random_lines(seed, orders=220, customers=6, days=200)
    since, until = window
    resolved = resolve_window(frame(lines), since, until)
    settings = AnalyticsSettings(min_repeat_customers=3, trigger_share=0.8)
    expected = ref_timing(lines, TRICKY_KEYS, resolved.since, resolved.until, share=0.8,
                          min_repeat=3)
    got = _rows(timing.reorder_timing(frame(lines), products_frame(TRICKY_KEYS), since=since,
                                      until=until, settings=settings))
    assert set(got) == set(expected)
    assert any(r["median_ci_low"] is not None for r in expected.values())
    for product, ref in expected.items():
        for name in FIGURES:
            value = ref[name]
            if value is None:
                assert got[product][name] is None, (product, name)
            else:
                assert got[product][name] == pytest.approx(value), (product, name)


def test_trigger_rules() -> None:
    lines = []
    for c in range(1, 7):  # six customers, gaps 30 and 31: median 30.5
        day = D(2024, 1, c)
        lines += _customer_buys(c, 1, [day, day + dt.timedelta(days=30 + (c % 2))], c * 10)
    data, prods = frame(lines), products_frame({1: "tea"})

    def trigger(**kw: object) -> object:
        table = timing.reorder_timing(data, prods, settings=AnalyticsSettings(**kw))
        return table["trigger_day"].iloc[0]

    assert trigger() == math.floor(0.75 * 30.5 + 0.5) == 23
    assert trigger(trigger_share=0.70) == 21           # 21.35
    assert trigger(trigger_share=0.80) == 24           # 24.4
    assert trigger(trigger_rule="days_before", trigger_days_before=4) == 27  # 26.5 rounds up
    assert trigger(min_repeat_customers=7) is pd.NA   # not enough data: no trigger day
    with pytest.raises(InputError, match="0.70-0.80"):
        trigger(trigger_share=0.5)
    with pytest.raises(InputError, match="unknown"):
        trigger(trigger_rule="sometimes")


def test_replenishable_rule_and_override() -> None:
    lines: list[Line] = []
    order = 1
    for c in range(1, 11):  # coffee: 10 buyers, 6 come back every 28-30 days
        day = D(2024, 1, c)
        dates = [day] + ([day + dt.timedelta(days=28 + c % 3)] if c <= 6 else [])
        lines += _customer_buys(c, 1, dates, order)
        order += len(dates)
    for c in range(11, 17):  # candle: 6 buyers all come back, gaps 5..200 days
        day = D(2024, 1, c)
        gap = [5, 10, 60, 120, 150, 200][c - 11]
        lines += _customer_buys(c, 2, [day, day + dt.timedelta(days=gap)], order)
        order += 2
    for c in range(17, 57):  # mug: 40 buyers, 5 come back (12.5 % < 15 %)
        day = D(2024, 1, 1 + c % 20)
        dates = [day] + ([day + dt.timedelta(days=30)] if c < 22 else [])
        lines += _customer_buys(c, 3, dates, order)
        order += len(dates)
    keys = {1: "coffee", 2: "candle", 3: "mug"}
    got = _rows(timing.reorder_timing(frame(lines), products_frame(keys)))
    assert got["coffee"]["replenishable"] is True
    assert "60% of its 10 customers bought it again" in got["coffee"]["replenishable_reason"]
    assert got["candle"]["replenishable"] is False
    assert "irregular" in got["candle"]["replenishable_reason"]
    assert got["mug"]["replenishable"] is False
    assert "only 12% of its 40 customers" in got["mug"]["replenishable_reason"]
    overridden = _rows(timing.reorder_timing(frame(lines), products_frame(keys,
                                                                          {3: 1, 1: 0})))
    assert overridden["mug"]["replenishable"] is True
    assert overridden["mug"]["consumable_override"] is True
    assert overridden["mug"]["replenishable_reason"].startswith("Marked replenishable by you")
    assert overridden["coffee"]["replenishable"] is False
    assert overridden["candle"]["consumable_override"] is None


def test_columns_follow_the_architecture() -> None:
    table = timing.reorder_timing(frame(random_lines(1)), products_frame(TRICKY_KEYS))
    assert list(table.columns[:3]) == ["product_id", "product", "name"]
    for column in ["customers", "repeat_customers", "median_days_first_to_second",
                   "median_days_between", "p25_days_between", "p75_days_between",
                   "median_ci_low", "median_ci_high", "trigger_day", "enough_data",
                   "replenishable", "replenishable_reason"]:
        assert column in table.columns
