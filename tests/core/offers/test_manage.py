"""Managing saved offers on a store filled by the real importer: edit in place, pause and
resume (and what Results counts), duplicate, delete and undo, pre-filled details, export."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shopdata import shop_store

from ppdesk.core.errors import InputError
from ppdesk.core.offers import (
    build_offer,
    delete,
    duplicate,
    exportable,
    load_offers,
    pause,
    product_details,
    ranked_complements,
    render_snippet,
    resume,
    save_offer,
    set_product_details,
    shopify_blocks,
    undo_delete,
)
from ppdesk.core.results.report import build_report
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import offers_queries as oq


@pytest.fixture
def store(home: Path) -> Store:
    shop = shop_store(home)
    settings = load_settings(shop)
    settings.store.store_url = "https://shop.example.com"  # the buttons need somewhere to go
    save_settings(shop, settings)
    return shop


def _saved(store: Store, **kw: object) -> int:
    offer = save_offer(store, build_offer(store, "MUG-1", **kw))  # type: ignore[arg-type]
    assert offer.id is not None
    return offer.id


def _stored(store: Store) -> dict[int, oq.OfferRow]:
    conn = store.connect()
    try:
        return {r.id: r for r in oq.list_offers(conn)}
    finally:
        conn.close()


def test_body_text_and_every_edit_survive_a_save_and_reload(store: Store) -> None:
    offer_id = _saved(store)
    edited = build_offer(store, "MUG-1", discount=25, minutes=45, complement_key="PAPER-1",
                         headline="One more thing", call_to_action="Grab it",
                         body="Fits every   mug\nwe sell.", platform="woocommerce")
    save_offer(store, dataclasses.replace(edited, id=offer_id))
    [back] = load_offers(store, active_only=False)
    assert back.id == offer_id  # saved in place, not a second offer
    assert (back.complement.product_key, back.variants[0].discount_percent,
            back.window_minutes, back.headline, back.call_to_action, back.platform) == (
        "PAPER-1", 25.0, 45, "One more thing", "Grab it", "woocommerce")
    assert back.body == "Fits every mug we sell."  # one paragraph
    html = render_snippet(back)
    assert "Fits every mug we sell." in html
    assert "Fits every mug we sell." in shopify_blocks(back)[0].text


def test_an_edit_may_move_the_offer_to_another_product_but_not_onto_another_offer(
        store: Store) -> None:
    offer_id = _saved(store)
    moved = build_offer(store, "TEA-1", complement_key="BEANS-1")
    save_offer(store, dataclasses.replace(moved, id=offer_id))
    rows = _stored(store)
    assert list(rows) == [offer_id]
    assert load_offers(store)[0].trigger.product_key == "TEA-1"
    other = save_offer(store, build_offer(store, "MUG-1"))
    clash = build_offer(store, "MUG-1", complement_key="PAPER-1")
    with pytest.raises(InputError, match="already has its own offer"):
        save_offer(store, dataclasses.replace(clash, id=offer_id))
    assert load_offers(store, active_only=False)[1].id == other.id


def test_body_too_long_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="at most 500"):
        build_offer(store, "MUG-1", body="x" * 501)


def test_pause_and_resume_log_the_moments_and_saving_keeps_the_state(store: Store) -> None:
    offer_id = _saved(store)
    pause(store, offer_id, at=datetime(2026, 3, 4, tzinfo=UTC))
    pause(store, offer_id)  # already paused: no second pause
    assert _stored(store)[offer_id].active is False
    assert load_offers(store) == []  # the default list is the active rules
    # Re-saving from the editor keeps it paused: only resume switches it on.
    save_offer(store, build_offer(store, "MUG-1", discount=20))
    assert _stored(store)[offer_id].active is False
    resume(store, offer_id, at=datetime(2026, 3, 6, tzinfo=UTC))
    assert _stored(store)[offer_id].active is True
    conn = store.connect()
    try:
        pauses = oq.pauses_of(conn, offer_id)
    finally:
        conn.close()
    assert [(p.paused_at, p.resumed_at) for p in pauses] == [
        ("2026-03-04T00:00:00", "2026-03-06T00:00:00")]


def test_orders_placed_while_paused_did_not_see_the_offer(store: Store) -> None:
    offer_id = _saved(store)
    conn = store.connect()
    try:
        with transaction(conn):
            oq.set_live_since(conn, offer_id, "2026-03-01", "2026-03-01T00:00:00")
    finally:
        conn.close()
    # Mug orders #1001..#1008: 2026-03-01..08 at 10:00 -0500 (15:00 UTC), one a day.
    # Paused 03-04 00:00 UTC to 03-06 00:00 UTC: #1004 and #1005 did not see it.
    pause(store, offer_id, at=datetime(2026, 3, 4, tzinfo=UTC))
    resume(store, offer_id, at=datetime(2026, 3, 6, tzinfo=UTC))
    whole = build_report(store).offers
    row = whole[(whole["offer_id"] == offer_id) & whole["variant"].isna()].iloc[0]
    assert row["orders_saw"] == 8 - 2
    # Paused again and left paused from 03-08 00:00: #1008 drops too.
    pause(store, offer_id, at=datetime(2026, 3, 8, tzinfo=UTC))
    whole = build_report(store).offers
    row = whole[(whole["offer_id"] == offer_id) & whole["variant"].isna()].iloc[0]
    assert row["orders_saw"] == 8 - 3


def test_paused_offers_are_not_exported(store: Store) -> None:
    mug = _saved(store)
    tea = save_offer(store, build_offer(store, "TEA-1", complement_key="BEANS-1"))
    pause(store, mug)
    offers = load_offers(store, active_only=False)
    assert [o.trigger.product_key for o in exportable(offers)] == ["TEA-1"]
    assert tea.id is not None
    pause(store, tea.id)
    with pytest.raises(InputError, match="paused"):
        exportable(load_offers(store, active_only=False))


def test_delete_and_undo_put_the_offer_back_whole(store: Store) -> None:
    offer_id = _saved(store, test_discounts=[10])
    pause(store, offer_id, at=datetime(2026, 3, 4, tzinfo=UTC))
    before = _stored(store)[offer_id]
    conn = store.connect()
    try:
        variants_before = oq.variants_of(conn, offer_id)
    finally:
        conn.close()
    gone = delete(store, offer_id)
    assert _stored(store) == {}
    undo_delete(store, gone)
    assert _stored(store)[offer_id] == before
    conn = store.connect()
    try:
        assert oq.variants_of(conn, offer_id) == variants_before
        assert len(oq.pauses_of(conn, offer_id)) == 1
    finally:
        conn.close()
    with pytest.raises(InputError, match="no saved offer"):
        delete(store, 999)


def test_undo_refused_when_the_product_got_a_new_offer(store: Store) -> None:
    gone = delete(store, _saved(store))
    save_offer(store, build_offer(store, "MUG-1", discount=5))
    with pytest.raises(InputError, match="cannot come back"):
        undo_delete(store, gone)
    assert len(_stored(store)) == 1


def test_duplicate_copies_onto_another_product_and_starts_paused(store: Store) -> None:
    offer_id = _saved(store, discount=20, test_discounts=[10], minutes=40, body="Hello")
    copy = duplicate(store, offer_id, "TEA-1")
    rows = _stored(store)
    assert len(rows) == 2 and copy.id in rows
    assert rows[copy.id].active is False
    back = [o for o in load_offers(store, active_only=False) if o.id == copy.id][0]
    assert back.trigger.product_key == "TEA-1"
    assert back.complement.product_key == "BEANS-1"
    assert [v.discount_percent for v in back.variants] == [20.0, 10.0]
    assert (back.window_minutes, back.body) == (40, "Hello")
    # codes differ from the source's (they name the trigger product)
    source = [o for o in load_offers(store) if o.id == offer_id][0]
    assert {v.discount_code for v in back.variants}.isdisjoint(
        {v.discount_code for v in source.variants})
    with pytest.raises(InputError, match="already has an offer"):
        duplicate(store, offer_id, "TEA-1")


def test_product_details_prefilled_from_the_store(store: Store) -> None:
    set_product_details(store, "BEANS-1", image_url="https://shop.example.com/b.png",
                        url="https://shop.example.com/products/beans",
                        platform_variant_id="4455", platform_product_id="77")
    d = product_details(store, "BEANS-1")
    assert (d.image_url, d.url, d.platform_variant_id, d.platform_product_id) == (
        "https://shop.example.com/b.png", "https://shop.example.com/products/beans", "4455",
        "77")
    assert d.photo is None  # never downloaded in this test
    assert product_details(store, "TEA-1").image_url == ""


def test_ranked_complements_start_with_the_builders_pick(store: Store) -> None:
    ranked = ranked_complements(store, "MUG-1")
    assert ranked and ranked[0].product_key == build_offer(store, "MUG-1").complement.product_key
    assert "MUG-1" not in [c.product_key for c in ranked]


def test_trigger_choices_put_products_with_a_companion_first(store: Store) -> None:
    from ppdesk.core.offers.manage import trigger_choices

    keys = trigger_choices(store)["product_key"].tolist()
    # TEA-1 is only ever bought alone (16 orders): most sold, yet after every product that
    # has a companion worth offering.
    assert keys[-1] == "TEA-1"
    assert set(keys) == {"MUG-1", "BEANS-1", "PAPER-1", "TEA-1"}
