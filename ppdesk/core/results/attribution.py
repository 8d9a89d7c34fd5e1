"""Which later orders each offer and each email earned: the attribution rules, in one place.

Rules (the report prints them next to every figure):

- **Offer (L1)**: an included order is credited to an offer when its discount
  code field holds one of the offer's variant codes (case-insensitive; Shopify
  joins several codes with ", "). An order holding codes of two offers is
  credited once, to the first code written in the field.
- **Email**: an included order is credited to an email when the same customer
  places it after the email was sent and at most ``attribution_days`` days later
  (``sent < order time <= sent + N days``: an order exactly N days later still
  counts, one placed before or at the send does not). Only delivered emails
  (sent and not bounced) earn orders.
- **One owner per order**: an order credited to an offer code is not also
  credited to an email (the code is direct evidence); among emails, the order
  goes to the latest email sent before it (last touch), so revenue is never
  counted twice.
"""

from __future__ import annotations

import pandas as pd

OFFER_RULE = ("orders whose discount code is this offer's (variant's) code; an order with "
              "codes of two offers counts once, for the first code")
EMAIL_RULE = ("orders by the same customer after the email was sent and at most {days} days "
              "later (delivered emails only); an order within reach of two emails counts once, "
              "for the last one sent before it; orders using an offer code count for the offer")


def email_rule(days: int) -> str:
    return EMAIL_RULE.format(days=days)


def offer_orders(orders: pd.DataFrame, variants: pd.DataFrame) -> pd.DataFrame:
    """Included orders using an offer code: order_id, offer_id, position (one row per order).

    ``orders`` is the orders frame of :class:`~ppdesk.core.results.data.Inputs`.
    """
    empty = pd.DataFrame({"order_id": pd.Series(dtype="int64"),
                          "offer_id": pd.Series(dtype="int64"),
                          "position": pd.Series(dtype="int64")})
    if variants.empty:
        return empty
    used = orders.loc[orders["included"] & (orders["discount_code"] != ""),
                      ["order_id", "discount_code"]]
    codes = used.assign(code=used["discount_code"].str.split(",")).explode("code")
    codes["code_key"] = codes["code"].str.strip().str.upper()
    codes["rank"] = codes.groupby("order_id").cumcount()
    hits = codes.merge(variants[["code_key", "offer_id", "position"]], on="code_key")
    if hits.empty:
        return empty
    hits = hits.sort_values(["order_id", "rank"]).drop_duplicates("order_id")
    return hits[["order_id", "offer_id", "position"]].reset_index(drop=True)


def email_orders(messages: pd.DataFrame, orders: pd.DataFrame, days: int,
                 claimed: pd.Series | None = None) -> pd.DataFrame:
    """Last-touch email attribution: order_id, outbox_id, flow for each credited order.

    Args:
        messages: the messages frame (``delivered`` rows are used).
        orders: the orders frame.
        days: the attribution window in days.
        claimed: order ids already credited to an offer code (left out).
    """
    delivered = messages.loc[messages["delivered"], ["outbox_id", "flow", "customer_id",
                                                     "send_time"]]
    candidates = orders.loc[orders["included"] & (orders["customer_id"] >= 0)
                            & orders["utc"].notna(), ["order_id", "customer_id", "utc"]]
    if claimed is not None and len(claimed):
        candidates = candidates[~candidates["order_id"].isin(claimed)]
    if delivered.empty or candidates.empty:
        return pd.DataFrame({"order_id": pd.Series(dtype="int64"),
                             "outbox_id": pd.Series(dtype="int64"),
                             "flow": pd.Series(dtype=str)})
    # merge_asof finds, per order, the latest message strictly before it (last touch);
    # ties on the send time go to the higher outbox id (the later planned message).
    left = candidates.sort_values("utc")
    right = delivered.sort_values(["send_time", "outbox_id"])
    matched = pd.merge_asof(left, right, left_on="utc", right_on="send_time",
                            by="customer_id", direction="backward", allow_exact_matches=False)
    window = pd.Timedelta(days=days)
    ok = matched["send_time"].notna() & (matched["utc"] - matched["send_time"] <= window)
    out = matched.loc[ok, ["order_id", "outbox_id", "flow"]].copy()
    out["outbox_id"] = out["outbox_id"].astype("int64")
    return out.sort_values("order_id").reset_index(drop=True)
