"""Discount tests: the winner rule on hand-worked cases.

Case A (two levels, 200 views each): 15% took 30 (margin 6.00 each), 0% took 10 (margin 6.00
each, same margin to keep the arithmetic short). Margin per view 0.90 vs 0.30; difference
0.60; se = sqrt(6^2 x .15 x .85 / 200 + 6^2 x .05 x .95 / 200) = 6 x 0.0295804 = 0.1774824;
z = 3.3806, p = 0.000723 < 0.05 and every level has 100+ views -> 15% wins.
Case B: the same rates on 50 views each -> "not enough data yet" (fewer than 100 views).
Case C: a third level (10%, 200 views, 28 takes at 6.00 = 0.84 per view) is within chance
of the leader -> no winner, "could be chance".
"""

from __future__ import annotations

import pandas as pd
import pytest

from ppdesk.core.results.discount_tests import discount_tests


def _rows(levels: list[tuple[int, float, int, int, float]]) -> pd.DataFrame:
    """(variant, percent, saw, took, margin per take) -> offer rows as offer_figures makes."""
    rows = []
    for variant, pct, saw, took, m in levels:
        rows.append({"offer_id": 1, "offer": "Alpha -> Beta", "variant": variant,
                     "discount_percent": pct, "discount_code": f"C{variant}", "week": "all",
                     "orders_saw": saw, "orders_took": took, "take_rate": took / saw,
                     "margin": took * m, "margin_per_view": took * m / saw})
    frame = pd.DataFrame(rows)
    frame["variant"] = frame["variant"].astype("Int64")
    return frame


def test_clear_winner() -> None:
    out = discount_tests(_rows([(0, 15.0, 200, 30, 6.0), (1, 0.0, 200, 10, 6.0)]))
    lead = out[out["leader"]].iloc[0]
    other = out[~out["leader"]].iloc[0]
    assert lead["variant"] == 0 and bool(lead["winner"])
    assert other["margin_diff_vs_leader"] == pytest.approx(0.6)
    se = 6 * 0.0295804
    assert (other["margin_diff_ci_low"], other["margin_diff_ci_high"]) == pytest.approx(
        (0.6 - 1.959964 * se, 0.6 + 1.959964 * se), abs=1e-5)
    assert other["margin_p_vs_leader"] == pytest.approx(0.000723, abs=2e-6)
    assert lead["verdict"].startswith("15% wins: $0.90 margin per order")


def test_too_few_views() -> None:
    out = discount_tests(_rows([(0, 15.0, 50, 8, 6.0), (1, 0.0, 50, 2, 6.0)]))
    assert not out["winner"].any()
    assert out["verdict"].iloc[0].startswith("Not enough data yet: the level seen least has 50")


def test_lead_within_chance_of_one_level() -> None:
    out = discount_tests(_rows([(0, 15.0, 200, 30, 6.0), (1, 10.0, 200, 28, 6.0),
                                (2, 0.0, 200, 10, 6.0)]))
    assert not out["winner"].any()
    assert bool(out.loc[out["variant"] == 0, "leader"].iloc[0])
    assert "could be chance" in out["verdict"].iloc[0]


def test_single_level_offers_are_not_tests() -> None:
    assert discount_tests(_rows([(0, 15.0, 200, 30, 6.0)])).empty
