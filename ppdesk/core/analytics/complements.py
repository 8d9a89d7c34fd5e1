"""The best complements of a product or of a whole basket, with the evidence in plain words.

Two kinds of evidence, both guarded against flukes the same way (see ``pairs``):

- same order: among the window's included orders holding any basket product, how
  many also hold the candidate (``orders_together``), compared with chance by the
  one-sided hypergeometric test; a single product is the ordinary pair.
- sequential: among customers who bought a basket product and came back later,
  how many bought the candidate afterwards (``customers_a_then_b``); for a basket,
  the basket product giving the strongest evidence counts.

A candidate qualifies when it is not in the basket (nor ``exclude_keys``), was seen
at least ``min_orders_together`` times, sells more often than chance (lift > 1)
and its p-value is at most ``max_p_value``. Candidates are ranked by p-value (the
strongest evidence first), then by the count and confidence; each candidate
keeps its stronger kind of evidence as ``source``.

The encoded data is cached per store and data version, so flows can call this
once per customer without reloading the orders.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ppdesk.core.analytics.dataset import LINE_COLUMNS, Basket, build_basket, resolve_window
from ppdesk.core.analytics.pairs import incidence, p_values, sequential_from_basket
from ppdesk.core.errors import InputError
from ppdesk.core.settings import AnalyticsSettings, load_settings
from ppdesk.core.store.connection import Store
from ppdesk.core.store.lines import data_version, load_lines, load_products


@dataclass(frozen=True)
class Complement:
    """One recommended product; for ``source == "sequential"`` ``orders_together`` counts
    customers who bought it later rather than orders."""

    product_id: int
    product_key: str
    name: str
    orders_together: int
    confidence: float
    lift: float
    p_value: float
    source: str
    reason: str


@dataclass(frozen=True)
class _Model:
    basket: Basket
    x: sparse.csc_matrix
    orders_with: np.ndarray
    code_of: dict[str, int]
    all_keys: frozenset[str]
    sequential: pd.DataFrame


_CACHE: dict[tuple[str, int, int, int], _Model] = {}
_LOCK = threading.Lock()


def _model(store: Store, settings: AnalyticsSettings) -> _Model:
    conn = store.connect()
    try:
        version = data_version(conn)
    finally:
        conn.close()
    key = (str(store.db_path), version, settings.window_days, settings.min_orders_together)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    lines, products = load_lines(store, LINE_COLUMNS), load_products(store)
    basket = build_basket(lines, products, resolve_window(lines, window_days=settings.window_days))
    x = incidence(basket).tocsc()
    seq = sequential_from_basket(basket, min_customers=settings.min_orders_together).pairs
    keys = basket.products["product_key"].tolist()
    model = _Model(basket, x, np.asarray(x.sum(axis=0)).ravel().astype(np.int64),
                   {k: i for i, k in enumerate(keys)},
                   frozenset(products["product_key"].astype(str)), seq)
    with _LOCK:
        _CACHE.clear()  # one store at a time is what the app and the CLI use
        _CACHE[key] = model
    return model


def best_complements(store: Store, basket_keys: Iterable[str] | str, *, n: int = 3,
                     settings: AnalyticsSettings | None = None,
                     exclude_keys: Iterable[str] = ()) -> list[Complement]:
    """Up to ``n`` complements of the basket's products, strongest evidence first.

    Raises:
        InputError: a basket key is not a product of this store.
    """
    settings = settings or load_settings(store).analytics
    keys = [basket_keys] if isinstance(basket_keys, str) else list(basket_keys)
    model = _model(store, settings)
    unknown = [k for k in keys if k not in model.all_keys]
    if unknown:
        raise InputError(f"no product with the key '{unknown[0]}' in this store")
    codes = sorted({model.code_of[k] for k in keys if k in model.code_of})
    if not codes or n <= 0:
        return []  # none of the basket sold in the window: no evidence either way
    blocked = set(codes) | {model.code_of[k] for k in exclude_keys if k in model.code_of}
    same = _same_order(model, codes, settings)
    seq = _sequential(model, codes, settings)
    table = pd.concat([t for t in (same, seq) if len(t)], ignore_index=True) \
        if len(same) or len(seq) else same
    table = table.loc[~table["code"].isin(blocked)]
    if table.empty:
        return []
    table = table.assign(rank_source=(table["source"] != "same_order").astype(int))
    table = table.sort_values(["p_value", "count", "confidence", "rank_source", "code"],
                              ascending=[True, False, False, True, True], kind="stable")
    best = table.drop_duplicates("code").head(n)
    other = table.set_index(["code", "source"])["count"]
    meta = model.basket.products
    out = []
    for row in best.itertuples(index=False):
        reason = row.reason
        twin = "sequential" if row.source == "same_order" else "same_order"
        if (row.code, twin) in other.index:
            extra = int(other.loc[(row.code, twin)])
            reason += (f" Also bought later by {extra} returning customers."
                       if twin == "sequential"
                       else f" Also bought in the same order {extra} times.")
        out.append(Complement(
            product_id=int(meta["product_id"].iloc[row.code]),
            product_key=str(meta["product_key"].iloc[row.code]),
            name=str(meta["name"].iloc[row.code]), orders_together=int(row.count),
            confidence=float(row.confidence), lift=float(row.lift), p_value=float(row.p_value),
            source=str(row.source), reason=reason))
    return out


def _names(model: _Model, codes: list[int]) -> str:
    names = [str(model.basket.products["name"].iloc[c]) for c in codes]
    return names[0] if len(names) == 1 else "any of " + ", ".join(names)


def _chance(p: float) -> str:
    return "under 1 in 1,000" if p < 0.001 else f"about {p:.1%}"


def _same_order(model: _Model, codes: list[int], settings: AnalyticsSettings) -> pd.DataFrame:
    holds = np.asarray(model.x[:, codes].sum(axis=1)).ravel() > 0
    orders_with_basket = int(holds.sum())
    together = np.asarray(model.x.T @ holds.astype(np.int64)).ravel().astype(np.int64)
    total = model.basket.n_orders
    ok = together >= max(settings.min_orders_together, 1)
    cand = np.flatnonzero(ok)
    k = together[cand]
    wb = model.orders_with[cand]
    lift = k * float(total) / (orders_with_basket * wb.astype(np.float64))
    p = p_values(k, total, np.full(len(k), orders_with_basket), wb)
    keep = (lift > 1.0) & (p <= settings.max_p_value)
    cand, k, lift, p = cand[keep], k[keep], lift[keep], p[keep]
    conf = k / float(orders_with_basket)
    what = _names(model, codes)
    reasons = [f"Bought together with {what} in {kk} of the {orders_with_basket} orders holding "
               f"it ({cc:.0%}), {ll:.1f}x as often as chance would give (chance of a "
               f"coincidence {_chance(pp)})." for kk, cc, ll, pp in zip(k, conf, lift, p,
                                                                          strict=True)]
    return pd.DataFrame({"code": cand, "count": k, "confidence": conf, "lift": lift,
                         "p_value": p, "source": "same_order", "reason": reasons})


def _sequential(model: _Model, codes: list[int], settings: AnalyticsSettings) -> pd.DataFrame:
    seq = model.sequential
    if seq.empty:
        return pd.DataFrame(columns=["code", "count", "confidence", "lift", "p_value",
                                     "source", "reason"])
    code_a = seq["product_a"].map(model.code_of)
    rows = seq.loc[code_a.isin(codes).to_numpy()
                   & (seq["customers_a_then_b"] >= settings.min_orders_together).to_numpy()
                   & (seq["lift"] > 1.0).to_numpy()
                   & (seq["p_value"] <= settings.max_p_value).to_numpy()]
    rows = rows.sort_values(["p_value", "customers_a_then_b"], ascending=[True, False],
                            kind="stable").drop_duplicates("product_b")
    reasons = [f"{k} of the {den} customers who bought {a} and came back later went on to buy "
               f"it ({c:.0%}), {lift:.1f}x the usual rate among returning customers (chance of a "
               f"coincidence {_chance(p)})."
               for k, den, a, c, lift, p in zip(
                   rows["customers_a_then_b"], rows["customers_a_returning"], rows["name_a"],
                   rows["confidence"], rows["lift"], rows["p_value"], strict=True)]
    return pd.DataFrame({"code": rows["product_b"].map(model.code_of).to_numpy(dtype=np.int64),
                         "count": rows["customers_a_then_b"].to_numpy(dtype=np.int64),
                         "confidence": rows["confidence"].to_numpy(dtype=np.float64),
                         "lift": rows["lift"].to_numpy(dtype=np.float64),
                         "p_value": rows["p_value"].to_numpy(dtype=np.float64),
                         "source": "sequential", "reason": reasons})
