"""Flow states: Draft plans nothing, going Live says what would happen, Paused keeps its rows.

The hand-worked store: products a..d (ids 1..4), only the cross-sell flow switched on in
the settings (48 h after the order, complements of a are b, c, d), no holdout. Orders at
UTC 10:00, 14:00, 15:00 are outside quiet hours (20:00-9:00). At NOW = 03-04 18:00:

- ann ordered 03-01 10:00 -> due 03-03 10:00: overdue (32 h, within the 3 days allowed)
- bob ordered 03-03 14:00 -> due 03-05 14:00: in the next 24 hours (until 03-05 18:00)
- cy  ordered 03-04 15:00 -> due 03-06 15:00: later
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from flow_builders import NO_TIMING, StoreBuilder, fixed_complements
from store_snapshot import snapshot

from ppdesk.core.errors import InputError
from ppdesk.core.flows import states
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.sender import send_due
from ppdesk.core.store import open_store
from ppdesk.core.store.migrations import V10_FLOW_STATES

NOW = "2026-03-04T18:00:00Z"
OPTIONS = {"timing": NO_TIMING, "complements": fixed_complements({"a": [2, 3, 4]})}


def _shop(home: Path, *, live: bool) -> StoreBuilder:
    shop = StoreBuilder(home, live=live)
    for key in "abcd":
        shop.product(key)
    shop.settings(holdout_share=0.0, review_enabled=False, loyalty_enabled=False,
                  replenishment_enabled=False)
    shop.order("ann@x.org", "2026-03-01 10:00", ["a"])
    shop.order("bob@x.org", "2026-03-03 14:00", ["a"])
    shop.order("cy@x.org", "2026-03-04 15:00", ["a"])
    return shop


def _plan(shop: StoreBuilder, now: str = NOW, *, write: bool = True):  # type: ignore[no-untyped-def]
    return plan(shop.store, now=now, rng=np.random.default_rng(0), write=write, **OPTIONS)


def _by_email(shop: StoreBuilder) -> dict[str, tuple[str, str | None]]:
    frame = shop.outbox()
    codes = [c if isinstance(c, str) else None for c in frame["reason_code"]]
    return {e: (s, c) for e, s, c in zip(frame["email"], frame["state"], codes, strict=True)}


@pytest.fixture
def draft(home: Path) -> StoreBuilder:
    return _shop(home, live=False)


def test_a_new_store_has_every_flow_draft_and_plans_and_sends_nothing(
        draft: StoreBuilder) -> None:
    assert states.load_states(draft.store) == dict.fromkeys(
        ["cross_sell", "replenishment", "review", "loyalty"], "draft")
    result = _plan(draft)                       # a writing run, e.g. the schedule's
    assert result.messages.empty and result.inserted == 0
    assert draft.outbox().empty
    summary = send_due(draft.store, now=NOW)
    assert summary.sent == 0 and summary.stopped == "no flow is Live, so nothing is sent"
    assert [s.to_json()["planned"] for s in states.status(draft.store, now=NOW)] == [0] * 4


def test_the_going_live_summary_counts_by_hand_and_writes_nothing(draft: StoreBuilder) -> None:
    before = snapshot(draft.store)
    preview = states.preview_go_live(draft.store, ["cross_sell"], now=NOW, **OPTIONS)
    assert snapshot(draft.store) == before
    (flow,) = preview.flows
    assert (flow.flow, flow.state, flow.overdue, flow.due_next_24h, flow.later) == (
        "cross_sell", "draft", 1, 1, 1)
    assert preview.sentence() == ("1 email in the next 24 hours, 1 later; 1 is overdue (their "
                                  "time has passed): skip them or send them.")
    assert flow.label == "Cross-sell after 48 hours"


def test_going_live_and_skipping_the_overdue_cancels_them_for_good(draft: StoreBuilder) -> None:
    done = states.go_live(draft.store, ["cross_sell"], overdue="skip", now=NOW, **OPTIONS)
    assert done.overdue_count == 1
    assert _by_email(draft) == {"ann@x.org": ("cancelled", "overdue_skipped"),
                                "bob@x.org": ("planned", None), "cy@x.org": ("planned", None)}
    assert states.load_states(draft.store)["cross_sell"] == "live"
    assert done.sentence() == ("Cross-sell after 48 hours is Live: 2 emails planned, 1 of them "
                               "in the next 24 hours. Skipped 1 overdue (not sent late).")
    _plan(draft)                                 # later runs never revive the skipped one
    assert _by_email(draft)["ann@x.org"] == ("cancelled", "overdue_skipped")
    status = {s.name: s for s in states.status(draft.store, now=NOW)}
    cross = status["cross_sell"]
    assert (cross.state, cross.planned, cross.due_next_24h, cross.overdue, cross.sent) == (
        "live", 2, 1, 0, 0)
    assert status["review"].state == "draft"


def test_going_live_and_sending_the_overdue_keeps_them(draft: StoreBuilder) -> None:
    done = states.go_live(draft.store, ["cross_sell"], overdue="send", now=NOW, **OPTIONS)
    assert done.overdue_count == 1
    assert {s for s, _ in _by_email(draft).values()} == {"planned"}
    cross = states.status(draft.store, now=NOW)[0]
    assert (cross.planned, cross.due_next_24h, cross.overdue) == (3, 1, 1)


def test_paused_keeps_its_rows_as_they_are_and_resuming_asks_again(draft: StoreBuilder) -> None:
    states.go_live(draft.store, ["cross_sell"], overdue="send", now=NOW, **OPTIONS)
    assert states.pause(draft.store, ["cross_sell", "review"], now=NOW) == {
        "cross_sell": "paused", "review": "draft"}
    kept = draft.outbox()
    later = "2026-03-05T16:00:00Z"              # bob's email (due 14:00) is now overdue too
    assert _plan(draft, later).messages.empty
    assert draft.outbox().equals(kept)           # not cancelled, not refreshed, not sent
    assert send_due(draft.store, now=later).stopped == "no flow is Live, so nothing is sent"
    preview = states.preview_go_live(draft.store, ["cross_sell"], now=later, **OPTIONS)
    assert (preview.flows[0].state, preview.overdue, preview.due_next_24h,
            preview.later) == ("paused", 2, 1, 0)      # cy: 03-06 15:00 < 03-06 16:00
    assert draft.outbox().equals(kept)
    states.go_live(draft.store, ["cross_sell"], overdue="skip", now=later, **OPTIONS)
    assert _by_email(draft) == {"ann@x.org": ("cancelled", "overdue_skipped"),
                                "bob@x.org": ("cancelled", "overdue_skipped"),
                                "cy@x.org": ("planned", None)}


def test_plan_without_write_changes_nothing_and_counts_what_it_would(
        home: Path) -> None:
    shop = _shop(home, live=True)
    before = snapshot(shop.store)
    preview = _plan(shop, write=False)
    assert snapshot(shop.store) == before
    assert preview.summary()["inserted"] == 3 and len(preview.messages) == 3
    written = _plan(shop)
    assert written.inserted == 3
    assert sorted(written.messages["email"]) == sorted(preview.messages["email"])


def test_unknown_flow_names_are_refused_with_the_known_ones(draft: StoreBuilder) -> None:
    with pytest.raises(InputError, match="there is no flow 'crosssell'.*cross_sell"):
        states.go_live(draft.store, ["crosssell"], now=NOW)
    with pytest.raises(InputError, match="skip or send"):
        states.go_live(draft.store, ["cross_sell"], overdue="maybe", now=NOW)
    assert states.flow_names(["review", "cross-sell"]) == ["cross_sell", "review"]


def test_the_migration_parks_waiting_emails_of_an_existing_store_and_keeps_history(
        home: Path) -> None:
    shop = _shop(home, live=True)               # as before states: every flow planned
    _plan(shop)
    conn = shop.store.connect()
    conn.execute("UPDATE outbox SET state = 'sent', sent_at = ? WHERE email = 'ann@x.org'",
                 (NOW,))
    conn.execute("DROP TABLE flow_states")
    conn.executescript(V10_FLOW_STATES)          # what opening an old store runs
    conn.close()
    store = open_store(home)
    assert set(states.load_states(store).values()) == {"draft"}
    assert _by_email(shop) == {"ann@x.org": ("sent", None), "bob@x.org": ("cancelled", "flow_off"),
                               "cy@x.org": ("cancelled", "flow_off")}
    events = sqlite3.connect(store.db_path).execute(
        "SELECT detail FROM outbox_events WHERE to_state = 'cancelled'").fetchall()
    assert [e[0] for e in events] == ["this flow is in Draft until you make it Live"] * 2
    preview = states.preview_go_live(store, ["cross_sell"], now=NOW, **OPTIONS)
    assert (preview.overdue, preview.due_next_24h, preview.later) == (0, 1, 1)
    states.go_live(store, ["cross_sell"], now=NOW, **OPTIONS)
    assert {e: s for e, (s, _) in _by_email(shop).items()} == {
        "ann@x.org": "sent", "bob@x.org": "planned", "cy@x.org": "planned"}


def test_the_going_live_question_counts_only_what_is_sent_and_names_the_comparison_group(
        home: Path) -> None:
    """Hand-worked: ann (overdue) is in the comparison group, dan (overdue) is not, bob is due
    in the next 24 hours, cy later. The question must say 1 overdue to send, not 2."""
    shop = _shop(home, live=False)
    shop.settings(holdout_share=0.5, review_enabled=False, loyalty_enabled=False,
                  replenishment_enabled=False)
    shop.order("dan@x.org", "2026-03-01 11:00", ["a"])
    for email, held in (("ann@x.org", True), ("bob@x.org", False), ("cy@x.org", False),
                        ("dan@x.org", False)):
        shop.set_holdout(email, held)
    preview = states.preview_go_live(shop.store, ["cross_sell"], now=NOW, **OPTIONS)
    (flow,) = preview.flows
    assert (flow.overdue, flow.due_next_24h, flow.later, flow.held_out,
            flow.held_out_overdue) == (1, 1, 1, 1, 1)
    assert preview.sentence() == (
        "1 email in the next 24 hours, 1 later; 1 is overdue (their time has passed): skip "
        "them or send them. 1 more is for customers in the comparison group, who get nothing "
        "(so we can measure what the emails add); 1 of them overdue.")
    done = states.go_live(shop.store, ["cross_sell"], overdue="send", now=NOW, **OPTIONS)
    assert done.overdue_count == 1
    assert _by_email(shop) == {"ann@x.org": ("cancelled", "holdout"),
                               "bob@x.org": ("planned", None), "cy@x.org": ("planned", None),
                               "dan@x.org": ("planned", None)}


def test_the_question_and_going_live_draw_the_same_comparison_group(home: Path) -> None:
    """Twelve new customers, all overdue, half drawn at random: whatever the draw, the
    question's split is what going Live does."""
    shop = StoreBuilder(home, live=False)
    for key in "abcd":
        shop.product(key)
    shop.settings(holdout_share=0.5, review_enabled=False, loyalty_enabled=False,
                  replenishment_enabled=False)
    for i in range(12):
        shop.order(f"c{i}@x.org", f"2026-03-01 1{i % 10}:00", ["a"])
    preview = states.preview_go_live(shop.store, ["cross_sell"], now=NOW, **OPTIONS)
    assert preview.overdue + preview.held_out_overdue == 12
    assert preview.held_out == preview.held_out_overdue
    states.go_live(shop.store, ["cross_sell"], overdue="send", now=NOW, **OPTIONS)
    got = [s for s, _ in _by_email(shop).values()]
    assert (got.count("planned"), got.count("cancelled")) == (preview.overdue,
                                                              preview.held_out)
