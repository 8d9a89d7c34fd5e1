"""The values an email template sees, built from the store (real customers) or a sample.

Every context holds the same keys, so ``StrictUndefined`` only fires on a typo:

- ``content``: the flow's words (``emails.content``) with the tokens filled in, as plain
  text: subject, preheader, heading, intro, cards_heading, code_line, offer_text,
  closing, sign_off ("" hides a part);
- ``cards``: product cards (``emails.cards.card``): name, image_url (https or ""),
  image_alt, image_px, url, price_text, compare_text, sentence, button_text,
  button_url, quantity;
- ``main_button``: text and url ("" when the flow has none);
- ``hero``: the review email's card of the product being reviewed (its button is the
  review link), else None;
- ``store``: name, url, logo_url, primary_color, accent_color, sign_off, sender_name,
  postal_address, language (from ``StoreProfile``; URLs checked, colours hex only);
- ``customer``: first_name (``""`` when unknown: ``content.fill`` leaves it out), email;
- ``order``: number, date, items (product views);
- ``product``: the product concerned (L2: the bought product the suggestions go with;
  L3: the one to reorder or review; L4: the customer's most-bought);
- ``complements``: product views of the suggested products;
- ``kind``, ``shop_url``, ``days_since``, ``typical_days``, ``orders_count``,
  ``cadence_days``, ``review_url``, ``loyalty_url``, ``discount_code``,
  ``unsubscribe_url``, ``subject``.

A product view: id, key, name, image_url, url, price, price_text, reason (kept for
templates a merchant edited before content fields existed; always "" now, because the
analytics' reasons hold figures a customer must not read).

``product_ids`` (the outbox's featured products): for ``cross_sell`` they are the
complements to show (the bought product comes from the trigger order); for the other
kinds the first id is the product concerned, and ``complement_ids`` (review) the
complements. Without them the context picks them itself. The analytics questions
(complements, which bought product they pair with, reorder time, the customer's
cadence) are each one small function below, so they can point at the analytics front
door without touching the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ppdesk.core.emails.cards import LinkContext, card
from ppdesk.core.emails.content import (
    FLOWS,
    TEXT_FIELDS,
    EmailContent,
    default_content,
    effective,
    every,
    everyday_days,
    fill,
    first_sentence,
    load_content,
)
from ppdesk.core.errors import InputError
from ppdesk.core.offers.links import page_link, review_link, safe_http_url
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store import email_content_queries as ecq
from ppdesk.core.store import email_queries as eq
from ppdesk.core.store import products_queries as pq
from ppdesk.core.templating import css_color, money

if TYPE_CHECKING:  # imported where used: analytics loads pandas and scipy
    from ppdesk.core.analytics.evidence import Evidence

KINDS = FLOWS   # the four emails, one per flow (content.FLOWS names them once)
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


# --- Analytics, each question in one small function (the analytics front door answers
# them; only these call into ppdesk.core.analytics). ------------------------------------


def _evidence(store: Store, settings: Settings) -> Evidence:
    from ppdesk.core.analytics.evidence import evidence_for

    return evidence_for(store, settings.analytics)


def _complements_for(store: Store, settings: Settings, basket_keys: Sequence[str], n: int,
                     exclude: Sequence[str] = ()) -> list[str]:
    """Product keys of the best complements of the basket, strongest first (the one
    ranking the planner and the offer builder use too)."""
    found = _evidence(store, settings).complements(list(basket_keys), n=n,
                                                   exclude_keys=tuple(exclude))
    return [str(c.product_key) for c in found]


def _pairs_with(store: Store, settings: Settings, basket_keys: Sequence[str],
                complement_keys: Sequence[str]) -> dict[str, str]:
    """For each complement, the basket product it goes with (the strongest such pairing).

    A complement of the whole basket may pair with only one of its products; the email
    names that one, never the basket's first line (a lip balm beside a dog bowl's
    suggestions).
    """
    if len(basket_keys) == 1:
        return {c: basket_keys[0] for c in complement_keys}
    found: dict[str, tuple[int, str]] = {}
    for key in basket_keys:
        ranked = _complements_for(store, settings, [key], 20)
        for rank, ckey in enumerate(ranked):
            if ckey in complement_keys and (ckey not in found or rank < found[ckey][0]):
                found[ckey] = (rank, key)
    return {c: k for c, (_, k) in found.items()}


def _reorder_days_for(store: Store, settings: Settings, product_key: str) -> float | None:
    """Typical days until customers buy the product again (None without enough data)."""
    figures = _evidence(store, settings).product_timing(product_key).figures
    if not figures or not figures.get("enough_data"):
        return None
    for name in ("median_days_first_to_second", "median_days_between"):
        value = figures.get(name)
        if value is not None and value == value and float(value) > 0:
            return float(value)
    return None


def _favourite_of(store: Store, settings: Settings, customer_id: int) -> int | None:
    """The product the customer bought on the most days (``Evidence.favourites``)."""
    found = _evidence(store, settings).favourites([customer_id], 1).get(customer_id, [])
    return found[0] if found else None


def _cadence_for(store: Store, settings: Settings, customer_id: int,
                 product_id: int) -> float | None:
    """This customer's own rhythm: median days between their purchase days of
    ``product_id`` (the analytics' definition of cadence, ``Evidence.cadence_of``)."""
    days = _evidence(store, settings).cadence_of(customer_id, product_id)
    return None if days is None else float(days)


# --- The context -----------------------------------------------------------------------


def _anchor(items: list[str], pairing: dict[str, str], chosen: list[str]) -> str:
    """The bought product most of the chosen complements go with (ties: the first shown)."""
    votes: dict[str, int] = {}
    for c in chosen:
        if c in pairing:
            votes[pairing[c]] = votes.get(pairing[c], 0) + 1
    if not votes:
        return items[0]
    best = max(votes.values())
    return next(pairing[c] for c in chosen if c in pairing and votes[pairing[c]] == best)


def build_context(store: Store, kind: str, *, customer_id: int, order_id: int | None = None,
                  product_ids: Sequence[int] | None = None,
                  complement_ids: Sequence[int] | None = None, settings: Settings | None = None,
                  today: date | None = None, unsubscribe_url: str | None = None,
                  extra: Mapping[str, Any] | None = None,
                  content: EmailContent | None = None) -> dict[str, Any]:
    """The context of one email to a real customer (see the module doc for the keys)."""
    kind = normalise_kind(kind)
    settings = settings or load_settings(store)
    words = effective(kind, content or load_content(store, kind))
    facts = email_facts(store, kind, customer_id=customer_id, order_id=order_id,
                        product_ids=product_ids, complement_ids=complement_ids,
                        settings=settings, today=today)
    return context_from_facts(facts, words, unsubscribe_url=unsubscribe_url, extra=extra)


@dataclass(frozen=True)
class EmailFacts:
    """What one customer's email is about, before any words: their order, the product
    concerned, the suggested products and the figures the tokens need. Built from the
    store and the analytics (the slow part); the words are laid on by
    :func:`context_from_facts`, so an editor can re-word without asking again."""

    kind: str
    settings: Settings
    today: date | None
    customer: eq.CustomerRow
    order: eq.OrderRow
    bought: list[pq.ProductRow]
    by_key: dict[str, pq.ProductRow]
    product: pq.ProductRow
    chosen: list[pq.ProductRow]
    pairing: dict[str, str]
    qty: dict[int, int]
    orders_count: int
    reorder_days: float | None
    cadence_days: float | None
    compare_at: dict[int, float]


def email_facts(store: Store, kind: str, *, customer_id: int, order_id: int | None = None,
                product_ids: Sequence[int] | None = None,
                complement_ids: Sequence[int] | None = None, settings: Settings | None = None,
                today: date | None = None) -> EmailFacts:
    """The facts of one email to a real customer (see :class:`EmailFacts`)."""
    kind = normalise_kind(kind)
    settings = settings or load_settings(store)
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
        favourite = _favourite_of(store, settings, customer_id) if kind == "loyalty" else None
        wanted = [ln.product_id for ln in lines] + list(product_ids or []) \
            + list(complement_ids or []) + ([favourite] if favourite else [])
        rows = pq.products_by_ids(conn, sorted(set(wanted)))
    finally:
        conn.close()
    qty = {ln.product_id: max(1, round(ln.quantity)) for ln in lines}
    bought = [rows[ln.product_id] for ln in lines if ln.product_id in rows]
    if not bought:
        raise InputError(f"order {order.store_order_id} has no products to write about")
    by_key = {r.product_key: r for r in rows.values()}
    featured = [rows[i] for i in (product_ids or []) if i in rows]
    basket = [r.product_key for r in bought]

    # What the email is about (``product``) and the cards it shows.
    chosen: list[pq.ProductRow] = []
    pairing: dict[str, str] = {}
    if kind == "cross_sell":
        want = max(2, min(3, settings.flows.cross_sell_count))
        chosen = featured[:want] or _rows(store, _complements_for(store, settings, basket, want,
                                                                  exclude=basket))
        pairing = _pairs_with(store, settings, basket, [r.product_key for r in chosen])
        anchor_key = _anchor(basket, pairing, [r.product_key for r in chosen])
        product = by_key[anchor_key]
        # The cards keep the ranking's order, so the email shows exactly what the planner
        # and the offer builder chose, in the same order (one ranking, analytics.evidence).
    elif kind == "loyalty":
        product = (rows.get(favourite) if favourite else None) or (featured or bought)[0]
    elif kind == "review":
        reviewed = featured or bought
        if complement_ids is not None:
            chosen = [rows[i] for i in complement_ids if i in rows][:1]
        else:
            chosen = _rows(store, _complements_for(store, settings, [reviewed[0].product_key], 1,
                                                   exclude=basket))
        # Ask about the reviewed product the suggestion goes with, so that its sentence
        # ("Customers who bought the X often add the Y") is true.
        keys = [r.product_key for r in reviewed]
        pairing = _pairs_with(store, settings, keys, [r.product_key for r in chosen])
        product = by_key[_anchor(keys, pairing, [r.product_key for r in chosen])]
    else:
        product = (featured or bought)[0]

    if product.id not in qty:
        # L4's favourite may not be in the trigger order: reorder what they took last time.
        conn = store.connect()
        try:
            last = eq.last_quantity(conn, customer_id, product.id)
        finally:
            conn.close()
        qty[product.id] = max(1, round(last)) if last else 1
    reorder_days = _reorder_days_for(store, settings, product.product_key) \
        if kind == "replenishment" else None
    cadence_days = _cadence_for(store, settings, customer_id, product.id) \
        if kind == "loyalty" else None
    conn = store.connect()
    try:
        was = ecq.compare_at_prices(conn, sorted({product.id} | {r.id for r in chosen}))
    finally:
        conn.close()
    return EmailFacts(kind, settings, today, cust, order, bought, by_key, product, chosen,
                      pairing, qty, len(dates), reorder_days, cadence_days, was)


def context_from_facts(facts: EmailFacts, words: EmailContent, *,
                       unsubscribe_url: str | None = None,
                       extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The context of the email of ``facts`` with ``words`` (already ``effective``)."""
    kind, settings, today, cust, order = (facts.kind, facts.settings, facts.today,
                                          facts.customer, facts.order)
    bought, by_key, product, chosen = facts.bought, facts.by_key, facts.product, facts.chosen
    pairing, qty, was = facts.pairing, facts.qty, facts.compare_at
    reorder_days, cadence_days = facts.reorder_days, facts.cadence_days
    currency = settings.store.currency
    code = words.discount_code.strip()
    links = LinkContext(settings.store.platform, safe_http_url(settings.store.store_url) or "",
                        settings.offers.coupon_url_param, kind, code)
    ordered = date.fromisoformat(order.order_date)
    days_since = max(0, ((today or date.today()) - ordered).days)
    first_name = (cust.first_name or order.first_name or "").strip()
    tokens = {"first_name": first_name, "store_name": settings.store.name,
              "product": product.name, "quantity": str(qty.get(product.id, 1)),
              "days_since": everyday_days(days_since) if days_since else "",
              "reorder_time": ("about " + everyday_days(reorder_days)) if reorder_days else "",
              "cadence": every(cadence_days), "orders_count": str(facts.orders_count),
              "code": code}

    cards = []
    if kind in ("replenishment", "loyalty"):
        cards.append(card(product, links, currency=currency, quantity=qty.get(product.id, 1),
                          sentence=fill(words.card_sentence, tokens),
                          button_text=fill(words.button_text, tokens),
                          compare_at=was.get(product.id)))
    repeats = _card_repeats_intro(kind, words)
    for row in chosen:
        anchor = by_key.get(pairing.get(row.product_key, ""), product)
        card_tokens = {**tokens, "product": anchor.name, "complement": row.name}
        said = repeats and anchor.product_key == product.product_key
        cards.append(card(row, links, currency=currency,
                          sentence="" if said else fill(words.card_sentence, card_tokens),
                          button_text=fill(words.button_text, tokens),
                          compare_at=was.get(row.id)))
    main = _main_button(kind, words, links, product, tokens)
    hero = _hero(kind, product, links, currency, main)
    filled = {name: fill(getattr(words, name), tokens) for name in TEXT_FIELDS}
    if kind == "cross_sell" and not cards:
        # Nothing strong enough to suggest (the planner sends no such email; the editor's
        # preview and a test send can show one): keep the thank-you, drop the promise.
        filled["intro"] = first_sentence(filled["intro"])
    if kind == "loyalty" and words.offer == "loyalty" and not code:
        filled["offer_text"] = ""  # a reward needs a code: without one, a plain thank-you
    filled["code_line"] = fill(words.code_line, tokens) if code else ""
    filled["sign_off"] = filled["sign_off"] or settings.store.sign_off
    items = [product_view(r, order.currency or currency) for r in bought]
    context: dict[str, Any] = {
        "kind": kind,
        "store": {**store_view(settings), "sign_off": filled["sign_off"]},
        "customer": {"first_name": first_name, "email": cust.email or ""},
        "order": {"number": order.store_order_id, "date": order.order_date, "items": items},
        "product": product_view(product, currency),
        "complements": [product_view(r, currency) for r in chosen],
        "content": filled, "cards": cards, "main_button": main, "hero": hero,
        "shop_url": page_link(links.platform, store_url=links.store_url, page_url=None,
                              discount_code=None, campaign=kind) or "",
        "days_since": days_since,
        "typical_days": round(reorder_days) if reorder_days else None,
        "orders_count": facts.orders_count,
        "cadence_days": round(cadence_days) if cadence_days else None,
        "review_url": main["url"] if kind == "review" else "",
        "loyalty_url": main["url"] if kind == "loyalty" else "",
        "discount_code": code,
        "unsubscribe_url": unsubscribe_url if unsubscribe_url is not None
        else unsubscribe_mailto(settings, cust.email),
        "subject": "",
    }
    context.update(extra or {})
    return context


def _card_repeats_intro(kind: str, words: EmailContent) -> bool:
    """Whether a cross-sell card that goes with the intro's product would only repeat the
    intro: ppdesk's own intro says "customers who bought the {product} like to add", and
    three cards saying "Customers who bought the {product} often add..." read as filler.
    A card that goes with another product of the basket keeps its sentence (the intro
    does not name that one), and so does every card once the merchant edited either text."""
    if kind != "cross_sell":
        return False
    base = default_content(kind)
    return words.intro == base.intro and words.card_sentence == base.card_sentence


def _rows(store: Store, keys: Sequence[str]) -> list[pq.ProductRow]:
    conn = store.connect()
    try:
        found = [pq.product_by_key(conn, key) for key in keys]
    finally:
        conn.close()
    return [r for r in found if r is not None]


def _hero(kind: str, product: pq.ProductRow, links: LinkContext, currency: str,
          main: Mapping[str, str]) -> dict[str, Any] | None:
    """The review email shows the product being reviewed, its button the review link."""
    if kind != "review":
        return None
    hero = card(product, links, currency=currency, sentence="", button_text=main["text"])
    return {**hero, "price_text": "", "compare_text": "", "button_url": main["url"]}


def _main_button(kind: str, words: EmailContent, links: LinkContext, product: pq.ProductRow,
                 tokens: Mapping[str, str]) -> dict[str, str]:
    """The big button under the text: shop (L2), review (L3), subscribe or reward (L4)."""
    text = fill(words.main_button_text, tokens)
    url: str | None = None
    if kind == "cross_sell":
        url = page_link(links.platform, store_url=links.store_url, page_url=None,
                        discount_code=links.discount_code or None, campaign=kind,
                        coupon_param=links.coupon_param)
    elif kind == "review":
        url = review_link(words.review_site, product_url=product.url,
                          review_page_url=words.review_page_url, campaign=kind)
    elif kind == "loyalty":
        if words.offer == "subscription" and words.subscribe_url:
            page: str | None = words.subscribe_url
        elif links.discount_code:
            page = None  # the reward: the store's home with the code applied
        else:
            return {"text": "", "url": ""}
        url = page_link(links.platform, store_url=links.store_url, page_url=page,
                        discount_code=links.discount_code or None, campaign=kind,
                        coupon_param=links.coupon_param)
    if not url or not text:
        return {"text": "", "url": ""}
    return {"text": text, "url": url}


def preview_context(store: Store, kind: str, customer_id: int | None = None, *,
                    settings: Settings | None = None, today: date | None = None,
                    content: EmailContent | None = None) -> dict[str, Any]:
    """A context from a REAL customer of the store (their last order, products, complements).

    Without ``customer_id``: the customer with the newest order (for ``loyalty``, among
    those with two orders or more when there are any; for ``cross_sell`` and ``review``,
    among the recent customers whose last order has something to suggest, so the preview
    shows the email those customers would get). ``content``: words not saved yet (the
    editor's preview and test send); None uses the saved ones.
    """
    kind = normalise_kind(kind)
    settings = settings or load_settings(store)
    if customer_id is None:
        conn = store.connect()
        try:
            customer_id = (eq.preview_customer(conn, min_orders=2) if kind == "loyalty" else None) \
                or (_customer_with_suggestions(store, settings, conn)
                    if kind in ("cross_sell", "review") else None) \
                or eq.preview_customer(conn)
        finally:
            conn.close()
        if customer_id is None:
            raise InputError("no customer with an email in the store yet: import your orders "
                             "to preview with real data")
    return build_context(store, kind, customer_id=customer_id, settings=settings, today=today,
                         content=content)


def _customer_with_suggestions(store: Store, settings: Settings, conn: Any) -> int | None:
    """The most recent of the last 200 customers whose last order has a complement."""
    found = with_suggestions(store, settings, conn, eq.preview_customers(conn, limit=200), 1)
    return found[0] if found else None


def with_suggestions(store: Store, settings: Settings, conn: Any, customer_ids: Sequence[int],
                     limit: int) -> list[int]:
    """The first ``limit`` of ``customer_ids`` whose last order has a complement to suggest
    (what a cross-sell or review email of theirs shows), in the given order."""
    evidence = _evidence(store, settings)
    found: list[int] = []
    for customer_id in customer_ids:
        order = eq.last_order(conn, customer_id)
        if order is None:
            continue
        ids = sorted({ln.product_id for ln in eq.order_lines(conn, order.id)})
        keys = [r.product_key for r in pq.products_by_ids(conn, ids).values()]
        try:
            if keys and evidence.complements(keys, n=1, exclude_keys=keys):
                found.append(customer_id)
        except InputError:   # a line the analytics leaves out (a tip, a gift card)
            continue
        if len(found) >= limit:
            break
    return found


_WORST_NAME = ("Crème brûlée édition spéciale ☕️🔥 — extra-long limited-batch single-origin "
               "Ethiopian Yirgacheffe washed process light roast whole beans, 1 kg resealable bag")
_RTL_NAME = "قهوة عربية مختصة بالهيل"


def worst_case_context(kind: str, *, settings: Settings | None = None,
                       content: EmailContent | None = None) -> dict[str, Any]:
    """A sample for the editor: long names, no image, accents, emoji, right-to-left,
    and a name that tries to be markup (it must show as text)."""
    kind = normalise_kind(kind)
    settings = settings or Settings()
    words = effective(kind, content or default_content(kind))
    currency = settings.store.currency
    links = LinkContext(settings.store.platform, safe_http_url(settings.store.store_url) or "",
                        settings.offers.coupon_url_param, kind, words.discount_code)

    def row(i: int, name: str, price: float | None) -> pq.ProductRow:
        return pq.ProductRow(i, f"SAMPLE-{i}", None, name, price, currency, None, None, None,
                             None)

    product = row(1, _WORST_NAME, 1234567.5)
    others = [row(2, _RTL_NAME, 9.99),
              row(3, '</script><script>alert(1)</script> "><img src=x onerror=alert(1)>', None),
              row(4, "Zoë’s “naïve” façade — 日本語の名前", 0.5)]
    chosen = {"cross_sell": others, "review": others[:1]}.get(kind, [])
    tokens = {"first_name": "Åsa-Maríe 🌷", "store_name": settings.store.name,
              "product": product.name, "quantity": "2", "days_since": everyday_days(33),
              "reorder_time": "about " + everyday_days(45), "cadence": every(28),
              "orders_count": "12", "code": words.discount_code}
    cards = []
    if kind in ("replenishment", "loyalty"):
        cards.append(card(product, links, currency=currency, quantity=2,
                          sentence=fill(words.card_sentence, tokens),
                          button_text=fill(words.button_text, tokens)))
    # every sample suggestion goes with the sample product, as the intro says: the same
    # rule as a customer's email (_card_repeats_intro), so the preview shows what is sent
    said = _card_repeats_intro(kind, words)
    for other in chosen:
        cards.append(card(other, links, currency=currency,
                          sentence="" if said else fill(
                              words.card_sentence, {**tokens, "complement": other.name}),
                          button_text=fill(words.button_text, tokens)))
    filled = {name: fill(getattr(words, name), tokens) for name in TEXT_FIELDS}
    filled["code_line"] = fill(words.code_line, tokens) if words.discount_code else ""
    filled["sign_off"] = filled["sign_off"] or settings.store.sign_off
    main = _main_button(kind, words, links, product, tokens)
    hero = _hero(kind, product, links, currency, main)
    return {
        "kind": kind,
        "store": {**store_view(settings), "sign_off": filled["sign_off"]},
        "customer": {"first_name": tokens["first_name"], "email": "sample@example.com"},
        "order": {"number": "#100000000000001", "date": "2026-01-31",
                  "items": [product_view(product, currency)]},
        "product": product_view(product, currency),
        "complements": [product_view(r, currency) for r in chosen],
        "content": filled, "cards": cards, "main_button": main, "hero": hero,
        "shop_url": links.store_url,
        "days_since": 33, "typical_days": 45, "orders_count": 12, "cadence_days": 28,
        "review_url": "", "loyalty_url": "", "discount_code": words.discount_code,
        "unsubscribe_url": unsubscribe_mailto(settings, "sample@example.com"), "subject": "",
    }
