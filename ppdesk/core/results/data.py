"""The inputs of the results report, read once and put on one clock.

``load_inputs(store)`` returns :class:`Inputs`: the messages (outbox rows that
were sent, bounced or held out), the orders with their revenue, cost of goods
and UTC time, the order lines, and the offers' variants. Everything later is
vectorised pandas on these frames.

Clocks: ``outbox.sent_at``/``due_at`` are UTC; orders carry the local time as
exported, plus the UTC offset when the export wrote one (Shopify does). Orders
without an offset are read in the store's time zone (``StoreProfile.time_zone``).
All times below are naive UTC.

Order revenue is ``orders.total`` (what the customer paid, after discounts)
and, when an export has no total, the sum of quantity x unit price of its lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ppdesk.core.local_time import in_store_zone
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store import results_queries as q
from ppdesk.core.store.lines import load_lines, load_products

# A permanent SMTP rejection: a 5xx reply code (or 5.x.x enhanced status) in the failure text.
_PERMANENT = re.compile(r"(?<![\d.])5\d\d(?!\d)|(?<![\d.])5\.\d{1,3}\.\d{1,3}")


@dataclass
class Inputs:
    """Everything the report reads (see module doc for the clocks)."""

    settings: Settings
    messages: pd.DataFrame   # outbox rows attempted: send_time, sent, bounced, delivered, week
    held: pd.DataFrame       # holdout rows (would-be messages): customer_id, flow, send_time
    orders: pd.DataFrame     # every order: order_id, customer_id, utc, revenue, cogs, included
    lines: pd.DataFrame      # lines frame (store.lines) plus line_value and line_cost
    variants: pd.DataFrame   # offer variants with offer/product columns
    data_end: pd.Timestamp | None  # UTC time of the newest imported order
    # offer_id, paused_at, resumed_at (naive UTC; resumed_at NaT while paused)
    pauses: pd.DataFrame | None = None


def iso_week(times: pd.Series) -> pd.Series:
    """``2026-W07`` labels of the ISO week of each timestamp."""
    cal = times.dt.isocalendar()
    return cal["year"].astype(str) + "-W" + cal["week"].astype(str).str.zfill(2)


def week_start(times: pd.Series) -> pd.Series:
    """Monday (midnight) of each timestamp's ISO week."""
    days = times.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def _utc_naive(text: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    return parsed.dt.tz_convert("UTC").dt.tz_localize(None)


def orders_utc(local: pd.Series, offset_min: pd.Series, time_zone: str) -> pd.Series:
    """UTC time of each order from its local time and offset (store time zone if none)."""
    utc = local - pd.to_timedelta(offset_min, unit="m")
    missing = offset_min.isna() & local.notna()
    if missing.any():
        try:
            zoned = local[missing].dt.tz_localize(
                time_zone, ambiguous=np.zeros(int(missing.sum()), dtype=bool),
                nonexistent="shift_forward")
            utc.loc[missing] = zoned.dt.tz_convert("UTC").dt.tz_localize(None)
        except (KeyError, ValueError):  # unknown zone name in settings: read as UTC
            utc.loc[missing] = local[missing]
    return utc


def _messages(outbox: pd.DataFrame, bounces: pd.DataFrame,
              time_zone: str = "UTC") -> tuple[pd.DataFrame, pd.DataFrame]:
    held = outbox[outbox["holdout"]].copy()
    held["send_time"] = _utc_naive(held["due_at"])
    held = held[["outbox_id", "flow", "customer_id", "send_time"]]

    msgs = outbox[~outbox["holdout"]].copy()
    sent_at = _utc_naive(msgs["sent_at"])
    failure = msgs["failure_detail"].str.cat(msgs["reason"], sep=" ")
    smtp_bounce = (msgs["state"] == "failed") & failure.str.contains(_PERMANENT)
    msgs["send_time"] = sent_at.fillna(_utc_naive(msgs["due_at"]))
    msgs["sent"] = ((msgs["state"] == "sent") & sent_at.notna()) | smtp_bounce
    # A hard-bounce suppression recorded at or after the send means the message bounced.
    async_bounce = pd.Series(False, index=msgs.index)
    if len(bounces) and len(msgs):
        email = msgs["email"].str.strip().str.lower()
        bounce_at = pd.Series(_utc_naive(bounces["created_at"]).to_numpy(),
                              index=bounces["email"].str.strip().str.lower())
        bounce_at = bounce_at[~bounce_at.index.duplicated()]
        later_bounce = pd.to_datetime(email.map(bounce_at))
        async_bounce = msgs["sent"] & later_bounce.notna() & (later_bounce >= msgs["send_time"])
    msgs["bounced"] = smtp_bounce | async_bounce
    msgs["delivered"] = msgs["sent"] & ~msgs["bounced"]
    msgs = msgs[msgs["sent"]].copy()
    # the week the merchant saw the email go out (store's zone), as orders use their local
    # date: a Sunday-evening send in New York is Monday in UTC, and belongs to Sunday's week
    local = in_store_zone(msgs["send_time"], time_zone)
    msgs["week"] = iso_week(local)
    msgs["week_start"] = week_start(local)
    return msgs.reset_index(drop=True), held.reset_index(drop=True)


def load_inputs(store: Store, settings: Settings | None = None) -> Inputs:
    """Read outbox, suppressions, orders, lines, products and offers into :class:`Inputs`."""
    settings = settings or load_settings(store)
    conn = store.connect()
    try:
        outbox = q.load_outbox(conn)
        bounces = q.load_hard_bounces(conn)
        variants = q.load_offer_variants(conn)
        pauses = q.load_offer_pauses(conn)
    finally:
        conn.close()
    orders = q.load_orders_cached(store)
    lines = load_lines(store)
    products = load_products(store)

    cost = pd.Series(products["unit_cost"].astype("float64").to_numpy(),
                     index=products["product_id"].to_numpy())
    lines = lines[lines["quantity"] > 0].copy()
    lines["unit_cost"] = lines["product_id"].map(cost)
    lines["line_value"] = lines["quantity"] * lines["unit_price"]
    lines["line_cost"] = lines["quantity"] * lines["unit_cost"]
    lines["costed_value"] = lines["line_value"].where(lines["unit_cost"].notna(), 0.0)

    per_order = lines.groupby("order_id").agg(
        line_total=("line_value", "sum"), cogs=("line_cost", "sum"),
        costed_value=("costed_value", "sum"))
    orders = orders.join(per_order, on="order_id")
    orders["revenue"] = orders["total"].fillna(orders["line_total"]).fillna(0.0)
    for col in ("line_total", "cogs", "costed_value"):
        orders[col] = orders[col].fillna(0.0)
    local = pd.to_datetime(orders["local_s"], unit="s")
    orders["utc"] = orders_utc(local, orders["utc_offset_min"], settings.store.time_zone)
    orders["order_date"] = pd.to_datetime(orders["date_s"], unit="s")
    orders["week"] = iso_week(orders["order_date"])
    orders["week_start"] = week_start(orders["order_date"])
    data_end = orders["utc"].max() if len(orders) else None

    messages, held = _messages(outbox, bounces, settings.store.time_zone)
    variants["live_since"] = pd.to_datetime(variants["live_since"], format="%Y-%m-%d",
                                            errors="coerce")
    variants["code_key"] = variants["discount_code"].str.strip().str.upper()
    for col in ("paused_at", "resumed_at"):
        pauses[col] = _utc_naive(pauses[col])
    return Inputs(settings, messages, held, orders, lines, variants,
                  None if data_end is None or pd.isna(data_end) else data_end, pauses)
