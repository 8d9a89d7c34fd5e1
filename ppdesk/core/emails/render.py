"""Rendering one email: subject, HTML (CSS inlined) and plain-text part.

Default templates live in ``resources/templates/emails/<kind>.{subject,html,txt}``. A
merchant's edited versions are stored in the settings table (key
``template:emails/<kind>``) and always render in the sandbox. The HTML goes through
``css_inline`` (Gmail and Outlook ignore most ``<style>`` rules) with remote
stylesheets off, so rendering never makes a network request. Subjects pass
``safety.header_safe``: no CR/LF can reach a header.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import css_inline

from ppdesk.core.emails.context import build_context, normalise_kind
from ppdesk.core.safety import header_safe
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store import settings_queries as sq
from ppdesk.core.templating import default_source, render

_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class EmailSources:
    """Merchant-edited template sources; None keeps ppdesk's default for that part."""

    subject: str | None = None
    html: str | None = None
    text: str | None = None


def _key(kind: str) -> str:
    return f"template:emails/{kind}"


def load_custom_sources(store: Store, kind: str) -> EmailSources:
    kind = normalise_kind(kind)
    conn = store.connect()
    try:
        raw = sq.get_setting(conn, _key(kind))
    finally:
        conn.close()
    if not raw:
        return EmailSources()
    data = json.loads(raw)
    return EmailSources(data.get("subject"), data.get("html"), data.get("text"))


def save_custom_sources(store: Store, kind: str, sources: EmailSources) -> None:
    """Keep the merchant's edits (a part set to None goes back to the default)."""
    kind = normalise_kind(kind)
    conn = store.connect()
    try:
        sq.put_setting(conn, _key(kind), json.dumps(asdict(sources)))
    finally:
        conn.close()


def default_sources(kind: str) -> EmailSources:
    """ppdesk's own templates for ``kind`` (what the editor starts from)."""
    kind = normalise_kind(kind)
    return EmailSources(default_source(f"emails/{kind}.subject"),
                        default_source(f"emails/{kind}.html"),
                        default_source(f"emails/{kind}.txt"))


def inline_css(html: str) -> str:
    return str(_INLINER.inline(html))


def _is_outbox_row(value: Mapping[str, Any]) -> bool:
    return "customer_id" in value and "product_ids" in value and "store" not in value


def _json(value: Any, default: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value.strip() else default
    return default if value is None else value


def _int_or_none(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _context_from_row(store: Store, kind: str, row: Mapping[str, Any],
                      settings: Settings, today: date | None) -> dict[str, Any]:
    """The context of an outbox row (flows' ``product_ids`` and ``details`` honoured)."""
    product_ids = [int(i) for i in _json(row["product_ids"], [])]
    details = _json(row.get("details"), {})
    details = details if isinstance(details, dict) else {}
    complement_ids = None
    extra: dict[str, Any] = {}
    if kind == "review" and "reviewed" in details:
        product_ids = [int(i) for i in details.get("reviewed") or product_ids]
        complement_ids = [int(i) for i in details.get("complements") or []]
    if row.get("unsubscribe_url"):   # the sender's link with this recipient's token
        extra["unsubscribe_url"] = str(row["unsubscribe_url"])
    # Loyalty's purchases and cadence are not taken from ``details``: the email counts the
    # customer's orders and their rhythm of the favourite product itself (emails.context).
    if today is None and row.get("due_at"):
        # The email speaks as of its due time ("ordered 10 days ago"), not of the moment
        # a late or early run happens to render it.
        today = date.fromisoformat(str(row["due_at"])[:10])
    return build_context(store, kind, customer_id=int(row["customer_id"]),
                         order_id=_int_or_none(row.get("trigger_order_id")),
                         product_ids=product_ids, complement_ids=complement_ids,
                         settings=settings, today=today, extra=extra)


def render_email(store: Store, kind: str, context_or_outbox_row: Mapping[str, Any], *,
                 template_source: str | EmailSources | None = None,
                 settings: Settings | None = None, today: date | None = None) -> RenderedEmail:
    """Render ``kind`` (cross_sell | replenishment | review | loyalty) for one customer.

    Args:
        context_or_outbox_row: a context (``emails.context`` keys) or an outbox row
            (``customer_id``, ``trigger_order_id``, ``product_ids``), from which the
            context is built with the store's data.
        template_source: an edited HTML source (str) or ``EmailSources``; rendered in the
            sandbox. None: the merchant's saved edits, else ppdesk's defaults.

    Raises:
        TemplateRenderError: a template does not render; the message names the line.
    """
    kind = normalise_kind(kind)
    settings = settings or load_settings(store)
    # sqlite3.Row and pandas rows are not Mappings but have keys(): dict() takes them all.
    values = dict(context_or_outbox_row)
    if _is_outbox_row(values):
        context = _context_from_row(store, kind, values, settings, today)
    else:
        context = values
    if template_source is None:
        sources = load_custom_sources(store, kind)
    elif isinstance(template_source, str):
        sources = EmailSources(html=template_source)
    else:
        sources = template_source
    return render_with_sources(kind, context, sources)


def render_with_sources(kind: str, context: Mapping[str, Any],
                        sources: EmailSources = EmailSources()) -> RenderedEmail:
    """Render from a ready context (the editor's preview uses this with worst-case samples)."""
    kind = normalise_kind(kind)
    context = dict(context)

    def part(source: str | None, suffix: str, as_kind: str) -> str:
        if source is not None:
            return render(source, context, sandboxed=True, kind=as_kind)  # type: ignore[arg-type]
        return render(f"emails/{kind}.{suffix}", context)

    subject = header_safe(part(sources.subject, "subject", "text"))
    context["subject"] = subject
    html = inline_css(part(sources.html, "html", "html"))
    # Optional parts leave runs of blank lines in the text part: one blank line is enough.
    text = _BLANKS.sub("\n\n", part(sources.text, "txt", "text")).strip() + "\n"
    return RenderedEmail(subject, html, text)
