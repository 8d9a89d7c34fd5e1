"""The values an email template sees, built from the store (real customers) or a sample.

Every context holds the same keys, so ``StrictUndefined`` only fires on a typo:

- ``store``: name, url, logo_url, primary_color, accent_color, sign_off, sender_name,
  postal_address, language (from ``StoreProfile``; URLs checked, colours hex only);
- ``customer``: first_name (``"there"`` when unknown), email;
- ``order``: number, date, items (product views);
- ``product``: the product concerned (bought, to reorder, to review, the favourite);
- ``complements``: product views with ``reason`` (the affinity figures in words);
- ``days_since``, ``typical_days``, ``orders_count``, ``cadence_days``,
  ``review_url``, ``loyalty_url``, ``discount_code``, ``unsubscribe_url``, ``subject``.

A product view: id, key, name, image_url, url, price, price_text, reason.

``product_ids`` (the outbox's featured products): for ``cross_sell`` they are the
complements to show (the bought product comes from the trigger order); for the other
kinds the first id is the product concerned, and ``complement_ids`` (review) the
complements. Without them the context picks them itself (``best_complements``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import safe_http_url
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store import email_queries as eq
from ppdesk.core.store import products_queries as pq
from ppdesk.core.templating import css_color, money

KINDS = ("cross_sell", "replenishment", "review", "loyalty")
_ALIASES = {"review_complement": "review", "cross-sell": "cross_sell", "crosssell": "cross_sell"}


def normalise_kind(kind: str) -> str:
    name = _ALIASES.get(kind, kind)
    if name not in KINDS:
        raise InputError(f"unknown email kind {kind!r}; use one of {', '.join(KINDS)}")
    return name


def store_view(settings: Settings) -> dict[str, Any]:
    p = settings.store
    return {"name": p.name, "url": safe_http_url(p.store_url) or "",
            "logo_url": safe_http_url(p.logo_url) or "",
            "primary_color": css_color(p.primary_color, "#1f6f5c"),
            "accent_color": css_color(p.accent_color, "#f2b134"),
            "sign_off": p.sign_off, "sender_name": p.sender_name or p.name,
            "postal_address": p.postal_address, "language": "en"}


def unsubscribe_mailto(settings: Settings, email: str | None = None) -> str:
    """``mailto:`` unsubscribe link to the reply-to (else sender) address; "" if none is set."""
    address = (settings.store.reply_to or settings.sending.from_address).strip()
    if not address or any(ch in address for ch in "\r\n<>\"'?&"):
        return ""
    subject = "Unsubscribe" + (f" {email}" if email else "")
    return f"mailto:{quote(address, safe='@.+-_')}?subject={quote(subject)}"


def product_view(row: pq.ProductRow, currency: str, reason: str = "") -> dict[str, Any]:
    return {"id": row.id, "key": row.product_key, "name": row.name,
            "image_url": safe_http_url(row.image_url) or "",
            "url": safe_http_url(row.url) or "", "price": row.last_price,
            "price_text": money(row.last_price, row.currency or currency)
            if row.last_price is not None else "", "reason": reason}


def _complements(store: Store, settings: Settings, basket_keys: list[str], n: int,
                 exclude: Sequence[str] = ()) -> list[tuple[str, str]]:
    """``(product_key, reason)`` of the best complements of the basket (the one ranking)."""
    from ppdesk.core.analytics.evidence import evidence_for

    found = evidence_for(store, settings.analytics).complements(
        basket_keys, n=n, exclude_keys=tuple(exclude))
    return [(str(c.product_key), str(c.reason)) for c in found]


def _cadence(store: Store, settings: Settings, customer_id: int) -> int | None:
    """The customer's median days between purchase days (the analytics' definition)."""
    from ppdesk.core.analytics.evidence import evidence_for

    return evidence_for(store, settings.analytics).cadence([customer_id])[customer_id]


def build_context(store: Store, kind: str, *, customer_id: int, order_id: int | None = None,
                  product_ids: Sequence[int] | None = None,
                  complement_ids: Sequence[int] | None = None, settings: Settings | None = None,
                  today: date | None = None, unsubscribe_url: str | None = None,
                  extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The context of one email to a real customer (see the module doc for the keys)."""
    kind = normalise_kind(kind)
    settings = settings or load_settings(store)
    currency = settings.store.currency
    conn = store.connect()
    try:
        cust = eq.customer(conn, customer_id)
        if cust is None:
            raise InputError(f"no customer with id {customer_id} in the store")
        order = (eq.order(conn, order_id) if order_id is not None
                 else eq.last_order(conn, customer_id))
        if order is None:
            raise InputError(f"customer {customer_id} has no included order to write about")
        lines = eq.order_lines(conn, order.id)
        dates = eq.order_dates(conn, customer_id)
        wanted = [ln.product_id for ln in lines] + list(product_ids or []) \
            + list(complement_ids or [])
        rows = pq.products_by_ids(conn, sorted(set(wanted)))
    finally:
        conn.close()
    items = [product_view(rows[ln.product_id], order.currency or currency) for ln in lines
             if ln.product_id in rows]
    if not items:
        raise InputError(f"order {order.store_order_id} has no products to write about")
    featured = [rows[i] for i in (product_ids or []) if i in rows]
    if kind == "cross_sell" or not featured:
        product = items[0]
    else:
        product = product_view(featured[0], currency)
    basket = [it["key"] for it in items]
    count = {"cross_sell": max(1, min(3, settings.flows.cross_sell_count)),
             "review": 1, "replenishment": 1, "loyalty": 0}[kind]
    complements: list[dict[str, Any]] = []
    if count:
        # As many as the planner may pick from (it skips what the customer owns), so every
        # featured complement finds its reason in the same ranking.
        reasons = dict(_complements(store, settings, basket, 50, exclude=basket))
        if kind == "cross_sell" and featured:
            chosen = featured[:3]
        elif complement_ids is not None:
            chosen = [rows[i] for i in complement_ids if i in rows][:count]
        else:
            conn = store.connect()
            try:
                found = [pq.product_by_key(conn, key) for key in list(reasons)[:count]]
            finally:
                conn.close()
            chosen = [r for r in found if r is not None]
        complements = [product_view(r, currency, reasons.get(r.product_key, "")) for r in chosen]
    ordered = date.fromisoformat(order.order_date)
    context: dict[str, Any] = {
        "store": store_view(settings),
        "customer": {"first_name": (cust.first_name or order.first_name or "").strip() or "there",
                     "email": cust.email or ""},
        "order": {"number": order.store_order_id, "date": order.order_date, "items": items},
        "product": product, "complements": complements,
        "days_since": max(0, ((today or date.today()) - ordered).days),
        "typical_days": None, "orders_count": len(dates),
        "cadence_days": _cadence(store, settings, customer_id),
        "review_url": product["url"], "loyalty_url": safe_http_url(settings.store.store_url) or "",
        "discount_code": "",
        "unsubscribe_url": unsubscribe_url if unsubscribe_url is not None
        else unsubscribe_mailto(settings, cust.email),
        "subject": "",
    }
    context.update(extra or {})
    return context


