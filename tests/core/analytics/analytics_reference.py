"""Brute-force references for the analytics tests: plain Python over dicts and loops.

Written from the contract's definitions only (../shared/guide/cli-contract.md),
without looking at how ``ppdesk.core.analytics`` computes anything, so that a
test comparing the two checks the definitions and not a copy of the code.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

import pandas as pd

GUEST = -1


@dataclass
class Line:
    order: int
    date: dt.date
    customer: int  # -1 = guest
    product: int
    quantity: float = 1.0
    included: bool = True  # False: cancelled or refunded/voided order


def frame(lines: list[Line]) -> pd.DataFrame:
    """The lines frame documented in ppdesk/core/store/lines.py."""
    return pd.DataFrame({
        "order_id": pd.Series([ln.order for ln in lines], dtype="int64"),
        "store_order_id": [f"#{ln.order}" for ln in lines],
        "platform": ["shopify"] * len(lines),
        "order_date": pd.to_datetime([ln.date.isoformat() for ln in lines]),
        "ordered_at": pd.to_datetime([f"{ln.date.isoformat()} 10:00:00" for ln in lines]),
        "customer_id": pd.Series([ln.customer for ln in lines], dtype="int64"),
        "product_id": pd.Series([ln.product for ln in lines], dtype="int64"),
        "quantity": pd.Series([ln.quantity for ln in lines], dtype="float64"),
        "unit_price": pd.Series([10.0] * len(lines), dtype="float64"),
        "included": pd.Series([ln.included for ln in lines], dtype=bool),
        "marketing_allowed": pd.Series([True] * len(lines), dtype=bool),
        "discount_code": [""] * len(lines),
    })


def products_frame(keys: dict[int, str], overrides: dict[int, int] | None = None) -> pd.DataFrame:
    overrides = overrides or {}
    ids = sorted(keys)
    return pd.DataFrame({
        "product_id": pd.Series(ids, dtype="int64"),
        "product_key": [keys[i] for i in ids],
        "sku": [keys[i] for i in ids],
        "name": [f"Name of {keys[i]}" for i in ids],
        "last_price": [10.0] * len(ids), "currency": ["USD"] * len(ids),
        "image_url": [None] * len(ids), "url": [None] * len(ids), "unit_cost": [None] * len(ids),
        "consumable_override": pd.Series([overrides.get(i) for i in ids], dtype="object"),
    })


# Keys chosen so that string order differs from id order, numeric order and case-blind order.
TRICKY_KEYS = {1: "b", 2: "B", 3: "10", 4: "9", 5: "a", 6: "é-soap", 7: "A-1", 8: "Z"}


def random_lines(seed: int, *, orders: int = 60, customers: int = 8,
                 start: dt.date = dt.date(2024, 1, 1), days: int = 120) -> list[Line]:
    """Small random stores with every awkward case: guests, cancelled/refunded orders, quantity
    0 or negative, a product on several lines of one order, several orders on the same day."""
    rng = random.Random(seed)
    out: list[Line] = []
    for order in range(1, orders + 1):
        customer = GUEST if rng.random() < 0.2 else rng.randint(1, customers)
        date = start + dt.timedelta(days=rng.randint(0, days - 1))
        if out and rng.random() < 0.15:  # same customer, same day as the previous order
            customer, date = out[-1].customer, out[-1].date
        included = rng.random() > 0.15
        for _ in range(rng.randint(1, 4)):
            product = rng.choice(list(TRICKY_KEYS))
            quantity = rng.choice([1, 1, 1, 2, 3, 0, -1])
            out.append(Line(order, date, customer, product, float(quantity), included))
    return out


def included(lines: list[Line], since: dt.date, until: dt.date) -> list[Line]:
    return [ln for ln in lines
            if ln.included and ln.quantity > 0 and since <= ln.date <= until]


def hypergeom_tail(k: int, total: int, with_a: int, with_b: int) -> float:
    """P(X >= k), X = how many of with_b draws (out of total) fall among with_a marked."""
    denominator = math.comb(total, with_b)
    tail = sum(math.comb(with_a, i) * math.comb(total - with_a, with_b - i)
               for i in range(k, min(with_a, with_b) + 1))
    return tail / denominator


def bh_by_hand(p_values: dict[object, float]) -> dict[object, float]:
    """Benjamini-Hochberg q-values from the definition, quadratic and loop-only.

    For test i: q_i = min over tests j with p_j >= p_i of min(1, m x p_j / r_j), where
    r_j = the number of tests with p <= p_j (tied p-values share the largest rank).
    """
    m = len(p_values)
    values = list(p_values.values())
    out = {}
    for name, p_i in p_values.items():
        best = 1.0
        for p_j in values:
            if p_j >= p_i:
                rank = sum(1 for p_k in values if p_k <= p_j)
                best = min(best, m * p_j / rank)
        out[name] = best
    return out


def ref_pairs(lines: list[Line], keys: dict[int, str], since: dt.date,
              until: dt.date) -> tuple[int, dict[tuple[str, str], dict[str, float]]]:
    orders: dict[int, set[int]] = defaultdict(set)
    for ln in included(lines, since, until):
        orders[ln.order].add(ln.product)
    total = len(orders)
    with_ = Counter(p for products in orders.values() for p in products)
    together: Counter[tuple[int, int]] = Counter()
    for products in orders.values():
        for a in products:
            for b in products:
                if keys[a] < keys[b]:
                    together[(a, b)] += 1
    out = {}
    for (a, b), k in together.items():
        out[(keys[a], keys[b])] = {
            "orders_with_a": with_[a], "orders_with_b": with_[b], "orders_together": k,
            "support": k / total, "confidence_a_b": k / with_[a], "confidence_b_a": k / with_[b],
            "lift": k * total / (with_[a] * with_[b]),
            "p_value": hypergeom_tail(k, total, with_[a], with_[b]),
        }
    # The family: every pair bought together at least once in the window.
    q = bh_by_hand({pair: row["p_value"] for pair, row in out.items()})
    for pair, row in out.items():
        row["q_value"] = q[pair]
    return total, out


def ref_sequential(lines: list[Line], keys: dict[int, str], since: dt.date,
                   until: dt.date) -> dict[tuple[str, str], dict[str, float]]:
    first: dict[int, dict[int, dt.date]] = defaultdict(dict)
    dates: dict[int, set[dt.date]] = defaultdict(set)
    for ln in included(lines, since, until):
        if ln.customer == GUEST:
            continue
        dates[ln.customer].add(ln.date)
        known = first[ln.customer].get(ln.product)
        if known is None or ln.date < known:
            first[ln.customer][ln.product] = ln.date
    returning = sum(1 for d in dates.values() if len(d) >= 2)
    came_back: Counter[int] = Counter()
    later: Counter[int] = Counter()
    for customer, firsts in first.items():
        for product, day in firsts.items():
            if max(dates[customer]) > day:
                came_back[product] += 1
            if day > min(dates[customer]):
                later[product] += 1
    counts: Counter[tuple[int, int]] = Counter()
    for firsts in first.values():
        for a, day_a in firsts.items():
            for b, day_b in firsts.items():
                if day_b > day_a:
                    counts[(a, b)] += 1
    out = {}
    for (a, b), k in counts.items():
        out[(keys[a], keys[b])] = {
            "customers_a_then_b": k, "customers_a_returning": came_back[a],
            "customers_b_later": later[b], "confidence": k / came_back[a],
            "lift": k * returning / (came_back[a] * later[b]),
            "p_value": hypergeom_tail(k, returning, came_back[a], later[b]),
        }
    q = bh_by_hand({pair: row["p_value"] for pair, row in out.items()})
    for pair, row in out.items():
        row["q_value"] = q[pair]
    return out


def median_ci(values: list[float], level: float = 0.95) -> tuple[float, float] | None:
    """Order-statistic interval [x(l), x(n-l+1)] with the largest l covering >= level."""
    n = len(values)
    xs = sorted(values)
    for rank in range(n // 2, 0, -1):
        below = sum(math.comb(n, i) for i in range(rank)) / 2 ** n  # P(B <= rank - 1)
        if 1 - 2 * below >= level:
            return xs[rank - 1], xs[n - rank]
    return None


def quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def ref_timing(lines: list[Line], keys: dict[int, str], since: dt.date, until: dt.date, *,
               share: float = 0.75, min_repeat: int = 5) -> dict[str, dict[str, object]]:
    occasions: dict[int, dict[int, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    bought: set[int] = set()
    for ln in included(lines, since, until):
        bought.add(ln.product)
        if ln.customer != GUEST:
            occasions[ln.product][ln.customer].add(ln.date)
    out: dict[str, dict[str, object]] = {}
    for product in bought:
        per_customer = occasions.get(product, {})
        first_gaps, gaps = [], []
        for days in per_customer.values():
            ordered = sorted(days)
            steps = [(b - a).days for a, b in zip(ordered, ordered[1:], strict=False)]
            if steps:
                first_gaps.append(steps[0])
                gaps.extend(steps)
        repeat = len(first_gaps)
        row: dict[str, object] = {"customers": len(per_customer), "repeat_customers": repeat}
        if gaps:
            median = statistics.median(gaps)
            p25, p75 = quartiles(gaps)
            ci = median_ci(gaps)
            row.update(median_days_first_to_second=statistics.median(first_gaps),
                       median_days_between=median, p25_days_between=p25,
                       p75_days_between=p75, median_ci_low=ci[0] if ci else None,
                       median_ci_high=ci[1] if ci else None, reorders=len(gaps))
        else:
            row.update(median_days_first_to_second=None, median_days_between=None,
                       p25_days_between=None, p75_days_between=None, median_ci_low=None,
                       median_ci_high=None, reorders=0)
        enough = repeat >= min_repeat
        row["enough_data"] = enough
        # The playbook: after a first purchase from the first-to-second median, after
        # later ones from the median of all gaps; trigger_day is the first one.
        row["trigger_day_first"] = math.floor(
            share * row["median_days_first_to_second"] + 0.5) \
            if enough else None  # type: ignore[operator]
        row["trigger_day_repeat"] = math.floor(share * row["median_days_between"] + 0.5) \
            if enough else None  # type: ignore[operator]
        row["trigger_day"] = row["trigger_day_first"]
        out[keys[product]] = row
    return out


def write_shopify_csv(path, lines: list[Line], keys: dict[int, str]) -> None:  # noqa: ANN001
    """The lines as a Shopify orders export (for tests that go through the real importer).

    Excluded orders alternate between refunded and cancelled; guests have no email.
    """
    import csv

    header = ["Name", "Email", "Financial Status", "Created at", "Lineitem quantity",
              "Lineitem name", "Lineitem price", "Lineitem sku", "Cancelled at", "Currency"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for ln in lines:
            refunded = not ln.included and ln.order % 2 == 0
            cancelled = not ln.included and not refunded
            email = "" if ln.customer == GUEST else f"customer{ln.customer}@example.com"
            quantity = int(ln.quantity) if float(ln.quantity).is_integer() else ln.quantity
            writer.writerow([
                f"#{1000 + ln.order}", email, "refunded" if refunded else "paid",
                f"{ln.date.isoformat()} 10:00:00 -0500", quantity, f"Name of {keys[ln.product]}",
                "10.00", keys[ln.product],
                f"{ln.date.isoformat()} 12:00:00 -0500" if cancelled else "", "USD",
            ])


# Variant texts the parent-grouping tests use, labelled by hand: True when the text
# after " - " is clearly options (sizes, numbers, "a / b", "Name:Value").
VARIANT_TEXTS = {"S": True, "M": True, "XL": True, "Large": True, "Small": True, "250 g": True,
                 "6": True, "Red / Small": True, "Size:Large": True, "Red": False,
                 "Towable": False, "Inflatable Towable": False, "Blue Sky": False}
TITLES = ("Travel Mug", "Crazy Sofa", "Tea Tin", "Silk Pillowcase", "Coffee Scale")


def ref_parents(names: dict[int, str], keys: dict[int, str]) -> dict[int, str]:
    """Parent key per product id from the line names, the rule written as plain loops.

    "Title - Variant" (last " - ") gives Title when two or more products share that
    title (a bare "Title" product counts) or the variant text is clearly options;
    otherwise the product keeps its own key.
    """
    title_of: dict[int, str] = {}
    clear: dict[int, bool] = {}
    for pid, name in names.items():
        if " - " in name:
            title, variant = name.rsplit(" - ", 1)
            title_of[pid] = title.strip()
            clear[pid] = VARIANT_TEXTS[variant.strip()]
        else:
            title_of[pid] = name.strip()
            clear[pid] = False
    shared = Counter(title_of.values())
    return {pid: title_of[pid] if shared[title_of[pid]] >= 2 or clear[pid] else keys[pid]
            for pid in names}


def random_catalogue(seed: int, size: int = 10) -> tuple[dict[int, str], dict[int, str]]:
    """Product keys (SKU-like) and Shopify-style names: titles alone or with variants."""
    rng = random.Random(seed)
    names: dict[int, str] = {}
    for pid in range(1, size + 1):
        title = rng.choice(TITLES)
        names[pid] = title if rng.random() < 0.3 else f"{title} - {rng.choice(list(VARIANT_TEXTS))}"
    keys = {pid: f"SKU-{pid:02d}" for pid in names}
    return keys, names
