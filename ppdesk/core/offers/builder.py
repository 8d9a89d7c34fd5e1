"""Building, saving and loading thank-you offers (one per trigger product).

The complement comes from the analytics' one ranking (``Evidence.complements``, the
same the planner and the emails use) with its figures, unless the merchant names one.
Defaults (15 %, 30 minutes, headline, call to action) come from ``OfferSettings``;
the merchant can add lower discounts to test (down to 0 %), each a variant with its
own code. Product fields exports lack (image, page URL, platform ids) are entered
here and kept on the product row.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence
from datetime import UTC, datetime

from ppdesk.core.errors import InputError
from ppdesk.core.offers import model
from ppdesk.core.offers.links import PLATFORMS, checked_coupon_param, checked_id, checked_url
from ppdesk.core.offers.model import Evidence, Offer, OfferProduct, OfferVariant
from ppdesk.core.progress import CancelToken, ProgressFn, check
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import offers_queries as oq
from ppdesk.core.store import products_queries as pq


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _product(row: pq.ProductRow, currency: str) -> OfferProduct:
    return OfferProduct(row.id, row.product_key, row.name, row.last_price,
                        row.currency or currency, row.image_url, row.url,
                        row.platform_product_id, row.platform_variant_id)


def unknown_product(store: Store, product_key: str) -> InputError:
    """The exit-2 error for a key the store does not know, with close matches."""
    conn = store.connect()
    try:
        known = pq.all_product_keys(conn)
    finally:
        conn.close()
    by_key = {k: k for k, _ in known}
    by_name = {n.casefold(): k for k, n in known}
    close = difflib.get_close_matches(product_key, list(by_key), n=3, cutoff=0.6)
    close += [by_name[n] for n in difflib.get_close_matches(product_key.casefold(), list(by_name),
                                                            n=3, cutoff=0.6)]
    close = list(dict.fromkeys(close))[:3]
    if not known:
        hint = "; the store has no products yet: import your orders first"
    elif close:
        hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        hint = "; `ppdesk pairs` lists the product keys (SKU, else product name)"
    return InputError(f"no product with key {product_key!r}{hint}")


def _lookup(store: Store, product_key: str) -> pq.ProductRow:
    conn = store.connect()
    try:
        row = pq.product_by_key(conn, product_key.strip())
    finally:
        conn.close()
    if row is None:
        raise unknown_product(store, product_key)
    return row


def _evidence(c: object) -> Evidence:
    return Evidence(getattr(c, "orders_together", None), getattr(c, "confidence", None),
                    getattr(c, "lift", None), getattr(c, "p_value", None),
                    str(getattr(c, "source", "same_order")), str(getattr(c, "reason", "")))


def pick_complement(store: Store, trigger_key: str, settings: Settings) -> tuple[str, Evidence]:
    """The best complement of ``trigger_key`` from analytics, or InputError saying why not."""
    from ppdesk.core.analytics.evidence import evidence_for

    found = evidence_for(store, settings.analytics).complements([trigger_key], n=1)
    if not found:
        raise InputError(
            f"no product is bought with {trigger_key!r} often enough to pick a complement "
            f"(at least {settings.analytics.min_orders_together} orders together, and not a "
            f"fluke once every pair tested is accounted for: q-value at most "
            f"{settings.analytics.max_q_value:g}); name one yourself with --complement KEY")
    best = found[0]
    return str(best.product_key), _evidence(best)


def build_offer(store: Store, product_key: str, *, discount: float | None = None,
                minutes: int | None = None, complement_key: str | None = None,
                test_discounts: Sequence[float] = (), headline: str | None = None,
                call_to_action: str | None = None, platform: str | None = None,
                body: str | None = None, settings: Settings | None = None) -> Offer:
    """The offer for one trigger product (not saved: see ``save_offer``).

    Raises:
        InputError: unknown product (with close matches), no complement found, discount
            outside 0-90 %, window outside 30-60 minutes, unknown platform.
    """
    settings = settings or load_settings(store)
    opts = settings.offers
    trigger = _lookup(store, product_key)
    evidence: Evidence | None = None
    if complement_key:
        complement = _lookup(store, complement_key)
    else:
        key, evidence = pick_complement(store, trigger.product_key, settings)
        complement = _lookup(store, key)
    if complement.id == trigger.id:
        raise InputError("the offered product must differ from the product bought")
    platform = platform or settings.store.platform
    if platform not in PLATFORMS:
        raise InputError(f"unknown platform {platform!r}; use one of {', '.join(PLATFORMS)}")
    percents = [model.checked_discount(opts.discount_percent if discount is None else discount)]
    for extra in test_discounts:
        pct = model.checked_discount(extra)
        if pct not in percents:
            percents.append(pct)
    variants = tuple(OfferVariant(i, pct, model.discount_code(opts.discount_code_prefix, pct,
                                                              trigger.id))
                     for i, pct in enumerate(percents))
    currency = settings.store.currency
    return Offer(
        trigger=_product(trigger, currency), complement=_product(complement, currency),
        variants=variants,
        window_minutes=model.checked_minutes(opts.window_minutes if minutes is None else minutes),
        headline=(headline if headline is not None else opts.headline).strip() or opts.headline,
        call_to_action=(call_to_action if call_to_action is not None
                        else opts.call_to_action).strip() or opts.call_to_action,
        platform=platform, store_url=settings.store.store_url or None,
        coupon_param=checked_coupon_param(opts.coupon_url_param), evidence=evidence,
        body=checked_body(body))


def checked_body(body: str | None) -> str:
    text = " ".join((body or "").split())  # one paragraph: line breaks would not survive
    if len(text) > model.MAX_BODY:
        raise InputError(f"the offer's text must be at most {model.MAX_BODY} characters, "
                         f"got {len(text)}")
    return text


def build_all_offers(store: Store, *, progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None, **kwargs: object
                     ) -> tuple[list[Offer], list[tuple[str, str]]]:
    """An offer for every product that has a complement; ``(offers, [(key, why skipped)])``."""
    settings = kwargs.pop("settings", None) or load_settings(store)
    conn = store.connect()
    try:
        keys = [k for k, _ in pq.all_product_keys(conn)]
    finally:
        conn.close()
    offers: list[Offer] = []
    skipped: list[tuple[str, str]] = []
    chunk = 25
    for start in range(0, len(keys), chunk):
        check(cancel)
        for key in keys[start:start + chunk]:
            try:
                offers.append(build_offer(store, key, settings=settings, **kwargs))  # type: ignore[arg-type]
            except InputError as exc:
                skipped.append((key, exc.reason))
        if progress:
            progress(min(start + chunk, len(keys)), len(keys), "building offers")
    return offers, skipped


def save_offer(store: Store, offer: Offer) -> Offer:
    """Save the offer and its variants; returns it with its id.

    Without an id: insert, or replace the trigger product's offer. With an id (an
    edit): change that offer in place, even when the trigger product changed, unless
    the new trigger product already has another offer.
    """
    now = _now()
    fields = dict(trigger_product_id=offer.trigger.product_id,
                  complement_product_id=offer.complement.product_id,
                  window_minutes=offer.window_minutes, headline=offer.headline,
                  call_to_action=offer.call_to_action, platform=offer.platform,
                  active=offer.active, now=now, body=offer.body)
    conn = store.connect()
    try:
        with transaction(conn):
            other = oq.offer_for_trigger(conn, offer.trigger.product_id)
            stored = other if offer.id is None else oq.offer_by_id(conn, offer.id)
            if stored is not None:
                # Only pause/resume switch an offer off and on (they log the pause for
                # Results); an edit or a rebuild keeps the state it finds.
                fields["active"] = stored.active
            if offer.id is None:
                offer_id = oq.upsert_offer(conn, **fields)  # type: ignore[arg-type]
            elif other is not None and other.id != offer.id:
                raise InputError(f"{offer.trigger.name} already has its own offer; edit that "
                                 "one, or delete it first")
            elif oq.update_offer(conn, offer.id, **fields):  # type: ignore[arg-type]
                offer_id = offer.id
            else:
                raise InputError("this offer was deleted meanwhile; save it as a new offer")
            for v in offer.variants:
                owner = oq.code_owner(conn, v.discount_code)
                if owner is not None and owner != offer_id:
                    raise InputError(f"the discount code {v.discount_code} is already used by "
                                     "another offer; change the code prefix in Settings")
            oq.replace_variants(conn, offer_id,
                                [(v.discount_percent, v.discount_code) for v in offer.variants])
    finally:
        conn.close()
    return dataclasses.replace(offer, id=offer_id, active=bool(fields["active"]))


def load_offers(store: Store, *, active_only: bool = True,
                settings: Settings | None = None) -> list[Offer]:
    """The saved offers (the rule list), oldest first.

    Affinity figures are not stored, so ``evidence`` is None on loaded offers.
    """
    settings = settings or load_settings(store)
    conn = store.connect()
    try:
        rows = oq.list_offers(conn, active_only=active_only)
        ids = sorted({r.trigger_product_id for r in rows} | {r.complement_product_id for r in rows})
        products = pq.products_by_ids(conn, ids)
        variants = {r.id: oq.variants_of(conn, r.id) for r in rows}
    finally:
        conn.close()
    currency = settings.store.currency
    result = []
    for r in rows:
        result.append(Offer(
            trigger=_product(products[r.trigger_product_id], currency),
            complement=_product(products[r.complement_product_id], currency),
            variants=tuple(OfferVariant(v.position, v.discount_percent, v.discount_code)
                           for v in variants[r.id]),
            window_minutes=r.window_minutes, headline=r.headline,
            call_to_action=r.call_to_action, platform=r.platform,
            store_url=settings.store.store_url or None,
            coupon_param=settings.offers.coupon_url_param, id=r.id, active=r.active,
            body=r.body))
    return result


def set_product_details(store: Store, product_key: str, *, image_url: str | None = None,
                        url: str | None = None, platform_product_id: str | None = None,
                        platform_variant_id: str | None = None) -> None:
    """Save the merchant-entered fields of a product, after checking them.

    URLs must be absolute http(s) addresses (no ``javascript:``); platform ids are digits
    (a pasted admin URL or ``gid://shopify/ProductVariant/123`` is reduced to its number).
    """
    row = _lookup(store, product_key)
    values = dict(image_url=checked_url(image_url, "the image URL"),
                  url=checked_url(url, "the product page URL"),
                  platform_product_id=checked_id(platform_product_id, "the product id"),
                  platform_variant_id=checked_id(platform_variant_id, "the variant id"))
    conn = store.connect()
    try:
        with transaction(conn):
            pq.set_product_details(conn, row.id, **values)
    finally:
        conn.close()
