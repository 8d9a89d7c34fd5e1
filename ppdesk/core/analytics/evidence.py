"""The one front door for analytics: every figure about a store's orders, asked in one place.

``evidence_for(store)`` returns the :class:`Evidence` of the store's current data
(cached per store, ``data_version``, settings and the product-level facts a merchant
can change without importing: catalogue parents, consumable and not-a-product
overrides). Offers, flows, emails, results, the pages and the commands ask it for

- ``pairs(level=...)`` / ``sequential(level=...)``: pair figures with q-values and the
  ``recommendable`` verdict (``pairs``);
- ``complements(basket)`` / ``complements_many(baskets)``: the ONE ranking
  (``complements``), so an offer, a cross-sell email and the planner name the same
  products with the same reasons;
- ``timing()`` / ``product_timing(key)`` / ``reminder_days(...)``: reorder timing with
  both triggers (``timing``);
- ``cadence(customers)``, ``favourites(customers)``, ``repeat_summary()``,
  ``loyalty_candidates()``: purchase histories (``repeat``);
- ``not_products()`` and ``substitutes()``: what is kept out, and why.

Analysis levels: ``product`` (default) groups order lines by parent product
(``parents``), ``variant`` keeps each product key. Lines of non-products
(``not_products``) are removed before anything is computed, at both levels. Timing is
per variant (a 250 g and a 1 kg bag do not run out together).

Everything is computed lazily, once, on first use; the object is immutable to callers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core.analytics import complements as ranking
from ppdesk.core.analytics import not_products as np_kinds
from ppdesk.core.analytics import pairs as pairs_mod
from ppdesk.core.analytics import parents, repeat, substitutes, timing
from ppdesk.core.analytics.dataset import (
    LINE_COLUMNS,
    Basket,
    Window,
    build_basket,
    resolve_window,
    window_sentence,
)
from ppdesk.core.analytics.stats import round_half_up
from ppdesk.core.analytics.timing import ProductTiming
from ppdesk.core.errors import InputError
from ppdesk.core.settings import AnalyticsSettings

LEVELS = ("product", "variant")
_EVERYTHING = Window(dt.date(1, 1, 1), dt.date(9999, 12, 31))


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise InputError(f"the level '{level}' is unknown; use 'product' or 'variant'")
    return level


class Evidence:
    """The analytics of one store at one data version (see module doc).

    Args:
        lines: the lines frame (at least :data:`LINE_COLUMNS`).
        products: ``load_products`` frame (``parent_key``/``product_type``/``category``
            optional).
        settings: the analytics settings.
        kind_overrides: ``{product_id: is_product}`` from the merchant.
    """

    def __init__(self, lines: pd.DataFrame, products: pd.DataFrame,
                 settings: AnalyticsSettings | None = None,
                 kind_overrides: dict[int, bool] | None = None) -> None:
        self.settings = settings or AnalyticsSettings()
        self.all_lines = lines
        self.products = products.reset_index(drop=True)
        self.kinds = np_kinds.classify(self.products, kind_overrides)
        excluded = self.kinds.loc[self.kinds["not_product"], "product_id"].to_numpy(np.int64)
        # Filtering copies (and consolidates) every column: only when there is something out.
        self.lines = lines.loc[~np.isin(lines["product_id"].to_numpy(dtype=np.int64),
                                        excluded)] if len(excluded) else lines
        self.window = resolve_window(lines, window_days=self.settings.window_days)
        self._lock = threading.RLock()
        self._memo: dict[tuple[Any, ...], Any] = {}

    # -- levels ------------------------------------------------------------------------

    def window_words(self, window: Window | None = None, *, chosen: bool = False) -> str:
        """The page's sentence for ``window`` (default: the default window, which ends at
        the newest imported order): every page words its window the same way."""
        return window_sentence(window or self.window, chosen=chosen,
                               window_days=self.settings.window_days)

    @cached_property
    def parent_table(self) -> pd.DataFrame:
        """Per product: ``product_id, product_key, parent_key, parent_name, representative``.

        ``representative`` is the parent's most-ordered variant (ties: smallest id); at
        the product level a parent is carried by it (its id, price, image in emails).
        """
        table = parents.parent_keys(self.products)
        table["product_key"] = self.products["product_key"].astype(str).to_numpy()
        ids = table["product_id"].to_numpy(dtype=np.int64)
        counts = pd.Series(self.lines["product_id"].to_numpy(dtype=np.int64)).value_counts()
        table["lines"] = counts.reindex(ids).fillna(0).to_numpy(dtype=np.int64)
        ranked = table.sort_values(["parent_key", "lines", "product_id"],
                                   ascending=[True, False, True], kind="stable")
        rep = ranked.groupby("parent_key", sort=False)["product_id"].first()
        table["representative"] = table["parent_key"].map(rep).to_numpy(dtype=np.int64)
        return table

    @cached_property
    def _flat(self) -> bool:
        """True when no product has variants: both levels are the same data."""
        table = self.parent_table
        return bool((table["representative"] == table["product_id"]).all()
                    and (table["parent_key"] == table["product_key"]).all()
                    and (table["parent_name"].astype(str)
                         == self.products["name"].fillna(self.products["product_key"])
                         .astype(str).str.strip().to_numpy()).all())

    def _level_inputs(self, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Lines and products as seen at ``level`` (parents carried by representatives)."""
        if check_level(level) == "variant":
            return self.lines, self.products
        table = self.parent_table
        ids = self.lines["product_id"].to_numpy(dtype=np.int64)
        known = pd.Index(table["product_id"].to_numpy())
        where = known.get_indexer(ids)
        rep = table["representative"].to_numpy(dtype=np.int64)
        mapped = np.where(where >= 0, rep[np.maximum(where, 0)], ids) if len(ids) else ids
        # A slim frame of the columns the encoding reads, not a copy of every column.
        lines = pd.DataFrame({c: self.lines[c].to_numpy() for c in
                              ("order_id", "order_date", "customer_id", "quantity", "included")})
        lines["product_id"] = mapped
        reps = table.loc[table["representative"] == table["product_id"]]
        products = pd.DataFrame({"product_id": reps["product_id"].to_numpy(dtype=np.int64),
                                 "product_key": reps["parent_key"].to_numpy(dtype=object),
                                 "name": reps["parent_name"].to_numpy(dtype=object)})
        return lines, products

    def basket(self, level: str = "product", since: dt.date | str | None = None,
               until: dt.date | str | None = None) -> Basket:
        """The encoded included lines of a window at a level (cached)."""
        window = self.window if since is None and until is None else resolve_window(
            self.all_lines, since, until, window_days=self.settings.window_days)
        level = "variant" if check_level(level) == "product" and self._flat else level
        return self._cached(("basket", level, window), lambda: build_basket(
            *self._level_inputs(level), window))

    def _cached(self, key: tuple[Any, ...], build: Any) -> Any:
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]

    # -- pairs -------------------------------------------------------------------------

    def pairs(self, level: str = "product", since: dt.date | str | None = None,
              until: dt.date | str | None = None, *, min_orders: int = 1,
              ) -> pairs_mod.PairsResult:
        """Same-order pairs with ``q_value``, ``recommendable``, ``substitute`` and
        (variant level) ``same_parent``; rows seen together at least ``min_orders`` times."""
        basket = self.basket(level, since, until)

        def build() -> pairs_mod.PairsResult:
            found = pairs_mod.pairs_from_basket(basket, min_orders=1)
            frame = self._flag_pairs(found.pairs, level, basket)
            return dataclasses.replace(found, pairs=frame)

        full = self._cached(("pairs", level, basket.window), build)
        if min_orders <= 1:
            return full
        frame = full.pairs.loc[full.pairs["orders_together"] >= min_orders].reset_index(drop=True)
        return dataclasses.replace(full, pairs=frame)

    def _flag_pairs(self, frame: pd.DataFrame, level: str, basket: Basket) -> pd.DataFrame:
        s = self.settings
        ok = pairs_mod.recommendable(frame, min_together=s.min_orders_together,
                                     max_q_value=s.max_q_value)
        subs = self.substitute_pairs(level, basket)
        key = frame["product_a"].astype(str) + "\x00" + frame["product_b"].astype(str)
        is_sub = key.isin(subs).to_numpy() if subs else np.zeros(len(frame), dtype=bool)
        extra: dict[str, Any] = {"substitute": is_sub}
        if level == "variant":
            parent = self.parent_table.set_index("product_id")["parent_key"]
            same = (parent.reindex(frame["product_id_a"]).to_numpy()
                    == parent.reindex(frame["product_id_b"]).to_numpy())
            extra["same_parent"] = same
            ok = ok & ~same  # a variant of the same product is never a complement
        return frame.assign(recommendable=ok & ~is_sub, **extra)

    def sequential(self, level: str = "product", since: dt.date | str | None = None,
                   until: dt.date | str | None = None, *, min_customers: int = 1,
                   progress: Any = None, cancel: Any = None) -> pairs_mod.SequentialResult:
        """Sequential pairs with ``q_value`` and ``recommendable`` (cached per window)."""
        basket = self.basket(level, since, until)

        def build() -> pairs_mod.SequentialResult:
            found = pairs_mod.sequential_from_basket(basket, min_customers=1,
                                                     progress=progress, cancel=cancel)
            s = self.settings
            frame = found.pairs.assign(recommendable=pairs_mod.recommendable(
                found.pairs, min_together=s.min_orders_together, max_q_value=s.max_q_value))
            return dataclasses.replace(found, pairs=frame)

        full = self._cached(("sequential", level, basket.window), build)
        if min_customers <= 1:
            return full
        keep = full.pairs["customers_a_then_b"] >= min_customers
        return dataclasses.replace(full, pairs=full.pairs.loc[keep].reset_index(drop=True))

    def substitute_pairs(self, level: str = "product", basket: Basket | None = None,
                         ) -> set[str]:
        """``"key_a\\x00key_b"`` (key_a < key_b) of the pairs flagged as substitutes."""
        frame = self.substitutes(level, basket)
        return set(frame["product_a"].astype(str) + "\x00" + frame["product_b"].astype(str))

    def substitutes(self, level: str = "product", basket: Basket | None = None) -> pd.DataFrame:
        """Pairs flagged as substitutes (see ``substitutes``), with the figures."""
        basket = basket or self.basket(level)
        return self._cached(("substitutes", level, basket.window), lambda: substitutes.find(
            basket, self._types(level, basket), self.settings.min_orders_together))

    def _types(self, level: str, basket: Basket) -> pd.DataFrame:
        """``type, category`` per product code of ``basket`` (first non-empty per parent)."""
        cols = [c for c in ("product_type", "category") if c in self.products.columns]
        meta = self.products[["product_id", *cols]].copy()
        for c in ("product_type", "category"):
            if c not in meta.columns:
                meta[c] = None
        if level == "product":
            rep = self.parent_table.set_index("product_id")["representative"]
            meta["product_id"] = rep.reindex(meta["product_id"]).to_numpy(dtype=np.int64)
            meta = meta.groupby("product_id", as_index=False)[["product_type", "category"]] \
                .first()
        meta = meta.set_index("product_id").reindex(basket.products["product_id"].to_numpy())
        return meta.reset_index(drop=True)

    # -- complements -------------------------------------------------------------------

    @cached_property
    def _edges(self) -> pd.DataFrame:
        basket = self.basket("product")
        code_of = {k: i for i, k in enumerate(basket.products["product_key"].astype(str))}
        same = self.pairs("product").pairs
        seq = self.sequential("product").pairs
        blocked: set[tuple[int, int]] = set()
        for pair in self.substitute_pairs("product"):
            a, b = pair.split("\x00")
            blocked |= {(code_of[a], code_of[b]), (code_of[b], code_of[a])}
        return ranking.edges(same.loc[same["recommendable"].to_numpy(dtype=bool)],
                             seq.loc[seq["recommendable"].to_numpy(dtype=bool)] if len(seq)
                             else seq, code_of, blocked)

    @cached_property
    def _code_of_product(self) -> pd.Series:
        """Product id -> product-level code in the window (missing: not sold in it)."""
        basket = self.basket("product")
        code_of_rep = pd.Series(np.arange(basket.n_products),
                                index=basket.products["product_id"].to_numpy())
        table = self.parent_table
        codes = code_of_rep.reindex(table["representative"].to_numpy()).to_numpy()
        return pd.Series(codes, index=table["product_id"].to_numpy())

    @cached_property
    def _id_of_key(self) -> dict[str, int]:
        """Product key -> id; a parent key (the pairs' product level) -> its representative."""
        table = self.parent_table
        ids = dict(zip(table["parent_key"].astype(str), table["representative"].astype(int),
                       strict=False))
        ids.update(zip(self.products["product_key"].astype(str),
                       self.products["product_id"].astype(int), strict=True))
        return ids

    def _codes(self, keys: Iterable[str], *, strict: bool) -> list[int]:
        out: list[int] = []
        for key in keys:
            pid = self._id_of_key.get(str(key))
            if pid is None:
                if strict:
                    raise InputError(f"no product with the key '{key}' in this store")
                continue
            code = self._code_of_product.get(pid)
            if code is not None and code == code:  # NaN: not sold in the window
                out.append(int(code))
        return sorted(set(out))

    def complements(self, basket_keys: Iterable[str] | str, *, n: int = 3,
                    exclude_keys: Iterable[str] = ()) -> list[ranking.Complement]:
        """Up to ``n`` complements of the basket (product keys), strongest evidence first.

        Raises:
            InputError: a basket key is not a product of this store.
        """
        keys = [basket_keys] if isinstance(basket_keys, str) else list(basket_keys)
        codes = self._codes(keys, strict=True)
        return self.complements_many([codes], n=n, blocked=[self._codes(exclude_keys,
                                                                        strict=False)])[0]

    def complements_many(self, baskets: Sequence[Sequence[int]], *, n: int = 3,
                         blocked: Sequence[Sequence[int]] | None = None,
                         ) -> list[list[ranking.Complement]]:
        """Complements of many baskets of product-level codes (see :meth:`basket_codes`)."""
        which, rows = self.rank_codes(baskets, n=n, blocked=blocked)
        edges = self._edges
        meta = self.basket("product").products
        ids = meta["product_id"].to_numpy(dtype=np.int64)
        parent_keys = meta["product_key"].astype(str).to_numpy(dtype=object)
        names = meta["name"].astype(str).to_numpy(dtype=object)
        key_of_id = dict(zip(self.products["product_id"].astype(np.int64).tolist(),
                             self.products["product_key"].astype(str), strict=True))
        to = edges["to_code"].to_numpy(dtype=np.int64)[rows]
        # Plain Python values first (tolist): building objects from numpy scalars is slow.
        pid = ids[to].tolist()
        columns = zip(which.tolist(), pid, parent_keys[to].tolist(), names[to].tolist(),
                      edges["count"].to_numpy()[rows].tolist(),
                      edges["confidence"].to_numpy()[rows].tolist(),
                      edges["lift"].to_numpy()[rows].tolist(),
                      edges["p_value"].to_numpy()[rows].tolist(),
                      edges["source"].to_numpy()[rows].tolist(),
                      edges["reason"].to_numpy()[rows].tolist(),
                      edges["q_value"].to_numpy()[rows].tolist(), strict=True)
        out: list[list[ranking.Complement]] = [[] for _ in baskets]
        for b, p_id, parent, name, count, conf, lift, p, src, reason, q in columns:
            out[b].append(ranking.Complement(
                product_id=p_id, product_key=key_of_id.get(p_id, parent), name=name,
                orders_together=int(count), confidence=conf, lift=lift, p_value=p,
                source="same_order" if src == 0 else "sequential", reason=reason, q_value=q,
                parent_key=parent))
        return out

    @cached_property
    def _ranked(self) -> ranking.RankedEdges:
        n_codes = self.basket("product").n_products
        # Codes are ranked by product key, so the code itself is the key's tie-break.
        return ranking.prepare(self._edges, n_codes, np.arange(n_codes))

    def rank_codes(self, baskets: Sequence[Sequence[int]], *, n: int = 3,
                   blocked: Sequence[Sequence[int]] | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
        """The ranking itself: ``(basket index, edge row)`` per answer, best first.

        What :meth:`complements_many` dresses up as :class:`Complement` objects; the
        planner reads product ids straight from it.
        """
        return ranking.rank(self._ranked, baskets, n, blocked)

    def complement_ids(self, baskets: Sequence[Sequence[int]], *, n: int = 3,
                       ) -> list[list[int]]:
        """Product ids (the parents' representatives) of each basket's complements."""
        which, rows = self.rank_codes(baskets, n=n)
        ids = self.basket("product").products["product_id"].to_numpy(dtype=np.int64)
        to = ids[self._edges["to_code"].to_numpy(dtype=np.int64)[rows]]
        out: list[list[int]] = [[] for _ in baskets]
        for b, pid in zip(which.tolist(), to.tolist(), strict=True):
            out[b].append(pid)
        return out

    def basket_codes(self, product_ids: Iterable[int]) -> list[int]:
        """Product-level codes of product ids (ids not sold in the window are dropped)."""
        codes = self._code_of_product.reindex(list(product_ids)).dropna()
        return sorted({int(c) for c in codes})

    def parent_of(self) -> dict[int, int]:
        """Product id -> the representative product id of its parent."""
        table = self.parent_table
        return dict(zip(table["product_id"].astype(int), table["representative"].astype(int),
                        strict=True))

    def complements_fn(self) -> ComplementsAnswer:
        """The planner's complements function (basket keys, n -> product ids), batched."""
        return ComplementsAnswer(self)

    # -- timing ------------------------------------------------------------------------

    def timing(self, since: dt.date | str | None = None,
               until: dt.date | str | None = None) -> pd.DataFrame:
        """Reorder timing per variant (``timing.reorder_timing`` columns), cached."""
        basket = self.basket("variant", since, until)
        return self._cached(("timing", basket.window), lambda: timing.reorder_timing(
            self.lines, self.products, settings=self.settings, basket=basket))

    def product_timing(self, product_key: str) -> ProductTiming:
        """One product's reorder gaps (for a histogram) and its timing row."""
        basket = self.basket("variant")
        match = self.products.loc[self.products["product_key"].astype(str) == product_key]
        if match.empty:
            raise InputError(f"no product with the key '{product_key}' in this store")
        keys = basket.products["product_key"].astype(str).to_numpy()
        code = np.flatnonzero(keys == product_key)
        occ = basket.occasions
        mine = occ.loc[occ["product"].to_numpy() == (code[0] if len(code) else -1)]
        gaps = mine["gap"].to_numpy()
        has = ~np.isnan(gaps)
        table = self.timing()
        row = table.loc[table["product"].astype(str) == product_key]
        figures = row.iloc[0].to_dict() if len(row) else None
        return ProductTiming(product_key, str(match["name"].iloc[0]), basket.window,
                                    gaps[has].astype(np.int64),
                                    gaps[has & (mine["occasion"].to_numpy() == 1)]
                                    .astype(np.int64), figures)

    def reminder_days(self, product_id: np.ndarray, first: np.ndarray,
                      units: np.ndarray) -> np.ndarray:
        """Days after a purchase the replenishment reminder is due (NaN: none)."""
        return timing.reminder_days(self.timing(), product_id, first, units)

    # -- purchase histories ------------------------------------------------------------

    @cached_property
    def _history(self) -> Basket:
        """Every line of all imported history, for purchase histories (no window)."""
        return build_basket(self.lines, self.products, _EVERYTHING)

    @cached_property
    def purchases(self) -> pd.DataFrame:
        """Every known customer's purchase days over all imported history (``repeat``)."""
        return repeat.purchases(self._history)

    @cached_property
    def _cadence(self) -> pd.Series:
        # A customer's rhythm is the rhythm of what they buy most: the median days between
        # their purchase days of their favourite product. The median over all their orders
        # mixes products (a coffee bought every 21 days read as "every 137 days").
        occ = self._history.occasions
        top = self._favourites.groupby("customer", sort=False).head(1)[["customer", "product"]]
        gaps = occ.loc[occ["gap"].notna(), ["customer", "product", "gap"]]
        mine = gaps.merge(top, on=["customer", "product"], how="inner")
        med = mine.groupby("customer")["gap"].median()
        return pd.Series(np.maximum(round_half_up(med.to_numpy()), 1.0), index=med.index)

    def cadence(self, customer_ids: Iterable[int]) -> dict[int, int | None]:
        """Each customer's median days between their purchase days of their most-bought
        product (None until they bought it on two days)."""
        table = self._cadence
        out: dict[int, int | None] = {}
        for c in customer_ids:
            value = table.get(int(c))
            out[int(c)] = None if value is None else int(value)
        return out

    def cadence_of(self, customer_id: int, product_id: int) -> int | None:
        """One customer's median days between their purchase days of one product."""
        history = self._history
        codes = np.flatnonzero(history.products["product_id"].to_numpy(dtype=np.int64)
                               == int(product_id))
        if not len(codes):
            return None
        occ = history.occasions
        mine = occ.loc[(occ["customer"].to_numpy() == int(customer_id))
                       & (occ["product"].to_numpy() == codes[0]), "gap"].dropna()
        if mine.empty:
            return None
        return int(max(round_half_up(np.array([mine.median()]))[0], 1.0))

    @cached_property
    def _favourites(self) -> pd.DataFrame:
        basket = self._history
        occ = basket.occasions
        counts = occ.groupby(["customer", "product"]).size().rename("n").reset_index()
        counts["product_id"] = basket.products["product_id"].to_numpy(
            dtype=np.int64)[counts["product"].to_numpy()]
        return counts.sort_values(["customer", "n", "product_id"],
                                  ascending=[True, False, True], kind="stable")

    def favourites(self, customer_ids: Iterable[int], n: int = 3) -> dict[int, list[int]]:
        """What each customer bought on the most occasions (product ids, most first)."""
        fav = self._favourites
        mine = fav.loc[fav["customer"].isin([int(c) for c in customer_ids])]
        top = mine.groupby("customer", sort=False).head(n)
        return {int(c): [int(p) for p in g] for c, g in top.groupby("customer")["product_id"]}

    def repeat_summary(self, since: dt.date | str | None = None,
                       until: dt.date | str | None = None) -> pd.DataFrame:
        window = self.basket("variant", since, until).window
        return repeat.repeat_summary(self.lines, self.products, since=window.since,
                                     until=window.until, settings=self.settings)

    def loyalty_candidates(self, min_purchases: int = 3) -> pd.DataFrame:
        return repeat.loyalty_candidates(self.lines, self.products, settings=self.settings,
                                         min_purchases=min_purchases)

    # -- what is left out --------------------------------------------------------------

    def not_products(self) -> pd.DataFrame:
        """Products recognised as not products (and overridden ones), with lines and why."""
        kinds = self.kinds.loc[self.kinds["not_product"] | self.kinds["overridden"]
                               | (self.kinds["kind"] != "")]
        counts = pd.Series(self.all_lines["product_id"].to_numpy(dtype=np.int64)).value_counts()
        return kinds.assign(lines=counts.reindex(kinds["product_id"]).fillna(0)
                            .to_numpy(dtype=np.int64)).reset_index(drop=True)


class ComplementsAnswer:
    """``(basket keys, n) -> product ids`` for the planner, with a batched ``many``.

    Both go through :meth:`Evidence.complements_many`, the one ranking.
    """

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence

    def __call__(self, keys: tuple[str, ...], n: int) -> list[int]:
        return self.many([keys], n)[0]

    def many(self, baskets: Sequence[tuple[str, ...]], n: int) -> list[list[int]]:
        ev = self.evidence
        codes = [ev._codes(keys, strict=False) for keys in baskets]
        return ev.complement_ids(codes, n=n)


_CACHE: dict[tuple[Any, ...], Evidence] = {}
_CACHE_LOCK = threading.Lock()


def evidence_for(store: Any, settings: AnalyticsSettings | None = None, *,
                 platform: str | None = None) -> Evidence:
    """The store's :class:`Evidence` at its current data version (built once, then reused).

    ``platform``: the evidence of that platform's orders only (a customer segment).
    """
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import product_kind_queries
    from ppdesk.core.store.lines import data_version, load_lines, load_products

    settings = settings or load_settings(store).analytics
    conn = store.connect()
    try:
        version = data_version(conn)
        overrides = product_kind_queries.load(conn)
    finally:
        conn.close()
    products = load_products(store)
    # Product facts change without an import (catalogue, overrides): part of the key.
    facts = int(pd.util.hash_pandas_object(products.astype(str), index=False).sum()) \
        if len(products) else 0
    key = (str(store.db_path), version, facts, tuple(sorted(overrides.items())),
           dataclasses.astuple(settings), platform)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    if platform is None:
        lines = load_lines(store, LINE_COLUMNS)
    else:
        lines = load_lines(store, [*LINE_COLUMNS, "platform"])
        lines = lines.loc[lines["platform"].to_numpy() == platform]
    evidence = Evidence(lines, products, settings, overrides)
    with _CACHE_LOCK:
        for old in [k for k in _CACHE if k[0] == key[0] and k[1:5] != key[1:5]]:
            del _CACHE[old]  # other data versions of this store are stale
        _CACHE[key] = evidence
    return evidence
