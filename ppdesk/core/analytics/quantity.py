"""Do larger purchases last longer? The quantity test behind quantity-aware reminders.

For every product, the gaps that follow a purchase occasion of one unit are compared
with the gaps that follow an occasion of two units or more, with a one-sided
Mann-Whitney U test (normal approximation with the tie correction; rank-based, so
it assumes no shape of the gaps). A product's reminder scales with the units bought
only when both groups have at least ``MIN_GAPS`` gaps, the larger purchases' gaps
are longer (higher median) and p <= ``MAX_P``. Then the reminder after ``u`` units
is the trigger day x u / the usual units per purchase (the median), capped at
``MAX_FACTOR`` times; otherwise quantity does not change the reminder.

All products are tested at once: ranks come from one grouped rank, sums from
grouped sums; no loop per product.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ppdesk.core.analytics.stats import group_quantiles, group_starts

MIN_GAPS = 5
MAX_P = 0.05
MAX_FACTOR = 6.0

QUANTITY_COLUMNS = ["typical_units", "gaps_after_one", "gaps_after_more", "quantity_p_value",
                    "quantity_scaled"]


def quantity_effect(occ: pd.DataFrame, units: np.ndarray, n_products: int) -> pd.DataFrame:
    """Per product code: typical units, group sizes, the test's p-value and the verdict.

    ``occ`` are the purchase occasions (sorted by product, customer, day) and ``units``
    the units bought on each.
    """
    product = occ["product"].to_numpy(dtype=np.int64)
    occasion = occ["occasion"].to_numpy()
    gap = occ["gap"].to_numpy()
    # The gap that FOLLOWS occasion i is row i+1's gap when row i+1 continues the series.
    follows = np.r_[occasion[1:] > 0, False] if len(occ) else np.zeros(0, dtype=bool)
    prod = product[follows]
    after = np.r_[gap[1:], np.nan][follows].astype(np.int64) if len(occ) else product
    bought = units[follows]
    big = bought >= 2
    out = pd.DataFrame({"typical_units": np.full(n_products, np.nan),
                        "gaps_after_one": np.zeros(n_products, dtype=np.int64),
                        "gaps_after_more": np.zeros(n_products, dtype=np.int64),
                        "quantity_p_value": np.full(n_products, np.nan),
                        "quantity_scaled": np.zeros(n_products, dtype=bool)})
    if len(prod) == 0:
        return out
    (out["typical_units"],) = group_quantiles(prod, bought, n_products, (0.5,))
    n2 = np.bincount(prod[big], minlength=n_products)
    n1 = np.bincount(prod[~big], minlength=n_products)
    out["gaps_after_one"], out["gaps_after_more"] = n1, n2
    # Ranks within product, ties averaged: one sort of a packed (product, gap) key.
    span = int(after.max() - after.min()) + 1
    key = prod * span + (after - after.min())
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run = group_starts(sorted_key)
    run_id = np.cumsum(run) - 1
    run_start = np.flatnonzero(run)
    run_len = np.diff(np.r_[run_start, len(key)])
    product_start = np.searchsorted(prod[order], np.arange(n_products))
    # Average of positions run_start..run_start+len-1, counted from the product's start.
    base = run_start - product_start[prod[order][run_start]]
    avg_rank = base + (run_len + 1) / 2.0
    rank = np.empty(len(key))
    rank[order] = avg_rank[run_id]
    r2 = np.bincount(prod[big], weights=rank[big], minlength=n_products)
    t = run_len.astype(np.float64)
    tie_sum = np.bincount(prod[order][run_start], weights=t ** 3 - t, minlength=n_products)
    n = (n1 + n2).astype(np.float64)
    u2 = r2 - n2 * (n2 + 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        var = n1 * n2 / 12.0 * ((n + 1) - tie_sum / (n * (n - 1)))
        z = (u2 - n1 * n2 / 2.0 - 0.5) / np.sqrt(var)
    # The normal upper tail, 1 - Phi(z) = erfc(z / sqrt 2) / 2, from the standard
    # library: one value per product (not per line), and scipy.special would cost
    # ~0.15-0.3 s of the timing command's start-up for this one function.
    erfc = np.frompyfunc(math.erfc, 1, 1)
    tail = np.asarray(erfc(np.where(var > 0, z, 0.0) / math.sqrt(2.0)), dtype=np.float64)
    p = np.where(var > 0, 0.5 * tail, np.nan)
    (med1,) = group_quantiles(prod[~big], after[~big].astype(np.float64), n_products, (0.5,))
    (med2,) = group_quantiles(prod[big], after[big].astype(np.float64), n_products, (0.5,))
    enough = (n1 >= MIN_GAPS) & (n2 >= MIN_GAPS)
    out["quantity_p_value"] = np.where(enough, p, np.nan)
    with np.errstate(invalid="ignore"):
        out["quantity_scaled"] = enough & (p <= MAX_P) & (med2 > med1)
    return out


def scale_factor(units: np.ndarray, typical_units: np.ndarray, scaled: np.ndarray) -> np.ndarray:
    """How much longer the reminder waits after buying ``units`` (1 where quantity does not
    matter): units / typical units, between 1/MAX_FACTOR and MAX_FACTOR."""
    units = np.asarray(units, dtype=np.float64)
    typical = np.where(np.asarray(typical_units, dtype=np.float64) > 0, typical_units, 1.0)
    factor = np.clip(units / typical, 1.0 / MAX_FACTOR, MAX_FACTOR)
    return np.where(np.asarray(scaled, dtype=bool) & np.isfinite(factor), factor, 1.0)


def rule_in_words(scaled: bool, typical_units: float, p_value: float, n_one: int,
                  n_more: int) -> str:
    """The reminder's quantity rule for one product, in plain words with the figures
    (``p_value`` decided ``scaled``; a merchant reads "could be chance", not the number)."""
    if scaled:
        return (f"Larger purchases last longer here (customers waited longer after buying "
                f"2+ units, seen in {n_more} reorders, than after 1 unit, seen in {n_one}; "
                "a difference too clear to be chance), so the reminder "
                f"waits in proportion to the units bought (the usual purchase is "
                f"{typical_units:g} unit{'s' if typical_units != 1 else ''}).")
    if n_one >= MIN_GAPS and n_more >= MIN_GAPS:
        return ("Buying more units does not clearly make customers wait longer "
                f"({n_more} reorders after 2+ units, {n_one} after 1 unit; the difference "
                "could be chance), so the "
                "reminder is the "
                "same whatever the quantity.")
    return (f"Too few reorders after multi-unit purchases to tell whether larger purchases "
            f"last longer (needs {MIN_GAPS} after 1 unit and {MIN_GAPS} after 2+), so the "
            "reminder is the same whatever the quantity.")
