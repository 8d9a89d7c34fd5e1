"""The saved offers as the merchant manages them: pause, resume, duplicate, delete and undo,
what the editor pre-fills from the catalogue, and which offers may be exported.

- Pause switches an offer off (``active`` 0) and logs the moment (``offer_pauses``);
  Results leaves out the orders placed while it was paused. A paused offer is not
  exported: ``exportable`` drops it from the HTML rule list (so a re-pasted block no
  longer shows it) and from the Checkout Blocks export; the Shopify block the
  merchant already published stays until they hide it in Shopify (the panel says so).
- Delete returns a ``Deleted`` snapshot (the row, its variants, its pauses) that
  ``undo_delete`` puts back with the same id, so Results keep the offer's history.
- Duplicate copies an offer (complement, discounts, window, texts, platform) onto
  another trigger product, as a new offer that starts paused: nothing reaches a
  customer before the merchant switches it on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.offers.builder import _evidence, _lookup, build_offer, load_offers, save_offer
from ppdesk.core.offers.model import Evidence, Offer
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import offers_queries as oq


def _now(at: datetime | None = None) -> str:
    # Naive UTC, the clock Results compares orders on (results.data.orders_utc).
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ProductDetails:
    """What the editor pre-fills for one product (the catalogue's values, or the merchant's)."""

    product_key: str
    name: str
    price: float | None
    currency: str | None
    image_url: str
    url: str
    platform_variant_id: str
    platform_product_id: str
    photo: Path | None  # the cached photo on disk, when it was downloaded already


def product_details(store: Store, product_key: str) -> ProductDetails:
    """The photo URL, product link and platform ids of ``product_key`` as the store holds
    them (a catalogue import fills the product row; the merchant's edits win)."""
    from ppdesk.core.catalogue import thumbnails

    row = _lookup(store, product_key)
    image = row.image_url or ""
    return ProductDetails(row.product_key, row.name, row.last_price, row.currency, image,
                          row.url or "", row.platform_variant_id or "",
                          row.platform_product_id or "",
                          thumbnails.cached(store.home, image) if image else None)


@dataclass(frozen=True)
class Complement:
    product_key: str
    name: str
    reason: str
    evidence: Evidence


def ranked_complements(store: Store, product_key: str, *, n: int = 8,
                       settings: Settings | None = None) -> list[Complement]:
    """The complements of ``product_key``, best first, from the analytics' one ranking
    (the same the builder picks its suggestion from)."""
    from ppdesk.core.analytics.evidence import evidence_for

    settings = settings or load_settings(store)
    found = evidence_for(store, settings.analytics).complements([product_key], n=n)
    return [Complement(str(c.product_key), str(c.name), str(c.reason), _evidence(c))
            for c in found]


@dataclass(frozen=True)
class Picked:
    """What opening a product in the editor loads: its ranked complements, the chosen one
    (``complement``, else the best), and both products' details."""

    trigger: str
    complements: list[Complement]
    complement: str | None
    trigger_details: ProductDetails
    complement_details: ProductDetails | None


def open_product(store: Store, trigger: str, complement: str | None = None) -> Picked:
    ranked = ranked_complements(store, trigger)
    chosen = complement or (ranked[0].product_key if ranked else None)
    return Picked(trigger, ranked, chosen, product_details(store, trigger),
                  product_details(store, chosen) if chosen else None)


def trigger_choices(store: Store) -> pd.DataFrame:
    """Products for the trigger picker with their number of order lines: first those with
    a recommendable companion (so the editor opens on an offer that works), most sold first."""
    from ppdesk.core.analytics.evidence import evidence_for
    from ppdesk.core.store.lines import load_lines, load_products

    products = load_products(store)
    counts = load_lines(store)["product_id"].value_counts()
    pairs = evidence_for(store).pairs("variant").pairs
    good = pairs[pairs["recommendable"].astype(bool)]
    matched = set(good["product_a"].astype(str)) | set(good["product_b"].astype(str))
    out = products.assign(sold=products["product_id"].map(counts).fillna(0).astype(int),
                          has_match=products["product_key"].astype(str).isin(matched))
    return out.sort_values(["has_match", "sold", "name"], ascending=[False, False, True],
                           kind="stable")


def find_offer(store: Store, offer_id: int, *, settings: Settings | None = None) -> Offer:
    for offer in load_offers(store, active_only=False, settings=settings):
        if offer.id == offer_id:
            return offer
    raise _no_offer(offer_id)


def _no_offer(offer_id: int) -> InputError:
    # the app's place first, the command as the trailing "(or run ...)" the app strips
    return InputError(f"no saved offer number {offer_id}; the Offers page lists the saved "
                      "offers (or run 'ppdesk offer list')")


def _set_active(store: Store, offer_id: int, active: bool, at: datetime | None) -> None:
    now = _now(at)
    conn = store.connect()
    try:
        with transaction(conn):
            row = oq.offer_by_id(conn, offer_id)
            if row is None:
                raise _no_offer(offer_id)
            if row.active == active:
                return
            oq.set_active(conn, offer_id, active, now)
            if active:
                oq.end_pause(conn, offer_id, now)
            else:
                oq.start_pause(conn, offer_id, now)
    finally:
        conn.close()


def pause(store: Store, offer_id: int, *, at: datetime | None = None) -> None:
    """Switch the offer off from now (or ``at``, timezone-aware): no longer exported, the
    orders placed from then on are not counted as having seen it."""
    _set_active(store, offer_id, False, at)


def resume(store: Store, offer_id: int, *, at: datetime | None = None) -> None:
    _set_active(store, offer_id, True, at)


@dataclass(frozen=True)
class Deleted:
    """Everything ``undo_delete`` needs to put the offer back as it was."""

    row: oq.OfferRow
    variants: tuple[oq.VariantRow, ...]
    pauses: tuple[oq.PauseRow, ...]


def delete(store: Store, offer_id: int) -> Deleted:
    conn = store.connect()
    try:
        with transaction(conn):
            row = oq.offer_by_id(conn, offer_id)
            if row is None:
                raise _no_offer(offer_id)
            snapshot = Deleted(row, tuple(oq.variants_of(conn, offer_id)),
                               tuple(oq.pauses_of(conn, offer_id)))
            oq.delete_offer(conn, offer_id)
    finally:
        conn.close()
    return snapshot


def undo_delete(store: Store, deleted: Deleted) -> None:
    """Put a deleted offer back, unless its product got a new offer meanwhile."""
    conn = store.connect()
    try:
        with transaction(conn):
            if oq.offer_for_trigger(conn, deleted.row.trigger_product_id) is not None \
                    or oq.offer_by_id(conn, deleted.row.id) is not None:
                raise InputError("this product has a new offer since; the deleted one "
                                 "cannot come back")
            for v in deleted.variants:
                if oq.code_owner(conn, v.discount_code) is not None:
                    raise InputError(f"the discount code {v.discount_code} is used by another "
                                     "offer now; the deleted one cannot come back")
            oq.restore_offer(conn, deleted.row, list(deleted.variants), list(deleted.pauses))
    finally:
        conn.close()


def duplicate(store: Store, offer_id: int, trigger_key: str, *,
              settings: Settings | None = None) -> Offer:
    """A copy of offer ``offer_id`` for the product ``trigger_key``, saved paused."""
    settings = settings or load_settings(store)
    source = find_offer(store, offer_id, settings=settings)
    target = _lookup(store, trigger_key)
    conn = store.connect()
    try:
        taken = oq.offer_for_trigger(conn, target.id)
    finally:
        conn.close()
    if taken is not None:
        raise InputError(f"{target.name} already has an offer; pick another product, or edit "
                         "that one")
    copy = build_offer(
        store, target.product_key, discount=source.variants[0].discount_percent,
        test_discounts=[v.discount_percent for v in source.variants[1:]],
        minutes=source.window_minutes, complement_key=source.complement.product_key,
        headline=source.headline, call_to_action=source.call_to_action,
        platform=source.platform, body=source.body, settings=settings)
    saved = save_offer(store, dataclasses.replace(copy, active=False))
    assert saved.id is not None
    conn = store.connect()
    try:
        with transaction(conn):
            oq.start_pause(conn, saved.id, _now())
    finally:
        conn.close()
    return saved


def exportable(offers: Sequence[Offer]) -> list[Offer]:
    """The offers an export may carry: the active ones, or InputError when none is."""
    active = [o for o in offers if o.active]
    if not active:
        names = ", ".join(o.trigger.name for o in offers[:3])
        raise InputError(f"the offer for {names} is paused: resume it to export it"
                         if len(offers) == 1 else "every saved offer is paused: resume one "
                         "to export it")
    return active


def with_details(offer: Offer, *, image_url: str, url: str, platform_variant_id: str,
                 platform_product_id: str) -> Offer:
    """``offer`` with the offered product's photo, link and ids as typed in the editor
    (checked like ``set_product_details``), for a preview before they are saved."""
    from ppdesk.core.offers.links import checked_id, checked_url

    complement = dataclasses.replace(
        offer.complement, image_url=checked_url(image_url, "the photo URL"),
        url=checked_url(url, "the product link"),
        platform_variant_id=checked_id(platform_variant_id, "the Shopify variant id"),
        platform_product_id=checked_id(platform_product_id, "the WooCommerce product id"))
    return dataclasses.replace(offer, complement=complement)
