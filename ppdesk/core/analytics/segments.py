"""Reorder timing and repeat figures split by segment, since cycles differ by segment.

- Customer type: for each customer and product, ``new`` when their first purchase
  of the product in the window was on the day of their very first order with the
  store (all imported history, not just the window), ``returning`` otherwise.
- First product: customers grouped by the products of their very first order
  (a first order holding two products puts the customer in both groups); only
  the ``top`` most common first products get a segment.

Figures are those of ``timing.timing_figures`` (customers, repeat customers, medians,
quartiles, median interval), plus ``enough_data`` per segment and product.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ppdesk.core.analytics.dataset import (
    GUEST,
    Window,
    build_basket,
    included_frame,
    resolve_window,
)
from ppdesk.core.analytics.timing import occasions, timing_figures
from ppdesk.core.settings import AnalyticsSettings

CUSTOMER_TYPES = ("new", "returning")


def _first_orders(lines: pd.DataFrame) -> pd.DataFrame:
    """Included, non-guest lines of all history: ``customer, product_id, day`` with first day."""
    everything = Window(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    rows = included_frame(lines, everything)
    frame = pd.DataFrame({"customer": rows["customer_id"].to_numpy(dtype=np.int64),
                          "product_id": rows["product_id"].to_numpy(dtype=np.int64),
                          "day": rows["day"].to_numpy(dtype=np.int64)})
    frame = frame.loc[frame["customer"] != GUEST]
    frame["first_day"] = frame.groupby("customer")["day"].transform("min")
    return frame


def timing_by_customer_type(lines: pd.DataFrame, products: pd.DataFrame, *,
                            since: dt.date | str | None = None,
                            until: dt.date | str | None = None,
                            settings: AnalyticsSettings | None = None) -> pd.DataFrame:
    """Rows per (customer type, product) bought in the window; see module doc."""
    settings = settings or AnalyticsSettings()
    window = resolve_window(lines, since, until, window_days=settings.window_days)
    basket = build_basket(lines, products, window)
    occ = occasions(basket)
    first_ever = _first_orders(lines).groupby("customer")["first_day"].first()
    # A row's first occasion of its (customer, product) sits ``occasion`` rows above it.
    start = np.arange(len(occ)) - occ["occasion"].to_numpy()
    first_occasion_day = occ["day"].to_numpy()[start]
    customer_first = first_ever.reindex(occ["customer"].to_numpy()).to_numpy()
    seg = np.where(first_occasion_day == customer_first, 0, 1)
    n = basket.n_products
    group = seg.astype(np.int64) * n + occ["product"].to_numpy(dtype=np.int64)
    figures = timing_figures(occ, group, 2 * n)
    meta = basket.products
    figures.insert(0, "segment", np.repeat(np.array(CUSTOMER_TYPES, dtype=object), n))
    figures.insert(1, "product_id", np.tile(meta["product_id"].to_numpy(dtype=np.int64), 2))
    figures.insert(2, "product", np.tile(meta["product_key"].to_numpy(dtype=object), 2))
    figures.insert(3, "name", np.tile(meta["name"].to_numpy(dtype=object), 2))
    figures["enough_data"] = figures["repeat_customers"] >= settings.min_repeat_customers
    figures = figures.loc[figures["customers"] > 0]
    return figures.sort_values(["product", "segment"], kind="stable").reset_index(drop=True)


def timing_by_first_product(lines: pd.DataFrame, products: pd.DataFrame, *,
                            since: dt.date | str | None = None,
                            until: dt.date | str | None = None,
                            settings: AnalyticsSettings | None = None,
                            top: int = 10) -> pd.DataFrame:
    """Rows per (first product, product) for the ``top`` most common first products."""
    settings = settings or AnalyticsSettings()
    window = resolve_window(lines, since, until, window_days=settings.window_days)
    basket = build_basket(lines, products, window)
    occ = occasions(basket)
    history = _first_orders(lines)
    first = history.loc[history["day"] == history["first_day"], ["customer", "product_id"]]
    first = first.drop_duplicates()
    ranking = first["product_id"].value_counts()
    ranking = ranking.rename_axis("product_id").reset_index(name="n")
    ranking = ranking.sort_values(["n", "product_id"], ascending=[False, True]).head(top)
    first = first.loc[first["product_id"].isin(ranking["product_id"])]
    seg_ids = ranking["product_id"].to_numpy(dtype=np.int64)
    seg_code = pd.Series(np.arange(len(seg_ids)), index=seg_ids)
    joined = occ.merge(first.rename(columns={"product_id": "first_product_id"}), on="customer")
    n = basket.n_products
    group = (seg_code.reindex(joined["first_product_id"].to_numpy()).to_numpy(dtype=np.int64) * n
             + joined["product"].to_numpy(dtype=np.int64))
    figures = timing_figures(joined, group, len(seg_ids) * n)
    meta = basket.products
    names = products.drop_duplicates("product_id").set_index("product_id")
    figures.insert(0, "first_product_id", np.repeat(seg_ids, n))
    figures.insert(1, "first_product", names["product_key"].reindex(
        figures["first_product_id"]).to_numpy(dtype=object))
    figures.insert(2, "product_id", np.tile(meta["product_id"].to_numpy(dtype=np.int64),
                                            len(seg_ids)))
    figures.insert(3, "product", np.tile(meta["product_key"].to_numpy(dtype=object), len(seg_ids)))
    figures.insert(4, "name", np.tile(meta["name"].to_numpy(dtype=object), len(seg_ids)))
    figures["enough_data"] = figures["repeat_customers"] >= settings.min_repeat_customers
    figures = figures.loc[figures["customers"] > 0]
    return figures.sort_values(["first_product", "product"], kind="stable").reset_index(drop=True)
