"""The vectorised statistics against exact and independent implementations."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest
from analytics_reference import hypergeom_tail, median_ci
from scipy.stats import binom, hypergeom

from ppdesk.core.analytics import stats
from ppdesk.core.analytics.pairs import co_occurrences


def test_hypergeom_sf_is_exact_on_small_counts() -> None:
    rng = random.Random(3)
    cases = []
    for _ in range(400):
        total = rng.randint(1, 40)
        good, draws = rng.randint(0, total), rng.randint(0, total)
        cases.append((rng.randint(-1, total + 1), total, good, draws))
    k, total, good, draws = (np.array(c) for c in zip(*cases, strict=True))
    got = stats.hypergeom_sf(k, total, good, draws)
    for value, (kk, tt, gg, dd) in zip(got, cases, strict=True):
        expected = 1.0 if kk <= 0 else hypergeom_tail(kk, tt, gg, dd)
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-15), (kk, tt, gg, dd)


def test_hypergeom_sf_agrees_with_scipy_on_large_counts() -> None:
    rng = np.random.default_rng(5)
    total = 200_000
    good = rng.integers(1, 40_000, 300)
    draws = rng.integers(1, 40_000, 300)
    mean = good * draws / total
    k = np.maximum(1, (mean * rng.uniform(0.3, 2.5, 300)).astype(np.int64))
    k = np.minimum(k, np.minimum(good, draws))
    expected = hypergeom.sf(k - 1, total, good, draws)
    got = stats.hypergeom_sf(k, total, good, draws)
    tiny = expected < 1e-300
    assert np.all(got[tiny] < 1e-290)
    assert np.allclose(got[~tiny], expected[~tiny], rtol=1e-7, atol=0)


@pytest.mark.parametrize("total", [7, 60, 1_000, 25_000, 300_000, 1_000_000])
def test_hypergeom_sf_matches_scipy_everywhere_in_the_support(total: int) -> None:
    # Random (N, K, n, k) over the whole support, from the far lower tail (p ~ 1) to
    # the far upper tail (p far below 1e-300), to 1e-9 relative. Below 1e-300 scipy
    # itself returns subnormals or 0 (no relative accuracy is possible there): both
    # must then be below 1e-290, i.e. zero for every use a merchant sees.
    rng = np.random.default_rng(total)
    m = 3_000
    good = rng.integers(1, total, m, endpoint=True)
    draws = rng.integers(1, total, m, endpoint=True)
    low, high = np.maximum(0, draws - (total - good)), np.minimum(good, draws)
    mean = good * draws / total
    spread = np.sqrt(np.maximum(mean, 1.0))
    near = mean + spread * rng.normal(0.0, 6.0, m)  # around the mean, into both tails
    anywhere = low + rng.uniform(0.0, 1.0, m) * (high - low + 1)  # extreme tails too
    k = np.where(rng.uniform(size=m) < 0.5, near, anywhere).astype(np.int64)
    k = np.clip(k, low, high + 1)
    expected = hypergeom.sf(k - 1, total, good, draws)
    got = stats.hypergeom_sf(k, total, good, draws)
    assert np.all((got >= 0.0) & (got <= 1.0))
    tiny = expected < 1e-300
    assert np.all(got[tiny] < 1e-290)
    assert np.allclose(got[~tiny], expected[~tiny], rtol=1e-9, atol=0)
    assert np.count_nonzero(~tiny & (expected < 1e-12)) > 0 or total < 100  # tails covered


@pytest.mark.parametrize("alpha", [0.005, 0.025, 0.05, 0.2])
def test_half_binom_ppf_matches_scipy(alpha: float) -> None:
    n = np.r_[np.arange(1, 2_500), [4_999, 12_345, 50_000, 400_001]]
    expected = binom.ppf(alpha, n, 0.5).astype(np.int64)
    assert stats.half_binom_ppf(alpha, n).tolist() == expected.tolist()


def test_co_occurrences_count_distinct_groups_per_pair() -> None:
    # Brute force over sets; 3,000 items also takes the sparse (not dense) counting path.
    rng = np.random.default_rng(9)
    for n_items, n_rows in [(5, 40), (60, 2_000), (3_000, 20_000)]:
        group = rng.integers(0, n_rows // 4, n_rows)
        item = rng.integers(0, n_items, n_rows)
        held: dict[int, set[int]] = {}
        for g, i in zip(group.tolist(), item.tolist(), strict=True):
            held.setdefault(g, set()).add(i)
        expected: dict[tuple[int, int], int] = {}
        per_item = [0] * n_items
        for items in held.values():
            for i in items:
                per_item[i] += 1
            for x in items:
                for y in items:
                    if x < y:
                        expected[(x, y)] = expected.get((x, y), 0) + 1
        a, b, count, with_ = co_occurrences(group, item, n_items)
        got = dict(zip(zip(a.tolist(), b.tolist(), strict=True), count.tolist(), strict=True))
        assert got == expected
        assert list(zip(a.tolist(), b.tolist(), strict=True)) == sorted(expected)
        assert with_.tolist() == per_item


@pytest.mark.parametrize("n", [1, 2, 5, 6, 7, 10, 17, 40, 101])
@pytest.mark.parametrize("mode", ["histogram", "integer sort", "fractions"])
def test_median_interval_and_quantiles_per_group(n: int, mode: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(n)
    if mode != "histogram":
        monkeypatch.setattr(stats, "_HISTOGRAM_CELLS", 0)
    step = 0.5 if mode == "fractions" else 1.0
    groups = {g: [step * rng.randint(1, 60) for _ in range(n + g)] for g in range(3)}
    group = np.concatenate([np.full(len(v), g) for g, v in groups.items()])
    values = np.concatenate([v for v in groups.values()])
    shuffle = np.random.default_rng(n).permutation(len(values))
    group, values = group[shuffle], values[shuffle]
    low, high = stats.median_ci(group, values, 4)
    p25, p50 = stats.group_quantiles(group, values, 4, (0.25, 0.5))
    for g, vals in groups.items():
        ci = median_ci(vals)
        if ci is None:
            assert math.isnan(low[g]) and math.isnan(high[g])
        else:
            assert (low[g], high[g]) == ci
        assert p50[g] == statistics.median(vals)
        expected_q1 = vals[0] if len(vals) == 1 else statistics.quantiles(
            vals, n=4, method="inclusive")[0]
        assert p25[g] == pytest.approx(expected_q1)
    assert math.isnan(p50[3]) and math.isnan(low[3])  # an empty group


def test_round_half_up() -> None:
    assert stats.round_half_up(np.array([13.5, 14.5, 2.49, 0.5])).tolist() == [14, 15, 2, 1]
