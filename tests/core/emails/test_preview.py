"""The form editor's preview (emails.preview): the same email the sender would render, the
customers to pick from, and kept facts that follow the store's data."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from flow_builders import StoreBuilder

from ppdesk.core.emails.content import DEFAULTS, load_content
from ppdesk.core.emails.context import build_context
from ppdesk.core.emails.preview import (
    context_for,
    forget_facts,
    preview_customers,
    preview_email,
)
from ppdesk.core.emails.render import render_email
from ppdesk.core.errors import InputError

FLOWS = ("cross_sell", "replenishment", "review", "loyalty")


@pytest.fixture
def shop(home: Path) -> StoreBuilder:
    """b and c go with a (12 orders of a+b+c, 20 of d); Ann ordered a twice, Bob once,
    Cy (the newest) bought only d, whose suggestions are none."""
    forget_facts()
    builder = StoreBuilder(home, live=False)
    for key in "abcd":
        builder.product(key)
    builder.bulk_orders([(f"old{i}@example.org", f"2026-02-{i + 1:02d} 10:00", ["a", "b", "c"])
                         for i in range(12)])
    builder.bulk_orders([(f"dee{i}@example.org", f"2026-02-{i + 1:02d} 11:00", ["d"])
                         for i in range(20)])
    builder.settings(analytics__min_orders_together=3)
    for email, name in (("ann@example.org", "Ann"), ("bob@example.org", "Bob"),
                        ("cy@example.org", "Cy")):
        builder.customer(email, first_name=name)
    builder.order("ann@example.org", "2026-02-20 09:00", ["a"])
    builder.order("ann@example.org", "2026-03-01 09:00", ["a"])
    builder.order("bob@example.org", "2026-03-01 10:00", ["a"])
    builder.order("cy@example.org", "2026-03-02 10:00", ["d"])
    return builder


def _id(shop: StoreBuilder, email: str) -> int:
    with sqlite3.connect(shop.store.db_path) as conn:
        return int(conn.execute("SELECT id FROM customers WHERE email = ?",
                                (email,)).fetchone()[0])


@pytest.mark.parametrize("flow", FLOWS)
def test_the_preview_is_the_senders_email_with_the_unsaved_words(shop: StoreBuilder,
                                                                  flow: str) -> None:
    ann = _id(shop, "ann@example.org")
    words = replace(DEFAULTS[flow], heading="Dear {first_name} <3", closing="Bye & thanks")
    first = preview_email(shop.store, flow, words, ann)
    again = preview_email(shop.store, flow, words, ann)          # from the kept facts
    sender = render_email(shop.store, flow,
                          build_context(shop.store, flow, customer_id=ann, content=words))
    assert first == again == sender
    assert "Dear Ann &lt;3" in first.html and "Bye &amp; thanks" in first.html
    assert load_content(shop.store, flow) == DEFAULTS[flow]      # nothing saved


def test_kept_facts_follow_a_new_order(shop: StoreBuilder) -> None:
    bob = _id(shop, "bob@example.org")
    before = preview_email(shop.store, "cross_sell", None, bob)
    assert "Your A ships soon" in before.subject
    shop.order("bob@example.org", "2026-03-05 10:00", ["b"])     # bumps the data version
    after = preview_email(shop.store, "cross_sell", None, bob)
    assert "Your B ships soon" in after.subject


def test_customers_to_pick_from_suit_the_flow(shop: StoreBuilder) -> None:
    cross = [c.email for c in preview_customers(shop.store, "cross_sell")]
    # Cy is the newest but has nothing to suggest: after those who have (newest first)
    assert cross[:2] == ["bob@example.org", "ann@example.org"]
    assert "cy@example.org" in cross[2:]
    loyal = [c.email for c in preview_customers(shop.store, "loyalty")]
    assert loyal[0] == "ann@example.org"                        # the only one with 2 orders
    found = preview_customers(shop.store, "review", search="BO")
    assert [c.email for c in found] == ["bob@example.org"]
    assert found[0].label == "Bob · bob@example.org · last order 1 Mar 2026 · 1 order"
    assert preview_customers(shop.store, "review", search="%") == []   # text, not a pattern


def test_a_store_without_customers_previews_the_sample(home: Path) -> None:
    store = StoreBuilder(home, live=False).store
    context, sample = context_for(store, "review")
    assert sample and context["customer"]["email"] == "sample@example.com"
    with pytest.raises(InputError):
        context_for(store, "review", customer_id=999)      # a chosen customer must exist
