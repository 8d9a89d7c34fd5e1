"""Vectorised statistics for analytics: no Python loop per group, pair or row.

- Grouped order statistics: values are sorted once by (group, value); each group's
  quantiles and the distribution-free confidence interval of its median are read
  off by index arithmetic. Quantiles interpolate linearly between order statistics
  (numpy's default, the same as ``statistics.quantiles(method="inclusive")``).
- ``hypergeom_sf``: the fluke guard's one-sided hypergeometric tail for many pairs.
- ``group_starts``/``unique_triples``: run boundaries and sorted distinct rows.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

# Largest (groups x distinct values) table kept as a histogram instead of sorting (32 MB).
_HISTOGRAM_CELLS = 4_000_000


@dataclass(frozen=True)
class SortedGroups:
    """Values ordered within their groups; group g spans positions ``starts[g]`` to
    ``starts[g] + sizes[g] - 1``, read with :meth:`at`.

    Whole-day values over a small range are kept as a per-group histogram: the value
    at a sorted position is found in the cumulative counts, no sort at all.
    """

    starts: np.ndarray
    sizes: np.ndarray
    ordered: np.ndarray | None = None      # the sorted values, or ...
    cumulative: np.ndarray | None = None   # ... cumulative counts of (group, value) cells
    span: int = 0
    low: int = 0

    def at(self, positions: np.ndarray) -> np.ndarray:
        """The values at global sorted ``positions``."""
        if self.ordered is not None:
            return self.ordered[positions]
        assert self.cumulative is not None
        cell = np.searchsorted(self.cumulative, positions, side="right")
        return (cell % self.span + self.low).astype(np.float64)


def sort_groups(group: np.ndarray, values: np.ndarray, n_groups: int) -> SortedGroups:
    """Order ``values`` within groups: a histogram or one integer sort for whole days."""
    group = np.asarray(group, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    sizes = np.bincount(group, minlength=n_groups).astype(np.int64)
    starts = np.cumsum(sizes) - sizes
    if len(values) == 0:
        return SortedGroups(starts, sizes, ordered=values)
    low, high = values.min(), values.max()
    span = int(high - low + 1) if np.isfinite(high - low) else 0
    whole = np.array_equal(values, np.floor(values))
    if whole and 0 < span * max(n_groups, 1) <= _HISTOGRAM_CELLS:
        key = group * span + (values - low).astype(np.int64)
        counts = np.bincount(key, minlength=max(n_groups, 1) * span)
        return SortedGroups(starts, sizes, cumulative=np.cumsum(counts), span=span,
                            low=int(low))
    if whole and span * max(n_groups, 1) < 2.0 ** 62:
        # Sort one int64 key instead of an argsort of two columns.
        key = group * span + (values - low).astype(np.int64)
        key.sort()
        return SortedGroups(starts, sizes,
                            ordered=(key % span + int(low)).astype(np.float64))
    return SortedGroups(starts, sizes, ordered=values[np.lexsort((values, group))])


def _sorted(group: np.ndarray | SortedGroups, values: np.ndarray | None,
            n_groups: int) -> SortedGroups:
    if isinstance(group, SortedGroups):
        return group
    if values is None:
        raise TypeError("values are needed unless already sorted groups are given")
    return sort_groups(group, values, n_groups)


def group_quantiles(group: np.ndarray | SortedGroups, values: np.ndarray | None = None,
                    n_groups: int = 0, qs: tuple[float, ...] = (0.5,)) -> list[np.ndarray]:
    """For each q in ``qs``, an array with every group's q-quantile (NaN for empty groups)."""
    data = _sorted(group, values, n_groups)
    return [_quantile(data, q) for q in qs]


def _quantile(data: SortedGroups, q: float) -> np.ndarray:
    starts, sizes = data.starts, data.sizes
    out = np.full(len(sizes), np.nan)
    has = sizes > 0
    pos = q * (sizes[has] - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, sizes[has] - 1)
    frac = pos - lo
    base = starts[has]
    low_v, high_v = data.at(base + lo), data.at(base + hi)
    out[has] = low_v + frac * (high_v - low_v)
    return out


