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

import numpy as np
import pandas as pd

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
    prod, after = product[follows], np.r_[gap[1:], np.nan][follows]
    big = units[follows] >= 2
    out = pd.DataFrame({"typical_units": np.full(n_products, np.nan),
                        "gaps_after_one": np.zeros(n_products, dtype=np.int64),
                        "gaps_after_more": np.zeros(n_products, dtype=np.int64),
                        "quantity_p_value": np.full(n_products, np.nan),
                        "quantity_scaled": np.zeros(n_products, dtype=bool)})
    if len(prod) == 0:
        return out
    frame = pd.DataFrame({"product": prod, "gap": after, "big": big, "units": units[follows]})
    typical = frame.groupby("product")["units"].median()
    out.loc[typical.index, "typical_units"] = typical.to_numpy()
    n2 = np.bincount(prod[big], minlength=n_products)
    n1 = np.bincount(prod[~big], minlength=n_products)
    out["gaps_after_one"], out["gaps_after_more"] = n1, n2
    frame["rank"] = frame.groupby("product")["gap"].rank(method="average")
    r2 = np.bincount(prod[big], weights=frame["rank"].to_numpy()[big], minlength=n_products)
    ties = frame.groupby(["product", "gap"]).size()
    t = ties.to_numpy(dtype=np.float64)
    tie_sum = np.bincount(ties.index.get_level_values(0).to_numpy(dtype=np.int64),
                          weights=t ** 3 - t, minlength=n_products)
    n = (n1 + n2).astype(np.float64)
    u2 = r2 - n2 * (n2 + 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        var = n1 * n2 / 12.0 * ((n + 1) - tie_sum / (n * (n - 1)))
        z = (u2 - n1 * n2 / 2.0 - 0.5) / np.sqrt(var)
    from scipy.special import ndtr  # the normal tail; scipy.special is already loaded

    p = np.where(var > 0, 1.0 - ndtr(z), np.nan)
    med1 = frame[~frame["big"]].groupby("product")["gap"].median() \
        .reindex(range(n_products)).to_numpy()
    med2 = frame[frame["big"]].groupby("product")["gap"].median() \
        .reindex(range(n_products)).to_numpy()
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
    """The reminder's quantity rule for one product, in plain words with the figures."""
    if scaled:
        return (f"Larger purchases last longer here (after 2+ units customers waited longer "
                f"than after 1; {n_more} vs {n_one} gaps, p = {p_value:.3f}), so the reminder "
                f"waits in proportion to the units bought (the usual purchase is "
                f"{typical_units:g} unit{'s' if typical_units != 1 else ''}).")
    if n_one >= MIN_GAPS and n_more >= MIN_GAPS:
        return ("Buying more units does not clearly make customers wait longer "
                f"({n_more} vs {n_one} gaps, p = {p_value:.2f}), so the reminder is the "
                "same whatever the quantity.")
    return (f"Too few reorders after multi-unit purchases to tell whether larger purchases "
            f"last longer (needs {MIN_GAPS} after 1 unit and {MIN_GAPS} after 2+), so the "
            "reminder is the same whatever the quantity.")
