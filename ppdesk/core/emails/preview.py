"""One flow's email with words not saved yet, for a real customer the merchant picks.

The editor's live preview and "Send me a test" both render through here, and through the
same ``build_context`` and ``render_email`` the sender uses, so what the merchant sees
is what a customer gets once the words are saved. A store without customers yet gets the
editor's worst-case sample instead (``worst_case_context``).

Typing re-renders on every pause, so the slow half of a context (the customer's order,
the suggestions and figures from the analytics: ``context.email_facts``) is kept per
store, data version, flow, customer and settings, and only the words are laid on again
(``context_from_facts``). ``forget_facts`` drops them (the editor calls it when the
store's data changed, e.g. a catalogue import that keeps the orders' data version).

``preview_customers`` lists the customers to pick from: the newest first, among those
whose email of this flow has something to show (a loyalty email needs two orders; a
cross-sell or review email needs a product to suggest). ``customer_id`` None is the
chooser of ``preview_context`` (the first of that list).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from ppdesk.core.emails.content import EmailContent, effective, load_content
from ppdesk.core.emails.context import (
    EmailFacts,
    context_from_facts,
    email_facts,
    normalise_kind,
    preview_context,
    with_suggestions,
    worst_case_context,
)
from ppdesk.core.emails.render import RenderedEmail, render_email
from ppdesk.core.errors import InputError
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store import preview_queries as pvq
from ppdesk.core.store.lines import data_version

_SCAN = 200   # recent customers looked at for a flow's list (the chooser looks at as many)
_KEEP = 16    # facts kept (a few customers of each flow)
_FACTS: OrderedDict[tuple[Any, ...], EmailFacts] = OrderedDict()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class PreviewCustomer:
    """A customer to preview with; ``label`` is what the picker shows."""

    id: int
    email: str
    first_name: str
    last_order_date: str
    orders: int
    label: str


def _label(row: pvq.PreviewCustomerRow) -> str:
    name = (row.first_name or "").strip()
    day = date.fromisoformat(row.last_order_date[:10])
    when = f"{day.day} {day:%b %Y}"   # not %-d: Windows' strftime has no such flag
    orders = "1 order" if row.orders == 1 else f"{row.orders} orders"
    return f"{name + ' · ' if name else ''}{row.email} · last order {when} · {orders}"


def preview_customers(store: Store, flow: str, *, search: str = "", limit: int = 30,
                      settings: Settings | None = None) -> list[PreviewCustomer]:
    """Up to ``limit`` real customers for previewing ``flow``, newest order first.

    Those whose email has something to show come first (loyalty: two orders or more;
    cross-sell and review: a product to suggest); with ``search`` every customer whose
    email or first name holds it is listed, suitable ones first.
    """
    flow = normalise_kind(flow)
    settings = settings or load_settings(store)
    conn = store.connect()
    try:
        rows = pvq.find_customers(conn, search=search, limit=_SCAN)
        ids = [r.id for r in rows]
        if flow == "loyalty":
            good = [r.id for r in rows if r.orders >= 2]
        elif flow in ("cross_sell", "review"):
            good = with_suggestions(store, settings, conn, ids, limit)
        else:
            good = ids
    finally:
        conn.close()
    first = set(good[:limit])
    ordered = [r for r in rows if r.id in first] + [r for r in rows if r.id not in first]
    return [PreviewCustomer(r.id, r.email, (r.first_name or "").strip(), r.last_order_date,
                            r.orders, _label(r)) for r in ordered[:limit]]


def forget_facts() -> None:
    """Drop the kept facts (the store's data changed)."""
    with _LOCK:
        _FACTS.clear()


def _facts(store: Store, flow: str, customer_id: int, settings: Settings,
           today: date | None) -> EmailFacts:
    conn = store.connect()
    try:
        version = data_version(conn)
    finally:
        conn.close()
    key = (str(store.db_path), version, flow, customer_id, repr(settings), today)
    with _LOCK:
        found = _FACTS.get(key)
        if found is not None:
            _FACTS.move_to_end(key)
            return found
    facts = email_facts(store, flow, customer_id=customer_id, settings=settings, today=today)
    with _LOCK:
        _FACTS[key] = facts
        while len(_FACTS) > _KEEP:
            _FACTS.popitem(last=False)
    return facts


def context_for(store: Store, flow: str, content: EmailContent | None = None,
                customer_id: int | None = None, *, settings: Settings | None = None,
                today: date | None = None) -> tuple[dict[str, Any], bool]:
    """The context of ``flow``'s email with ``content`` for ``customer_id`` (None: the
    chooser's customer), and False; or the sample and True when the store has no customer."""
    flow = normalise_kind(flow)
    settings = settings or load_settings(store)
    if customer_id is not None:
        facts = _facts(store, flow, customer_id, settings, today)
        words = effective(flow, content or load_content(store, flow))
        return context_from_facts(facts, words), False
    try:
        return preview_context(store, flow, None, settings=settings, today=today,
                               content=content), False
    except InputError:   # no customer yet: the editor's sample
        return worst_case_context(flow, settings=settings, content=content), True


def preview_email(store: Store, flow: str, content: EmailContent | None = None,
                  customer_id: int | None = None, *, settings: Settings | None = None,
                  today: date | None = None) -> RenderedEmail:
    """``flow``'s email as ``customer_id`` would get it with ``content`` (unsaved words).

    Rendered with the merchant's saved template code, if any, exactly as the sender does.
    """
    settings = settings or load_settings(store)
    context, _sample = context_for(store, flow, content, customer_id, settings=settings,
                                   today=today)
    return render_email(store, flow, context, settings=settings)
