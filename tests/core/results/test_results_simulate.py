"""The demo store's simulated month: every section of the report has figures to show."""

from __future__ import annotations

from datetime import datetime

import pytest

from ppdesk.core.demo_store import ensure_demo_store
from ppdesk.core.results.report import build_report
from ppdesk.core.results.simulate import simulate_month

NOW = datetime.fromisoformat("2027-01-15T12:00:00+00:00")


def test_simulated_month_fills_every_figure() -> None:
    store = ensure_demo_store()
    month = simulate_month(store, now=NOW)
    assert month.days == 30 and not month.already
    again = simulate_month(store, now=NOW)
    assert again.already and again.sent == month.sent  # runs once per store

    report = build_report(store, now=NOW)
    flows = report.flows[report.flows["week"] == "all"].set_index("flow")
    assert set(flows.index) == {"cross_sell", "replenishment", "review"}
    assert int(flows["sent"].sum()) == month.sent
    assert int(flows["bounced"].sum()) == month.bounced
    assert (flows["conversions"] > 0).all() and (flows["revenue"] > 0).all()
    assert (report.flows["week"] != "all").sum() >= 4  # several ISO weeks

    offers = report.offers[report.offers["variant"].isna()]
    assert len(offers) == 2 and (offers["orders_took"] > 0).all()
    assert int(offers["orders_took"].sum()) == month.offer_orders
    assert (offers["discount_cost"] > 0).all()

    overall = report.lift.set_index("flow").loc["all flows"]
    assert overall["holdout"] == month.held_out and overall["pending"] == 0
    assert overall["received"] >= 30 and overall["holdout"] >= 30
    assert overall["rate_ci_low"] == overall["rate_ci_low"]  # not NaN

    assert len(report.discount_tests) == 6  # two offers x three levels
    assert report.discount_tests["verdict"].str.len().gt(0).all()

    u = report.unit_economics
    assert u["post_purchase_revenue"] > 0 and 0 < u["post_purchase_share"] < 1
    assert u["cost_coverage"] == pytest.approx(1.0)
    assert u["margin_per_order_with"] > u["margin_per_order_without"]


def test_the_flows_can_still_be_planned_after_the_simulated_month() -> None:
    """The month's outbox rows keep the outbox's own time format: the Flows page's preview
    (the planner, reading nothing new) failed on the demo store when they said "+00:00"."""
    from ppdesk.core.flows import clock
    from ppdesk.core.flows.model import FLOWS
    from ppdesk.core.flows.outbox import list_messages
    from ppdesk.core.flows.planner import plan

    store = ensure_demo_store()
    simulate_month(store, now=NOW)
    rows = list_messages(store)
    assert len(rows) > 0
    for value in rows["due_at"].dropna().head(50):
        clock.from_text(str(value))                      # raises on any other format
    result = plan(store, write=False, live=list(FLOWS), now=NOW)
    assert result.messages is not None


def test_every_simulated_email_has_a_subject_for_the_outbox() -> None:
    """The Outbox lists the month's emails; an empty Subject column looked broken."""
    from ppdesk.core.flows.outbox import list_messages

    store = ensure_demo_store()
    simulate_month(store, now=NOW)
    rows = list_messages(store)
    month = rows[rows["plan_key"].astype(str).str.startswith("demo-month|")]
    assert len(month) > 0
    assert (month["subject"].astype(str).str.len() > 0).all()