def preview_context(store: Store, kind: str, customer_id: int | None = None, *,
                    settings: Settings | None = None, today: date | None = None) -> dict[str, Any]:
    """A context from a REAL customer of the store (their last order, products, complements).

    Without ``customer_id``: the customer with the newest order (for ``loyalty``, among
    those with two orders or more when there are any).
    """
    kind = normalise_kind(kind)
    if customer_id is None:
        conn = store.connect()
        try:
            customer_id = (eq.preview_customer(conn, min_orders=2) if kind == "loyalty" else None) \
                or eq.preview_customer(conn)
        finally:
            conn.close()
        if customer_id is None:
            raise InputError("no customer with an email in the store yet: import your orders "
                             "to preview with real data")
    return build_context(store, kind, customer_id=customer_id, settings=settings, today=today)


_WORST_NAME = ("Crème brûlée édition spéciale ☕️🔥 — extra-long limited-batch single-origin "
               "Ethiopian Yirgacheffe washed process light roast whole beans, 1 kg resealable bag")
_RTL_NAME = "قهوة عربية مختصة بالهيل"


def worst_case_context(kind: str, *, settings: Settings | None = None) -> dict[str, Any]:
    """A sample for the editor: long names, no image, accents, emoji, right-to-left,
    and a name that tries to be markup (it must show as text)."""
    kind = normalise_kind(kind)
    settings = settings or Settings()
    currency = settings.store.currency

    def view(i: int, name: str, price: float | None, reason: str = "") -> dict[str, Any]:
        return {"id": i, "key": f"SAMPLE-{i}", "name": name, "image_url": "", "url": "",
                "price": price, "price_text": money(price, currency) if price else "",
                "reason": reason}

    product = view(1, _WORST_NAME, 1234567.5)
    complements = [
        view(2, _RTL_NAME, 9.99, "Bought together in 41 orders; 3.2 times more often than chance."),
        view(3, '</script><script>alert(1)</script> "><img src=x onerror=alert(1)>', None,
             "A product name that looks like markup shows as text."),
        view(4, "Zoë’s “naïve” façade — 日本語の名前", 0.5, ""),
    ][: (3 if kind == "cross_sell" else 1)]
    return {
        "store": store_view(settings),
        "customer": {"first_name": "Åsa-Maríe 🌷", "email": "sample@example.com"},
        "order": {"number": "#100000000000001", "date": "2026-01-31", "items": [product]},
        "product": product, "complements": complements if kind != "loyalty" else [],
        "days_since": 33, "typical_days": 45, "orders_count": 12, "cadence_days": 28,
        "review_url": "", "loyalty_url": "", "discount_code": "",
        "unsubscribe_url": unsubscribe_mailto(settings, "sample@example.com"), "subject": "",
    }
