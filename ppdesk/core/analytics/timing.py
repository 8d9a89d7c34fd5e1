"""Reorder timing per product: how long customers take to buy the same product again.

Purchase occasions of a product by a customer are the distinct local order dates
on which they bought it (two orders on one day are one occasion). Sorted by
(product, customer, date), each occasion's gap is a plain difference with the
previous row when that row belongs to the same customer and product (a window
function, no per-group Python). Then, per product:

- ``customers``: customers who bought it in the window (guests are not customers);
  ``repeat_customers``: those with two occasions or more.
- ``median_days_first_to_second``: median over repeat customers of their first gap;
  ``median_days_between`` (and ``p25_``/``p75_days_between``): over every gap.
- ``median_ci_low``/``_high``: a 95 % distribution-free interval of that median.
- ``trigger_day_first``: when the reminder goes out after a customer's FIRST purchase of
  the product: round(share x median_days_first_to_second) (share 0.70-0.80, default
  0.75; or, with the "days_before" rule, median - N days); ``trigger_day_repeat``: after
  later purchases, from ``median_days_between``; ``trigger_day`` = ``trigger_day_first``.
  Only given when ``enough_data`` (at least ``min_repeat_customers`` repeat customers).
- ``quantity_scaled``: larger purchases were shown to last longer (``quantity``); then the
  reminder waits in proportion to the units bought (:func:`reminder_days`);
  ``quantity_rule`` says which rule applies, in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core.analytics import consumables, quantity
from ppdesk.core.analytics.dataset import (
    LINE_COLUMNS,
    Basket,
    Window,
    build_basket,
    occasion_units,
    resolve_window,
)
from ppdesk.core.analytics.stats import (
    group_quantiles,
    median_ci,
    round_half_up,
    sort_groups,
)
from ppdesk.core.errors import InputError
from ppdesk.core.settings import AnalyticsSettings

TIMING_COLUMNS = [
    "product_id", "product", "name", "customers", "repeat_customers", "repeat_share",
    "median_days_first_to_second", "median_days_between", "p25_days_between",
    "p75_days_between", "median_ci_low", "median_ci_high", "reorders", "trigger_day",
    "trigger_day_first", "trigger_day_repeat", "enough_data", "timing_note",
    "quantity_scaled", "typical_units", "quantity_p_value", "quantity_rule",
    "replenishable", "replenishable_reason", "consumable_override",
]


def occasions(basket: Basket) -> pd.DataFrame:
    """Purchase occasions: ``product, customer, customer_code, day, occasion, gap``.

    See :func:`ppdesk.core.analytics.dataset.purchase_occasions` (computed once per basket).
    """
    return basket.occasions


def timing_figures(occ: pd.DataFrame, group: np.ndarray, n_groups: int) -> pd.DataFrame:
    """Customers, repeat customers and gap statistics per group code (rows of ``occ``)."""
    occasion = occ["occasion"].to_numpy()
    gap = occ["gap"].to_numpy()
    group = np.asarray(group, dtype=np.int64)
    firsts = occasion == 0
    seconds = occasion == 1
    has_gap = ~np.isnan(gap)
    customers = np.bincount(group[firsts], minlength=n_groups)
    repeat = np.bincount(group[seconds], minlength=n_groups)
    (f2s,) = group_quantiles(sort_groups(group[seconds], gap[seconds], n_groups), qs=(0.5,))
    gaps = sort_groups(group[has_gap], gap[has_gap], n_groups)
    p25, med, p75 = group_quantiles(gaps, qs=(0.25, 0.5, 0.75))
    low, high = median_ci(gaps)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(customers > 0, repeat / np.maximum(customers, 1), np.nan)
    return pd.DataFrame({
        "customers": customers.astype(np.int64), "repeat_customers": repeat.astype(np.int64),
        "repeat_share": share, "median_days_first_to_second": f2s, "median_days_between": med,
        "p25_days_between": p25, "p75_days_between": p75, "median_ci_low": low,
        "median_ci_high": high, "reorders": gaps.sizes,
    })


def trigger_days(median: np.ndarray, settings: AnalyticsSettings) -> np.ndarray:
    """The reminder day for each median (float array, NaN where the median is NaN)."""
    check_trigger_settings(settings)
    if settings.trigger_rule == "share":
        return round_half_up(settings.trigger_share * median)
    return np.maximum(round_half_up(median - settings.trigger_days_before), 1.0)


def reminder_days(timing: pd.DataFrame, product_id: np.ndarray, first: np.ndarray,
                  units: np.ndarray) -> np.ndarray:
    """Days after a purchase the reminder is due, per (product, first purchase?, units).

    ``timing`` is a :func:`reorder_timing` frame; NaN where the product has no trigger.
    A frame without the two triggers (older callers) falls back to ``trigger_day``.
    """
    table = timing.set_index("product_id")
    pid = pd.Index(np.asarray(product_id, dtype=np.int64))
    def column(name: str, fallback: str = "trigger_day") -> np.ndarray:
        use = name if name in table.columns else fallback
        return pd.to_numeric(table[use], errors="coerce").reindex(pid).to_numpy(dtype=np.float64)
    base = np.where(np.asarray(first, dtype=bool), column("trigger_day_first"),
                    column("trigger_day_repeat"))
    if "quantity_scaled" not in table.columns:
        return base
    scaled = table["quantity_scaled"].reindex(pid).fillna(False).to_numpy(dtype=bool)
    typical = table["typical_units"].reindex(pid).to_numpy(dtype=np.float64)
    factor = quantity.scale_factor(units, typical, scaled)
    return np.where(np.isnan(base), np.nan, np.maximum(round_half_up(base * factor), 1.0))


def check_trigger_settings(settings: AnalyticsSettings) -> None:
    if settings.trigger_rule not in ("share", "days_before"):
        raise InputError(f"the trigger rule '{settings.trigger_rule}' is unknown; "
                         "use 'share' or 'days_before'")
    if settings.trigger_rule == "share" and not 0.70 <= settings.trigger_share <= 0.80:
        raise InputError(f"the trigger share {settings.trigger_share} is outside 0.70-0.80")
    if settings.trigger_rule == "days_before" and settings.trigger_days_before < 0:
        raise InputError("the number of days before the median cannot be negative")


def reorder_timing(lines: pd.DataFrame, products: pd.DataFrame, *,
                   since: dt.date | str | None = None, until: dt.date | str | None = None,
                   settings: AnalyticsSettings | None = None,
                   basket: Basket | None = None) -> pd.DataFrame:
    """One row per product bought in the window (columns :data:`TIMING_COLUMNS`).

    Products with no repeat customer keep null figures and ``enough_data`` False.
    Sorted by repeat customers, then customers (most first), then product key.
    ``basket``: an already encoded window (shared with pairs); ``since``/``until`` are
    then ignored.
    """
    settings = settings or AnalyticsSettings()
    check_trigger_settings(settings)
    if basket is None:
        window = resolve_window(lines, since, until, window_days=settings.window_days)
        basket = build_basket(lines, products, window)
    occ = occasions(basket)
    n = basket.n_products
    figures = timing_figures(occ, occ["product"].to_numpy(), n)
    meta = basket.products
    frame = pd.concat([pd.DataFrame({"product_id": meta["product_id"].to_numpy(dtype=np.int64),
                                     "product": meta["product_key"].to_numpy(dtype=object),
                                     "name": meta["name"].to_numpy(dtype=object)}),
                       figures], axis=1)
    enough = frame["repeat_customers"].to_numpy() >= settings.min_repeat_customers
    first = np.where(enough, trigger_days(frame["median_days_first_to_second"].to_numpy(),
                                          settings), np.nan)
    repeat = np.where(enough, trigger_days(frame["median_days_between"].to_numpy(), settings),
                      np.nan)
    frame["trigger_day_first"] = pd.Series(first, dtype="float64").astype("Int64")
    frame["trigger_day_repeat"] = pd.Series(repeat, dtype="float64").astype("Int64")
    # The playbook: the reminder after a first purchase is the one most stores send.
    frame["trigger_day"] = frame["trigger_day_first"]
    frame["enough_data"] = enough
    effect = quantity.quantity_effect(occ, occasion_units(basket), n)
    frame["quantity_scaled"] = effect["quantity_scaled"].to_numpy() & enough
    frame["typical_units"] = effect["typical_units"].to_numpy()
    frame["quantity_p_value"] = effect["quantity_p_value"].to_numpy()
    frame["quantity_rule"] = [
        quantity.rule_in_words(bool(sc), float(tu) if tu == tu else 1.0, float(pv), int(n1),
                               int(n2))
        for sc, tu, pv, n1, n2 in zip(frame["quantity_scaled"], frame["typical_units"],
                                      frame["quantity_p_value"], effect["gaps_after_one"],
                                      effect["gaps_after_more"], strict=True)]
    frame["timing_note"] = _notes(frame, settings)
    frame = consumables.classify(frame, products, settings)
    frame = frame.sort_values(["repeat_customers", "customers", "product"],
                              ascending=[False, False, True], kind="stable")
    return frame[TIMING_COLUMNS].reset_index(drop=True)


def _notes(frame: pd.DataFrame, settings: AnalyticsSettings) -> list[str]:
    need = settings.min_repeat_customers
    notes = []
    for repeat, enough in zip(frame["repeat_customers"].to_numpy(),
                              frame["enough_data"].to_numpy(), strict=True):
        if enough:
            notes.append("")
        elif repeat == 0:
            notes.append("no customer bought it twice yet")
        else:
            notes.append(f"only {repeat} repeat customer{'s' if repeat != 1 else ''}; "
                         f"needs {need} before the cycle is trusted")
    return notes


@dataclass(frozen=True)
class ProductTiming:
    """One product's reorder gaps (for a histogram) and its figures (a timing row, or None)."""

    product_key: str
    name: str
    window: Window
    gaps: np.ndarray
    first_to_second: np.ndarray
    figures: dict[str, Any] | None


def product_timing(store: Any, product_key: str, *, since: dt.date | str | None = None,
                   until: dt.date | str | None = None,
                   settings: AnalyticsSettings | None = None) -> ProductTiming:
    """Every gap between a product's purchase occasions, and its timing row, from the store."""
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store.lines import load_lines, load_products

    settings = settings or load_settings(store).analytics
    lines, products = load_lines(store, LINE_COLUMNS), load_products(store)
    match = products.loc[products["product_key"] == product_key]
    if match.empty:
        raise InputError(f"no product with the key '{product_key}' in this store")
    product_id = int(match["product_id"].iloc[0])
    window = resolve_window(lines, since, until, window_days=settings.window_days)
    mine = lines.loc[lines["product_id"].to_numpy() == product_id]
    basket = build_basket(mine, products, window)
    occ = occasions(basket)
    gaps = occ["gap"].to_numpy()
    has = ~np.isnan(gaps)
    table = reorder_timing(mine, products, settings=settings, basket=basket)
    figures = table.iloc[0].to_dict() if len(table) else None
    return ProductTiming(product_key, str(match["name"].iloc[0]), window,
                         gaps[has].astype(np.int64),
                         gaps[has & (occ["occasion"].to_numpy() == 1)].astype(np.int64), figures)
