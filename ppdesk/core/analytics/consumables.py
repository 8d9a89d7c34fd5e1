"""Replenishable (consumable) or not: the rule, its reason in words, and the merchant's override.

A product is replenishable when, in the window:

1. enough customers bought it twice to trust its cycle (``min_repeat_customers``),
2. a meaningful share of its customers bought it again
   (``repeat_customers / customers >= consumable_min_repeat_share``, default 15 %), and
3. they reorder at a regular interval: the middle half of the reorder gaps spans
   at most ``consumable_max_spread`` (default 1.0) times the median gap,
   i.e. (p75 - p25) / median <= 1.0.

The merchant can override the rule per product (``products.consumable_override``);
the replenishment flow uses the final ``replenishable`` column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.settings import AnalyticsSettings
from ppdesk.core.store import products as product_queries
from ppdesk.core.store.connection import Store, transaction


def rule_in_words(settings: AnalyticsSettings) -> str:
    """The rule as the help and the GUI show it."""
    return (f"Replenishable when at least {settings.min_repeat_customers} customers bought it "
            f"twice, at least {settings.consumable_min_repeat_share:.0%} of its customers bought "
            f"it again, and the middle half of the reorder gaps spans at most "
            f"{_times(settings.consumable_max_spread)} the usual (median) gap.")


def _times(x: float) -> str:
    return "once" if x == 1 else f"{x:g} times"


def automatic(frame: pd.DataFrame, settings: AnalyticsSettings) -> tuple[np.ndarray, np.ndarray]:
    """The rule's verdict and the spread ((p75 - p25) / median) per timing row."""
    median = frame["median_days_between"].to_numpy(dtype=np.float64)
    spread = np.full(len(frame), np.nan)
    positive = median > 0
    spread[positive] = (frame["p75_days_between"].to_numpy(dtype=np.float64)[positive]
                        - frame["p25_days_between"].to_numpy(dtype=np.float64)[positive]
                        ) / median[positive]
    share = frame["repeat_share"].to_numpy(dtype=np.float64)
    verdict = (frame["enough_data"].to_numpy(dtype=bool)
               & (np.nan_to_num(share) >= settings.consumable_min_repeat_share)
               & (np.nan_to_num(spread, nan=np.inf) <= settings.consumable_max_spread))
    return verdict, spread


def classify(frame: pd.DataFrame, products: pd.DataFrame,
             settings: AnalyticsSettings) -> pd.DataFrame:
    """Add ``replenishable``, ``replenishable_reason`` and ``consumable_override`` columns."""
    verdict, spread = automatic(frame, settings)
    override = _overrides(frame["product_id"], products)
    final = np.where(override.isna().to_numpy(), verdict,
                     override.fillna(0).to_numpy(dtype=np.int64) == 1)
    reasons = []
    rows = zip(frame["customers"].to_numpy(), frame["repeat_customers"].to_numpy(),
               frame["repeat_share"].to_numpy(), frame["median_days_between"].to_numpy(),
               frame["p25_days_between"].to_numpy(), frame["p75_days_between"].to_numpy(),
               spread, verdict, override.to_numpy(dtype=object), strict=True)
    for customers, repeat, share, median, p25, p75, spr, auto, manual in rows:
        why = _reason(int(customers), int(repeat), share, median, p25, p75, spr, bool(auto),
                      settings)
        if manual is not None and not pd.isna(manual):
            mark = "replenishable" if int(manual) == 1 else "not replenishable"
            why = f"Marked {mark} by you (the automatic rule says: {why[0].lower()}{why[1:]})"
        reasons.append(why)
    out = frame.copy()
    out["replenishable"] = final.astype(bool)
    out["replenishable_reason"] = reasons
    out["consumable_override"] = pd.array(
        [None if m is None or pd.isna(m) else bool(int(m)) for m in override], dtype="boolean")
    return out


def _overrides(product_ids: pd.Series, products: pd.DataFrame) -> pd.Series:
    if "consumable_override" not in products.columns or products.empty:
        return pd.Series([None] * len(product_ids), dtype=object)
    lookup = pd.Series(products["consumable_override"].to_numpy(dtype=object),
                       index=products["product_id"].to_numpy(dtype=np.int64))
    lookup = lookup[~lookup.index.duplicated()]
    values = lookup.reindex(product_ids.to_numpy(dtype=np.int64)).to_numpy(dtype=object)
    return pd.Series([None if v is None or pd.isna(v) else int(v) for v in values], dtype=object)


def _reason(customers: int, repeat: int, share: float, median: float, p25: float, p75: float,
            spread: float, auto: bool, settings: AnalyticsSettings) -> str:
    need = settings.min_repeat_customers
    if repeat < need:
        return (f"Not enough data: {repeat} of {customers} customers bought it twice "
                f"(needs {need}).")
    bought_again = (f"{share:.0%} of its {customers} customers bought it again "
                    f"(rule: at least {settings.consumable_min_repeat_share:.0%})")
    cycle = (f"half of the reorders come {p25:g}-{p75:g} days apart, around a typical "
             f"{median:g} days (that range is {spread:.1f} times the typical gap; regular "
             f"means at most {_times(settings.consumable_max_spread)} that gap)")
    if auto:
        return f"Replenishable: {bought_again}, and {cycle}."
    if share < settings.consumable_min_repeat_share:
        return f"Not replenishable: only {bought_again}."
    return f"Not replenishable: reorders are irregular; {cycle}."


def set_override(store: Store, product_key: str, value: bool | None) -> None:
    """Mark a product replenishable (True), not (False), or back to automatic (None)."""
    conn = store.connect()
    try:
        with transaction(conn):
            found = product_queries.set_consumable_override(conn, product_key, value)
    finally:
        conn.close()
    if not found:
        raise InputError(f"no product with the key '{product_key}' in this store")