def median_ci(group: np.ndarray | SortedGroups, values: np.ndarray | None = None,
              n_groups: int = 0, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Distribution-free confidence interval of each group's median (NaN when too few values).

    With values sorted x(1) <= ... <= x(n), the interval [x(l), x(n-l+1)] holds the
    true median with probability 1 - 2 P(B <= l-1), B ~ Binomial(n, 1/2); l is the
    largest rank keeping that at or above ``level``. Needs n >= 6 at 95 %.
    """
    data = _sorted(group, values, n_groups)
    starts, sizes = data.starts, data.sizes
    count = len(sizes)
    low = np.full(count, np.nan)
    high = np.full(count, np.nan)
    alpha = (1.0 - level) / 2.0
    # The smallest k with P(B <= k) >= alpha; P(B <= k-1) < alpha then.
    rank = np.zeros(count, dtype=np.int64)
    has = sizes > 0
    rank[has] = half_binom_ppf(alpha, sizes[has])
    ok = rank >= 1
    low[ok] = data.at(starts[ok] + rank[ok] - 1)
    high[ok] = data.at(starts[ok] + sizes[ok] - rank[ok])
    return low, high


def half_binom_ppf(alpha: float, n: np.ndarray) -> np.ndarray:
    """The smallest k with P(B <= k) >= alpha, B ~ Binomial(n, 1/2), for each n >= 1
    (scipy's ``binom.ppf(alpha, n, 0.5)``, which costs ~0.6 s of start-up to import).

    Starts from the normal approximation and steps to the exact rank with the exact
    lower tail; once per distinct n.
    """
    sizes, back = np.unique(np.asarray(n, dtype=np.int64), return_inverse=True)
    half = sizes / 2.0
    z = statistics.NormalDist().inv_cdf(alpha)
    k = np.clip(np.floor(half + z * np.sqrt(sizes) / 2.0), 0, sizes).astype(np.float64)
    sizes_f = sizes.astype(np.float64)
    for _ in range(len(sizes) + 64):  # a few passes in practice; bounded for safety
        up = _half_binom_cdf(k, sizes_f) < alpha
        down = ~up & (k > 0)
        down[down] = _half_binom_cdf(k[down] - 1.0, sizes_f[down]) >= alpha
        if not (up.any() or down.any()):
            break
        k = k + up - down
    return k.astype(np.int64)[back]


def _half_binom_cdf(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """P(B <= k), B ~ Binomial(n, 1/2), summed down from k until the terms vanish."""
    out = np.ones(len(k))
    inside = k < n
    k, n = k[inside], n[inside]
    log_first = _log_binom_pmf(k, n, np.full(len(k), 0.5), np.full(len(k), 0.5))
    term = np.ones(len(k))
    total = np.ones(len(k))
    x = k.copy()
    active = np.arange(len(k))
    offsets = np.arange(_BLOCK, dtype=np.float64)
    while active.size:
        at = x[active, None] - offsets  # pmf(at - 1) / pmf(at) = at / (n - at + 1)
        ratio = np.maximum(at, 0.0) / (n[active, None] - at + 1.0)
        terms = term[active, None] * np.cumprod(ratio, axis=1)
        total[active] += terms.sum(axis=1)
        term[active] = terms[:, -1]
        x[active] -= _BLOCK
        active = active[term[active] > 1e-17 * total[active]]
    out[inside] = np.minimum(np.exp(log_first) * total, 1.0)
    return out


def round_half_up(values: np.ndarray) -> np.ndarray:
    """Round to whole numbers with halves going up (13.5 -> 14), as a merchant expects."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5)


def group_starts(*columns: np.ndarray) -> np.ndarray:
    """True where a row starts a new run of equal values in all ``columns`` (rows pre-sorted)."""
    n = len(columns[0])
    starts = np.ones(n, dtype=bool)
    if n > 1:
        changed = np.zeros(n - 1, dtype=bool)
        for column in columns:
            changed |= column[1:] != column[:-1]
        starts[1:] = changed
    return starts


# Loader's saddle-point form of the binomial pmf ("Fast and accurate computation of
# binomial probabilities", 2000; also R's dbinom/dhyper). A log-factorial table or
# lgamma differences would subtract numbers near n log n (1.4e7 for a million
# orders) and keep only ~1e-9 of the difference; here the large parts cancel
# analytically, so the pmf keeps ~1e-14 relative accuracy at any count, in numpy
# alone (scipy.special costs ~0.3 s of start-up for one function).
_LN_2PI = math.log(2.0 * math.pi)
_STIRLING_TABLE = 16  # below this, stirlerr from exact log-factorials (16 values)
_STIRLERR = np.array([0.0] + [math.lgamma(n + 1.0) - (n + 0.5) * math.log(n) + n
                              - 0.5 * _LN_2PI for n in range(1, _STIRLING_TABLE)])
_BD0_TERMS = 12  # |v| < 0.1 in the series: 12 terms reach below 1e-22 of the sum


def _stirlerr(n: np.ndarray) -> np.ndarray:
    """log(n!) - log(sqrt(2 pi n) (n/e)^n) for whole n >= 0 (0 at n = 0)."""
    small = n < _STIRLING_TABLE
    table = _STIRLERR[np.where(small, n, 0).astype(np.int64)]
    nn = np.maximum(n, 1.0) ** 2
    series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn
              ) / np.maximum(n, 1.0)
    return np.where(small, table, series)


def _bd0(x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """x log(x / mean) + mean - x (the deviance term), accurate when x is near mean."""
    x = np.asarray(x, dtype=np.float64)
    mean = np.maximum(mean, 1e-300)
    near = np.abs(x - mean) < 0.1 * (x + mean)
    v = np.where(near, (x - mean) / (x + mean), 0.0)
    total = (x - mean) * v
    term = 2.0 * x * v
    for j in range(1, _BD0_TERMS):  # a fixed count of array passes, not a loop per value
        term = term * v * v
        total = total + term / (2 * j + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        far = x * np.log(np.where(x > 0, x, 1.0) / mean) + mean - x
    return np.where(near, total, far)


def _log_binom_pmf(x: np.ndarray, n: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """log P(B = x), B ~ Binomial(n, p), q = 1 - p given separately; 0 <= x <= n, 0 < p < 1."""
    # Interior formula on stand-in values where x is 0 or n (chosen below by np.where).
    safe_n = np.maximum(n, 2.0)
    inner = np.clip(x, 1.0, safe_n - 1.0)
    lc = (_stirlerr(safe_n) - _stirlerr(inner) - _stirlerr(safe_n - inner)
          - _bd0(inner, safe_n * p) - _bd0(safe_n - inner, safe_n * q))
    lf = _LN_2PI + np.log(inner) + np.log1p(-inner / safe_n)
    none = np.where(p < 0.1, -_bd0(n, n * q) - n * p, n * np.log(q))  # x = 0
    every = np.where(q < 0.1, -_bd0(n, n * p) - n * q, n * np.log(p))  # x = n
    out = np.where(x <= 0, none, np.where(x >= n, every, lc - 0.5 * lf))
    return np.where(n <= 0, 0.0, out)


def log_hypergeom_pmf(k: np.ndarray, total: np.ndarray, good: np.ndarray,
                      draws: np.ndarray) -> np.ndarray:
    """log P(X = k), X ~ Hypergeometric(total, good, draws), for k inside the support and
    0 < draws < total: the ratio of three binomial pmfs at p = draws / total."""
    p = draws / total
    q = (total - draws) / total
    return (_log_binom_pmf(k, good, p, q) + _log_binom_pmf(draws - k, total - good, p, q)
            - _log_binom_pmf(draws, total, p, q))


def hypergeom_sf(k: np.ndarray, total: np.ndarray | int, good: np.ndarray | int,
                 draws: np.ndarray | int) -> np.ndarray:
    """P(X >= k) for X ~ Hypergeometric(total, good, draws), vectorised.

    scipy's ``hypergeom.sf`` costs about half a millisecond per value once the counts
    reach the tens of thousands; here every value is summed from its starting term
    with the ratio of consecutive terms, all values at once, until the terms no
    longer change the sum. Above the mean the upper tail is summed; at or below it,
    1 - (the lower tail below k), so each sum starts near its largest term.
    """
    k, n_all, n_good, n_draw = (np.asarray(a, dtype=np.float64).ravel() for a in
                                np.broadcast_arrays(k, total, good, draws))
    low = np.maximum(0.0, n_draw - (n_all - n_good))
    high = np.minimum(n_good, n_draw)
    out = np.where(k <= low, 1.0, 0.0)
    inside = (k > low) & (k <= high)
    mean = n_good * n_draw / np.maximum(n_all, 1.0)
    up = inside & (k > mean)
    down = inside & ~up
    if up.any():
        out[up] = _tail(k[up], n_all[up], n_good[up], n_draw[up], step=1)
    if down.any():
        out[down] = 1.0 - _tail(k[down] - 1, n_all[down], n_good[down], n_draw[down], step=-1)
    return np.clip(out, 0.0, 1.0)


_BLOCK = 16  # terms summed per pass: fewer Python-level passes, a little extra arithmetic


def _tail(start: np.ndarray, n_all: np.ndarray, n_good: np.ndarray, n_draw: np.ndarray, *,
          step: int) -> np.ndarray:
    """Sum of the pmf from ``start`` moving by ``step`` until the terms vanish.

    Each pass adds the next ``_BLOCK`` terms of every unfinished value at once (a
    cumulative product of the term ratios). Past the end of the support a ratio
    is zero, so the extra terms add nothing.
    """
    log_first = log_hypergeom_pmf(start, n_all, n_good, n_draw)
    term = np.ones(len(start))
    total = np.ones(len(start))
    i = start.copy()
    active = np.arange(len(start))
    rest = n_all - n_good - n_draw
    offsets = np.arange(_BLOCK, dtype=np.float64) * step
    while active.size:
        x = i[active, None] + offsets  # the position each ratio moves away from
        good, draw, other = n_good[active, None], n_draw[active, None], rest[active, None]
        if step > 0:
            ratio = (good - x) * (draw - x) / ((x + 1.0) * (other + x + 1.0))
        else:
            ratio = x * (other + x) / ((good - x + 1.0) * (draw - x + 1.0))
        np.maximum(ratio, 0.0, out=ratio)  # beyond the support: no more terms
        terms = term[active, None] * np.cumprod(ratio, axis=1)
        total[active] += terms.sum(axis=1)
        term[active] = terms[:, -1]
        i[active] += step * _BLOCK
        active = active[term[active] > 1e-17 * total[active]]
    return np.exp(log_first) * total


def unique_triples(a: np.ndarray, b: np.ndarray, c: np.ndarray,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (a, b, c) rows of non-negative int arrays, sorted by a, then b, then c.

    Packs each row into one int64 when the ranges allow (one sort instead of an
    argsort of three columns); falls back to ``np.lexsort`` otherwise.
    """
    if len(a) == 0:
        return a, b, c
    nb, nc = int(b.max()) + 1, int(c.max()) + 1
    if (int(a.max()) + 1) * nb * nc < 2 ** 62:
        key = np.sort((a * nb + b) * nc + c)  # np.unique hashes (slower) in numpy 2.x
        key = key[group_starts(key)]
        ab, c_out = np.divmod(key, nc)
        a_out, b_out = np.divmod(ab, nb)
        return a_out, b_out, c_out
    order = np.lexsort((c, b, a))
    a, b, c = a[order], b[order], c[order]
    keep = group_starts(a, b, c)
    return a[keep], b[keep], c[keep]


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of one family of tests.

    Sorted ascending, q_(i) = min over j >= i of p_(j) x m / j, capped at 1: the
    smallest false discovery rate at which the test would be called a discovery.
    """
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    if m == 0:
        return np.zeros(0)
    order = np.argsort(p, kind="stable")
    # p x (m / rank), not (p x m) / rank: the factor is >= 1 exactly, so rounding can
    # never leave a q-value below its own p-value.
    scaled = p[order] * (m / np.arange(1, m + 1, dtype=np.float64))
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q
