"""Substitutes: products bought instead of each other, which must not be sold as complements.

Two products (at the analysis level) are flagged as substitutes when

- they share the catalogue's product type or category (case-blind; unknown until a
  catalogue is imported, so nothing is flagged before that), and
- customers buy them instead of each other more than with each other: at least
  ``min_together`` customers bought both but not in one order, and more customers did
  that than there are orders holding both.

"Bought both but not in one order" is counted from below: customers who bought both
at any time, minus the orders holding both (each such order has one customer), so a
flagged pair is one where at least that many customers switched.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ppdesk.core.analytics.dataset import GUEST, Basket, dense_codes
from ppdesk.core.analytics.pairs import co_occurrences

COLUMNS = ["product_a", "product_b", "name_a", "name_b", "shared", "orders_together",
           "customers_both", "customers_apart"]


def _folded(values: pd.Series) -> np.ndarray:
    text = values.where(values.notna(), "").astype(str).str.strip().str.casefold()
    return text.to_numpy(dtype=object)


def find(basket: Basket, types: pd.DataFrame, min_together: int) -> pd.DataFrame:
    """The substitute pairs of ``basket`` (``types``: ``product_type, category`` per code)."""
    kind = _folded(types["product_type"]) if len(types) else np.zeros(0, dtype=object)
    cat = _folded(types["category"]) if len(types) else np.zeros(0, dtype=object)
    typed = np.flatnonzero((kind != "") | (cat != ""))
    empty = pd.DataFrame({c: [] for c in COLUMNS})
    if len(typed) < 2 or basket.n_orders == 0:
        return empty
    keep = np.isin(basket.product, typed) & (basket.customer != GUEST)
    col_code = np.searchsorted(typed, basket.product[keep])
    cust, _ = dense_codes(basket.customer[keep])
    n_typed = len(typed)
    a, b, customers, _ = co_occurrences(cust, col_code, n_typed)
    inc = np.isin(basket.product, typed)
    ta, tb, together, _ = co_occurrences(basket.order[inc],
                                      np.searchsorted(typed, basket.product[inc]), n_typed)
    # Orders holding both, looked up per customer pair (guest orders may add pairs
    # no customer holds; those are not looked up). Both code lists are sorted.
    code, together_code = a * n_typed + b, ta * n_typed + tb
    k = np.zeros(len(code), dtype=np.int64)
    if len(together_code):
        at = np.minimum(np.searchsorted(together_code, code), len(together_code) - 1)
        found = together_code[at] == code
        k[found] = together[at[found]]
    apart = customers - k
    ga, gb = typed[a], typed[b]
    same_type = (kind[ga] != "") & (kind[ga] == kind[gb])
    same_cat = (cat[ga] != "") & (cat[ga] == cat[gb])
    flag = (same_type | same_cat) & (apart >= max(int(min_together), 1)) & (apart > k)
    if not flag.any():
        return empty
    meta = basket.products
    keys = meta["product_key"].to_numpy(dtype=object)
    names = meta["name"].to_numpy(dtype=object)
    ga, gb = ga[flag], gb[flag]
    shared = np.where(same_type[flag], "type " + kind[ga].astype(str),
                      "category " + cat[ga].astype(str))
    return pd.DataFrame({"product_a": keys[ga], "product_b": keys[gb], "name_a": names[ga],
                         "name_b": names[gb], "shared": shared, "orders_together": k[flag],
                         "customers_both": customers[flag], "customers_apart": apart[flag]})
