"""The vectorised statistics against exact and independent implementations."""

from __future__ import annotations

import math
import random
import statistics

import numpy as np
import pytest
from analytics_reference import hypergeom_tail, median_ci
from scipy.stats import hypergeom

from ppdesk.core.analytics import stats


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
