"""Repeat behaviour: how many customers come back, how often, and who is ready for loyalty (L4).

A purchase here is a day on which the customer placed an included order in the
window (two orders on one day are one purchase, as with purchase occasions).
Guests are not customers.

- :func:`repeat_summary`: customers with 1, 2, 3 and 4+ purchases, their share,
  and their cadence (median days between consecutive purchases; the first gap).
- :func:`loyalty_candidates`: customers with at least ``min_purchases`` purchases
  (default 3) and their natural reorder interval: the median of their own gaps,
  the date their next order is expected, and the product they buy most often.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ppdesk.core.analytics.dataset import (
    GUEST,
    Basket,
    build_basket,
    resolve_window,
)
from ppdesk.core.analytics.stats import group_quantiles, group_starts, round_half_up
from ppdesk.core.settings import AnalyticsSettings

BUCKETS = ("1", "2", "3", "4+")


def purchases(basket: Basket) -> pd.DataFrame:
    """One row per (customer, purchase day): ``customer, code, day, purchase, gap``.

    ``code`` is the customer's 0-based index, ``purchase`` counts from 0 and
    ``gap`` is whole days since the previous purchase (NaN on the first).
    """
    known = basket.customer != GUEST
    frame = pd.DataFrame({"customer": basket.customer[known], "day": basket.day[known]})
    frame = frame.drop_duplicates().sort_values(["customer", "day"], kind="stable")
    cust = frame["customer"].to_numpy()
    day = frame["day"].to_numpy()
    new = group_starts(cust)
    idx = np.arange(len(cust))
    start = np.maximum.accumulate(np.where(new, idx, 0)) if len(idx) else idx
    frame["code"] = np.cumsum(new) - 1
    frame["purchase"] = idx - start
    previous = np.r_[day[:1], day[:-1]]
    frame["gap"] = np.where(new, np.nan, (day - previous).astype(np.float64))
    return frame.reset_index(drop=True)


def repeat_summary(lines: pd.DataFrame, products: pd.DataFrame, *,
                   since: dt.date | str | None = None, until: dt.date | str | None = None,
                   settings: AnalyticsSettings | None = None) -> pd.DataFrame:
    """Rows ``purchases`` ("1", "2", "3", "4+"): customers, share, cadence."""
    settings = settings or AnalyticsSettings()
    window = resolve_window(lines, since, until, window_days=settings.window_days)
    p = purchases(build_basket(lines, products, window))
    count = np.bincount(p["code"].to_numpy(), minlength=0) if len(p) else np.zeros(0, np.int64)
    bucket_of_customer = np.minimum(count, 4) - 1
    bucket = bucket_of_customer[p["code"].to_numpy()] if len(p) else np.zeros(0, np.int64)
    gaps = p["gap"].to_numpy()
    has = ~np.isnan(gaps)
    second = p["purchase"].to_numpy() == 1
    (med,) = group_quantiles(bucket[has], gaps[has], 4, (0.5,))
    (f2s,) = group_quantiles(bucket[second], gaps[second], 4, (0.5,))
    customers = np.bincount(bucket_of_customer, minlength=4)[:4] if len(count) else np.zeros(4)
    total = max(int(customers.sum()), 1)
    return pd.DataFrame({"purchases": BUCKETS, "customers": customers.astype(np.int64),
                         "share": customers / total, "median_days_between": med,
                         "median_days_first_to_second": f2s})


def loyalty_candidates(lines: pd.DataFrame, products: pd.DataFrame, *,
                       since: dt.date | str | None = None, until: dt.date | str | None = None,
                       settings: AnalyticsSettings | None = None,
                       min_purchases: int = 3) -> pd.DataFrame:
    """Customers with at least ``min_purchases`` purchases and their natural interval.

    Columns: ``customer_id, purchases, first_date, last_date, median_days_between,
    next_expected, days_since_last`` (to the window's end), ``top_product``,
    ``top_product_name``. Sorted by purchases (most first), then days since last.
    """
    settings = settings or AnalyticsSettings()
    window = resolve_window(lines, since, until, window_days=settings.window_days)
    basket = build_basket(lines, products, window)
    p = purchases(basket)
    columns = ["customer_id", "purchases", "first_date", "last_date", "median_days_between",
               "next_expected", "days_since_last", "top_product", "top_product_name"]
    if p.empty or window.until is None:
        return pd.DataFrame({c: [] for c in columns})
    codes = p["code"].to_numpy()
    n_cust = int(codes.max()) + 1
    count = np.bincount(codes, minlength=n_cust)
    gaps = p["gap"].to_numpy()
    has = ~np.isnan(gaps)
    (med,) = group_quantiles(codes[has], gaps[has], n_cust, (0.5,))
    day = p["day"].to_numpy()
    first = np.full(n_cust, np.iinfo(np.int64).max)
    last = np.full(n_cust, np.iinfo(np.int64).min)
    np.minimum.at(first, codes, day)
    np.maximum.at(last, codes, day)
    cust_ids = p.drop_duplicates("code").sort_values("code")["customer"].to_numpy(dtype=np.int64)
    top = _top_product(basket)
    end = (window.until - dt.date(1970, 1, 1)).days
    keep = count >= max(int(min_purchases), 2)
    frame = pd.DataFrame({
        "customer_id": cust_ids[keep], "purchases": count[keep].astype(np.int64),
        "first_date": _dates(first[keep]), "last_date": _dates(last[keep]),
        "median_days_between": med[keep],
        "next_expected": _dates(last[keep] + round_half_up(med[keep]).astype(np.int64)),
        "days_since_last": (end - last[keep]).astype(np.int64),
    })
    frame = frame.merge(top, on="customer_id", how="left")
    return frame.sort_values(["purchases", "days_since_last", "customer_id"],
                             ascending=[False, True, True], kind="stable")[columns] \
        .reset_index(drop=True)


def _dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970 as ``datetime.date`` objects."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(object)


def _top_product(basket: Basket) -> pd.DataFrame:
    """Each customer's most often bought product (occasions; ties go to the smaller key)."""
    known = basket.customer != GUEST
    occ = pd.DataFrame({"customer_id": basket.customer[known], "product": basket.product[known],
                        "day": basket.day[known]}).drop_duplicates()
    counts = occ.groupby(["customer_id", "product"]).size().reset_index(name="n")
    counts = counts.sort_values(["customer_id", "n", "product"], ascending=[True, False, True],
                                kind="stable").drop_duplicates("customer_id")
    meta = basket.products
    code = counts["product"].to_numpy(dtype=np.int64)
    return pd.DataFrame({"customer_id": counts["customer_id"].to_numpy(dtype=np.int64),
                         "top_product": meta["product_key"].to_numpy(dtype=object)[code],
                         "top_product_name": meta["name"].to_numpy(dtype=object)[code]})
