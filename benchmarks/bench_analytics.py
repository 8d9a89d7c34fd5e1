"""Analytics speed against straightforward references, side by side (figures on stdout).

    .venv/bin/python -m pip install -r benchmarks/requirements.txt   # mlxtend, once
    .venv/bin/python benchmarks/bench_analytics.py [--sizes 10000,100000,1000000]
        [--repeat 3] [--no-slow-timing-reference]
        [--store-csv benchmarks/data/shopify_1000000.csv --store-home /tmp/ppdesk-bench-analytics]

First the front door (``analytics.evidence``): building the evidence from the loaded
lines (pairs with q-values, sequential pairs, substitutes, complement edges, timing)
and complements for 100,000 baskets, beside an anchor (a plain pandas groupby over the
same lines) measured in the same run; ``--evidence-only`` stops there.

For each size the seeded demo generator (``ppdesk.core.demo_data.simulate``, the same
simulation the demo store and its planted truth come from) makes that many line items;
they become the lines frame of ``core/store/lines.py`` and are written to Parquet, the
store's analytics cache, whose read is timed as "load". Then, on the same data:

- ppdesk: encode the window (``build_basket``), same-order pairs with p-values
  (numpy pair codes, ``pairs.co_occurrences``), sequential pairs, reorder timing. Best
  of ``--repeat`` runs, each on a freshly encoded basket (no cached work carried over).
- references: pandas self-merge of order lines for pairs; mlxtend ``fpgrowth`` (pairs
  seen in >= 3 orders, ``max_len=2``) + ``association_rules``; a pandas self-merge of
  first purchases for sequential pairs; pandas ``groupby().apply`` for timing.

With ``--store-csv`` the export is also imported once into ``--store-home`` (reused on
later runs; the import is not timed) and "pairs + timing from the stored data" is
timed the way the app runs it: ``load_lines`` (Parquet cache; the first, cold read
from SQLite is shown apart), ``load_products``, encode, pairs, timing.

Every reference's counts are checked against ppdesk's (identical pairs and counts,
identical medians); a mismatch stops the run. The machine is shared with other work:
read the figures as rough, the ratios as the point.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ppdesk.core import demo_data
from ppdesk.core.analytics import pairs, timing
from ppdesk.core.analytics.dataset import LINE_COLUMNS, build_basket, resolve_window
from ppdesk.core.settings import AnalyticsSettings

INCLUDED_STATUSES = ("paid", "pending", "partially_refunded")


def demo_lines(n_lines: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lines frame and products frame of a simulated store with ``n_lines`` lines."""
    sim, truth = demo_data.simulate(lines=n_lines, seed=seed)
    order = sim.line_order
    customer = sim.order_customer[order]
    status = np.asarray(demo_data.ORDER_STATUSES)[sim.order_status[order]]
    day = np.datetime64(truth.start, "D") + (sim.order_time[order] // 86400).astype(
        "timedelta64[D]")
    lines = pd.DataFrame({
        "order_id": order.astype(np.int64) + 1,
        "store_order_id": (order + 1001).astype(str),
        "platform": "shopify",
        "order_date": pd.to_datetime(day),
        "ordered_at": pd.to_datetime(day),
        "customer_id": np.where(sim.guest[customer], -1, customer).astype(np.int64),
        "product_id": sim.line_product.astype(np.int64) + 1,
        "quantity": sim.line_qty.astype(np.float64),
        "unit_price": np.full(len(order), 10.0),
        "included": np.isin(status, INCLUDED_STATUSES),
        "marketing_allowed": True,
        "discount_code": "",
    })
    keys = sim.catalog.key.astype(object)
    products = pd.DataFrame({"product_id": np.arange(len(keys), dtype=np.int64) + 1,
                             "product_key": keys, "name": keys, "consumable_override": None})
    return lines, products


def best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def once(func: Callable[[], Any]) -> tuple[float, Any]:
    return best_of(1, func)


