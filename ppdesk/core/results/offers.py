"""L1 thank-you offers: who saw each one, who took it, what it earned and cost.

- ``orders_saw``: included orders holding the offer's trigger product, placed on or
  after the day the offer went live (``live_since``, else the day it was created);
  orders placed while the offer was paused (``offer_pauses``) did not see it;
  each is assigned to a discount variant by ``offers.variants.variant_for_order``
  (order number digits mod the number of variants), computed here digit by digit
  for the whole column at once;
- ``orders_took``: included orders using the variant's code (attribution rule);
- ``take_rate`` = took / saw; ``revenue`` = took orders' revenue (after discount);
  ``aov`` = revenue / took;
- ``discount_cost`` = the variant's percent x the list value of the complement
  product in each order that took the offer (the whole order's line value when the
  code was used without the complement);
- ``cogs``, ``margin`` = revenue - cogs, ``margin_per_view`` = margin / saw (what one
  more order seeing the offer is worth: the figure discount tests compare).

Weeks: views count in the week of the order that saw the offer, takes in the week
the code was used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ppdesk.core.results.attribution import OFFER_RULE

OFFER_COLUMNS = ["offer_id", "offer", "trigger", "complement", "variant", "discount_percent",
                 "discount_code", "week", "week_start", "orders_saw", "orders_took",
                 "take_rate", "revenue", "aov", "discount_cost", "cogs", "margin",
                 "margin_per_view", "rule"]


def variant_positions(order_numbers: pd.Series, counts: np.ndarray) -> np.ndarray:
    """Vectorised ``variant_for_order``: int(digits of each order number) mod its count."""
    counts = np.asarray(counts, dtype=np.int64)
    n = len(order_numbers)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    digits = order_numbers.astype(str).str.replace(r"[^0-9]", "", regex=True)
    width = int(digits.str.len().max())
    out = np.zeros(n, dtype=np.int64)
    if width == 0:
        return out
    padded = digits.str.zfill(width)  # leading zeros do not change the value
    grid = np.frombuffer("".join(padded).encode("ascii"), dtype=np.uint8).reshape(n, width)
    safe = np.maximum(counts, 1)
    for j in range(width):  # Horner over digit positions, never over rows
        out = (out * 10 + (grid[:, j].astype(np.int64) - 48)) % safe
    return np.where(counts <= 1, 0, out)


def _not_paused(seen: pd.DataFrame, pauses: pd.DataFrame | None) -> pd.DataFrame:
    """``seen`` less the orders placed (UTC) while their offer was paused."""
    if pauses is None or pauses.empty or seen.empty:
        return seen
    hit = seen[["offer_id", "utc"]].reset_index().merge(pauses, on="offer_id")
    inside = (hit["utc"] >= hit["paused_at"]) & (hit["resumed_at"].isna()
                                                  | (hit["utc"] < hit["resumed_at"]))
    return seen.drop(index=hit.loc[inside, "index"].unique())


def _views(variants: pd.DataFrame, orders: pd.DataFrame, lines: pd.DataFrame,
           pauses: pd.DataFrame | None = None) -> pd.DataFrame:
    offers = variants.drop_duplicates("offer_id")[["offer_id", "trigger_product_id",
                                                   "live_since", "variant_count"]]
    held = lines.loc[lines["included"], ["order_id", "product_id"]].drop_duplicates()
    seen = held.merge(offers, left_on="product_id", right_on="trigger_product_id")
    seen = seen.merge(orders[["order_id", "store_order_id", "order_date", "utc", "week",
                              "week_start"]], on="order_id")
    seen = seen[seen["live_since"].notna() & (seen["order_date"] >= seen["live_since"])].copy()
    seen = _not_paused(seen, pauses)
    seen["variant"] = variant_positions(seen["store_order_id"], seen["variant_count"].to_numpy())
    return seen[["offer_id", "variant", "order_id", "week", "week_start"]]


def _takes(variants: pd.DataFrame, orders: pd.DataFrame, lines: pd.DataFrame,
           credited: pd.DataFrame) -> pd.DataFrame:
    took = credited.rename(columns={"position": "variant"}).merge(
        orders[["order_id", "revenue", "cogs", "line_total", "week", "week_start"]],
        on="order_id")
    took = took.merge(variants[["offer_id", "position", "discount_percent",
                                "complement_product_id"]],
                      left_on=["offer_id", "variant"], right_on=["offer_id", "position"])
    comp = lines[["order_id", "product_id", "line_value"]].merge(
        took[["order_id", "complement_product_id"]],
        left_on=["order_id", "product_id"], right_on=["order_id", "complement_product_id"])
    comp_value = comp.groupby("order_id")["line_value"].sum()
    base = took["order_id"].map(comp_value)
    base = base.where(base.notna() & (base > 0), took["line_total"]).fillna(0.0)
    took["discount_cost"] = took["discount_percent"] / 100.0 * base
    return took[["offer_id", "variant", "order_id", "week", "week_start", "revenue", "cogs",
                 "discount_cost"]]


def _figures(views: pd.DataFrame, takes: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    saw = views.groupby(keys).size().rename("orders_saw")
    took = takes.groupby(keys).agg(orders_took=("order_id", "size"), revenue=("revenue", "sum"),
                                   cogs=("cogs", "sum"), discount_cost=("discount_cost", "sum"))
    out = pd.concat([saw, took], axis=1).reset_index()
    for col in ("orders_saw", "orders_took"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("revenue", "cogs", "discount_cost"):
        out[col] = out[col].fillna(0.0)
    return out


def offer_figures(variants: pd.DataFrame, orders: pd.DataFrame, lines: pd.DataFrame,
                  credited: pd.DataFrame, *, pauses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows per offer, variant and week; then per variant (week "all"); then per offer."""
    if variants.empty:
        return pd.DataFrame(columns=OFFER_COLUMNS)
    views = _views(variants, orders, lines, pauses)
    takes = _takes(variants, orders, lines, credited)
    weekly = _figures(views, takes, ["offer_id", "variant", "week"])
    starts = pd.concat([views[["week", "week_start"]], takes[["week", "week_start"]]])
    weekly = weekly.merge(starts.drop_duplicates("week"), on="week", how="left")
    per_variant = _figures(views, takes, ["offer_id", "variant"]).assign(week="all")
    # every variant gets a total row, also one nobody has seen yet
    per_variant = variants[["offer_id", "position"]].rename(columns={"position": "variant"}).merge(
        per_variant, on=["offer_id", "variant"], how="left")
    per_variant["week"] = "all"
    per_offer = _figures(views, takes, ["offer_id"]).assign(week="all")
    per_offer = variants[["offer_id"]].drop_duplicates().merge(per_offer, on="offer_id",
                                                               how="left")
    per_offer["week"] = "all"
    out = pd.concat([weekly, per_variant, per_offer], ignore_index=True)
    for col in ("orders_saw", "orders_took"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("revenue", "cogs", "discount_cost"):
        out[col] = out[col].fillna(0.0)
    out["variant"] = out["variant"].astype("Int64")
    info = variants.drop_duplicates("offer_id").set_index("offer_id")
    out["trigger"] = out["offer_id"].map(info["trigger_key"])
    out["complement"] = out["offer_id"].map(info["complement_key"])
    out["offer"] = (out["offer_id"].map(info["trigger_name"]) + " -> "
                    + out["offer_id"].map(info["complement_name"]))
    vinfo = variants.set_index(["offer_id", "position"])
    key = pd.MultiIndex.from_arrays([out["offer_id"], out["variant"].fillna(-1).astype("int64")])
    out["discount_percent"] = vinfo["discount_percent"].reindex(key).to_numpy()
    out["discount_code"] = vinfo["discount_code"].reindex(key).fillna("").to_numpy()
    out["take_rate"] = (out["orders_took"] / out["orders_saw"].where(out["orders_saw"] > 0))
    out["aov"] = out["revenue"] / out["orders_took"].where(out["orders_took"] > 0)
    out["margin"] = out["revenue"] - out["cogs"]
    out["margin_per_view"] = out["margin"] / out["orders_saw"].where(out["orders_saw"] > 0)
    out["rule"] = OFFER_RULE
    out["_order"] = np.select([out["variant"].isna().to_numpy(), (out["week"] == "all").to_numpy()],
                              [2, 1], 0)
    out = out.sort_values(["offer_id", "_order", "variant", "week"], kind="stable")
    return out[OFFER_COLUMNS].reset_index(drop=True)
