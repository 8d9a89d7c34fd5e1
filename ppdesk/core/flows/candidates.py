"""The four flows as candidate generators: which message each flow wants, for whom, when.

Input is :class:`FlowData` (included orders of known customers with their UTC time,
their lines, products, the reorder-timing frame); output is one candidate frame per
flow with columns ``plan_key, flow, customer_id, trigger_order_id, due`` (naive
UTC), ``pool`` (product ids in order of preference), ``take``/``min_take`` (how
many of the pool to feature, at least how many), ``details`` (facts for the email),
``skip_code``/``skip_reason`` (set when the flow itself cannot make the message).

Only candidates due at or after ``now - max_late_days`` are made: importing a
year of history must not wake a year of old emails.

- Cross-sell: ``cross_sell_delay_hours`` after each order, 2-3 complements of the
  basket, none the customer ever bought.
- Replenishment: per (customer, replenishable product), ``trigger_day_first`` days after
  a first purchase, ``trigger_day_repeat`` after a later one (scaled by units where
  larger purchases last longer), counted from the latest purchase; a reorder moves
  the latest purchase, so the old reminder's key disappears and the planner cancels it.
- Review: ``review_delay_days`` after each order holding non-consumables, asking
  about them (up to 3) and suggesting one complement.
- Loyalty: ``loyalty_delay_days`` after the customer's Nth order, featuring what
  they buy most, with their cadence (the analytics' median days between purchase days).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ppdesk.core.flows import model as m
from ppdesk.core.settings import FlowSettings

if TYPE_CHECKING:
    from ppdesk.core.analytics.evidence import Evidence

# basket product keys, how many wanted -> complement product ids, best first
ComplementsFn = Callable[[tuple[str, ...], int], list[int]]

MIN_CROSS_SELL = 2
REVIEW_MAX_PRODUCTS = 3
LOYALTY_MAX_PRODUCTS = 3

COLUMNS = ["plan_key", "flow", "customer_id", "trigger_order_id", "due", "pool", "take",
           "min_take", "details", "skip_code", "skip_reason"]


@dataclass
class FlowData:
    """What the flows read. ``orders``: order_id, customer_id, store_order_id, at_utc;
    ``lines``: order_id, customer_id, product_id, quantity (units of the product in the
    order), at_utc (one row per order and product, in line order); ``products``:
    product_id, product_key, name, consumable_override; ``timing``: product_id,
    trigger_day (or trigger_day_first/_repeat with the quantity rule), replenishable,
    enough_data; ``evidence``: the analytics (parents, cadence, favourites)."""

    orders: pd.DataFrame
    lines: pd.DataFrame
    products: pd.DataFrame
    timing: pd.DataFrame
    evidence: Evidence


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return empty()
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["due"] = pd.to_datetime(frame["due"]).astype("datetime64[ns]")
    return frame


def _bought_by(lines: pd.DataFrame, customers: pd.Series) -> dict[int, set[int]]:
    sub = lines[lines["customer_id"].isin(customers.unique())]
    return {int(c): set(map(int, g)) for c, g in sub.groupby("customer_id")["product_id"]}


class _ComplementCache:
    """One analytics answer per distinct basket: many customers buy the same baskets.

    ``prefetch`` asks a batched function (``fn.many``, the analytics' ranking) for all
    the baskets at once; a plain function is asked basket by basket.
    """

    def __init__(self, fn: ComplementsFn, keys: dict[int, str], want: int) -> None:
        self.fn, self.keys, self.want = fn, keys, want
        self.cache: dict[tuple[str, ...], list[int]] = {}

    def _names(self, basket: list[int]) -> tuple[str, ...]:
        return tuple(sorted(self.keys[p] for p in basket if p in self.keys))

    def prefetch(self, baskets: list[list[int]]) -> None:
        many = getattr(self.fn, "many", None)
        if many is None:
            return
        todo = list(dict.fromkeys(n for n in map(self._names, baskets)
                                  if n and n not in self.cache))
        for names, found in zip(todo, many(todo, self.want), strict=True):
            self.cache[names] = [int(p) for p in found]

    def __call__(self, basket: list[int]) -> list[int]:
        names = self._names(basket)
        if names not in self.cache:
            self.cache[names] = [int(p) for p in self.fn(names, self.want)] if names else []
        return self.cache[names]


def _owned(data: FlowData, bought: set[int]) -> set[int]:
    """What a customer owns, with every variant standing for its parent product too."""
    parent = data.evidence.parent_of()
    return bought | {parent.get(p, p) for p in bought}


def cross_sell(data: FlowData, settings: FlowSettings, now: pd.Timestamp,
               complements: ComplementsFn) -> pd.DataFrame:
    delay = pd.Timedelta(hours=settings.cross_sell_delay_hours)
    oldest = now - pd.Timedelta(days=settings.max_late_days)
    orders = data.orders[data.orders["at_utc"] + delay >= oldest]
    if orders.empty:
        return empty()
    take = max(MIN_CROSS_SELL, int(settings.cross_sell_count))
    keys = dict(zip(data.products["product_id"].astype(int), data.products["product_key"],
                    strict=True))
    # Ask for extra so that, after removing what a customer already bought, enough remain.
    cache = _ComplementCache(complements, keys, take + 10)
    bought = _bought_by(data.lines, orders["customer_id"])
    baskets = data.lines[data.lines["order_id"].isin(orders["order_id"])].groupby(
        "order_id", sort=False)["product_id"].agg(list)
    cache.prefetch([[int(p) for p in b] for b in baskets])
    records = []
    for order in orders.itertuples(index=False):
        basket = [int(p) for p in baskets.get(order.order_id, [])]
        owned = _owned(data, bought.get(int(order.customer_id), set()) | set(basket))
        pool = [p for p in cache(basket) if p not in owned]
        code = "" if len(pool) >= MIN_CROSS_SELL else m.NOT_ENOUGH_COMPLEMENTS
        reason = "" if not code else (f"{m.REASON_WORDS[code]} ({len(pool)} found, "
                                      f"{MIN_CROSS_SELL} needed)")
        records.append({
            "plan_key": m.plan_key(m.CROSS_SELL, order.customer_id, order.order_id, None),
            "flow": m.CROSS_SELL, "customer_id": int(order.customer_id),
            "trigger_order_id": int(order.order_id), "due": order.at_utc + delay,
            "pool": pool, "take": take, "min_take": MIN_CROSS_SELL,
            "details": {"basket": basket}, "skip_code": code, "skip_reason": reason})
    return _frame(records)


def replenishment(data: FlowData, settings: FlowSettings, now: pd.Timestamp) -> pd.DataFrame:
    """After a customer's first purchase of a product the reminder waits
    ``trigger_day_first`` days, after later ones ``trigger_day_repeat``, scaled by the
    units bought where the product's data show that larger purchases last longer
    (``analytics.timing.reminder_days``)."""
    from ppdesk.core.analytics.timing import reminder_days

    timing = data.timing
    if timing.empty:
        return empty()
    ok = timing[timing["replenishable"].astype(bool) & timing["enough_data"].astype(bool)
                & timing["trigger_day"].notna()]
    lines = data.lines[data.lines["product_id"].isin(ok["product_id"])]
    if lines.empty:
        return empty()
    ordered = lines.sort_values(["at_utc", "order_id"])
    purchases = ordered.groupby(["customer_id", "product_id"], sort=False)["order_id"] \
        .transform("size")
    latest = ordered.assign(purchases=purchases).groupby(
        ["customer_id", "product_id"], sort=False).tail(1)
    units = latest["quantity"].to_numpy(dtype=float) if "quantity" in latest.columns \
        else np.ones(len(latest))
    days_after = reminder_days(ok, latest["product_id"].to_numpy(),
                               latest["purchases"].to_numpy() == 1, units)
    latest = latest.assign(trigger_day=days_after)[~np.isnan(days_after)]
    due = latest["at_utc"] + pd.to_timedelta(latest["trigger_day"].astype(float), unit="D")
    keep = due >= now - pd.Timedelta(days=settings.max_late_days)
    latest, due = latest[keep], due[keep]
    if latest.empty:
        return empty()
    cust = latest["customer_id"].astype(int).to_numpy()
    order = latest["order_id"].astype(int).to_numpy()
    prod = latest["product_id"].astype(int).to_numpy()
    days = latest["trigger_day"].astype(int).to_numpy()
    last = latest["at_utc"].dt.strftime("%Y-%m-%d").to_numpy()
    keys = [f"{m.REPLENISHMENT}|{c}|{o}|{p}" for c, o, p in zip(cust, order, prod, strict=True)]
    return pd.DataFrame({
        "plan_key": keys, "flow": m.REPLENISHMENT, "customer_id": cust,
        "trigger_order_id": order, "due": due.to_numpy(),
        "pool": [[int(p)] for p in prod], "take": 1, "min_take": 1,
        "details": [{"trigger_day": int(d), "last_purchase": s}
                    for d, s in zip(days, last, strict=True)],
        "skip_code": "", "skip_reason": ""}, columns=COLUMNS)


def consumable_ids(data: FlowData) -> set[int]:
    """Products treated as consumable: the merchant's override, else the timing's verdict."""
    products = data.products
    override = products.set_index("product_id")["consumable_override"]
    auto: set[int] = set()
    if not data.timing.empty:
        auto = set(data.timing.loc[data.timing["replenishable"].astype(bool),
                                   "product_id"].astype(int))
    forced_yes = set(override[override == 1].index.astype(int))
    forced_no = set(override[override == 0].index.astype(int))
    return (auto | forced_yes) - forced_no


def review(data: FlowData, settings: FlowSettings, now: pd.Timestamp,
           complements: ComplementsFn) -> pd.DataFrame:
    delay = pd.Timedelta(days=settings.review_delay_days)
    oldest = now - pd.Timedelta(days=settings.max_late_days)
    orders = data.orders[data.orders["at_utc"] + delay >= oldest]
    if orders.empty:
        return empty()
    consumable = consumable_ids(data)
    lines = data.lines[data.lines["order_id"].isin(orders["order_id"])
                       & ~data.lines["product_id"].isin(list(consumable))]
    reviewed = lines.groupby("order_id", sort=False)["product_id"].agg(list)
    keys = dict(zip(data.products["product_id"].astype(int), data.products["product_key"],
                    strict=True))
    cache = _ComplementCache(complements, keys, 10)
    cache.prefetch([[int(p) for p in r][:REVIEW_MAX_PRODUCTS] for r in reviewed])
    bought = _bought_by(data.lines, orders["customer_id"])
    records = []
    for order in orders[orders["order_id"].isin(reviewed.index)].itertuples(index=False):
        items = [int(p) for p in reviewed[order.order_id]][:REVIEW_MAX_PRODUCTS]
        owned = _owned(data, bought.get(int(order.customer_id), set()))
        extra = [p for p in cache(items) if p not in owned][:1]
        records.append({
            "plan_key": m.plan_key(m.REVIEW, order.customer_id, order.order_id, None),
            "flow": m.REVIEW, "customer_id": int(order.customer_id),
            "trigger_order_id": int(order.order_id), "due": order.at_utc + delay,
            "pool": items + extra, "take": len(items) + len(extra), "min_take": 1,
            "details": {"reviewed": items, "complements": extra},
            "skip_code": "", "skip_reason": ""})
    return _frame(records)


def loyalty(data: FlowData, settings: FlowSettings, now: pd.Timestamp) -> pd.DataFrame:
    n = min(5, max(2, int(settings.loyalty_min_purchases)))
    orders = data.orders.sort_values(["customer_id", "at_utc", "order_id"])
    rank = orders.groupby("customer_id").cumcount() + 1
    nth = orders[rank == n]
    delay = pd.Timedelta(days=settings.loyalty_delay_days)
    nth = nth[nth["at_utc"] + delay >= now - pd.Timedelta(days=settings.max_late_days)]
    if nth.empty:
        return empty()
    # Cadence and favourites are the analytics' (one definition, shared with the email).
    who = [int(c) for c in nth["customer_id"]]
    cadence = data.evidence.cadence(who)
    favourites = data.evidence.favourites(who, LOYALTY_MAX_PRODUCTS)
    records = []
    for order in nth.itertuples(index=False):
        pool = favourites.get(int(order.customer_id), [])
        days = cadence.get(int(order.customer_id))
        records.append({
            "plan_key": m.plan_key(m.LOYALTY, order.customer_id, order.order_id, None),
            "flow": m.LOYALTY, "customer_id": int(order.customer_id),
            "trigger_order_id": int(order.order_id), "due": order.at_utc + delay,
            "pool": pool, "take": len(pool), "min_take": 1,
            "details": {"purchases": n,
                        "cadence_days": None if days is None else max(1, days)},
            "skip_code": "", "skip_reason": ""})
    return _frame(records)


def all_candidates(data: FlowData, settings: FlowSettings, now: pd.Timestamp,
                   complements: ComplementsFn) -> pd.DataFrame:
    """Every enabled flow's candidates in one frame."""
    parts = []
    if settings.cross_sell_enabled:
        parts.append(cross_sell(data, settings, now, complements))
    if settings.replenishment_enabled:
        parts.append(replenishment(data, settings, now))
    if settings.review_enabled:
        parts.append(review(data, settings, now, complements))
    if settings.loyalty_enabled:
        parts.append(loyalty(data, settings, now))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty()
    frame = pd.concat(parts, ignore_index=True)
    frame["customer_id"] = frame["customer_id"].astype("int64")
    frame["trigger_order_id"] = frame["trigger_order_id"].astype("int64")
    frame["due"] = pd.to_datetime(frame["due"]).astype("datetime64[ns]")
    return frame
