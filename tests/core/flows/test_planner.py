"""The planner on small hand-built stores; every expected outcome is worked out by hand.

Products are created in the order a, b, c, ... so their ids are 1, 2, 3, ...
Orders are at local time = UTC (offset 0) unless a test sets a time zone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flow_builders import NO_TIMING, StoreBuilder, fixed_complements, timing_frame

from ppdesk.core.errors import InputError
from ppdesk.core.flows import outbox as ob
from ppdesk.core.flows import suppressions
from ppdesk.core.flows.model import PlanResult
from ppdesk.core.flows.planner import plan


@pytest.fixture
def shop(home: Path) -> StoreBuilder:
    builder = StoreBuilder(home)
    for key in "abcdefgh":
        builder.product(key)
    builder.settings(holdout_share=0.0, review_enabled=False, loyalty_enabled=False,
                     replenishment_enabled=False)
    return builder


def run(shop: StoreBuilder, now: str, complements: dict[str, list[int]] | None = None,
        timing: pd.DataFrame | None = None, seed: int = 0) -> PlanResult:
    return plan(shop.store, now=now, timing=NO_TIMING if timing is None else timing,
                complements=fixed_complements(complements or {}),
                rng=np.random.default_rng(seed))


def by_email(frame: pd.DataFrame, column: str) -> dict[str, object]:
    return dict(zip(frame["email"], frame[column], strict=True))


def test_cross_sell_48h_later_with_complements_not_already_bought(shop: StoreBuilder) -> None:
    shop.order("ann@x.org", "2026-02-01 10:00", ["c"])
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("bob@x.org", "2026-02-01 10:00", ["b", "c", "d"])
    shop.order("bob@x.org", "2026-03-01 11:00", ["a"])
    result = run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3, 4, 5]})
    # ann: b, c, d, e minus c (bought in February) -> b, d, e
    assert result.messages[["email", "flow", "product_ids", "due_at"]].to_dict("records") == [
        {"email": "ann@x.org", "flow": "cross_sell", "product_ids": [2, 4, 5],
         "due_at": "2026-03-03T10:00:00Z"}]
    assert result.messages["products"].tolist() == ["B, D, E"]
    # bob bought b, c, d: only e is left, below the minimum of 2
    assert by_email(result.skipped, "reason_code") == {"bob@x.org": "not_enough_complements"}
    # the February orders are long past: no candidate at all, not even a skipped one
    assert len(result.skipped) == 1


def test_consent_suppression_marketplace_and_bad_email(shop: StoreBuilder) -> None:
    complements = {"a": [2, 3, 4]}
    shop.order("ok@x.org", "2026-03-01 10:00", ["a"], accepts=1)
    shop.order("no@x.org", "2026-03-01 10:00", ["a"], accepts=0)
    shop.customer("unknown@x.org", accepts=None)
    shop.order("unknown@x.org", "2026-03-01 10:00", ["a"], accepts=None)
    shop.order("sup@x.org", "2026-03-01 10:00", ["a"], accepts=1)
    shop.suppress("sup@x.org", "unsubscribe")
    shop.order("amz@x.org", "2026-03-01 10:00", ["a"], accepts=1, marketplace=True)
    shop.order("not-an-address", "2026-03-01 10:00", ["a"], accepts=1)
    result = run(shop, "2026-03-02T00:00:00Z", complements)
    assert result.messages["email"].tolist() == ["ok@x.org"]
    assert by_email(result.skipped, "reason_code") == {
        "no@x.org": "no_consent", "unknown@x.org": "no_consent", "sup@x.org": "suppressed",
        "amz@x.org": "marketplace", "not-an-address": "no_email"}
    assert "unsubscribe" in by_email(result.skipped, "reason")["sup@x.org"]
    assert result.warnings == []

    shop.settings(soft_opt_in=True)
    soft = run(shop, "2026-03-02T00:00:00Z", complements)
    assert sorted(soft.messages["email"]) == ["no@x.org", "ok@x.org", "unknown@x.org"]
    # still never: suppressed, marketplace, unusable address
    assert sorted(soft.skipped["reason_code"]) == ["marketplace", "no_email", "suppressed"]
    assert any("law" in w for w in soft.warnings)


def test_frequency_cap_keeps_the_higher_priority_message(shop: StoreBuilder) -> None:
    shop.settings(replenishment_enabled=True)
    tea = shop.product("a")
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    timing = timing_frame({tea: 3})
    complements = {"a": [2, 3, 4]}
    # cross-sell due 03-03 10:00, replenishment due 03-04 10:00: one day apart, cap 1 in 3 days
    result = run(shop, "2026-03-02T00:00:00Z", complements, timing)
    assert result.messages[["flow", "due_at"]].to_dict("records") == [
        {"flow": "replenishment", "due_at": "2026-03-04T10:00:00Z"}]
    assert result.skipped[["flow", "reason_code"]].to_dict("records") == [
        {"flow": "cross_sell", "reason_code": "frequency_cap"}]
    assert result.skipped["reason"][0] == (
        "the Reorder reminder of 2026-03-04 comes first (at most 1 email every 3 days per "
        "customer)")

    shop.settings(priority=["cross_sell", "replenishment", "review", "loyalty"])
    swapped = run(shop, "2026-03-02T00:00:00Z", complements, timing)
    assert swapped.messages["flow"].tolist() == ["cross_sell"]
    assert swapped.skipped["flow"].tolist() == ["replenishment"]
    # the skipped cross-sell had no row yet: it is inserted; the replenishment row cancelled
    assert swapped.inserted == 1
    assert swapped.cancelled[["flow", "reason_code"]].to_dict("records") == [
        {"flow": "replenishment", "reason_code": "frequency_cap"}]

    shop.settings(frequency_cap_emails=2)
    both = run(shop, "2026-03-02T00:00:00Z", complements, timing)
    assert sorted(both.messages["flow"]) == ["cross_sell", "replenishment"]


def test_frequency_cap_counts_what_was_already_sent(shop: StoreBuilder) -> None:
    complements = {"a": [3, 4, 5], "b": [6, 7, 8], "f": [6, 7, 8]}
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    run(shop, "2026-03-03T10:30:00Z", complements)
    conn = shop.store.connect()
    conn.execute("UPDATE outbox SET state = 'sent', sent_at = '2026-03-03T10:00:00Z'")
    conn.close()
    # 2026-03-04 09:00 + 48 h = 03-06 09:00: 2 days 23 hours after the sent email
    shop.order("ann@x.org", "2026-03-04 09:00", ["b"])
    result = run(shop, "2026-03-04T10:00:00Z", complements)
    assert result.messages.empty
    assert result.skipped["reason_code"].tolist() == ["frequency_cap"]
    # 2026-03-05 09:00 + 48 h = 03-07 09:00: 3 days 23 hours after it: allowed
    shop.order("ann@x.org", "2026-03-05 09:00", ["f"])
    later = run(shop, "2026-03-05T10:00:00Z", complements)
    assert later.messages["due_at"].tolist() == ["2026-03-07T09:00:00Z"]


def test_same_product_not_featured_twice_within_14_days(shop: StoreBuilder) -> None:
    shop.settings(frequency_cap_emails=5)
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("ann@x.org", "2026-03-02 09:00", ["e"])
    shop.order("bob@x.org", "2026-03-01 10:00", ["a"])
    shop.order("bob@x.org", "2026-03-02 09:00", ["f"])
    complements = {"a": [2, 3, 4], "e": [2, 7, 8], "f": [2, 3, 7]}
    result = run(shop, "2026-03-02T12:00:00Z", complements)
    planned = {(r.email, r.due_at): r.product_ids for r in result.messages.itertuples()}
    assert planned == {
        ("ann@x.org", "2026-03-03T10:00:00Z"): [2, 3, 4],
        ("ann@x.org", "2026-03-04T09:00:00Z"): [7, 8],       # b dropped: featured 03-03
        ("bob@x.org", "2026-03-03T10:00:00Z"): [2, 3, 4],
    }
    # bob's second: b and c were featured on 03-03, only g would remain (< 2)
    assert result.skipped[["email", "reason_code"]].to_dict("records") == [
        {"email": "bob@x.org", "reason_code": "same_product"}]


def test_quiet_hours_in_the_store_time_zone_across_dst(shop: StoreBuilder) -> None:
    shop.settings(store__time_zone="America/New_York")
    # 20:30 EST (UTC-5) on 03-01 -> due 20:30 on 03-03 local: quiet -> 09:00 EST = 14:00 UTC
    shop.order("ann@x.org", "2026-03-01 20:30", ["a"], offset_min=None)
    # 21:00 EST on 03-06 = 02:00 UTC 03-07; +48 h = 02:00 UTC 03-09 = 22:00 EDT on 03-08
    # (clocks went forward on 03-08) -> 09:00 EDT on 03-09 = 13:00 UTC
    shop.order("bob@x.org", "2026-03-06 21:00", ["a"], offset_min=None)
    # an export with an explicit offset wins over the zone: 10:00 at +01:00 = 09:00 UTC,
    # due 03-08 09:00 UTC = 05:00 EDT: quiet -> 09:00 EDT = 13:00 UTC
    shop.order("cy@x.org", "2026-03-06 10:00", ["a"], offset_min=60)
    result = run(shop, "2026-03-07T00:00:00Z", {"a": [2, 3]})
    assert by_email(result.messages, "due_at") == {
        "ann@x.org": "2026-03-04T14:00:00Z", "bob@x.org": "2026-03-09T13:00:00Z",
        "cy@x.org": "2026-03-08T13:00:00Z"}
    assert by_email(result.messages, "note")["ann@x.org"] == "moved out of quiet hours (was 20:30)"


def test_holdout_is_drawn_once_per_eligible_customer_and_kept(shop: StoreBuilder) -> None:
    shop.settings(holdout_share=0.5)
    emails = [f"c{i:02d}@x.org" for i in range(40)]
    for address in emails:
        shop.order(address, "2026-03-01 10:00", ["a"])
    shop.order("nope@x.org", "2026-03-01 10:00", ["a"], accepts=0)
    first = run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3]}, seed=1)
    conn = shop.store.connect()
    table = {r[0]: bool(r[1]) for r in conn.execute(
        "SELECT c.email, h.in_holdout FROM holdout h JOIN customers c ON c.id = h.customer_id")}
    assert sorted(table) == emails          # the non-consenting customer was not drawn
    held = {e for e, h in table.items() if h}
    assert 0 < len(held) < 40
    assert set(first.held_out["email"]) == held
    assert set(first.messages["email"]) == set(emails) - held
    rows = shop.outbox()
    held_rows = rows[rows["holdout"] == 1]
    assert set(held_rows["email"]) == held
    assert set(held_rows["state"]) == {"cancelled"} and set(held_rows["reason_code"]) == {"holdout"}
    # another seed changes nothing: the draw is kept
    again = run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3]}, seed=99)
    assert set(again.held_out["email"]) == held and again.changed == 0


def test_replanning_twice_changes_nothing(shop: StoreBuilder) -> None:
    shop.settings(replenishment_enabled=True, review_enabled=True, loyalty_enabled=True,
                  loyalty_min_purchases=2, holdout_share=0.3)
    tea = shop.product("a")
    for i in range(12):
        shop.order(f"c{i}@x.org", "2026-02-20 10:00", ["a", "e"])
        shop.order(f"c{i}@x.org", f"2026-03-01 1{i % 10}:00", ["a"])
    args = ("2026-03-02T00:00:00Z", {"a": [2, 3, 4], "a+e": [2, 3], "e": [6]},
            timing_frame({tea: 10}))
    first = run(shop, *args, seed=5)
    before = shop.outbox()
    conn = shop.store.connect()
    events = conn.execute("SELECT COUNT(*) FROM outbox_events").fetchone()[0]
    second = run(shop, *args, seed=6)
    assert second.changed == 0
    pd.testing.assert_frame_equal(before, shop.outbox())
    assert conn.execute("SELECT COUNT(*) FROM outbox_events").fetchone()[0] == events
    assert first.summary()["planned"] == second.summary()["planned"] > 0
    # a day later, with no new data and nothing sent, nothing moves either
    later = run(shop, "2026-03-03T00:00:00Z", *args[1:], seed=7)
    assert later.changed == 0


def test_reorder_cancels_the_pending_replenishment(shop: StoreBuilder) -> None:
    shop.settings(replenishment_enabled=True, cross_sell_enabled=False)
    tea = shop.product("a")
    timing = timing_frame({tea: 20})
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    first = run(shop, "2026-03-02T00:00:00Z", timing=timing)
    old_id = int(first.messages["outbox_id"][0])
    assert first.messages["due_at"].tolist() == ["2026-03-21T10:00:00Z"]
    shop.order("ann@x.org", "2026-03-10 10:00", ["a"])
    second = run(shop, "2026-03-11T00:00:00Z", timing=timing)
    assert second.cancelled[["outbox_id", "reason_code"]].to_dict("records") == [
        {"outbox_id": old_id, "reason_code": "reordered"}]
    assert "reordered on 2026-03-10" in second.cancelled["reason"][0]
    assert second.messages["due_at"].tolist() == ["2026-03-30T10:00:00Z"]
    assert int(second.messages["outbox_id"][0]) != old_id


def test_cancelled_order_and_switched_off_flow_cancel_their_messages(shop: StoreBuilder) -> None:
    one = shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("bob@x.org", "2026-03-01 10:00", ["a"])
    run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3]})
    shop.cancel_order(one)
    result = run(shop, "2026-03-02T01:00:00Z", {"a": [2, 3]})
    assert by_email(result.cancelled, "reason_code") == {"ann@x.org": "order_cancelled"}
    shop.settings(cross_sell_enabled=False)
    off = run(shop, "2026-03-02T02:00:00Z", {"a": [2, 3]})
    assert by_email(off.cancelled, "reason_code") == {"bob@x.org": "flow_off"}
    assert off.messages.empty


def test_message_comes_back_with_its_id_when_the_reason_is_gone(shop: StoreBuilder) -> None:
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    first = run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3]})
    oid = int(first.messages["outbox_id"][0])
    suppressions.add(shop.store, ["Ann@X.org"], reason="unsubscribe")
    blocked = run(shop, "2026-03-02T01:00:00Z", {"a": [2, 3]})
    assert by_email(blocked.cancelled, "reason_code") == {"ann@x.org": "suppressed"}
    suppressions.remove(shop.store, "ann@x.org")
    back = run(shop, "2026-03-02T02:00:00Z", {"a": [2, 3]})
    assert back.revived == 1 and back.messages["outbox_id"].tolist() == [oid]
    assert shop.events(oid) == [(None, "planned"), ("planned", "cancelled"),
                                ("cancelled", "planned")]


def test_merchant_cancel_and_too_late_are_final(shop: StoreBuilder) -> None:
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("bob@x.org", "2026-03-01 10:00", ["a"])
    first = run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3]})
    ob.cancel(shop.store, int(by_email(first.messages, "outbox_id")["ann@x.org"]))
    again = run(shop, "2026-03-02T01:00:00Z", {"a": [2, 3]})
    assert again.messages["email"].tolist() == ["bob@x.org"] and again.changed == 0
    # nobody sent bob's message: 4 days after it was due it is too late, for good
    late = run(shop, "2026-03-07T11:00:00Z", {"a": [2, 3]})
    assert by_email(late.cancelled, "reason_code") == {"bob@x.org": "too_late"}
    assert run(shop, "2026-03-07T12:00:00Z", {"a": [2, 3]}).changed == 0


def test_undo_of_dont_send_restores_the_row_and_only_a_merchant_cancel(
        shop: StoreBuilder) -> None:
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("bob@x.org", "2026-03-01 10:00", ["a"])
    first = run(shop, "2026-03-02T00:00:00Z", {"a": [2, 3]})
    ids = by_email(first.messages, "outbox_id")
    ann, bob = int(ids["ann@x.org"]), int(ids["bob@x.org"])
    before = shop.outbox().set_index("id").loc[ann]
    assert ob.cancel(shop.store, ann) == "planned"
    ob.undo_cancel(shop.store, ann, "planned")
    after = shop.outbox().set_index("id").loc[ann]
    assert (after["state"], after["reason"], after["reason_code"]) == ("planned", None, None)
    assert (after["product_ids"], after["due_at"]) == (before["product_ids"], before["due_at"])
    assert shop.events(ann)[-2:] == [("planned", "cancelled"), ("cancelled", "planned")]
    assert run(shop, "2026-03-02T01:00:00Z", {"a": [2, 3]}).changed == 0   # planned as before
    shop.settings(cross_sell_enabled=False)
    run(shop, "2026-03-02T02:00:00Z", {"a": [2, 3]})      # the planner cancels bob's
    with pytest.raises(InputError, match="was not cancelled by you"):
        ob.undo_cancel(shop.store, bob, "planned")
    with pytest.raises(InputError, match="only go back to planned or due"):
        ob.undo_cancel(shop.store, ann, "sent")


def test_old_history_wakes_no_emails(shop: StoreBuilder) -> None:
    shop.settings(replenishment_enabled=True, review_enabled=True, loyalty_enabled=True)
    tea = shop.product("a")
    for month in range(1, 10):
        shop.order("ann@x.org", f"2025-0{month}-01 10:00", ["a", "b"])
    result = run(shop, "2026-03-02T00:00:00Z", {"a+b": [3, 4]}, timing_frame({tea: 25}))
    assert result.messages.empty and result.skipped.empty and shop.outbox().empty


def test_loyalty_after_the_nth_purchase_with_cadence_and_favourites(shop: StoreBuilder) -> None:
    shop.settings(loyalty_enabled=True, cross_sell_enabled=False, loyalty_min_purchases=3)
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("ann@x.org", "2026-03-11 10:00", ["a", "c"])
    shop.order("ann@x.org", "2026-03-21 10:00", ["b", "a"])
    result = run(shop, "2026-03-22T00:00:00Z")
    row = result.messages.iloc[0]
    assert (row["flow"], row["due_at"]) == ("loyalty", "2026-03-28T10:00:00Z")
    assert row["product_ids"] == [1, 2, 3]      # a (3 orders), then b and c (1 each, by id)
    details = shop.outbox()["details"][0]
    assert '"cadence_days": 10' in details and '"purchases": 3' in details


def test_review_asks_about_non_consumables_and_adds_a_complement(shop: StoreBuilder) -> None:
    shop.settings(review_enabled=True, cross_sell_enabled=False)
    mug = shop.product("a")
    tea = shop.product("b")
    shop.order("ann@x.org", "2026-03-01 10:00", ["a", "b"])
    result = run(shop, "2026-03-02T00:00:00Z", {"a": [3, 4]}, timing_frame({tea: 20}))
    row = result.messages.iloc[0]
    assert (row["flow"], row["due_at"]) == ("review", "2026-03-31T10:00:00Z")
    assert row["product_ids"] == [mug, 3]     # the mug (not the tea, a consumable) + c
