"""Seeded, vectorised generator of a realistic Shopify orders export with planted truth.

Used by the demo store, the import benchmark (a million lines), the analytics tests and
benchmarks, and ``ppdesk --self-test``. The simulation is customer-centric:

* customers arrive over the period (growth, a holiday bump, weekday rhythm) and place a
  first order; some come back for "browse" orders of random products;
* every consumable product a customer buys starts a replenishment chain: after a gap of
  ``cycle x lognormal(0, 0.22)`` whole days (median = the product's cycle) the customer
  reorders it, and keeps doing so with their own retention probability;
* a few product pairs are planted: when A is in a basket, B is added with a high
  probability, far above what independent choice would give.

:class:`DemoTruth` records what was planted so tests can check that analytics finds it.
Everything is numpy over whole arrays (one Python loop per replenishment generation,
about forty in 18 months), so a million lines take seconds. The Shopify formatting and
file writing live in :mod:`ppdesk.core.demo_shopify`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ppdesk.core import demo_catalog as dc
from ppdesk.core.progress import CancelToken, ProgressFn, check, report

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

DEFAULT_ORDERS = 5000
GAP_SIGMA = 0.22  # spread of reorder gaps around the cycle (lognormal sigma)
# Hour-of-day weights for order times. Hour 2 is empty on purpose: on the spring DST
# switch 02:00-02:59 does not exist in the store's local time.
# Order outcomes with their shares: most are paid; a few are cancelled or refunded
# (excluded from analytics), a few partially refunded or still pending (included).
ORDER_STATUSES = ("paid", "pending", "partially_refunded", "refunded", "cancelled_voided",
                  "cancelled_refunded")
_STATUS_SHARES = (0.955, 0.006, 0.008, 0.012, 0.009, 0.01)
_HOUR_WEIGHTS = np.array([0.3, 0.15, 0.0, 0.05, 0.05, 0.1, 0.4, 0.9, 1.2, 1.3, 1.3, 1.3, 1.4,
                          1.3, 1.2, 1.2, 1.2, 1.3, 1.5, 1.7, 1.8, 1.6, 1.1, 0.6])


@dataclass(frozen=True)
class DemoTruth:
    """What the generator planted, in the contract's product keys."""

    seed: int
    start: date
    end: date  # last calendar day of the period (inclusive)
    orders: int
    lines: int
    customers: int  # customers with an email (guests excluded)
    planted_pairs: tuple[tuple[str, str], ...]  # (key of A, key of B), B added when A bought
    cycles: dict[str, float]  # consumable product key -> true median days between reorders
    non_consumables: tuple[str, ...]
    cancelled_orders: int
    refunded_orders: int
    path: Path | None = None


@dataclass
class Simulation:
    """The generated store before formatting: orders sorted oldest first."""

    catalog: dc.Catalog
    start: date
    days: int
    # per customer
    first: np.ndarray
    last: np.ndarray
    guest: np.ndarray  # bool: no email in the export
    accepts: np.ndarray  # bool
    city: np.ndarray  # index into dc.CITIES
    # per order (index = order number - 1, oldest first)
    order_customer: np.ndarray
    order_time: np.ndarray  # local seconds since start 00:00
    order_status: np.ndarray  # index into ORDER_STATUSES
    order_discount: np.ndarray  # index into demo_catalog.DISCOUNT_CODES, -1 = none
    order_note: np.ndarray  # index into demo_catalog.GIFT_NOTES, -1 = none
    # per line (sorted by order, then line number)
    line_order: np.ndarray
    line_product: np.ndarray
    line_qty: np.ndarray


def period_days(start: date, months: int) -> int:
    """Number of calendar days in ``months`` whole months from ``start``."""
    y, m = divmod(start.month - 1 + months, 12)
    end = date(start.year + y, m + 1, min(start.day, 28))
    return (end - start).days


