"""Segments (customer type, first product) and repeat behaviour against brute force."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable

import pandas as pd
import pytest
from analytics_reference import (
    GUEST,
    TRICKY_KEYS,
    Line,
    frame,
    included,
    products_frame,
    random_lines,
)

from ppdesk.core.analytics import repeat, segments
from ppdesk.core.analytics.dataset import resolve_window
from ppdesk.core.settings import AnalyticsSettings

D = dt.date
EVERYTHING = (D(1900, 1, 1), D(2999, 1, 1))


def _first_order_day(lines: list[Line]) -> dict[int, dt.date]:
    first: dict[int, dt.date] = {}
    for ln in included(lines, *EVERYTHING):
        if ln.customer != GUEST:
            first[ln.customer] = min(first.get(ln.customer, ln.date), ln.date)
    return first


def _grouped(lines: list[Line], since: dt.date, until: dt.date,
             segments_of: Callable[[int, int, list[dt.date]], list[str]],
             ) -> dict[tuple[str, str], dict[str, float]]:
    occasions: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
    for ln in included(lines, since, until):
        if ln.customer != GUEST:
            occasions[(ln.customer, ln.product)].add(ln.date)
    groups: dict[tuple[str, str], list[list[dt.date]]] = defaultdict(list)
    for (customer, product), days in occasions.items():
        for segment in segments_of(customer, product, sorted(days)):
            groups[(segment, TRICKY_KEYS[product])].append(sorted(days))
    out = {}
    for key, histories in groups.items():
        gaps = [(b - a).days for h in histories for a, b in zip(h, h[1:], strict=False)]
        firsts = [(h[1] - h[0]).days for h in histories if len(h) > 1]
        out[key] = {"customers": len(histories), "repeat_customers": len(firsts),
                    "median_days_between": statistics.median(gaps) if gaps else None,
                    "median_days_first_to_second": statistics.median(firsts) if firsts else None}
    return out


def _compare(table: pd.DataFrame, segment_column: str, expected: dict) -> None:
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    got = {(r[segment_column], r["product"]): r for r in records}
    assert set(got) == set(expected)
    for key, ref in expected.items():
        for name, value in ref.items():
            if value is None:
                assert got[key][name] is None, (key, name)
            else:
                assert got[key][name] == pytest.approx(value), (key, name)


@pytest.mark.parametrize("seed", range(5))
def test_customer_type_matches_brute_force(seed: int) -> None:
    lines = random_lines(seed, orders=200, customers=15, days=300)
    since, until = D(2024, 3, 1), D(2024, 9, 1)
    first = _first_order_day(lines)

    def kind(customer: int, product: int, days: list[dt.date]) -> list[str]:
        return ["new" if days[0] == first[customer] else "returning"]

    expected = _grouped(lines, since, until, kind)
    assert {k[0] for k in expected} == {"new", "returning"}
    table = segments.timing_by_customer_type(frame(lines), products_frame(TRICKY_KEYS),
                                             since=since, until=until)
    _compare(table, "segment", expected)


@pytest.mark.parametrize("seed", range(5))
def test_first_product_matches_brute_force(seed: int) -> None:
    lines = random_lines(seed, orders=150, customers=15, days=300)
    since, until = D(2024, 2, 1), D(2024, 10, 1)
    first = _first_order_day(lines)
    first_products: dict[int, set[str]] = defaultdict(set)
    for ln in included(lines, *EVERYTHING):
        if ln.customer != GUEST and ln.date == first[ln.customer]:
            first_products[ln.customer].add(TRICKY_KEYS[ln.product])
    expected = _grouped(lines, since, until,
                        lambda customer, product, days: sorted(first_products[customer]))
    table = segments.timing_by_first_product(frame(lines), products_frame(TRICKY_KEYS),
                                             since=since, until=until)
    _compare(table, "first_product", expected)


@pytest.mark.parametrize("seed", range(5))
def test_repeat_summary_and_loyalty_match_brute_force(seed: int) -> None:
    lines = random_lines(seed, orders=120, customers=25, days=200)
    window = resolve_window(frame(lines))
    days: dict[int, set[dt.date]] = defaultdict(set)
    occasions: dict[int, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[int, int, dt.date]] = set()
    for ln in included(lines, window.since, window.until):
        if ln.customer == GUEST:
            continue
        days[ln.customer].add(ln.date)
        if (ln.customer, ln.product, ln.date) not in seen:
            seen.add((ln.customer, ln.product, ln.date))
            occasions[ln.customer][TRICKY_KEYS[ln.product]] += 1
    buckets: dict[str, list[list[dt.date]]] = defaultdict(list)
    for history in days.values():
        buckets[str(min(len(history), 4)).replace("4", "4+")].append(sorted(history))
    summary = repeat.repeat_summary(frame(lines), products_frame(TRICKY_KEYS))
    rows = {r["purchases"]: r for r in summary.to_dict(orient="records")}
    for bucket in ("1", "2", "3", "4+"):
        histories = buckets.get(bucket, [])
        assert rows[bucket]["customers"] == len(histories)
        assert rows[bucket]["share"] == pytest.approx(len(histories) / len(days))
        gaps = [(b - a).days for h in histories for a, b in zip(h, h[1:], strict=False)]
        if gaps:
            assert rows[bucket]["median_days_between"] == pytest.approx(statistics.median(gaps))
            assert rows[bucket]["median_days_first_to_second"] == pytest.approx(
                statistics.median([(h[1] - h[0]).days for h in histories]))
        else:
            assert math.isnan(rows[bucket]["median_days_between"])

    candidates = repeat.loyalty_candidates(frame(lines), products_frame(TRICKY_KEYS),
                                           min_purchases=3)
    got = {r["customer_id"]: r for r in candidates.to_dict(orient="records")}
    expected = {c: sorted(h) for c, h in days.items() if len(h) >= 3}
    assert set(got) == set(expected) and expected
    for customer, history in expected.items():
        row = got[customer]
        steps = zip(history, history[1:], strict=False)
        median = statistics.median([(b - a).days for a, b in steps])
        assert row["purchases"] == len(history)
        assert (row["first_date"], row["last_date"]) == (history[0], history[-1])
        assert row["median_days_between"] == pytest.approx(median)
        assert row["next_expected"] == history[-1] + dt.timedelta(days=math.floor(median + 0.5))
        assert row["days_since_last"] == (window.until - history[-1]).days
        best = max(occasions[customer].values())
        assert row["top_product"] == min(k for k, v in occasions[customer].items() if v == best)


def test_enough_data_per_segment_uses_the_setting() -> None:
    lines = [Line(i, D(2024, 1, 1) + dt.timedelta(days=10 * (i % 2)), 1 + i // 2, 1)
             for i in range(12)]  # six customers, each buys on day 0 and day 10
    table = segments.timing_by_customer_type(frame(lines), products_frame({1: "x"}),
                                             settings=AnalyticsSettings(min_repeat_customers=6))
    assert table[["segment", "repeat_customers", "enough_data"]].values.tolist() == [
        ["new", 6, True]]