def included_pandas(lines: pd.DataFrame, since: Any, until: Any) -> pd.DataFrame:
    """The contract's included lines, written the plain pandas way."""
    keep = (lines["included"] & (lines["quantity"] > 0)
            & (lines["order_date"] >= pd.Timestamp(since))
            & (lines["order_date"] <= pd.Timestamp(until)))
    return lines.loc[keep, ["order_id", "customer_id", "product_id", "order_date"]]


def ref_pairs_merge(inc: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """Pairs by self-merge: (key_a, key_b) -> orders together."""
    op = inc[["order_id", "product_id"]].drop_duplicates()
    op = op.assign(key=op["product_id"].map(keys))[["order_id", "key"]]
    both = op.merge(op, on="order_id", suffixes=("_a", "_b"))
    both = both.loc[both["key_a"] < both["key_b"]]
    return both.groupby(["key_a", "key_b"]).size()


def ref_fpgrowth(inc: pd.DataFrame, keys: pd.Series, min_count: int) -> tuple[float, float,
                                                                           pd.Series]:
    """mlxtend fpgrowth + association_rules; returns (fpgrowth s, rules s, pair counts)."""
    from mlxtend.frequent_patterns import association_rules, fpgrowth
    from scipy import sparse

    op = inc[["order_id", "product_id"]].drop_duplicates()
    rows, _ = pd.factorize(op["order_id"])
    cols, uniques = pd.factorize(op["product_id"])
    matrix = sparse.csr_matrix((np.ones(len(op), dtype=bool), (rows, cols)))
    onehot = pd.DataFrame.sparse.from_spmatrix(
        matrix, columns=[str(keys[u]) for u in uniques]).astype(pd.SparseDtype(bool, False))
    n_orders = matrix.shape[0]
    fp_time, frequent = once(lambda: fpgrowth(onehot, min_support=min_count / n_orders,
                                              max_len=2, use_colnames=True))
    rules_time, rules = once(lambda: association_rules(frequent, metric="lift",
                                                       min_threshold=0.0))
    two = frequent.loc[frequent["itemsets"].map(len) == 2]
    counts = pd.Series(np.rint(two["support"].to_numpy() * n_orders).astype(np.int64),
                       index=pd.MultiIndex.from_tuples([tuple(sorted(s)) for s in
                                                        two["itemsets"]]))
    assert len(rules) == 2 * len(two)
    return fp_time, rules_time, counts.sort_index()


def ref_sequential_merge(inc: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """Sequential pairs by self-merge of first purchases: (key_a, key_b) -> customers."""
    known = inc.loc[inc["customer_id"] != -1]
    first = known.groupby(["customer_id", "product_id"], as_index=False)["order_date"].min()
    first["key"] = first["product_id"].map(keys)
    both = first.merge(first, on="customer_id", suffixes=("_a", "_b"))
    both = both.loc[both["order_date_a"] < both["order_date_b"]]
    return both.groupby(["key_a", "key_b"]).size()


def ref_timing_apply(inc: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """Median days between occasions per product via groupby().apply (the usual way)."""
    known = inc.loc[inc["customer_id"] != -1]

    def gaps(dates: pd.Series) -> np.ndarray:
        return np.diff(np.unique(dates.to_numpy())).astype("timedelta64[D]").astype(float)

    per = known.groupby(["product_id", "customer_id"])["order_date"].apply(gaps)
    flat = per.explode().dropna().astype(float)
    medians = flat.groupby(level="product_id").median()
    medians.index = medians.index.map(keys)
    return medians.sort_index()


def run_size(n_lines: int, repeat: int, slow_timing_reference: bool) -> dict[str, float]:
    lines, products = demo_lines(n_lines)
    keys = pd.Series(products["product_key"].to_numpy(), index=products["product_id"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.parquet"
        lines.to_parquet(path, index=False)
        load, lines = best_of(repeat, lambda: pd.read_parquet(path))
    window = resolve_window(lines)
    settings = AnalyticsSettings()
    out: dict[str, float] = {"lines": float(len(lines)), "load": load}

    def ours_pairs() -> Any:
        basket = build_basket(lines, products, window)
        return pairs.pairs_from_basket(basket, min_orders=1)

    def ours_pairs_and_timing() -> Any:
        basket = build_basket(lines, products, window)
        found = pairs.pairs_from_basket(basket, min_orders=settings.min_orders_together)
        return found, timing.reorder_timing(lines, products, settings=settings, basket=basket)

    out["basket"], basket = best_of(repeat, lambda: build_basket(lines, products, window))
    out["pairs"], result = best_of(repeat, ours_pairs)
    out["sequential"], seq = best_of(repeat, lambda: pairs.sequential_from_basket(
        build_basket(lines, products, window)))
    out["timing"], table = best_of(repeat, lambda: timing.reorder_timing(
        lines, products, settings=settings, basket=build_basket(lines, products, window)))
    out["pairs+timing"], _ = best_of(repeat, ours_pairs_and_timing)
    out["orders"] = float(result.orders_total)
    out["pair_rows"] = float(len(result.pairs))

    inc = included_pandas(lines, window.since, window.until)
    ours_counts = result.pairs.set_index(["product_a", "product_b"])["orders_together"]
    out["ref_merge"], merged = once(lambda: ref_pairs_merge(inc, keys))
    _check("pandas self-merge pairs", merged, ours_counts)
    try:
        fp, rules, fp_counts = ref_fpgrowth(inc, keys, settings.min_orders_together)
    except ImportError:
        print("  mlxtend not installed: pip install -r benchmarks/requirements.txt",
              file=sys.stderr)
    else:
        out["ref_fpgrowth"], out["ref_rules"] = fp, rules
        _check("mlxtend fpgrowth pairs (>= 3 orders)", fp_counts,
               ours_counts[ours_counts >= settings.min_orders_together])
    seq_counts = seq.pairs.set_index(["product_a", "product_b"])["customers_a_then_b"]
    out["ref_seq_merge"], seq_ref = once(lambda: ref_sequential_merge(inc, keys))
    _check("pandas self-merge sequential pairs", seq_ref, seq_counts)
    if slow_timing_reference or n_lines <= 200_000:
        out["ref_timing_apply"], medians = once(lambda: ref_timing_apply(inc, keys))
        ours = table.dropna(subset=["median_days_between"]).set_index("product")[
            "median_days_between"].sort_index()
        if not np.allclose(medians.to_numpy(), ours.to_numpy()) or \
                list(medians.index) != list(ours.index):
            raise SystemExit("timing reference disagrees with ppdesk")
        print(f"  timing medians identical for {len(ours)} products", file=sys.stderr)
    return out


def run_evidence(n_lines: int, repeat: int, n_baskets: int = 100_000) -> dict[str, float]:
    """The front door: build the evidence, then complements for ``n_baskets`` baskets.

    "Build" is everything complements and timing need, from the loaded lines frame:
    ``Evidence(...)`` (not-products, parents), product-level pairs with q-values,
    sequential pairs, substitutes, the complement edges and reorder timing. The
    baskets are the window's orders (product-level codes), cycled to ``n_baskets``.
    The anchor is one plain pandas groupby over the same lines (orders x products).
    """
    from ppdesk.core.analytics.evidence import Evidence

    lines, products = demo_lines(n_lines)
    lines = lines[LINE_COLUMNS]
    settings = AnalyticsSettings()

    def build() -> Evidence:
        evidence = Evidence(lines, products, settings)
        evidence._edges  # noqa: B018 - the cached property is the work being timed
        evidence.timing()
        return evidence

    built, evidence = best_of(repeat, build)
    basket = evidence.basket("product")
    starts = np.flatnonzero(np.r_[True, np.diff(basket.order) != 0])
    order_sorted = np.argsort(basket.order, kind="stable")
    codes = basket.product[order_sorted]
    bounds = np.r_[np.flatnonzero(np.r_[True, np.diff(basket.order[order_sorted]) != 0]),
                   len(codes)]
    orders = [sorted(set(codes[a:b].tolist())) for a, b in zip(bounds[:-1], bounds[1:],
                                                               strict=True)]
    baskets = [orders[i % len(orders)] for i in range(n_baskets)] if orders else []
    ranked, found = best_of(repeat, lambda: evidence.complement_ids(baskets, n=3))
    dressed, _ = best_of(repeat, lambda: evidence.complements_many(baskets, n=3))
    anchor, _ = best_of(repeat, lambda: lines.groupby(["order_id", "product_id"]).size())
    # The batch answer must be the one-basket answer (what an offer or an email asks).
    keys = evidence.basket("product").products["product_key"].astype(str).to_numpy()
    for b, got in list(zip(baskets, found, strict=True))[:200]:
        one = [c.product_id for c in evidence.complements([keys[c] for c in b], n=3)]
        if one != got:
            raise SystemExit(f"batch complements differ from one-basket complements for {b}")
    print("  batch complements identical to one-by-one for 200 baskets", file=sys.stderr)
    del starts
    return {"lines": float(len(lines)), "build": built, "complements": ranked,
            "dressed": dressed,
            "anchor": anchor, "baskets": float(len(baskets)),
            "with_complements": float(sum(1 for f in found if f)),
            "edges": float(len(evidence._edges))}


def print_evidence(results: list[dict[str, float]]) -> None:
    header = ["evidence (seconds)"] + [f"{int(r['lines']):,} lines" for r in results]
    rows = [header,
            ["build evidence (after load)"] + [_fmt(r["build"]) for r in results],
            ["complements, baskets"] + [f"{int(r['baskets']):,}" for r in results],
            ["complements for the baskets (ids)"] + [_fmt(r["complements"]) for r in results],
            ["  as Complement objects with reasons"] + [_fmt(r["dressed"]) for r in results],
            ["  baskets with a complement"] + [f"{int(r['with_complements']):,}"
                                               for r in results],
            ["  recommendable edges"] + [f"{int(r['edges']):,}" for r in results],
            ["anchor: pandas groupby(order, product)"] + [_fmt(r["anchor"]) for r in results],
            ["build / anchor"] + [f"{r['build'] / r['anchor']:.1f}x" for r in results],
            ["complements / anchor"] + [f"{r['complements'] / r['anchor']:.1f}x"
                                        for r in results]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    for row in rows:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))))


def run_store(csv: Path, home: Path, repeat: int) -> None:
    """Pairs + timing from a real store, the import excluded (see module doc)."""
    from ppdesk.core.importing import import_files
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store
    from ppdesk.core.store.lines import load_lines, load_products

    home.mkdir(parents=True, exist_ok=True)
    fresh = not (home / "store.sqlite3").exists()
    store = open_store(home)
    if fresh:
        print(f"importing {csv} into {home} (once, not timed) ...", file=sys.stderr)
        import_files(store, [csv])
    for old in store.columnar_dir.glob("lines-*.parquet"):  # the import's copy too: cold
        old.unlink()
    cold, lines = once(lambda: load_lines(store))

    def from_store() -> Any:
        lines, products = load_lines(store, LINE_COLUMNS), load_products(store)
        settings = load_settings(store).analytics
        window = resolve_window(lines, window_days=settings.window_days)
        basket = build_basket(lines, products, window)
        found = pairs.pairs_from_basket(basket, min_orders=settings.min_orders_together)
        return found, timing.reorder_timing(lines, products, settings=settings, basket=basket)

    warm_load, _ = best_of(repeat, lambda: load_lines(store, LINE_COLUMNS))
    total, (found, table) = best_of(repeat, from_store)
    print(f"\nfrom the store in {home} ({len(lines):,} lines, {found.orders_total:,} orders in "
          f"the window, {len(found.pairs):,} pairs seen in >= 3 orders, {len(table)} products):")
    print(f"  load_lines cold (SQLite -> Parquet cache)  {cold:.3f} s")
    print(f"  load_lines warm (Parquet cache)            {warm_load:.3f} s")
    print(f"  load + encode + pairs + timing             {total:.3f} s")


def _check(label: str, reference: pd.Series, ours: pd.Series) -> None:
    ref = reference.sort_index()
    mine = ours.sort_index()
    mine.index = mine.index.set_names(ref.index.names)
    if len(ref) != len(mine) or not (ref.index.equals(mine.index)
                                     and np.array_equal(ref.to_numpy(), mine.to_numpy())):
        raise SystemExit(f"{label}: counts differ from ppdesk ({len(ref)} vs {len(mine)} pairs)")
    print(f"  {label}: identical ({len(ref)} pairs)", file=sys.stderr)


def _fmt(value: float | None) -> str:
    if value is None or np.isnan(value):
        return "-"
    return f"{value:.3f}" if value < 100 else f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-slow-timing-reference", action="store_true",
                        help="skip the groupby().apply timing reference above 200k lines")
    parser.add_argument("--store-csv", type=Path, help="also time pairs + timing from a store "
                        "holding this export (imported once into --store-home)")
    parser.add_argument("--store-home", type=Path, default=Path("/tmp/ppdesk-bench-analytics"))
    parser.add_argument("--evidence-only", action="store_true",
                        help="only the evidence figures (build, 100,000 baskets) and the anchor")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    evidence_rows = []
    for size in sizes:
        print(f"{size:,} line items: evidence ...", file=sys.stderr)
        evidence_rows.append(run_evidence(size, args.repeat))
    print_evidence(evidence_rows)
    if args.evidence_only:
        return 0
    results = []
    for size in sizes:
        print(f"{size:,} line items ...", file=sys.stderr)
        results.append(run_size(size, args.repeat, not args.no_slow_timing_reference))
    rows = [
        ("load (Parquet cache)", "load"), ("encode window", "basket"),
        ("pairs (X.T @ X + p-values)", "pairs"), ("sequential pairs", "sequential"),
        ("timing", "timing"), ("pairs + timing", "pairs+timing"),
        ("ref: pandas self-merge pairs", "ref_merge"),
        ("ref: mlxtend fpgrowth", "ref_fpgrowth"),
        ("ref: mlxtend association_rules", "ref_rules"),
        ("ref: pandas self-merge sequential", "ref_seq_merge"),
        ("ref: pandas groupby.apply timing", "ref_timing_apply"),
    ]
    header = ["seconds"] + [f"{int(r['lines']):,} lines" for r in results]
    table = [header, ["orders in window"] + [f"{int(r['orders']):,}" for r in results],
             ["pairs found"] + [f"{int(r['pair_rows']):,}" for r in results]]
    table += [[label] + [_fmt(r.get(key)) for r in results] for label, key in rows]
    ratios = [
        ("fpgrowth+rules / ppdesk pairs", ("ref_fpgrowth", "ref_rules"), ("pairs",)),
        ("fpgrowth+rules / ppdesk pairs+timing", ("ref_fpgrowth", "ref_rules"),
         ("pairs+timing",)),
        ("self-merge / ppdesk pairs", ("ref_merge",), ("pairs",)),
        ("self-merge / ppdesk sequential", ("ref_seq_merge",), ("sequential",)),
        ("groupby.apply / ppdesk timing", ("ref_timing_apply",), ("timing",)),
    ]
    for label, num, den in ratios:
        cells = []
        for r in results:
            if all(k in r for k in num + den):
                cells.append(f"{sum(r[k] for k in num) / sum(r[k] for k in den):.0f}x")
            else:
                cells.append("-")
        table.append([label] + cells)
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table if results else []:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    if args.store_csv:
        run_store(args.store_csv, args.store_home, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