def _day_weights(start: date, days: int) -> np.ndarray:
    d = np.arange(days)
    dates = np.datetime64(start.isoformat(), "D") + d
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weights = 1.0 + 0.8 * d / days
    weights *= np.where(np.isin(month, (11, 12)), 1.6, 1.0)
    weights *= np.array([1.0, 1.05, 1.0, 1.0, 0.95, 0.85, 1.1])[weekday]
    return weights / weights.sum()


def _times_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    return hours * 3600 + rng.integers(0, 3600, size=n)


def _category_tables(cat: dc.Catalog, durable_only: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per category: product numbers and their cumulative popularity.

    ``durable_only`` (the add-ons of reorders) also leaves out the A side of planted
    pairs: pairs are planted in first and browse baskets only, and an A bought where
    no pair is planted would dilute what was planted.
    """
    planted_a = [cat.index_of(a) for a, _, _ in dc.PLANTED_PAIRS]
    tables = []
    for c in range(len(dc.CATEGORIES)):
        mask = cat.category == c
        if durable_only:
            mask &= cat.cycle_days == 0
            mask[planted_a] = False
        prods = np.flatnonzero(mask)
        cdf = np.cumsum(cat.weight[prods])
        tables.append((prods, cdf / cdf[-1]))
    return tables


def _draw_products(rng: np.random.Generator, tables: list[tuple[np.ndarray, np.ndarray]],
                   primary: np.ndarray) -> np.ndarray:
    """One product per entry: mostly from the customer's favourite category, by popularity."""
    n = len(primary)
    other = rng.choice(len(tables), size=n, p=[0.38, 0.3, 0.24, 0.08])
    category = np.where(rng.random(n) < 0.75, primary, other)
    out = np.empty(n, dtype=np.int64)
    for c, (prods, cdf) in enumerate(tables):
        idx = np.flatnonzero(category == c)
        pick = np.searchsorted(cdf, rng.random(len(idx)), side="right")
        out[idx] = prods[np.minimum(pick, len(prods) - 1)]
    return out


def _quantities(rng: np.random.Generator, products: np.ndarray, cat: dc.Catalog) -> np.ndarray:
    qty = rng.choice(np.array([1, 2, 3]), size=len(products), p=[0.86, 0.11, 0.03])
    return np.where(cat.category[products] == dc.CATEGORIES.index("gifts"), 1, qty)


def _simulate(rng: np.random.Generator, cat: dc.Catalog, n_customers: int, start: date,
              days: int, cancel: CancelToken | None) -> Simulation:
    n_prod = len(cat)
    consumable = cat.cycle_days > 0
    # Customers.
    guest = rng.random(n_customers) < 0.04
    primary = rng.choice(3, size=n_customers, p=[0.45, 0.3, 0.25])
    # Retention: the chance of reordering each time a consumable runs out. About half of
    # customers never come back (as in most small shops); the rest are fairly loyal.
    one_off = guest | (rng.random(n_customers) < 0.45)
    retention = np.where(one_off, 0.0, rng.beta(3.0, 2.0, size=n_customers))
    acquired = rng.choice(days, size=n_customers, p=_day_weights(start, days))
    n_browse = np.where(one_off, 0, rng.poisson(0.5, size=n_customers))
    # Generation 0: first orders plus browse orders at random later days.
    browse_cust = np.repeat(np.arange(n_customers), n_browse)
    browse_day = acquired[browse_cust] + (
        rng.random(len(browse_cust)) * (days - acquired[browse_cust])).astype(np.int64)
    o_cust = np.concatenate([np.arange(n_customers), browse_cust])
    o_day = np.concatenate([acquired, browse_day])
    o_day = np.minimum(o_day, days - 1)
    n_lines = np.minimum(1 + rng.poisson(1.0, size=len(o_cust)), 6)
    l_order = np.repeat(np.arange(len(o_cust)), n_lines)
    all_tables = _category_tables(cat, durable_only=False)
    l_prod = _draw_products(rng, all_tables, primary[o_cust[l_order]])
    # Planted pairs: B joins A's basket with probability p.
    extra_orders, extra_prods = [], []
    for a_name, b_name, p in dc.PLANTED_PAIRS:
        a, b = cat.index_of(a_name), cat.index_of(b_name)
        hit = np.flatnonzero((l_prod == a) & (rng.random(len(l_prod)) < p))
        extra_orders.append(l_order[hit])
        extra_prods.append(np.full(len(hit), b))
    l_order = np.concatenate([l_order, *extra_orders])
    l_prod = np.concatenate([l_prod, *extra_prods])
    # One line per product per order.
    _, keep = np.unique(l_order * n_prod + l_prod, return_index=True)
    l_order, l_prod = l_order[keep], l_prod[keep]
    # A consumable starts one replenishment chain per customer: drop its later gen-0 lines,
    # which would otherwise interleave a second chain and halve the observed gaps.
    l_cust, l_day = o_cust[l_order], o_day[l_order]
    key = np.where(consumable[l_prod], l_cust * n_prod + l_prod, -1 - np.arange(len(l_prod)))
    order_by = np.lexsort((l_day, key))
    dup = np.zeros(len(l_prod), dtype=bool)
    dup[order_by[1:]] = key[order_by[1:]] == key[order_by[:-1]]
    l_order, l_prod = l_order[~dup], l_prod[~dup]
    # Replenishment chains, one vectorised step per generation.
    seed_lines = consumable[l_prod]
    ev_cust, ev_prod = o_cust[l_order[seed_lines]], l_prod[seed_lines]
    ev_day = o_day[l_order[seed_lines]]
    durable_tables = _category_tables(cat, durable_only=True)
    chain_orders_cust, chain_orders_day, chain_l_order, chain_l_prod = [], [], [], []
    next_order = len(o_cust)
    while len(ev_cust):
        check(cancel)
        gap = np.rint(cat.cycle_days[ev_prod] * np.exp(rng.normal(0.0, GAP_SIGMA, len(ev_prod))))
        new_day = ev_day + np.maximum(gap, 3).astype(np.int64)
        go = (rng.random(len(ev_cust)) < retention[ev_cust]) & (new_day < days)
        ev_cust, ev_prod, ev_day = ev_cust[go], ev_prod[go], new_day[go]
        n = len(ev_cust)
        ids = next_order + np.arange(n)
        next_order += n
        chain_orders_cust.append(ev_cust)
        chain_orders_day.append(ev_day)
        # The reordered product, plus sometimes a durable add-on (never another consumable,
        # so chains stay one per customer and product).
        n_extra = np.where(rng.random(n) < 0.3, 1 + rng.poisson(0.3, size=n), 0)
        extra_order = np.repeat(ids, n_extra)
        extra_prod = _draw_products(rng, durable_tables, primary[np.repeat(ev_cust, n_extra)])
        chain_l_order += [ids, extra_order]
        chain_l_prod += [ev_prod, extra_prod]
    o_cust = np.concatenate([o_cust, *chain_orders_cust])
    o_day = np.concatenate([o_day, *chain_orders_day])
    l_order = np.concatenate([l_order, *chain_l_order])
    l_prod = np.concatenate([l_prod, *chain_l_prod])
    _, keep = np.unique(l_order * n_prod + l_prod, return_index=True)
    l_order, l_prod = l_order[keep], l_prod[keep]
    # Orders emptied by the de-duplication above disappear.
    alive = np.zeros(len(o_cust), dtype=bool)
    alive[l_order] = True
    return _finish(rng, cat, start, days, guest, n_customers, o_cust, o_day, alive,
                   l_order, l_prod)


def _finish(rng: np.random.Generator, cat: dc.Catalog, start: date, days: int,
            guest: np.ndarray, n_customers: int, o_cust: np.ndarray, o_day: np.ndarray,
            alive: np.ndarray, l_order: np.ndarray, l_prod: np.ndarray) -> Simulation:
    """Give orders times, number them oldest first and attach customer details."""
    o_time = o_day * 86400 + _times_of_day(rng, len(o_day))
    o_time = np.where(alive, o_time, np.iinfo(np.int64).max)
    rank = np.empty(len(o_time), dtype=np.int64)
    rank[np.argsort(o_time, kind="stable")] = np.arange(len(o_time))
    n_alive = int(alive.sum())
    order_customer = np.empty(n_alive, dtype=np.int64)
    order_time = np.empty(n_alive, dtype=np.int64)
    alive_idx = np.flatnonzero(alive)
    order_customer[rank[alive_idx]] = o_cust[alive_idx]
    order_time[rank[alive_idx]] = o_time[alive_idx]
    l_rank = rank[l_order]
    sort = np.lexsort((l_prod, l_rank))
    line_order, line_product = l_rank[sort], l_prod[sort]
    has_code = rng.random(n_alive) < 0.11
    has_note = rng.random(n_alive) < 0.012
    return Simulation(
        catalog=cat, start=start, days=days,
        first=rng.integers(0, len(dc.FIRST_NAMES), size=n_customers),
        last=rng.integers(0, len(dc.LAST_NAMES), size=n_customers),
        guest=guest,
        accepts=(~guest) & (rng.random(n_customers) < 0.62),
        city=rng.integers(0, len(dc.CITIES), size=n_customers),
        order_customer=order_customer, order_time=order_time,
        order_status=rng.choice(len(ORDER_STATUSES), size=n_alive, p=_STATUS_SHARES),
        order_discount=np.where(has_code, rng.integers(0, len(dc.DISCOUNT_CODES), n_alive), -1),
        order_note=np.where(has_note, rng.integers(0, len(dc.GIFT_NOTES), n_alive), -1),
        line_order=line_order, line_product=line_product,
        line_qty=_quantities(rng, line_product, cat),
    )


def _trim_to_target(rng: np.random.Generator, sim: Simulation, orders: int | None,
                    lines: int | None) -> Simulation:
    """Keep whole customers (by id) up to the target, then top up with one-line guest orders."""
    per_customer_orders = np.bincount(sim.order_customer, minlength=len(sim.guest))
    if orders is not None:
        counts, target = per_customer_orders, orders
    else:
        counts = np.bincount(sim.order_customer[sim.line_order], minlength=len(sim.guest))
        target = int(lines or 0)
    cum = np.cumsum(counts)
    k = int(np.searchsorted(cum, target, side="right"))
    deficit = target - (int(cum[k - 1]) if k else 0)
    keep_order = sim.order_customer < k
    new_index = np.cumsum(keep_order) - 1
    keep_line = keep_order[sim.line_order]
    o_cust = sim.order_customer[keep_order]
    o_time = sim.order_time[keep_order]
    l_order = new_index[sim.line_order[keep_line]]
    l_prod = sim.line_product[keep_line]
    # Guests (no email) for the remainder: one order of one line each.
    guests = k + np.arange(deficit)
    g_day = rng.choice(sim.days, size=deficit, p=_day_weights(sim.start, sim.days))
    g_prod = _draw_products(rng, _category_tables(sim.catalog, durable_only=False),
                            rng.integers(0, 3, size=deficit))
    n_cust = k + deficit
    guest = np.concatenate([sim.guest[:k], np.ones(deficit, dtype=bool)])
    cust = np.concatenate([o_cust, guests])
    day = np.concatenate([o_time // 86400, g_day])
    l_order = np.concatenate([l_order, len(o_cust) + np.arange(deficit)])
    l_prod = np.concatenate([l_prod, g_prod])
    alive = np.ones(len(cust), dtype=bool)
    return _finish(rng, sim.catalog, sim.start, sim.days, guest, n_cust, cust, day, alive,
                   l_order, l_prod)


def simulate(*, orders: int | None = None, lines: int | None = None, seed: int = 7,
             start: date = date(2025, 5, 1), months: int = 18,
             progress: ProgressFn | None = None,
             cancel: CancelToken | None = None) -> tuple[Simulation, DemoTruth]:
    """Simulate the store until exactly ``orders`` orders (or ``lines`` lines) exist."""
    if orders is not None and lines is not None:
        raise ValueError("give orders or lines, not both")
    if orders is None and lines is None:
        orders = DEFAULT_ORDERS
    target = int(orders if orders is not None else lines or 0)
    if target <= 0:
        raise ValueError("the export needs at least one order")
    cat = dc.build_catalog()
    days = period_days(start, months)
    # About 3.1 orders and 5.1 lines per simulated customer; overshoot so one pass is enough.
    per_customer = 3.1 if orders is not None else 5.1
    n_customers = math.ceil(target / per_customer * 1.25) + 10
    report(progress, 0, 3, "simulating customers")
    for attempt in range(8):
        rng = np.random.default_rng([seed, attempt])
        sim = _simulate(rng, cat, n_customers, start, days, cancel)
        total = len(sim.order_customer) if orders is not None else len(sim.line_order)
        if total >= target:
            break
        n_customers = math.ceil(n_customers * 1.3 * target / max(total, 1))
    report(progress, 1, 3, "trimming to size")
    sim = _trim_to_target(rng, sim, orders, lines)
    return sim, _truth(sim, seed, start)


def _truth(sim: Simulation, seed: int, start: date) -> DemoTruth:
    cat = sim.catalog
    keys = cat.key
    status = np.asarray(ORDER_STATUSES)[sim.order_status]
    consumable = cat.cycle_days > 0
    return DemoTruth(
        seed=seed, start=start,
        end=date.fromordinal(start.toordinal() + sim.days - 1),
        orders=len(sim.order_customer), lines=len(sim.line_order),
        customers=int(len(np.unique(sim.order_customer[~sim.guest[sim.order_customer]]))),
        planted_pairs=tuple((str(keys[cat.index_of(a)]), str(keys[cat.index_of(b)]))
                            for a, b, _ in dc.PLANTED_PAIRS),
        cycles={str(k): float(c) for k, c in zip(keys[consumable], cat.cycle_days[consumable],
                                                 strict=True)},
        non_consumables=tuple(str(k) for k in keys[~consumable]),
        cancelled_orders=int(np.isin(status, ("cancelled_voided", "cancelled_refunded")).sum()),
        refunded_orders=int((status == "refunded").sum()),
    )


def generate_shopify_table(**kwargs: Any) -> tuple[pa.Table, DemoTruth]:
    """Simulate and format: ``(table in the Shopify layout, DemoTruth)``; no file written.

    Takes the keyword arguments of :func:`simulate`.
    """
    from ppdesk.core.demo_shopify import format_table

    sim, truth = simulate(**kwargs)
    return format_table(sim), truth


def generate_shopify_rows(**kwargs: Any) -> tuple[pd.DataFrame, DemoTruth]:
    """Like :func:`generate_shopify_table` but as a DataFrame of strings ("" = empty cell)."""
    table, truth = generate_shopify_table(**kwargs)
    frame = table.to_pandas().fillna("")
    return frame, truth


def write_shopify_export(path: str | Path, *, orders: int | None = None,
                         lines: int | None = None, seed: int = 7,
                         start: date = date(2025, 5, 1), months: int = 18, fmt: str = "csv",
                         progress: ProgressFn | None = None,
                         cancel: CancelToken | None = None) -> DemoTruth:
    """Write a Shopify orders export (``fmt`` "csv" or "xlsx") and return what was planted."""
    from ppdesk.core.demo_shopify import format_table, write_table

    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")
    sim, truth = simulate(orders=orders, lines=lines, seed=seed, start=start, months=months,
                          progress=progress, cancel=cancel)
    check(cancel)
    report(progress, 2, 3, "writing the export")
    path = Path(path)
    write_table(format_table(sim), path, fmt=fmt)
    report(progress, 3, 3, "done")
    return replace(truth, path=path)
