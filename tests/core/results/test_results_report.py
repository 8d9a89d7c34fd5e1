"""build_report on the shared small store: every figure against hand-worked values.

The expected numbers come from the story in ``results_scenario`` (worked out by hand
there, per customer) and, for the totals, from plain-Python loops over the raw
orders and sends, never from the code under test.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import results_scenario as sc

from ppdesk.core.offers.variants import variant_for_order
from ppdesk.core.results.report import Report, build_report


@pytest.fixture
def report(home: Path, tmp_path: Path) -> Report:
    return build_report(sc.build(home, tmp_path))


def _row(frame: pd.DataFrame, **match: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in match.items():
        mask &= frame[key].isna() if value is None else frame[key] == value
    rows = frame[mask]
    assert len(rows) == 1, f"{match}: {len(rows)} rows"
    return rows.iloc[0]


def _utc(order: sc.Order) -> datetime:
    return datetime.strptime(order.created, "%Y-%m-%d %H:%M:%S %z")


def _included(order: sc.Order) -> bool:
    return not order.cancelled and order.status not in ("refunded", "voided")


CODES = {"THANKS15": 0, "THANKS10B": 1}
BOUNCED = {sc.e(5), sc.e(6)}  # 550 reply; hard-bounce suppression after the send


def _reference_credits() -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
    """Plain loops: order number -> offer variant, and -> (flow, email) of the credited send."""
    by_offer: dict[str, int] = {}
    for o in sc.ORDERS:
        if not _included(o):
            continue
        for code in o.code.split(","):
            if code.strip().upper() in CODES:
                by_offer[o.number] = CODES[code.strip().upper()]
                break
    delivered = [(s, datetime.fromisoformat(s.sent_at)) for s in sc.SENDS
                 if s.state == "sent" and not s.holdout and s.sent_at and s.email not in BOUNCED]
    by_email: dict[str, tuple[str, str]] = {}
    for o in sc.ORDERS:
        if not _included(o) or o.number in by_offer:
            continue
        t = _utc(o)
        hits = [(at, s) for s, at in delivered
                if s.email == o.email and at < t <= at + timedelta(days=5)]
        if hits:
            at, s = max(hits, key=lambda h: h[0])
            by_email[o.number] = (s.flow, s.email)
    return by_offer, by_email


def test_reference_credits_match_the_story() -> None:
    by_offer, by_email = _reference_credits()
    assert by_offer == {"#1028": 0, "#1031": 1}
    assert by_email == {"#1020": ("cross_sell", sc.e(1)), "#1024": ("cross_sell", sc.e(3)),
                        "#1025": ("replenishment", sc.e(4)), "#1030": ("cross_sell", sc.e(9))}


def test_flow_figures_per_week(report: Report) -> None:
    f = report.flows
    w10 = _row(f, flow="cross_sell", week="2026-W10")
    # c1..c7 sent (c5 rejected 550: sent and bounced); c6 bounced later; c11 (421) never sent
    assert (w10["sent"], w10["bounced"], w10["delivered"]) == (7, 2, 5)
    # c1 exactly at the 5-day edge (30.00) and c3's 06:00 -0500 order (12.00); not c2 (+1 s),
    # not c4 (last touch went to replenishment), not c7 (offer code), not c5/c6 (bounced)
    assert (w10["conversions"], w10["orders"]) == (2, 2)
    assert w10["revenue"] == pytest.approx(42.0)
    assert w10["conversion_rate"] == pytest.approx(2 / 5)
    assert w10["revenue_per_recipient"] == pytest.approx(42.0 / 5)
    assert w10["aov"] == pytest.approx(21.0)
    assert w10["cogs"] == pytest.approx(12.0 + 3.0)
    assert w10["margin"] == pytest.approx(42.0 - 15.0)
    assert w10["discount_cost"] == 0.0
    assert w10["week_start"] == pd.Timestamp("2026-03-02")
    assert "5 days" in w10["rule"] and "last" in w10["rule"]

    w11 = _row(f, flow="cross_sell", week="2026-W11")
    assert (w11["sent"], w11["delivered"], w11["conversions"]) == (1, 1, 1)
    assert w11["revenue"] == pytest.approx(10.0)
    assert w11["open_windows"] == 1  # sent 03-10, newest order 03-11: window still open

    total = _row(f, flow="cross_sell", week="all")
    counts = (total["sent"], total["bounced"], total["delivered"], total["conversions"])
    assert counts == (8, 2, 6, 3)
    assert total["revenue"] == pytest.approx(52.0)
    assert total["revenue_per_recipient"] == pytest.approx(52.0 / 6)

    rep = _row(f, flow="replenishment", week="all")
    assert (rep["sent"], rep["delivered"], rep["conversions"]) == (1, 1, 1)
    assert rep["revenue"] == pytest.approx(40.0)
    assert rep["aov"] == pytest.approx(40.0)
    assert rep["cogs"] == pytest.approx(12.0 + 3.0)


def test_flow_totals_match_reference_loops(report: Report) -> None:
    _, by_email = _reference_credits()
    total_by_flow: dict[str, float] = {}
    for o in sc.ORDERS:
        if o.number in by_email:
            flow = by_email[o.number][0]
            total_by_flow[flow] = total_by_flow.get(flow, 0.0) + o.total
    got = report.flows[report.flows["week"] == "all"].set_index("flow")["revenue"].to_dict()
    assert got == pytest.approx(total_by_flow)


def test_offer_views_takes_and_costs(report: Report) -> None:
    o = report.offers
    views = {0: 0, 1: 0}
    weekly_views: dict[tuple[int, str], int] = {}
    for order in sc.ORDERS:  # orders holding the trigger since the offer went live
        if (_included(order) and any(line[0] == "SKU-A" for line in order.lines)
                and order.created[:10] >= "2026-03-01"):
            v = variant_for_order(order.number, 2)
            views[v] += 1
            iso = datetime.strptime(order.created[:10], "%Y-%m-%d").isocalendar()
            week = f"2026-W{iso[1]:02d}"
            weekly_views[(v, week)] = weekly_views.get((v, week), 0) + 1
    v0 = _row(o, variant=0, week="all")
    v1 = _row(o, variant=1, week="all")
    assert (v0["orders_saw"], v1["orders_saw"]) == (views[0], views[1])
    # #1028 used "WELCOME5, THANKS15" (variant 0); #1031 "THANKS10B, THANKS15": once, variant 1
    assert (v0["orders_took"], v1["orders_took"]) == (1, 1)
    assert v0["take_rate"] == pytest.approx(1 / views[0])
    assert v0["revenue"] == pytest.approx(8.5)
    assert v0["discount_cost"] == pytest.approx(0.15 * 10.0)
    assert v1["discount_cost"] == pytest.approx(0.10 * 10.0)
    assert v0["margin"] == pytest.approx(8.5 - 3.0)
    assert v1["margin_per_view"] == pytest.approx((9.0 - 3.0) / views[1])
    assert v0["discount_code"] == "THANKS15"
    whole = _row(o, variant=None, week="all")
    assert whole["orders_saw"] == views[0] + views[1]
    assert whole["orders_took"] == 2
    assert whole["revenue"] == pytest.approx(17.5)
    assert whole["discount_cost"] == pytest.approx(2.5)
    for (v, week), n in weekly_views.items():
        assert _row(o, variant=v, week=week)["orders_saw"] == n
    assert _row(o, variant=1, week="2026-W10")["orders_took"] == 1
    assert "discount code" in whole["rule"]


def test_lift_groups_and_figures(report: Report) -> None:
    row = _row(report.lift, flow="cross_sell")
    # received and measured: c1, c2, c3, c4, c7 (c9's window is still open: pending)
    assert (row["received"], row["holdout"], row["pending"]) == (5, 1, 1)
    assert (row["received_converted"], row["holdout_converted"]) == (4, 1)
    revenues = [30.0, 0.0, 12.0, 40.0, 8.5]
    assert row["received_revenue_per_customer"] == pytest.approx(sum(revenues) / 5)
    assert row["holdout_revenue_per_customer"] == pytest.approx(30.0)
    assert row["rate_diff"] == pytest.approx(0.8 - 1.0)
    assert not row["significant"]
    assert row["verdict"].startswith("Not enough data yet")
    assert "held out (1 more waits for a newer export)" in row["verdict"]  # not silently 5
    overall = _row(report.lift, flow="all flows")
    assert overall["received"] == 5  # c4 once, though two flows reached her


def test_unit_economics_against_loops(report: Report) -> None:
    by_offer, by_email = _reference_credits()
    since = datetime.fromisoformat("2026-03-01T00:00:00+00:00")  # the offer went live
    until = max(_utc(o) for o in sc.ORDERS)
    costs = sc.COSTS
    c_n = c_rev = c_cogs = p_rev = p_cogs = 0.0
    for o in sc.ORDERS:
        if not _included(o) or not since <= _utc(o) <= until:
            continue
        cogs = sum(costs[sku] * qty for sku, _, qty, _ in o.lines)
        if o.number in by_offer or o.number in by_email:
            p_rev += o.total
            p_cogs += cogs
        else:
            c_n += 1
            c_rev += o.total
            c_cogs += cogs
    u = report.unit_economics
    assert u["checkout_orders"] == c_n
    assert u["aov"] == pytest.approx(c_rev / c_n)
    assert u["post_purchase_revenue"] == pytest.approx(p_rev)
    assert u["post_purchase_margin"] == pytest.approx(p_rev - p_cogs)
    assert u["post_purchase_share"] == pytest.approx(p_rev / (p_rev + c_rev))
    without = (c_rev - c_cogs) / c_n - sc.CAC
    assert u["margin_per_order_without"] == pytest.approx(without)
    assert u["margin_per_order_with"] == pytest.approx(without + (p_rev - p_cogs) / c_n)
    assert u["post_purchase_discount_cost"] == pytest.approx(2.5)
    assert u["cost_coverage"] == pytest.approx(1.0)
    assert (u["since"], u["until"]) == ("2026-03-01", "2026-03-11")


def test_report_as_of_an_earlier_now_ignores_later_data(home: Path, tmp_path: Path) -> None:
    store = sc.build(home, tmp_path)
    early = build_report(store, now=datetime.fromisoformat("2026-03-05T00:00:00+00:00"))
    w10 = _row(early.flows, flow="cross_sell", week="2026-W10")
    assert w10["revenue"] == pytest.approx(12.0)  # only c3's order of 03-04 11:00 UTC exists yet
    assert not (early.flows["flow"] == "replenishment").any()


def test_to_json_is_plain_and_complete(report: Report) -> None:
    import json

    doc = report.to_json()
    text = json.dumps(doc, allow_nan=False)  # NaN must have become null
    back = json.loads(text)
    assert set(back) >= {"since", "until", "attribution_days", "rules", "flows", "offers",
                         "lift", "discount_tests", "unit_economics", "warnings"}
    assert back["attribution_days"] == 5
    first = back["flows"][0]
    assert {"flow", "week", "sent", "delivered", "conversions", "conversion_rate", "revenue",
            "revenue_per_recipient", "aov", "rule"} <= set(first)
    assert back["flows"][0]["week_start"] == "2026-03-02"
    whole = [r for r in back["offers"] if r["variant"] is None][0]
    assert whole["orders_took"] == 2
    assert math.isclose(back["unit_economics"]["cac"], sc.CAC)


def test_progress_is_reported_and_cancel_stops(home: Path, tmp_path: Path) -> None:
    from ppdesk.core.errors import Cancelled
    from ppdesk.core.progress import CancelToken

    store = sc.build(home, tmp_path)
    calls: list[tuple[int, int, str]] = []
    build_report(store, progress=lambda d, t, m: calls.append((d, t, m)))
    assert calls[0][0] == 0 and calls[-1][:2] == (4, 4)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_report(store, cancel=token)


def test_empty_store_gives_an_empty_report(home: Path) -> None:
    from ppdesk.core.store import open_store

    report = build_report(open_store(home))
    assert report.flows.empty and report.offers.empty and report.lift.empty
    assert report.since is None and report.unit_economics["orders"] == 0
    assert report.weekly().empty
    assert "No emails have been sent yet" in report.warnings[0]
    assert report.period_text == "no orders imported yet"


def test_period_text_says_when_nothing_can_be_measured_yet(home: Path) -> None:
    """An offer that went live after the newest imported order: no reversed date range."""
    import dataclasses

    from ppdesk.core.store import open_store

    report = build_report(open_store(home))
    normal = dataclasses.replace(report, since="2026-03-01", until="2026-03-11")
    assert normal.period_text == "2026-03-01 to 2026-03-11"
    early = dataclasses.replace(report, since="2026-11-25", until="2026-11-01")
    assert early.period_text.startswith("from 2026-11-25, when the first offer or email went")
    assert "newest imported order is from 2026-11-01: import a newer export" in early.period_text
