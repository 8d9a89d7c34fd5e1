"""Post-purchase email templates (L2 cross-sell, L3 replenishment and review, L4 loyalty).

- ``context``: the values a template sees, from a real customer (``build_context``,
  ``preview_context``) or a worst-case sample (``worst_case_context``).
- ``render``: ``render_email`` -> ``RenderedEmail(subject, html, text)``, CSS inlined,
  header-safe subject; the merchant's edited sources (kept in the store) in the sandbox.
"""

from ppdesk.core.emails.context import (
    KINDS,
    build_context,
    preview_context,
    unsubscribe_mailto,
    worst_case_context,
)
from ppdesk.core.emails.render import (
    EmailSources,
    RenderedEmail,
    default_sources,
    load_custom_sources,
    render_email,
    render_with_sources,
    save_custom_sources,
)

__all__ = [
    "KINDS", "EmailSources", "RenderedEmail", "build_context", "default_sources",
    "load_custom_sources", "preview_context", "render_email", "render_with_sources",
    "save_custom_sources", "unsubscribe_mailto", "worst_case_context",
]
