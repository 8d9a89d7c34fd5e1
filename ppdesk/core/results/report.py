"""``build_report``: the whole results report from outbox, orders, offers and costs.

The :class:`Report` holds one DataFrame per section (flows by week, offers by
variant and week, lift, discount tests) plus the unit-economics figures, the
attribution rules and warnings. ``to_json()`` gives the ``ppdesk report --format
json`` document; the GUI's Results page reads the same object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.results import attribution, discount_tests, economics, flows, lift, offers
from ppdesk.core.results.data import load_inputs
from ppdesk.core.store import Store

WEEKLY_COLUMNS = ["kind", "name", "variant", "discount_percent", "week", "sent", "delivered",
                  "bounced", "orders_saw", "conversions", "orders", "conversion_rate",
                  "take_rate", "revenue", "revenue_per_recipient", "aov", "discount_cost",
                  "cogs", "margin", "rule"]


@dataclass
class Report:
    """Everything the Results page and ``ppdesk report`` show (see the section modules)."""

    generated_at: str
    since: str | None
    until: str | None
    attribution_days: int
    currency: str
    flows: pd.DataFrame            # flows.FLOW_COLUMNS
    offers: pd.DataFrame           # offers.OFFER_COLUMNS
    lift: pd.DataFrame             # lift.LIFT_COLUMNS
    discount_tests: pd.DataFrame   # discount_tests.TEST_COLUMNS
    unit_economics: dict[str, Any]
    rules: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    @property
    def period_text(self) -> str:
        """The measured period in words, also when nothing can be measured yet."""
        if self.since is None or self.until is None:
            return "no orders imported yet"
        if self.since > self.until:  # ISO dates compare as text
            return (f"from {self.since}, when the first offer or email went live; the newest "
                    f"imported order is from {self.until}: import a newer export to measure them")
        return f"{self.since} to {self.until}"

    def weekly(self) -> pd.DataFrame:
        """Flows and offers in one long table (the CSV export and the table view)."""
        f = self.flows.rename(columns={"flow": "name"}).assign(kind="flow")
        f = f.assign(variant=pd.NA, discount_percent=math.nan, orders_saw=pd.NA,
                     take_rate=math.nan)
        o = self.offers.rename(columns={"offer": "name", "orders_took": "orders"}).assign(
            kind="offer", sent=pd.NA, delivered=pd.NA, bounced=pd.NA,
            revenue_per_recipient=math.nan)
        o["conversions"] = o["orders"]
        o["conversion_rate"] = o["take_rate"]
        frames = [x for x in (f, o) if len(x)]
        if not frames:
            return pd.DataFrame(columns=WEEKLY_COLUMNS)
        return pd.concat([x[WEEKLY_COLUMNS] for x in frames], ignore_index=True)

    def to_json(self) -> dict[str, Any]:
        """The contract-style document: plain types, NaN as null, dates as ISO text."""
        return {
            "generated_at": self.generated_at,
            "since": self.since,
            "until": self.until,
            "attribution_days": self.attribution_days,
            "currency": self.currency,
            "rules": dict(self.rules),
            "flows": records(self.flows),
            "offers": records(self.offers),
            "lift": records(self.lift),
            "discount_tests": records(self.discount_tests),
            "unit_economics": {k: _plain(v) for k, v in self.unit_economics.items()},
            "warnings": list(self.warnings),
        }


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (small frames: one row per flow/offer/week)."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _warnings(unit: dict[str, Any], lift_rows: pd.DataFrame, flow_rows: pd.DataFrame) -> list[str]:
    out = []
    coverage = unit.get("cost_coverage")
    if coverage is not None and not math.isnan(coverage) and coverage < 0.999:
        out.append(f"Cost of goods is known for {coverage:.0%} of the products sold; margins "
                   f"leave the rest at zero cost, so they are too high. Add costs in the app "
                   f"or import a cost CSV.")
    overall = lift_rows[lift_rows["flow"] == lift.ALL_FLOWS]
    pending = int(overall["pending"].sum()) if len(overall) else 0
    if pending:
        who = "1 customer's figures wait" if pending == 1 else f"{pending} customers' figures wait"
        out.append(f"{who} for a newer export: their attribution window reaches past the newest "
                   f"imported order.")
    if len(flow_rows) == 0:
        out.append("No emails have been sent yet: flows have nothing to measure.")
    return out


def build_report(store: Store, *, now: datetime | None = None, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> Report:
    """Measure what the flows and offers earned (see the modules of this package for rules)."""
    now = now or datetime.now(UTC)
    report(progress, 0, 4, "reading outbox and orders")
    inputs = load_inputs(store)
    check(cancel)
    days = int(inputs.settings.results.attribution_days)
    data_end = inputs.data_end
    # never count orders or sends that lie after "now" (a report as of an earlier date)
    stamp = pd.Timestamp(now)
    now_naive = stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp
    orders = inputs.orders[inputs.orders["utc"].isna() | (inputs.orders["utc"] <= now_naive)]
    messages = inputs.messages[inputs.messages["send_time"] <= now_naive]
    held = inputs.held[inputs.held["send_time"] <= now_naive]
    if data_end is not None:
        data_end = min(data_end, now_naive)

    report(progress, 1, 4, "attributing orders")
    by_offer = attribution.offer_orders(orders, inputs.variants)
    by_email = attribution.email_orders(messages, orders, days, claimed=by_offer["order_id"])
    check(cancel)

    report(progress, 2, 4, "flows, offers and lift")
    flow_rows = flows.flow_figures(messages, orders, by_email, days, data_end)
    offer_rows = offers.offer_figures(inputs.variants, orders, inputs.lines, by_offer,
                                      pauses=inputs.pauses)
    outcomes = lift.customer_outcomes(messages, held, orders, days, data_end)
    lift_rows = lift.lift_table(outcomes, days)
    currency = inputs.settings.store.currency
    test_rows = discount_tests.discount_tests(offer_rows, currency)
    check(cancel)

    report(progress, 3, 4, "margins")
    since, until = economics.report_period(messages, inputs.variants, data_end,
                                           int(inputs.settings.analytics.window_days))
    offer_totals = offer_rows[offer_rows["variant"].isna()] if len(offer_rows) else offer_rows
    discount_cost = float(offer_totals["discount_cost"].sum()) if len(offer_totals) else 0.0
    post_ids = pd.concat([by_offer["order_id"], by_email["order_id"]])
    unit = economics.unit_economics(orders, post_ids, discount_cost, since, until,
                                    float(inputs.settings.results.cac))
    rules = {
        "email": attribution.email_rule(days),
        "offer": attribution.OFFER_RULE,
        "lift": lift.LIFT_RULE.format(days=days, min_group=lift.MIN_GROUP),
        "discount_test": discount_tests.TEST_RULE,
        "economics": economics.ECONOMICS_RULE,
        "revenue": "orders.total as exported (after discounts); the sum of its lines when absent",
    }
    report(progress, 4, 4, "done")
    return Report(
        generated_at=pd.Timestamp(now).isoformat(),
        since=unit["since"], until=unit["until"], attribution_days=days, currency=currency,
        flows=flow_rows, offers=offer_rows, lift=lift_rows, discount_tests=test_rows,
        unit_economics=unit, rules=rules, warnings=_warnings(unit, lift_rows, flow_rows),
    )
