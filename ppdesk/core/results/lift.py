"""True lift of each flow, measured against the holdout group.

Groups, per flow (and for "all flows"): *received* = customers with at least one
delivered message of the flow; *holdout* = customers whose would-be message of
the flow was held out (outbox ``holdout = 1``). A customer found in both is left
out of both. Each customer is measured from their first (would-be) send to
``attribution_days`` after their last one; *every* included order they place in
that span counts (not only credited ones: lift compares behaviour, not credit).
Customers whose span reaches past the newest imported order are *pending*: left
out until a later export covers their span.

Figures: conversion (share of customers with an order in their span) and revenue
per customer in each group, the difference, a 95% interval (Newcombe hybrid score
for conversion, Welch for revenue per customer) and a verdict. The verdict says
"not enough data yet" unless each group holds at least ``MIN_GROUP`` customers and
the interval excludes zero.
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.results import stats

MIN_GROUP = 30
ALL_FLOWS = "all flows"
LIFT_RULE = ("customers who received the flow vs the holdout group; each customer's orders "
             "from their first send to {days} days after their last; 95% intervals: Newcombe "
             "(conversion), Welch (revenue per customer); a verdict needs {min_group}+ customers "
             "per group and an interval excluding zero")
LIFT_COLUMNS = ["flow", "received", "holdout", "pending", "received_converted",
                "holdout_converted", "received_rate", "holdout_rate", "rate_diff", "rate_ci_low",
                "rate_ci_high", "rate_p_value", "received_revenue_per_customer",
                "holdout_revenue_per_customer", "revenue_diff", "revenue_ci_low",
                "revenue_ci_high", "significant", "verdict", "rule"]


def customer_outcomes(messages: pd.DataFrame, held: pd.DataFrame, orders: pd.DataFrame,
                      days: int, data_end: pd.Timestamp | None) -> pd.DataFrame:
    """One row per (flow, customer): group, converted, revenue, pending."""
    sent = messages.loc[messages["delivered"], ["flow", "customer_id", "send_time"]]
    sent = sent.assign(group="received")
    hold = held[["flow", "customer_id", "send_time"]].assign(group="holdout")
    both = pd.concat([sent, hold, sent.assign(flow=ALL_FLOWS), hold.assign(flow=ALL_FLOWS)],
                     ignore_index=True).dropna(subset=["send_time"])
    spans = both.groupby(["flow", "customer_id", "group"], as_index=False).agg(
        first=("send_time", "min"), last=("send_time", "max"))
    groups_per_customer = spans.groupby(["flow", "customer_id"])["group"].transform("size")
    spans = spans[groups_per_customer == 1].copy()
    spans["end"] = spans["last"] + pd.Timedelta(days=days)
    end = data_end if data_end is not None else pd.Timestamp.min
    spans["pending"] = spans["end"] > end

    bought = orders.loc[orders["included"] & (orders["customer_id"] >= 0),
                        ["customer_id", "utc", "revenue"]]
    pairs = spans[["flow", "customer_id", "first", "end"]].merge(bought, on="customer_id")
    pairs = pairs[(pairs["utc"] > pairs["first"]) & (pairs["utc"] <= pairs["end"])]
    got = pairs.groupby(["flow", "customer_id"]).agg(orders=("utc", "size"),
                                                     revenue=("revenue", "sum"))
    if got.empty:
        # pandas 3 cannot join on empty Arrow-backed string keys (ArrowInvalid: "cannot
        # construct ChunkedArray from empty vector"): nobody bought, so say so directly.
        out = spans.assign(orders=0, revenue=0.0)
    else:
        out = spans.join(got, on=["flow", "customer_id"])
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    out["converted"] = out["orders"] > 0
    return out.reset_index(drop=True)


def _customers(n: int) -> str:
    return f"{n} customer" if n == 1 else f"{n} customers"


def _verdict(flow: str, n_r: int, n_h: int, rate: stats.Interval,
             revenue: stats.Interval, pending: int = 0) -> tuple[bool, str]:
    name = "All flows together" if flow == ALL_FLOWS else f"The {flow.replace('_', '-')} flow"
    if n_r < MIN_GROUP or n_h < MIN_GROUP:
        # Without the pending count, a merchant who just sent emails reads "0 received".
        waiting = (f" ({pending} more {'waits' if pending == 1 else 'wait'} for a newer export)"
                   if pending else "")
        return False, (f"Not enough data yet: {_customers(n_r)} received it and {n_h} "
                       f"{'was' if n_h == 1 else 'were'} held out{waiting}; each group needs "
                       f"at least {MIN_GROUP}.")
    pts = (f"{rate.estimate * 100:+.1f} points (95% CI {rate.low * 100:+.1f} to "
           f"{rate.high * 100:+.1f})")
    money = (f"{revenue.estimate:+.2f} per customer (95% CI {revenue.low:+.2f} to "
             f"{revenue.high:+.2f})")
    if rate.excludes_zero:
        direction = "raises" if rate.estimate > 0 else "lowers"
        return True, f"{name} {direction} conversion by {pts}; revenue {money}."
    if revenue.excludes_zero:
        direction = "raises" if revenue.estimate > 0 else "lowers"
        return True, f"{name} {direction} revenue by {money}; conversion {pts}."
    return False, (f"Not enough data yet: the difference in conversion, {pts}, and in revenue, "
                   f"{money}, could be chance.")


def lift_table(outcomes: pd.DataFrame, days: int) -> pd.DataFrame:
    """One row per flow (then "all flows") with the lift figures and verdict."""
    rows = []
    rule = LIFT_RULE.format(days=days, min_group=MIN_GROUP)
    flows = sorted(f for f in outcomes["flow"].unique() if f != ALL_FLOWS)
    if len(outcomes):
        flows.append(ALL_FLOWS)
    for flow in flows:  # a handful of flows, not data rows
        part = outcomes[outcomes["flow"] == flow]
        mature = part[~part["pending"]]
        r = mature[mature["group"] == "received"]
        h = mature[mature["group"] == "holdout"]
        n_r, n_h = len(r), len(h)
        x_r, x_h = int(r["converted"].sum()), int(h["converted"].sum())
        rate = stats.newcombe_diff(x_r, n_r, x_h, n_h)
        revenue = stats.welch_diff(r["revenue"].to_numpy(), h["revenue"].to_numpy())
        pending = int(part["pending"].sum())
        significant, verdict = _verdict(flow, n_r, n_h, rate, revenue, pending)
        rows.append({
            "flow": flow, "received": n_r, "holdout": n_h, "pending": pending,
            "received_converted": x_r, "holdout_converted": x_h,
            "received_rate": x_r / n_r if n_r else float("nan"),
            "holdout_rate": x_h / n_h if n_h else float("nan"),
            "rate_diff": rate.estimate, "rate_ci_low": rate.low, "rate_ci_high": rate.high,
            "rate_p_value": stats.two_proportion_p(x_r, n_r, x_h, n_h),
            "received_revenue_per_customer": float(r["revenue"].mean()) if n_r else float("nan"),
            "holdout_revenue_per_customer": float(h["revenue"].mean()) if n_h else float("nan"),
            "revenue_diff": revenue.estimate, "revenue_ci_low": revenue.low,
            "revenue_ci_high": revenue.high, "significant": significant, "verdict": verdict,
            "rule": rule,
        })
    return pd.DataFrame(rows, columns=LIFT_COLUMNS)
