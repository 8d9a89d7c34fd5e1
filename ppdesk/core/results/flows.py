"""Per flow and ISO week: what the emails were sent to, and what they earned.

Figures (one row per flow and week of sending, plus one total row per flow):

- ``sent``: messages the SMTP server accepted, plus those it rejected for good (5xx);
- ``bounced``: rejected with a 5xx reply, or the address was later suppressed as a
  hard bounce; ``delivered`` = sent - bounced;
- ``conversions``: delivered messages with at least one credited order; ``orders``:
  credited orders (see :mod:`ppdesk.core.results.attribution` for the rule);
- ``conversion_rate`` = conversions / delivered; ``revenue`` = credited orders'
  revenue; ``revenue_per_recipient`` = revenue / delivered; ``aov`` = revenue / orders;
- ``cogs`` / ``margin``: cost of goods of credited orders and revenue - cogs;
  ``discount_cost`` is 0 (the flows carry no discount code);
- ``open_windows``: delivered messages whose attribution window reaches past the
  newest imported order (their figures can still grow with the next import).
"""

from __future__ import annotations

import pandas as pd

from ppdesk.core.results.attribution import email_rule

FLOW_COLUMNS = ["flow", "week", "week_start", "sent", "bounced", "delivered", "conversions",
                "orders", "conversion_rate", "revenue", "revenue_per_recipient", "aov", "cogs",
                "margin", "discount_cost", "open_windows", "rule"]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype("float64")


def _finish(grouped: pd.DataFrame, rule: str) -> pd.DataFrame:
    out = grouped.copy()
    out["conversion_rate"] = _ratio(out["conversions"], out["delivered"])
    out["revenue_per_recipient"] = _ratio(out["revenue"], out["delivered"])
    out["aov"] = _ratio(out["revenue"], out["orders"])
    out["margin"] = out["revenue"] - out["cogs"]
    out["discount_cost"] = 0.0
    out["rule"] = rule
    return out


def flow_figures(messages: pd.DataFrame, orders: pd.DataFrame, credited: pd.DataFrame,
                 days: int, data_end: pd.Timestamp | None) -> pd.DataFrame:
    """Weekly rows per flow followed by a total row per flow (``week`` = "all")."""
    if messages.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    earned = credited.merge(orders[["order_id", "revenue", "cogs"]], on="order_id")
    per_msg = earned.groupby("outbox_id").agg(orders=("order_id", "size"),
                                              revenue=("revenue", "sum"), cogs=("cogs", "sum"))
    m = messages[["outbox_id", "flow", "week", "week_start", "bounced", "delivered",
                  "send_time"]].join(per_msg, on="outbox_id")
    m[["orders", "revenue", "cogs"]] = m[["orders", "revenue", "cogs"]].fillna(0)
    m["converted"] = m["orders"] > 0
    end = data_end if data_end is not None else pd.Timestamp.max
    m["open"] = m["delivered"] & (m["send_time"] + pd.Timedelta(days=days) > end)
    aggs = {"sent": ("outbox_id", "size"), "bounced": ("bounced", "sum"),
            "delivered": ("delivered", "sum"), "conversions": ("converted", "sum"),
            "orders": ("orders", "sum"), "revenue": ("revenue", "sum"),
            "cogs": ("cogs", "sum"), "open_windows": ("open", "sum")}
    weekly = m.groupby(["flow", "week", "week_start"], as_index=False).agg(**aggs)
    total = m.groupby("flow", as_index=False).agg(**aggs)
    total["week"] = "all"
    total["week_start"] = pd.NaT
    rule = email_rule(days)
    out = pd.concat([_finish(weekly, rule), _finish(total, rule)], ignore_index=True)
    for col in ("sent", "bounced", "delivered", "conversions", "orders", "open_windows"):
        out[col] = out[col].astype("int64")
    out["_total"] = out["week"] == "all"
    out = out.sort_values(["flow", "_total", "week"], kind="stable").drop(columns="_total")
    return out[FLOW_COLUMNS].reset_index(drop=True)

