"""Contribution margin and the unit-economics view (AOV, CAC, margin per order).

Over the report period (from the first delivered email or the first day an offer
went live, to the newest imported order; the last ``window_days`` when nothing ran
yet), included orders split into:

- *post-purchase* orders: credited to an email or an offer code;
- *checkout* orders: every other included order.

Figures: ``aov`` = checkout revenue / checkout orders; ``cogs`` from
``products.unit_cost`` x quantity; ``margin_per_order_without`` = (checkout revenue
- checkout cogs) / checkout orders - CAC (as the merchant entered it, charged to each
checkout order as in the seed's example); ``post_purchase_margin_per_order`` =
(post-purchase revenue - its cogs) / checkout orders; ``margin_per_order_with`` =
without + post-purchase margin per order; ``post_purchase_share`` = post-purchase
revenue / all revenue. ``cost_coverage`` is the share of line value whose product has
a cost: below 1, margins are overstated by the missing costs (the report warns).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

ECONOMICS_RULE = ("checkout orders = included orders not credited to an email or offer; "
                  "margin = revenue - quantity x unit cost; CAC charged once per checkout order")


def report_period(messages: pd.DataFrame, variants: pd.DataFrame,
                  data_end: pd.Timestamp | None, window_days: int
                  ) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """(since, until) of the unit-economics figures, naive UTC."""
    if data_end is None:
        return None, None
    starts = []
    delivered = messages.loc[messages["delivered"], "send_time"] if len(messages) else None
    if delivered is not None and len(delivered):
        starts.append(delivered.min())
    if len(variants) and variants["live_since"].notna().any():
        starts.append(variants["live_since"].min())
    since = min(starts) if starts else data_end.normalize() - pd.Timedelta(days=window_days - 1)
    return since, data_end


def _div(num: float, den: float) -> float:
    return num / den if den else math.nan


def unit_economics(orders: pd.DataFrame, post_purchase_ids: pd.Series, discount_cost: float,
                   since: pd.Timestamp | None, until: pd.Timestamp | None,
                   cac: float) -> dict[str, Any]:
    """The seed's unit-economics view plus post-purchase contribution margin (see module doc)."""
    if since is None or until is None:
        period = orders.iloc[0:0]
    else:
        period = orders[orders["included"] & (orders["utc"] >= since) & (orders["utc"] <= until)]
    pp = period["order_id"].isin(post_purchase_ids)
    checkout, post = period[~pp], period[pp]
    n_checkout = len(checkout)
    c_rev, c_cogs = float(checkout["revenue"].sum()), float(checkout["cogs"].sum())
    p_rev, p_cogs = float(post["revenue"].sum()), float(post["cogs"].sum())
    without = _div(c_rev - c_cogs, n_checkout) - cac
    pp_per_order = _div(p_rev - p_cogs, n_checkout)
    line_total = float(period["line_total"].sum())
    return {
        "since": None if since is None else since.date().isoformat(),
        "until": None if until is None else until.date().isoformat(),
        "orders": int(len(period)),
        "revenue": c_rev + p_rev,
        "checkout_orders": n_checkout,
        "checkout_revenue": c_rev,
        "checkout_cogs": c_cogs,
        "post_purchase_orders": int(len(post)),
        "post_purchase_revenue": p_rev,
        "post_purchase_cogs": p_cogs,
        "post_purchase_margin": p_rev - p_cogs,
        "post_purchase_discount_cost": discount_cost,
        "post_purchase_share": _div(p_rev, c_rev + p_rev),
        "aov": _div(c_rev, n_checkout),
        "cac": cac,
        "margin_per_order_without": without,
        "post_purchase_margin_per_order": pp_per_order,
        "margin_per_order_with": without + pp_per_order,
        "cost_coverage": _div(float(period["costed_value"].sum()), line_total),
        "rule": ECONOMICS_RULE,
    }
