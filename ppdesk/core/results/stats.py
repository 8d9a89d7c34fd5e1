"""The statistics behind the verdicts: intervals and tests, small and written out.

- ``wilson``: Wilson score interval of one proportion.
- ``newcombe_diff``: Newcombe's hybrid score interval (his method 10) for the
  difference of two independent proportions; it behaves where Wald fails (0 or
  all conversions, small groups).
- ``welch_diff``: Welch's t interval for a difference of means with unequal
  variances (revenue per customer is skewed and the groups differ in size).
- ``two_proportion_p``: the pooled two-proportion z-test, two-sided.
- ``weighted_rate_diff``: difference of ``m1*p1 - m2*p2`` (margin per offer view)
  with a Wald interval; with ``m1 == m2`` it is the unpooled two-proportion test.
Every function returns NaN where the data cannot say anything (empty group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The normal quantile and tail come from math (exact to double precision); scipy.stats is
# imported only for Welch's t quantile, inside welch_diff, because importing it costs about
# 0.3 s, which every `ppdesk report` and every opening of the Results page paid up front.
Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975); tests/core/results check it against scipy


def _two_sided_normal_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z: erfc(|z|/sqrt 2) = 2 * norm.sf(|z|)."""
    return math.erfc(abs(z) / math.sqrt(2.0))


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return bool(self.low > 0 or self.high < 0)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval (low, high) of ``successes / n``."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe_diff(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Interval:
    """Difference ``x1/n1 - x2/n2`` with Newcombe's hybrid score interval."""
    if n1 <= 0 or n2 <= 0:
        return Interval(math.nan, math.nan, math.nan)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(d, low, high)


def welch_diff(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> Interval:
    """Mean of ``a`` minus mean of ``b`` with Welch's t interval."""
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        d = float(np.mean(a) - np.mean(b)) if n1 and n2 else math.nan
        return Interval(d, math.nan, math.nan)
    m1, m2 = float(np.mean(a)), float(np.mean(b))
    v1, v2 = float(np.var(a, ddof=1)), float(np.var(b, ddof=1))
    se2 = v1 / n1 + v2 / n2
    d = m1 - m2
    if se2 == 0:
        return Interval(d, d, d)
    df = se2 ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    from scipy import stats as sps  # lazy: see the note at Z95

    t = float(sps.t.ppf(0.5 + level / 2, df))
    half = t * math.sqrt(se2)
    return Interval(d, d - half, d + half)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (NaN if undefined)."""
    if n1 <= 0 or n2 <= 0:
        return math.nan
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / se
    return _two_sided_normal_p(z)


def weighted_rate_diff(m1: float, x1: int, n1: int, m2: float, x2: int, n2: int,
                       z: float = Z95) -> tuple[Interval, float]:
    """``m1*x1/n1 - m2*x2/n2`` with a Wald interval and two-sided p-value.

    Used for margin per offer view, where ``m`` is the margin per order taken
    (treated as known: the take rate is the uncertain part).
    """
    if n1 <= 0 or n2 <= 0:
        return Interval(math.nan, math.nan, math.nan), math.nan
    p1, p2 = x1 / n1, x2 / n2
    d = m1 * p1 - m2 * p2
    se = math.sqrt(m1 * m1 * p1 * (1 - p1) / n1 + m2 * m2 * p2 * (1 - p2) / n2)
    if se == 0:
        return Interval(d, d, d), (1.0 if d == 0 else 0.0)
    p_value = _two_sided_normal_p(d / se)
    return Interval(d, d - z * se, d + z * se), p_value
