"""Discount tests: which discount level of an L1 offer earns the most, and is it clear yet.

An offer with 2-3 variants (say 15%, 10%, 0%) shows each order one level, chosen by
its order number, so the levels are compared on like-for-like orders. The figure
that decides is **margin per order that saw the offer** (take rate x margin per
order taken): a deeper discount wins only if it lifts the take rate enough to pay
for itself.

The rule, stated in the report:

1. every level needs at least ``MIN_VIEWS`` orders that saw it, else "not enough
   data yet";
2. the *leader* is the level with the highest margin per view;
3. it *wins* when, against every other level, the difference in margin per view is
   significant at 5%: a two-proportion z-test on the take rates, each weighted by its
   level's margin per order taken (with equal margins this is exactly the unpooled
   two-proportion test); otherwise "not enough data yet, leading so far: ...".

The plain two-proportion test of take rates against the leader is reported too.
"""

from __future__ import annotations

import math

import pandas as pd

from ppdesk.core.results import stats
from ppdesk.core.templating import money

MIN_VIEWS = 100
ALPHA = 0.05
TEST_RULE = (f"winner = highest margin per order that saw the offer, once every level has "
             f"{MIN_VIEWS}+ views and its lead over each other level is significant "
             f"(margin-weighted two-proportion z-test, p < {ALPHA})")
TEST_COLUMNS = ["offer_id", "offer", "variant", "discount_percent", "discount_code",
                "orders_saw", "orders_took", "take_rate", "margin", "margin_per_take",
                "margin_per_view", "take_rate_p_vs_leader", "margin_diff_vs_leader",
                "margin_diff_ci_low", "margin_diff_ci_high", "margin_p_vs_leader", "leader",
                "winner", "verdict", "rule"]


def _pct(value: float) -> str:
    return f"{value:g}%"


def discount_tests(offer_rows: pd.DataFrame, currency: str = "USD") -> pd.DataFrame:
    """One row per variant of every offer running two or more levels."""
    totals = offer_rows[(offer_rows["week"] == "all") & offer_rows["variant"].notna()]
    counts = totals.groupby("offer_id")["variant"].transform("size")
    totals = totals[counts >= 2]
    out = []
    for _offer_id, part in totals.groupby("offer_id", sort=True):  # a few offers, not data rows
        part = part.sort_values("variant").copy()
        part["margin_per_take"] = (part["margin"] / part["orders_took"].where(
            part["orders_took"] > 0)).fillna(0.0)
        mpv = part["margin_per_view"].fillna(-math.inf)
        leader = part.loc[mpv.idxmax()]
        p_take, diff, low, high, p_margin = [], [], [], [], []
        for _, row in part.iterrows():  # 2-3 levels
            if row["variant"] == leader["variant"]:
                p_take.append(math.nan)
                diff.append(math.nan)
                low.append(math.nan)
                high.append(math.nan)
                p_margin.append(math.nan)
                continue
            p_take.append(stats.two_proportion_p(int(leader["orders_took"]),
                                                 int(leader["orders_saw"]),
                                                 int(row["orders_took"]), int(row["orders_saw"])))
            iv, p = stats.weighted_rate_diff(
                float(leader["margin_per_take"]), int(leader["orders_took"]),
                int(leader["orders_saw"]), float(row["margin_per_take"]),
                int(row["orders_took"]), int(row["orders_saw"]))
            diff.append(iv.estimate)
            low.append(iv.low)
            high.append(iv.high)
            p_margin.append(p)
        part["take_rate_p_vs_leader"] = p_take
        part["margin_diff_vs_leader"] = diff
        part["margin_diff_ci_low"] = low
        part["margin_diff_ci_high"] = high
        part["margin_p_vs_leader"] = p_margin
        part["leader"] = part["variant"] == leader["variant"]
        enough = bool((part["orders_saw"] >= MIN_VIEWS).all())
        others = part[~part["leader"]]
        clear = bool(((others["margin_p_vs_leader"] < ALPHA)
                      & (others["margin_diff_vs_leader"] > 0)).all())
        level = _pct(float(leader["discount_percent"]))
        mpv_text = money(float(leader["margin_per_view"]), currency) \
            if pd.notna(leader["margin_per_view"]) else "n/a"
        if not enough:
            fewest = int(part["orders_saw"].min())
            verdict = (f"Not enough data yet: the level seen least has {fewest} orders, each "
                       f"needs {MIN_VIEWS}; leading so far: {level} ({mpv_text} margin per view).")
        elif clear:
            verdict = (f"{level} wins: {mpv_text} margin per order that saw the offer, ahead of "
                       f"every other level by more than chance would explain.")
        else:
            verdict = (f"Not enough data yet: {level} leads ({mpv_text} margin per view) but the "
                       f"lead could be chance.")
        part["winner"] = part["leader"] & enough & clear
        part["verdict"] = verdict
        part["rule"] = TEST_RULE
        out.append(part)
    if not out:
        return pd.DataFrame(columns=TEST_COLUMNS)
    result = pd.concat(out, ignore_index=True)
    return result[TEST_COLUMNS]
