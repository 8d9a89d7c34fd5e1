"""What the planner talks in: flow names, reason codes with their plain words, ``PlanResult``.

A *candidate* is a message a flow would like to send; it becomes a *planned*
message, a *held-out* one (recorded, never sent, for lift) or a *skipped* one with
a reason. ``plan_key`` = ``flow|customer|trigger order|product`` (``*`` for flows
that send one message per order or per customer) is what makes re-planning
idempotent: the same key is the same outbox row for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

CROSS_SELL = "cross_sell"
REPLENISHMENT = "replenishment"
REVIEW = "review"
LOYALTY = "loyalty"
FLOWS = (CROSS_SELL, REPLENISHMENT, REVIEW, LOYALTY)
# The names a merchant sees (app, CLI output, docs); the CLI accepts the machine names.
FLOW_LABELS = {
    CROSS_SELL: "Cross-sell after 48 hours",
    REPLENISHMENT: "Reorder reminder",
    REVIEW: "Review request",
    LOYALTY: "Loyalty offer",
}
# The same names where a table column has little room (Outbox's "Flow"): the 48 hours
# are the flow's timing, said on the Flows page, and "Cross-sell after 48 …" read badly.
FLOW_SHORT_LABELS = {**FLOW_LABELS, CROSS_SELL: "Cross-sell"}

# Reason codes: the planner may revive a message it cancelled for any of these once the
# reason is gone; it never revives TOO_LATE or a message the merchant cancelled.
MARKETPLACE = "marketplace"
NO_EMAIL = "no_email"
SUPPRESSED = "suppressed"
NO_CONSENT = "no_consent"
HOLDOUT = "holdout"
FREQUENCY_CAP = "frequency_cap"
SAME_PRODUCT = "same_product"
NOT_ENOUGH_COMPLEMENTS = "not_enough_complements"
ALREADY_INVITED = "already_invited"
REORDERED = "reordered"
ORDER_CANCELLED = "order_cancelled"
FLOW_OFF = "flow_off"
GONE = "gone"
TOO_LATE = "too_late"
MERCHANT = "merchant"
OVERDUE_SKIPPED = "overdue_skipped"

REVIVABLE = frozenset({MARKETPLACE, NO_EMAIL, SUPPRESSED, NO_CONSENT, HOLDOUT, FREQUENCY_CAP,
                       SAME_PRODUCT, NOT_ENOUGH_COMPLEMENTS, ALREADY_INVITED, REORDERED,
                       ORDER_CANCELLED, FLOW_OFF, GONE})

REASON_WORDS = {
    MARKETPLACE: "marketplace order (Amazon/Etsy rules: analytics only, no marketing email)",
    NO_EMAIL: "no usable email address",
    SUPPRESSED: "address is on the suppression list",
    NO_CONSENT: "customer did not accept marketing email",
    HOLDOUT: "comparison group (gets no emails, so we can measure)",
    FREQUENCY_CAP: "too many emails to this customer close together",
    SAME_PRODUCT: "same product featured to this customer recently",
    NOT_ENOUGH_COMPLEMENTS: "not enough complements this customer has not bought yet",
    ALREADY_INVITED: "customer was already sent a loyalty invitation",
    REORDERED: "customer reordered before the reminder",
    ORDER_CANCELLED: "the order was cancelled or refunded",
    FLOW_OFF: "this flow is not Live",
    GONE: "no longer applies after the latest data",
    TOO_LATE: "overdue by more than the allowed delay; not sent late",
    MERCHANT: "cancelled by the merchant",
    OVERDUE_SKIPPED: "already overdue when the flow went Live; you chose not to send it late",
}

SOFT_OPT_IN_WARNING = (
    "Soft opt-in is on: customers who did not tick 'accept marketing' get flow emails. "
    "That is lawful only in some places and only for similar products with an easy opt-out "
    "(e.g. UK PECR, EU ePrivacy Art. 13(2)); it is not lawful without consent in others "
    "(e.g. Germany in practice, and Canada's CASL limits implied consent to 2 years). "
    "Check the law where your customers live."
)


def plan_key(flow: str, customer_id: int, order_id: int | None, product_id: int | None) -> str:
    return (f"{flow}|{customer_id}|{'' if order_id is None else order_id}|"
            f"{'*' if product_id is None else product_id}")


@dataclass
class PlanResult:
    """What the planner decided at ``now``.

    Frames (one row per message; ``products`` is names joined with ", "):

    - ``messages``: planned (will be sent): outbox_id, plan_key, flow, customer_id, email,
      trigger_order_id, store_order_id, product_ids, products, template, due_at (UTC
      text), due_local, state, note (e.g. moved out of quiet hours).
    - ``held_out``: the holdout group's would-be messages (same columns).
    - ``skipped``: candidates that will not be sent: the columns above plus
      reason_code and reason.
    - ``cancelled``: outbox rows this run cancelled: outbox_id, plan_key, flow, email,
      reason_code, reason.
    """

    now: str
    messages: pd.DataFrame
    held_out: pd.DataFrame
    skipped: pd.DataFrame
    cancelled: pd.DataFrame
    inserted: int = 0
    updated: int = 0
    revived: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.revived + len(self.cancelled)

    def summary(self) -> dict[str, int]:
        return {"planned": len(self.messages), "held_out": len(self.held_out),
                "skipped": len(self.skipped), "inserted": self.inserted,
                "updated": self.updated, "revived": self.revived,
                "cancelled": len(self.cancelled)}

    def to_json(self) -> dict[str, Any]:
        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return frame.to_dict(orient="records") if not frame.empty else []
        return {"now": self.now, "summary": self.summary(), "warnings": list(self.warnings),
                "messages": rows(self.messages), "held_out": rows(self.held_out),
                "skipped": rows(self.skipped), "cancelled": rows(self.cancelled)}
