"""Same-order pair counting: numpy ``co_occurrences`` beside scipy.sparse ``X.T @ X`` (the
previous implementation, the anchor) on the same random baskets, in one run.

    .venv/bin/python benchmarks/bench_pair_counts.py

ppdesk counts pairs without scipy so that ``ppdesk pairs`` does not pay ~0.27 s to
import scipy's array-API layer; this shows what the counting itself costs in exchange.
Both results are checked equal before the figures are printed. Best of 3.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy import sparse

from ppdesk.core.analytics.pairs import co_occurrences

SIZES = [(100_000, 1_000, 300_000), (400_000, 5_000, 1_000_000), (200_000, 800, 2_000_000)]


def _sparse_counts(order: np.ndarray, product: np.ndarray, n_orders: int,
                   n_products: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = sparse.csr_matrix((np.ones(len(order), np.int32), (order, product)),
                          shape=(n_orders, n_products))
    x.sum_duplicates()
    x.data[:] = 1
    multi = x[np.diff(x.indptr) >= 2]
    both = sparse.triu(multi.T.tocsr() @ multi, k=1).tocoo()
    return both.row.astype(np.int64), both.col.astype(np.int64), both.data.astype(np.int64)


def _best(run: Callable[..., object], *args: object) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    for n_orders, n_products, lines in SIZES:
        order = np.sort(rng.integers(0, n_orders, lines))
        product = (rng.zipf(1.3, lines) - 1) % n_products  # a few best sellers, a long tail
        a, b, k = _sparse_counts(order, product, n_orders, n_products)
        a2, b2, k2, _ = co_occurrences(order, product, n_products)
        at = np.lexsort((b, a))
        if not (np.array_equal(a[at], a2) and np.array_equal(b[at], b2)
                and np.array_equal(k[at], k2)):
            raise SystemExit("the two counts differ")
        ours = _best(co_occurrences, order, product, n_products)
        anchor = _best(_sparse_counts, order, product, n_orders, n_products)
        print(f"{lines:>9,} lines {n_products:>5,} products {len(a2):>9,} pairs   "
              f"numpy {ours:6.3f} s   scipy.sparse {anchor:6.3f} s   ratio {ours / anchor:4.2f}x")


if __name__ == "__main__":
    main()
