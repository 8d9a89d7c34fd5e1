"""Intervals and tests against hand-worked values, and the lift of a store built for them.

Hand-worked case (z = 1.959964, z^2 = 3.841459):
- received 40 customers, 10 converted (p1 = 0.25); holdout 30, 3 converted (p2 = 0.10).
- Wilson(10, 40): denom = 1 + 3.841459/40 = 1.0960365; centre = (0.25 + 3.841459/80) / denom
  = 0.2980182 / 1.0960365 = 0.2719054; half = 1.959964 x sqrt(0.25 x 0.75/40 + 3.841459/6400)
  / denom = 1.959964 x 0.0727168 / 1.0960365 = 0.1300342 -> (0.1418712, 0.4019396).
- Wilson(3, 30): denom = 1.1280486; centre = (0.1 + 0.0640243) / denom = 0.1454048;
  half = 1.959964 x sqrt(0.003 + 0.0010672) / denom = 0.1108054 -> (0.0345999, 0.2562108).
- Newcombe: d = 0.15; low = 0.15 - sqrt((0.25 - 0.1418712)^2 + (0.2562108 - 0.1)^2)
  = 0.15 - sqrt(0.0116919 + 0.0244018) = 0.15 - 0.1899833 = -0.0399833;
  high = 0.15 + sqrt((0.4019396 - 0.25)^2 + (0.1 - 0.0345999)^2) = 0.15 + 0.1654171 = 0.3154171.
- Revenue: received 10 x 50.00 and 30 x 0 (mean 12.5, variance 18750/39 = 480.76923);
  holdout 3 x 40.00 and 27 x 0 (mean 4, variance 4320/29 = 148.96552). se^2 = 480.76923/40
  + 148.96552/30 = 12.019231 + 4.965517 = 16.984748, se = 4.121256; Welch df =
  16.984748^2 / (12.019231^2/39 + 4.965517^2/29) = 288.48 / 4.55433 = 63.34;
  t(0.975, 63.34) = 1.99813; half = 8.23480 -> 8.5 +- 8.2348 = (0.2652, 16.7348).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from results_builders import Order, Send, add_sends, load_orders

from ppdesk.core.offers.variants import variant_for_order
from ppdesk.core.results import stats
from ppdesk.core.results.offers import variant_positions
from ppdesk.core.results.report import build_report
from ppdesk.core.store import open_store

RATE_CI = (-0.0399833, 0.3154171)
REVENUE_CI = (0.2652, 16.7348)


def test_wilson_hand_case() -> None:
    assert stats.wilson(10, 40) == pytest.approx((0.1418712, 0.4019396), abs=1e-6)
    assert stats.wilson(3, 30) == pytest.approx((0.0345999, 0.2562108), abs=1e-6)
    assert stats.wilson(0, 10)[0] == 0.0


def test_newcombe_hand_case() -> None:
    iv = stats.newcombe_diff(10, 40, 3, 30)
    assert iv.estimate == pytest.approx(0.15)
    assert (iv.low, iv.high) == pytest.approx(RATE_CI, abs=1e-6)
    assert not iv.excludes_zero


def test_welch_hand_case() -> None:
    a = np.array([50.0] * 10 + [0.0] * 30)
    b = np.array([40.0] * 3 + [0.0] * 27)
    iv = stats.welch_diff(a, b)
    assert iv.estimate == pytest.approx(8.5)
    assert (iv.low, iv.high) == pytest.approx(REVENUE_CI, abs=1e-3)
    assert iv.excludes_zero


def test_two_proportion_hand_case() -> None:
    # pooled p = 13/70; se = sqrt(p(1-p)(1/40 + 1/30)) = 0.0939225; z = 0.15/se = 1.597062
    # two-sided p = 2 x (1 - Phi(1.597062)) = 0.110252
    assert stats.two_proportion_p(10, 40, 3, 30) == pytest.approx(0.110252, abs=1e-5)


def test_weighted_rate_diff_equals_unpooled_test_with_equal_margins() -> None:
    # 30/200 vs 10/200 with equal margin 1: d = 0.1, se = sqrt(.15*.85/200 + .05*.95/200)
    # = sqrt(0.0006375 + 0.0002375) = 0.0295804; z = 3.380617; p = 0.000723
    iv, p = stats.weighted_rate_diff(1.0, 30, 200, 1.0, 10, 200)
    assert iv.estimate == pytest.approx(0.1)
    assert (iv.low, iv.high) == pytest.approx((0.1 - 1.959964 * 0.0295804,
                                               0.1 + 1.959964 * 0.0295804), abs=1e-6)
    assert p == pytest.approx(0.000723, abs=2e-6)


def test_variant_positions_agree_with_variant_for_order() -> None:
    rng = random.Random(7)
    numbers = ["#1001", "1002", "", "no digits", "SO-77-12", "#" + "9" * 30, "٣٤"]
    numbers += [f"#{rng.randrange(10 ** rng.randrange(1, 22))}" for _ in range(500)]
    counts = np.array([rng.choice([1, 2, 3]) for _ in numbers])
    got = variant_positions(pd.Series(numbers), counts)
    expected = [variant_for_order(n, int(c)) for n, c in zip(numbers, counts, strict=True)]
    assert got.tolist() == expected


def test_lift_on_the_hand_worked_store(home: Path, tmp_path: Path) -> None:
    """40 received (10 buy 50.00), 30 held out (3 buy 40.00): the report gives the hand CIs."""
    store = open_store(home)
    first = [Order(f"#{2000 + i}", f"r{i}@example.com", "2026-03-01 10:00:00 +0000",
                   [("SKU-A", "Alpha", 1, 20.0)], 20.0) for i in range(40)]
    first += [Order(f"#{3000 + i}", f"h{i}@example.com", "2026-03-01 10:00:00 +0000",
                    [("SKU-A", "Alpha", 1, 20.0)], 20.0) for i in range(30)]
    later = [Order(f"#{4000 + i}", f"r{i}@example.com", "2026-03-05 10:00:00 +0000",
                   [("SKU-C", "Gamma", 1, 50.0)], 50.0) for i in range(10)]
    later += [Order(f"#{5000 + i}", f"h{i}@example.com", "2026-03-06 10:00:00 +0000",
                    [("SKU-C", "Gamma", 1, 40.0)], 40.0) for i in range(3)]
    # an order after every window (03-08 10:00) closes, by someone outside both groups
    later.append(Order("#9000", "other@example.com", "2026-03-20 10:00:00 +0000",
                       [("SKU-A", "Alpha", 1, 20.0)], 20.0))
    load_orders(store, tmp_path, first + later)
    sent = "2026-03-03T10:00:00+00:00"
    add_sends(store, [Send("cross_sell", f"r{i}@example.com", sent) for i in range(40)]
              + [Send("cross_sell", f"h{i}@example.com", None, holdout=True, due_at=sent)
                 for i in range(30)])
    row = build_report(store).lift.set_index("flow").loc["cross_sell"]
    assert (row["received"], row["holdout"], row["pending"]) == (40, 30, 0)
    assert (row["received_converted"], row["holdout_converted"]) == (10, 3)
    assert (row["rate_ci_low"], row["rate_ci_high"]) == pytest.approx(RATE_CI, abs=1e-6)
    assert (row["revenue_ci_low"], row["revenue_ci_high"]) == pytest.approx(REVENUE_CI, abs=1e-3)
    assert row["received_revenue_per_customer"] == pytest.approx(12.5)
    assert row["holdout_revenue_per_customer"] == pytest.approx(4.0)
    assert row["rate_p_value"] == pytest.approx(0.110252, abs=1e-5)
    # conversion could be chance, revenue per customer is not: the verdict says revenue
    assert bool(row["significant"]) is True
    assert "raises revenue" in row["verdict"]


def test_no_delivered_email_and_no_holdout_gives_no_outcomes() -> None:
    """Regression: pandas 3 failed to join empty Arrow string keys (seen in a CI run)."""
    import pandas as pd

    from ppdesk.core.results import lift

    t = pd.Timestamp("2026-03-01 10:00")
    messages = pd.DataFrame({"flow": pd.Series(["cross_sell"], dtype="str"), "customer_id": [1],
                             "send_time": [t], "delivered": [False]})
    held = pd.DataFrame({"flow": pd.Series([], dtype="str"),
                         "customer_id": pd.Series([], dtype="int64"),
                         "send_time": pd.Series([], dtype="datetime64[ns]")})
    orders = pd.DataFrame({"customer_id": [1], "utc": [t + pd.Timedelta(days=1)],
                           "revenue": [10.0], "included": [True]})
    out = lift.customer_outcomes(messages, held, orders, 5, t + pd.Timedelta(days=10))
    assert len(out) == 0
    assert {"orders", "revenue", "converted", "pending"} <= set(out.columns)


def test_normal_tail_and_quantile_agree_with_scipy() -> None:
    # stats.py avoids importing scipy.stats at start-up; its closed forms must equal scipy's.
    from scipy import stats as sps

    assert float(sps.norm.ppf(0.975)) == pytest.approx(stats.Z95, rel=1e-15)
    for z in (0.0, 0.3, 1.0, 1.96, 2.5, 4.0, 8.0, -3.2):
        expected = float(2 * sps.norm.sf(abs(z)))
        assert stats._two_sided_normal_p(z) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_importing_results_stats_does_not_load_scipy_stats() -> None:
    import subprocess
    import sys

    code = ("import sys; import ppdesk.core.results.stats, ppdesk.core.results.lift; "
            "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
