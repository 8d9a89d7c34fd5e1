"""How fast ppdesk renders the thank-you block and the flow emails (figures on stdout).

    .venv/bin/python benchmarks/bench_templates.py

Measures ``render_snippet`` (HTML block with JS) for one offer and for a 50-rule list,
and ``render_with_sources`` (subject + HTML with CSS inlined by css_inline + text) for
every email kind on the worst-case sample. No store is needed: the email context is
the editor's worst-case sample, so the figures are the template cost alone (building a
context from a store adds the analytics' ``best_complements`` call).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ppdesk.core.emails import KINDS, render_with_sources, worst_case_context
from ppdesk.core.offers.model import Offer, OfferProduct, OfferVariant
from ppdesk.core.offers.snippet import render_snippet


def _offer(i: int) -> Offer:
    comp = OfferProduct(10_000 + i, f"C-{i}", f"Complement {i}", 24.90, "USD",
                        image_url="https://cdn.example.com/p.jpg", platform_product_id=str(i))
    return Offer(OfferProduct(i, f"T-{i}", f"Trigger {i}", 12.0, "USD"), comp,
                 (OfferVariant(0, 15, f"THANKS15-{i}"), OfferVariant(1, 10, f"THANKS10-{i}")),
                 30, "Complete your order", "Add to cart", "woocommerce",
                 "https://shop.example.com", "apply_coupon")


def _rate(label: str, call: Callable[[], object], repeat: int) -> None:
    call()  # warm the template cache
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    per = (time.perf_counter() - start) / repeat
    print(f"{label:<44} {per * 1000:8.2f} ms each  {1 / per:10.0f} per second")


def main() -> None:
    one = _offer(1)
    rules = [_offer(i) for i in range(50)]
    _rate("render_snippet, 1 offer", lambda: render_snippet(one), 300)
    _rate("render_snippet, 50-rule list", lambda: render_snippet(rules), 50)
    for kind in KINDS:
        ctx = worst_case_context(kind)
        _rate(f"render_with_sources {kind}", lambda ctx=ctx, kind=kind:
              render_with_sources(kind, ctx), 200)


if __name__ == "__main__":
    main()
